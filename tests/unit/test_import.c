/* test_import.c: the member import's bulk path (a checking thread, batched
 * INSERTs, the roster's indexes dropped and rebuilt when it starts empty) and
 * the core migrations that made the ID-number index a named one and that
 * renamed and split modules. On real SQLite files. */
#include "unit.h"
#include "db.h"
#include "idcard.h"
#include "port.h"
#include "schema.h"
#include "module.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char zDb[256];

static int setup(void **state) {
  (void)state;
  return unit_db_fresh(zDb, sizeof zDb, "import", 0);
}

static int teardown(void **state) {
  (void)state;
  return unit_db_gone(zDb);
}

/* Imports the text zCsv; returns port_import's answer, *pRes filled. */
static int import_text(int bMembers, const char *zCsv, int bKeepGood, int bDryRun, ImportResult *pRes) {
  FILE *f = fmemopen((void *)zCsv, strlen(zCsv), "r");
  assert_non_null(f);
  ImportOpts o = {.bMembers = bMembers, .bKeepGood = bKeepGood, .bDryRun = bDryRun, .zName = "test.csv",
                  .zDigest = "", .zActor = "test"};
  int rc = port_import(f, &o, pRes);
  fclose(f);
  return rc;
}

/* A valid ID number, different for each n < 9000: born 1980-01-0d, d = 1 +
 * n / 1000, sequence n % 1000. */
static void id_number(unsigned n, char z[19]) {
  snprintf(z, 19, "1101011980010%d%03d", 1 + n / 1000 % 9, n % 1000);
  z[17] = idcard_check_char(z);
  z[18] = 0;
}

/* A members file of n rows in branches B1 and B2, names 张三0.. */
static char *members_csv(int n, const char *zBadRow) {
  size_t nAlloc = 200 + (size_t)n * 160 + (zBadRow ? strlen(zBadRow) : 0);
  char *z = malloc(nAlloc);
  size_t k = (size_t)snprintf(z, nAlloc, "姓名,公民身份号码,人员类别,入党日期,转正日期,所在党组织编码\n");
  for (int i = 0; i < n; i++) {
    char zId[19];
    id_number((unsigned)i, zId);
    k += (size_t)snprintf(z + k, nAlloc - k, "张三%d,%s,正式党员,2010-07-01,2011-07-01,%s\n", i, zId,
                          i % 2 ? "B2" : "B1");
    if (zBadRow && i == n / 2) k += (size_t)snprintf(z + k, nAlloc - k, "%s\n", zBadRow);
  }
  return z;
}

