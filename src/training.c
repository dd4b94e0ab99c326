/* training.c: training (党课, 教育培训, 冬训春训: courses with class hours and
 * attendees, counted in person-times 人次 and hours per member) and
 * campaigns (主题教育, 党纪学习教育: the organizations taking part, their
 * members, and the activities they held: meetings and courses marked with
 * the campaign), each rolled up for any subtree. */
#include "meeting.h"
#include "module.h"
#include "audit.h"
#include "db.h"
#include "stats.h"
#include "org.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azMigration[] = {
  /* 1: courses, attendees, campaigns and the organizations taking part. */
  "CREATE TABLE campaign(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  code TEXT NOT NULL UNIQUE,\n"
  "  name TEXT NOT NULL,\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  started_on TEXT NOT NULL,\n"
  "  ended_on TEXT,\n"
  "  created_at TEXT NOT NULL\n"
  ");\n"
  /* An organization taking part brings its whole subtree in. */
  "CREATE TABLE campaign_org(\n"
  "  campaign_id INTEGER NOT NULL REFERENCES campaign(id),\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  PRIMARY KEY(campaign_id, org_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE course(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  title TEXT NOT NULL,\n"
  "  category TEXT NOT NULL,\n"
  "  started_on TEXT NOT NULL,\n"
  "  ended_on TEXT NOT NULL,\n"
  "  hours_tenths INTEGER NOT NULL CHECK(hours_tenths > 0),\n"   /* class hours 学时, in tenths */
  "  place TEXT,\n"
  "  campaign_id INTEGER REFERENCES campaign(id),\n"
  "  created_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX course_org ON course(org_id, started_on);\n"
  "CREATE INDEX course_campaign ON course(campaign_id) WHERE campaign_id IS NOT NULL;\n"
  "CREATE TABLE course_attendee(\n"
  "  course_id INTEGER NOT NULL REFERENCES course(id),\n"
  "  member_id INTEGER NOT NULL REFERENCES member(id),\n"
  "  hours_tenths INTEGER NOT NULL,\n"
  "  PRIMARY KEY(course_id, member_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX course_attendee_member ON course_attendee(member_id);\n",
};

/* Figures for the statistics of a subtree (stats.h): courses an organization
 * held that started this year, their class hours, and person-times. */
static const char *const azFigCourseKey[] = {"courses", "hours/10", "person_times", 0};
static const char *const azFigCourseLabel[] = {"培训班次", "学时", "参训人次", 0};
const StatsFigure training_figCourses = {
  "training", "本年开班的培训", azFigCourseKey, azFigCourseLabel, "c.org_id",
  "SELECT c.org_id, count(*), sum(c.hours_tenths),"
  " sum((SELECT count(*) FROM course_attendee a WHERE a.course_id=c.id)) FROM course c"
  " WHERE %s AND c.started_on >= ?1 || '-01-01' AND c.started_on <= ?1 || '-12-31' GROUP BY 1",
  0, 0};

static const char *const azCategory[] = {"党课", "专题培训", "冬训春训", "网络培训", "入党培训", "其他", 0};

static int course_org(const char *zParam, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM course WHERE id=?", "I", atoll(zParam));
  return *pOrgId ? 0 : -1;
}

