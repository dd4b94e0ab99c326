/* audit.c: the hash-chained, append-only audit log; its API and CLI. */
#include "audit.h"
#include "hash.h"
#include "module.h"
#include "memo.h"
#include "db.h"
#include "events.h"
#include "text.h"
#include "util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static char *json_text(json_t *p) {
  return p ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : 0;
}

static void entry_hash(const char *zPrev, long long id, const char *zAt, const char *zActor, const char *zAction,
                       const char *zEntity, const char *zKey, long long orgId, const char *zBefore,
                       const char *zAfter, char zOut[65]) {
  Buf b = BUF_INIT;
  /* Fields are joined with a separator that cannot occur in them (0x1f). */
  buf_printf(&b, "%s\x1f%lld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%lld\x1f%s\x1f%s", zPrev, id, zAt, zActor, zAction,
             zEntity, zKey ? zKey : "", orgId, zBefore ? zBefore : "", zAfter ? zAfter : "");
  hash_sha256_hex(b.z, b.n, zOut);
  buf_free(&b);
}

int audit_append(const char *zActor, const char *zAction, const char *zEntity, const char *zKey, long long orgId,
                 json_t *pBefore, json_t *pAfter) {
  char zAt[32], zHash[65];
  util_timestamp(zAt);
  DbStmt *s = db_stmt("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", "");
  if (!s) return -1;
  long long id = 1;
  char zPrev[65] = AUDIT_GENESIS;
  if (db_step(s) == 1) {
    id = db_col_int(s, 0) + 1;
    snprintf(zPrev, sizeof zPrev, "%s", db_col_text(s, 1));
    db_step(s);
  }
  char *zBefore = json_text(pBefore), *zAfter = json_text(pAfter);
  entry_hash(zPrev, id, zAt, zActor, zAction, zEntity, zKey, orgId, zBefore, zAfter, zHash);
  int rc = db_exec("INSERT INTO audit(id, at, actor, action, entity, entity_key, org_id, before, after, prev_hash, hash)"
                   " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                   "ItttttItttt", id, zAt, zActor, zAction, zEntity, zKey,
                   orgId, zBefore, zAfter, zPrev, zHash);
  free(zBefore);
  free(zAfter);
  /* Whatever a module changed, the organization it names may show it in its
   * statistics (stats.h, figures): they are re-read after the commit. */
  if (rc == 0 && orgId > 0) events_note(EV_FIGURE, orgId);
  return rc;
}

char *audit_json_text(json_t *p) { return json_text(p); }

/* The INSERT of n audit rows, built once per process for n = AUDIT_MANY
 * (the statement cache keys on the text). */
static char *zManySql;
static pthread_once_t manySqlOnce = PTHREAD_ONCE_INIT;
static void many_sql_init(void) {
  Buf b = BUF_INIT;
  buf_puts(&b, "INSERT INTO audit(id, at, actor, action, entity, entity_key, org_id, before, after, prev_hash, hash)"
               " VALUES");
  for (int k = 0; k < AUDIT_MANY; k++) buf_printf(&b, "%s(?,?,?,?,?,?,?,NULL,?,?,?)", k ? "," : "");
  zManySql = buf_take(&b);  /* never freed: one copy per process */
}

