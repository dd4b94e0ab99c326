/* demo.c: the deterministic demo data set (organizations and members of a
 * county, a city or the whole province of Anhui), written as the import files
 * of formats.md.
 *
 * How it works. Pass 1 builds the organization tree top down and streams each
 * row to the organizations CSV as it is made, so a parent always comes before
 * its children. Every level gets an exact budget of organizations (the
 * province 190,700, each city and county a share of it) and every builder
 * makes exactly its budget, so the totals are exact. Branch kinds are kept in
 * a compact array (code, member profile, place, weight): about 50 bytes per
 * branch. Between the passes the member total is spread over the branches in
 * proportion to their weights (cumulative rounding, so the sum is exact), and
 * pass 2 streams the members branch by branch. Peak memory is the branch
 * array, a blocked Bloom filter that keeps identity numbers unique (a false
 * positive only means another sequence number is drawn) and two 1 MiB output
 * chunks.
 *
 * Everything random comes from one xoshiro256** stream seeded by splitmix64
 * from the seed, and every date is computed against the reference day
 * (DemoOpts.zToday: `qiangji demo --today`, else the business day), so the
 * same seed, scale and day give the same bytes on any machine, and a demo
 * built today looks like today. All member dates are on or before the reference day;
 * the 结束日期 of temporary and project branches is their planned end and lies
 * after it (a branch that has already ended would not hold members).
 *
 * The members themselves (names, ages, education, occupations, phones,
 * identity numbers) are made in demo_people.c; what both share (dates, the
 * random stream, the generator's state) is in demo_gen.h. */
#include "demo_gen.h"
#include "csv.h"
#include "idcard.h"

/* ------------------------------------------------------------------------
 * The vocabulary of the data set.
 * ---------------------------------------------------------------------- */
static const char *const azKind[] = {"党委", "党工委", "党总支", "党支部", "联合党支部", "临时党支部", "项目党支部"};
static const char *const azDomain[] = {"农村", "城市社区", "机关", "国有企业", "学校",
                                       "公立医院", "非公有制企业", "社会组织", "新就业群体", "其他"};
static const char *const azForm[] = {"", "单独组建", "联合组建", "挂靠组建"};

/* Telephone area codes of Anhui's cities, by the first four digits. */
static const struct {
  const char *zCity, *zArea;
} aAreaCode[] = {
  {"3401", "0551"}, {"3402", "0553"}, {"3403", "0552"}, {"3404", "0554"}, {"3405", "0555"}, {"3406", "0561"},
  {"3407", "0562"}, {"3408", "0556"}, {"3410", "0559"}, {"3411", "0550"}, {"3412", "0558"}, {"3413", "0557"},
  {"3415", "0564"}, {"3416", "0558"}, {"3417", "0566"}, {"3418", "0563"},
};

/* Place names: a first character and a second, typical of Anhui. */
static const char zPlaceA[] =
  "王李张刘陈杨吴周徐孙朱胡高何黄程汪方江许大小东西南北中上下前后新老古龙凤马牛白青石金三五双长桑柳桃梅荷莲洪清永安"
  "兴太广仁义和丰富宝官草沙泉花林竹枣藕池炉蒋吕严范卜吉瓦铁桂鲁杜涧岳褚潘";
static const char zTownB[] = "集店桥岗铺河湖山塘圩埠口庙城港庄寺坝关墩";
static const char zVillageB[] = "庄岗圩郢湖塘桥集洼营台山冲坝店湾楼寨井沟林园畈埂";
static const char zStreetB[] = "城门山湖桥园阳安湾河塘港";
static const char *const azVillageGood[] = {"幸福", "团结", "联合", "新华", "红星", "光明", "和平", "东风",
                                            "永丰", "前进", "胜利", "新民", "友谊", "建设", "新农", "民主"};
static const char *const azCommunity[] = {
  "幸福", "和平", "建设", "人民", "解放", "花园", "东城", "西苑", "南湖", "翠竹", "金桥", "文昌", "龙湖",
  "阳光", "锦绣", "新华", "向阳", "春晖", "滨河", "明湖", "紫薇", "丰乐", "长春", "永安", "景园", "兴隆",
  "育才", "书香", "梧桐", "银杏", "荷塘", "凤凰", "天河", "清溪", "北门", "南门", "东门", "西门", "鼓楼",
  "府前", "钟楼", "桂花", "玉兰", "菱湖", "湖滨", "康乐", "和谐", "静安"};
static const char *const azEstate[] = {"世纪花园", "阳光城", "金色家园", "锦绣华府", "滨河湾", "翡翠园",
                                       "御景苑", "丽景新城", "和园", "星河湾", "东方名城", "桂花苑"};

/* Companies and other bodies: a brand and a trade. */
static const char *const azBrand[] = {
  "华盛", "鑫达", "恒通", "金源", "瑞丰", "永安", "中联", "天成", "宏图", "远航", "盛世", "东方", "联创",
  "新锐", "海峰", "润泽", "华信", "博远", "安达", "德润", "华宇", "同创", "长盛", "嘉禾", "鼎盛", "兴业",
  "汇通", "众信", "明辉", "富源", "佳和", "荣昌", "振华", "泰和", "鸿运", "金盛", "恒远", "凯达", "天辰",
  "皖润", "皖丰", "徽韵", "新安", "淮海", "皖江", "信达", "万润", "春晖", "精诚", "卓越"};
static const char *const azTrade[] = {
  "新材料", "机械制造", "电子科技", "食品", "纺织", "建材", "农业科技", "化工", "汽车零部件", "物流",
  "建筑工程", "包装", "家居", "医药", "光伏科技", "电气", "塑业", "米业", "茶业", "环保科技", "信息技术",
  "服装", "生物科技", "精密制造", "新能源", "智能装备", "铝业", "钢结构", "陶瓷", "商贸"};
static const char *const azCompanySuffix[] = {"有限公司", "股份有限公司", "集团有限公司"};
static const char *const azSocialKind[] = {"养老服务中心", "幼儿园", "职业培训学校", "社会工作服务中心",
                                           "律师事务所", "会计师事务所", "青少年活动中心", "志愿服务中心",
                                           "艺术培训学校", "康复中心", "公益基金会", "家政服务中心",
                                           "心理咨询中心", "文化传播中心", "评估中心", "社区服务中心"};


void demo_flush(Gen *g, Buf *b, FILE *f) {
  if (b->n && fwrite(b->z, 1, b->n, f) != b->n) g->bErr = 1;
  buf_reset(b);
}

/* Dates of an organization: founded (成立日期) and current term (本届任期开始,
 * 0 for none). */
static void org_dates(Gen *g, int eKind, int eDomain, int eRole, int *pEst, int *pTerm) {
  Rng *r = &g->r;
  int y0, y1;
  if (eRole == R_ROOT) y0 = 1949, y1 = 1956;
  else if (eRole == R_TOWNSHIP) y0 = 1950, y1 = 1995;
  else if (eRole == R_VILLAGE) {
    if (eDomain == D_RURAL) y0 = 1950, y1 = 1990;
    else y0 = 1995, y1 = 2020;
  } else {
    switch (eDomain) {
      case D_AGENCY: y0 = 1950, y1 = 2019; break;
      case D_SCHOOL: y0 = 1952, y1 = 2015; break;
      case D_HOSP: y0 = 1952, y1 = 2005; break;
      case D_SOE: y0 = 1985, y1 = 2020; break;
      case D_NONPUB: y0 = 2003, y1 = 2025; break;
      case D_SOCIAL: y0 = 2008, y1 = 2025; break;
      case D_NEWEMP: y0 = 2017, y1 = 2025; break;
      case D_COMM: y0 = 1995, y1 = 2020; break;
      default: y0 = 1960, y1 = 2015; break;
    }
  }
  int est = days_from_civil(y0, 1, 1) + below(r, days_from_civil(y1 + 1, 1, 1) - days_from_civil(y0, 1, 1));
  if (est > g->ref) est = g->ref - below(r, 365);
  int term = 0;
  if (eKind == K_WORK) {
    term = 0; /* a working committee is appointed, not elected */
  } else if (eRole == R_VILLAGE) {
    /* Village and community committees: the latest round of elections
     * (every five years from 2021, January to April), a few still on the
     * round before (now overdue), a few elected in between. */
    int y = g->villageRound;
    int x = below(r, 100);
    if (x < 90) term = days_from_civil(y, 1, 5) + below(r, 115);
    else if (x < 96) term = days_from_civil(y - 5, 1, 10) + below(r, 110);
    else term = days_from_civil(y - 4, 1, 1) + below(r, 4 * 365);
  } else if (eRole == R_TOWNSHIP) {
    /* Townships elected in their latest round (every five years from 2021,
     * October to January). */
    if (below(r, 100) < 80) term = days_from_civil(g->townshipRound, 10, 1) + below(r, 122);
    else term = g->ref - below(r, 5 * 365 - 30);
  } else if (eKind == K_COMM) {
    if (below(r, 100) < 96) term = g->ref - below(r, 5 * 365 - 30);
    else term = add_years(g->ref, -5) - range(r, 1, 300);
  } else {
    if (below(r, 100) < 95) term = g->ref - below(r, 3 * 365 - 15);
    else term = add_years(g->ref, -3) - range(r, 1, 400);
  }
  if (term && est > term) est = term - below(r, 3650);
  if (est < days_from_civil(1949, 10, 1)) est = days_from_civil(1949, 10, 1) + below(r, 300);
  if (term && est > term) term = est;
  *pEst = est;
  *pTerm = term;
}

static void org_row(Gen *g, const char *zCode, const char *zName, const char *zParent, int eKind,
                    int eDomain, int eForm, int est, int term, int end) {
  char zEst[11], zTerm[11] = "", zEnd[11] = "";
  fmt_date(est, zEst);
  if (term) fmt_date(term, zTerm);
  if (end) fmt_date(end, zEnd);
  const char *az[10] = {zCode, zName, zParent ? zParent : "", azKind[eKind], azDomain[eDomain],
                        azForm[eForm], zEst, g->pPlace->zCode, zTerm, zEnd};
  if (strlen(zCode) > 32) {
    fprintf(stderr, "qiangji: demo: organization code too long: %s\n", zCode);
    abort();
  }
  csv_write_row(&g->bOrg, az, 10, 0);
  g->nOrg++;
  if (g->bOrg.n >= CHUNK) demo_flush(g, &g->bOrg, g->fOrg);
  if ((g->nOrg & 1023) == 0) util_progress("演示：组织", g->nOrg, g->nOrgTarget);
}

/* Keeps a branch for the member pass. w is its member weight; a few branches
 * are made tiny (1 or 2 members) and a few big. */
static void branch_keep(Gen *g, const char *zCode, int eFlavor, double w) {
  if (g->nBr == g->nBrAlloc) {
    g->nBrAlloc = g->nBrAlloc ? g->nBrAlloc * 2 : 4096;
    g->aBr = xrealloc(g->aBr, (size_t)g->nBrAlloc * sizeof(Branch));
  }
  Branch *b = &g->aBr[g->nBr++];
  memset(b, 0, sizeof(*b));
  memcpy(b->zCode, zCode, strlen(zCode) + 1);
  b->eFlavor = (unsigned char)eFlavor;
  b->iCounty = (short)g->pPlace->iCounty;
  b->iCity = (short)g->pPlace->iCity;
  int x = below(&g->r, 1000);
  if (x < 15) {
    b->bTiny = 1;
    b->nSize = 1 + below(&g->r, 2);
  } else if (x < 40) {
    b->w = (float)(w * (1.7 + 1.1 * unit01(&g->r)));
  } else {
    b->w = (float)(w * (0.55 + 0.45 * (unit01(&g->r) + unit01(&g->r))));
  }
}

/* Emits one organization with dates from its kind, domain and role; a branch
 * kind is kept for the member pass with profile eFlavor and weight w. */
static void emit(Gen *g, const char *zCode, const char *zName, const char *zParent, int eKind,
                 int eDomain, int eForm, int eRole, int eFlavor, double w) {
  int est, term;
  org_dates(g, eKind, eDomain, eRole, &est, &term);
  org_row(g, zCode, zName, zParent, eKind, eDomain, eForm, est, term, 0);
  if (eKind >= K_BR) branch_keep(g, zCode, eFlavor, w);
}

/* Member profile of a branch from its name: retirees and students have
 * their own. */
static int flavor_of(const char *zName, int eFlavor) {
  if (strstr(zName, "退休")) return FL_RETIREE;
  if (strstr(zName, "生第") || strstr(zName, "研究生") || strstr(zName, "学生")) return FL_STUDENT;
  return eFlavor;
}

static double weight_of(int eFlavor, double w) {
  if (eFlavor == FL_RETIREE) return 24;
  if (eFlavor == FL_STUDENT) return 30;
  return w;
}