static json_t *course_json(long long id) {
  DbStmt *s = db_stmt("SELECT c.title, c.category, c.started_on, c.ended_on, c.hours_tenths, c.place, c.campaign_id,"
                      " o.code, o.name FROM course c JOIN org o ON o.id=c.org_id WHERE c.id=?", "I", id);
  if (!s || db_step(s) != 1) return json_null();
  json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:s, s:s}", "id", (json_int_t)id, "title", db_col_text(s, 0),
                        "category", db_col_text(s, 1), "started_on", db_col_text(s, 2), "ended_on", db_col_text(s, 3),
                        "hours", db_col_int(s, 4) / 10.0, "org_code", db_col_text(s, 7), "org_name", db_col_text(s, 8));
  json_object_set_new(o, "place", db_col_isnull(s, 5) ? json_null() : json_string(db_col_text(s, 5)));
  json_object_set_new(o, "campaign_id", db_col_isnull(s, 6) ? json_null() : json_integer(db_col_int(s, 6)));
  db_step(s);
  json_t *a = json_array();
  double total = 0;
  s = db_stmt("SELECT m.id, m.name, a.hours_tenths FROM course_attendee a JOIN member m ON m.id=a.member_id"
              " WHERE a.course_id=? ORDER BY m.id", "I", id);
  while (s && db_step(s) == 1) {
    json_array_append_new(a, json_pack("{s:I, s:s, s:f}", "member_id", (json_int_t)db_col_int(s, 0), "name",
                                       db_col_text(s, 1), "hours", db_col_int(s, 2) / 10.0));
    total += (double)db_col_int(s, 2) / 10.0;
  }
  json_object_set_new(o, "person_times", json_integer((json_int_t)json_array_size(a)));
  json_object_set_new(o, "attendee_hours", json_real(total));
  json_object_set_new(o, "attendees", a);
  return o;
}

/* The organization of campaign id (F_UPREF: it may be launched above the
 * user's organization). 0, or -1 when there is none. */
int training_campaign_org(long long id, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM campaign WHERE id=?", "I", id);
  return *pOrgId ? 0 : -1;
}

/* A course's body. Attendees are members of the course's organization or
 * below it; the dispatcher has checked each is in the user's subtree. */
