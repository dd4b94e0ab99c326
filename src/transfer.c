/* transfer.c: transfers of membership (组织关系转接). The sending
 * organization issues a transfer to another organization in the system or
 * to one outside it (with the letter's number); the receiving one accepts
 * it or returns it with a reason (for a transfer outside the system the
 * sender records the receipt or the return). A member belongs to exactly
 * one organization at every moment: member.org_id changes only when a
 * transfer is accepted, in the same transaction that closes the transfer
 * with one UPDATE ... WHERE state='issued', so of two racing accepts, or an
 * accept racing a return, exactly one wins and the other gets 409.
 *
 * Who sees what: a transfer concerns two subtrees, the sender's and the
 * receiver's. The list and the single view show it to users of either; the
 * accept and return routes name the receiving organization through xOrgOf
 * (R_OBJECT), so only the receiver's users reach them; anyone else gets
 * 404, as if the transfer did not exist. */
#include "audit.h"
#include "module.h"
#include "db.h"
#include "events.h"
#include "meeting.h"
#include "member_status.h"
#include "member.h"
#include "org.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Its tables. They were the member-lifecycle module's: this first migration
 * creates them where they are missing (a new database) and leaves them be
 * where they are (an older one). */
static const char *const azMigration[] = {
  /* Transfers: at most one open (issued) transfer per member. */
  "CREATE TABLE IF NOT EXISTS tr_transfer(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  member_id INTEGER NOT NULL,\n"
  "  member_name TEXT NOT NULL,\n"
  "  from_org_id INTEGER NOT NULL,\n"
  "  to_org_id INTEGER,\n"
  "  to_outside TEXT,\n"
  "  letter_no TEXT,\n"
  "  issued_on TEXT NOT NULL,\n"
  "  reason TEXT,\n"
  "  state TEXT NOT NULL CHECK(state IN ('issued','accepted','returned')),\n"
  "  closed_on TEXT, close_reason TEXT,\n"
  "  issued_by TEXT NOT NULL, closed_by TEXT\n"
  ");\n"
  "CREATE UNIQUE INDEX IF NOT EXISTS tr_one_open ON tr_transfer(member_id) WHERE state='issued';\n"
  "CREATE INDEX IF NOT EXISTS tr_from ON tr_transfer(from_org_id, state);\n"
  "CREATE INDEX IF NOT EXISTS tr_to ON tr_transfer(to_org_id, state);\n",
};

static const char *cn(DbStmt *s, int i) { return db_col_isnull(s, i) ? 0 : db_col_text(s, i); }

/* 1 if organization orgId lies in the signed-in user's subtree. */
static int org_visible(const User *pU, long long orgId) {
  char *zPath = db_text("SELECT path FROM org WHERE id=?", "I", orgId);
  int ok = zPath && scope_within(pU->zOrgPath, zPath);
  free(zPath);
  return ok;
}

static json_t *transfer_json(long long id) {
  char zToday[11];
  util_today(zToday);
  DbStmt *s = db_stmt("SELECT t.id, t.member_id, t.member_name, f.code, f.name, o.code, o.name, t.to_outside,"
                      " t.letter_no, t.issued_on, t.reason, t.state, t.closed_on, t.close_reason, t.issued_by,"
                      " t.closed_by FROM tr_transfer t JOIN org f ON f.id=t.from_org_id"
                      " LEFT JOIN org o ON o.id=t.to_org_id WHERE t.id=?", "I", id);
  if (!s || db_step(s) != 1) return 0;
  const char *zEnd = db_col_isnull(s, 12) ? zToday : db_col_text(s, 12);
  long age = text_date_days(zEnd) - text_date_days(db_col_text(s, 9));
  json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s, s:s?, s:s?, s:s, s:s?,"
                        " s:I}",
                        "id", (json_int_t)db_col_int(s, 0), "member_id", (json_int_t)db_col_int(s, 1), "member_name",
                        db_col_text(s, 2), "from_org_code", db_col_text(s, 3), "from_org_name", db_col_text(s, 4),
                        "to_org_code", cn(s, 5), "to_org_name", cn(s, 6), "to_outside", cn(s, 7), "letter_no",
                        cn(s, 8), "issued_on", db_col_text(s, 9), "reason", cn(s, 10), "state", db_col_text(s, 11),
                        "closed_on", cn(s, 12), "close_reason", cn(s, 13), "issued_by", db_col_text(s, 14),
                        "closed_by", cn(s, 15), "age_days", (json_int_t)age);
  db_step(s);
  return o;
}

