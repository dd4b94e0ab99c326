/* test_demo.c: the demo data set. The county scale is generated into memory
 * and read back with the CSV reader: same seed same bytes, the tree and the
 * members obey the rules of formats.md and domain.md, and the mix of people
 * looks like a real roster. */
#include "unit.h"
#include "csv.h"
#include "demo.h"
#include "idcard.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference day of the data being checked: nothing is dated after it. */
static const char *zRefDay = "2026-06-30";
#define REF zRefDay

typedef struct Out {
  char *zOrg, *zMem;
  size_t nOrg, nMem;
  DemoResult res;
  int rc;
} Out;

static void generate_on(const char *zScale, unsigned long long seed, const char *zToday, Out *p) {
  memset(p, 0, sizeof(*p));
  FILE *fOrg = open_memstream(&p->zOrg, &p->nOrg);
  FILE *fMem = open_memstream(&p->zMem, &p->nMem);
  assert_non_null(fOrg);
  assert_non_null(fMem);
  DemoOpts o = {zScale, seed, zToday};
  p->rc = demo_generate(&o, fOrg, fMem, &p->res);
  fclose(fOrg);
  fclose(fMem);
}
static void generate(const char *zScale, unsigned long long seed, Out *p) { generate_on(zScale, seed, REF, p); }

static void out_free(Out *p) {
  free(p->zOrg);
  free(p->zMem);
}

/* A string set with a small value per key (open addressing). */
typedef struct Set {
  char **az;
  int *aVal;
  size_t nSlot, n;
} Set;

static size_t set_hash(const char *z) {
  size_t h = 1469598103934665603ull;
  for (; *z; z++) h = (h ^ (unsigned char)*z) * 1099511628211ull;
  return h;
}

static void set_init(Set *s, size_t nMax) {
  s->nSlot = 1;
  while (s->nSlot < nMax * 2) s->nSlot *= 2;
  s->az = xcalloc(s->nSlot, sizeof(char *));
  s->aVal = xcalloc(s->nSlot, sizeof(int));
  s->n = 0;
}

static size_t set_slot(const Set *s, const char *z) {
  size_t i = set_hash(z) & (s->nSlot - 1);
  while (s->az[i] && strcmp(s->az[i], z) != 0) i = (i + 1) & (s->nSlot - 1);
  return i;
}

/* Returns the value, or -1 if z is not in the set. */
static int set_get(const Set *s, const char *z) {
  size_t i = set_slot(s, z);
  return s->az[i] ? s->aVal[i] : -1;
}

/* Adds z; returns 0, or -1 if it was there already. */
static int set_add(Set *s, const char *z, int v) {
  size_t i = set_slot(s, z);
  if (s->az[i]) return -1;
  assert_true(s->n * 2 < s->nSlot);
  s->az[i] = xstrdup(z);
  s->aVal[i] = v;
  s->n++;
  return 0;
}

static void set_free(Set *s) {
  for (size_t i = 0; i < s->nSlot; i++) free(s->az[i]);
  free(s->az);
  free(s->aVal);
}

static int index_of(const char *const *az, int n, const char *z) {
  for (int i = 0; i < n; i++)
    if (strcmp(az[i], z) == 0) return i;
  return -1;
}

/* Every line ends with CRLF and the file starts with the BOM. */
static void check_bytes(const char *z, size_t n) {
  assert_true(n > 3);
  assert_memory_equal(z, CSV_BOM, 3);
  assert_true(z[n - 2] == '\r' && z[n - 1] == '\n');
  for (size_t i = 0; i < n; i++)
    if (z[i] == '\n') assert_true(i > 0 && z[i - 1] == '\r');
  assert_true(text_utf8_valid(z, n));
}

static void test_deterministic(void **state) {
  (void)state;
  Out a, b, c;
  generate("county", 1, &a);
  generate("county", 1, &b);
  generate("county", 2, &c);
  assert_int_equal(a.rc, 0);
  assert_int_equal(b.rc, 0);
  assert_int_equal(c.rc, 0);
  assert_true(a.nOrg == b.nOrg && a.nMem == b.nMem);
  assert_memory_equal(a.zOrg, b.zOrg, a.nOrg);
  assert_memory_equal(a.zMem, b.zMem, a.nMem);
  assert_memory_equal(&a.res, &b.res, sizeof(a.res));
  assert_true(a.nOrg != c.nOrg || memcmp(a.zOrg, c.zOrg, a.nOrg) != 0);
  assert_true(a.nMem != c.nMem || memcmp(a.zMem, c.zMem, a.nMem) != 0);
  out_free(&a);
  out_free(&b);
  out_free(&c);
}

