/* memo.c: kept answers of slow subtree computations (memo.h).
 *
 * MEMO_N slots under one mutex. A slot holds what it answers, its current
 * value (reference-counted: a request may still be reading a value that a
 * refresh has replaced), the value's generation, when and how fast it was
 * computed, and whether a computation runs. One helper thread, started with
 * the first use, computes what is warmed or found stale. */
#include "memo.h"
#include "config.h"
#include "db.h"
#include "util.h"
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

struct MemoRef {
  const MemoKind *pKind;
  void *p;
  int nRef;
  char zComputedAt[24];
};

typedef struct Gen {
  long long iAudit;       /* the newest audit entry */
  char zDay[11];          /* the business day */
} Gen;

typedef struct Slot {
  const MemoKind *pKind;  /* NULL: free */
  MemoArgs args;
  MemoRef *pVal;          /* the kept value, or NULL until computed */
  Gen gen;                /* of pVal */
  double tComputed;       /* monotonic, when pVal was computed */
  double tUsed;           /* monotonic, when last asked for */
  double tTried;          /* monotonic, when the last computation ended */
  double dt;              /* how long it took */
  int bBusy;              /* a computation runs */
  int bWanted;            /* the helper should compute it */
} Slot;

static Slot aSlot[MEMO_N];
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t condDone = PTHREAD_COND_INITIALIZER;   /* a computation ended */
static pthread_cond_t condWork = PTHREAD_COND_INITIALIZER;   /* the helper has work, or must stop */
static pthread_t helper;
static int bHelper, bStop;

#define REFRESH_SECONDS 20
#define KEEP_SECONDS 3600

static double slow_seconds(void) { return (double)config_int("memo_slow_ms", 200) / 1000.0; }
static double max_age(void) { return (double)config_int("memo_max_age", 3600); }

static void gen_now(Gen *g) {
  g->iAudit = db_int(0, "SELECT max(id) FROM audit", "");
  util_today(g->zDay);
}
static int gen_eq(const Gen *a, const Gen *b) { return a->iAudit == b->iAudit && strcmp(a->zDay, b->zDay) == 0; }

static int args_eq(const Slot *s, const MemoKind *k, const MemoArgs *a) {
  return s->pKind == k && s->args.orgId == a->orgId && strcmp(s->args.zPath, a->zPath) == 0 &&
         strcmp(s->args.zCode, a->zCode) == 0 &&
         strcmp(s->args.zParam, a->zParam) == 0;
}

/* Under the mutex. */
static void ref_drop(MemoRef *p) {
  if (p && --p->nRef == 0) {
    p->pKind->xFree(p->p);
    free(p);
  }
}

static Slot *slot_find(const MemoKind *k, const MemoArgs *a) {
  for (int i = 0; i < MEMO_N; i++)
    if (args_eq(&aSlot[i], k, a)) return &aSlot[i];
  return 0;
}

/* A free slot, or the least recently used one that is not computing,
 * emptied; NULL when every slot computes. Under the mutex. */
static Slot *slot_new(const MemoKind *k, const MemoArgs *a) {
  Slot *pBest = 0;
  for (int i = 0; i < MEMO_N; i++) {
    Slot *s = &aSlot[i];
    if (!s->pKind) {
      pBest = s;
      break;
    }
    if (!s->bBusy && (!pBest || s->tUsed < pBest->tUsed)) pBest = s;
  }
  if (!pBest) return 0;
  ref_drop(pBest->pVal);
  memset(pBest, 0, sizeof *pBest);
  pBest->pKind = k;
  pBest->args = *a;
  return pBest;
}

static void slot_clear(Slot *s) {
  ref_drop(s->pVal);
  memset(s, 0, sizeof *s);
}

static MemoRef *ref_new(const MemoKind *k, void *p) {
  MemoRef *r = xcalloc(1, sizeof *r);
  r->pKind = k;
  r->p = p;
  r->nRef = 1;
  util_timestamp(r->zComputedAt);
  return r;
}

static void *helper_main(void *pArg);

/* Under the mutex. */
static void helper_wake(void) {
  if (!bHelper && !bStop) {
    if (pthread_create(&helper, 0, helper_main, 0) == 0) bHelper = 1;
  }
  pthread_cond_signal(&condWork);
}

