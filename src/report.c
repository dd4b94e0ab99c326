/* report.c: the one writer of tables (CSV, xlsx, JSON). See report.h; the
 * CLI of the declared reports is cli.c's. */
#include "report.h"
#include "buf.h"
#include "csv.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define XLSX_MAX_ROWS 1048576   /* Excel's limit per sheet, header included */
#define RPT_FLUSH (1 << 20)     /* CSV and JSON are written out in pieces of about this size */

enum { FMT_CSV, FMT_XLSX, FMT_JSON };

struct RptWriter {
  int eFmt;
  unsigned flags;
  char *zOut;                  /* NULL: standard output */
  FILE *f;                     /* CSV and JSON */
  Buf b;                       /* what is not yet written to f */
  int bFail;                   /* a write failed: rpt_close says so */
  /* the current table */
  RptCol *aCol;                /* a copy */
  int nCol;
  int nTable;
  long long nRow;              /* rows of the current table so far */
  char *zSheet;
  /* xlsx */
  lxw_workbook *pWb;
  lxw_worksheet *pWs;
  lxw_format *pBold, *pDate, *pTenth;
  long long iRow;              /* next row within the current sheet */
  int nSheet;                  /* sheets of the current table (a table past Excel's row limit goes on in another) */
  int nHeadRows;               /* rows above the data in a sheet: title and header */
  const char *zTitle;
  /* JSON */
  json_t *pEnvelope;
  char *zEnvelopeKey;
  json_t *pValue;              /* rpt_json_value: the whole output */
  int bJsonOpen;               /* the opening of the output is written */
  char *zOuterTail;            /* what follows the outer array's ']' (an envelope's '}') */
  int nOuterDepth;             /* the depth of the outer array's elements (rows, or RPT_TABLES' tables) */
  long long nOuter;            /* elements of the outer array so far */
  char *zTableTail;            /* RPT_TABLES: what follows the current table's "rows" array */
  int nRowDepth;               /* RPT_TABLES: the depth of the current table's rows */
};

static void flush(RptWriter *w, int bAll) {
  if (!w->f || (!bAll && w->b.n < RPT_FLUSH)) return;
  if (w->b.n && fwrite(w->b.z, 1, w->b.n, w->f) != w->b.n) w->bFail = 1;
  buf_reset(&w->b);
}

const char *rpt_content_type(const char *zFormat) {
  if (zFormat && strcmp(zFormat, "xlsx") == 0) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (zFormat && strcmp(zFormat, "json") == 0) return "application/json; charset=utf-8";
  return "text/csv; charset=utf-8";
}

RptWriter *rpt_open(const char *zFormat, const char *zOut, unsigned flags) {
  int eFmt = !zFormat ? -1 : strcmp(zFormat, "csv") == 0 ? FMT_CSV : strcmp(zFormat, "xlsx") == 0 ? FMT_XLSX
                           : strcmp(zFormat, "json") == 0 ? FMT_JSON : -1;
  if (eFmt < 0) {
    util_die_msg("--format is csv, xlsx or json (got '%s')", zFormat ? zFormat : "");
    return 0;
  }
  if (eFmt == FMT_XLSX && !zOut) {
    util_die_msg("--format xlsx needs --out FILE");
    return 0;
  }
  RptWriter *w = xcalloc(1, sizeof *w);
  w->eFmt = eFmt;
  w->flags = flags;
  w->zOut = zOut ? xstrdup(zOut) : 0;
  if (eFmt == FMT_XLSX) {
    lxw_workbook_options opt = {.constant_memory = (flags & RPT_BIG) ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL,
                                .use_zip64 = (flags & RPT_BIG) ? LXW_TRUE : LXW_FALSE};
    const char *zTmp = getenv("TMPDIR");
    if (zTmp && zTmp[0]) opt.tmpdir = (char *)zTmp;
    w->pWb = workbook_new_opt(zOut, &opt);
    if (!w->pWb) {
      util_die_msg("cannot write %s", zOut);
      free(w->zOut);
      free(w);
      return 0;
    }
    w->pBold = workbook_add_format(w->pWb);
    format_set_bold(w->pBold);
    w->pDate = workbook_add_format(w->pWb);
    format_set_num_format(w->pDate, "yyyy-mm-dd");
    w->pTenth = workbook_add_format(w->pWb);
    format_set_num_format(w->pTenth, "0.0");
    return w;
  }
  w->f = zOut ? fopen(zOut, "wb") : stdout;
  if (!w->f) {
    util_die_msg("cannot write %s", zOut);
    free(w->zOut);
    free(w);
    return 0;
  }
  if (eFmt == FMT_CSV) buf_puts(&w->b, CSV_BOM);
  return w;
}