/* ------------------------------------------------------------------------
 * Units: an agency, school, hospital or company with exactly n
 * organizations. 1: a branch; up to 6: a general branch with its branches;
 * more: a committee with branches, general branches and, for big ones,
 * sub-committees (colleges, subsidiaries).
 * ---------------------------------------------------------------------- */
typedef struct Spec {
  const char *const *azDept;  /* names of branches under it, NULL-terminated */
  const char *const *azGroup; /* names of general branches under it */
  const char *zSite;          /* then one branch per township: 炉桥 + 派出所 */
  const struct Spec *pSub;    /* spec of sub-committees, or NULL */
  const char *const *azSub;   /* their names */
  int pctGroup, pctSub;       /* chance (%) a child is a general branch / sub-committee */
  int eFlavor;
  float w; /* member weight of its branches */
} Spec;

static int list_len(const char *const *az) {
  int n = 0;
  while (az && az[n]) n++;
  return n;
}

/* Name of the i-th branch of a unit (0-based): from the list, then per
 * township, then 第N. */
static void dept_name(Gen *g, const Spec *p, int i, char *z, size_t n) {
  int nDept = list_len(p->azDept);
  if (i < nDept) {
    scat(z, n, p->azDept[i], 0, 0, 0);
    return;
  }
  i -= nDept;
  Place *pl = g->pPlace;
  int nSite = pl->nTown + pl->nStreet;
  if (p->zSite && pl->eLevel == L_COUNTY && i < nSite) {
    scat(z, n, pl->azSiteStem[i], p->zSite, 0, 0);
    return;
  }
  /* 机关第六 after 机关第一..第五 in an agency; 第N elsewhere */
  int nJg = 0;
  for (int k = 0; k < nDept; k++)
    if (strncmp(p->azDept[k], "机关第", strlen("机关第")) == 0) nJg++;
  char zNum[16];
  cn_num(nJg ? nJg + i + 1 : i + 1, zNum);
  scat(z, n, nJg ? "机关第" : "第", zNum, 0, 0);
}

static void unit(Gen *g, const char *zParent, const char *zCode, const char *zBase, int n,
                 const Spec *p, int eDomain, int eForm, int eKindOne);

/* A general branch named zBase党总支 with n-1 branches zKidBase第N党支部. */
static void general_branch(Gen *g, const char *zParent, const char *zCode, const char *zBase,
                           const char *zKidBase, int n, const Spec *p, int eDomain, int eForm) {
  char zName[320], zKid[64], zDept[96], zNum[16];
  scat(zName, sizeof zName, zBase, "党总支", 0, 0);
  emit(g, zCode, zName, zParent, K_GEN, eDomain, eForm, R_NORMAL, p->eFlavor, 0);
  for (int i = 0; i < n - 1; i++) {
    snprintf(zKid, sizeof zKid, "%.40s-B%02d", zCode, i + 1);
    cn_num(i + 1, zNum);
    scat(zDept, sizeof zDept, "第", zNum, 0, 0);
    scat(zName, sizeof zName, zKidBase, zDept, "党支部", 0);
    int fl = flavor_of(zName, p->eFlavor);
    emit(g, zKid, zName, zCode, K_BR, eDomain, eForm, R_NORMAL, fl, weight_of(fl, p->w));
  }
}

static void unit(Gen *g, const char *zParent, const char *zCode, const char *zBase, int n,
                 const Spec *p, int eDomain, int eForm, int eKindOne) {
  char zName[320], zKid[64], zDept[96], zSubBase[320];
  Rng *r = &g->r;
  if (n <= 2) {
    scat(zName, sizeof zName, zBase, azKind[eKindOne], 0, 0);
    int fl = flavor_of(zName, p->eFlavor);
    emit(g, zCode, zName, zParent, eKindOne, eDomain, eForm, R_NORMAL, fl, weight_of(fl, p->w));
    if (n == 2) {
      /* Two organizations: a second branch beside the first (a general
       * branch over a single branch would be odd), for retirees if the unit
       * has them: 定远县审计局党支部 and 定远县审计局离退休干部党支部. */
      const char *zSecond = "第二";
      for (int i = 0; p->azDept && p->azDept[i]; i++)
        if (strstr(p->azDept[i], "退休")) zSecond = p->azDept[i];
      snprintf(zKid, sizeof zKid, "%.40sB", zCode);
      scat(zName, sizeof zName, zBase, zSecond, "党支部", 0);
      fl = flavor_of(zName, p->eFlavor);
      emit(g, zKid, zName, zParent, K_BR, eDomain, eForm, R_NORMAL, fl, weight_of(fl, p->w));
    }
    return;
  }
  if (n <= 6) {
    /* A general branch, or (for 4 to 6) as often a committee with a few
     * branches; the branches are named after the unit's departments. */
    int eKind = n >= 4 && below(r, 100) < 45 ? K_COMM : K_GEN;
    scat(zName, sizeof zName, zBase, azKind[eKind], 0, 0);
    emit(g, zCode, zName, zParent, eKind, eDomain, eForm, R_NORMAL, p->eFlavor, 0);
    for (int i = 0; i < n - 1; i++) {
      snprintf(zKid, sizeof zKid, "%.40s-B%02d", zCode, i + 1);
      dept_name(g, p, i, zDept, sizeof zDept);
      scat(zName, sizeof zName, zBase, zDept, "党支部", 0);
      int fl = flavor_of(zName, p->eFlavor);
      emit(g, zKid, zName, zCode, K_BR, eDomain, eForm, R_NORMAL, fl, weight_of(fl, p->w));
    }
    return;
  }
  scat(zName, sizeof zName, zBase, "党委", 0, 0);
  emit(g, zCode, zName, zParent, K_COMM, eDomain, eForm, R_NORMAL, p->eFlavor, 0);
  int t = n - 1, seq = 0, iDept = 0, iGroup = 0, iSub = 0;
  int nGroup = list_len(p->azGroup), nSub = list_len(p->azSub);
  while (t > 0) {
    seq++;
    if (p->pSub && t >= 8 && n >= 30 && below(r, 100) < p->pctSub) {
      int c = range(r, 8, t < 36 ? t : 36);
      if (t - c < 3) c = t;
      snprintf(zKid, sizeof zKid, "%.40s-W%02d", zCode, seq);
      if (iSub < nSub) {
        scat(zSubBase, sizeof zSubBase, zBase, p->azSub[iSub], 0, 0);
      } else {
        char zNum[16];
        cn_num(iSub - nSub + 1, zNum);
        scat(zSubBase, sizeof zSubBase, zBase, "第", zNum,
             eDomain == D_SOE || eDomain == D_NONPUB ? "子公司" : "直属单位");
      }
      iSub++;
      unit(g, zCode, zKid, zSubBase, c, p->pSub, eDomain, eForm, K_BR);
      t -= c;
    } else if (t >= 3 && below(r, 100) < p->pctGroup) {
      int c = range(r, 3, t < 6 ? t : 6);
      snprintf(zKid, sizeof zKid, "%.40s-Z%02d", zCode, seq);
      char zKidBase[320];
      if (iGroup < nGroup) {
        scat(zSubBase, sizeof zSubBase, zBase, p->azGroup[iGroup], 0, 0);
        scat(zKidBase, sizeof zKidBase, zSubBase, 0, 0, 0);
      } else {
        /* 第二党总支, with 第二党总支第一党支部 under it */
        char zNum[16];
        cn_num(iGroup - nGroup + 1, zNum);
        scat(zSubBase, sizeof zSubBase, zBase, "第", zNum, 0);
        scat(zKidBase, sizeof zKidBase, zSubBase, "党总支", 0, 0);
      }
      iGroup++;
      general_branch(g, zCode, zKid, zSubBase, zKidBase, c, p, eDomain, eForm);
      t -= c;
    } else {
      snprintf(zKid, sizeof zKid, "%.40s-B%02d", zCode, seq);
      dept_name(g, p, iDept++, zDept, sizeof zDept);
      scat(zName, sizeof zName, zBase, zDept, "党支部", 0);
      int fl = flavor_of(zName, p->eFlavor);
      emit(g, zKid, zName, zCode, K_BR, eDomain, eForm, R_NORMAL, fl, weight_of(fl, p->w));
      t -= 1;
    }
  }
}

/* Specs of the kinds of unit. */
static const char *const azAgencyDept[] = {"机关第一", "机关第二", "离退休干部", "机关第三", "机关第四", "机关第五", 0};
static const char *const azAgencyGroup[] = {"直属单位", "下属事业单位", "综合行政执法大队", 0};
static const char *const azPoliceDept[] = {"机关第一", "机关第二", "交通警察大队", "刑事侦查大队", "治安管理大队",
                                           "巡特警大队", "看守所", "离退休干部", 0};
static const char *const azCourtDept[] = {"机关第一", "立案庭", "刑事审判庭", "民事审判庭", "执行局", "离退休干部", 0};
static const char *const azTaxDept[] = {"机关第一", "机关第二", "第一税务分局", "第二税务分局", "离退休干部", 0};
static const char *const azSchoolDept[] = {"行政", "教工第一", "教工第二", "高一年级", "高二年级", "高三年级",
                                           "离退休教职工", "教工第三", 0};
static const char *const azSchoolGroup[] = {"初中部", "高中部", "教学管理", 0};
static const char *const azCollege[] = {
  "马克思主义学院", "文学院", "历史学院", "法学院", "经济学院", "管理学院", "外国语学院", "数学科学学院",
  "物理与电子工程学院", "化学与材料工程学院", "生命科学学院", "计算机科学与技术学院", "电气工程学院",
  "机械工程学院", "土木工程学院", "艺术学院", "体育学院", "教育科学学院", "医学院", "药学院", "农学院",
  "资源与环境学院", "新闻传播学院", "机关", "后勤集团", "图书馆", "继续教育学院", "国际教育学院", 0};
static const char *const azCollegeMed[] = {
  "马克思主义学院", "基础医学院", "第一临床医学院", "第二临床医学院", "公共卫生学院", "药学院", "护理学院",
  "口腔医学院", "医学影像学院", "卫生管理学院", "生命科学学院", "精神卫生学院", "机关", "后勤管理处",
  "图书馆", "继续教育学院", "国际教育学院", 0};
static const char *const azCollegeVoc[] = {
  "马克思主义学院", "机电工程学院", "信息工程学院", "经济管理学院", "建筑工程学院", "汽车工程学院",
  "艺术设计学院", "电子工程学院", "财经商贸学院", "旅游管理学院", "医药护理学院", "基础教学部", "机关",
  "后勤服务中心", "继续教育学院", 0};
static const char *const azCollegeDept[] = {"教工第一", "本科生第一", "本科生第二", "研究生第一", "教工第二",
                                            "本科生第三", "研究生第二", "本科生第四", "离退休教职工", 0};
static const char *const azVocDept[] = {"机关第一", "机关第二", "教工第一", "教工第二", "学生第一", "学生第二",
                                        "学生第三", "离退休教职工", 0};
static const char *const azHospDept[] = {"行政第一", "心血管内科", "普外科", "妇产科", "儿科", "急诊科",
                                         "医技", "护理", "呼吸与危重症医学科", "骨科", "药剂科", "检验科",
                                         "医学影像科", "麻醉科", "重症医学科", "消化内科", "神经内科", "神经外科",
                                         "泌尿外科", "感染科", "中医科", "行政第二", "后勤保障", "离退休", 0};
static const char *const azClinicDept[] = {"临床", "公共卫生", "护理", "行政后勤", "离退休", 0};
static const char *const azHospGroup[] = {"内科系统", "外科系统", "医技系统", "护理系统", "行政后勤", 0};
static const char *const azSoeDept[] = {"机关第一", "机关第二", "生产运营", "工程管理", "综合服务", "财务审计", "离退休", 0};
static const char *const azSoeGroup[] = {"第一分公司", "第二分公司", "第三分公司", "项目管理部", "运营管理部", 0};
static const char *const azSubsidiary[] = {
  "第一工程有限公司", "第二工程有限公司", "投资有限公司", "运营管理有限公司", "物流有限公司", "置业有限公司",
  "检测有限公司", "设计研究院", "贸易有限公司", "能源有限公司", "新材料有限公司", "建设有限公司",
  "资产管理有限公司", "科技有限公司", "第三工程有限公司", "实业有限公司", "供应链有限公司", "研究总院", 0};
static const char *const azFirmSub[] = {"生产基地", "销售分公司", "研发中心", "第一分厂", "第二分厂",
                                        "物流分公司", "第三分厂", "进出口分公司", "售后服务分公司", 0};
static const char *const azFirmDept[] = {"生产", "研发中心", "销售", "综合管理", "质量管理", "第一车间",
                                         "第二车间", "第三车间", 0};
static const char *const azFirmGroup[] = {"生产系统", "营销系统", "职能部门", 0};
static const char *const azBankDept[] = {"机关", "营业部", "离退休", 0};

