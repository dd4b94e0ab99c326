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

/* Appends within the caller's transaction. pBefore/pAfter are borrowed JSON
 * objects or NULL. orgId 0 for none. Returns 0 or -1 (logged). */
int audit_append(const char *zActor, const char *zAction, const char *zEntity, const char *zKey, long long orgId,
                 json_t *pBefore, json_t *pAfter);

/* Appends n entries by one actor at once, in order, within the caller's
 * transaction: what audit_append does n times, with one look-up of the
 * chain's head (a bulk import audits each member it adds this way).
 * azKey[i], aOrgId[i], azAfter[i] (the state after as JSON text, compact
 * with sorted keys as audit_json_text makes it) per entry; no state
 * before. At most AUDIT_MANY entries a call. Returns 0 or -1 (logged). */
#define AUDIT_MANY 64
int audit_append_many(const char *zActor, const char *zAction, const char *zEntity, int n, const char *const *azKey,
                      const long long *aOrgId, const char *const *azAfter);
/* p as the audit log stores it (compact, keys sorted); NULL for NULL. The
 * caller frees it. */
char *audit_json_text(json_t *p);

/* Ends a write that created or changed object id (rc: the writes so far, 0
 * when they went well): appends its audit entry (zAction, zEntity, key id,
 * organization orgId, after pAfter) and commits. 0 when committed; else
 * rolls back, frees pAfter, answers 500 and returns -1. */
int api_audit_commit(Req *r, int rc, const char *zAction, const char *zEntity, long long id, long long orgId,
                     json_t *pAfter);
/* The same for a change of object id, with its state before (pBefore,
 * which stays the caller's; NULL for none). */
int api_audit_commit_change(Req *r, int rc, const char *zAction, const char *zEntity, long long id, long long orgId,
                            json_t *pBefore, json_t *pAfter);
/* The same for an object keyed by text (a code). */
int api_audit_commit_key(Req *r, int rc, const char *zAction, const char *zEntity, const char *zKey, long long orgId,
                         json_t *pBefore, json_t *pAfter);
/* Checks the chain. Returns 0 when whole (*pnEntry entries), or -1 with
 * *pBadId the first entry whose hash does not follow and *pzWhy (static). */
int audit_verify(long long *pnEntry, long long *pBadId, const char **pzWhy);

#endif
