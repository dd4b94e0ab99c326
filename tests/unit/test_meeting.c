/* test_meeting.c: the yearly summaries of organizational life kept in step by
 * life_member_delta and life_org_refresh equal what life_rebuild computes
 * from the records; the packed monthly counts; timestamps and file types. */
#include "unit.h"
#include "api.h"
#include "db.h"
#include "meeting.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char zDb[256];

static int setup(void **state) {
  (void)state;
  return unit_db_fresh(zDb, sizeof zDb, "life", 1);
}

static int teardown(void **state) {
  (void)state;
  return unit_db_gone(zDb);
}

static char *dump(const char *zTable) {
  char *zSql = NULL;
  if (strcmp(zTable, "member") == 0)
    zSql = "SELECT group_concat(year||':'||member_id||':'||life_a||':'||life_b||':'||leave_a||':'||leave_b||':'||lect_a||':'"
           "||lect_b, ' ') FROM (SELECT * FROM life_member_year WHERE life_a+life_b+leave_a+leave_b+lect_a+lect_b<>0"
           " ORDER BY year, member_id)";
  else
    zSql = "SELECT group_concat(year||':'||org_id||':'||kind||':'||group_id||':'||cnt_a||':'||cnt_b||':'||early||':'"
           "||nonquorate, ' ') FROM (SELECT * FROM life_org_year ORDER BY year, org_id, kind, group_id)";
  char *z = db_text(zSql, "");
  return z ? z : strdup("");
}

static void summaries_follow_the_records(void **state) {
  (void)state;
  assert_int_equal(db_begin(), 0);
  assert_int_equal(db_exec("INSERT INTO org(id, code, name, path, kind, domain, updated_at) VALUES"
                           "(1,'A','A','/1/','党支部','农村','x')", ""), 0);
  for (int i = 1; i <= 3; i++)
    assert_int_equal(db_exec("INSERT INTO member(id, org_id, name, id_number, gender, birth_date, category, joined_on,"
                             " pinyin, initials, updated_at) VALUES(?,1,'m',?,'男','1980-01-01','正式党员','2000-01-01',"
                             "'m','m','x')", "It", (long long)i, i == 1 ? "a" : i == 2 ? "b" : "c"), 0);
  static const struct { const char *zKind, *zOn; int quorate; } aM[] = {
    {"lecture", "2025-03-05", -1}, {"theme_day", "2025-03-20", -1}, {"committee", "2025-07-02", 0},
    {"assembly", "2025-12-31", -1}, {"lecture", "2026-01-09", -1},
  };
  static const char *const azState[] = {"present", "online", "leave", "absent"};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(db_exec("INSERT INTO meeting(id, org_id, kind, title, held_on, quorate, created_at, updated_at)"
                             " VALUES(?,1,?,'t',?,nullif(?,-1),'x','x')", "Ittt", (long long)(i + 1), aM[i].zKind,
                             aM[i].zOn, aM[i].quorate < 0 ? "-1" : "0"), 0);
    for (int m = 1; m <= 3; m++) {
      const char *zSt = azState[(i + m) % 4];
      assert_int_equal(db_exec("INSERT INTO attendance(meeting_id, member_id, state) VALUES(?,?,?)", "IIt",
                               (long long)(i + 1), (long long)m, zSt), 0);
      assert_int_equal(life_member_delta(m, aM[i].zOn, aM[i].zKind, zSt, +1), 0);
    }
  }
  /* A change of state: remove, then add the new one, as the API does. */
  assert_int_equal(life_member_delta(1, "2025-03-05", "lecture", "online", -1), 0);
  assert_int_equal(db_exec("UPDATE attendance SET state='present' WHERE meeting_id=1 AND member_id=1", ""), 0);
  assert_int_equal(life_member_delta(1, "2025-03-05", "lecture", "present", +1), 0);
  assert_int_equal(life_org_refresh(1, 2025), 0);
  assert_int_equal(life_org_refresh(1, 2026), 0);
  char *zMem = dump("member"), *zOrg = dump("org");
  /* Member 1 in 2025: March (lecture, theme day on leave) and December; a lecture in March. */
  long long want = (1 << 2) | (1 << 11) | (1 << 14);
  assert_int_equal(db_int(0, "SELECT mask FROM life_member_mask WHERE year=2025 AND member_id=1", ""), want);
  assert_int_equal(life_rebuild(), 0);
  char *zMem2 = dump("member"), *zOrg2 = dump("org");
  assert_string_equal(zMem, zMem2);
  assert_string_equal(zOrg, zOrg2);
  assert_int_equal(db_int(0, "SELECT mask FROM life_member_mask WHERE year=2025 AND member_id=1", ""), want);
  /* Member 1 at the March lecture: present; one life month in March and one lecture. */
  long long a = db_int(0, "SELECT lect_a FROM life_member_year WHERE year=2025 AND member_id=1", "");
  assert_int_equal(life_month_count(a, 0, 3), 1);
  /* The committee meeting in July was not quorate; December's assembly is early? no: day 31. */
  assert_int_equal(db_int(0, "SELECT nonquorate FROM life_org_year WHERE year=2025 AND kind='committee'", ""), 1 << 6);
  assert_int_equal(db_int(0, "SELECT early FROM life_org_year WHERE year=2025 AND kind='lecture'", ""), 1 << 2);
  assert_int_equal(db_int(0, "SELECT early FROM life_org_year WHERE year=2025 AND kind='assembly'", ""), 0);
  free(zMem);
  free(zOrg);
  free(zMem2);
  free(zOrg2);
  db_rollback();
}

static void packed_counts(void **state) {
  (void)state;
  long long a = 0, b = 0;
  for (int m = 1; m <= 12; m++)
    for (int k = 0; k < m * 50; k++) {
      if (m <= 6) a += 1LL << LIFE_SHIFT(m);
      else b += 1LL << LIFE_SHIFT(m);
    }
  for (int m = 1; m <= 12; m++) assert_int_equal(life_month_count(a, b, m), m * 50);
}

static void stamps_and_types(void **state) {
  (void)state;
  char z[21];
  assert_int_equal(life_stamp_norm("2026-06-30T08:00:00Z", z), 0);
  assert_string_equal(z, "2026-06-30T08:00:00Z");
  assert_int_equal(life_stamp_norm("2026-06-30T08:00:59.999Z", z), 0);
  assert_string_equal(z, "2026-06-30T08:00:59Z");
  assert_int_equal(life_stamp_norm("2026-06-30T08:00Z", z), 0);
  assert_string_equal(z, "2026-06-30T08:00:00Z");
  assert_int_equal(life_stamp_norm("2026-02-30T08:00:00Z", z), -1);
  assert_int_equal(life_stamp_norm("2026-06-30T24:00:00Z", z), -1);
  assert_int_equal(life_stamp_norm("2026-06-30T08:00:00+08:00", z), -1);
  assert_int_equal(life_stamp_norm("2026-06-30 08:00:00Z", z), -1);
  assert_string_equal(life_sniff_mime((const unsigned char *)"%PDF-1.7", 8), "application/pdf");
  assert_string_equal(life_sniff_mime((const unsigned char *)"\xff\xd8\xff\xe0", 4), "image/jpeg");
  assert_null(life_sniff_mime((const unsigned char *)"%PDF", 4));
  assert_null(life_sniff_mime((const unsigned char *)"<html>", 6));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(packed_counts),
    cmocka_unit_test(stamps_and_types),
    cmocka_unit_test_setup_teardown(summaries_follow_the_records, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