static const Spec sAgency = {azAgencyDept, azAgencyGroup, 0, 0, 0, 12, 0, FL_AGENCY, 16};
static const Spec sStaff = {azAgencyDept, azAgencyGroup, 0, 0, 0, 10, 0, FL_STAFF, 16};
static const Spec sPolice = {azPoliceDept, azAgencyGroup, "派出所", 0, 0, 8, 0, FL_AGENCY, 16};
static const Spec sCourt = {azCourtDept, 0, "人民法庭", 0, 0, 0, 0, FL_AGENCY, 14};
static const Spec sTax = {azTaxDept, 0, "税务分局", 0, 0, 0, 0, FL_AGENCY, 16};
static const Spec sMarket = {azAgencyDept, 0, "市场监督管理所", 0, 0, 0, 0, FL_AGENCY, 12};
static const Spec sJustice = {azAgencyDept, 0, "司法所", 0, 0, 0, 0, FL_AGENCY, 10};
static const Spec sFinance = {azAgencyDept, 0, "财政所", 0, 0, 0, 0, FL_AGENCY, 12};
static const Spec sSchool = {azSchoolDept, azSchoolGroup, 0, 0, 0, 15, 0, FL_TEACHER, 18};
static const Spec sTownSchool = {azSchoolDept, 0, 0, 0, 0, 0, 0, FL_TEACHER, 18};
static const Spec sCollege = {azCollegeDept, 0, 0, 0, 0, 10, 0, FL_TEACHER, 16};
static const Spec sUniversity = {azCollegeDept, 0, 0, &sCollege, azCollege, 10, 85, FL_TEACHER, 16};
static const Spec sUniversityMed = {azCollegeDept, 0, 0, &sCollege, azCollegeMed, 10, 85, FL_TEACHER, 16};
static const Spec sVocational = {azVocDept, 0, 0, &sCollege, azCollegeVoc, 10, 50, FL_TEACHER, 18};
static const Spec sHospital = {azHospDept, azHospGroup, 0, 0, 0, 14, 0, FL_DOCTOR, 20};
static const Spec sClinic = {azClinicDept, 0, 0, 0, 0, 0, 0, FL_DOCTOR, 14};
static const Spec sCdc = {azAgencyDept, 0, 0, 0, 0, 0, 0, FL_STAFF, 14};
static const Spec sSoeSub = {azSoeDept, azSoeGroup, 0, 0, 0, 15, 0, FL_SOE, 20};
static const Spec sSoe = {azSoeDept, azSoeGroup, 0, &sSoeSub, azSubsidiary, 15, 60, FL_SOE, 20};
static const Spec sPower = {azSoeDept, 0, "供电所", 0, 0, 0, 0, FL_SOE, 18};
static const Spec sPost = {azSoeDept, 0, "邮政支局", 0, 0, 0, 0, FL_SOE, 10};
static const Spec sBank = {azBankDept, 0, "支行", 0, 0, 0, 0, FL_SOE, 12};
static const Spec sFirmSub = {azFirmDept, azFirmGroup, 0, 0, 0, 12, 0, FL_NONPUB, 9};
static const Spec sFirm = {azFirmDept, azFirmGroup, 0, &sFirmSub, azFirmSub, 12, 40, FL_NONPUB, 9};
static const Spec sSocial = {0, 0, 0, 0, 0, 0, 0, FL_SOCIAL, 6};
static const Spec sSocialAttached = {0, 0, 0, 0, 0, 0, 0, FL_SOCIAL, 4};
static const Spec sFirmAttached = {0, 0, 0, 0, 0, 0, 0, FL_NONPUB, 4};
static const Spec sJointFirm = {0, 0, 0, 0, 0, 0, 0, FL_NONPUB, 10};
static const Spec sRider = {0, 0, 0, 0, 0, 0, 0, FL_RIDER, 9};
static const Spec sRiderJoint = {0, 0, 0, 0, 0, 0, 0, FL_RIDER, 11};

/* A planned unit of a section: its name (without the kind), weight for its
 * size, spec, domain, formation and the kind it has as a single branch. */
typedef struct Plan {
  char zName[200];
  double w;
  const Spec *p;
  int eDomain, eForm, eKindOne;
  int bOne; /* always a single branch (joint branches) */
  int n;
} Plan;

typedef struct Plans {
  Plan *a;
  int n, nAlloc;
} Plans;

static Plan *plan_add(Plans *ps, const char *zName, double w, const Spec *p, int eDomain) {
  if (ps->n == ps->nAlloc) {
    ps->nAlloc = ps->nAlloc ? ps->nAlloc * 2 : 64;
    ps->a = xrealloc(ps->a, (size_t)ps->nAlloc * sizeof(Plan));
  }
  Plan *x = &ps->a[ps->n++];
  memset(x, 0, sizeof(*x));
  scat(x->zName, sizeof x->zName, zName, 0, 0, 0);
  x->w = w;
  x->p = p;
  x->eDomain = eDomain;
  x->eForm = F_NONE;
  x->eKindOne = K_BR;
  return x;
}

/* Expands a name pattern: '@' is the place's display name (定远县), '#' its
 * stem (定远). */
static void expand(Gen *g, const char *zPat, char *z, size_t n) {
  size_t k = 0;
  for (const char *p = zPat; *p && k + 1 < n; p++) {
    const char *zIns = *p == '@' ? g->pPlace->zDisp : *p == '#' ? g->pPlace->zStem : 0;
    if (zIns) {
      for (; *zIns && k + 1 < n; zIns++) z[k++] = *zIns;
    } else {
      z[k++] = *p;
    }
  }
  z[k] = 0;
}

/* Splits total into k parts of at least minEach, in proportion to aw
 * (cumulative rounding: the parts sum to total exactly). */
static void split(int total, int k, const double *aw, int minEach, int *aOut) {
  double W = 0;
  for (int i = 0; i < k; i++) W += aw[i];
  int rest = total - k * minEach;
  double acc = 0;
  int prev = 0;
  for (int i = 0; i < k; i++) {
    acc += aw[i];
    int cur = i == k - 1 ? rest : (int)(acc * rest / W + 0.5);
    if (cur > rest) cur = rest;
    aOut[i] = minEach + cur - prev;
    prev = cur;
  }
}

/* Emits the plans under zParent with codes <zParent>-<zPrefix>NN, sizes
 * summing to exactly n (plans beyond n are dropped; joint ones are one
 * organization each). */
static void plans_emit(Gen *g, const char *zParent, const char *zPrefix, Plans *ps, int n) {
  if (n <= 0 || ps->n == 0) return;
  int k = ps->n < n ? ps->n : n;
  double *aw = xmalloc(sizeof(double) * (size_t)k);
  int *an = xmalloc(sizeof(int) * (size_t)k);
  int nOne = 0, nFree = 0;
  for (int i = 0; i < k; i++) {
    if (ps->a[i].bOne) nOne++;
    else aw[nFree++] = ps->a[i].w * (0.75 + 0.5 * unit01(&g->r));
  }
  int rest = n - nOne;
  if (nFree == 0 || rest < nFree) {
    /* Not enough room: every plan a single organization. */
    for (int i = 0; i < k; i++) ps->a[i].n = 1;
    k = n < k ? n : k;
  } else {
    split(rest, nFree, aw, 1, an);
    for (int i = 0, j = 0; i < k; i++) ps->a[i].n = ps->a[i].bOne ? 1 : an[j++];
  }
  for (int i = 0; i < k; i++) {
    Plan *x = &ps->a[i];
    char zCode[64];
    snprintf(zCode, sizeof zCode, "%.24s-%s%02d", zParent, zPrefix, i + 1);
    unit(g, zParent, zCode, x->zName, x->n, x->p, x->eDomain, x->eForm, x->eKindOne);
  }
  free(aw);
  free(an);
  ps->n = 0;
}

/* ------------------------------------------------------------------------
 * Name makers.
 * ---------------------------------------------------------------------- */

/* A two-character place name from pool A and pool B. */
static void place_name(Gen *g, const char *zB, char z[16]) {
  Rng *r = &g->r;
  const char *a = pool_char(zPlaceA, below(r, pool_len(zPlaceA)));
  const char *b = pool_char(zB, below(r, pool_len(zB)));
  memcpy(z, a, 3);
  memcpy(z + 3, b, 3);
  z[6] = 0;
}

static int name_used(char (*az)[24], int n, const char *z) {
  for (int i = 0; i < n; i++)
    if (strcmp(az[i], z) == 0) return 1;
  return 0;
}

/* The k-th company name of the place: a permutation of brand, trade,
 * suffix and prefix, so no name repeats within a place. */
static void company_name(Gen *g, char *z, size_t n) {
  Place *pl = g->pPlace;
  int nB = (int)ARRAY_LEN(azBrand), nT = (int)ARRAY_LEN(azTrade), nS = (int)ARRAY_LEN(azCompanySuffix);
  long N = (long)nB * nT * nS * 2;
  long x = ((long)pl->iCompanyStart + (long)pl->iCompany++ * 7919L) % N;
  int iB = (int)(x % nB);
  x /= nB;
  int iT = (int)(x % nT);
  x /= nT;
  int iS = (int)(x % nS);
  x /= nS;
  const char *zPre = pl->eLevel == L_PROVINCE ? "安徽" : x ? pl->zStem : pl->zDisp;
  scat(z, n, zPre, azBrand[iB], azTrade[iT], azCompanySuffix[iS]);
}

/* A social organization's name: 定远县华盛养老服务中心. */
static void social_name(Gen *g, char *z, size_t n) {
  Place *pl = g->pPlace;
  int nB = (int)ARRAY_LEN(azBrand), nK = (int)ARRAY_LEN(azSocialKind);
  long N = (long)nB * nK * 2;
  long x = ((long)pl->iCompanyStart + (long)pl->iSocial++ * 7919L) % N;
  const char *zPre = pl->eLevel != L_PROVINCE ? pl->zDisp : x / (nB * nK) ? "安徽省" : "安徽";
  scat(z, n, zPre, azBrand[x % nB], azSocialKind[(x / nB) % nK], 0);
}

/* ------------------------------------------------------------------------
 * Sections of a place. Each makes exactly n organizations (n >= 2 where a
 * container comes first).
 * ---------------------------------------------------------------------- */
typedef struct UnitDef {
  const char *zPat;
  float w;
  const Spec *p;
  int eDomain;
} UnitDef;

static void plans_from(Gen *g, Plans *ps, const UnitDef *a, int n) {
  char z[200];
  for (int i = 0; i < n; i++) {
    expand(g, a[i].zPat, z, sizeof z);
    plan_add(ps, z, a[i].w, a[i].p, a[i].eDomain);
  }
}

static const UnitDef aAgencyLocal[] = {
  {"@委办公室", 2, &sAgency, D_AGENCY}, {"@人大常委会机关", 2, &sAgency, D_AGENCY},
  {"@人民政府办公室", 2, &sAgency, D_AGENCY}, {"@政协机关", 1.5, &sAgency, D_AGENCY},
  {"@纪委监委机关", 3, &sAgency, D_AGENCY}, {"@委组织部", 2, &sAgency, D_AGENCY},
  {"@公安局", 12, &sPolice, D_AGENCY}, {"@委宣传部", 1.5, &sAgency, D_AGENCY},
  {"@委统战部", 1, &sAgency, D_AGENCY}, {"@委政法委员会", 1, &sAgency, D_AGENCY},
  {"@委党校", 1.5, &sAgency, D_AGENCY}, {"@发展和改革委员会", 2, &sAgency, D_AGENCY},
  {"@人民法院", 3, &sCourt, D_AGENCY}, {"@人民检察院", 2, &sAgency, D_AGENCY},
  {"国家税务总局@税务局", 3, &sTax, D_AGENCY}, {"@财政局", 2, &sFinance, D_AGENCY},
  {"@教育体育局", 2, &sAgency, D_AGENCY}, {"@民政局", 1.5, &sAgency, D_AGENCY},
  {"@司法局", 2, &sJustice, D_AGENCY}, {"@人力资源和社会保障局", 2, &sAgency, D_AGENCY},
  {"@自然资源和规划局", 2, &sAgency, D_AGENCY}, {"@住房和城乡建设局", 2, &sAgency, D_AGENCY},
  {"@交通运输局", 2, &sAgency, D_AGENCY}, {"@水利局", 1.5, &sAgency, D_AGENCY},
  {"@农业农村局", 2.5, &sAgency, D_AGENCY}, {"@市场监督管理局", 3, &sMarket, D_AGENCY},
  {"@卫生健康委员会", 1.5, &sAgency, D_AGENCY}, {"@商务局", 1, &sAgency, D_AGENCY},
  {"@文化旅游体育局", 1.5, &sAgency, D_AGENCY}, {"@科学技术局", 1, &sAgency, D_AGENCY},
  {"@经济和信息化局", 1.5, &sAgency, D_AGENCY}, {"@退役军人事务局", 1, &sAgency, D_AGENCY},
  {"@应急管理局", 1, &sAgency, D_AGENCY}, {"@审计局", 1, &sAgency, D_AGENCY},
  {"@统计局", 1, &sAgency, D_AGENCY}, {"@医疗保障局", 1, &sAgency, D_AGENCY},
  {"@林业局", 1, &sAgency, D_AGENCY}, {"@数据资源管理局", 1, &sAgency, D_AGENCY},
  {"@信访局", 1, &sAgency, D_AGENCY}, {"@城市管理局", 2, &sAgency, D_AGENCY},
  {"@机关事务管理中心", 1, &sAgency, D_AGENCY}, {"@总工会", 1, &sAgency, D_AGENCY},
  {"共青团@委员会", 0.7, &sAgency, D_AGENCY}, {"@妇女联合会", 0.7, &sAgency, D_AGENCY},
  {"@工商业联合会", 0.7, &sAgency, D_AGENCY}, {"@科学技术协会", 0.5, &sAgency, D_AGENCY},
  {"@残疾人联合会", 0.5, &sAgency, D_AGENCY}, {"@委机构编制委员会办公室", 0.7, &sAgency, D_AGENCY},
  {"@委巡察工作领导小组办公室", 0.7, &sAgency, D_AGENCY}, {"@生态环境局", 1, &sAgency, D_AGENCY},
  {"@消防救援大队", 1, &sAgency, D_AGENCY}, {"@气象局", 0.5, &sAgency, D_AGENCY},
  {"@经济开发区管理委员会", 2, &sAgency, D_AGENCY}, {"@融媒体中心", 1, &sStaff, D_OTHER},
  {"@档案馆", 0.5, &sStaff, D_OTHER}, {"@供销合作社联合社", 1, &sStaff, D_OTHER},
  {"@农业技术推广中心", 1, &sStaff, D_OTHER}, {"@公共资源交易中心", 0.5, &sStaff, D_OTHER},
  {"@不动产登记中心", 0.5, &sStaff, D_OTHER}, {"@图书馆", 0.3, &sStaff, D_OTHER},
  {"@文化馆", 0.3, &sStaff, D_OTHER}, {"@住房公积金管理中心", 0.5, &sStaff, D_OTHER},
  {"@城乡规划设计院", 0.4, &sStaff, D_OTHER}, {"@广播电视台", 0.5, &sStaff, D_OTHER},
};

