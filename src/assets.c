/* assets.c: embeds files with the assembler's .incbin, so the one binary
 * carries them; the Makefile rebuilds this file when they change. Paths are
 * relative to the project root, where make runs. build/openapi-parts.json is
 * a JSON object: src/openapi.json under "" and each src/openapi/NAME.json
 * under NAME (the Makefile builds it). */
#include "assets.h"

__asm__(".section .rodata\n"
        ".global assets_openapi_json\n"
        ".global assets_openapi_json_end\n"
        ".balign 16\n"
        "assets_openapi_json:\n"
        ".incbin \"build/openapi-parts.json\"\n"
        "assets_openapi_json_end:\n"
        ".byte 0\n"
        ".previous\n");
