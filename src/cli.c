/* cli.c: the command dispatcher: finds the verb in the command table,
 * parses and checks its declared options, prints help from the same table. */
#include "cli.h"
#include "config.h"
#include "db.h"
#include "schema.h"
#include "module.h"
#include "util.h"
#include "paths.h"
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

/* Whether an option left out takes the setting of its name (config.h):
 * --listen, --threads, and a required --db. An optional --db (demo's new
 * database) is a choice of the command, never the service's database. */
static int option_is_setting(const CliOpt *o) {
  return o->bValue && config_is_key(o->zName) && (o->bRequired || strcmp(o->zName, "db") != 0);
}

/* What follows an option's help: whether it is required, and whether the
 * config file or the environment may give it instead (config.h). */
static void option_note(const CliOpt *o, char *z, size_t n) {
  if (option_is_setting(o)) {
    char zEnv[64];
    snprintf(zEnv, sizeof zEnv, "QIANGJI_%s", o->zName);
    for (char *c = zEnv; *c; c++) *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    snprintf(z, n, " (%sor the setting %s of the config file, or $%s)", o->bRequired ? "required, " : "", o->zName,
             zEnv);
  } else {
    snprintf(z, n, "%s", o->bRequired ? " (required)" : "");
  }
}

static void command_help(FILE *f, const Command *c) {
  usage_line(f, c);
  fprintf(f, "\n  %s\n\n", c->zHelp);
  for (int i = 0; c->aOpt && c->aOpt[i].zName; i++) {
    char zNote[160];
    option_note(&c->aOpt[i], zNote, sizeof zNote);
    fprintf(f, "  --%-16s %s%s\n", c->aOpt[i].zName, c->aOpt[i].zHelp, zNote);
  }
}

/* ---- declared reports ---------------------------------------------------------- */

static const Report *pReport;   /* the report whose command report_command built last */

