/* org.c: the organization tree: field declarations, tree rules, storage with
 * materialized paths, and the /api/v1/orgs routes. */
#include "org.h"
#include "stats.h"
#include "module.h"
#include "audit.h"
#include "db.h"
#include "events.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const org_azKind[] = {"党委", "党工委", "党总支", "党支部", "联合党支部", "临时党支部", "项目党支部", 0};
const char *const org_azDomain[] = {"农村", "城市社区", "机关", "国有企业", "学校", "公立医院", "非公有制企业",
                                       "社会组织", "新就业群体", "其他", 0};
static const char *const azFormation[] = {"单独组建", "联合组建", "挂靠组建", 0};

const Field org_aField[ORG_NFIELD] = {
  [ORG_CODE] = {"code", "组织编码", FT_CODE, F_REQUIRED, 32, 0},
  [ORG_NAME] = {"name", "组织名称", FT_TEXT, F_REQUIRED, 100, 0},
  [ORG_PARENT] = {"parent_code", "上级组织编码", FT_CODE, F_ORGREF, 32, 0},
  [ORG_KIND] = {"kind", "组织类别", FT_ENUM, F_REQUIRED, 0, org_azKind},
  [ORG_DOMAIN] = {"domain", "所属领域", FT_ENUM, F_REQUIRED, 0, org_azDomain},
  [ORG_FORMATION] = {"formation", "组建方式", FT_ENUM, 0, 0, azFormation},
  [ORG_ESTABLISHED] = {"established_on", "成立日期", FT_DATE, 0, 0, 0},
  [ORG_REGION] = {"region_code", "行政区划代码", FT_REGION, 0, 0, 0},
  [ORG_TERM] = {"term_started_on", "本届任期开始", FT_DATE, 0, 0, 0},
  [ORG_ENDED] = {"ended_on", "结束日期", FT_DATE, 0, 0, 0},
};

/* Branches hold members; parents hold organizations (served to the UI too). */
static const char *const azBranchKind[] = {"党支部", "联合党支部", "临时党支部", "项目党支部", 0};
static const char *const azParentKind[] = {"党委", "党工委", "党总支", 0};

static int kind_in(const char *zKind, const char *const *az) {
  for (int i = 0; zKind && az[i]; i++)
    if (strcmp(zKind, az[i]) == 0) return 1;
  return 0;
}

int org_is_branch(const char *zKind) { return kind_in(zKind, azBranchKind); }

int org_may_have_children(const char *zKind) { return kind_in(zKind, azParentKind); }

#define ORG_COLUMNS \
  "o.code, o.name, p.code, o.kind, o.domain, o.formation, o.established_on, o.region_code, o.term_started_on, o.ended_on"

static void rec_from_row(Rec *p, DbStmt *s, int iFirst) {
  for (int i = 0; i < p->nField; i++) rec_set(p, i, db_col_dup(s, iFirst + i));
}

long long org_load(const char *zCode, Rec *p) {
  DbStmt *s = db_stmt("SELECT o.id, " ORG_COLUMNS " FROM org o LEFT JOIN org p ON p.id=o.parent_id WHERE o.code=?",
                      "t", zCode);
  if (!s || db_step(s) != 1) return 0;
  long long id = db_col_int(s, 0);
  rec_from_row(p, s, 1);
  db_step(s);
  return id;
}

json_t *org_rec_json(const Rec *p) {
  json_t *o = json_object();
  for (int i = 0; i < p->nField; i++) json_object_set_new(o, p->aField[i].zJson, rec_json_value(p, i, 1));
  return o;
}

int rec_same(const Rec *a, const Rec *b) {
  for (int i = 0; i < b->nField; i++) {
    if (!b->aSet[i]) continue;
    const char *x = a->az[i], *y = b->az[i];
    if ((x == 0) != (y == 0) || (x && strcmp(x, y) != 0)) return 0;
  }
  return 1;
}