void rpt_json_envelope(RptWriter *w, json_t *pObj, const char *zKey) {
  w->pEnvelope = json_incref(pObj);
  free(w->zEnvelopeKey);
  w->zEnvelopeKey = xstrdup(zKey);
}

/* xlsx: a new sheet for the current table (the n-th of it), with its title
 * and header rows. */
static int xlsx_sheet(RptWriter *w) {
  char zName[40];
  if (w->nSheet == 0) snprintf(zName, sizeof zName, "%s", w->zSheet);
  else snprintf(zName, sizeof zName, "%.28s%d", w->zSheet, w->nSheet + 1);
  w->pWs = workbook_add_worksheet(w->pWb, zName);
  if (!w->pWs) {
    /* A name Excel does not take (too long, a character it forbids, twice): a plain one. */
    snprintf(zName, sizeof zName, "表%d", w->nTable * 100 + w->nSheet + 1);
    w->pWs = workbook_add_worksheet(w->pWb, zName);
  }
  if (!w->pWs) return -1;
  w->nSheet++;
  lxw_row_t r = 0;
  if ((w->flags & RPT_TABLES) && w->zTitle) worksheet_write_string(w->pWs, r++, 0, w->zTitle, w->pBold);
  for (int c = 0; c < w->nCol; c++) {
    const RptCol *pC = &w->aCol[c];
    worksheet_write_string(w->pWs, r, (lxw_col_t)c, pC->zHead, w->pBold);
    if (pC->nWidth) worksheet_set_column(w->pWs, (lxw_col_t)c, (lxw_col_t)c, pC->nWidth, NULL);
  }
  r++;
  if (!(w->flags & RPT_NOFREEZE)) worksheet_freeze_panes(w->pWs, r, 0);
  w->nHeadRows = (int)r;
  w->iRow = r;
  return 0;
}

/* ---- JSON ------------------------------------------------------------------
 * Laid out as jansson's JSON_INDENT(1) lays out the whole (or compact, with
 * RPT_COMPACT), but written a row at a time: each row or table is dumped by
 * jansson and indented to its depth, so the output is the same bytes as
 * the dump of the whole would be. */

static size_t json_flags(const RptWriter *w, int bTable) {
  size_t f = JSON_PRESERVE_ORDER | ((w->flags & RPT_COMPACT) ? JSON_COMPACT : JSON_INDENT(1));
  if (bTable && (w->flags & RPT_TABLES)) f |= JSON_REAL_PRECISION(6);
  return f;
}

static void json_indent(Buf *b, int depth) {
  buf_putc(b, '\n');
  for (int i = 0; i < depth; i++) buf_putc(b, ' ');
}

/* Appends z[0..n) with each line after the first indented by depth more
 * (no JSON string holds a raw newline, so every newline is the layout's). */
static void put_indented(Buf *b, const char *z, size_t n, int depth) {
  const char *zEnd = z + n;
  while (z < zEnd) {
    const char *q = memchr(z, '\n', (size_t)(zEnd - z));
    if (!q || depth == 0) {
      buf_append(b, z, (size_t)(zEnd - z));
      return;
    }
    buf_append(b, z, (size_t)(q - z));
    json_indent(b, depth);
    z = q + 1;
  }
}

/* Appends v's dump, indented to depth. */
static void put_json(RptWriter *w, json_t *v, int depth, size_t flags) {
  char zBuf[4096];
  size_t n = json_dumpb(v, zBuf, sizeof zBuf, flags);
  if (n <= sizeof zBuf) {
    put_indented(&w->b, zBuf, n, depth);
    return;
  }
  char *z = json_dumps(v, flags);
  if (z) put_indented(&w->b, z, strlen(z), depth);
  free(z);
}

/* Before element i of an array whose elements are at depth. */
static void json_sep(RptWriter *w, long long i, int depth) {
  if (w->flags & RPT_COMPACT) {
    if (i) buf_puts(&w->b, ",\n");
    return;
  }
  if (i) buf_putc(&w->b, ',');
  json_indent(&w->b, depth);
}

