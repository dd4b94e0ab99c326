/* points.c: 党建+积分: a member's points, computed from the records whenever
 * asked (never typed in), by rules versioned by year: so many points per
 * meeting attended, per lecture attended, per class hour of training, each
 * capped per month, quarter or year. The only points not computed are
 * manual awards, each with a reason and the document it rests on, written
 * to the audit log. Rankings within a branch or across any subtree. */
#include "meeting.h"
#include "module.h"
#include "audit.h"
#include "db.h"
#include "org.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azMigration[] = {
  /* 1: rules (a version per year, as for obligations) and manual awards. */
  "CREATE TABLE points_rule(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  year INTEGER NOT NULL,\n"
  "  code TEXT NOT NULL,\n"
  "  source TEXT NOT NULL CHECK(source IN ('meeting','lecture','training_hour')),\n"
  "  points INTEGER NOT NULL CHECK(points BETWEEN 0 AND 100),\n"
  "  cap INTEGER NOT NULL CHECK(cap BETWEEN 0 AND 10000),\n"
  "  cap_period TEXT NOT NULL CHECK(cap_period IN ('month','quarter','year')),\n"
  "  description TEXT NOT NULL,\n"
  "  UNIQUE(year, code)\n"
  ");\n"
  "INSERT INTO points_rule(year, code, source, points, cap, cap_period, description) VALUES\n"
  " (2019,'meeting_attendance','meeting',2,8,'month','参加组织生活（党课以外的会议）每次 2 分，每月最多 8 分'),\n"
  " (2019,'lecture_attendance','lecture',5,10,'quarter','参加党课每次 5 分，每季度最多 10 分'),\n"
  " (2019,'training_hours','training_hour',1,40,'year','参加培训每学时 1 分，每年最多 40 分');\n"
  "CREATE TABLE points_award(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  member_id INTEGER NOT NULL REFERENCES member(id),\n"
  "  awarded_on TEXT NOT NULL,\n"
  "  points INTEGER NOT NULL CHECK(points BETWEEN -100 AND 100 AND points <> 0),\n"
  "  reason TEXT NOT NULL,\n"
  "  basis TEXT NOT NULL,\n"
  "  actor TEXT NOT NULL,\n"
  "  created_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX points_award_member ON points_award(member_id, awarded_on);\n",
};

typedef struct PRule {
  char zCode[40], zSource[16], zPeriod[8], zDesc[300];
  int points, cap;
} PRule;

static int prules_load(int year, PRule **pa, int *pVersion) {
  *pVersion = (int)db_int(0, "SELECT max(year) FROM points_rule WHERE year<=?", "i", year);
  DbStmt *s = db_stmt("SELECT code, source, points, cap, cap_period, description FROM points_rule WHERE year=? ORDER BY id",
                      "i", *pVersion);
  int n = 0;
  *pa = 0;
  while (s && db_step(s) == 1) {
    *pa = xrealloc(*pa, sizeof **pa * (size_t)(n + 1));
    PRule *p = &(*pa)[n++];
    snprintf(p->zCode, sizeof p->zCode, "%s", db_col_text(s, 0));
    snprintf(p->zSource, sizeof p->zSource, "%s", db_col_text(s, 1));
    p->points = (int)db_col_int(s, 2);
    p->cap = (int)db_col_int(s, 3);
    snprintf(p->zPeriod, sizeof p->zPeriod, "%s", db_col_text(s, 4));
    snprintf(p->zDesc, sizeof p->zDesc, "%s", db_col_text(s, 5));
  }
  return n;
}

/* One member's raw units per month: meetings, lectures, training tenths. */
typedef struct Units {
  int meet[12], lect[12];
  long long tenths[12];
} Units;

/* Points of one rule from the units: per period min(points*units, cap).
 * Fills *pUnits with the units counted and *pRaw with points before caps. */
