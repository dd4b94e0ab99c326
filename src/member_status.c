/* member_status.c: a member's standing and whereabouts over time: status
 * changes (death, leaving, expulsion, suspension, restoration), mobile
 * members (outflow, inflow, lost contact, remote participation), the
 * membership history that transfers and the branch vote write, a member's
 * whole history of changes, and the subtree's changes month by month. Its
 * demo (member_demo.c) fills the whole member lifecycle: development,
 * transfers, mobile members and dues. */
#include "member_status.h"
#include "module.h"
#include "memo.h"
#include "audit.h"
#include "db.h"
#include "events.h"
#include "member.h"
#include "text.h"
#include "util.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Its tables. They were the member-lifecycle module's: this first migration
 * creates them where they are missing (a new database) and leaves them be
 * where they are (an older one). */
static const char *const azMigration[] = {
  "CREATE TABLE IF NOT EXISTS lc_membership(id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, org_id INTEGER, outside TEXT,\n"
  "  started_on TEXT, ended_on TEXT, via TEXT NOT NULL, transfer_id INTEGER);\n"
  "CREATE INDEX IF NOT EXISTS lc_membership_member ON lc_membership(member_id);\n"
  /* Mobile members: outflow and return at the home branch, inflow at a host
   * organization (member_id NULL for someone from outside the system). */
  "CREATE TABLE IF NOT EXISTS mob_event(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  member_id INTEGER,\n"
  "  org_id INTEGER NOT NULL,\n"
  "  kind TEXT NOT NULL CHECK(kind IN ('outflow','return','inflow','lost','found','remote')),\n"
  "  on_date TEXT NOT NULL,\n"
  "  location TEXT, contact TEXT, person_name TEXT, home_org TEXT, note TEXT,\n"
  "  recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS mob_member ON mob_event(member_id);\n"
  "CREATE INDEX IF NOT EXISTS mob_org ON mob_event(org_id, kind);\n"
  "CREATE TABLE IF NOT EXISTS st_change(id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, org_id INTEGER NOT NULL,\n"
  "  from_status TEXT NOT NULL, to_status TEXT NOT NULL, on_date TEXT NOT NULL, reason TEXT NOT NULL,\n"
  "  changed_by TEXT NOT NULL, changed_at TEXT NOT NULL);\n"
  "CREATE INDEX IF NOT EXISTS st_member ON st_change(member_id);\n",
};

static const char *cn(DbStmt *s, int i) { return db_col_isnull(s, i) ? 0 : db_col_text(s, i); }

/* ---- membership history ---------------------------------------------------------- */

int membership_start(long long memberId, long long orgId, const char *zOn, const char *zVia) {
  return db_exec("INSERT INTO lc_membership(member_id, org_id, started_on, via) VALUES(?,?,?,?)", "IItt", memberId,
                 orgId, zOn, zVia);
}

int membership_move(long long memberId, long long oldOrgId, long long newOrgId, const char *zOutside,
                       const char *zOn, const char *zVia, long long transferId) {
  if (db_exists("SELECT 1 FROM lc_membership WHERE member_id=?", "I", memberId) == 0) {
    /* Imported before this module kept history: the old organization since
     * the member's admission as far as the system knows it. */
    if (db_exec("INSERT INTO lc_membership(member_id, org_id, started_on, via)"
                " SELECT id, ?, joined_on, 'roster' FROM member WHERE id=?", "II", oldOrgId, memberId))
      return -1;
  }
  if (db_exec("UPDATE lc_membership SET ended_on=? WHERE member_id=? AND ended_on IS NULL", "tI", zOn, memberId))
    return -1;
  return db_exec("INSERT INTO lc_membership(member_id, org_id, outside, started_on, via, transfer_id)"
                 " VALUES(?,nullif(?,0),?,?,?,nullif(?,0))", "IIttII", memberId, newOrgId, zOutside, zOn, zVia,
                 transferId);
}

/* ---- status changes ------------------------------------------------------------ */

enum { S_STATUS, S_ON, S_REASON, S_NFIELD };
static const char *const azNewStatus[] = {"active", "suspended", "left", "deceased", "expelled", 0};
static const Field aStatusField[S_NFIELD] = {
  [S_STATUS] = {"status", "党籍状态", FT_ENUM, F_REQUIRED, 0, azNewStatus},
  [S_ON] = {"on", "日期", FT_DATE, F_REQUIRED, 0, 0},
  [S_REASON] = {"reason", "原因", FT_TEXT, F_REQUIRED, 200, 0},
};

