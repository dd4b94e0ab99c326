/* test_dues.c: the dues brackets of domain.md at each edge, under the
 * versioned rule table, and the month arithmetic the dues and the
 * development rules share. */
#include "unit.h"
#include "db.h"
#include "dues.h"
#include "rule.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char zDb[256];

static int setup(void **state) {
  (void)state;
  return unit_db_fresh(zDb, sizeof zDb, "lc", 1);
}

static int teardown(void **state) {
  (void)state;
  return unit_db_gone(zDb);
}

static long long amt(const char *zCat, long long income, long long asked) {
  const char *zWhy = 0, *zRule = 0;
  char zFrom[11];
  return dues_compute(zCat, income, asked, "2026-01-01", zFrom, &zWhy, &zRule);
}

static void test_brackets(void **state) {
  (void)state;
  assert_int_equal(amt("salaried", 300000, -1), 1500);
  assert_int_equal(amt("salaried", 300001, -1), 3000);
  assert_int_equal(amt("salaried", 500000, -1), 5000);
  assert_int_equal(amt("salaried", 500001, -1), 7500);
  assert_int_equal(amt("salaried", 1000000, -1), 15000);
  assert_int_equal(amt("salaried", 1000001, -1), 20000);
  assert_int_equal(amt("salaried", 333, -1), 2);      /* 1.665 fen rounds half up to 2 */
  assert_int_equal(amt("retiree", 500000, -1), 2500);
  assert_int_equal(amt("retiree", 500001, -1), 5000);
  assert_int_equal(amt("farmer", -1, -1), 20);
  assert_int_equal(amt("farmer", -1, 100), 100);
  assert_int_equal(amt("farmer", -1, 101), -1);
  assert_int_equal(amt("farmer", -1, 19), -1);
  assert_int_equal(amt("student", -1, -1), 20);
  assert_int_equal(amt("salaried", -1, -1), -1);
  assert_int_equal(amt("nobody", 1, -1), -1);
}

static void test_versioned(void **state) {
  (void)state;
  /* A later rule set changes the rate from its date on; earlier years keep theirs. */
  assert_int_equal(db_exec("INSERT INTO lc_rule VALUES('dues.r1','2027-01-01',60,'test')", ""), 0);
  const char *zWhy, *zRule;
  char zFrom[11];
  assert_int_equal(dues_compute("salaried", 300000, -1, "2026-12-31", zFrom, &zWhy, &zRule), 1500);
  assert_string_equal(zFrom, "2008-04-01");
  assert_int_equal(dues_compute("salaried", 300000, -1, "2027-01-01", zFrom, &zWhy, &zRule), 1800);
  assert_string_equal(zFrom, "2027-01-01");
}

static void test_months(void **state) {
  (void)state;
  char z[8];
  assert_int_equal(text_month("2026-06-30"), 2026 * 12 + 5);
  text_month_str(2026 * 12 + 5 - 6, z);
  assert_string_equal(z, "2025-12");
  assert_true(text_month_valid("2026-12"));
  assert_false(text_month_valid("2026-13"));
  assert_false(text_month_valid("2026-1"));
  assert_false(text_month_valid("20a6-01"));
  assert_false(text_month_valid("1899-12"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_brackets),
    cmocka_unit_test(test_versioned),
    cmocka_unit_test(test_months),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