static void setup_orgs(void) {
  assert_int_equal(schema_open(zDb, 1), 0);
  ImportResult res;
  int rc = import_text(0,
                       "组织编码,组织名称,上级组织编码,组织类别,所属领域\n"
                       "C1,县委,,党委,农村\n"
                       "B1,一支部,C1,党支部,农村\n"
                       "B2,二支部,C1,党支部,农村\n",
                       0, 0, &res);
  if (rc) {
    char *z = json_dumps(res.aError, 0);
    fprintf(stderr, "%s %s\n", res.zFatal, z);
    free(z);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(res.nInserted, 3);
  port_result_free(&res);
}

static int n_member_indexes(void) {
  return (int)db_int(-1, "SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name='member'", "");
}

/* Into an empty roster: more rows than one hand-over chunk and one INSERT
 * batch, ids in file order, every index back, the unique one enforced. */
static void test_bulk_into_empty(void **state) {
  (void)state;
  setup_orgs();
  int nIndex = n_member_indexes();
  assert_true(nIndex >= 3);  /* member_idnum, member_org and the modules' */
  char *zCsv = members_csv(1300, 0);
  ImportResult res;
  /* A dry run writes nothing and leaves the indexes as they were. */
  assert_int_equal(import_text(1, zCsv, 0, 1, &res), 0);
  assert_int_equal(res.nInserted, 1300);
  port_result_free(&res);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM member", ""), 0);
  assert_int_equal(n_member_indexes(), nIndex);

  assert_int_equal(import_text(1, zCsv, 0, 0, &res), 0);
  assert_int_equal(res.nRow, 1300);
  assert_int_equal(res.nInserted, 1300);
  assert_int_equal(res.nRejected, 0);
  port_result_free(&res);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM member", ""), 1300);
  assert_int_equal(n_member_indexes(), nIndex);
  /* Row i of the file has id i+1, its name, branch and pinyin. */
  for (int i = 0; i < 1300; i += 97) {
    char zName[32], zId[19];
    snprintf(zName, sizeof zName, "张三%d", i);
    id_number((unsigned)i, zId);
    assert_int_equal(db_int(-1, "SELECT id FROM member WHERE id_number=?", "t", zId), i + 1);
    char *z = db_text("SELECT m.name || '|' || o.code || '|' || m.initials FROM member m JOIN org o ON o.id=m.org_id"
                      " WHERE m.id=?", "I", (long long)i + 1);
    char zWant[64];
    snprintf(zWant, sizeof zWant, "%s|%s|zs%d", zName, i % 2 ? "B2" : "B1", i);
    assert_string_equal(z, zWant);
    free(z);
  }
  /* The rebuilt ID-number index is unique and used. */
  char zId[19];
  id_number(5u, zId);
  assert_int_not_equal(db_exec("INSERT INTO member(org_id, name, id_number, gender, birth_date, category, joined_on,"
                               " pinyin, initials, updated_at) SELECT org_id, name, id_number, gender, birth_date,"
                               " category, joined_on, pinyin, initials, updated_at FROM member WHERE id_number=?",
                               "t", zId),
                       0);
  DbStmt *pPlan = db_stmt("EXPLAIN QUERY PLAN SELECT id FROM member WHERE id_number='x'", "");
  assert_int_equal(db_step(pPlan), 1);
  assert_non_null(strstr(db_col_text(pPlan, 3), "member_idnum"));
  db_step(pPlan);

  /* The same file again: all unchanged, through the known-member path. */
  assert_int_equal(import_text(1, zCsv, 0, 0, &res), 0);
  assert_int_equal(res.nUnchanged, 1300);
  assert_int_equal(res.nInserted + res.nUpdated, 0);
  port_result_free(&res);
  free(zCsv);
}

/* Into a roster with members: new and changed rows mixed, each change
 * audited; a bad row refuses the whole file, or is rejected alone. */
static void test_mixed_and_bad_rows(void **state) {
  (void)state;
  setup_orgs();
  char *zFirst = members_csv(600, 0);
  ImportResult res;
  assert_int_equal(import_text(1, zFirst, 0, 0, &res), 0);
  port_result_free(&res);
  free(zFirst);
  long long nAudit = db_int(-1, "SELECT count(*) FROM audit", "");

  /* 1200 rows: the first 600 known (row 3 moves to branch B2), 600 new. */
  char *zCsv = members_csv(1200, "李四,12345,正式党员,2010-07-01,2011-07-01,B1");
  char zId3[19];
  id_number(3u, zId3);
  char *p = strstr(zCsv, zId3);
  assert_non_null(p);
  char *pEnd = strchr(p, '\n');
  assert_memory_equal(pEnd - 2, "B2", 2);
  pEnd[-1] = '1';  /* 张三3 was in B2, now B1 */

  /* All or nothing: the bad ID number refuses the file. */
  assert_int_equal(import_text(1, zCsv, 0, 0, &res), 1);
  assert_int_equal(res.nError, 1);
  json_t *e = json_array_get(res.aError, 0);
  assert_int_equal(json_integer_value(json_object_get(e, "row")), 2 + 600 + 1);
  assert_string_equal(json_string_value(json_object_get(e, "column")), "公民身份号码");
  port_result_free(&res);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM member", ""), 600);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM audit", ""), nAudit);

  /* Keep the good rows. */
  assert_int_equal(import_text(1, zCsv, 1, 0, &res), 0);
  assert_int_equal(res.nRow, 1201);
  assert_int_equal(res.nInserted, 600);
  assert_int_equal(res.nUpdated, 1);
  assert_int_equal(res.nUnchanged, 599);
  assert_int_equal(res.nRejected, 1);
  port_result_free(&res);
  free(zCsv);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM member", ""), 1200);
  char *zCode = db_text("SELECT o.code FROM member m JOIN org o ON o.id=m.org_id WHERE id_number=?", "t", zId3);
  assert_string_equal(zCode, "B1");
  free(zCode);
  /* One audit entry for the changed member, one naming the file for each
   * member added, one summary for the file. */
  assert_int_equal(db_int(-1, "SELECT count(*) FROM audit WHERE id>? AND action='update' AND entity='member'", "I",
                          nAudit),
                   1);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM audit WHERE id>? AND action='import'", "I", nAudit), 601);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM audit WHERE id>? AND action='import' AND entity_key='test.csv'", "I",
                          nAudit),
                   1);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM audit WHERE id>? AND action='import' AND json_extract(after, '$.file')"
                              "='test.csv' AND json_extract(after, '$.name') IS NOT NULL", "I", nAudit),
                   600);
  assert_int_equal(db_int(-1, "SELECT max(id) FROM member", ""), 1200);
}