/* 1 if a member may go from status zFrom to zTo: an active member may be
 * suspended, leave, die or be expelled; a suspended one restored (active)
 * or leave, die, be expelled; left, deceased and expelled are final. */
static int status_may(const char *zFrom, const char *zTo) {
  if (strcmp(zFrom, zTo) == 0) return 0;
  if (strcmp(zFrom, "active") == 0) return strcmp(zTo, "active") != 0;
  if (strcmp(zFrom, "suspended") == 0) return 1;
  return 0;
}

/* The required fields of a declared body, checked. 0 or -1 (answered). */
/* POST /api/v1/members/{id}/status */
static void status_change(Req *r) {
  const char *zTo = r->rec.az[S_STATUS], *zOn = r->rec.az[S_ON], *zWhy = r->rec.az[S_REASON];
  char zToday[11];
  util_today(zToday);
  DbStmt *s = db_stmt("SELECT status, joined_on, org_id FROM member WHERE id=?", "I", r->memberId);
  if (!s || db_step(s) != 1) {
    api_internal(r);
    return;
  }
  char zFrom[16], zJoined[11];
  snprintf(zFrom, sizeof zFrom, "%s", db_col_text(s, 0));
  snprintf(zJoined, sizeof zJoined, "%s", db_col_text(s, 1));
  long long orgId = db_col_int(s, 2);
  db_step(s);
  if (strcmp(zOn, zToday) > 0) {
    api_error(r, 400, "invalid", "on", "日期 %s 在今天之后", zOn);
    return;
  }
  if (strcmp(zOn, zJoined) < 0) {
    api_error(r, 400, "invalid", "on", "日期 %s 早于入党日期 %s", zOn, zJoined);
    return;
  }
  if (!status_may(zFrom, zTo)) {
    api_error(r, 409, "conflict", "status", "党籍状态不能从 %s 改为 %s", zFrom, zTo);
    return;
  }
  if (strcmp(zTo, "active") == 0 && strcmp(zFrom, "suspended") != 0) {
    api_error(r, 409, "conflict", "status", "只有停止党籍的党员可以恢复党籍");
    return;
  }
  char *zLast = db_text("SELECT max(on_date) FROM st_change WHERE member_id=?", "I", r->memberId);
  if (zLast && strcmp(zOn, zLast) < 0) {
    api_error(r, 400, "invalid", "on", "日期 %s 早于上一次党籍变动（%s）", zOn, zLast);
    free(zLast);
    return;
  }
  free(zLast);
  if (db_exists("SELECT 1 FROM tr_transfer WHERE member_id=? AND state='issued'", "I", r->memberId) == 1) {
    api_error(r, 409, "conflict", "status", "该党员有未办结的组织关系转接，请先办结");
    return;
  }
  char zAt[32], zKey[32];
  util_timestamp(zAt);
  snprintf(zKey, sizeof zKey, "%lld", r->memberId);
  json_t *pBefore = json_pack("{s:s}", "status", zFrom);
  json_t *pAfter = json_pack("{s:s, s:s, s:s}", "status", zTo, "on", zOn, "reason", zWhy);
  int rc = db_begin();
  if (!rc) {
    rc = db_exec("UPDATE member SET status=?, updated_at=? WHERE id=? AND status=?", "ttIt", zTo, zAt, r->memberId,
                 zFrom);
    if (!rc && db_changes() != 1) {
      db_rollback();
      json_decref(pBefore);
      json_decref(pAfter);
      api_error(r, 409, "conflict", "status", "党籍状态已被他人修改，请刷新后重试");
      return;
    }
  }
  rc = rc ||
       db_exec("INSERT INTO st_change(member_id, org_id, from_status, to_status, on_date, reason, changed_by,"
               " changed_at) VALUES(?,?,?,?,?,?,?,?)", "IItttttt", r->memberId, orgId,
               zFrom, zTo, zOn, zWhy, api_actor(r), zAt) ||
       audit_append(api_actor(r), "status", "member", zKey, orgId, pBefore, pAfter);
  if (!rc) events_note(EV_MEMBER, r->memberId);
  rc = rc || db_commit();
  json_decref(pBefore);
  if (rc) {
    json_decref(pAfter);
    db_rollback();
    api_internal(r);
    return;
  }
  json_object_set_new(pAfter, "member_id", json_integer(r->memberId));
  json_object_set_new(pAfter, "from", json_string(zFrom));
  api_json(r, 200, pAfter);
}

