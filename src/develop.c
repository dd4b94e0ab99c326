/* develop.c: the member-development pipeline (发展党员): applicant 入党申请人
 * -> activist 入党积极分子 -> candidate 发展对象 -> probationary 预备党员 ->
 * full 正式党员, through the 25 steps of the national procedure (发展党员
 * 工作细则, 2014; the table aStep), every step with its date, who, and
 * documents (references only); the order of the steps and the interval
 * rules of domain.md "Development" checked when a step is recorded
 * (absolute ones refuse with the rule named, customary ones warn) and
 * reported for a subtree; pools per stage, the yearly plan, and the
 * negative list. Applicants are not members: at the branch vote the person
 * becomes a probationary member through member_save, and at the conversion
 * a full one. */
#include "audit.h"
#include "module.h"
#include "db.h"
#include "memo.h"
#include "idcard.h"
#include "rule.h"
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
  /* The development pipeline: people, not members, until the branch vote. */
  "CREATE TABLE IF NOT EXISTS dev_person(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  name TEXT NOT NULL,\n"
  "  id_number TEXT NOT NULL UNIQUE,\n"
  "  gender TEXT NOT NULL,\n"
  "  birth_date TEXT NOT NULL,\n"
  "  ethnicity TEXT, education TEXT, occupation TEXT, phone TEXT,\n"
  "  stage TEXT NOT NULL CHECK(stage IN ('applicant','activist','candidate','probationary','full')),\n"
  "  applied_on TEXT NOT NULL,\n"
  "  member_id INTEGER,\n"
  "  created_at TEXT NOT NULL,\n"
  "  updated_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS dev_person_org ON dev_person(org_id, stage);\n"
  "CREATE TABLE IF NOT EXISTS dev_step(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  person_id INTEGER NOT NULL REFERENCES dev_person(id),\n"
  "  kind TEXT NOT NULL,\n"
  "  done_on TEXT NOT NULL,\n"
  "  by_whom TEXT, hours INTEGER, days INTEGER, months INTEGER, contacts TEXT,\n"
  "  introducer1 INTEGER, introducer2 INTEGER, documents TEXT, note TEXT, warnings TEXT,\n"
  "  recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS dev_step_person ON dev_step(person_id, kind);\n"
  "CREATE INDEX IF NOT EXISTS dev_step_kind ON dev_step(kind, done_on);\n"
  "CREATE TABLE IF NOT EXISTS dev_plan(org_id INTEGER NOT NULL, year INTEGER NOT NULL, activists INTEGER NOT NULL,\n"
  "  candidates INTEGER NOT NULL, members INTEGER NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,\n"
  "  PRIMARY KEY(org_id, year));\n"
  "CREATE TABLE IF NOT EXISTS dev_negative(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, name TEXT NOT NULL,\n"
  "  id_number TEXT NOT NULL UNIQUE, reason TEXT NOT NULL, listed_on TEXT NOT NULL, listed_by TEXT NOT NULL);\n",
  /* 2: a person's first step of a kind (min(done_on) by person and kind) from
   * the index alone: with (person_id, kind) only, SQLite walked the index on
   * (kind, done_on) through every person's steps of that kind instead, and
   * the alerts of a county took seconds. */
  "DROP INDEX IF EXISTS dev_step_person;\n"
  "CREATE INDEX dev_step_person ON dev_step(person_id, kind, done_on);\n",
  /* 3: the party group a probationary member is put in (assignment, 编入党支部和党小组). */
  "ALTER TABLE dev_step ADD COLUMN group_id INTEGER;\n",
};

static const char *cn(DbStmt *s, int i) { return db_col_isnull(s, i) ? 0 : db_col_text(s, i); }

static const char *const azStage[] = {"applicant", "activist", "candidate", "probationary", "full", 0};
static const char *const azStageName[] = {"入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员", 0};
/* The kinds of finding in the alerts (GET .../development/alerts, report development-alerts). */
static const char *const azAlert[] = {"talk_overdue", "probation_ending", "conversion_overdue", "approval_waiting",
                                      "conversion_approval_waiting", 0};
static const char *const azAlertName[] = {"逾期未谈话", "预备期本月届满", "转正逾期", "待审批超过 3 个月",
                                          "转正待审批超过 3 个月", 0};
enum { N_ALERT = ARRAY_LEN(azAlert) - 1 };

/* ---- applicants ---------------------------------------------------------------- */

enum { AP_NAME, AP_IDNUM, AP_APPLIED, AP_OCC, AP_PHONE, AP_DOCS, AP_NFIELD };
static const Field aApplicantField[AP_NFIELD] = {
  [AP_NAME] = {"name", "姓名", FT_TEXT, F_REQUIRED, 50, 0},
  [AP_IDNUM] = {"id_number", "公民身份号码", FT_IDNUM, F_REQUIRED | F_PII, 18, 0},
  [AP_APPLIED] = {"applied_on", "递交入党申请书日期", FT_DATE, F_REQUIRED, 0, 0},
  [AP_OCC] = {"occupation", "工作岗位", FT_TEXT, 0, 50, 0},
  [AP_PHONE] = {"phone", "联系电话", FT_PHONE, F_PII, 20, 0},
  [AP_DOCS] = {"documents", "材料（编号或存放位置）", FT_TEXT, 0, 500, 0},
};

/* The person as JSON, with their steps. */
static json_t *person_json(long long id) {
  DbStmt *s = db_stmt("SELECT p.name, p.id_number, p.gender, p.birth_date, o.code, o.name, p.stage, p.applied_on,"
                      " p.member_id, p.occupation, p.phone, p.updated_at FROM dev_person p JOIN org o ON o.id=p.org_id"
                      " WHERE p.id=?", "I", id);
  if (!s || db_step(s) != 1) return 0;
  char *zId = text_mask_id(db_col_text(s, 1));
  char *zPhone = db_col_isnull(s, 10) ? 0 : text_mask_phone(db_col_text(s, 10));
  json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s?, s:s}", "id", (json_int_t)id,
                        "name", db_col_text(s, 0), "id_number", zId, "gender", db_col_text(s, 2), "birth_date",
                        db_col_text(s, 3), "org_code", db_col_text(s, 4), "org_name", db_col_text(s, 5), "stage",
                        db_col_text(s, 6), "applied_on", db_col_text(s, 7), "member_id",
                        db_col_isnull(s, 8) ? json_null() : json_integer(db_col_int(s, 8)), "occupation", cn(s, 9),
                        "phone", zPhone, "updated_at", db_col_text(s, 11));
  db_step(s);
  free(zId);
  free(zPhone);
  json_t *aStep = json_array();
  s = db_stmt("SELECT st.id, st.kind, st.done_on, st.by_whom, st.hours, st.days, st.months, st.contacts,"
              " st.introducer1, st.introducer2, st.documents, st.note, st.warnings, st.recorded_by, st.recorded_at,"
              " st.group_id, g.name FROM dev_step st LEFT JOIN party_group g ON g.id=st.group_id"
              " WHERE st.person_id=? ORDER BY st.done_on, st.id", "I", id);
  while (s && db_step(s) == 1) {
    json_t *st = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0),
                           "kind", db_col_text(s, 1), "on", db_col_text(s, 2), "by", cn(s, 3), "contacts", cn(s, 7),
                           "documents", cn(s, 10), "note", cn(s, 11), "recorded_by", db_col_text(s, 13),
                           "recorded_at", db_col_text(s, 14));
    if (!db_col_isnull(s, 4)) json_object_set_new(st, "hours", json_real((double)db_col_int(s, 4) / 100.0));
    if (!db_col_isnull(s, 5)) json_object_set_new(st, "days", json_real((double)db_col_int(s, 5) / 100.0));
    if (!db_col_isnull(s, 6)) json_object_set_new(st, "months", json_integer(db_col_int(s, 6)));
    if (!db_col_isnull(s, 8)) json_object_set_new(st, "introducer1", json_integer(db_col_int(s, 8)));
    if (!db_col_isnull(s, 9)) json_object_set_new(st, "introducer2", json_integer(db_col_int(s, 9)));
    if (!db_col_isnull(s, 15)) {
      json_object_set_new(st, "group_id", json_integer(db_col_int(s, 15)));
      if (!db_col_isnull(s, 16)) json_object_set_new(st, "group_name", json_string(db_col_text(s, 16)));
    }
    json_t *w = db_col_isnull(s, 12) ? 0 : json_loads(db_col_text(s, 12), 0, 0);
    json_object_set_new(st, "warnings", w ? w : json_array());
    json_array_append_new(aStep, st);
  }
  json_object_set_new(o, "steps", aStep);
  return o;
}

/* 1 if zIdNumber is on the negative list (anywhere in the system). */
static int on_negative_list(const char *zIdNumber) {
  return db_exists("SELECT 1 FROM dev_negative WHERE id_number=?", "t", zIdNumber) == 1;
}

/* POST /api/v1/orgs/{code}/applicants: an application for membership
 * received by a branch (入党申请). Rules: dev.min_age (18 on the day of
 * application), dev.negative_list. */
static void applicant_create(Req *r) {
  if (!org_is_branch(r->scope.zKind)) {
    api_error(r, 400, "invalid", "code", "%s 是%s，入党申请由党支部受理", r->scope.zCode, r->scope.zKind);
    return;
  }
  const char *zId = r->rec.az[AP_IDNUM], *zOn = r->rec.az[AP_APPLIED];
  char zNorm[19], zBirth[11], zToday[11], z18[11];
  int bFemale;
  const char *zWhy;
  if (idcard_parse(zId, zNorm, zBirth, &bFemale, &zWhy)) {
    api_error(r, 400, "invalid", "id_number", "公民身份号码：%s", zWhy);
    return;
  }
  util_today(zToday);
  if (strcmp(zOn, zToday) > 0) {
    api_error(r, 400, "invalid", "applied_on", "申请日期 %s 在今天之后", zOn);
    return;
  }
  int nAge = (int)rule_value("dev.min_age_months", zOn, 216, 0);
  text_date_add_months(zBirth, nAge, z18);
  if (strcmp(zOn, z18) < 0) {
    rule_error(r, "dev.min_age", "applied_on", "申请入党须年满%d岁：出生于 %s，%s 起方可申请（申请日期 %s）",
                  nAge / 12, zBirth, z18, zOn);
    return;
  }
  if (on_negative_list(zNorm)) {
    rule_error(r, "dev.negative_list", "id_number", "此人在不得发展的人员名单中，不能受理入党申请");
    return;
  }
  if (member_find(zNorm)) {
    api_error(r, 409, "conflict", "id_number", "此人已是党员");
    return;
  }
  if (db_exists("SELECT 1 FROM dev_person WHERE id_number=?", "t", zNorm) == 1) {
    api_error(r, 409, "conflict", "id_number", "此人已在发展党员工作中登记");
    return;
  }
  char zAt[32];
  util_timestamp(zAt);
  int rc = db_begin() ||
           db_exec("INSERT INTO dev_person(org_id, name, id_number, gender, birth_date, occupation, phone, stage,"
                   " applied_on, created_at, updated_at) VALUES(?,?,?,?,?,?,?,'applicant',?,?,?)", "Ittttttttt",
                   r->scope.id, r->rec.az[AP_NAME], zNorm, bFemale ? "女" : "男", zBirth, r->rec.az[AP_OCC],
                   r->rec.az[AP_PHONE], zOn, zAt, zAt);
  long long id = rc ? 0 : db_last_rowid();
  rc = rc ||
       db_exec("INSERT INTO dev_step(person_id, kind, done_on, documents, recorded_by, recorded_at)"
               " VALUES(?,'application',?,?,?,?)", "Itttt", id, zOn, r->rec.az[AP_DOCS], api_actor(r), zAt);
  json_t *pAfter = rc ? 0 : person_json(id);
  if (api_audit_commit(r, rc, "create", "applicant", id, r->scope.id, pAfter)) return;
  api_json(r, 201, pAfter);
}

