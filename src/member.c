/* member.c: Party members: declared fields, the rules of domain.md that tie
 * them together, storage, search by name / pinyin / initials / ID number,
 * and the /api/v1/members routes. */
#include "member.h"
#include "stats.h"
#include "module.h"
#include "audit.h"
#include "buf.h"
#include "db.h"
#include "events.h"
#include "idcard.h"
#include "meeting.h"
#include "org.h"
#include "pinyin.h"
#include "text.h"
#include "util.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azGender[] = {"男", "女", 0};
/* The 56 ethnic groups of GB/T 3304, in its order. */
static const char *const azEthnic[] = {
  "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
  "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
  "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
  "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
  "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", 0};
static const char *const azEdu[] = {"研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下", 0};
static const char *const azCategory[] = {"正式党员", "预备党员", 0};

const Field member_aField[M_NFIELD] = {
  [M_NAME] = {"name", "姓名", FT_TEXT, F_REQUIRED, 50, 0},
  [M_IDNUM] = {"id_number", "公民身份号码", FT_IDNUM, F_REQUIRED | F_PII, 18, 0},
  [M_GENDER] = {"gender", "性别", FT_ENUM, 0, 0, azGender},
  [M_BIRTH] = {"birth_date", "出生日期", FT_DATE, 0, 0, 0},
  [M_ETHNIC] = {"ethnicity", "民族", FT_ENUM, 0, 0, azEthnic},
  [M_EDU] = {"education", "学历", FT_ENUM, 0, 0, azEdu},
  [M_CATEGORY] = {"category", "人员类别", FT_ENUM, F_REQUIRED, 0, azCategory},
  [M_JOINED] = {"joined_on", "入党日期", FT_DATE, F_REQUIRED, 0, 0},
  [M_FULL] = {"full_on", "转正日期", FT_DATE, 0, 0, 0},
  [M_ORG] = {"org_code", "所在党组织编码", FT_CODE, F_REQUIRED | F_ORGREF, 32, 0},
  [M_OCC] = {"occupation", "工作岗位", FT_TEXT, 0, 50, 0},
  [M_PHONE] = {"phone", "联系电话", FT_PHONE, F_PII | F_CONTACT, 20, 0},
  [M_MOBILE] = {"mobile", "是否流动党员", FT_BOOL, 0, 0, 0},
  [M_MOBLOC] = {"mobile_location", "流入地", FT_TEXT, F_CONTACT, 100, 0},
  [M_INCOME] = {"monthly_income", "月收入", FT_MONEY, 0, 0, 0},
};

#define MEMBER_COLUMNS \
  "m.name, m.id_number, m.gender, m.birth_date, m.ethnicity, m.education, m.category, m.joined_on, m.full_on," \
  " o.code, m.occupation, m.phone, m.mobile, m.mobile_location, m.monthly_income"

int member_load(long long id, Rec *p) {
  DbStmt *s = db_stmt("SELECT " MEMBER_COLUMNS " FROM member m JOIN org o ON o.id=m.org_id WHERE m.id=?", "I", id);
  if (!s || db_step(s) != 1) return -1;
  for (int i = 0; i < M_NFIELD; i++) rec_set(p, i, db_col_dup(s, i));
  db_step(s);
  return 0;
}

long long member_find(const char *zIdNumber) {
  return db_int(0, "SELECT id FROM member WHERE id_number=?", "t", zIdNumber);
}

