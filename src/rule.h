/* rule.h: the versioned rule parameters of domain.md (rule.c) and the
 * answers a rule gives. */
#ifndef QJ_RULE_H
#define QJ_RULE_H
#include <jansson.h>
#include "api.h"

/* A rule parameter of domain.md (configurable, dated): the value of rule
 * zName in force on zOn (the row with the latest valid_from <= zOn), or dflt
 * when none. *pzFrom (11 bytes, may be NULL) gets that row's valid_from. */
long long rule_value(const char *zName, const char *zOn, long long dflt, char *pzFrom);

/* Answers 422 {"error":{"code":"rule_violation", "message":"【zRule】...",
 * "field":zField}}: an absolute rule of domain.md refused the input. */
void rule_error(Req *r, const char *zRule, const char *zField, const char *zFmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A warning object {"rule","message"} (customary rules: recorded, not refused). */
json_t *rule_warning(const char *zRule, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));

#endif