static int person_org(const char *zParam, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM dev_person WHERE id=?", "I", atoll(zParam));
  return *pOrgId ? 0 : -1;
}

/* The people of the subtree's pools (of one stage, or all), in the order of
 * the tree: their ids, kept for a large subtree (memo.h; zParam the stage). */
typedef struct IdList { long long n, *a; } IdList;
static void idlist_free(void *p) {
  IdList *l = p;
  free(l->a);
  free(l);
}
static void *applicants_compute(const MemoArgs *pA) {
  char zHi[256];
  scope_range(pA->zPath, zHi);
  IdList *l = xcalloc(1, sizeof *l);
  long long nAlloc = 0;
  DbStmt *s = db_stmt("SELECT p.id FROM dev_person p JOIN org o ON o.id=p.org_id WHERE o.path>=? AND o.path<?"
                      " AND (?3 IS NULL OR p.stage=?3) ORDER BY o.path, p.id",
                      "ttT", pA->zPath, zHi, pA->zParam[0] ? pA->zParam : 0);
  int rc = 0;
  while (s && (rc = db_step(s)) == 1) {
    if (l->n == nAlloc) l->a = xrealloc(l->a, sizeof *l->a * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 256));
    l->a[l->n++] = db_col_int(s, 0);
  }
  if (!s || rc < 0) {
    idlist_free(l);
    return 0;
  }
  return l;
}
static const MemoKind applicantsKind = {"applicants", applicants_compute, idlist_free};

/* GET /api/v1/orgs/{code}/applicants?stage=: the pools of the subtree. */
static void applicant_list(Req *r) {
  const char *zStage = api_query(r, "stage");
  long long limit = api_query_int(r, "limit", 50), offset = api_query_int(r, "offset", 0);
  MemoInfo info;
  MemoRef *pRef = memo_request(r, &applicantsKind, &info, "%s", zStage ? zStage : "");
  if (!pRef) return;
  const IdList *l = memo_value(pRef);
  json_t *aOut = json_array();
  for (long long i = offset; i < l->n && i < offset + limit; i++) {
    json_t *o = person_json(l->a[i]);
    if (o) json_array_append_new(aOut, o);
  }
  json_t *pOut = json_pack("{s:o, s:I}", "items", aOut, "total", (json_int_t)l->n);
  memo_release(pRef);
  memo_annotate(pOut, &info);
  api_json(r, 200, pOut);
}

/* ---- steps ---------------------------------------------------------------------- */

enum { ST_KIND, ST_ON, ST_BY, ST_HOURS, ST_DAYS, ST_MONTHS, ST_CONTACTS, ST_INTRO1, ST_INTRO2, ST_GROUP, ST_DOCS,
       ST_NOTE, ST_NFIELD };
/* The kinds, in the order of the national procedure (中国共产党发展党员工作
 * 细则, 2014, its 25 steps); one row each in aStep below, in this order. */
static const char *const azStepKind[] = {
  "application", "talk", "recommendation", "designation", "activist_filing", "contacts", "training", "candidate",
  "candidate_filing", "introducers", "political_review", "short_training", "committee_review", "publicity",
  "pre_approval", "pledge_form", "vote", "superior_talk", "approval", "approval_filing", "assignment", "oath",
  "probation", "extension", "conversion_application", "conversion_publicity", "conversion", "conversion_approval",
  "archiving", 0};

/* The organization of a party group (党小组), for the dispatcher's check of group_id. */
static int group_org(long long id, long long *pOrgId) {
  *pOrgId = db_int(0, "SELECT org_id FROM party_group WHERE id=?", "I", id);
  return *pOrgId ? 0 : -1;
}