int audit_append_many(const char *zActor, const char *zAction, const char *zEntity, int n, const char *const *azKey,
                      const long long *aOrgId, const char *const *azAfter) {
  if (n <= 0) return 0;
  if (n > AUDIT_MANY) return -1;
  char zAt[32], azHash[AUDIT_MANY + 1][65];
  util_timestamp(zAt);
  DbStmt *s = db_stmt("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", "");
  if (!s) return -1;
  long long id0 = 1;
  snprintf(azHash[0], 65, "%s", AUDIT_GENESIS);
  if (db_step(s) == 1) {
    id0 = db_col_int(s, 0) + 1;
    snprintf(azHash[0], 65, "%s", db_col_text(s, 1));
    db_step(s);
  }
  /* azHash[i] is entry i's previous hash, azHash[i + 1] its own. */
  for (int i = 0; i < n; i++)
    entry_hash(azHash[i], id0 + i, zAt, zActor, zAction, zEntity, azKey[i], aOrgId[i], 0, azAfter[i], azHash[i + 1]);
  int rc = 0;
  if (n == AUDIT_MANY) {
    pthread_once(&manySqlOnce, many_sql_init);
    DbStmt *st = db_prepare(zManySql);
    for (int i = 0, j = 1; st && i < n && rc == 0; i++) {
      rc |= db_bind_int(st, j++, id0 + i);
      rc |= db_bind_text(st, j++, zAt);
      rc |= db_bind_text(st, j++, zActor);
      rc |= db_bind_text(st, j++, zAction);
      rc |= db_bind_text(st, j++, zEntity);
      rc |= db_bind_text(st, j++, azKey[i]);
      rc |= db_bind_int(st, j++, aOrgId[i]);
      rc |= db_bind_text(st, j++, azAfter[i]);
      rc |= db_bind_text(st, j++, azHash[i]);
      rc |= db_bind_text(st, j++, azHash[i + 1]);
    }
    if (!st || rc || db_step(st) != 0) rc = -1;
  } else {
    for (int i = 0; i < n && rc == 0; i++)
      rc = db_exec("INSERT INTO audit(id, at, actor, action, entity, entity_key, org_id, before, after, prev_hash,"
                   " hash) VALUES(?,?,?,?,?,?,?,NULL,?,?,?)",
                   "ItttttIttt", id0 + i, zAt, zActor, zAction, zEntity, azKey[i], aOrgId[i], azAfter[i], azHash[i],
                   azHash[i + 1]);
  }
  for (int i = 0; i < n && rc == 0; i++)
    if (aOrgId[i] > 0) events_note(EV_FIGURE, aOrgId[i]);
  return rc;
}

/* ---- the end of an API write ------------------------------------------------------ */

int api_audit_commit(Req *r, int rc, const char *zAction, const char *zEntity, long long id, long long orgId,
                     json_t *pAfter) {
  return api_audit_commit_change(r, rc, zAction, zEntity, id, orgId, 0, pAfter);
}

int api_audit_commit_change(Req *r, int rc, const char *zAction, const char *zEntity, long long id, long long orgId,
                            json_t *pBefore, json_t *pAfter) {
  char zKey[32];
  snprintf(zKey, sizeof zKey, "%lld", id);
  return api_audit_commit_key(r, rc, zAction, zEntity, zKey, orgId, pBefore, pAfter);
}

int api_audit_commit_key(Req *r, int rc, const char *zAction, const char *zEntity, const char *zKey, long long orgId,
                         json_t *pBefore, json_t *pAfter) {
  if (!rc && !audit_append(api_actor(r), zAction, zEntity, zKey, orgId, pBefore, pAfter) && !db_commit()) return 0;
  json_decref(pAfter);
  db_rollback();
  api_internal(r);
  return -1;
}

int audit_verify(long long *pnEntry, long long *pBadId, const char **pzWhy) {
  DbStmt *s = db_stmt("SELECT id, at, actor, action, entity, entity_key, org_id, before, after, prev_hash, hash"
                      " FROM audit ORDER BY id", "");
  if (!s) return -1;
  char zPrev[65] = AUDIT_GENESIS, zHash[65];
  long long n = 0, idWant = 1;
  *pBadId = 0;
  *pzWhy = 0;
  int rc;
  while ((rc = db_step(s)) == 1) {
    long long id = db_col_int(s, 0);
    if (id != idWant) {
      *pBadId = idWant;
      *pzWhy = "entry missing (ids must run 1, 2, 3, ...)";
      break;
    }
    if (strcmp(db_col_text(s, 9), zPrev) != 0) {
      *pBadId = id;
      *pzWhy = "prev_hash does not match the previous entry's hash";
      break;
    }
    entry_hash(zPrev, id, db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3), db_col_text(s, 4),
               db_col_isnull(s, 5) ? 0 : db_col_text(s, 5), db_col_int(s, 6),
               db_col_isnull(s, 7) ? 0 : db_col_text(s, 7), db_col_isnull(s, 8) ? 0 : db_col_text(s, 8), zHash);
    if (strcmp(zHash, db_col_text(s, 10)) != 0) {
      *pBadId = id;
      *pzWhy = "content does not match its hash (the entry was changed)";
      break;
    }
    memcpy(zPrev, zHash, sizeof zPrev);
    idWant++;
    n++;
  }
  if (*pBadId) {
    db_step(s);
    while (db_step(s) == 1) {}
  }
  *pnEntry = n;
  if (rc < 0) return -1;
  return *pBadId ? -1 : 0;
}

