/* lifecycle.h: what the member-lifecycle files share (develop.c, transfer.c,
 * dues.c, lifecycle.c): the module's tables, its versioned rule parameters,
 * the rule-violation answer, month arithmetic, the membership history and a
 * small report writer for the CLI. */
#ifndef QJ_LIFECYCLE_H
#define QJ_LIFECYCLE_H
#include <jansson.h>
#include "api.h"

/* A rule parameter of domain.md (configurable, dated): the value of rule
 * zName in force on zOn (the row with the latest valid_from <= zOn), or dflt
 * when none. *pzFrom (11 bytes, may be NULL) gets that row's valid_from. */
long long lc_rule(const char *zName, const char *zOn, long long dflt, char *pzFrom);

/* Answers 422 {"error":{"code":"rule_violation", "message":"【zRule】...",
 * "field":zField}}: an absolute rule of domain.md refused the input. */
void lc_rule_error(Req *r, const char *zRule, const char *zField, const char *zFmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A warning object {"rule","message"} (customary rules: recorded, not refused). */
json_t *lc_warning(const char *zRule, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));

/* Months since year 0 of a "YYYY-MM[-DD]" string (2026-06 -> 2026*12+5). */
int lc_month(const char *zDate);
/* The "YYYY-MM" of a month number, into z (8 bytes). */
void lc_month_str(int m, char z[8]);
/* 1 if the "YYYY-MM" text is a real month (1900..2999). */
int lc_month_valid(const char *z);

/* 1 if organization orgId lies in the signed-in user's subtree. */
int lc_org_visible(const User *pU, long long orgId);

/* Membership history (lc_membership): closes the member's open row on zOn
 * (opening one for the old organization first when the member has no rows:
 * members imported before this module began) and opens a row for the new
 * organization (newOrgId, or zOutside for an organization outside the
 * system) from zOn. Inside the caller's transaction. 0 or -1. */
int lc_membership_move(long long memberId, long long oldOrgId, long long newOrgId, const char *zOutside,
                       const char *zOn, const char *zVia, long long transferId);
/* Opens the first row of a new member. 0 or -1. */
int lc_membership_start(long long memberId, long long orgId, const char *zOn, const char *zVia);

/* The demo data of the whole module (develop, transfers, mobile, dues). */
struct DemoOpts;
struct DemoResult;
int lifecycle_demo(const struct DemoOpts *pOpts, const struct DemoResult *pRes);

#endif
