/* test_sheet.c: the one row stream of sheet.c. Numbers and dates as Excel
 * shows them (sheet_number_text, sheet_serial_text, sheet_format_is_date),
 * and whole files through sheet_open / sheet_next: CSV in memory, .xlsx
 * packages zipped here part by part with libzip and one written by
 * libxlsxwriter, and .xls files whose compound file and BIFF8 records are
 * written here byte by byte. */
#include "unit.h"
#include "buf.h"
#include "sheet.h"
#include "util.h"
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

/* ---- numbers and dates -------------------------------------------------------- */

static void expect_number(double v, const char *zWant) {
  char z[32];
  sheet_number_text(v, z);
  assert_string_equal(z, zWant);
}

static void test_number_text(void **state) {
  (void)state;
  expect_number(0, "0");
  expect_number(-0.0, "0");
  expect_number(42, "42");
  expect_number(-7, "-7");
  expect_number(100000000000000, "100000000000000");
  expect_number(999999999999999, "999999999999999");  /* 15 digits: still whole */
  expect_number(1e15, "1E+15");
  /* An 18-digit ID number Excel took for a number: its last digits are gone. */
  expect_number(341102199001012030.0, "3.41102199001012E+17");
  expect_number(110101199003074518.0, "1.10101199003075E+17");
  expect_number(0.1 + 0.2, "0.3");                    /* 15 significant digits hide the binary tail */
  expect_number(-0.5, "-0.5");
  expect_number(1.0 / 3, "0.333333333333333");
  expect_number(3.14159265358979, "3.14159265358979");
  expect_number(-1.5e-7, "-1.5E-07");
  expect_number(1234.5678, "1234.5678");
}

/* sheet_serial_text's answer for v: the text, or "-1" when it refuses. */
static const char *serial(double v, int b1904) {
  static char z[32];
  if (sheet_serial_text(v, b1904, z)) return "-1";
  return z;
}

static void test_serial_text(void **state) {
  (void)state;
  /* The 1900 system: day 1 is 1900-01-01, and Excel counts Lotus's 1900-02-29
   * as day 60, so serials below 61 are a day off from those above it. */
  assert_string_equal(serial(1, 0), "1900-01-01");
  assert_string_equal(serial(2, 0), "1900-01-02");
  assert_string_equal(serial(59, 0), "1900-02-28");
  assert_string_equal(serial(60, 0), "-1");          /* 1900-02-29, which never was */
  assert_string_equal(serial(61, 0), "1900-03-01");
  assert_string_equal(serial(36585, 0), "2000-02-29");
  assert_string_equal(serial(43835, 0), "2020-01-05");
  assert_string_equal(serial(73110, 0), "2100-03-01");  /* 2100 is no leap year */
  assert_string_equal(serial(2958465, 0), "9999-12-31");
  /* Times of day; day 0 is a time alone. */
  assert_string_equal(serial(43835.5, 0), "2020-01-05 12:00:00");
  assert_string_equal(serial(43835.75 + 30.0 / 86400, 0), "2020-01-05 18:00:30");
  assert_string_equal(serial(0.75, 0), "18:00:00");
  assert_string_equal(serial(0, 0), "00:00:00");
  assert_string_equal(serial(59.25, 0), "1900-02-28 06:00:00");
  /* Rounded to the second, carrying into the next day. */
  assert_string_equal(serial(43835.9999999, 0), "2020-01-06");
  assert_string_equal(serial(43835 + 1.4 / 86400, 0), "2020-01-05 00:00:01");
  /* Refused: negative, NaN, 10000-01-01 and after. */
  assert_string_equal(serial(-1, 0), "-1");
  assert_string_equal(serial(-0.5, 0), "-1");
  assert_string_equal(serial(NAN, 0), "-1");
  assert_string_equal(serial(2958466, 0), "-1");
  assert_string_equal(serial(1e300, 0), "-1");
  /* The 1904 system (old Mac Excel): day 0 is 1904-01-01, a real date. */
  assert_string_equal(serial(0, 1), "1904-01-01");
  assert_string_equal(serial(0.5, 1), "1904-01-01 12:00:00");
  assert_string_equal(serial(1, 1), "1904-01-02");
  assert_string_equal(serial(59, 1), "1904-02-29");
  assert_string_equal(serial(60, 1), "1904-03-01");
  assert_string_equal(serial(42369, 1), "2020-01-01");  /* 43831 in the 1900 system */
  assert_string_equal(serial(42369.75, 1), "2020-01-01 18:00:00");
  assert_string_equal(serial(2957003, 1), "9999-12-31");
  assert_string_equal(serial(2957004, 1), "-1");
  assert_string_equal(serial(-1, 1), "-1");
}

