/* text.c: the text rules every import, API field and export shares: UTF-8
 * validity, full-width folding and trimming, dates (several written forms and
 * Excel serial days), date arithmetic, masking, phone numbers and money. */
#include "text.h"
#include "util.h"
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ---------------------------------------------------------- */

int text_utf8_valid(const char *zIn, size_t n) {
  const unsigned char *z = (const unsigned char *)zIn;
  size_t i = 0;
  while (i < n) {
    /* ASCII fast path, eight bytes at a time. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, z + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned c = z[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    unsigned lo = 0x80, hi = 0xBF;
    size_t nCont;
    if (c >= 0xC2 && c <= 0xDF) {
      nCont = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      nCont = 2;
      if (c == 0xE0) lo = 0xA0;      /* overlong */
      else if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      nCont = 3;
      if (c == 0xF0) lo = 0x90;      /* overlong */
      else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
      return 0;
    }
    if (n - i <= nCont) return 0;
    if (z[i + 1] < lo || z[i + 1] > hi) return 0;
    for (size_t k = 2; k <= nCont; k++) {
      if ((z[i + k] & 0xC0) != 0x80) return 0;
    }
    i += nCont + 1;
  }
  return 1;
}

size_t text_utf8_len(const char *z) {
  size_t n = 0;
  for (; *z; z++) {
    if (((unsigned char)*z & 0xC0) != 0x80) n++;
  }
  return n;
}

/* Length in bytes of the UTF-8 character starting with lead byte c (1 for a
 * stray byte, so walking never stalls). */
static size_t utf8_charlen(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

/* ---- normalizing ---------------------------------------------------- */

static int is_ascii_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Besides the documented folding, U+FEFF (a byte-order mark left inside a
 * cell, e.g. by a file saved with two BOMs) is trimmed at either end like
 * white space. */
static int is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char *normalize(const char *zIn, int bAll) {
  const unsigned char *z = (const unsigned char *)zIn;
  size_t n = strlen(zIn);
  unsigned char *zOut = xmalloc(n + 1);
  size_t j = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = z[i];
    if (c == 0xEF && i + 2 < n && z[i + 1] == 0xBC && z[i + 2] >= 0x81 && z[i + 2] <= 0xBF &&
        (bAll || is_alnum((unsigned char)(z[i + 2] - 0x60)))) {
      zOut[j++] = (unsigned char)(z[i + 2] - 0x60); /* U+FF01..U+FF3F */
      i += 3;
    } else if (c == 0xEF && i + 2 < n && z[i + 1] == 0xBD && z[i + 2] >= 0x80 && z[i + 2] <= 0x9E &&
               (bAll || is_alnum((unsigned char)(z[i + 2] - 0x20)))) {
      zOut[j++] = (unsigned char)(z[i + 2] - 0x20); /* U+FF40..U+FF5E */
      i += 3;
    } else if (c == 0xE3 && i + 2 < n && z[i + 1] == 0x80 && z[i + 2] == 0x80) {
      zOut[j++] = ' '; /* U+3000 */
      i += 3;
    } else if (c == 0xC2 && i + 1 < n && z[i + 1] == 0xA0) {
      zOut[j++] = ' '; /* U+00A0 */
      i += 2;
    } else {
      zOut[j++] = c;
      i++;
    }
  }
  size_t iStart = 0, iEnd = j;
  for (;;) {
    if (iStart < iEnd && is_ascii_space(zOut[iStart])) {
      iStart++;
    } else if (iStart + 3 <= iEnd && zOut[iStart] == 0xEF && zOut[iStart + 1] == 0xBB &&
               zOut[iStart + 2] == 0xBF) {
      iStart += 3;
    } else {
      break;
    }
  }
  for (;;) {
    if (iEnd > iStart && is_ascii_space(zOut[iEnd - 1])) {
      iEnd--;
    } else if (iEnd >= iStart + 3 && zOut[iEnd - 3] == 0xEF && zOut[iEnd - 2] == 0xBB &&
               zOut[iEnd - 1] == 0xBF) {
      iEnd -= 3;
    } else {
      break;
    }
  }
  memmove(zOut, zOut + iStart, iEnd - iStart);
  zOut[iEnd - iStart] = 0;
  return (char *)zOut;
}

