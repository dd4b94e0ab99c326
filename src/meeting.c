/* meeting.c: organizational life (组织生活): party groups (党小组), branch
 * committees (支委), meetings of every kind with attendance, remote
 * check-in and attachments; the yearly summaries the reports read (meeting.h).
 *
 * Party groups and committees are in meeting_group.c, attachments in
 * meeting_file.c; the module's tables are all created here. The C names and
 * the tables keep the prefix life_ (组织生活, organizational life). */
#include "meeting.h"
#include "module.h"
#include "stats.h"
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "org.h"
#include "text.h"
#include "util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const life_azKind[LIFE_NKIND + 1] = {"assembly",  "committee",   "group",     "lecture",     "theme_day",
                                                 "life_meeting", "appraisal", "talk",      "study_group", 0};
const char *const life_azKindName[LIFE_NKIND + 1] = {"支部党员大会", "支委会",   "党小组会", "党课",           "主题党日",
                                                     "组织生活会",   "民主评议党员", "谈心谈话", "理论学习中心组学习", 0};
static const char *const azMode[] = {"onsite", "online", "mixed", 0};
static const char *const azModeName[] = {"现场", "线上", "现场+线上", 0};
static const char *const azState[] = {"present", "online", "leave", "absent", 0};
static const char *const azStateName[] = {"出席", "线上出席", "请假", "缺席", 0};
static const char *const azStatus[] = {"held", "planned", 0};


static const char *const azMigration[] = {
  /* 1: groups, committees, meetings, attendance, attachments, summaries. */
  "CREATE TABLE party_group(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  name TEXT NOT NULL,\n"
  "  leader_id INTEGER REFERENCES member(id),\n"
  "  created_at TEXT NOT NULL,\n"
  "  UNIQUE(org_id, name)\n"
  ");\n"
  /* A member belongs to at most one party group. */
  "CREATE TABLE party_group_member(\n"
  "  member_id INTEGER PRIMARY KEY REFERENCES member(id),\n"
  "  group_id INTEGER NOT NULL REFERENCES party_group(id)\n"
  ");\n"
  "CREATE INDEX party_group_member_group ON party_group_member(group_id);\n"
  /* The branch committee (支部委员会): who sits on it now, and in which post. */
  "CREATE TABLE committee_member(\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  member_id INTEGER NOT NULL REFERENCES member(id),\n"
  "  post TEXT NOT NULL,\n"
  "  PRIMARY KEY(org_id, member_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE meeting(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  kind TEXT NOT NULL CHECK(kind IN ('assembly','committee','group','lecture','theme_day','life_meeting',"
  "'appraisal','talk','study_group')),\n"
  "  group_id INTEGER REFERENCES party_group(id),\n"
  "  campaign_id INTEGER,\n"
  "  title TEXT NOT NULL,\n"
  "  held_on TEXT NOT NULL,\n"
  "  start_time TEXT,\n"
  "  end_time TEXT,\n"
  "  place TEXT,\n"
  "  mode TEXT NOT NULL DEFAULT 'onsite' CHECK(mode IN ('onsite','online','mixed')),\n"
  "  host_id INTEGER REFERENCES member(id),\n"
  "  recorder_id INTEGER REFERENCES member(id),\n"
  "  topics TEXT,\n"
  "  minutes TEXT,\n"
  "  checkin_opens_at TEXT,\n"
  "  checkin_closes_at TEXT,\n"
  /* Derived when attendance is written: expected attendees (the branch, its
   * committee or its group at that time), how many of them came, and for a
   * committee meeting whether more than half were present. */
  "  n_expected INTEGER NOT NULL DEFAULT 0,\n"
  "  n_expected_present INTEGER NOT NULL DEFAULT 0,\n"
  "  quorate INTEGER,\n"
  "  created_at TEXT NOT NULL,\n"
  "  updated_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX meeting_org ON meeting(org_id, held_on);\n"
  "CREATE INDEX meeting_campaign ON meeting(campaign_id) WHERE campaign_id IS NOT NULL;\n"
  "CREATE TABLE attendance(\n"
  "  meeting_id INTEGER NOT NULL REFERENCES meeting(id),\n"
  "  member_id INTEGER NOT NULL REFERENCES member(id),\n"
  "  state TEXT NOT NULL CHECK(state IN ('present','online','leave','absent')),\n"
  "  reason TEXT,\n"
  "  checked_in_at TEXT,\n"
  "  PRIMARY KEY(meeting_id, member_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE life_blob(\n"
  "  sha256 TEXT PRIMARY KEY,\n"
  "  size INTEGER NOT NULL,\n"
  "  mime TEXT NOT NULL\n"
  ");\n"
  "CREATE TABLE meeting_attachment(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  meeting_id INTEGER NOT NULL REFERENCES meeting(id),\n"
  "  sha256 TEXT NOT NULL REFERENCES life_blob(sha256),\n"
  "  name TEXT NOT NULL,\n"
  "  created_at TEXT NOT NULL,\n"
  "  UNIQUE(meeting_id, sha256)\n"
  ");\n"
  "CREATE TABLE life_org_year(\n"
  "  year INTEGER NOT NULL,\n"
  "  org_id INTEGER NOT NULL,\n"
  "  kind TEXT NOT NULL,\n"
  "  group_id INTEGER NOT NULL,\n"
  "  cnt_a INTEGER NOT NULL,\n"
  "  cnt_b INTEGER NOT NULL,\n"
  "  early INTEGER NOT NULL,\n"
  "  nonquorate INTEGER NOT NULL,\n"
  "  PRIMARY KEY(year, org_id, kind, group_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE life_member_year(\n"
  "  year INTEGER NOT NULL,\n"
  "  member_id INTEGER NOT NULL,\n"
  "  life_a INTEGER NOT NULL DEFAULT 0,\n"
  "  life_b INTEGER NOT NULL DEFAULT 0,\n"
  "  leave_a INTEGER NOT NULL DEFAULT 0,\n"
  "  leave_b INTEGER NOT NULL DEFAULT 0,\n"
  "  lect_a INTEGER NOT NULL DEFAULT 0,\n"
  "  lect_b INTEGER NOT NULL DEFAULT 0,\n"
  "  PRIMARY KEY(year, member_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE life_member_mask(\n"
  "  year INTEGER NOT NULL,\n"
  "  member_id INTEGER NOT NULL,\n"
  "  mask INTEGER NOT NULL,\n"
  "  PRIMARY KEY(year, member_id)\n"
  ") WITHOUT ROWID;\n"
  /* Committee meetings that were not quorate, by day, with what a finding
   * shows: one short range scan for a whole province's year. */
  "CREATE INDEX meeting_nonquorate ON meeting(held_on, org_id, n_expected, n_expected_present)"
  " WHERE kind='committee' AND quorate=0;\n"
  /* The active roster of a subtree, read in one index pass by the reports. */
  "CREATE INDEX life_member_active ON member(org_id, joined_on) WHERE status='active';\n",
  /* 2: the core's migration 2 rebuilt the member table, and its indexes with it. */
  "CREATE INDEX IF NOT EXISTS life_member_active ON member(org_id, joined_on) WHERE status='active';\n",
};

/* Figures for the statistics of a subtree (stats.h): meetings held this year
 * by kind (held: on or before today; later ones are planned), and the branch secretaries (书记 of the committee, an active
 * member of that branch): how many, the sum of their ages in full years as
 * of today (the answer's average), and how many have high school or more. */
