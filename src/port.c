/* port.c: importing and exporting the files of formats.md.
 *
 * Import reads a CSV (any encoding csv.c knows), .xlsx or .xls through
 * sheet.c's one row stream, finds its header (title rows above it are
 * skipped with a warning), maps it to the declared fields (Chinese or
 * English names, any order), checks every cell with field_check and every
 * row with the module's own validator, and writes all rows in one
 * transaction. A bad row never half-enters: by
 * default one bad row refuses the whole file (every error listed); with
 * keep-good the good rows go in and the bad ones go to a rejects file in the
 * same format, with the reason in a last column 错误原因 that a re-import
 * ignores. Re-importing a file changes nothing; a changed row updates the
 * record its key names (组织编码, 公民身份号码).
 *
 * Audit: every updated record gets its own entry with before and after;
 * every new member one entry "import" with its key fields (name, ID number,
 * branch, category, date joined) and the file's name, written 64 at a time
 * with the batch that inserts them, so that its history starts with the
 * file that brought it; and each import one summary entry with the file's
 * name, its BLAKE2b digest and the counts. New organizations are in the
 * summary only. */
#include "port.h"
#include "module.h"
#include "audit.h"
#include "csv.h"
#include "report.h"
#include "sheet.h"
#include "db.h"
#include "member.h"
#include "org.h"
#include "text.h"
#include "util.h"
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define REJECT_COLUMN "错误原因"

/* ---- errors ----------------------------------------------------------------- */

/* Records an error, with the value as the file has it: the error list goes
 * back only to whoever brought the file (a writer, who may see ID numbers
 * and phones, or the CLI's operator), so that they can find and fix the
 * cell; it is never logged nor kept (the audit entry of an import has its
 * counts only). */
static void add_error(ImportResult *pRes, long long iRow, const char *zColumn, const char *zValue, const char *zReason) {
  pRes->nError++;
  if (json_array_size(pRes->aError) >= PORT_MAX_ERRORS) return;
  char zVal[160];
  snprintf(zVal, sizeof zVal, "%s", zValue ? zValue : "");
  /* Never cut a UTF-8 character in half. */
  size_t n = strlen(zVal);
  while (n > 0 && !text_utf8_valid(zVal, n)) zVal[--n] = 0;
  json_array_append_new(pRes->aError, json_pack("{s:I, s:s, s:s, s:s}", "row", (json_int_t)iRow, "column",
                                                zColumn ? zColumn : "", "value", zVal, "reason", zReason));
}

void port_result_free(ImportResult *pRes) {
  if (pRes->aError) json_decref(pRes->aError);
  if (pRes->aWarning) json_decref(pRes->aWarning);
  pRes->aError = pRes->aWarning = 0;
}

/* ---- a small open-addressing set of 64-bit keys (duplicate detection) ---- */

typedef struct KeySet {
  unsigned long long *a;
  size_t nAlloc, n;
} KeySet;

static unsigned long long key_hash(const char *z) {
  unsigned long long h = 1469598103934665603ULL;
  for (; *z; z++) h = (h ^ (unsigned char)*z) * 1099511628211ULL;
  return h ? h : 1;
}

/* Adds the key; returns 1 if it was there already. */
static int keyset_add(KeySet *p, const char *z) {
  if (2 * (p->n + 1) > p->nAlloc) {
    size_t nNew = p->nAlloc ? p->nAlloc * 2 : 1024;
    unsigned long long *aNew = xcalloc(nNew, sizeof *aNew);
    for (size_t i = 0; i < p->nAlloc; i++) {
      if (!p->a[i]) continue;
      size_t j = p->a[i] & (nNew - 1);
      while (aNew[j]) j = (j + 1) & (nNew - 1);
      aNew[j] = p->a[i];
    }
    free(p->a);
    p->a = aNew;
    p->nAlloc = nNew;
  }
  unsigned long long h = key_hash(z);
  size_t j = h & (p->nAlloc - 1);
  while (p->a[j]) {
    if (p->a[j] == h) return 1;
    j = (j + 1) & (p->nAlloc - 1);
  }
  p->a[j] = h;
  p->n++;
  return 0;
}

/* ---- organization codes already resolved, to their ids ---------------------- */

typedef struct CodeMap {
  char **az;          /* the codes (owned), NULL for an empty slot */
  long long *aId;
  size_t nAlloc, n;
} CodeMap;

/* The id stored for zCode, or 0. */
static long long codemap_get(const CodeMap *p, const char *zCode) {
  if (!p->n) return 0;
  for (size_t j = key_hash(zCode) & (p->nAlloc - 1); p->az[j]; j = (j + 1) & (p->nAlloc - 1))
    if (strcmp(p->az[j], zCode) == 0) return p->aId[j];
  return 0;
}

static void codemap_put(CodeMap *p, const char *zCode, long long id) {
  if (2 * (p->n + 1) > p->nAlloc) {
    CodeMap m = {xcalloc(p->nAlloc ? p->nAlloc * 2 : 256, sizeof(char *)), 0, p->nAlloc ? p->nAlloc * 2 : 256, 0};
    m.aId = xcalloc(m.nAlloc, sizeof(long long));
    for (size_t i = 0; i < p->nAlloc; i++) {
      if (!p->az[i]) continue;
      size_t j = key_hash(p->az[i]) & (m.nAlloc - 1);
      while (m.az[j]) j = (j + 1) & (m.nAlloc - 1);
      m.az[j] = p->az[i];
      m.aId[j] = p->aId[i];
    }
    free(p->az);
    free(p->aId);
    m.n = p->n;
    *p = m;
  }
  size_t j = key_hash(zCode) & (p->nAlloc - 1);
  while (p->az[j]) j = (j + 1) & (p->nAlloc - 1);
  p->az[j] = xstrdup(zCode);
  p->aId[j] = id;
  p->n++;
}

static void codemap_free(CodeMap *p) {
  for (size_t i = 0; i < p->nAlloc; i++) free(p->az[i]);
  free(p->az);
  free(p->aId);
}

/* ---- the header ----------------------------------------------------------- */

typedef struct Header {
  int nCol;
  int *aField;      /* field index per column, -1 ignored */
  char **azName;    /* the header cells as written */
} Header;

static void header_free(Header *h) {
  for (int i = 0; i < h->nCol; i++) free(h->azName[i]);
  free(h->azName);
  free(h->aField);
  memset(h, 0, sizeof *h);
}

/* Maps the header row to fields. -1 with zFatal on a missing required
 * column or a column named twice. */
static int header_read(Header *h, char **az, int n, const Field *aField, int nField, long iRow, ImportResult *pRes) {
  h->nCol = n;
  h->aField = xcalloc((size_t)n, sizeof(int));
  h->azName = xcalloc((size_t)n, sizeof(char *));
  for (int c = 0; c < n; c++) {
    char *z = text_utf8_valid(az[c], strlen(az[c])) ? text_normalize(az[c]) : xstrdup("?");
    h->azName[c] = z;
    h->aField[c] = -1;
    if (!z[0] || strcmp(z, REJECT_COLUMN) == 0) continue;
    for (int i = 0; i < nField; i++)
      if (strcmp(z, aField[i].zHeader) == 0 || strcasecmp(z, aField[i].zJson) == 0) h->aField[c] = i;
    if (h->aField[c] < 0) {
      char *zW = xprintf("未知列“%s”已忽略", z);
      json_array_append_new(pRes->aWarning, json_string(zW));
      free(zW);
      continue;
    }
    for (int d = 0; d < c; d++)
      if (h->aField[d] == h->aField[c]) {
        snprintf(pRes->zFatal, sizeof pRes->zFatal, "第%ld行：列“%s”出现了两次（第%d列和第%d列）", iRow,
                 aField[h->aField[c]].zHeader, d + 1, c + 1);
        return -1;
      }
  }
  for (int i = 0; i < nField; i++) {
    if (!(aField[i].flags & F_REQUIRED)) continue;
    int bFound = 0;
    for (int c = 0; c < n; c++) bFound |= h->aField[c] == i;
    if (!bFound) {
      snprintf(pRes->zFatal, sizeof pRes->zFatal, "第%ld行：缺少必需的列“%s”（%s）", iRow, aField[i].zHeader,
               aField[i].zJson);
      return -1;
    }
  }
  return 0;
}

