/* test_text.c: UTF-8 checks, normalizing, dates, masking, phones, money. */
#include "unit.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>

static void test_utf8_valid(void **state) {
  (void)state;
  assert_true(text_utf8_valid("", 0));
  assert_true(text_utf8_valid("plain ascii, long enough for the fast path", 43));
  assert_true(text_utf8_valid("张三丰", strlen("张三丰")));
  assert_true(text_utf8_valid("\xF0\x9F\x98\x80", 4));       /* U+1F600 */
  assert_true(text_utf8_valid("\xF4\x8F\xBF\xBF", 4));       /* U+10FFFF */
  assert_false(text_utf8_valid("\xC0\xAF", 2));              /* overlong '/' */
  assert_false(text_utf8_valid("\xE0\x80\xAF", 3));          /* overlong */
  assert_false(text_utf8_valid("\xED\xA0\x80", 3));          /* surrogate */
  assert_false(text_utf8_valid("\xF4\x90\x80\x80", 4));      /* above U+10FFFF */
  assert_false(text_utf8_valid("\xE5\xBC", 2));              /* cut short */
  assert_false(text_utf8_valid("abcdefgh\x80", 9));          /* stray continuation */
  assert_false(text_utf8_valid("\xD5\xC5\xC8\xFD", 4));      /* 张三 in GBK */
  assert_int_equal(text_utf8_len("张三a"), 3);
  assert_int_equal(text_utf8_len(""), 0);
}

static void check_norm(const char *zIn, const char *zWant) {
  char *z = text_normalize(zIn);
  assert_string_equal(z, zWant);
  free(z);
}

static void test_normalize(void **state) {
  (void)state;
  check_norm("  abc \t\r\n", "abc");
  check_norm("\xE3\x80\x80张三\xE3\x80\x80", "张三");          /* U+3000 */
  check_norm("\xC2\xA0x\xC2\xA0", "x");                       /* U+00A0 */
  check_norm("ＡＢＣ１２３ａｂｃ！～", "ABC123abc！～");            /* letters and digits only */
  check_norm("ａ\xE3\x80\x80ｂ", "a b");                       /* inner space kept */
  check_norm("\xEF\xBB\xBF姓名", "姓名");                       /* stray BOM */
  check_norm("", "");
  check_norm("   ", "");
  check_norm("全角：不变，（中文）", "全角：不变，（中文）");       /* names keep their punctuation */
  char *z = text_normalize_all("ＡＢＣ１２３ａｂｃ！～（）／");
  assert_string_equal(z, "ABC123abc!~()/");                    /* parsed values fold all */
  free(z);
}

static void check_date(const char *zIn, const char *zWant) {
  /* Dates fold full-width punctuation: ２０２０／１／５ is a date. */
  char out[11];
  if (zWant) {
    assert_int_equal(text_parse_date(zIn, out), 0);
    assert_string_equal(out, zWant);
  } else {
    assert_int_equal(text_parse_date(zIn, out), -1);
  }
}

static void test_parse_date(void **state) {
  (void)state;
  check_date("2020-01-05", "2020-01-05");
  check_date("2020/1/5", "2020-01-05");
  check_date("2020.01.05", "2020-01-05");
  check_date("2020年1月5日", "2020-01-05");
  check_date("2020年01月05", "2020-01-05");
  check_date("20200105", "2020-01-05");
  check_date("２０２０－０１－０５", "2020-01-05");
  check_date("２０２０年１月５日", "2020-01-05");
  check_date(" 2020/1/5 ", "2020-01-05");
  check_date("2020/1/5 0:00", "2020-01-05");
  check_date("2020-01-05 13:45:10", "2020-01-05");
  check_date("2020-01-05T08:30:00", "2020-01-05");
  check_date("2020-02-29", "2020-02-29");
  check_date("2000-02-29", "2000-02-29");
  check_date("1900-01-01", "1900-01-01");
  check_date("2999-12-31", "2999-12-31");
  check_date("2021-02-29", NULL);
  check_date("1900-02-29", NULL);
  check_date("2020-13-01", NULL);
  check_date("2020-04-31", NULL);
  check_date("2020-00-10", NULL);
  check_date("1899-12-31", NULL);
  check_date("3000-01-01", NULL);
  check_date("2020-1/5", NULL);
  check_date("2020/01/05/", NULL);
  check_date("2020-001-05", NULL);
  check_date("20-01-05", NULL);
  check_date("2020-01-05 25:00", NULL);
  check_date("2020-01-05x", NULL);
  check_date("2020年1月", NULL);
  check_date("", NULL);
  check_date("abc", NULL);
  check_date("20210229", NULL);
  check_date("\xFF", NULL);
  /* Excel serial days (1900 system). */
  check_date("43835", "2020-01-05");
  check_date("1", "1900-01-01");
  check_date("59", "1900-02-28");
  check_date("60", NULL); /* Excel's 1900-02-29 never existed */
  check_date("61", "1900-03-01");
  check_date("367", "1901-01-01");
  check_date("401768", "2999-12-31");
  check_date("401769", NULL);
  check_date("2958465", NULL); /* 9999-12-31: beyond 2999 */
  check_date("0", NULL);
  check_date("-5", NULL);
}

