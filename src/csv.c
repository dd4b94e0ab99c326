/* csv.c: a streaming CSV reader (encoding detection, conversion to UTF-8,
 * RFC 4180 fields) and the row writer.
 *
 * Reading keeps three buffers: raw bytes from the file (aRaw, fixed), text in
 * UTF-8 (zText: aRaw itself when the input is UTF-8, else aConv filled by
 * iconv, fixed), and the current row (zRow, fields NUL-terminated one after
 * another, grown as needed up to CSV_MAX_ROW). The parser walks zText; when it runs out it calls csv_fill(),
 * which reads and converts the next chunk. Encoding errors are found by
 * csv_fill() before the parser sees the bad bytes: the text up to them is
 * handed out first, and the error is reported when the parser asks for more,
 * so the parser's line counter names the line the bad bytes are on.
 *
 * Encoding: a BOM decides; otherwise the first 64 KiB are sniffed. If they
 * hold no byte >= 0x80 at all (pure ASCII, which reads the same in UTF-8 and
 * GB18030), the decision waits for the first chunk that has one, and the
 * 64 KiB from that byte on are sniffed instead. So a GBK file whose first
 * 64 KiB happen to be ASCII still reads as GB18030. A file that is ASCII
 * throughout reports "UTF-8". */
#include "csv.h"
#include "text.h"
#include "util.h"
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CSV_CHUNK (64 * 1024)      /* read size, and the window the encoding is sniffed in */
#define RAW_CAP(nChunk) (2 * (nChunk) + 8) /* a chunk, a sniff top-up, a cut character */
#define CONV_CAP(nChunk) (2 * RAW_CAP(nChunk) + 16) /* to UTF-8 grows at most 1.5x */

#define ROW_START 4096             /* zRow doubles from here up to CSV_MAX_ROW */

/* csv_test_chunk(): the chunk size of readers opened from now on. */
static size_t nTestChunk = 0;

enum { ENC_PENDING, ENC_UTF8, ENC_UTF8_BOM, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE };
static const char *const azEncName[] = {"UTF-8", "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE",
                                        "UTF-16BE"};

/* Parser states, kept only while csv_next() runs. */
enum { S_FIELD, S_UNQ, S_QUO, S_QUOQ };
/* Encoding errors found ahead of the parser. */
enum { PEND_NONE, PEND_BAD, PEND_TRUNC };

struct Csv {
  FILE *f;
  int eEnc;
  int bEof;            /* fread has reported end of file */
  int rcEnd;           /* 1 while rows may follow; 0 at the end, -1 after an error */
  iconv_t cd;          /* (iconv_t)-1 unless converting */
  size_t nChunk;       /* CSV_CHUNK, unless csv_test_chunk() said otherwise */
  unsigned char *aRaw; /* raw bytes; [0, nRaw) valid */
  size_t nRaw;
  size_t nRawUsed;     /* UTF-8 modes: bytes of aRaw handed out as text */
  unsigned char *aConv;
  const unsigned char *zText; /* text for the parser: [iText, nText) */
  size_t iText, nText;
  int ePending;        /* an encoding error to report once zText is used up */
  long nLine;          /* physical line of the parser's position, 1-based */
  long iRowLine;       /* line where the last row returned starts */
  long nRecord;        /* rows so far, empty lines included: the spreadsheet's row number */
  int bAfterCR;        /* the last line ended with CR: swallow a following LF */
  char *zRow;          /* nRowCap bytes of content, plus room for the NULs */
  size_t nRowCap;
  char **azField;
  char *zErr;
};

/* Bytes the parser handles specially: outside quotes , " CR LF NUL; inside
 * quotes " LF NUL (LF only to count lines). */
static const unsigned char aUnqSpecial[256] = {[0] = 1, [','] = 1, ['"'] = 1, ['\r'] = 1,
                                               ['\n'] = 1};
static const unsigned char aQuoSpecial[256] = {[0] = 1, ['"'] = 1, ['\n'] = 1};

static void csv_set_error(Csv *p, char *zMsg) {
  free(p->zErr);
  p->zErr = zMsg;
  p->rcEnd = -1;
}

/* Reports the encoding error csv_fill() found, now that the parser has
 * reached it and p->nLine is the line it is on. */
