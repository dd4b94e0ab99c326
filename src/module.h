/* module.h: a module, declared once. Every feature file (meeting.c, dues.c,
 * ...) ends with one `const Module NAME_module = {...}` that names all it
 * brings to the program, and modules.c lists each module in one line. The
 * HTTP dispatcher, the CLI, the schema migrations, the event listeners, the
 * demo, the statistics index, the enumerations the UI reads and the OpenAPI
 * document all walk that one list; none of them names a module.
 *
 * Order matters in three places, and it is the order of modules.c: schema
 * migrations run in it (a module may index another's table, so it comes
 * after it), demo hooks run in it (training's campaign takes in the meetings
 * made before it), and `qiangji --help` lists commands in it. */
#ifndef QJ_MODULE_H
#define QJ_MODULE_H
#include "api.h"
#include "cli.h"
#include "demo.h"
#include "events.h"
#include "report.h"
#include "stats.h"
#include "util.h"

/* An enumeration the UI needs (step kinds, dues categories, meeting kinds):
 * served by GET /api/v1/meta ("enums") from the same table the C code checks
 * against, so the browser never keeps a copy. azLabel may be NULL when the
 * values are the Chinese words themselves. */
typedef struct Enum {
  const char *zName;                /* "meeting_kind" */
  const char *const *azValue;       /* NULL-terminated */
  const char *const *azLabel;       /* the Chinese names, parallel to azValue, or NULL */
} Enum;

/* A list of declared fields the UI builds a form or a table from, served
 * by GET /api/v1/meta as "forms": {zName: [...]}. */
typedef struct Form {
  const char *zName;                /* "member" */
  const Field *aField;
  int nField;
} Form;

/* An object the module writes to the audit log (audit_append's zEntity):
 * its Chinese name (GET /api/v1/meta "audit_entity") and how the audit list
 * names one by its key when the entry itself carries no name. */
typedef struct AuditEntity {
  const char *zEntity;                  /* "meeting" */
  const char *zLabel;                   /* "会议" */
  const char *zNameSql;                 /* SELECT its name for the key ?1 (text), or NULL: the key is all there is */
} AuditEntity;

typedef struct Module {
  const char *zName;                    /* "meeting"; with migrations, its row in qj_module */
  const Route *aRoute;                  /* its API routes */
  int nRoute;
  const Command *aCommand;              /* its CLI verbs (reports apart) */
  int nCommand;
  const Report *aReport;                /* its `qiangji report NAME` declarations (report.h) */
  int nReport;
  const char *const *azMigration;       /* its tables: migration i+1 takes it from version i */
  int nMigration;
  EventListener xListener;              /* follows committed changes (events.h), or NULL */
  int (*xStart)(void);                  /* builds in-memory state before `serve` listens: 0 or -1 */
  DemoHook xDemo;                       /* adds its deterministic demo data (demo.h), or NULL */
  const StatsFigure *const *apFigure;   /* its figures in the statistics of a subtree (stats.h) */
  int nFigure;
  const Enum *aEnum;                    /* enumerations the UI reads (GET /api/v1/meta "enums"); modules
                                           may add to one name (each adds its own "audit_action" verbs) */
  int nEnum;
  const Form *aForm;                    /* field lists the UI reads (GET /api/v1/meta "forms") */
  int nForm;
  /* More of what the UI reads, merged into GET /api/v1/meta (the steps of
   * the development pipeline, say): a new object, or NULL. */
  json_t *(*xMeta)(void);
  const AuditEntity *aAuditEntity;      /* the objects it writes to the audit log */
  int nAuditEntity;
  const char *zOpenapi;                 /* its fragment src/openapi/NAME.json (NAME without .json), or NULL */
  /* Answers GET and HEAD requests outside /api/ that no route claims (the
   * browser UI's files); the first module that has one serves them. */
  Handler xStatic;
} Module;

/* Fills a {pointer, count} pair of the record from a static array. */
#define MODULE_ARRAY(a) (a), (int)ARRAY_LEN(a)

/* The list (modules.c). */
extern const Module *const module_ap[];
extern const int module_n;

/* The enumeration named zName among every module's, or NULL. */
const Enum *module_enum(const char *zName);
/* 1 if zValue is a value of enumeration zName of any module ("audit_entity":
 * of any module's audit entities). */
int module_enum_has(const char *zName, const char *zValue);
/* The JSON of GET /api/v1/meta: every module's enums, forms and xMeta
 * (new reference). */
json_t *module_meta_json(void);
#endif
