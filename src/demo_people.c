/* demo_people.c: the demo's members (pass 2 of demo.c): names by sex and
 * era, ages by the branch's profile, education, occupation, income, phone,
 * mobile members, and identity numbers kept unique by a Bloom filter. */
#include "demo_gen.h"
#include "csv.h"
#include "idcard.h"

/* Age bands (age on the reference day). */
static const int aBandLo[8] = {18, 26, 36, 46, 56, 66, 76, 86};
static const int aBandHi[8] = {25, 35, 45, 55, 65, 75, 85, 96};

typedef struct Profile {
  int female, prob, mobile, noPhone; /* per mille */
  int minAge, maxAge;
  int aAge[8];                       /* weights of the age bands */
} Profile;

static const Profile aProfile[FL_N] = {
  /* village */   {210, 26, 125, 70, 20, 96, {3, 10, 13, 18, 22, 18, 11, 5}},
  /* community */ {430, 26, 55, 40, 20, 96, {4, 10, 12, 14, 20, 20, 13, 7}},
  /* agency */    {310, 30, 4, 10, 22, 60, {6, 28, 27, 27, 12, 0, 0, 0}},
  /* retiree */   {300, 0, 15, 40, 56, 96, {0, 0, 0, 0, 25, 40, 25, 10}},
  /* teacher */   {560, 36, 5, 10, 22, 60, {8, 28, 28, 26, 10, 0, 0, 0}},
  /* student */   {560, 220, 20, 10, 19, 28, {100, 0, 0, 0, 0, 0, 0, 0}},
  /* doctor */    {580, 36, 5, 10, 23, 60, {8, 32, 28, 22, 10, 0, 0, 0}},
  /* soe */       {250, 36, 30, 10, 21, 60, {6, 25, 28, 28, 13, 0, 0, 0}},
  /* nonpub */    {300, 46, 80, 15, 20, 65, {10, 35, 28, 18, 7, 2, 0, 0}},
  /* social */    {450, 46, 60, 15, 21, 75, {8, 26, 26, 20, 12, 6, 2, 0}},
  /* rider */     {80, 60, 60, 5, 19, 55, {18, 45, 28, 9, 0, 0, 0, 0}},
  /* temp */      {250, 26, 20, 10, 23, 60, {3, 28, 32, 27, 10, 0, 0, 0}},
  /* staff */     {420, 36, 10, 10, 22, 60, {6, 28, 27, 27, 12, 0, 0, 0}},
};

static const char *const azEdu[] = {"研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下"};
static const int aEduRuralOld[6] = {0, 1, 3, 5, 20, 71};
static const int aEduRuralMid[6] = {0, 4, 12, 10, 30, 44};
static const int aEduRuralYoung[6] = {1, 25, 35, 12, 17, 10};
static const int aEduUrbanOld[6] = {1, 10, 15, 14, 30, 30};
static const int aEduUrban[6] = {3, 30, 30, 10, 17, 10};
static const int aEduAgency[6] = {14, 66, 15, 2, 2, 1};
static const int aEduTeacher[6] = {10, 72, 14, 4, 0, 0};
static const int aEduStudent[6] = {30, 70, 0, 0, 0, 0};
static const int aEduDoctor[6] = {18, 55, 20, 7, 0, 0};
static const int aEduSoe[6] = {6, 40, 30, 10, 10, 4};
static const int aEduNonpub[6] = {3, 25, 32, 12, 18, 10};
static const int aEduSocial[6] = {5, 40, 30, 8, 12, 5};
static const int aEduRider[6] = {0, 10, 33, 20, 27, 10};

/* Occupation categories of the annual statistics. */
enum { O_WORKER, O_FARMER, O_TECH, O_MANAGER, O_CADRE, O_STUDENT, O_RETIRED, O_OTHER, O_N };
static const char *const azOcc[O_N] = {"工人", "农牧渔民", "专业技术人员", "企事业单位管理人员",
                                       "党政机关工作人员", "学生", "离退休人员", "其他职业人员"};

