/* meeting_group.c: party groups (党小组) and branch committees (支委) of the
 * organizational-life module (meeting.c): who belongs to them, checked against
 * the branch, the routes that read and set them, and what a member who
 * leaves the branch leaves behind (group_member_leaves). */
#include "meeting.h"
#include "module.h"
#include "audit.h"
#include "db.h"
#include "org.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azPost[] = {"书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员", 0};

static int group_org(const char *zParam, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM party_group WHERE id=?", "I", atoll(zParam));
  return *pOrgId ? 0 : -1;
}

static json_t *group_json(long long id) {
  DbStmt *s = db_stmt("SELECT g.name, g.leader_id, o.code FROM party_group g JOIN org o ON o.id=g.org_id WHERE g.id=?",
                      "I", id);
  if (!s || db_step(s) != 1) return json_null();
  json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", db_col_text(s, 0), "org_code",
                        db_col_text(s, 2));
  json_object_set_new(o, "leader_id", db_col_isnull(s, 1) ? json_null() : json_integer(db_col_int(s, 1)));
  db_step(s);
  json_t *a = json_array();
  s = db_stmt("SELECT m.id, m.name FROM party_group_member g JOIN member m ON m.id=g.member_id WHERE g.group_id=?"
              " ORDER BY m.id", "I", id);
  while (s && db_step(s) == 1)
    json_array_append_new(a, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(s, 0), "name", db_col_text(s, 1)));
  json_object_set_new(o, "members", a);
  return o;
}

static int need_branch(Req *r) {
  if (!org_is_branch(r->scope.zKind)) {
    api_error(r, 400, "invalid", "code", "%s 是%s，此操作只适用于党支部", r->scope.zCode, r->scope.zKind);
    return -1;
  }
  return 0;
}

/* A group's body. The member ids are references the dispatcher has checked
 * against the user's subtree; that each belongs to this branch, is on the
 * roster and in no other group is judged here. */
enum { G_NAME, G_LEADER, G_MEMBERS, G_NFIELD };
static const Field aGroupMember = {"member_ids", "党小组成员", FT_ID, F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0};
static const Field aGroupField[G_NFIELD] = {
  [G_NAME] = {"name", "党小组名称", FT_TEXT, F_REQUIRED, 50, 0, 0, 0, 0, 0, 0},
  [G_LEADER] = {"leader_id", "党小组组长", FT_ID, F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  [G_MEMBERS] = {"member_ids", "党小组成员", FT_LIST, 0, LIFE_MAX_ITEMS, 0, 0, 0, &aGroupMember, 1, 0},
};

/* The member ids of the body into *paId (caller frees) and *pn (-1 when the
 * body names none), each checked. 0, or -1 answered. */
static int group_members(Req *r, long long orgId, long long groupId, long long **paId, int *pn) {
  *paId = 0;
  *pn = -1;
  if (!r->rec.aSet[G_MEMBERS]) return 0;
  const RecRows *pRows = rec_rows(&r->rec, G_MEMBERS);
  *pn = pRows->n;
  *paId = xcalloc((size_t)*pn + 1, sizeof **paId);
  for (int i = 0; i < *pn; i++) {
    (*paId)[i] = rec_int(&pRows->a[i], 0, 0);
    for (int j = 0; j < i; j++)
      if ((*paId)[j] == (*paId)[i]) {
        api_error(r, 400, "invalid", "member_ids", "党员 %lld 重复", (*paId)[i]);
        return -1;
      }
    if (life_check_member(r, "member_ids", (*paId)[i], orgId, 0)) return -1;
    long long other = db_int(0, "SELECT group_id FROM party_group_member WHERE member_id=?", "I", (*paId)[i]);
    if (other && other != groupId) {
      api_error(r, 409, "conflict", "member_ids", "党员 %lld 已在另一个党小组", (*paId)[i]);
      return -1;
    }
  }
  return 0;
}

static void group_write(Req *r, long long groupId) {
  const char *zName = r->rec.az[G_NAME];
  long long leader = rec_int(&r->rec, G_LEADER, 0), *aId = 0;
  int nId = -1;
  long long orgId = r->scope.id;
  if ((leader && life_check_member(r, "leader_id", leader, orgId, 0)) || group_members(r, orgId, groupId, &aId, &nId))
    goto done;
  if (zName && db_exists("SELECT 1 FROM party_group WHERE org_id=? AND name=? AND id<>?", "ItI", orgId, zName, groupId) == 1) {
    api_error(r, 409, "conflict", "name", "本支部已有党小组“%s”", zName);
    goto done;
  }
  json_t *pBefore = groupId ? group_json(groupId) : json_null();
  int bNew = !groupId;
  char zAt[32];
  util_timestamp(zAt);
  int rc = db_begin();
  if (!rc && !groupId) {
    rc = db_exec("INSERT INTO party_group(org_id, name, leader_id, created_at) VALUES(?,?,nullif(?,0),?)", "ItIt", orgId,
                 zName, leader, zAt);
    groupId = db_last_rowid();
  } else if (!rc) {
    if (zName) rc = db_exec("UPDATE party_group SET name=? WHERE id=?", "tI", zName, groupId);
    if (!rc && r->rec.aSet[G_LEADER])
      rc = db_exec("UPDATE party_group SET leader_id=nullif(?,0) WHERE id=?", "II", leader, groupId);
  }
  if (!rc && nId >= 0) {
    rc = db_exec("DELETE FROM party_group_member WHERE group_id=?", "I", groupId);
    for (int i = 0; !rc && i < nId; i++)
      rc = db_exec("INSERT INTO party_group_member(member_id, group_id) VALUES(?,?)", "II", aId[i], groupId);
  }
  json_t *pAfter = rc ? 0 : group_json(groupId);
  if (!api_audit_commit_change(r, rc, bNew ? "create" : "update", "party_group", groupId, orgId, bNew ? 0 : pBefore,
                               pAfter))
    api_json(r, bNew ? 201 : 200, pAfter);
  json_decref(pBefore);
done:
  free(aId);
}

static void group_create(Req *r) {
  if (need_branch(r)) return;
  group_write(r, 0);
}
static void group_patch(Req *r) { group_write(r, r->objectId); }

static void group_list(Req *r) {
  DbStmt *s = db_stmt("SELECT id FROM party_group WHERE org_id=? ORDER BY id", "I", r->scope.id);
  json_t *aId = json_array(), *a = json_array();
  while (s && db_step(s) == 1) json_array_append_new(aId, json_integer(db_col_int(s, 0)));
  size_t i;
  json_t *v;
  json_array_foreach(aId, i, v) json_array_append_new(a, group_json(json_integer_value(v)));
  json_decref(aId);
  api_json(r, 200, json_pack("{s:o, s:I}", "items", a, "total", (json_int_t)json_array_size(a)));
}

static json_t *committee_json(long long orgId) {
  json_t *a = json_array();
  DbStmt *s = db_stmt("SELECT m.id, m.name, c.post FROM committee_member c JOIN member m ON m.id=c.member_id"
                      " WHERE c.org_id=? ORDER BY CASE c.post WHEN '书记' THEN 0 WHEN '副书记' THEN 1 ELSE 2 END, m.id",
                      "I", orgId);
  while (s && db_step(s) == 1)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)db_col_int(s, 0), "name",
                                       db_col_text(s, 1), "post", db_col_text(s, 2)));
  return json_pack("{s:o, s:I}", "members", a, "size", (json_int_t)json_array_size(a));
}