/* ---- mobile members -------------------------------------------------------------- */

enum { MB_KIND, MB_ON, MB_LOCATION, MB_CONTACT, MB_NOTE, MB_NFIELD };
static const char *const azMobKind[] = {"outflow", "return", "lost", "found", "remote", 0};
/* Every kind of mobility event (inflow is registered at the host organization), for the UI. */
static const char *const azMobEvent[] = {"outflow", "return", "inflow", "lost", "found", "remote", 0};
static const char *const azMobEventName[] = {"外出流动", "返回", "流入登记", "失去联系", "恢复联系", "远程参加组织生活", 0};
/* How a membership row began (lc_membership.via). */
static const char *const azVia[] = {"roster", "vote", "transfer", "inflow", 0};
static const char *const azViaName[] = {"在册", "支部大会接收", "组织关系转接", "流入", 0};
/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"inflow", "流入党员", 0},
  {"lifecycle", "党员队伍", 0},
};
static const char *const azAuditAction[] = {"status", "mobility", 0};
static const char *const azAuditActionName[] = {"党籍变更", "流动登记", 0};

static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
  {"mobility_kind", azMobEvent, azMobEventName},
  {"membership_via", azVia, azViaName},
};
static const Field aMobField[MB_NFIELD] = {
  [MB_KIND] = {"kind", "登记类别", FT_ENUM, F_REQUIRED, 0, azMobKind},
  [MB_ON] = {"on", "日期", FT_DATE, F_REQUIRED, 0, 0},
  [MB_LOCATION] = {"location", "流入地", FT_TEXT, 0, 100, 0},
  [MB_CONTACT] = {"contact", "联系方式", FT_TEXT, 0, 100, 0},
  [MB_NOTE] = {"note", "说明", FT_TEXT, 0, 200, 0},
};

/* The member's mobile state from its events: 0 at home, 1 away, 2 away and
 * out of contact. */
static int mobile_state(long long memberId) {
  int st = (int)db_int(0, "SELECT mobile FROM member WHERE id=?", "I", memberId) ? 1 : 0;
  DbStmt *s = db_stmt("SELECT kind FROM mob_event WHERE member_id=? AND kind IN ('outflow','return','lost','found')"
                      " ORDER BY on_date DESC, id DESC LIMIT 1", "I", memberId);
  if (s && db_step(s) == 1) {
    const char *k = db_col_text(s, 0);
    if (strcmp(k, "lost") == 0) st = 2;
    db_step(s);
  }
  return st;
}

/* POST /api/v1/members/{id}/mobility: outflow (away from the home branch,
 * with location and contact), return, lost (失联), found, remote (took part
 * in organizational life remotely). Outflow and return change the member's
 * mobile and mobile_location through member_save (audited). */