static void csv_pending_error(Csv *p) {
  const char *zEnc = p->eEnc == ENC_UTF8_BOM ? "UTF-8" : azEncName[p->eEnc];
  if (p->ePending == PEND_TRUNC) {
    csv_set_error(p, xprintf("the file ends inside a %s character at line %ld", zEnc, p->nLine));
  } else {
    int bUtf8 = p->cd == (iconv_t)-1;
    csv_set_error(p, xprintf("invalid %s bytes at line %ld%s", zEnc, p->nLine,
                             bUtf8 ? " (the file was read as UTF-8: save it all as UTF-8, "
                                     "or all as GBK)" : ""));
  }
}

/* Reads until aRaw holds nWant bytes or the file ends. Returns -1 on a read
 * error (error set). */
static int csv_read(Csv *p, size_t nWant) {
  if (nWant > RAW_CAP(p->nChunk)) nWant = RAW_CAP(p->nChunk);
  while (!p->bEof && p->nRaw < nWant) {
    size_t got = fread(p->aRaw + p->nRaw, 1, nWant - p->nRaw, p->f);
    p->nRaw += got;
    if (got == 0) {
      if (ferror(p->f)) {
        csv_set_error(p, xprintf("read error near line %ld: %s", p->nLine, strerror(errno)));
        return -1;
      }
      p->bEof = 1;
    }
  }
  return 0;
}

/* Number of bytes at the end of z[0..n) that start a UTF-8 character but do
 * not finish it (0..3): they wait for the next chunk. */
static size_t utf8_cut_tail(const unsigned char *z, size_t n) {
  for (size_t i = 1; i <= 3 && i <= n; i++) {
    unsigned char c = z[n - i];
    if ((c & 0xC0) == 0x80) continue;
    if (c < 0xC0) return 0;
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return need > i ? i : 0;
  }
  return 0;
}

/* Length of the longest valid UTF-8 prefix of z[0..n) (the error path). */
static size_t utf8_valid_prefix(const unsigned char *z, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t len = z[i] < 0x80 ? 1 : z[i] >= 0xF0 ? 4 : z[i] >= 0xE0 ? 3 : 2;
    if (len > n - i || !text_utf8_valid((const char *)z + i, len)) break;
    i += len;
  }
  return i;
}

/* 1 if z[0..n) (n <= 64 KiB + a little) reads as UTF-8: a character cut at
 * the end of the window counts as fine unless the file ends there. */
static int sniff_utf8(const unsigned char *z, size_t n, int bEof) {
  if (!bEof) n -= utf8_cut_tail(z, n);
  return text_utf8_valid((const char *)z, n);
}

static const unsigned char *find_high_byte(const unsigned char *z, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, z + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  for (; i < n; i++) {
    if (z[i] & 0x80) return z + i;
  }
  return NULL;
}

static int csv_start_iconv(Csv *p, int eEnc) {
  p->eEnc = eEnc;
  p->cd = iconv_open("UTF-8", azEncName[eEnc]);
  if (p->cd == (iconv_t)-1) {
    csv_set_error(p, xprintf("cannot convert from %s: %s", azEncName[eEnc], strerror(errno)));
    return -1;
  }
  if (!p->aConv) p->aConv = xmalloc(CONV_CAP(p->nChunk));
  return 0;
}

/* The next text by iconv. Returns 1 with text, 0 at the end, -1 on error. */
static int csv_fill_iconv(Csv *p) {
  for (;;) {
    if (csv_read(p, p->nChunk)) return -1;
    if (p->nRaw == 0) return 0;
    char *zIn = (char *)p->aRaw, *zOut = (char *)p->aConv;
    size_t nIn = p->nRaw, nOut = CONV_CAP(p->nChunk);
    size_t r = iconv(p->cd, &zIn, &nIn, &zOut, &nOut);
    int e = errno;
    size_t nMade = CONV_CAP(p->nChunk) - nOut;
    memmove(p->aRaw, zIn, nIn);
    p->nRaw = nIn;
    if (r == (size_t)-1 && e == EILSEQ) p->ePending = PEND_BAD;
    else if (r == (size_t)-1 && e == EINVAL && p->bEof) p->ePending = PEND_TRUNC;
    if (nMade > 0) {
      p->zText = p->aConv;
      p->iText = 0;
      p->nText = nMade;
      return 1;
    }
    if (p->ePending) return -1;
    /* Nothing made: an incomplete character waiting for more bytes. */
    if (p->bEof) return 0;
  }
}