/* The organization of --org, or the root. 0, or -1 with a message. */
static int report_scope(const char *zOrg, Scope *p) {
  if (!zOrg) {
    char *zRoot = db_text("SELECT code FROM org WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
    if (!zRoot) {
      util_die_msg("the database has no organizations");
      return -1;
    }
    int rc = scope_lookup(zRoot, p);
    free(zRoot);
    return rc;
  }
  if (scope_lookup(zOrg, p)) {
    util_die_msg("no organization with code '%s'", zOrg);
    return -1;
  }
  return 0;
}

static int report_run(const CliArgs *pArgs) {
  const Report *p = pReport;
  ReportCtx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.pArgs = pArgs;
  ctx.zFormat = cli_opt(pArgs, "format") ? cli_opt(pArgs, "format") : p->zFormat ? p->zFormat : "csv";
  ctx.zOut = cli_opt(pArgs, "out");
  if (strcmp(ctx.zFormat, "csv") && strcmp(ctx.zFormat, "xlsx") && strcmp(ctx.zFormat, "json")) {
    util_die_msg("--format is csv, xlsx or json (got '%s')", ctx.zFormat);
    return 2;
  }
  if (strcmp(ctx.zFormat, "xlsx") == 0 && !ctx.zOut) {
    util_die_msg("--format xlsx needs --out FILE");
    return 2;
  }
  util_today(ctx.zToday);
  ctx.year = atoi(ctx.zToday);
  if (p->flags & (REPORT_YEAR | REPORT_YEARREQ)) {
    const char *zY = cli_opt(pArgs, "year");
    if (zY) {
      char *e;
      long y = strtol(zY, &e, 10);
      if (*e || !zY[0] || y < 1921 || y > ctx.year) {
        util_die_msg("--year is a year from 1921 to this year (got '%s')", zY);
        return 2;
      }
      ctx.year = (int)y;
    }
  }
  if (cli_open_db(pArgs, 0)) return 1;
  if (report_scope(cli_opt(pArgs, "org"), &ctx.scope)) return 1;
  ctx.pOut = rpt_open(ctx.zFormat, ctx.zOut, p->writerFlags);
  if (!ctx.pOut) return 1;
  int rc = p->xRun(&ctx);
  if (rc) {
    rpt_discard(ctx.pOut);   /* no half-written file is left behind */
  } else if (rpt_close(ctx.pOut)) {
    if (ctx.zOut) remove(ctx.zOut);
    rc = 1;
  }
  if (rc == 0 && ctx.zSummary) fprintf((p->flags & REPORT_OUT) ? stdout : stderr, "%s\n", ctx.zSummary);
  free(ctx.zSummary);
  return rc;
}

static void report_command(const Report *p, Command *pCmd, CliOpt *aOpt) {
  int n = 0;
  aOpt[n++] = (CliOpt){"db", 1, 1, "the database"};
  aOpt[n++] = (CliOpt){"org", 1, (p->flags & REPORT_ORG) != 0,
                       (p->flags & REPORT_ORG) ? "code of the organization whose subtree the report covers"
                                               : "code of the subtree's root (default: the whole tree)"};
  if (p->flags & (REPORT_YEAR | REPORT_YEARREQ))
    aOpt[n++] = (CliOpt){"year", 1, (p->flags & REPORT_YEARREQ) != 0,
                         (p->flags & REPORT_YEARREQ) ? "the year, e.g. 2026 (the current year counts up to today)"
                                                     : "the year, e.g. 2026 (default: this year, counted up to today)"};
  aOpt[n++] = (CliOpt){"format", 1, 0,
                       !p->zFormat || strcmp(p->zFormat, "csv") == 0 ? "csv (default), xlsx or json"
                       : strcmp(p->zFormat, "json") == 0             ? "json (default), csv or xlsx"
                                                                     : "xlsx (default), csv or json"};
  aOpt[n++] = (CliOpt){"out", 1, (p->flags & REPORT_OUT) != 0,
                       (p->flags & REPORT_OUT) ? "the file to write" : "the file to write (default: standard output; xlsx needs one)"};
  for (int i = 0; p->aExtra && p->aExtra[i].zName && n < CLI_MAX_OPTS - 1; i++) aOpt[n++] = p->aExtra[i];
  aOpt[n] = (CliOpt){0, 0, 0, 0};
  *pCmd = (Command){"report", p->zName, report_run, aOpt, 0, 0, "", p->zHelp};
  pReport = p;
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
  fprintf(f, "\nEach command has --help. Exit codes: 0 ok, 1 failed, 2 wrong usage.\n"
             "--config FILE, anywhere on the line, reads that config file (default %s, if it exists).\n"
             "qiangji help --man writes the manual page qiangji(1).\n", QJ_CONFIG_FILE);
}

/* ---- the manual page, from the same table -------------------------------------- */

/* Writes z as roff text: backslashes escaped, a leading dot or quote
 * guarded, "-" as a hyphen-minus, characters beyond ASCII as \[uXXXX]
 * (a stray continuation byte is dropped). */
static void roff_text(FILE *f, const char *z) {
  if (*z == '.' || *z == '\'') fputs("\\&", f);
  for (; *z; z++) {
    if (*z == '\\') fputs("\\e", f);
    else if (*z == '-') fputs("\\-", f);
    else if (*z == '\n') {
      fputc('\n', f);
      if (z[1] == '.' || z[1] == '\'') fputs("\\&", f);
    } else if ((unsigned char)*z >= 0xC0) {
      /* Beyond ASCII as groff's \[uXXXX], so the page needs no preconv. */
      unsigned char c = (unsigned char)*z;
      int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      unsigned u = c & (0x3F >> n);
      for (int k = 0; k < n && (z[1] & 0xC0) == 0x80; k++) u = (u << 6) | (*++z & 0x3F);
      fprintf(f, "\\[u%04X]", u);
    } else if ((unsigned char)*z < 0x80) fputc(*z, f);
  }
}

static int man_command(const Command *c, void *pCtx) {
  FILE *f = pCtx;
  fputs(".TP\n.B qiangji ", f);
  roff_text(f, c->zName);
  if (c->zSub) {
    fputc(' ', f);
    roff_text(f, c->zSub);
  }
  for (int i = 0; c->aOpt && c->aOpt[i].zName; i++) {
    const CliOpt *o = &c->aOpt[i];
    fprintf(f, " %s\\-\\-", o->bRequired ? "" : "[");
    roff_text(f, o->zName);
    fprintf(f, "%s%s", o->bValue ? " \\fIVALUE\\fP" : "", o->bRequired ? "" : "]");
  }
  if (c->zArgs && c->zArgs[0]) {
    fputs(" \\fI", f);
    roff_text(f, c->zArgs);
    fputs("\\fP", f);
  }
  fputc('\n', f);
  roff_text(f, c->zHelp);
  fputc('\n', f);
  for (int i = 0; c->aOpt && c->aOpt[i].zName; i++) {
    char zNote[160];
    option_note(&c->aOpt[i], zNote, sizeof zNote);
    fputs(".RS\n.TP\n.B \\-\\-", f);
    roff_text(f, c->aOpt[i].zName);
    fputc('\n', f);
    roff_text(f, c->aOpt[i].zHelp);
    roff_text(f, zNote);
    fputs("\n.RE\n", f);
  }
  return 0;
}

/* qiangji(1) in roff: every verb with its options from the command table,
 * the config file's keys with their defaults, the environment. */
static void man_page(FILE *f) {
  fputs(".\\\" qiangji(1), written by `qiangji help --man` from the command table: do not edit\n"
        ".TH QIANGJI 1 \"\" \"qiangji\" \"User Commands\"\n"
        ".SH NAME\nqiangji \\- the grassroots Party\\-building platform (\\[u5F3A]\\[u57FA])\n"
        ".SH SYNOPSIS\n.B qiangji\n.I command\n.RI [ options ]\n.RB [ \\-\\-config\n.IR file ]\n"
        ".br\n.B qiangji\n.I command\n.B \\-\\-help\n"
        ".SH DESCRIPTION\n"
        "One binary with an embedded SQLite database (WAL mode): the organization tree and roster, import and\n"
        "export, reports, an append\\-only hash\\-chained audit log, and a JSON API under /api/v1/ with the\n"
        "browser UI, served by\n.BR \"qiangji serve\" .\n"
        "Unknown commands and options are refused before anything runs.\n"
        ".SH GLOBAL OPTIONS\n.TP\n.BI \\-\\-config \" file\"\n"
        "Reads the config file\n.I file\n(which must exist) instead of the default. It may stand anywhere on the line.\n"
        ".TP\n.B \\-\\-help\nThe usage of a command, or the list of commands.\n"
        ".SH COMMANDS\n", f);
  each_command(man_command, f);
  fputs(".SH CONFIGURATION\n"
        "The config file is read from\n.BR \\-\\-config ,\nelse\n.BR $QIANGJI_CONFIG ,\nelse\n.I ", f);
  roff_text(f, QJ_CONFIG_FILE);
  fputs("\nwhen it exists. It holds\n.RI \" key \" = \" value \"\n"
        "lines; blank lines and lines starting with # are skipped, and so is \" #\" and what follows it. An unknown\n"
        "key, a line without =, a key given twice or a bad value stops the program with a message naming the\n"
        "file and the line. A value comes from, first to last: the command line (where the command has an\n"
        "option of that name), the environment variable QIANGJI_\\fIKEY\\fP, the config file, the default.\n"
        "The keys:\n", f);
  const char *zName, *zDefault, *zHelp;
  for (int i = 0; config_key(i, &zName, &zDefault, &zHelp); i++) {
    fputs(".TP\n.B ", f);
    roff_text(f, zName);
    fputs("\n", f);
    roff_text(f, zHelp);
    fputs(". Default: ", f);
    roff_text(f, zDefault[0] ? zDefault : "none");
    fputs(".\n", f);
  }
  fputs(".SH ENVIRONMENT\n", f);
  for (int i = 0; config_key(i, &zName, &zDefault, &zHelp); i++) {
    fputs(".TP\n.B QIANGJI_", f);
    for (const char *c = zName; *c; c++) fputc(*c >= 'a' && *c <= 'z' ? *c - 32 : *c, f);
    fputs("\nThe setting\n.BR ", f);
    roff_text(f, zName);
    fputs(" ;\nabove the config file.\n", f);
  }
  fputs(".TP\n.B QIANGJI_CONFIG\nThe config file, when there is no \\-\\-config.\n"
        ".TP\n.B QIANGJI_TODAY\nStands in for the business day (YYYY\\-MM\\-DD), for tests.\n"
        ".TP\n.B QIANGJI_NOW\nStands in for the clock (a UTC moment YYYY\\-MM\\-DDTHH:MM:SSZ), for tests.\n"
        ".TP\n.B QIANGJI_QUIET\nWhen set, the server does not log requests.\n"
        ".SH FILES\n.TP\n.I ", f);
  roff_text(f, QJ_CONFIG_FILE);
  fputs("\nThe config file.\n.TP\n.I ", f);
  roff_text(f, QJ_UI_DIR);
  fputs("\nThe browser UI, when there is no ui/ beside the binary and no ui_dir.\n"
        ".TP\n.I /var/lib/qiangji/qiangji.db\nThe database of the systemd service (qiangji.service).\n"
        ".SH EXIT STATUS\n0 done, 1 failed, 2 wrong usage (an unknown command or option, a bad value, a bad config file).\n"
        ".SH SEE ALSO\n.BR sqlite3 (1),\n.BR systemd.service (5),\n.BR nginx (8)\n", f);
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
  if (argc > 2 && is_help(argv[1]) && strcmp(argv[2], "--man") == 0) {
    man_page(stdout);
    return fflush(stdout) ? 1 : 0;
  }
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
  /* An option that is also a setting (--db, --listen, --threads) falls back
   * to the environment and the config file (config.h). */
  for (int j = 0; pCmd->aOpt && pCmd->aOpt[j].zName; j++)
    if (!args.azVal[j] && option_is_setting(&pCmd->aOpt[j])) args.azVal[j] = config_get(pCmd->aOpt[j].zName);
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