static const Field aStepField[ST_NFIELD] = {
  [ST_KIND] = {"kind", "环节", FT_ENUM, F_REQUIRED, 0, azStepKind},
  [ST_ON] = {"on", "日期", FT_DATE, F_REQUIRED, 0, 0},
  [ST_BY] = {"by", "经办人或机构", FT_TEXT, 0, 50, 0},
  [ST_HOURS] = {"hours", "学时", FT_TENTHS, 0, 0, 0, 0, 10000, 0, 0, 0},
  [ST_DAYS] = {"days", "天数", FT_TENTHS, 0, 0, 0, 0, 3650, 0, 0, 0},
  [ST_MONTHS] = {"months", "延长月数", FT_INT, 0, 0, 0, 0, 120, 0, 0, 0},
  [ST_CONTACTS] = {"contacts", "培养联系人", FT_TEXT, 0, 100, 0},
  /* Member references: one outside the user's subtree, or none, is a 404 of
   * the dispatcher that names nobody; whether the introducer qualified on
   * the day of the step is dev.introducers below. */
  [ST_INTRO1] = {"introducer1", "入党介绍人一（党员编号）", FT_ID, F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  [ST_INTRO2] = {"introducer2", "入党介绍人二（党员编号）", FT_ID, F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  /* A party group outside the subtree is the dispatcher's 404; one of another
   * branch than the person's is refused by check_assignment. */
  [ST_GROUP] = {"group_id", "党小组", FT_ID, F_OBJREF, 0, 0, 0, 0, 0, 0, group_org},
  [ST_DOCS] = {"documents", "材料（编号或存放位置）", FT_TEXT, 0, 500, 0},
  [ST_NOTE] = {"note", "说明", FT_TEXT, 0, 200, 0},
};

/* The date of the person's first step of this kind, or "" (11 bytes). */
static void step_date(long long personId, const char *zKind, char z[11]) {
  char *zD = db_text("SELECT min(done_on) FROM dev_step WHERE person_id=? AND kind=?", "It", personId, zKind);
  snprintf(z, 11, "%s", zD ? zD : "");
  free(zD);
}

/* Number of names in a list separated by , ， 、 ; ； or spaces. */
static int count_names(const char *z) {
  int n = 0, bIn = 0;
  while (*z) {
    int sep = 0, len = 1;
    if (*z == ',' || *z == ';' || *z == ' ') sep = 1;
    else if (strncmp(z, "，", 3) == 0 || strncmp(z, "、", 3) == 0 || strncmp(z, "；", 3) == 0) sep = 1, len = 3;
    if (sep) bIn = 0;
    else if (!bIn) bIn = 1, n++;
    z += len;
  }
  return n;
}

/* Checks an introducer against zOn, the day of the step zWhen names
 * ("支部大会讨论之日"): a member of the system who on that day was a full
 * member (正式党员, converted on or before it) in good standing (status
 * active on that day, read from the status history, st_change). Returns 0
 * and sets *pId, or 1 with the reason in zErr. */
static int introducer_bad(const char *z, const char *zOn, const char *zWhen, long long *pId, char *zErr,
                          size_t nErr) {
  char *e;
  long long id = z ? strtoll(z, &e, 10) : 0;
  if (!z || *e || id <= 0) {
    snprintf(zErr, nErr, "须填写两名入党介绍人的党员编号");
    return 1;
  }
  DbStmt *s = db_stmt("SELECT category, coalesce(full_on,''), status, name,"
                      " coalesce((SELECT to_status FROM st_change WHERE member_id=m.id AND on_date<=?2"
                      "   ORDER BY on_date DESC, id DESC LIMIT 1),"
                      " (SELECT from_status FROM st_change WHERE member_id=m.id AND on_date>?2"
                      "   ORDER BY on_date, id LIMIT 1), status)"
                      " FROM member m WHERE id=?1", "It", id, zOn);
  if (!s || db_step(s) != 1) {
    snprintf(zErr, nErr, "入党介绍人不是本系统登记的党员");
    return 1;
  }
  int bFull = strcmp(db_col_text(s, 0), "正式党员") == 0;
  char zFull[11], zName[64];
  snprintf(zFull, sizeof zFull, "%s", db_col_text(s, 1));
  snprintf(zName, sizeof zName, "%s", db_col_text(s, 3));
  int bActive = strcmp(db_col_text(s, 4), "active") == 0;
  db_step(s);
  if (!bFull)
    snprintf(zErr, nErr, "入党介绍人%s须是正式党员", zName);
  else if (!zFull[0] || strcmp(zFull, zOn) > 0)
    snprintf(zErr, nErr, "入党介绍人%s于 %s 转为正式党员，%s（%s）尚不是正式党员", zName,
             zFull[0] ? zFull : "（未登记）", zWhen, zOn);
  else if (!bActive)
    snprintf(zErr, nErr, "入党介绍人%s在%s（%s）党籍不正常", zName, zWhen, zOn);
  else {
    *pId = id;
    return 0;
  }
  return 1;
}

typedef struct Person {
  long long id, orgId, memberId;
  char zStage[16], zApplied[11], zName[64], zIdNum[19], zGender[4], zBirth[11], zOrgCode[33];
  char *zOcc, *zPhone;
} Person;

static int person_load(long long id, Person *p) {
  DbStmt *s = db_stmt("SELECT p.org_id, coalesce(p.member_id,0), p.stage, p.applied_on, p.name, p.id_number,"
                      " p.gender, p.birth_date, o.code, p.occupation, p.phone FROM dev_person p JOIN org o"
                      " ON o.id=p.org_id WHERE p.id=?", "I", id);
  if (!s || db_step(s) != 1) return -1;
  p->id = id;
  p->orgId = db_col_int(s, 0);
  p->memberId = db_col_int(s, 1);
  snprintf(p->zStage, sizeof p->zStage, "%s", db_col_text(s, 2));
  snprintf(p->zApplied, sizeof p->zApplied, "%s", db_col_text(s, 3));
  snprintf(p->zName, sizeof p->zName, "%s", db_col_text(s, 4));
  snprintf(p->zIdNum, sizeof p->zIdNum, "%s", db_col_text(s, 5));
  snprintf(p->zGender, sizeof p->zGender, "%s", db_col_text(s, 6));
  snprintf(p->zBirth, sizeof p->zBirth, "%s", db_col_text(s, 7));
  snprintf(p->zOrgCode, sizeof p->zOrgCode, "%s", db_col_text(s, 8));
  p->zOcc = db_col_dup(s, 9);
  p->zPhone = db_col_dup(s, 10);
  db_step(s);
  return 0;
}

static const char *stage_cn(const char *z) {
  for (int i = 0; azStage[i]; i++)
    if (strcmp(azStage[i], z) == 0) return azStageName[i];
  return z;
}

/* ---- the steps, as a table ----------------------------------------------------
 * Each step of the pipeline is one row: its kind and names, its number in
 * the national procedure, the stage it belongs to and the stages it may be
 * taken at, the steps it follows (rule dev.order), the stage it leads to,
 * the fields it takes beyond kind, on, by, documents and note, its flags,
 * and its own checks. step_record walks the row; GET /api/v1/meta serves the
 * table as "dev_steps" so the browser builds its step form from it.
 *
 * The order has two tiers. azAfter binds every record, old or new.
 * azAfterNew holds the steps the fourteen kinds of the first version did not
 * have (推优, 备案, 介绍人, 公示, 志愿书, 上级谈话, 编入, 宣誓, 转正申请,
 * 转正审批): they bind only a person who entered the step's stage (applied,
 * became activist, candidate, probationary member, full member) on or after
 * the day the dated rule dev.order_full (lc_rule, rule.c) takes the value 1,
 * so that a person already in a stage when the rule came finishes it as
 * before. When such a step is recorded anyway, its date still comes first. */

#define STAGE_BIT(i) (1u << (i))
enum { SG_APPLICANT, SG_ACTIVIST, SG_CANDIDATE, SG_PROBATIONARY, SG_FULL };
/* The step that enters each stage (the applicant stage: applied_on), and how messages name it. */
static const char *const azStageEntry[] = {0, "designation", "candidate", "vote", "conversion"};
static const char *const azStageEntryName[] = {"递交入党申请书", "确定为入党积极分子", "确定为发展对象",
                                               "接收为预备党员", "转为正式党员"};

/* What a step's check sees and leaves for the write. */
typedef struct StepCtx {
  Req *r;
  const Person *p;
  const char *zKind, *zOn;
  const char *const *a;     /* the body's clean values, by ST_* */
  char zAfter[11];          /* the day of the (last) step of azAfter it follows */
  json_t *aWarn;            /* customary rules broken: warnings */
  long long intro1, intro2, months;
  Rec m, old;               /* the member record the step creates or changes */
  long long memberOrg;
} StepCtx;

/* StepKind.flags */
#define K_REPEAT 0x1        /* may be recorded more than once */
#define K_PATH 0x2          /* on the usual path through its stage (the UI's "next step") */
#define K_ONCE 0x4          /* a second one is refused (dev.order) */
#define K_AUTO 0x8          /* written by another request (the application, by POST applicants), never posted */

typedef struct StepKind {
  const char *zKind;        /* "designation" */
  const char *zName;        /* in messages: "确定为入党积极分子" */
  const char *zLabel;       /* on screens (NULL: zName) */
  int iNo;                  /* its step (1..25) in the national procedure, 0: not one of them */
  int iStage;               /* the stage it belongs to (SG_*) */
  unsigned stages;          /* the stages it may be taken at (STAGE_BIT), 0: any before full */
  const char *zStageWhy;    /* the message when taken at another stage, or NULL for the usual one */
  const char *azAfter[3];   /* the steps it follows, NULL-padded */
  const char *azAfterNew[5];/* the steps it follows under dev.order_full (see above), NULL-padded */
  const char *zNext;        /* the stage it leads to, or NULL */
  int aiField[2];           /* ST_* fields it takes (0: none; ST_KIND is 0 and never extra) */
  unsigned flags;           /* K_* */
  int (*xCheck)(StepCtx *); /* its own rules: 0, or -1 answered */
} StepKind;

/* The end of probation for a person voted in on zVote: vote + probation
 * months + any extension. */
static void probation_end(long long personId, const char *zVote, char zEnd[11]) {
  int n = (int)rule_value("dev.probation_months", zVote, 12, 0);
  n += (int)db_int(0, "SELECT coalesce(sum(months),0) FROM dev_step WHERE person_id=? AND kind='extension'", "I",
                   personId);
  text_date_add_months(zVote, n, zEnd);
}

/* dev.talk_1m: a talk within a month of the application (warns). */
static int check_talk(StepCtx *c) {
  char zD[11], zDue[11];
  step_date(c->p->id, "talk", zD);
  int nM = (int)rule_value("dev.talk_months", c->p->zApplied, 1, 0);
  text_date_add_months(c->p->zApplied, nM, zDue);
  if (!zD[0] && strcmp(c->zOn, zDue) > 0)
    json_array_append_new(c->aWarn, rule_warning("dev.talk_1m", "谈话应在收到入党申请书后%d个月内（%s 前）进行，实际为 %s",
                                               nM, zDue, c->zOn));
  return 0;
}

/* dev.contacts: one or two contacts. */
static int check_contacts(StepCtx *c) {
  int n = c->a[ST_CONTACTS] ? count_names(c->a[ST_CONTACTS]) : 0;
  int nMin = (int)rule_value("dev.contacts_min", c->zOn, 1, 0), nMax = (int)rule_value("dev.contacts_max", c->zOn, 2, 0);
  if (n < nMin || n > nMax) {
    rule_error(c->r, "dev.contacts", "contacts", "培养联系人应为%d至%d名正式党员，填写了%d名", nMin, nMax, n);
    return -1;
  }
  return 0;
}

static int check_training(StepCtx *c) {
  if (rec_int(&c->r->rec, ST_HOURS, 0) <= 0) {
    api_error(c->r, 400, "required", "hours", "培养教育须填写学时");
    return -1;
  }
  return 0;
}

/* dev.activist_1y: a year as an activist; dev.contacts: contacts named. */
static int check_candidate(StepCtx *c) {
  char zDue[11], zD[11];
  int nM = (int)rule_value("dev.activist_months", c->zAfter, 12, 0);
  text_date_add_months(c->zAfter, nM, zDue);
  if (strcmp(c->zOn, zDue) < 0) {
    rule_error(c->r, "dev.activist_1y", "on",
                  "入党积极分子须经%d个月以上培养教育方可列为发展对象：%s 确定为积极分子，%s 起方可确定（填写 %s）", nM,
                  c->zAfter, zDue, c->zOn);
    return -1;
  }
  step_date(c->p->id, "contacts", zD);
  if (!zD[0]) {
    rule_error(c->r, "dev.contacts", "kind", "确定为发展对象前须有一至两名培养联系人");
    return -1;
  }
  return 0;
}

/* dev.short_training: so many days or so many hours (both kept in tenths). */
static int check_short(StepCtx *c) {
  long long days = rec_int(&c->r->rec, ST_DAYS, 0), hours = rec_int(&c->r->rec, ST_HOURS, 0);
  long long nDays = rule_value("dev.short_days", c->zOn, 3, 0), nHours = rule_value("dev.short_hours", c->zOn, 24, 0);
  if (days < nDays * 10 && hours < nHours * 10) {
    rule_error(c->r, "dev.short_training", "days", "短期集中培训须不少于%lld天或%lld学时", nDays, nHours);
    return -1;
  }
  return 0;
}

/* dev.introducers: two different members, each a full member in good
 * standing on the day of the step (zWhen names it in the message); sets
 * c->intro1 and c->intro2. zFrom: where the ids came from when the body gave
 * none, or NULL. 0, or -1 answered. */
static int introducers_take(StepCtx *c, const char *z1, const char *z2, const char *zWhen, const char *zFrom) {
  char zBad[256] = "";
  int bBad = introducer_bad(z1, c->zOn, zWhen, &c->intro1, zBad, sizeof zBad);
  if (!bBad) bBad = introducer_bad(z2, c->zOn, zWhen, &c->intro2, zBad, sizeof zBad);
  if (!bBad && c->intro1 == c->intro2) bBad = snprintf(zBad, sizeof zBad, "两名入党介绍人不能是同一人") > 0;
  if (!bBad) return 0;
  rule_error(c->r, "dev.introducers", !c->intro1 ? "introducer1" : "introducer2", "%s%s%s%s", zBad,
             zFrom ? "（入党介绍人取自 " : "", zFrom ? zFrom : "", zFrom ? " “确定入党介绍人”）" : "");
  return -1;
}

/* 确定入党介绍人: the two introducers, qualified on the day they are named. */
static int check_introducers(StepCtx *c) {
  return introducers_take(c, c->a[ST_INTRO1], c->a[ST_INTRO2], "确定入党介绍人之日", 0);
}

/* Tenths (days, hours) as text: 50 -> "5", 45 -> "4.5". */
static void tenths_text(long long v, char z[24]) {
  if (v % 10) snprintf(z, 24, "%lld.%lld", v / 10, v % 10);
  else snprintf(z, 24, "%lld", v / 10);
}

/* 公示 (of the candidate before pre-approval, or before conversion): its
 * length in working days is required; dev.publicity_5d (customary, warns):
 * at least dev.publicity_days of them. The calendar of working days is not
 * kept, so the days are as given. */
static int check_publicity(StepCtx *c) {
  long long days = rec_int(&c->r->rec, ST_DAYS, 0);
  if (days <= 0) {
    api_error(c->r, 400, "required", "days", "公示须填写公示天数（工作日）");
    return -1;
  }
  long long nDays = rule_value("dev.publicity_days", c->zOn, 5, 0);
  char z[24];
  tenths_text(days, z);
  if (days < nDays * 10)
    json_array_append_new(c->aWarn, rule_warning("dev.publicity_5d", "公示一般不少于%lld个工作日，填写了%s天", nDays, z));
  return 0;
}

/* dev.introducers, dev.min_age; the probationary member's record. With no
 * introducer in the body, those of the last 确定入党介绍人 are taken, and
 * judged again on the day of the vote. */
static int check_vote(StepCtx *c) {
  const Person *p = c->p;
  const char *z1 = c->a[ST_INTRO1], *z2 = c->a[ST_INTRO2], *zFrom = 0;
  char zDue[11], zI1[24] = "", zI2[24] = "", zNamed[11] = "";
  if (!z1 && !z2) {
    DbStmt *s = db_stmt("SELECT coalesce(introducer1,''), coalesce(introducer2,''), done_on FROM dev_step"
                        " WHERE person_id=? AND kind='introducers' ORDER BY done_on DESC, id DESC LIMIT 1", "I", p->id);
    if (s && db_step(s) == 1) {
      snprintf(zI1, sizeof zI1, "%s", db_col_text(s, 0));
      snprintf(zI2, sizeof zI2, "%s", db_col_text(s, 1));
      snprintf(zNamed, sizeof zNamed, "%s", db_col_text(s, 2));
      db_step(s);
      z1 = zI1, z2 = zI2, zFrom = zNamed;
    }
  }
  if (introducers_take(c, z1, z2, "支部大会讨论之日", zFrom)) return -1;
  int nAge = (int)rule_value("dev.min_age_months", c->zOn, 216, 0);
  text_date_add_months(p->zBirth, nAge, zDue);
  if (strcmp(c->zOn, zDue) < 0) {
    rule_error(c->r, "dev.min_age", "on", "接收为预备党员须年满%d岁（%s 满）", nAge / 12, zDue);
    return -1;
  }
  if (member_find(p->zIdNum)) {
    api_error(c->r, 409, "conflict", "kind", "此人已是党员");
    return -1;
  }
  Rec *m = &c->m;
  rec_set(m, M_NAME, xstrdup(p->zName));
  rec_set(m, M_IDNUM, xstrdup(p->zIdNum));
  rec_set(m, M_GENDER, xstrdup(p->zGender));
  rec_set(m, M_BIRTH, xstrdup(p->zBirth));
  rec_set(m, M_CATEGORY, xstrdup("预备党员"));
  rec_set(m, M_JOINED, xstrdup(c->zOn));
  rec_set(m, M_ORG, xstrdup(p->zOrgCode));
  if (p->zOcc) rec_set(m, M_OCC, xstrdup(p->zOcc));
  if (p->zPhone) rec_set(m, M_PHONE, xstrdup(p->zPhone));
  FieldErr fe;
  if (member_validate(m, &fe, &c->memberOrg)) {
    api_field_error(c->r, m, &fe);
    return -1;
  }
  return 0;
}

/* Once; dev.approval_3m: the superior committee decides within three months
 * of the branch's meeting (warns). zWhat names the decision in the warning.
 * c->zAfter is the day of that meeting. */
static int approval_within(StepCtx *c, const char *zKind, const char *zWhat) {
  char zDue[11];
  step_date(c->p->id, zKind, zDue);
  if (zDue[0]) {
    rule_error(c->r, "dev.order", "kind", "上级党委已于 %s 审批", zDue);
    return -1;
  }
  int nM = (int)rule_value("dev.approval_months", c->zAfter, 3, 0);
  text_date_add_months(c->zAfter, nM, zDue);
  if (strcmp(c->zOn, zDue) > 0)
    json_array_append_new(c->aWarn, rule_warning("dev.approval_3m", "上级党委应在支部大会%s后%d个月内（%s 前）审批，实际为 %s",
                                               zWhat, nM, zDue, c->zOn));
  return 0;
}

static int check_approval(StepCtx *c) { return approval_within(c, "approval", "通过"); }
static int check_conversion_approval(StepCtx *c) { return approval_within(c, "conversion_approval", "讨论转正"); }

/* 编入党支部和党小组: the party group, when named, is one of the member's branch. */
static int check_assignment(StepCtx *c) {
  long long group = rec_int(&c->r->rec, ST_GROUP, 0);
  if (!group) return 0;
  long long orgId = db_int(c->p->orgId, "SELECT org_id FROM member WHERE id=?", "I", c->p->memberId);
  if (db_exists("SELECT 1 FROM party_group WHERE id=? AND org_id=?", "II", group, orgId) != 1) {
    api_error(c->r, 400, "invalid", "group_id", "党小组 %lld 不属于此人所在的党支部", group);
    return -1;
  }
  return 0;
}

/* dev.extension_once, dev.extension_months. */
static int check_extension(StepCtx *c) {
  char zD[11];
  step_date(c->p->id, "extension", zD);
  if (zD[0]) {
    rule_error(c->r, "dev.extension_once", "kind", "预备期只能延长一次（已于 %s 延长）", zD);
    return -1;
  }
  c->months = rec_int(&c->r->rec, ST_MONTHS, -1);
  step_date(c->p->id, "vote", zD);
  int nMin = (int)rule_value("dev.extension_min", zD, 6, 0), nMax = (int)rule_value("dev.extension_max", zD, 12, 0);
  if (c->months < nMin || c->months > nMax) {
    rule_error(c->r, "dev.extension_months", "months", "延长预备期为%d至%d个月（整月）", nMin, nMax);
    return -1;
  }
  return 0;
}

/* dev.probation_1y: the probation (with any extension) served; the member
 * record becomes a full member's. */
static int check_conversion(StepCtx *c) {
  char zD[11], zDue[11];
  step_date(c->p->id, "vote", zD);
  probation_end(c->p->id, zD, zDue);
  if (strcmp(c->zOn, zDue) < 0) {
    rule_error(c->r, "dev.probation_1y", "on", "预备期自支部大会通过（%s）起算，%s 期满方可转正（填写 %s）", zD, zDue,
                  c->zOn);
    return -1;
  }
  if (member_load(c->p->memberId, &c->m)) {
    api_error(c->r, 409, "conflict", "kind", "此人的党员记录已不在");
    return -1;
  }
  member_load(c->p->memberId, &c->old);
  rec_set(&c->m, M_CATEGORY, xstrdup("正式党员"));
  rec_set(&c->m, M_FULL, xstrdup(c->zOn));
  FieldErr fe;
  if (member_validate(&c->m, &fe, &c->memberOrg)) {
    api_field_error(c->r, &c->m, &fe);
    return -1;
  }
  return 0;
}

#define SB(s) STAGE_BIT(SG_##s)
static const StepKind aStep[] = {
  /* 1 申请入党 */
  {.zKind = "application", .zName = "递交入党申请书", .iNo = 1, .iStage = SG_APPLICANT, .flags = K_AUTO},
  {.zKind = "talk", .zName = "谈话", .zLabel = "派人谈话", .iNo = 2, .iStage = SG_APPLICANT, .flags = K_PATH,
   .xCheck = check_talk},
  /* 2 入党积极分子的确定和培养教育 */
  {.zKind = "recommendation", .zName = "推荐入党积极分子", .zLabel = "推荐入党积极分子（党员推荐、群团组织推优）", .iNo = 3,
   .iStage = SG_APPLICANT, .stages = SB(APPLICANT), .azAfter = {"talk"}, .flags = K_PATH | K_ONCE},
  {.zKind = "designation", .zName = "确定为入党积极分子", .iNo = 3, .iStage = SG_APPLICANT, .stages = SB(APPLICANT),
   .azAfter = {"talk"}, .azAfterNew = {"recommendation"}, .zNext = "activist", .flags = K_PATH},
  {.zKind = "activist_filing", .zName = "入党积极分子报上级党委备案", .iNo = 4, .iStage = SG_ACTIVIST,
   .stages = SB(ACTIVIST) | SB(CANDIDATE), .zStageWhy = "入党积极分子报上级党委备案在入党积极分子或发展对象阶段记录",
   .azAfter = {"designation"}, .flags = K_PATH | K_ONCE},
  {.zKind = "contacts", .zName = "培养联系人", .zLabel = "确定培养联系人", .iNo = 5, .iStage = SG_ACTIVIST,
   .stages = SB(ACTIVIST) | SB(CANDIDATE), .zStageWhy = "培养联系人在入党积极分子或发展对象阶段确定",
   .aiField = {ST_CONTACTS}, .flags = K_REPEAT | K_PATH, .xCheck = check_contacts},
  {.zKind = "training", .zName = "培养教育", .zLabel = "培养教育考察", .iNo = 6, .iStage = SG_ACTIVIST,
   .stages = SB(ACTIVIST) | SB(CANDIDATE) | SB(PROBATIONARY), .zStageWhy = "培养教育从确定为入党积极分子后开始记录",
   .aiField = {ST_HOURS}, .flags = K_REPEAT, .xCheck = check_training},
  /* 3 发展对象的确定和考察 */
  {.zKind = "candidate", .zName = "确定为发展对象", .iNo = 7, .iStage = SG_ACTIVIST, .stages = SB(ACTIVIST),
   .azAfter = {"designation"}, .azAfterNew = {"activist_filing"}, .zNext = "candidate", .flags = K_PATH,
   .xCheck = check_candidate},
  {.zKind = "candidate_filing", .zName = "发展对象报上级党委备案", .iNo = 8, .iStage = SG_CANDIDATE,
   .stages = SB(CANDIDATE) | SB(PROBATIONARY), .zStageWhy = "发展对象报上级党委备案在发展对象或预备党员阶段记录",
   .azAfter = {"candidate"}, .flags = K_PATH | K_ONCE},
  {.zKind = "introducers", .zName = "确定入党介绍人", .iNo = 9, .iStage = SG_CANDIDATE, .stages = SB(CANDIDATE),
   .azAfter = {"candidate"}, .aiField = {ST_INTRO1, ST_INTRO2}, .flags = K_REPEAT | K_PATH,
   .xCheck = check_introducers},
  {.zKind = "political_review", .zName = "政治审查", .zLabel = "政治审查（含函调、外调）", .iNo = 10,
   .iStage = SG_CANDIDATE, .stages = SB(CANDIDATE), .azAfter = {"candidate"}, .flags = K_PATH},
  {.zKind = "short_training", .zName = "短期集中培训", .iNo = 11, .iStage = SG_CANDIDATE, .stages = SB(CANDIDATE),
   .azAfter = {"candidate"}, .aiField = {ST_DAYS, ST_HOURS}, .flags = K_PATH, .xCheck = check_short},
  /* 4 预备党员的接收 */
  {.zKind = "committee_review", .zName = "支委会审查", .iNo = 12, .iStage = SG_CANDIDATE, .stages = SB(CANDIDATE),
   .azAfter = {"political_review", "short_training"}, .azAfterNew = {"candidate_filing", "introducers"},
   .flags = K_PATH},
  {.zKind = "publicity", .zName = "发展对象公示", .zLabel = "发展对象公示（预审前）", .iNo = 13, .iStage = SG_CANDIDATE,
   .stages = SB(CANDIDATE), .azAfter = {"committee_review"}, .aiField = {ST_DAYS}, .flags = K_PATH | K_ONCE,
   .xCheck = check_publicity},
  {.zKind = "pre_approval", .zName = "上级党委预审", .iNo = 13, .iStage = SG_CANDIDATE, .stages = SB(CANDIDATE),
   .azAfter = {"committee_review"}, .azAfterNew = {"publicity"}, .flags = K_PATH},
  {.zKind = "pledge_form", .zName = "填写入党志愿书", .iNo = 14, .iStage = SG_CANDIDATE, .stages = SB(CANDIDATE),
   .azAfter = {"pre_approval"}, .flags = K_PATH | K_ONCE},
  {.zKind = "vote", .zName = "支部大会讨论", .zLabel = "支部大会讨论（接收为预备党员）", .iNo = 15,
   .iStage = SG_CANDIDATE, .stages = SB(CANDIDATE), .azAfter = {"pre_approval"}, .azAfterNew = {"pledge_form"},
   .zNext = "probationary", .aiField = {ST_INTRO1, ST_INTRO2}, .flags = K_PATH, .xCheck = check_vote},
  {.zKind = "superior_talk", .zName = "上级党委派人谈话", .iNo = 16, .iStage = SG_PROBATIONARY,
   .stages = SB(PROBATIONARY), .azAfter = {"vote"}, .flags = K_PATH | K_ONCE},
  {.zKind = "approval", .zName = "上级党委审批", .iNo = 17, .iStage = SG_PROBATIONARY, .stages = SB(PROBATIONARY),
   .azAfter = {"vote"}, .azAfterNew = {"superior_talk"}, .flags = K_PATH, .xCheck = check_approval},
  {.zKind = "approval_filing", .zName = "报再上一级党委组织部门备案", .iNo = 18, .iStage = SG_PROBATIONARY,
   .stages = SB(PROBATIONARY) | SB(FULL), .zStageWhy = "报再上一级党委组织部门备案在预备党员阶段或转正后记录",
   .azAfter = {"approval"}, .flags = K_PATH | K_ONCE},
  /* 5 预备党员的教育考察和转正 */
  {.zKind = "assignment", .zName = "编入党支部和党小组", .iNo = 19, .iStage = SG_PROBATIONARY,
   .stages = SB(PROBATIONARY), .azAfter = {"approval"}, .aiField = {ST_GROUP}, .flags = K_PATH | K_ONCE,
   .xCheck = check_assignment},
  {.zKind = "oath", .zName = "入党宣誓", .iNo = 20, .iStage = SG_PROBATIONARY, .stages = SB(PROBATIONARY),
   .azAfter = {"approval"}, .flags = K_PATH | K_ONCE},
  {.zKind = "probation", .zName = "预备期考察", .zLabel = "继续教育考察（预备期）", .iNo = 21,
   .iStage = SG_PROBATIONARY, .stages = SB(PROBATIONARY), .azAfter = {"vote"}, .flags = K_REPEAT},
  {.zKind = "extension", .zName = "延长预备期", .iStage = SG_PROBATIONARY, .stages = SB(PROBATIONARY),
   .azAfter = {"approval"}, .aiField = {ST_MONTHS}, .xCheck = check_extension},
  {.zKind = "conversion_application", .zName = "提出转正申请", .iNo = 22, .iStage = SG_PROBATIONARY,
   .stages = SB(PROBATIONARY), .azAfter = {"approval"}, .flags = K_REPEAT | K_PATH},
  {.zKind = "conversion_publicity", .zName = "转正公示", .iStage = SG_PROBATIONARY, .stages = SB(PROBATIONARY),
   .azAfter = {"conversion_application"}, .aiField = {ST_DAYS}, .flags = K_REPEAT, .xCheck = check_publicity},
  {.zKind = "conversion", .zName = "转为正式党员", .zLabel = "支部大会讨论转正（转为正式党员）", .iNo = 23,
   .iStage = SG_PROBATIONARY, .stages = SB(PROBATIONARY), .azAfter = {"approval"},
   .azAfterNew = {"approval_filing", "assignment", "oath", "conversion_application"}, .zNext = "full",
   .flags = K_PATH, .xCheck = check_conversion},
  {.zKind = "conversion_approval", .zName = "上级党委审批转正", .iNo = 24, .iStage = SG_FULL, .stages = SB(FULL),
   .azAfter = {"conversion"}, .flags = K_PATH | K_ONCE, .xCheck = check_conversion_approval},
  {.zKind = "archiving", .zName = "材料归档", .iNo = 25, .iStage = SG_FULL, .stages = SB(FULL),
   .azAfter = {"conversion"}, .azAfterNew = {"conversion_approval"}, .flags = K_PATH | K_ONCE},
};
#undef SB
_Static_assert(ARRAY_LEN(aStep) + 1 == ARRAY_LEN(azStepKind), "every kind of aStepField has its row in aStep");

static const StepKind *step_kind(const char *zKind) {
  for (size_t i = 0; i < ARRAY_LEN(aStep); i++)
    if (strcmp(aStep[i].zKind, zKind) == 0) return &aStep[i];
  return 0;
}

static const char *step_name(const char *zKind) {
  const StepKind *k = step_kind(zKind);
  return k ? k->zName : zKind;
}

/* The stage and order rules of step k (dev.order) for person p on day zOn.
 * Returns 0 and sets zAfter to the day of the last step of k->azAfter ("" if
 * none); or 1 with the reason in zMsg (nMsg bytes) and the field it
 * concerns in *pzField. Writes nothing: step_record answers with it, and
 * next_steps_json lists the kinds that pass it today. */
static int order_why(const StepKind *k, const Person *p, const char *zOn, char zAfter[11], char *zMsg, size_t nMsg,
                     const char **pzField) {
  int iStage = -1;
  zAfter[0] = 0;
  *pzField = "kind";
  for (int i = 0; azStage[i]; i++)
    if (strcmp(azStage[i], p->zStage) == 0) iStage = i;
  if (k->flags & K_AUTO)
    return snprintf(zMsg, nMsg, "“%s”在受理入党申请时登记（%s），不另行记录", k->zName, p->zApplied) > 0;
  if (iStage == SG_FULL && !(k->stages & STAGE_BIT(SG_FULL)))
    return snprintf(zMsg, nMsg, "此人已转为正式党员，发展程序已完成，不再记录“%s”", k->zName) > 0;
  if (k->stages && (iStage < 0 || !(k->stages & STAGE_BIT(iStage)))) {
    if (k->zStageWhy) return snprintf(zMsg, nMsg, "%s，此人现为%s", k->zStageWhy, stage_cn(p->zStage)) > 0;
    return snprintf(zMsg, nMsg, "“%s”须在%s阶段进行，此人现为%s", k->zName, stage_cn(azStage[k->iStage]),
                    stage_cn(p->zStage)) > 0;
  }
  char zD[11];
  if (k->flags & K_ONCE) {
    step_date(p->id, k->zKind, zD);
    if (zD[0]) return snprintf(zMsg, nMsg, "“%s”已于 %s 记录", k->zName, zD) > 0;
  }
  for (int i = 0; i < 3 && k->azAfter[i]; i++) {
    step_date(p->id, k->azAfter[i], zAfter);
    if (!zAfter[0]) return snprintf(zMsg, nMsg, "“%s”之前须先完成“%s”", k->zName, step_name(k->azAfter[i])) > 0;
    if (strcmp(zOn, zAfter) < 0) {
      *pzField = "on";
      return snprintf(zMsg, nMsg, "“%s”的日期 %s 早于“%s”（%s）", k->zName, zOn, step_name(k->azAfter[i]), zAfter) > 0;
    }
  }
  if (!k->azAfterNew[0]) return 0;
  /* The later steps: required when the person entered the stage under dev.order_full. */
  char zEntry[11], zFrom[11] = "";
  if (k->iStage == SG_APPLICANT) snprintf(zEntry, sizeof zEntry, "%s", p->zApplied);
  else step_date(p->id, azStageEntry[k->iStage], zEntry);
  int bFull = zEntry[0] && rule_value("dev.order_full", zEntry, 0, zFrom) != 0;
  for (int i = 0; i < 5 && k->azAfterNew[i]; i++) {
    step_date(p->id, k->azAfterNew[i], zD);
    if (!zD[0] && bFull)
      return snprintf(zMsg, nMsg, "自 %s 起%s的，“%s”之前须先完成“%s”（此人于 %s %s）", zFrom,
                      azStageEntryName[k->iStage], k->zName, step_name(k->azAfterNew[i]), zEntry,
                      azStageEntryName[k->iStage]) > 0;
    if (zD[0] && strcmp(zOn, zD) < 0) {
      *pzField = "on";
      return snprintf(zMsg, nMsg, "“%s”的日期 %s 早于“%s”（%s）", k->zName, zOn, step_name(k->azAfterNew[i]), zD) > 0;
    }
  }
  return 0;
}

/* Whether the person may go on at all: 0; 1 when their membership is not
 * in good standing; 2 when they are on the negative list (not yet a member). */
static int person_blocked(const Person *p) {
  if (p->memberId && db_exists("SELECT 1 FROM member WHERE id=? AND status='active'", "I", p->memberId) != 1) return 1;
  if (!p->memberId && on_negative_list(p->zIdNum)) return 2;
  return 0;
}

/* The rules every step shares: not in the future, not before the
 * application, the person in good standing and not on the negative list.
 * 0 or -1 (answered). */
static int step_common(StepCtx *c) {
  const Person *p = c->p;
  char zToday[11];
  util_today(zToday);
  if (strcmp(c->zOn, zToday) > 0) {
    api_error(c->r, 400, "invalid", "on", "日期 %s 在今天之后", c->zOn);
    return -1;
  }
  if (strcmp(c->zOn, p->zApplied) < 0) {
    rule_error(c->r, "dev.order", "on", "日期 %s 早于递交入党申请书（%s）", c->zOn, p->zApplied);
    return -1;
  }
  switch (person_blocked(p)) {
  case 1:
    api_error(c->r, 409, "conflict", "kind", "此人的党籍状态不是正常，不能继续记录发展环节");
    return -1;
  case 2:
    rule_error(c->r, "dev.negative_list", "kind", "此人已列入不得发展的人员名单");
    return -1;
  }
  return 0;
}

/* The order rules for the step being recorded: fills c->zAfter. 0 or -1 (answered). */
static int step_order(StepCtx *c, const StepKind *k) {
  char zMsg[400];
  const char *zField;
  if (!order_why(k, c->p, c->zOn, c->zAfter, zMsg, sizeof zMsg, &zField)) return 0;
  rule_error(c->r, "dev.order", zField, "%s", zMsg);
  return -1;
}

/* Writes the step, the member record it makes or changes, the person's new
 * stage and the audit entry in one transaction; answers 201. */
static void step_store(StepCtx *c, const StepKind *k) {
  Req *r = c->r;
  const Person *p = c->p;
  const char *const *a = c->a;
  char zAt[32], zKey[32];
  util_timestamp(zAt);
  snprintf(zKey, sizeof zKey, "%lld", p->id);
  char *zWarn = json_array_size(c->aWarn) ? json_dumps(c->aWarn, JSON_COMPACT) : 0;
  /* Hours and days are kept in hundredths (the column is older than the tenths of the API). */
  long long hours = a[ST_HOURS] ? 10 * rec_int(&r->rec, ST_HOURS, 0) : -1;
  long long days = a[ST_DAYS] ? 10 * rec_int(&r->rec, ST_DAYS, 0) : -1;
  int rc = db_begin() ||
           db_exec("INSERT INTO dev_step(person_id, kind, done_on, by_whom, hours, days, months, contacts,"
                   " introducer1, introducer2, group_id, documents, note, warnings, recorded_by, recorded_at)"
                   " VALUES(?,?,?,?,nullif(?,-1),nullif(?,-1),nullif(?,-1),?,nullif(?,0),nullif(?,0),nullif(?,0),"
                   "?,?,?,?,?)",
                   "ItttIIItIIIttttt", p->id, c->zKind, c->zOn, a[ST_BY], hours, days, c->months, a[ST_CONTACTS],
                   c->intro1, c->intro2, rec_int(&r->rec, ST_GROUP, 0), a[ST_DOCS], a[ST_NOTE], zWarn, api_actor(r),
                   zAt);
  long long stepId = rc ? 0 : db_last_rowid();
  long long newMember = 0;
  FieldErr fe;
  if (!rc && k->xCheck == check_vote) {
    rc = member_save(&c->m, 0, 0, c->memberOrg, api_actor(r), &fe, &newMember) != 0;
    rc = rc || membership_start(newMember, c->memberOrg, c->zOn, "vote");
  } else if (!rc && k->xCheck == check_conversion) {
    rc = member_save(&c->m, &c->old, p->memberId, c->memberOrg, api_actor(r), &fe, &newMember) != 0;
    newMember = 0;
  }
  if (!rc && k->zNext)
    rc = db_exec("UPDATE dev_person SET stage=?, member_id=coalesce(nullif(?,0), member_id), updated_at=? WHERE id=?",
                 "tItI", k->zNext, newMember, zAt, p->id);
  else if (!rc)
    rc = db_exec("UPDATE dev_person SET updated_at=? WHERE id=?", "tI", zAt, p->id);
  json_t *pAfter = json_pack("{s:s, s:s, s:s?, s:O}", "kind", c->zKind, "on", c->zOn, "stage", k->zNext, "warnings",
                             c->aWarn);
  rc = rc || audit_append(api_actor(r), "step", "applicant", zKey, p->orgId, 0, pAfter) || db_commit();
  json_decref(pAfter);
  free(zWarn);
  if (rc) {
    db_rollback();
    api_internal(r);
    return;
  }
  api_json(r, 201, json_pack("{s:I, s:s, s:s, s:O, s:o}", "id", (json_int_t)stepId, "kind", c->zKind, "on", c->zOn,
                             "warnings", c->aWarn, "person", person_json(p->id)));
}

/* POST /api/v1/applicants/{id}/steps: records one step of the pipeline. */
static void step_record(Req *r) {
  Person p;
  memset(&p, 0, sizeof p);
  if (person_load(r->objectId, &p)) {
    api_error(r, 404, "not_found", 0, "没有这个对象");
    return;
  }
  StepCtx c = {.r = r, .p = &p, .zKind = r->rec.az[ST_KIND], .zOn = r->rec.az[ST_ON],
               .a = (const char *const *)r->rec.az, .aWarn = json_array(), .months = -1};
  rec_init(&c.m, member_aField, M_NFIELD);
  rec_init(&c.old, member_aField, M_NFIELD);
  const StepKind *k = step_kind(c.zKind);
  if (!k) api_error(r, 400, "invalid", "kind", "没有这个环节：%s", c.zKind);
  else if (step_common(&c) == 0 && step_order(&c, k) == 0 && (!k->xCheck || k->xCheck(&c) == 0)) step_store(&c, k);
  json_decref(c.aWarn);
  rec_free(&c.m);
  rec_free(&c.old);
  free(p.zOcc);
  free(p.zPhone);
}

/* The kinds person p may record today, in the table's order: those the
 * stage and order rules (order_why) let through on today's date, without a
 * step already recorded unless the kind repeats; none when the person may
 * not go on (person_blocked). A step's own checks (intervals, fields) are
 * not judged. The caller owns the array. */
static json_t *next_steps_json(const Person *p) {
  json_t *a = json_array();
  char zToday[11], zAfter[11], zMsg[400], zD[11];
  const char *zField;
  util_today(zToday);
  if (person_blocked(p) || strcmp(zToday, p->zApplied) < 0) return a;
  for (size_t i = 0; i < ARRAY_LEN(aStep); i++) {
    const StepKind *k = &aStep[i];
    if (!(k->flags & K_REPEAT)) {
      step_date(p->id, k->zKind, zD);
      if (zD[0]) continue;
    }
    if (!order_why(k, p, zToday, zAfter, zMsg, sizeof zMsg, &zField)) json_array_append_new(a, json_string(k->zKind));
  }
  return a;
}

/* GET /api/v1/applicants/{id}: the person, the steps recorded, and
 * next_steps, the kinds that may be recorded today. */
static void applicant_get(Req *r) {
  Person p;
  memset(&p, 0, sizeof p);
  json_t *o = person_json(r->objectId);
  if (!o || person_load(r->objectId, &p)) {
    json_decref(o);
    api_error(r, 404, "not_found", 0, "没有这个对象");
    return;
  }
  json_object_set_new(o, "next_steps", next_steps_json(&p));
  free(p.zOcc);
  free(p.zPhone);
  api_json(r, 200, o);
}

/* GET /api/v1/meta "dev_steps": the table above, for the step form. */
static json_t *develop_meta(void) {
  json_t *a = json_array();
  for (size_t i = 0; i < ARRAY_LEN(aStep); i++) {
    const StepKind *k = &aStep[i];
    json_t *aF = json_array(), *aAfter = json_array(), *aNew = json_array();
    for (int j = 0; j < 2; j++)
      if (k->aiField[j]) json_array_append_new(aF, json_string(aStepField[k->aiField[j]].zJson));
    for (int j = 0; j < 3 && k->azAfter[j]; j++) json_array_append_new(aAfter, json_string(k->azAfter[j]));
    for (int j = 0; j < 5 && k->azAfterNew[j]; j++) json_array_append_new(aNew, json_string(k->azAfterNew[j]));
    json_array_append_new(
        a, json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:s?, s:o, s:b, s:b, s:b, s:b}", "kind", k->zKind, "label",
                     k->zLabel ? k->zLabel : k->zName, "no", k->iNo ? json_integer(k->iNo) : json_null(), "stage",
                     azStage[k->iStage], "after", aAfter, "after_new", aNew, "next_stage", k->zNext, "fields", aF,
                     "repeatable", (k->flags & K_REPEAT) != 0, "once", (k->flags & K_ONCE) != 0, "path",
                     (k->flags & K_PATH) != 0, "auto", (k->flags & K_AUTO) != 0));
  }
  return json_pack("{s:o}", "dev_steps", a);
}

