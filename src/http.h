/* http.h: the embedded web server (libmicrohttpd) and the route registry. */
#ifndef QJ_HTTP_H
#define QJ_HTTP_H
#include "api.h"

/* Every module's routes, in one list (modules.c). */
extern const RouteSet http_aRouteSet[];
extern const int http_nRouteSet;
/* Serves GET requests outside /api/ (the browser UI's files), or NULL. */
extern const Handler http_xStatic;

/* Run by `serve` before it listens, in order (modules.c): a module builds
 * the in-memory state it answers from. Each returns 0, or -1 to stop. */
typedef int (*ServerStart)(void);
extern const ServerStart server_aStart[];
extern const int server_nStart;

/* Serves until SIGINT or SIGTERM. zListen is "host:port" (port 0: any free
 * one); prints "listening on http://HOST:PORT" on stdout once ready.
 * Returns the process exit code. */
int http_serve(const char *zListen, int nThread);
#endif