static int count_row(void *p, int n, char **az, char **azCol) {
  (void)n, (void)az, (void)azCol;
  ++*(int *)p;
  return 0;
}

/* Fills an old database with zSql, closes it and opens it the way the
 * program does (schema_open: the pending migrations), which must succeed. */
static void old_db_open(sqlite3 *pDb, const char *zSql) {
  int rc = sqlite3_exec(pDb, zSql, 0, 0, 0);
  if (rc != SQLITE_OK) fprintf(stderr, "%s\n", sqlite3_errmsg(pDb));
  assert_int_equal(rc, SQLITE_OK);
  sqlite3_close(pDb);
  assert_int_equal(schema_open(zDb, 0), 0);
  assert_int_equal(db_schema_version(), schema_nMigration);
}

/* A database of core schema 1 (the ID number's UNIQUE a column constraint)
 * is migrated: rows, ids and the AUTOINCREMENT high mark kept, the index
 * named and unique, the modules' index on member back. */
static void test_migration_2(void **state) {
  (void)state;
  sqlite3 *pDb;
  assert_int_equal(sqlite3_open(zDb, &pDb), SQLITE_OK);
  assert_int_equal(sqlite3_exec(pDb, schema_aMigration[0], 0, 0, 0), SQLITE_OK);
  /* The modules as they were then: all their migrations but meeting's last
   * (which re-creates its index on member after the core's migration 2). */
  for (int m = 0; m < module_n; m++) {
    const Module *pM = module_ap[m];
    if (!pM->nMigration) continue;
    int n = pM->nMigration - (strcmp(pM->zName, "meeting") == 0);
    for (int i = 0; i < n; i++) assert_int_equal(sqlite3_exec(pDb, pM->azMigration[i], 0, 0, 0), SQLITE_OK);
    char *zSql = sqlite3_mprintf("INSERT INTO qj_module VALUES(%Q, %d)", pM->zName, n);
    assert_int_equal(sqlite3_exec(pDb, zSql, 0, 0, 0), SQLITE_OK);
    sqlite3_free(zSql);
  }
  int nRow = 0;
  assert_int_equal(sqlite3_exec(pDb, "SELECT 1 FROM sqlite_master WHERE name='life_member_active'", count_row, &nRow, 0),
                   SQLITE_OK);
  assert_int_equal(nRow, 1);  /* there before, dropped with the old table, back after */
  const char *zFill =
    "INSERT INTO org(id, code, name, path, kind, domain, updated_at)"
    "  VALUES(1, 'C1', '县委', '/1/', '党委', '农村', 'x'), (2, 'B1', '一支部', '/1/2/', '党支部', '农村', 'x');"
    "INSERT INTO member(org_id, name, id_number, gender, birth_date, category, joined_on, pinyin, initials,"
    "  updated_at) VALUES(2, '甲', 'A', '男', '1980-01-01', '正式党员', '2010-01-01', 'jia', 'j', 'x'),"
    "  (2, '乙', 'B', '男', '1980-01-01', '正式党员', '2010-01-01', 'yi', 'y', 'x'),"
    "  (2, '丙', 'C', '男', '1980-01-01', '正式党员', '2010-01-01', 'bing', 'b', 'x');"
    "DELETE FROM member WHERE id=3;"
    "PRAGMA user_version=1;";
  old_db_open(pDb, zFill);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM member", ""), 2);
  assert_int_equal(db_int(-1, "SELECT id FROM member WHERE id_number='B'", ""), 2);
  assert_int_equal(db_int(-1, "SELECT seq FROM sqlite_sequence WHERE name='member'", ""), 3);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_member%'", ""), 0);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM sqlite_master WHERE type='index' AND name IN"
                              " ('member_idnum', 'member_org', 'life_member_active')", ""),
                   3);
  /* A new member takes id 4, not 3; a duplicate ID number is refused. */
  assert_int_equal(db_exec("INSERT INTO member(org_id, name, id_number, gender, birth_date, category, joined_on,"
                           " pinyin, initials, updated_at) VALUES(2, '丁', 'D', '男', '1980-01-01', '正式党员',"
                           " '2010-01-01', 'ding', 'd', 'x')", ""),
                   0);
  assert_int_equal(db_last_rowid(), 4);
  assert_int_not_equal(db_exec("INSERT INTO member(org_id, name, id_number, gender, birth_date, category, joined_on,"
                               " pinyin, initials, updated_at) VALUES(2, '戊', 'A', '男', '1980-01-01', '正式党员',"
                               " '2010-01-01', 'wu', 'w', 'x')", ""),
                       0);
}