static int rule_points(const PRule *p, const Units *u, long long *pUnits, long long *pRaw) {
  int len = strcmp(p->zPeriod, "month") == 0 ? 1 : strcmp(p->zPeriod, "quarter") == 0 ? 3 : 12;
  long long total = 0;
  *pUnits = 0;
  *pRaw = 0;
  for (int m0 = 0; m0 < 12; m0 += len) {
    long long raw = 0, units = 0;
    for (int m = m0; m < m0 + len; m++) {
      if (strcmp(p->zSource, "meeting") == 0) units += u->meet[m];
      else if (strcmp(p->zSource, "lecture") == 0) units += u->lect[m];
      else units += u->tenths[m];
    }
    raw = strcmp(p->zSource, "training_hour") == 0 ? units * p->points / 10 : units * p->points;
    *pUnits += units;
    *pRaw += raw;
    total += raw < p->cap ? raw : p->cap;
  }
  if (strcmp(p->zSource, "training_hour") == 0) *pUnits /= 10;   /* whole hours, for display */
  return (int)total;
}

static void units_from_summary(Units *u, const long long v[6]) {
  for (int m = 1; m <= 12; m++) {
    int life = life_month_count(v[0], v[1], m), lect = life_month_count(v[4], v[5], m);
    u->meet[m - 1] = life - lect;
    u->lect[m - 1] = lect;
  }
}

static void units_load(long long memberId, int year, Units *u) {
  memset(u, 0, sizeof *u);
  DbStmt *s = db_stmt("SELECT life_a, life_b, leave_a, leave_b, lect_a, lect_b FROM life_member_year WHERE year=? AND"
                      " member_id=?", "iI", year, memberId);
  if (s && db_step(s) == 1) {
    long long v[6];
    for (int i = 0; i < 6; i++) v[i] = db_col_int(s, i);
    units_from_summary(u, v);
    db_step(s);
  }
  char zLo[16], zHi[16];
  snprintf(zLo, sizeof zLo, "%04d-01-01", year);
  snprintf(zHi, sizeof zHi, "%04d-12-31", year);
  s = db_stmt("SELECT CAST(substr(c.started_on,6,2) AS INTEGER), sum(a.hours_tenths) FROM course_attendee a JOIN course c"
              " ON c.id=a.course_id WHERE a.member_id=? AND c.started_on >= ? AND c.started_on <= ? GROUP BY 1",
              "Itt", memberId, zLo, zHi);
  while (s && db_step(s) == 1) {
    int m = (int)db_col_int(s, 0);
    if (m >= 1 && m <= 12) u->tenths[m - 1] += db_col_int(s, 1);
  }
}

static long long awards_sum(long long memberId, int year) {
  char zLo[16], zHi[16];
  snprintf(zLo, sizeof zLo, "%04d-01-01", year);
  snprintf(zHi, sizeof zHi, "%04d-12-31", year);
  return db_int(0, "SELECT coalesce(sum(points),0) FROM points_award WHERE member_id=? AND awarded_on >= ? AND"
                   " awarded_on <= ?", "Itt", memberId, zLo, zHi);
}

static int query_year(Req *r) {
  char zToday[11];
  util_today(zToday);
  return (int)api_query_int(r, "year", atoi(zToday));
}

/* GET /api/v1/members/{id}/points?year= */
static void member_points(Req *r) {
  int year = query_year(r), version;
  PRule *a;
  int n = prules_load(year, &a, &version);
  Units u;
  units_load(r->memberId, year, &u);
  json_t *aSrc = json_array();
  long long total = 0;
  for (int i = 0; i < n; i++) {
    long long units, raw;
    int pts = rule_points(&a[i], &u, &units, &raw);
    total += pts;
    json_array_append_new(aSrc, json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:s}", "rule", a[i].zCode, "source",
                                          a[i].zSource, "description", a[i].zDesc, "units", (json_int_t)units, "raw",
                                          (json_int_t)raw, "points", pts, "cap", a[i].cap, "cap_period", a[i].zPeriod));
  }
  free(a);
  json_t *aAw = json_array();
  char zLo[16], zHi[16];
  snprintf(zLo, sizeof zLo, "%04d-01-01", year);
  snprintf(zHi, sizeof zHi, "%04d-12-31", year);
  DbStmt *s = db_stmt("SELECT id, awarded_on, points, reason, basis, actor FROM points_award WHERE member_id=? AND"
                      " awarded_on >= ? AND awarded_on <= ? ORDER BY awarded_on, id", "Itt", r->memberId, zLo, zHi);
  while (s && db_step(s) == 1) {
    json_array_append_new(aAw, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0),
                                         "awarded_on", db_col_text(s, 1), "points", (json_int_t)db_col_int(s, 2),
                                         "reason", db_col_text(s, 3), "basis", db_col_text(s, 4), "awarded_by",
                                         db_col_text(s, 5)));
    total += db_col_int(s, 2);
  }
  api_json(r, 200, json_pack("{s:I, s:i, s:i, s:I, s:o, s:o}", "member_id", (json_int_t)r->memberId, "year", year,
                             "rule_version", version, "total", (json_int_t)total, "sources", aSrc, "awards", aAw));
}