static void test_format_is_date(void **state) {
  (void)state;
  assert_true(sheet_format_is_date("yyyy-mm-dd"));
  assert_true(sheet_format_is_date("m/d/yy h:mm"));
  assert_true(sheet_format_is_date("[$-804]yyyy\"年\"m\"月\"d\"日\""));
  assert_true(sheet_format_is_date("yyyy\"年\"m\"月\""));
  assert_true(sheet_format_is_date("mm:ss"));
  assert_true(sheet_format_is_date("[h]:mm:ss"));       /* elapsed time */
  assert_true(sheet_format_is_date("[Red]yyyy/m/d"));
  assert_false(sheet_format_is_date("0.00"));
  assert_false(sheet_format_is_date("General"));
  assert_false(sheet_format_is_date("@"));
  assert_false(sheet_format_is_date("#,##0"));
  assert_false(sheet_format_is_date("\"d\"0"));          /* d inside quotes is text */
  assert_false(sheet_format_is_date("0\"天\"\"h\""));
  assert_false(sheet_format_is_date("[Red]0"));          /* colours, locales, conditions */
  assert_false(sheet_format_is_date("[$-804]0.00"));
  assert_false(sheet_format_is_date("[>100]0;[Blue]0"));
  assert_false(sheet_format_is_date("0.00_);[Red](0.00)"));
  assert_false(sheet_format_is_date("\\d0"));            /* an escaped d */
  assert_false(sheet_format_is_date("0*s"));             /* fill with s */
  assert_false(sheet_format_is_date("[Red"));            /* unclosed */
  assert_false(sheet_format_is_date(""));
}

/* ---- whole files ------------------------------------------------------------------ */

/* Every row of the file's bytes as "ROW:[cell]kind..." lines, kind one
 * letter (t text, n number, d date, b bool, e error), then "END" or
 * "ERROR: message". Returns a new string; zName (if not NULL) gets the
 * sheet's name. */
static char *read_all(const void *a, size_t n, const char *zSheet, char *zName, size_t nName) {
  FILE *f = fmemopen((void *)a, n, "r");
  assert_non_null(f);
  Sheet *p = sheet_open(f, zSheet);
  Buf b = BUF_INIT;
  char **az;
  int nCell, rc;
  while ((rc = sheet_next(p, &az, &nCell)) == 1) {
    buf_printf(&b, "%ld:", sheet_row(p));
    for (int i = 0; i < nCell; i++) buf_printf(&b, "[%s]%c", az[i], "tndbe"[sheet_kind(p, i)]);
    assert_int_equal(sheet_kind(p, nCell), SHEET_TEXT);
    assert_int_equal(sheet_kind(p, -1), SHEET_TEXT);
    buf_putc(&b, '\n');
  }
  if (rc == 0) buf_puts(&b, "END");
  else buf_printf(&b, "ERROR: %s", sheet_error(p));
  assert_int_equal(sheet_next(p, &az, &nCell), rc);  /* finished stays finished */
  if (zName) snprintf(zName, nName, "%s", sheet_name(p));
  sheet_close(p);
  fclose(f);
  return buf_take(&b);
}

static void expect_rows(const void *a, size_t n, const char *zSheet, const char *zWant) {
  char *z = read_all(a, n, zSheet, 0, 0);
  assert_string_equal(z, zWant);
  free(z);
}

