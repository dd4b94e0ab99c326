/* test_memo.c: the kept answers (memo.h) with a kind whose computation
 * counts its calls and answers the number of audit entries: kept while
 * nothing changes, stale once after a change and current after the helper's
 * refresh, never kept when quick, not served stale when memo_max_age is 0,
 * one computation for two threads that ask at once, and references that
 * outlive an answer's eviction (ASan checks the frees). Settings go into the
 * environment only while no helper runs (memo_stop first). */
#include "unit.h"
#include "audit.h"
#include "memo.h"
#include "util.h"
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static char zDb[256];
static atomic_int nCompute;
static atomic_int msSleep;

typedef struct Val { long long nAudit; int iCall; } Val;

static void *count_compute(const MemoArgs *a) {
  (void)a;
  if (msSleep) usleep((useconds_t)msSleep * 1000);
  Val *v = malloc(sizeof *v);
  v->nAudit = db_int(-1, "SELECT count(*) FROM audit", "");
  v->iCall = ++nCompute;
  return v;
}
static void *fail_compute(const MemoArgs *a) {
  (void)a;
  nCompute++;
  return 0;
}
static const MemoKind countKind = {"count", count_compute, free};
static const MemoKind failKind = {"fail", fail_compute, free};

static MemoArgs args_of(long long orgId) {
  MemoArgs a;
  memset(&a, 0, sizeof a);
  a.orgId = orgId;
  snprintf(a.zCode, sizeof a.zCode, "T%lld", orgId);
  snprintf(a.zPath, sizeof a.zPath, "/%lld/", orgId);
  snprintf(a.zParam, sizeof a.zParam, "2025-01-01 2025-12-31");
  return a;
}

static void change(void) {
  assert_int_equal(db_begin(), 0);
  assert_int_equal(audit_append("test", "update", "org", "1", 0, 0, 0), 0);
  assert_int_equal(db_commit(), 0);
}

static int setup(void **state) {
  (void)state;
  setenv("QIANGJI_MEMO_SLOW_MS", "0", 1);
  setenv("QIANGJI_MEMO_MAX_AGE", "3600", 1);
  nCompute = 0;
  msSleep = 0;
  return unit_db_fresh(zDb, sizeof zDb, "memo", 1);
}
static int teardown(void **state) {
  (void)state;
  memo_stop();
  return unit_db_gone(zDb);
}

/* Gets the answer for a; asserts it was current or stale as expected. */
static long long get(const MemoKind *k, const MemoArgs *a, int bStale, int *piCall) {
  MemoInfo info;
  MemoRef *r = memo_get(k, a, &info);
  assert_non_null(r);
  assert_int_equal(info.bStale, bStale);
  assert_int_equal((int)strlen(info.zComputedAt), 20);
  const Val *v = memo_value(r);
  long long n = v->nAudit;
  if (piCall) *piCall = v->iCall;
  memo_release(r);
  return n;
}

static void test_kept_stale_current(void **state) {
  (void)state;
  MemoArgs a = args_of(1);
  int iCall;
  long long n0 = get(&countKind, &a, 0, &iCall);
  assert_int_equal(iCall, 1);
  assert_int_equal(get(&countKind, &a, 0, &iCall), n0);
  assert_int_equal(iCall, 1);   /* kept: not computed again */
  change();
  assert_int_equal(get(&countKind, &a, 1, &iCall), n0);   /* stale, the old answer */
  assert_int_equal(iCall, 1);
  int bCurrent = 0;
  for (int i = 0; i < 200 && !bCurrent; i++) {   /* the helper computes the current one */
    MemoInfo info;
    MemoRef *r = memo_get(&countKind, &a, &info);
    assert_non_null(r);
    const Val *v = memo_value(r);
    if (!info.bStale) {
      assert_int_equal(v->nAudit, n0 + 1);
      assert_int_equal(v->iCall, 2);
      bCurrent = 1;
    }
    memo_release(r);
    if (!bCurrent) usleep(20000);
  }
  assert_true(bCurrent);
  /* Another organization or period is another answer. */
  MemoArgs b = args_of(2);
  get(&countKind, &b, 0, &iCall);
  assert_int_equal(iCall, 3);
  snprintf(a.zParam, sizeof a.zParam, "2026-01-01 2026-12-31");
  get(&countKind, &a, 0, &iCall);
  assert_int_equal(iCall, 4);
}

