/* demo.h: a deterministic, realistic demo data set (organizations and
 * members), written as the import files of formats.md. The same seed,
 * scale and reference day always give byte-identical files. */
#ifndef QJ_DEMO_H
#define QJ_DEMO_H
#include <stdio.h>

typedef struct DemoOpts {
  const char *zScale;        /* "county" | "city" | "province" */
  unsigned long long seed;
  const char *zToday;        /* the reference day YYYY-MM-DD: nothing is dated after it; NULL: the business day */
} DemoOpts;

/* What demo_generate made, and a few codes the demo logins are tied to. */
typedef struct DemoResult {
  long long nOrg, nMember;
  char zRoot[33];            /* code of the root organization */
  char zTownship[33];        /* code of a township (乡镇) committee under the root */
  char zBranch[33];          /* code of a village branch under that township */
  char zMemberId[19];        /* id_number of a member of that branch (mobile if possible) */
} DemoResult;

/* Writes organizations CSV to fOrg and members CSV to fMem: UTF-8 with BOM,
 * CRLF, the Chinese headers of formats.md (plus 结束日期 for temporary and
 * project branches). Parents always come before children. Returns 0, or -1
 * on a bad scale (message on stderr). Shows progress on a terminal. */
int demo_generate(const DemoOpts *pOpts, FILE *fOrg, FILE *fMem, DemoResult *pRes);
/* A module's own demo data (a year of meetings, dues, ...), added after the
 * organizations, members and logins are in. It runs in its own transaction
 * inside the new database, dates nothing after pOpts->zToday (always set
 * when a hook runs) and must be deterministic for a seed and that day.
 * Returns 0 or -1 (message on stderr). Listed in modules.c. */
typedef int (*DemoHook)(const DemoOpts *pOpts, const DemoResult *pRes);
#endif