enum { CO_TITLE, CO_CAT, CO_START, CO_END, CO_HOURS, CO_PLACE, CO_CAMPAIGN, CO_ATTENDEES, CO_NFIELD };
enum { CA_MEMBER, CA_HOURS, CA_NFIELD };
static const Field aAttendeeField[CA_NFIELD] = {
  [CA_MEMBER] = {"member_id", "参训党员", FT_ID, F_REQUIRED | F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  [CA_HOURS] = {"hours", "学时", FT_TENTHS, 0, 0, 0, 0, 10000, 0, 0, 0},
};
static const Field aCourseField[CO_NFIELD] = {
  [CO_TITLE] = {"title", "课程名称", FT_TEXT, F_REQUIRED, 100, 0, 0, 0, 0, 0, 0},
  [CO_CAT] = {"category", "培训类别", FT_ENUM, F_REQUIRED, 0, azCategory, 0, 0, 0, 0, 0},
  [CO_START] = {"started_on", "开始日期", FT_DATE, F_REQUIRED, 0, 0, 0, 0, 0, 0, 0},
  [CO_END] = {"ended_on", "结束日期", FT_DATE, 0, 0, 0, 0, 0, 0, 0, 0},
  [CO_HOURS] = {"hours", "学时", FT_TENTHS, F_REQUIRED, 0, 0, 0, 10000, 0, 0, 0},
  [CO_PLACE] = {"place", "地点", FT_TEXT, 0, 100, 0, 0, 0, 0, 0, 0},
  [CO_CAMPAIGN] = {"campaign_id", "所属活动", FT_ID, F_UPREF, 0, 0, 0, 0, 0, 0, training_campaign_org},
  [CO_ATTENDEES] = {"attendees", "参训党员", FT_ROWS, 0, 5000, 0, 0, 0, aAttendeeField, CA_NFIELD, 0},
};

static void course_create(Req *r) {
  const char *zTitle = r->rec.az[CO_TITLE], *zCat = r->rec.az[CO_CAT], *zStart = r->rec.az[CO_START];
  const char *zEnd = r->rec.az[CO_END] ? r->rec.az[CO_END] : zStart, *zPlace = r->rec.az[CO_PLACE];
  long long hours = rec_int(&r->rec, CO_HOURS, 0), campaignId = rec_int(&r->rec, CO_CAMPAIGN, 0);
  const RecRows *pAtt = rec_rows(&r->rec, CO_ATTENDEES);
  int n = pAtt->n;
  long long *aId = xcalloc((size_t)n + 1, sizeof *aId), *aH = xcalloc((size_t)n + 1, sizeof *aH);
  char zToday[11];
  util_today(zToday);
  if (hours <= 0) {
    api_error(r, 400, "invalid", "hours", "学时 hours 应大于 0");
    goto done;
  }
  if (strcmp(zEnd, zStart) < 0) {
    api_error(r, 400, "invalid", "ended_on", "结束日期早于开始日期");
    goto done;
  }
  if (strcmp(zEnd, zToday) > 0) {
    api_error(r, 400, "invalid", "ended_on", "只登记已结束的培训（结束日期 %s 在今天之后）", zEnd);
    goto done;
  }
  for (int i = 0; i < n; i++) {
    aId[i] = rec_int(&pAtt->a[i], CA_MEMBER, 0);
    aH[i] = rec_int(&pAtt->a[i], CA_HOURS, hours);
    if (life_check_member(r, "member_id", aId[i], r->scope.id, 1)) goto done;
    if (aH[i] > hours) {
      api_error(r, 400, "invalid", "hours", "党员 %lld 的学时超过课程学时", aId[i]);
      goto done;
    }
    for (int j = 0; j < i; j++)
      if (aId[j] == aId[i]) {
        api_error(r, 400, "invalid", "member_id", "党员 %lld 重复", aId[i]);
        goto done;
      }
  }
  char zAt[32];
  util_timestamp(zAt);
  int rc = db_begin() ||
           db_exec("INSERT INTO course(org_id, title, category, started_on, ended_on, hours_tenths, place, campaign_id,"
                   " created_at) VALUES(?,?,?,?,?,?,?,nullif(?,0),?)", "IttttItIt", r->scope.id, zTitle, zCat,
                   zStart, zEnd, hours, zPlace, campaignId, zAt);
  long long id = db_last_rowid();
  for (int i = 0; !rc && i < n; i++)
    rc = db_exec("INSERT INTO course_attendee(course_id, member_id, hours_tenths) VALUES(?,?,?)", "III", id, aId[i], aH[i]);
  json_t *pAfter = rc ? 0 : course_json(id);
  if (!api_audit_commit(r, rc, "create", "course", id, r->scope.id, pAfter)) api_json(r, 201, pAfter);
done:
  free(aId);
  free(aH);
}

static void course_get(Req *r) { api_json(r, 200, course_json(r->objectId)); }

/* GET /api/v1/orgs/{code}/training: courses of the subtree in the period
 * and what they gave its members. */
static void training_rollup(Req *r) {
  char zFrom[11], zTo[11], zHi[256];
  if (life_query_period(r, zFrom, zTo)) return;
  scope_range(r->scope.zPath, zHi);
  DbStmt *s = db_stmt("SELECT count(DISTINCT c.id), count(a.member_id), coalesce(sum(a.hours_tenths),0),"
                      " count(DISTINCT a.member_id) FROM course c JOIN org o ON o.id=c.org_id"
                      " LEFT JOIN course_attendee a ON a.course_id=c.id"
                      " WHERE o.path >= ? AND o.path < ? AND c.started_on >= ? AND c.started_on <= ?",
                      "tttt", r->scope.zPath, zHi, zFrom, zTo);
  long long nCourse = 0, nPT = 0, nTenths = 0, nTrained = 0;
  if (s && db_step(s) == 1) {
    nCourse = db_col_int(s, 0);
    nPT = db_col_int(s, 1);
    nTenths = db_col_int(s, 2);
    nTrained = db_col_int(s, 3);
    db_step(s);
  }
  long long nMember = db_int(0, "SELECT count(*) FROM org o JOIN member m ON m.org_id=o.id WHERE o.path >= ?"
                                " AND o.path < ? AND m.status='active'", "tt", r->scope.zPath, zHi);
  json_t *aCat = json_array();
  s = db_stmt("SELECT c.category, count(DISTINCT c.id), count(a.member_id), coalesce(sum(a.hours_tenths),0)"
              " FROM course c JOIN org o ON o.id=c.org_id LEFT JOIN course_attendee a ON a.course_id=c.id"
              " WHERE o.path >= ? AND o.path < ? AND c.started_on >= ? AND c.started_on <= ? GROUP BY c.category"
              " ORDER BY c.category", "tttt", r->scope.zPath, zHi, zFrom, zTo);
  while (s && db_step(s) == 1)
    json_array_append_new(aCat, json_pack("{s:s, s:I, s:I, s:f}", "category", db_col_text(s, 0), "courses",
                                          (json_int_t)db_col_int(s, 1), "person_times", (json_int_t)db_col_int(s, 2),
                                          "hours", db_col_int(s, 3) / 10.0));
  api_json(r, 200,
           json_pack("{s:s, s:s, s:s, s:I, s:I, s:f, s:I, s:I, s:f, s:o}", "org_code", r->scope.zCode, "from", zFrom,
                     "to", zTo, "courses", (json_int_t)nCourse, "person_times", (json_int_t)nPT, "hours",
                     nTenths / 10.0, "members_trained", (json_int_t)nTrained, "members", (json_int_t)nMember,
                     "hours_per_member", nMember ? nTenths / 10.0 / (double)nMember : 0.0, "by_category", aCat));
}

/* GET /api/v1/members/{id}/training?year= : one member's hours in a year. */
static void member_training(Req *r) {
  char zFrom[11], zTo[11];
  if (life_query_period(r, zFrom, zTo)) return;
  DbStmt *s = db_stmt("SELECT c.id, c.title, c.category, c.started_on, a.hours_tenths FROM course_attendee a"
                      " JOIN course c ON c.id=a.course_id WHERE a.member_id=? AND c.started_on >= ? AND c.started_on <= ?"
                      " ORDER BY c.started_on, c.id", "Itt", r->memberId, zFrom, zTo);
  json_t *a = json_array();
  long long t = 0;
  while (s && db_step(s) == 1) {
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:f}", "course_id", (json_int_t)db_col_int(s, 0), "title",
                                       db_col_text(s, 1), "category", db_col_text(s, 2), "started_on",
                                       db_col_text(s, 3), "hours", db_col_int(s, 4) / 10.0));
    t += db_col_int(s, 4);
  }
  api_json(r, 200, json_pack("{s:I, s:s, s:s, s:f, s:I, s:o}", "member_id", (json_int_t)r->memberId, "from", zFrom, "to",
                             zTo, "hours", t / 10.0, "courses_count", (json_int_t)json_array_size(a), "courses", a));
}