enum { TR_TO, TR_OUTSIDE, TR_LETTER, TR_ON, TR_REASON, TR_NFIELD };
static const Field aIssueField[TR_NFIELD] = {
  [TR_TO] = {"to_org_code", "转入党组织编码", FT_CODE, 0, 32, 0},
  [TR_OUTSIDE] = {"to_outside", "转入系统外党组织名称", FT_TEXT, 0, 100, 0},
  [TR_LETTER] = {"letter_no", "介绍信编号", FT_TEXT, 0, 50, 0},
  [TR_ON] = {"issued_on", "开具日期", FT_DATE, F_REQUIRED, 0, 0},
  [TR_REASON] = {"reason", "转接原因", FT_TEXT, 0, 200, 0},
};

/* POST /api/v1/members/{id}/transfers: the member's organization issues a
 * transfer letter. */
static void transfer_issue(Req *r) {
  const char **a = (const char **)r->rec.az;
  if (!a[TR_TO] == !a[TR_OUTSIDE]) {
    api_error(r, 400, "invalid", "to_org_code", "须填写转入党组织编码（系统内）或转入党组织名称（系统外）之一");
    return;
  }
  if (a[TR_OUTSIDE] && !a[TR_LETTER]) {
    api_error(r, 400, "required", "letter_no", "转往系统外须填写介绍信编号");
    return;
  }
  char zToday[11];
  util_today(zToday);
  if (strcmp(a[TR_ON], zToday) > 0) {
    api_error(r, 400, "invalid", "issued_on", "开具日期 %s 在今天之后", a[TR_ON]);
    return;
  }
  DbStmt *s = db_stmt("SELECT org_id, status, joined_on, name FROM member WHERE id=?", "I", r->memberId);
  if (!s || db_step(s) != 1) {
    api_internal(r);
    return;
  }
  long long fromOrg = db_col_int(s, 0);
  int bActive = strcmp(db_col_text(s, 1), "active") == 0;
  char zJoined[11], zName[128];
  snprintf(zJoined, sizeof zJoined, "%s", db_col_text(s, 2));
  snprintf(zName, sizeof zName, "%s", db_col_text(s, 3));
  db_step(s);
  if (!bActive) {
    api_error(r, 409, "conflict", 0, "该党员党籍状态不是正常，不能转接组织关系");
    return;
  }
  if (strcmp(a[TR_ON], zJoined) < 0) {
    api_error(r, 400, "invalid", "issued_on", "开具日期早于入党日期 %s", zJoined);
    return;
  }
  long long toOrg = 0;
  if (a[TR_TO]) {
    Scope sc;
    if (scope_lookup(a[TR_TO], &sc)) {
      api_error(r, 404, "not_found", "to_org_code", "没有这个组织：%s", a[TR_TO]);
      return;
    }
    if (!org_is_branch(sc.zKind)) {
      api_error(r, 400, "invalid", "to_org_code", "%s 是%s，组织关系只能转入党支部", a[TR_TO], sc.zKind);
      return;
    }
    if (sc.id == fromOrg) {
      api_error(r, 400, "invalid", "to_org_code", "转入组织与所在组织相同");
      return;
    }
    toOrg = sc.id;
  }
  char zAt[32];
  util_timestamp(zAt);
  if (db_begin()) {
    api_internal(r);
    return;
  }
  if (db_exists("SELECT 1 FROM tr_transfer WHERE member_id=? AND state='issued'", "I", r->memberId) == 1) {
    db_rollback();
    api_error(r, 409, "conflict", 0, "该党员已有一份未办结的组织关系介绍信");
    return;
  }
  int rc = db_exec("INSERT INTO tr_transfer(member_id, member_name, from_org_id, to_org_id, to_outside, letter_no,"
                   " issued_on, reason, state, issued_by) VALUES(?,?,?,nullif(?,0),?,?,?,?,'issued',?)",
                   "ItIIttttt", r->memberId, zName, fromOrg, toOrg, a[TR_OUTSIDE], a[TR_LETTER], a[TR_ON],
                   a[TR_REASON], api_actor(r));
  long long id = rc ? 0 : db_last_rowid();
  json_t *pAfter = rc ? 0 : transfer_json(id);
  if (api_audit_commit(r, rc, "issue", "transfer", id, fromOrg, pAfter)) return;
  api_json(r, 201, pAfter);
}