/* ---- reports: pools, alerts, plan, negative list ---------------------------------- */

/* Counts per stage in the subtree at zPath, and the negative list's size. */
static json_t *pools_json(const char *zPath) {
  char zHi[256];
  scope_range(zPath, zHi);
  json_t *o = json_object();
  for (int i = 0; azStage[i]; i++) json_object_set_new(o, azStage[i], json_integer(0));
  DbStmt *s = db_stmt("SELECT p.stage, count(*) FROM dev_person p JOIN org o ON o.id=p.org_id WHERE o.path>=?"
                      " AND o.path<? GROUP BY p.stage", "tt", zPath, zHi);
  while (s && db_step(s) == 1) json_object_set_new(o, db_col_text(s, 0), json_integer(db_col_int(s, 1)));
  json_object_set_new(o, "negative", json_integer(db_int(0, "SELECT count(*) FROM dev_negative n JOIN org o"
                                                            " ON o.id=n.org_id WHERE o.path>=? AND o.path<?",
                                                         "tt", zPath, zHi)));
  return o;
}

/* An alert's row; org_path is only for alerts_get's counts by organization
 * (it takes it out). */
static json_t *alert_row(DbStmt *s, const char *zRule, const char *zDate, const char *zDue) {
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                   db_col_text(s, 1), "org_code", db_col_text(s, 2), "org_name", db_col_text(s, 8), "org_path",
                   db_col_text(s, 9), "stage", db_col_text(s, 3), "rule", zRule, "since", zDate, "due_on", zDue);
}