/* ---- campaigns ---------------------------------------------------------------- */

static json_t *campaign_json(long long id) {
  DbStmt *s = db_stmt("SELECT c.code, c.name, o.code, c.started_on, c.ended_on FROM campaign c JOIN org o ON o.id=c.org_id"
                      " WHERE c.id=?", "I", id);
  if (!s || db_step(s) != 1) return json_null();
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "code", db_col_text(s, 0), "name",
                        db_col_text(s, 1), "org_code", db_col_text(s, 2), "started_on", db_col_text(s, 3));
  json_object_set_new(j, "ended_on", db_col_isnull(s, 4) ? json_null() : json_string(db_col_text(s, 4)));
  db_step(s);
  json_t *a = json_array();
  s = db_stmt("SELECT o.code FROM campaign_org c JOIN org o ON o.id=c.org_id WHERE c.campaign_id=? ORDER BY o.code", "I", id);
  while (s && db_step(s) == 1) json_array_append_new(a, json_string(db_col_text(s, 0)));
  json_object_set_new(j, "participating_orgs", a);
  return j;
}

/* A campaign's body: the launching organization must be in the user's subtree. */
enum { CP_CODE, CP_NAME, CP_ORG, CP_START, CP_END, CP_NFIELD };
static const Field aCampaignField[CP_NFIELD] = {
  [CP_CODE] = {"code", "活动编码", FT_CODE, F_REQUIRED, 32, 0, 0, 0, 0, 0, 0},
  [CP_NAME] = {"name", "活动名称", FT_TEXT, F_REQUIRED, 100, 0, 0, 0, 0, 0, 0},
  [CP_ORG] = {"org_code", "发起组织编码", FT_CODE, F_REQUIRED | F_ORGREF, 32, 0, 0, 0, 0, 0, 0},
  [CP_START] = {"started_on", "开始日期", FT_DATE, F_REQUIRED, 0, 0, 0, 0, 0, 0, 0},
  [CP_END] = {"ended_on", "结束日期", FT_DATE, 0, 0, 0, 0, 0, 0, 0, 0},
};

