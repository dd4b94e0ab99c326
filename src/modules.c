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
#include "stats.h"
#include "ui.h"
#include "util.h"

#define ROUTES(m) extern const Route m##_aRoute[]; extern const int m##_nRoute;
#define COMMANDS(m) extern const Command m##_aCommand[]; extern const int m##_nCommand;

ROUTES(server) ROUTES(auth) ROUTES(org) ROUTES(member) ROUTES(port) ROUTES(audit)
ROUTES(stats) ROUTES(annual) ROUTES(develop) ROUTES(transfer) ROUTES(dues) ROUTES(lifecycle)
COMMANDS(server) COMMANDS(port) COMMANDS(auth) COMMANDS(demo) COMMANDS(audit)
COMMANDS(stats) COMMANDS(annual) COMMANDS(develop) COMMANDS(transfer) COMMANDS(dues)
#include "lifecycle.h"
ROUTES(life) ROUTES(life_groups) ROUTES(life_files) COMMANDS(life) ROUTES(obligations) COMMANDS(obligations) ROUTES(training) ROUTES(points)
extern const char *const training_aMigration[]; extern const int training_nMigration;
extern const char *const points_aMigration[]; extern const int points_nMigration;
extern const char *const life_aMigration[]; extern const int life_nMigration;
extern const char *const obligations_aMigration[]; extern const int obligations_nMigration;
extern int life_demo(const DemoOpts *pOpts, const DemoResult *pRes);
extern int training_demo(const DemoOpts *pOpts, const DemoResult *pRes);
extern const StatsFigure life_figMeetings, life_figSecretaries, training_figCourses;

const RouteSet http_aRouteSet[] = {
  {server_aRoute, &server_nRoute},
  {auth_aRoute, &auth_nRoute},
  {org_aRoute, &org_nRoute},
  {member_aRoute, &member_nRoute},
  {port_aRoute, &port_nRoute},
  {audit_aRoute, &audit_nRoute},
  {stats_aRoute, &stats_nRoute},
  {annual_aRoute, &annual_nRoute},
  {life_aRoute, &life_nRoute},
  {life_groups_aRoute, &life_groups_nRoute},
  {life_files_aRoute, &life_files_nRoute},
  {obligations_aRoute, &obligations_nRoute},
  {training_aRoute, &training_nRoute},
  {points_aRoute, &points_nRoute},
  {develop_aRoute, &develop_nRoute},
  {transfer_aRoute, &transfer_nRoute},
  {dues_aRoute, &dues_nRoute},
  {lifecycle_aRoute, &lifecycle_nRoute},
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
  {stats_aCommand, &stats_nCommand},
  {annual_aCommand, &annual_nCommand},
  {life_aCommand, &life_nCommand},
  {obligations_aCommand, &obligations_nCommand},
  {develop_aCommand, &develop_nCommand},
  {transfer_aCommand, &transfer_nCommand},
  {dues_aCommand, &dues_nCommand},
};
const int cli_nCommandSet = (int)ARRAY_LEN(cli_aCommandSet);

/* Modules with tables of their own: {name, migrations, &count}. The core
 * tables (orgs, members, users, audit) are schema.c's. */
const SchemaModule schema_aModule[] = {
  {"life", life_aMigration, &life_nMigration},
  {"obligations", obligations_aMigration, &obligations_nMigration},
  {"training", training_aMigration, &training_nMigration},
  {"points", points_aMigration, &points_nMigration},
  {"lifecycle", lifecycle_aMigration, &lifecycle_nMigration},
};
const int schema_nModule = (int)ARRAY_LEN(schema_aModule);

/* Who follows committed changes (events.h). */
const EventListener events_aListener[] = {
  stats_index_listener,
};
const int events_nListener = 1;

/* Modules that add their own demo data to `qiangji demo`. */
const DemoHook demo_aHook[] = {
  life_demo,
  training_demo,   /* after life_demo: its campaign takes in meetings */
  lifecycle_demo,
};
const int demo_nHook = (int)ARRAY_LEN(demo_aHook);

/* Modules that build in-memory state before the server listens (serve). */
const ServerStart server_aStart[] = {
  stats_index_start,
};
const int server_nStart = (int)ARRAY_LEN(server_aStart);

/* Figures of other modules in the statistics of a subtree (stats.h). */
const StatsFigure *const stats_apFigure[] = {
  &life_figMeetings,
  &life_figSecretaries,
  &training_figCourses,
};
const int stats_nFigure = (int)ARRAY_LEN(stats_apFigure);
