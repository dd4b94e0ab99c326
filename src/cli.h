/* cli.h: the command table and a small option parser shared by every verb.
 * Each module declares its verbs as Command entries; main.c finds them
 * through the registry in modules.c, prints help from the same entries, and
 * refuses unknown verbs and options before any verb runs. */
#ifndef QJ_CLI_H
#define QJ_CLI_H

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

/* Value of option zName for the running command (NULL when absent). */
const char *cli_opt(const CliArgs *p, const char *zName);
/* Runs argv; returns the exit code. */
int cli_main(int argc, char **argv);
/* Opens the --db database of a command (bCreate for init). 0 or -1. */
int cli_open_db(const CliArgs *p, int bCreate);
/* The actor named in the audit log for CLI changes: "cli:USER". */
const char *cli_actor(void);
#endif