/* The end of an array of n elements at depth. */
static void json_array_end(RptWriter *w, long long n, int depth) {
  if (n && !(w->flags & RPT_COMPACT)) json_indent(&w->b, depth - 1);
  buf_putc(&w->b, ']');
}

/* Appends pSkel's dump, indented to depth, up to and including the '[' of
 * its last empty array (the member that takes the rows: the last one);
 * returns what follows that array (caller frees) and sets *pDepth to the
 * depth of its elements. */
static char *json_skeleton(RptWriter *w, json_t *pSkel, int depth, size_t flags, int *pDepth) {
  char *z = json_dumps(pSkel, flags);
  Buf t = BUF_INIT;
  put_indented(&t, z, strlen(z), depth);
  free(z);
  buf_putc(&t, 0);
  char *zAt = 0;
  for (char *q = t.z; (q = strstr(q, "[]")) != 0; q++) zAt = q;
  const char *zLine = zAt;
  while (zLine > t.z && zLine[-1] != '\n') zLine--;
  int nIndent = 0;
  while (zLine[nIndent] == ' ') nIndent++;
  *pDepth = nIndent + 1;
  buf_append(&w->b, t.z, (size_t)(zAt - t.z) + 1);
  char *zTail = xstrdup(zAt + 2);
  buf_free(&t);
  return zTail;
}

/* The text before the first row or table: the outer array's opening. */
static void json_open(RptWriter *w) {
  if (w->bJsonOpen) return;
  w->bJsonOpen = 1;
  json_t *p;
  if (w->pEnvelope) {
    p = json_deep_copy(w->pEnvelope);
    json_object_del(p, w->zEnvelopeKey);
    json_object_set_new(p, w->zEnvelopeKey, json_array());   /* the last member */
  } else {
    p = json_array();
  }
  w->zOuterTail = json_skeleton(w, p, 0, json_flags(w, 0), &w->nOuterDepth);
  json_decref(p);
}

/* RPT_TABLES: ends the current table's rows and the table. */
static void json_table_end(RptWriter *w) {
  if (!w->zTableTail) return;
  json_array_end(w, w->nRow, w->nRowDepth);
  buf_puts(&w->b, w->zTableTail);
  free(w->zTableTail);
  w->zTableTail = 0;
}

void rpt_json_value(RptWriter *w, json_t *pValue) {
  json_decref(w->pValue);
  w->pValue = json_incref(pValue);
}

int rpt_table(RptWriter *w, const char *zSheet, const char *zTitle, const RptCol *aCol, int nCol) {
  if (w->eFmt == FMT_JSON && !w->pValue) {
    json_open(w);
    if (w->flags & RPT_TABLES) {
      /* One object per table; its rows are streamed into "rows". */
      json_table_end(w);
      json_sep(w, w->nOuter++, w->nOuterDepth);
      json_t *aHead = json_array();
      for (int c = 0; c < nCol; c++) json_array_append_new(aHead, json_string(aCol[c].zHead));
      json_t *t = json_pack("{s:s?, s:s?, s:o, s:[]}", "title", zTitle, "sheet", zSheet, "columns", aHead, "rows");
      w->zTableTail = json_skeleton(w, t, w->nOuterDepth, json_flags(w, 1), &w->nRowDepth);
      json_decref(t);
    }
  } else if (w->eFmt == FMT_CSV) {
    if (w->nTable) buf_puts(&w->b, "\r\n");
    if ((w->flags & RPT_TABLES) && zTitle) {
      const char *az[1] = {zTitle};
      csv_write_row(&w->b, az, 1, 1);
    }
    const char *az[64];
    for (int c = 0; c < nCol && c < 64; c++) az[c] = aCol[c].zHead;
    csv_write_row(&w->b, az, nCol < 64 ? nCol : 64, 0);
  }
  free(w->aCol);
  w->aCol = xmalloc(sizeof(RptCol) * (size_t)(nCol ? nCol : 1));
  memcpy(w->aCol, aCol, sizeof(RptCol) * (size_t)nCol);
  w->nCol = nCol;
  w->nRow = 0;
  w->zTitle = zTitle;
  free(w->zSheet);
  w->zSheet = xstrdup(zSheet && zSheet[0] ? zSheet : "Sheet1");
  w->nSheet = 0;
  int rc = 0;
  if (w->eFmt == FMT_XLSX) rc = xlsx_sheet(w);
  w->nTable++;
  flush(w, 0);
  return rc;
}

