/* stats.c: statistics of a subtree: the breakdowns and their labels, the
 * reference answer by plain SQL GROUP BY queries, the JSON answer, the route
 * GET /api/v1/orgs/{code}/stats (answered from the index of stats_index.c,
 * cached by its generation) and `qiangji report stats`.
 *
 * What counts: organizations of the subtree, its root included (every kind,
 * ended temporary and project branches too); members with status='active'
 * in the subtree. Ages and Party standing are in full years as of today
 * (util_today): age from birth_date, standing from full_on (转正日期, as the
 * Party counts it; a probationary member has none). Occupation counts under
 * the eight categories of the annual statistics when the text is one of
 * them, else 其他填写, and 未填 when empty. Other modules' figures (meetings
 * held this year, training, the secretaries: stats.h, StatsFigure) are
 * buckets like the others, by SQL here and from the index in the server. */
#include "stats.h"
#include "module.h"
#include "api.h"
#include "buf.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "util.h"
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Labels. Those of kind, domain, formation, education and ethnicity are the
 * enumerations of org.c and member.c (test_stats checks they agree). */
static const char *const azKind[] = {"党委", "党工委", "党总支", "党支部", "联合党支部", "临时党支部", "项目党支部", 0};
static const char *const azDomain[] = {"农村", "城市社区", "机关", "国有企业", "学校", "公立医院", "非公有制企业",
                                       "社会组织", "新就业群体", "其他", 0};
static const char *const azForm[] = {"单独组建", "联合组建", "挂靠组建", "未填", 0};
static const char *const azCat[] = {"正式党员", "预备党员", 0};
static const char *const azSex[] = {"男", "女", 0};
static const char *const azAge[] = {"30岁及以下", "31至35岁", "36至40岁", "41至45岁", "46至50岁",
                                    "51至55岁", "56至60岁", "61至70岁", "71岁及以上", 0};
static const char *const azEdu[] = {"研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下", "未填", 0};
static const char *const azEth[] = {
  "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
  "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
  "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
  "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
  "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
  "未填", 0};
/* The occupation categories of the annual statistics (as the demo writes them). */
static const char *const azOcc[] = {"工人", "农牧渔民", "专业技术人员", "企事业单位管理人员", "党政机关工作人员",
                                    "学生", "离退休人员", "其他职业人员", "其他填写", "未填", 0};
static const char *const azMob[] = {"流动党员", "非流动党员", 0};
static const char *const azStand[] = {"5年及以下", "6至10年", "11至20年", "21至30年", "31至40年",
                                      "41至50年", "51年及以上", "预备党员", 0};

const StatsBreakdown stats_aBreakdown[] = {
  [STATS_BD_KIND] = {"by_kind", "组织类别", 0, STATS_B_KIND, 7, azKind, -1},
  [STATS_BD_DOMAIN] = {"by_domain", "所属领域", 0, STATS_B_DOMAIN, 10, azDomain, -1},
  [STATS_BD_FORM] = {"by_formation", "组建方式", 0, STATS_B_FORM, 4, azForm, 3},
  [STATS_BD_CAT] = {"by_category", "人员类别", 1, STATS_B_CAT, 2, azCat, 0},
  [STATS_BD_SEX] = {"by_sex", "性别", 1, STATS_B_SEX, 2, azSex, 0},
  [STATS_BD_AGE] = {"by_age", "年龄", 1, STATS_B_AGE, 9, azAge, -1},
  [STATS_BD_EDU] = {"by_education", "学历", 1, STATS_B_EDU, 7, azEdu, 6},
  [STATS_BD_ETH] = {"by_ethnicity", "民族", 1, STATS_B_ETH, 57, azEth, 56},
  [STATS_BD_OCC] = {"by_occupation", "工作岗位", 1, STATS_B_OCC, 10, azOcc, 8},
  [STATS_BD_MOB] = {"by_mobile", "流动党员", 1, STATS_B_MOB, 2, azMob, 1},
  [STATS_BD_STAND] = {"by_standing", "党龄", 1, STATS_B_STAND, 8, azStand, -1},
};
const int stats_nBreakdown = (int)ARRAY_LEN(stats_aBreakdown);