static void campaign_create(Req *r) {
  const char *zCode = r->rec.az[CP_CODE], *zName = r->rec.az[CP_NAME], *zStart = r->rec.az[CP_START];
  const char *zEnd = r->rec.az[CP_END];
  Scope sc;
  if (scope_lookup(r->rec.az[CP_ORG], &sc)) {
    api_internal(r);  /* the dispatcher found it a moment ago */
    return;
  }
  if (zEnd && strcmp(zEnd, zStart) < 0) {
    api_error(r, 400, "invalid", "ended_on", "结束日期早于开始日期");
    return;
  }
  if (db_exists("SELECT 1 FROM campaign WHERE code=?", "t", zCode) == 1) {
    api_error(r, 409, "conflict", "code", "活动编码已存在：%s", zCode);
    return;
  }
  char zAt[32];
  util_timestamp(zAt);
  int rc = db_begin() || db_exec("INSERT INTO campaign(code, name, org_id, started_on, ended_on, created_at)"
                                 " VALUES(?,?,?,?,?,?)", "ttIttt", zCode, zName, sc.id, zStart, zEnd, zAt);
  long long id = db_last_rowid();
  json_t *pAfter = rc ? 0 : campaign_json(id);
  if (!api_audit_commit_key(r, rc, "create", "campaign", zCode, sc.id, 0, pAfter)) api_json(r, 201, pAfter);
}

static int campaign_org(const char *zParam, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM campaign WHERE id=?", "I", atoll(zParam));
  return *pOrgId ? 0 : -1;
}

/* POST /api/v1/campaigns/{id}/orgs {"org_codes":[...]}: organizations taking
 * part, each in the user's subtree (the dispatcher) and under the launcher. */
enum { CO_ORGS, CO_ONFIELD };
static const Field aCampaignOrg = {"org_codes", "参加组织编码", FT_CODE, F_ORGREF, 32, 0, 0, 0, 0, 0, 0};
static const Field aCampaignOrgsField[CO_ONFIELD] = {
  [CO_ORGS] = {"org_codes", "参加组织编码", FT_LIST, F_REQUIRED, 1000, 0, 0, 0, &aCampaignOrg, 1, 0},
};

static void campaign_add_orgs(Req *r) {
  const RecRows *pOrgs = rec_rows(&r->rec, CO_ORGS);
  size_t n = (size_t)pOrgs->n;
  if (n == 0) {
    api_error(r, 400, "invalid", "org_codes", "org_codes 应为 1 到 1000 个组织编码");
    return;
  }
  long long *aId = xcalloc(n, sizeof *aId);
  for (size_t i = 0; i < n; i++) {
    const char *z = pOrgs->a[i].az[0];
    Scope sc;
    if (scope_lookup(z, &sc)) {
      free(aId);
      api_internal(r);
      return;
    }
    if (!scope_within(r->scope.zPath, sc.zPath)) {
      api_error(r, 400, "invalid", "org_codes", "%s 不在发起组织 %s 之下", z, r->scope.zCode);
      free(aId);
      return;
    }
    aId[i] = sc.id;
  }
  json_t *pBefore = campaign_json(r->objectId);
  int rc = db_begin();
  for (size_t i = 0; !rc && i < n; i++)
    rc = db_exec("INSERT OR IGNORE INTO campaign_org(campaign_id, org_id) VALUES(?,?)", "II", r->objectId, aId[i]);
  free(aId);
  json_t *pAfter = campaign_json(r->objectId);
  if (!api_audit_commit_change(r, rc, "update", "campaign", r->objectId, r->scope.id, pBefore, pAfter))
    api_json(r, 200, pAfter);
  json_decref(pBefore);
}