static void test_csv(void **state) {
  (void)state;
  const char *z = "\xEF\xBB\xBF姓名,年龄,入党日期\r\n张三,33,2020-01-05\r\n\r\n李四,,\r\n";
  expect_rows(z, strlen(z), 0, "1:[姓名]t[年龄]t[入党日期]t\n2:[张三]t[33]t[2020-01-05]t\n4:[李四]t[]t[]t\nEND");
  /* --sheet means nothing to a CSV. */
  expect_rows(z, strlen(z), "名单", "1:[姓名]t[年龄]t[入党日期]t\n2:[张三]t[33]t[2020-01-05]t\n4:[李四]t[]t[]t\nEND");
  FILE *f = fmemopen((void *)z, strlen(z), "r");
  Sheet *p = sheet_open(f, 0);
  assert_int_equal(sheet_format(p), SHEET_CSV);
  assert_string_equal(sheet_encoding(p), "UTF-8 BOM");
  assert_string_equal(sheet_name(p), "");
  assert_string_equal(sheet_error(p), "");
  sheet_close(p);
  fclose(f);
}

/* A temporary file's bytes, the file removed. */
static char *slurp(const char *zPath, size_t *pn) {
  char *a = util_read_file(zPath, pn);
  assert_non_null(a);
  unlink(zPath);
  return a;
}

static void tmp_path(char *z, size_t n, const char *zExt) {
  const char *zDir = getenv("TMPDIR");
  snprintf(z, n, "%s/qj-unit-sheet-%d.%s", zDir && zDir[0] ? zDir : "/tmp", (int)getpid(), zExt);
}

/* A zip of the parts azPart[0] (name), azPart[1] (text), ... up to a NULL
 * name, as bytes. */
static char *zip_parts(const char *const *azPart, size_t *pn) {
  char zPath[256];
  tmp_path(zPath, sizeof zPath, "xlsx");
  unlink(zPath);
  int err;
  zip_t *z = zip_open(zPath, ZIP_CREATE | ZIP_TRUNCATE, &err);
  assert_non_null(z);
  for (int i = 0; azPart[i]; i += 2) {
    zip_source_t *s = zip_source_buffer(z, azPart[i + 1], strlen(azPart[i + 1]), 0);
    assert_non_null(s);
    assert_true(zip_file_add(z, azPart[i], s, ZIP_FL_ENC_UTF_8) >= 0);
  }
  assert_int_equal(zip_close(z), 0);
  return slurp(zPath, pn);
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL(id, type, target) \
  "<Relationship Id=\"" id "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/" type \
  "\" Target=\"" target "\"/>"
#define RELS(x) "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" x "</Relationships>"

/* As Excel writes one, in little: a hidden first sheet, the roster on the
 * second, a title row above the header (a merged cell in Excel), shared
 * strings, a date by a built-in format and one by a custom 年月日 format, a
 * format with a quoted d that is no date, a missing cell, a boolean, an
 * error, an 18-digit ID number stored as a number. */
static const char *const azRoster[] = {
  "_rels/.rels", RELS(REL("rId1", "officeDocument", "xl/workbook.xml")),
  "xl/workbook.xml",
  "<workbook " NS "><workbookPr/><sheets><sheet name=\"说明\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"
  "<sheet name=\"名单\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>",
  "xl/_rels/workbook.xml.rels",
  RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml") REL("rId2", "worksheet", "worksheets/sheet2.xml")
       REL("rId3", "styles", "styles.xml") REL("rId4", "sharedStrings", "sharedStrings.xml")),
  "xl/styles.xml",
  "<styleSheet " NS "><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
  "<numFmt numFmtId=\"165\" formatCode=\"&quot;d&quot;0\"/></numFmts>"
  "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/></cellXfs></styleSheet>",
  "xl/sharedStrings.xml",
  "<sst " NS " count=\"5\" uniqueCount=\"5\"><si><t>党员名册</t></si><si><t>姓名</t></si><si><t>公民身份号码</t></si>"
  "<si><r><t>入党</t></r><r><t>日期</t></r></si><si><t>张三</t><rPh sb=\"0\" eb=\"2\"><t>zhangsan</t></rPh></si></sst>",
  "xl/worksheets/sheet1.xml", "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>填表说明</t></is></c></row></sheetData></worksheet>",
  "xl/worksheets/sheet2.xml",
  "<worksheet " NS "><sheetData>"
  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
  "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"B3\" t=\"s\"><v>2</v></c><c r=\"C3\" t=\"s\"><v>3</v></c></row>"
  "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>4</v></c><c r=\"B4\" t=\"str\"><v>11010119900307451X</v></c><c r=\"C4\" s=\"1\"><v>43835</v></c>"
  "<c r=\"E4\" t=\"b\"><v>1</v></c><c r=\"F4\" t=\"e\"><v>#N/A</v></c></row>"
  "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>李四</t></is></c><c r=\"B5\"><v>3.4110219900101203E+17</v></c>"
  "<c r=\"C5\" s=\"2\"><v>44000.5</v></c><c r=\"D5\" s=\"3\"><v>7</v></c></row>"
  "<row r=\"6\"/>"
  "</sheetData></worksheet>",
  0,
};