static const Choice aEthnic[] = {
  {"汉族", 9740}, {"回族", 125}, {"满族", 30}, {"蒙古族", 15}, {"壮族", 15}, {"土家族", 12},
  {"苗族", 10}, {"畲族", 10}, {"彝族", 5}, {"藏族", 4}, {"维吾尔族", 4}, {"朝鲜族", 5},
  {"布依族", 4}, {"侗族", 4}, {"瑶族", 4}, {"白族", 3}, {"哈尼族", 2}, {"黎族", 2},
  {"傣族", 2}, {"傈僳族", 1}, {"仡佬族", 1}, {"土族", 1}, {"锡伯族", 1},
};

/* Surnames, roughly by frequency (per ten thousand), with Anhui's 汪, 程,
 * 方, 储 and 檀 a little more common than nationally. */
static const Choice aSurname[] = {
  {"王", 712}, {"李", 700}, {"张", 674}, {"刘", 510}, {"陈", 461}, {"杨", 322}, {"黄", 245},
  {"赵", 219}, {"吴", 208}, {"周", 200}, {"徐", 145}, {"孙", 138}, {"马", 129}, {"朱", 126},
  {"胡", 120}, {"郭", 118}, {"何", 117}, {"林", 70}, {"高", 100}, {"罗", 95}, {"郑", 80},
  {"梁", 75}, {"谢", 70}, {"宋", 70}, {"唐", 70}, {"许", 70}, {"韩", 65}, {"冯", 60},
  {"邓", 60}, {"曹", 60}, {"彭", 55}, {"曾", 50}, {"肖", 50}, {"田", 50}, {"董", 50},
  {"袁", 48}, {"潘", 45}, {"于", 45}, {"蒋", 45}, {"蔡", 45}, {"余", 50}, {"杜", 43},
  {"叶", 42}, {"程", 55}, {"苏", 40}, {"魏", 40}, {"吕", 40}, {"丁", 40}, {"任", 38},
  {"沈", 35}, {"姚", 35}, {"卢", 33}, {"姜", 33}, {"崔", 31}, {"钟", 30}, {"谭", 28},
  {"陆", 28}, {"汪", 60}, {"范", 28}, {"金", 27}, {"石", 26}, {"廖", 25}, {"贾", 25},
  {"夏", 26}, {"韦", 20}, {"付", 22}, {"方", 35}, {"白", 20}, {"邹", 20}, {"孟", 20},
  {"熊", 20}, {"秦", 19}, {"邱", 18}, {"江", 25}, {"尹", 17}, {"薛", 17}, {"闫", 17},
  {"段", 16}, {"雷", 16}, {"侯", 15}, {"龙", 15}, {"史", 15}, {"陶", 16}, {"黎", 12},
  {"贺", 13}, {"顾", 14}, {"毛", 14}, {"郝", 12}, {"龚", 12}, {"邵", 12}, {"万", 12},
  {"钱", 12}, {"严", 11}, {"武", 11}, {"戴", 12}, {"孔", 10}, {"汤", 12}, {"储", 8},
  {"葛", 10}, {"鲍", 6}, {"檀", 4}, {"桂", 4}, {"查", 4}, {"欧阳", 3}, {"诸葛", 1},
  {"司马", 1}, {"上官", 1},
};

/* Given-name characters by sex and by the decade of birth. */
static const char zMaleOld[] = "德明华军忠海福贵成生良胜山林国建文玉志永春金长荣";
static const char *const azMaleOldWhole[] = {
  "建国", "国庆", "解放", "建华", "国华", "志强", "国强", "建军", "德明", "德华", "福生", "长林",
  "玉明", "文明", "金山", "振华", "富贵", "永胜", "学文", "明亮", "树林", "春生", "志勇", "卫东",
  "卫国", "红旗", "广福", "立新", "家和", "保国", "庆丰", "国平", "兴华", "学军", "传友", "继红"};
static const char zMaleMid[] = "伟军勇斌涛明超刚平辉强杰波宏峰林华东兵磊鹏飞春海建国志文新亮永红庆玉大中长德先学小晓云";
static const char zMaleYoung[] = "磊鹏浩宇杰俊涛超强亮阳洋帅鑫晨凯龙博文斌翔宁健飞振家子志伟明天昊一嘉泽轩";
static const char zMaleNew[] = "子浩宇轩皓睿博梓铭泽涵俊辰航奕哲然豪一锦逸晨宸瑞煜嘉文鑫昊天";
static const char zFemOld[] = "英兰珍梅芳凤霞华琴云秀桂玉淑素翠金春";
static const char *const azFemOldWhole[] = {
  "秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "玉珍", "淑珍", "素珍", "秀珍", "兰英", "桂芳",
  "玉梅", "凤兰", "翠兰", "金凤", "春兰", "秀云", "玉英", "淑华", "秀芳", "桂珍", "素英", "玉华", "美英"};
