/* server.c: the verbs that run or inspect the server (init, serve, routes)
 * and the route that serves the OpenAPI document. */
#include "api.h"
#include "module.h"
#include "assets.h"
#include "cli.h"
#include "db.h"
#include "http.h"
#include "module.h"
#include "pinyin.h"
#include "util.h"
#include <pthread.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The OpenAPI document: the base part with every module's part merged in,
 * built once (read-only afterwards). */
static pthread_once_t openapiOnce = PTHREAD_ONCE_INIT;
static char *zOpenapi;

static void openapi_build(void) {
  json_error_t err;
  json_t *pPart = json_loadb(assets_openapi_json, (size_t)(assets_openapi_json_end - assets_openapi_json), 0, &err);
  json_t *pDoc = json_object_get(pPart, "");
  if (!json_is_object(pDoc)) {
    fprintf(stderr, "qiangji: internal: the built-in OpenAPI document does not parse: %s\n", err.text);
    zOpenapi = xstrdup("{}");
    json_decref(pPart);
    return;
  }
  /* Each module's fragment, in module order; a fragment that no module
   * names, or a name with no fragment, is a mistake of the build. */
  for (int m = 0; m < module_n; m++) {
    const char *zName = module_ap[m]->zOpenapi;
    if (!zName) continue;
    json_t *p = json_object_get(pPart, zName);
    if (p) json_object_update_recursive(pDoc, p);
    else fprintf(stderr, "qiangji: internal: module %s names src/openapi/%s.json, which is not built in\n",
                 module_ap[m]->zName, zName);
  }
  const char *zKey;
  json_t *v;
  json_object_foreach(pPart, zKey, v) {
    int bNamed = !zKey[0];
    for (int m = 0; m < module_n && !bNamed; m++) bNamed = module_ap[m]->zOpenapi && !strcmp(module_ap[m]->zOpenapi, zKey);
    if (!bNamed) fprintf(stderr, "qiangji: internal: src/openapi/%s.json is named by no module\n", zKey);
  }
  zOpenapi = json_dumps(pDoc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  json_decref(pPart);
}

/* ---- what the UI reads: enumerations, field lists, module extras ------------------ */

const Enum *module_enum(const char *zName) {
  for (int m = 0; m < module_n; m++)
    for (int i = 0; i < module_ap[m]->nEnum; i++)
      if (strcmp(module_ap[m]->aEnum[i].zName, zName) == 0) return &module_ap[m]->aEnum[i];
  return 0;
}

static const char *const azTypeName[] = {
  [FT_TEXT] = "text", [FT_CODE] = "code", [FT_ENUM] = "enum", [FT_DATE] = "date", [FT_IDNUM] = "idnum",
  [FT_PHONE] = "phone", [FT_BOOL] = "bool", [FT_MONEY] = "money", [FT_REGION] = "region", [FT_INT] = "int",
  [FT_TENTHS] = "tenths", [FT_MONTH] = "month", [FT_YEAR] = "year", [FT_ID] = "id", [FT_TIME] = "time",
  [FT_STAMP] = "stamp", [FT_SECRET] = "secret", [FT_LIST] = "list", [FT_ROWS] = "rows",
};

/* A field list as the UI reads it. */
static json_t *fields_json(const Field *aField, int nField) {
  json_t *a = json_array();
  for (int i = 0; i < nField; i++) {
    const Field *pF = &aField[i];
    json_t *aOpt = json_null();
    if (pF->azEnum) {
      aOpt = json_array();
      for (int k = 0; pF->azEnum[k]; k++) json_array_append_new(aOpt, json_string(pF->azEnum[k]));
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:o, s:b, s:b, s:b, s:o}", "name", pF->zJson, "label", pF->zHeader,
                          "type", azTypeName[pF->type], "required", (pF->flags & F_REQUIRED) != 0, "max",
                          pF->nMax ? json_integer(pF->nMax) : json_null(), "contact", (pF->flags & F_CONTACT) != 0,
                          "pii", (pF->flags & F_PII) != 0, "readonly", (pF->flags & F_READONLY) != 0, "options",
                          aOpt);
    if (pF->type == FT_INT || pF->type == FT_TENTHS || pF->type == FT_YEAR) {
      json_object_set_new(o, "min", json_integer(pF->iMin));
      json_object_set_new(o, "max_value", json_integer(pF->iMax));
    }
    if ((pF->type == FT_LIST || pF->type == FT_ROWS) && pF->aSub)
      json_object_set_new(o, "fields", fields_json(pF->aSub, pF->type == FT_LIST ? 1 : pF->nSub));
    json_array_append_new(a, o);
  }
  return a;
}

int module_enum_has(const char *zName, const char *zValue) {
  for (int m = 0; m < module_n && zValue; m++) {
    const Module *pM = module_ap[m];
    for (int i = 0; strcmp(zName, "audit_entity") == 0 && i < pM->nAuditEntity; i++)
      if (strcmp(pM->aAuditEntity[i].zEntity, zValue) == 0) return 1;
    for (int i = 0; i < pM->nEnum; i++)
      if (strcmp(pM->aEnum[i].zName, zName) == 0)
        for (int k = 0; pM->aEnum[i].azValue[k]; k++)
          if (strcmp(pM->aEnum[i].azValue[k], zValue) == 0) return 1;
  }
  return 0;
}