/* Core migration 3 on a database of core schema 2, as the modules left it
 * before they were renamed and split: organizational life under the name
 * "life", and one module "lifecycle" holding the tables of rule,
 * member_status, develop, transfer and dues. It opens: "meeting" keeps
 * life's version (its tables are not made again), the five new owners take
 * the tables as they are (rows kept, an edited rule not reset to its
 * default, a missing default added), and no old name is left. */
static void test_migration_3(void **state) {
  (void)state;
  static const char *const azSplit[] = {"rule", "member_status", "develop", "transfer", "dues", 0};
  sqlite3 *pDb;
  assert_int_equal(sqlite3_open(zDb, &pDb), SQLITE_OK);
  for (int i = 0; i < 2; i++) assert_int_equal(sqlite3_exec(pDb, schema_aMigration[i], 0, 0, 0), SQLITE_OK);
  int nMeeting = 0;
  for (int m = 0; m < module_n; m++) {
    const Module *pM = module_ap[m];
    if (!pM->nMigration) continue;
    int bSplit = 0;
    for (int k = 0; azSplit[k]; k++) bSplit |= strcmp(azSplit[k], pM->zName) == 0;
    /* A split module's first migration is what lifecycle's one made; later ones came after. */
    int n = bSplit ? 1 : pM->nMigration;
    for (int i = 0; i < n; i++) assert_int_equal(sqlite3_exec(pDb, pM->azMigration[i], 0, 0, 0), SQLITE_OK);
    if (bSplit) continue;
    int bMeeting = strcmp(pM->zName, "meeting") == 0;
    if (bMeeting) nMeeting = pM->nMigration;
    char *zSql = sqlite3_mprintf("INSERT INTO qj_module VALUES(%Q, %d)", bMeeting ? "life" : pM->zName, pM->nMigration);
    assert_int_equal(sqlite3_exec(pDb, zSql, 0, 0, 0), SQLITE_OK);
    sqlite3_free(zSql);
  }
  assert_true(nMeeting > 0);
  const char *zOld =
    "INSERT INTO qj_module VALUES('lifecycle', 1);"
    "UPDATE lc_rule SET value=55 WHERE name='dues.r1' AND valid_from='2008-04-01';"
    "DELETE FROM lc_rule WHERE name='six.months';"
    "INSERT INTO org(id, code, name, path, kind, domain, updated_at)"
    "  VALUES(1, 'C1', '县委', '/1/', '党委', '农村', 'x');"
    "INSERT INTO dev_person(org_id, name, id_number, gender, birth_date, stage, applied_on, created_at, updated_at)"
    "  VALUES(1, '甲', 'A', '男', '2000-01-01', 'applicant', '2026-01-01', 'x', 'x');"
    "INSERT INTO meeting(org_id, kind, title, held_on, mode, created_at, updated_at)"
    "  VALUES(1, 'lecture', '党课', '2026-05-01', 'onsite', 'x', 'x');"
    "PRAGMA user_version=2;";
  old_db_open(pDb, zOld);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM qj_module WHERE name IN ('life', 'lifecycle')", ""), 0);
  assert_int_equal(db_int(-1, "SELECT version FROM qj_module WHERE name='meeting'", ""), nMeeting);
  for (int m = 0; m < module_n; m++)
    for (int k = 0; azSplit[k]; k++)
      if (strcmp(azSplit[k], module_ap[m]->zName) == 0)
        assert_int_equal(db_int(-1, "SELECT version FROM qj_module WHERE name=?", "t", azSplit[k]), module_ap[m]->nMigration);
  assert_int_equal(db_int(-1, "SELECT value FROM lc_rule WHERE name='dues.r1' AND valid_from='2008-04-01'", ""), 55);
  assert_int_equal(db_int(-1, "SELECT value FROM lc_rule WHERE name='six.months'", ""), 6);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM dev_person", ""), 1);
  assert_int_equal(db_int(-1, "SELECT count(*) FROM meeting", ""), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_bulk_into_empty, setup, teardown),
    cmocka_unit_test_setup_teardown(test_mixed_and_bad_rows, setup, teardown),
    cmocka_unit_test_setup_teardown(test_migration_2, setup, teardown),
    cmocka_unit_test_setup_teardown(test_migration_3, setup, teardown),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