static void test_quick_not_kept(void **state) {
  (void)state;
  memo_stop();
  setenv("QIANGJI_MEMO_SLOW_MS", "60000", 1);   /* nothing here takes a minute */
  MemoArgs a = args_of(1);
  int iCall;
  get(&countKind, &a, 0, &iCall);
  get(&countKind, &a, 0, &iCall);
  assert_int_equal(iCall, 2);   /* computed for every request */
  change();
  long long n = get(&countKind, &a, 0, &iCall);
  assert_int_equal(iCall, 3);
  assert_int_equal(n, db_int(-1, "SELECT count(*) FROM audit", ""));
}

static void test_no_stale_when_max_age_0(void **state) {
  (void)state;
  memo_stop();
  setenv("QIANGJI_MEMO_MAX_AGE", "0", 1);
  MemoArgs a = args_of(1);
  int iCall;
  long long n0 = get(&countKind, &a, 0, &iCall);
  change();
  assert_int_equal(get(&countKind, &a, 0, &iCall), n0 + 1);   /* waited for the current one */
  assert_int_equal(iCall, 2);
}

static void test_error_not_kept(void **state) {
  (void)state;
  MemoArgs a = args_of(1);
  MemoInfo info;
  assert_null(memo_get(&failKind, &a, &info));
  assert_null(memo_get(&failKind, &a, &info));
  assert_int_equal(nCompute, 2);
}

static void *ask(void *p) {
  MemoArgs a = args_of(7);
  int *piCall = p;
  get(&countKind, &a, 0, piCall);
  db_close();
  return 0;
}

static void test_one_computation_for_two(void **state) {
  (void)state;
  msSleep = 300;
  pthread_t t1, t2;
  int i1 = 0, i2 = 0;
  assert_int_equal(pthread_create(&t1, 0, ask, &i1), 0);
  assert_int_equal(pthread_create(&t2, 0, ask, &i2), 0);
  pthread_join(t1, 0);
  pthread_join(t2, 0);
  assert_int_equal(nCompute, 1);
  assert_int_equal(i1, 1);
  assert_int_equal(i2, 1);
}

static void test_ref_outlives_eviction(void **state) {
  (void)state;
  MemoArgs a = args_of(100);
  MemoInfo info;
  MemoRef *r = memo_get(&countKind, &a, &info);
  assert_non_null(r);
  for (int i = 0; i < 3 * MEMO_N; i++) {   /* more answers than slots: the first is evicted */
    MemoArgs b = args_of(200 + i);
    get(&countKind, &b, 0, 0);
  }
  const Val *v = memo_value(r);
  assert_int_equal(v->iCall, 1);
  memo_release(r);
  int iCall;
  get(&countKind, &a, 0, &iCall);
  assert_int_equal(iCall, 3 * MEMO_N + 2);   /* it was evicted: computed again */
}

static void test_warm(void **state) {
  (void)state;
  MemoArgs a = args_of(9);
  memo_warm(&countKind, &a);
  for (int i = 0; i < 200 && nCompute == 0; i++) usleep(10000);
  assert_int_equal(nCompute, 1);
  usleep(20000);
  int iCall;
  get(&countKind, &a, 0, &iCall);
  assert_int_equal(iCall, 1);   /* the warmed answer */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_kept_stale_current, setup, teardown),
      cmocka_unit_test_setup_teardown(test_quick_not_kept, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_stale_when_max_age_0, setup, teardown),
      cmocka_unit_test_setup_teardown(test_error_not_kept, setup, teardown),
      cmocka_unit_test_setup_teardown(test_one_computation_for_two, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ref_outlives_eviction, setup, teardown),
      cmocka_unit_test_setup_teardown(test_warm, setup, teardown),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