int stats_label(int iBd, const char *zLabel) {
  const StatsBreakdown *p = &stats_aBreakdown[iBd];
  if (zLabel && zLabel[0]) {
    /* 未填 and 其他填写 are ours, not values: a stored value never matches them. */
    for (int i = 0; i < p->n; i++)
      if (i != p->iFallback && strcmp(p->azLabel[i], zLabel) == 0) return i;
  }
  return p->iFallback;
}

int stats_occupation(const char *z) {
  if (!z || !z[0]) return 9;
  for (int i = 0; i < 8; i++)
    if (strcmp(azOcc[i], z) == 0) return i;
  return 8;
}

int stats_age_band(int y) {
  static const int aTop[] = {30, 35, 40, 45, 50, 55, 60, 70};
  for (int i = 0; i < 8; i++)
    if (y <= aTop[i]) return i;
  return 8;
}

int stats_standing_band(int y) {
  static const int aTop[] = {5, 10, 20, 30, 40, 50};
  if (y < 0) return 7;
  for (int i = 0; i < 6; i++)
    if (y <= aTop[i]) return i;
  return 6;
}

/* ---- figures of other modules ---------------------------------------------------- */

/* Every module's figures in one array, gathered once (read-only after). */
static const StatsFigure **apFigure;
static int nFigure;
static pthread_once_t figureOnce = PTHREAD_ONCE_INIT;
static void figures_gather(void) {
  for (int m = 0; m < module_n; m++) nFigure += module_ap[m]->nFigure;
  apFigure = xcalloc((size_t)nFigure + 1, sizeof *apFigure);
  int n = 0;
  for (int m = 0; m < module_n; m++)
    for (int i = 0; i < module_ap[m]->nFigure; i++) apFigure[n++] = module_ap[m]->apFigure[i];
}

int stats_nfigure(void) {
  pthread_once(&figureOnce, figures_gather);
  return nFigure;
}

const StatsFigure *stats_figure(int i) {
  pthread_once(&figureOnce, figures_gather);
  return apFigure[i];
}

static int figure_n(const StatsFigure *f) {
  int n = 0;
  while (f->azKey[n]) n++;
  return n;
}

int stats_figure_first(int iFigure) {
  int i = STATS_B_FIG;
  for (int k = 0; k < iFigure; k++) i += figure_n(stats_figure(k));
  return i;
}

/* The SQL of every figure with each filter, built once (pthread_once). */
static char **azFigureSql;
static pthread_once_t figureSqlOnce = PTHREAD_ONCE_INIT;
static void figure_sql_build(void) {
  azFigureSql = xcalloc((size_t)stats_nfigure() * 3 + 1, sizeof(char *));
  for (int i = 0; i < stats_nfigure(); i++) {
    const StatsFigure *f = stats_figure(i);
    /* Each names ?1 and ?2, which a figure's own SQL may not use (SQLite
     * refuses to bind a parameter that a statement does not have). */
    char zFilter[3][200];
    snprintf(zFilter[0], sizeof zFilter[0], "(?1 || ?2) IS NOT NULL");
    snprintf(zFilter[1], sizeof zFilter[1], "%s = ?3 AND (?1 || ?2) IS NOT NULL", f->zOrgColumn);
    snprintf(zFilter[2], sizeof zFilter[2],
             "%s IN (SELECT id FROM org WHERE path >= ?3 AND path < ?4) AND (?1 || ?2) IS NOT NULL", f->zOrgColumn);
    for (int e = 0; e < 3; e++) {
      Buf b = BUF_INIT;
      buf_printf(&b, f->zSql, zFilter[e]);
      azFigureSql[i * 3 + e] = xstrdup(buf_str(&b));
      buf_free(&b);
    }
  }
}

const char *stats_figure_sql(int iFigure, int eFilter) {
  pthread_once(&figureSqlOnce, figure_sql_build);
  return azFigureSql[iFigure * 3 + eFilter];
}

/* Adds the figures of the subtree at zPath (path range zHi) to a. 0 or -1. */
static int figures_sql(const char *zPath, const char *zHi, const char *zToday, int32_t *a) {
  char zYear[5];
  snprintf(zYear, sizeof zYear, "%.4s", zToday);
  for (int i = 0; i < stats_nfigure(); i++) {
    int n = figure_n(stats_figure(i)), i0 = stats_figure_first(i);
    DbStmt *s = db_stmt(stats_figure_sql(i, 2), "tttt", zYear, zToday, zPath, zHi);
    int rc;
    while (s && (rc = db_step(s)) == 1)
      for (int k = 0; k < n; k++) a[i0 + k] += (int32_t)db_col_int(s, 1 + k);
    if (!s || rc < 0) return -1;
  }
  return 0;
}