static const char zFemMid[] = "丽芳红敏静燕艳霞玲娟萍华梅英平琴莉玉秀春晓慧兰小雪美海亚丹";
static const char zFemYoung[] = "婷静敏雪丹倩悦佳琳颖洁蕾晶璐瑶欣怡琪雅楠媛露冉文梦思晓莹蓉薇";
static const char zFemNew[] = "梓涵欣怡诗雨萱可馨一佳语若思婉子梦琪彤悦嘉依晨沐艺雅妍晴瑾芮";

/* Where mobile members (流动党员) from Anhui now work. */
static const Choice aMobileTo[] = {
  {"上海市", 200}, {"江苏省苏州市", 150}, {"浙江省杭州市", 140}, {"江苏省南京市", 120},
  {"安徽省合肥市", 110}, {"浙江省宁波市", 70}, {"江苏省无锡市", 60}, {"广东省深圳市", 60},
  {"江苏省常州市", 45}, {"北京市", 45}, {"广东省广州市", 35}, {"浙江省温州市", 30},
  {"广东省东莞市", 25}, {"浙江省嘉兴市", 25}, {"江苏省南通市", 20}, {"福建省厦门市", 15},
  {"天津市", 10}, {"湖北省武汉市", 10}, {"山东省青岛市", 10}, {"浙江省金华市", 15},
};

static const Choice aMobilePrefix[] = {
  {"139", 10}, {"138", 10}, {"137", 8}, {"136", 8}, {"135", 8}, {"134", 5}, {"150", 6}, {"151", 6},
  {"152", 5}, {"157", 4}, {"158", 6}, {"159", 6}, {"182", 5}, {"183", 4}, {"187", 5}, {"188", 4},
  {"198", 3}, {"130", 5}, {"131", 4}, {"132", 4}, {"155", 5}, {"156", 5}, {"185", 4}, {"186", 5},
  {"166", 2}, {"133", 4}, {"153", 4}, {"180", 4}, {"181", 4}, {"189", 5}, {"199", 3}, {"177", 3},
  {"173", 2}, {"176", 2}, {"191", 2}, {"195", 1}, {"178", 2}, {"147", 1},
};

/* ------------------------------------------------------------------------
 * Members.
 * ---------------------------------------------------------------------- */

/* 1 if the 17-digit key may have been seen (then another is drawn), else
 * records it and returns 0. A blocked Bloom filter: 512-bit blocks. */
static int bloom_seen(Gen *g, uint64_t key) {
  uint64_t x = key;
  uint64_t h1 = splitmix64(&x), h2 = splitmix64(&x);
  uint64_t *blk = g->aBloom + ((h1 & g->nBlockMask) << 3);
  int seen = 1;
  for (int i = 0; i < 5; i++) {
    unsigned bit = (unsigned)(h2 >> (9 * i)) & 511u;
    uint64_t m = 1ull << (bit & 63);
    if (!(blk[bit >> 6] & m)) {
      seen = 0;
      blk[bit >> 6] |= m;
    }
  }
  return seen;
}

static const char *id_region(Gen *g, const Branch *b) {
  Rng *r = &g->r;
  int x = below(r, 1000);
  if (x < 850) {
    if (b->iCounty >= 0) return g->aCounty[b->iCounty].zCode;
    if (b->iCity >= 0) {
      const City *c = &g->aCity[b->iCity];
      return g->aCounty[c->iFirst + (below(r, 100) < 40 ? 0 : below(r, c->nCounty))].zCode;
    }
    if (below(r, 100) < 50) return g->aCounty[g->aCity[0].iFirst + below(r, g->aCity[0].nCounty)].zCode;
    return g->aCounty[below(r, g->nCounty)].zCode;
  }
  if (x < 970 || g->nOther == 0) return g->aCounty[below(r, g->nCounty)].zCode;
  return g->azOther[below(r, g->nOther)];
}