/* Decides the encoding of a file whose bytes so far were ASCII, now that
 * aRaw holds a byte >= 0x80 at offset i. */
static int csv_decide(Csv *p, size_t i) {
  if (csv_read(p, i + p->nChunk)) return -1;
  size_t n = p->nRaw - i;
  if (n > p->nChunk) n = p->nChunk;
  int bEnd = p->bEof && i + n == p->nRaw;
  if (sniff_utf8(p->aRaw + i, n, bEnd)) {
    p->eEnc = ENC_UTF8;
    return 0;
  }
  return csv_start_iconv(p, ENC_GB18030);
}

/* Makes the next text available to the parser once it has used up the
 * current one. Returns 1 with text, 0 at the end of the file, -1 on an
 * error (error set). */
static int csv_fill(Csv *p) {
  if (p->ePending) {
    csv_pending_error(p);
    return -1;
  }
  if (p->rcEnd < 0) return -1;
  if (p->cd != (iconv_t)-1) {
    int rc = csv_fill_iconv(p);
    if (rc < 0 && p->ePending) csv_pending_error(p);
    return rc;
  }
  /* UTF-8: drop what the parser used, keep a cut character, read more. */
  memmove(p->aRaw, p->aRaw + p->nRawUsed, p->nRaw - p->nRawUsed);
  p->nRaw -= p->nRawUsed;
  p->nRawUsed = 0;
  if (csv_read(p, p->nChunk)) return -1;
  if (p->nRaw == 0) return 0;
  if (p->eEnc == ENC_PENDING) {
    const unsigned char *zHigh = find_high_byte(p->aRaw, p->nRaw);
    if (zHigh) {
      if (csv_decide(p, (size_t)(zHigh - p->aRaw))) return -1;
      if (p->cd != (iconv_t)-1) return csv_fill(p);
    }
  }
  size_t n = p->nRaw;
  if (!p->bEof) n -= utf8_cut_tail(p->aRaw, n);
  /* n > 0 here: before the end of the file aRaw holds a whole chunk, and at
   * the end nothing is held back. */
  if (!text_utf8_valid((const char *)p->aRaw, n)) {
    p->ePending = PEND_BAD;
    n = utf8_valid_prefix(p->aRaw, n);
    if (n == 0) {
      csv_pending_error(p);
      return -1;
    }
  }
  p->zText = p->aRaw;
  p->iText = 0;
  p->nText = n;
  p->nRawUsed = n;
  return 1;
}

Csv *csv_open(FILE *f) {
  Csv *p = xcalloc(1, sizeof(*p));
  p->f = f;
  p->rcEnd = 1;
  p->cd = (iconv_t)-1;
  p->nLine = 1;
  p->iRowLine = 1;
  p->nChunk = nTestChunk ? nTestChunk : CSV_CHUNK;
  p->aRaw = xmalloc(RAW_CAP(p->nChunk));
  p->nRowCap = ROW_START;
  p->zRow = xmalloc(p->nRowCap + CSV_MAX_FIELDS + 8);
  p->azField = xmalloc(sizeof(char *) * (CSV_MAX_FIELDS + 1));
  p->zText = p->aRaw;
  if (csv_read(p, p->nChunk)) return p;
  const unsigned char *a = p->aRaw;
  size_t nBom = 0;
  if (p->nRaw >= 3 && a[0] == 0xEF && a[1] == 0xBB && a[2] == 0xBF) {
    p->eEnc = ENC_UTF8_BOM;
    nBom = 3;
  } else if (p->nRaw >= 2 && a[0] == 0xFF && a[1] == 0xFE) {
    nBom = 2;
    csv_start_iconv(p, ENC_UTF16LE);
  } else if (p->nRaw >= 2 && a[0] == 0xFE && a[1] == 0xFF) {
    nBom = 2;
    csv_start_iconv(p, ENC_UTF16BE);
  } else {
    /* A character cut at the end of the window is left out; if that leaves
     * no byte >= 0x80 there is nothing to judge by yet. */
    size_t nSniff = p->bEof ? p->nRaw : p->nRaw - utf8_cut_tail(a, p->nRaw);
    if (!find_high_byte(a, nSniff)) p->eEnc = p->bEof ? ENC_UTF8 : ENC_PENDING;
    else if (text_utf8_valid((const char *)a, nSniff)) p->eEnc = ENC_UTF8;
    else csv_start_iconv(p, ENC_GB18030);
  }
  memmove(p->aRaw, p->aRaw + nBom, p->nRaw - nBom);
  p->nRaw -= nBom;
  return p;
}