/* ---- the reference: plain SQL ------------------------------------------------ */

/* Full years from date column zCol to ?3 (today), as SQL. */
#define SQL_YEARS(zCol) \
  "(CAST(substr(?3,1,4) AS INTEGER) - CAST(substr(" zCol ",1,4) AS INTEGER) - (substr(?3,6,5) < substr(" zCol ",6,5)))"
#define SQL_MEMBERS \
  " FROM member m JOIN org o ON o.id=m.org_id WHERE o.path >= ?1 AND o.path < ?2 AND m.status='active'" \
  " AND (?4 = 0 OR m.joined_on <= ?3)"

/* Adds the (label, count) rows of a GROUP BY to breakdown iBd; a label
 * column that is an integer is the offset itself (the bands). */
static int add_groups(DbStmt *s, int iBd, int32_t *a) {
  int rc;
  const StatsBreakdown *p = &stats_aBreakdown[iBd];
  while ((rc = db_step(s)) == 1) {
    int i;
    if (iBd == STATS_BD_AGE || iBd == STATS_BD_STAND || iBd == STATS_BD_MOB) i = (int)db_col_int(s, 0);
    else if (iBd == STATS_BD_OCC) i = stats_occupation(db_col_isnull(s, 0) ? 0 : db_col_text(s, 0));
    else i = stats_label(iBd, db_col_isnull(s, 0) ? 0 : db_col_text(s, 0));
    if (i >= 0 && i < p->n) a[p->iFirst + i] += (int32_t)db_col_int(s, 1);
  }
  return rc;
}

int stats_sql_counts(const char *zPath, const char *zToday, int32_t *a) {
  if (stats_sql_counts_as_of(zPath, zToday, 0, a)) return -1;
  char zHi[256];
  scope_range(zPath, zHi);
  return figures_sql(zPath, zHi, zToday, a);
}

int stats_sql_counts_as_of(const char *zPath, const char *zToday, int bJoinedBy, int32_t *a) {
  char zHi[256];
  scope_range(zPath, zHi);
  memset(a, 0, STATS_NBUCKET * sizeof(int32_t));
  a[STATS_B_ORGS] = (int32_t)db_int(0, "SELECT count(*) FROM org WHERE path >= ?1 AND path < ?2", "tt", zPath, zHi);
  a[STATS_B_MEMBERS] = (int32_t)db_int(0, "SELECT count(*)" SQL_MEMBERS, "ttti", zPath, zHi, zToday, bJoinedBy);
  static const struct {
    int iBd;
    const char *zSql;
  } aQ[] = {
    {STATS_BD_KIND, "SELECT kind, count(*) FROM org WHERE path >= ?1 AND path < ?2 GROUP BY 1"},
    {STATS_BD_DOMAIN, "SELECT domain, count(*) FROM org WHERE path >= ?1 AND path < ?2 GROUP BY 1"},
    {STATS_BD_FORM, "SELECT formation, count(*) FROM org WHERE path >= ?1 AND path < ?2 GROUP BY 1"},
    {STATS_BD_CAT, "SELECT m.category, count(*)" SQL_MEMBERS " GROUP BY 1"},
    {STATS_BD_SEX, "SELECT m.gender, count(*)" SQL_MEMBERS " GROUP BY 1"},
    {STATS_BD_AGE, "SELECT CASE WHEN y <= 30 THEN 0 WHEN y <= 35 THEN 1 WHEN y <= 40 THEN 2 WHEN y <= 45 THEN 3"
                   " WHEN y <= 50 THEN 4 WHEN y <= 55 THEN 5 WHEN y <= 60 THEN 6 WHEN y <= 70 THEN 7 ELSE 8 END,"
                   " count(*) FROM (SELECT " SQL_YEARS("m.birth_date") " AS y" SQL_MEMBERS ") GROUP BY 1"},
    {STATS_BD_EDU, "SELECT m.education, count(*)" SQL_MEMBERS " GROUP BY 1"},
    {STATS_BD_ETH, "SELECT m.ethnicity, count(*)" SQL_MEMBERS " GROUP BY 1"},
    {STATS_BD_OCC, "SELECT m.occupation, count(*)" SQL_MEMBERS " GROUP BY 1"},
    {STATS_BD_MOB, "SELECT CASE WHEN m.mobile THEN 0 ELSE 1 END, count(*)" SQL_MEMBERS " GROUP BY 1"},
    {STATS_BD_STAND, "SELECT CASE WHEN f IS NULL THEN 7 WHEN y <= 5 THEN 0 WHEN y <= 10 THEN 1 WHEN y <= 20 THEN 2"
                     " WHEN y <= 30 THEN 3 WHEN y <= 40 THEN 4 WHEN y <= 50 THEN 5 ELSE 6 END, count(*)"
                     " FROM (SELECT m.full_on AS f, " SQL_YEARS("m.full_on") " AS y" SQL_MEMBERS ") GROUP BY 1"},
  };
  for (int q = 0; q < (int)ARRAY_LEN(aQ); q++) {
    int bOrg = !stats_aBreakdown[aQ[q].iBd].bMember;
    DbStmt *s = bOrg ? db_stmt(aQ[q].zSql, "tt", zPath, zHi) : db_stmt(aQ[q].zSql, "ttti", zPath, zHi, zToday, bJoinedBy);
    if (!s || add_groups(s, aQ[q].iBd, a) < 0) return -1;
  }
  return 0;
}

