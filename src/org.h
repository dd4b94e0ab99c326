/* org.h: the organization tree (党组织): fields, rules, storage, API. */
#ifndef QJ_ORG_H
#define QJ_ORG_H
#include "api.h"
#include "record.h"

enum {
  ORG_CODE, ORG_NAME, ORG_PARENT, ORG_KIND, ORG_DOMAIN, ORG_FORMATION, ORG_ESTABLISHED, ORG_REGION, ORG_TERM,
  ORG_ENDED, ORG_NFIELD
};
extern const Field org_aField[ORG_NFIELD];

/* 1 if zKind is a branch kind (members live only in these). */
int org_is_branch(const char *zKind);
/* 1 if zKind may have child organizations. */
int org_may_have_children(const char *zKind);

/* Loads organization zCode into p (shaped for org_aField). Returns its id,
 * or 0 when there is none. */
long long org_load(const char *zCode, Rec *p);

/* Checks one organization's values together (required fields, parent, kind
 * rules, dates) against the database. selfId is the row being changed (0
 * for a new one). Returns 0, or -1 with *pErr. */
int org_validate(const Rec *p, long long selfId, FieldErr *pErr);

/* Writes p inside the caller's transaction: inserts when pOld is NULL, else
 * updates organization oldId (moving its subtree when parent_code changed),
 * and appends the audit entry (for an insert, none when zActor is NULL: the
 * caller then audits the bulk insert as a whole). Returns 0 (*pId set), or -1 with *pErr
 * (conflict on a duplicate code) or -2 on a database failure. */
int org_save(const Rec *p, const Rec *pOld, long long oldId, const char *zActor, FieldErr *pErr, long long *pId);

/* The record as a JSON object of its fields (no counts); new reference. */
json_t *org_rec_json(const Rec *p);
/* 1 if a and b hold the same values in every field b sets. */
int rec_same(const Rec *a, const Rec *b);

/* The organizations directly below one (ended ones too), in path order, for
 * the summaries that count by organization one level down: org_kid_of finds
 * which of them holds the organization at zPath (-1: none, the parent
 * itself or outside). */
typedef struct OrgKids {
  int n;
  char **azCode, **azName, **azPath;
} OrgKids;
void org_kids_load(long long parentId, OrgKids *p);
int org_kid_of(const OrgKids *p, const char *zPath);
void org_kids_free(OrgKids *p);

/* The kinds (组织类别) and domains (所属领域) of formats.md, NULL-terminated. */
extern const char *const org_azKind[];
extern const char *const org_azDomain[];
#endif