int member_check(Rec *p, FieldErr *pErr) {
  if (rec_require(p, pErr)) return -1;
  char zId[19], zBirth[11];
  int bFemale;
  const char *zWhy;
  if (idcard_parse(p->az[M_IDNUM], zId, zBirth, &bFemale, &zWhy))
    return field_err(pErr, M_IDNUM, "invalid", "公民身份号码：%s", zWhy);
  const char *zSex = bFemale ? "女" : "男";
  if (!p->az[M_GENDER]) rec_set(p, M_GENDER, xstrdup(zSex));
  else if (strcmp(p->az[M_GENDER], zSex) != 0)
    return field_err(pErr, M_GENDER, "invalid", "性别“%s”与公民身份号码（%s）不符", p->az[M_GENDER], zSex);
  if (!p->az[M_BIRTH]) rec_set(p, M_BIRTH, xstrdup(zBirth));
  else if (strcmp(p->az[M_BIRTH], zBirth) != 0)
    return field_err(pErr, M_BIRTH, "invalid", "出生日期 %s 与公民身份号码（%s）不符", p->az[M_BIRTH], zBirth);
  char zToday[11], z18[11], zYear[11];
  util_today(zToday);
  const char *zJoined = p->az[M_JOINED], *zFull = p->az[M_FULL];
  if (strcmp(zJoined, zToday) > 0) return field_err(pErr, M_JOINED, "invalid", "入党日期 %s 在今天之后", zJoined);
  text_date_add_months(zBirth, 18 * 12, z18);
  if (strcmp(zJoined, z18) < 0)
    return field_err(pErr, M_JOINED, "invalid", "入党日期 %s 时未满18岁（%s 满18岁）", zJoined, z18);
  if (strcmp(p->az[M_CATEGORY], "正式党员") == 0) {
    if (!zFull) return field_err(pErr, M_FULL, "required", "正式党员须填转正日期");
    text_date_add_months(zJoined, 12, zYear);
    if (strcmp(zFull, zYear) < 0)
      return field_err(pErr, M_FULL, "invalid", "转正日期 %s 早于入党满一年（%s）", zFull, zYear);
    if (strcmp(zFull, zToday) > 0) return field_err(pErr, M_FULL, "invalid", "转正日期 %s 在今天之后", zFull);
  } else if (zFull) {
    return field_err(pErr, M_FULL, "invalid", "预备党员不应有转正日期");
  }
  if (!p->az[M_MOBILE]) rec_set(p, M_MOBILE, xstrdup("0"));
  return 0;
}

int member_branch(const char *zCode, FieldErr *pErr, long long *pOrgId) {
  DbStmt *s = db_stmt("SELECT id, kind FROM org WHERE code=?", "t", zCode);
  if (!s || db_step(s) != 1) return field_err(pErr, M_ORG, "not_found", "所在党组织编码不存在：%s", zCode);
  long long orgId = db_col_int(s, 0);
  char zKind[32];
  snprintf(zKind, sizeof zKind, "%s", db_col_text(s, 1));
  db_step(s);
  if (!org_is_branch(zKind)) return field_err(pErr, M_ORG, "invalid", "%s 是%s，党员只能编入党支部", zCode, zKind);
  *pOrgId = orgId;
  return 0;
}

int member_validate(Rec *p, FieldErr *pErr, long long *pOrgId) {
  /* A duplicate ID number is found by member_save, inside the write
   * transaction, where no other writer can slip in between. */
  return member_check(p, pErr) ? -1 : member_branch(p->az[M_ORG], pErr, pOrgId);
}