/* The text of a cell, as CSV and xlsx strings show it (caller frees; NULL for empty). */
static char *cell_text(const RptWriter *w, const RptCol *pC, json_t *v) {
  if (!v || json_is_null(v)) return 0;
  if (pC->type == RPT_MONEY) {
    long long c = json_is_integer(v) ? (long long)json_integer_value(v)
                  : json_is_string(v) ? atoll(json_string_value(v)) : (long long)(json_number_value(v) * 100 + 0.5);
    char z[32];
    text_format_money(c, z);
    return xstrdup(z);
  }
  if (json_is_string(v)) return xstrdup(json_string_value(v));
  if (json_is_integer(v)) return xprintf("%lld", (long long)json_integer_value(v));
  if (json_is_real(v)) {
    double x = json_real_value(v);
    return (w->flags & RPT_TABLES) ? xprintf("%.1f", x) : xprintf("%.2f", x);
  }
  if (json_is_true(v)) return xstrdup("是");
  if (json_is_false(v)) return xstrdup("否");
  return 0;
}

/* A cell given as text, as the JSON value its column's type makes of it
 * (new reference). */
static json_t *text_cell(const RptCol *pC, const char *z) {
  if (!z) return json_null();
  switch (pC->type) {
    case RPT_INT: {
      char *e;
      long long v = strtoll(z, &e, 10);
      return *e || !z[0] ? json_string(z) : json_integer(v);
    }
    case RPT_REAL: {
      char *e;
      double v = strtod(z, &e);
      return *e || !z[0] ? json_string(z) : json_real(v);
    }
    case RPT_MONEY: return json_integer(atoll(z));
    case RPT_BOOL: return json_boolean(strcmp(z, "1") == 0 || strcmp(z, "是") == 0 || strcmp(z, "true") == 0);
    default: return json_string(z);
  }
}

static void xlsx_cell(RptWriter *w, lxw_row_t r, lxw_col_t c, const RptCol *pC, json_t *v) {
  if (!v || json_is_null(v)) return;
  if (pC->type == RPT_DATE && json_is_string(v) && strlen(json_string_value(v)) == 10) {
    const char *z = json_string_value(v);
    lxw_datetime dt = {atoi(z), atoi(z + 5), atoi(z + 8), 0, 0, 0};
    worksheet_write_datetime(w->pWs, r, c, &dt, w->pDate);
    return;
  }
  if (pC->type == RPT_MONEY) {
    long long cents = json_is_integer(v) ? (long long)json_integer_value(v)
                      : json_is_string(v) ? atoll(json_string_value(v)) : (long long)(json_number_value(v) * 100 + 0.5);
    worksheet_write_number(w->pWs, r, c, (double)cents / 100.0, NULL);
    return;
  }
  if (json_is_integer(v)) {
    worksheet_write_number(w->pWs, r, c, (double)json_integer_value(v), NULL);
    return;
  }
  if (json_is_real(v)) {
    worksheet_write_number(w->pWs, r, c, json_real_value(v), (w->flags & RPT_TABLES) ? w->pTenth : NULL);
    return;
  }
  char *z = cell_text(w, pC, v);
  if (z) worksheet_write_string(w->pWs, r, c, z, NULL);
  free(z);
}

