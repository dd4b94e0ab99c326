/* annual.c: the standard annual statistics tables (党内统计年报 style) of a
 * subtree for one year: members by sex, ethnicity, age, education and
 * occupation; organizations by domain and kind; changes over the year.
 * `qiangji report annual` and GET /api/v1/orgs/{code}/stats/annual, as
 * .xlsx (one sheet per table), CSV (the tables one after another) or JSON.
 *
 * The reference day R is 31 December of the year, or today for the current
 * year. What each table counts, from the data that exists today:
 * - composition tables (1-5): members on the roster now (status 'active')
 *   who had joined by R, ages as of R. For a past year this is today's
 *   roster seen from R: members who left since are missing until the member
 *   lifecycle module records dates of leaving;
 * - organizations (6): those of the subtree established by R (or with no
 *   date) and not ended before R;
 * - changes (7): admitted = joined_on (入党日期) in the year, any status;
 *   converted = full_on in the year; transferred in / out = audit entries of
 *   member updates in the year whose organization moved into / out of the
 *   subtree (moves inside it are not transfers); died, left, expelled,
 *   suspended = members in the subtree with that status whose record last
 *   changed in the year (updated_at), until the lifecycle module records the
 *   date of each change. The transfer and lifecycle modules add their own
 *   rows later. */
#include "api.h"
#include "module.h"
#include "cli.h"
#include "db.h"
#include "stats.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double share(long long n, long long nTotal) {
  return nTotal ? (double)((long long)(1000.0 * (double)n / (double)nTotal + 0.5)) / 10.0 : 0.0;
}

static json_t *table(const char *zTitle, const char *zSheet, json_t *aCol, json_t *aRow) {
  return json_pack("{s:s, s:s, s:o, s:o}", "title", zTitle, "sheet", zSheet, "columns", aCol, "rows", aRow);
}

/* Rows label, count, share for buckets [iFirst, iFirst+n) of breakdown b. */
static void breakdown_rows(json_t *aRow, const int32_t *a, int b, long long nTotal) {
  const StatsBreakdown *p = &stats_aBreakdown[b];
  for (int i = 0; i < p->n; i++) {
    long long v = a[p->iFirst + i];
    json_array_append_new(aRow, json_pack("[s, I, f]", p->azLabel[i], (json_int_t)v, share(v, nTotal)));
  }
}

static json_t *count_cols(void) { return json_pack("[s, s, s]", "项目", "人数", "占比（%）"); }