/* The development findings of a subtree on today's date: applicants
 * overdue for their talk (dev.talk_1m), probation ending this month
 * (dev.probation_1y) or already past without conversion, approvals
 * waiting past 3 months from the branch vote (dev.approval_3m), and
 * conversions the superior committee has not approved 3 months after the
 * branch's (dev.approval_3m again). The last only for conversions under
 * dev.order_full, the first rule to ask for that approval to be recorded:
 * before it, a converted person has none and is not waiting. */
static json_t *alerts_json(const char *zPath) {
  char zHi[256], zToday[11], zDue[11];
  scope_range(zPath, zHi);
  util_today(zToday);
  json_t *aTalk = json_array(), *aEnd = json_array(), *aLate = json_array(), *aWait = json_array();
  DbStmt *s = db_stmt(
      "SELECT p.id, p.name, o.code, p.stage, p.applied_on,"
      " (SELECT min(done_on) FROM dev_step WHERE person_id=p.id AND kind='talk'),"
      " (SELECT min(done_on) FROM dev_step WHERE person_id=p.id AND kind='vote'),"
      " (SELECT min(done_on) FROM dev_step WHERE person_id=p.id AND kind='approval'), o.name, o.path"
      " FROM dev_person p JOIN org o ON o.id=p.org_id WHERE o.path>=? AND o.path<?"
      " AND p.stage IN ('applicant','probationary') ORDER BY o.path, p.id", "tt", zPath, zHi);
  while (s && db_step(s) == 1) {
    const char *zStage = db_col_text(s, 3);
    if (strcmp(zStage, "applicant") == 0) {
      if (!db_col_isnull(s, 5)) continue;
      char zApplied[11];
      snprintf(zApplied, sizeof zApplied, "%s", db_col_text(s, 4));
      text_date_add_months(zApplied, (int)rule_value("dev.talk_months", zApplied, 1, 0), zDue);
      if (strcmp(zToday, zDue) > 0) json_array_append_new(aTalk, alert_row(s, "dev.talk_1m", zApplied, zDue));
      continue;
    }
    if (db_col_isnull(s, 6)) continue;
    char zVote[11];
    snprintf(zVote, sizeof zVote, "%s", db_col_text(s, 6));
    long long id = db_col_int(s, 0);
    int bApproved = !db_col_isnull(s, 7);
    /* The findings below read other rows: copy this row first. */
    json_t *pRowEnd = 0, *pRowWait = 0;
    probation_end(id, zVote, zDue);
    if (strncmp(zDue, zToday, 7) == 0) pRowEnd = alert_row(s, "dev.probation_1y", zVote, zDue);
    else if (strcmp(zDue, zToday) < 0) pRowEnd = alert_row(s, "dev.probation_1y", zVote, zDue);
    int bLate = strcmp(zDue, zToday) < 0 && strncmp(zDue, zToday, 7) != 0;
    if (!bApproved) {
      char zApp[11];
      text_date_add_months(zVote, (int)rule_value("dev.approval_months", zVote, 3, 0), zApp);
      if (strcmp(zToday, zApp) > 0) pRowWait = alert_row(s, "dev.approval_3m", zVote, zApp);
    }
    if (pRowEnd) json_array_append_new(bLate ? aLate : aEnd, pRowEnd);
    if (pRowWait) json_array_append_new(aWait, pRowWait);
  }
  json_t *aConv = json_array();
  char *zFrom = db_text("SELECT min(valid_from) FROM lc_rule WHERE name='dev.order_full' AND value<>0", "");
  if (zFrom)
    s = db_stmt("SELECT p.id, p.name, o.code, p.stage, c.done_on, 0, 0, 0, o.name, o.path FROM dev_person p"
                " JOIN org o ON o.id=p.org_id"
                " JOIN (SELECT person_id, min(done_on) AS done_on FROM dev_step WHERE kind='conversion' AND done_on>=?3"
                "   GROUP BY person_id) c ON c.person_id=p.id"
                " WHERE o.path>=?1 AND o.path<?2 AND p.stage='full'"
                " AND NOT EXISTS(SELECT 1 FROM dev_step WHERE person_id=p.id AND kind='conversion_approval')"
                " ORDER BY o.path, p.id", "ttt", zPath, zHi, zFrom);
  while (zFrom && s && db_step(s) == 1) {
    char zConv[11];
    snprintf(zConv, sizeof zConv, "%s", db_col_text(s, 4));
    if (!rule_value("dev.order_full", zConv, 0, 0)) continue;
    text_date_add_months(zConv, (int)rule_value("dev.approval_months", zConv, 3, 0), zDue);
    if (strcmp(zToday, zDue) > 0) json_array_append_new(aConv, alert_row(s, "dev.approval_3m", zConv, zDue));
  }
  free(zFrom);
  return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "today", zToday, "talk_overdue", aTalk, "probation_ending", aEnd,
                   "conversion_overdue", aLate, "approval_waiting", aWait, "conversion_approval_waiting", aConv);
}

