/* report.c: the one writer of tables (CSV, xlsx, JSON) and the CLI of every
 * declared report. See report.h. */
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
  const RptCol *aCol;
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
  int bJsonOpen;               /* the opening of the output is written */
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

/* JSON: the text before the first row of the first table. */
static void json_open(RptWriter *w) {
  if (w->bJsonOpen) return;
  w->bJsonOpen = 1;
  if (w->pEnvelope) {
    /* The envelope with an empty array under its key, cut before that
     * array's ']' and the object's '}': the rows go in between. */
    json_t *p = json_deep_copy(w->pEnvelope);
    json_object_set_new(p, w->zEnvelopeKey, json_array());
    char *z = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(p);
    char *zCut = strstr(z, "[]");
    /* The key's array is the last member (set last with JSON_PRESERVE_ORDER). */
    char *zLast = zCut;
    while (zCut && (zCut = strstr(zCut + 1, "[]")) != 0) zLast = zCut;
    if (zLast) buf_append(&w->b, z, (size_t)(zLast - z) + 1);
    free(z);
  } else {
    buf_puts(&w->b, "[");
  }
}

int rpt_table(RptWriter *w, const char *zSheet, const char *zTitle, const RptCol *aCol, int nCol) {
  if (w->eFmt == FMT_JSON) {
    json_open(w);
    if (w->flags & RPT_TABLES) {
      /* One object per table; its rows are streamed into "rows". */
      if (w->nTable) buf_puts(&w->b, "]},\n");
      json_t *aHead = json_array();
      for (int c = 0; c < nCol; c++) json_array_append_new(aHead, json_string(aCol[c].zHead));
      json_t *t = json_pack("{s:s?, s:s?, s:o}", "title", zTitle, "sheet", zSheet, "columns", aHead);
      char *z = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
      json_decref(t);
      buf_append(&w->b, z, strlen(z) - 1);   /* without the closing '}' */
      buf_puts(&w->b, ",\"rows\":[");
      free(z);
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
  w->aCol = aCol;
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
    json_t *o = pJson ? json_incref(pJson) : json_object();
    if (!pJson) {
      for (int c = 0; c < w->nCol; c++) {
        const RptCol *pC = &w->aCol[c];
        json_t *v = json_array_get(aCell, (size_t)c);
        json_object_set(o, pC->zKey ? pC->zKey : pC->zHead, v ? v : json_null());
      }
    }
    json_t *pOut = o;
    if ((w->flags & RPT_TABLES) && !pJson) pOut = aCell;  /* a table's rows are arrays */
    char zBuf[4096];
    size_t n = json_dumpb(pOut, zBuf, sizeof zBuf, JSON_COMPACT | JSON_PRESERVE_ORDER);
    buf_puts(&w->b, w->nRow ? ",\n" : "\n");
    if (n <= sizeof zBuf) {
      buf_append(&w->b, zBuf, n);
    } else {
      char *z = json_dumps(pOut, JSON_COMPACT | JSON_PRESERVE_ORDER);
      buf_puts(&w->b, z);
      free(z);
    }
    json_decref(o);
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

int rpt_row_text(RptWriter *w, const char *const *azCell) {
  json_t *a = json_array();
  for (int c = 0; c < w->nCol; c++) json_array_append_new(a, text_cell(&w->aCol[c], azCell[c]));
  int rc = rpt_row(w, a, 0);
  json_decref(a);
  return rc;
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
    if (w->eFmt == FMT_JSON) {
      json_open(w);
      if ((w->flags & RPT_TABLES) && w->nTable) buf_puts(&w->b, "]}");
      buf_puts(&w->b, w->pEnvelope ? "]}\n" : "\n]\n");
    }
    flush(w, 1);
    if (w->zOut ? fclose(w->f) != 0 : fflush(w->f) != 0) rc = -1;
    if (rc) util_die_msg("writing %s failed", w->zOut ? w->zOut : "standard output");
  }
  buf_free(&w->b);
  json_decref(w->pEnvelope);
  free(w->zEnvelopeKey);
  free(w->zSheet);
  free(w->zOut);
  free(w);
  return rc;
}
