/* member.h: Party members (党员): fields, rules, storage, search, API. */
#ifndef QJ_MEMBER_H
#define QJ_MEMBER_H
#include "api.h"
#include "record.h"

enum {
  M_NAME, M_IDNUM, M_GENDER, M_BIRTH, M_ETHNIC, M_EDU, M_CATEGORY, M_JOINED, M_FULL, M_ORG, M_OCC, M_PHONE,
  M_MOBILE, M_MOBLOC, M_INCOME, M_NFIELD
};
extern const Field member_aField[M_NFIELD];

/* Loads member id into p (shaped for member_aField). 0, or -1 if none. */
int member_load(long long id, Rec *p);
/* The id of the member with this ID number, or 0. */
long long member_find(const char *zIdNumber);

/* Checks one member's values together: required fields, gender and birth
 * date against the ID number (filled in from it when empty), category and
 * dates, age at joining, the organization is a branch (a duplicate ID number
 * is member_save's to find). selfId: the row being changed, 0 for a new one. May fill p's gender and birth date. Returns 0, or
 * -1 with *pErr. orgIdOut receives the branch's id. */
int member_validate(Rec *p, FieldErr *pErr, long long *pOrgId);
/* member_validate in two halves: the rules among p's own values (no
 * database), and the organization zCode being an existing branch. */
int member_check(Rec *p, FieldErr *pErr);
int member_branch(const char *zCode, FieldErr *pErr, long long *pOrgId);

/* New members written many to one INSERT: a bulk import's fast path.
 * member_new takes over p's values (checked by member_validate, the ID
 * number known to be in neither the database nor the batch) into a
 * MemberNew, with its pinyin; it touches no database, so a checking thread
 * may call it. member_batch_add queues one (taking it over) and writes the
 * batch when full; member_batch_flush writes what is queued. Both inside the
 * caller's transaction, unaudited unless member_batch_audit said otherwise;
 * 0, or -2 on a database failure. */
typedef struct MemberNew {
  long long orgId;
  char *az[M_NFIELD];
  char zPinyin[128], zInit[64];
  char *zAudit;            /* member_new_audit: its audit entry's JSON, made off the writing thread */
} MemberNew;
void member_new(MemberNew *pNew, Rec *p, long long orgId);
void member_new_free(MemberNew *pNew);
/* Makes the audit entry of a new member the batch will write (its key
 * fields and the file zFile it came from) into pNew->zAudit: a checking
 * thread calls it, so that the writer only hashes and inserts. */
void member_new_audit(MemberNew *pNew, const char *zFile);
typedef struct MemberBatch MemberBatch;
MemberBatch *member_batch_new(void);
int member_batch_add(MemberBatch *b, MemberNew *pNew);
int member_batch_flush(MemberBatch *b);
/* From now on every row the batch writes gets its own audit entry, action
 * "import" by zActor (borrowed for the batch's life), with its zAudit
 * (member_new_audit; a row without one is written without an entry). */
void member_batch_audit(MemberBatch *b, const char *zActor);
void member_batch_free(MemberBatch *b);

/* Writes p inside the caller's transaction (insert when pOld is NULL, else
 * update member oldId) and appends the audit entry (none when zActor is NULL:
 * the caller then audits the bulk change as a whole). Returns 0 (*pId set),
 * -1 with *pErr (conflict), -2 on a database failure. */
int member_save(const Rec *p, const Rec *pOld, long long oldId, long long orgId, const char *zActor, FieldErr *pErr,
                long long *pId);

/* JSON of a member: its fields, id, org_name, updated_at. bReveal=0 masks. */
json_t *member_json(long long id, const Rec *p, int bReveal);

#endif
