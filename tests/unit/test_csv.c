/* test_csv.c: the streaming CSV reader (encodings, quoting, chunk
 * boundaries, errors) and the writer. */
#include "unit.h"
#include "csv.h"
#include "util.h"
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)

/* Reads all rows of z[0..n) and describes them as "LINE:[f1][f2]\n" per row,
 * followed by "END" or "ERROR: message". Returns the encoding name (static). */
static const char *parse_all(const char *z, size_t n, Buf *pOut) {
  static char zEnc[32];
  FILE *f = n ? fmemopen((void *)z, n, "r") : fopen("/dev/null", "r");
  assert_non_null(f);
  Csv *p = csv_open(f);
  char **az;
  int nField, rc;
  while ((rc = csv_next(p, &az, &nField)) == 1) {
    buf_printf(pOut, "%ld:", csv_line(p));
    for (int i = 0; i < nField; i++) buf_printf(pOut, "[%s]", az[i]);
    assert_null(az[nField]);
    buf_putc(pOut, '\n');
  }
  if (rc == 0) {
    buf_puts(pOut, "END");
    assert_string_equal(csv_error(p), "");
  } else {
    buf_printf(pOut, "ERROR: %s", csv_error(p));
  }
  /* Once finished, it stays finished. */
  assert_int_equal(csv_next(p, &az, &nField), rc);
  snprintf(zEnc, sizeof(zEnc), "%s", csv_encoding(p));
  csv_close(p);
  fclose(f);
  return zEnc;
}

static void expect(const char *zIn, const char *zWant) {
  Buf b = BUF_INIT;
  parse_all(zIn, strlen(zIn), &b);
  assert_string_equal(buf_str(&b), zWant);
  buf_free(&b);
}

/* Converts UTF-8 z to encoding zTo with iconv; returns a new buffer. */
static char *convert(const char *z, size_t n, const char *zTo, size_t *pnOut) {
  iconv_t cd = iconv_open(zTo, "UTF-8");
  assert_true(cd != (iconv_t)-1);
  size_t nCap = n * 4 + 16, nLeft = nCap;
  char *zOut = xmalloc(nCap), *pOut = zOut, *pIn = (char *)z;
  assert_true(iconv(cd, &pIn, &n, &pOut, &nLeft) != (size_t)-1);
  iconv_close(cd);
  *pnOut = nCap - nLeft;
  return zOut;
}

static void test_basic(void **state) {
  (void)state;
  expect("a,b,c\n1,2,3\n", "1:[a][b][c]\n2:[1][2][3]\nEND");
  expect("a,b\r\n1,2\r\n", "1:[a][b]\n2:[1][2]\nEND");
  expect("a,b\n1,2", "1:[a][b]\n2:[1][2]\nEND");     /* no final line end */
  expect("a,b\r\n1,2\r", "1:[a][b]\n2:[1][2]\nEND");
  expect("", "END");
  expect("\n\r\n\n", "END");
  expect("a\n\n\r\nb\n", "1:[a]\n4:[b]\nEND");       /* empty lines skipped */
  expect("a\rb\rc", "1:[a]\n2:[b]\n3:[c]\nEND");     /* old Mac line ends */
  expect(",\n", "1:[][]\nEND");
  expect("a,,b,\n", "1:[a][][b][]\nEND");
  expect(" a , b \n", "1:[ a ][ b ]\nEND");          /* spaces kept */
}

static void test_quotes(void **state) {
  (void)state;
  expect("\"a,b\",c\n", "1:[a,b][c]\nEND");
  expect("\"say \"\"hi\"\"\",x\n", "1:[say \"hi\"][x]\nEND");
  expect("\"\"\n", "1:[]\nEND");
  expect("\"\",\"\"\n", "1:[][]\nEND");
  expect("\"\"\"\"\n", "1:[\"]\nEND");
  expect("\"line1\nline2\",b\nnext\n", "1:[line1\nline2][b]\n3:[next]\nEND");
  expect("\"line1\r\nline2\"\r\nnext\r\n", "1:[line1\r\nline2]\n3:[next]\nEND");
  expect("a\"b,c\n", "1:[a\"b][c]\nEND");             /* stray quote kept */
  expect("\"ab\"c,d\n", "1:[abc][d]\nEND");            /* text after closing quote */
  expect("\"a\"", "1:[a]\nEND");
  expect("x\n\"unterminated,\nmore\n",
         "1:[x]\nERROR: unterminated quoted field starting at line 2");
}