/* Computes the value of slot s (marked busy by the caller, its args copied
 * into *a) for generation g and stores it when it was slow; returns the new
 * value with a reference for the caller, or NULL on error. Takes and gives
 * back the mutex. */
static MemoRef *slot_compute(Slot *s, const MemoKind *k, const MemoArgs *a, const Gen *g) {
  pthread_mutex_unlock(&mutex);
  double t0 = util_now();
  void *p = k->xCompute(a);
  double dt = util_now() - t0;
  pthread_mutex_lock(&mutex);
  MemoRef *r = p ? ref_new(k, p) : 0;
  if (s && args_eq(s, k, a)) {
    s->bBusy = 0;
    s->bWanted = 0;
    s->tTried = util_now();
    s->dt = dt;
    if (r && dt >= slow_seconds()) {
      ref_drop(s->pVal);
      s->pVal = r;
      r->nRef++;
      s->gen = *g;
      s->tComputed = util_now();
    } else if (r) {
      slot_clear(s);   /* quick: computed for every request, never kept */
    }
  }
  pthread_cond_broadcast(&condDone);
  return r;
}

static void info_set(MemoInfo *pInfo, const MemoRef *r, int bStale, int bKept) {
  if (!pInfo) return;
  snprintf(pInfo->zComputedAt, sizeof pInfo->zComputedAt, "%s", r->zComputedAt);
  pInfo->bStale = bStale;
  pInfo->bKept = bKept;
}

MemoRef *memo_get(const MemoKind *k, const MemoArgs *a, MemoInfo *pInfo) {
  Gen g;
  gen_now(&g);
  pthread_mutex_lock(&mutex);
  for (;;) {
    Slot *s = slot_find(k, a);
    if (s) s->tUsed = util_now();
    if (s && s->pVal && gen_eq(&s->gen, &g)) {
      MemoRef *r = s->pVal;
      r->nRef++;
      info_set(pInfo, r, 0, 1);
      pthread_mutex_unlock(&mutex);
      return r;
    }
    if (s && s->pVal && util_now() - s->tComputed < max_age()) {
      MemoRef *r = s->pVal;
      r->nRef++;
      info_set(pInfo, r, 1, 1);
      if (!s->bBusy) {
        s->bWanted = 1;
        helper_wake();
      }
      pthread_mutex_unlock(&mutex);
      return r;
    }
    if (s && s->bBusy) {   /* the same answer is being computed: wait for it */
      pthread_cond_wait(&condDone, &mutex);
      continue;
    }
    if (!s) s = slot_new(k, a);
    if (s) s->bBusy = 1;
    MemoRef *r = slot_compute(s, k, a, &g);
    if (r) info_set(pInfo, r, 0, 0);
    pthread_mutex_unlock(&mutex);
    return r;
  }
}

void *memo_value(const MemoRef *p) { return p->p; }

void memo_release(MemoRef *p) {
  pthread_mutex_lock(&mutex);
  ref_drop(p);
  pthread_mutex_unlock(&mutex);
}

void memo_warm(const MemoKind *k, const MemoArgs *a) {
  pthread_mutex_lock(&mutex);
  Slot *s = slot_find(k, a);
  if (!s) s = slot_new(k, a);
  if (s && !s->bBusy) {
    s->bWanted = 1;
    s->tUsed = util_now();
    helper_wake();
  }
  pthread_mutex_unlock(&mutex);
}