static void test_xlsx(void **state) {
  (void)state;
  size_t n;
  char *a = zip_parts(azRoster, &n);
  char zName[64];
  char *z = read_all(a, n, 0, zName, sizeof zName);
  /* The first visible sheet; row numbers as Excel shows them; the title row
   * is a row like any other here (the import skips it); C5 is a date with
   * its time; D5's "d" is quoted, so 7 stays a number; row 6 has no cells. */
  assert_string_equal(z, "1:[党员名册]t\n"
                         "3:[姓名]t[公民身份号码]t[入党日期]t\n"
                         "4:[张三]t[11010119900307451X]t[2020-01-05]d[]t[TRUE]b[#N/A]e\n"
                         "5:[李四]t[3.41102199001012E+17]n[2020-06-18 12:00:00]d[7]n\n"
                         "6:\n"
                         "END");
  assert_string_equal(zName, "名单");
  free(z);
  /* --sheet: a hidden sheet by its name; an unknown name lists them all. */
  expect_rows(a, n, "说明", "1:[填表说明]t\nEND");
  expect_rows(a, n, "Sheet1", "ERROR: 工作簿中没有名为“Sheet1”的工作表（有：“说明”、“名单”）");
  FILE *f = fmemopen(a, n, "r");
  Sheet *p = sheet_open(f, 0);
  assert_int_equal(sheet_format(p), SHEET_XLSX);
  assert_string_equal(sheet_encoding(p), "xlsx");
  sheet_close(p);
  fclose(f);
  free(a);
}

static void test_xlsx_1904(void **state) {
  (void)state;
  static const char *const az[] = {
    "xl/workbook.xml",
    "<workbook " NS "><workbookPr date1904=\"1\"/><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
    "xl/_rels/workbook.xml.rels", RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml") REL("rId2", "styles", "styles.xml")),
    "xl/styles.xml", "<styleSheet " NS "><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>",
    "xl/worksheets/sheet1.xml",
    "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>42369</v></c>"
    "<c r=\"C1\"><v>42369</v></c><c r=\"D1\" s=\"1\"><v>-1</v></c></row></sheetData></worksheet>",
    0,
  };
  size_t n;
  char *a = zip_parts(az, &n);
  /* No package relationships: xl/workbook.xml is assumed. A date before the
   * epoch is no date: the number stays. */
  expect_rows(a, n, 0, "1:[1904-01-01]d[2020-01-01]d[42369]n[-1]n\nEND");
  free(a);
}

static void test_xlsx_broken(void **state) {
  (void)state;
  static const char *const azNoBook[] = {"hello.txt", "hi", 0};
  size_t n;
  char *a = zip_parts(azNoBook, &n);
  expect_rows(a, n, 0, "ERROR: 不是 Excel 工作簿（.xlsx 包中没有 xl/workbook.xml）");
  free(a);
  const char zNotZip[] = "PK\x03\x04 but no more";
  expect_rows(zNotZip, sizeof zNotZip - 1, 0, "ERROR: 不是有效的 .xlsx 文件（zip 包无法打开：Not a zip archive）");
}

/* libxlsxwriter's file: numbers, text, a formatted date, a gap. */
static void test_xlsxwriter(void **state) {
  (void)state;
  char zPath[256];
  tmp_path(zPath, sizeof zPath, "xlsx");
  lxw_workbook *wb = workbook_new(zPath);
  lxw_worksheet *ws = workbook_add_worksheet(wb, "党员");
  lxw_format *pDate = workbook_add_format(wb);
  format_set_num_format(pDate, "yyyy-mm-dd");
  worksheet_write_string(ws, 0, 0, "姓名", 0);
  worksheet_write_string(ws, 0, 1, "公民身份号码", 0);
  worksheet_write_string(ws, 0, 3, "入党日期", 0);
  worksheet_write_string(ws, 1, 0, "王五", 0);
  worksheet_write_number(ws, 1, 1, 341102199001012030.0, 0);
  lxw_datetime dt = {2019, 7, 1, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 3, &dt, pDate);
  worksheet_write_number(ws, 2, 2, 2.5, 0);
  assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
  size_t n;
  char *a = slurp(zPath, &n);
  char zName[64];
  char *z = read_all(a, n, 0, zName, sizeof zName);
  assert_string_equal(z, "1:[姓名]t[公民身份号码]t[]t[入党日期]t\n2:[王五]t[3.41102199001012E+17]n[]t[2019-07-01]d\n3:[]t[]t[2.5]n\nEND");
  assert_string_equal(zName, "党员");
  free(z);
  free(a);
}

