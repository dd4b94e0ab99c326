/* demo_gen.h: what the two halves of the demo generator share (demo.c builds
 * the organization tree, demo_people.c its members): dates, the random
 * stream and its helpers, the enumerations, and the generator's state.
 * Private to demo*.c. */
#ifndef QJ_DEMO_GEN_H
#define QJ_DEMO_GEN_H
#include "demo.h"
#include "buf.h"
#include "util.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1 << 20)

/* ------------------------------------------------------------------------
 * Dates as days since 1970-01-01 (proleptic Gregorian).
 * ---------------------------------------------------------------------- */
static inline int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static inline void civil_from_days(int z, int *py, int *pm, int *pd) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp < 10 ? mp + 3 : mp - 9;
  *py = yoe + era * 400 + (m <= 2);
  *pm = m;
  *pd = d;
}

static inline int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* days plus n years; 29 February becomes 1 March in a common year, so the
 * result is never earlier than "n years later" by any reading. */
static inline int add_years(int days, int n) {
  int y, m, d;
  civil_from_days(days, &y, &m, &d);
  y += n;
  if (m == 2 && d == 29 && !is_leap(y)) m = 3, d = 1;
  return days_from_civil(y, m, d);
}

static inline void fmt_date(int days, char z[11]) {
  int y, m, d;
  civil_from_days(days, &y, &m, &d);
  z[0] = (char)('0' + y / 1000);
  z[1] = (char)('0' + y / 100 % 10);
  z[2] = (char)('0' + y / 10 % 10);
  z[3] = (char)('0' + y % 10);
  z[4] = '-';
  z[5] = (char)('0' + m / 10);
  z[6] = (char)('0' + m % 10);
  z[7] = '-';
  z[8] = (char)('0' + d / 10);
  z[9] = (char)('0' + d % 10);
  z[10] = 0;
}

/* ------------------------------------------------------------------------
 * Random numbers: xoshiro256** seeded by splitmix64.
 * ---------------------------------------------------------------------- */
typedef struct Rng {
  uint64_t s[4];
} Rng;