static const char *const azFigMeetingKey[] = {"assembly", "committee", "group", "lecture", "theme_day",
                                              "life_meeting", "appraisal", "talk", "study_group", "total", 0};
static const char *const azFigMeetingLabel[] = {"支部党员大会", "支委会", "党小组会", "党课", "主题党日",
                                                "组织生活会", "民主评议党员", "谈心谈话", "理论学习中心组学习", "合计", 0};
const StatsFigure life_figMeetings = {
  "meetings", "本年召开的会议", azFigMeetingKey, azFigMeetingLabel, "m.org_id",
  "SELECT m.org_id, sum(m.kind='assembly'), sum(m.kind='committee'), sum(m.kind='group'), sum(m.kind='lecture'),"
  " sum(m.kind='theme_day'), sum(m.kind='life_meeting'), sum(m.kind='appraisal'), sum(m.kind='talk'),"
  " sum(m.kind='study_group'), count(*) FROM meeting m"
  " WHERE %s AND m.held_on >= ?1 || '-01-01' AND m.held_on <= ?2 GROUP BY 1",
  1, 0};
static const char *const azFigSecretaryKey[] = {"count", "age_sum", "high_school_or_above", 0};
static const char *const azFigSecretaryLabel[] = {"人数", "年龄合计", "高中及以上学历", 0};
const StatsFigure life_figSecretaries = {
  "secretaries", "党组织书记", azFigSecretaryKey, azFigSecretaryLabel, "c.org_id",
  "SELECT c.org_id, count(*),"
  " sum(CAST(substr(?2,1,4) AS INTEGER) - CAST(substr(m.birth_date,1,4) AS INTEGER)"
  "     - (substr(?2,6,5) < substr(m.birth_date,6,5))),"
  " sum(m.education IN ('研究生','大学本科','大学专科','中等专科','高中'))"
  " FROM committee_member c JOIN member m ON m.id=c.member_id AND m.org_id=c.org_id AND m.status='active'"
  " WHERE %s AND c.post='书记' GROUP BY 1",
  1, 1};

int life_kind_index(const char *zKind) {
  for (int i = 0; zKind && i < LIFE_NKIND; i++)
    if (strcmp(zKind, life_azKind[i]) == 0) return i;
  return -1;
}

int life_year_of(const char *zDate) { return atoi(zDate); }

/* ---- summaries ----------------------------------------------------------- */

int life_member_delta(long long memberId, const char *zHeldOn, const char *zKind, const char *zState, int nSign) {
  int m = atoi(zHeldOn + 5);
  if (m < 1 || m > 12) return -1;
  long long d = nSign * (1LL << LIFE_SHIFT(m));
  int bLife = strcmp(zState, "present") == 0 || strcmp(zState, "online") == 0;
  int bLeave = strcmp(zState, "leave") == 0;
  int bLect = bLife && strcmp(zKind, "lecture") == 0;
  if (!bLife && !bLeave) return 0;
  long long a[6] = {0};
  int h = m <= 6 ? 0 : 1;
  if (bLife) a[0 + h] = d;
  if (bLeave) a[2 + h] = d;
  if (bLect) a[4 + h] = d;
  return db_exec("INSERT INTO life_member_year(year, member_id, life_a, life_b, leave_a, leave_b, lect_a, lect_b)"
                 " VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(year, member_id) DO UPDATE SET"
                 " life_a=life_a+excluded.life_a, life_b=life_b+excluded.life_b, leave_a=leave_a+excluded.leave_a,"
                 " leave_b=leave_b+excluded.leave_b, lect_a=lect_a+excluded.lect_a, lect_b=lect_b+excluded.lect_b",
                 "iIIIIIII", atoi(zHeldOn), memberId, a[0], a[1], a[2], a[3], a[4], a[5]) ||
         db_exec("INSERT INTO life_member_mask(year, member_id, mask) SELECT year, member_id, " LIFE_MASK_SQL
                 " FROM life_member_year WHERE year=? AND member_id=? ON CONFLICT(year, member_id) DO UPDATE SET"
                 " mask=excluded.mask", "iI", atoi(zHeldOn), memberId);
}

typedef struct OrgSum {
  int kind;
  long long group;
  long long a, b, early, nonq;
} OrgSum;

int life_org_refresh(long long orgId, int year) {
  char zLo[16], zHi[16];
  snprintf(zLo, sizeof zLo, "%04d-01-01", year);
  snprintf(zHi, sizeof zHi, "%04d-12-31", year);
  if (db_exec("DELETE FROM life_org_year WHERE year=? AND org_id=?", "iI", year, orgId)) return -1;
  DbStmt *s = db_stmt("SELECT kind, coalesce(group_id,0), held_on, quorate FROM meeting"
                      " WHERE org_id=? AND held_on >= ? AND held_on <= ?", "Itt", orgId, zLo, zHi);
  if (!s) return -1;
  OrgSum *a = 0;
  int n = 0, nAlloc = 0, rc;
  while ((rc = db_step(s)) == 1) {
    int k = life_kind_index(db_col_text(s, 0));
    long long g = db_col_int(s, 1);
    const char *zOn = db_col_text(s, 2);
    int m = atoi(zOn + 5), d = atoi(zOn + 8);
    int i;
    for (i = 0; i < n && !(a[i].kind == k && a[i].group == g); i++) {}
    if (i == n) {
      if (n == nAlloc) a = xrealloc(a, sizeof *a * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 16));
      memset(&a[n], 0, sizeof a[n]);
      a[n].kind = k;
      a[n].group = g;
      n++;
    }
    if (m <= 6) a[i].a += 1LL << LIFE_SHIFT(m);
    else a[i].b += 1LL << LIFE_SHIFT(m);
    if (d <= LIFE_GRACE_DAYS) a[i].early |= 1LL << (m - 1);
    if (!db_col_isnull(s, 3) && db_col_int(s, 3) == 0) a[i].nonq |= 1LL << (m - 1);
  }
  for (int i = 0; rc == 0 && i < n; i++)
    if (a[i].kind >= 0 &&
        db_exec("INSERT INTO life_org_year(year, org_id, kind, group_id, cnt_a, cnt_b, early, nonquorate)"
                " VALUES(?,?,?,?,?,?,?,?)", "iItIIIII", year, orgId, life_azKind[a[i].kind], a[i].group, a[i].a,
                a[i].b, a[i].early, a[i].nonq))
      rc = -1;
  free(a);
  return rc;
}

