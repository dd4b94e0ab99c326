/* test_idcard.c: identity number check digit, parsing, the region table. */
#include "unit.h"
#include "idcard.h"
#include <stdlib.h>
#include <string.h>

/* Completes the 17 digits of z17 with the right check character. */
static void make_id(const char *z17, char zOut[19]) {
  memcpy(zOut, z17, 17);
  zOut[17] = idcard_check_char(z17);
  zOut[18] = 0;
}

static int setup(void **state) {
  (void)state;
  setenv("QIANGJI_TODAY", "2024-06-30", 1);
  return 0;
}

static void test_check_char(void **state) {
  (void)state;
  /* The examples of GB 11643. */
  assert_int_equal(idcard_check_char("11010519491231002"), 'X');
  assert_int_equal(idcard_check_char("44052418800101001"), '4');
  assert_int_equal(idcard_check_char("34010419900101123"), '9');
}

static void test_parse_valid(void **state) {
  (void)state;
  char zId[19], zOut[19], zBirth[11];
  int bFemale = -1;
  const char *zReason = NULL;
  assert_int_equal(idcard_parse("11010519491231002X", zOut, zBirth, &bFemale, &zReason), 0);
  assert_string_equal(zOut, "11010519491231002X");
  assert_string_equal(zBirth, "1949-12-31");
  assert_int_equal(bFemale, 1); /* sequence 002: even */

  assert_int_equal(idcard_parse("11010519491231002x", zOut, zBirth, &bFemale, &zReason), 0);
  assert_string_equal(zOut, "11010519491231002X"); /* lowercase x made canonical */

  make_id("34010419900101123", zId);
  assert_int_equal(idcard_parse(zId, zOut, zBirth, &bFemale, &zReason), 0);
  assert_string_equal(zBirth, "1990-01-01");
  assert_int_equal(bFemale, 0);

  make_id("34082220000229456", zId); /* leap day */
  assert_int_equal(idcard_parse(zId, zOut, zBirth, &bFemale, &zReason), 0);
  assert_string_equal(zBirth, "2000-02-29");

  make_id("82000019000101000", zId); /* Macao, earliest date */
  assert_int_equal(idcard_parse(zId, zOut, zBirth, &bFemale, &zReason), 0);

  make_id("34010420240630001", zId); /* born today */
  assert_int_equal(idcard_parse(zId, zOut, zBirth, &bFemale, &zReason), 0);
}

static void expect_fail(const char *z, const char *zWant) {
  char zOut[19], zBirth[11];
  int bFemale = -1;
  const char *zReason = NULL;
  assert_int_equal(idcard_parse(z, zOut, zBirth, &bFemale, &zReason), -1);
  assert_non_null(zReason);
  assert_string_equal(zReason, zWant);
}

static void test_parse_invalid(void **state) {
  (void)state;
  char zId[19];
  expect_fail("110105194912310021", "校验位错误");
  expect_fail("340104199001011238", "校验位错误");
  expect_fail("1101051949123100X2", "应为18位");
  expect_fail("11010519491231002", "应为18位");
  expect_fail("11010519491231002X1", "应为18位");
  expect_fail("", "应为18位");
  expect_fail("11010519491231002Y", "应为18位");
  expect_fail("110105 9491231002X", "应为18位");

  make_id("34010419900230123", zId); /* February 30 */
  expect_fail(zId, "出生日期无效");
  make_id("34010420010229123", zId); /* 2001 not a leap year */
  expect_fail(zId, "出生日期无效");
  make_id("34010418991231123", zId); /* before 1900 */
  expect_fail(zId, "出生日期无效");
  make_id("34010420240701123", zId); /* tomorrow */
  expect_fail(zId, "出生日期无效");
  make_id("34010420991231123", zId);
  expect_fail(zId, "出生日期无效");
  make_id("34010419901301123", zId);
  expect_fail(zId, "出生日期无效");

  make_id("10010419900101123", zId); /* no province 10 */
  expect_fail(zId, "地区码无效");
  make_id("39010419900101123", zId);
  expect_fail(zId, "地区码无效");
  make_id("90010419900101123", zId);
  expect_fail(zId, "地区码无效");
}

static void test_province(void **state) {
  (void)state;
  assert_true(idcard_province_valid("340104"));
  assert_true(idcard_province_valid("110000"));
  assert_true(idcard_province_valid("820000"));
  assert_false(idcard_province_valid("160000"));
  assert_false(idcard_province_valid("830000"));
  assert_false(idcard_province_valid("x10000"));
  assert_false(idcard_province_valid(""));
}

static void test_regions(void **state) {
  (void)state;
  int nAnhui = 0;
  int aSeen[100] = {0};
  assert_true(idcard_nRegion > 300);
  for (int i = 0; i < idcard_nRegion; i++) {
    const IdcardRegion *r = &idcard_aRegion[i];
    assert_int_equal(strlen(r->zCode), 6);
    assert_true(idcard_province_valid(r->zCode));
    assert_true(strlen(r->zName) > 0);
    if (i > 0) assert_true(strcmp(idcard_aRegion[i - 1].zCode, r->zCode) < 0);
    if (strncmp(r->zCode, "34", 2) == 0) {
      nAnhui++;
      assert_memory_equal(r->zName, "安徽省", strlen("安徽省"));
    }
    aSeen[(r->zCode[0] - '0') * 10 + (r->zCode[1] - '0')] = 1;
  }
  assert_int_equal(nAnhui, 104);
  /* Every province-level division has at least one code. */
  static const int aProv[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                              43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
  for (size_t i = 0; i < sizeof(aProv) / sizeof(aProv[0]); i++) assert_true(aSeen[aProv[i]]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check_char), cmocka_unit_test(test_parse_valid),
      cmocka_unit_test(test_parse_invalid), cmocka_unit_test(test_province),
      cmocka_unit_test(test_regions),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