char *text_normalize(const char *zIn) { return normalize(zIn, 0); }
char *text_normalize_all(const char *zIn) { return normalize(zIn, 1); }

/* ---- dates ---------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), and back. */
static long days_from_civil(long y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *py, int *pm, int *pd) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *py = (int)(y + (m <= 2));
  *pm = m;
  *pd = d;
}

static int days_in_month(int y, int m) {
  static const int aDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return aDays[m - 1];
}

int text_date_valid(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return 0;
  return d <= days_in_month(y, m);
}

/* Writes y-m-d as "YYYY-MM-DD" (year clamped to 0..9999). */
static void fmt_date(char out[11], int y, int m, int d) {
  if (y < 0) y = 0;
  if (y > 9999) y = 9999;
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10 % 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + d / 10 % 10);
  out[9] = (char)('0' + d % 10);
  out[10] = 0;
}

/* Reads a run of at most nMax ASCII digits at *pz into *pv; returns how many
 * digits there were (0 if none; more than nMax digits is reported as
 * nMax + 1 and the value is not usable). */
static int read_digits(const char **pz, int nMax, long *pv) {
  const char *z = *pz;
  long v = 0;
  int n = 0;
  while (*z >= '0' && *z <= '9') {
    if (n < 9) v = v * 10 + (*z - '0');
    n++;
    z++;
  }
  *pz = z;
  *pv = v;
  return n > nMax ? nMax + 1 : n;
}

/* An optional time of day after a date, as Excel writes date-time cells:
 * " 0:00", " 13:45:10", "T08:30:00", " 08:30:00.000". Returns 1 if z is
 * empty or such a time. */
static int time_suffix_ok(const char *z) {
  long h, mi, s;
  if (*z == 0) return 1;
  if (*z != ' ' && *z != 'T') return 0;
  z++;
  int n = read_digits(&z, 2, &h);
  if (n < 1 || n > 2 || h > 23 || *z != ':') return 0;
  z++;
  if (read_digits(&z, 2, &mi) != 2 || mi > 59) return 0;
  if (*z == 0) return 1;
  if (*z != ':') return 0;
  z++;
  if (read_digits(&z, 2, &s) != 2 || s > 59) return 0;
  if (*z == '.') {
    z++;
    long f;
    if (read_digits(&z, 6, &f) < 1) return 0;
  }
  return *z == 0;
}

static int starts_with(const char *z, const char *zPrefix) {
  return strncmp(z, zPrefix, strlen(zPrefix)) == 0;
}

/* Excel serial days, 1900 date system: 1 is 1900-01-01, and Excel counts a
 * day 60 for the 1900-02-29 that never was. Serials 1..59 map to
 * 1900-01-01..1900-02-28, 60 is refused (no such date), and from 61
 * (1900-03-01) on the serial is days since 1899-12-30. */
static int excel_serial(long n, int *py, int *pm, int *pd) {
  if (n < 1 || n > 2958465 || n == 60) return -1;
  long base = days_from_civil(1899, 12, n < 60 ? 31 : 30);
  civil_from_days(base + n, py, pm, pd);
  return 0;
}

/* Forms: YYYY-M-D, YYYY/M/D, YYYY.M.D (one separator throughout; month and
 * day one or two digits), YYYY年M月D日 (the 日 may be left off), YYYYMMDD,
 * and an Excel serial of 1 to 7 digits. Any of the first four may carry a
 * time of day (see time_suffix_ok), which is dropped. */