static const UnitDef aAgencyProvince[] = {
  {"@委办公厅", 3, &sAgency, D_AGENCY}, {"@人大常委会机关", 3, &sAgency, D_AGENCY},
  {"@人民政府办公厅", 3, &sAgency, D_AGENCY}, {"@政协机关", 2, &sAgency, D_AGENCY},
  {"@纪委监委机关", 4, &sAgency, D_AGENCY}, {"@委组织部", 3, &sAgency, D_AGENCY},
  {"@委宣传部", 2, &sAgency, D_AGENCY}, {"@委统战部", 1.5, &sAgency, D_AGENCY},
  {"@委政法委员会", 1.5, &sAgency, D_AGENCY}, {"@委党校", 3, &sAgency, D_AGENCY},
  {"@公安厅", 8, &sPolice, D_AGENCY}, {"@高级人民法院", 3, &sCourt, D_AGENCY},
  {"@人民检察院", 2, &sAgency, D_AGENCY}, {"国家税务总局@税务局", 4, &sTax, D_AGENCY},
  {"@发展和改革委员会", 3, &sAgency, D_AGENCY}, {"@教育厅", 2.5, &sAgency, D_AGENCY},
  {"@科学技术厅", 2, &sAgency, D_AGENCY}, {"@经济和信息化厅", 2, &sAgency, D_AGENCY},
  {"@民政厅", 2, &sAgency, D_AGENCY}, {"@司法厅", 2, &sAgency, D_AGENCY},
  {"@财政厅", 2.5, &sAgency, D_AGENCY}, {"@人力资源和社会保障厅", 2.5, &sAgency, D_AGENCY},
  {"@自然资源厅", 2.5, &sAgency, D_AGENCY}, {"@生态环境厅", 2, &sAgency, D_AGENCY},
  {"@住房和城乡建设厅", 2, &sAgency, D_AGENCY}, {"@交通运输厅", 2.5, &sAgency, D_AGENCY},
  {"@水利厅", 2.5, &sAgency, D_AGENCY}, {"@农业农村厅", 2.5, &sAgency, D_AGENCY},
  {"@商务厅", 1.5, &sAgency, D_AGENCY}, {"@文化和旅游厅", 2, &sAgency, D_AGENCY},
  {"@卫生健康委员会", 2.5, &sAgency, D_AGENCY}, {"@退役军人事务厅", 1.5, &sAgency, D_AGENCY},
  {"@应急管理厅", 1.5, &sAgency, D_AGENCY}, {"@审计厅", 1.5, &sAgency, D_AGENCY},
  {"@市场监督管理局", 2, &sAgency, D_AGENCY}, {"@统计局", 1, &sAgency, D_AGENCY},
  {"@医疗保障局", 1, &sAgency, D_AGENCY}, {"@林业局", 1.5, &sAgency, D_AGENCY},
  {"@数据资源管理局", 1, &sAgency, D_AGENCY}, {"@信访局", 1, &sAgency, D_AGENCY},
  {"@机关事务管理局", 1.5, &sAgency, D_AGENCY}, {"@体育局", 1, &sAgency, D_AGENCY},
  {"@广播电视局", 1, &sAgency, D_AGENCY}, {"@粮食和物资储备局", 1, &sAgency, D_AGENCY},
  {"@能源局", 1, &sAgency, D_AGENCY}, {"@药品监督管理局", 1, &sAgency, D_AGENCY},
  {"@人民防空办公室", 1, &sAgency, D_AGENCY}, {"@地方金融管理局", 1, &sAgency, D_AGENCY},
  {"@总工会", 1.5, &sAgency, D_AGENCY}, {"共青团@委员会", 1, &sAgency, D_AGENCY},
  {"@妇女联合会", 1, &sAgency, D_AGENCY}, {"@科学技术协会", 1, &sAgency, D_AGENCY},
  {"@文学艺术界联合会", 1, &sAgency, D_AGENCY}, {"@社会科学界联合会", 1, &sAgency, D_AGENCY},
  {"@工商业联合会", 1, &sAgency, D_AGENCY}, {"@残疾人联合会", 1, &sAgency, D_AGENCY},
  {"@消防救援总队", 2, &sAgency, D_AGENCY}, {"@监狱管理局", 3, &sAgency, D_AGENCY},
  {"@戒毒管理局", 1.5, &sAgency, D_AGENCY}, {"@通信管理局", 1, &sAgency, D_AGENCY},
  {"@气象局", 1, &sAgency, D_AGENCY}, {"@社会科学院", 1.5, &sStaff, D_OTHER},
  {"@农业科学院", 2.5, &sStaff, D_OTHER}, {"@地质矿产勘查局", 3, &sStaff, D_OTHER},
  {"@广播电视台", 2, &sStaff, D_OTHER}, {"@图书馆", 0.7, &sStaff, D_OTHER},
  {"@博物院", 0.7, &sStaff, D_OTHER}, {"@档案馆", 0.7, &sStaff, D_OTHER},
  {"@公共资源交易中心", 0.7, &sStaff, D_OTHER}, {"@住房公积金管理中心", 0.7, &sStaff, D_OTHER},
  {"@科学技术情报研究所", 0.5, &sStaff, D_OTHER}, {"@水利水电勘测设计研究总院", 1.5, &sStaff, D_OTHER},
  {"@交通规划设计研究总院", 1.5, &sStaff, D_OTHER}, {"@城乡规划设计研究院", 1, &sStaff, D_OTHER},
  {"@农业技术推广总站", 0.7, &sStaff, D_OTHER}, {"@林业科学研究院", 0.7, &sStaff, D_OTHER},
  {"@环境科学研究院", 0.7, &sStaff, D_OTHER}, {"@文化馆", 0.5, &sStaff, D_OTHER},
  {"@艺术研究院", 0.5, &sStaff, D_OTHER}, {"@出版集团", 2, &sStaff, D_OTHER},
  {"@科技馆", 0.5, &sStaff, D_OTHER}, {"@信息中心", 0.5, &sStaff, D_OTHER},
  {"@机关医院", 0.7, &sStaff, D_OTHER}, {"@人才发展集团", 0.7, &sStaff, D_OTHER},
  {"@社会主义学院", 0.5, &sStaff, D_OTHER}, {"@政府研究室", 0.5, &sAgency, D_AGENCY},
};

static const char *const azUniversity[] = {
  "安徽大学", "安徽师范大学", "安徽农业大学", "安徽医科大学", "安徽工业大学", "安徽理工大学", "安徽工程大学",
  "安徽建筑大学", "安徽财经大学", "安徽中医药大学", "淮北师范大学", "阜阳师范大学", "安庆师范大学",
  "皖南医学院", "蚌埠医科大学", "合肥大学", "合肥师范学院", "安徽科技学院", "黄山学院", "皖西学院",
  "滁州学院", "巢湖学院", "淮南师范学院", "铜陵学院", "宿州学院", "池州学院", "蚌埠学院", "安徽艺术学院",
  "安徽职业技术大学", "安徽工业经济职业技术学院", "安徽水利水电职业技术学院", "安徽交通职业技术学院",
  "安徽医学高等专科学校", "安徽商贸职业技术学院", "安徽警官职业学院", "安徽电气工程职业技术学院"};

static const char *const azProvinceFirm[] = {
  "安徽省投资集团控股有限公司", "安徽省交通控股集团有限公司", "安徽省能源集团有限公司",
  "淮北矿业（集团）有限责任公司", "淮河能源控股集团有限责任公司", "铜陵有色金属集团控股有限公司",
  "安徽海螺集团有限责任公司", "安徽江淮汽车集团控股有限公司", "安徽建工集团控股有限公司",
  "安徽省国有资本运营控股集团有限公司", "安徽省农垦集团有限公司", "安徽省港航集团有限公司",
  "安徽省旅游集团有限责任公司", "安徽省交通建设集团有限公司", "安徽省粮食产业集团有限公司",
  "安徽省盐业投资控股集团有限公司", "安徽省供销集团有限公司", "安徽省水利水电建设集团有限公司",
  "安徽省信用融资担保集团有限公司", "安徽省数据集团有限公司"};

static const char *const azProject[] = {
  "城东片区棚户区改造", "高铁站站前广场建设", "污水处理厂提标改造", "经济开发区标准化厂房", "城乡供水一体化",
  "高标准农田建设", "人民医院新院区建设", "老旧小区改造", "城市更新", "乡村振兴示范区", "物流园建设",
  "城市综合管廊", "河道综合治理", "中小学校舍改扩建", "新能源产业园", "滨河公园建设", "城区道路提升改造",
  "垃圾焚烧发电", "引江济淮配套工程", "国道改建工程", "县域医共体信息化", "数字经济产业园"};
static const char *const azTempName[] = {"防汛救灾", "重点工程审计组", "党员教育培训班", "驻村工作队",
                                         "信访积案化解专班", "疫情防控志愿服务队", "森林防火应急突击队",
                                         "招商引资专班", "人口普查", "巡察组"};

static void sec_agency(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  char zCode[64], zName[200];
  snprintf(zCode, sizeof zCode, "%.24s-JG", zRoot);
  if (pl->eLevel == L_PROVINCE) scat(zName, sizeof zName, "中共", pl->zDisp, "直属机关工作委员会", 0);
  else scat(zName, sizeof zName, pl->zDisp, "直属机关工委", 0, 0);
  emit(g, zCode, zName, zRoot, K_WORK, D_AGENCY, F_NONE, R_NORMAL, FL_AGENCY, 0);
  Plans ps = {0, 0, 0};
  if (pl->eLevel == L_PROVINCE) plans_from(g, &ps, aAgencyProvince, (int)ARRAY_LEN(aAgencyProvince));
  else plans_from(g, &ps, aAgencyLocal, (int)ARRAY_LEN(aAgencyLocal));
  plans_emit(g, zCode, "D", &ps, n - 1);
  free(ps.a);
}