json_t *module_meta_json(void) {
  json_t *pEnums = json_object(), *pForms = json_object();
  json_t *pOut = json_pack("{s:o, s:o}", "enums", pEnums, "forms", pForms);
  for (int m = 0; m < module_n; m++) {
    const Module *pM = module_ap[m];
    for (int i = 0; i < pM->nEnum; i++) {
      const Enum *e = &pM->aEnum[i];
      /* Several modules may add to one enumeration (audit_action). */
      json_t *a = json_object_get(pEnums, e->zName);
      if (!a) json_object_set_new(pEnums, e->zName, a = json_array());
      for (int k = 0; e->azValue[k]; k++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "value", e->azValue[k], "label",
                                           e->azLabel ? e->azLabel[k] : e->azValue[k]));
    }
    if (pM->nAuditEntity && !json_object_get(pEnums, "audit_entity"))
      json_object_set_new(pEnums, "audit_entity", json_array());
    for (int i = 0; i < pM->nAuditEntity; i++)
      json_array_append_new(json_object_get(pEnums, "audit_entity"),
                            json_pack("{s:s, s:s}", "value", pM->aAuditEntity[i].zEntity, "label", pM->aAuditEntity[i].zLabel));
    for (int i = 0; i < pM->nForm; i++)
      json_object_set_new(pForms, pM->aForm[i].zName, fields_json(pM->aForm[i].aField, pM->aForm[i].nField));
    if (pM->xMeta) {
      json_t *p = pM->xMeta();
      if (p) json_object_update(pOut, p);
      json_decref(p);
    }
  }
  return pOut;
}

static pthread_once_t metaOnce = PTHREAD_ONCE_INIT;
static char *zMeta;
static void meta_build(void) {
  json_t *p = module_meta_json();
  zMeta = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(p);
}

/* GET /api/v1/meta: built once; the same for everyone (nothing in it is private). */
static void meta_get(Req *r) {
  pthread_once(&metaOnce, meta_build);
  r->status = 200;
  r->zContentType = "application/json; charset=utf-8";
  r->zCacheControl = "no-cache";
  buf_puts(&r->out, zMeta);
}

static void openapi_get(Req *r) {
  pthread_once(&openapiOnce, openapi_build);
  r->status = 200;
  r->zContentType = "application/json; charset=utf-8";
  buf_puts(&r->out, zOpenapi);
}

static const Route aRouteTable[] = {
  {"GET", "/api/v1/openapi.json", openapi_get, R_PUBLIC, 0, "this API described in OpenAPI 3", 0, 0, 0},
  {"GET", "/api/v1/meta", meta_get, R_PUBLIC, 0,
   "what the UI builds its forms from: enumerations, field lists and the steps of the pipeline, from the C tables", 0,
   0, 0},
};

static int cmd_init(const CliArgs *p) {
  const char *zDb = cli_opt(p, "db");
  FILE *f = fopen(zDb, "rb");
  if (f) {
    fclose(f);
    if (cli_opt(p, "if-missing")) return 0;   /* the service's first start only */
    util_die_msg("%s exists already; init creates a new database only", zDb);
    return 1;
  }
  if (cli_open_db(p, 1)) return 1;
  printf("created %s (schema version %d)\n", zDb, db_schema_version());
  return 0;
}

static int cmd_serve(const CliArgs *p) {
  /* Resident memory stays flat under load (tests/fault/soak.test.mjs): small
   * per-thread page caches under one soft limit (db.h), and two malloc
   * arenas instead of one per worker thread, whose freed pages glibc keeps. */
  db_serve_memory(8192, 48);
  mallopt(M_ARENA_MAX, 2);
  if (cli_open_db(p, 0)) return 1;
  /* Build the pinyin table now rather than on the first request that needs it. */
  char zPy[8], zIn[8];
  pinyin_of("强基", zPy, sizeof zPy, zIn, sizeof zIn);
  for (int m = 0; m < module_n; m++)
    if (module_ap[m]->xStart && module_ap[m]->xStart()) return 1;
  /* The start-up's connection (the statistics index read the whole
   * database through it) is not a worker's: give its cache back. */
  db_close();
  malloc_trim(0);
  const char *zListen = cli_opt(p, "listen");
  const char *zThreads = cli_opt(p, "threads");
  /* No memo_stop here: the helper may be half-way through a province's
   * summary, and joining it would hold up a stop by as long; the process
   * ends with it (its memory is reachable from the kept answers). */
  return http_serve(zListen ? zListen : "127.0.0.1:8080", zThreads ? atoi(zThreads) : 0);
}

static int cmd_routes(const CliArgs *p) {
  (void)p;
  for (int m = 0; m < module_n; m++)
    for (int i = 0; i < module_ap[m]->nRoute; i++) {
      const Route *r = &module_ap[m]->aRoute[i];
      printf("%-6s %-36s %s\n", r->zMethod, r->zPattern, r->zSummary);
    }
  return 0;
}

static const CliOpt aInitOpt[] = {
  {"db", 1, 1, "path of the database file"},
  {"if-missing", 0, 0, "do nothing (exit 0) when the database exists already"},
  {0, 0, 0, 0},
};
static const CliOpt aServeOpt[] = {
  {"db", 1, 1, "path of the database file"},
  {"listen", 1, 0, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free one)"},
  {"threads", 1, 0, "worker threads (default: twice the cores)"},
  {0, 0, 0, 0},
};
static const CliOpt aNoOpt[] = {{0, 0, 0, 0}};

static const Command aCommandTable[] = {
  {"init", 0, cmd_init, aInitOpt, 0, 0, "", "Creates an empty database (SQLite, WAL mode) with the current schema."},
  {"serve", 0, cmd_serve, aServeOpt, 0, 0, "",
   "Serves the JSON API under /api/v1/ until interrupted. Prints the address once listening."},
  {"routes", 0, cmd_routes, aNoOpt, 0, 0, "", "Prints the API's route table: method, pattern, summary."},
};

const Module server_module = {
  .zName = "server",
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aCommand = MODULE_ARRAY(aCommandTable),
};