/* Masks personal data inside a stored before/after object for viewing. */
static json_t *audit_masked(const char *zJson) {
  if (!zJson || !zJson[0]) return json_null();
  json_t *p = json_loads(zJson, 0, 0);
  if (!p) return json_null();
  json_t *v;
  if ((v = json_object_get(p, "id_number")) && json_is_string(v)) {
    char *z = text_mask_id(json_string_value(v));
    json_object_set_new(p, "id_number", json_string(z));
    free(z);
  }
  if ((v = json_object_get(p, "phone")) && json_is_string(v)) {
    char *z = text_mask_phone(json_string_value(v));
    json_object_set_new(p, "phone", json_string(z));
    free(z);
  }
  return p;
}

/* ---- what the entries name ---------------------------------------------------------- */

/* The words of the audit log, in Chinese: GET /api/v1/meta serves them as
 * audit_action and audit_entity (the audit screen and a member's history
 * read them there), and the list's filters accept exactly these. The verbs
 * every module uses are here; each module adds its own verbs (an Enum
 * "audit_action" in its record) and its objects (aAuditEntity, with how to
 * name one by its key). tests/api/audit.test.mjs walks the log for a word
 * that has no name. */
static const char *const azAction[] = {"create", "update", "delete", "reveal", "import", "move", 0};
static const char *const azActionName[] = {"新增", "修改", "删除", "查看完整信息", "导入", "移动", 0};

/* Field names of before/after that no form of GET /meta names (the forms
 * member and org name theirs): the counts of an import and of the demo, a
 * meeting's, a payment's. */
static const char *const azField[] = {
  "file", "rows", "inserted", "updated", "unchanged", "rejected", "people", "transfers", "payments", "title",
  "kind", "held_on", "mode", "location", "host", "recorder", "topic", "summary", "state", "reason", "checked_in_at",
  "login", "role", "org_code", "member_id", "disabled", "amount", "channel", "paid_on", "period_from", "period_to",
  "category", "income", "year", "status", "on", "to_org_code", "from_org_code", "letter_no", "points", "hours", 0};
static const char *const azFieldName[] = {
  "文件", "行数", "新增", "更新", "未变", "拒绝", "发展党员人数", "组织关系转接", "党费交纳笔数", "名称",
  "类别", "日期", "形式", "地点", "主持人", "记录人", "主题", "内容摘要", "出席情况", "事由", "签到时间",
  "账号", "角色", "组织", "党员", "停用", "金额", "交纳方式", "交纳日期", "所属月份起", "所属月份止",
  "类别", "月收入", "年度", "状态", "日期", "转入组织", "转出组织", "介绍信编号", "积分", "学时", 0};

static const Enum aEnum[] = {
  {"audit_action", azAction, azActionName},
  {"audit_field", azField, azFieldName},
};

/* The name of an entry's object: a name (title, login) its after or before
 * carries, else what the entity's query finds for the key; NULL if neither. */
static json_t *object_name(const char *zEntity, const char *zKey, json_t *pAfter, json_t *pBefore) {
  static const char *const azName[] = {"name", "title", "member_name", "login"};
  json_t *ap[] = {pAfter, pBefore};
  for (int j = 0; j < 2; j++)
    for (size_t i = 0; json_is_object(ap[j]) && i < ARRAY_LEN(azName); i++) {
      json_t *v = json_object_get(ap[j], azName[i]);
      if (json_is_string(v) && json_string_value(v)[0]) return json_string(json_string_value(v));
    }
  if (!zKey || !zEntity) return json_null();
  for (int m = 0; m < module_n; m++)
    for (int i = 0; i < module_ap[m]->nAuditEntity; i++) {
      const AuditEntity *p = &module_ap[m]->aAuditEntity[i];
      if (strcmp(p->zEntity, zEntity) || !p->zNameSql) continue;
      char *z = db_text(p->zNameSql, "t", zKey);
      json_t *v = z && z[0] ? json_string(z) : json_null();
      free(z);
      return v;
    }
  return json_null();
}

/* The UTC moment local midnight of date zDate plus nDay days begins, as the
 * audit log's `at` is written: from/to of the list are local dates. */
static void day_start_utc(const char *zDate, int nDay, char zOut[21]) {
  struct tm tm = {0};
  tm.tm_year = atoi(zDate) - 1900;
  tm.tm_mon = atoi(zDate + 5) - 1;
  tm.tm_mday = atoi(zDate + 8) + nDay;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  struct tm g;
  gmtime_r(&t, &g);
  strftime(zOut, 21, "%Y-%m-%dT%H:%M:%SZ", &g);
}