int org_validate(const Rec *p, long long selfId, FieldErr *pErr) {
  if (rec_require(p, pErr)) return -1;
  const char *zKind = p->az[ORG_KIND], *zParent = p->az[ORG_PARENT];
  if (zParent) {
    if (strcmp(zParent, p->az[ORG_CODE]) == 0) return field_err(pErr, ORG_PARENT, "invalid", "上级组织不能是自己");
    DbStmt *s = db_stmt("SELECT id, kind, path FROM org WHERE code=?", "t", zParent);
    if (!s || db_step(s) != 1) return field_err(pErr, ORG_PARENT, "not_found", "上级组织编码不存在：%s", zParent);
    char zPKind[32], zPPath[256];
    snprintf(zPKind, sizeof zPKind, "%s", db_col_text(s, 1));
    snprintf(zPPath, sizeof zPPath, "%s", db_col_text(s, 2));
    db_step(s);
    if (!org_may_have_children(zPKind))
      return field_err(pErr, ORG_PARENT, "invalid", "上级组织是%s，%s下不能再设组织", zPKind, zPKind);
    if (selfId) {
      char zSelf[32];
      snprintf(zSelf, sizeof zSelf, "/%lld/", selfId);
      if (strstr(zPPath, zSelf)) return field_err(pErr, ORG_PARENT, "invalid", "不能移到自己的下级组织之下");
    }
  } else {
    long long rootId = db_int(0, "SELECT id FROM org WHERE parent_id IS NULL", "");
    if (rootId && rootId != selfId)
      return field_err(pErr, ORG_PARENT, "required", "缺少上级组织编码（只有根组织可以没有上级）");
  }
  if (selfId && org_is_branch(zKind) &&
      db_exists("SELECT 1 FROM org WHERE parent_id=?", "I", selfId) == 1)
    return field_err(pErr, ORG_KIND, "invalid", "该组织有下级组织，不能改为%s", zKind);
  if (selfId && !org_is_branch(zKind) && db_exists("SELECT 1 FROM member WHERE org_id=?", "I", selfId) == 1)
    return field_err(pErr, ORG_KIND, "invalid", "该组织有党员，只能是党支部类（党员只属于党支部）");
  const char *zEnded = p->az[ORG_ENDED];
  if (zEnded && strcmp(zKind, "临时党支部") && strcmp(zKind, "项目党支部"))
    return field_err(pErr, ORG_ENDED, "invalid", "只有临时党支部和项目党支部有结束日期");
  if (zEnded && p->az[ORG_ESTABLISHED] && strcmp(zEnded, p->az[ORG_ESTABLISHED]) < 0)
    return field_err(pErr, ORG_ENDED, "invalid", "结束日期早于成立日期");
  char zToday[11];
  util_today(zToday);
  if (p->az[ORG_ESTABLISHED] && strcmp(p->az[ORG_ESTABLISHED], zToday) > 0)
    return field_err(pErr, ORG_ESTABLISHED, "invalid", "成立日期在今天之后");
  if (p->az[ORG_TERM] && strcmp(p->az[ORG_TERM], zToday) > 0)
    return field_err(pErr, ORG_TERM, "invalid", "本届任期开始在今天之后");
  if (p->az[ORG_FORMATION] && !org_is_branch(zKind) && strcmp(zKind, "党总支") && strcmp(zKind, "党委"))
    return field_err(pErr, ORG_FORMATION, "invalid", "%s不填组建方式", zKind);
  return 0;
}