/* GET /orgs/{code}/development/pools: the counts of the subtree, and
 * by_org: the same by organization one level down (those with anyone). */
static void *pools_compute(const MemoArgs *pA) {
  json_t *o = pools_json(pA->zPath);
  char zHi[256];
  scope_range(pA->zPath, zHi);
  OrgKids kids;
  org_kids_load(pA->orgId, &kids);
  json_t *aBy = json_array(), *aKid = json_array();
  for (int i = 0; i < kids.n; i++) json_array_append_new(aKid, json_null());
  DbStmt *s = db_stmt("SELECT o.path, p.stage, count(*) FROM dev_person p JOIN org o ON o.id=p.org_id WHERE o.path>=?"
                      " AND o.path<? GROUP BY p.org_id, p.stage", "tt", pA->zPath, zHi);
  while (s && db_step(s) == 1) {
    int k = org_kid_of(&kids, db_col_text(s, 0));
    if (k < 0) continue;
    json_t *c = json_array_get(aKid, (size_t)k);
    if (json_is_null(c)) {
      c = json_pack("{s:s, s:s}", "org_code", kids.azCode[k], "org_name", kids.azName[k]);
      for (int i = 0; azStage[i]; i++) json_object_set_new(c, azStage[i], json_integer(0));
      json_array_set_new(aKid, (size_t)k, c);
    }
    const char *zStage = db_col_text(s, 1);
    json_object_set_new(c, zStage, json_integer(json_integer_value(json_object_get(c, zStage)) + db_col_int(s, 2)));
  }
  size_t i;
  json_t *v;
  json_array_foreach(aKid, i, v) if (!json_is_null(v)) json_array_append(aBy, v);
  json_decref(aKid);
  org_kids_free(&kids);
  json_object_set_new(o, "by_org", aBy);
  return o;
}
static const MemoKind poolsKind = {"dev-pools", pools_compute, memo_json_free};

