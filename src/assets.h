/* assets.h: files built into the binary (the OpenAPI document; later the UI). */
#ifndef QJ_ASSETS_H
#define QJ_ASSETS_H
#include <stddef.h>
/* The OpenAPI parts as one JSON object: the base document under "", each
 * module's fragment under its name (Module.zOpenapi). */
extern const char assets_openapi_json[];
extern const char assets_openapi_json_end[];
#endif
