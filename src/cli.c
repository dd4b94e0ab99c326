/* cli.c: the command dispatcher: finds the verb in the command table,
 * parses and checks its declared options, prints help from the same table. */
#include "cli.h"
#include "db.h"
#include "schema.h"
#include "module.h"
#include "util.h"
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const Command *pRunning;

const char *cli_opt(const CliArgs *p, const char *zName) {
  if (!pRunning || !pRunning->aOpt) return 0;
  for (int i = 0; pRunning->aOpt[i].zName; i++)
    if (strcmp(pRunning->aOpt[i].zName, zName) == 0) return p->azVal[i];
  fprintf(stderr, "qiangji: internal: option --%s is not declared for %s\n", zName, pRunning->zName);
  abort();
}

int cli_open_db(const CliArgs *p, int bCreate) { return schema_open(cli_opt(p, "db"), bCreate); }

const char *cli_actor(void) {
  static char zActor[80];
  if (!zActor[0]) {
    struct passwd *pw = getpwuid(getuid());
    snprintf(zActor, sizeof zActor, "cli:%s", pw ? pw->pw_name : "unknown");
  }
  return zActor;
}

static void usage_line(FILE *f, const Command *c) {
  fprintf(f, "qiangji %s%s%s", c->zName, c->zSub ? " " : "", c->zSub ? c->zSub : "");
  for (int i = 0; c->aOpt && c->aOpt[i].zName; i++) {
    const CliOpt *o = &c->aOpt[i];
    fprintf(f, " %s--%s%s%s", o->bRequired ? "" : "[", o->zName, o->bValue ? " VALUE" : "", o->bRequired ? "" : "]");
  }
  if (c->zArgs && c->zArgs[0]) fprintf(f, " %s", c->zArgs);
  fputc('\n', f);
}

static void command_help(FILE *f, const Command *c) {
  usage_line(f, c);
  fprintf(f, "\n  %s\n\n", c->zHelp);
  for (int i = 0; c->aOpt && c->aOpt[i].zName; i++)
    fprintf(f, "  --%-16s %s%s\n", c->aOpt[i].zName, c->aOpt[i].zHelp, c->aOpt[i].bRequired ? " (required)" : "");
}

/* Every command of every module, reports included (report_command builds
 * theirs): calls xEach for each, in module order, until it returns nonzero. */
static int each_command(int (*xEach)(const Command *, void *), void *pCtx) {
  static Command cmd;
  static CliOpt aOpt[CLI_MAX_OPTS];
  for (int m = 0; m < module_n; m++) {
    for (int i = 0; i < module_ap[m]->nCommand; i++)
      if (xEach(&module_ap[m]->aCommand[i], pCtx)) return 1;
    for (int i = 0; i < module_ap[m]->nReport; i++) {
      report_command(&module_ap[m]->aReport[i], &cmd, aOpt);
      if (xEach(&cmd, pCtx)) return 1;
    }
  }
  return 0;
}

static int help_line(const Command *c, void *pCtx) {
  FILE *f = pCtx;
  char zName[64];
  snprintf(zName, sizeof zName, "%s%s%s", c->zName, c->zSub ? " " : "", c->zSub ? c->zSub : "");
  const char *zDot = strstr(c->zHelp, ". ");
  fprintf(f, "  %-18s %.*s\n", zName, zDot ? (int)(zDot - c->zHelp + 1) : (int)strlen(c->zHelp), c->zHelp);
  return 0;
}

static void main_help(FILE *f) {
  fprintf(f, "qiangji: the grassroots Party-building platform (强基)\n\nCommands:\n");
  each_command(help_line, f);
  fprintf(f, "\nEach command has --help. Exit codes: 0 ok, 1 failed, 2 wrong usage.\n");
}

/* The search for argv's verb: "name" or "name sub". */
typedef struct Find {
  int argc;
  char **argv;
  Command found;          /* a copy: a report's Command is rebuilt for each */
  CliOpt aOpt[CLI_MAX_OPTS];
  int bFound, bNameKnown, iArg;
  FILE *pUsage;           /* set: print the usage line of each command of that name */
} Find;