/* The rejects file, opened at the first bad row: CSV (UTF-8 with BOM, the
 * cells as the file had them) for a CSV, xlsx for a workbook (.xls too:
 * this program writes no .xls); a name ending in .csv or .xlsx chooses
 * that format instead. The header is the file's, plus 错误原因. */
typedef struct Rejects {
  const ImportOpts *o;
  const Header *h;
  int bXlsx;
  int bOpen, bFailed;
  FILE *f;
  RptWriter *w;
  RptCol *aCol;
} Rejects;

static int ends_with(const char *z, const char *zEnd) {
  size_t n = strlen(z), m = strlen(zEnd);
  return n >= m && strcasecmp(z + n - m, zEnd) == 0;
}

static void rejects_init(Rejects *r, const ImportOpts *o, const Header *h, SheetFormat eFormat) {
  memset(r, 0, sizeof *r);
  r->o = o;
  r->h = h;
  r->bXlsx = eFormat != SHEET_CSV;
  if (o->zRejects && ends_with(o->zRejects, ".csv")) r->bXlsx = 0;
  if (o->zRejects && ends_with(o->zRejects, ".xlsx")) r->bXlsx = 1;
}

/* Writes one bad row with its reasons (the header first, once). */
static void reject_row(Rejects *r, char **az, int n, const char *zWhy) {
  const Header *h = r->h;
  if (!r->o->zRejects || r->bFailed) return;
  const char **azR = xcalloc((size_t)h->nCol + 1, sizeof(char *));
  if (!r->bOpen) {
    r->bOpen = 1;
    for (int c = 0; c < h->nCol; c++) azR[c] = h->azName[c];
    azR[h->nCol] = REJECT_COLUMN;
    if (r->bXlsx) {
      r->aCol = xcalloc((size_t)h->nCol + 1, sizeof *r->aCol);
      for (int c = 0; c <= h->nCol; c++) r->aCol[c] = (RptCol){azR[c], 0, RPT_TEXT, c == h->nCol ? 40 : 16};
      r->w = rpt_open("xlsx", r->o->zRejects, RPT_BIG);
      if (!r->w || rpt_table(r->w, "错误行", 0, r->aCol, h->nCol + 1)) r->bFailed = 1;
    } else {
      Buf b = BUF_INIT;
      buf_puts(&b, CSV_BOM);
      csv_write_row(&b, azR, h->nCol + 1, 0);
      if (!(r->f = fopen(r->o->zRejects, "wb")) || fwrite(b.z, 1, b.n, r->f) != b.n) r->bFailed = 1;
      buf_free(&b);
    }
  }
  for (int c = 0; c < h->nCol; c++) azR[c] = c < n ? az[c] : "";
  azR[h->nCol] = zWhy;
  if (r->bFailed) {
  } else if (r->bXlsx) {
    r->bFailed = rpt_row_text(r->w, azR, 0) != 0;
  } else {
    Buf b = BUF_INIT;
    csv_write_row(&b, azR, h->nCol + 1, 0);
    r->bFailed = fwrite(b.z, 1, b.n, r->f) != b.n;
    buf_free(&b);
  }
  free(azR);
}

/* Finishes the rejects file. 0, or -1 when it could not be written. */
static int rejects_close(Rejects *r) {
  int rc = r->bFailed ? -1 : 0;
  if (r->w) {
    if (r->bFailed) rpt_discard(r->w);
    else if (rpt_close(r->w)) rc = -1;
  }
  if (r->f && fclose(r->f)) rc = -1;
  free(r->aCol);
  return rc;
}

/* The reason a number cell in the ID-number column is refused: Excel keeps
 * 15 significant digits, so an 18-digit number stored as a number has lost
 * its last digits, and no one can tell which they were. */
#define NUMBER_ID_REASON \
  "公民身份号码在表格中存成了数字（Excel 只保留 15 位有效数字，显示为 3.41102E+17 之类），最后几位已经丢失，" \
  "无法导入。请把这一列的单元格格式设为“文本”后重新输入号码，或在号码前加英文单引号（如 '341102199001011234）"

/* Checks each cell of a row into rec; records every cell error. Returns
 * the number of errors. zWhy collects them for the rejects file. */
static int row_cells(const Header *h, const Sheet *pSheet, char **az, int n, Rec *pRec, long long iRow,
                     ImportResult *pRes, Buf *pWhy) {
  int nErr = 0;
  if (n > h->nCol) {
    add_error(pRes, iRow, "", az[h->nCol], "这一行的列比表头多");
    buf_printf(pWhy, "%s这一行的列比表头多", pWhy->n ? "；" : "");
    nErr++;
  }
  for (int c = 0; c < h->nCol && c < n; c++) {
    int i = h->aField[c];
    if (i < 0) continue;
    char *zOut;
    const char *zReason;
    if (pRec->aField[i].type == FT_IDNUM && sheet_kind(pSheet, c) == SHEET_NUMBER) {
      add_error(pRes, iRow, h->azName[c], az[c], NUMBER_ID_REASON);
      buf_printf(pWhy, "%s%s：存成了数字，最后几位已丢失（请设为文本后重新输入）", pWhy->n ? "；" : "", h->azName[c]);
      nErr++;
    } else if (field_check(&pRec->aField[i], az[c], &zOut, &zReason)) {
      add_error(pRes, iRow, h->azName[c], az[c], zReason);
      buf_printf(pWhy, "%s%s：%s", pWhy->n ? "；" : "", h->azName[c], zReason);
      nErr++;
    } else {
      rec_set(pRec, i, zOut);
    }
  }
  return nErr;
}

static void row_error(const FieldErr *fe, const Rec *pRec, long long iRow, ImportResult *pRes, Buf *pWhy) {
  const char *zCol = fe->iField >= 0 ? pRec->aField[fe->iField].zHeader : "";
  const char *zVal = fe->iField >= 0 && pRec->az[fe->iField] ? pRec->az[fe->iField] : "";
  add_error(pRes, iRow, zCol, zVal, fe->zMessage);
  buf_printf(pWhy, "%s%s", pWhy->n ? "；" : "", fe->zMessage);
}

/* 1 if the organization zCode (or, with bParentOk, its parent) is inside the
 * importer's subtree. */
static int in_scope(const ImportOpts *o, const char *zCode) {
  if (!o->pUser) return 1;
  Scope sc;
  return zCode && scope_lookup(zCode, &sc) == 0 && scope_within(o->pUser->zOrgPath, sc.zPath);
}

static int audit_summary(const ImportOpts *o, const ImportResult *pRes) {
  if (o->bDryRun || (pRes->nInserted == 0 && pRes->nUpdated == 0)) return 0;
  json_t *pAfter = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "file", o->zName ? o->zName : "", "blake2b",
                             o->zDigest ? o->zDigest : "", "encoding", pRes->zEncoding, "inserted",
                             (json_int_t)pRes->nInserted, "updated", (json_int_t)pRes->nUpdated, "unchanged",
                             (json_int_t)pRes->nUnchanged, "rejected", (json_int_t)pRes->nRejected);
  long long orgId = o->pUser ? o->pUser->orgId : db_int(0, "SELECT id FROM org WHERE parent_id IS NULL", "");
  int rc = audit_append(o->zActor, "import", o->bMembers ? "member" : "org", o->zName, orgId, 0, pAfter);
  json_decref(pAfter);
  return rc;
}