/* The organization that acts on the receipt of transfer zParam: the
 * receiving one, or for a transfer outside the system the sender (who
 * records the receipt or the return). */
static int receiver_org(const char *zParam, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT coalesce(to_org_id, from_org_id) FROM tr_transfer WHERE id=?", "I", atoll(zParam));
  return *pOrgId ? 0 : -1;
}

/* GET /api/v1/transfers/{id}: for users of the sender's or the receiver's
 * subtree; 404 for everyone else. */
static void transfer_get(Req *r) {
  char *e;
  long long id = strtoll(r->azParam[0], &e, 10);
  DbStmt *s = (*e || id <= 0) ? 0 : db_stmt("SELECT from_org_id, coalesce(to_org_id,0) FROM tr_transfer WHERE id=?", "I", id);
  long long from = 0, to = 0;
  if (s && db_step(s) == 1) {
    from = db_col_int(s, 0);
    to = db_col_int(s, 1);
    db_step(s);
  }
  if (!from || !(org_visible(&r->user, from) || (to && org_visible(&r->user, to)))) {
    api_error(r, 404, "not_found", 0, "没有这个对象：%s", r->azParam[0]);
    return;
  }
  api_json(r, 200, transfer_json(id));
}

enum { AC_ON, AC_REASON, AC_NFIELD };
static const Field aAcceptField[AC_NFIELD] = {
  [AC_ON] = {"on", "日期", FT_DATE, F_REQUIRED, 0, 0},
  [AC_REASON] = {"reason", "原因或回执说明", FT_TEXT, 0, 200, 0},
};
static const Field aReturnField[AC_NFIELD] = {
  [AC_ON] = {"on", "日期", FT_DATE, F_REQUIRED, 0, 0},
  [AC_REASON] = {"reason", "退回原因", FT_TEXT, F_REQUIRED, 200, 0},
};

/* Moves the member of an accepted transfer: into the receiving branch
 * (member_save, audited), or off the roster for a transfer outside the
 * system (the row is removed, its last values kept in the audit entry and
 * the transfer). Inside the caller's transaction. 0 or -1. */
static int move_member(Req *r, long long memberId, long long fromOrg, long long toOrg, const char *zOutside,
                       const char *zOn, long long transferId) {
  Rec m, old;
  rec_init(&m, member_aField, M_NFIELD);
  rec_init(&old, member_aField, M_NFIELD);
  int rc = member_load(memberId, &m) || member_load(memberId, &old);
  char zKey[32];
  snprintf(zKey, sizeof zKey, "%lld", memberId);
  if (!rc && toOrg) {
    char *zCode = db_text("SELECT code FROM org WHERE id=?", "I", toOrg);
    rec_set(&m, M_ORG, zCode);
    FieldErr fe;
    long long id;
    rc = member_save(&m, &old, memberId, toOrg, api_actor(r), &fe, &id) != 0;
    rc = rc || db_exec("UPDATE dev_person SET org_id=? WHERE member_id=?", "II", toOrg, memberId);
  } else if (!rc) {
    json_t *pBefore = member_json(0, &old, 1);
    json_t *pAfter = json_pack("{s:s, s:I}", "transferred_out_to", zOutside, "transfer_id", (json_int_t)transferId);
    rc = group_member_leaves(memberId, fromOrg, zOn, api_actor(r)) || db_exec("DELETE FROM member WHERE id=?", "I", memberId) ||
         db_exec("UPDATE user SET disabled=1, member_id=NULL WHERE member_id=?", "I", memberId) ||
         audit_append(api_actor(r), "transfer_out", "member", zKey, fromOrg, pBefore, pAfter);
    json_decref(pBefore);
    json_decref(pAfter);
    if (!rc) events_note(EV_MEMBER, memberId);
  }
  rc = rc || membership_move(memberId, fromOrg, toOrg, zOutside, zOn, "transfer", transferId);
  rec_free(&m);
  rec_free(&old);
  return rc;
}