/* ---- the answer ------------------------------------------------------------------ */

json_t *stats_json(const char *zCode, const char *zName, const char *zToday, const int32_t *a) {
  json_t *pOrgs = json_object(), *pMem = json_object();
  json_object_set_new(pOrgs, "total", json_integer(a[STATS_B_ORGS]));
  json_object_set_new(pMem, "total", json_integer(a[STATS_B_MEMBERS]));
  for (int b = 0; b < stats_nBreakdown; b++) {
    const StatsBreakdown *p = &stats_aBreakdown[b];
    json_t *o = json_object();
    for (int i = 0; i < p->n; i++) json_object_set_new(o, p->azLabel[i], json_integer(a[p->iFirst + i]));
    json_object_set_new(p->bMember ? pMem : pOrgs, p->zKey, o);
  }
  json_t *pSec = json_pack("{s:b, s:i, s:n, s:n}", "available", 0, "count", 0, "average_age",
                           "high_school_or_above_share");
  json_t *pMod = json_object();
  for (int i = 0; i < stats_nfigure(); i++) {
    const StatsFigure *f = stats_figure(i);
    const int32_t *v = a + stats_figure_first(i);
    if (strcmp(f->zModule, "secretaries") == 0) {
      /* count, age_sum (full years as of today), high_school_or_above */
      json_decref(pSec);
      pSec = json_pack("{s:b, s:i}", "available", 1, "count", v[0]);
      json_object_set_new(pSec, "average_age", v[0] ? json_real((double)lround(10.0 * v[1] / v[0]) / 10.0) : json_null());
      json_object_set_new(pSec, "high_school_or_above_share",
                          v[0] ? json_real((double)lround(1000.0 * v[2] / v[0]) / 1000.0) : json_null());
      continue;
    }
    json_t *o = json_pack("{s:i}", "year", atoi(zToday));
    for (int k = 0; f->azKey[k]; k++) {
      const char *zSlash = strchr(f->azKey[k], '/');
      if (!zSlash) {
        json_object_set_new(o, f->azKey[k], json_integer(v[k]));
        continue;
      }
      char zKey[64];
      snprintf(zKey, sizeof zKey, "%.*s", (int)(zSlash - f->azKey[k]), f->azKey[k]);
      json_object_set_new(o, zKey, json_real((double)v[k] / atoi(zSlash + 1)));
    }
    json_object_set_new(pMod, f->zModule, o);
  }
  return json_pack("{s:{s:s, s:s}, s:s, s:o, s:o, s:o, s:o}", "org", "code", zCode, "name", zName ? zName : "",
                   "as_of", zToday, "orgs", pOrgs, "members", pMem, "secretaries", pSec, "modules", pMod);
}

/* ---- the route ------------------------------------------------------------------ */