static void test_bom_and_utf8(void **state) {
  (void)state;
  Buf b = BUF_INIT;
  const char *z = CSV_BOM "姓名,公民身份号码\r\n张三,340104199001011239\r\n";
  assert_string_equal(parse_all(z, strlen(z), &b), "UTF-8 BOM");
  assert_string_equal(buf_str(&b), "1:[姓名][公民身份号码]\n2:[张三][340104199001011239]\nEND");
  buf_reset(&b);
  z = "姓名\n张三\n";
  assert_string_equal(parse_all(z, strlen(z), &b), "UTF-8");
  assert_string_equal(buf_str(&b), "1:[姓名]\n2:[张三]\nEND");
  buf_reset(&b);
  z = "name\nzhang\n"; /* pure ASCII reads as UTF-8 */
  assert_string_equal(parse_all(z, strlen(z), &b), "UTF-8");
  buf_reset(&b);
  assert_string_equal(parse_all(CSV_BOM, 3, &b), "UTF-8 BOM");
  assert_string_equal(buf_str(&b), "END");
  buf_free(&b);
}

static void test_gbk(void **state) {
  (void)state;
  const char *zUtf8 = "姓名,性别,工作岗位\r\n张三,男,\"农民,牧民\"\r\n李四,女,教师\r\n";
  size_t n;
  char *zGbk = convert(zUtf8, strlen(zUtf8), "GBK", &n);
  assert_false(n == strlen(zUtf8)); /* really different bytes */
  Buf b = BUF_INIT;
  assert_string_equal(parse_all(zGbk, n, &b), "GB18030");
  assert_string_equal(buf_str(&b),
                      "1:[姓名][性别][工作岗位]\n2:[张三][男][农民,牧民]\n3:[李四][女][教师]\nEND");
  buf_free(&b);
  free(zGbk);
}

static void test_gb18030_bad_bytes(void **state) {
  (void)state;
  /* 0xFF is no GB18030 lead byte. */
  const char zIn[] = "\xD5\xC5\xC8\xFD,1\nok,2\nbad\xFF,3\n";
  Buf b = BUF_INIT;
  assert_string_equal(parse_all(zIn, sizeof(zIn) - 1, &b), "GB18030");
  assert_string_equal(buf_str(&b), "1:[张三][1]\n2:[ok][2]\nERROR: invalid GB18030 bytes at line 3");
  buf_reset(&b);
  /* A file ending in the middle of a two-byte character. */
  const char zCut[] = "\xD5\xC5,1\n\xD5";
  parse_all(zCut, sizeof(zCut) - 1, &b);
  assert_string_equal(buf_str(&b),
                      "1:[张][1]\nERROR: the file ends inside a GB18030 character at line 2");
  buf_free(&b);
}

static void test_utf16(void **state) {
  (void)state;
  const char *zUtf8 = "姓名,备注\r\n张三丰,\"a,b\"\r\n😀,x\r\n";
  size_t n;
  char *z = convert(zUtf8, strlen(zUtf8), "UTF-16LE", &n);
  char *zBom = xmalloc(n + 2);
  memcpy(zBom, "\xFF\xFE", 2);
  memcpy(zBom + 2, z, n);
  Buf b = BUF_INIT;
  assert_string_equal(parse_all(zBom, n + 2, &b), "UTF-16LE");
  assert_string_equal(buf_str(&b), "1:[姓名][备注]\n2:[张三丰][a,b]\n3:[😀][x]\nEND");
  free(z);
  free(zBom);

  z = convert(zUtf8, strlen(zUtf8), "UTF-16BE", &n);
  zBom = xmalloc(n + 2);
  memcpy(zBom, "\xFE\xFF", 2);
  memcpy(zBom + 2, z, n);
  buf_reset(&b);
  assert_string_equal(parse_all(zBom, n + 2, &b), "UTF-16BE");
  assert_string_equal(buf_str(&b), "1:[姓名][备注]\n2:[张三丰][a,b]\n3:[😀][x]\nEND");
  free(z);
  free(zBom);

  /* A lone high surrogate on line 2. */
  const char zBad[] = "\xFF\xFE" "a\0\n\0" "\x00\xD8" "b\0\n\0";
  buf_reset(&b);
  parse_all(zBad, sizeof(zBad) - 1, &b);
  assert_string_equal(buf_str(&b), "1:[a]\nERROR: invalid UTF-16LE bytes at line 2");
  buf_free(&b);
}