/* POST /api/v1/transfers/{id}/accept and /return. */
static void transfer_close(Req *r, int bAccept) {
  const char *zOn = r->rec.az[AC_ON], *zWhy = r->rec.az[AC_REASON];
  char zToday[11];
  util_today(zToday);
  DbStmt *s = db_stmt("SELECT member_id, from_org_id, coalesce(to_org_id,0), to_outside, issued_on, state"
                      " FROM tr_transfer WHERE id=?", "I", r->objectId);
  if (!s || db_step(s) != 1) {
    api_error(r, 404, "not_found", 0, "没有这个对象");
    return;
  }
  long long memberId = db_col_int(s, 0), fromOrg = db_col_int(s, 1), toOrg = db_col_int(s, 2);
  char zIssued[11], zState[16];
  char *zOutside = db_col_dup(s, 3);
  snprintf(zIssued, sizeof zIssued, "%s", db_col_text(s, 4));
  snprintf(zState, sizeof zState, "%s", db_col_text(s, 5));
  db_step(s);
  if (strcmp(zOn, zToday) > 0 || strcmp(zOn, zIssued) < 0) {
    api_error(r, 400, "invalid", "on", "日期 %s 应在开具日期 %s 与今天之间", zOn, zIssued);
    free(zOutside);
    return;
  }
  if (db_begin()) {
    free(zOutside);
    api_internal(r);
    return;
  }
  /* The one statement that decides who wins. */
  int rc = db_exec("UPDATE tr_transfer SET state=?, closed_on=?, close_reason=?, closed_by=? WHERE id=?"
                   " AND state='issued'", "ttttI", bAccept ? "accepted" : "returned", zOn, zWhy, api_actor(r),
                   r->objectId);
  if (!rc && db_changes() != 1) {
    db_rollback();
    free(zOutside);
    char *zNow = db_text("SELECT state FROM tr_transfer WHERE id=?", "I", r->objectId);
    api_error(r, 409, "conflict", 0, "这份组织关系介绍信已办结（%s），不能再%s", zNow ? zNow : zState,
              bAccept ? "接收" : "退回");
    free(zNow);
    return;
  }
  if (!rc && bAccept) rc = move_member(r, memberId, fromOrg, toOrg, zOutside, zOn, r->objectId);
  json_t *pAfter = rc ? 0 : transfer_json(r->objectId);
  char zKey[32];
  snprintf(zKey, sizeof zKey, "%lld", r->objectId);
  rc = rc ||
       audit_append(api_actor(r), bAccept ? "accept" : "return", "transfer", zKey, toOrg ? toOrg : fromOrg, 0,
                    pAfter) ||
       db_commit();
  free(zOutside);
  if (rc) {
    json_decref(pAfter);
    db_rollback();
    api_internal(r);
    return;
  }
  api_json(r, 200, pAfter);
}
static void transfer_accept(Req *r) { transfer_close(r, 1); }
static void transfer_return(Req *r) { transfer_close(r, 0); }