static void person_name(Rng *r, int bFemale, int year, char *z, size_t n) {
  const char *zSur = choose(r, aSurname, (int)ARRAY_LEN(aSurname));
  int era = year < 1960 ? 0 : year < 1980 ? 1 : year < 2000 ? 2 : 3;
  static const char *const azPool[2][4] = {{zMaleOld, zMaleMid, zMaleYoung, zMaleNew},
                                           {zFemOld, zFemMid, zFemYoung, zFemNew}};
  if (era == 0 && chance(r, 450)) {
    if (bFemale) scat(z, n, zSur, azFemOldWhole[below(r, (int)ARRAY_LEN(azFemOldWhole))], 0, 0);
    else scat(z, n, zSur, azMaleOldWhole[below(r, (int)ARRAY_LEN(azMaleOldWhole))], 0, 0);
    return;
  }
  const char *zPool = azPool[bFemale][era];
  int nPool = pool_len(zPool);
  int bTwo = chance(r, era == 3 ? 900 : era == 0 ? 550 : 650);
  char a[4] = {0}, b[4] = {0};
  int i1 = below(r, nPool), i2 = below(r, nPool);
  if (i2 == i1) i2 = (i1 + 1 + below(r, nPool - 1)) % nPool;
  memcpy(a, pool_char(zPool, i1), 3);
  memcpy(b, pool_char(zPool, i2), 3);
  scat(z, n, zSur, a, bTwo ? b : 0, 0);
}

static int join_age(Rng *r) {
  static const int aw[5] = {20, 32, 28, 14, 6};
  static const int lo[5] = {18, 23, 28, 36, 46}, hi[5] = {22, 27, 35, 45, 60};
  int k = pick(r, aw, 5);
  return range(r, lo[k], hi[k]);
}

static int education(Rng *r, int fl, int age) {
  static const int aRetiree[6] = {4, 30, 25, 12, 15, 14};
  const int *a;
  switch (fl) {
    case FL_VILLAGE: a = age >= 56 ? aEduRuralOld : age >= 36 ? aEduRuralMid : aEduRuralYoung; break;
    case FL_COMMUNITY: a = age >= 60 ? aEduUrbanOld : aEduUrban; break;
    case FL_RETIREE: a = aRetiree; break;
    case FL_TEACHER: a = aEduTeacher; break;
    case FL_STUDENT: a = aEduStudent; break;
    case FL_DOCTOR: a = aEduDoctor; break;
    case FL_SOE: a = aEduSoe; break;
    case FL_NONPUB: a = aEduNonpub; break;
    case FL_SOCIAL: a = aEduSocial; break;
    case FL_RIDER: a = aEduRider; break;
    default: a = aEduAgency; break;
  }
  int e = pick(r, a, 6);
  if (age >= 50 && fl != FL_VILLAGE && fl != FL_COMMUNITY && fl != FL_RETIREE && e < 5 && chance(r, 300)) e++;
  return e;
}

