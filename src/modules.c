/* modules.c: the registry, one line per module. Each module declares its
 * record (module.h) at the end of its own file as `const Module NAME_module`;
 * nothing else outside that file changes for it. Order: migrations and demo
 * hooks run in this order, and `qiangji --help` lists commands in it (see
 * module.h). */
#include "module.h"

#define MODULE_LIST(X)                                                                                 \
  X(server)        /* init, serve, routes; the OpenAPI document and GET /meta */                     \
  X(auth)          /* users, sessions */                                                             \
  X(org)           /* the organization tree */                                                       \
  X(member)        /* the roster */                                                                  \
  X(port)          /* import and export */                                                           \
  X(audit)         /* the audit log */                                                               \
  X(backup)        /* backup and restore of the database */                                          \
  X(stats)         /* statistics of a subtree, the in-memory index */                                \
  X(annual)        /* the annual statistics tables */                                                \
  X(demo)          /* qiangji demo */                                                                \
  X(meeting)       /* organizational life: meetings, attendance, check-in */                         \
  X(meeting_group) /* party groups and committees */                                                 \
  X(meeting_file)  /* meeting attachments */                                                         \
  X(obligations)   /* what each branch owes in organizational life */                                \
  X(training)      /* courses and campaigns (after meeting: its demo campaign takes in meetings) */  \
  X(points)        /* members' points */                                                             \
  X(rule)          /* the versioned rule parameters the member modules read */                       \
  X(member_status) /* standing, mobility, membership history; the member-lifecycle demo */           \
  X(develop)       /* the development pipeline */                                                    \
  X(transfer)      /* transfers of membership */                                                     \
  X(dues)          /* Party dues */                                                                  \
  X(ui)            /* the browser UI's files: GET outside /api/ */

#define MODULE_DECLARE(name) extern const Module name##_module;
MODULE_LIST(MODULE_DECLARE)

#define MODULE_ENTRY(name) &name##_module,
const Module *const module_ap[] = {MODULE_LIST(MODULE_ENTRY)};
const int module_n = (int)ARRAY_LEN(module_ap);