int org_save(const Rec *p, const Rec *pOld, long long oldId, const char *zActor, FieldErr *pErr, long long *pId) {
  char zAt[32];
  util_timestamp(zAt);
  long long parentId = 0;
  char zParentPath[256] = "/";
  if (p->az[ORG_PARENT]) {
    DbStmt *s = db_stmt("SELECT id, path FROM org WHERE code=?", "t", p->az[ORG_PARENT]);
    if (!s || db_step(s) != 1) return field_err(pErr, ORG_PARENT, "not_found", "上级组织编码不存在：%s", p->az[ORG_PARENT]);
    parentId = db_col_int(s, 0);
    snprintf(zParentPath, sizeof zParentPath, "%s", db_col_text(s, 1));
    db_step(s);
  }
  if (!pOld) {
    if (db_exists("SELECT 1 FROM org WHERE code=?", "t", p->az[ORG_CODE]) == 1)
      return field_err(pErr, ORG_CODE, "conflict", "组织编码已存在：%s", p->az[ORG_CODE]);
    /* The path needs the new id: insert with a placeholder, then set it. */
    if (db_exec("INSERT INTO org(code, name, parent_id, path, kind, domain, formation, established_on, region_code,"
                " term_started_on, ended_on, updated_at) VALUES(?,?,?,'?'||?,?,?,?,?,?,?,?,?)",
                "ttIttttttttt", p->az[ORG_CODE], p->az[ORG_NAME], parentId, p->az[ORG_CODE], p->az[ORG_KIND],
                p->az[ORG_DOMAIN], p->az[ORG_FORMATION], p->az[ORG_ESTABLISHED], p->az[ORG_REGION], p->az[ORG_TERM],
                p->az[ORG_ENDED], zAt))
      return -2;
    *pId = db_last_rowid();
    char zPath[256];
    int n = snprintf(zPath, sizeof zPath, "%s%lld/", zParentPath, *pId);
    if (n >= (int)sizeof zPath) return field_err(pErr, ORG_PARENT, "invalid", "组织层级太深");
    if (db_exec("UPDATE org SET path=?, parent_id=nullif(parent_id,0) WHERE id=?", "tI", zPath, *pId)) return -2;
    events_note(EV_ORG, *pId);
    if (!zActor) return 0;  /* the caller audits a bulk insert as a whole */
    json_t *pAfter = org_rec_json(p);
    int rc = audit_append(zActor, "create", "org", p->az[ORG_CODE], *pId, 0, pAfter);
    json_decref(pAfter);
    return rc ? -2 : 0;
  }
  *pId = oldId;
  if (db_exec("UPDATE org SET name=?, kind=?, domain=?, formation=?, established_on=?, region_code=?,"
              " term_started_on=?, ended_on=?, updated_at=? WHERE id=?",
              "tttttttttI", p->az[ORG_NAME], p->az[ORG_KIND], p->az[ORG_DOMAIN], p->az[ORG_FORMATION],
              p->az[ORG_ESTABLISHED], p->az[ORG_REGION], p->az[ORG_TERM], p->az[ORG_ENDED], zAt, oldId))
    return -2;
  events_note(EV_ORG, oldId);
  const char *zOldParent = pOld->az[ORG_PARENT], *zNewParent = p->az[ORG_PARENT];
  if ((zOldParent == 0) != (zNewParent == 0) || (zOldParent && strcmp(zOldParent, zNewParent))) {
    /* A move: every path in the subtree gets the new prefix. */
    char *zOldPath = db_text("SELECT path FROM org WHERE id=?", "I", oldId);
    char zNewPath[256], zHi[256];
    int n = snprintf(zNewPath, sizeof zNewPath, "%s%lld/", zParentPath, oldId);
    if (!zOldPath || n >= (int)sizeof zNewPath) {
      free(zOldPath);
      return field_err(pErr, ORG_PARENT, "invalid", "组织层级太深");
    }
    scope_range(zOldPath, zHi);
    int rc = db_exec("UPDATE org SET path = ? || substr(path, ?) WHERE path >= ? AND path < ?", "titt", zNewPath,
                     (int)strlen(zOldPath) + 1, zOldPath, zHi);
    if (!rc) rc = db_exec("UPDATE org SET parent_id=? WHERE id=?", "II", parentId, oldId);
    if (!rc && db_int(0, "SELECT max(length(path)) FROM org", "") > 255) rc = -1;
    free(zOldPath);
    if (rc) return field_err(pErr, ORG_PARENT, "invalid", "组织层级太深");
    events_note(EV_TREE, oldId);
  }
  json_t *pBefore = org_rec_json(pOld), *pAfter = org_rec_json(p);
  int rc = audit_append(zActor, "update", "org", p->az[ORG_CODE], oldId, pBefore, pAfter);
  json_decref(pBefore);
  json_decref(pAfter);
  return rc ? -2 : 0;
}