static void test_bad_scale(void **state) {
  (void)state;
  Out a;
  generate("galaxy", 1, &a);
  assert_int_equal(a.rc, -1);
  assert_int_equal(a.nOrg, 0);
  assert_int_equal(a.nMem, 0);
  out_free(&a);
  DemoOpts o = {0, 1, REF};
  FILE *f = fopen("/dev/null", "w");
  assert_int_equal(demo_generate(&o, f, f, 0), -1);
  fclose(f);
}

static const char *const azOrgHead[] = {"组织编码", "组织名称", "上级组织编码", "组织类别", "所属领域",
                                        "组建方式", "成立日期", "行政区划代码", "本届任期开始", "结束日期"};
static const char *const azMemHead[] = {"姓名", "公民身份号码", "性别", "出生日期", "民族",
                                        "学历", "人员类别", "入党日期", "转正日期", "所在党组织编码",
                                        "工作岗位", "联系电话", "是否流动党员", "流入地", "月收入"};
static const char *const azKind[] = {"党委", "党工委", "党总支", "党支部", "联合党支部", "临时党支部", "项目党支部"};
static const char *const azDomain[] = {"农村", "城市社区", "机关", "国有企业", "学校",
                                       "公立医院", "非公有制企业", "社会组织", "新就业群体", "其他"};
static const char *const azForm[] = {"", "单独组建", "联合组建", "挂靠组建"};
static const char *const azEdu[] = {"研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下"};
#define KIND_BRANCH 3 /* kinds from here on hold members */

static void canon_date(const char *z, char out[11]) {
  assert_int_equal(text_parse_date(z, out), 0);
  assert_string_equal(out, z); /* written canonically */
}