static const char zAuditWhere[] =
    " FROM audit a LEFT JOIN org o ON o.id=a.org_id"
    " WHERE ((o.path >= ?1 AND o.path < ?2) OR (?3 AND a.org_id=0))"
    " AND (?4 IS NULL OR a.action=?4) AND (?5 IS NULL OR a.entity=?5) AND (?6 IS NULL OR a.actor=?6)"
    " AND (?7 IS NULL OR a.at >= ?7) AND (?8 IS NULL OR a.at < ?8)";

/* The count of the list's entries; zParam: bAll, action, entity, actor and
 * the UTC bounds, separated by 0x1f. */
static void *count_compute(const MemoArgs *pA) {
  char z[sizeof pA->zParam], *az[6] = {0}, zHi[256];
  snprintf(z, sizeof z, "%s", pA->zParam);
  char *p = z;
  for (int i = 0; i < 6; i++) {
    az[i] = p;
    char *q = strchr(p, '\x1f');
    if (q) *q = 0, p = q + 1;
    else p += strlen(p);
  }
  scope_range(pA->zPath, zHi);
#define NZ(z) ((z) && (z)[0] ? (z) : 0)
  char *zCount = xprintf("SELECT count(*)%s", zAuditWhere);
  long long n = db_int(-1, zCount, "ttittttt", pA->zPath, zHi, atoi(az[0]), NZ(az[1]), NZ(az[2]), NZ(az[3]), NZ(az[4]),
                       NZ(az[5]));
#undef NZ
  free(zCount);
  return n < 0 ? 0 : json_integer(n);
}
static const MemoKind countKind = {"audit-count", count_compute, memo_json_free};

/* GET /api/v1/audit?org=&action=&entity=&actor=&from=&to=&limit=&offset= :
 * newest first, within the subtree. */
static void audit_list(Req *r) {
  char zHi[256];
  scope_range(r->scope.zPath, zHi);
  long long limit = api_query_int(r, "limit", 50), offset = api_query_int(r, "offset", 0);
  const char *zAction = api_query(r, "action"), *zEntity = api_query(r, "entity"), *zActor = api_query(r, "actor");
  const char *zF = api_query(r, "from"), *zT = api_query(r, "to");
  char zFrom[11] = "", zTo[11] = "", zLo[21] = "", zUp[21] = "";
  if (zAction && zAction[0] && !module_enum_has("audit_action", zAction)) {
    api_error(r, 400, "invalid", "action", "没有这种操作：%.32s", zAction);
    return;
  }
  if (zEntity && zEntity[0] && !module_enum_has("audit_entity", zEntity)) {
    api_error(r, 400, "invalid", "entity", "没有这种对象：%.32s", zEntity);
    return;
  }
  if (zF && zF[0] && text_parse_date(zF, zFrom)) {
    api_error(r, 400, "invalid", "from", "from 不是有效日期");
    return;
  }
  if (zT && zT[0] && text_parse_date(zT, zTo)) {
    api_error(r, 400, "invalid", "to", "to 不是有效日期");
    return;
  }
  if (zFrom[0] && zTo[0] && strcmp(zFrom, zTo) > 0) {
    api_error(r, 400, "invalid", "to", "to 早于 from");
    return;
  }
  if (zFrom[0]) day_start_utc(zFrom, 0, zLo);
  if (zTo[0]) day_start_utc(zTo, 1, zUp);
  /* Entries with no organization (user accounts of the whole system) are
   * shown to admins at the root only. */
  int bAll = r->user.role == ROLE_ADMIN && r->scope.zPath[0] && strcmp(r->scope.zPath, r->user.zOrgPath) == 0 &&
             db_int(0, "SELECT parent_id IS NULL FROM org WHERE id=?", "I", r->scope.id);
  const char *zWhere = zAuditWhere;
#define NZ(z) ((z) && (z)[0] ? (z) : 0)
  const char *zLoQ = zLo[0] ? zLo : 0, *zUpQ = zUp[0] ? zUp : 0;
  char *zCount = xprintf("SELECT count(*)%s", zWhere);
  char *zSel = xprintf("SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_key, o.code, a.before, a.after, o.name"
                       "%s ORDER BY a.id DESC LIMIT ?9 OFFSET ?10", zWhere);
  /* The total: kept for a large subtree (a province's log has millions of
   * entries, and counting them takes seconds), so while entries are being
   * added it may lag by the last few, marked stale (memo.h). */
  MemoArgs args;
  memo_args(&args, &r->scope, "%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", bAll, zAction ? zAction : "", zEntity ? zEntity : "",
            zActor ? zActor : "", zLo, zUp);
  MemoInfo info = {"", 0, 0};
  long long total;
  if (strlen(args.zParam) + 1 < sizeof args.zParam) {
    json_t *pN = memo_json(&countKind, &args, &info);
    total = pN ? json_integer_value(pN) : 0;
    json_decref(pN);
  } else {
    total = db_int(0, zCount, "ttittttt", r->scope.zPath, zHi, bAll, NZ(zAction), NZ(zEntity), NZ(zActor), zLoQ, zUpQ);
    util_timestamp(info.zComputedAt);
  }
  DbStmt *s = db_stmt(zSel, "ttitttttII", r->scope.zPath, zHi, bAll, NZ(zAction), NZ(zEntity),
                      NZ(zActor), zLoQ, zUpQ, limit, offset);
#undef NZ
  /* The names of objects are looked up once the page is read: the lookups
   * use the same connection's statement cache. */
  json_t *aItem = json_array();
  while (s && db_step(s) == 1) {
    json_array_append_new(aItem, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
        "id", (json_int_t)db_col_int(s, 0), "at", db_col_text(s, 1), "actor", db_col_text(s, 2),
        "action", db_col_text(s, 3), "entity", db_col_text(s, 4),
        "key", db_col_isnull(s, 5) ? json_null() : json_string(db_col_text(s, 5)),
        "org_code", db_col_isnull(s, 6) ? json_null() : json_string(db_col_text(s, 6)),
        "org_name", db_col_isnull(s, 9) ? json_null() : json_string(db_col_text(s, 9)),
        "before", audit_masked(db_col_isnull(s, 7) ? 0 : db_col_text(s, 7)),
        "after", audit_masked(db_col_isnull(s, 8) ? 0 : db_col_text(s, 8))));
  }
  size_t i;
  json_t *e;
  json_array_foreach(aItem, i, e) {
    json_t *k = json_object_get(e, "key");
    json_object_set_new(e, "object_name", object_name(json_string_value(json_object_get(e, "entity")),
                                                      json_is_string(k) ? json_string_value(k) : 0,
                                                      json_object_get(e, "after"), json_object_get(e, "before")));
  }
  free(zCount);
  free(zSel);
  json_t *pOut = json_pack("{s:o, s:I}", "items", aItem, "total", (json_int_t)total);
  memo_annotate(pOut, &info);
  api_json(r, 200, pOut);
}