int text_parse_date(const char *zIn, char out[11]) {
  if (!zIn || !text_utf8_valid(zIn, strlen(zIn))) return -1;
  char *zNorm = text_normalize_all(zIn);
  const char *z = zNorm;
  long y = 0, m = 0, d = 0, v;
  int yy, mm, dd;
  int rc = -1;
  int nY = read_digits(&z, 8, &v);
  if (*z == 0) {
    if (nY == 8) {
      y = v / 10000;
      m = v / 100 % 100;
      d = v % 100;
    } else if (nY >= 1 && nY <= 7) {
      if (excel_serial(v, &yy, &mm, &dd)) goto done;
      y = yy;
      m = mm;
      d = dd;
    } else {
      goto done;
    }
  } else if (nY == 4 && (*z == '-' || *z == '/' || *z == '.')) {
    char sep = *z++;
    y = v;
    int nM = read_digits(&z, 2, &m);
    if (nM < 1 || nM > 2 || *z != sep) goto done;
    z++;
    int nD = read_digits(&z, 2, &d);
    if (nD < 1 || nD > 2 || !time_suffix_ok(z)) goto done;
  } else if (nY == 4 && starts_with(z, "年")) {
    y = v;
    z += strlen("年");
    int nM = read_digits(&z, 2, &m);
    if (nM < 1 || nM > 2 || !starts_with(z, "月")) goto done;
    z += strlen("月");
    int nD = read_digits(&z, 2, &d);
    if (nD < 1 || nD > 2) goto done;
    if (starts_with(z, "日")) z += strlen("日");
    if (!time_suffix_ok(z)) goto done;
  } else {
    goto done;
  }
  if (y < 1900 || y > 2999 || !text_date_valid((int)y, (int)m, (int)d)) goto done;
  fmt_date(out, (int)y, (int)m, (int)d);
  rc = 0;
done:
  free(zNorm);
  return rc;
}

/* Splits "YYYY-MM-DD" without validation (non-digits count as 0). */
static void split_date(const char *z, int *py, int *pm, int *pd) {
  int a[3] = {0, 0, 0};
  int k = 0;
  for (; *z && k < 3; z++) {
    if (*z == '-') k++;
    else if (*z >= '0' && *z <= '9') a[k] = a[k] * 10 + (*z - '0');
    if (a[k] > 99999) a[k] = 99999;
  }
  *py = a[0];
  *pm = a[1];
  *pd = a[2];
}

long text_date_days(const char *zDate) {
  int y, m, d;
  split_date(zDate, &y, &m, &d);
  return days_from_civil(y, m, d);
}

void text_date_add_months(const char *zDate, int nMonths, char out[11]) {
  int y, m, d;
  split_date(zDate, &y, &m, &d);
  if (m < 1) m = 1;
  if (m > 12) m = 12;
  long t = (long)y * 12 + (m - 1) + nMonths;
  long y2 = t >= 0 ? t / 12 : (t - 11) / 12;
  int m2 = (int)(t - y2 * 12) + 1;
  if (y2 < 1) y2 = 1;
  if (y2 > 9999) y2 = 9999;
  int dim = days_in_month((int)y2, m2);
  if (d > dim) d = dim;
  if (d < 1) d = 1;
  fmt_date(out, (int)y2, m2, d);
}

int text_years_between(const char *zFrom, const char *zTo) {
  int y1, m1, d1, y2, m2, d2;
  split_date(zFrom, &y1, &m1, &d1);
  split_date(zTo, &y2, &m2, &d2);
  int n = y2 - y1;
  if (m2 * 100 + d2 < m1 * 100 + d1) n--;
  return n;
}

/* ---- masking -------------------------------------------------------- */

/* Keeps the first nHead and last nTail characters (code points) of z and
 * stars the others; with bDigitsOnly, only ASCII digits are starred. */
static char *mask_middle(const char *z, size_t nHead, size_t nTail, int bDigitsOnly) {
  size_t nChar = text_utf8_len(z);
  size_t n = strlen(z);
  char *zOut = xmalloc(n + 1);
  size_t j = 0, iChar = 0;
  for (size_t i = 0; i < n; iChar++) {
    size_t len = utf8_charlen((unsigned char)z[i]);
    if (i + len > n) len = n - i;
    int bKeep = iChar < nHead || iChar + nTail >= nChar;
    if (!bKeep && bDigitsOnly && !(z[i] >= '0' && z[i] <= '9')) bKeep = 1;
    if (bKeep) {
      memcpy(zOut + j, z + i, len);
      j += len;
    } else {
      zOut[j++] = '*';
    }
    i += len;
  }
  zOut[j] = 0;
  return zOut;
}