static int occupation(Rng *r, int fl, int age) {
  static const int aVillageOld[O_N] = {0, 70, 0, 0, 0, 0, 12, 18};
  static const int aVillage[O_N] = {15, 52, 6, 6, 3, 0, 0, 18};
  static const int aCommunity[O_N] = {18, 0, 20, 15, 7, 0, 0, 35};
  static const int aAgency[O_N] = {0, 0, 7, 5, 88, 0, 0, 0};
  static const int aTech[O_N] = {5, 0, 84, 11, 0, 0, 0, 0};
  static const int aSoe[O_N] = {35, 0, 30, 35, 0, 0, 0, 0};
  static const int aNonpub[O_N] = {38, 0, 24, 28, 0, 0, 0, 10};
  static const int aSocial[O_N] = {0, 0, 35, 25, 0, 0, 0, 40};
  static const int aRider[O_N] = {18, 0, 0, 0, 0, 0, 0, 82};
  static const int aTemp[O_N] = {0, 0, 30, 30, 40, 0, 0, 0};
  static const int aStaff[O_N] = {10, 0, 60, 30, 0, 0, 0, 0};
  switch (fl) {
    case FL_VILLAGE:
      if (age < 24 && chance(r, 250)) return O_STUDENT;
      return pick(r, age >= 60 ? aVillageOld : aVillage, O_N);
    case FL_COMMUNITY:
      if (age >= 58) return chance(r, 850) ? O_RETIRED : O_OTHER;
      if (age < 24 && chance(r, 300)) return O_STUDENT;
      return pick(r, aCommunity, O_N);
    case FL_RETIREE: return O_RETIRED;
    case FL_STUDENT: return O_STUDENT;
    case FL_AGENCY: return age >= 61 ? O_RETIRED : pick(r, aAgency, O_N);
    case FL_TEACHER:
    case FL_DOCTOR: return age >= 61 ? O_RETIRED : pick(r, aTech, O_N);
    case FL_SOE: return age >= 61 ? O_RETIRED : pick(r, aSoe, O_N);
    case FL_NONPUB: return age >= 61 && chance(r, 700) ? O_RETIRED : pick(r, aNonpub, O_N);
    case FL_SOCIAL: return age >= 61 && chance(r, 700) ? O_RETIRED : pick(r, aSocial, O_N);
    case FL_RIDER: return pick(r, aRider, O_N);
    case FL_TEMP: return pick(r, aTemp, O_N);
    default: return age >= 61 ? O_RETIRED : pick(r, aStaff, O_N);
  }
}

/* Monthly income in yuan, 0 for none given (farmers and students pay fixed
 * dues; some others leave it empty). */
static int income(Rng *r, int occ, int fl) {
  if (occ == O_FARMER || occ == O_STUDENT || chance(r, 80)) return 0;
  int lo, hi;
  switch (occ) {
    case O_RETIRED:
      if (fl == FL_AGENCY || fl == FL_RETIREE) lo = 4500, hi = 9000;
      else if (fl == FL_VILLAGE) lo = 1500, hi = 3500;
      else lo = 2500, hi = 6500;
      break;
    case O_CADRE: lo = 4800, hi = 9800; break;
    case O_TECH:
      if (fl == FL_TEACHER) lo = 5000, hi = 10000;
      else if (fl == FL_DOCTOR) lo = 6000, hi = 18000;
      else lo = 4500, hi = 12000;
      break;
    case O_MANAGER: lo = 5500, hi = 20000; break;
    case O_WORKER: lo = 3200, hi = 7500; break;
    default:
      if (fl == FL_RIDER) lo = 4500, hi = 10000;
      else lo = 2800, hi = 8000;
      break;
  }
  double u = unit01(r);
  int v = lo + (int)((hi - lo) * (u + u * u) / 2); /* skewed low */
  return chance(r, 500) ? v / 100 * 100 : v / 10 * 10;
}

static void put_digits(char *z, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; i--, v /= 10) z[i] = (char)('0' + v % 10);
}

/* One member row of branch b into g->bMem. The id number goes to zId; *pbMobile
 * says whether the member is a mobile one. bForceMobile makes a full member
 * who is mobile (the demo login). */