/* n bytes of rows "NNNNN,一二三\n" with line numbers, ending in a newline. */
static void fill_rows(Buf *b, size_t n) {
  for (long i = 1; b->n < n; i++) buf_printf(b, "%05ld,%s\n", i, i % 2 ? "一二三" : "abc");
}

static void test_invalid_utf8_after_window(void **state) {
  (void)state;
  Buf in = BUF_INIT, out = BUF_INIT;
  fill_rows(&in, 3 * CHUNK); /* the sniff window sees valid UTF-8 */
  long nLines = 0;
  for (size_t i = 0; i < in.n; i++) nLines += in.z[i] == '\n';
  buf_puts(&in, "bad\xD5\xC5,x\n");
  buf_puts(&in, "after,y\n");
  assert_string_equal(parse_all(in.z, in.n, &out), "UTF-8");
  char *zWant = xprintf("ERROR: invalid UTF-8 bytes at line %ld", nLines + 1);
  const char *zErr = strstr(buf_str(&out), "ERROR: ");
  assert_non_null(zErr);
  assert_memory_equal(zErr, zWant, strlen(zWant));
  /* Every row before the bad one came out. */
  char *zLast = xprintf("%ld:[%05ld]", nLines, nLines);
  assert_non_null(strstr(buf_str(&out), zLast));
  free(zWant);
  free(zLast);
  buf_free(&in);
  buf_free(&out);
}

static void test_ascii_window_then_gbk(void **state) {
  (void)state;
  /* 100 KiB of ASCII, then GBK: the decision waits for the first high byte. */
  Buf in = BUF_INIT, out = BUF_INIT;
  while (in.n < 100 * 1024) buf_puts(&in, "0123456789,abcdefghij\n");
  buf_puts(&in, "\xD5\xC5\xC8\xFD,\xC0\xEE\xCB\xC4\n"); /* 张三,李四 */
  assert_string_equal(parse_all(in.z, in.n, &out), "GB18030");
  const char *zEnd = buf_str(&out) + out.n - strlen("[张三][李四]\nEND");
  assert_string_equal(zEnd, "[张三][李四]\nEND");
  buf_free(&in);
  buf_free(&out);
}

static void test_field_across_chunks(void **state) {
  (void)state;
  /* A long quoted field with a comma, a quote and a newline spans the
   * 64 KiB boundary. */
  Buf in = BUF_INIT, out = BUF_INIT, want = BUF_INIT;
  buf_puts(&in, "id,text\n1,\"");
  buf_puts(&want, "1:[id][text]\n2:[1][");
  while (in.n < CHUNK - 10) {
    buf_putc(&in, 'x');
    buf_putc(&want, 'x');
  }
  buf_puts(&in, "a,\"\"b\nc");
  buf_puts(&want, "a,\"b\nc");
  for (int i = 0; i < 100; i++) {
    buf_putc(&in, 'y');
    buf_putc(&want, 'y');
  }
  buf_puts(&in, "\",z\r\n2,w\r\n");
  buf_puts(&want, "][z]\n4:[2][w]\nEND");
  parse_all(in.z, in.n, &out);
  assert_string_equal(buf_str(&out), buf_str(&want));

  /* The same with an unquoted field and the CRLF split. */
  buf_reset(&in);
  buf_reset(&want);
  buf_reset(&out);
  while (in.n < CHUNK - 1) buf_putc(&in, 'q');
  buf_puts(&want, "1:[");
  buf_append(&want, in.z, in.n);
  buf_puts(&want, "]\n2:[next]\nEND");
  buf_puts(&in, "\r\nnext\r\n");
  parse_all(in.z, in.n, &out);
  assert_string_equal(buf_str(&out), buf_str(&want));
  buf_free(&in);
  buf_free(&out);
  buf_free(&want);
}