/* 1 if every cell of the row is empty (Excel leaves such rows after deletes). */
static int row_blank(char **az, int n) {
  for (int c = 0; c < n; c++)
    for (const char *z = az[c]; *z; z++)
      if (*z != ' ' && *z != '\t') return 0;
  return 1;
}

/* ---- members: a checking thread and a writing one --------------------------
 *
 * Reading and checking a row (cells, ID number, dates, branch, pinyin) costs
 * about as much as writing it, so a province's file goes twice as fast when
 * the two run side by side: the checking thread reads the file, checks each
 * row, lists errors and rejects, and hands the good rows over in chunks; the
 * calling thread, which holds the write transaction, writes them. Checks that
 * read the database (an existing member, a branch) run on the checker's own
 * connection, which sees the database as it was when the import began: rows
 * of the same file are told apart by `seen`, never by the database. */

#define CHUNK_ROWS 512     /* rows handed over at a time */
#define QUEUE_CHUNKS 8     /* chunks in flight: bounds the memory */

/* A known member whose row changes some of its values. */
typedef struct Update {
  long long iRow, selfId, orgId;
  Rec rec, old;
} Update;

typedef struct Chunk {
  struct Chunk *pNext;
  int nNew, nUpd;
  MemberNew aNew[CHUNK_ROWS];
  Update *aUpd;            /* up to CHUNK_ROWS, allocated when needed */
} Chunk;

typedef struct Pipe {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  Chunk *pHead, *pTail;
  int nQueued;
  int bDone;               /* the checker has handed over its last chunk */
  int bStop;               /* the writer failed: the checker stops */
  /* the checker's inputs and results (read by the writer after the join) */
  Sheet *pSheet;
  const Header *h;
  const ImportOpts *o;
  ImportResult *pRes;
  int bEmpty;              /* the member table was empty at the start */
  char zCsvError[300];
  Rejects *pRej;
} Pipe;

static void chunk_free(Chunk *c) {
  for (int i = 0; i < c->nNew; i++) member_new_free(&c->aNew[i]);
  for (int i = 0; i < c->nUpd; i++) {
    rec_free(&c->aUpd[i].rec);
    rec_free(&c->aUpd[i].old);
  }
  free(c->aUpd);
  free(c);
}

/* Hands a chunk to the writer, waiting while the queue is full. 0, or -1
 * when the writer has stopped (the chunk is freed). */
