/* server.c: the verbs that run or inspect the server (init, serve, routes)
 * and the route that serves the OpenAPI document. */
#include "api.h"
#include "assets.h"
#include "cli.h"
#include "db.h"
#include "http.h"
#include "pinyin.h"
#include "util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The OpenAPI document: the base part with every module's part merged in,
 * built once (read-only afterwards). */
static pthread_once_t openapiOnce = PTHREAD_ONCE_INIT;
static char *zOpenapi;

static void openapi_build(void) {
  json_error_t err;
  json_t *aPart = json_loadb(assets_openapi_json, (size_t)(assets_openapi_json_end - assets_openapi_json), 0, &err);
  json_t *pDoc = json_array_get(aPart, 0);
  if (!json_is_object(pDoc)) {
    fprintf(stderr, "qiangji: internal: the built-in OpenAPI document does not parse: %s\n", err.text);
    zOpenapi = xstrdup("{}");
    json_decref(aPart);
    return;
  }
  for (size_t i = 1; i < json_array_size(aPart); i++) json_object_update_recursive(pDoc, json_array_get(aPart, i));
  zOpenapi = json_dumps(pDoc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  json_decref(aPart);
}

static void openapi_get(Req *r) {
  pthread_once(&openapiOnce, openapi_build);
  r->status = 200;
  r->zContentType = "application/json; charset=utf-8";
  buf_puts(&r->out, zOpenapi);
}

const Route server_aRoute[] = {
  {"GET", "/api/v1/openapi.json", openapi_get, R_PUBLIC, 0, "this API described in OpenAPI 3", 0, 0, 0},
};
const int server_nRoute = (int)ARRAY_LEN(server_aRoute);

static int cmd_init(const CliArgs *p) {
  const char *zDb = cli_opt(p, "db");
  FILE *f = fopen(zDb, "rb");
  if (f) {
    fclose(f);
    util_die_msg("%s exists already; init creates a new database only", zDb);
    return 1;
  }
  if (cli_open_db(p, 1)) return 1;
  printf("created %s (schema version %d)\n", zDb, db_schema_version());
  return 0;
}

static int cmd_serve(const CliArgs *p) {
  if (cli_open_db(p, 0)) return 1;
  /* Build the pinyin table now rather than on the first request that needs it. */
  char zPy[8], zIn[8];
  pinyin_of("强基", zPy, sizeof zPy, zIn, sizeof zIn);
  for (int i = 0; i < server_nStart; i++)
    if (server_aStart[i]()) return 1;
  const char *zListen = cli_opt(p, "listen");
  const char *zThreads = cli_opt(p, "threads");
  return http_serve(zListen ? zListen : "127.0.0.1:8080", zThreads ? atoi(zThreads) : 0);
}

static int cmd_routes(const CliArgs *p) {
  (void)p;
  for (int s = 0; s < http_nRouteSet; s++)
    for (int i = 0; i < *http_aRouteSet[s].pnRoute; i++) {
      const Route *r = &http_aRouteSet[s].aRoute[i];
      printf("%-6s %-36s %s\n", r->zMethod, r->zPattern, r->zSummary);
    }
  return 0;
}

static const CliOpt aDbOpt[] = {
  {"db", 1, 1, "path of the database file"},
  {0, 0, 0, 0},
};
static const CliOpt aServeOpt[] = {
  {"db", 1, 1, "path of the database file"},
  {"listen", 1, 0, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free one)"},
  {"threads", 1, 0, "worker threads (default: twice the cores)"},
  {0, 0, 0, 0},
};
static const CliOpt aNoOpt[] = {{0, 0, 0, 0}};

const Command server_aCommand[] = {
  {"init", 0, cmd_init, aDbOpt, 0, 0, "", "Creates an empty database (SQLite, WAL mode) with the current schema."},
  {"serve", 0, cmd_serve, aServeOpt, 0, 0, "",
   "Serves the JSON API under /api/v1/ until interrupted. Prints the address once listening."},
  {"routes", 0, cmd_routes, aNoOpt, 0, 0, "", "Prints the API's route table: method, pattern, summary."},
};
const int server_nCommand = (int)ARRAY_LEN(server_aCommand);