/* GET /api/v1/orgs/{code}/campaigns/{cid}: the campaign rolled up for the subtree. */
static void campaign_rollup(Req *r) {
  long long cid = atoll(r->azParam[1]);
  if (cid < 1 || db_exists("SELECT 1 FROM campaign WHERE id=?", "I", cid) != 1) {
    api_error(r, 404, "not_found", "cid", "没有这个活动：%s", r->azParam[1]);
    return;
  }
  char zHi[256];
  scope_range(r->scope.zPath, zHi);
  /* Participating: an organization named, or below one named. */
  static const char *const zPart =
      "EXISTS(SELECT 1 FROM campaign_org c JOIN org p ON p.id=c.org_id WHERE c.campaign_id=?3"
      " AND x.path >= p.path AND x.path < substr(p.path,1,length(p.path)-1)||'0')";
  char *zSql = xprintf("SELECT count(*), sum(x.kind IN ('党支部','联合党支部','临时党支部','项目党支部')) FROM org x"
                       " WHERE x.path >= ?1 AND x.path < ?2 AND %s", zPart);
  DbStmt *s = db_stmt(zSql, "ttI", r->scope.zPath, zHi, cid);
  long long nOrg = 0, nBranch = 0;
  if (s && db_step(s) == 1) {
    nOrg = db_col_int(s, 0);
    nBranch = db_col_int(s, 1);
    db_step(s);
  }
  free(zSql);
  zSql = xprintf("SELECT count(*) FROM org x JOIN member m ON m.org_id=x.id AND m.status='active'"
                 " WHERE x.path >= ?1 AND x.path < ?2 AND %s", zPart);
  long long nMember = db_int(0, zSql, "ttI", r->scope.zPath, zHi, cid);
  free(zSql);
  long long nMeeting = db_int(0, "SELECT count(*) FROM meeting t JOIN org x ON x.id=t.org_id WHERE t.campaign_id=?3"
                                 " AND x.path >= ?1 AND x.path < ?2", "ttI", r->scope.zPath, zHi, cid);
  long long nMeetingPT = db_int(0, "SELECT count(*) FROM meeting t JOIN org x ON x.id=t.org_id JOIN attendance a"
                                   " ON a.meeting_id=t.id AND a.state IN ('present','online') WHERE t.campaign_id=?3"
                                   " AND x.path >= ?1 AND x.path < ?2", "ttI", r->scope.zPath, zHi, cid);
  long long nCourse = db_int(0, "SELECT count(*) FROM course c JOIN org x ON x.id=c.org_id WHERE c.campaign_id=?3"
                                " AND x.path >= ?1 AND x.path < ?2", "ttI", r->scope.zPath, zHi, cid);
  long long nCoursePT = db_int(0, "SELECT count(*) FROM course c JOIN org x ON x.id=c.org_id JOIN course_attendee a"
                                  " ON a.course_id=c.id WHERE c.campaign_id=?3 AND x.path >= ?1 AND x.path < ?2", "ttI",
                               r->scope.zPath, zHi, cid);
  long long nAttended = db_int(0, "SELECT count(*) FROM (SELECT a.member_id FROM meeting t JOIN org x ON x.id=t.org_id"
                                  " JOIN attendance a ON a.meeting_id=t.id AND a.state IN ('present','online')"
                                  " WHERE t.campaign_id=?3 AND x.path >= ?1 AND x.path < ?2 UNION"
                                  " SELECT a.member_id FROM course c JOIN org x ON x.id=c.org_id JOIN course_attendee a"
                                  " ON a.course_id=c.id WHERE c.campaign_id=?3 AND x.path >= ?1 AND x.path < ?2)",
                               "ttI", r->scope.zPath, zHi, cid);
  json_t *o = campaign_json(cid);
  json_object_set_new(o, "rollup",
                      json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "org_code", r->scope.zCode,
                                "organizations", (json_int_t)nOrg, "branches", (json_int_t)nBranch, "members",
                                (json_int_t)nMember, "activities", (json_int_t)(nMeeting + nCourse), "meetings",
                                (json_int_t)nMeeting, "person_times", (json_int_t)(nMeetingPT + nCoursePT),
                                "members_attended", (json_int_t)nAttended));
  api_json(r, 200, o);
}