static int pipe_push(Pipe *p, Chunk *c) {
  pthread_mutex_lock(&p->mu);
  while (p->nQueued >= QUEUE_CHUNKS && !p->bStop) pthread_cond_wait(&p->cv, &p->mu);
  int bStop = p->bStop;
  if (!bStop) {
    if (p->pTail) p->pTail->pNext = c;
    else p->pHead = c;
    p->pTail = c;
    p->nQueued++;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  if (bStop) chunk_free(c);
  return bStop ? -1 : 0;
}

/* The next chunk, or NULL when the checker is done and the queue empty. */
static Chunk *pipe_pop(Pipe *p) {
  pthread_mutex_lock(&p->mu);
  while (!p->pHead && !p->bDone) pthread_cond_wait(&p->cv, &p->mu);
  Chunk *c = p->pHead;
  if (c) {
    p->pHead = c->pNext;
    if (!p->pHead) p->pTail = 0;
    p->nQueued--;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return c;
}

static void pipe_stop(Pipe *p) {
  pthread_mutex_lock(&p->mu);
  p->bStop = 1;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

/* The checking thread: every row of the file, errors and rejects listed,
 * good rows handed over. */
static void *member_checker(void *pArg) {
  Pipe *p = pArg;
  const Header *h = p->h;
  const ImportOpts *o = p->o;
  ImportResult *pRes = p->pRes;
  Rec rec, old;
  rec_init(&rec, member_aField, M_NFIELD);
  rec_init(&old, member_aField, M_NFIELD);
  KeySet seen = {0, 0, 0};
  CodeMap branches = {0, 0, 0, 0};
  Buf why = BUF_INIT;
  Chunk *c = xcalloc(1, sizeof *c);
  int rc;
  char **az;
  int n;
  while ((rc = sheet_next(p->pSheet, &az, &n)) == 1) {
    long long iRow = sheet_row(p->pSheet);
    if (row_blank(az, n)) continue;
    pRes->nRow++;
    util_progress("导入党员（行）", pRes->nRow, 0);
    rec_clear(&rec);
    buf_reset(&why);
    int nErr = row_cells(h, p->pSheet, az, n, &rec, iRow, pRes, &why);
    long long selfId = 0, orgId = 0;
    FieldErr fe;
    if (!nErr && rec.az[M_IDNUM]) {
      if (keyset_add(&seen, rec.az[M_IDNUM])) {
        add_error(pRes, iRow, member_aField[M_IDNUM].zHeader, rec.az[M_IDNUM], "与文件中前面的一行重复");
        buf_printf(&why, "%s公民身份号码在文件中重复", why.n ? "；" : "");
        nErr++;
      } else if (!p->bEmpty && (selfId = member_find(rec.az[M_IDNUM])) != 0) {
        rec_clear(&old);
        member_load(selfId, &old);
        if (!in_scope(o, old.az[M_ORG])) {
          add_error(pRes, iRow, member_aField[M_IDNUM].zHeader, rec.az[M_IDNUM], "该党员不在你管理的组织范围内");
          buf_printf(&why, "%s该党员不在你管理的组织范围内", why.n ? "；" : "");
          nErr++;
        }
        for (int i = 0; i < M_NFIELD; i++)
          if (!rec.aSet[i]) rec_set(&rec, i, old.az[i] ? xstrdup(old.az[i]) : 0);
      }
    }
    if (!nErr && rec.az[M_ORG] && !(orgId = codemap_get(&branches, rec.az[M_ORG])) && !in_scope(o, rec.az[M_ORG])) {
      add_error(pRes, iRow, member_aField[M_ORG].zHeader, rec.az[M_ORG], "所在党组织编码不存在");
      buf_printf(&why, "%s所在党组织编码不存在", why.n ? "；" : "");
      nErr++;
    }
    if (!nErr && (member_check(&rec, &fe) || (!orgId && member_branch(rec.az[M_ORG], &fe, &orgId)))) {
      row_error(&fe, &rec, iRow, pRes, &why);
      nErr++;
    }
    if (nErr) {
      pRes->nRejected++;
      reject_row(p->pRej, az, n, buf_str(&why));
      continue;
    }
    if (!codemap_get(&branches, rec.az[M_ORG])) codemap_put(&branches, rec.az[M_ORG], orgId);
    if (selfId && rec_same(&old, &rec)) {
      pRes->nUnchanged++;
      continue;
    }
    if (selfId) {
      if (!c->aUpd) c->aUpd = xcalloc(CHUNK_ROWS, sizeof *c->aUpd);
      Update *u = &c->aUpd[c->nUpd++];
      *u = (Update){iRow, selfId, orgId, rec, old};
      rec_init(&rec, member_aField, M_NFIELD);  /* the chunk owns the old ones now */
      rec_init(&old, member_aField, M_NFIELD);
    } else {
      member_new(&c->aNew[c->nNew], &rec, orgId);
      member_new_audit(&c->aNew[c->nNew++], o->zName);
    }
    if (c->nNew + c->nUpd == CHUNK_ROWS) {
      if (pipe_push(p, c)) {
        c = 0;
        break;
      }
      c = xcalloc(1, sizeof *c);
    }
  }
  util_progress_done("导入党员（行）", pRes->nRow);
  if (rc < 0) snprintf(p->zCsvError, sizeof p->zCsvError, "%s", sheet_error(p->pSheet));
  if (c) pipe_push(p, c);
  pthread_mutex_lock(&p->mu);
  p->bDone = 1;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  rec_free(&rec);
  rec_free(&old);
  free(seen.a);
  codemap_free(&branches);
  buf_free(&why);
  return 0;
}

/* The writing side, on the thread that holds the transaction. Into an empty
 * roster nothing reads the member indexes until the end: they are dropped and
 * built once, after the last row. */
static int import_members(Sheet *pSheet, const Header *h, const ImportOpts *o, Rejects *pRej, ImportResult *pRes) {
  Pipe p = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .pSheet = pSheet, .h = h, .o = o,
            .pRes = pRes, .pRej = pRej};
  p.bEmpty = db_exists("SELECT 1 FROM member", "") == 0;
  char *zIndexes = p.bEmpty ? db_indexes_drop("member") : 0;
  if (p.bEmpty && !zIndexes) {
    snprintf(pRes->zFatal, sizeof pRes->zFatal, "写入数据库失败");
    return -1;
  }
  pthread_t checker;
  if (pthread_create(&checker, 0, member_checker, &p)) {
    free(zIndexes);
    snprintf(pRes->zFatal, sizeof pRes->zFatal, "无法启动检查线程");
    return -1;
  }
  MemberBatch *pBatch = member_batch_new();
  member_batch_audit(pBatch, o->zActor);
  long long nInserted = 0, nUpdated = 0, iFailed = -1;
  Chunk *c;
  while (iFailed < 0 && (c = pipe_pop(&p)) != 0) {
    for (int i = 0; i < c->nNew && iFailed < 0; i++) {
      if (member_batch_add(pBatch, &c->aNew[i])) iFailed = 0;
      else nInserted++;
    }
    for (int i = 0; i < c->nUpd && iFailed < 0; i++) {
      Update *u = &c->aUpd[i];
      FieldErr fe;
      long long id;
      /* The ID number was matched to this member, and no other row of the
       * file has it, so member_save has no conflict to find. */
      if (member_save(&u->rec, &u->old, u->selfId, u->orgId, o->zActor, &fe, &id)) iFailed = u->iRow;
      else nUpdated++;
    }
    chunk_free(c);
  }
  if (iFailed >= 0) pipe_stop(&p);
  pthread_join(checker, 0);
  while ((c = pipe_pop(&p)) != 0) chunk_free(c);  /* what was queued after a failure */
  int rcOut = 0;
  if (iFailed < 0 && (member_batch_flush(pBatch) || (zIndexes && db_script(zIndexes)))) iFailed = 0;
  if (iFailed > 0) snprintf(pRes->zFatal, sizeof pRes->zFatal, "第%lld行：写入数据库失败", iFailed);
  else if (iFailed == 0) snprintf(pRes->zFatal, sizeof pRes->zFatal, "写入数据库失败");
  else if (p.zCsvError[0]) snprintf(pRes->zFatal, sizeof pRes->zFatal, "%s", p.zCsvError);
  if (iFailed >= 0 || p.zCsvError[0]) rcOut = -1;
  pRes->nInserted = nInserted;
  pRes->nUpdated = nUpdated;
  member_batch_free(pBatch);
  free(zIndexes);
  return rcOut;
}

/* One organization row held in memory until its parent is in place. */
typedef struct OrgRow {
  long long iRow;
  char **azCell;
  int nCell;
  Rec rec;
  int state;        /* 0 waiting, 1 done, 2 bad */
  Buf why;
} OrgRow;

static int same_text(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static OrgRow *qsortRows;  /* for cmp_row_code: qsort has no context argument in C17 */

static int cmp_row_code(const void *x, const void *y) {
  const char *a = qsortRows[*(const size_t *)x].rec.az[ORG_CODE], *b = qsortRows[*(const size_t *)y].rec.az[ORG_CODE];
  return strcmp(a ? a : "", b ? b : "");
}

/* The row of the file whose code is zCode, or -1. */
static long long find_row(const OrgRow *a, const size_t *aByCode, size_t n, const char *zCode) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *z = a[aByCode[mid]].rec.az[ORG_CODE];
    int c = strcmp(z ? z : "", zCode);
    if (c == 0) return (long long)aByCode[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

static int import_orgs(Sheet *pSheet, const Header *h, const ImportOpts *o, Rejects *pRej, ImportResult *pRes) {
  OrgRow *a = 0;
  size_t nRow = 0, nAlloc = 0;
  char **az;
  int n, rc, rcOut = 0;
  long long iRow = 1;
  KeySet seen = {0, 0, 0};
  while ((rc = sheet_next(pSheet, &az, &n)) == 1) {
    iRow = sheet_row(pSheet);
    if (row_blank(az, n)) continue;
    if (nRow == nAlloc) a = xrealloc(a, (nAlloc = nAlloc ? nAlloc * 2 : 256) * sizeof *a);
    OrgRow *p = &a[nRow++];
    memset(p, 0, sizeof *p);
    p->iRow = iRow;
    p->nCell = n;
    p->azCell = xcalloc((size_t)n, sizeof(char *));
    for (int c = 0; c < n; c++) p->azCell[c] = xstrdup(az[c]);
    rec_init(&p->rec, org_aField, ORG_NFIELD);
    if (row_cells(h, pSheet, az, n, &p->rec, iRow, pRes, &p->why)) p->state = 2;
    else if (p->rec.az[ORG_CODE] && keyset_add(&seen, p->rec.az[ORG_CODE])) {
      add_error(pRes, iRow, org_aField[ORG_CODE].zHeader, p->rec.az[ORG_CODE], "与文件中前面的一行重复");
      buf_puts(&p->why, "组织编码在文件中重复");
      p->state = 2;
    }
  }
  pRes->nRow = (long long)nRow;
  if (rc < 0) {
    snprintf(pRes->zFatal, sizeof pRes->zFatal, "%s", sheet_error(pSheet));
    rcOut = -1;
    goto done;
  }
  /* Order: a row goes after the row of its parent when that parent is in
   * the file, whatever their order there. Rows are sorted by code to find
   * parents, children are chained to their parent row, and the rows whose
   * parent is not in the file start a breadth-first walk: O(n log n). */
  size_t *aByCode = xcalloc(nRow + 1, sizeof(size_t));
  size_t nByCode = 0;
  for (size_t i = 0; i < nRow; i++)
    if (a[i].state == 0) aByCode[nByCode++] = i;
  qsortRows = a;
  qsort(aByCode, nByCode, sizeof(size_t), cmp_row_code);
  long long *aHead = xmalloc((nRow + 1) * sizeof(long long)), *aNext = xmalloc((nRow + 1) * sizeof(long long));
  size_t *aQueue = xmalloc((nRow + 1) * sizeof(size_t)), nQueue = 0, iQueue = 0;
  for (size_t i = 0; i < nRow; i++) aHead[i] = aNext[i] = -1;
  for (size_t k = 0; k < nByCode; k++) {
    size_t i = aByCode[k];
    const char *zParent = a[i].rec.az[ORG_PARENT];
    long long j = zParent ? find_row(a, aByCode, nByCode, zParent) : -1;
    if (j >= 0 && (size_t)j != i) {
      aNext[i] = aHead[j];
      aHead[j] = (long long)i;
    } else {
      aQueue[nQueue++] = i;
    }
  }
  Rec old;
  rec_init(&old, org_aField, ORG_NFIELD);
  while (iQueue < nQueue && rcOut == 0) {
    OrgRow *p = &a[aQueue[iQueue++]];
    {
      Rec *r = &p->rec;
      rec_clear(&old);
      long long selfId = r->az[ORG_CODE] ? org_load(r->az[ORG_CODE], &old) : 0;
      const char *zParent = r->aSet[ORG_PARENT] ? r->az[ORG_PARENT] : (selfId ? old.az[ORG_PARENT] : 0);
      if (zParent && db_exists("SELECT 1 FROM org WHERE code=?", "t", zParent) != 1) continue;  /* reported below */
      FieldErr fe;
      int bad = 0;
      if (selfId && !in_scope(o, r->az[ORG_CODE])) {
        add_error(pRes, p->iRow, org_aField[ORG_CODE].zHeader, r->az[ORG_CODE], "该组织不在你管理的范围内");
        buf_printf(&p->why, "%s该组织不在你管理的范围内", p->why.n ? "；" : "");
        bad = 1;
      } else if (o->pUser && (!selfId || !same_text(zParent, old.az[ORG_PARENT])) &&
                 (!zParent || !in_scope(o, zParent))) {
        /* A new organization, or a move: the parent must be the importer's too. */
        add_error(pRes, p->iRow, org_aField[ORG_PARENT].zHeader, zParent ? zParent : "",
                  zParent ? "上级组织编码不存在" : "只能在你管理的组织之下建立组织");
        buf_printf(&p->why, "%s上级组织不在你管理的范围内", p->why.n ? "；" : "");
        bad = 1;
      }
      if (!bad && selfId)
        for (int k = 0; k < ORG_NFIELD; k++)
          if (!r->aSet[k]) rec_set(r, k, old.az[k] ? xstrdup(old.az[k]) : 0);
      if (!bad && org_validate(r, selfId, &fe)) {
        row_error(&fe, r, p->iRow, pRes, &p->why);
        bad = 1;
      }
      if (bad) {
        p->state = 2;
        continue;
      }
      p->state = 1;
      for (long long c = aHead[p - a]; c >= 0; c = aNext[c]) aQueue[nQueue++] = (size_t)c;
      if (selfId && rec_same(&old, r)) {
        pRes->nUnchanged++;
        continue;
      }
      long long id;
      int rcSave = org_save(r, selfId ? &old : 0, selfId, selfId ? o->zActor : 0, &fe, &id);
      if (rcSave == -1) {
        row_error(&fe, r, p->iRow, pRes, &p->why);
        p->state = 2;
      } else if (rcSave) {
        snprintf(pRes->zFatal, sizeof pRes->zFatal, "第%lld行：写入数据库失败", p->iRow);
        rcOut = -1;
      } else if (selfId) {
        pRes->nUpdated++;
      } else {
        pRes->nInserted++;
      }
      util_progress("导入组织（行）", pRes->nInserted + pRes->nUpdated + pRes->nUnchanged, (long long)nRow);
    }
  }
  free(aByCode);
  free(aHead);
  free(aNext);
  free(aQueue);
  rec_free(&old);
  util_progress_done("导入组织（行）", (long long)nRow);
  /* What still waits has a parent that is neither in the database nor good in the file. */
  for (size_t i = 0; i < nRow; i++) {
    OrgRow *p = &a[i];
    if (p->state == 0) {
      const char *zParent = p->rec.az[ORG_PARENT];
      add_error(pRes, p->iRow, org_aField[ORG_PARENT].zHeader, zParent ? zParent : "",
                "上级组织编码不存在（或它所在的行有错误，或组织互为上级）");
      buf_printf(&p->why, "%s上级组织编码不存在", p->why.n ? "；" : "");
      p->state = 2;
    }
  }
  for (size_t i = 0; i < nRow; i++)
    if (a[i].state == 2) {
      pRes->nRejected++;
      reject_row(pRej, a[i].azCell, a[i].nCell, buf_str(&a[i].why));
    }
done:
  for (size_t i = 0; i < nRow; i++) {
    for (int c = 0; c < a[i].nCell; c++) free(a[i].azCell[c]);
    free(a[i].azCell);
    rec_free(&a[i].rec);
    buf_free(&a[i].why);
  }
  free(a);
  free(seen.a);
  return rcOut;
}

/* The number of cells of a row that name a column of aField. */
static int header_score(char **az, int n, const Field *aField, int nField) {
  int nKnown = 0;
  for (int c = 0; c < n; c++) {
    if (!text_utf8_valid(az[c], strlen(az[c]))) continue;
    char *z = text_normalize(az[c]);
    for (int i = 0; i < nField; i++)
      if (strcmp(z, aField[i].zHeader) == 0 || strcasecmp(z, aField[i].zJson) == 0) {
        nKnown++;
        break;
      }
    free(z);
  }
  return nKnown;
}

#define HEADER_SCAN 10  /* rows (not blank) searched for the header */

/* Finds the header: the first row, among the first HEADER_SCAN that are
 * not blank, in which at least two cells name known columns. Rows above it
 * (a sheet's title, often one merged cell; a line of who filled it in) are
 * skipped with a warning. When no row qualifies, the first row is taken as
 * the header, so that header_read says which required column it lacks.
 * 0 with h filled, or -1 with zFatal. */
static int header_find(Sheet *pSheet, Header *h, const Field *aField, int nField, ImportResult *pRes) {
  char **az;
  int n, rc, nSeen = 0;
  char **azFirst = 0;
  int nFirst = 0;
  long iFirst = 0;
  while ((rc = sheet_next(pSheet, &az, &n)) == 1) {
    if (row_blank(az, n)) continue;
    long iRow = sheet_row(pSheet);
    if (header_score(az, n, aField, nField) >= 2) {
      for (int c = 0; c < nFirst; c++) free(azFirst[c]);
      free(azFirst);
      if (nSeen) {
        char *zW = iRow == iFirst + 1 ? xprintf("第%ld行不是表头（是标题），已跳过", iFirst)
                                      : xprintf("第%ld～%ld行不是表头（是标题或说明），已跳过", iFirst, iRow - 1);
        json_array_append_new(pRes->aWarning, json_string(zW));
        free(zW);
      }
      return header_read(h, az, n, aField, nField, iRow, pRes);
    }
    if (!nSeen) {
      azFirst = xcalloc((size_t)n + 1, sizeof(char *));
      for (int c = 0; c < n; c++) azFirst[c] = xstrdup(az[c]);
      nFirst = n;
      iFirst = iRow;
    }
    if (++nSeen == HEADER_SCAN) break;
  }
  if (rc < 0) snprintf(pRes->zFatal, sizeof pRes->zFatal, "%s", sheet_error(pSheet));
  else if (!nSeen) snprintf(pRes->zFatal, sizeof pRes->zFatal, "文件是空的（没有表头）");
  else if (header_read(h, azFirst, nFirst, aField, nField, iFirst, pRes) == 0)
    snprintf(pRes->zFatal, sizeof pRes->zFatal, "找不到表头：前 %d 行中没有一行写着这个文件的列名", nSeen);
  for (int c = 0; c < nFirst; c++) free(azFirst[c]);
  free(azFirst);
  return -1;
}

int port_import(FILE *f, const ImportOpts *o, ImportResult *pRes) {
  memset(pRes, 0, sizeof *pRes);
  pRes->aError = json_array();
  pRes->aWarning = json_array();
  Sheet *pSheet = sheet_open(f, o->zSheet);
  Header h;
  memset(&h, 0, sizeof h);
  const Field *aField = o->bMembers ? member_aField : org_aField;
  int nField = o->bMembers ? M_NFIELD : ORG_NFIELD;
  int rc = header_find(pSheet, &h, aField, nField, pRes);
  snprintf(pRes->zEncoding, sizeof pRes->zEncoding, "%s", sheet_encoding(pSheet));
  snprintf(pRes->zSheet, sizeof pRes->zSheet, "%s", sheet_name(pSheet));
  if (rc || db_begin()) {
    if (!pRes->zFatal[0]) snprintf(pRes->zFatal, sizeof pRes->zFatal, "数据库忙或不可写");
    header_free(&h);
    sheet_close(pSheet);
    return -1;
  }
  Rejects rej;
  rejects_init(&rej, o, &h, sheet_format(pSheet));
  /* The member table's ID-number index takes random inserts: with the
   * default 64 MiB page cache a province's (3.8 M rows, ~130 MB of index)
   * spills and every insert rereads pages. 256 MiB keeps it in memory for
   * the import only (peak resident memory stays well under 1 GiB); into an
   * empty roster the indexes are built at the end instead, by sorts that
   * may use a second thread. */
  if (o->bMembers) db_tune(DB_TUNE_IMPORT);
  rc = o->bMembers ? import_members(pSheet, &h, o, &rej, pRes) : import_orgs(pSheet, &h, o, &rej, pRes);
  if (o->bMembers) db_tune(DB_TUNE_NORMAL);
  pRes->bRejectsFailed = rejects_close(&rej) != 0;
  header_free(&h);
  sheet_close(pSheet);
  if (rc == 0 && pRes->nError && !o->bKeepGood) rc = 1;
  if (rc == 0 && !o->bDryRun && (audit_summary(o, pRes) || db_commit())) {
    snprintf(pRes->zFatal, sizeof pRes->zFatal, "写入数据库失败");
    rc = -1;
  }
  db_rollback();  /* a no-op after a commit; undoes a refused file or a dry run */
  if (rc < 0 && db_storage_full())
    snprintf(pRes->zFatal, sizeof pRes->zFatal, "存储空间已满（磁盘已满），写入数据库失败，已全部回滚；请清理磁盘后重新导入");
  return rc;
}

/* ---- export ------------------------------------------------------------------ */

/* The columns of an export: the import's headers, the writer's type of each
 * field, the sheet's widths. */
static int export_cols(const Field *aField, int nField, RptCol *aCol) {
  for (int i = 0; i < nField; i++) {
    const Field *pF = &aField[i];
    RptType t = pF->type == FT_DATE ? RPT_DATE : pF->type == FT_MONEY ? RPT_MONEY : pF->type == FT_BOOL ? RPT_BOOL : RPT_TEXT;
    int nWidth = pF->type == FT_IDNUM ? 21 : pF->type == FT_DATE ? 12 : pF->nMax > 50 ? 30 : 14;
    aCol[i] = (RptCol){pF->zHeader, pF->zJson, t, nWidth};
  }
  return nField;
}

int port_export(int bMembers, const char *zPath, int bXlsx, int bReveal, const char *zOut, long long *pnRow) {
  const Field *aField = bMembers ? member_aField : org_aField;
  int nField = bMembers ? M_NFIELD : ORG_NFIELD;
  RptCol aCol[32];
  RptWriter *w = rpt_open(bXlsx ? "xlsx" : "csv", zOut, RPT_BIG);
  if (!w) return -1;
  int bad = rpt_table(w, bMembers ? "党员信息" : "组织信息", 0, aCol, export_cols(aField, nField, aCol));
  char zHi[256];
  scope_range(zPath ? zPath : "/", zHi);
  /* No subtree: the header alone (the import's template). */
  DbStmt *st = !zPath ? 0 : bMembers
      ? db_stmt("SELECT " "m.name, m.id_number, m.gender, m.birth_date, m.ethnicity, m.education, m.category,"
                " m.joined_on, m.full_on, o.code, m.occupation, m.phone, m.mobile, m.mobile_location, m.monthly_income"
                " FROM org o JOIN member m ON m.org_id=o.id WHERE o.path >= ? AND o.path < ? AND m.status='active'"
                " ORDER BY o.path, m.id",
                "tt", zPath, zHi)
      : db_stmt("SELECT o.code, o.name, p.code, o.kind, o.domain, o.formation, o.established_on, o.region_code,"
                " o.term_started_on, o.ended_on FROM org o LEFT JOIN org p ON p.id=o.parent_id"
                " WHERE o.path >= ? AND o.path < ? ORDER BY o.path", "tt", zPath, zHi);
  Rec rec;
  rec_init(&rec, aField, nField);
  long long nRow = 0;
  int rc = 0;
  while (!bad && st && (rc = db_step(st)) == 1) {
    rec_clear(&rec);
    for (int i = 0; i < nField; i++) rec_set(&rec, i, db_col_dup(st, i));
    /* A subtree's root keeps its parent's code, so the file shows where it
     * hangs. Money and yes/no go as stored (the writer shows them); the
     * rest as the import reads it, ID numbers and phones masked unless
     * bReveal. */
    char *az[32];
    for (int i = 0; i < nField; i++)
      az[i] = aCol[i].type == RPT_MONEY || aCol[i].type == RPT_BOOL ? 0 : rec_cell(&rec, i, bReveal);
    const char *azC[32];
    for (int i = 0; i < nField; i++) azC[i] = az[i] ? az[i] : rec.az[i];
    bad = rpt_row_text(w, azC, 0);
    for (int i = 0; i < nField; i++) free(az[i]);
    nRow++;
    util_progress(bMembers ? "导出党员（行）" : "导出组织（行）", nRow, 0);
  }
  util_progress_done(bMembers ? "导出党员（行）" : "导出组织（行）", nRow);
  rec_free(&rec);
  *pnRow = nRow;
  if (bad || rc < 0) {
    rpt_discard(w);
    return -1;
  }
  return rpt_close(w);
}

/* Rewrites the UTF-8 CSV zIn (a BOM first) as GB18030 into zOut, for office
 * software older than Excel 2016 that reads CSV in the system's code page.
 * GB18030 encodes every character, so nothing is lost; the import reads it
 * back by its encoding detection. 0, or -1 with a message. */
static int csv_to_gb18030(const char *zIn, const char *zOut) {
  FILE *fIn = fopen(zIn, "rb"), *fOut = fIn ? fopen(zOut, "wb") : 0;
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  int rc = fIn && fOut && cd != (iconv_t)-1 ? 0 : -1;
  char aIn[1 << 16], aOut[1 << 17];
  size_t nKeep = 0, n;
  int bFirst = 1;
  while (rc == 0 && (n = fread(aIn + nKeep, 1, sizeof aIn - nKeep, fIn)) > 0) {
    char *pIn = aIn;
    size_t nIn = nKeep + n;
    if (bFirst && nIn >= 3 && memcmp(pIn, CSV_BOM, 3) == 0) pIn += 3, nIn -= 3;
    bFirst = 0;
    char *pOut = aOut;
    size_t nOut = sizeof aOut;
    if (iconv(cd, &pIn, &nIn, &pOut, &nOut) == (size_t)-1 && errno != EINVAL) rc = -1;
    if (fwrite(aOut, 1, sizeof aOut - nOut, fOut) != sizeof aOut - nOut) rc = -1;
    memmove(aIn, pIn, nIn);  /* a character cut at the chunk's end */
    nKeep = nIn;
  }
  if (nKeep || (fIn && ferror(fIn))) rc = -1;
  if (cd != (iconv_t)-1) iconv_close(cd);
  if (fIn) fclose(fIn);
  if (fOut && fclose(fOut)) rc = -1;
  if (rc) {
    util_die_msg("cannot write %s in GB18030", zOut);
    unlink(zOut);
  }
  return rc;
}

int port_export_gbk(int bMembers, const char *zPath, int bReveal, const char *zOut, long long *pnRow) {
  char *zTmp = xprintf("%s.utf8-tmp", zOut);
  int rc = port_export(bMembers, zPath, 0, bReveal, zTmp, pnRow);
  if (rc == 0) rc = csv_to_gb18030(zTmp, zOut);
  unlink(zTmp);
  free(zTmp);
  return rc;
}

int port_digest_file(const char *zPath, char zHex[65]) {
  FILE *f = fopen(zPath, "rb");
  if (!f) return -1;
  crypto_generichash_state st;
  crypto_generichash_init(&st, 0, 0, 32);
  unsigned char a[1 << 16], h[32];
  size_t n;
  while ((n = fread(a, 1, sizeof a, f)) > 0) crypto_generichash_update(&st, a, n);
  fclose(f);
  crypto_generichash_final(&st, h, sizeof h);
  sodium_bin2hex(zHex, 65, h, sizeof h);
  return 0;
}

void port_digest_buf(const void *p, size_t n, char zHex[65]) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, p, n, 0, 0);
  sodium_bin2hex(zHex, 65, h, sizeof h);
}

/* ---- CLI ------------------------------------------------------------------------ */

static void print_result(const char *zFile, const ImportResult *pRes, int rc, int bDryRun) {
  size_t i;
  json_t *v;
  json_array_foreach(pRes->aWarning, i, v) fprintf(stderr, "%s: 提示：%s\n", zFile, json_string_value(v));
  json_array_foreach(pRes->aError, i, v) {
    fprintf(stderr, "%s:%lld: %s: '%s': %s\n", zFile, (long long)json_integer_value(json_object_get(v, "row")),
            json_string_value(json_object_get(v, "column")), json_string_value(json_object_get(v, "value")),
            json_string_value(json_object_get(v, "reason")));
  }
  if (pRes->nError > (long long)json_array_size(pRes->aError))
    fprintf(stderr, "%s: …… 另有 %lld 处错误\n", zFile, pRes->nError - (long long)json_array_size(pRes->aError));
  if (rc < 0) {
    fprintf(stderr, "%s: %s；未导入任何数据\n", zFile, pRes->zFatal);
    return;
  }
  if (rc == 1) {
    fprintf(stderr, "%s: 共 %lld 行，其中 %lld 行有错误；未导入任何数据（请改正后重新导入，或用 --keep-good 只导入正确的行）\n",
            zFile, pRes->nRow, pRes->nRejected);
    return;
  }
  char zFrom[320];
  if (pRes->zSheet[0]) snprintf(zFrom, sizeof zFrom, "%s，工作表“%s”", pRes->zEncoding, pRes->zSheet);
  else snprintf(zFrom, sizeof zFrom, "%s", pRes->zEncoding);
  printf("%s: 共 %lld 行（%s）：新增 %lld，更新 %lld，未变 %lld，拒绝 %lld%s\n", zFile, pRes->nRow, zFrom,
         pRes->nInserted, pRes->nUpdated, pRes->nUnchanged, pRes->nRejected, bDryRun ? "（试运行：未写入）" : "");
}

static int cmd_import(const CliArgs *p, int bMembers) {
  const char *zFile = p->azArg[0], *zRejects = cli_opt(p, "rejects");
  int bKeep = cli_opt(p, "keep-good") != 0;
  if (zRejects && !bKeep) {
    util_die_msg("--rejects goes with --keep-good");
    return 2;
  }
  FILE *f = fopen(zFile, "rb");
  if (!f) {
    util_die_msg("cannot read %s", zFile);
    return 1;
  }
  if (cli_open_db(p, 0)) {
    fclose(f);
    return 1;
  }
  /* Refuse an unwritable rejects file before reading anything; the import
   * writes it (in its format) at the first bad row. */
  FILE *fRej = 0;
  if (zRejects && (!(fRej = fopen(zRejects, "wb")) || fclose(fRej))) {
    util_die_msg("cannot write %s", zRejects);
    fclose(f);
    return 1;
  }
  char zDigest[65] = "";
  port_digest_file(zFile, zDigest);
  const char *zBase = strrchr(zFile, '/') ? strrchr(zFile, '/') + 1 : zFile;
  ImportOpts o = {bMembers, bKeep, cli_opt(p, "dry-run") != 0, zBase, zDigest, 0, cli_actor(), zRejects,
                  cli_opt(p, "sheet")};
  ImportResult res;
  double t0 = util_now();
  int rc = port_import(f, &o, &res);
  fclose(f);
  if (res.bRejectsFailed) util_die_msg("writing %s failed", zRejects);
  print_result(zFile, &res, rc, o.bDryRun);
  if (rc == 0 && res.nRejected && zRejects) printf("%s: %lld bad rows written to %s\n", zFile, res.nRejected, zRejects);
  if (getenv("QIANGJI_TIMING")) fprintf(stderr, "import took %.2f s\n", util_now() - t0);
  port_result_free(&res);
  return rc == 0 ? 0 : 1;
}

static int cmd_import_orgs(const CliArgs *p) { return cmd_import(p, 0); }
static int cmd_import_members(const CliArgs *p) { return cmd_import(p, 1); }

static int cmd_export(const CliArgs *p, int bMembers) {
  const char *zFormat = cli_opt(p, "format"), *zOrg = cli_opt(p, "org"), *zOut = cli_opt(p, "out");
  const char *zEnc = cli_opt(p, "encoding");
  if (zFormat && strcmp(zFormat, "csv") && strcmp(zFormat, "xlsx")) {
    util_die_msg("--format is csv or xlsx (got '%s')", zFormat);
    return 2;
  }
  int bXlsx = zFormat ? strcmp(zFormat, "xlsx") == 0 : (strlen(zOut) > 5 && strcmp(zOut + strlen(zOut) - 5, ".xlsx") == 0);
  int bGbk = zEnc && (strcasecmp(zEnc, "gbk") == 0 || strcasecmp(zEnc, "gb18030") == 0);
  if (zEnc && !bGbk && strcasecmp(zEnc, "utf-8") && strcasecmp(zEnc, "utf8")) {
    util_die_msg("--encoding is utf-8 or gbk (got '%s')", zEnc);
    return 2;
  }
  if (bGbk && bXlsx) {
    util_die_msg("--encoding gbk is for CSV; an .xlsx file has no encoding to choose");
    return 2;
  }
  if (cli_open_db(p, 0)) return 1;
  Scope sc;
  char *zRoot = zOrg ? 0 : db_text("SELECT code FROM org WHERE parent_id IS NULL", "");
  if (!zOrg) zOrg = zRoot;
  if (!zOrg || scope_lookup(zOrg, &sc)) {
    util_die_msg(zOrg ? "no organization with code '%s'" : "the database has no organizations yet%s", zOrg ? zOrg : "");
    free(zRoot);
    return 1;
  }
  free(zRoot);
  int bReveal = cli_opt(p, "reveal") != 0;
  if (bReveal) {
    json_t *pAfter = json_pack("{s:s, s:s, s:s}", "file", zOut, "org", sc.zCode, "what", bMembers ? "members" : "orgs");
    int rc = db_begin() || audit_append(cli_actor(), "reveal", "export", sc.zCode, sc.id, 0, pAfter) || db_commit();
    json_decref(pAfter);
    if (rc) {
      db_rollback();
      return 1;
    }
  }
  long long n;
  if (bGbk ? port_export_gbk(bMembers, sc.zPath, bReveal, zOut, &n) : port_export(bMembers, sc.zPath, bXlsx, bReveal, zOut, &n))
    return 1;
  printf("%s: %lld %s of %s%s\n", zOut, n, bMembers ? "members" : "organizations", sc.zCode,
         bReveal ? " (ID numbers and phones unmasked; recorded in the audit log)" : "");
  return 0;
}

static int cmd_export_orgs(const CliArgs *p) { return cmd_export(p, 0); }
static int cmd_export_members(const CliArgs *p) { return cmd_export(p, 1); }

static const CliOpt aImportOpt[] = {
  {"db", 1, 1, "the database"},
  {"keep-good", 0, 0, "import the good rows even if some are bad"},
  {"rejects", 1, 0, "with --keep-good: write the bad rows here, plus 错误原因 (CSV for a CSV, xlsx for .xlsx or .xls; "
   "a name ending in .csv or .xlsx chooses)"},
  {"dry-run", 0, 0, "check the file only; write nothing"},
  {"sheet", 1, 0, "the worksheet of an .xlsx or .xls to read (default: the first visible one)"},
  {0, 0, 0, 0},
};
static const CliOpt aExportOpt[] = {
  {"db", 1, 1, "the database"},
  {"org", 1, 0, "code of the organization whose subtree to export (default: the root)"},
  {"format", 1, 0, "csv or xlsx (default: from --out's ending, else csv)"},
  {"reveal", 0, 0, "write ID numbers and phones unmasked (recorded in the audit log)"},
  {"encoding", 1, 0, "CSV in utf-8 (default, with a byte-order mark) or gbk (GB18030, for old office software)"},
  {"out", 1, 1, "the file to write"},
  {0, 0, 0, 0},
};

static const Command aCommandTable[] = {
  {"import", "orgs", cmd_import_orgs, aImportOpt, 1, 1, "FILE",
   "Imports organizations from CSV (UTF-8, GBK/GB18030 or UTF-16), .xlsx or .xls (组织信息 columns of formats.md). All or nothing "
   "unless --keep-good; every error is listed as FILE:ROW: COLUMN: VALUE: REASON."},
  {"import", "members", cmd_import_members, aImportOpt, 1, 1, "FILE",
   "Imports members from CSV, .xlsx or .xls (党员信息 columns of formats.md); a known ID number updates its member. All or nothing "
   "unless --keep-good."},
  {"export", "orgs", cmd_export_orgs, aExportOpt, 0, 0, "",
   "Exports a subtree's organizations as CSV (UTF-8 with BOM) or .xlsx, in the import format."},
  {"export", "members", cmd_export_members, aExportOpt, 0, 0, "",
   "Exports a subtree's members as CSV or .xlsx; ID numbers and phones masked unless --reveal."},
};

/* ---- API ----------------------------------------------------------------------- */

static void api_import(Req *r) {
  int bMembers = strstr(r->zPath, "/members") != 0;
  FILE *f = fmemopen(r->body.z ? r->body.z : (char *)"", r->body.n, "rb");
  if (!f) {
    api_internal(r);
    return;
  }
  char zDigest[65];
  port_digest_buf(r->body.z ? r->body.z : "", r->body.n, zDigest);
  ImportOpts o = {bMembers, api_query_bool(r, "keep_good"), api_query_bool(r, "dry_run"),
                  bMembers ? "members (upload)" : "orgs (upload)", zDigest, &r->user, api_actor(r), 0,
                  api_query(r, "sheet")};
  ImportResult res;
  int rc = port_import(f, &o, &res);
  fclose(f);
  if (rc < 0 && db_storage_full_take()) {
    api_error(r, 507, "storage_full", 0, "%s；未导入任何数据", res.zFatal);
  } else if (rc < 0) {
    api_error(r, 400, "invalid_file", 0, "%s；未导入任何数据", res.zFatal);
  } else if (rc == 1) {
    json_t *pErr = json_pack("{s:s, s:s, s:n, s:O, s:I}", "code", "invalid_rows", "message", "", "field", "rows",
                             res.aError, "total", (json_int_t)res.nError);
    char *zMsg = xprintf("%lld 行有错误（共 %lld 处），未导入任何数据", res.nRejected, res.nError);
    json_object_set_new(pErr, "message", json_string(zMsg));
    free(zMsg);
    api_json(r, 422, json_pack("{s:o}", "error", pErr));
  } else {
    api_json(r, 200, json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:O, s:O, s:b}", "rows", (json_int_t)res.nRow,
                               "inserted", (json_int_t)res.nInserted, "updated", (json_int_t)res.nUpdated,
                               "unchanged", (json_int_t)res.nUnchanged, "rejected", (json_int_t)res.nRejected,
                               "encoding", res.zEncoding, "sheet", res.zSheet, "errors", res.aError, "warnings", res.aWarning, "dry_run",
                               o.bDryRun));
  }
  port_result_free(&res);
}