int rpt_row(RptWriter *w, json_t *aCell, json_t *pJson) {
  if (!w->aCol) {
    fprintf(stderr, "qiangji: internal: a report row before its table\n");
    return -1;
  }
  if (w->eFmt == FMT_JSON) {
    if (w->pValue) {
      /* the output is the value */
    } else if (w->flags & RPT_TABLES) {
      json_sep(w, w->nRow, w->nRowDepth);
      put_json(w, pJson ? pJson : aCell, w->nRowDepth, json_flags(w, 1));   /* a table's rows are arrays */
    } else {
      json_t *o = pJson ? json_incref(pJson) : json_object();
      for (int c = 0; !pJson && c < w->nCol; c++) {
        const RptCol *pC = &w->aCol[c];
        json_t *v = json_array_get(aCell, (size_t)c);
        json_object_set(o, pC->zKey ? pC->zKey : pC->zHead, v ? v : json_null());
      }
      json_sep(w, w->nOuter++, w->nOuterDepth);
      put_json(w, o, w->nOuterDepth, json_flags(w, 0));
      json_decref(o);
    }
  } else if (w->eFmt == FMT_CSV) {
    char *az[64] = {0};
    int n = w->nCol < 64 ? w->nCol : 64;
    for (int c = 0; c < n; c++) az[c] = cell_text(w, &w->aCol[c], json_array_get(aCell, (size_t)c));
    csv_write_row(&w->b, (const char *const *)az, n, 1);
    for (int c = 0; c < n; c++) free(az[c]);
  } else {
    if (w->iRow == XLSX_MAX_ROWS && xlsx_sheet(w)) return -1;
    for (int c = 0; c < w->nCol; c++)
      xlsx_cell(w, (lxw_row_t)w->iRow, (lxw_col_t)c, &w->aCol[c], json_array_get(aCell, (size_t)c));
    w->iRow++;
  }
  w->nRow++;
  flush(w, 0);
  return w->bFail ? -1 : 0;
}

int rpt_row_text(RptWriter *w, const char *const *azCell, json_t *pJson) {
  if (!w->aCol) return rpt_row(w, 0, pJson);   /* says what is wrong */
  if (w->eFmt == FMT_JSON && (pJson || w->pValue)) return rpt_row(w, 0, pJson);
  if (w->eFmt == FMT_CSV) {
    /* Text, whole numbers and dates are written as they are; the other
     * types through their JSON cell. */
    char *azOwn[64] = {0};
    const char *az[64] = {0};
    int n = w->nCol < 64 ? w->nCol : 64;
    for (int c = 0; c < n; c++) {
      RptType t = w->aCol[c].type;
      if (!azCell[c] || t == RPT_TEXT || t == RPT_INT || t == RPT_DATE) {
        az[c] = azCell[c];
        continue;
      }
      json_t *v = text_cell(&w->aCol[c], azCell[c]);
      az[c] = azOwn[c] = cell_text(w, &w->aCol[c], v);
      json_decref(v);
    }
    csv_write_row(&w->b, az, n, 1);
    for (int c = 0; c < n; c++) free(azOwn[c]);
    w->nRow++;
    flush(w, 0);
    return w->bFail ? -1 : 0;
  }
  json_t *a = json_array();
  for (int c = 0; c < w->nCol; c++) json_array_append_new(a, text_cell(&w->aCol[c], azCell[c]));
  int rc = rpt_row(w, a, pJson);
  json_decref(a);
  return rc;
}

static void writer_free(RptWriter *w) {
  buf_free(&w->b);
  json_decref(w->pEnvelope);
  json_decref(w->pValue);
  free(w->zEnvelopeKey);
  free(w->zOuterTail);
  free(w->zTableTail);
  free(w->zSheet);
  free(w->aCol);
  free(w->zOut);
  free(w);
}

int rpt_close(RptWriter *w) {
  if (!w) return -1;
  int rc = w->bFail ? -1 : 0;
  if (w->eFmt == FMT_XLSX) {
    lxw_error e = workbook_close(w->pWb);
    if (e != LXW_NO_ERROR) {
      util_die_msg("writing %s failed: %s", w->zOut, lxw_strerror(e));
      rc = -1;
    }
  } else {
    if (w->eFmt == FMT_JSON && w->pValue) {
      put_json(w, w->pValue, 0, json_flags(w, 0));
      buf_putc(&w->b, '\n');
    } else if (w->eFmt == FMT_JSON) {
      json_open(w);
      if (w->flags & RPT_TABLES) json_table_end(w);
      json_array_end(w, w->nOuter, w->nOuterDepth);
      buf_puts(&w->b, w->zOuterTail);
      buf_putc(&w->b, '\n');
    }
    flush(w, 1);
    if (w->zOut ? fclose(w->f) != 0 : fflush(w->f) != 0) rc = -1;
    if (rc) util_die_msg("writing %s failed", w->zOut ? w->zOut : "standard output");
  }
  writer_free(w);
  return rc;
}

void rpt_discard(RptWriter *w) {
  if (!w) return;
  if (w->eFmt == FMT_XLSX) {
    lxw_workbook_free(w->pWb);   /* the file is written only by workbook_close */
  } else if (w->zOut) {
    fclose(w->f);
    remove(w->zOut);
  }
  writer_free(w);
}