static const QParam aAuditQuery[] = {
  {"org", Q_ORG, 0, 32, 0},
  {"action", Q_TEXT, 0, 32, 0},   /* one of GET /meta audit_action, checked by audit_list */
  {"entity", Q_TEXT, 0, 32, 0},   /* one of audit_entity */
  {"actor", Q_TEXT, 0, 64, 0},
  {"from", Q_TEXT, 0, 32, 0},
  {"to", Q_TEXT, 0, 32, 0},
  {"limit", Q_INT, 1, 500, 0},
  {"offset", Q_INT, 0, 1000000000, 0},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"GET", "/api/v1/audit", audit_list, R_STAFF | R_QORG, aAuditQuery, "audit log of a subtree, newest first", 0, 0, 0},
};

static int cmd_audit_verify(const CliArgs *p) {
  if (cli_open_db(p, 0)) return 1;
  long long n, bad;
  const char *zWhy;
  if (audit_verify(&n, &bad, &zWhy) == 0) {
    printf("ok: %lld entries, chain intact\n", n);
    return 0;
  }
  if (bad) printf("BROKEN at entry %lld: %s (%lld entries before it are intact)\n", bad, zWhy, n);
  else printf("could not read the audit log\n");
  return 1;
}

static const CliOpt aVerifyOpt[] = {
  {"db", 1, 1, "the database"},
  {0, 0, 0, 0},
};

static const Command aCommandTable[] = {
  {"audit", "verify", cmd_audit_verify, aVerifyOpt, 0, 0, "",
   "Checks the audit log's hash chain from the first entry on and names the first entry that breaks it."},
};

/* The server's start: the count of the whole log as an admin at the root
 * sees it unfiltered, computed behind (memo.h). */
static int audit_start(void) {
  memo_warm_root(&countKind, "1\x1f\x1f\x1f\x1f\x1f");
  return 0;
}

const Module audit_module = {
  .zName = "audit",
  .xStart = audit_start,
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aCommand = MODULE_ARRAY(aCommandTable),
  .aEnum = MODULE_ARRAY(aEnum),
};