int member_save(const Rec *p, const Rec *pOld, long long oldId, long long orgId, const char *zActor, FieldErr *pErr,
                long long *pId) {
  char zAt[32], zFull[128], zInit[64];
  util_timestamp(zAt);
  pinyin_of(p->az[M_NAME], zFull, sizeof zFull, zInit, sizeof zInit);
  const char **a = (const char **)p->az;
  long long income = a[M_INCOME] ? atoll(a[M_INCOME]) : -1;
  int mobile = a[M_MOBILE] && strcmp(a[M_MOBILE], "1") == 0;
  int rc;
  if (!pOld) {
    if (member_find(a[M_IDNUM])) return field_err(pErr, M_IDNUM, "conflict", "公民身份号码已登记在另一名党员名下");
    rc = db_exec("INSERT INTO member(org_id, name, id_number, gender, birth_date, ethnicity, education, category,"
                 " joined_on, full_on, occupation, phone, mobile, mobile_location, monthly_income, pinyin, initials,"
                 " updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,nullif(?,-1),?,?,?)",
                 "ItttttttttttitIttt", orgId, a[M_NAME], a[M_IDNUM], a[M_GENDER], a[M_BIRTH], a[M_ETHNIC], a[M_EDU],
                 a[M_CATEGORY], a[M_JOINED], a[M_FULL], a[M_OCC], a[M_PHONE], mobile, a[M_MOBLOC], income, zFull,
                 zInit, zAt);
    if (rc) return -2;
    *pId = db_last_rowid();
  } else {
    *pId = oldId;
    long long other = member_find(a[M_IDNUM]);
    if (other && other != oldId) return field_err(pErr, M_IDNUM, "conflict", "公民身份号码已登记在另一名党员名下");
    /* A member who leaves a branch, whichever way, leaves its committee and groups. */
    long long oldOrgId = db_int(0, "SELECT org_id FROM member WHERE id=?", "I", oldId);
    if (oldOrgId && oldOrgId != orgId && group_member_leaves(oldId, oldOrgId, 0, zActor)) return -2;
    rc = db_exec("UPDATE member SET org_id=?, name=?, id_number=?, gender=?, birth_date=?, ethnicity=?, education=?,"
                 " category=?, joined_on=?, full_on=?, occupation=?, phone=?, mobile=?, mobile_location=?,"
                 " monthly_income=nullif(?,-1), pinyin=?, initials=?, updated_at=? WHERE id=?",
                 "ItttttttttttitItttI", orgId, a[M_NAME], a[M_IDNUM], a[M_GENDER], a[M_BIRTH], a[M_ETHNIC],
                 a[M_EDU], a[M_CATEGORY], a[M_JOINED], a[M_FULL], a[M_OCC], a[M_PHONE], mobile, a[M_MOBLOC], income,
                 zFull, zInit, zAt, oldId);
    if (rc) return -2;
  }
  events_note(EV_MEMBER, *pId);
  if (!zActor) return 0;  /* the caller audits a bulk change as a whole */
  json_t *pBefore = pOld ? member_json(0, pOld, 1) : 0, *pAfter = member_json(0, p, 1);
  char zKey[32];
  snprintf(zKey, sizeof zKey, "%lld", *pId);
  rc = audit_append(zActor, pOld ? "update" : "create", "member", zKey, orgId, pBefore, pAfter);
  json_decref(pBefore);
  json_decref(pAfter);
  return rc ? -2 : 0;
}

/* ---- many new members at once (a bulk import) ------------------------------ */

#define BATCH_ROWS 64   /* rows per INSERT: 64 x 18 parameters */
#define INSERT_COLUMNS \
  "org_id, name, id_number, gender, birth_date, ethnicity, education, category, joined_on, full_on, occupation," \
  " phone, mobile, mobile_location, monthly_income, pinyin, initials, updated_at"
#define INSERT_ARGS 18

struct MemberBatch {
  MemberNew a[BATCH_ROWS];
  int n;
  const char *zActor;  /* set: audit each row */
};

MemberBatch *member_batch_new(void) { return xcalloc(1, sizeof(MemberBatch)); }

void member_batch_audit(MemberBatch *b, const char *zActor) { b->zActor = zActor; }

/* Appends z to b as a JSON string (null for NULL), escaped as jansson
 * escapes it: quote, backslash and control characters; UTF-8 as it is. */
static void json_str(Buf *b, const char *z) {
  if (!z) {
    buf_puts(b, "null");
    return;
  }
  buf_putc(b, '"');
  for (const char *q = z;; q++) {
    unsigned char c = (unsigned char)*q;
    if (c && c != '"' && c != '\\' && c >= 0x20) continue;
    buf_append(b, z, (size_t)(q - z));
    if (!c) break;
    if (c == '"' || c == '\\') {
      buf_putc(b, '\\');
      buf_putc(b, (char)c);
    } else {
      buf_printf(b, "\\u%04x", c);
    }
    z = q + 1;
  }
  buf_putc(b, '"');
}

void member_new_audit(MemberNew *r, const char *zFile) {
  /* The text jansson's json_dumps(JSON_COMPACT | JSON_SORT_KEYS) gives for
   * the same object (the keys below in sorted order), written directly:
   * a county's import makes 30,000 of them, and building and dumping a
   * jansson object for each costs a fifth of the import. */
  Buf b = BUF_INIT;
  buf_puts(&b, "{\"category\":");
  json_str(&b, r->az[M_CATEGORY]);
  buf_puts(&b, ",\"file\":");
  json_str(&b, zFile ? zFile : "");
  buf_puts(&b, ",\"id_number\":");
  json_str(&b, r->az[M_IDNUM]);
  buf_puts(&b, ",\"joined_on\":");
  json_str(&b, r->az[M_JOINED]);
  buf_puts(&b, ",\"name\":");
  json_str(&b, r->az[M_NAME]);
  buf_puts(&b, ",\"org_code\":");
  json_str(&b, r->az[M_ORG]);
  buf_putc(&b, '}');
  free(r->zAudit);
  r->zAudit = buf_take(&b);
}

