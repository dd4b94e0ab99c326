/* util.h: allocation wrappers that abort on out-of-memory, and small helpers
 * every module uses. */
#ifndef QJ_UTIL_H
#define QJ_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocate or die: each returns memory the caller frees with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *z);
char *xstrndup(const char *z, size_t n);
/* printf into a new string; caller frees. */
char *xprintf(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock in seconds, for timing and progress. */
double util_now(void);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into z (at least 21 bytes). */
void util_timestamp(char *z);
/* Today's date in the business day's time zone as "YYYY-MM-DD" into z (11
 * bytes). QIANGJI_TODAY in the environment overrides it, so tests can fix
 * the date; QIANGJI_NOW (a UTC moment) stands in for the clock. */
void util_today(char *z);
/* Sets the process's time zone to the business day's: the setting tz (config.h:
 * QIANGJI_TZ or the config file; a zone
 * name such as Asia/Shanghai), default Asia/Shanghai. 0, or -1 when the zone
 * is unknown (the process keeps its own). */
int util_tz_init(void);
/* The business day's time zone name. */
const char *util_tz(void);
/* Read a whole file; returns a malloc'd NUL-terminated buffer and its size
 * in *pn, or NULL with errno set. */
char *util_read_file(const char *zPath, size_t *pn);
/* Print an error for the CLI: "qiangji: <message>\n" to stderr. */
void util_die_msg(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));
/* Progress of a long job (import, export, demo, report, backup). On a
 * terminal, util_progress redraws one line on stderr at most five times a
 * second: a bar, the share, n/total, the rate and the time left (nTotal 0:
 * the count, the rate and the time spent). util_progress_done replaces the
 * bar with one line, "label：n，用时 t，每秒 r". Off a terminal both are
 * silent: the command prints its own one summary line. The job's clock
 * starts with the first call that names a label. */
void util_progress(const char *zLabel, long long n, long long nTotal);
void util_progress_done(const char *zLabel, long long n);
#endif