static void sec_school(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  Rng *r = &g->r;
  char zCode[64], zName[200], zNum[16];
  snprintf(zCode, sizeof zCode, "%.24s-JY", zRoot);
  scat(zName, sizeof zName, "中共", pl->zDisp, "委教育工作委员会", 0);
  emit(g, zCode, zName, zRoot, K_WORK, D_SCHOOL, F_NONE, R_NORMAL, FL_TEACHER, 0);
  Plans ps = {0, 0, 0};
  int left = n - 1;
  if (pl->eLevel == L_PROVINCE) {
    for (int i = 0; i < (int)ARRAY_LEN(azUniversity); i++) {
      const char *z = azUniversity[i];
      const Spec *p = strstr(z, "职业") || strstr(z, "专科") ? &sVocational
                      : strstr(z, "医") ? &sUniversityMed : &sUniversity;
      plan_add(&ps, z, i < 10 ? 1.6 : p == &sVocational ? 0.5 : 1.0, p, D_SCHOOL);
    }
  } else {
    if (pl->eLevel == L_CITY) {
      expand(g, "#职业技术学院", zName, sizeof zName);
      plan_add(&ps, zName, 22, &sVocational, D_SCHOOL);
      expand(g, "@第一中学", zName, sizeof zName);
    } else {
      expand(g, "#中学", zName, sizeof zName);
    }
    plan_add(&ps, zName, 10, &sSchool, D_SCHOOL);
    static const UnitDef aFixed[] = {
      {"@第二中学", 6, &sSchool, D_SCHOOL}, {"@实验中学", 4, &sSchool, D_SCHOOL},
      {"@第三中学", 4, &sSchool, D_SCHOOL}, {"@职业教育中心", 4, &sSchool, D_SCHOOL},
      {"@实验小学", 2.5, &sTownSchool, D_SCHOOL}, {"@第二小学", 2, &sTownSchool, D_SCHOOL},
      {"@第三小学", 1.5, &sTownSchool, D_SCHOOL}, {"@特殊教育学校", 0.6, &sTownSchool, D_SCHOOL},
      {"@实验幼儿园", 0.6, &sTownSchool, D_SCHOOL}, {"@教师发展中心", 0.5, &sTownSchool, D_SCHOOL},
    };
    plans_from(g, &ps, aFixed, (int)ARRAY_LEN(aFixed));
    for (int i = 0; i < pl->nTown; i++) {
      scat(zName, sizeof zName, pl->zDisp, pl->azSite[i], "中心学校", 0);
      plan_add(&ps, zName, 1.6, &sTownSchool, D_SCHOOL);
      scat(zName, sizeof zName, pl->zDisp, pl->azSite[i], "初级中学", 0);
      plan_add(&ps, zName, 1, &sTownSchool, D_SCHOOL);
    }
    for (int i = 0; i < pl->nStreet; i++) {
      scat(zName, sizeof zName, pl->zDisp, pl->azSiteStem[i + pl->nTown], "小学", 0);
      plan_add(&ps, zName, 1, &sTownSchool, D_SCHOOL);
    }
  }
  /* More schools, numbered, until the average size is about 2.5. */
  int want = left * 2 / 5 + 1;
  for (int i = 4; ps.n < want && pl->eLevel != L_PROVINCE; i++) {
    cn_num(i, zNum);
    scat(zName, sizeof zName, pl->zDisp, "第", zNum, below(r, 3) ? "小学" : "中学");
    plan_add(&ps, zName, 1, &sTownSchool, D_SCHOOL);
  }
  plans_emit(g, zCode, "X", &ps, left);
  free(ps.a);
}

static void sec_hospital(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  char zCode[64], zName[200];
  snprintf(zCode, sizeof zCode, "%.24s-WJ", zRoot);
  scat(zName, sizeof zName, pl->zDisp, "卫生健康系统党委", 0, 0);
  emit(g, zCode, zName, zRoot, K_COMM, D_HOSP, F_NONE, R_NORMAL, FL_DOCTOR, 0);
  static const UnitDef aCounty[] = {
    {"@人民医院", 12, &sHospital, D_HOSP}, {"@中医院", 6, &sHospital, D_HOSP},
    {"@第二人民医院", 3, &sHospital, D_HOSP}, {"@妇幼保健院", 2, &sClinic, D_HOSP},
    {"@疾病预防控制中心", 1, &sCdc, D_OTHER},
  };
  static const UnitDef aCity[] = {
    {"@第一人民医院", 25, &sHospital, D_HOSP}, {"@中医院", 12, &sHospital, D_HOSP},
    {"@第二人民医院", 10, &sHospital, D_HOSP}, {"@第三人民医院", 6, &sHospital, D_HOSP},
    {"@妇幼保健院", 5, &sHospital, D_HOSP}, {"@第四人民医院", 4, &sHospital, D_HOSP},
    {"@传染病医院", 2, &sClinic, D_HOSP}, {"@口腔医院", 1, &sClinic, D_HOSP},
    {"@急救中心", 1, &sClinic, D_HOSP}, {"@疾病预防控制中心", 1.5, &sCdc, D_OTHER},
    {"@中心血站", 0.7, &sCdc, D_OTHER},
  };
  static const UnitDef aProvince[] = {
    {"@立医院", 40, &sHospital, D_HOSP}, {"@第二人民医院", 15, &sHospital, D_HOSP},
    {"@中医院", 12, &sHospital, D_HOSP}, {"@胸科医院", 10, &sHospital, D_HOSP},
    {"@儿童医院", 10, &sHospital, D_HOSP}, {"@妇幼保健院", 6, &sHospital, D_HOSP},
    {"@肿瘤医院", 6, &sHospital, D_HOSP}, {"@精神卫生中心", 5, &sHospital, D_HOSP},
    {"@口腔医院", 2, &sHospital, D_HOSP}, {"@疾病预防控制中心", 3, &sCdc, D_OTHER},
    {"@血液中心", 1, &sCdc, D_OTHER},
  };
  Plans ps = {0, 0, 0};
  if (pl->eLevel == L_PROVINCE) plans_from(g, &ps, aProvince, (int)ARRAY_LEN(aProvince));
  else if (pl->eLevel == L_CITY) plans_from(g, &ps, aCity, (int)ARRAY_LEN(aCity));
  else {
    plans_from(g, &ps, aCounty, (int)ARRAY_LEN(aCounty));
    for (int i = 0; i < pl->nTown; i++) {
      scat(zName, sizeof zName, pl->zDisp, pl->azSite[i], "卫生院", 0);
      plan_add(&ps, zName, 1, &sClinic, D_HOSP);
    }
    for (int i = 0; i < pl->nStreet; i++) {
      scat(zName, sizeof zName, pl->zDisp, pl->azSite[pl->nTown + i], "社区卫生服务中心", 0);
      plan_add(&ps, zName, 0.8, &sClinic, D_HOSP);
    }
  }
  plans_emit(g, zCode, "Y", &ps, n - 1);
  free(ps.a);
}

static void sec_soe(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  char zCode[64], zName[200];
  static const UnitDef aLocal[] = {
    {"@城市建设投资集团有限公司", 6, &sSoe, D_SOE}, {"@交通投资集团有限公司", 4, &sSoe, D_SOE},
    {"@国有资本投资运营集团有限公司", 4, &sSoe, D_SOE}, {"@水务集团有限公司", 3, &sSoe, D_SOE},
    {"@产业投资集团有限公司", 2, &sSoe, D_SOE}, {"@农业发展投资有限公司", 2, &sSoe, D_SOE},
    {"@文化旅游投资有限公司", 2, &sSoe, D_SOE}, {"@公共交通有限公司", 1.5, &sSoe, D_SOE},
    {"@粮食购销有限公司", 1, &sSoe, D_SOE}, {"@融资担保有限公司", 1, &sSoe, D_SOE},
    {"@国有资产经营有限公司", 1, &sSoe, D_SOE}, {"@新型城镇化建设有限公司", 1, &sSoe, D_SOE},
    {"@保安服务有限公司", 0.7, &sSoe, D_SOE},
  };
  static const UnitDef aCentralCounty[] = {
    {"国网@供电公司", 6, &sPower, D_SOE}, {"@农村商业银行", 5, &sBank, D_SOE},
    {"中国邮政集团有限公司@分公司", 3, &sPost, D_SOE}, {"中国农业银行@支行", 2, &sBank, D_SOE},
    {"中国移动通信集团安徽有限公司@分公司", 1.5, &sSoeSub, D_SOE},
    {"中国电信股份有限公司@分公司", 1.5, &sSoeSub, D_SOE}, {"中国联合网络通信有限公司@分公司", 1, &sSoeSub, D_SOE},
    {"中国工商银行@支行", 1, &sBank, D_SOE}, {"中国建设银行@支行", 1, &sBank, D_SOE},
    {"中国银行@支行", 1, &sBank, D_SOE}, {"@烟草专卖局", 1, &sSoeSub, D_SOE},
    {"中国石化销售股份有限公司安徽#石油分公司", 1, &sSoeSub, D_SOE},
    {"中国人寿保险股份有限公司@支公司", 0.7, &sSoeSub, D_SOE},
    {"中国人民财产保险股份有限公司@支公司", 0.7, &sSoeSub, D_SOE},
  };
  static const UnitDef aCentralCity[] = {
    {"国网#供电公司", 8, &sSoe, D_SOE}, {"#农村商业银行", 4, &sBank, D_SOE},
    {"中国邮政集团有限公司@分公司", 4, &sSoeSub, D_SOE}, {"中国农业银行#分行", 3, &sSoeSub, D_SOE},
    {"中国移动通信集团安徽有限公司#分公司", 3, &sSoeSub, D_SOE},
    {"中国电信股份有限公司#分公司", 3, &sSoeSub, D_SOE}, {"中国联合网络通信有限公司#市分公司", 2, &sSoeSub, D_SOE},
    {"中国工商银行#分行", 2, &sSoeSub, D_SOE}, {"中国建设银行#分行", 2, &sSoeSub, D_SOE},
    {"中国银行#分行", 2, &sSoeSub, D_SOE}, {"安徽省烟草公司#市公司", 2, &sSoeSub, D_SOE},
    {"中国石化销售股份有限公司安徽#石油分公司", 1.5, &sSoeSub, D_SOE},
  };
  static const UnitDef aCentralProvince[] = {
    {"国网安徽省电力有限公司", 20, &sSoe, D_SOE}, {"中国移动通信集团安徽有限公司", 6, &sSoe, D_SOE},
    {"中国电信股份有限公司安徽分公司", 5, &sSoe, D_SOE}, {"中国邮政集团有限公司安徽省分公司", 6, &sSoe, D_SOE},
    {"中国联合网络通信有限公司安徽省分公司", 3, &sSoe, D_SOE}, {"中国农业银行安徽省分行", 5, &sSoe, D_SOE},
    {"中国工商银行安徽省分行", 5, &sSoe, D_SOE}, {"中国建设银行安徽省分行", 5, &sSoe, D_SOE},
    {"中国银行安徽省分行", 4, &sSoe, D_SOE}, {"安徽省农村信用社联合社", 5, &sSoe, D_SOE},
    {"中国石化销售股份有限公司安徽石油分公司", 3, &sSoe, D_SOE}, {"安徽省烟草专卖局", 3, &sSoe, D_SOE},
  };
  int nLocal = n < 6 ? n : (int)(n * 0.55 + 0.5);
  int nCentral = n - nLocal;
  snprintf(zCode, sizeof zCode, "%.24s-GZ", zRoot);
  scat(zName, sizeof zName, pl->zDisp, "国资委党委", 0, 0);
  emit(g, zCode, zName, zRoot, K_COMM, D_SOE, F_NONE, R_NORMAL, FL_SOE, 0);
  Plans ps = {0, 0, 0};
  if (pl->eLevel == L_PROVINCE) {
    for (int i = 0; i < (int)ARRAY_LEN(azProvinceFirm); i++)
      plan_add(&ps, azProvinceFirm[i], i < 10 ? 2 : 1, &sSoe, D_SOE);
    for (int i = (int)ARRAY_LEN(azProvinceFirm); i < 37; i++) {
      /* 安徽省华盛新材料集团有限公司 */
      int k = i * 7 + below(&g->r, 7);
      scat(zName, sizeof zName, "安徽省", azBrand[k % (int)ARRAY_LEN(azBrand)], azTrade[k % (int)ARRAY_LEN(azTrade)],
           "集团有限公司");
      plan_add(&ps, zName, 0.6, &sSoe, D_SOE);
    }
  } else {
    plans_from(g, &ps, aLocal, (int)ARRAY_LEN(aLocal));
  }
  plans_emit(g, zCode, "Q", &ps, nLocal - 1);
  if (nCentral > 0) {
    if (pl->eLevel == L_PROVINCE) plans_from(g, &ps, aCentralProvince, (int)ARRAY_LEN(aCentralProvince));
    else if (pl->eLevel == L_CITY) plans_from(g, &ps, aCentralCity, (int)ARRAY_LEN(aCentralCity));
    else plans_from(g, &ps, aCentralCounty, (int)ARRAY_LEN(aCentralCounty));
    plans_emit(g, zRoot, "YQ", &ps, nCentral);
  }
  free(ps.a);
}

/* Companies under zParent, exactly n organizations: single branches
 * (some 挂靠组建), joint branches of small firms (联合组建), general
 * branches and committees of bigger firms. */