/* Binds row k of an INSERT of INSERT_COLUMNS at its place in the statement. */
static int batch_bind(DbStmt *s, int k, const MemberNew *r, const char *zAt) {
  int i = k * INSERT_ARGS + 1, rc = db_bind_int(s, i++, r->orgId);
  static const int aText[] = {M_NAME, M_IDNUM, M_GENDER, M_BIRTH, M_ETHNIC, M_EDU, M_CATEGORY,
                              M_JOINED, M_FULL, M_OCC, M_PHONE};
  for (size_t t = 0; t < ARRAY_LEN(aText); t++) rc |= db_bind_text(s, i++, r->az[aText[t]]);
  rc |= db_bind_int(s, i++, r->az[M_MOBILE] && strcmp(r->az[M_MOBILE], "1") == 0);
  rc |= db_bind_text(s, i++, r->az[M_MOBLOC]);
  if (r->az[M_INCOME]) rc |= db_bind_int(s, i++, atoll(r->az[M_INCOME]));
  else rc |= db_bind_text(s, i++, 0);
  rc |= db_bind_text(s, i++, r->zPinyin);
  rc |= db_bind_text(s, i++, r->zInit);
  rc |= db_bind_text(s, i, zAt);
  return rc;
}

/* The INSERTs of BATCH_ROWS rows and of one row, built once per process (the
 * statement cache keys on the text). */
static char *zBatchSql, *zOneSql;
static pthread_once_t batchSqlOnce = PTHREAD_ONCE_INIT;
static char *insert_sql(int n) {
  Buf b = BUF_INIT;
  buf_printf(&b, "INSERT INTO member(" INSERT_COLUMNS ") VALUES");
  for (int k = 0; k < n; k++) buf_printf(&b, "%s(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", k ? "," : "");
  char *z = xstrdup(buf_str(&b));  /* never freed: one copy per process */
  buf_free(&b);
  return z;
}
static void batch_sql_init(void) {
  zBatchSql = insert_sql(BATCH_ROWS);
  zOneSql = insert_sql(1);
}
static const char *batch_sql(int n) {
  pthread_once(&batchSqlOnce, batch_sql_init);
  return n == 1 ? zOneSql : zBatchSql;
}

/* Writes rows [i0, i0+n) of the batch with one INSERT. 0, or -2. */
static int batch_write(MemberBatch *b, int i0, int n, const char *zAt) {
  DbStmt *s = db_prepare(batch_sql(n));
  if (!s) return -2;
  for (int k = 0; k < n; k++)
    if (batch_bind(s, k, &b->a[i0 + k], zAt)) return -2;
  if (db_step(s) != 0) return -2;
  /* The rows of one INSERT take consecutive new ids, the last one last. */
  long long last = db_last_rowid();
  for (int k = 0; k < n; k++) events_note(EV_MEMBER, last - n + 1 + k);
  if (!b->zActor) return 0;
  /* One entry per member, so that its history starts with the file that
   * brought it. */
  char azKey[BATCH_ROWS][24];
  const char *azK[BATCH_ROWS], *azAfter[BATCH_ROWS];
  long long aOrg[BATCH_ROWS];
  int m = 0;
  for (int k = 0; k < n; k++) {
    const MemberNew *r = &b->a[i0 + k];
    if (!r->zAudit) continue;
    snprintf(azKey[m], sizeof azKey[m], "%lld", last - n + 1 + k);
    azK[m] = azKey[m];
    aOrg[m] = r->orgId;
    azAfter[m++] = r->zAudit;
  }
  int rc = audit_append_many(b->zActor, "import", "member", m, azK, aOrg, azAfter);
  return rc ? -2 : 0;
}

void member_new(MemberNew *pNew, Rec *p, long long orgId) {
  pNew->orgId = orgId;
  pNew->zAudit = 0;
  for (int i = 0; i < M_NFIELD; i++) {
    pNew->az[i] = p->az[i];
    p->az[i] = 0;
  }
  pinyin_of(pNew->az[M_NAME], pNew->zPinyin, sizeof pNew->zPinyin, pNew->zInit, sizeof pNew->zInit);
}