static void mobility_record(Req *r) {
  const char *zKind = r->rec.az[MB_KIND], *zOn = r->rec.az[MB_ON];
  char zToday[11];
  util_today(zToday);
  if (strcmp(zOn, zToday) > 0) {
    api_error(r, 400, "invalid", "on", "日期 %s 在今天之后", zOn);
    return;
  }
  if (db_exists("SELECT 1 FROM member WHERE id=? AND status='active'", "I", r->memberId) != 1) {
    api_error(r, 409, "conflict", "kind", "该党员不在册（党籍状态不是正常），不能登记流动情况");
    return;
  }
  char *zJoined = db_text("SELECT joined_on FROM member WHERE id=?", "I", r->memberId);
  int bEarly = zJoined && strcmp(zOn, zJoined) < 0;
  if (bEarly) api_error(r, 400, "invalid", "on", "日期 %s 早于入党日期 %s", zOn, zJoined);
  free(zJoined);
  if (bEarly) return;
  char *zLast = db_text("SELECT max(on_date) FROM mob_event WHERE member_id=? AND kind<>'remote'", "I", r->memberId);
  int bOrder = zLast && strcmp(zKind, "remote") != 0 && strcmp(zOn, zLast) < 0;
  free(zLast);
  if (bOrder) {
    api_error(r, 400, "invalid", "on", "日期早于上一次流动登记");
    return;
  }
  int st = mobile_state(r->memberId);
  const char *zWhy = 0;
  if (strcmp(zKind, "outflow") == 0) {
    if (st) zWhy = "该党员已登记为流动党员";
    else if (!r->rec.az[MB_LOCATION]) {
      api_error(r, 400, "required", "location", "外出流动须登记流入地");
      return;
    }
  } else if (strcmp(zKind, "return") == 0 || strcmp(zKind, "lost") == 0 || strcmp(zKind, "remote") == 0) {
    if (!st) zWhy = "该党员不是流动党员";
    else if (st == 2 && strcmp(zKind, "lost") == 0) zWhy = "该党员已登记为失联";
  } else if (strcmp(zKind, "found") == 0) {
    if (st != 2) zWhy = "该党员没有登记为失联";
  }
  if (zWhy) {
    api_error(r, 409, "conflict", "kind", "%s", zWhy);
    return;
  }
  Rec m, old;
  rec_init(&m, member_aField, M_NFIELD);
  rec_init(&old, member_aField, M_NFIELD);
  member_load(r->memberId, &m);
  member_load(r->memberId, &old);
  long long orgId = db_int(0, "SELECT org_id FROM member WHERE id=?", "I", r->memberId);
  int bChange = strcmp(zKind, "outflow") == 0 || strcmp(zKind, "return") == 0;
  if (strcmp(zKind, "outflow") == 0) {
    rec_set(&m, M_MOBILE, xstrdup("1"));
    rec_set(&m, M_MOBLOC, xstrdup(r->rec.az[MB_LOCATION]));
  } else if (strcmp(zKind, "return") == 0) {
    rec_set(&m, M_MOBILE, xstrdup("0"));
    rec_set(&m, M_MOBLOC, 0);
  }
  char zAt[32], zKey[32];
  util_timestamp(zAt);
  snprintf(zKey, sizeof zKey, "%lld", r->memberId);
  FieldErr fe;
  long long id;
  json_t *pAfter = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "kind", zKind, "on", zOn, "location",
                             r->rec.az[MB_LOCATION], "contact", r->rec.az[MB_CONTACT], "note", r->rec.az[MB_NOTE]);
  int rc = db_begin() ||
           db_exec("INSERT INTO mob_event(member_id, org_id, kind, on_date, location, contact, note, recorded_by,"
                   " recorded_at) VALUES(?,?,?,?,?,?,?,?,?)", "IIttttttt", r->memberId, orgId, zKind, zOn,
                   r->rec.az[MB_LOCATION], r->rec.az[MB_CONTACT], r->rec.az[MB_NOTE], api_actor(r), zAt);
  long long evId = rc ? 0 : db_last_rowid();
  rc = rc || audit_append(api_actor(r), "mobility", "member", zKey, orgId, 0, pAfter);
  rc = rc || (bChange && member_save(&m, &old, r->memberId, orgId, api_actor(r), &fe, &id));
  rc = rc || db_commit();
  rec_free(&m);
  rec_free(&old);
  if (rc) {
    json_decref(pAfter);
    db_rollback();
    api_internal(r);
    return;
  }
  json_object_set_new(pAfter, "id", json_integer(evId));
  json_object_set_new(pAfter, "member_id", json_integer(r->memberId));
  api_json(r, 201, pAfter);
}

enum { IF_NAME, IF_HOME, IF_ON, IF_LOCATION, IF_CONTACT, IF_MEMBER, IF_NOTE, IF_NFIELD };
static const Field aInflowField[IF_NFIELD] = {
  [IF_NAME] = {"name", "姓名", FT_TEXT, F_REQUIRED, 50, 0},
  [IF_HOME] = {"home_org", "组织关系所在党组织", FT_TEXT, F_REQUIRED, 100, 0},
  [IF_ON] = {"on", "流入日期", FT_DATE, F_REQUIRED, 0, 0},
  [IF_LOCATION] = {"location", "现居住地", FT_TEXT, 0, 100, 0},
  [IF_CONTACT] = {"contact", "联系方式", FT_TEXT, 0, 100, 0},
  /* The inflowing member's own record, kept by their home organization,
   * which is elsewhere by the nature of an inflow: so not F_MEMBERREF. The
   * answer says only whether that id exists, never whose it is. */
  [IF_MEMBER] = {"member_id", "党员编号（本系统内）", FT_ID, 0, 0, 0, 0, 0, 0, 0, 0},
  [IF_NOTE] = {"note", "说明", FT_TEXT, 0, 200, 0},
};