/* Doubles zRow (up to CSV_MAX_ROW), keeping its first nUsed bytes and
 * moving the row's field pointers with it. Returns -1 when it is already at
 * the limit. */
static int grow_row(Csv *p, size_t nUsed, int nField) {
  if (p->nRowCap >= CSV_MAX_ROW) return -1;
  size_t nCap = p->nRowCap * 2 > CSV_MAX_ROW ? CSV_MAX_ROW : p->nRowCap * 2;
  char *zNew = xmalloc(nCap + CSV_MAX_FIELDS + 8);
  memcpy(zNew, p->zRow, nUsed);
  for (int i = 0; i < nField; i++) p->azField[i] = zNew + (p->azField[i] - p->zRow);
  free(p->zRow);
  p->zRow = zNew;
  p->nRowCap = nCap;
  return 0;
}

/* Makes room for one more byte of the row at o (the parser's locals are
 * re-based by offset, so that their addresses are never taken and they
 * stay in registers in the hot loops). */
#define ROW_ROOM()                                                      \
  do {                                                                  \
    if (o >= oMax) {                                                    \
      size_t iO = (size_t)(o - p->zRow), iF = (size_t)(zField - p->zRow); \
      if (grow_row(p, iO, nField)) goto too_long;                       \
      o = p->zRow + iO;                                                 \
      zField = p->zRow + iF;                                            \
      oMax = p->zRow + p->nRowCap;                                      \
    }                                                                   \
  } while (0)

/* Ends the field being built at o: NUL-terminates it and records it. */
#define END_FIELD()                                                 \
  do {                                                              \
    if (nField >= CSV_MAX_FIELDS) goto too_many;                    \
    *o++ = 0;                                                       \
    p->azField[nField++] = zField;                                  \
    zField = o;                                                     \
  } while (0)