typedef struct Ranked {
  long long id, total;
  char *zName, *zOrg;
} Ranked;

static int cmp_ranked(const void *x, const void *y) {
  const Ranked *a = x, *b = y;
  if (a->total != b->total) return a->total < b->total ? 1 : -1;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* GET /api/v1/orgs/{code}/points?year=&limit=&offset= : the ranking of the
 * subtree's active members (a branch: within the branch). */
static void org_points(Req *r) {
  int year = query_year(r), version;
  long long limit = api_query_int(r, "limit", 50), offset = api_query_int(r, "offset", 0);
  PRule *aRule;
  int nRule = prules_load(year, &aRule, &version);
  char zHi[256], zLo[16], zYHi[16];
  scope_range(r->scope.zPath, zHi);
  snprintf(zLo, sizeof zLo, "%04d-01-01", year);
  snprintf(zYHi, sizeof zYHi, "%04d-12-31", year);
  DbStmt *s = db_stmt("SELECT m.id, m.name, o.code, y.life_a, y.life_b, y.leave_a, y.leave_b, y.lect_a, y.lect_b"
                      " FROM org o JOIN member m ON m.org_id=o.id AND m.status='active'"
                      " LEFT JOIN life_member_year y ON y.year=? AND y.member_id=m.id"
                      " WHERE o.path >= ? AND o.path < ? ORDER BY m.id", "itt", year, r->scope.zPath, zHi);
  Ranked *a = 0;
  Units *aU = 0;
  long long n = 0, nAlloc = 0;
  while (s && db_step(s) == 1) {
    if (n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 256;
      a = xrealloc(a, sizeof *a * (size_t)nAlloc);
      aU = xrealloc(aU, sizeof *aU * (size_t)nAlloc);
    }
    a[n].id = db_col_int(s, 0);
    a[n].zName = db_col_dup(s, 1);
    a[n].zOrg = db_col_dup(s, 2);
    a[n].total = 0;
    long long v[6];
    for (int i = 0; i < 6; i++) v[i] = db_col_int(s, 3 + i);
    memset(&aU[n], 0, sizeof aU[n]);
    units_from_summary(&aU[n], v);
    n++;
  }
  /* Training hours of the subtree's members in the year, in one pass. */
  s = db_stmt("SELECT a.member_id, CAST(substr(c.started_on,6,2) AS INTEGER), sum(a.hours_tenths) FROM course c"
              " JOIN course_attendee a ON a.course_id=c.id WHERE c.started_on >= ? AND c.started_on <= ?"
              " GROUP BY 1, 2 ORDER BY 1", "tt", zLo, zYHi);
  while (s && db_step(s) == 1) {
    long long id = db_col_int(s, 0);
    long long lo = 0, hi = n - 1;
    while (lo <= hi) {   /* a is ordered by id */
      long long mid = (lo + hi) / 2;
      if (a[mid].id < id) lo = mid + 1;
      else if (a[mid].id > id) hi = mid - 1;
      else {
        int m = (int)db_col_int(s, 1);
        if (m >= 1 && m <= 12) aU[mid].tenths[m - 1] += db_col_int(s, 2);
        break;
      }
    }
  }
  for (long long i = 0; i < n; i++) {
    for (int k = 0; k < nRule; k++) {
      long long units, raw;
      a[i].total += rule_points(&aRule[k], &aU[i], &units, &raw);
    }
    a[i].total += awards_sum(a[i].id, year);
  }
  qsort(a, (size_t)n, sizeof *a, cmp_ranked);
  json_t *aItem = json_array();
  long long rank = 0;
  for (long long i = 0; i < n; i++) {
    if (i == 0 || a[i].total != a[i - 1].total) rank = i + 1;
    if (i >= offset && i < offset + limit)
      json_array_append_new(aItem, json_pack("{s:I, s:I, s:s, s:s, s:I}", "rank", (json_int_t)rank, "member_id",
                                             (json_int_t)a[i].id, "name", a[i].zName, "org_code", a[i].zOrg, "total",
                                             (json_int_t)a[i].total));
    free(a[i].zName);
    free(a[i].zOrg);
  }
  free(a);
  free(aU);
  free(aRule);
  api_json(r, 200, json_pack("{s:s, s:i, s:i, s:o, s:I}", "org_code", r->scope.zCode, "year", year, "rule_version",
                             version, "items", aItem, "total", (json_int_t)n));
}

/* POST /api/v1/members/{id}/points/awards {points, reason, basis, awarded_on} */
enum { AW_POINTS, AW_REASON, AW_BASIS, AW_ON, AW_NFIELD };
static const Field aAwardField[AW_NFIELD] = {
  [AW_POINTS] = {"points", "加减分值", FT_INT, F_REQUIRED, 0, 0, -100, 100, 0, 0, 0},
  [AW_REASON] = {"reason", "加减分事由", FT_TEXT, F_REQUIRED, 200, 0, 0, 0, 0, 0, 0},
  [AW_BASIS] = {"basis", "依据文件", FT_TEXT, F_REQUIRED, 200, 0, 0, 0, 0, 0, 0},
  [AW_ON] = {"awarded_on", "日期", FT_DATE, F_REQUIRED, 0, 0, 0, 0, 0, 0, 0},
};

static void award_create(Req *r) {
  const char *zReason = r->rec.az[AW_REASON], *zBasis = r->rec.az[AW_BASIS], *zOn = r->rec.az[AW_ON];
  long long points = rec_int(&r->rec, AW_POINTS, 0);
  char zToday[11];
  util_today(zToday);
  if (points == 0) {
    api_error(r, 400, "invalid", "points", "points 应为 -100 到 100 之间的非零整数");
    return;
  }
  if (strcmp(zOn, zToday) > 0) {
    api_error(r, 400, "invalid", "awarded_on", "日期 %s 在今天之后", zOn);
    return;
  }
  long long orgId = db_int(0, "SELECT org_id FROM member WHERE id=?", "I", r->memberId);
  char zAt[32];
  util_timestamp(zAt);
  int rc = db_begin() || db_exec("INSERT INTO points_award(member_id, awarded_on, points, reason, basis, actor, created_at)"
                                 " VALUES(?,?,?,?,?,?,?)", "ItItttt", r->memberId, zOn, points, zReason, zBasis,
                                 api_actor(r), zAt);
  long long id = db_last_rowid();
  json_t *pAfter = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "member_id",
                             (json_int_t)r->memberId, "awarded_on", zOn, "points", (json_int_t)points, "reason",
                             zReason, "basis", zBasis, "awarded_by", api_actor(r));
  if (!api_audit_commit(r, rc, "award", "points", r->memberId, orgId, pAfter)) api_json(r, 201, pAfter);
}