/* The tables of the subtree at zPath for year y. NULL on a database error. */
static json_t *annual_tables(const Scope *sc, const char *zName, int y) {
  char zToday[11], zRef[24], zFrom[24], zTo[24], zYear[16];
  util_today(zToday);
  snprintf(zRef, sizeof zRef, "%04d-12-31", y);
  if (strcmp(zRef, zToday) > 0) snprintf(zRef, sizeof zRef, "%s", zToday);
  snprintf(zFrom, sizeof zFrom, "%04d-01-01", y);
  snprintf(zTo, sizeof zTo, "%04d-01-01", y + 1);
  snprintf(zYear, sizeof zYear, "%04d", y);
  int32_t a[STATS_NBUCKET];
  if (stats_sql_counts_as_of(sc->zPath, zRef, 1, a)) return 0;
  long long nTotal = a[STATS_B_MEMBERS];
  json_t *aT = json_array();
  char *zT;
  const char *zWho = zName ? zName : sc->zCode;

  /* 1 sex */
  json_t *aRow = json_array();
  breakdown_rows(aRow, a, STATS_BD_SEX, nTotal);
  json_array_append_new(aRow, json_pack("[s, I, f]", "合计", (json_int_t)nTotal, nTotal ? 100.0 : 0.0));
  zT = xprintf("表1 党员性别构成（%s，%d年，截至 %s）", zWho, y, zRef);
  json_array_append_new(aT, table(zT, "性别", count_cols(), aRow));
  free(zT);

  /* 2 ethnicity: 汉族, 少数民族 with each group that has members, 未填 */
  aRow = json_array();
  const StatsBreakdown *pE = &stats_aBreakdown[STATS_BD_ETH];
  long long nHan = a[pE->iFirst], nNone = a[pE->iFirst + pE->iFallback], nMin = nTotal - nHan - nNone;
  json_array_append_new(aRow, json_pack("[s, I, f]", "汉族", (json_int_t)nHan, share(nHan, nTotal)));
  json_array_append_new(aRow, json_pack("[s, I, f]", "少数民族", (json_int_t)nMin, share(nMin, nTotal)));
  for (int i = 1; i < pE->n; i++) {
    if (i == pE->iFallback || a[pE->iFirst + i] == 0) continue;
    char *zL = xprintf("其中：%s", pE->azLabel[i]);
    json_array_append_new(aRow, json_pack("[s, i, f]", zL, a[pE->iFirst + i], share(a[pE->iFirst + i], nTotal)));
    free(zL);
  }
  json_array_append_new(aRow, json_pack("[s, I, f]", "未填", (json_int_t)nNone, share(nNone, nTotal)));
  json_array_append_new(aRow, json_pack("[s, I, f]", "合计", (json_int_t)nTotal, nTotal ? 100.0 : 0.0));
  zT = xprintf("表2 党员民族构成（%s，%d年，截至 %s）", zWho, y, zRef);
  json_array_append_new(aT, table(zT, "民族", count_cols(), aRow));
  free(zT);

  /* 3 age */
  aRow = json_array();
  breakdown_rows(aRow, a, STATS_BD_AGE, nTotal);
  json_array_append_new(aRow, json_pack("[s, I, f]", "合计", (json_int_t)nTotal, nTotal ? 100.0 : 0.0));
  zT = xprintf("表3 党员年龄构成（%s，%d年，年龄计至 %s）", zWho, y, zRef);
  json_array_append_new(aT, table(zT, "年龄", count_cols(), aRow));
  free(zT);

  /* 4 education, with 大专及以上 */
  aRow = json_array();
  breakdown_rows(aRow, a, STATS_BD_EDU, nTotal);
  long long nCollege = a[STATS_B_EDU] + a[STATS_B_EDU + 1] + a[STATS_B_EDU + 2];
  json_array_append_new(aRow, json_pack("[s, I, f]", "其中：大专及以上", (json_int_t)nCollege, share(nCollege, nTotal)));
  json_array_append_new(aRow, json_pack("[s, I, f]", "合计", (json_int_t)nTotal, nTotal ? 100.0 : 0.0));
  zT = xprintf("表4 党员学历构成（%s，%d年，截至 %s）", zWho, y, zRef);
  json_array_append_new(aT, table(zT, "学历", count_cols(), aRow));
  free(zT);

  /* 5 occupation */
  aRow = json_array();
  breakdown_rows(aRow, a, STATS_BD_OCC, nTotal);
  json_array_append_new(aRow, json_pack("[s, I, f]", "合计", (json_int_t)nTotal, nTotal ? 100.0 : 0.0));
  zT = xprintf("表5 党员职业构成（%s，%d年，截至 %s）", zWho, y, zRef);
  json_array_append_new(aT, table(zT, "职业", count_cols(), aRow));
  free(zT);

  /* 6 organizations: domain by kind */
  char zHi[256];
  scope_range(sc->zPath, zHi);
  const StatsBreakdown *pK = &stats_aBreakdown[STATS_BD_KIND], *pD = &stats_aBreakdown[STATS_BD_DOMAIN];
  long long aCell[10][8];
  memset(aCell, 0, sizeof aCell);
  DbStmt *s = db_stmt("SELECT domain, kind, count(*) FROM org WHERE path >= ?1 AND path < ?2"
                      " AND (established_on IS NULL OR established_on <= ?3) AND (ended_on IS NULL OR ended_on >= ?3)"
                      " GROUP BY 1, 2", "ttt", sc->zPath, zHi, zRef);
  int rc;
  while ((rc = db_step(s)) == 1) {
    int d = stats_label(STATS_BD_DOMAIN, db_col_text(s, 0)), k = stats_label(STATS_BD_KIND, db_col_text(s, 1));
    if (d >= 0 && k >= 0) aCell[d][k] += db_col_int(s, 2);
  }
  if (rc < 0) goto fail;
  json_t *aCol = json_array();
  json_array_append_new(aCol, json_string("所属领域"));
  for (int k = 0; k < pK->n; k++) json_array_append_new(aCol, json_string(pK->azLabel[k]));
  json_array_append_new(aCol, json_string("合计"));
  aRow = json_array();
  long long aSum[8] = {0};
  for (int d = 0; d <= pD->n; d++) {
    json_t *r = json_array();
    json_array_append_new(r, json_string(d < pD->n ? pD->azLabel[d] : "合计"));
    long long nRow = 0;
    for (int k = 0; k < pK->n; k++) {
      long long v = d < pD->n ? aCell[d][k] : aSum[k];
      if (d < pD->n) aSum[k] += v;
      nRow += v;
      json_array_append_new(r, json_integer(v));
    }
    json_array_append_new(r, json_integer(nRow));
    json_array_append_new(aRow, r);
  }
  zT = xprintf("表6 党组织数（按领域和类别，%s，截至 %s）", zWho, zRef);
  json_array_append_new(aT, table(zT, "党组织", aCol, aRow));
  free(zT);

  /* 7 changes over the year */
  long long nAdmitted = db_int(0, "SELECT count(*) FROM member m JOIN org o ON o.id=m.org_id WHERE o.path >= ?1"
                                  " AND o.path < ?2 AND m.joined_on >= ?3 AND m.joined_on < ?4",
                               "tttt", sc->zPath, zHi, zFrom, zTo);
  long long nConverted = db_int(0, "SELECT count(*) FROM member m JOIN org o ON o.id=m.org_id WHERE o.path >= ?1"
                                   " AND o.path < ?2 AND m.full_on >= ?3 AND m.full_on < ?4",
                                "tttt", sc->zPath, zHi, zFrom, zTo);
  long long nIn = 0, nOut = 0;
  s = db_stmt("SELECT coalesce(sum(ia AND NOT ib), 0), coalesce(sum(ib AND NOT ia), 0) FROM (SELECT"
              " coalesce((SELECT path >= ?1 AND path < ?2 FROM org WHERE code = json_extract(a.before, '$.org_code')), 0) AS ib,"
              " coalesce((SELECT path >= ?1 AND path < ?2 FROM org WHERE code = json_extract(a.after, '$.org_code')), 0) AS ia"
              " FROM audit a WHERE a.entity = 'member' AND a.action = 'update' AND a.at >= ?3 AND a.at < ?4"
              " AND json_valid(a.before) AND json_valid(a.after)"
              " AND json_extract(a.before, '$.org_code') IS NOT json_extract(a.after, '$.org_code'))",
              "tttt", sc->zPath, zHi, zFrom, zTo);
  if (!s || db_step(s) != 1) goto fail;
  nIn = db_col_int(s, 0);
  nOut = db_col_int(s, 1);
  db_step(s);
  long long aStatus[4] = {0};
  static const char *const azStatus[] = {"deceased", "left", "expelled", "suspended"};
  for (int i = 0; i < 4; i++)
    aStatus[i] = db_int(0, "SELECT count(*) FROM member m JOIN org o ON o.id=m.org_id WHERE o.path >= ?1"
                           " AND o.path < ?2 AND m.status = ?3 AND substr(m.updated_at, 1, 4) = ?4",
                        "tttt", sc->zPath, zHi, azStatus[i], zYear);
  aCol = json_pack("[s, s, s]", "项目", "人数", "口径");
  aRow = json_array();
  json_array_append_new(aRow, json_pack("[s, I, s]", "年末党员数", (json_int_t)nTotal, "截至参考日在册（status=active）且已入党的党员"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "发展党员", (json_int_t)nAdmitted, "入党日期在本年内"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "预备党员转正", (json_int_t)nConverted, "转正日期在本年内"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "转入", (json_int_t)nIn, "审计日志：本年内所在党组织由范围外改到范围内"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "转出", (json_int_t)nOut, "审计日志：本年内所在党组织由范围内改到范围外"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "死亡", (json_int_t)aStatus[0], "状态为去世且记录在本年内最后变更"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "出党（退党、除名）", (json_int_t)aStatus[1], "状态为出党且记录在本年内最后变更"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "开除党籍", (json_int_t)aStatus[2], "状态为开除且记录在本年内最后变更"));
  json_array_append_new(aRow, json_pack("[s, I, s]", "停止党籍", (json_int_t)aStatus[3], "状态为停止党籍且记录在本年内最后变更"));
  zT = xprintf("表7 党员数量变化（%s，%d年）", zWho, y);
  json_array_append_new(aT, table(zT, "变动", aCol, aRow));
  free(zT);
  return aT;
fail:
  json_decref(aT);
  return 0;
}