/* Answers cached by organization and the index's generation: a small
 * direct-mapped table, so its memory is bounded (CACHE_N answers of a few
 * KB). Guarded by cacheMutex; the string is copied out under it. */
#define CACHE_N 4096
typedef struct CacheSlot {
  long long orgId;
  uint64_t gen;
  char *z;
  size_t n;
} CacheSlot;
static CacheSlot aCache[CACHE_N];
static pthread_mutex_t cacheMutex = PTHREAD_MUTEX_INITIALIZER;

static int cache_get(long long orgId, uint64_t gen, Buf *pOut) {
  int bHit = 0;
  pthread_mutex_lock(&cacheMutex);
  CacheSlot *c = &aCache[(unsigned long long)orgId % CACHE_N];
  if (c->z && c->orgId == orgId && c->gen == gen) {
    buf_append(pOut, c->z, c->n);
    bHit = 1;
  }
  pthread_mutex_unlock(&cacheMutex);
  return bHit;
}

static void cache_put(long long orgId, uint64_t gen, const char *z, size_t n) {
  pthread_mutex_lock(&cacheMutex);
  CacheSlot *c = &aCache[(unsigned long long)orgId % CACHE_N];
  free(c->z);
  c->orgId = orgId;
  c->gen = gen;
  c->z = xstrndup(z, n);
  c->n = n;
  pthread_mutex_unlock(&cacheMutex);
}

/* 1 unless the operator turned the answer cache off (setting stats_cache =
 * 0): the benchmark measures the answer summed from the index at request
 * time beside the cached one. Asked once. */
static int cache_on(void) {
  static atomic_int on = -1;
  if (on < 0) on = config_int("stats_cache", 1) != 0;
  return on;
}

/* GET /api/v1/orgs/{code}/stats */
static void stats_get(Req *r) {
  char zToday[11];
  util_today(zToday);
  int32_t a[STATS_NBUCKET];
  uint64_t gen = 0;
  int bIndex = stats_index_sync() == 0 && stats_index_counts(r->scope.id, a, &gen) == 0;
  if (bIndex && cache_on() && cache_get(r->scope.id, gen, &r->out)) {
    r->status = 200;
    r->zContentType = "application/json; charset=utf-8";
    return;
  }
  if (!bIndex && stats_sql_counts(r->scope.zPath, zToday, a)) {
    api_internal(r);
    return;
  }
  char *zName = db_text("SELECT name FROM org WHERE id=?", "I", r->scope.id);
  json_t *p = stats_json(r->scope.zCode, zName, zToday, a);
  free(zName);
  char *z = json_dumps(p, JSON_COMPACT);
  json_decref(p);
  if (bIndex && cache_on()) cache_put(r->scope.id, gen, z, strlen(z));
  r->status = 200;
  r->zContentType = "application/json; charset=utf-8";
  buf_puts(&r->out, z);
  free(z);
}

static const Route aRouteTable[] = {
  {"GET", "/api/v1/orgs/{code}/stats", stats_get, R_STAFF | R_ORG, 0,
   "statistics of the subtree: organizations and active members by every breakdown", 0, 0, 0},
};

/* ---- tables through the report writer (shared with annual.c) ------------------- */

int stats_write_tables(RptWriter *w, json_t *aTable) {
  size_t i, j;
  json_t *t, *v;
  json_array_foreach(aTable, i, t) {
    /* Cells are as the JSON gives them: text, whole numbers, shares. */
    RptCol aCol[64];
    int nCol = 0;
    json_array_foreach(json_object_get(t, "columns"), j, v) {
      if (nCol == 64) break;
      aCol[nCol] = (RptCol){json_string_value(v), 0, RPT_TEXT, nCol == 0 ? 22 : 12};
      nCol++;
    }
    if (rpt_table(w, json_string_value(json_object_get(t, "sheet")), json_string_value(json_object_get(t, "title")),
                  aCol, nCol))
      return -1;
    json_array_foreach(json_object_get(t, "rows"), j, v) if (rpt_row(w, v, 0)) return -1;
  }
  return 0;
}