/* POST /api/v1/orgs/{code}/inflow: a mobile member from elsewhere registers
 * with a host organization here (流入登记). */
static void inflow_record(Req *r) {
  char zToday[11];
  util_today(zToday);
  if (strcmp(r->rec.az[IF_ON], zToday) > 0) {
    api_error(r, 400, "invalid", "on", "日期在今天之后");
    return;
  }
  long long memberId = 0;
  if (r->rec.az[IF_MEMBER]) {
    memberId = rec_int(&r->rec, IF_MEMBER, 0);
    if (db_exists("SELECT 1 FROM member WHERE id=?", "I", memberId) != 1) {
      api_error(r, 404, "not_found", "member_id", "没有这个党员：%s", r->rec.az[IF_MEMBER]);
      return;
    }
  }
  char zAt[32];
  util_timestamp(zAt);
  json_t *pAfter = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?}", "name", r->rec.az[IF_NAME], "home_org",
                             r->rec.az[IF_HOME], "on", r->rec.az[IF_ON], "location", r->rec.az[IF_LOCATION],
                             "contact", r->rec.az[IF_CONTACT], "note", r->rec.az[IF_NOTE]);
  int rc = db_begin() ||
           db_exec("INSERT INTO mob_event(member_id, org_id, kind, on_date, location, contact, person_name, home_org,"
                   " note, recorded_by, recorded_at) VALUES(nullif(?,0),?,'inflow',?,?,?,?,?,?,?,?)",
                   "IIttttttt" "t", memberId, r->scope.id, r->rec.az[IF_ON], r->rec.az[IF_LOCATION],
                   r->rec.az[IF_CONTACT], r->rec.az[IF_NAME], r->rec.az[IF_HOME], r->rec.az[IF_NOTE], api_actor(r),
                   zAt);
  long long id = rc ? 0 : db_last_rowid();
  if (api_audit_commit(r, rc, "create", "inflow", id, r->scope.id, pAfter)) return;
  json_object_set_new(pAfter, "id", json_integer(id));
  api_json(r, 201, pAfter);
}

/* GET /api/v1/orgs/{code}/mobile: the subtree's mobile members (outflow)
 * with where they are, how to reach them, lost contact since when, last
 * remote participation; and the inflow registered with its organizations. */
static void mobile_list(Req *r) {
  char zHi[256];
  scope_range(r->scope.zPath, zHi);
  int bLost = api_query_bool(r, "lost");
  json_t *aOut = json_array();
  DbStmt *s = db_stmt(
      "SELECT m.id, m.name, o.code, m.mobile_location,"
      " (SELECT contact FROM mob_event e WHERE e.member_id=m.id AND e.kind='outflow' ORDER BY on_date DESC, id DESC LIMIT 1),"
      " (SELECT on_date FROM mob_event e WHERE e.member_id=m.id AND e.kind='outflow' ORDER BY on_date DESC, id DESC LIMIT 1),"
      " (SELECT CASE kind WHEN 'lost' THEN on_date END FROM mob_event e WHERE e.member_id=m.id"
      "   AND e.kind IN ('outflow','return','lost','found') ORDER BY on_date DESC, id DESC LIMIT 1),"
      " (SELECT max(on_date) FROM mob_event e WHERE e.member_id=m.id AND e.kind='remote')"
      " FROM member m JOIN org o ON o.id=m.org_id WHERE o.path>=? AND o.path<? AND m.mobile=1 AND m.status='active'"
      " ORDER BY o.path, m.id LIMIT 5000", "tt", r->scope.zPath, zHi);
  while (s && db_step(s) == 1) {
    if (bLost && db_col_isnull(s, 6)) continue;
    json_array_append_new(aOut, json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "member_id",
                                          (json_int_t)db_col_int(s, 0), "name", db_col_text(s, 1), "org_code",
                                          db_col_text(s, 2), "location", cn(s, 3), "contact",
                                          cn(s, 4), "out_since", cn(s, 5), "lost_since",
                                          cn(s, 6), "last_remote", cn(s, 7)));
  }
  json_t *aIn = json_array();
  s = db_stmt("SELECT e.id, e.person_name, e.home_org, o.code, e.on_date, e.location, e.contact, e.member_id"
              " FROM mob_event e JOIN org o ON o.id=e.org_id WHERE e.kind='inflow' AND o.path>=? AND o.path<?"
              " ORDER BY e.on_date DESC, e.id DESC LIMIT 5000", "tt", r->scope.zPath, zHi);
  while (!bLost && s && db_step(s) == 1)
    json_array_append_new(aIn, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o}", "id",
                                         (json_int_t)db_col_int(s, 0), "name", db_col_text(s, 1), "home_org",
                                         db_col_text(s, 2), "org_code", db_col_text(s, 3), "on", db_col_text(s, 4),
                                         "location", cn(s, 5), "contact", cn(s, 6),
                                         "member_id", db_col_isnull(s, 7) ? json_null()
                                                                          : json_integer(db_col_int(s, 7))));
  api_json(r, 200, json_pack("{s:o, s:o}", "outflow", aOut, "inflow", aIn));
}