static int find_one(const Command *c, void *pCtx) {
  Find *p = pCtx;
  if (strcmp(c->zName, p->argv[1]) != 0) return 0;
  p->bNameKnown = 1;
  if (p->pUsage) {
    usage_line(p->pUsage, c);
    return 0;
  }
  if (c->zSub && !(p->argc > 2 && strcmp(c->zSub, p->argv[2]) == 0)) return 0;
  p->found = *c;
  if (c->aOpt) {
    int n = 0;
    while (n < CLI_MAX_OPTS - 1 && c->aOpt[n].zName) n++;
    memcpy(p->aOpt, c->aOpt, sizeof(CliOpt) * (size_t)n);
    memset(&p->aOpt[n], 0, sizeof(CliOpt));
    p->found.aOpt = p->aOpt;
  }
  p->iArg = c->zSub ? 3 : 2;
  p->bFound = 1;
  return 1;
}

static int is_help(const char *z) { return strcmp(z, "--help") == 0 || strcmp(z, "-h") == 0 || strcmp(z, "help") == 0; }

int cli_main(int argc, char **argv) {
  if (argc < 2 || is_help(argv[1])) {
    main_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  /* Find the verb: "name" or "name sub". */
  static Find find;
  memset(&find, 0, sizeof find);
  find.argc = argc;
  find.argv = argv;
  each_command(find_one, &find);
  const Command *pCmd = find.bFound ? &find.found : 0;
  int iArg = find.iArg;
  if (!pCmd) {
    if (!find.bNameKnown) {
      util_die_msg("unknown command '%s' (see qiangji --help)", argv[1]);
      return 2;
    }
    FILE *f = argc > 2 && is_help(argv[2]) ? stdout : stderr;
    if (f == stderr) util_die_msg("'%s' needs one of:", argv[1]);
    find.pUsage = f;
    each_command(find_one, &find);
    return f == stdout ? 0 : 2;
  }
  CliArgs args;
  memset(&args, 0, sizeof args);
  pRunning = pCmd;
  for (int i = iArg; i < argc; i++) {
    const char *z = argv[i];
    if (is_help(z)) {
      command_help(stdout, pCmd);
      return 0;
    }
    if (strncmp(z, "--", 2) == 0 && z[2]) {
      const char *zName = z + 2, *zEq = strchr(zName, '=');
      size_t nName = zEq ? (size_t)(zEq - zName) : strlen(zName);
      int k = -1;
      for (int j = 0; pCmd->aOpt && pCmd->aOpt[j].zName; j++)
        if (strlen(pCmd->aOpt[j].zName) == nName && strncmp(pCmd->aOpt[j].zName, zName, nName) == 0) k = j;
      if (k < 0) {
        util_die_msg("unknown option %.*s for '%s %s' (see --help)", (int)nName + 2, z, pCmd->zName,
                     pCmd->zSub ? pCmd->zSub : "");
        return 2;
      }
      if (pCmd->aOpt[k].bValue) {
        if (zEq) args.azVal[k] = zEq + 1;
        else if (i + 1 < argc) args.azVal[k] = argv[++i];
        else {
          util_die_msg("option --%s needs a value", pCmd->aOpt[k].zName);
          return 2;
        }
      } else {
        if (zEq) {
          util_die_msg("option --%s takes no value", pCmd->aOpt[k].zName);
          return 2;
        }
        args.azVal[k] = "1";
      }
      continue;
    }
    if (args.nArg == CLI_MAX_ARGS || args.nArg >= pCmd->nMaxArg) {
      util_die_msg("unexpected argument '%s' (see qiangji %s%s%s --help)", z, pCmd->zName, pCmd->zSub ? " " : "",
                   pCmd->zSub ? pCmd->zSub : "");
      return 2;
    }
    args.azArg[args.nArg++] = z;
  }
  for (int j = 0; pCmd->aOpt && pCmd->aOpt[j].zName; j++)
    if (pCmd->aOpt[j].bRequired && !args.azVal[j]) {
      util_die_msg("missing --%s (usage below)", pCmd->aOpt[j].zName);
      usage_line(stderr, pCmd);
      return 2;
    }
  if (args.nArg < pCmd->nMinArg) {
    util_die_msg("missing %s (usage below)", pCmd->zArgs);
    usage_line(stderr, pCmd);
    return 2;
  }
  int rc = pCmd->xRun(&args);
  db_close();
  return rc;
}
