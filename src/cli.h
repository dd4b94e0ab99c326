/* cli.h: the command table and a small option parser shared by every verb.
 * Each module declares its verbs as Command entries; main.c finds them
 * through the registry in modules.c, prints help from the same entries, and
 * refuses unknown verbs and options before any verb runs. */
#ifndef QJ_CLI_H
#define QJ_CLI_H
#include "api.h"
#include "report.h"

/* A declared option. */
typedef struct CliOpt {
  const char *zName;       /* "db" for --db */
  int bValue;              /* takes a value */
  int bRequired;
  const char *zHelp;
} CliOpt;

#define CLI_MAX_OPTS 16
#define CLI_MAX_ARGS 8

/* What the parser found: values by the declared order, plus positional args. */
typedef struct CliArgs {
  const char *azVal[CLI_MAX_OPTS];   /* value, or "1" for a set flag, or NULL */
  const char *azArg[CLI_MAX_ARGS];
  int nArg;
} CliArgs;

typedef struct Command {
  const char *zName;       /* "import" */
  const char *zSub;        /* "orgs", or NULL for a verb without one */
  int (*xRun)(const CliArgs *pArgs);   /* returns the exit code */
  const CliOpt *aOpt;      /* NULL-name-terminated */
  int nMinArg, nMaxArg;    /* positional arguments */
  const char *zArgs;       /* "FILE" for the usage line */
  const char *zHelp;       /* what it does, a sentence or two */
} Command;

/* ---- reports ----------------------------------------------------------------
 * A report is declared once, in the module that computes it, as a Report in
 * its Module record (module.h). `qiangji report NAME` then exists with the
 * options every report shares, checked before the report runs:
 *   --db PATH (required), --org CODE (default: the root), --year YYYY (when
 *   the report takes a year; default this year), --format csv|xlsx|json,
 *   --out FILE (xlsx needs one), plus any options of its own; the report
 *   writes its tables to an open writer (report.h). */
/* What a report's xRun gets: the checked common options and an open writer. */
typedef struct ReportCtx {
  Scope scope;            /* the organization of --org (default: the root) */
  int year;               /* --year, or this year (for reports with REPORT_YEAR) */
  char zToday[11];        /* the business day */
  const char *zFormat;    /* csv, xlsx or json */
  const char *zOut;       /* --out, or NULL for standard output */
  const CliArgs *pArgs;   /* for the report's own options: cli_opt(p->pArgs, "via") */
  RptWriter *pOut;        /* opened before xRun; closed after it (discarded when it fails) */
  /* Set by xRun (malloc'ed): a line the runner prints once the file is
   * written: on standard output for a report that always writes a file
   * (REPORT_OUT), else on standard error (standard output may be the
   * report). */
  char *zSummary;
} ReportCtx;

/* Flags of a Report. */
#define REPORT_ORG     0x01   /* --org is required (else it defaults to the root) */
#define REPORT_YEAR    0x02   /* takes --year (default: this year) */
#define REPORT_YEARREQ 0x04   /* --year is required */
#define REPORT_OUT     0x08   /* --out is required (whatever the format) */

typedef struct Report {
  const char *zName;          /* "dues-arrears": `qiangji report dues-arrears` */
  /* Writes its tables to p->pOut; returns the exit code: 0, 1 failed, 2 a
   * wrong value of an option of its own (with a message on stderr). */
  int (*xRun)(ReportCtx *p);
  unsigned flags;             /* REPORT_* */
  const char *zFormat;        /* the default format: "csv", "json" or "xlsx" */
  unsigned writerFlags;       /* RPT_* for the writer */
  const CliOpt *aExtra;       /* options of its own, NULL-name-terminated, or NULL */
  const char *zHelp;          /* a sentence or two, for --help */
} Report;


/* Value of option zName for the running command (NULL when absent). */
const char *cli_opt(const CliArgs *p, const char *zName);
/* Runs argv; returns the exit code. */
int cli_main(int argc, char **argv);
/* Opens the --db database of a command (bCreate for init). 0 or -1. */
int cli_open_db(const CliArgs *p, int bCreate);
/* The actor named in the audit log for CLI changes: "cli:USER". */
const char *cli_actor(void);
#endif