static void firms(Gen *g, const char *zParent, const char *zPrefix, int n, int *piJoint) {
  Place *pl = g->pPlace;
  Rng *r = &g->r;
  /* chance (%) of: joint, general branch, committee; maximum committee size */
  static const int aMix[3][4] = {{12, 11, 5, 15}, {10, 18, 12, 20}, {5, 30, 40, 40}};
  const int *m = aMix[pl->eLevel];
  char zCode[64], zName[200], zNum[16];
  for (int seq = 1; n > 0; seq++) {
    snprintf(zCode, sizeof zCode, "%.24s-%s%03d", zParent, zPrefix, seq);
    int x = below(r, 100), c = 1;
    if (x < m[0]) {
      int j = (*piJoint)++;
      if (j < (int)ARRAY_LEN(azTrade)) {
        scat(zName, sizeof zName, pl->zDisp, azTrade[j], "行业", 0);
      } else {
        cn_num((j - (int)ARRAY_LEN(azTrade)) % 99 + 1, zNum);
        scat(zName, sizeof zName, pl->zDisp, "小微企业第", zNum, 0);
      }
      unit(g, zParent, zCode, zName, 1, &sJointFirm, D_NONPUB, F_JOINT, K_JOINT);
      n -= 1;
      continue;
    }
    x -= m[0];
    if (x < m[1]) c = range(r, 3, 6);
    else if (x < m[1] + m[2]) c = range(r, 7, m[3]);
    if (c > n) c = n;
    company_name(g, zName, sizeof zName);
    if (c == 1 && below(r, 100) < 12) {
      unit(g, zParent, zCode, zName, 1, &sFirmAttached, D_NONPUB, F_ATTACH, K_BR);
    } else {
      unit(g, zParent, zCode, zName, c, &sFirm, D_NONPUB, F_STAND, K_BR);
    }
    n -= c;
  }
}

static void sec_nonpub(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  char zCode[64], zKf[64], zName[200];
  int iJoint = 0;
  snprintf(zCode, sizeof zCode, "%.24s-LX", zRoot);
  scat(zName, sizeof zName, "中共", pl->zDisp, "委两新工作委员会", 0);
  emit(g, zCode, zName, zRoot, K_WORK, D_NONPUB, F_NONE, R_NORMAL, FL_NONPUB, 0);
  n -= 1;
  if (pl->eLevel != L_PROVINCE && n >= 30) {
    /* The economic development zone's working committee takes a part. */
    int nKf = (int)(n * 0.45);
    snprintf(zKf, sizeof zKf, "%.24s-KF", zCode);
    scat(zName, sizeof zName, pl->zDisp, "经济开发区党工委", 0, 0);
    emit(g, zKf, zName, zCode, K_WORK, D_NONPUB, F_NONE, R_NORMAL, FL_NONPUB, 0);
    firms(g, zKf, "F", nKf - 1, &iJoint);
    n -= nKf;
  }
  firms(g, zCode, "F", n, &iJoint);
}

static void sec_social(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  Rng *r = &g->r;
  static const char *const azAssoc[] = {
    "个体劳动者协会", "私营企业协会", "律师协会", "慈善协会", "志愿者协会", "老年体育协会", "社会工作者协会",
    "物业管理协会", "餐饮行业协会", "建筑业协会", "电子商务协会", "旅游协会", "青年创业者协会",
    "家庭服务业协会", "作家协会", "书法家协会", "企业家协会", "消费者协会", "道路运输协会", "农民专业合作社联合会"};
  char zParent[64], zCode[80], zName[200], zNum[16];
  snprintf(zParent, sizeof zParent, "%.24s-SZ", zRoot);
  scat(zName, sizeof zName, pl->zDisp, "社会组织综合党委", 0, 0);
  emit(g, zParent, zName, zRoot, K_COMM, D_SOCIAL, F_NONE, R_NORMAL, FL_SOCIAL, 0);
  n -= 1;
  int iAssoc = 0, iJoint = 0;
  for (int seq = 1; n > 0; seq++) {
    snprintf(zCode, sizeof zCode, "%s-S%03d", zParent, seq);
    int x = below(r, 100);
    if (x < 8) {
      cn_num(++iJoint % 99 + 1, zNum);
      scat(zName, sizeof zName, pl->zDisp, "社会组织第", zNum, 0);
      unit(g, zParent, zCode, zName, 1, &sSocial, D_SOCIAL, F_JOINT, K_JOINT);
      n -= 1;
      continue;
    }
    if (iAssoc < (int)ARRAY_LEN(azAssoc)) scat(zName, sizeof zName, pl->zDisp, azAssoc[iAssoc++], 0, 0);
    else social_name(g, zName, sizeof zName);
    int c = x < 14 ? range(r, 3, 5) : 1;
    if (c > n) c = n;
    if (c == 1 && x >= 85) unit(g, zParent, zCode, zName, 1, &sSocialAttached, D_SOCIAL, F_ATTACH, K_BR);
    else unit(g, zParent, zCode, zName, c, &sSocial, D_SOCIAL, F_STAND, K_BR);
    n -= c;
  }
}

static void sec_newemp(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  static const char *const azBrandUnit[] = {
    "顺丰速运@营业部", "中通快递@分拨中心", "圆通速递@分公司", "韵达快递@分公司", "申通快递@分公司",
    "极兔速递@网点", "京东物流@营业部", "美团外卖@配送站", "饿了么@配送站", "德邦快递@营业部",
    "货拉拉@服务站", "滴滴出行@服务站", "中国邮政速递物流@营业部", "菜鸟驿站@服务站"};
  static const char *const azJoint[] = {"@外卖骑手", "@快递员", "@网约车司机", "@货车司机", "@城区快递"};
  char zCode[64], zName[200], zNum[16];
  snprintf(zCode, sizeof zCode, "%.24s-XJ", zRoot);
  scat(zName, sizeof zName, pl->zDisp, "新就业群体党委", 0, 0);
  emit(g, zCode, zName, zRoot, K_COMM, D_NEWEMP, F_NONE, R_NORMAL, FL_RIDER, 0);
  Plans ps = {0, 0, 0};
  int want = (n - 1) * 2 / 3 + 1;
  for (int i = 0; i < (int)ARRAY_LEN(azBrandUnit) && ps.n < want; i++) {
    expand(g, azBrandUnit[i], zName, sizeof zName);
    Plan *x = plan_add(&ps, zName, 1, &sRider, D_NEWEMP);
    x->eForm = F_STAND;
  }
  for (int i = 0; ps.n < want; i++) {
    char zPat[96];
    if (i < (int)ARRAY_LEN(azJoint)) {
      expand(g, azJoint[i], zName, sizeof zName);
    } else {
      cn_num((i - (int)ARRAY_LEN(azJoint)) % 98 + 2, zNum);
      expand(g, azJoint[i % (int)ARRAY_LEN(azJoint)], zPat, sizeof zPat);
      scat(zName, sizeof zName, zPat, "第", zNum, 0);
    }
    Plan *x = plan_add(&ps, zName, 1, &sRiderJoint, D_NEWEMP);
    x->eForm = F_JOINT;
    x->eKindOne = K_JOINT;
    x->bOne = 1;
  }
  plans_emit(g, zCode, "N", &ps, n - 1);
  free(ps.a);
}

/* Temporary and project branches, n of them, right under the root. */
static void sec_temp(Gen *g, const char *zRoot, int n) {
  Place *pl = g->pPlace;
  Rng *r = &g->r;
  char zCode[64], zName[200], zNum[16];
  int iTemp = 0, iProj = 0;
  for (int i = 0; i < n; i++) {
    snprintf(zCode, sizeof zCode, "%.24s-LS%02d", zRoot, i + 1);
    int est, end, eKind, eDomain;
    const char *zWhat;
    if (below(r, 100) < 40) {
      eKind = K_TEMP;
      eDomain = D_AGENCY;
      zWhat = azTempName[iTemp % (int)ARRAY_LEN(azTempName)];
      est = g->ref - below(r, 150);
      end = est + range(r, 90, 365);
      if (end <= g->ref) end = g->ref + range(r, 30, 180);
      cn_num(iTemp / (int)ARRAY_LEN(azTempName) + 1, zNum);
      iTemp++;
    } else {
      eKind = K_PROJ;
      eDomain = below(r, 100) < 60 ? D_SOE : D_OTHER;
      zWhat = azProject[iProj % (int)ARRAY_LEN(azProject)];
      est = g->ref - below(r, 900);
      end = est + range(r, 540, 1460);
      if (end <= g->ref) end = g->ref + range(r, 90, 540);
      cn_num(iProj / (int)ARRAY_LEN(azProject) + 1, zNum);
      iProj++;
    }
    /* 定远县防汛救灾临时党支部; a second round: 定远县第二防汛救灾临时党支部 */
    if (strcmp(zNum, "一") == 0) scat(zName, sizeof zName, pl->zDisp, zWhat, azKind[eKind], 0);
    else {
      char zTmp[160];
      scat(zTmp, sizeof zTmp, pl->zDisp, "第", zNum, 0);
      scat(zName, sizeof zName, zTmp, zWhat, azKind[eKind], 0);
    }
    org_row(g, zCode, zName, zRoot, eKind, eDomain, F_NONE, est, est, end);
    branch_keep(g, zCode, FL_TEMP, eKind == K_TEMP ? 12 : 15);
  }
}

/* A branch directly under zCode (a township's or street's own office,
 * retirees', or joint branch): code zCode-Bnn, name zBase + zWhat. */
static void side_branch(Gen *g, const char *zCode, int iSeq, const char *zBase, const char *zWhat, int eKind,
                        int eDomain, int eForm, int eFlavor, double w) {
  char zKid[64], zName[256];
  snprintf(zKid, sizeof zKid, "%.32s-B%02d", zCode, iSeq);
  scat(zName, sizeof zName, zBase, zWhat, 0, 0);
  emit(g, zKid, zName, zCode, eKind, eDomain, eForm, R_NORMAL, eFlavor, w);
}

/* A township committee with its own office branch and village branches
 * (large villages: a general branch or committee with branches). */
static void township(Gen *g, const char *zParent, const char *zCode, const char *zTown, int n) {
  Place *pl = g->pPlace;
  Rng *r = &g->r;
  char zBase[160], zName[256], zKid[64], zSub[64], zNum[16];
  char azUsed[64][24];
  int nUsed = 0;
  scat(zBase, sizeof zBase, pl->zDisp, zTown, 0, 0);
  scat(zName, sizeof zName, zBase, "党委", 0, 0);
  emit(g, zCode, zName, zParent, K_COMM, D_RURAL, F_NONE, R_TOWNSHIP, FL_VILLAGE, 0);
  if (!g->zTownship[0]) memcpy(g->zTownship, zCode, strlen(zCode) + 1);
  int t = n - 1, seq = 0;
  if (t > 0) {
    side_branch(g, zCode, ++seq, zBase, "机关党支部", K_BR, D_AGENCY, F_NONE, FL_AGENCY, 20);
    t--;
  }
  if (t > 8 && below(r, 100) < 35) {
    side_branch(g, zCode, ++seq, zBase, "离退休干部党支部", K_BR, D_AGENCY, F_NONE, FL_RETIREE, 24);
    t--;
  }
  if (t > 10 && below(r, 100) < 30) {
    side_branch(g, zCode, ++seq, zBase, "非公企业联合党支部", K_JOINT, D_NONPUB, F_JOINT, FL_NONPUB, 10);
    t--;
  }
  for (int iv = 1; t > 0; iv++) {
    char zV[24];
    for (int tries = 0; tries < 20; tries++) {
      if (below(r, 100) < 15) scat(zV, sizeof zV, azVillageGood[below(r, (int)ARRAY_LEN(azVillageGood))], 0, 0, 0);
      else place_name(g, zVillageB, zV);
      if (!name_used(azUsed, nUsed, zV)) break;
    }
    if (nUsed < 64) memcpy(azUsed[nUsed++], zV, sizeof zV);
    int c = 1, x = below(r, 100);
    if (x < 7 && t >= 3) c = range(r, 3, 4);
    else if (x < 10 && t >= 5) c = range(r, 5, 7);
    if (c > t) c = t;
    snprintf(zKid, sizeof zKid, "%.32s-C%02d", zCode, iv);
    char zVBase[200];
    scat(zVBase, sizeof zVBase, zBase, zV, "村", 0);
    if (c == 1) {
      scat(zName, sizeof zName, zVBase, "党支部", 0, 0);
      emit(g, zKid, zName, zCode, K_BR, D_RURAL, F_NONE, R_VILLAGE, FL_VILLAGE, 30);
    } else {
      scat(zName, sizeof zName, zVBase, c <= 4 ? "党总支" : "党委", 0, 0);
      emit(g, zKid, zName, zCode, c <= 4 ? K_GEN : K_COMM, D_RURAL, F_NONE, R_VILLAGE, FL_VILLAGE, 0);
      for (int k = 1; k < c; k++) {
        snprintf(zSub, sizeof zSub, "%.40s-B%d", zKid, k);
        cn_num(k, zNum);
        scat(zName, sizeof zName, zVBase, "第", zNum, "党支部");
        emit(g, zSub, zName, zKid, K_BR, D_RURAL, F_NONE, R_VILLAGE, FL_VILLAGE, 22);
      }
    }
    t -= c;
  }
}

/* A street working committee with its office branch and community branches
 * (large communities: a general branch or committee with grid branches). */
