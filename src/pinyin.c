/* pinyin.c: pinyin of Chinese names for search. The reading of every Han
 * character in U+4E00..U+9FFF and U+3400..U+4DBF is taken once from ICU's
 * "Han-Latin; Latin-ASCII" transliterator (about 0.1 s, under pthread_once)
 * into a table of offsets into one string pool; names are then looked up in
 * that table, never passed to ICU. */
#include "pinyin.h"
#include "buf.h"
#include "util.h"
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

#define CJK_FIRST 0x4E00
#define CJK_LAST 0x9FFF
#define EXTA_FIRST 0x3400
#define EXTA_LAST 0x4DBF
#define N_CJK (CJK_LAST - CJK_FIRST + 1)
#define N_HAN (N_CJK + EXTA_LAST - EXTA_FIRST + 1)

/* aOff[i]: offset in zPool of the reading of the i-th character (CJK block
 * first, then Extension A); 0 (the empty string) when ICU gave none. Written
 * only by build_table(), read-only afterwards. */
static pthread_once_t tableOnce = PTHREAD_ONCE_INIT;
static uint32_t aOff[N_HAN];
static char *zPool;

/* Surname readings ICU does not give (it takes the commonest reading of a
 * character, and these read differently as a family name). Applied only to
 * a name's first character. */
static const struct {
  uint32_t cp;
  const char *zPinyin;
} aSurname[] = {
    {0x4EC7, "qiu"},   /* 仇 */
    {0x5355, "shan"},  /* 单 */
    {0x533A, "ou"},    /* 区 */
    {0x66FE, "zeng"},  /* 曾 */
    {0x6734, "piao"},  /* 朴 */
    {0x67E5, "zha"},   /* 查 */
    {0x76D6, "ge"},    /* 盖 */
    {0x79CD, "chong"}, /* 种 */
    {0x79D8, "bi"},    /* 秘 */
    {0x7F2A, "miao"},  /* 缪 */
    {0x7FDF, "zhai"},  /* 翟 */
    {0x89E3, "xie"},   /* 解 */
    {0x8983, "qin"},   /* 覃 */
    {0x961A, "kan"},   /* 阚 */
    {0x9697, "wei"},   /* 隗 */
};

static int han_index(uint32_t cp) {
  if (cp >= CJK_FIRST && cp <= CJK_LAST) return (int)(cp - CJK_FIRST);
  if (cp >= EXTA_FIRST && cp <= EXTA_LAST) return (int)(N_CJK + cp - EXTA_FIRST);
  return -1;
}

static void build_table(void) {
  Buf pool = BUF_INIT;
  buf_putc(&pool, 0); /* offset 0: no reading */
  UErrorCode st = U_ZERO_ERROR;
  UChar zId[32];
  u_uastrcpy(zId, "Han-Latin; Latin-ASCII");
  UTransliterator *pTr = utrans_openU(zId, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
  for (uint32_t cp = EXTA_FIRST; pTr && U_SUCCESS(st) && cp <= CJK_LAST; cp++) {
    int i = han_index(cp);
    if (i < 0) continue;
    UChar a[64];
    int32_t n = 0, nLimit;
    U16_APPEND_UNSAFE(a, n, (UChar32)cp);
    nLimit = n;
    UErrorCode st2 = U_ZERO_ERROR;
    utrans_transUChars(pTr, a, &n, (int32_t)ARRAY_LEN(a), 0, &nLimit, &st2);
    if (U_FAILURE(st2)) continue;
    /* Keep letters only, lowercased: drops the spaces and apostrophes of
     * multi-syllable readings, and an unconverted character. */
    size_t iStart = pool.n;
    for (int32_t k = 0; k < n && k < (int32_t)ARRAY_LEN(a); k++) {
      UChar c = a[k];
      if (c >= 'A' && c <= 'Z') c = (UChar)(c - 'A' + 'a');
      if (c >= 'a' && c <= 'z') buf_putc(&pool, (char)c);
    }
    if (pool.n == iStart) continue;
    buf_putc(&pool, 0);
    aOff[i] = (uint32_t)iStart;
  }
  if (pTr) utrans_close(pTr);
  zPool = buf_take(&pool);
}

/* Appends z to zOut[0..nOut) at *pi, keeping room for the NUL. */
static void put(char *zOut, size_t nOut, size_t *pi, const char *z, size_t n) {
  while (n-- > 0 && *pi + 1 < nOut) zOut[(*pi)++] = *z++;
}

/* Decodes one UTF-8 character at *pz (a stray byte counts as itself). */
static uint32_t next_cp(const unsigned char **pz) {
  const unsigned char *z = *pz;
  uint32_t c = *z++;
  int nCont = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (c >= 0xF0) c &= 0x07;
  else if (c >= 0xE0) c &= 0x0F;
  else if (c >= 0xC0) c &= 0x1F;
  for (; nCont > 0 && (*z & 0xC0) == 0x80; nCont--) c = (c << 6) | (*z++ & 0x3F);
  *pz = z;
  return c;
}

/* ASCII letters and digits (also their full-width forms) are kept,
 * lowercased, in both the full pinyin and the initials. */
void pinyin_of(const char *zName, char *zFull, size_t nFull, char *zInit, size_t nInit) {
  pthread_once(&tableOnce, build_table);
  size_t iFull = 0, iInit = 0;
  int bFirst = 1;
  const unsigned char *z = (const unsigned char *)(zName ? zName : "");
  while (*z) {
    uint32_t cp = next_cp(&z);
    if (cp >= 0xFF10 && cp <= 0xFF5A) cp -= 0xFEE0; /* full-width forms */
    if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      char c = (char)cp;
      put(zFull, nFull, &iFull, &c, 1);
      put(zInit, nInit, &iInit, &c, 1);
      bFirst = 0;
      continue;
    }
    int i = han_index(cp);
    if (i < 0) continue;
    const char *zPy = zPool + aOff[i];
    if (bFirst) {
      for (size_t k = 0; k < ARRAY_LEN(aSurname); k++) {
        if (aSurname[k].cp == cp) zPy = aSurname[k].zPinyin;
      }
    }
    bFirst = 0;
    put(zFull, nFull, &iFull, zPy, strlen(zPy));
    put(zInit, nInit, &iInit, zPy, zPy[0] ? 1 : 0);
  }
  if (nFull > 0) zFull[iFull] = 0;
  if (nInit > 0) zInit[iInit] = 0;
}