/* ---- a member's history ---------------------------------------------------------- */

/* GET /api/v1/members/{id}/history: every change of one member in date
 * order: status changes, organizations (membership history and transfers),
 * mobility, development steps, dues payments, the posts left behind in a
 * branch the member left (committee and party groups: `left_posts`), and
 * the audit log's entries for the member (who changed what, when, with the
 * values before and after). */
static void history_get(Req *r) {
  long long id = r->memberId;
  json_t *aOut = json_array();
  char zHKey[32];
  snprintf(zHKey, sizeof zHKey, "%lld", id);
  DbStmt *s = db_stmt(
      "SELECT on_date, 'status', from_status || ' -> ' || to_status, reason, changed_by, changed_at FROM st_change"
      "  WHERE member_id=?1"
      " UNION ALL SELECT h.started_on, 'membership', coalesce(o.code || ' ' || o.name, h.outside), h.via, NULL, NULL"
      "  FROM lc_membership h LEFT JOIN org o ON o.id=h.org_id WHERE h.member_id=?1"
      " UNION ALL SELECT t.issued_on, 'transfer_issued', coalesce(o.code || ' ' || o.name, t.to_outside),"
      "  t.letter_no, t.issued_by, NULL FROM tr_transfer t LEFT JOIN org o ON o.id=t.to_org_id WHERE t.member_id=?1"
      " UNION ALL SELECT t.closed_on, 'transfer_' || t.state, coalesce(o.code || ' ' || o.name, t.to_outside),"
      "  t.close_reason, t.closed_by, NULL FROM tr_transfer t LEFT JOIN org o ON o.id=t.to_org_id"
      "  WHERE t.member_id=?1 AND t.state<>'issued'"
      " UNION ALL SELECT on_date, 'mobile_' || kind, location, note, recorded_by, recorded_at FROM mob_event"
      "  WHERE member_id=?1"
      " UNION ALL SELECT st.done_on, 'development_' || st.kind, st.by_whom, st.note, st.recorded_by, st.recorded_at"
      "  FROM dev_step st JOIN dev_person p ON p.id=st.person_id WHERE p.member_id=?1"
      " UNION ALL SELECT paid_on, 'dues_payment', period_from || '..' || period_to, printf('%.2f', amount/100.0),"
      "  recorded_by, recorded_at FROM dues_payment WHERE member_id=?1"
      " UNION ALL SELECT json_extract(after, '$.on'), 'left_posts', json_extract(before, '$.org_code'),"
      "  trim(coalesce(json_extract(before, '$.post'), '') || ' ' || coalesce((SELECT group_concat(value, '、') FROM"
      "  json_each(before, '$.party_groups')), '')), actor, at FROM audit WHERE entity='member' AND entity_key=?2"
      "  AND action='leave_posts'"
      " ORDER BY 1, 6 LIMIT 2000", "It", id, zHKey);
  while (s && db_step(s) == 1)
    json_array_append_new(aOut, json_pack("{s:s?, s:s, s:s?, s:s?, s:s?, s:s?}", "on", cn(s, 0), "kind",
                                          db_col_text(s, 1), "what", cn(s, 2), "detail", cn(s, 3), "by", cn(s, 4),
                                          "at", cn(s, 5)));
  json_t *aAudit = json_array();
  char zKey[32];
  snprintf(zKey, sizeof zKey, "%lld", id);
  s = db_stmt("SELECT id, at, actor, action, before, after FROM audit WHERE entity='member' AND entity_key=?"
              " ORDER BY id LIMIT 2000", "t", zKey);
  while (s && db_step(s) == 1) {
    json_t *pB = db_col_isnull(s, 4) ? json_null() : json_loads(db_col_text(s, 4), 0, 0);
    json_t *pA = db_col_isnull(s, 5) ? json_null() : json_loads(db_col_text(s, 5), 0, 0);
    /* Personal data stays masked in a history view. */
    json_t *apJ[2] = {pB, pA};
    for (int k = 0; k < 2; k++) {
      if (!json_is_object(apJ[k])) continue;
      json_t *v = json_object_get(apJ[k], "id_number");
      if (json_is_string(v)) {
        char *zM = text_mask_id(json_string_value(v));
        json_object_set_new(apJ[k], "id_number", json_string(zM));
        free(zM);
      }
      v = json_object_get(apJ[k], "phone");
      if (json_is_string(v)) {
        char *zM = text_mask_phone(json_string_value(v));
        json_object_set_new(apJ[k], "phone", json_string(zM));
        free(zM);
      }
    }
    json_array_append_new(aAudit, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)db_col_int(s, 0),
                                            "at", db_col_text(s, 1), "actor", db_col_text(s, 2), "action",
                                            db_col_text(s, 3), "before", pB ? pB : json_null(), "after",
                                            pA ? pA : json_null()));
  }
  char *zStatus = db_text("SELECT status FROM member WHERE id=?", "I", id);
  api_json(r, 200, json_pack("{s:I, s:s, s:o, s:o}", "member_id", (json_int_t)id, "status", zStatus ? zStatus : "",
                             "events", aOut, "audit", aAudit));
  free(zStatus);
}