void member_new_free(MemberNew *pNew) {
  for (int i = 0; i < M_NFIELD; i++) {
    free(pNew->az[i]);
    pNew->az[i] = 0;
  }
  free(pNew->zAudit);
  pNew->zAudit = 0;
}

int member_batch_flush(MemberBatch *b) {
  char zAt[32];
  util_timestamp(zAt);
  int rc = 0;
  if (b->n == BATCH_ROWS) rc = batch_write(b, 0, BATCH_ROWS, zAt);
  else
    for (int k = 0; k < b->n && rc == 0; k++) rc = batch_write(b, k, 1, zAt);
  for (int k = 0; k < b->n; k++) member_new_free(&b->a[k]);
  b->n = 0;
  return rc;
}

int member_batch_add(MemberBatch *b, MemberNew *pNew) {
  b->a[b->n++] = *pNew;
  memset(pNew->az, 0, sizeof pNew->az);
  pNew->zAudit = 0;
  return b->n == BATCH_ROWS ? member_batch_flush(b) : 0;
}

void member_batch_free(MemberBatch *b) {
  if (!b) return;
  for (int k = 0; k < b->n; k++) member_new_free(&b->a[k]);
  free(b);
}

json_t *member_json(long long id, const Rec *p, int bReveal) {
  json_t *o = json_object();
  if (id) json_object_set_new(o, "id", json_integer(id));
  for (int i = 0; i < p->nField; i++) json_object_set_new(o, p->aField[i].zJson, rec_json_value(p, i, bReveal));
  if (id) {
    DbStmt *s = db_stmt("SELECT o.name, m.updated_at, m.status FROM member m JOIN org o ON o.id=m.org_id WHERE m.id=?",
                        "I", id);
    if (s && db_step(s) == 1) {
      json_object_set_new(o, "org_name", json_string(db_col_text(s, 0)));
      json_object_set_new(o, "updated_at", json_string(db_col_text(s, 1)));
      json_object_set_new(o, "status", json_string(db_col_text(s, 2)));
      db_step(s);
    }
  }
  return o;
}

/* ---- API ----------------------------------------------------------------- */

static int may_reveal(Req *r) {
  return api_query_bool(r, "reveal") && (r->user.role == ROLE_ADMIN || r->user.role == ROLE_ORG_ADMIN);
}

/* Records that personal data was shown unmasked. 0 or -1. */
static int audit_reveal(Req *r, const char *zWhat, long long orgId) {
  if (db_begin()) return -1;
  if (audit_append(api_actor(r), "reveal", "member", zWhat, orgId, 0, 0) || db_commit()) {
    db_rollback();
    return -1;
  }
  return 0;
}

/* Escapes % _ and \ for LIKE ... ESCAPE '\'. */
static void like_escape(Buf *b, const char *z) {
  for (; *z; z++) {
    if (*z == '%' || *z == '_' || *z == '\\') buf_putc(b, '\\');
    buf_putc(b, *z);
  }
}

