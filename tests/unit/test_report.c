/* test_report.c: the report writer. JSON written a row at a time is the
 * same bytes as jansson's dump of the whole (indented, compact after an
 * envelope, tables with their reals); CSV converts text cells by type;
 * a discarded file is gone; xlsx is a zip. */
#include "unit.h"
#include "buf.h"
#include "report.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char zFile[300];

static int setup(void **state) {
  (void)state;
  const char *zDir = getenv("TMPDIR");
  snprintf(zFile, sizeof zFile, "%s/qj-unit-report-%d.out", zDir && zDir[0] ? zDir : "/tmp", (int)getpid());
  return 0;
}
static int teardown(void **state) {
  (void)state;
  unlink(zFile);
  return 0;
}

/* The file's text (caller frees). */
static char *slurp(const char *zPath, size_t *pn) {
  FILE *f = fopen(zPath, "rb");
  assert_non_null(f);
  char *z = xmalloc(1 << 20);
  size_t n = fread(z, 1, (1 << 20) - 1, f);
  z[n] = 0;
  fclose(f);
  if (pn) *pn = n;
  return z;
}

/* The text jansson makes of v with flags, and a newline. */
static char *dump(json_t *v, size_t flags) {
  char *z = json_dumps(v, flags);
  char *zOut = xprintf("%s\n", z);
  free(z);
  return zOut;
}

static const RptCol aCol[] = {
  {"名称", "name", RPT_TEXT, 0}, {"数量", "n", RPT_INT, 0}, {"比例", "share", RPT_REAL, 0}, {"有", "yes", RPT_BOOL, 0},
};

/* Rows of every kind of cell, and the objects the default JSON makes of them. */
static json_t *rows(void) {
  return json_pack("[[s, i, f, b], [s, n, f, b], [s, i, n, n]]", "甲", 3, 0.1, 1, "=1+1", 12.5, 0, "\"引号\",逗号", 7);
}
static json_t *objects(json_t *aRow) {
  json_t *a = json_array();
  size_t i;
  json_t *v;
  json_array_foreach(aRow, i, v) {
    json_t *o = json_object();
    for (int c = 0; c < 4; c++) json_object_set(o, aCol[c].zKey, json_array_get(v, (size_t)c));
    json_array_append_new(a, o);
  }
  return a;
}

static void write_rows(RptWriter *w, json_t *aRow) {
  assert_int_equal(rpt_table(w, "表", 0, aCol, 4), 0);
  size_t i;
  json_t *v;
  json_array_foreach(aRow, i, v) assert_int_equal(rpt_row(w, v, 0), 0);
}

static void test_json_indented(void **state) {
  (void)state;
  for (int nRow = 0; nRow <= 3; nRow++) {
    json_t *aAll = rows(), *aRow = json_array();
    for (int i = 0; i < nRow; i++) json_array_append(aRow, json_array_get(aAll, (size_t)i));
    RptWriter *w = rpt_open("json", zFile, 0);
    assert_non_null(w);
    write_rows(w, aRow);
    assert_int_equal(rpt_close(w), 0);
    json_t *aObj = objects(aRow);
    char *zWant = dump(aObj, JSON_INDENT(1)), *zGot = slurp(zFile, 0);
    assert_string_equal(zGot, zWant);
    free(zWant);
    free(zGot);
    json_decref(aObj);
    json_decref(aRow);
    json_decref(aAll);
  }
}

static void test_json_envelope(void **state) {
  (void)state;
  for (int bCompact = 0; bCompact <= 1; bCompact++) {
    for (int nRow = 0; nRow <= 3; nRow += 3) {
      json_t *aRow = nRow ? rows() : json_array();
      json_t *pEnv = json_pack("{s:s, s:[i, i], s:{s:i}}", "org", "QJ", "versions", 2019, 2024, "summary", "due", 5);
      RptWriter *w = rpt_open("json", zFile, bCompact ? RPT_COMPACT : 0);
      rpt_json_envelope(w, pEnv, "items");
      write_rows(w, aRow);
      assert_int_equal(rpt_close(w), 0);
      json_t *pWhole = json_deep_copy(pEnv);
      json_object_set_new(pWhole, "items", objects(aRow));
      char *zWant;
      if (bCompact) {
        /* compact, a row a line: what `report obligations` has always written */
        char *z = json_dumps(pWhole, JSON_COMPACT);
        Buf b = BUF_INIT;
        for (const char *q = z; *q; q++) {
          buf_putc(&b, *q);
          if (q[0] == '}' && q[1] == ',' && q[2] == '{') {
            buf_puts(&b, ",\n");
            q++;
          }
        }
        buf_putc(&b, '\n');
        zWant = xstrdup(buf_str(&b));
        buf_free(&b);
        free(z);
      } else {
        zWant = dump(pWhole, JSON_INDENT(1));
      }
      char *zGot = slurp(zFile, 0);
      assert_string_equal(zGot, zWant);
      free(zWant);
      free(zGot);
      json_decref(pWhole);
      json_decref(pEnv);
      json_decref(aRow);
    }
  }
}