/* The transfers of a subtree: sent from it (out), addressed to it (in),
 * sent from it to an organization beyond it, in the system or not
 * (leaving), or all of these, in a state (closed: accepted or returned);
 * oldest first (by the day issued), or newest first (by the day closed, else
 * issued). With pBy, the counts of every matching transfer by organization
 * one level down of scope pS (its receiver's when that lies in the subtree,
 * else its sender's: {org_code, org_name, count, over_30}), and *pnOld, how
 * many of them have waited more than 30 days, still pending. */
static const char *const zTrWhere =
    " FROM tr_transfer t JOIN org f ON f.id=t.from_org_id LEFT JOIN org o ON o.id=t.to_org_id"
    " WHERE ((?1 AND f.path>=?3 AND f.path<?4 AND (NOT ?6 OR o.path IS NULL OR o.path<?3 OR o.path>=?4))"
    " OR (?2 AND o.path>=?3 AND o.path<?4))"
    " AND (?5='all' OR t.state=?5 OR (?5='closed' AND t.state<>'issued'))";

static json_t *transfer_page(const char *zPath, const char *zDir, const char *zState, int bNewest, long long limit,
                             long long offset, long long *pnTotal) {
  char zHi[256];
  scope_range(zPath, zHi);
  int bLeave = strcmp(zDir, "leaving") == 0;
  int bOut = strcmp(zDir, "in") != 0, bIn = strcmp(zDir, "out") != 0 && !bLeave;
  char *zCount = xprintf("SELECT count(*)%s", zTrWhere);
  char *zSel = xprintf("SELECT t.id%s ORDER BY %s LIMIT ?7 OFFSET ?8", zTrWhere,
                       bNewest ? "coalesce(t.closed_on, t.issued_on) DESC, t.id DESC" : "t.issued_on, t.id");
  *pnTotal = db_int(0, zCount, "iitttI", bOut, bIn, zPath, zHi, zState, (long long)bLeave);
  DbStmt *s = db_stmt(zSel, "iitttIII", bOut, bIn, zPath, zHi, zState, (long long)bLeave, limit, offset);
  json_t *aId = json_array(), *aOut = json_array();
  while (s && db_step(s) == 1) json_array_append_new(aId, json_integer(db_col_int(s, 0)));
  size_t i;
  json_t *v;
  json_array_foreach(aId, i, v) {
    json_t *o = transfer_json(json_integer_value(v));
    if (o) json_array_append_new(aOut, o);
  }
  json_decref(aId);
  free(zCount);
  free(zSel);
  return aOut;
}

/* The same, oldest first (the pending report). */
static json_t *transfer_rows(const char *zPath, const char *zDir, const char *zState, long long limit,
                             long long offset, long long *pnTotal) {
  return transfer_page(zPath, zDir, zState, 0, limit, offset, pnTotal);
}

static json_t *transfer_by_org(const Scope *pS, const char *zDir, const char *zState, long long *pnOld) {
  char zHi[256], zToday[11];
  scope_range(pS->zPath, zHi);
  util_today(zToday);
  long today = text_date_days(zToday);
  int bLeave = strcmp(zDir, "leaving") == 0;
  int bOut = strcmp(zDir, "in") != 0, bIn = strcmp(zDir, "out") != 0 && !bLeave;
  OrgKids kids;
  org_kids_load(pS->id, &kids);
  long long (*a)[2] = xcalloc((size_t)kids.n + 1, sizeof *a);
  char *zSel = xprintf("SELECT f.path, o.path, t.issued_on, t.state%s", zTrWhere);
  DbStmt *s = db_stmt(zSel, "iitttI", bOut, bIn, pS->zPath, zHi, zState, (long long)bLeave);
  *pnOld = 0;
  while (s && db_step(s) == 1) {
    const char *zTo = db_col_isnull(s, 1) ? 0 : db_col_text(s, 1);
    int bToHere = zTo && strcmp(zTo, pS->zPath) >= 0 && strcmp(zTo, zHi) < 0;
    int k = org_kid_of(&kids, bToHere ? zTo : db_col_text(s, 0));
    int bOld = strcmp(db_col_text(s, 3), "issued") == 0 && today - text_date_days(db_col_text(s, 2)) > 30;
    *pnOld += bOld;
    if (k < 0) continue;
    a[k][0]++;
    a[k][1] += bOld;
  }
  json_t *aBy = json_array();
  for (int k = 0; k < kids.n; k++)
    if (a[k][0])
      json_array_append_new(aBy, json_pack("{s:s, s:s, s:I, s:I}", "org_code", kids.azCode[k], "org_name",
                                           kids.azName[k], "count", (json_int_t)a[k][0], "over_30",
                                           (json_int_t)a[k][1]));
  free(a);
  free(zSel);
  org_kids_free(&kids);
  return aBy;
}