static json_t *prules_json(int year) {
  int version;
  PRule *a;
  int n = prules_load(year, &a, &version);
  json_t *aj = json_array();
  for (int i = 0; i < n; i++)
    json_array_append_new(aj, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s}", "code", a[i].zCode, "source", a[i].zSource,
                                        "points", a[i].points, "cap", a[i].cap, "cap_period", a[i].zPeriod,
                                        "description", a[i].zDesc));
  free(a);
  return json_pack("{s:i, s:i, s:o}", "year", year, "version", version, "items", aj);
}

static void rules_get(Req *r) { api_json(r, 200, prules_json(query_year(r))); }

/* POST /api/v1/points/rules {year, code, points, cap, cap_period}: sets a rule
 * of the year's version (copied from the one before when new). */
static const char *const azPeriod[] = {"month", "quarter", "year", 0};
enum { PR_YEAR, PR_CODE, PR_POINTS, PR_CAP, PR_PERIOD, PR_NFIELD };
static const Field aPRuleField[PR_NFIELD] = {
  [PR_YEAR] = {"year", "年度", FT_YEAR, F_REQUIRED, 0, 0, 2000, 2100, 0, 0, 0},
  [PR_CODE] = {"code", "规则", FT_CODE, F_REQUIRED, 40, 0, 0, 0, 0, 0, 0},
  [PR_POINTS] = {"points", "分值", FT_INT, 0, 0, 0, 0, 100, 0, 0, 0},
  [PR_CAP] = {"cap", "封顶", FT_INT, 0, 0, 0, 0, 10000, 0, 0, 0},
  [PR_PERIOD] = {"cap_period", "封顶周期", FT_ENUM, 0, 0, azPeriod, 0, 0, 0, 0, 0},
};