static void street(Gen *g, const char *zParent, const char *zCode, const char *zStreet, int n) {
  Place *pl = g->pPlace;
  Rng *r = &g->r;
  char zBase[160], zName[256], zKid[64], zSub[64], zNum[16];
  char azUsed[64][24];
  int nUsed = 0;
  scat(zBase, sizeof zBase, pl->zDisp, zStreet, 0, 0);
  scat(zName, sizeof zName, zBase, "党工委", 0, 0);
  emit(g, zCode, zName, zParent, K_WORK, D_COMM, F_NONE, R_NORMAL, FL_COMMUNITY, 0);
  int t = n - 1, seq = 0;
  if (t > 0) {
    side_branch(g, zCode, ++seq, zBase, "机关党支部", K_BR, D_AGENCY, F_NONE, FL_AGENCY, 20);
    t--;
  }
  if (t > 6 && below(r, 100) < 50) {
    side_branch(g, zCode, ++seq, zBase, "商务楼宇联合党支部", K_JOINT, D_NONPUB, F_JOINT, FL_NONPUB, 10);
    t--;
  }
  for (int ic = 1; t > 0; ic++) {
    char zC[24];
    for (int tries = 0; tries < 20; tries++) {
      if (below(r, 100) < 70) scat(zC, sizeof zC, azCommunity[below(r, (int)ARRAY_LEN(azCommunity))], 0, 0, 0);
      else place_name(g, zStreetB, zC);
      if (!name_used(azUsed, nUsed, zC)) break;
    }
    if (nUsed < 64) memcpy(azUsed[nUsed++], zC, sizeof zC);
    int c = 1, x = below(r, 100);
    if (x < 20 && t >= 3) c = range(r, 3, 5);
    else if (x < 30 && t >= 6) c = range(r, 6, 9);
    if (c > t) c = t;
    snprintf(zKid, sizeof zKid, "%.32s-S%02d", zCode, ic);
    char zCBase[200];
    scat(zCBase, sizeof zCBase, zBase, zC, "社区", 0);
    if (c == 1) {
      scat(zName, sizeof zName, zCBase, "党支部", 0, 0);
      emit(g, zKid, zName, zCode, K_BR, D_COMM, F_NONE, R_VILLAGE, FL_COMMUNITY, 30);
    } else {
      scat(zName, sizeof zName, zCBase, c <= 5 ? "党总支" : "党委", 0, 0);
      emit(g, zKid, zName, zCode, c <= 5 ? K_GEN : K_COMM, D_COMM, F_NONE, R_VILLAGE, FL_COMMUNITY, 0);
      int iEstate = below(r, (int)ARRAY_LEN(azEstate));
      for (int k = 1; k < c; k++) {
        snprintf(zSub, sizeof zSub, "%.40s-B%d", zKid, k);
        if (c > 5 && k > 3) {
          /* a committee's extra branches are in housing estates */
          scat(zName, sizeof zName, zCBase, azEstate[(iEstate + k) % (int)ARRAY_LEN(azEstate)], "小区党支部", 0);
        } else {
          cn_num(k, zNum);
          scat(zName, sizeof zName, zCBase, "第", zNum, "网格党支部");
        }
        emit(g, zSub, zName, zKid, K_BR, D_COMM, F_NONE, R_VILLAGE, FL_COMMUNITY, 15);
      }
    }
    t -= c;
  }
}

/* Sections of a place, by the share of its budget. */
enum { S_RURAL, S_URBAN, S_AGENCY, S_SCHOOL, S_HOSP, S_SOE, S_NONPUB, S_SOCIAL, S_NEWEMP, S_TEMP, S_N };

/* Budgets of the sections of a place with n organizations below its root:
 * each its share, at least 2 (a container and something in it) or none;
 * the non-public section takes the rest. */
static void sections(int n, const double *aShare, int *aBudget) {
  int sum = 0;
  for (int i = 0; i < S_N; i++) {
    aBudget[i] = i == S_NONPUB ? 0 : (int)(n * aShare[i] + 0.5);
    if (i != S_TEMP && aBudget[i] < 2) aBudget[i] = 0;
    sum += aBudget[i];
  }
  aBudget[S_NONPUB] = n - sum;
  if (aBudget[S_NONPUB] < 2) {
    aBudget[S_AGENCY] += aBudget[S_NONPUB];
    aBudget[S_NONPUB] = 0;
  }
}

/* Emits the sections other than townships and streets under zRoot. */
static void sections_emit(Gen *g, const char *zRoot, const int *aBudget) {
  if (aBudget[S_AGENCY] >= 2) sec_agency(g, zRoot, aBudget[S_AGENCY]);
  if (aBudget[S_SCHOOL] >= 2) sec_school(g, zRoot, aBudget[S_SCHOOL]);
  if (aBudget[S_HOSP] >= 2) sec_hospital(g, zRoot, aBudget[S_HOSP]);
  if (aBudget[S_SOE] >= 2) sec_soe(g, zRoot, aBudget[S_SOE]);
  if (aBudget[S_NONPUB] >= 2) sec_nonpub(g, zRoot, aBudget[S_NONPUB]);
  if (aBudget[S_SOCIAL] >= 2) sec_social(g, zRoot, aBudget[S_SOCIAL]);
  if (aBudget[S_NEWEMP] >= 2) sec_newemp(g, zRoot, aBudget[S_NEWEMP]);
  if (aBudget[S_TEMP] >= 1) sec_temp(g, zRoot, aBudget[S_TEMP]);
}

/* ------------------------------------------------------------------------
 * Places: county, city, province.
 * ---------------------------------------------------------------------- */
static double county_weight(Gen *g, const County *c) {
  double w = c->bDistrict ? 0.85 : c->bCityLevel ? 1.05 : 1.1;
  return w * (0.85 + 0.3 * unit01(&g->r));
}

static void county_build(Gen *g, int iCounty, const char *zParent, int n) {
  County *c = &g->aCounty[iCounty];
  Rng *r = &g->r;
  Place *pl = xcalloc(1, sizeof(Place));
  Place *pSaved = g->pPlace;
  pl->eLevel = L_COUNTY;
  memcpy(pl->zCode, c->zCode, 7);
  memcpy(pl->zDisp, c->zDisp, sizeof pl->zDisp);
  memcpy(pl->zStem, c->zStem, sizeof pl->zStem);
  pl->iCounty = iCounty;
  pl->iCity = c->iCity;
  pl->iCompanyStart = below(r, 9000);
  g->pPlace = pl;

  char zName[200], zCode[64];
  scat(zName, sizeof zName, "中共", c->zDisp, "委员会", 0);
  emit(g, c->zCode, zName, zParent, K_COMM, D_AGENCY, F_NONE, R_ROOT, FL_AGENCY, 0);

  /* Shares for a county, a county-level city and a district. */
  static const double aShare[3][S_N] = {
    {0.30, 0.05, 0.17, 0.11, 0.05, 0.06, 0, 0.04, 0.02, 0.006},
    {0.24, 0.09, 0.17, 0.11, 0.05, 0.06, 0, 0.04, 0.02, 0.006},
    {0.10, 0.20, 0.17, 0.10, 0.04, 0.06, 0, 0.05, 0.03, 0.006},
  };
  int aBudget[S_N];
  sections(n - 1, aShare[c->bDistrict ? 2 : c->bCityLevel ? 1 : 0], aBudget);

  /* Townships and streets, with their names first (schools, clinics and
   * police stations are named after them). */
  int nTown = aBudget[S_RURAL] >= 4 ? (int)(aBudget[S_RURAL] / 24.0 + 0.5) : 0;
  if (aBudget[S_RURAL] >= 4 && nTown < 1) nTown = 1;
  if (nTown > aBudget[S_RURAL] / 4) nTown = aBudget[S_RURAL] / 4;
  if (nTown > MAX_SITE / 2) nTown = MAX_SITE / 2;
  int nStreet = aBudget[S_URBAN] >= 3 ? (int)(aBudget[S_URBAN] / 13.0 + 0.5) : 0;
  if (aBudget[S_URBAN] >= 3 && nStreet < 1) nStreet = 1;
  if (nStreet > aBudget[S_URBAN] / 3) nStreet = aBudget[S_URBAN] / 3;
  if (nStreet > MAX_SITE / 2) nStreet = MAX_SITE / 2;
  if (nTown == 0) aBudget[S_NONPUB] += aBudget[S_RURAL], aBudget[S_RURAL] = 0;
  if (nStreet == 0) aBudget[S_NONPUB] += aBudget[S_URBAN], aBudget[S_URBAN] = 0;
  static const char *const azStreetCommon[] = {"城关", "东城", "西城", "南城", "北城", "城南", "城北", "城东"};
  for (int i = 0; i < nTown + nStreet; i++) {
    char zStem[24], zFull[24];
    int bStreet = i >= nTown;
    for (int tries = 0; tries < 50; tries++) {
      if (bStreet && i - nTown < 3 && tries == 0) scat(zStem, sizeof zStem, azStreetCommon[below(r, 8)], 0, 0, 0);
      else place_name(g, bStreet ? zStreetB : zTownB, zStem);
      if (!name_used(pl->azSiteStem, i, zStem)) break;
    }
    scat(zFull, sizeof zFull, zStem, bStreet ? "街道" : below(r, 100) < 75 ? "镇" : "乡", 0, 0);
    memcpy(pl->azSiteStem[i], zStem, sizeof zStem);
    memcpy(pl->azSite[i], zFull, sizeof zFull);
  }
  pl->nTown = nTown;
  pl->nStreet = nStreet;

  if (nTown > 0) {
    double aw[MAX_SITE] = {0};
    int an[MAX_SITE] = {0};
    for (int i = 0; i < nTown; i++) aw[i] = 0.7 + 0.6 * unit01(r);
    split(aBudget[S_RURAL], nTown, aw, 4, an);
    for (int i = 0; i < nTown; i++) {
      snprintf(zCode, sizeof zCode, "%s-XZ%02d", c->zCode, i + 1);
      township(g, c->zCode, zCode, pl->azSite[i], an[i]);
    }
  }
  if (nStreet > 0) {
    double aw[MAX_SITE] = {0};
    int an[MAX_SITE] = {0};
    for (int i = 0; i < nStreet; i++) aw[i] = 0.7 + 0.6 * unit01(r);
    split(aBudget[S_URBAN], nStreet, aw, 3, an);
    for (int i = 0; i < nStreet; i++) {
      snprintf(zCode, sizeof zCode, "%s-JD%02d", c->zCode, i + 1);
      street(g, c->zCode, zCode, pl->azSite[nTown + i], an[i]);
    }
  }
  sections_emit(g, c->zCode, aBudget);
  g->pPlace = pSaved;
  free(pl);
}

static void city_build(Gen *g, int iCity, const char *zParent, int n) {
  City *c = &g->aCity[iCity];
  Place *pl = xcalloc(1, sizeof(Place));
  Place *pSaved = g->pPlace;
  pl->eLevel = L_CITY;
  memcpy(pl->zCode, c->zCode, 7);
  scat(pl->zDisp, sizeof pl->zDisp, c->zDisp, 0, 0, 0);
  scat(pl->zStem, sizeof pl->zStem, c->zStem, 0, 0, 0);
  pl->iCounty = -1;
  pl->iCity = iCity;
  pl->iCompanyStart = below(&g->r, 9000);
  g->pPlace = pl;

  char zName[200];
  scat(zName, sizeof zName, "中共", c->zDisp, "委员会", 0);
  emit(g, c->zCode, zName, zParent, K_COMM, D_AGENCY, F_NONE, R_ROOT, FL_AGENCY, 0);
  int nLevel = (int)(n * 0.12 + 0.5);
  double aw[64];
  int an[64];
  for (int i = 0; i < c->nCounty; i++) aw[i] = county_weight(g, &g->aCounty[c->iFirst + i]);
  split(n - 1 - nLevel, c->nCounty, aw, 100, an);
  static const double aShare[S_N] = {0, 0, 0.30, 0.20, 0.12, 0.18, 0, 0.05, 0.03, 0.02};
  int aBudget[S_N];
  sections(nLevel, aShare, aBudget);
  sections_emit(g, c->zCode, aBudget);
  for (int i = 0; i < c->nCounty; i++) county_build(g, c->iFirst + i, c->zCode, an[i]);
  g->pPlace = pSaved;
  free(pl);
}

