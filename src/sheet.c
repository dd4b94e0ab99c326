/* sheet.c: rows from CSV, .xlsx (libzip + expat, streaming) and .xls (its
 * compound file and BIFF8 records read here). See sheet.h.
 *
 * An .xlsx is read in three steps at open: the package's relationships
 * (_rels/.rels) name the workbook part; the workbook and its relationships
 * name the sheets (in their tab order), the shared strings and the styles;
 * the shared strings are read into one buffer and the styles into one flag
 * per cell format (date or not). The chosen sheet is then parsed as rows are
 * asked for: expat is fed 64 KiB inflated at a time and suspended at the end
 * of each <row>, so one call to sheet_next gives one row, and only the
 * current row and the chunk being parsed are in memory. */
#include "sheet.h"
#include "buf.h"
#include "config.h"
#include "csv.h"
#include "util.h"
#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#define CHUNK (64 * 1024)
#define MAX_SHEETS 256
#define MAX_SMALL_PART (64 << 20)  /* workbook, relationships, styles: far less in any real file */

/* ---- numbers and dates ------------------------------------------------------ */

void sheet_number_text(double v, char *z) {
  if (v == 0) snprintf(z, 32, "0");
  else if (v == floor(v) && fabs(v) < 1e15) snprintf(z, 32, "%.0f", v);
  else {
    snprintf(z, 32, "%.15g", v);
    char *zE = strchr(z, 'e');
    if (zE) *zE = 'E';  /* 3.41102199001011E+17, as Excel writes it */
  }
}

/* The civil date of day n counted from 1970-01-01 (H. Hinnant's algorithm). */
static void civil(long long n, int *pY, int *pM, int *pD) {
  n += 719468;
  long long era = (n >= 0 ? n : n - 146096) / 146097;
  long long doe = n - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  *pY = (int)(y + (m <= 2));
  *pM = (int)m;
  *pD = (int)d;
}