static void rules_post(Req *r) {
  const char *zCode = r->rec.az[PR_CODE], *zPeriod = r->rec.az[PR_PERIOD];
  long long year = rec_int(&r->rec, PR_YEAR, 0);
  int version;
  PRule *a;
  int n = prules_load((int)year, &a, &version), found = -1;
  for (int i = 0; i < n; i++)
    if (strcmp(a[i].zCode, zCode) == 0) found = i;
  free(a);
  if (found < 0) {
    api_error(r, 404, "not_found", "code", "没有这条积分规则：%s", zCode);
    return;
  }
  json_t *pBefore = prules_json((int)year);
  int rc = db_begin();
  if (!rc && version != year)
    rc = db_exec("INSERT INTO points_rule(year, code, source, points, cap, cap_period, description) SELECT ?, code, source,"
                 " points, cap, cap_period, description FROM points_rule WHERE year=?", "Ii", year, version);
  if (!rc && r->rec.az[PR_POINTS])
    rc = db_exec("UPDATE points_rule SET points=? WHERE year=? AND code=?", "IIt", rec_int(&r->rec, PR_POINTS, 0), year,
                 zCode);
  if (!rc && r->rec.az[PR_CAP])
    rc = db_exec("UPDATE points_rule SET cap=? WHERE year=? AND code=?", "IIt", rec_int(&r->rec, PR_CAP, 0), year, zCode);
  if (!rc && zPeriod) rc = db_exec("UPDATE points_rule SET cap_period=? WHERE year=? AND code=?", "tIt", zPeriod, year, zCode);
  json_t *pAfter = prules_json((int)year);
  if (!api_audit_commit_key(r, rc, "update", "points_rule", zCode, 0, pBefore, pAfter)) api_json(r, 200, pAfter);
  json_decref(pBefore);
}

static const QParam aYearQ[] = {{"year", Q_INT, 1921, 2200, 0}, {0, 0, 0, 0, 0}};
static const QParam aRankQ[] = {
  {"year", Q_INT, 1921, 2200, 0}, {"limit", Q_INT, 1, 1000, 0}, {"offset", Q_INT, 0, 100000000, 0}, {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"GET", "/api/v1/members/{id}/points", member_points, R_SELF | R_MEMBER, aYearQ,
   "a member's points in a year with their sources and manual awards", 0, 0, 0},
  {"POST", "/api/v1/members/{id}/points/awards", award_create, R_WRITE | R_MEMBER | R_JSONBODY, 0,
   "a documented manual award (or deduction), audited", aAwardField, AW_NFIELD, 0},
  {"GET", "/api/v1/orgs/{code}/points", org_points, R_STAFF | R_ORG, aRankQ,
   "the points ranking of a branch or a whole subtree", 0, 0, 0},
  {"GET", "/api/v1/points/rules", rules_get, R_STAFF, aYearQ, "the points rules in force in a year", 0, 0, 0},
  {"POST", "/api/v1/points/rules", rules_post, R_ADMIN | R_WRITE | R_JSONBODY, 0,
   "change a points rule (points, cap, cap period) from a year on", aPRuleField, PR_NFIELD, 0},
};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"points", "积分", "SELECT name FROM member WHERE id=?1"},
  {"points_rule", "积分规则", 0},
};
static const char *const azAuditAction[] = {"award", 0};
static const char *const azAuditActionName[] = {"积分奖励", 0};
static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
};

const Module points_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .aEnum = MODULE_ARRAY(aEnum),
  .zName = "points",
  .aRoute = MODULE_ARRAY(aRouteTable),
  .azMigration = MODULE_ARRAY(azMigration),
};