static void test_date_math(void **state) {
  (void)state;
  char out[11];
  assert_true(text_date_valid(2020, 2, 29));
  assert_false(text_date_valid(2021, 2, 29));
  assert_false(text_date_valid(1900, 2, 29));
  assert_true(text_date_valid(2000, 2, 29));
  assert_false(text_date_valid(2020, 0, 1));
  assert_int_equal(text_date_days("1970-01-01"), 0);
  assert_int_equal(text_date_days("2020-01-05"), 18266);
  assert_int_equal(text_date_days("1969-12-31"), -1);
  assert_int_equal(text_date_days("2021-01-01") - text_date_days("2020-01-01"), 366);
  text_date_add_months("2020-02-29", 12, out);
  assert_string_equal(out, "2021-02-28");
  text_date_add_months("2020-01-31", 1, out);
  assert_string_equal(out, "2020-02-29");
  text_date_add_months("2020-03-31", -1, out);
  assert_string_equal(out, "2020-02-29");
  text_date_add_months("2020-01-15", -13, out);
  assert_string_equal(out, "2018-12-15");
  text_date_add_months("2019-12-01", 1, out);
  assert_string_equal(out, "2020-01-01");
  assert_int_equal(text_years_between("1990-06-15", "2020-06-14"), 29);
  assert_int_equal(text_years_between("1990-06-15", "2020-06-15"), 30);
  assert_int_equal(text_years_between("2000-02-29", "2001-02-28"), 0);
  assert_int_equal(text_years_between("2000-02-29", "2001-03-01"), 1);
}

static void check_mask(char *(*fn)(const char *), const char *zIn, const char *zWant) {
  char *z = fn(zIn);
  assert_string_equal(z, zWant);
  free(z);
}

static void test_mask(void **state) {
  (void)state;
  check_mask(text_mask_id, "340104199001011234", "3401**********1234");
  check_mask(text_mask_id, "34010419900101123X", "3401**********123X");
  check_mask(text_mask_id, "123456789", "1234*6789");
  check_mask(text_mask_id, "12345678", "********");
  check_mask(text_mask_id, "", "");
  check_mask(text_mask_phone, "13812345678", "138****5678");
  check_mask(text_mask_phone, "0551-62345678", "****-****5678");
  check_mask(text_mask_phone, "62345678", "****5678");
  check_mask(text_mask_phone, "0551-6234567-801", "****-*******-801");
  check_mask(text_mask_phone, "123", "123");
  assert_true(text_is_masked("3401**********1234"));
  assert_true(text_is_masked("138＊＊＊＊5678"));
  assert_false(text_is_masked("13812345678"));
}

static void test_phone(void **state) {
  (void)state;
  assert_int_equal(text_phone_valid("13812345678"), 0);
  assert_int_equal(text_phone_valid("19912345678"), 0);
  assert_int_equal(text_phone_valid("0551-62345678"), 0);
  assert_int_equal(text_phone_valid("010-62345678"), 0);
  assert_int_equal(text_phone_valid("62345678"), 0);
  assert_int_equal(text_phone_valid("6234567"), 0);
  assert_int_equal(text_phone_valid("0551-6234567-801"), 0);
  assert_int_equal(text_phone_valid("62345678-12"), 0);
  assert_int_equal(text_phone_valid("055162345678"), 0);
  assert_int_equal(text_phone_valid("12812345678"), -1); /* no such mobile prefix */
  assert_int_equal(text_phone_valid("1381234567"), -1);
  assert_int_equal(text_phone_valid("138123456789"), -1);
  assert_int_equal(text_phone_valid("1381234567a"), -1);
  assert_int_equal(text_phone_valid("123456"), -1);
  assert_int_equal(text_phone_valid("0551-02345678"), -1);
  assert_int_equal(text_phone_valid("0551--62345678"), -1);
  assert_int_equal(text_phone_valid("-62345678"), -1);
  assert_int_equal(text_phone_valid("0551-62345678-"), -1);
  assert_int_equal(text_phone_valid("0551-62345678-1234567"), -1);
  assert_int_equal(text_phone_valid("1-2-3-4-5678901"), -1);
  assert_int_equal(text_phone_valid(""), -1);
  assert_int_equal(text_phone_valid("138 1234 5678"), -1);
}

static void check_money(const char *zIn, long long want) {
  long long c = -7;
  if (want >= 0) {
    assert_int_equal(text_parse_money(zIn, &c), 0);
    assert_int_equal(c, want);
  } else {
    assert_int_equal(text_parse_money(zIn, &c), -1);
  }
}

static void test_money(void **state) {
  (void)state;
  check_money("5000", 500000);
  check_money("5000.5", 500050);
  check_money("5000.05", 500005);
  check_money("5,000.00", 500000);
  check_money("1,234,567.89", 123456789);
  check_money("0", 0);
  check_money("0.01", 1);
  check_money(" ５０００ ", 500000);
  check_money("￥5000", 500000);
  check_money("5000元", 500000);
  check_money("999999999.99", 99999999999LL);
  check_money("1000000000", -1);
  check_money("5000.123", -1);
  check_money("5000.", -1);
  check_money(".5", -1);
  check_money("-5", -1);
  check_money("5,00", -1);
  check_money("50,00.00", -1);
  check_money("5000,000", -1);
  check_money(",500", -1);
  check_money("5 000", -1);
  check_money("abc", -1);
  check_money("", -1);
  char out[32];
  text_format_money(500000, out);
  assert_string_equal(out, "5000");
  text_format_money(500050, out);
  assert_string_equal(out, "5000.50");
  text_format_money(5, out);
  assert_string_equal(out, "0.05");
  text_format_money(0, out);
  assert_string_equal(out, "0");
  text_format_money(-150, out);
  assert_string_equal(out, "-1.50");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_valid), cmocka_unit_test(test_normalize),
      cmocka_unit_test(test_parse_date), cmocka_unit_test(test_date_math),
      cmocka_unit_test(test_mask),       cmocka_unit_test(test_phone),
      cmocka_unit_test(test_money),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
