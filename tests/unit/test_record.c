/* test_record.c: declared fields: each type's checks and normal forms, and
 * JSON bodies turned into rows. */
#include "unit.h"
#include "member.h"
#include "org.h"
#include "record.h"
#include "module.h"
#include <stdio.h>
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
  assert_non_null(check(M_NAME, "张\n三", &z));
  /* multi-line text (F_MULTILINE) keeps its line breaks, \r\n as \n, and refuses other control characters */
  static const Field fMinutes = {"minutes", "会议记录", FT_TEXT, F_MULTILINE, 20, 0, 0, 0, 0, 0, 0};
  const char *zWhy = 0;
  assert_int_equal(field_check(&fMinutes, " 一、学习\r\n二、讨论\n ", &z, &zWhy), 0);
  assert_string_equal(z, "一、学习\n二、讨论");
  free(z);
  assert_int_equal(field_check(&fMinutes, "一\r二", &z, &zWhy), -1);
  assert_int_equal(field_check(&fMinutes, "一\t二", &z, &zWhy), -1);
  assert_null(z);
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
  /* what the server gives out is refused by name, not skipped */
  for (const char *const *pz = (const char *const[]){"id", "status", "updated_at", "org_name", 0}; *pz; pz++) {
    json_t *o = json_pack("{s:s, s:i}", "name", "张三丰", *pz, 1);
    assert_int_equal(rec_from_json(&r, o, &fe), -1);
    assert_string_equal(fe.zCode, "read_only");
    assert_string_equal(fe.zName, *pz);
    assert_int_equal(fe.iField, -1);
    json_decref(o);
  }
  /* money is a JSON number: "50" is refused */
  p = json_loads("{\"monthly_income\":\"50\"}", 0, 0);
  assert_int_equal(rec_from_json(&r, p, &fe), -1);
  assert_int_equal(fe.iField, M_INCOME);
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

/* The field types a module body declares: numbers with bounds, years,
 * months, ids, times, moments, secrets, and rows of fields. */