/* ---- xls: a compound file and BIFF8 records written here ---------------------------- */

static void put16(Buf *b, unsigned v) {
  buf_putc(b, (char)(v & 0xFF));
  buf_putc(b, (char)(v >> 8 & 0xFF));
}

static void put32(Buf *b, unsigned v) {
  put16(b, v & 0xFFFF);
  put16(b, v >> 16);
}

static void put_double(Buf *b, double v) { buf_append(b, &v, 8); }

/* A record: its type, then the body written by the caller from iBody on
 * (its length patched by rec_end). */
static size_t rec_begin(Buf *b, unsigned nType) {
  put16(b, nType);
  put16(b, 0);
  return b->n;
}

static void rec_end(Buf *b, size_t iBody) {
  size_t n = b->n - iBody;
  b->z[iBody - 2] = (char)(n & 0xFF);
  b->z[iBody - 1] = (char)(n >> 8);
}

/* An XLUnicodeString of ASCII or (bWide) the UTF-16 of z. */
static void put_string(Buf *b, const char *z, int bShort, int bWide) {
  unsigned short a[128];
  size_t n = 0;
  if (bWide) {
    /* UTF-8 to UTF-16: the tests use BMP characters only */
    for (const unsigned char *q = (const unsigned char *)z; *q;) {
      unsigned c = *q++;
      if (c >= 0xE0) c = (c & 0x0F) << 12 | (q[0] & 0x3Fu) << 6 | (q[1] & 0x3Fu), q += 2;
      else if (c >= 0xC0) c = (c & 0x1F) << 6 | (q[0] & 0x3Fu), q++;
      a[n++] = (unsigned short)c;
    }
  } else {
    n = strlen(z);
  }
  if (bShort) buf_putc(b, (char)n);
  else put16(b, (unsigned)n);
  buf_putc(b, (char)(bWide ? 1 : 0));
  for (size_t i = 0; i < n; i++) {
    if (bWide) put16(b, a[i]);
    else buf_putc(b, z[i]);
  }
}

static void put_bof(Buf *b, unsigned dt) {
  size_t i = rec_begin(b, 0x0809);
  put16(b, 0x0600);
  put16(b, dt);
  put16(b, 0x0DBB);
  put16(b, 0x07CC);
  put32(b, 0);
  put32(b, 6);
  rec_end(b, i);
}

static void put_cell_head(Buf *b, unsigned nType, unsigned r, unsigned c, unsigned xf, size_t *pi) {
  *pi = rec_begin(b, nType);
  put16(b, r);
  put16(b, c);
  put16(b, xf);
}

/* The workbook stream: globals (date system b1904; formats: XF 0 General,
 * 1 built-in date 14, 2 a custom 年月日 date, 3 "0.00"), a hidden sheet, the
 * roster, and the roster's cells of every kind. The SST's third string is
 * split by a CONTINUE that switches it from one byte a character to two. */