static void test_char_across_chunks(void **state) {
  (void)state;
  /* "张" (3 bytes) and "😀" (4 bytes) placed to straddle the 64 KiB
   * boundary at every offset, in UTF-8 without BOM, with BOM and in GB18030. */
  const char *azChar[] = {"张", "😀"};
  for (int k = 0; k < 2; k++) {
    size_t nChar = strlen(azChar[k]);
    for (size_t cut = 1; cut < nChar; cut++) {
      for (int bBom = 0; bBom < 2; bBom++) {
        Buf in = BUF_INIT, out = BUF_INIT;
        if (bBom) buf_puts(&in, CSV_BOM);
        buf_puts(&in, "中文,x\n");
        while (in.n < CHUNK - cut - 1) buf_putc(&in, 'a');
        buf_putc(&in, ',');
        assert_int_equal(in.n, CHUNK - cut);
        buf_puts(&in, azChar[k]);
        buf_puts(&in, "b\n");
        parse_all(in.z, in.n, &out);
        char *zTail = xprintf("a][%sb]\nEND", azChar[k]);
        assert_true(out.n > strlen(zTail));
        assert_string_equal(buf_str(&out) + out.n - strlen(zTail), zTail);
        assert_memory_equal(buf_str(&out), "1:[中文][x]\n2:[aaa", strlen("1:[中文][x]\n2:[aaa"));
        free(zTail);
        buf_free(&in);
        buf_free(&out);
      }
    }
  }
  /* GB18030: a two-byte character cut by the boundary. */
  Buf in = BUF_INIT, out = BUF_INIT;
  buf_puts(&in, "\xD6\xD0,x\n"); /* 中 */
  while (in.n < CHUNK - 1) buf_putc(&in, 'a');
  buf_puts(&in, "\xD5\xC5\n"); /* 张 at CHUNK-1 */
  assert_string_equal(parse_all(in.z, in.n, &out), "GB18030");
  assert_string_equal(buf_str(&out) + out.n - strlen("张]\nEND"), "张]\nEND");
  buf_free(&in);
  buf_free(&out);
}

/* Every chunk size from 4 bytes up gives the same rows as 64 KiB chunks:
 * characters, quotes and CRLFs cut at every possible place. */
static void sweep(const char *z, size_t n, const char *zEncWant) {
  Buf want = BUF_INIT, got = BUF_INIT;
  assert_string_equal(parse_all(z, n, &want), zEncWant);
  for (size_t nChunk = 4; nChunk <= 70; nChunk++) {
    csv_test_chunk(nChunk);
    buf_reset(&got);
    assert_string_equal(parse_all(z, n, &got), zEncWant);
    assert_string_equal(buf_str(&got), buf_str(&want));
  }
  csv_test_chunk(0);
  buf_free(&want);
  buf_free(&got);
}

static void test_chunk_sweep(void **state) {
  (void)state;
  const char *zUtf8 =
      "姓名,备注,金额\r\n张三丰,\"说\"\"好\"\",\"5,000\"\r\n"
      "😀😀,\"两\r\n行\",x\r\n\r\n李四,,\n\"末\"";
  sweep(zUtf8, strlen(zUtf8), "UTF-8");
  Buf b = BUF_INIT;
  buf_puts(&b, CSV_BOM);
  buf_puts(&b, zUtf8);
  sweep(b.z, b.n, "UTF-8 BOM");
  buf_free(&b);
  const char *zHan = "姓名,备注\r\n张三丰,\"说\"\"好\"\"\"\r\n李四,\"两\n行\"\r\n";
  size_t nConv;
  char *zConv = convert(zHan, strlen(zHan), "GB18030", &nConv);
  sweep(zConv, nConv, "GB18030");
  free(zConv);
  zConv = convert(zUtf8, strlen(zUtf8), "UTF-16LE", &nConv);
  char *zBom = xmalloc(nConv + 2);
  memcpy(zBom, "\xFF\xFE", 2);
  memcpy(zBom + 2, zConv, nConv);
  sweep(zBom, nConv + 2, "UTF-16LE");
  free(zBom);
  free(zConv);
  /* Errors are found at the same line whatever the chunk size. */
  const char *zBad = "a,b\n\xD5\xC5,c\nd\xFF,e\n";
  sweep(zBad, strlen(zBad), "GB18030");
}