enum { T_N, T_Y, T_M, T_ID, T_H, T_T, T_S, T_PW, T_LIST, T_ROWS, T_NF };
static const Field aRowField[] = {
  {"member_id", "党员", FT_ID, F_REQUIRED | F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  {"state", "状态", FT_TEXT, 0, 10, 0, 0, 0, 0, 0, 0},
};
static const Field aOrgCode = {"code", "组织", FT_CODE, 0, 32, 0, 0, 0, 0, 0, 0};
static const Field aTypes[T_NF] = {
  [T_N] = {"n", "人数", FT_INT, 0, 0, 0, 1, 50, 0, 0, 0},
  [T_Y] = {"year", "年度", FT_YEAR, 0, 0, 0, 0, 0, 0, 0, 0},
  [T_M] = {"month", "月份", FT_MONTH, 0, 0, 0, 0, 0, 0, 0, 0},
  [T_ID] = {"id", "编号", FT_ID, 0, 0, 0, 0, 0, 0, 0, 0},
  [T_H] = {"hours", "学时", FT_TENTHS, 0, 0, 0, 0, 1000, 0, 0, 0},
  [T_T] = {"at", "时间", FT_TIME, 0, 0, 0, 0, 0, 0, 0, 0},
  [T_S] = {"opens", "开始", FT_STAMP, 0, 0, 0, 0, 0, 0, 0, 0},
  [T_PW] = {"pw", "密码", FT_SECRET, 0, 8, 0, 0, 0, 0, 0, 0},
  [T_LIST] = {"orgs", "组织", FT_LIST, 0, 3, 0, 0, 0, &aOrgCode, 1, 0},
  [T_ROWS] = {"items", "出席", FT_ROWS, F_REQUIRED, 2, 0, 0, 0, aRowField, 2, 0},
};

static int body(const char *zJson, Rec *p, FieldErr *pE) {
  json_t *o = json_loads(zJson, 0, 0);
  assert_non_null(o);
  rec_clear(p);
  int rc = rec_from_json(p, o, pE);
  json_decref(o);
  return rc;
}

static void test_module_types(void **state) {
  (void)state;
  Rec r;
  FieldErr e;
  rec_init(&r, aTypes, T_NF);
  /* a number: a JSON number inside its bounds; digits in a string are refused */
  assert_int_equal(body("{\"n\": 7, \"year\": 2026, \"id\": 12}", &r, &e), 0);
  assert_int_equal(rec_int(&r, T_N, -1), 7);
  assert_int_equal(rec_int(&r, T_Y, -1), 2026);
  assert_int_equal(rec_int(&r, T_ID, -1), 12);
  assert_int_equal(body("{\"n\": 51}", &r, &e), -1);
  assert_string_equal(e.zCode, "invalid");
  assert_int_equal(e.iField, T_N);
  assert_int_equal(body("{\"n\": 1.5}", &r, &e), -1);
  assert_int_equal(body("{\"n\": true}", &r, &e), -1);
  assert_int_equal(body("{\"year\": 1900}", &r, &e), -1);
  /* ids are positive */
  assert_int_equal(body("{\"id\": 0}", &r, &e), -1);
  assert_int_equal(body("{\"id\": -3}", &r, &e), -1);
  static const char *const azDigits[] = {"{\"id\": \"12\"}", "{\"n\": \"7\"}", "{\"year\": \"2026\"}",
                                         "{\"hours\": \"2.5\"}", "{\"items\": [{\"member_id\": \"6\"}]}"};
  for (size_t k = 0; k < sizeof azDigits / sizeof azDigits[0]; k++) {
    assert_int_equal(body(azDigits[k], &r, &e), -1);
    assert_string_equal(e.zCode, "invalid");
  }
  /* months, tenths, times, moments */
  assert_int_equal(body("{\"month\": \"2026-05\", \"hours\": 2.5, \"at\": \"09:30\","
                        " \"opens\": \"2026-06-30T08:00Z\"}", &r, &e), 0);
  assert_string_equal(r.az[T_M], "2026-05");
  assert_int_equal(rec_int(&r, T_H, -1), 25);
  assert_string_equal(r.az[T_T], "09:30");
  assert_string_equal(r.az[T_S], "2026-06-30T08:00:00Z");
  assert_int_equal(body("{\"month\": \"2026-13\"}", &r, &e), -1);
  assert_int_equal(body("{\"hours\": 2.55}", &r, &e), -1);
  assert_int_equal(body("{\"hours\": 100.1}", &r, &e), -1);
  assert_int_equal(body("{\"at\": \"24:00\"}", &r, &e), -1);
  assert_int_equal(body("{\"opens\": \"2026-06-30 08:00\"}", &r, &e), -1);
  /* a secret is kept exactly, spaces and full-width letters included */
  assert_int_equal(body("{\"pw\": \" Ａb \"}", &r, &e), 0);
  assert_string_equal(r.az[T_PW], " Ａb ");
  assert_int_equal(body("{\"pw\": \"123456789\"}", &r, &e), -1);
  /* a list: each value checked as its element field, at most nMax */
  assert_int_equal(body("{\"orgs\": [\"A1\", \"B2\"]}", &r, &e), 0);
  assert_int_equal(rec_rows(&r, T_LIST)->n, 2);
  assert_string_equal(rec_rows(&r, T_LIST)->a[1].az[0], "B2");
  assert_int_equal(body("{\"orgs\": [\"A1\", \"B 2\"]}", &r, &e), -1);
  assert_int_equal(body("{\"orgs\": [\"A\", \"B\", \"C\", \"D\"]}", &r, &e), -1);
  assert_int_equal(body("{\"orgs\": \"A1\"}", &r, &e), -1);
  /* rows: each an object of the row's fields; the error names the inner field */
  assert_int_equal(body("{\"items\": [{\"member_id\": 5, \"state\": \"出席\"}, {\"member_id\": 6}]}", &r, &e), 0);
  const RecRows *pRows = rec_rows(&r, T_ROWS);
  assert_int_equal(pRows->n, 2);
  assert_int_equal(rec_int(&pRows->a[1], 0, 0), 6);
  assert_null(pRows->a[1].az[1]);
  assert_int_equal(body("{\"items\": [{\"state\": \"出席\"}]}", &r, &e), -1);
  assert_string_equal(e.zCode, "required");
  assert_int_equal(e.iField, -1);
  assert_string_equal(e.zName, "member_id");
  assert_int_equal(body("{\"items\": [{\"member_id\": 5, \"x\": 1}]}", &r, &e), -1);
  assert_string_equal(e.zCode, "unknown_field");
  assert_string_equal(e.zName, "x");
  assert_int_equal(body("{\"items\": [5]}", &r, &e), -1);
  /* required rows: an empty array is given; absent is not */
  assert_int_equal(body("{\"items\": []}", &r, &e), 0);
  assert_int_equal(rec_require(&r, &e), 0);
  assert_int_equal(body("{}", &r, &e), 0);
  assert_int_equal(rec_require(&r, &e), -1);
  assert_int_equal(e.iField, T_ROWS);
  rec_free(&r);
}

/* Every route that takes a JSON body declares its fields (the dispatcher
 * checks them, the handler sees only clean values), and every reference
 * field can be checked: members and organizations by the dispatcher,
 * objects by the xOrgOf its field names. */
static void fields_refs_ok(const char *zRoute, const Field *aF, int n) {
  for (int i = 0; i < n; i++) {
    const Field *pF = &aF[i];
    if (pF->flags & (F_OBJREF | F_UPREF)) {
      if (!pF->xOrgOf) fail_msg("%s: %s is an object reference without xOrgOf", zRoute, pF->zJson);
    }
    if ((pF->flags & (F_MEMBERREF | F_OBJREF | F_UPREF)) && pF->type != FT_ID)
      fail_msg("%s: %s is a reference but not FT_ID", zRoute, pF->zJson);
    if ((pF->type == FT_LIST || pF->type == FT_ROWS) && (!pF->aSub || pF->nSub < 1 || pF->nMax < 1))
      fail_msg("%s: %s has no element fields or no limit", zRoute, pF->zJson);
    if (pF->type == FT_LIST || pF->type == FT_ROWS) fields_refs_ok(zRoute, pF->aSub, pF->nSub);
  }
}

static void test_routes_declare_bodies(void **state) {
  (void)state;
  int nBody = 0;
  for (int m = 0; m < module_n; m++)
    for (int i = 0; i < module_ap[m]->nRoute; i++) {
      const Route *pR = &module_ap[m]->aRoute[i];
      char zRoute[200];
      snprintf(zRoute, sizeof zRoute, "%s %s", pR->zMethod, pR->zPattern);
      if (!(pR->flags & R_JSONBODY)) continue;
      if (!pR->aBody || pR->nBody < 1) fail_msg("%s takes a JSON body but declares no fields", zRoute);
      fields_refs_ok(zRoute, pR->aBody, pR->nBody);
      nBody++;
    }
  assert_true(nBody >= 30);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_types),
    cmocka_unit_test(test_codes_and_regions),
    cmocka_unit_test(test_json),
    cmocka_unit_test(test_mask),
    cmocka_unit_test(test_module_types),
    cmocka_unit_test(test_routes_declare_bodies),
  };
  return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
