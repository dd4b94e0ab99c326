/* test_record.c: declared fields: each type's checks and normal forms, and
 * JSON bodies turned into rows. */
#include "unit.h"
#include "member.h"
#include "org.h"
#include "record.h"
#include <stdlib.h>
#include <string.h>

static const char *check(int iField, const char *zIn, char **pzOut) {
  const char *zWhy = 0;
  *pzOut = 0;
  int rc = field_check(&member_aField[iField], zIn, pzOut, &zWhy);
  return rc ? zWhy : 0;
}

static void test_types(void **state) {
  (void)state;
  char *z;
  /* dates in every form become YYYY-MM-DD */
  assert_null(check(M_JOINED, " 2020年1月5日 ", &z));
  assert_string_equal(z, "2020-01-05");
  free(z);
  assert_non_null(check(M_JOINED, "2020-02-30", &z));
  assert_null(z);
  /* ID numbers: lowercase x, full-width digits, a masked number refused */
  assert_null(check(M_IDNUM, "11010519491231002x", &z));
  assert_string_equal(z, "11010519491231002X");
  free(z);
  assert_null(check(M_IDNUM, "１１０１０５１９４９１２３１００２Ｘ", &z));
  assert_string_equal(z, "11010519491231002X");
  free(z);
  assert_non_null(check(M_IDNUM, "1101**********002X", &z));
  assert_non_null(check(M_IDNUM, "110105194912310021", &z));
  /* enums are exact Chinese words */
  assert_null(check(M_CATEGORY, "正式党员", &z));
  free(z);
  assert_non_null(check(M_CATEGORY, "党员", &z));
  /* booleans and money are stored in one form */
  assert_null(check(M_MOBILE, "是", &z));
  assert_string_equal(z, "1");
  free(z);
  assert_non_null(check(M_MOBILE, "maybe", &z));
  assert_null(check(M_INCOME, "5,000.50", &z));
  assert_string_equal(z, "500050");
  free(z);
  assert_non_null(check(M_INCOME, "5000.555", &z));
  /* empty is NULL, not an error */
  assert_null(check(M_PHONE, "   ", &z));
  assert_null(z);
  assert_non_null(check(M_PHONE, "12345", &z));
  /* text length is in characters, not bytes: 50 Chinese characters fit, 51 do not */
  char zName[200] = "";
  for (int i = 0; i < 50; i++) strcat(zName, "张");
  assert_null(check(M_NAME, zName, &z));
  free(z);
  strcat(zName, "张");
  assert_non_null(check(M_NAME, zName, &z));
  /* control characters are refused in text */
  assert_non_null(check(M_NAME, "张\x01三", &z));
  /* the formula guard our export adds is taken off again */
  assert_null(check(M_OCC, "'=SUM(A1)", &z));
  assert_string_equal(z, "=SUM(A1)");
  free(z);
}

static void test_codes_and_regions(void **state) {
  (void)state;
  char *z;
  const char *zWhy;
  assert_int_equal(field_check(&org_aField[ORG_CODE], "QJ01", &z, &zWhy), 0);
  free(z);
  assert_int_equal(field_check(&org_aField[ORG_CODE], "QJ/01", &z, &zWhy), -1);
  assert_int_equal(field_check(&org_aField[ORG_CODE], "QJ 01", &z, &zWhy), -1);
  assert_int_equal(field_check(&org_aField[ORG_REGION], "341122", &z, &zWhy), 0);
  free(z);
  assert_int_equal(field_check(&org_aField[ORG_REGION], "991122", &z, &zWhy), -1);
  assert_int_equal(field_check(&org_aField[ORG_REGION], "34112", &z, &zWhy), -1);
}

static void test_json(void **state) {
  (void)state;
  Rec r;
  FieldErr fe;
  rec_init(&r, member_aField, M_NFIELD);
  json_t *p = json_loads("{\"name\":\"张三丰\",\"mobile\":true,\"monthly_income\":3500.5,\"phone\":null}", 0, 0);
  assert_int_equal(rec_from_json(&r, p, &fe), 0);
  assert_string_equal(r.az[M_NAME], "张三丰");
  assert_string_equal(r.az[M_MOBILE], "1");
  assert_string_equal(r.az[M_INCOME], "350050");
  assert_true(r.aSet[M_PHONE]);
  assert_null(r.az[M_PHONE]);
  assert_false(r.aSet[M_ORG]);
  json_t *v = rec_json_value(&r, M_INCOME, 0);
  assert_true(json_is_number(v) && json_number_value(v) == 3500.5);
  json_decref(v);
  json_decref(p);
  rec_clear(&r);

  p = json_loads("{\"nmae\":\"x\"}", 0, 0);
  assert_int_equal(rec_from_json(&r, p, &fe), -1);
  assert_string_equal(fe.zCode, "unknown_field");
  json_decref(p);
  p = json_loads("{\"mobile\":\"yes please\"}", 0, 0);
  assert_int_equal(rec_from_json(&r, p, &fe), -1);
  assert_int_equal(fe.iField, M_MOBILE);
  json_decref(p);
  p = json_loads("{\"name\":123}", 0, 0);
  assert_int_equal(rec_from_json(&r, p, &fe), -1);
  assert_int_equal(fe.iField, M_NAME);
  json_decref(p);
  p = json_loads("{\"monthly_income\":-1}", 0, 0);
  assert_int_equal(rec_from_json(&r, p, &fe), -1);
  json_decref(p);
  p = json_loads("{\"monthly_income\":1.005}", 0, 0);
  assert_int_equal(rec_from_json(&r, p, &fe), -1);
  json_decref(p);
  rec_free(&r);
}

static void test_mask(void **state) {
  (void)state;
  Rec r;
  rec_init(&r, member_aField, M_NFIELD);
  rec_set(&r, M_IDNUM, strdup("11010519491231002X"));
  rec_set(&r, M_PHONE, strdup("13812345678"));
  char *z = rec_cell(&r, M_IDNUM, 0);
  assert_string_equal(z, "1101**********002X");
  free(z);
  z = rec_cell(&r, M_IDNUM, 1);
  assert_string_equal(z, "11010519491231002X");
  free(z);
  json_t *v = rec_json_value(&r, M_PHONE, 0);
  assert_string_equal(json_string_value(v), "138****5678");
  json_decref(v);
  rec_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_types),
    cmocka_unit_test(test_codes_and_regions),
    cmocka_unit_test(test_json),
    cmocka_unit_test(test_mask),
  };
  return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
