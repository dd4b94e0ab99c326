/* modules.c: the registry. A new module declares its route table and its
 * command table here, adds one line to each list, and nothing else outside
 * its own file changes. Order here is the order of `qiangji --help` and
 * `qiangji routes`. */
#include "api.h"
#include "cli.h"
#include "http.h"
#include "demo.h"
#include "events.h"
#include "schema.h"
#include "ui.h"
#include "util.h"

#define ROUTES(m) extern const Route m##_aRoute[]; extern const int m##_nRoute;
#define COMMANDS(m) extern const Command m##_aCommand[]; extern const int m##_nCommand;

ROUTES(server) ROUTES(auth) ROUTES(org) ROUTES(member) ROUTES(port) ROUTES(audit)
COMMANDS(server) COMMANDS(port) COMMANDS(auth) COMMANDS(demo) COMMANDS(audit)

const RouteSet http_aRouteSet[] = {
  {server_aRoute, &server_nRoute},
  {auth_aRoute, &auth_nRoute},
  {org_aRoute, &org_nRoute},
  {member_aRoute, &member_nRoute},
  {port_aRoute, &port_nRoute},
  {audit_aRoute, &audit_nRoute},
};
const int http_nRouteSet = (int)ARRAY_LEN(http_aRouteSet);

/* The browser UI's static files (GET outside /api/): ui.c. */
const Handler http_xStatic = ui_serve;

const CommandSet cli_aCommandSet[] = {
  {server_aCommand, &server_nCommand},
  {port_aCommand, &port_nCommand},
  {auth_aCommand, &auth_nCommand},
  {demo_aCommand, &demo_nCommand},
  {audit_aCommand, &audit_nCommand},
};
const int cli_nCommandSet = (int)ARRAY_LEN(cli_aCommandSet);

/* Modules with tables of their own: {name, migrations, &count}. The core
 * tables (orgs, members, users, audit) are schema.c's. */
const SchemaModule schema_aModule[] = {
  {0, 0, 0},  /* C has no empty arrays: schema_nModule says how many are real */
};
const int schema_nModule = 0;

/* Who follows committed changes (events.h). */
const EventListener events_aListener[] = {
  0,
};
const int events_nListener = 0;

/* Modules that add their own demo data to `qiangji demo`. */
const DemoHook demo_aHook[] = {
  0,
};
const int demo_nHook = 0;
