/* memo.h: answers that take long to compute over a large subtree (the
 * 三会一课 findings of a province, its dues arrears, the development
 * pipeline's pools and alerts, the audit log's count), kept by what they
 * answer and by the data's generation, so that a screen at province level
 * opens from the kept answer instead of reading millions of rows.
 *
 * The generation is the newest audit entry (every change is audited, by any
 * process) and the business day: an answer of an older generation is out of
 * date. Only answers that took at least memo_slow_ms (setting, default 200)
 * are kept, at most MEMO_N of them; a subtree that answers quickly is
 * computed for every request, so it is always current.
 *
 * An out-of-date kept answer is still served while it is younger than
 * memo_max_age seconds (default 3600), marked stale with the time it was
 * computed (the screen says 统计于 HH:MM，正在更新), and a helper thread
 * computes the current one behind it. The helper also refreshes, every
 * 20 s, the kept answers that are out of date and were asked for in the last
 * hour, and computes the answers the modules warm when the server starts
 * (the root's). Two requests for the same answer that is not kept yet wait
 * for one computation. */
#ifndef QJ_MEMO_H
#define QJ_MEMO_H
#include "api.h"
#include <jansson.h>

#define MEMO_N 16

/* What an answer answers: the organization (id and path) and the kind's
 * own parameters as one canonical string (its period, year, threshold). */
typedef struct MemoArgs {
  long long orgId;
  char zCode[33];
  char zPath[256];
  char zParam[96];
} MemoArgs;

/* A kind of answer: how to compute one (NULL on error; it runs on a request
 * thread or on the helper, with that thread's own connection) and free it.
 * An answer is read by many threads at once and never changed. */
typedef struct MemoKind {
  const char *zName;
  void *(*xCompute)(const MemoArgs *);
  void (*xFree)(void *);
} MemoKind;

typedef struct MemoRef MemoRef;

/* How the answer handed out was come by. */
typedef struct MemoInfo {
  char zComputedAt[24];   /* UTC, YYYY-MM-DDTHH:MM:SSZ */
  int bStale;             /* the data changed since (a newer one is being computed) */
  int bKept;              /* served from the kept answers */
} MemoInfo;

/* The answer of kind k for a: the kept one when current (or stale within
 * the age limit), else computed now. NULL on error. The caller reads it
 * with memo_value and gives it back with memo_release. */
MemoRef *memo_get(const MemoKind *k, const MemoArgs *a, MemoInfo *pInfo);
void *memo_value(const MemoRef *p);
void memo_release(MemoRef *p);
/* Asks the helper to compute the answer of kind k for a now (the server's
 * start warms the root's). */
void memo_warm(const MemoKind *k, const MemoArgs *a);
/* The same for the root of the tree (nothing when the tree is empty). */
void memo_warm_root(const MemoKind *k, const char *zParam);
/* Fills a for the subtree of scope, with the kind's parameters as printf
 * makes them from zFmt. */
void memo_args(MemoArgs *a, const Scope *sc, const char *zFmt, ...) __attribute__((format(printf, 3, 4)));
/* For a kind whose answer is a JSON value (xCompute returns a json_t *):
 * its xFree, and the answer as a copy the caller owns (NULL on error). */
void memo_json_free(void *p);
json_t *memo_json(const MemoKind *k, const MemoArgs *a, MemoInfo *pInfo);
/* For a route: the answer of kind k for the request's scope, with the kind's
 * parameters as printf makes them from zFmt (memo_get); on error it answers
 * 500 and returns NULL. */
MemoRef *memo_request(Req *r, const MemoKind *k, MemoInfo *pInfo, const char *zFmt, ...)
    __attribute__((format(printf, 4, 5)));
/* For a route whose answer is the whole JSON value of kind k: answers it,
 * with "computed_at" and "stale" (500 on error). */
void memo_answer(Req *r, const MemoKind *k, const char *zFmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets "computed_at" and "stale" on an answer object from pInfo. */
void memo_annotate(json_t *pOut, const MemoInfo *pInfo);
/* Stops the helper (waiting for a computation it runs) and drops every kept
 * answer (tests; the server ends without it). */
void memo_stop(void);
#endif