/* GET /api/v1/orgs/{code}/lifecycle/monthly?months=N: the changes of the
 * subtree's membership month by month, for the N months ending with the
 * current one (default 12): admitted (入党日期 in the month, members now in
 * the subtree, any status, as the annual tables count), converted (转正日期),
 * transfers accepted into the subtree from outside it and out of it
 * (moves inside the subtree are not counted), and members who left the
 * roster (left, deceased, expelled: status changes dated in the month). */
static void *monthly_compute(const MemoArgs *pA) {
  char zHi[256], zToday[11], zFrom[11], zTo[11], zM[8];
  scope_range(pA->zPath, zHi);
  util_today(zToday);
  int n = atoi(pA->zParam);
  int last = text_month(zToday), first = last - n + 1;
  text_month_str(first, zM);
  snprintf(zFrom, sizeof zFrom, "%s-01", zM);
  text_month_str(last, zM);
  snprintf(zTo, sizeof zTo, "%s-31", zM);
  enum { ADM, CONV, TIN, TOUT, LEFT, NKIND };
  static const char *const azKey[NKIND] = {"admitted", "converted", "transferred_in", "transferred_out", "left"};
  static const char *const azSql[NKIND] = {
    "SELECT substr(m.joined_on,1,7), count(*) FROM member m JOIN org o ON o.id=m.org_id WHERE o.path>=?1"
    " AND o.path<?2 AND m.joined_on>=?3 AND m.joined_on<=?4 GROUP BY 1",
    "SELECT substr(m.full_on,1,7), count(*) FROM member m JOIN org o ON o.id=m.org_id WHERE o.path>=?1"
    " AND o.path<?2 AND m.full_on>=?3 AND m.full_on<=?4 GROUP BY 1",
    "SELECT substr(t.closed_on,1,7), count(*) FROM tr_transfer t JOIN org o ON o.id=t.to_org_id"
    " JOIN org f ON f.id=t.from_org_id WHERE t.state='accepted' AND o.path>=?1 AND o.path<?2"
    " AND NOT (f.path>=?1 AND f.path<?2) AND t.closed_on>=?3 AND t.closed_on<=?4 GROUP BY 1",
    "SELECT substr(t.closed_on,1,7), count(*) FROM tr_transfer t JOIN org f ON f.id=t.from_org_id"
    " LEFT JOIN org o ON o.id=t.to_org_id WHERE t.state='accepted' AND f.path>=?1 AND f.path<?2"
    " AND (o.id IS NULL OR NOT (o.path>=?1 AND o.path<?2)) AND t.closed_on>=?3 AND t.closed_on<=?4 GROUP BY 1",
    "SELECT substr(c.on_date,1,7), count(*) FROM st_change c JOIN org o ON o.id=c.org_id WHERE o.path>=?1"
    " AND o.path<?2 AND c.to_status IN ('left','deceased','expelled') AND c.on_date>=?3 AND c.on_date<=?4"
    " GROUP BY 1",
  };
  json_t *aMonth = json_array();
  for (int m = first; m <= last; m++) {
    text_month_str(m, zM);
    json_t *o = json_pack("{s:s}", "month", zM);
    for (int k = 0; k < NKIND; k++) json_object_set_new(o, azKey[k], json_integer(0));
    json_array_append_new(aMonth, o);
  }
  for (int k = 0; k < NKIND; k++) {
    DbStmt *s = db_stmt(azSql[k], "tttt", pA->zPath, zHi, zFrom, zTo);
    while (s && db_step(s) == 1) {
      int i = text_month(db_col_text(s, 0)) - first;
      if (i >= 0 && i < n) json_object_set_new(json_array_get(aMonth, (size_t)i), azKey[k], json_integer(db_col_int(s, 1)));
    }
  }
  text_month_str(first, zM);
  char zFirst[8];
  snprintf(zFirst, sizeof zFirst, "%s", zM);
  text_month_str(last, zM);
  return json_pack("{s:s, s:s, s:s, s:s, s:o}", "org_code", pA->zCode, "today", zToday, "from", zFirst, "to", zM,
                   "months", aMonth);
}
static const MemoKind monthlyKind = {"lifecycle-monthly", monthly_compute, memo_json_free};