int life_rebuild(void) {
  if (db_exec("DELETE FROM life_org_year", "") || db_exec("DELETE FROM life_member_year", "")) return -1;
  /* Per organization and year, from the meetings. */
  DbStmt *s = db_stmt("SELECT DISTINCT org_id, CAST(substr(held_on,1,4) AS INTEGER) FROM meeting", "");
  long long *aOrg = 0;
  int *aYear = 0, n = 0, nAlloc = 0;
  while (s && db_step(s) == 1) {
    if (n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 1024;
      aOrg = xrealloc(aOrg, sizeof *aOrg * (size_t)nAlloc);
      aYear = xrealloc(aYear, sizeof *aYear * (size_t)nAlloc);
    }
    aOrg[n] = db_col_int(s, 0);
    aYear[n++] = (int)db_col_int(s, 1);
  }
  int rc = s ? 0 : -1;
  for (int i = 0; !rc && i < n; i++) rc = life_org_refresh(aOrg[i], aYear[i]);
  free(aOrg);
  free(aYear);
  if (rc) return rc;
  /* Per member and year, from the attendance, in one statement: the packed
   * monthly counts are sums of 1 << shift. */
  int rc2 = db_exec("DELETE FROM life_member_mask", "") || db_exec(
      "INSERT INTO life_member_year(year, member_id, life_a, life_b, leave_a, leave_b, lect_a, lect_b)"
      " SELECT y, member_id,"
      "  sum(CASE WHEN life AND mo<=6 THEN 1<<(10*(mo-1)) ELSE 0 END),"
      "  sum(CASE WHEN life AND mo>6 THEN 1<<(10*(mo-7)) ELSE 0 END),"
      "  sum(CASE WHEN lv AND mo<=6 THEN 1<<(10*(mo-1)) ELSE 0 END),"
      "  sum(CASE WHEN lv AND mo>6 THEN 1<<(10*(mo-7)) ELSE 0 END),"
      "  sum(CASE WHEN life AND lect AND mo<=6 THEN 1<<(10*(mo-1)) ELSE 0 END),"
      "  sum(CASE WHEN life AND lect AND mo>6 THEN 1<<(10*(mo-7)) ELSE 0 END)"
      " FROM (SELECT a.member_id, CAST(substr(m.held_on,1,4) AS INTEGER) y, CAST(substr(m.held_on,6,2) AS INTEGER) mo,"
      "   a.state IN ('present','online') life, a.state='leave' lv, m.kind='lecture' lect"
      "   FROM attendance a JOIN meeting m ON m.id=a.meeting_id WHERE a.state IN ('present','online','leave'))"
      " GROUP BY y, member_id", "");
  return rc2 || db_exec("INSERT INTO life_member_mask(year, member_id, mask) SELECT year, member_id, " LIFE_MASK_SQL
                        " FROM life_member_year", "") ? -1 : 0;
}

/* ---- checks shared by the organizational-life routes ---------------------- */

int life_check_member(Req *r, const char *zField, long long memberId, long long orgId, int bSubtree) {
  DbStmt *s = db_stmt("SELECT m.org_id, o.path, m.status FROM member m JOIN org o ON o.id=m.org_id WHERE m.id=?", "I",
                      memberId);
  if (!s || db_step(s) != 1 || !scope_within(r->user.zOrgPath, db_col_text(s, 1))) {
    api_error(r, 404, "not_found", zField, "没有这个党员：%lld", memberId);
    return -1;
  }
  long long mOrg = db_col_int(s, 0);
  char zPath[256];
  snprintf(zPath, sizeof zPath, "%s", db_col_text(s, 1));
  int bActive = strcmp(db_col_text(s, 2), "active") == 0;
  db_step(s);
  int ok = mOrg == orgId;
  if (!ok && bSubtree) {
    char *zRoot = db_text("SELECT path FROM org WHERE id=?", "I", orgId);
    ok = zRoot && scope_within(zRoot, zPath);
    free(zRoot);
  }
  if (!ok) {
    api_error(r, 400, "invalid", zField, "党员 %lld 不是%s的党员", memberId, bSubtree ? "本组织" : "本支部");
    return -1;
  }
  if (!bActive) {
    api_error(r, 400, "invalid", zField, "党员 %lld 不在册（已停止党籍、出党或去世）", memberId);
    return -1;
  }
  return 0;
}

int life_query_period(Req *r, char *zFrom, char *zTo) {
  const char *zF = api_query(r, "from"), *zT = api_query(r, "to"), *zY = api_query(r, "year");
  char zToday[11];
  util_today(zToday);
  if (zY && zY[0]) {
    int y = atoi(zY);
    snprintf(zFrom, 11, "%04d-01-01", y);
    snprintf(zTo, 11, "%04d-12-31", y);
  } else {
    snprintf(zFrom, 11, "%.4s-01-01", zToday);
    snprintf(zTo, 11, "%.4s-12-31", zToday);
  }
  if (zF && zF[0] && text_parse_date(zF, zFrom)) {
    api_error(r, 400, "invalid", "from", "from 不是有效日期");
    return -1;
  }
  if (zT && zT[0] && text_parse_date(zT, zTo)) {
    api_error(r, 400, "invalid", "to", "to 不是有效日期");
    return -1;
  }
  if (strcmp(zFrom, zTo) > 0) {
    api_error(r, 400, "invalid", "to", "to 早于 from");
    return -1;
  }
  if (text_date_days(zTo) - text_date_days(zFrom) > 3 * 366) {
    api_error(r, 400, "invalid", "to", "期间最长三年");
    return -1;
  }
  return 0;
}

/* ---- meetings ------------------------------------------------------------- */

/* A meeting's body. Members named (host, recorder, attendees) and the
 * group and campaign are references the dispatcher has checked against the
 * user's subtree; that they belong to this branch (or this subtree, for a
 * study group) is judged here. */
enum { MT_KIND, MT_TITLE, MT_HELD, MT_START, MT_END, MT_PLACE, MT_MODE, MT_TOPICS, MT_MINUTES, MT_STATUS, MT_OPENS,
       MT_CLOSES, MT_GROUP, MT_CAMPAIGN, MT_HOST, MT_RECORDER, MT_ATT, MT_NFIELD };