/* ---- API ----------------------------------------------------------------- */

/* The organization as the API shows it: fields plus counts. */
static json_t *org_api_json(long long id, const Rec *p) {
  json_t *o = org_rec_json(p);
  char *zPath = db_text("SELECT path FROM org WHERE id=?", "I", id);
  char zHi[256];
  scope_range(zPath ? zPath : "", zHi);
  char *zAt = db_text("SELECT updated_at FROM org WHERE id=?", "I", id);
  json_object_set_new(o, "updated_at", zAt ? json_string(zAt) : json_null());
  free(zAt);
  /* The kind also says whether a branch is joint, temporary or a project's. */
  const char *zKind = p->az[ORG_KIND] ? p->az[ORG_KIND] : "";
  json_object_set_new(o, "joint", json_boolean(strcmp(zKind, "联合党支部") == 0));
  json_object_set_new(o, "temporary", json_boolean(strcmp(zKind, "临时党支部") == 0));
  json_object_set_new(o, "project", json_boolean(strcmp(zKind, "项目党支部") == 0));
  json_object_set_new(o, "children_count", json_integer(db_int(0, "SELECT count(*) FROM org WHERE parent_id=?", "I", id)));
  /* Active members of the subtree: from the statistics index where the
   * server keeps one (a province's root would count 3.8 million rows), else
   * by SQL. */
  long long nMember;
  if (stats_index_members(id, &nMember))
    nMember = db_int(0, "SELECT count(*) FROM org o JOIN member m ON m.org_id=o.id"
                        " WHERE o.path >= ? AND o.path < ? AND m.status='active'", "tt", zPath ? zPath : "", zHi);
  json_object_set_new(o, "member_count", json_integer(nMember));
  free(zPath);
  return o;
}

static void org_get(Req *r) {
  Rec rec;
  rec_init(&rec, org_aField, ORG_NFIELD);
  long long id = org_load(r->scope.zCode, &rec);
  api_json(r, 200, org_api_json(id, &rec));
  rec_free(&rec);
}

static void org_children(Req *r) {
  DbStmt *s = db_stmt("SELECT code FROM org WHERE parent_id=? ORDER BY code", "I", r->scope.id);
  json_t *aCode = json_array();
  while (s && db_step(s) == 1) json_array_append_new(aCode, json_string(db_col_text(s, 0)));
  json_t *aItem = json_array();
  size_t i;
  json_t *v;
  Rec rec;
  rec_init(&rec, org_aField, ORG_NFIELD);
  json_array_foreach(aCode, i, v) {
    rec_clear(&rec);
    long long id = org_load(json_string_value(v), &rec);
    if (id) json_array_append_new(aItem, org_api_json(id, &rec));
  }
  rec_free(&rec);
  json_decref(aCode);
  api_json(r, 200, json_pack("{s:o, s:I}", "items", aItem, "total", (json_int_t)json_array_size(aItem)));
}

/* Validates and saves r->rec (merged onto pOld for a change), answering. */
static void org_write(Req *r, const Rec *pOld, long long oldId, int status) {
  FieldErr fe;
  long long id;
  if (org_validate(&r->rec, oldId, &fe)) {
    api_field_error(r, &r->rec, &fe);
    return;
  }
  if (pOld && rec_same(pOld, &r->rec)) {
    api_json(r, 200, org_api_json(oldId, &r->rec));
    return;
  }
  if (db_begin()) {
    api_internal(r);
    return;
  }
  int rc = org_save(&r->rec, pOld, oldId, api_actor(r), &fe, &id);
  if (rc == -1) {
    db_rollback();
    api_field_error(r, &r->rec, &fe);
    return;
  }
  if (rc || db_commit()) {
    api_internal(r);
    return;
  }
  api_json(r, status, org_api_json(id, &r->rec));
}