static void test_limits(void **state) {
  (void)state;
  Buf in = BUF_INIT, out = BUF_INIT;
  buf_puts(&in, "ok\n");
  for (int i = 0; i <= CSV_MAX_FIELDS; i++) buf_puts(&in, "f,");
  buf_puts(&in, "\n");
  parse_all(in.z, in.n, &out);
  char *zWant = xprintf("1:[ok]\nERROR: the row at line 2 has more than %d fields", CSV_MAX_FIELDS);
  assert_string_equal(buf_str(&out), zWant);
  free(zWant);

  buf_reset(&in);
  buf_reset(&out);
  buf_puts(&in, "ok\n\"");
  while (in.n < CSV_MAX_ROW + 100) buf_puts(&in, "0123456789");
  buf_puts(&in, "\"\n");
  parse_all(in.z, in.n, &out);
  zWant = xprintf("1:[ok]\nERROR: the row at line 2 is longer than %d bytes", CSV_MAX_ROW);
  assert_string_equal(buf_str(&out), zWant);
  free(zWant);

  /* Exactly CSV_MAX_FIELDS fields is fine. */
  buf_reset(&in);
  buf_reset(&out);
  for (int i = 0; i < CSV_MAX_FIELDS - 1; i++) buf_puts(&in, ",");
  buf_puts(&in, "\n");
  parse_all(in.z, in.n, &out);
  assert_string_equal(buf_str(&out) + out.n - 3, "END");
  buf_free(&in);
  buf_free(&out);
}

static void test_nul_byte(void **state) {
  (void)state;
  Buf out = BUF_INIT;
  parse_all("a,b\nc\0d\n", 8, &out);
  assert_string_equal(buf_str(&out),
                      "1:[a][b]\nERROR: NUL byte at line 2 (not a text file, or UTF-16 without a BOM)");
  buf_free(&out);
}

static void test_write(void **state) {
  (void)state;
  Buf b = BUF_INIT;
  const char *az1[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " lead", "trail ", "", NULL,
                       "张三"};
  csv_write_row(&b, az1, 9, 0);
  assert_string_equal(buf_str(&b),
                      "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",\"trail \",,,张三\r\n");
  buf_reset(&b);
  const char *az2[] = {"=SUM(A1)", "+1", "-5", "@x", "=a,b", "a=b", "'=x"};
  csv_write_row(&b, az2, 7, 1);
  assert_string_equal(buf_str(&b), "'=SUM(A1),'+1,'-5,'@x,\"'=a,b\",a=b,'=x\r\n");
  buf_reset(&b);
  csv_write_row(&b, az2, 3, 0);
  assert_string_equal(buf_str(&b), "=SUM(A1),+1,-5\r\n");
  buf_reset(&b);
  csv_write_row(&b, az2, 0, 1);
  assert_string_equal(buf_str(&b), "\r\n");
  buf_reset(&b);

  /* What the writer writes, the reader reads back. */
  const char *az3[] = {"a,b", "\"q\"", "x\r\ny", " s ", "中文"};
  buf_puts(&b, CSV_BOM);
  csv_write_row(&b, az3, 5, 0);
  csv_write_row(&b, az3, 5, 0);
  Buf out = BUF_INIT;
  assert_string_equal(parse_all(b.z, b.n, &out), "UTF-8 BOM");
  assert_string_equal(buf_str(&out),
                      "1:[a,b][\"q\"][x\r\ny][ s ][中文]\n3:[a,b][\"q\"][x\r\ny][ s ][中文]\nEND");
  buf_free(&out);
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),
      cmocka_unit_test(test_quotes),
      cmocka_unit_test(test_bom_and_utf8),
      cmocka_unit_test(test_gbk),
      cmocka_unit_test(test_gb18030_bad_bytes),
      cmocka_unit_test(test_utf16),
      cmocka_unit_test(test_invalid_utf8_after_window),
      cmocka_unit_test(test_ascii_window_then_gbk),
      cmocka_unit_test(test_field_across_chunks),
      cmocka_unit_test(test_char_across_chunks),
      cmocka_unit_test(test_chunk_sweep),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_nul_byte),
      cmocka_unit_test(test_write),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