static void xls_workbook(Buf *b, int b1904) {
  size_t i, iPos[2];
  put_bof(b, 0x0005);
  i = rec_begin(b, 0x0022), put16(b, (unsigned)b1904), rec_end(b, i);
  i = rec_begin(b, 0x041E), put16(b, 164), put_string(b, "yyyy\"年\"m\"月\"d\"日\"", 0, 1), rec_end(b, i);
  unsigned aFmt[] = {0, 14, 164, 2};
  for (int k = 0; k < 4; k++) {
    i = rec_begin(b, 0x00E0);
    put16(b, 0);
    put16(b, aFmt[k]);
    for (int j = 0; j < 16; j++) buf_putc(b, 0);
    rec_end(b, i);
  }
  const char *azSheet[] = {"说明", "名单"};
  for (int k = 0; k < 2; k++) {
    i = rec_begin(b, 0x0085);
    iPos[k] = b->n;
    put32(b, 0);              /* patched below */
    buf_putc(b, (char)(k == 0));  /* the first hidden */
    buf_putc(b, 0);
    put_string(b, azSheet[k], 1, 1);
    rec_end(b, i);
  }
  i = rec_begin(b, 0x00FC);
  put32(b, 3);
  put32(b, 3);
  put_string(b, "姓名", 0, 1);
  put_string(b, "公民身份号码", 0, 1);
  put16(b, 5), buf_putc(b, 0), buf_append(b, "AB", 2);  /* "AB" now, "张三四" after the CONTINUE */
  rec_end(b, i);
  i = rec_begin(b, 0x003C);
  buf_putc(b, 1);
  put16(b, 0x5F20), put16(b, 0x4E09), put16(b, 0x56DB);
  rec_end(b, i);
  i = rec_begin(b, 0x000A), rec_end(b, i);
  /* The hidden sheet. */
  unsigned iSheet0 = (unsigned)b->n;
  put_bof(b, 0x0010);
  put_cell_head(b, 0x0204, 0, 0, 0, &i), put_string(b, "note", 0, 0), rec_end(b, i);
  i = rec_begin(b, 0x000A), rec_end(b, i);
  /* The roster: header, a row with a gap, one of RK and MULRK and formulas. */
  unsigned iSheet1 = (unsigned)b->n;
  put_bof(b, 0x0010);
  i = rec_begin(b, 0x0200), put32(b, 0), put32(b, 4), put16(b, 0), put16(b, 6), put16(b, 0), rec_end(b, i);
  put_cell_head(b, 0x00FD, 0, 0, 0, &i), put32(b, 0), rec_end(b, i);
  put_cell_head(b, 0x00FD, 0, 1, 0, &i), put32(b, 1), rec_end(b, i);
  put_cell_head(b, 0x00FD, 1, 0, 0, &i), put32(b, 2), rec_end(b, i);
  put_cell_head(b, 0x0203, 1, 1, 0, &i), put_double(b, 341102199001012030.0), rec_end(b, i);
  put_cell_head(b, 0x0203, 1, 3, 1, &i), put_double(b, 43835), rec_end(b, i);
  put_cell_head(b, 0x0205, 1, 4, 0, &i), buf_putc(b, 1), buf_putc(b, 0), rec_end(b, i);
  put_cell_head(b, 0x0205, 1, 5, 0, &i), buf_putc(b, 0x07), buf_putc(b, 1), rec_end(b, i);
  /* Row 3: RK 33 (an integer), MULRK 1.25 (a double's top bits) and 12.34 (x100), a date by 年月日. */
  put_cell_head(b, 0x027E, 2, 0, 0, &i), put32(b, 33u << 2 | 2), rec_end(b, i);
  i = rec_begin(b, 0x00BD);
  put16(b, 2), put16(b, 1);
  put16(b, 3), put32(b, 0x3FF40000u);
  put16(b, 3), put32(b, 1234u << 2 | 3);
  put16(b, 2), put32(b, 43835u << 2 | 2);
  put16(b, 3);
  rec_end(b, i);
  /* Row 4: formulas, cached: a number, a text (in the STRING after), a bool. */
  put_cell_head(b, 0x0006, 3, 0, 0, &i), put_double(b, 7.5), put16(b, 0), put32(b, 0), put16(b, 0), rec_end(b, i);
  put_cell_head(b, 0x0006, 3, 1, 0, &i);
  buf_putc(b, 0), buf_append(b, "\0\0\0\0\0", 5), put16(b, 0xFFFF), put16(b, 0), put32(b, 0), put16(b, 0), rec_end(b, i);
  i = rec_begin(b, 0x0207), put_string(b, "x1", 0, 0), rec_end(b, i);
  put_cell_head(b, 0x0006, 3, 2, 0, &i);
  buf_putc(b, 1), buf_putc(b, 0), buf_putc(b, 1), buf_append(b, "\0\0\0", 3), put16(b, 0xFFFF), put16(b, 0), put32(b, 0),
      put16(b, 0), rec_end(b, i);
  i = rec_begin(b, 0x000A), rec_end(b, i);
  unsigned aPos[] = {iSheet0, iSheet1};
  for (int k = 0; k < 2; k++)
    for (int j = 0; j < 4; j++) b->z[iPos[k] + (size_t)j] = (char)(aPos[k] >> 8 * j & 0xFF);
}