/* An export, written to a file by api_file_written. */
typedef struct ExportFile {
  int bMembers;
  const char *zPath;
  int bXlsx, bReveal;
} ExportFile;
static int export_write(const char *zOut, void *pCtx) {
  ExportFile *f = pCtx;
  long long n;
  return port_export(f->bMembers, f->zPath, f->bXlsx, f->bReveal, zOut, &n);
}

static void api_export(Req *r) {
  int bMembers = strstr(r->zPath, "/members") != 0;
  const char *zFormat = api_query(r, "format");
  int bXlsx = zFormat && strcmp(zFormat, "xlsx") == 0;
  int bReveal = api_query_bool(r, "reveal") && (r->user.role == ROLE_ADMIN || r->user.role == ROLE_ORG_ADMIN);
  if (bReveal) {
    json_t *pAfter = json_pack("{s:s, s:s}", "org", r->scope.zCode, "what", bMembers ? "members" : "orgs");
    int rc = db_begin() || audit_append(api_actor(r), "reveal", "export", r->scope.zCode, r->scope.id, 0, pAfter) ||
             db_commit();
    json_decref(pAfter);
    if (rc) {
      api_internal(r);
      return;
    }
  }
  ExportFile f = {bMembers, r->scope.zPath, bXlsx, bReveal};
  char *zName = xprintf("%s-%s.%s", bMembers ? "党员信息" : "组织信息", r->scope.zCode, bXlsx ? "xlsx" : "csv");
  api_file_written(r, export_write, &f, bXlsx, zName);
  free(zName);
}