/* Checks a year: 1921 (the Party's founding) to the current year. */
static int year_ok(long long y) {
  char zToday[11];
  util_today(zToday);
  return y >= 1921 && y <= atoi(zToday);
}

/* ---- API ------------------------------------------------------------------------ */

/* GET /api/v1/orgs/{code}/stats/annual?year=&format= */
/* The tables of an annual report, written to a file by api_file_written. */
typedef struct AnnualFile {
  json_t *aT;
  const char *zFormat;
} AnnualFile;
static int annual_write(const char *zPath, void *pCtx) {
  AnnualFile *f = pCtx;
  RptWriter *w = rpt_open(f->zFormat, zPath, RPT_TABLES);
  if (!w) return -1;
  if (stats_write_tables(w, f->aT)) {
    rpt_discard(w);
    return -1;
  }
  return rpt_close(w);
}

static void annual_get(Req *r) {
  char zToday[11];
  util_today(zToday);
  long long y = api_query_int(r, "year", atoi(zToday));
  if (!year_ok(y)) {
    api_error(r, 400, "invalid", "year", "年份应在 1921 至 %.4s 之间", zToday);
    return;
  }
  char *zName = db_text("SELECT name FROM org WHERE id=?", "I", r->scope.id);
  json_t *aT = annual_tables(&r->scope, zName, (int)y);
  free(zName);
  if (!aT) {
    api_internal(r);
    return;
  }
  const char *zFormat = api_query(r, "format") ? api_query(r, "format") : "json";
  if (strcmp(zFormat, "json") == 0) {
    /* Dumped here for the shares' one decimal (JSON_REAL_PRECISION). */
    json_t *p = json_pack("{s:s, s:I, s:o}", "org", r->scope.zCode, "year", (json_int_t)y, "tables", aT);
    char *z = json_dumps(p, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(p);
    r->status = 200;
    r->zContentType = "application/json; charset=utf-8";
    buf_puts(&r->out, z);
    free(z);
    return;
  }
  AnnualFile f = {aT, zFormat};
  int bXlsx = strcmp(zFormat, "xlsx") == 0;
  char *zFile = xprintf("党内统计年报-%s-%lld.%s", r->scope.zCode, y, bXlsx ? "xlsx" : "csv");
  api_file_written(r, annual_write, &f, bXlsx, zFile);
  free(zFile);
  json_decref(aT);
}

static const char *const azFormat[] = {"json", "csv", "xlsx", 0};
static const QParam aAnnualQuery[] = {
  {"year", Q_INT, 1921, 9999, 0},
  {"format", Q_ENUM, 0, 0, azFormat},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"GET", "/api/v1/orgs/{code}/stats/annual", annual_get, R_STAFF | R_ORG, aAnnualQuery,
   "the annual statistics tables of the subtree for ?year= (json, csv or xlsx)", 0, 0, 0},
};

/* ---- CLI ---------------------------------------------------------------------- */

static int annual_report(ReportCtx *p) {
  char *zName = db_text("SELECT name FROM org WHERE id=?", "I", p->scope.id);
  json_t *aT = annual_tables(&p->scope, zName, p->year);
  free(zName);
  if (!aT) return 1;
  int rc = stats_write_tables(p->pOut, aT);
  json_decref(aT);
  if (rc == 0)
    p->zSummary = xprintf("%s: %s annual statistics of %s for %d (7 tables)", p->zOut, p->zFormat, p->scope.zCode, p->year);
  return rc ? 1 : 0;
}

static const Report aReport[] = {
  {"annual", annual_report, REPORT_ORG | REPORT_YEARREQ | REPORT_OUT, "xlsx", RPT_TABLES, 0,
   "The annual statistics tables of a subtree: members by sex, ethnicity, age, education and occupation; "
   "organizations by domain and kind; changes over the year (admitted, converted, transferred in and out, died, left)."},
};

const Module annual_module = {
  .zName = "annual",
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aReport = MODULE_ARRAY(aReport),
};