/* The same route: kept for a large subtree (memo.h). */
static void monthly_get(Req *r) { memo_answer(r, &monthlyKind, "%lld", api_query_int(r, "months", 12)); }

/* The server's start: the root's last twelve months, computed behind. */
static int status_start(void) {
  memo_warm_root(&monthlyKind, "12");
  return 0;
}

static const QParam aMonthlyQuery[] = {
  {"months", Q_INT, 1, 36, 0},
  {0, 0, 0, 0, 0},
};

static const QParam aMobileQuery[] = {
  {"lost", Q_BOOL, 0, 0, 0},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"POST", "/api/v1/members/{id}/status", status_change, R_WRITE | R_MEMBER | R_JSONBODY, 0,
   "change a member's Party standing (suspend, restore, leave, decease, expel) with date and reason", aStatusField,
   S_NFIELD, 0},
  {"GET", "/api/v1/members/{id}/history", history_get, R_SELF | R_MEMBER, 0,
   "a member's full history: status, organizations, transfers, mobility, development, dues, audit entries", 0, 0,
   0},
  {"POST", "/api/v1/members/{id}/mobility", mobility_record, R_WRITE | R_MEMBER | R_JSONBODY, 0,
   "record outflow, return, lost contact (失联), found, or remote participation of a member", aMobField,
   MB_NFIELD, 0},
  {"POST", "/api/v1/orgs/{code}/inflow", inflow_record, R_WRITE | R_ORG | R_JSONBODY, 0,
   "register a mobile member flowing in to this organization (流入登记)", aInflowField, IF_NFIELD, 0},
  {"GET", "/api/v1/orgs/{code}/lifecycle/monthly", monthly_get, R_STAFF | R_ORG, aMonthlyQuery,
   "month by month: members admitted, converted, transferred in and out of the subtree, and who left", 0, 0, 0},
  {"GET", "/api/v1/orgs/{code}/mobile", mobile_list, R_STAFF | R_ORG, aMobileQuery,
   "mobile members of the subtree (where, contact, lost since, last remote participation) and inflow", 0, 0, 0},
};

const Module member_status_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "member_status",
  .aEnum = MODULE_ARRAY(aEnum),
  .aRoute = MODULE_ARRAY(aRouteTable),
  .azMigration = MODULE_ARRAY(azMigration),
  .xDemo = member_demo,
  .xStart = status_start,
  .zOpenapi = "member_status",
};
