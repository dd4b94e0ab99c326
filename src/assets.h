/* assets.h: files built into the binary (the OpenAPI document; later the UI). */
#ifndef QJ_ASSETS_H
#define QJ_ASSETS_H
#include <stddef.h>
/* A JSON array of OpenAPI parts (the base document, then each module's). */
extern const char assets_openapi_json[];
extern const char assets_openapi_json_end[];
#endif
