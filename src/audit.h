/* audit.h: the append-only audit log. Every change, by the API or the CLI,
 * appends one entry: who, when, what, the entity and its key, the
 * organization it belongs to, the values before and after, and a SHA-256
 * hash over all of that and the previous entry's hash, so that any edit or
 * deletion of an earlier entry breaks the chain (`qiangji audit verify`).
 * Triggers refuse UPDATE and DELETE on the table. */
#ifndef QJ_AUDIT_H
#define QJ_AUDIT_H
#include <jansson.h>
#include "api.h"
#include "cli.h"

/* Appends within the caller's transaction. pBefore/pAfter are borrowed JSON
 * objects or NULL. orgId 0 for none. Returns 0 or -1 (logged). */
int audit_append(const char *zActor, const char *zAction, const char *zEntity, const char *zKey, long long orgId,
                 json_t *pBefore, json_t *pAfter);

/* Checks the chain. Returns 0 when whole (*pnEntry entries), or -1 with
 * *pBadId the first entry whose hash does not follow and *pzWhy (static). */
int audit_verify(long long *pnEntry, long long *pBadId, const char **pzWhy);

extern const Route audit_aRoute[];
extern const int audit_nRoute;
extern const Command audit_aCommand[];
extern const int audit_nCommand;
#endif
