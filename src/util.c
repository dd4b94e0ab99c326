/* util.c: allocation wrappers, clocks, file reading, CLI messages. */
#include "util.h"
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n) {
  fprintf(stderr, "qiangji: out of memory (%zu bytes)\n", n);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) oom(n * m);
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) oom(n);
  return q;
}

char *xstrdup(const char *z) { return xstrndup(z, strlen(z)); }

char *xstrndup(const char *z, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, z, n);
  p[n] = 0;
  return p;
}

char *xprintf(const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  int n = vsnprintf(NULL, 0, zFmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *z = xmalloc((size_t)n + 1);
  va_start(ap, zFmt);
  vsnprintf(z, (size_t)n + 1, zFmt, ap);
  va_end(ap);
  return z;
}

double util_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The time zone of the business day: the setting tz (QIANGJI_TZ or the
 * config file), else Asia/Shanghai, set
 * for the whole process once (util_tz_init), whatever the machine's TZ is:
 * a server kept in UTC must not file a meeting entered at 01:00 in Beijing
 * under yesterday. Where the zone's file is missing (no tzdata), China's
 * zone is its rule, CST-8 (no summer time since 1991). */
static char zTz[64] = "Asia/Shanghai";

int util_tz_init(void) {
  const char *z = config_get("tz");
  if (z) {
    if (strlen(z) >= sizeof zTz || strstr(z, "..") || z[0] == '/') return -1;
    snprintf(zTz, sizeof zTz, "%s", z);
  }
  char zFile[128];
  snprintf(zFile, sizeof zFile, "/usr/share/zoneinfo/%s", zTz);
  const char *zRule = zTz;
  if (access(zFile, R_OK) != 0) {
    if (strcmp(zTz, "Asia/Shanghai") && strcmp(zTz, "PRC")) return -1;
    zRule = "CST-8";
  }
  setenv("TZ", zRule, 1);
  tzset();
  return 0;
}

const char *util_tz(void) { return zTz; }

/* Now: the clock, or QIANGJI_NOW (a UTC moment YYYY-MM-DDTHH:MM:SSZ) so that
 * tests can stand at any hour of any day. */
static time_t now_time(void) {
  const char *z = getenv("QIANGJI_NOW");
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  if (z && strptime(z, "%Y-%m-%dT%H:%M:%SZ", &tm)) return timegm(&tm);
  return time(0);
}

/* The time now formatted by zFmt (UTC or in the business day's zone), into
 * the caller's per-thread cache, formatted again only when the second
 * changes: bulk imports stamp and date every row. */
static void now_cached(time_t *pLast, char *zCache, size_t nCache, int bLocal, const char *zFmt) {
  time_t t = now_time();
  if (t != *pLast) {
    struct tm tm;
    if (bLocal) localtime_r(&t, &tm);
    else gmtime_r(&t, &tm);
    strftime(zCache, nCache, zFmt, &tm);
    *pLast = t;
  }
}

void util_timestamp(char *z) {
  static _Thread_local time_t tLast = -1;
  static _Thread_local char zLast[21];
  now_cached(&tLast, zLast, sizeof zLast, 0, "%Y-%m-%dT%H:%M:%SZ");
  memcpy(z, zLast, sizeof zLast);
}

void util_today(char *z) {
  const char *zEnv = getenv("QIANGJI_TODAY");
  if (zEnv && strlen(zEnv) == 10) {
    memcpy(z, zEnv, 11);
    return;
  }
  static _Thread_local time_t tLast = -1;
  static _Thread_local char zLast[11];
  now_cached(&tLast, zLast, sizeof zLast, 1, "%Y-%m-%d");
  memcpy(z, zLast, sizeof zLast);
}

char *util_read_file(const char *zPath, size_t *pn) {
  FILE *f = fopen(zPath, "rb");
  if (!f) return 0;
  size_t nAlloc = 1 << 16, n = 0;
  char *z = xmalloc(nAlloc);
  for (;;) {
    if (n + 1 >= nAlloc) z = xrealloc(z, nAlloc *= 2);
    size_t got = fread(z + n, 1, nAlloc - n - 1, f);
    if (got == 0) break;
    n += got;
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    free(z);
    errno = EIO;
    return 0;
  }
  z[n] = 0;
  if (pn) *pn = n;
  return z;
}

void util_die_msg(const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  fputs("qiangji: ", stderr);
  vfprintf(stderr, zFmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* The job under way: its label, when it began, when it was last drawn.
 * One job at a time, as the CLI runs them; a new label starts a new job. */
static struct {
  char zLabel[64];
  double tStart, tDrawn;
} progress;

/* 1 when standard error is a terminal; asked once (a bulk job reports
 * progress per row). */
static int progress_tty(void) {
  static atomic_int tty = -1;
  if (tty < 0) tty = isatty(2);
  return tty;
}

/* Starts the clock of zLabel's job unless it is the one running. */
static void progress_begin(const char *zLabel) {
  if (strncmp(progress.zLabel, zLabel, sizeof progress.zLabel - 1) == 0 && progress.tStart > 0) return;
  snprintf(progress.zLabel, sizeof progress.zLabel, "%s", zLabel);
  progress.tStart = util_now();
  progress.tDrawn = 0;
}

/* n with thousands separators into z (at least 32 bytes). */
static void progress_count(char *z, long long n) {
  char a[32];
  int nDigit = snprintf(a, sizeof a, "%lld", n < 0 ? -n : n), j = 0;
  if (n < 0) z[j++] = '-';
  for (int i = 0; i < nDigit; i++) {
    if (i > 0 && (nDigit - i) % 3 == 0) z[j++] = ',';
    z[j++] = a[i];
  }
  z[j] = 0;
}

/* Seconds as "1:05:09", "4:05" or "9 秒" into z (at least 32 bytes). */
static void progress_span(char *z, double s) {
  long t = (long)(s + 0.5);
  if (t >= 3600) snprintf(z, 32, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else if (t >= 60) snprintf(z, 32, "%ld:%02ld", t / 60, t % 60);
  else snprintf(z, 32, "%ld 秒", t);
}

void util_progress(const char *zLabel, long long n, long long nTotal) {
  progress_begin(zLabel);
  if (!progress_tty()) return;
  double t = util_now();
  if (t - progress.tDrawn < 0.2 || t - progress.tStart < 0.5) return;
  progress.tDrawn = t;
  double dt = t - progress.tStart, rate = dt > 0 ? (double)n / dt : 0;
  char zN[32], zTotal[32], zRate[32], zLeft[32];
  progress_count(zN, n);
  progress_count(zRate, (long long)rate);
  if (nTotal > 0) {
    double f = n >= nTotal ? 1.0 : (double)n / (double)nTotal;
    char zBar[24 * 3 + 1];
    int nFull = (int)(f * 24), j = 0;
    for (int i = 0; i < 24; i++) j += snprintf(zBar + j, sizeof zBar - (size_t)j, "%s", i < nFull ? "█" : "░");
    progress_count(zTotal, nTotal);
    if (rate > 0 && n < nTotal) progress_span(zLeft, (double)(nTotal - n) / rate);
    else snprintf(zLeft, sizeof zLeft, "—");
    fprintf(stderr, "\r\033[K%s %s %3d%%  %s/%s  每秒 %s  剩余 %s", zLabel, zBar, (int)(100 * f), zN,
            zTotal, zRate, zLeft);
  } else {
    char zSpent[32];
    progress_span(zSpent, dt);
    fprintf(stderr, "\r\033[K%s %s  每秒 %s  已用 %s", zLabel, zN, zRate, zSpent);
  }
}

void util_progress_done(const char *zLabel, long long n) {
  progress_begin(zLabel);
  if (!progress_tty()) {
    progress.tStart = 0;
    progress.zLabel[0] = 0;
    return;
  }
  double dt = util_now() - progress.tStart;
  char zN[32], zRate[32], zSpent[32];
  progress_count(zN, n);
  progress_count(zRate, dt > 0 ? (long long)((double)n / dt) : n);
  progress_span(zSpent, dt);
  if (dt < 10) snprintf(zSpent, sizeof zSpent, "%.1f 秒", dt);
  fprintf(stderr, "\r\033[K%s：%s，用时 %s，每秒 %s\n", zLabel, zN, zSpent, zRate);
  progress.tStart = 0;
  progress.zLabel[0] = 0;
}