static void province_build(Gen *g, int n) {
  Place *pl = xcalloc(1, sizeof(Place));
  pl->eLevel = L_PROVINCE;
  memcpy(pl->zCode, "340000", 7);
  scat(pl->zDisp, sizeof pl->zDisp, "安徽省", 0, 0, 0);
  scat(pl->zStem, sizeof pl->zStem, "安徽", 0, 0, 0);
  pl->iCounty = -1;
  pl->iCity = -1;
  pl->iCompanyStart = below(&g->r, 9000);
  g->pPlace = pl;
  emit(g, "340000", "中共安徽省委员会", 0, K_COMM, D_AGENCY, F_NONE, R_ROOT, FL_AGENCY, 0);
  int nLevel = (int)(n * 0.09 + 0.5);
  double aw[32];
  int an[32];
  for (int i = 0; i < g->nCity; i++) {
    City *c = &g->aCity[i];
    aw[i] = 0;
    for (int k = 0; k < c->nCounty; k++) aw[i] += county_weight(g, &g->aCounty[c->iFirst + k]);
    if (strcmp(c->zCode, "340100") == 0) aw[i] *= 1.3; /* the capital */
  }
  split(n - 1 - nLevel, g->nCity, aw, 500, an);
  static const double aShare[S_N] = {0, 0, 0.22, 0.28, 0.05, 0.32, 0, 0.04, 0.02, 0.01};
  int aBudget[S_N];
  sections(nLevel, aShare, aBudget);
  sections_emit(g, "340000", aBudget);
  for (int i = 0; i < g->nCity; i++) city_build(g, i, "340000", an[i]);
  g->pPlace = 0;
  free(pl);
}

/* Anhui's cities and counties from idcard_aRegion; the other provinces'
 * codes for the few members born elsewhere. */
static void geo_load(Gen *g) {
  static const char zAnhui[] = "安徽省";
  static const char zShi[] = "市";
  g->aCounty = xcalloc((size_t)idcard_nRegion, sizeof(County));
  g->azOther = 0;
  for (int i = 0; i < idcard_nRegion; i++) {
    const IdcardRegion *pr = &idcard_aRegion[i];
    if (strncmp(pr->zCode, "34", 2) != 0 || strncmp(pr->zName, zAnhui, strlen(zAnhui)) != 0) continue;
    if (strcmp(pr->zCode + 4, "00") == 0) continue;
    const char *zRest = pr->zName + strlen(zAnhui);
    const char *zEnd = strstr(zRest, zShi);
    if (!zEnd || !zEnd[3]) continue;
    zEnd += 3;
    char zCityCode[7];
    memcpy(zCityCode, pr->zCode, 4);
    memcpy(zCityCode + 4, "00", 3);
    if (g->nCity == 0 || strcmp(g->aCity[g->nCity - 1].zCode, zCityCode) != 0) {
      if (g->nCity == (int)ARRAY_LEN(g->aCity)) break;
      City *c = &g->aCity[g->nCity++];
      memcpy(c->zCode, zCityCode, 7);
      size_t nDisp = (size_t)(zEnd - zRest);
      if (nDisp >= sizeof c->zDisp) nDisp = sizeof c->zDisp - 1;
      memcpy(c->zDisp, zRest, nDisp);
      c->zDisp[nDisp] = 0;
      memcpy(c->zStem, zRest, nDisp - 3);
      c->zStem[nDisp - 3] = 0;
      c->zArea = "0551";
      for (int k = 0; k < (int)ARRAY_LEN(aAreaCode); k++)
        if (strncmp(aAreaCode[k].zCity, pr->zCode, 4) == 0) c->zArea = aAreaCode[k].zArea;
      c->iFirst = g->nCounty;
    }
    City *c = &g->aCity[g->nCity - 1];
    County *k = &g->aCounty[g->nCounty++];
    c->nCounty++;
    k->iCity = g->nCity - 1;
    memcpy(k->zCode, pr->zCode, 7);
    size_t nName = strlen(zEnd);
    if (nName <= 6) {
      /* two characters: 和县 stays, 郊区 becomes 铜陵市郊区 */
      if (strcmp(zEnd + nName - 3, "区") == 0) {
        scat(k->zDisp, sizeof k->zDisp, c->zDisp, zEnd, 0, 0);
        scat(k->zStem, sizeof k->zStem, c->zStem, zEnd, 0, 0);
      } else {
        scat(k->zDisp, sizeof k->zDisp, zEnd, 0, 0, 0);
        scat(k->zStem, sizeof k->zStem, zEnd, 0, 0, 0);
      }
    } else {
      scat(k->zDisp, sizeof k->zDisp, zEnd, 0, 0, 0);
      scat(k->zStem, sizeof k->zStem, zEnd, 0, 0, 0);
      k->zStem[nName - 3] = 0;
    }
    k->bDistrict = strcmp(zEnd + nName - 3, "区") == 0;
    k->bCityLevel = strcmp(zEnd + nName - 3, "市") == 0;
  }
}

/* Spreads the member total over the branches: tiny ones keep their 1 or 2,
 * the rest in proportion to their weights (cumulative rounding). */
static void sizes(Gen *g) {
  double W = 0;
  long long nTiny = 0;
  for (int i = 0; i < g->nBr; i++) {
    if (g->aBr[i].bTiny) nTiny += g->aBr[i].nSize;
    else W += g->aBr[i].w;
  }
  long long R = g->nMemTarget - nTiny;
  if (R < 0 || W <= 0) R = 0;
  double acc = 0;
  long long prev = 0;
  int iLast = -1;
  for (int i = 0; i < g->nBr; i++) {
    Branch *b = &g->aBr[i];
    if (b->bTiny) continue;
    acc += b->w;
    long long cur = W > 0 ? (long long)(acc * (double)R / W + 0.5) : 0;
    if (cur > R) cur = R;
    b->nSize = (int)(cur - prev);
    prev = cur;
    iLast = i;
  }
  if (iLast >= 0) g->aBr[iLast].nSize += (int)(R - prev);
}

static const struct {
  const char *zScale;
  long long nOrg, nMem;
  const char *zRoot; /* county or city code; NULL for the province */
} aScale[] = {
  {"small", 150, 3000, "341125"},      /* 定远县 in miniature, for tests */
  {"county", 1500, 30000, "341125"},   /* 定远县, 滁州市 */
  {"city", 10000, 200000, "341100"},   /* 滁州市 (seed 001) */
  {"province", 190700, 3800000, 0},    /* 安徽省 (seed 000) */
};

int demo_generate(const DemoOpts *pOpts, FILE *fOrg, FILE *fMem, DemoResult *pRes) {
  int iScale = -1;
  for (int i = 0; i < (int)ARRAY_LEN(aScale); i++)
    if (pOpts && pOpts->zScale && strcmp(pOpts->zScale, aScale[i].zScale) == 0) iScale = i;
  if (iScale < 0) {
    fprintf(stderr, "qiangji: 演示数据：没有规模“%s”（可选 small、county、city 或 province）\n",
            pOpts && pOpts->zScale ? pOpts->zScale : "");
    return -1;
  }
  Gen *g = xcalloc(1, sizeof(Gen));
  rng_seed(&g->r, pOpts->seed);
  g->fOrg = fOrg;
  g->fMem = fMem;
  g->nOrgTarget = aScale[iScale].nOrg;
  g->nMemTarget = aScale[iScale].nMem;
  char zToday[11];
  if (pOpts->zToday) snprintf(zToday, sizeof zToday, "%s", pOpts->zToday);
  else util_today(zToday);
  int refY = atoi(zToday), refM = atoi(zToday + 5), refD = atoi(zToday + 8);
  g->ref = days_from_civil(refY, refM, refD);
  g->refMinus1y = add_years(g->ref, -1);
  /* The latest election rounds that have ended by the reference day. */
  g->villageRound = 2021 + 5 * ((refY - 2021) / 5);
  if (g->villageRound > refY || days_from_civil(g->villageRound, 1, 5) + 115 > g->ref) g->villageRound -= 5;
  g->townshipRound = 2021 + 5 * ((refY - 2021) / 5);
  if (g->townshipRound > refY || days_from_civil(g->townshipRound, 10, 1) + 122 > g->ref) g->townshipRound -= 5;
  g->d1950 = days_from_civil(1950, 1, 1);
  geo_load(g);
  const char **azOther = xmalloc(sizeof(char *) * (size_t)idcard_nRegion);
  for (int i = 0; i < idcard_nRegion; i++) {
    const char *z = idcard_aRegion[i].zCode;
    if (strncmp(z, "34", 2) != 0 && strcmp(z + 2, "0000") != 0) azOther[g->nOther++] = z;
  }
  g->azOther = azOther;
  int rc = 0;
  if (g->nCounty == 0) {
    fprintf(stderr, "qiangji: 演示数据：idcard_aRegion 中没有安徽的行政区划代码\n");
    rc = -1;
    goto done;
  }

  /* Pass 1: organizations. */
  buf_puts(&g->bOrg, CSV_BOM);
  static const char *const azOrgHead[10] = {"组织编码", "组织名称", "上级组织编码", "组织类别", "所属领域",
                                            "组建方式", "成立日期", "行政区划代码", "本届任期开始", "结束日期"};
  csv_write_row(&g->bOrg, azOrgHead, 10, 0);
  const char *zRoot = aScale[iScale].zRoot;
  if (!zRoot) {
    province_build(g, (int)g->nOrgTarget);
    zRoot = "340000";
  } else {
    int iCity = -1, iCounty = -1;
    for (int i = 0; i < g->nCity; i++)
      if (strcmp(g->aCity[i].zCode, zRoot) == 0) iCity = i;
    for (int i = 0; i < g->nCounty; i++)
      if (strcmp(g->aCounty[i].zCode, zRoot) == 0) iCounty = i;
    if (iCity >= 0) city_build(g, iCity, 0, (int)g->nOrgTarget);
    else if (iCounty >= 0) county_build(g, iCounty, 0, (int)g->nOrgTarget);
    else {
      fprintf(stderr, "qiangji: 演示数据：找不到行政区划 %s\n", zRoot);
      rc = -1;
      goto done;
    }
  }
  demo_flush(g, &g->bOrg, g->fOrg);
  util_progress_done("演示：组织", g->nOrg);

  /* The demo branch: a village branch of the first township with 20 to 45
   * members if there is one, else its first village branch. */
  sizes(g);
  size_t nTown = strlen(g->zTownship);
  int iDemo = -1, iAny = -1;
  for (int i = 0; i < g->nBr && iDemo < 0; i++) {
    Branch *b = &g->aBr[i];
    if (b->eFlavor != FL_VILLAGE || strncmp(b->zCode, g->zTownship, nTown) != 0 || b->zCode[nTown] != '-')
      continue;
    if (iAny < 0) iAny = i;
    /* <township>-Cnn: a village branch right under the township */
    if (b->zCode[nTown + 1] == 'C' && !strchr(b->zCode + nTown + 1, '-') && b->nSize >= 20 && b->nSize <= 45)
      iDemo = i;
  }
  if (iDemo < 0) iDemo = iAny;

  /* Pass 2: members. */
  buf_puts(&g->bMem, CSV_BOM);
  static const char *const azMemHead[15] = {"姓名", "公民身份号码", "性别", "出生日期", "民族",
                                            "学历", "人员类别", "入党日期", "转正日期", "所在党组织编码",
                                            "工作岗位", "联系电话", "是否流动党员", "流入地", "月收入"};
  csv_write_row(&g->bMem, azMemHead, 15, 0);
  {
    uint64_t nBlocks = 1;
    while (nBlocks * 512 < (uint64_t)g->nMemTarget * 16) nBlocks *= 2;
    g->aBloom = xcalloc((size_t)nBlocks * 8, sizeof(uint64_t));
    g->nBlockMask = nBlocks - 1;
  }
  char zMemberId[19] = "";
  for (int i = 0; i < g->nBr; i++) {
    const Branch *b = &g->aBr[i];
    for (int k = 0; k < b->nSize; k++) {
      char zId[19];
      int bMobile;
      int bForce = i == iDemo && k == 1;
      demo_member_row(g, b, bForce, zId, &bMobile);
      if (i == iDemo && (!zMemberId[0] || bForce)) memcpy(zMemberId, zId, 19);
    }
    if ((i & 255) == 0) util_progress("演示：党员", g->nMem, g->nMemTarget);
  }
  demo_flush(g, &g->bMem, g->fMem);
  util_progress_done("演示：党员", g->nMem);
  if (fflush(fOrg) != 0 || fflush(fMem) != 0) g->bErr = 1;
  if (g->bErr) {
    fprintf(stderr, "qiangji: 演示数据：写入失败\n");
    rc = -1;
  }

  if (pRes) {
    memset(pRes, 0, sizeof(*pRes));
    pRes->nOrg = g->nOrg;
    pRes->nMember = g->nMem;
    scat(pRes->zRoot, sizeof pRes->zRoot, zRoot, 0, 0, 0);
    scat(pRes->zTownship, sizeof pRes->zTownship, g->zTownship, 0, 0, 0);
    if (iDemo >= 0) scat(pRes->zBranch, sizeof pRes->zBranch, g->aBr[iDemo].zCode, 0, 0, 0);
    memcpy(pRes->zMemberId, zMemberId, 19);
  }

done:
  buf_free(&g->bOrg);
  buf_free(&g->bMem);
  free(g->aBr);
  free(g->aCounty);
  free(g->aBloom);
  free(azOther);
  free(g);
  return rc;
}