static void sector_words(Buf *b, const unsigned *a, size_t n) {
  for (size_t i = 0; i < 128; i++) put32(b, i < n ? a[i] : 0xFFFFFFFFu);
}

/* The compound file of one stream zName ("Workbook") under 4096 bytes, so
 * in the mini stream: header, FAT, directory, mini FAT, the mini stream. */
static void cfb_file(Buf *out, const Buf *wb, const char *zName) {
  const unsigned END = 0xFFFFFFFEu, FREE = 0xFFFFFFFFu;
  assert_true(wb->n < 4096);
  unsigned nMini = (unsigned)((wb->n + 63) / 64), nBig = (nMini * 64 + 511) / 512;
  static const unsigned char aMagic[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  buf_append(out, aMagic, 8);
  for (int i = 0; i < 16; i++) buf_putc(out, 0);
  put16(out, 0x3E), put16(out, 3), put16(out, 0xFFFE), put16(out, 9), put16(out, 6);
  for (int i = 0; i < 10; i++) buf_putc(out, 0);
  put32(out, 1), put32(out, 1), put32(out, 0), put32(out, 4096), put32(out, 2), put32(out, 1), put32(out, END), put32(out, 0);
  put32(out, 0);
  for (int i = 1; i < 109; i++) put32(out, FREE);
  unsigned aFat[128] = {0xFFFFFFFDu, END, END};
  for (unsigned i = 0; i < nBig; i++) aFat[3 + i] = i + 1 < nBig ? 4 + i : END;
  sector_words(out, aFat, 3 + nBig);
  const char *azName[] = {"Root Entry", zName};
  for (int k = 0; k < 4; k++) {
    size_t i0 = out->n, nName = k < 2 ? strlen(azName[k]) : 0;
    for (size_t j = 0; j < nName; j++) put16(out, (unsigned char)azName[k][j]);
    while (out->n < i0 + 64) buf_putc(out, 0);
    put16(out, k < 2 ? (unsigned)(2 * nName + 2) : 0);
    buf_putc(out, (char)(k == 0 ? 5 : k == 1 ? 2 : 0));
    buf_putc(out, 1);
    put32(out, FREE), put32(out, FREE), put32(out, k == 0 ? 1 : FREE);
    while (out->n < i0 + 116) buf_putc(out, 0);
    put32(out, k == 0 ? 3 : 0);
    put32(out, k == 0 ? nMini * 64 : k == 1 ? (unsigned)wb->n : 0);
    put32(out, 0);
  }
  unsigned aMiniFat[64];
  for (unsigned i = 0; i < nMini; i++) aMiniFat[i] = i + 1 < nMini ? i + 1 : END;
  sector_words(out, aMiniFat, nMini);
  buf_append(out, wb->z, wb->n);
  while (out->n < (size_t)(4 + nBig) * 512) buf_putc(out, 0);
}

static void xls_file(Buf *out, const Buf *wb) { cfb_file(out, wb, "Workbook"); }

static void test_xls(void **state) {
  (void)state;
  for (int b1904 = 0; b1904 <= 1; b1904++) {
    Buf wb = BUF_INIT, f = BUF_INIT;
    xls_workbook(&wb, b1904);
    xls_file(&f, &wb);
    char zName[64];
    char *z = read_all(f.z, f.n, 0, zName, sizeof zName);
    if (!b1904) {
      assert_string_equal(z, "1:[姓名]t[公民身份号码]t\n"
                             "2:[AB张三四]t[3.41102199001012E+17]n[]t[2020-01-05]d[TRUE]b[#DIV/0!]e\n"
                             "3:[33]n[1.25]n[12.34]n[2020-01-05]d\n"
                             "4:[7.5]n[x1]t[TRUE]b\n"
                             "END");
    } else {
      /* The same serial counts from 1904: four years and a day later. */
      assert_string_equal(z, "1:[姓名]t[公民身份号码]t\n"
                             "2:[AB张三四]t[3.41102199001012E+17]n[]t[2024-01-06]d[TRUE]b[#DIV/0!]e\n"
                             "3:[33]n[1.25]n[12.34]n[2024-01-06]d\n"
                             "4:[7.5]n[x1]t[TRUE]b\n"
                             "END");
    }
    assert_string_equal(zName, "名单");
    free(z);
    expect_rows(f.z, f.n, "说明", "1:[note]t\nEND");
    expect_rows(f.z, f.n, "Sheet1", "ERROR: 工作簿中没有名为“Sheet1”的工作表（有：“说明”、“名单”）");
    FILE *fp = fmemopen(f.z, f.n, "r");
    Sheet *p = sheet_open(fp, 0);
    assert_int_equal(sheet_format(p), SHEET_XLS);
    assert_string_equal(sheet_encoding(p), "xls");
    sheet_close(p);
    fclose(fp);
    /* Cut anywhere, it ends or fails with a message (and ASan sees no more). */
    for (size_t n = 8; n < f.n; n += 37) {
      char *zCut = read_all(f.z, n, 0, 0, 0);
      assert_true(strncmp(zCut, "ERROR: ", 7) == 0 || strstr(zCut, "END"));
      free(zCut);
    }
    buf_free(&wb);
    buf_free(&f);
  }
}

static void test_xls_refused(void **state) {
  (void)state;
  Buf wb = BUF_INIT, f = BUF_INIT;
  /* A FILEPASS record: encrypted. */
  put_bof(&wb, 0x0005);
  size_t i = rec_begin(&wb, 0x002F);
  put16(&wb, 1);
  rec_end(&wb, i);
  xls_file(&f, &wb);
  expect_rows(f.z, f.n, 0, "ERROR: .xls 文件有密码保护：请在 Excel 或 WPS 中去掉密码后再导入");
  /* BIFF5 (Excel 5.0/95). */
  buf_reset(&wb);
  buf_reset(&f);
  i = rec_begin(&wb, 0x0809);
  put16(&wb, 0x0500), put16(&wb, 0x0005), put32(&wb, 0);
  rec_end(&wb, i);
  xls_file(&f, &wb);
  expect_rows(f.z, f.n, 0, "ERROR: 这是 Excel 5.0/95 或更早格式的工作簿：请在 Excel 或 WPS 中另存为 .xlsx 后再导入");
  /* No sheets. */
  buf_reset(&wb);
  buf_reset(&f);
  put_bof(&wb, 0x0005);
  i = rec_begin(&wb, 0x000A), rec_end(&wb, i);
  xls_file(&f, &wb);
  expect_rows(f.z, f.n, 0, "ERROR: 工作簿中没有工作表");
  /* A header and no more. */
  expect_rows(f.z, 512, 0, "ERROR: 无法读取 .xls 文件（文件损坏，或不是 Excel 97-2003 工作簿）");
  /* An .xlsx with a password is a compound file with an EncryptedPackage;
   * Excel 5.0/95 named its stream Book; a Word file has neither. */
  buf_reset(&f);
  cfb_file(&f, &wb, "EncryptedPackage");
  expect_rows(f.z, f.n, 0, "ERROR: 工作簿有密码保护：请在 Excel 或 WPS 中去掉密码后再导入");
  buf_reset(&f);
  cfb_file(&f, &wb, "Book");
  expect_rows(f.z, f.n, 0, "ERROR: 这是 Excel 5.0/95 格式的旧工作簿：请在 Excel 或 WPS 中另存为 .xlsx 后再导入");
  buf_reset(&f);
  cfb_file(&f, &wb, "WordDocument");
  expect_rows(f.z, f.n, 0, "ERROR: 无法读取 .xls 文件（文件损坏，或不是 Excel 97-2003 工作簿）");
  buf_free(&wb);
  buf_free(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_number_text),
      cmocka_unit_test(test_serial_text),
      cmocka_unit_test(test_format_is_date),
      cmocka_unit_test(test_csv),
      cmocka_unit_test(test_xlsx),
      cmocka_unit_test(test_xlsx_1904),
      cmocka_unit_test(test_xlsx_broken),
      cmocka_unit_test(test_xlsxwriter),
      cmocka_unit_test(test_xls),
      cmocka_unit_test(test_xls_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