/* The county of seed 20260630 on the reference day zRefDay. */
static void county_on(void) {
  Out a;
  generate("county", 20260630, &a);
  assert_int_equal(a.rc, 0);
  check_bytes(a.zOrg, a.nOrg);
  check_bytes(a.zMem, a.nMem);
  assert_true(a.res.nOrg >= 1300 && a.res.nOrg <= 1700);
  assert_true(a.res.nMember >= 25000 && a.res.nMember <= 35000);

  /* Organizations: codes unique and short, parents first, kinds and
   * domains from the lists, end dates exactly on temporary and project
   * branches. */
  Set org, full, size;
  set_init(&org, 4096);
  set_init(&full, 4096);
  set_init(&size, 4096);
  FILE *f = fmemopen(a.zOrg, a.nOrg, "r");
  Csv *pCsv = csv_open(f);
  char **az;
  int nf, rc;
  assert_int_equal(csv_next(pCsv, &az, &nf), 1);
  assert_int_equal(nf, 10);
  for (int i = 0; i < 10; i++) assert_string_equal(az[i], azOrgHead[i]);
  long long nOrg = 0;
  int nBranch = 0, nTemp = 0, nJoint = 0;
  char zRootCode[40] = "";
  while ((rc = csv_next(pCsv, &az, &nf)) == 1) {
    assert_int_equal(nf, 10);
    nOrg++;
    assert_true(strlen(az[0]) >= 1 && strlen(az[0]) <= 32);
    assert_true(text_utf8_len(az[1]) >= 4 && text_utf8_len(az[1]) <= 100);
    int eKind = index_of(azKind, 7, az[3]);
    assert_true(eKind >= 0);
    assert_true(index_of(azDomain, 10, az[4]) >= 0);
    assert_true(index_of(azForm, 4, az[5]) >= 0);
    if (nOrg == 1) {
      assert_string_equal(az[2], "");
      snprintf(zRootCode, sizeof zRootCode, "%s", az[0]);
    } else {
      /* the parent came earlier and is not a branch */
      int eParent = set_get(&org, az[2]);
      assert_true(eParent >= 0);
      assert_true(eParent < KIND_BRANCH);
    }
    assert_int_equal(set_add(&org, az[0], eKind), 0);
    char zEst[11], zTerm[11], zEnd[11];
    canon_date(az[6], zEst);
    assert_true(strcmp(zEst, REF) <= 0);
    assert_int_equal((int)strlen(az[7]), 6);
    assert_true(idcard_province_valid(az[7]));
    if (az[8][0]) {
      canon_date(az[8], zTerm);
      assert_true(strcmp(zTerm, zEst) >= 0 && strcmp(zTerm, REF) <= 0);
    }
    if (eKind >= 5) {
      nTemp++;
      canon_date(az[9], zEnd);
      assert_true(strcmp(zEnd, zEst) > 0);
    } else {
      assert_string_equal(az[9], "");
    }
    if (eKind == 4) {
      nJoint++;
      assert_string_equal(az[5], "联合组建");
    }
    if (eKind >= KIND_BRANCH) nBranch++;
  }
  assert_int_equal(rc, 0);
  csv_close(pCsv);
  fclose(f);
  assert_int_equal(nOrg, a.res.nOrg);
  assert_string_equal(a.res.zRoot, zRootCode);
  assert_true(nTemp >= 2);
  assert_true(nJoint >= 5);
  assert_true(nBranch > nOrg * 3 / 4);

  /* The demo codes: a township committee under the root, a village branch
   * right under it. */
  assert_int_equal(set_get(&org, a.res.zTownship), 0); /* 党委 */
  assert_true(strncmp(a.res.zTownship, a.res.zRoot, strlen(a.res.zRoot)) == 0);
  assert_int_equal(set_get(&org, a.res.zBranch), KIND_BRANCH);
  assert_true(strncmp(a.res.zBranch, a.res.zTownship, strlen(a.res.zTownship)) == 0);

  /* Members. */
  Set ids;
  set_init(&ids, 40000);
  f = fmemopen(a.zMem, a.nMem, "r");
  pCsv = csv_open(f);
  assert_int_equal(csv_next(pCsv, &az, &nf), 1);
  assert_int_equal(nf, 15);
  for (int i = 0; i < 15; i++) assert_string_equal(az[i], azMemHead[i]);
  long long nMem = 0, nFemale = 0, nProb = 0, nMobile = 0, nHan = 0;
  int bDemoMember = 0;
  char zRefMinus1y[11];
  text_date_add_months(REF, -12, zRefMinus1y);
  while ((rc = csv_next(pCsv, &az, &nf)) == 1) {
    assert_int_equal(nf, 15);
    nMem++;
    assert_true(text_utf8_len(az[0]) >= 2 && text_utf8_len(az[0]) <= 4);
    char zId[19], zBirth[11], zJoin[11], zFull[11], zAfter1y[11];
    int bFemale;
    const char *zWhy = 0;
    assert_int_equal(idcard_parse(az[1], zId, zBirth, &bFemale, &zWhy), 0);
    assert_string_equal(zId, az[1]);
    assert_int_equal(set_add(&ids, zId, 0), 0); /* unique */
    assert_string_equal(az[2], bFemale ? "女" : "男");
    assert_string_equal(az[3], zBirth);
    assert_true(az[4][0] != 0);
    assert_true(index_of(azEdu, 6, az[5]) >= 0);
    canon_date(az[7], zJoin);
    assert_true(strcmp(zJoin, "1950-01-01") >= 0 && strcmp(zJoin, REF) <= 0);
    assert_true(text_years_between(zBirth, zJoin) >= 18);
    if (strcmp(az[6], "正式党员") == 0) {
      canon_date(az[8], zFull);
      text_date_add_months(zJoin, 12, zAfter1y);
      assert_true(strcmp(zFull, zAfter1y) >= 0);
      assert_true(strcmp(zFull, REF) <= 0);
      int n = set_get(&full, az[9]);
      if (n < 0) set_add(&full, az[9], 1);
      else full.aVal[set_slot(&full, az[9])] = n + 1;
    } else {
      assert_string_equal(az[6], "预备党员");
      assert_string_equal(az[8], "");
      assert_true(strcmp(zJoin, zRefMinus1y) > 0);
      nProb++;
    }
    assert_true(set_get(&org, az[9]) >= KIND_BRANCH); /* members sit in branches */
    {
      int n = set_get(&size, az[9]);
      if (n < 0) set_add(&size, az[9], 1);
      else size.aVal[set_slot(&size, az[9])] = n + 1;
    }
    assert_true(az[10][0] != 0);
    if (az[11][0]) assert_int_equal(text_phone_valid(az[11]), 0);
    if (strcmp(az[12], "是") == 0) {
      assert_true(az[13][0] != 0);
      nMobile++;
    } else {
      assert_string_equal(az[12], "否");
      assert_string_equal(az[13], "");
    }
    if (az[14][0]) {
      long long cents;
      assert_int_equal(text_parse_money(az[14], &cents), 0);
      assert_true(cents >= 100000 && cents <= 3000000);
    }
    nFemale += bFemale;
    nHan += strcmp(az[4], "汉族") == 0;
    if (strcmp(zId, a.res.zMemberId) == 0) {
      assert_string_equal(az[9], a.res.zBranch);
      assert_string_equal(az[12], "是");
      bDemoMember = 1;
    }
  }
  assert_int_equal(rc, 0);
  csv_close(pCsv);
  fclose(f);
  assert_int_equal(nMem, a.res.nMember);
  assert_true(bDemoMember);

  /* The mix: about 70/30 men and women, 3% probationary, 5-8% mobile,
   * mostly Han, 20-25 members a branch, a few tiny and a few big ones. */
  assert_true(nFemale * 100 >= nMem * 20 && nFemale * 100 <= nMem * 40);
  assert_true(nProb * 1000 >= nMem * 15 && nProb * 1000 <= nMem * 50);
  assert_true(nMobile * 100 >= nMem * 4 && nMobile * 100 <= nMem * 10);
  assert_true(nHan * 100 >= nMem * 95 && nHan < nMem);
  assert_true(nMem >= (long long)nBranch * 18 && nMem <= (long long)nBranch * 28);
  int nSmall = 0, nBig = 0;
  for (size_t i = 0; i < org.nSlot; i++) {
    if (!org.az[i] || org.aVal[i] < KIND_BRANCH) continue;
    int nSize = set_get(&size, org.az[i]), nFull = set_get(&full, org.az[i]);
    assert_true(nSize >= 1); /* no empty branch */
    if (nFull < 3) nSmall++;
    if (nSize > 50) nBig++;
  }
  assert_true(nSmall >= 1 && nSmall <= nBranch / 20);
  assert_true(nBig >= 1 && nBig <= nBranch / 20);
  set_free(&org);
  set_free(&full);
  set_free(&size);
  set_free(&ids);
  out_free(&a);
}