static void test_json_tables(void **state) {
  (void)state;
  json_t *aRow = rows();
  RptWriter *w = rpt_open("json", zFile, RPT_TABLES);
  assert_int_equal(rpt_table(w, "一", "表一", aCol, 4), 0);
  size_t i;
  json_t *v;
  json_array_foreach(aRow, i, v) assert_int_equal(rpt_row(w, v, 0), 0);
  assert_int_equal(rpt_table(w, "二", "表二（空）", aCol, 2), 0);
  assert_int_equal(rpt_close(w), 0);
  json_t *aT = json_pack("[{s:s, s:s, s:[s, s, s, s], s:O}, {s:s, s:s, s:[s, s], s:[]}]", "title", "表一", "sheet", "一",
                         "columns", "名称", "数量", "比例", "有", "rows", aRow, "title", "表二（空）", "sheet", "二",
                         "columns", "名称", "数量", "rows");
  char *zWant = dump(aT, JSON_INDENT(1) | JSON_REAL_PRECISION(6)), *zGot = slurp(zFile, 0);
  assert_string_equal(zGot, zWant);
  free(zWant);
  free(zGot);
  json_decref(aT);
  json_decref(aRow);
}

static void test_json_value(void **state) {
  (void)state;
  json_t *aRow = rows(), *pValue = json_pack("{s:s, s:{s:i, s:f}}", "org", "QJ", "counts", "total", 3, "avg", 47.2);
  RptWriter *w = rpt_open("json", zFile, RPT_TABLES);
  rpt_json_value(w, pValue);
  write_rows(w, aRow);
  assert_int_equal(rpt_close(w), 0);
  char *zWant = dump(pValue, JSON_INDENT(1)), *zGot = slurp(zFile, 0);
  assert_string_equal(zGot, zWant);
  free(zWant);
  free(zGot);
  json_decref(pValue);
  json_decref(aRow);
}

static void test_csv(void **state) {
  (void)state;
  static const RptCol aTextCol[] = {
    {"姓名", 0, RPT_TEXT, 0}, {"编号", 0, RPT_INT, 0}, {"月收入", 0, RPT_MONEY, 0}, {"流动", 0, RPT_BOOL, 0},
    {"日期", 0, RPT_DATE, 0},
  };
  RptWriter *w = rpt_open("csv", zFile, 0);
  assert_int_equal(rpt_table(w, "表", 0, aTextCol, 5), 0);
  const char *az1[] = {"张三", "12", "123450", "1", "2025-01-02"};
  const char *az2[] = {"-1, \"x\"", 0, "100", "0", 0};
  const char *az3[] = {0, 0, 0, 0, 0};
  assert_int_equal(rpt_row_text(w, az1, 0), 0);
  assert_int_equal(rpt_row_text(w, az2, 0), 0);
  assert_int_equal(rpt_row_text(w, az3, 0), 0);
  /* the same cells as JSON values */
  json_t *a = json_pack("[s, i, i, b, s]", "@SUM", 5, 99, 1, "2025-12-31");
  assert_int_equal(rpt_row(w, a, 0), 0);
  json_decref(a);
  assert_int_equal(rpt_close(w), 0);
  char *zGot = slurp(zFile, 0);
  assert_string_equal(zGot, "\xEF\xBB\xBF姓名,编号,月收入,流动,日期\r\n"
                            "张三,12,1234.50,是,2025-01-02\r\n"
                            "\"'-1, \"\"x\"\"\",,1,否,\r\n"
                            ",,,,\r\n"
                            "'@SUM,5,0.99,是,2025-12-31\r\n");
  free(zGot);
}

static void test_discard_and_errors(void **state) {
  (void)state;
  json_t *aNone = json_array();
  RptWriter *w = rpt_open("csv", zFile, 0);
  write_rows(w, aNone);
  rpt_discard(w);
  json_decref(aNone);
  assert_int_equal(access(zFile, F_OK), -1);
  w = rpt_open("xlsx", zFile, 0);
  json_t *aRow = rows();
  write_rows(w, aRow);
  rpt_discard(w);
  assert_int_equal(access(zFile, F_OK), -1);   /* a workbook is written only when closed */
  assert_null(rpt_open("pdf", zFile, 0));
  assert_null(rpt_open("xlsx", 0, 0));
  for (unsigned flags = 0; flags <= RPT_BIG; flags += RPT_BIG) {
    w = rpt_open("xlsx", zFile, flags);
    write_rows(w, aRow);
    assert_int_equal(rpt_close(w), 0);
    size_t n;
    char *z = slurp(zFile, &n);
    assert_true(n > 1000 && memcmp(z, "PK", 2) == 0);
    free(z);
  }
  json_decref(aRow);
  assert_string_equal(rpt_content_type("json"), "application/json; charset=utf-8");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_json_indented), cmocka_unit_test(test_json_envelope), cmocka_unit_test(test_json_tables),
    cmocka_unit_test(test_json_value),    cmocka_unit_test(test_csv),           cmocka_unit_test(test_discard_and_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