/* A value of 8 characters or fewer is starred entirely: keeping 4 + 4 would
 * show all of it. */
char *text_mask_id(const char *z) {
  if (text_utf8_len(z) <= 8) return mask_middle(z, 0, 0, 0);
  return mask_middle(z, 4, 4, 0);
}

static int is_mobile(const char *z) {
  if (strlen(z) != 11 || z[0] != '1' || z[1] < '3' || z[1] > '9') return 0;
  for (int i = 0; i < 11; i++) {
    if (z[i] < '0' || z[i] > '9') return 0;
  }
  return 1;
}

char *text_mask_phone(const char *z) {
  if (is_mobile(z)) return xprintf("%.3s****%s", z, z + 7);
  return mask_middle(z, 0, 4, 1);
}

int text_is_masked(const char *z) {
  return strchr(z, '*') != NULL || strstr(z, "\xEF\xBC\x8A") != NULL; /* or U+FF0A */
}

/* ---- phones --------------------------------------------------------- */

static int all_digits(const char *z, size_t n) {
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    if (z[i] < '0' || z[i] > '9') return 0;
  }
  return 1;
}

static int is_area(const char *z, size_t n) {
  return (n == 3 || n == 4) && z[0] == '0' && all_digits(z, n);
}

static int is_local(const char *z, size_t n) {
  return (n == 7 || n == 8) && z[0] >= '2' && all_digits(z, n);
}

static int is_ext(const char *z, size_t n) { return n >= 1 && n <= 6 && all_digits(z, n); }

/* Landline grammar: [area '-'] local ['-' extension], where area is 0 and
 * two or three digits, local is 7 or 8 digits not starting with 0 or 1, and
 * the extension 1 to 6 digits; also area and local written together
 * ("055162345678"). */
int text_phone_valid(const char *z) {
  if (!z) return -1;
  size_t n = strlen(z);
  if (is_mobile(z)) return 0;
  if (n < 7 || n > 20) return -1;
  const char *aPart[4];
  size_t anPart[4];
  int nPart = 0;
  const char *zStart = z;
  for (const char *p = z;; p++) {
    if (*p == '-' || *p == 0) {
      if (nPart == 3) return -1;
      aPart[nPart] = zStart;
      anPart[nPart++] = (size_t)(p - zStart);
      if (*p == 0) break;
      zStart = p + 1;
    }
  }
  int ok = 0;
  if (nPart == 1) {
    ok = is_local(z, n) ||
         (all_digits(z, n) && ((is_area(z, 3) && is_local(z + 3, n - 3)) ||
                               (is_area(z, 4) && is_local(z + 4, n - 4))));
  } else if (nPart == 2) {
    ok = (is_area(aPart[0], anPart[0]) && is_local(aPart[1], anPart[1])) ||
         (is_local(aPart[0], anPart[0]) && is_ext(aPart[1], anPart[1]));
  } else {
    ok = is_area(aPart[0], anPart[0]) && is_local(aPart[1], anPart[1]) &&
         is_ext(aPart[2], anPart[2]);
  }
  return ok ? 0 : -1;
}

/* ---- money ---------------------------------------------------------- */