static int group_org_of(long long id, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM party_group WHERE id=?", "I", id);
  return *pOrgId ? 0 : -1;
}
enum { AT_MEMBER, AT_STATE, AT_REASON, AT_NFIELD };
static const Field aAttField[AT_NFIELD] = {
  [AT_MEMBER] = {"member_id", "党员", FT_ID, F_REQUIRED | F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  [AT_STATE] = {"state", "出席情况", FT_ENUM, F_REQUIRED, 0, azState, 0, 0, 0, 0, 0},
  [AT_REASON] = {"reason", "请假事由", FT_TEXT, 0, 200, 0, 0, 0, 0, 0, 0},
};
static const Field aMeetingField[MT_NFIELD] = {
  [MT_KIND] = {"kind", "会议类型", FT_ENUM, F_REQUIRED, 0, life_azKind, 0, 0, 0, 0, 0},
  [MT_TITLE] = {"title", "会议名称", FT_TEXT, F_REQUIRED, 100, 0, 0, 0, 0, 0, 0},
  [MT_HELD] = {"held_on", "会议日期", FT_DATE, F_REQUIRED, 0, 0, 0, 0, 0, 0, 0},
  [MT_START] = {"start_time", "开始时间", FT_TIME, 0, 0, 0, 0, 0, 0, 0, 0},
  [MT_END] = {"end_time", "结束时间", FT_TIME, 0, 0, 0, 0, 0, 0, 0, 0},
  [MT_PLACE] = {"place", "地点", FT_TEXT, 0, 100, 0, 0, 0, 0, 0, 0},
  [MT_MODE] = {"mode", "方式", FT_ENUM, 0, 0, azMode, 0, 0, 0, 0, 0},
  [MT_TOPICS] = {"topics", "议题", FT_TEXT, 0, 2000, 0, 0, 0, 0, 0, 0},
  [MT_MINUTES] = {"minutes", "会议记录", FT_TEXT, F_MULTILINE, 20000, 0, 0, 0, 0, 0, 0},
  [MT_STATUS] = {"status", "状态", FT_ENUM, 0, 0, azStatus, 0, 0, 0, 0, 0},
  [MT_OPENS] = {"checkin_opens_at", "签到开始", FT_STAMP, 0, 0, 0, 0, 0, 0, 0, 0},
  [MT_CLOSES] = {"checkin_closes_at", "签到截止", FT_STAMP, 0, 0, 0, 0, 0, 0, 0, 0},
  [MT_GROUP] = {"group_id", "党小组", FT_ID, F_OBJREF, 0, 0, 0, 0, 0, 0, group_org_of},
  [MT_CAMPAIGN] = {"campaign_id", "所属活动", FT_ID, F_UPREF, 0, 0, 0, 0, 0, 0, training_campaign_org},
  [MT_HOST] = {"host_id", "主持人", FT_ID, F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  [MT_RECORDER] = {"recorder_id", "记录人", FT_ID, F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  [MT_ATT] = {"attendance", "出席情况", FT_ROWS, 0, LIFE_MAX_ITEMS, 0, 0, 0, aAttField, AT_NFIELD, 0},
};
/* PUT /meetings/{id}/attendance */
static const Field aAttBody[] = {
  {"items", "出席情况", FT_ROWS, F_REQUIRED, LIFE_MAX_ITEMS, 0, 0, 0, aAttField, AT_NFIELD, 0},
};

int life_meeting_org(const char *zParam, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM meeting WHERE id=?", "I", atoll(zParam));
  return *pOrgId ? 0 : -1;
}

int life_stamp_norm(const char *zIn, char z[21]) { return text_stamp_norm(zIn, z); }

/* Expected attendees of a meeting, as SQL over ?1 = meeting id: the active
 * members of the branch, its committee or its group who had joined the Party
 * by the meeting's day. */
static const char *expected_sql(const char *zKind) {
  if (strcmp(zKind, "committee") == 0)
    return "SELECT c.member_id FROM meeting t JOIN committee_member c ON c.org_id=t.org_id"
           " JOIN member m ON m.id=c.member_id AND m.status='active' AND m.joined_on<=t.held_on WHERE t.id=?1";
  if (strcmp(zKind, "group") == 0)
    return "SELECT g.member_id FROM meeting t JOIN party_group_member g ON g.group_id=t.group_id"
           " JOIN member m ON m.id=g.member_id AND m.status='active' AND m.joined_on<=t.held_on WHERE t.id=?1";
  if (strcmp(zKind, "talk") == 0 || strcmp(zKind, "study_group") == 0)
    return "SELECT member_id FROM attendance WHERE meeting_id=?1 AND 0";
  return "SELECT m.id AS member_id FROM meeting t JOIN member m ON m.org_id=t.org_id AND m.status='active' AND m.joined_on<=t.held_on"
         " WHERE t.id=?1";
}

/* Recomputes a meeting's expected count, how many of them came and quorum. */
static int meeting_refresh(long long id) {
  char *zKind = db_text("SELECT kind FROM meeting WHERE id=?", "I", id);
  if (!zKind) return -1;
  Buf b = BUF_INIT;
  buf_printf(&b, "SELECT count(*), count(a.member_id) FROM (%s) e LEFT JOIN attendance a ON a.meeting_id=?1"
                 " AND a.member_id=e.member_id AND a.state IN ('present','online')", expected_sql(zKind));
  char *zSql = buf_take(&b);
  DbStmt *s = db_stmt(zSql, "I", id);
  long long nExp = 0, nCame = 0;
  int rc = -1;
  if (s && db_step(s) == 1) {
    nExp = db_col_int(s, 0);
    nCame = db_col_int(s, 1);
    db_step(s);
    rc = 0;
  }
  free(zSql);
  int bCommittee = strcmp(zKind, "committee") == 0;
  free(zKind);
  if (rc) return -1;
  return db_exec("UPDATE meeting SET n_expected=?, n_expected_present=?, quorate=CASE WHEN ? THEN ?*2 > ? END"
                 " WHERE id=?", "IIiIII", nExp, nCame, bCommittee, nCame, nExp, id);
}

static json_t *meeting_json(long long id, int bFull) {
  DbStmt *s = db_stmt(
      "SELECT t.kind, t.title, t.held_on, t.start_time, t.end_time, t.place, t.mode, t.host_id, t.recorder_id,"
      " t.topics, t.minutes, t.checkin_opens_at, t.checkin_closes_at, t.group_id, t.campaign_id, o.code, o.name,"
      " t.n_expected, t.n_expected_present, t.quorate, t.created_at, t.updated_at"
      " FROM meeting t JOIN org o ON o.id=t.org_id WHERE t.id=?", "I", id);
  if (!s || db_step(s) != 1) return json_null();
  char zToday[11];
  util_today(zToday);
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(id));
  int k = life_kind_index(db_col_text(s, 0));
  json_object_set_new(o, "kind", json_string(db_col_text(s, 0)));
  json_object_set_new(o, "kind_name", json_string(k >= 0 ? life_azKindName[k] : ""));
  static const char *const azCol[] = {"title", "held_on", "start_time", "end_time", "place", "mode"};
  for (int i = 0; i < 6; i++)
    json_object_set_new(o, azCol[i], db_col_isnull(s, 1 + i) ? json_null() : json_string(db_col_text(s, 1 + i)));
  json_object_set_new(o, "status", json_string(strcmp(db_col_text(s, 2), zToday) <= 0 ? "held" : "planned"));
  static const char *const azId[] = {"host_id", "recorder_id"};
  for (int i = 0; i < 2; i++)
    json_object_set_new(o, azId[i], db_col_isnull(s, 7 + i) ? json_null() : json_integer(db_col_int(s, 7 + i)));
  static const char *const azCol2[] = {"topics", "minutes", "checkin_opens_at", "checkin_closes_at"};
  for (int i = 0; i < 4; i++)
    json_object_set_new(o, azCol2[i], db_col_isnull(s, 9 + i) ? json_null() : json_string(db_col_text(s, 9 + i)));
  json_object_set_new(o, "group_id", db_col_isnull(s, 13) ? json_null() : json_integer(db_col_int(s, 13)));
  json_object_set_new(o, "campaign_id", db_col_isnull(s, 14) ? json_null() : json_integer(db_col_int(s, 14)));
  json_object_set_new(o, "org_code", json_string(db_col_text(s, 15)));
  json_object_set_new(o, "org_name", json_string(db_col_text(s, 16)));
  json_object_set_new(o, "expected_count", json_integer(db_col_int(s, 17)));
  json_object_set_new(o, "expected_present", json_integer(db_col_int(s, 18)));
  json_object_set_new(o, "quorate", db_col_isnull(s, 19) ? json_null() : json_boolean(db_col_int(s, 19)));
  json_object_set_new(o, "created_at", json_string(db_col_text(s, 20)));
  json_object_set_new(o, "updated_at", json_string(db_col_text(s, 21)));
  char zKind[32];
  snprintf(zKind, sizeof zKind, "%s", db_col_text(s, 0));
  db_step(s);
  if (!bFull) return o;
  /* Attendance: every expected attendee with their state (null: not
   * recorded), then anyone else recorded (observers, talk partners). */
  Buf b = BUF_INIT;
  const char *zExp = expected_sql(zKind);
  /* The expected and the recorded, as a union of two small sets: the
   * earlier "member m WHERE m.id IN e OR a.member_id IS NOT NULL" read the
   * whole roster (30,000 members of a county: 100 ms inside the write
   * transaction of every meeting saved). */
  buf_printf(&b, "WITH e(mid) AS (%s), w(mid) AS (SELECT mid FROM e UNION SELECT member_id FROM attendance"
                 " WHERE meeting_id=?1) SELECT m.id, m.name, a.state, a.reason, a.checked_in_at, m.id IN e FROM w"
                 " JOIN member m ON m.id=w.mid LEFT JOIN attendance a ON a.meeting_id=?1 AND a.member_id=m.id"
                 " ORDER BY 6 DESC, m.id", zExp);
  s = db_stmt(buf_str(&b), "I", id);
  json_t *aAtt = json_array();
  long long nState[4] = {0}, nNone = 0;
  while (s && db_step(s) == 1) {
    json_t *it = json_pack("{s:I, s:s, s:b}", "member_id", (json_int_t)db_col_int(s, 0), "name", db_col_text(s, 1),
                           "expected", (int)db_col_int(s, 5));
    json_object_set_new(it, "state", db_col_isnull(s, 2) ? json_null() : json_string(db_col_text(s, 2)));
    json_object_set_new(it, "reason", db_col_isnull(s, 3) ? json_null() : json_string(db_col_text(s, 3)));
    json_object_set_new(it, "checked_in_at", db_col_isnull(s, 4) ? json_null() : json_string(db_col_text(s, 4)));
    for (int i = 0; i < 4; i++)
      if (!db_col_isnull(s, 2) && strcmp(db_col_text(s, 2), azState[i]) == 0) nState[i]++;
    if (db_col_isnull(s, 2)) nNone++;
    json_array_append_new(aAtt, it);
  }
  buf_free(&b);
  json_object_set_new(o, "attendance", aAtt);
  json_object_set_new(o, "counts", json_pack("{s:I, s:I, s:I, s:I, s:I}", "present", (json_int_t)nState[0], "online",
                                             (json_int_t)nState[1], "leave", (json_int_t)nState[2], "absent",
                                             (json_int_t)nState[3], "not_recorded", (json_int_t)nNone));
  json_t *aFile = json_array();
  s = db_stmt("SELECT a.id, a.name, b.size, b.mime, a.sha256 FROM meeting_attachment a JOIN life_blob b"
              " ON b.sha256=a.sha256 WHERE a.meeting_id=? ORDER BY a.id", "I", id);
  while (s && db_step(s) == 1)
    json_array_append_new(aFile, json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                                           db_col_text(s, 1), "size", (json_int_t)db_col_int(s, 2), "mime",
                                           db_col_text(s, 3), "sha256", db_col_text(s, 4)));
  json_object_set_new(o, "attachments", aFile);
  return o;
}

/* Checks attendance rows (already clean values) for a meeting of kind zKind
 * in orgId: each member once, of the branch (of the subtree, for a study
 * group) and on the roster, a reason for leave. 0, or -1 answered. */
static int att_check(Req *r, const RecRows *pRows, const char *zKind, long long orgId) {
  int bSub = strcmp(zKind, "study_group") == 0;
  for (int i = 0; i < pRows->n; i++) {
    const Rec *pA = &pRows->a[i];
    long long memberId = rec_int(pA, AT_MEMBER, 0);
    if (life_check_member(r, "member_id", memberId, orgId, bSub)) return -1;
    for (int j = 0; j < i; j++)
      if (rec_int(&pRows->a[j], AT_MEMBER, 0) == memberId) {
        api_error(r, 400, "invalid", "member_id", "党员 %lld 在出席名单中重复", memberId);
        return -1;
      }
    if (strcmp(pA->az[AT_STATE], "leave") == 0 && !pA->az[AT_REASON]) {
      api_error(r, 400, "required", "reason", "党员 %lld 请假须填事由", memberId);
      return -1;
    }
  }
  return 0;
}

/* Writes attendance rows of a meeting inside the caller's transaction,
 * keeping the member summaries in step. */
static int att_write(long long meetingId, const char *zHeldOn, const char *zKind, const RecRows *pRows) {
  for (int i = 0; i < pRows->n; i++) {
    const Rec *pA = &pRows->a[i];
    long long memberId = rec_int(pA, AT_MEMBER, 0);
    const char *zState = pA->az[AT_STATE];
    char *zOld = db_text("SELECT state FROM attendance WHERE meeting_id=? AND member_id=?", "II", meetingId, memberId);
    int rc = (zOld && life_member_delta(memberId, zHeldOn, zKind, zOld, -1)) ||
             db_exec("INSERT INTO attendance(meeting_id, member_id, state, reason) VALUES(?,?,?,?)"
                     " ON CONFLICT(meeting_id, member_id) DO UPDATE SET state=excluded.state, reason=excluded.reason",
                     "IItt", meetingId, memberId, zState, pA->az[AT_REASON]) ||
             life_member_delta(memberId, zHeldOn, zKind, zState, +1);
    free(zOld);
    if (rc) return -1;
  }
  return 0;
}

/* Applies (nSign) every attendance of a meeting to the member summaries. */
static int att_all_delta(long long meetingId, const char *zHeldOn, const char *zKind, int nSign) {
  DbStmt *s = db_stmt("SELECT member_id, state FROM attendance WHERE meeting_id=?", "I", meetingId);
  long long *aId = 0;
  char **azSt = 0;
  int n = 0, nAlloc = 0, rc = s ? 0 : -1;
  while (s && db_step(s) == 1) {
    if (n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 64;
      aId = xrealloc(aId, sizeof *aId * (size_t)nAlloc);
      azSt = xrealloc(azSt, sizeof *azSt * (size_t)nAlloc);
    }
    aId[n] = db_col_int(s, 0);
    azSt[n++] = xstrdup(db_col_text(s, 1));
  }
  for (int i = 0; i < n; i++) {
    if (!rc) rc = life_member_delta(aId[i], zHeldOn, zKind, azSt[i], nSign);
    free(azSt[i]);
  }
  free(aId);
  free(azSt);
  return rc;
}

/* The longest remote check-in window (docs/api.md: at most 7 days). */
#define LIFE_CHECKIN_MAX_DAYS 7

/* Seconds since 1970 of a moment in FT_STAMP's stored form
 * (YYYY-MM-DDTHH:MM:SSZ). The date is read from its first ten characters
 * alone: text_date_days would read on into the time. */
static long long stamp_seconds(const char *z) {
  char zDay[11];
  snprintf(zDay, sizeof zDay, "%.10s", z);
  int h = 0, m = 0, sec = 0;
  if (strlen(z) >= 19) sscanf(z + 11, "%2d:%2d:%2d", &h, &m, &sec);
  return (long long)text_date_days(zDay) * 86400 + h * 3600 + m * 60 + sec;
}

/* What meeting_check found, for meeting_store: the meeting's kind and day
 * (the stored ones where the body does not change them). */
typedef struct MeetingIn {
  long long id;                  /* 0 for a new meeting */
  long long orgId;
  char zKind[32];
  char zHeld[11], zOldHeld[11];  /* its day after the change, and before it ("" when new) */
} MeetingIn;

/* Judges the body (r->rec, clean values) of a new meeting (id 0) or of a
 * change against the branch, the calendar and the meeting's kind. 0, or -1
 * answered. */
static int meeting_check(Req *r, long long id, MeetingIn *p) {
  char *const *az = r->rec.az;
  char zToday[11];
  util_today(zToday);
  memset(p, 0, sizeof *p);
  p->id = id;
  p->orgId = r->scope.id;
  if (id) {
    DbStmt *s = db_stmt("SELECT kind, held_on FROM meeting WHERE id=?", "I", id);
    if (s && db_step(s) == 1) {
      snprintf(p->zKind, sizeof p->zKind, "%s", db_col_text(s, 0));
      snprintf(p->zOldHeld, sizeof p->zOldHeld, "%s", db_col_text(s, 1));
      db_step(s);
    }
    if (az[MT_KIND] && strcmp(az[MT_KIND], p->zKind)) {
      api_error(r, 400, "invalid", "kind", "会议类型不能修改（可另建一次会议）");
      return -1;
    }
  } else {
    snprintf(p->zKind, sizeof p->zKind, "%s", az[MT_KIND]);
  }
  snprintf(p->zHeld, sizeof p->zHeld, "%s", az[MT_HELD] ? az[MT_HELD] : p->zOldHeld);
  const char *zKind = p->zKind, *zHeld = p->zHeld;
  int bSub = strcmp(zKind, "study_group") == 0;
  if (!bSub && !org_is_branch(r->scope.zKind)) {
    api_error(r, 400, "invalid", "kind", "%s 是%s：%s只在党支部召开", r->scope.zCode, r->scope.zKind,
              life_azKindName[life_kind_index(zKind)]);
    return -1;
  }
  const char *zStatus = az[MT_STATUS];
  if (zStatus && strcmp(zStatus, "held") == 0 && strcmp(zHeld, zToday) > 0) {
    api_error(r, 400, "invalid", "held_on", "已召开的会议日期 %s 不能在今天（%s）之后", zHeld, zToday);
    return -1;
  }
  if (zStatus && strcmp(zStatus, "planned") == 0 && strcmp(zHeld, zToday) <= 0) {
    api_error(r, 400, "invalid", "held_on", "计划召开的会议日期 %s 应在今天之后", zHeld);
    return -1;
  }
  if (strcmp(zHeld, "1921-07-01") < 0) {
    api_error(r, 400, "invalid", "held_on", "会议日期 %s 不合理", zHeld);
    return -1;
  }
  if (az[MT_START] && az[MT_END] && strcmp(az[MT_END], az[MT_START]) < 0) {
    api_error(r, 400, "invalid", "end_time", "结束时间早于开始时间");
    return -1;
  }
  const char *zOpens = az[MT_OPENS], *zCloses = az[MT_CLOSES];
  if (!zOpens != !zCloses || (zOpens && strcmp(zCloses, zOpens) <= 0) ||
      (zOpens && stamp_seconds(zCloses) - stamp_seconds(zOpens) > LIFE_CHECKIN_MAX_DAYS * 86400LL)) {
    api_error(r, 400, "invalid", "checkin_closes_at", "签到须同时给出开始与截止时间，截止晚于开始，且不超过 7 天");
    return -1;
  }
  long long groupId = rec_int(&r->rec, MT_GROUP, 0);
  if (strcmp(zKind, "group") == 0 && !id && !groupId) {
    api_error(r, 400, "required", "group_id", "党小组会须指明党小组 group_id");
    return -1;
  }
  if (groupId && strcmp(zKind, "group")) {
    api_error(r, 400, "invalid", "group_id", "只有党小组会属于党小组");
    return -1;
  }
  if (groupId && db_exists("SELECT 1 FROM party_group WHERE id=? AND org_id=?", "II", groupId, p->orgId) != 1) {
    api_error(r, 404, "not_found", "group_id", "本支部没有这个党小组：%lld", groupId);
    return -1;
  }
  static const int aiWho[] = {MT_HOST, MT_RECORDER};
  for (int i = 0; i < 2; i++) {
    long long who = rec_int(&r->rec, aiWho[i], 0);
    if (who && life_check_member(r, aMeetingField[aiWho[i]].zJson, who, p->orgId, bSub)) return -1;
  }
  if (r->rec.aSet[MT_ATT]) {
    if (strcmp(zHeld, zToday) > 0) {
      api_error(r, 400, "invalid", "attendance", "会议尚未召开（%s），不能登记出席", zHeld);
      return -1;
    }
    if (att_check(r, rec_rows(&r->rec, MT_ATT), zKind, p->orgId)) return -1;
  }
  return 0;
}

/* Stores a meeting meeting_check has judged, its attendance and the
 * summaries, and the audit entry, in one transaction; answers. */
static void meeting_store(Req *r, const MeetingIn *p) {
  const Rec *pR = &r->rec;
  char *const *az = pR->az;
  long long id = p->id, orgId = p->orgId;
  const char *zKind = p->zKind, *zHeld = p->zHeld, *zOldHeld = p->zOldHeld;
  char zAt[32];
  util_timestamp(zAt);
  if (db_begin()) {
    api_internal(r);
    return;
  }
  json_t *pBefore = 0;
  int rc = 0;
  static const int aiRef[] = {MT_GROUP, MT_CAMPAIGN, MT_HOST, MT_RECORDER};
  if (id) {
    pBefore = meeting_json(id, 0);
    if (strcmp(zHeld, zOldHeld)) rc = att_all_delta(id, zOldHeld, zKind, -1);
    /* Column by column, each with bound values: what the body names. */
    static const int aiCol[] = {MT_TITLE, MT_HELD, MT_START, MT_END, MT_PLACE, MT_MODE, MT_TOPICS, MT_MINUTES};
    for (int k = 0; !rc && k < (int)ARRAY_LEN(aiCol); k++) {
      int i = aiCol[k];
      if (!pR->aSet[i] || ((i == MT_TITLE || i == MT_HELD || i == MT_MODE) && !az[i])) continue;
      char *zSql = xprintf("UPDATE meeting SET %s=? WHERE id=?", aMeetingField[i].zJson);
      rc = db_exec(zSql, "tI", az[i], id);
      free(zSql);
    }
    if (!rc && pR->aSet[MT_OPENS])
      rc = db_exec("UPDATE meeting SET checkin_opens_at=?, checkin_closes_at=? WHERE id=?", "ttI", az[MT_OPENS],
                   az[MT_CLOSES], id);
    for (int k = 0; !rc && k < (int)ARRAY_LEN(aiRef); k++) {
      int i = aiRef[k];
      if (!pR->aSet[i]) continue;
      char *zSql = xprintf("UPDATE meeting SET %s=nullif(?,0) WHERE id=?", aMeetingField[i].zJson);
      rc = db_exec(zSql, "II", rec_int(pR, i, 0), id);
      free(zSql);
    }
    if (!rc) rc = db_exec("UPDATE meeting SET updated_at=? WHERE id=?", "tI", zAt, id);
    if (!rc && strcmp(zHeld, zOldHeld)) rc = att_all_delta(id, zHeld, zKind, +1);
  } else {
    rc = db_exec("INSERT INTO meeting(org_id, kind, group_id, campaign_id, title, held_on, start_time, end_time, place,"
                 " mode, host_id, recorder_id, topics, minutes, checkin_opens_at, checkin_closes_at, created_at, updated_at)"
                 " VALUES(?,?,nullif(?,0),nullif(?,0),?,?,?,?,?,coalesce(?,'onsite'),nullif(?,0),nullif(?,0),?,?,?,?,?,?)",
                 "ItIIttttttIItttttt", orgId, zKind, rec_int(pR, MT_GROUP, 0), rec_int(pR, MT_CAMPAIGN, 0),
                 az[MT_TITLE], zHeld, az[MT_START], az[MT_END], az[MT_PLACE], az[MT_MODE], rec_int(pR, MT_HOST, 0),
                 rec_int(pR, MT_RECORDER, 0), az[MT_TOPICS], az[MT_MINUTES], az[MT_OPENS], az[MT_CLOSES], zAt, zAt);
    id = db_last_rowid();
  }
  if (!rc) rc = att_write(id, zHeld, zKind, rec_rows(pR, MT_ATT));
  if (!rc) rc = meeting_refresh(id);
  if (!rc) rc = life_org_refresh(orgId, life_year_of(zHeld));
  if (!rc && zOldHeld[0] && life_year_of(zOldHeld) != life_year_of(zHeld))
    rc = life_org_refresh(orgId, life_year_of(zOldHeld));
  json_t *pAfter = rc ? 0 : meeting_json(id, 1);
  int bNew = !pBefore;
  if (!api_audit_commit_change(r, rc, bNew ? "create" : "update", "meeting", id, orgId, pBefore, pAfter))
    api_json(r, bNew ? 201 : 200, pAfter);
  json_decref(pBefore);
}

static void meeting_write(Req *r, long long id) {
  MeetingIn in;
  if (meeting_check(r, id, &in) == 0) meeting_store(r, &in);
}

static void meeting_create(Req *r) { meeting_write(r, 0); }
static void meeting_patch(Req *r) { meeting_write(r, r->objectId); }

static void meeting_get(Req *r) { api_json(r, 200, meeting_json(r->objectId, 1)); }

static void meeting_list(Req *r) {
  char zFrom[11], zTo[11], zHi[256];
  if (life_query_period(r, zFrom, zTo)) return;
  scope_range(r->scope.zPath, zHi);
  const char *zKind = api_query(r, "kind");
  long long limit = api_query_int(r, "limit", 50), offset = api_query_int(r, "offset", 0);
  const char *zWhere = " FROM meeting t JOIN org o ON o.id=t.org_id WHERE o.path >= ?1 AND o.path < ?2"
                       " AND t.held_on >= ?3 AND t.held_on <= ?4 AND (?5 IS NULL OR t.kind=?5)";
  char *zSql = xprintf("SELECT count(*)%s", zWhere);
  long long total = db_int(0, zSql, "ttttt", r->scope.zPath, zHi, zFrom, zTo, zKind && zKind[0] ? zKind : 0);
  free(zSql);
  zSql = xprintf("SELECT t.id%s ORDER BY t.held_on DESC, t.id DESC LIMIT ?6 OFFSET ?7", zWhere);
  DbStmt *s = db_stmt(zSql, "tttttII", r->scope.zPath, zHi, zFrom, zTo, zKind && zKind[0] ? zKind : 0, limit, offset);
  json_t *aId = json_array(), *a = json_array();
  while (s && db_step(s) == 1) json_array_append_new(aId, json_integer(db_col_int(s, 0)));
  free(zSql);
  size_t i;
  json_t *v;
  json_array_foreach(aId, i, v) json_array_append_new(a, meeting_json(json_integer_value(v), 0));
  json_decref(aId);
  api_json(r, 200, json_pack("{s:o, s:I}", "items", a, "total", (json_int_t)total));
}

/* PUT /api/v1/meetings/{id}/attendance {"items":[{member_id,state,reason}]} */
static void meeting_attendance(Req *r) {
  char zKind[32] = "", zHeld[11] = "", zToday[11];
  util_today(zToday);
  DbStmt *s = db_stmt("SELECT kind, held_on FROM meeting WHERE id=?", "I", r->objectId);
  if (s && db_step(s) == 1) {
    snprintf(zKind, sizeof zKind, "%s", db_col_text(s, 0));
    snprintf(zHeld, sizeof zHeld, "%s", db_col_text(s, 1));
    db_step(s);
  }
  if (strcmp(zHeld, zToday) > 0) {
    api_error(r, 400, "invalid", "items", "会议尚未召开（%s），不能登记出席", zHeld);
    return;
  }
  const RecRows *pRows = rec_rows(&r->rec, 0);
  if (att_check(r, pRows, zKind, r->scope.id)) return;
  json_t *pBefore = meeting_json(r->objectId, 1);
  int rc = db_begin() || att_write(r->objectId, zHeld, zKind, pRows) || meeting_refresh(r->objectId) ||
           life_org_refresh(r->scope.id, life_year_of(zHeld));
  json_t *pAfter = rc ? 0 : meeting_json(r->objectId, 1);
  json_t *pAttAfter = json_incref(json_object_get(pAfter, "attendance"));
  if (!api_audit_commit_change(r, rc, "attendance", "meeting", r->objectId, r->scope.id,
                               json_object_get(pBefore, "attendance"), pAttAfter)) {
    api_json(r, 200, pAfter);
    json_decref(pAttAfter);
  } else {
    json_decref(pAfter);
  }
  json_decref(pBefore);
}

/* POST /api/v1/meetings/{id}/checkin: a member with their own login, inside
 * the meeting's window, is recorded present online. */
static void meeting_checkin(Req *r) {
  long long mid = r->user.memberId;
  if (!mid) {
    api_error(r, 403, "forbidden", 0, "只有关联了党员档案的账号可以签到");
    return;
  }
  DbStmt *s = db_stmt("SELECT kind, held_on, org_id, checkin_opens_at, checkin_closes_at FROM meeting WHERE id=?", "I",
                      r->objectId);
  if (!s || db_step(s) != 1) {
    api_internal(r);
    return;
  }
  char zKind[32], zHeld[11], zOpens[32], zCloses[32];
  snprintf(zKind, sizeof zKind, "%s", db_col_text(s, 0));
  snprintf(zHeld, sizeof zHeld, "%s", db_col_text(s, 1));
  long long orgId = db_col_int(s, 2);
  snprintf(zOpens, sizeof zOpens, "%s", db_col_text(s, 3));
  snprintf(zCloses, sizeof zCloses, "%s", db_col_text(s, 4));
  db_step(s);
  /* A member checks in only to a meeting they are expected at: their own
   * branch's (and their committee's or group's). */
  Buf b = BUF_INIT;
  buf_printf(&b, "SELECT 1 FROM (%s) e WHERE e.member_id=?2", expected_sql(zKind));
  int bExpected = db_exists(buf_str(&b), "II", r->objectId, mid) == 1;
  buf_free(&b);
  if (!bExpected) {
    api_error(r, 403, "forbidden", 0, "您不是这次会议的应到人员，不能签到");
    return;
  }
  char zNow[32], zToday[11];
  util_timestamp(zNow);
  util_today(zToday);
  if (!zOpens[0]) {
    api_error(r, 403, "checkin_closed", 0, "这次会议没有开放签到");
    return;
  }
  if (strcmp(zNow, zOpens) < 0 || strcmp(zNow, zCloses) > 0 || strcmp(zHeld, zToday) > 0) {
    api_error(r, 403, "checkin_closed", 0, "不在签到时间内（%s 至 %s）", zOpens, zCloses);
    return;
  }
  char *zOld = db_text("SELECT state FROM attendance WHERE meeting_id=? AND member_id=?", "II", r->objectId, mid);
  int rc = db_begin() || (zOld && life_member_delta(mid, zHeld, zKind, zOld, -1)) ||
           db_exec("INSERT INTO attendance(meeting_id, member_id, state, reason, checked_in_at) VALUES(?,?,'online',NULL,?)"
                   " ON CONFLICT(meeting_id, member_id) DO UPDATE SET state='online', reason=NULL,"
                   " checked_in_at=excluded.checked_in_at", "IIt", r->objectId, mid, zNow) ||
           life_member_delta(mid, zHeld, zKind, "online", +1) || meeting_refresh(r->objectId) ||
           life_org_refresh(orgId, life_year_of(zHeld));
  json_t *pAfter = json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)mid, "state", "online", "checked_in_at", zNow);
  json_t *pBefore = zOld ? json_pack("{s:I, s:s}", "member_id", (json_int_t)mid, "state", zOld) : 0;
  free(zOld);
  if (!api_audit_commit_change(r, rc, "checkin", "meeting", r->objectId, orgId, pBefore, pAfter)) {
    json_object_set_new(pAfter, "meeting_id", json_integer(r->objectId));
    api_json(r, 200, pAfter);
  }
  json_decref(pBefore);
}