static void test_county(void **state) {
  (void)state;
  zRefDay = "2026-06-30";
  county_on();
}

/* Another reference day: the same rules hold against it (nothing dated
 * after it, the terms of the latest election rounds before it), the data
 * differ from another day's, and the same day gives the same bytes. */
static void test_county_other_days(void **state) {
  (void)state;
  const char *azDay[] = {"2027-03-15", "2026-01-10", "2031-02-01"};
  for (size_t i = 0; i < ARRAY_LEN(azDay); i++) {
    zRefDay = azDay[i];
    county_on();
  }
  zRefDay = "2026-06-30";
  Out a, b, c;
  generate_on("county", 3, "2027-03-15", &a);
  generate_on("county", 3, "2027-03-15", &b);
  generate_on("county", 3, "2026-06-30", &c);
  assert_true(a.nMem == b.nMem && memcmp(a.zMem, b.zMem, a.nMem) == 0);
  assert_true(a.nMem != c.nMem || memcmp(a.zMem, c.zMem, a.nMem) != 0);
  out_free(&a);
  out_free(&b);
  out_free(&c);
}

/* The city scale: exact counts, streamed to a file. */
static void test_city_counts(void **state) {
  (void)state;
  FILE *fOrg = tmpfile(), *fMem = tmpfile();
  assert_non_null(fOrg);
  assert_non_null(fMem);
  DemoOpts o = {"city", 7, REF};
  DemoResult r;
  assert_int_equal(demo_generate(&o, fOrg, fMem, &r), 0);
  assert_int_equal(r.nOrg, 10000);
  assert_int_equal(r.nMember, 200000);
  assert_string_equal(r.zRoot, "341100");
  assert_true(ftell(fMem) > 200000L * 100);
  fclose(fOrg);
  fclose(fMem);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_deterministic),
    cmocka_unit_test(test_bad_scale),
    cmocka_unit_test(test_county),
    cmocka_unit_test(test_county_other_days),
    cmocka_unit_test(test_city_counts),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
