/* sheet.c: rows from CSV, .xlsx (libzip + expat, streaming) and .xls
 * (libfreexl). See sheet.h.
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
#include <errno.h>
#include <expat.h>
#include <freexl.h>
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
  if (!(v >= 0) || v >= 2958466) return -1;  /* NaN too; 2958466 is 10000-01-01 */
  long long nSec = llround(v * 86400.0), nDay = nSec / 86400, s = nSec % 86400;
  if (nDay >= 2958466) return -1;
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
  Buf ss;                  /* shared strings, NUL-terminated one after another */
  size_t *aSs, nSs, nSsAlloc;
  unsigned char *abDateXf; /* per cell format: shows a date */
  size_t nXf;
  int b1904;
  /* parse state of the sheet */
  int bInSheetData, bInRow, bInCell, bInValue, bInRph;
  int eType, iStyle, iCellCol, iNextCol;
  Buf cell;
  /* xls */
  const void *pXls;
  unsigned nXlsRow, iXlsRow;
  unsigned short nXlsCol;
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
    if (p->nSs == p->nSsAlloc) {
      p->nSsAlloc = p->nSsAlloc ? 2 * p->nSsAlloc : 1024;
      p->aSs = xrealloc(p->aSs, p->nSsAlloc * sizeof *p->aSs);
    }
    p->aSs[p->nSs++] = s->iStart;
    buf_putc(&p->ss, 0);
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
  if (part_parse(p, "_rels/.rels", &root, on_rel, 0, 0, MAX_SMALL_PART) < 0) return -1;
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

/* ---- xls ------------------------------------------------------------------------ */

static int xls_open(Sheet *p, const char *zWant) {
  /* libfreexl reads a path: a private copy, removed as soon as it is open. */
  const char *zTmp = getenv("TMPDIR");
  char *zPath = xprintf("%s/qiangji-xls-XXXXXX", zTmp && zTmp[0] ? zTmp : "/tmp");
  int fd = mkstemp(zPath);
  if (fd < 0) {
    set_error(p, "无法建立临时文件读取 .xls：%s", strerror(errno));
    free(zPath);
    return -1;
  }
  FILE *fOut = fdopen(fd, "wb");
  char *a = xmalloc(CHUNK);
  size_t n;
  long long nTotal = 0;
  int rc = fOut ? 0 : -1;
  rewind(p->f);
  while (rc == 0 && (n = fread(a, 1, CHUNK, p->f)) > 0) {
    nTotal += (long long)n;
    if (nTotal > p->nMaxBytes) {
      set_error(p, "文件超过 %lld MiB 的上限（设置 import_max_mb）", p->nMaxBytes >> 20);
      rc = -1;
    } else if (fwrite(a, 1, n, fOut) != n) {
      rc = -1;
    }
  }
  free(a);
  if (fOut ? fclose(fOut) : close(fd)) rc = -1;
  if (rc == 0 && freexl_open(zPath, &p->pXls) != FREEXL_OK) {
    p->pXls = 0;
    rc = -1;
  }
  unlink(zPath);
  free(zPath);
  if (rc) {
    set_error(p, "无法读取 .xls 文件（文件损坏、有密码保护，或不是 Excel 97-2003 工作簿）");
    return -1;
  }
  unsigned int v = 0, nSheet = 0;
  if (freexl_get_info(p->pXls, FREEXL_BIFF_PASSWORD, &v) == FREEXL_OK && v == FREEXL_BIFF_OBFUSCATED) {
    set_error(p, ".xls 文件有密码保护：请在 Excel 或 WPS 中去掉密码后再导入");
    return -1;
  }
  freexl_get_info(p->pXls, FREEXL_BIFF_SHEET_COUNT, &nSheet);
  int iSheet = -1;
  Buf b = BUF_INIT;
  for (unsigned i = 0; i < nSheet && i < MAX_SHEETS; i++) {
    const char *zName = 0;
    if (freexl_get_worksheet_name(p->pXls, (unsigned short)i, &zName) != FREEXL_OK || !zName) zName = "";
    buf_printf(&b, "%s“%s”", i ? "、" : "", zName);
    if (iSheet < 0 && (zWant ? strcmp(zName, zWant) == 0 : 1)) {
      iSheet = (int)i;
      p->zName = xstrdup(zName);
    }
  }
  if (iSheet < 0) {
    if (zWant) set_error(p, "工作簿中没有名为“%s”的工作表（有：%s）", zWant, nSheet ? buf_str(&b) : "无");
    else set_error(p, "工作簿中没有工作表");
    buf_free(&b);
    return -1;
  }
  buf_free(&b);
  if (freexl_select_active_worksheet(p->pXls, (unsigned short)iSheet) != FREEXL_OK ||
      freexl_worksheet_dimensions(p->pXls, &p->nXlsRow, &p->nXlsCol) != FREEXL_OK) {
    set_error(p, "无法读取工作表“%s”", p->zName);
    return -1;
  }
  if ((long long)p->nXlsRow > p->nMaxRows) {
    set_error(p, "工作表有 %u 行，超过了 %lld 行的上限（设置 import_max_rows）", p->nXlsRow, p->nMaxRows);
    return -1;
  }
  return 0;
}

static int xls_next(Sheet *p, char ***pazCell, int *pnCell) {
  if (p->iXlsRow >= p->nXlsRow) return 0;
  row_reset(p);
  p->iRow = (long)p->iXlsRow + 1;
  for (unsigned short c = 0; c < p->nXlsCol; c++) {
    FreeXL_CellValue v;
    if (freexl_get_cell_value(p->pXls, p->iXlsRow, c, &v) != FREEXL_OK) continue;
    char zNum[40];
    const char *z = 0;
    SheetKind eKind = SHEET_TEXT;
    switch (v.type) {
      case FREEXL_CELL_INT:
        snprintf(zNum, sizeof zNum, "%d", v.value.int_value);
        z = zNum;
        eKind = SHEET_NUMBER;
        break;
      case FREEXL_CELL_DOUBLE:
        sheet_number_text(v.value.double_value, zNum);
        z = zNum;
        eKind = SHEET_NUMBER;
        break;
      case FREEXL_CELL_TEXT:
      case FREEXL_CELL_SST_TEXT:
        z = v.value.text_value;
        break;
      case FREEXL_CELL_DATE:
      case FREEXL_CELL_TIME:
        z = v.value.text_value;
        eKind = SHEET_DATE;
        break;
      case FREEXL_CELL_DATETIME:
        snprintf(zNum, sizeof zNum, "%s", v.value.text_value ? v.value.text_value : "");
        if (strlen(zNum) == 19 && strcmp(zNum + 10, " 00:00:00") == 0) zNum[10] = 0;
        z = zNum;
        eKind = SHEET_DATE;
        break;
      default:
        break;
    }
    if (z && row_put(p, c, z, strlen(z), eKind)) return -1;
  }
  p->iXlsRow++;
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
  if (p->pXls) freexl_close(p->pXls);
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