/* GET /api/v1/members/{id}/meetings: the meetings of the member's branch
 * (committee, group) that offer remote check-in and whose window has not
 * closed, each with whether it is open now and the member's own state, so
 * the member's screen can list what they may check in to. */
static void member_checkin_list(Req *r) {
  char zNow[32], zToday[11];
  util_timestamp(zNow);
  util_today(zToday);
  DbStmt *s = db_stmt("SELECT t.id, t.kind FROM meeting t JOIN member m ON m.id=?1 AND m.org_id=t.org_id"
                      " WHERE t.checkin_opens_at IS NOT NULL AND t.checkin_closes_at >= ?2"
                      " ORDER BY t.checkin_opens_at, t.id LIMIT 50", "It", r->memberId, zNow);
  json_t *aCand = json_array(), *a = json_array();
  while (s && db_step(s) == 1)
    json_array_append_new(aCand, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(s, 0), "kind", db_col_text(s, 1)));
  size_t i;
  json_t *v;
  json_array_foreach(aCand, i, v) {
    long long id = json_integer_value(json_object_get(v, "id"));
    Buf b = BUF_INIT;
    buf_printf(&b, "SELECT 1 FROM (%s) e WHERE e.member_id=?2", expected_sql(json_string_value(json_object_get(v, "kind"))));
    int bExpected = db_exists(buf_str(&b), "II", id, r->memberId) == 1;
    buf_free(&b);
    if (!bExpected) continue;
    json_t *m = meeting_json(id, 0);
    if (!m) continue;
    const char *zOpens = json_string_value(json_object_get(m, "checkin_opens_at"));
    const char *zHeld = json_string_value(json_object_get(m, "held_on"));
    int bOpen = zOpens && strcmp(zNow, zOpens) >= 0 && zHeld && strcmp(zHeld, zToday) <= 0;
    json_object_set_new(m, "checkin_open", json_boolean(bOpen));
    DbStmt *q = db_stmt("SELECT state, checked_in_at FROM attendance WHERE meeting_id=? AND member_id=?", "II", id,
                        r->memberId);
    if (q && db_step(q) == 1) {
      json_object_set_new(m, "my_state", json_string(db_col_text(q, 0)));
      const char *zAt = db_col_text(q, 1);
      json_object_set_new(m, "checked_in_at", zAt[0] ? json_string(zAt) : json_null());
      db_step(q);
    } else {
      json_object_set_new(m, "my_state", json_null());
      json_object_set_new(m, "checked_in_at", json_null());
    }
    json_array_append_new(a, m);
  }
  json_decref(aCand);
  api_json(r, 200, json_pack("{s:o}", "items", a));
}