int csv_next(Csv *p, char ***pazField, int *pnField) {
  if (p->rcEnd <= 0) return p->rcEnd;
  char *o = p->zRow, *zField = p->zRow;
  /* Content and NULs stop at nRowCap (then zRow grows, up to CSV_MAX_ROW);
   * the NULs alone (at most CSV_MAX_FIELDS) may pass it, which the
   * allocation allows for. */
  char *oMax = p->zRow + p->nRowCap;
  int nField = 0, bRow = 0, eState = S_FIELD;
  long iQuoteLine = 0;
  const unsigned char *z = p->zText + p->iText, *zEnd = p->zText + p->nText;
  p->iRowLine = p->nLine;
  for (;;) {
    if (z >= zEnd) {
      p->iText = p->nText;
      int rc = csv_fill(p);
      if (rc < 0) return -1;
      if (rc == 0) {
        if (eState == S_QUO) {
          csv_set_error(p, xprintf("unterminated quoted field starting at line %ld", iQuoteLine));
          return -1;
        }
        p->rcEnd = 0;
        if (!bRow) return 0;
        p->rcEnd = 1; /* the next call reads EOF again and returns 0 */
        END_FIELD();
        break;
      }
      z = p->zText + p->iText;
      zEnd = p->zText + p->nText;
      continue;
    }
    unsigned c;
    switch (eState) {
      case S_FIELD:
        if (!bRow && nField == 0) {
          /* Row start: swallow the LF of a CRLF, skip empty lines. */
          int bAfterCR = p->bAfterCR;
          p->bAfterCR = 0;
          if (*z == '\n' && bAfterCR) {
            z++;
            continue;
          }
          if (*z == '\n' || *z == '\r') {
            p->bAfterCR = *z == '\r';
            z++;
            p->nLine++;
            p->iRowLine = p->nLine;
            p->nRecord++;  /* an empty line is still a row in a spreadsheet */
            continue;
          }
        }
        bRow = 1;
        if (*z == '"') {
          z++;
          eState = S_QUO;
          iQuoteLine = p->nLine;
          continue;
        }
        eState = S_UNQ;
        __attribute__((fallthrough));
      case S_UNQ:
        while (z < zEnd && !aUnqSpecial[*z]) {
          ROW_ROOM();
          *o++ = (char)*z++;
        }
        if (z >= zEnd) continue;
        c = *z++;
        if (c == ',') {
          END_FIELD();
          eState = S_FIELD;
        } else if (c == '\n' || c == '\r') {
          p->bAfterCR = c == '\r';
          p->nLine++;
          END_FIELD();
          p->iText = (size_t)(z - p->zText);
          goto row_done;
        } else if (c == '"') {
          /* A quote inside an unquoted field is kept, as Excel does. */
          ROW_ROOM();
          *o++ = '"';
        } else {
          goto nul_byte;
        }
        continue;
      case S_QUO:
        while (z < zEnd && !aQuoSpecial[*z]) {
          ROW_ROOM();
          *o++ = (char)*z++;
        }
        if (z >= zEnd) continue;
        c = *z++;
        if (c == '"') {
          eState = S_QUOQ;
        } else if (c == '\n') {
          ROW_ROOM();
          *o++ = '\n';
          p->nLine++;
        } else {
          goto nul_byte;
        }
        continue;
      case S_QUOQ:
        if (*z == '"') {
          /* A doubled quote stands for one. */
          ROW_ROOM();
          *o++ = '"';
          z++;
          eState = S_QUO;
        } else {
          /* The closing quote. Anything before the next comma or line end
           * is appended as it stands (Excel's reading of "ab"c). */
          eState = S_UNQ;
        }
        continue;
    }
  }
row_done:
  p->nRecord++;
  p->azField[nField] = NULL;
  *pazField = p->azField;
  *pnField = nField;
  return 1;

too_many:
  csv_set_error(p, xprintf("the row at line %ld has more than %d fields", p->iRowLine,
                           CSV_MAX_FIELDS));
  return -1;
too_long:
  csv_set_error(p, xprintf("the row at line %ld is longer than %d bytes", p->iRowLine,
                           CSV_MAX_ROW));
  return -1;
nul_byte:
  csv_set_error(p, xprintf("NUL byte at line %ld (not a text file, or UTF-16 without a BOM)",
                           p->nLine));
  return -1;
}

void csv_test_chunk(size_t nChunk) {
  nTestChunk = nChunk == 0 ? 0 : nChunk < 4 ? 4 : nChunk > CSV_CHUNK ? CSV_CHUNK : nChunk;
}

long csv_line(const Csv *p) { return p->iRowLine; }
long csv_row(const Csv *p) { return p->nRecord; }

const char *csv_encoding(const Csv *p) { return azEncName[p->eEnc]; }

const char *csv_error(const Csv *p) { return p->zErr ? p->zErr : ""; }

void csv_close(Csv *p) {
  if (!p) return;
  if (p->cd != (iconv_t)-1) iconv_close(p->cd);
  free(p->aRaw);
  free(p->aConv);
  free(p->zRow);
  free(p->azField);
  free(p->zErr);
  free(p);
}

/* ---- writing -------------------------------------------------------- */

static int needs_quotes(const char *z) {
  if (z[0] == ' ' || z[0] == '\t') return 1;
  size_t n = strlen(z);
  if (n > 0 && (z[n - 1] == ' ' || z[n - 1] == '\t')) return 1;
  return strpbrk(z, ",\"\r\n") != NULL;
}

void csv_write_row(Buf *b, const char *const *azField, int nField, int bFormulaGuard) {
  for (int i = 0; i < nField; i++) {
    const char *z = azField[i] ? azField[i] : "";
    if (i > 0) buf_putc(b, ',');
    int bGuard = bFormulaGuard && (z[0] == '=' || z[0] == '+' || z[0] == '-' || z[0] == '@');
    if (!needs_quotes(z)) {
      if (bGuard) buf_putc(b, '\'');
      buf_puts(b, z);
      continue;
    }
    buf_putc(b, '"');
    if (bGuard) buf_putc(b, '\'');
    for (const char *q; (q = strchr(z, '"')) != NULL; z = q + 1) {
      buf_append(b, z, (size_t)(q - z) + 1);
      buf_putc(b, '"');
    }
    buf_puts(b, z);
    buf_putc(b, '"');
  }
  buf_append(b, "\r\n", 2);
}
