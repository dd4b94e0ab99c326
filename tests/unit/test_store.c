/* test_store.c: the database layer with the organization and member rules
 * and the audit chain, on a real SQLite file. */
#include "unit.h"
#include "api.h"
#include "audit.h"
#include "db.h"
#include "member.h"
#include "org.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char zDb[256];

static int setup(void **state) {
  (void)state;
  return unit_db_fresh(zDb, sizeof zDb, "store", 1);
}

static int teardown(void **state) {
  (void)state;
  return unit_db_gone(zDb);
}

/* Adds an organization; returns org_save's code, fe filled on -1. */
static int add_org(const char *zCode, const char *zParent, const char *zKind, FieldErr *pFe) {
  Rec r;
  rec_init(&r, org_aField, ORG_NFIELD);
  rec_set(&r, ORG_CODE, strdup(zCode));
  rec_set(&r, ORG_NAME, strdup(zCode));
  if (zParent) rec_set(&r, ORG_PARENT, strdup(zParent));
  rec_set(&r, ORG_KIND, strdup(zKind));
  rec_set(&r, ORG_DOMAIN, strdup("农村"));
  long long id;
  int rc = org_validate(&r, 0, pFe);
  if (!rc) {
    db_begin();
    rc = org_save(&r, 0, 0, "test", pFe, &id);
    if (rc) db_rollback();
    else db_commit();
  }
  rec_free(&r);
  return rc;
}

static char *path_of(const char *zCode) { return db_text("SELECT path FROM org WHERE code=?", "t", zCode); }

static void test_tree(void **state) {
  (void)state;
  FieldErr fe;
  assert_int_equal(add_org("R", 0, "党委", &fe), 0);
  assert_int_equal(add_org("R2", 0, "党委", &fe), -1);           /* one root only */
  assert_int_equal(fe.iField, ORG_PARENT);
  assert_int_equal(add_org("A", "R", "党委", &fe), 0);
  assert_int_equal(add_org("B", "R", "党委", &fe), 0);
  assert_int_equal(add_org("A1", "A", "党支部", &fe), 0);
  assert_int_equal(add_org("A1x", "A1", "党支部", &fe), -1);     /* nothing under a branch */
  assert_string_equal(fe.zCode, "invalid");
  assert_int_equal(add_org("Z", "nowhere", "党支部", &fe), -1);
  assert_string_equal(fe.zCode, "not_found");

  /* Move A (with A1) under B: every path in the subtree follows. */
  Rec old, r;
  rec_init(&old, org_aField, ORG_NFIELD);
  rec_init(&r, org_aField, ORG_NFIELD);
  long long idA = org_load("A", &old);
  org_load("A", &r);
  rec_set(&r, ORG_PARENT, strdup("B"));
  long long id;
  assert_int_equal(org_validate(&r, idA, &fe), 0);
  db_begin();
  assert_int_equal(org_save(&r, &old, idA, "test", &fe, &id), 0);
  db_commit();
  char *zB = path_of("B"), *zA = path_of("A"), *zA1 = path_of("A1");
  assert_true(strncmp(zA, zB, strlen(zB)) == 0);
  assert_true(strncmp(zA1, zA, strlen(zA)) == 0);
  free(zB);
  free(zA);
  free(zA1);
  /* Moving B under A (now its own descendant) is refused. */
  rec_clear(&r);
  long long idB = org_load("B", &r);
  rec_set(&r, ORG_PARENT, strdup("A"));
  assert_int_equal(org_validate(&r, idB, &fe), -1);
  assert_int_equal(fe.iField, ORG_PARENT);
  rec_free(&old);
  rec_free(&r);
}

static Rec new_member(const char *zId, const char *zJoined, const char *zFull, const char *zCat) {
  Rec r;
  rec_init(&r, member_aField, M_NFIELD);
  rec_set(&r, M_NAME, strdup("张三丰"));
  rec_set(&r, M_IDNUM, strdup(zId));
  rec_set(&r, M_CATEGORY, strdup(zCat));
  rec_set(&r, M_JOINED, strdup(zJoined));
  if (zFull) rec_set(&r, M_FULL, strdup(zFull));
  rec_set(&r, M_ORG, strdup("A1"));
  return r;
}