static void pools_get(Req *r) { memo_answer(r, &poolsKind, "%s", ""); }

/* GET /orgs/{code}/development/alerts: the alerts of the subtree today,
 * summary first: counts, of each kind (counts) and by organization one
 * level down (by_org); then the rows of each kind (only those of ?kind= when
 * given, the others empty), each with its organization's name: all of them,
 * or with ?limit= a page of each from ?offset=, and total, the rows listed
 * before paging. */
static void *alerts_compute(const MemoArgs *pA) { return alerts_json(pA->zPath); }
static const MemoKind alertsKind = {"dev-alerts", alerts_compute, memo_json_free};

static void alerts_get(Req *r) {
  MemoInfo info;
  MemoRef *pRef = memo_request(r, &alertsKind, &info, "%s", "");
  if (!pRef) return;
  const json_t *pKept = memo_value(pRef);   /* read only: shared with other requests */
  json_t *o = json_pack("{s:O}", "today", json_object_get(pKept, "today"));
  OrgKids kids;
  org_kids_load(r->scope.id, &kids);
  long long (*aBy)[N_ALERT] = xcalloc((size_t)kids.n + 1, sizeof *aBy);
  const char *zKind = api_query(r, "kind");
  long long limit = api_query_int(r, "limit", -1), offset = api_query_int(r, "offset", 0), total = 0;
  json_t *pCount = json_object();
  for (int k = 0; azAlert[k]; k++) {
    json_t *a = json_object_get(pKept, azAlert[k]), *aPage = json_array();
    int bListed = !zKind || strcmp(zKind, azAlert[k]) == 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
      int c = org_kid_of(&kids, json_string_value(json_object_get(v, "org_path")));
      if (c >= 0) aBy[c][k]++;
      if (bListed && (long long)i >= offset && (limit < 0 || (long long)json_array_size(aPage) < limit)) {
        json_t *w = json_deep_copy(v);
        json_object_del(w, "org_path");
        json_array_append_new(aPage, w);
      }
    }
    json_object_set_new(pCount, azAlert[k], json_integer((json_int_t)json_array_size(a)));
    if (bListed) total += (long long)json_array_size(a);
    json_object_set_new(o, azAlert[k], aPage);
  }
  json_t *aByOrg = json_array();
  for (int c = 0; c < kids.n; c++) {
    long long any = 0;
    for (int k = 0; k < N_ALERT; k++) any |= aBy[c][k];
    if (!any) continue;
    json_t *b = json_pack("{s:s, s:s}", "org_code", kids.azCode[c], "org_name", kids.azName[c]);
    for (int k = 0; k < N_ALERT; k++) json_object_set_new(b, azAlert[k], json_integer(aBy[c][k]));
    json_array_append_new(aByOrg, b);
  }
  free(aBy);
  org_kids_free(&kids);
  json_object_set_new(o, "counts", pCount);
  json_object_set_new(o, "by_org", aByOrg);
  json_object_set_new(o, "total", json_integer(total));
  if (limit >= 0) json_object_set_new(o, "limit", json_integer(limit));
  json_object_set_new(o, "offset", json_integer(offset));
  memo_release(pRef);
  memo_annotate(o, &info);
  api_json(r, 200, o);
}

enum { PL_YEAR, PL_ACT, PL_CAND, PL_MEM, PL_NFIELD };
static const Field aPlanField[PL_NFIELD] = {
  [PL_YEAR] = {"year", "年度", FT_YEAR, F_REQUIRED, 0, 0, 2000, 2100, 0, 0, 0},
  [PL_ACT] = {"activists", "确定入党积极分子计划数", FT_INT, F_REQUIRED, 0, 0, 0, 1000000, 0, 0, 0},
  [PL_CAND] = {"candidates", "确定发展对象计划数", FT_INT, F_REQUIRED, 0, 0, 0, 1000000, 0, 0, 0},
  [PL_MEM] = {"members", "发展党员计划数", FT_INT, F_REQUIRED, 0, 0, 0, 1000000, 0, 0, 0},
};

/* The plan of an organization for a year, with progress in its subtree:
 * designations, candidates and votes recorded with dates in that year. */
/* The progress of the plan: designations, candidates and votes recorded in
 * the subtree in the year (zParam); kept for a large subtree. */
static void *plan_done_compute(const MemoArgs *pA) {
  char zHi[256], zFrom[11], zTo[11];
  int year = atoi(pA->zParam);
  scope_range(pA->zPath, zHi);
  snprintf(zFrom, sizeof zFrom, "%04d-01-01", year);
  snprintf(zTo, sizeof zTo, "%04d-12-31", year);
  json_t *pDone = json_object();
  const char *az[][2] = {{"activists", "designation"}, {"candidates", "candidate"}, {"members", "vote"}};
  for (int i = 0; i < 3; i++)
    json_object_set_new(pDone, az[i][0],
                        json_integer(db_int(0, "SELECT count(*) FROM dev_step st JOIN dev_person p ON p.id=st.person_id"
                                               " JOIN org o ON o.id=p.org_id WHERE st.kind=? AND st.done_on>=?"
                                               " AND st.done_on<=? AND o.path>=? AND o.path<?",
                                            "ttttt", az[i][1], zFrom, zTo, pA->zPath, zHi)));
  return pDone;
}
static const MemoKind planDoneKind = {"dev-plan", plan_done_compute, memo_json_free};

static json_t *plan_json(const Scope *pS, int year) {
  json_t *pQuota = json_null();
  DbStmt *s = db_stmt("SELECT activists, candidates, members, updated_by, updated_at FROM dev_plan WHERE org_id=?"
                      " AND year=?", "Ii", pS->id, year);
  if (s && db_step(s) == 1) {
    pQuota = json_pack("{s:I, s:I, s:I, s:s, s:s}", "activists", (json_int_t)db_col_int(s, 0), "candidates",
                       (json_int_t)db_col_int(s, 1), "members", (json_int_t)db_col_int(s, 2), "updated_by",
                       db_col_text(s, 3), "updated_at", db_col_text(s, 4));
    db_step(s);
  }
  MemoArgs args;
  memo_args(&args, pS, "%d", year);
  MemoInfo info;
  json_t *pDone = memo_json(&planDoneKind, &args, &info);
  if (!pDone) pDone = json_null();
  return json_pack("{s:s, s:i, s:o, s:o, s:s, s:b}", "org_code", pS->zCode, "year", year, "quota", pQuota, "done", pDone,
                   "computed_at", info.zComputedAt, "stale", info.bStale);
}

static void plan_get(Req *r) {
  char zToday[11];
  util_today(zToday);
  api_json(r, 200, plan_json(&r->scope, (int)api_query_int(r, "year", atoi(zToday))));
}