void demo_member_row(Gen *g, const Branch *b, int bForceMobile, char zId[19], int *pbMobile) {
  Rng *r = &g->r;
  int fl = b->eFlavor;
  const Profile *p = &aProfile[fl];
  int bFemale = chance(r, p->female);
  int bProb = !bForceMobile && chance(r, p->prob);
  int age;
  if (bProb) {
    age = fl == FL_STUDENT ? range(r, 19, 23) : 19 + (int)(unit01(r) * unit01(r) * 24);
  } else if (fl == FL_STUDENT) {
    age = range(r, 20, 27);
  } else {
    int band = pick(r, p->aAge, 8);
    age = range(r, aBandLo[band], aBandHi[band]);
  }
  if (age > p->maxAge) age = range(r, p->maxAge - 6, p->maxAge);
  if (age < p->minAge) age = p->minAge + below(r, 3);
  int birth = g->ref - age * 365 - age / 4 - below(r, 365);
  int lower = add_years(birth, 18);
  if (lower < g->d1950) lower = g->d1950;
  int join = 0, full = 0;
  if (!bProb) {
    /* Conversion normally a year after admission; sometimes the branch
     * meeting is a few weeks late, or probation was extended. */
    int delay = 0, x = below(r, 100);
    if (x >= 88) delay = x < 96 ? range(r, 1, 45) : range(r, 182, 365);
    int upper = g->refMinus1y - delay;
    if (lower > upper) delay = 0, upper = g->refMinus1y;
    if (lower > upper) {
      bProb = 1;
    } else {
      int jAge = fl == FL_STUDENT ? range(r, 19, 22) : join_age(r);
      join = add_years(birth, jAge) + below(r, 365);
      if (join < lower) join = lower + below(r, 90);
      if (join > upper) join = lower + below(r, upper - lower + 1);
      full = add_years(join, 1) + delay;
      if (full > g->ref) full = g->ref;
    }
  }
  if (bProb) {
    join = g->ref - below(r, 365);
    while (add_years(birth, 18) > join) birth -= 1 + below(r, 400);
  }

  /* Identity number: region, birth date, sequence (odd for men), check. */
  char z17[18];
  int by, bm, bd;
  civil_from_days(birth, &by, &bm, &bd);
  const char *zRegion = id_region(g, b);
  memcpy(z17, zRegion, 6);
  put_digits(z17 + 6, (uint64_t)(by * 10000 + bm * 100 + bd), 8);
  for (int tries = 0;; tries++) {
    int seq = below(r, 500) * 2 + (bFemale ? 0 : 1);
    if (seq == 0) seq = 2;
    put_digits(z17 + 14, (uint64_t)seq, 3);
    uint64_t key = 0;
    for (int i = 0; i < 17; i++) key = key * 10 + (uint64_t)(z17[i] - '0');
    if (!bloom_seen(g, key)) break;
    if (tries > 50) {
      /* a crowded day: move to the next region code in the table */
      zRegion = g->aCounty[below(r, g->nCounty)].zCode;
      memcpy(z17, zRegion, 6);
      tries = 0;
    }
  }
  memcpy(zId, z17, 17);
  zId[17] = idcard_check_char(z17);
  zId[18] = 0;

  char zName[32], zBirth[11], zJoin[11], zFull[11] = "", zPhone[24] = "", zIncome[16] = "";
  person_name(r, bFemale, by, zName, sizeof zName);
  fmt_date(birth, zBirth);
  fmt_date(join, zJoin);
  if (!bProb) fmt_date(full, zFull);
  int occ = occupation(r, fl, age);
  int inc = income(r, occ, fl);
  if (inc) snprintf(zIncome, sizeof zIncome, "%d", inc);
  int noPhone = p->noPhone + (age > 75 ? 150 : 0);
  if (!chance(r, noPhone)) {
    if (chance(r, 12)) {
      const char *zArea = b->iCity >= 0 ? g->aCity[b->iCity].zArea : "0551";
      int n8 = strcmp(zArea, "0551") == 0;
      memcpy(zPhone, zArea, 4);
      zPhone[4] = '-';
      zPhone[5] = (char)('2' + below(r, 7));
      put_digits(zPhone + 6, (uint64_t)below(r, 10000000), n8 ? 7 : 6);
      zPhone[n8 ? 13 : 12] = 0;
    } else {
      memcpy(zPhone, choose(r, aMobilePrefix, (int)ARRAY_LEN(aMobilePrefix)), 3);
      put_digits(zPhone + 3, (uint64_t)below(r, 100000000), 8);
      zPhone[11] = 0;
    }
  }
  int bMobile = bForceMobile || chance(r, p->mobile);
  const char *zTo = "";
  if (bMobile) zTo = choose(r, aMobileTo, (int)ARRAY_LEN(aMobileTo));
  *pbMobile = bMobile;

  const char *az[15] = {zName, zId, bFemale ? "女" : "男", zBirth,
                        choose(r, aEthnic, (int)ARRAY_LEN(aEthnic)), azEdu[education(r, fl, age)],
                        bProb ? "预备党员" : "正式党员", zJoin, zFull, b->zCode, azOcc[occ], zPhone,
                        bMobile ? "是" : "否", zTo, zIncome};
  csv_write_row(&g->bMem, az, 15, 0);
  g->nMem++;
  if (g->bMem.n >= CHUNK) demo_flush(g, &g->bMem, g->fMem);
}