/* GET /api/v1/campaigns?org= : campaigns launched in the subtree or above it. */
static void campaign_list(Req *r) {
  DbStmt *s = db_stmt("SELECT c.id, o.path FROM campaign c JOIN org o ON o.id=c.org_id ORDER BY c.started_on DESC, c.id",
                      "");
  json_t *aId = json_array();
  while (s && db_step(s) == 1) {
    const char *zP = db_col_text(s, 1);
    if (scope_within(r->scope.zPath, zP) || scope_within(zP, r->scope.zPath))
      json_array_append_new(aId, json_integer(db_col_int(s, 0)));
  }
  json_t *a = json_array();
  size_t i;
  json_t *v;
  json_array_foreach(aId, i, v) json_array_append_new(a, campaign_json(json_integer_value(v)));
  json_decref(aId);
  api_json(r, 200, json_pack("{s:o, s:I}", "items", a, "total", (json_int_t)json_array_size(a)));
}

static const QParam aPeriodQ[] = {
  {"from", Q_TEXT, 0, 20, 0}, {"to", Q_TEXT, 0, 20, 0}, {"year", Q_INT, 1921, 2200, 0}, {0, 0, 0, 0, 0},
};
static const QParam aOrgQ[] = {{"org", Q_ORG, 0, 32, 0}, {0, 0, 0, 0, 0}};

static const Route aRouteTable[] = {
  {"POST", "/api/v1/orgs/{code}/courses", course_create, R_WRITE | R_ORG | R_JSONBODY, 0,
   "record a course held (class hours, attendees from the subtree)", aCourseField, CO_NFIELD, 0},
  {"GET", "/api/v1/courses/{id}", course_get, R_STAFF | R_OBJECT, 0, "a course with its attendees", 0, 0, course_org},
  {"GET", "/api/v1/orgs/{code}/training", training_rollup, R_STAFF | R_ORG, aPeriodQ,
   "courses, person-times and hours per member for a subtree and period", 0, 0, 0},
  {"GET", "/api/v1/members/{id}/training", member_training, R_SELF | R_MEMBER, aPeriodQ,
   "a member's training hours in a period", 0, 0, 0},
  {"GET", "/api/v1/campaigns", campaign_list, R_STAFF | R_QORG, aOrgQ, "campaigns launched in or above a subtree", 0, 0,
   0},
  {"POST", "/api/v1/campaigns", campaign_create, R_WRITE | R_JSONBODY, 0, "launch a campaign (主题教育 etc.)",
   aCampaignField, CP_NFIELD, 0},
  {"POST", "/api/v1/campaigns/{id}/orgs", campaign_add_orgs, R_WRITE | R_OBJECT | R_JSONBODY, 0,
   "add organizations taking part (each brings its subtree)", aCampaignOrgsField, CO_ONFIELD, campaign_org},
  {"GET", "/api/v1/orgs/{code}/campaigns/{cid}", campaign_rollup, R_STAFF | R_ORG, 0,
   "a campaign rolled up for a subtree: organizations, members, activities, person-times", 0, 0, 0},
};

int training_demo(const DemoOpts *pOpts, const DemoResult *pRes);  /* training_demo.c */
static const StatsFigure *const aTrainingFigure[] = {&training_figCourses};
/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"course", "培训", "SELECT title FROM course WHERE id=?1"},
  {"campaign", "活动", "SELECT name FROM campaign WHERE code=?1 OR id=?1"},
};

const Module training_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "training",
  .aRoute = MODULE_ARRAY(aRouteTable),
  .azMigration = MODULE_ARRAY(azMigration),
  .xDemo = training_demo,
  .apFigure = MODULE_ARRAY(aTrainingFigure),
};