/* GET /api/v1/import/{orgs|members}/template: the import's header row, as
 * CSV or xlsx, to fill in. */
static void api_template(Req *r) {
  int bMembers = strstr(r->zPath, "/members") != 0;
  const char *zFormat = api_query(r, "format");
  int bXlsx = zFormat && strcmp(zFormat, "xlsx") == 0;
  ExportFile f = {bMembers, 0, bXlsx, 0};
  api_file_written(r, export_write, &f, bXlsx, bMembers ? (bXlsx ? "党员信息-模板.xlsx" : "党员信息-模板.csv")
                                                        : (bXlsx ? "组织信息-模板.xlsx" : "组织信息-模板.csv"));
}

static const QParam aImportQuery[] = {
  {"keep_good", Q_BOOL, 0, 0, 0},
  {"sheet", Q_TEXT, 0, 100, 0},
  {"dry_run", Q_BOOL, 0, 0, 0},
  {0, 0, 0, 0, 0},
};
static const char *const azFormat[] = {"csv", "xlsx", 0};
static const QParam aTemplateQuery[] = {
  {"format", Q_ENUM, 0, 0, azFormat},
  {0, 0, 0, 0, 0},
};
static const QParam aExportQuery[] = {
  {"org", Q_ORG, 0, 32, 0},
  {"format", Q_ENUM, 0, 0, azFormat},
  {"reveal", Q_BOOL, 0, 0, 0},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"POST", "/api/v1/import/orgs", api_import, R_WRITE | R_RAWBODY, aImportQuery,
   "import an organizations file, CSV, .xlsx or .xls (the body is the file)", 0, 0, 0},
  {"POST", "/api/v1/import/members", api_import, R_WRITE | R_RAWBODY, aImportQuery,
   "import a members file, CSV, .xlsx or .xls (the body is the file)", 0, 0, 0},
  {"GET", "/api/v1/import/orgs/template", api_template, R_STAFF, aTemplateQuery,
   "the organizations import's header row, as CSV or xlsx, to fill in", 0, 0, 0},
  {"GET", "/api/v1/import/members/template", api_template, R_STAFF, aTemplateQuery,
   "the members import's header row, as CSV or xlsx, to fill in", 0, 0, 0},
  {"GET", "/api/v1/export/orgs", api_export, R_STAFF | R_QORG, aExportQuery, "a subtree's organizations as CSV or xlsx", 0, 0, 0},
  {"GET", "/api/v1/export/members", api_export, R_STAFF | R_QORG, aExportQuery, "a subtree's members as CSV or xlsx", 0, 0, 0},
};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"export", "导出", 0},
};

const Module port_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "port",
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aCommand = MODULE_ARRAY(aCommandTable),
};