/* The statistics as one table: group, item, count. */
static json_t *stats_table(const char *zCode, const char *zName, const char *zToday, const int32_t *a) {
  json_t *aRow = json_array();
  json_array_append_new(aRow, json_pack("[s, s, i]", "党组织", "合计", a[STATS_B_ORGS]));
  for (int b = 0; b < stats_nBreakdown; b++) {
    const StatsBreakdown *p = &stats_aBreakdown[b];
    if (b == STATS_BD_CAT) json_array_append_new(aRow, json_pack("[s, s, i]", "党员", "合计", a[STATS_B_MEMBERS]));
    for (int i = 0; i < p->n; i++)
      json_array_append_new(aRow, json_pack("[s, s, i]", p->zTitle, p->azLabel[i], a[p->iFirst + i]));
  }
  /* The other modules' figures, with their Chinese titles and labels. */
  for (int f = 0; f < stats_nfigure(); f++) {
    const StatsFigure *pF = stats_figure(f);
    const int32_t *v = a + stats_figure_first(f);
    if (strcmp(pF->zModule, "secretaries") == 0) {
      json_array_append_new(aRow, json_pack("[s, s, i]", pF->zTitle, "人数", v[0]));
      if (v[0]) {
        json_array_append_new(aRow, json_pack("[s, s, f]", pF->zTitle, "平均年龄", (double)lround(10.0 * v[1] / v[0]) / 10.0));
        json_array_append_new(aRow, json_pack("[s, s, f]", pF->zTitle, "高中及以上学历占比（%）",
                                              (double)lround(1000.0 * v[2] / v[0]) / 10.0));
      }
      continue;
    }
    for (int k = 0; pF->azKey[k]; k++) {
      const char *zSlash = strchr(pF->azKey[k], '/');
      json_array_append_new(aRow, zSlash ? json_pack("[s, s, f]", pF->zTitle, pF->azLabel[k], (double)v[k] / atoi(zSlash + 1))
                                         : json_pack("[s, s, i]", pF->zTitle, pF->azLabel[k], v[k]));
    }
  }
  char *zTitle = xprintf("%s（%s）党组织和党员统计，截至 %s", zName ? zName : "", zCode, zToday);
  json_t *t = json_pack("{s:s, s:s, s:[s, s, s], s:o}", "title", zTitle, "sheet", "统计", "columns", "分组", "项目",
                        "数量", "rows", aRow);
  free(zTitle);
  return t;
}

/* ---- CLI ------------------------------------------------------------------------- */

/* JSON is the object the API answers; CSV and xlsx its table. */
static int stats_report(ReportCtx *p) {
  const char *zVia = cli_opt(p->pArgs, "via") ? cli_opt(p->pArgs, "via") : "sql";
  if (strcmp(zVia, "sql") && strcmp(zVia, "index")) {
    util_die_msg("--via is sql or index (got '%s')", zVia);
    return 2;
  }
  int32_t a[STATS_NBUCKET];
  uint64_t gen;
  if (strcmp(zVia, "index") == 0) {
    if (stats_index_start() || stats_index_counts(p->scope.id, a, &gen)) return 1;
    stats_index_stop();
  } else if (stats_sql_counts(p->scope.zPath, p->zToday, a)) {
    return 1;
  }
  char *zName = db_text("SELECT name FROM org WHERE id=?", "I", p->scope.id);
  json_t *pStats = stats_json(p->scope.zCode, zName, p->zToday, a);
  rpt_json_value(p->pOut, pStats);
  json_decref(pStats);
  json_t *aT = json_array();
  json_array_append_new(aT, stats_table(p->scope.zCode, zName, p->zToday, a));
  free(zName);
  int rc = stats_write_tables(p->pOut, aT);
  json_decref(aT);
  return rc ? 1 : 0;
}

static const CliOpt aViaOpt[] = {
  {"via", 1, 0, "sql (default: GROUP BY queries) or index (build the in-memory index, as the server does)"},
  {0, 0, 0, 0},
};

static const Report aReport[] = {
  {"stats", stats_report, REPORT_ORG, "json", RPT_TABLES, aViaOpt,
   "Statistics of a subtree: organizations by kind, domain and formation; active members by category, sex, age, "
   "education, ethnicity, occupation, mobile and Party standing (as GET /api/v1/orgs/{code}/stats answers)."},
};

const Module stats_module = {
  .zName = "stats",
  .zOpenapi = "stats",
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aReport = MODULE_ARRAY(aReport),
  .xListener = stats_index_listener,
  .xStart = stats_index_start,
};