static void org_create(Req *r) { org_write(r, 0, 0, 201); }

static void org_patch(Req *r) {
  if (r->rec.az[ORG_CODE] && strcmp(r->rec.az[ORG_CODE], r->scope.zCode) != 0) {
    api_error(r, 400, "invalid", "code", "组织编码不能修改（%s）", r->scope.zCode);
    return;
  }
  Rec old;
  rec_init(&old, org_aField, ORG_NFIELD);
  long long id = org_load(r->scope.zCode, &old);
  /* The merged record: the old values, overlaid with what the body set. */
  for (int i = 0; i < ORG_NFIELD; i++)
    if (!r->rec.aSet[i]) rec_set(&r->rec, i, old.az[i] ? xstrdup(old.az[i]) : 0);
  org_write(r, &old, id, 200);
  rec_free(&old);
}

static const Route aRouteTable[] = {
  {"GET", "/api/v1/orgs/{code}", org_get, R_STAFF | R_ORG, 0, "one organization with its counts", 0, 0, 0},
  {"GET", "/api/v1/orgs/{code}/children", org_children, R_STAFF | R_ORG, 0, "the organizations directly under it", 0, 0, 0},
  {"POST", "/api/v1/orgs", org_create, R_WRITE | R_JSONBODY, 0, "create an organization under parent_code",
   org_aField, ORG_NFIELD, 0},
  {"PATCH", "/api/v1/orgs/{code}", org_patch, R_WRITE | R_ORG | R_JSONBODY, 0,
   "change an organization; parent_code moves it with its subtree", org_aField, ORG_NFIELD, 0},
};

static const Enum aEnum[] = {
  {"org_kind", org_azKind, 0},
  {"org_domain", org_azDomain, 0},
  {"org_formation", azFormation, 0},
  {"org_branch_kind", azBranchKind, 0},
  {"org_parent_kind", azParentKind, 0},
};
static const Form aForm[] = {{"org", org_aField, ORG_NFIELD}};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"org", "组织", "SELECT name FROM org WHERE code=?1"},
};

void org_kids_load(long long parentId, OrgKids *p) {
  memset(p, 0, sizeof *p);
  int nAlloc = 0;
  DbStmt *s = db_stmt("SELECT code, name, path FROM org WHERE parent_id=? ORDER BY path", "I", parentId);
  while (s && db_step(s) == 1) {
    if (p->n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 64;
      p->azCode = xrealloc(p->azCode, sizeof *p->azCode * (size_t)nAlloc);
      p->azName = xrealloc(p->azName, sizeof *p->azName * (size_t)nAlloc);
      p->azPath = xrealloc(p->azPath, sizeof *p->azPath * (size_t)nAlloc);
    }
    p->azCode[p->n] = db_col_dup(s, 0);
    p->azName[p->n] = db_col_dup(s, 1);
    p->azPath[p->n++] = db_col_dup(s, 2);
  }
}

/* The last child whose path sorts at or before zPath holds it when its
 * path is a prefix of zPath ('/1/5/' sorts before '/1/5/23/'). */
int org_kid_of(const OrgKids *p, const char *zPath) {
  int lo = 0, hi = p->n - 1, at = -1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (strcmp(p->azPath[mid], zPath) <= 0) at = mid, lo = mid + 1;
    else hi = mid - 1;
  }
  return at >= 0 && strncmp(p->azPath[at], zPath, strlen(p->azPath[at])) == 0 ? at : -1;
}

void org_kids_free(OrgKids *p) {
  for (int i = 0; i < p->n; i++) free(p->azCode[i]), free(p->azName[i]), free(p->azPath[i]);
  free(p->azCode), free(p->azName), free(p->azPath);
  memset(p, 0, sizeof *p);
}

const Module org_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "org",
  .aEnum = MODULE_ARRAY(aEnum),
  .aForm = MODULE_ARRAY(aForm),
  .aRoute = MODULE_ARRAY(aRouteTable),
};