/* Also accepted around the number: a leading ¥ or ￥ and a trailing 元. */
int text_parse_money(const char *zIn, long long *pCents) {
  if (!zIn || !text_utf8_valid(zIn, strlen(zIn))) return -1;
  char *zNorm = text_normalize_all(zIn);
  const char *z = zNorm;
  size_t n = strlen(z);
  int rc = -1;
  if (starts_with(z, "\xC2\xA5")) z += 2;                  /* ¥ U+00A5 */
  else if (starts_with(z, "\xEF\xBF\xA5")) z += 3;         /* ￥ U+FFE5 */
  n = strlen(z);
  if (n >= 3 && strcmp(z + n - 3, "元") == 0) n -= 3;
  while (n > 0 && z[0] == ' ') z++, n--;
  while (n > 0 && z[n - 1] == ' ') n--;

  long long yuan = 0;
  int nDigit = 0, nGroup = 0, bComma = 0;
  size_t i = 0;
  for (; i < n && ((z[i] >= '0' && z[i] <= '9') || z[i] == ','); i++) {
    if (z[i] == ',') {
      /* Thousands separators: first group 1-3 digits, then groups of 3. */
      if (nGroup == 0 || (bComma && nGroup != 3) || nGroup > 3) goto done;
      bComma = 1;
      nGroup = 0;
      continue;
    }
    nGroup++;
    nDigit++;
    yuan = yuan * 10 + (z[i] - '0');
    if (yuan >= 1000000000LL) goto done;
  }
  if (nDigit == 0 || (bComma && nGroup != 3)) goto done;
  long long cents = yuan * 100;
  if (i < n && z[i] == '.') {
    i++;
    size_t nFrac = 0;
    while (i < n && z[i] >= '0' && z[i] <= '9') {
      if (++nFrac > 2) goto done;
      cents += (z[i] - '0') * (nFrac == 1 ? 10 : 1);
      i++;
    }
    if (nFrac == 0) goto done;
  }
  if (i != n) goto done;
  *pCents = cents;
  rc = 0;
done:
  free(zNorm);
  return rc;
}

void text_format_money(long long cents, char out[32]) {
  const char *zSign = "";
  unsigned long long u = (unsigned long long)cents;
  if (cents < 0) {
    zSign = "-";
    u = 0ULL - u;
  }
  if (u % 100 == 0) snprintf(out, 32, "%s%llu", zSign, u / 100);
  else snprintf(out, 32, "%s%llu.%02llu", zSign, u / 100, u % 100);
}

int text_time_valid(const char *z) {
  return strlen(z) == 5 && isdigit((unsigned char)z[0]) && isdigit((unsigned char)z[1]) && z[2] == ':' &&
         isdigit((unsigned char)z[3]) && isdigit((unsigned char)z[4]) && atoi(z) < 24 && atoi(z + 3) < 60;
}

int text_stamp_norm(const char *zIn, char z[21]) {
  char zD[11];
  size_t n = strlen(zIn);
  if (n < 17 || zIn[10] != 'T' || zIn[n - 1] != 'Z') return -1;
  memcpy(zD, zIn, 10);
  zD[10] = 0;
  char zP[11];
  if (text_parse_date(zD, zP) || strcmp(zP, zD)) return -1;
  char zT[6];
  memcpy(zT, zIn + 11, 5);
  zT[5] = 0;
  if (!text_time_valid(zT)) return -1;
  int sec = 0;
  const char *p = zIn + 16;
  if (*p == ':') {
    if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2])) return -1;
    sec = atoi(p + 1);
    p += 3;
    if (*p == '.') {
      p++;
      while (isdigit((unsigned char)*p)) p++;
    }
  }
  if (*p != 'Z' || p[1] || sec > 59) return -1;
  memcpy(z, zD, 10);
  z[10] = 'T';
  memcpy(z + 11, zT, 5);
  z[16] = ':';
  z[17] = (char)('0' + sec / 10);
  z[18] = (char)('0' + sec % 10);
  z[19] = 'Z';
  z[20] = 0;
  return 0;
}

int text_month(const char *z) { return atoi(z) * 12 + atoi(z + 5) - 1; }

void text_month_str(int m, char z[8]) {
  unsigned u = m < 0 ? 0u : (unsigned)m;
  snprintf(z, 8, "%04u-%02u", (u / 12) % 10000, u % 12 + 1);
}

int text_month_valid(const char *z) {
  if (strlen(z) != 7 || z[4] != '-') return 0;
  for (int i = 0; i < 7; i++)
    if (i != 4 && (z[i] < '0' || z[i] > '9')) return 0;
  int y = atoi(z), m = atoi(z + 5);
  return y >= 1921 && y <= 2100 && m >= 1 && m <= 12;
}