static void test_member_rules(void **state) {
  (void)state;
  FieldErr fe;
  long long orgId;
  /* 11010519491231002X: a woman born 1949-12-31. */
  Rec r = new_member("11010519491231002X", "1970-01-01", "1971-01-01", "正式党员");
  assert_int_equal(member_validate(&r, &fe, &orgId), 0);
  assert_string_equal(r.az[M_GENDER], "女");               /* filled from the ID number */
  assert_string_equal(r.az[M_BIRTH], "1949-12-31");
  rec_free(&r);
  /* full_on one day short of a year */
  r = new_member("11010519491231002X", "1970-01-01", "1970-12-31", "正式党员");
  assert_int_equal(member_validate(&r, &fe, &orgId), -1);
  assert_int_equal(fe.iField, M_FULL);
  rec_free(&r);
  /* joined the day before the 18th birthday, and on it */
  r = new_member("11010519491231002X", "1967-12-30", "1969-01-01", "正式党员");
  assert_int_equal(member_validate(&r, &fe, &orgId), -1);
  assert_int_equal(fe.iField, M_JOINED);
  rec_free(&r);
  r = new_member("11010519491231002X", "1967-12-31", "1969-01-01", "正式党员");
  assert_int_equal(member_validate(&r, &fe, &orgId), 0);
  rec_free(&r);
  /* a probationary member has no full_on; a full member needs one */
  r = new_member("11010519491231002X", "2026-01-01", "2026-02-01", "预备党员");
  assert_int_equal(member_validate(&r, &fe, &orgId), -1);
  rec_free(&r);
  r = new_member("11010519491231002X", "2000-01-01", 0, "正式党员");
  assert_int_equal(member_validate(&r, &fe, &orgId), -1);
  assert_string_equal(fe.zCode, "required");
  rec_free(&r);
  /* gender against the ID number */
  r = new_member("11010519491231002X", "1970-01-01", "1971-01-01", "正式党员");
  rec_set(&r, M_GENDER, strdup("男"));
  assert_int_equal(member_validate(&r, &fe, &orgId), -1);
  assert_int_equal(fe.iField, M_GENDER);
  rec_free(&r);
  /* members live in branches only */
  r = new_member("11010519491231002X", "1970-01-01", "1971-01-01", "正式党员");
  rec_set(&r, M_ORG, strdup("A"));
  assert_int_equal(member_validate(&r, &fe, &orgId), -1);
  assert_int_equal(fe.iField, M_ORG);
  rec_free(&r);
  /* saved once, a second one with the same ID number conflicts */
  r = new_member("11010519491231002X", "1970-01-01", "1971-01-01", "正式党员");
  assert_int_equal(member_validate(&r, &fe, &orgId), 0);
  long long id;
  db_begin();
  assert_int_equal(member_save(&r, 0, 0, orgId, "test", &fe, &id), 0);
  db_commit();
  long long id2;
  db_begin();
  assert_int_equal(member_save(&r, 0, 0, orgId, "test", &fe, &id2), -1);
  db_rollback();
  assert_string_equal(fe.zCode, "conflict");
  assert_int_equal(fe.iField, M_IDNUM);
  assert_int_equal(member_validate(&r, &fe, &orgId), 0);   /* itself is no conflict */
  char *zPy = db_text("SELECT pinyin || ' ' || initials FROM member WHERE id=?", "I", id);
  assert_string_equal(zPy, "zhangsanfeng zsf");
  free(zPy);
  rec_free(&r);
}

static void test_audit_chain(void **state) {
  (void)state;
  long long n, bad;
  const char *zWhy;
  assert_int_equal(audit_verify(&n, &bad, &zWhy), 0);
  assert_true(n >= 5);  /* the orgs and the member above */
  /* An edit of an earlier entry breaks the chain there, even with the trigger gone. */
  assert_int_not_equal(db_exec("UPDATE audit SET actor='x' WHERE id=2", ""), 0);  /* append-only */
  assert_int_equal(db_script("DROP TRIGGER audit_append_only_u"), 0);
  assert_int_equal(db_exec("UPDATE audit SET actor='mallory' WHERE id=2", ""), 0);
  assert_int_equal(audit_verify(&n, &bad, &zWhy), -1);
  assert_int_equal(bad, 2);
  assert_int_equal(n, 1);
  /* A deleted entry is found too. */
  assert_int_equal(db_exec("UPDATE audit SET actor='test' WHERE id=2", ""), 0);
  assert_int_equal(audit_verify(&n, &bad, &zWhy), 0);
  assert_int_equal(db_script("DROP TRIGGER audit_append_only_d"), 0);
  assert_int_equal(db_exec("DELETE FROM audit WHERE id=3", ""), 0);
  assert_int_equal(audit_verify(&n, &bad, &zWhy), -1);
  assert_int_equal(bad, 3);
}

static void test_scope(void **state) {
  (void)state;
  char zHi[256];
  scope_range("/1/5/", zHi);
  assert_string_equal(zHi, "/1/50");
  assert_true(scope_within("/1/5/", "/1/5/23/"));
  assert_true(scope_within("/1/5/", "/1/5/"));
  assert_false(scope_within("/1/5/", "/1/50/"));
  assert_false(scope_within("/1/5/", "/1/"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tree),
    cmocka_unit_test(test_member_rules),
    cmocka_unit_test(test_audit_chain),
    cmocka_unit_test(test_scope),
  };
  return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