void memo_warm_root(const MemoKind *k, const char *zParam) {
  MemoArgs a;
  memset(&a, 0, sizeof a);
  DbStmt *s = db_stmt("SELECT id, code, path FROM org WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
  if (!s || db_step(s) != 1) return;
  a.orgId = db_col_int(s, 0);
  snprintf(a.zCode, sizeof a.zCode, "%s", db_col_text(s, 1));
  snprintf(a.zPath, sizeof a.zPath, "%s", db_col_text(s, 2));
  snprintf(a.zParam, sizeof a.zParam, "%s", zParam);
  db_step(s);   /* done with it */
  memo_warm(k, &a);
}

static void args_v(MemoArgs *a, const Scope *sc, const char *zFmt, va_list ap) {
  memset(a, 0, sizeof *a);
  a->orgId = sc->id;
  snprintf(a->zCode, sizeof a->zCode, "%s", sc->zCode);
  snprintf(a->zPath, sizeof a->zPath, "%s", sc->zPath);
  vsnprintf(a->zParam, sizeof a->zParam, zFmt, ap);
}

void memo_args(MemoArgs *a, const Scope *sc, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  args_v(a, sc, zFmt, ap);
  va_end(ap);
}

MemoRef *memo_request(Req *r, const MemoKind *k, MemoInfo *pInfo, const char *zFmt, ...) {
  MemoArgs a;
  va_list ap;
  va_start(ap, zFmt);
  args_v(&a, &r->scope, zFmt, ap);
  va_end(ap);
  MemoRef *p = memo_get(k, &a, pInfo);
  if (!p) api_internal(r);
  return p;
}

void memo_answer(Req *r, const MemoKind *k, const char *zFmt, ...) {
  MemoArgs a;
  va_list ap;
  va_start(ap, zFmt);
  args_v(&a, &r->scope, zFmt, ap);
  va_end(ap);
  MemoInfo info;
  json_t *o = memo_json(k, &a, &info);
  if (!o) {
    api_internal(r);
    return;
  }
  memo_annotate(o, &info);
  api_json(r, 200, o);
}

void memo_json_free(void *p) { json_decref(p); }

json_t *memo_json(const MemoKind *k, const MemoArgs *a, MemoInfo *pInfo) {
  MemoRef *r = memo_get(k, a, pInfo);
  if (!r) return 0;
  json_t *p = json_deep_copy(memo_value(r));
  memo_release(r);
  return p;
}

void memo_annotate(json_t *pOut, const MemoInfo *pInfo) {
  json_object_set_new(pOut, "computed_at", json_string(pInfo->zComputedAt));
  json_object_set_new(pOut, "stale", json_boolean(pInfo->bStale));
}

/* The helper: computes what is warmed, and what is kept and out of date:
 * at once when a request found it stale, else every REFRESH_SECONDS while
 * it was asked for in the last hour; one at a time, and an answer never
 * more than a quarter of the time (three times its computing time between
 * two), so that a province whose data change all day is refreshed every few
 * minutes without taking a core. */
static void *helper_main(void *pArg) {
  (void)pArg;
  pthread_mutex_lock(&mutex);
  while (!bStop) {
    pthread_mutex_unlock(&mutex);
    Gen g;
    gen_now(&g);
    pthread_mutex_lock(&mutex);
    Slot *s = 0;
    double t = util_now();
    for (int i = 0; i < MEMO_N && !s; i++) {
      Slot *c = &aSlot[i];
      if (!c->pKind || c->bBusy) continue;
      if (c->bWanted && !c->pVal && c->tTried == 0) s = c;   /* warmed, never computed */
      else if (c->pVal && !gen_eq(&c->gen, &g) && t - c->tTried >= 3 * c->dt &&
               (c->bWanted || (t - c->tUsed < KEEP_SECONDS && t - c->tTried >= REFRESH_SECONDS)))
        s = c;
    }
    if (s) {
      const MemoKind *k = s->pKind;
      MemoArgs a = s->args;
      s->bBusy = 1;
      MemoRef *r = slot_compute(s, k, &a, &g);
      ref_drop(r);
      /* A province's computation reads millions of rows into memory it then
       * frees: give the pages back rather than keep the peak. */
      malloc_trim(0);
      continue;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += REFRESH_SECONDS;
    pthread_cond_timedwait(&condWork, &mutex, &ts);
  }
  pthread_mutex_unlock(&mutex);
  db_close();
  return 0;
}

void memo_stop(void) {
  pthread_mutex_lock(&mutex);
  bStop = 1;
  pthread_cond_broadcast(&condWork);
  int bJoin = bHelper;
  pthread_mutex_unlock(&mutex);
  if (bJoin) pthread_join(helper, 0);
  pthread_mutex_lock(&mutex);
  for (int i = 0; i < MEMO_N; i++) slot_clear(&aSlot[i]);
  bHelper = 0;
  bStop = 0;
  pthread_mutex_unlock(&mutex);
}