/* GET /api/v1/orgs/{code}/members?q=&limit=&offset= */
static void member_list(Req *r) {
  char zHi[256];
  scope_range(r->scope.zPath, zHi);
  long long limit = api_query_int(r, "limit", 20), offset = api_query_int(r, "offset", 0);
  const char *zQ0 = api_query(r, "q");
  const char *zStatus = api_query(r, "status") ? api_query(r, "status") : "active";
  char *zQ = zQ0 ? text_normalize(zQ0) : 0;
  Buf name = BUF_INIT, py = BUF_INIT, idp = BUF_INIT;
  int bQ = zQ && zQ[0];
  if (bQ) {
    buf_putc(&name, '%');
    like_escape(&name, zQ);
    buf_putc(&name, '%');
    size_t n = strlen(zQ);
    if (strspn(zQ, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == n) {
      for (size_t i = 0; i < n; i++) buf_putc(&py, (char)(zQ[i] | 0x20));
      buf_putc(&py, '%');
    }
    /* By ID number: a prefix for those who may see numbers whole; others
     * only the whole number, so a masked number cannot be rebuilt digit by
     * digit from search results. */
    int bMayReveal = r->user.role == ROLE_ADMIN || r->user.role == ROLE_ORG_ADMIN;
    if ((bMayReveal ? n >= 6 : n == 18) && n <= 18 && strspn(zQ, "0123456789Xx") == n) {
      for (size_t i = 0; i < n; i++) buf_putc(&idp, zQ[i] == 'x' ? 'X' : zQ[i]);
      if (n < 18) buf_putc(&idp, '%');
    }
  }
  /* The total of the plain list (the active roster, no search) from the
   * statistics index: counting a province's roster takes seconds. */
  long long total;
  if (bQ || strcmp(zStatus, "active") != 0 || stats_index_members(r->scope.id, &total))
    total = db_int(0, "SELECT count(*)" " FROM member m JOIN org o ON o.id=m.org_id WHERE o.path >= ?1"
                              " AND o.path < ?2 AND (?7 = 'all' OR m.status = ?7) AND (?3 = 0 OR m.name LIKE ?4 ESCAPE '\\' OR m.pinyin LIKE ?5"
                              " OR m.initials LIKE ?5 OR m.id_number LIKE ?6)",
                           "ttiTTTt", r->scope.zPath, zHi, bQ, buf_str(&name), buf_str(&py), buf_str(&idp), zStatus);
  DbStmt *s = db_stmt("SELECT m.id FROM member m JOIN org o ON o.id=m.org_id WHERE o.path >= ?1 AND o.path < ?2"
                      " AND (?9 = 'all' OR m.status = ?9) AND (?3 = 0 OR m.name LIKE ?4 ESCAPE '\\' OR m.pinyin LIKE ?5 OR m.initials LIKE ?5"
                      " OR m.id_number LIKE ?6) ORDER BY o.path, m.id LIMIT ?7 OFFSET ?8",
                      "ttiTTTIIt", r->scope.zPath, zHi, bQ, buf_str(&name), buf_str(&py), buf_str(&idp), limit,
                      offset, zStatus);
  json_t *aId = json_array();
  while (s && db_step(s) == 1) json_array_append_new(aId, json_integer(db_col_int(s, 0)));
  int bReveal = may_reveal(r);
  json_t *aItem = json_array();
  Rec rec;
  rec_init(&rec, member_aField, M_NFIELD);
  size_t i;
  json_t *v;
  json_array_foreach(aId, i, v) {
    rec_clear(&rec);
    if (member_load(json_integer_value(v), &rec) == 0)
      json_array_append_new(aItem, member_json(json_integer_value(v), &rec, bReveal));
  }
  rec_free(&rec);
  json_decref(aId);
  buf_free(&name);
  buf_free(&py);
  buf_free(&idp);
  free(zQ);
  if (bReveal && audit_reveal(r, "list", r->scope.id)) {
    json_decref(aItem);
    api_internal(r);
    return;
  }
  api_json(r, 200, json_pack("{s:o, s:I}", "items", aItem, "total", (json_int_t)total));
}

static void member_get(Req *r) {
  Rec rec;
  rec_init(&rec, member_aField, M_NFIELD);
  member_load(r->memberId, &rec);
  int bSelf = r->user.role == ROLE_MEMBER;
  int bReveal = bSelf || may_reveal(r);
  char zKey[32];
  snprintf(zKey, sizeof zKey, "%lld", r->memberId);
  if (!bSelf && bReveal &&
      audit_reveal(r, zKey, db_int(0, "SELECT org_id FROM member WHERE id=?", "I", r->memberId))) {
    rec_free(&rec);
    api_internal(r);
    return;
  }
  api_json(r, 200, member_json(r->memberId, &rec, bReveal));
  rec_free(&rec);
}

/* Validates r->rec (merged onto pOld for a change), saves, answers. */
static void member_write(Req *r, const Rec *pOld, long long oldId, int status) {
  FieldErr fe;
  long long orgId, id;
  if (member_validate(&r->rec, &fe, &orgId)) {
    api_field_error(r, &r->rec, &fe);
    return;
  }
  int bReveal = r->user.role == ROLE_MEMBER || may_reveal(r);
  if (pOld && rec_same(pOld, &r->rec)) {
    api_json(r, 200, member_json(oldId, &r->rec, bReveal));
    return;
  }
  if (db_begin()) {
    api_internal(r);
    return;
  }
  int rc = member_save(&r->rec, pOld, oldId, orgId, api_actor(r), &fe, &id);
  if (rc == -1) {
    db_rollback();
    api_field_error(r, &r->rec, &fe);
    return;
  }
  if (rc || db_commit()) {
    api_internal(r);
    return;
  }
  api_json(r, status, member_json(id, &r->rec, bReveal));
}

static void member_create(Req *r) { member_write(r, 0, 0, 201); }

static void member_patch(Req *r) {
  Rec old;
  rec_init(&old, member_aField, M_NFIELD);
  member_load(r->memberId, &old);
  for (int i = 0; i < M_NFIELD; i++)
    if (!r->rec.aSet[i]) rec_set(&r->rec, i, old.az[i] ? xstrdup(old.az[i]) : 0);
  member_write(r, &old, r->memberId, 200);
  rec_free(&old);
}

static void member_delete(Req *r) {
  Rec old;
  rec_init(&old, member_aField, M_NFIELD);
  member_load(r->memberId, &old);
  long long orgId = db_int(0, "SELECT org_id FROM member WHERE id=?", "I", r->memberId);
  char zKey[32];
  snprintf(zKey, sizeof zKey, "%lld", r->memberId);
  json_t *pBefore = member_json(0, &old, 1);
  int rc = db_begin() || db_exec("DELETE FROM member WHERE id=?", "I", r->memberId);
  if (!rc) events_note(EV_MEMBER, r->memberId);
  rc = rc ||
           db_exec("UPDATE user SET disabled=1, member_id=NULL WHERE member_id=?", "I", r->memberId) ||
           audit_append(api_actor(r), "delete", "member", zKey, orgId, pBefore, 0) || db_commit();
  json_decref(pBefore);
  rec_free(&old);
  if (rc) {
    api_internal(r);
    return;
  }
  api_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static const char *const azStatus[] = {"active", "suspended", "left", "deceased", "expelled", "all", 0};
static const QParam aListQuery[] = {
  {"q", Q_TEXT, 0, 50, 0},
  {"status", Q_ENUM, 0, 0, azStatus},
  {"limit", Q_INT, 1, 200, 0},
  {"offset", Q_INT, 0, 100000000, 0},
  {"reveal", Q_BOOL, 0, 0, 0},
  {0, 0, 0, 0, 0},
};
static const QParam aRevealQuery[] = {
  {"reveal", Q_BOOL, 0, 0, 0},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"GET", "/api/v1/orgs/{code}/members", member_list, R_STAFF | R_ORG, aListQuery,
   "members of the whole subtree; q searches name, pinyin, initials, ID number", 0, 0, 0},
  {"GET", "/api/v1/members/{id}", member_get, R_SELF | R_MEMBER, aRevealQuery, "one member", 0, 0, 0},
  {"POST", "/api/v1/members", member_create, R_WRITE | R_JSONBODY, aRevealQuery, "add a member to a branch",
   member_aField, M_NFIELD, 0},
  {"PATCH", "/api/v1/members/{id}", member_patch, R_WRITE | R_SELF | R_MEMBER | R_JSONBODY, aRevealQuery,
   "change a member (a member: own phone and mobile_location only)", member_aField, M_NFIELD, 0},
  {"DELETE", "/api/v1/members/{id}", member_delete, R_WRITE | R_MEMBER, 0, "remove a member entered in error", 0, 0, 0},
};

static const char *const azStatusValue[] = {"active", "suspended", "left", "deceased", "expelled", 0};
static const char *const azStatusLabel[] = {"在册", "停止党籍", "已出党", "已去世", "开除党籍", 0};
static const Enum aEnum[] = {
  {"gender", azGender, 0},
  {"education", azEdu, 0},
  {"category", azCategory, 0},
  {"ethnicity", azEthnic, 0},
  {"member_status", azStatusValue, azStatusLabel},
};
static const Form aForm[] = {{"member", member_aField, M_NFIELD}};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"member", "党员", "SELECT name FROM member WHERE id=?1"},
};

const Module member_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "member",
  .aEnum = MODULE_ARRAY(aEnum),
  .aForm = MODULE_ARRAY(aForm),
  .aRoute = MODULE_ARRAY(aRouteTable),
};