/* GET /orgs/{code}/transfers: a page of the transfers (pending ones by
 * default), the total, and the summary: by organization one level down,
 * and how many have waited more than 30 days. */
static void transfer_list(Req *r) {
  const char *zDir = api_query(r, "direction"), *zState = api_query(r, "state"), *zOrder = api_query(r, "order");
  zDir = zDir ? zDir : "all";
  zState = zState ? zState : "issued";
  long long n, nOld, limit = api_query_int(r, "limit", 50), offset = api_query_int(r, "offset", 0);
  json_t *a = transfer_page(r->scope.zPath, zDir, zState, zOrder && strcmp(zOrder, "newest") == 0, limit, offset, &n);
  json_t *aBy = transfer_by_org(&r->scope, zDir, zState, &nOld);
  api_json(r, 200, json_pack("{s:o, s:I, s:I, s:I, s:I, s:o}", "items", a, "total", (json_int_t)n, "limit",
                             (json_int_t)limit, "offset", (json_int_t)offset, "over_30", (json_int_t)nOld, "by_org",
                             aBy));
}

/* GET /api/v1/members/{id}/organizations: the member's organizations over time. */
static void membership_get(Req *r) {
  json_t *a = json_array();
  DbStmt *s = db_stmt("SELECT o.code, o.name, h.outside, h.started_on, h.ended_on, h.via, h.transfer_id"
                      " FROM lc_membership h LEFT JOIN org o ON o.id=h.org_id WHERE h.member_id=? ORDER BY h.id",
                      "I", r->memberId);
  while (s && db_step(s) == 1)
    json_array_append_new(a, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:o}", "org_code", cn(s, 0), "org_name",
                                       cn(s, 1), "outside", cn(s, 2), "from", cn(s, 3), "to", cn(s, 4), "via",
                                       db_col_text(s, 5), "transfer_id",
                                       db_col_isnull(s, 6) ? json_null() : json_integer(db_col_int(s, 6))));
  if (json_array_size(a) == 0) {
    /* No transfer yet: the one organization since admission. */
    s = db_stmt("SELECT o.code, o.name, m.joined_on FROM member m JOIN org o ON o.id=m.org_id WHERE m.id=?", "I",
                r->memberId);
    if (s && db_step(s) == 1) {
      json_array_append_new(a, json_pack("{s:s, s:s, s:n, s:s, s:n, s:s, s:n}", "org_code", db_col_text(s, 0),
                                         "org_name", db_col_text(s, 1), "outside", "from", db_col_text(s, 2), "to",
                                         "via", "roster", "transfer_id"));
      db_step(s);
    }
  }
  api_json(r, 200, json_pack("{s:I, s:o}", "member_id", (json_int_t)r->memberId, "items", a));
}

static const char *const azDir[] = {"in", "out", "leaving", "all", 0};
static const char *const azState[] = {"issued", "accepted", "returned", "closed", "all", 0};   /* the list's filter */
static const char *const azOrder[] = {"oldest", "newest", 0};
static const char *const azStateOf[] = {"issued", "accepted", "returned", 0};
static const char *const azStateName[] = {"待接收", "已接收", "已退回", 0};
/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"transfer", "组织关系转接", "SELECT member_name FROM tr_transfer WHERE id=?1"},
};
static const char *const azAuditAction[] = {"issue", "accept", "return", "transfer_out", 0};
static const char *const azAuditActionName[] = {"开具转接", "接收转接", "退回转接", "转出", 0};