/* PUT /api/v1/orgs/{code}/development/plan: sets the year's quotas. */
static void plan_put(Req *r) {
  long long y = rec_int(&r->rec, PL_YEAR, 0), q[3];
  for (int i = 0; i < 3; i++) q[i] = rec_int(&r->rec, PL_ACT + i, 0);
  char zAt[32], zKey[48];
  util_timestamp(zAt);
  snprintf(zKey, sizeof zKey, "%s/%lld", r->scope.zCode, y);
  json_t *pAfter = json_pack("{s:I, s:I, s:I, s:I}", "year", (json_int_t)y, "activists", (json_int_t)q[0],
                             "candidates", (json_int_t)q[1], "members", (json_int_t)q[2]);
  int rc = db_begin() ||
           db_exec("INSERT INTO dev_plan VALUES(?,?,?,?,?,?,?) ON CONFLICT(org_id, year) DO UPDATE SET"
                   " activists=excluded.activists, candidates=excluded.candidates, members=excluded.members,"
                   " updated_by=excluded.updated_by, updated_at=excluded.updated_at", "IIIIItt", r->scope.id, y,
                   q[0], q[1], q[2], api_actor(r), zAt) ||
           audit_append(api_actor(r), "plan", "development_plan", zKey, r->scope.id, 0, pAfter) || db_commit();
  json_decref(pAfter);
  if (rc) {
    db_rollback();
    api_internal(r);
    return;
  }
  api_json(r, 200, plan_json(&r->scope, (int)y));
}

enum { NG_NAME, NG_IDNUM, NG_REASON, NG_ON, NG_NFIELD };
static const Field aNegField[NG_NFIELD] = {
  [NG_NAME] = {"name", "姓名", FT_TEXT, F_REQUIRED, 50, 0},
  [NG_IDNUM] = {"id_number", "公民身份号码", FT_IDNUM, F_REQUIRED | F_PII, 18, 0},
  [NG_REASON] = {"reason", "原因", FT_TEXT, F_REQUIRED, 200, 0},
  [NG_ON] = {"listed_on", "列入日期", FT_DATE, F_REQUIRED, 0, 0},
};

static void negative_add(Req *r) {
  char zToday[11];
  util_today(zToday);
  if (strcmp(r->rec.az[NG_ON], zToday) > 0) {
    api_error(r, 400, "invalid", "listed_on", "日期在今天之后");
    return;
  }
  if (on_negative_list(r->rec.az[NG_IDNUM])) {
    api_error(r, 409, "conflict", "id_number", "此人已在不得发展的人员名单中");
    return;
  }
  char zAt[32];
  util_timestamp(zAt);
  char *zMask = text_mask_id(r->rec.az[NG_IDNUM]);
  json_t *pAfter = json_pack("{s:s, s:s, s:s, s:s}", "name", r->rec.az[NG_NAME], "id_number", zMask, "reason",
                             r->rec.az[NG_REASON], "listed_on", r->rec.az[NG_ON]);
  free(zMask);
  int rc = db_begin() ||
           db_exec("INSERT INTO dev_negative(org_id, name, id_number, reason, listed_on, listed_by) VALUES(?,?,?,?,?,?)",
                   "Ittttt", r->scope.id, r->rec.az[NG_NAME], r->rec.az[NG_IDNUM], r->rec.az[NG_REASON],
                   r->rec.az[NG_ON], api_actor(r));
  long long id = rc ? 0 : db_last_rowid();
  if (api_audit_commit(r, rc, "create", "negative_list", id, r->scope.id, pAfter)) return;
  json_object_set_new(pAfter, "id", json_integer(id));
  json_object_set_new(pAfter, "org_code", json_string(r->scope.zCode));
  api_json(r, 201, pAfter);
}

static void negative_list(Req *r) {
  char zHi[256];
  scope_range(r->scope.zPath, zHi);
  json_t *a = json_array();
  DbStmt *s = db_stmt("SELECT n.id, n.name, n.id_number, n.reason, n.listed_on, o.code FROM dev_negative n JOIN org o"
                      " ON o.id=n.org_id WHERE o.path>=? AND o.path<? ORDER BY n.listed_on DESC, n.id DESC LIMIT 5000",
                      "tt", r->scope.zPath, zHi);
  while (s && db_step(s) == 1) {
    char *zM = text_mask_id(db_col_text(s, 2));
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                                       db_col_text(s, 1), "id_number", zM, "reason", db_col_text(s, 3), "listed_on",
                                       db_col_text(s, 4), "org_code", db_col_text(s, 5)));
    free(zM);
  }
  api_json(r, 200, json_pack("{s:o}", "items", a));
}

static const QParam aListQuery[] = {
  {"stage", Q_ENUM, 0, 0, azStage},
  {"limit", Q_INT, 1, 200, 0},
  {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};
static const QParam aAlertQuery[] = {
  {"kind", Q_ENUM, 0, 0, azAlert},
  {"limit", Q_INT, 1, 1000, 0},
  {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};
static const QParam aYearQuery[] = {
  {"year", Q_INT, 2000, 2100, 0},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"POST", "/api/v1/orgs/{code}/applicants", applicant_create, R_WRITE | R_ORG | R_JSONBODY, 0,
   "receive an application for membership at a branch (入党申请)", aApplicantField, AP_NFIELD, 0},
  {"GET", "/api/v1/orgs/{code}/applicants", applicant_list, R_STAFF | R_ORG, aListQuery,
   "people in the development pipeline of the subtree, by stage", 0, 0, 0},
  {"GET", "/api/v1/applicants/{id}", applicant_get, R_STAFF | R_OBJECT, 0, "one person in the pipeline, with steps",
   0, 0, person_org},
  {"POST", "/api/v1/applicants/{id}/steps", step_record, R_WRITE | R_OBJECT | R_JSONBODY, 0,
   "record a step of the pipeline; absolute rules refuse (422 rule_violation), customary ones warn", aStepField,
   ST_NFIELD, person_org},
  {"GET", "/api/v1/orgs/{code}/development/pools", pools_get, R_STAFF | R_ORG, 0,
   "how many people at each stage in the subtree (四库) and on the negative list", 0, 0, 0},
  {"GET", "/api/v1/orgs/{code}/development/alerts", alerts_get, R_STAFF | R_ORG, aAlertQuery,
   "overdue talks, probation ending this month or past, approvals (of admission or conversion) waiting past 3 months",
   0, 0, 0},
  {"GET", "/api/v1/orgs/{code}/development/plan", plan_get, R_STAFF | R_ORG, aYearQuery,
   "the organization's development plan for a year, with progress in its subtree", 0, 0, 0},
  {"PUT", "/api/v1/orgs/{code}/development/plan", plan_put, R_WRITE | R_ORG | R_JSONBODY, 0,
   "set the year's development quotas of an organization", aPlanField, PL_NFIELD, 0},
  {"GET", "/api/v1/orgs/{code}/development/negative", negative_list, R_STAFF | R_ORG, 0,
   "people of the subtree who must not be admitted (负面清单)", 0, 0, 0},
  {"POST", "/api/v1/orgs/{code}/development/negative", negative_add, R_WRITE | R_ORG | R_JSONBODY, 0,
   "put a person on the list of those who must not be admitted", aNegField, NG_NFIELD, 0},
};

/* ---- CLI reports ------------------------------------------------------------------ */

/* Dates stay text cells, as these sheets have always had them. */
static const RptCol aAlertCol[] = {
  {"finding", 0, RPT_TEXT, 0}, {"rule", 0, RPT_TEXT, 0},  {"name", 0, RPT_TEXT, 0},   {"org_code", 0, RPT_TEXT, 0},
  {"stage", 0, RPT_TEXT, 0},   {"since", 0, RPT_TEXT, 0}, {"due_on", 0, RPT_TEXT, 0},
};

static int alerts_report(ReportCtx *p) {
  json_t *o = alerts_json(p->scope.zPath);
  int rc = rpt_table(p->pOut, "发展党员预警", 0, aAlertCol, (int)ARRAY_LEN(aAlertCol));
  const char *const *azKind = azAlert;
  for (int k = 0; k < N_ALERT && !rc; k++) {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, azKind[k]), i, v) {
      json_t *a = json_pack("[s, s, O, O, O, O, O]", azKind[k], json_string_value(json_object_get(v, "rule")),
                            json_object_get(v, "name"), json_object_get(v, "org_code"), json_object_get(v, "stage"),
                            json_object_get(v, "since"), json_object_get(v, "due_on"));
      rc = rpt_row(p->pOut, a, 0);
      json_decref(a);
      if (rc) break;
    }
  }
  json_decref(o);
  return rc ? 1 : 0;
}

static const RptCol aPoolCol[] = {{"pool", 0, RPT_TEXT, 0}, {"count", 0, RPT_INT, 0}};

static int pools_report(ReportCtx *p) {
  json_t *o = pools_json(p->scope.zPath);
  int rc = rpt_table(p->pOut, "四库一单", 0, aPoolCol, (int)ARRAY_LEN(aPoolCol));
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    json_t *a = json_pack("[s, O]", k, v);
    if (!rc) rc = rpt_row(p->pOut, a, 0);
    json_decref(a);
  }
  json_decref(o);
  return rc ? 1 : 0;
}

static const Report aReport[] = {
  {"development-alerts", alerts_report, 0, "csv", 0, 0,
   "Development findings of a subtree today: overdue talks, probation ending this month or past, approvals of "
   "admission or of conversion waiting past 3 months."},
  {"development-pools", pools_report, 0, "csv", 0, 0,
   "How many people at each stage of the development pipeline in a subtree, and on the negative list."},
};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"applicant", "发展对象", "SELECT name FROM dev_person WHERE id=?1"},
  {"development_plan", "发展计划", "SELECT name || ' ' || substr(?1, instr(?1, '/') + 1) || ' 年' FROM org WHERE code=substr(?1, 1, instr(?1, '/') - 1)"},
  {"negative_list", "负面清单", 0},
};
static const char *const azAuditAction[] = {"step", "plan", 0};
static const char *const azAuditActionName[] = {"发展环节", "发展计划", 0};

static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
  {"dev_stage", azStage, azStageName},
  {"dev_alert", azAlert, azAlertName},
};

/* The server's start: the whole tree's pools, alerts, the four stages'
 * lists and this year's plan progress, computed behind (memo.h), so that
 * 发展党员 at the top opens at once. */
static int develop_start(void) {
  char zToday[11], zYear[8];
  util_today(zToday);
  snprintf(zYear, sizeof zYear, "%d", atoi(zToday));
  memo_warm_root(&poolsKind, "");
  memo_warm_root(&alertsKind, "");
  for (int i = 0; i < 4; i++) memo_warm_root(&applicantsKind, azStage[i]);
  memo_warm_root(&planDoneKind, zYear);
  return 0;
}

const Module develop_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "develop",
  .zOpenapi = "develop",
  .azMigration = MODULE_ARRAY(azMigration),
  .aEnum = MODULE_ARRAY(aEnum),
  .xMeta = develop_meta,
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aReport = MODULE_ARRAY(aReport),
  .xStart = develop_start,
};