int sheet_serial_text(double v, int b1904, char *z) {
  long long nEnd = b1904 ? 2957004 : 2958466;  /* 10000-01-01 */
  if (!(v >= 0) || v >= nEnd) return -1;       /* NaN too */
  long long nSec = llround(v * 86400.0), nDay = nSec / 86400, s = nSec % 86400;
  if (nDay >= nEnd) return -1;
  if (!b1904 && nDay == 0) {
    snprintf(z, 32, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    return 0;
  }
  long long nUnix;
  if (b1904) nUnix = nDay - 24107;             /* day 0 is 1904-01-01 */
  else if (nDay > 60) nUnix = nDay - 25569;    /* day 61 is 1900-03-01 */
  else if (nDay < 60) nUnix = nDay - 25568;    /* day 1 is 1900-01-01 */
  else return -1;                              /* 60: Lotus's 1900-02-29, which never was */
  int y, m, d;
  civil(nUnix, &y, &m, &d);
  if (s) snprintf(z, 32, "%04d-%02d-%02d %02lld:%02lld:%02lld", y, m, d, s / 3600, s / 60 % 60, s % 60);
  else snprintf(z, 32, "%04d-%02d-%02d", y, m, d);
  return 0;
}

int sheet_format_is_date(const char *z) {
  for (; *z; z++) {
    if (*z == '"') {
      while (z[1] && z[1] != '"') z++;
      if (z[1]) z++;
    } else if (*z == '[') {
      /* [Red], [$-804], [>100]: not a date; [h], [mm], [ss]: elapsed time. */
      const char *zEnd = strchr(z, ']');
      if (!zEnd) return 0;
      int bTime = zEnd > z + 1;
      for (const char *q = z + 1; q < zEnd; q++) bTime &= strchr("hHmMsS", *q) != 0;
      if (bTime) return 1;
      z = zEnd;
    } else if (*z == '\\' || *z == '_' || *z == '*') {
      if (z[1]) z++;
    } else if (strchr("yYmMdDhHsS", *z)) {
      return 1;
    }
  }
  return 0;
}

static int builtin_date(long id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* ---- the reader ------------------------------------------------------------- */

/* libzip reads the file through this: the caller's FILE, which libzip's own
 * file source would close. */
typedef struct ZipSrc {
  FILE *f;
  zip_int64_t nSize, iPos;
  zip_error_t err;
} ZipSrc;

enum { CT_N, CT_S, CT_STR, CT_INLINE, CT_B, CT_E, CT_D };

typedef struct Xls Xls;

struct Sheet {
  Sheet *pSelf;            /* first: every parser's user data starts with the Sheet */
  SheetFormat eFormat;
  FILE *f;
  char *zErr;
  int rcEnd;               /* 1 while rows may follow, 0 at the end, -1 after an error */
  char *zName;             /* the worksheet read */
  long iRow;               /* the last row's number */
  long long nMaxBytes, nMaxRows, nRows;
  /* the current row: cell texts one after another in text, their offsets
   * by column in aOff (-1: no cell), their kinds in aKind */
  Buf text;
  long long *aOff;
  unsigned char *aKind;
  int nCol, nColAlloc;
  char **azCell;
  int nCellAlloc;
  /* CSV */
  Csv *pCsv;
  /* xlsx */
  ZipSrc src;
  zip_t *pZip;
  zip_file_t *pZf;
  long long nInflated;
  XML_Parser xp;
  char *aChunk;
  int bSuspended, bFinalFed, bRowReady;
  Buf ss;                  /* shared strings (xlsx, xls), NUL-terminated one after another */
  size_t *aSs, nSs, nSsAlloc;
  unsigned char *abDateXf; /* per cell format: shows a date */
  size_t nXf;
  int b1904;
  /* parse state of the sheet */
  int bInSheetData, bInRow, bInCell, bInValue, bInRph;
  int eType, iStyle, iCellCol, iNextCol;
  Buf cell;
  /* xls */
  Xls *pXls;
};

static void set_error(Sheet *p, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(Sheet *p, const char *zFmt, ...) {
  if (p->zErr) return;  /* the first error is the one to tell */
  va_list ap;
  va_start(ap, zFmt);
  Buf b = BUF_INIT;
  buf_vprintf(&b, zFmt, ap);
  va_end(ap);
  p->zErr = buf_take(&b);
  p->rcEnd = -1;
}

/* The column letters of 0-based column c ("A", "AB") into z (8 bytes). */
static void col_name(int c, char *z) {
  char a[8];
  int n = 0;
  for (c++; c > 0 && n < 7; c = (c - 1) / 26) a[n++] = (char)('A' + (c - 1) % 26);
  for (int i = 0; i < n; i++) z[i] = a[n - 1 - i];
  z[n] = 0;
}

static void row_reset(Sheet *p) {
  buf_reset(&p->text);
  for (int c = 0; c < p->nCol; c++) p->aOff[c] = -1;
  p->nCol = 0;
}

/* Puts cell c of the current row. 0, or -1 (error set). */
static int row_put(Sheet *p, int c, const char *z, size_t n, SheetKind eKind) {
  if (c >= SHEET_MAX_COLS) {
    if (!n) return 0;  /* formatting far to the right, nothing in it */
    char zCol[8];
    col_name(c, zCol);
    set_error(p, "第%ld行第%s列：超过了 %d 列的上限", p->iRow, zCol, SHEET_MAX_COLS);
    return -1;
  }
  if (n > SHEET_MAX_CELL) {
    char zCol[8];
    col_name(c, zCol);
    set_error(p, "第%ld行第%s列：单元格超过 %d KiB", p->iRow, zCol, SHEET_MAX_CELL / 1024);
    return -1;
  }
  if (c >= p->nColAlloc) {
    int nNew = c + 16;
    p->aOff = xrealloc(p->aOff, (size_t)nNew * sizeof *p->aOff);
    p->aKind = xrealloc(p->aKind, (size_t)nNew);
    for (int i = p->nColAlloc; i < nNew; i++) p->aOff[i] = -1;
    p->nColAlloc = nNew;
  }
  for (int i = p->nCol; i < c; i++) p->aOff[i] = -1;
  if (c >= p->nCol) p->nCol = c + 1;
  p->aOff[c] = (long long)p->text.n;
  p->aKind[c] = (unsigned char)eKind;
  buf_append(&p->text, z, n);
  buf_putc(&p->text, 0);
  return 0;
}

/* Hands out the current row. */
static void row_out(Sheet *p, char ***pazCell, int *pnCell) {
  if (p->nCol > p->nCellAlloc) {
    p->nCellAlloc = p->nCol + 16;
    p->azCell = xrealloc(p->azCell, (size_t)p->nCellAlloc * sizeof(char *));
  }
  for (int c = 0; c < p->nCol; c++) p->azCell[c] = p->aOff[c] < 0 ? (char *)"" : p->text.z + p->aOff[c];
  *pazCell = p->azCell;
  *pnCell = p->nCol;
}

SheetKind sheet_kind(const Sheet *p, int iCol) {
  if (iCol < 0 || iCol >= p->nCol || p->aOff[iCol] < 0) return SHEET_TEXT;
  return (SheetKind)p->aKind[iCol];
}

/* Ends the shared string that starts at iStart of p->ss. */
static void ss_push(Sheet *p, size_t iStart) {
  if (p->nSs == p->nSsAlloc) {
    p->nSsAlloc = p->nSsAlloc ? 2 * p->nSsAlloc : 1024;
    p->aSs = xrealloc(p->aSs, p->nSsAlloc * sizeof *p->aSs);
  }
  p->aSs[p->nSs++] = iStart;
  buf_putc(&p->ss, 0);
}

/* ---- xlsx: the container ------------------------------------------------------ */

static zip_int64_t zipsrc_cb(void *pUd, void *pData, zip_uint64_t n, zip_source_cmd_t cmd) {
  ZipSrc *s = pUd;
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      s->iPos = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      if (fseeko(s->f, s->iPos, SEEK_SET)) {
        zip_error_set(&s->err, ZIP_ER_SEEK, errno);
        return -1;
      }
      size_t nRead = fread(pData, 1, n, s->f);
      if (nRead == 0 && ferror(s->f)) {
        zip_error_set(&s->err, ZIP_ER_READ, errno);
        return -1;
      }
      s->iPos += (zip_int64_t)nRead;
      return (zip_int64_t)nRead;
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_STAT: {
      zip_stat_t *st = pData;
      zip_stat_init(st);
      st->size = (zip_uint64_t)s->nSize;
      st->valid |= ZIP_STAT_SIZE;
      return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&s->err, pData, n);
    case ZIP_SOURCE_SEEK: {
      zip_int64_t i = zip_source_seek_compute_offset((zip_uint64_t)s->iPos, (zip_uint64_t)s->nSize, pData, n, &s->err);
      if (i < 0) return -1;
      s->iPos = i;
      return 0;
    }
    case ZIP_SOURCE_TELL:
      return s->iPos;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
                                            ZIP_SOURCE_SUPPORTS, -1);
    default:
      zip_error_set(&s->err, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

static void too_inflated(Sheet *p) {
  set_error(p, "解压后的内容超过 %lld MiB 的上限（设置 import_max_mb），文件可能是压缩炸弹，或应分成几个文件导入",
            p->nMaxBytes >> 20);
}

/* Opens the part zName of the package, or NULL: not there (no error set),
 * or its declared inflated size alone passes what is left of the limit
 * (error set; part_read counts the real bytes, which a forged size cannot
 * hide). */
static zip_file_t *part_open(Sheet *p, const char *zName) {
  zip_int64_t i = zip_name_locate(p->pZip, zName, 0);
  if (i < 0) i = zip_name_locate(p->pZip, zName, ZIP_FL_NOCASE);
  if (i < 0) return 0;
  zip_stat_t st;
  if (zip_stat_index(p->pZip, (zip_uint64_t)i, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)
      && st.size > (zip_uint64_t)(p->nMaxBytes - p->nInflated)) {
    too_inflated(p);
    return 0;
  }
  return zip_fopen_index(p->pZip, (zip_uint64_t)i, 0);
}

/* Reads up to CHUNK inflated bytes of zf into p->aChunk, counting them
 * against the limit. The count, 0 at the end, -1 on an error (set). */
static zip_int64_t part_read(Sheet *p, zip_file_t *zf, const char *zPart) {
  zip_int64_t n = zip_fread(zf, p->aChunk, CHUNK);
  if (n < 0) {
    set_error(p, "文件损坏，无法解压 %s：%s", zPart, zip_file_strerror(zf));
    return -1;
  }
  p->nInflated += n;
  if (p->nInflated > p->nMaxBytes) {
    too_inflated(p);
    return -1;
  }
  return n;
}

/* The local name of an element or attribute ("x:row" is "row"). */
static const char *local(const char *z) {
  const char *q = strrchr(z, ':');
  return q ? q + 1 : z;
}

static const char *attr(const char **azAttr, const char *zName) {
  for (int i = 0; azAttr[i]; i += 2)
    if (strcmp(local(azAttr[i]), zName) == 0) return azAttr[i + 1];
  return 0;
}

/* An XML part with a document type is refused (none has one; entity
 * expansion is the way XML bombs work). */
static void on_doctype(void *pUd, const XML_Char *zName, const XML_Char *zSys, const XML_Char *zPub, int bInternal) {
  (void)zName, (void)zSys, (void)zPub, (void)bInternal;
  Sheet *p = *(Sheet **)pUd;
  set_error(p, "文件中的 XML 含有文档类型声明（DOCTYPE），不是 Excel 或 WPS 保存的文件");
  XML_StopParser(p->xp, XML_FALSE);
}

/* Parses the whole part zName with handlers whose user data is pUd (its
 * first member must be the Sheet pointer). 0; 1 when the part is not there;
 * -1 on an error (set). */
static int part_parse(Sheet *p, const char *zName, void *pUd, XML_StartElementHandler xStart,
                      XML_EndElementHandler xEnd, XML_CharacterDataHandler xText, long long nMax) {
  zip_file_t *zf = part_open(p, zName);
  if (!zf) return p->zErr ? -1 : 1;
  XML_Parser xp = XML_ParserCreate("UTF-8");
  XML_Parser xpSaved = p->xp;
  p->xp = xp;
  XML_SetUserData(xp, pUd);
  XML_SetElementHandler(xp, xStart, xEnd);
  if (xText) XML_SetCharacterDataHandler(xp, xText);
  XML_SetStartDoctypeDeclHandler(xp, on_doctype);
  long long nTotal = 0;
  int rc = 0;
  for (;;) {
    zip_int64_t n = part_read(p, zf, zName);
    if (n < 0) {
      rc = -1;
      break;
    }
    nTotal += n;
    if (nTotal > nMax) {
      set_error(p, "%s 超过 %lld MiB 的上限", zName, nMax >> 20);
      rc = -1;
      break;
    }
    if (XML_Parse(xp, p->aChunk, (int)n, n == 0) != XML_STATUS_OK) {
      set_error(p, "文件损坏：%s 第%lu行：%s", zName, (unsigned long)XML_GetCurrentLineNumber(xp),
                XML_ErrorString(XML_GetErrorCode(xp)));
      rc = -1;
      break;
    }
    if (p->zErr) {
      rc = -1;
      break;
    }
    if (n == 0) break;
  }
  XML_ParserFree(xp);
  p->xp = xpSaved;
  zip_fclose(zf);
  return rc;
}

/* ---- xlsx: relationships, workbook, styles, shared strings ----------------------- */

typedef struct Rel {
  char *zId, *zType, *zTarget;
} Rel;

typedef struct Rels {
  Sheet *p;
  Rel *a;
  int n;
} Rels;

static void on_rel(void *pUd, const XML_Char *zEl, const XML_Char **azAttr) {
  Rels *r = pUd;
  if (strcmp(local(zEl), "Relationship") || r->n >= 1024) return;
  const char *zId = attr(azAttr, "Id"), *zType = attr(azAttr, "Type"), *zTarget = attr(azAttr, "Target");
  if (!zId || !zType || !zTarget) return;
  r->a = xrealloc(r->a, (size_t)(r->n + 1) * sizeof *r->a);
  r->a[r->n++] = (Rel){xstrdup(zId), xstrdup(zType), xstrdup(zTarget)};
}

static void rels_free(Rels *r) {
  for (int i = 0; i < r->n; i++) {
    free(r->a[i].zId);
    free(r->a[i].zType);
    free(r->a[i].zTarget);
  }
  free(r->a);
  r->a = 0;
  r->n = 0;
}

/* The first relationship whose type ends with zSuffix ("/worksheet"), or
 * with zId that id; NULL if none. */
static const Rel *rels_find(const Rels *r, const char *zSuffix, const char *zId) {
  for (int i = 0; i < r->n; i++) {
    if (zId && strcmp(r->a[i].zId, zId) == 0) return &r->a[i];
    size_t n = strlen(r->a[i].zType), m = zSuffix ? strlen(zSuffix) : 0;
    if (zSuffix && n >= m && strcmp(r->a[i].zType + n - m, zSuffix) == 0) return &r->a[i];
  }
  return 0;
}

/* The part a relationship's target names, relative to the folder zDir of
 * the part that has the relationship ("xl/"), "../" and "./" resolved. */
static char *part_path(const char *zDir, const char *zTarget) {
  Buf b = BUF_INIT;
  if (zTarget[0] == '/') zTarget++;
  else buf_puts(&b, zDir);
  while (*zTarget) {
    const char *zSlash = strchr(zTarget, '/');
    size_t n = zSlash ? (size_t)(zSlash - zTarget) : strlen(zTarget);
    if (n == 2 && strncmp(zTarget, "..", 2) == 0) {
      if (b.n) b.n--;  /* the trailing slash */
      while (b.n && b.z[b.n - 1] != '/') b.n--;
      b.z[b.n] = 0;
    } else if (!(n == 1 && zTarget[0] == '.') && n) {
      buf_append(&b, zTarget, n);
      if (zSlash) buf_putc(&b, '/');
    }
    zTarget += n + (zSlash != 0);
  }
  return buf_take(&b);
}

/* The folder of a part ("xl/" of "xl/workbook.xml"), as a new string. */
static char *part_dir(const char *zPart) {
  const char *z = strrchr(zPart, '/');
  return z ? xstrndup(zPart, (size_t)(z - zPart + 1)) : xstrdup("");
}

static int rels_read(Sheet *p, const char *zPart, Rels *r) {
  char *zDir = part_dir(zPart);
  char *zRels = xprintf("%s_rels/%s.rels", zDir, zPart + strlen(zDir));
  r->p = p;
  int rc = part_parse(p, zRels, r, on_rel, 0, 0, MAX_SMALL_PART);
  free(zDir);
  free(zRels);
  return rc < 0 ? -1 : 0;
}

typedef struct Workbook {
  Sheet *p;
  char *azName[MAX_SHEETS], *azRid[MAX_SHEETS];
  int abHidden[MAX_SHEETS];
  int n;
} Workbook;

static void on_workbook(void *pUd, const XML_Char *zEl, const XML_Char **azAttr) {
  Workbook *w = pUd;
  const char *z = local(zEl);
  if (strcmp(z, "workbookPr") == 0) {
    const char *zV = attr(azAttr, "date1904");
    w->p->b1904 = zV && (strcmp(zV, "1") == 0 || strcmp(zV, "true") == 0);
  } else if (strcmp(z, "sheet") == 0 && w->n < MAX_SHEETS) {
    const char *zName = attr(azAttr, "name"), *zRid = attr(azAttr, "id"), *zState = attr(azAttr, "state");
    if (!zName || !zRid) return;
    w->azName[w->n] = xstrdup(zName);
    w->azRid[w->n] = xstrdup(zRid);
    w->abHidden[w->n] = zState && strcmp(zState, "visible") != 0;
    w->n++;
  }
}

typedef struct Styles {
  Sheet *p;
  long aFmtId[512];      /* custom number formats that show dates */
  int nFmt;
  int bInXfs;
} Styles;

static void on_style(void *pUd, const XML_Char *zEl, const XML_Char **azAttr) {
  Styles *s = pUd;
  Sheet *p = s->p;
  const char *z = local(zEl);
  if (strcmp(z, "numFmt") == 0) {
    const char *zId = attr(azAttr, "numFmtId"), *zCode = attr(azAttr, "formatCode");
    if (zId && zCode && s->nFmt < (int)ARRAY_LEN(s->aFmtId) && sheet_format_is_date(zCode))
      s->aFmtId[s->nFmt++] = atol(zId);
  } else if (strcmp(z, "cellXfs") == 0) {
    s->bInXfs = 1;
  } else if (strcmp(z, "xf") == 0 && s->bInXfs) {
    if (p->nXf >= 65536) return;
    const char *zId = attr(azAttr, "numFmtId");
    long id = zId ? atol(zId) : 0;
    int bDate = builtin_date(id);
    for (int i = 0; i < s->nFmt && !bDate; i++) bDate = s->aFmtId[i] == id;
    p->abDateXf = xrealloc(p->abDateXf, p->nXf + 1);
    p->abDateXf[p->nXf++] = (unsigned char)bDate;
  }
}

static void on_style_end(void *pUd, const XML_Char *zEl) {
  Styles *s = pUd;
  if (strcmp(local(zEl), "cellXfs") == 0) s->bInXfs = 0;
}

/* Shared strings: the text of each <si>, its <t> elements joined, phonetic
 * runs (<rPh>) left out. */
typedef struct Strings {
  Sheet *p;
  int bInSi, bInT, bInRph;
  size_t iStart;
} Strings;

static void on_sst(void *pUd, const XML_Char *zEl, const XML_Char **azAttr) {
  (void)azAttr;
  Strings *s = pUd;
  const char *z = local(zEl);
  if (strcmp(z, "si") == 0) {
    s->bInSi = 1;
    s->iStart = s->p->ss.n;
  } else if (strcmp(z, "rPh") == 0) {
    s->bInRph = 1;
  } else if (strcmp(z, "t") == 0 && s->bInSi && !s->bInRph) {
    s->bInT = 1;
  }
}

static void on_sst_end(void *pUd, const XML_Char *zEl) {
  Strings *s = pUd;
  Sheet *p = s->p;
  const char *z = local(zEl);
  if (strcmp(z, "t") == 0) {
    s->bInT = 0;
  } else if (strcmp(z, "rPh") == 0) {
    s->bInRph = 0;
  } else if (strcmp(z, "si") == 0 && s->bInSi) {
    s->bInSi = 0;
    ss_push(p, s->iStart);
  }
}

static void on_sst_text(void *pUd, const XML_Char *z, int n) {
  Strings *s = pUd;
  if (!s->bInT) return;
  if (s->p->ss.n - s->iStart + (size_t)n > SHEET_MAX_CELL) {
    set_error(s->p, "共享字符串表中有超过 %d KiB 的单元格", SHEET_MAX_CELL / 1024);
    XML_StopParser(s->p->xp, XML_FALSE);
    return;
  }
  buf_append(&s->p->ss, z, (size_t)n);
}

/* ---- xlsx: the sheet, a row at a time ------------------------------------------ */

static void on_cell_start(void *pUd, const XML_Char *zEl, const XML_Char **azAttr) {
  Sheet *p = *(Sheet **)pUd;
  const char *z = local(zEl);
  if (!p->bInSheetData) {
    if (strcmp(z, "sheetData") == 0) p->bInSheetData = 1;
    return;
  }
  if (strcmp(z, "row") == 0) {
    const char *zR = attr(azAttr, "r");
    long iRow = zR ? atol(zR) : p->iRow + 1;
    if (iRow <= 0) iRow = p->iRow + 1;
    row_reset(p);
    p->iRow = iRow;
    p->bInRow = 1;
    p->iNextCol = 0;
    if (iRow > p->nMaxRows || ++p->nRows > p->nMaxRows) {
      set_error(p, "第%ld行：超过了 %lld 行的上限（设置 import_max_rows）", iRow, p->nMaxRows);
      XML_StopParser(p->xp, XML_FALSE);
    }
  } else if (strcmp(z, "c") == 0 && p->bInRow) {
    const char *zR = attr(azAttr, "r"), *zT = attr(azAttr, "t"), *zS = attr(azAttr, "s");
    int c = -1;
    if (zR) {
      long v = 0;
      for (; *zR >= 'A' && *zR <= 'Z' && v <= 100000; zR++) v = v * 26 + (*zR - 'A' + 1);
      if (v > 0) c = (int)(v > 100000 ? 100000 : v) - 1;
    }
    p->iCellCol = c >= 0 ? c : p->iNextCol;
    p->iNextCol = p->iCellCol + 1;
    p->eType = !zT || strcmp(zT, "n") == 0 ? CT_N
               : strcmp(zT, "s") == 0      ? CT_S
               : strcmp(zT, "str") == 0    ? CT_STR
               : strcmp(zT, "inlineStr") == 0 ? CT_INLINE
               : strcmp(zT, "b") == 0      ? CT_B
               : strcmp(zT, "e") == 0      ? CT_E
               : strcmp(zT, "d") == 0      ? CT_D
                                           : CT_STR;
    p->iStyle = zS ? atoi(zS) : 0;
    p->bInCell = 1;
    buf_reset(&p->cell);
  } else if (p->bInCell) {
    if (strcmp(z, "v") == 0 && p->eType != CT_INLINE) p->bInValue = 1;
    else if (strcmp(z, "rPh") == 0) p->bInRph = 1;
    else if (strcmp(z, "t") == 0 && p->eType == CT_INLINE && !p->bInRph) p->bInValue = 1;
  }
}

/* The text of the finished cell into the row. 0 or -1. */
static int cell_done(Sheet *p) {
  const char *z = buf_str(&p->cell);
  size_t n = p->cell.n;
  char zNum[40];
  SheetKind eKind = SHEET_TEXT;
  switch (p->eType) {
    case CT_S: {
      char *zEnd;
      unsigned long i = strtoul(z, &zEnd, 10);
      if (zEnd == z || i >= p->nSs) {
        char zCol[8];
        col_name(p->iCellCol, zCol);
        set_error(p, "文件损坏：第%ld行第%s列引用了不存在的共享字符串 %s", p->iRow, zCol, z);
        return -1;
      }
      z = p->ss.z + p->aSs[i];
      n = strlen(z);
      break;
    }
    case CT_B:
      z = strcmp(z, "1") == 0 ? "TRUE" : "FALSE";
      n = strlen(z);
      eKind = SHEET_BOOL;
      break;
    case CT_E:
      eKind = SHEET_ERROR;
      break;
    case CT_D:
      /* ISO 8601: 2020-01-05 or 2020-01-05T08:30:00, the time dropped at midnight. */
      if (n >= 10 && n < sizeof zNum) {
        memcpy(zNum, z, n + 1);
        if (n > 10 && zNum[10] == 'T') {
          zNum[10] = strncmp(zNum + 11, "00:00:00", 8) == 0 ? 0 : ' ';
          if (zNum[10] && n > 19) zNum[19] = 0;
        }
        z = zNum;
        n = strlen(z);
      }
      eKind = SHEET_DATE;
      break;
    case CT_N: {
      if (!n) break;
      char *zEnd;
      double v = strtod(z, &zEnd);
      if (zEnd == z || *zEnd) break;  /* not a number after all: as it is */
      int bDate = p->iStyle >= 0 && (size_t)p->iStyle < p->nXf && p->abDateXf[p->iStyle];
      if (bDate && sheet_serial_text(v, p->b1904, zNum) == 0) {
        eKind = SHEET_DATE;
      } else {
        sheet_number_text(v, zNum);
        eKind = SHEET_NUMBER;
      }
      z = zNum;
      n = strlen(z);
      break;
    }
    default:
      break;
  }
  return row_put(p, p->iCellCol, z, n, eKind);
}

static void on_cell_end(void *pUd, const XML_Char *zEl) {
  Sheet *p = *(Sheet **)pUd;
  if (!p->bInSheetData) return;
  const char *z = local(zEl);
  if (strcmp(z, "sheetData") == 0) {
    p->bInSheetData = 0;
  } else if (strcmp(z, "row") == 0 && p->bInRow) {
    p->bInRow = 0;
    p->bRowReady = 1;
    XML_StopParser(p->xp, XML_TRUE);  /* resumed by the next sheet_next */
  } else if (strcmp(z, "c") == 0 && p->bInCell) {
    p->bInCell = p->bInValue = p->bInRph = 0;
    if (cell_done(p)) XML_StopParser(p->xp, XML_FALSE);
  } else if (strcmp(z, "v") == 0 || strcmp(z, "t") == 0) {
    p->bInValue = 0;
  } else if (strcmp(z, "rPh") == 0) {
    p->bInRph = 0;
  }
}

static void on_cell_text(void *pUd, const XML_Char *z, int n) {
  Sheet *p = *(Sheet **)pUd;
  if (!p->bInValue) return;
  if (p->cell.n + (size_t)n > SHEET_MAX_CELL) {
    char zCol[8];
    col_name(p->iCellCol, zCol);
    set_error(p, "第%ld行第%s列：单元格超过 %d KiB", p->iRow, zCol, SHEET_MAX_CELL / 1024);
    XML_StopParser(p->xp, XML_FALSE);
    return;
  }
  buf_append(&p->cell, z, (size_t)n);
}

/* Opens the package and reads all but the sheet's rows. 0 or -1 (set). */
static int xlsx_open(Sheet *p, const char *zWant) {
  if (fseeko(p->f, 0, SEEK_END) || (p->src.nSize = ftello(p->f)) < 0) {
    set_error(p, "无法读取文件");
    return -1;
  }
  p->src.f = p->f;
  zip_error_init(&p->src.err);
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t *pSrc = zip_source_function_create(zipsrc_cb, &p->src, &err);
  if (pSrc && !(p->pZip = zip_open_from_source(pSrc, ZIP_RDONLY, &err))) zip_source_free(pSrc);
  if (!p->pZip) {
    set_error(p, "不是有效的 .xlsx 文件（zip 包无法打开：%s）", zip_error_strerror(&err));
    zip_error_fini(&err);
    return -1;
  }
  zip_error_fini(&err);
  p->aChunk = xmalloc(CHUNK);
  /* The package names its workbook; Excel and WPS put it at xl/workbook.xml. */
  Rels root = {p, 0, 0};
  if (part_parse(p, "_rels/.rels", &root, on_rel, 0, 0, MAX_SMALL_PART) < 0) {
    rels_free(&root);  /* what was read before the error */
    return -1;
  }
  const Rel *pDoc = rels_find(&root, "/officeDocument", 0);
  char *zBook = pDoc ? part_path("", pDoc->zTarget) : xstrdup("xl/workbook.xml");
  rels_free(&root);
  char *zDir = part_dir(zBook);
  Workbook w = {p, {0}, {0}, {0}, 0};
  Rels rels = {p, 0, 0};
  Styles sty = {p, {0}, 0, 0};
  Strings str = {p, 0, 0, 0, 0};
  char *zSheetPart = 0;
  int rc = part_parse(p, zBook, &w, on_workbook, 0, 0, MAX_SMALL_PART);
  if (rc == 1) set_error(p, "不是 Excel 工作簿（.xlsx 包中没有 %s）", zBook);
  if (rc || rels_read(p, zBook, &rels)) goto done;
  rc = -1;
  int iSheet = -1;
  for (int i = 0; i < w.n && iSheet < 0; i++)
    if (zWant ? strcmp(w.azName[i], zWant) == 0 : !w.abHidden[i]) iSheet = i;
  if (iSheet < 0 && !zWant && w.n) iSheet = 0;
  if (iSheet < 0) {
    Buf b = BUF_INIT;
    for (int i = 0; i < w.n; i++) buf_printf(&b, "%s“%s”", i ? "、" : "", w.azName[i]);
    if (zWant) set_error(p, "工作簿中没有名为“%s”的工作表（有：%s）", zWant, w.n ? buf_str(&b) : "无");
    else set_error(p, "工作簿中没有工作表");
    buf_free(&b);
    goto done;
  }
  const Rel *pSheet = rels_find(&rels, 0, w.azRid[iSheet]);
  if (!pSheet) {
    set_error(p, "文件损坏：找不到工作表“%s”", w.azName[iSheet]);
    goto done;
  }
  p->zName = xstrdup(w.azName[iSheet]);
  zSheetPart = part_path(zDir, pSheet->zTarget);
  const Rel *pStyles = rels_find(&rels, "/styles", 0);
  if (pStyles) {
    char *zPart = part_path(zDir, pStyles->zTarget);
    int rcS = part_parse(p, zPart, &sty, on_style, on_style_end, 0, MAX_SMALL_PART);
    free(zPart);
    if (rcS < 0) goto done;
  }
  const Rel *pStrings = rels_find(&rels, "/sharedStrings", 0);
  if (pStrings) {
    char *zPart = part_path(zDir, pStrings->zTarget);
    int rcS = part_parse(p, zPart, &str, on_sst, on_sst_end, on_sst_text, p->nMaxBytes);
    free(zPart);
    if (rcS < 0) goto done;
  }
  if (!(p->pZf = part_open(p, zSheetPart))) {
    set_error(p, "文件损坏：.xlsx 包中没有工作表“%s”的内容（%s）", p->zName, zSheetPart);
    goto done;
  }
  p->xp = XML_ParserCreate("UTF-8");
  XML_SetUserData(p->xp, p);
  XML_SetElementHandler(p->xp, on_cell_start, on_cell_end);
  XML_SetCharacterDataHandler(p->xp, on_cell_text);
  XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
  rc = 0;
done:
  for (int i = 0; i < w.n; i++) {
    free(w.azName[i]);
    free(w.azRid[i]);
  }
  rels_free(&rels);
  free(zSheetPart);
  free(zDir);
  free(zBook);
  return rc;
}

static int xlsx_next(Sheet *p, char ***pazCell, int *pnCell) {
  p->bRowReady = 0;
  for (;;) {
    enum XML_Status st;
    if (p->bSuspended) {
      p->bSuspended = 0;
      st = XML_ResumeParser(p->xp);
    } else if (p->bFinalFed) {
      return 0;
    } else {
      zip_int64_t n = part_read(p, p->pZf, "工作表");
      if (n < 0) return -1;
      p->bFinalFed = n == 0;
      st = XML_Parse(p->xp, p->aChunk, (int)n, n == 0);
    }
    if (p->zErr) return -1;
    if (st == XML_STATUS_ERROR) {
      set_error(p, "文件损坏：工作表“%s”的 XML 第%lu行：%s", p->zName, (unsigned long)XML_GetCurrentLineNumber(p->xp),
                XML_ErrorString(XML_GetErrorCode(p->xp)));
      return -1;
    }
    if (st == XML_STATUS_SUSPENDED) p->bSuspended = 1;
    if (p->bRowReady) {
      row_out(p, pazCell, pnCell);
      return 1;
    }
  }
}

/* ---- xls: the compound file --------------------------------------------------- */

/* An .xls is an OLE2 compound file ([MS-CFB]): sectors of 512 (version 3) or
 * 4096 bytes (version 4) after a header of one sector, chained by the FAT;
 * a directory of 128-byte entries names the streams; a stream under 4096
 * bytes lives in the mini stream, in 64-byte sectors chained by the mini
 * FAT. The one stream read is "Workbook": BIFF8 records ([MS-XLS]), each a
 * type, a length up to 8224 and a body, a long one continued by CONTINUE
 * records. Every sector number, chain, length and count is checked against
 * the file before it is used, and a chain longer than the FAT is a loop. */

#define CFB_END 0xFFFFFFFEu
#define XLS_MAX_REC 8224

typedef struct CfbStream {
  unsigned *aSec;               /* a big stream: its sectors in order */
  size_t nSec;
  unsigned char *aSmall;        /* a stream of the mini stream: its bytes */
  long long nSize, iPos;
} CfbStream;

struct Xls {
  FILE *f;
  long long nFile;
  unsigned nShift;              /* sectors of 1 << nShift bytes */
  unsigned *aFat;
  size_t nFat;
  unsigned char aSec[4096];     /* sector iSec, read last */
  long long iSec;
  CfbStream wb;                 /* the Workbook stream */
  /* the record read last, and whether xls_rec gives it again */
  unsigned char aRec[XLS_MAX_REC];
  unsigned nType, nRec;
  int bPushed;
  /* the workbook: the number format of each cell format, the custom formats
   * that show dates, the worksheets */
  unsigned short *aXfFmt;
  size_t nXfFmt;
  unsigned short aDateFmt[512];
  int nDateFmt;
  char *azSheet[MAX_SHEETS];
  unsigned aSheetPos[MAX_SHEETS];
  unsigned char abSheetHidden[MAX_SHEETS];
  int nSheet;
  /* the sheet: substream depth (charts nest theirs), the row being gathered
   * (-1: none), a formula whose text result the next STRING record holds */
  int nDepth, bEnd;
  long iCurRow;
  int iStrCol;
};

static unsigned get16(const unsigned char *a) { return (unsigned)a[0] | (unsigned)a[1] << 8; }
static unsigned get32(const unsigned char *a) { return get16(a) | (unsigned)get16(a + 2) << 16; }

/* Reads sector iSec into x->aSec; a short last sector is padded with zeros.
 * 0, or -1 when the sector is not in the file. */
static int cfb_sector(Xls *x, unsigned iSec) {
  if (x->iSec == (long long)iSec) return 0;
  long long nSize = 1LL << x->nShift, iOff = ((long long)iSec + 1) << x->nShift;
  if (iOff >= x->nFile || fseeko(x->f, iOff, SEEK_SET)) return -1;
  size_t n = fread(x->aSec, 1, (size_t)nSize, x->f);
  if (n == 0) return -1;
  memset(x->aSec + n, 0, (size_t)nSize - n);
  x->iSec = iSec;
  return 0;
}

/* The sectors of the chain that starts at iSec, as a new array. 0, or -1
 * for a sector past the FAT or a loop. */
static int cfb_chain(Xls *x, unsigned iSec, unsigned **paSec, size_t *pnSec) {
  unsigned *a = 0;
  size_t n = 0, nAlloc = 0;
  while (iSec != CFB_END) {
    if (iSec >= x->nFat || n >= x->nFat) {
      free(a);
      return -1;
    }
    if (n == nAlloc) a = xrealloc(a, (nAlloc = nAlloc ? 2 * nAlloc : 64) * sizeof *a);
    a[n++] = iSec;
    iSec = x->aFat[iSec];
  }
  *paSec = a;
  *pnSec = n;
  return 0;
}

/* Up to n bytes of s from s->iPos into a: the count (short at the end of
 * the stream), or -1 when a sector cannot be read. */
static long long cfb_read(Xls *x, CfbStream *s, unsigned char *a, size_t n) {
  size_t nDone = 0, nSecSize = (size_t)1 << x->nShift;
  while (nDone < n && s->iPos < s->nSize) {
    size_t k = n - nDone;
    if ((long long)k > s->nSize - s->iPos) k = (size_t)(s->nSize - s->iPos);
    if (s->aSmall) {
      memcpy(a + nDone, s->aSmall + s->iPos, k);
    } else {
      size_t i = (size_t)(s->iPos >> x->nShift), iOff = (size_t)(s->iPos & (long long)(nSecSize - 1));
      if (k > nSecSize - iOff) k = nSecSize - iOff;
      if (i >= s->nSec || cfb_sector(x, s->aSec[i])) return -1;
      memcpy(a + nDone, x->aSec + iOff, k);
    }
    nDone += k;
    s->iPos += (long long)k;
  }
  return (long long)nDone;
}

/* A big stream from its first sector and size (cut to what its chain holds). */
static int cfb_stream(Xls *x, unsigned iStart, long long nSize, CfbStream *s) {
  memset(s, 0, sizeof *s);
  if (cfb_chain(x, iStart, &s->aSec, &s->nSec)) return -1;
  long long nMax = (long long)s->nSec << x->nShift;
  s->nSize = nSize < nMax ? nSize : nMax;
  return 0;
}

/* 1 if directory entry e is named zName (ASCII, any case). */
static int cfb_named(const unsigned char *e, const char *zName) {
  size_t n = strlen(zName);
  if (get16(e + 64) != 2 * (n + 1)) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned c = get16(e + 2 * i);
    if (c >= 128 || tolower((int)c) != tolower((unsigned char)zName[i])) return 0;
  }
  return 1;
}

/* Opens the compound file and its Workbook stream. 0 or -1 (error set). */
static int cfb_open(Sheet *p, Xls *x) {
  unsigned char h[512];
  unsigned char *aDir = 0, *aDifat = 0;
  unsigned *aDirSec = 0, *aMiniFat = 0;
  size_t nDirSec = 0, nMiniFat = 0;
  CfbStream root = {0}, mf = {0};
  int rc = -1;
  if (fseeko(x->f, 0, SEEK_SET) || fread(h, 1, sizeof h, x->f) != sizeof h) goto bad;
  x->nShift = get16(h + 30);
  if ((x->nShift != 9 && x->nShift != 12) || get16(h + 32) != 6) goto bad;
  size_t nSecSize = (size_t)1 << x->nShift, nPer = nSecSize / 4;
  unsigned nFatSec = get32(h + 44), iDifat = get32(h + 68);
  long long nSecFile = (x->nFile >> x->nShift) + 1;
  if (nFatSec == 0 || nFatSec > nSecFile) goto bad;
  /* The FAT: its sectors are listed by the header (109) and the DIFAT chain. */
  x->nFat = (size_t)nFatSec * nPer;
  x->aFat = xmalloc(x->nFat * sizeof *x->aFat);
  aDifat = xmalloc(nSecSize);
  for (size_t i = 0; i < nFatSec; i++) {
    unsigned iSec;
    if (i < 109) {
      iSec = get32(h + 76 + 4 * i);
    } else {
      size_t j = (i - 109) % (nPer - 1);
      if (j == 0) {
        if (i > 109) iDifat = get32(aDifat + 4 * (nPer - 1));
        if (cfb_sector(x, iDifat)) goto bad;
        memcpy(aDifat, x->aSec, nSecSize);
      }
      iSec = get32(aDifat + 4 * j);
    }
    if (cfb_sector(x, iSec)) goto bad;
    for (size_t k = 0; k < nPer; k++) x->aFat[i * nPer + k] = get32(x->aSec + 4 * k);
  }
  /* The directory, and in it the Workbook among the root's children. */
  if (cfb_chain(x, get32(h + 48), &aDirSec, &nDirSec) || nDirSec == 0) goto bad;
  size_t nEntry = nDirSec * nSecSize / 128;
  aDir = xmalloc(nDirSec * nSecSize);
  for (size_t i = 0; i < nDirSec; i++) {
    if (cfb_sector(x, aDirSec[i])) goto bad;
    memcpy(aDir + i * nSecSize, x->aSec, nSecSize);
  }
  if (aDir[66] != 5) goto bad;
  unsigned aStack[64], nStack = 0, iWb = 0, bBook = 0, bEncrypted = 0;
  size_t nSeen = 0;
  aStack[nStack++] = get32(aDir + 76);
  while (nStack && !iWb) {
    unsigned i = aStack[--nStack];
    if (i >= nEntry || ++nSeen > nEntry) continue;
    const unsigned char *e = aDir + 128 * (size_t)i;
    if (e[66] == 2 && cfb_named(e, "Workbook")) iWb = i;
    else if (e[66] == 2 && cfb_named(e, "Book")) bBook = 1;
    else if (e[66] == 2 && cfb_named(e, "EncryptedPackage")) bEncrypted = 1;
    for (int k = 68; k <= 72 && nStack < ARRAY_LEN(aStack); k += 4)
      if (get32(e + k) < nEntry) aStack[nStack++] = get32(e + k);
  }
  if (!iWb) {
    if (bBook) set_error(p, "这是 Excel 5.0/95 格式的旧工作簿：请在 Excel 或 WPS 中另存为 .xlsx 后再导入");
    if (bEncrypted) set_error(p, "工作簿有密码保护：请在 Excel 或 WPS 中去掉密码后再导入");
    goto bad;
  }
  const unsigned char *e = aDir + 128 * (size_t)iWb;
  long long nSize = get32(e + 120);
  if (x->nShift == 12) nSize |= (long long)(get32(e + 124) & 0x7FFFFFFF) << 32;
  if (nSize > x->nFile) goto bad;
  if (nSize < (long long)get32(h + 56)) {
    /* In the mini stream: the root entry's stream, in 64-byte sectors chained by the mini FAT. */
    if (cfb_stream(x, get32(aDir + 116), get32(aDir + 120), &root)) goto bad;
    if (cfb_stream(x, get32(h + 60), (long long)get32(h + 64) << x->nShift, &mf)) goto bad;
    nMiniFat = (size_t)(mf.nSize / 4);
    aMiniFat = xmalloc(nMiniFat * sizeof *aMiniFat + 1);
    for (size_t i = 0; i < nMiniFat; i++) {
      unsigned char a[4];
      if (cfb_read(x, &mf, a, 4) != 4) goto bad;
      aMiniFat[i] = get32(a);
    }
    x->wb.nSize = nSize;
    x->wb.aSmall = xmalloc((size_t)nSize + 1);
    unsigned iMini = get32(e + 116);
    for (long long nDone = 0, nStep = 0; nDone < nSize; nDone += 64) {
      if (iMini >= nMiniFat || ++nStep > (long long)nMiniFat) goto bad;
      root.iPos = (long long)iMini * 64;
      size_t k = nSize - nDone < 64 ? (size_t)(nSize - nDone) : 64;
      if (cfb_read(x, &root, x->wb.aSmall + nDone, k) != (long long)k) goto bad;
      iMini = aMiniFat[iMini];
    }
  } else if (cfb_stream(x, get32(e + 116), nSize, &x->wb)) {
    goto bad;
  }
  rc = 0;
bad:
  if (rc) set_error(p, "无法读取 .xls 文件（文件损坏，或不是 Excel 97-2003 工作簿）");
  free(aDifat);
  free(aDir);
  free(aDirSec);
  free(aMiniFat);
  free(root.aSec);
  free(mf.aSec);
  return rc;
}

/* ---- xls: BIFF8 records ------------------------------------------------------------ */

/* The next record into x->aRec: 1; 0 at the end of the stream; -1 when it
 * is cut short or cannot be read. */
static int xls_rec(Xls *x) {
  if (x->bPushed) {
    x->bPushed = 0;
    return 1;
  }
  unsigned char h[4];
  long long n = cfb_read(x, &x->wb, h, 4);
  if (n < 0) return -1;
  if (n < 4) return 0;
  x->nType = get16(h);
  x->nRec = get16(h + 2);
  if (x->nRec > XLS_MAX_REC) return -1;
  return cfb_read(x, &x->wb, x->aRec, x->nRec) == (long long)x->nRec ? 1 : -1;
}

/* A reader of a record's body that goes on into the CONTINUE records after
 * it. bBad: the data ended early (the record after is left to xls_rec). */
typedef struct Rd {
  Xls *x;
  unsigned i;
  int bBad;
} Rd;

/* Moves to the next record if it is a CONTINUE. 1 if it did. */
static int rd_more(Rd *r) {
  int rc = xls_rec(r->x);
  if (rc == 1 && r->x->nType == 0x003C) {
    r->i = 0;
    return 1;
  }
  if (rc == 1) r->x->bPushed = 1;
  return 0;
}

static unsigned rd_u8(Rd *r) {
  while (!r->bBad && r->i >= r->x->nRec)
    if (!rd_more(r)) r->bBad = 1;
  return r->bBad ? 0 : r->x->aRec[r->i++];
}

static unsigned rd_u16(Rd *r) {
  unsigned a = rd_u8(r);
  return a | rd_u8(r) << 8;
}

static unsigned rd_u32(Rd *r) {
  unsigned a = rd_u16(r);
  return a | rd_u16(r) << 16;
}

static void rd_skip(Rd *r, unsigned long n) {
  while (n && !r->bBad) {
    if (r->i >= r->x->nRec && !rd_more(r)) {
      r->bBad = 1;
      break;
    }
    unsigned k = r->x->nRec - r->i;
    if (k > n) k = (unsigned)n;
    r->i += k;
    n -= k;
  }
}

static void utf8_put(Buf *b, unsigned c) {
  char a[4];
  size_t n;
  if (c < 0x80) a[0] = (char)c, n = 1;
  else if (c < 0x800) a[0] = (char)(0xC0 | c >> 6), a[1] = (char)(0x80 | (c & 0x3F)), n = 2;
  else if (c < 0x10000)
    a[0] = (char)(0xE0 | c >> 12), a[1] = (char)(0x80 | (c >> 6 & 0x3F)), a[2] = (char)(0x80 | (c & 0x3F)), n = 3;
  else
    a[0] = (char)(0xF0 | c >> 18), a[1] = (char)(0x80 | (c >> 12 & 0x3F)), a[2] = (char)(0x80 | (c >> 6 & 0x3F)),
    a[3] = (char)(0x80 | (c & 0x3F)), n = 4;
  buf_append(b, a, n);
}

/* nChar characters, UTF-16LE (bHigh) or one byte each, as UTF-8 onto b. A
 * CONTINUE that splits them starts with a new flags byte; a lone surrogate
 * becomes U+FFFD and a NUL is dropped. */
static void rd_chars(Rd *r, unsigned nChar, int bHigh, Buf *b) {
  unsigned cHi = 0;
  while (nChar && !r->bBad) {
    if (r->i >= r->x->nRec) {
      if (!rd_more(r) || r->x->nRec == 0) {
        r->bBad = 1;
        break;
      }
      bHigh = r->x->aRec[r->i++] & 1;
      continue;
    }
    unsigned c = r->x->aRec[r->i++];
    if (bHigh) {
      if (r->i >= r->x->nRec) {
        r->bBad = 1;  /* a character split between records */
        break;
      }
      c |= (unsigned)r->x->aRec[r->i++] << 8;
    }
    nChar--;
    if (cHi && c >= 0xDC00 && c < 0xE000) {
      utf8_put(b, 0x10000 + ((cHi - 0xD800) << 10) + (c - 0xDC00));
      cHi = 0;
      continue;
    }
    if (cHi) utf8_put(b, 0xFFFD);
    cHi = 0;
    if (c >= 0xD800 && c < 0xDC00) cHi = c;
    else if (c >= 0xDC00 && c < 0xE000) utf8_put(b, 0xFFFD);
    else if (c) utf8_put(b, c);
  }
  if (cHi) utf8_put(b, 0xFFFD);
}

/* An XLUnicodeString (its length 8 bits with bShort, else 16), or the
 * XLUnicodeRichExtendedString of the shared strings: the text onto b,
 * formatting runs and phonetic data skipped. */
static void rd_string(Rd *r, int bShort, Buf *b) {
  unsigned nChar = bShort ? rd_u8(r) : rd_u16(r);
  unsigned fl = rd_u8(r);
  unsigned nRun = fl & 8 ? rd_u16(r) : 0;
  unsigned long nExt = fl & 4 ? rd_u32(r) : 0;
  rd_chars(r, nChar, fl & 1, b);
  rd_skip(r, 4ul * nRun);
  rd_skip(r, nExt);
}

static void xls_free(Xls *x) {
  if (!x) return;
  free(x->aFat);
  free(x->wb.aSec);
  free(x->wb.aSmall);
  free(x->aXfFmt);
  for (int i = 0; i < x->nSheet; i++) free(x->azSheet[i]);
  free(x);
}

static const char *xls_corrupt = "文件损坏：无法读取 .xls 工作簿的内容";

/* The workbook globals: sheets, shared strings, formats, the date system.
 * 0 or -1 (error set). */
static int xls_globals(Sheet *p, Xls *x) {
  if (xls_rec(x) != 1 || x->nType != 0x0809 || x->nRec < 4) {
    set_error(p, "%s", xls_corrupt);
    return -1;
  }
  if (get16(x->aRec) != 0x0600) {
    set_error(p, "这是 Excel 5.0/95 或更早格式的工作簿：请在 Excel 或 WPS 中另存为 .xlsx 后再导入");
    return -1;
  }
  Buf b = BUF_INIT;
  for (;;) {
    int rc = xls_rec(x);
    if (rc != 1) {
      set_error(p, "%s", xls_corrupt);
      break;
    }
    Rd r = {x, 0, 0};
    if (x->nType == 0x000A) {  /* EOF */
      break;
    } else if (x->nType == 0x002F) {  /* FILEPASS */
      set_error(p, ".xls 文件有密码保护：请在 Excel 或 WPS 中去掉密码后再导入");
      break;
    } else if (x->nType == 0x0022 && x->nRec >= 2) {  /* DATEMODE */
      p->b1904 = get16(x->aRec) != 0;
    } else if (x->nType == 0x041E && x->nRec >= 2) {  /* FORMAT */
      unsigned iFmt = rd_u16(&r);
      buf_reset(&b);
      rd_string(&r, 0, &b);
      if (!r.bBad && x->nDateFmt < (int)ARRAY_LEN(x->aDateFmt) && sheet_format_is_date(buf_str(&b)))
        x->aDateFmt[x->nDateFmt++] = (unsigned short)iFmt;
    } else if (x->nType == 0x00E0 && x->nRec >= 4 && x->nXfFmt < 65536) {  /* XF */
      x->aXfFmt = xrealloc(x->aXfFmt, (x->nXfFmt + 1) * sizeof *x->aXfFmt);
      x->aXfFmt[x->nXfFmt++] = (unsigned short)get16(x->aRec + 2);
    } else if (x->nType == 0x0085 && x->nRec >= 8) {  /* BOUNDSHEET: worksheets only */
      unsigned iPos = get32(x->aRec), bHidden = (x->aRec[4] & 3) != 0, eType = x->aRec[5];
      r.i = 6;
      buf_reset(&b);
      rd_string(&r, 1, &b);
      if (eType == 0 && x->nSheet < MAX_SHEETS) {
        x->azSheet[x->nSheet] = xstrdup(buf_str(&b));
        x->aSheetPos[x->nSheet] = iPos;
        x->abSheetHidden[x->nSheet++] = (unsigned char)bHidden;
      }
    } else if (x->nType == 0x00FC && x->nRec >= 8) {  /* SST and its CONTINUEs */
      r.i = 8;
      while (!r.bBad && (r.i < x->nRec || rd_more(&r))) {
        size_t iStart = p->ss.n;
        rd_string(&r, 0, &p->ss);
        ss_push(p, iStart);
      }
      if (r.bBad) set_error(p, "文件损坏：.xls 的共享字符串表不完整");
    }
    if (p->zErr) break;
  }
  buf_free(&b);
  if (p->zErr) return -1;
  p->nXf = x->nXfFmt;
  p->abDateXf = xmalloc(p->nXf + 1);
  for (size_t i = 0; i < p->nXf; i++) {
    int bDate = builtin_date(x->aXfFmt[i]);
    for (int k = 0; k < x->nDateFmt && !bDate; k++) bDate = x->aDateFmt[k] == x->aXfFmt[i];
    p->abDateXf[i] = (unsigned char)bDate;
  }
  return 0;
}

static int xls_open(Sheet *p, const char *zWant) {
  Xls *x = p->pXls = xcalloc(1, sizeof *x);
  x->f = p->f;
  x->iSec = -1;
  x->iCurRow = -1;
  x->iStrCol = -1;
  if (fseeko(p->f, 0, SEEK_END) || (x->nFile = ftello(p->f)) < 0) {
    set_error(p, "无法读取文件");
    return -1;
  }
  if (x->nFile > p->nMaxBytes) {
    set_error(p, "文件超过 %lld MiB 的上限（设置 import_max_mb）", p->nMaxBytes >> 20);
    return -1;
  }
  if (cfb_open(p, x) || xls_globals(p, x)) return -1;
  int iSheet = -1;
  for (int i = 0; i < x->nSheet && iSheet < 0; i++)
    if (zWant ? strcmp(x->azSheet[i], zWant) == 0 : !x->abSheetHidden[i]) iSheet = i;
  if (iSheet < 0 && !zWant && x->nSheet) iSheet = 0;
  if (iSheet < 0) {
    Buf b = BUF_INIT;
    for (int i = 0; i < x->nSheet; i++) buf_printf(&b, "%s“%s”", i ? "、" : "", x->azSheet[i]);
    if (zWant) set_error(p, "工作簿中没有名为“%s”的工作表（有：%s）", zWant, x->nSheet ? buf_str(&b) : "无");
    else set_error(p, "工作簿中没有工作表");
    buf_free(&b);
    return -1;
  }
  p->zName = xstrdup(x->azSheet[iSheet]);
  x->wb.iPos = x->aSheetPos[iSheet];
  x->bPushed = 0;
  if (xls_rec(x) != 1 || x->nType != 0x0809) {
    set_error(p, "文件损坏：找不到工作表“%s”", p->zName);
    return -1;
  }
  x->nDepth = 1;
  return 0;
}

/* A number cell: a date where its format shows one and v is a date, else
 * the number as Excel shows it. 0 or -1 (error set). */
static int put_number(Sheet *p, int c, double v, long iXf) {
  char z[40];
  SheetKind eKind = SHEET_NUMBER;
  if (iXf >= 0 && (size_t)iXf < p->nXf && p->abDateXf[iXf] && sheet_serial_text(v, p->b1904, z) == 0)
    eKind = SHEET_DATE;
  else sheet_number_text(v, z);
  return row_put(p, c, z, strlen(z), eKind);
}

/* The number an RK value holds: a 30-bit integer or the top 30 bits of a
 * double, divided by 100 when its low bit says so. */
static double rk_number(unsigned rk) {
  double v;
  if (rk & 2) {
    v = (double)(rk >> 2);
    if (rk & 0x80000000u) v -= 1073741824.0;
  } else {
    unsigned long long u = (unsigned long long)(rk & 0xFFFFFFFCu) << 32;
    memcpy(&v, &u, sizeof v);
  }
  return rk & 1 ? v / 100 : v;
}

static const char *xls_error_code(unsigned e) {
  switch (e) {
    case 0x00: return "#NULL!";
    case 0x07: return "#DIV/0!";
    case 0x0F: return "#VALUE!";
    case 0x17: return "#REF!";
    case 0x1D: return "#NAME?";
    case 0x24: return "#NUM!";
    default: return "#N/A";
  }
}

/* Puts the cell of the record just read (a cell record of row x->iCurRow).
 * 0 or -1 (error set). */
static int xls_cell(Sheet *p, Xls *x, int c, long iXf) {
  const unsigned char *a = x->aRec;
  Rd r = {x, 6, 0};
  switch (x->nType) {
    case 0x00FD: {  /* LABELSST */
      unsigned i = get32(a + 6);
      if (i >= p->nSs) {
        char zCol[8];
        col_name(c, zCol);
        set_error(p, "文件损坏：第%ld行第%s列引用了不存在的共享字符串 %u", p->iRow, zCol, i);
        return -1;
      }
      const char *z = p->ss.z + p->aSs[i];
      return row_put(p, c, z, strlen(z), SHEET_TEXT);
    }
    case 0x0204:  /* LABEL */
    case 0x00D6: {  /* RSTRING */
      buf_reset(&p->cell);
      rd_string(&r, 0, &p->cell);
      return row_put(p, c, buf_str(&p->cell), p->cell.n, SHEET_TEXT);
    }
    case 0x0203: {  /* NUMBER */
      double v;
      memcpy(&v, a + 6, sizeof v);
      return put_number(p, c, v, iXf);
    }
    case 0x027E:  /* RK */
      return put_number(p, c, rk_number(get32(a + 6)), iXf);
    case 0x00BD:  /* MULRK: (format, RK) pairs from column c on */
      for (unsigned i = 4; i + 6 <= x->nRec - 2 && c < SHEET_MAX_COLS; i += 6, c++)
        if (put_number(p, c, rk_number(get32(a + i + 2)), (long)get16(a + i))) return -1;
      return 0;
    case 0x0205:  /* BOOLERR */
      if (a[7]) return row_put(p, c, xls_error_code(a[6]), strlen(xls_error_code(a[6])), SHEET_ERROR);
      return row_put(p, c, a[6] ? "TRUE" : "FALSE", a[6] ? 4 : 5, SHEET_BOOL);
    case 0x0006: {  /* FORMULA: its cached result */
      if (get16(a + 12) != 0xFFFF) {
        double v;
        memcpy(&v, a + 6, sizeof v);
        return put_number(p, c, v, iXf);
      }
      if (a[6] == 0) x->iStrCol = c;  /* the text is in the STRING record that follows */
      else if (a[6] == 1) return row_put(p, c, a[8] ? "TRUE" : "FALSE", a[8] ? 4 : 5, SHEET_BOOL);
      else if (a[6] == 2) return row_put(p, c, xls_error_code(a[8]), strlen(xls_error_code(a[8])), SHEET_ERROR);
      return 0;
    }
    default:
      return 0;
  }
}

/* The least body of each cell record read, 0 for a record that is not one. */
static unsigned xls_cell_size(unsigned nType) {
  switch (nType) {
    case 0x00FD: case 0x027E: return 10;
    case 0x0204: case 0x00D6: return 9;
    case 0x0203: case 0x0006: return 14;
    case 0x00BD: return 12;
    case 0x0205: return 8;
    default: return 0;
  }
}

static int xls_next(Sheet *p, char ***pazCell, int *pnCell) {
  Xls *x = p->pXls;
  while (!x->bEnd) {
    int rc = xls_rec(x);
    if (rc < 0) {
      set_error(p, "文件损坏：工作表“%s”的内容不完整", p->zName);
      return -1;
    }
    if (rc == 0 || (x->nType == 0x000A && --x->nDepth == 0)) {
      x->bEnd = 1;
      break;
    }
    if (x->nType == 0x0809) x->nDepth++;
    if (x->nDepth > 1) continue;
    if (x->nType == 0x0207 && x->iStrCol >= 0) {  /* STRING: a formula's text */
      Rd r = {x, 0, 0};
      buf_reset(&p->cell);
      rd_string(&r, 0, &p->cell);
      int c = x->iStrCol;
      x->iStrCol = -1;
      if (row_put(p, c, buf_str(&p->cell), p->cell.n, SHEET_TEXT)) return -1;
      continue;
    }
    unsigned nMin = xls_cell_size(x->nType);
    if (!nMin || x->nRec < nMin) continue;
    long iRow = (long)get16(x->aRec);
    x->iStrCol = -1;
    if (x->iCurRow >= 0 && iRow != x->iCurRow) {
      x->bPushed = 1;  /* the first cell of the next row */
      x->iCurRow = -1;
      row_out(p, pazCell, pnCell);
      return 1;
    }
    if (x->iCurRow < 0) {
      row_reset(p);
      x->iCurRow = iRow;
      p->iRow = iRow + 1;
      if (p->iRow > p->nMaxRows || ++p->nRows > p->nMaxRows) {
        set_error(p, "第%ld行：超过了 %lld 行的上限（设置 import_max_rows）", p->iRow, p->nMaxRows);
        return -1;
      }
    }
    if (xls_cell(p, x, (int)get16(x->aRec + 2), (long)get16(x->aRec + 4))) return -1;
  }
  if (x->iCurRow < 0) return 0;
  x->iCurRow = -1;
  row_out(p, pazCell, pnCell);
  return 1;
}

/* ---- the interface ---------------------------------------------------------------- */

Sheet *sheet_open(FILE *f, const char *zSheet) {
  Sheet *p = xcalloc(1, sizeof *p);
  p->pSelf = p;
  p->f = f;
  p->rcEnd = 1;
  p->nMaxBytes = config_int("import_max_mb", 2048) << 20;
  p->nMaxRows = config_int("import_max_rows", 1048576);
  if (p->nMaxBytes <= 0) p->nMaxBytes = 2048LL << 20;
  if (p->nMaxRows <= 0) p->nMaxRows = 1048576;
  unsigned char a[8] = {0};
  size_t n = fread(a, 1, sizeof a, f);
  rewind(f);
  if (n >= 4 && memcmp(a, "PK\x03\x04", 4) == 0) {
    p->eFormat = SHEET_XLSX;
    xlsx_open(p, zSheet);
  } else if (n == 8 && memcmp(a, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
    p->eFormat = SHEET_XLS;
    xls_open(p, zSheet);
  } else {
    p->eFormat = SHEET_CSV;
    p->pCsv = csv_open(f);
  }
  return p;
}

int sheet_next(Sheet *p, char ***pazCell, int *pnCell) {
  if (p->rcEnd <= 0) return p->rcEnd;
  int rc;
  if (p->eFormat == SHEET_CSV) {
    rc = csv_next(p->pCsv, pazCell, pnCell);
    if (rc == 1) p->iRow = csv_row(p->pCsv);
    else if (rc < 0) set_error(p, "%s", csv_error(p->pCsv));
  } else {
    rc = p->eFormat == SHEET_XLSX ? xlsx_next(p, pazCell, pnCell) : xls_next(p, pazCell, pnCell);
  }
  if (rc <= 0) p->rcEnd = p->zErr ? -1 : rc;
  if (p->zErr) rc = -1;
  return rc;
}

long sheet_row(const Sheet *p) { return p->iRow; }
SheetFormat sheet_format(const Sheet *p) { return p->eFormat; }
const char *sheet_name(const Sheet *p) { return p->zName ? p->zName : ""; }
const char *sheet_error(const Sheet *p) { return p->zErr ? p->zErr : ""; }

const char *sheet_encoding(const Sheet *p) {
  return p->eFormat == SHEET_XLSX ? "xlsx" : p->eFormat == SHEET_XLS ? "xls" : csv_encoding(p->pCsv);
}

void sheet_close(Sheet *p) {
  if (!p) return;
  if (p->pCsv) csv_close(p->pCsv);
  if (p->xp) XML_ParserFree(p->xp);
  if (p->pZf) zip_fclose(p->pZf);
  if (p->pZip) zip_discard(p->pZip);
  zip_error_fini(&p->src.err);
  xls_free(p->pXls);
  free(p->aChunk);
  buf_free(&p->ss);
  free(p->aSs);
  free(p->abDateXf);
  buf_free(&p->text);
  buf_free(&p->cell);
  free(p->aOff);
  free(p->aKind);
  free(p->azCell);
  free(p->zName);
  free(p->zErr);
  free(p);
}