static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
  {"transfer_state", azStateOf, azStateName},
};
static const QParam aListQuery[] = {
  {"direction", Q_ENUM, 0, 0, azDir},
  {"state", Q_ENUM, 0, 0, azState},
  {"order", Q_ENUM, 0, 0, azOrder},
  {"limit", Q_INT, 1, 200, 0},
  {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"POST", "/api/v1/members/{id}/transfers", transfer_issue, R_WRITE | R_MEMBER | R_JSONBODY, 0,
   "issue a transfer letter for a member, to a branch in the system or an organization outside it", aIssueField,
   TR_NFIELD, 0},
  {"GET", "/api/v1/members/{id}/organizations", membership_get, R_SELF | R_MEMBER, 0,
   "the organizations a member has belonged to, with dates", 0, 0, 0},
  {"GET", "/api/v1/orgs/{code}/transfers", transfer_list, R_STAFF | R_ORG, aListQuery,
   "transfers sent from or addressed to the subtree, with their age in days (default: pending ones)", 0, 0, 0},
  {"GET", "/api/v1/transfers/{id}", transfer_get, R_STAFF, 0,
   "one transfer, for users of the sender's or the receiver's subtree", 0, 0, 0},
  {"POST", "/api/v1/transfers/{id}/accept", transfer_accept, R_WRITE | R_OBJECT | R_JSONBODY, 0,
   "the receiver accepts: the member moves (outside the system: the sender records the receipt)", aAcceptField,
   AC_NFIELD, receiver_org},
  {"POST", "/api/v1/transfers/{id}/return", transfer_return, R_WRITE | R_OBJECT | R_JSONBODY, 0,
   "the receiver returns the transfer with a reason; the member stays", aReturnField, AC_NFIELD, receiver_org},
};

/* ---- CLI report ---------------------------------------------------------------------- */

/* The letter's date stays a text cell, as this sheet has always had it. */
static const RptCol aPendingCol[] = {
  {"id", 0, RPT_INT, 0},        {"member_name", 0, RPT_TEXT, 0}, {"from_org_code", 0, RPT_TEXT, 0},
  {"to", 0, RPT_TEXT, 0},       {"letter_no", 0, RPT_TEXT, 0},   {"issued_on", 0, RPT_TEXT, 0},
  {"age_days", 0, RPT_INT, 0},
};

static int pending_report(ReportCtx *p) {
  long long n;
  json_t *a = transfer_rows(p->scope.zPath, "all", "issued", 1000000, 0, &n);
  int rc = rpt_table(p->pOut, "待办组织关系转接", 0, aPendingCol, (int)ARRAY_LEN(aPendingCol));
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    if (rc) break;
    json_t *pTo = json_object_get(v, "to_org_code");
    json_t *aCell = json_pack("[O, O, O, O, O, O, O]", json_object_get(v, "id"), json_object_get(v, "member_name"),
                              json_object_get(v, "from_org_code"), json_is_null(pTo) ? json_object_get(v, "to_outside") : pTo,
                              json_object_get(v, "letter_no"), json_object_get(v, "issued_on"),
                              json_object_get(v, "age_days"));
    rc = rpt_row(p->pOut, aCell, 0);
    json_decref(aCell);
  }
  json_decref(a);
  return rc ? 1 : 0;
}

static const Report aReport[] = {
  {"transfers-pending", pending_report, 0, "csv", 0, 0,
   "Transfers of a subtree still waiting for the receiver (sent from it or addressed to it), oldest first, with "
   "their age in days."},
};

const Module transfer_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "transfer",
  .aEnum = MODULE_ARRAY(aEnum),
  .zOpenapi = "transfer",
  .azMigration = MODULE_ARRAY(azMigration),
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aReport = MODULE_ARRAY(aReport),
};
