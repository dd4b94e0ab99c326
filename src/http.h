/* http.h: the embedded web server (libmicrohttpd) and the route registry. */
#ifndef QJ_HTTP_H
#define QJ_HTTP_H
#include "api.h"


/* Serves until SIGINT or SIGTERM. zListen is "host:port" (port 0: any free
 * one); prints "listening on http://HOST:PORT" on stdout once ready.
 * Returns the process exit code. */
int http_serve(const char *zListen, int nThread);
#endif