static inline uint64_t splitmix64(uint64_t *px) {
  uint64_t z = (*px += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(Rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

static inline void rng_seed(Rng *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

/* Uniform in [0, n); n > 0. */
static inline int below(Rng *r, int n) {
  return (int)(((rng_next(r) >> 32) * (uint64_t)(uint32_t)n) >> 32);
}
/* Uniform in [lo, hi]. */
static inline int range(Rng *r, int lo, int hi) { return hi <= lo ? lo : lo + below(r, hi - lo + 1); }
/* Uniform in [0, 1). */
static inline double unit01(Rng *r) { return (double)(rng_next(r) >> 11) * 0x1p-53; }
/* 1 with probability nPerMille / 1000. */
static inline int chance(Rng *r, int nPerMille) { return below(r, 1000) < nPerMille; }

/* A weighted choice: index into a table of weights. */
static inline int pick(Rng *r, const int *aw, int n) {
  int tot = 0;
  for (int i = 0; i < n; i++) tot += aw[i];
  int x = below(r, tot);
  for (int i = 0; i < n; i++) {
    if (x < aw[i]) return i;
    x -= aw[i];
  }
  return n - 1;
}

typedef struct Choice {
  const char *z;
  int w;
} Choice;

static inline const char *choose(Rng *r, const Choice *a, int n) {
  int tot = 0;
  for (int i = 0; i < n; i++) tot += a[i].w;
  int x = below(r, tot);
  for (int i = 0; i < n; i++) {
    if (x < a[i].w) return a[i].z;
    x -= a[i].w;
  }
  return a[n - 1].z;
}

/* The i-th UTF-8 character (all three bytes: CJK) of a pool string. */
static inline const char *pool_char(const char *zPool, int i) { return zPool + 3 * i; }
static inline int pool_len(const char *zPool) { return (int)(strlen(zPool) / 3); }

/* Bounded concatenation of up to four strings (NULL ends early). */
static inline void scat(char *z, size_t n, const char *a, const char *b, const char *c, const char *d) {
  const char *az[4] = {a, b, c, d};
  size_t k = 0;
  for (int i = 0; i < 4 && az[i]; i++) {
    for (const char *p = az[i]; *p && k + 1 < n; p++) z[k++] = *p;
  }
  z[k] = 0;
}

/* Chinese numeral for 1..99: 一, 十, 十二, 二十三. */
static inline void cn_num(int n, char z[16]) {
  static const char *const az[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  z[0] = 0;
  if (n <= 0 || n > 99) {
    snprintf(z, 16, "%d", n);
    return;
  }
  int t = n / 10, u = n % 10;
  if (t > 1) strcat(z, az[t]);
  if (t > 0) strcat(z, "十");
  strcat(z, az[u]);
}

enum { K_COMM, K_WORK, K_GEN, K_BR, K_JOINT, K_TEMP, K_PROJ };
enum { D_RURAL, D_COMM, D_AGENCY, D_SOE, D_SCHOOL, D_HOSP, D_NONPUB, D_SOCIAL, D_NEWEMP, D_OTHER };
enum { F_NONE, F_STAND, F_JOINT, F_ATTACH };
/* Role of an organization, for its dates. */
enum { R_NORMAL, R_ROOT, R_TOWNSHIP, R_VILLAGE };
enum { L_COUNTY, L_CITY, L_PROVINCE };
/* Member profiles (the people a branch holds). */
enum {
  FL_VILLAGE, FL_COMMUNITY, FL_AGENCY, FL_RETIREE, FL_TEACHER, FL_STUDENT, FL_DOCTOR,
  FL_SOE, FL_NONPUB, FL_SOCIAL, FL_RIDER, FL_TEMP, FL_STAFF, FL_N
};

/* ------------------------------------------------------------------------
 * Places: Anhui's cities and counties, from idcard_aRegion.
 * ---------------------------------------------------------------------- */
typedef struct County {
  char zCode[7];
  char zDisp[40];  /* 定远县, 铜陵市郊区 */
  char zStem[40];  /* 定远 */
  int iCity;
  int bDistrict, bCityLevel; /* 区, 县级市 */
} County;

typedef struct City {
  char zCode[7];  /* 341100 */
  char zDisp[24]; /* 滁州市 */
  char zStem[24]; /* 滁州 */
  const char *zArea;
  int iFirst, nCounty;
} City;

#define MAX_SITE 80
/* The place whose organizations are being built. */
typedef struct Place {
  int eLevel;
  char zCode[7];  /* 行政区划代码 of its organizations */
  char zDisp[40];
  char zStem[40];
  int iCounty, iCity; /* -1 if not a county / city */
  int nTown, nStreet;
  char azSite[MAX_SITE][24]; /* township then street names: 炉桥镇, 城关街道 */
  char azSiteStem[MAX_SITE][24];
  int iCompany, iCompanyStart; /* permutation of company names */
  int iSocial;                 /* next social organization name */
} Place;

/* ------------------------------------------------------------------------
 * The generator.
 * ---------------------------------------------------------------------- */
typedef struct Branch {
  char zCode[33];
  unsigned char eFlavor, bTiny;
  short iCounty, iCity;
  float w;
  int nSize;
} Branch;

typedef struct Gen {
  Rng r;
  FILE *fOrg, *fMem;
  Buf bOrg, bMem;
  int bErr;
  long long nOrg, nOrgTarget, nMem, nMemTarget;
  Branch *aBr;
  int nBr, nBrAlloc;
  County *aCounty;
  int nCounty;
  City aCity[32];
  int nCity;
  const char *const *azOther; /* region codes outside Anhui, for ID numbers */
  int nOther;
  Place *pPlace;
  int ref, refMinus1y, d1950;   /* the reference day, a year before it, 1950-01-01 */
  int villageRound, townshipRound; /* years of the latest election rounds by the reference day */
  char zTownship[33];
  uint64_t *aBloom;
  uint64_t nBlockMask;
} Gen;

/* Writes the buffered rows of b to f (sets g->bErr on failure). */
void demo_flush(Gen *g, Buf *b, FILE *f);
/* Writes one member of branch b (demo_people.c): a unique identity number
 * into zId, *pbMobile when a mobile member; bForceMobile makes one. */
void demo_member_row(Gen *g, const Branch *b, int bForceMobile, char zId[19], int *pbMobile);
#endif