static void committee_get(Req *r) { api_json(r, 200, committee_json(r->scope.id)); }

/* The committee's body: every member with a post. */
enum { C_MEMBERS, C_NFIELD };
enum { CM_MEMBER, CM_POST, CM_NFIELD };
static const Field aCommitteeRow[CM_NFIELD] = {
  [CM_MEMBER] = {"member_id", "支部委员", FT_ID, F_REQUIRED | F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  [CM_POST] = {"post", "职务", FT_ENUM, F_REQUIRED, 0, azPost, 0, 0, 0, 0, 0},
};
static const Field aCommitteeField[C_NFIELD] = {
  [C_MEMBERS] = {"members", "支部委员会（最多 7 人）", FT_ROWS, F_REQUIRED, 7, 0, 0, 0, aCommitteeRow, CM_NFIELD, 0},
};

/* PUT: the whole committee at once (an election or a by-election). */
static void committee_put(Req *r) {
  if (need_branch(r)) return;
  const RecRows *pRows = rec_rows(&r->rec, C_MEMBERS);
  int n = pRows->n, nSec = 0;
  for (int i = 0; i < n; i++) {
    long long id = rec_int(&pRows->a[i], CM_MEMBER, 0);
    const char *zPost = pRows->a[i].az[CM_POST];
    if (life_check_member(r, "members", id, r->scope.id, 0)) return;
    for (int j = 0; j < i; j++)
      if (rec_int(&pRows->a[j], CM_MEMBER, 0) == id) {
        api_error(r, 400, "invalid", "members", "党员 %lld 重复", id);
        return;
      }
    if (strcmp(zPost, "书记") == 0 && ++nSec > 1) {
      api_error(r, 400, "invalid", "members", "只能有一名书记");
      return;
    }
    if (db_exists("SELECT 1 FROM member WHERE id=? AND category='正式党员'", "I", id) != 1) {
      api_error(r, 400, "invalid", "members", "党员 %lld 是预备党员，不能当选支部委员", id);
      return;
    }
  }
  json_t *pBefore = committee_json(r->scope.id);
  int rc = db_begin() || db_exec("DELETE FROM committee_member WHERE org_id=?", "I", r->scope.id);
  for (int i = 0; !rc && i < n; i++)
    rc = db_exec("INSERT INTO committee_member(org_id, member_id, post) VALUES(?,?,?)", "IIt", r->scope.id,
                 rec_int(&pRows->a[i], CM_MEMBER, 0), pRows->a[i].az[CM_POST]);
  json_t *pAfter = committee_json(r->scope.id);
  if (!api_audit_commit_key(r, rc, "update", "committee", r->scope.zCode, r->scope.id, pBefore, pAfter))
    api_json(r, 200, pAfter);
  json_decref(pBefore);
}

int group_member_leaves(long long memberId, long long orgId, const char *zOn, const char *zActor) {
  char *zPost = db_text("SELECT post FROM committee_member WHERE org_id=? AND member_id=?", "II", orgId, memberId);
  long long aGroup[LIFE_MAX_ITEMS];
  int nGroup = 0;
  DbStmt *s = db_stmt("SELECT id FROM party_group g WHERE org_id=?1 AND (leader_id=?2 OR EXISTS(SELECT 1 FROM"
                      " party_group_member m WHERE m.group_id=g.id AND m.member_id=?2)) ORDER BY id", "II", orgId,
                      memberId);
  while (s && db_step(s) == 1 && nGroup < LIFE_MAX_ITEMS) aGroup[nGroup++] = db_col_int(s, 0);
  if (!s) {
    free(zPost);
    return -1;
  }
  if (!zPost && !nGroup) return 0;
  char zToday[11], zKey[32];
  if (!zOn) util_today(zToday), zOn = zToday;
  if (!zActor) zActor = "system";
  char *zCode = db_text("SELECT code FROM org WHERE id=?", "I", orgId);
  json_t *aName = json_array();
  int rc = 0;
  if (zPost) {
    json_t *pBefore = committee_json(orgId);
    rc = db_exec("DELETE FROM committee_member WHERE org_id=? AND member_id=?", "II", orgId, memberId);
    json_t *pAfter = committee_json(orgId);
    rc = rc || audit_append(zActor, "update", "committee", zCode, orgId, pBefore, pAfter);
    json_decref(pBefore);
    json_decref(pAfter);
  }
  for (int i = 0; !rc && i < nGroup; i++) {
    json_t *pBefore = group_json(aGroup[i]);
    json_array_append(aName, json_object_get(pBefore, "name"));
    snprintf(zKey, sizeof zKey, "%lld", aGroup[i]);
    rc = db_exec("DELETE FROM party_group_member WHERE group_id=? AND member_id=?", "II", aGroup[i], memberId) ||
         db_exec("UPDATE party_group SET leader_id=NULL WHERE id=? AND leader_id=?", "II", aGroup[i], memberId);
    json_t *pAfter = group_json(aGroup[i]);
    rc = rc || audit_append(zActor, "update", "party_group", zKey, orgId, pBefore, pAfter);
    json_decref(pBefore);
    json_decref(pAfter);
  }
  /* The member's own entry: what they held in the branch they left, and
   * when (the member's history lists it). */
  if (!rc) {
    snprintf(zKey, sizeof zKey, "%lld", memberId);
    json_t *pBefore = json_pack("{s:s, s:s?, s:O}", "org_code", zCode ? zCode : "", "post", zPost, "party_groups", aName);
    json_t *pAfter = json_pack("{s:s}", "on", zOn);
    rc = audit_append(zActor, "leave_posts", "member", zKey, orgId, pBefore, pAfter);
    json_decref(pBefore);
    json_decref(pAfter);
  }
  json_decref(aName);
  free(zCode);
  free(zPost);
  return rc ? -1 : 0;
}

static const Route aRouteTable[] = {
  {"GET", "/api/v1/orgs/{code}/groups", group_list, R_STAFF | R_ORG, 0, "party groups of a branch", 0, 0, 0},
  {"POST", "/api/v1/orgs/{code}/groups", group_create, R_WRITE | R_ORG | R_JSONBODY, 0,
   "create a party group (党小组) in a branch with its members", aGroupField, G_NFIELD, 0},
  {"PATCH", "/api/v1/groups/{id}", group_patch, R_WRITE | R_OBJECT | R_JSONBODY, 0,
   "rename a party group, change its leader or members", aGroupField, G_NFIELD, group_org},
  {"GET", "/api/v1/orgs/{code}/committee", committee_get, R_STAFF | R_ORG, 0, "the branch committee (支委)", 0, 0, 0},
  {"PUT", "/api/v1/orgs/{code}/committee", committee_put, R_WRITE | R_ORG | R_JSONBODY, 0,
   "set the whole branch committee", aCommitteeField, C_NFIELD, 0},
};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"party_group", "党小组", "SELECT name FROM party_group WHERE id=?1"},
  {"committee", "支委会", "SELECT name FROM org WHERE code=?1"},
};

static const char *const azAuditAction[] = {"leave_posts", 0};
static const char *const azAuditActionName[] = {"离开原支部的支委会和党小组", 0};
static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
};

const Module meeting_group_module = {
  .aEnum = MODULE_ARRAY(aEnum),
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "meeting_group",
  .aRoute = MODULE_ARRAY(aRouteTable),
};