/* ---- CLI ---------------------------------------------------------------------- */

static int cmd_rebuild(const CliArgs *p) {
  if (cli_open_db(p, 0)) return 1;
  double t0 = util_now();
  if (db_begin() || life_rebuild() || db_commit()) {
    db_rollback();
    util_die_msg("rebuilding the organizational-life summaries failed");
    return 1;
  }
  printf("rebuilt the organizational-life summaries in %.2f s\n", util_now() - t0);
  return 0;
}

static const CliOpt aRebuildOpt[] = {{"db", 1, 1, "the database"}, {0, 0, 0, 0}};
static const Command aCommandTable[] = {
  {"life", "rebuild", cmd_rebuild, aRebuildOpt, 0, 0, "",
   "Recomputes the yearly meeting and attendance summaries (life_org_year, life_member_year) from the records."},
};

/* ---- routes --------------------------------------------------------------------- */

static const QParam aListQ[] = {
  {"from", Q_TEXT, 0, 20, 0}, {"to", Q_TEXT, 0, 20, 0}, {"year", Q_INT, 1921, 2200, 0},
  {"kind", Q_ENUM, 0, 0, life_azKind}, {"limit", Q_INT, 1, 200, 0}, {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"GET", "/api/v1/orgs/{code}/meetings", meeting_list, R_STAFF | R_ORG, aListQ,
   "meetings of a subtree in a period, newest first", 0, 0, 0},
  {"POST", "/api/v1/orgs/{code}/meetings", meeting_create, R_WRITE | R_ORG | R_JSONBODY, 0,
   "record a meeting (with attendance) or plan one", MODULE_ARRAY(aMeetingField), 0},
  {"GET", "/api/v1/meetings/{id}", meeting_get, R_STAFF | R_OBJECT, 0,
   "a meeting with expected and actual attendance, quorum and attachments", 0, 0, life_meeting_org},
  {"PATCH", "/api/v1/meetings/{id}", meeting_patch, R_WRITE | R_OBJECT | R_JSONBODY, 0, "change a meeting",
   MODULE_ARRAY(aMeetingField), life_meeting_org},
  {"PUT", "/api/v1/meetings/{id}/attendance", meeting_attendance, R_WRITE | R_OBJECT | R_JSONBODY, 0,
   "record attendance states of members", MODULE_ARRAY(aAttBody), life_meeting_org},
  {"GET", "/api/v1/members/{id}/meetings", member_checkin_list, R_SELF | R_MEMBER, 0,
   "meetings of the member's branch open (or about to open) for remote check-in, with the member's state", 0, 0, 0},
  {"POST", "/api/v1/meetings/{id}/checkin", meeting_checkin, R_SELF | R_OBJECT, 0,
   "a member checks in remotely within the window (present online)", 0, 0, life_meeting_org},
};

int life_demo(const DemoOpts *pOpts, const DemoResult *pRes);  /* meeting_demo.c */
static const StatsFigure *const aLifeFigure[] = {&life_figMeetings, &life_figSecretaries};
/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"meeting", "会议", "SELECT title FROM meeting WHERE id=?1"},
};
static const char *const azAuditAction[] = {"attendance", "checkin", 0};
static const char *const azAuditActionName[] = {"登记出席", "签到", 0};

static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
  {"meeting_kind", life_azKind, life_azKindName},
  {"meeting_mode", azMode, azModeName},
  {"attendance_state", azState, azStateName},
};
const Module meeting_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "meeting",
  .aEnum = MODULE_ARRAY(aEnum),
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aCommand = MODULE_ARRAY(aCommandTable),
  .azMigration = MODULE_ARRAY(azMigration),
  .xDemo = life_demo,
  .apFigure = MODULE_ARRAY(aLifeFigure),
  .zOpenapi = "meeting",
};
