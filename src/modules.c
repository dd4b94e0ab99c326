/* modules.c: the registry, one line per module. Each module declares its
 * record (module.h) at the end of its own file; nothing else outside that
 * file changes for it. Order: migrations and demo hooks run in this order,
 * and `qiangji --help` lists commands in it (see module.h). */
#include "module.h"

extern const Module server_module, auth_module, org_module, member_module, port_module, audit_module, stats_module,
    annual_module, demo_module, meeting_module, meeting_group_module, meeting_file_module, obligations_module,
    training_module, points_module, rule_module, member_status_module, develop_module, transfer_module, dues_module,
    ui_module;

const Module *const module_ap[] = {
  &server_module,        /* init, serve, routes; the OpenAPI document and GET /meta */
  &auth_module,          /* users, sessions */
  &org_module,           /* the organization tree */
  &member_module,        /* the roster */
  &port_module,          /* import and export */
  &audit_module,         /* the audit log */
  &stats_module,         /* statistics of a subtree, the in-memory index */
  &annual_module,        /* the annual statistics tables */
  &demo_module,          /* qiangji demo */
  &meeting_module,       /* organizational life: meetings, attendance, check-in */
  &meeting_group_module, /* party groups and committees */
  &meeting_file_module,  /* meeting attachments */
  &obligations_module,   /* what each branch owes in organizational life */
  &training_module,      /* courses and campaigns (after meeting: its demo campaign takes in meetings) */
  &points_module,        /* members' points */
  &rule_module,          /* the versioned rule parameters the member modules read */
  &member_status_module, /* standing, mobility, membership history; the member-lifecycle demo */
  &develop_module,       /* the development pipeline */
  &transfer_module,      /* transfers of membership */
  &dues_module,          /* Party dues */
  &ui_module,            /* the browser UI's files: GET outside /api/ */
};
const int module_n = (int)ARRAY_LEN(module_ap);
