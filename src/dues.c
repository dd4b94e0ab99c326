/* dues.c: Party dues (党费). The monthly amount follows the versioned rules
 * of domain.md "Dues" (lc_rule, dated: a year's base is computed under the
 * rules in force on 1 January of that year); the base is set per member and
 * year; payments cover a run of months; make-up reaches at most 6 months
 * back; probationary members pay from the month of the branch vote; arrears
 * are aged and a member with six unpaid months in a row is flagged (domain.md
 * "Six months", the dues half: taking part in organizational life is the
 * meetings module's). Reports: arrears with ageing, lapsed (paid last year
 * but not this, CiviCRM's LYBUNT) and the treasurer's export. */
#include "dues.h"
#include "module.h"
#include "audit.h"
#include "db.h"
#include "memo.h"
#include "org.h"
#include "rule.h"
#include "member_status.h"
#include "member.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Its tables. They were the member-lifecycle module's: this first migration
 * creates them where they are missing (a new database) and leaves them be
 * where they are (an older one). */
static const char *const azMigration[] = {
  /* Dues: the yearly base (category, income, monthly amount under the rule
   * version in force) and payments covering a run of months. */
  "CREATE TABLE IF NOT EXISTS dues_base(member_id INTEGER NOT NULL, year INTEGER NOT NULL, category TEXT NOT NULL,\n"
  "  income INTEGER, amount INTEGER NOT NULL, rule_from TEXT NOT NULL, set_on TEXT NOT NULL, set_by TEXT NOT NULL,\n"
  "  PRIMARY KEY(member_id, year));\n"
  "CREATE TABLE IF NOT EXISTS dues_payment(id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, org_id INTEGER NOT NULL,\n"
  "  paid_on TEXT NOT NULL, amount INTEGER NOT NULL, channel TEXT NOT NULL, period_from TEXT NOT NULL,\n"
  "  period_to TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL);\n"
  "CREATE INDEX IF NOT EXISTS dues_payment_member ON dues_payment(member_id, period_from);\n",
};

static const char *cn(DbStmt *s, int i) { return db_col_isnull(s, i) ? 0 : db_col_text(s, i); }

static const char *const azCategory[] = {"salaried", "retiree", "farmer", "student", "unemployed", "relief",
                                         "exempt", 0};
static const char *const azCategoryName[] = {"在职", "离退休", "农民", "学生", "无固定收入", "生活困难", "免交", 0};

long long dues_compute(const char *zCat, long long income, long long amount, const char *zOn, char *zRuleFrom,
                       const char **pzWhy, const char **pzRule) {
  char zFrom[11];
  rule_value("dues.r1", zOn, 50, zFrom);
  if (zRuleFrom) snprintf(zRuleFrom, 11, "%s", zFrom[0] ? zFrom : "default");
  *pzRule = "dues.brackets";
  if (strcmp(zCat, "salaried") == 0 || strcmp(zCat, "retiree") == 0) {
    if (income < 0) {
      *pzWhy = "在职和离退休党员须填写税后月收入";
      return -1;
    }
    long long rate;
    if (zCat[0] == 's') {
      if (income <= rule_value("dues.b1", zOn, 300000, 0)) rate = rule_value("dues.r1", zOn, 50, 0);
      else if (income <= rule_value("dues.b2", zOn, 500000, 0)) rate = rule_value("dues.r2", zOn, 100, 0);
      else if (income <= rule_value("dues.b3", zOn, 1000000, 0)) rate = rule_value("dues.r3", zOn, 150, 0);
      else rate = rule_value("dues.r4", zOn, 200, 0);
    } else {
      rate = income <= rule_value("dues.retiree_b", zOn, 500000, 0) ? rule_value("dues.retiree_r1", zOn, 50, 0)
                                                                  : rule_value("dues.retiree_r2", zOn, 100, 0);
    }
    return (income * rate + 5000) / 10000;
  }
  if (strcmp(zCat, "farmer") == 0) {
    long long lo = rule_value("dues.farmer_min", zOn, 20, 0), hi = rule_value("dues.farmer_max", zOn, 100, 0);
    if (amount < 0) return lo;
    if (amount < lo || amount > hi) {
      *pzRule = "dues.farmer";
      *pzWhy = "农民党员每月交纳0.2元至1元";
      return -1;
    }
    return amount;
  }
  if (strcmp(zCat, "student") == 0 || strcmp(zCat, "unemployed") == 0 || strcmp(zCat, "relief") == 0)
    return rule_value("dues.low", zOn, 20, 0);
  if (strcmp(zCat, "exempt") == 0) return 0;
  *pzWhy = "未知的党费类别";
  return -1;
}

/* A member's state from what is known of them: joined (YYYY-MM-DD), their
 * bases (aBaseYear, aBaseAmt: nBase, ascending years) and their payments
 * (aFrom, aTo: n, months as text_month, in month order; they never overlap:
 * dues_pay refuses it), on zToday with the six-month rule six. */
static void state_of(const char *zJoined, const int *aBaseYear, const long long *aBaseAmt, int nBase,
                     const int *aFrom, const int *aTo, int n, const char *zToday, int six, DuesState *p) {
  memset(p, 0, sizeof *p);
  if (!zJoined || !nBase || !aBaseYear[0]) return;
  p->bTracked = 1;
  int start = text_month(zJoined), last = text_month(zToday) - 1;
  if (start < aBaseYear[0] * 12) start = aBaseYear[0] * 12;
  for (int i = 0; i < n; i++)
    if (!p->zLastPaid[0] || aTo[i] > text_month(p->zLastPaid)) text_month_str(aTo[i], p->zLastPaid);
  int j = 0, year = -1, k = 0;
  long long amount = 0;
  for (int m = start; m <= last; m++) {
    while (j < n && aTo[j] < m) j++;
    int bPaid = j < n && aFrom[j] <= m && m <= aTo[j];
    if (bPaid) {
      p->nRun = 0;
      continue;
    }
    p->nUnpaid++;
    p->nRun++;
    if (!p->zOldest[0]) text_month_str(m, p->zOldest);
    if (m / 12 != year) {
      year = m / 12;
      while (k < nBase && aBaseYear[k] < year) k++;
      amount = k < nBase && aBaseYear[k] == year ? aBaseAmt[k] : 0;
    }
    p->owed += amount;
  }
  p->bSixMonths = p->nRun >= six;
}

int dues_state(long long memberId, const char *zToday, DuesState *p) {
  memset(p, 0, sizeof *p);
  char *zJoined = db_text("SELECT joined_on FROM member WHERE id=?", "I", memberId);
  int aYear[256], nBase = 0, aFrom[512], aTo[512], n = 0;
  long long aAmt[256];
  DbStmt *s = db_stmt("SELECT year, amount FROM dues_base WHERE member_id=? ORDER BY year", "I", memberId);
  while (s && db_step(s) == 1)
    if (nBase < 256) aYear[nBase] = (int)db_col_int(s, 0), aAmt[nBase++] = db_col_int(s, 1);
  s = db_stmt("SELECT period_from, period_to FROM dues_payment WHERE member_id=? ORDER BY period_from", "I", memberId);
  while (s && db_step(s) == 1)
    if (n < 512) aFrom[n] = text_month(db_col_text(s, 0)), aTo[n++] = text_month(db_col_text(s, 1));
  state_of(zJoined, aYear, aAmt, nBase, aFrom, aTo, n, zToday, (int)rule_value("six.months", zToday, 6, 0), p);
  free(zJoined);
  return 0;
}

/* ---- bases ------------------------------------------------------------------------ */

enum { B_YEAR, B_CAT, B_INCOME, B_AMOUNT, B_NFIELD };
static const Field aBaseField[B_NFIELD] = {
  [B_YEAR] = {"year", "年度", FT_YEAR, F_REQUIRED, 0, 0, 1921, 2100, 0, 0, 0},
  [B_CAT] = {"category", "党费类别", FT_ENUM, F_REQUIRED, 0, azCategory},
  [B_INCOME] = {"income", "税后月收入", FT_MONEY, 0, 0, 0},
  [B_AMOUNT] = {"amount", "月交纳额（农民党员）", FT_MONEY, 0, 0, 0},
};

/* Writes a member's base for a year (insert or replace), audited. 0 or -1. */
static int base_write(const char *zActor, long long memberId, long long orgId, int year, const char *zCat,
                      long long income, long long amount, const char *zRuleFrom) {
  char zToday[11], zKey[48];
  util_today(zToday);
  snprintf(zKey, sizeof zKey, "%lld/%d", memberId, year);
  json_t *pBefore = 0;
  DbStmt *s = db_stmt("SELECT category, income, amount FROM dues_base WHERE member_id=? AND year=?", "Ii", memberId,
                      year);
  if (s && db_step(s) == 1) {
    pBefore = json_pack("{s:s, s:o, s:I}", "category", db_col_text(s, 0), "income",
                        db_col_isnull(s, 1) ? json_null() : json_integer(db_col_int(s, 1)), "amount",
                        (json_int_t)db_col_int(s, 2));
    db_step(s);
  }
  json_t *pAfter = json_pack("{s:s, s:o, s:I, s:s}", "category", zCat, "income",
                             income < 0 ? json_null() : json_integer(income), "amount", (json_int_t)amount,
                             "rule_from", zRuleFrom);
  int rc = db_exec("INSERT OR REPLACE INTO dues_base VALUES(?,?,?,nullif(?,-1),?,?,?,?)", "IitIIttt", memberId, year,
                   zCat, income, amount, zRuleFrom, zToday, zActor) ||
           audit_append(zActor, "base", "dues", zKey, orgId, pBefore, pAfter);
  json_decref(pBefore);
  json_decref(pAfter);
  return rc;
}

/* POST /api/v1/members/{id}/dues/base */
static void base_set(Req *r) {
  int year = (int)rec_int(&r->rec, B_YEAR, 0);
  char zToday[11], zOn[24], zFrom[11];
  util_today(zToday);
  DbStmt *s = db_stmt("SELECT joined_on, org_id, status FROM member WHERE id=?", "I", r->memberId);
  if (!s || db_step(s) != 1) {
    api_internal(r);
    return;
  }
  int joinedYear = atoi(db_col_text(s, 0));
  long long orgId = db_col_int(s, 1);
  int bActive = strcmp(db_col_text(s, 2), "active") == 0;
  db_step(s);
  if (year < joinedYear || year > atoi(zToday) + 1) {
    api_error(r, 400, "invalid", "year", "年度应在入党年份 %d 与明年之间", joinedYear);
    return;
  }
  if (!bActive) {
    api_error(r, 409, "conflict", 0, "该党员党籍状态不是正常");
    return;
  }
  snprintf(zOn, sizeof zOn, "%04d-01-01", year);
  long long income = r->rec.az[B_INCOME] ? atoll(r->rec.az[B_INCOME]) : -1;
  long long asked = r->rec.az[B_AMOUNT] ? atoll(r->rec.az[B_AMOUNT]) : -1;
  const char *zWhy = 0, *zRule = 0;
  long long amount = dues_compute(r->rec.az[B_CAT], income, asked, zOn, zFrom, &zWhy, &zRule);
  if (amount < 0) {
    if (strcmp(zRule, "dues.farmer") == 0) rule_error(r, zRule, "amount", "%s", zWhy);
    else api_error(r, 400, "required", "income", "%s", zWhy);
    return;
  }
  int rc = db_begin() ||
           base_write(api_actor(r), r->memberId, orgId, year, r->rec.az[B_CAT], income, amount, zFrom) ||
           db_commit();
  if (rc) {
    db_rollback();
    api_internal(r);
    return;
  }
  api_json(r, 200, json_pack("{s:I, s:i, s:s, s:o, s:f, s:s}", "member_id", (json_int_t)r->memberId, "year", year,
                             "category", r->rec.az[B_CAT], "income",
                             income < 0 ? json_null() : json_real((double)income / 100.0), "amount",
                             (double)amount / 100.0, "rule_from", zFrom));
}

enum { BB_YEAR, BB_NFIELD };
static const Field aBasesField[BB_NFIELD] = {
  [BB_YEAR] = {"year", "年度", FT_YEAR, F_REQUIRED, 0, 0, 1921, 2100, 0, 0, 0},
};

/* POST /api/v1/orgs/{code}/dues/bases: at the start of a year, sets the
 * base of every active member of the subtree who has none for that year:
 * the category of the member's latest earlier base (else salaried), the
 * income on the roster (farmers and others: the same amount as before).
 * Members whose income is unknown are skipped and listed. */
static void bases_set(Req *r) {
  int year = (int)rec_int(&r->rec, BB_YEAR, 0);
  char zToday[11], zOn[24], zFrom[11], zHi[256];
  util_today(zToday);
  if (year < 2000 || year > atoi(zToday) + 1) {
    api_error(r, 400, "invalid", "year", "年度应在 2000 与明年之间");
    return;
  }
  snprintf(zOn, sizeof zOn, "%04d-01-01", year);
  scope_range(r->scope.zPath, zHi);
  if (db_begin()) {
    api_internal(r);
    return;
  }
  long long nSet = 0, nSkip = 0;
  json_t *aSkip = json_array();
  DbStmt *s = db_stmt(
      "SELECT m.id, m.org_id, m.name, m.monthly_income,"
      " (SELECT category FROM dues_base b WHERE b.member_id=m.id AND b.year<?3 ORDER BY year DESC LIMIT 1),"
      " (SELECT amount FROM dues_base b WHERE b.member_id=m.id AND b.year<?3 ORDER BY year DESC LIMIT 1)"
      " FROM member m JOIN org o ON o.id=m.org_id WHERE o.path>=?1 AND o.path<?2 AND m.status='active'"
      " AND CAST(substr(m.joined_on,1,4) AS INTEGER)<=?3"
      " AND NOT EXISTS(SELECT 1 FROM dues_base b WHERE b.member_id=m.id AND b.year=?3) ORDER BY m.id",
      "tti", r->scope.zPath, zHi, year);
  int rc = s ? 0 : -1;
  /* Collect first: writing while the statement runs would change its rows. */
  json_t *aRow = json_array();
  while (s && (rc = db_step(s)) == 1)
    json_array_append_new(aRow, json_pack("[I, I, s, o, s?, o]", (json_int_t)db_col_int(s, 0),
                                          (json_int_t)db_col_int(s, 1), db_col_text(s, 2),
                                          db_col_isnull(s, 3) ? json_null() : json_integer(db_col_int(s, 3)),
                                          cn(s, 4), db_col_isnull(s, 5) ? json_null() : json_integer(db_col_int(s, 5))));
  rc = rc < 0 ? -1 : 0;
  size_t i;
  json_t *v;
  json_array_foreach(aRow, i, v) {
    if (rc) break;
    const char *zCat = json_string_value(json_array_get(v, 4));
    if (!zCat) zCat = "salaried";
    json_t *pInc = json_array_get(v, 3), *pAmt = json_array_get(v, 5);
    long long income = json_is_null(pInc) ? -1 : json_integer_value(pInc);
    long long asked = strcmp(zCat, "farmer") == 0 && !json_is_null(pAmt) ? json_integer_value(pAmt) : -1;
    const char *zWhy = 0, *zRule = 0;
    long long amount = dues_compute(zCat, income, asked, zOn, zFrom, &zWhy, &zRule);
    if (amount < 0) {
      nSkip++;
      if (json_array_size(aSkip) < 100)
        json_array_append_new(aSkip, json_pack("{s:O, s:O, s:s}", "member_id", json_array_get(v, 0), "name",
                                               json_array_get(v, 2), "reason", zWhy));
      continue;
    }
    rc = base_write(api_actor(r), json_integer_value(json_array_get(v, 0)), json_integer_value(json_array_get(v, 1)),
                    year, zCat, income, amount, zFrom);
    nSet++;
  }
  json_decref(aRow);
  rc = rc || db_commit();
  if (rc) {
    json_decref(aSkip);
    db_rollback();
    api_internal(r);
    return;
  }
  api_json(r, 200, json_pack("{s:i, s:I, s:I, s:o}", "year", year, "set", (json_int_t)nSet, "skipped",
                             (json_int_t)nSkip, "skipped_members", aSkip));
}

/* ---- payments ----------------------------------------------------------------------- */

enum { P_ON, P_AMOUNT, P_CHANNEL, P_FROM, P_TO, P_NFIELD };
static const char *const azChannel[] = {"cash", "bank", "wechat", "alipay", "payroll", "other", 0};
static const char *const azChannelName[] = {"现金", "银行转账", "微信", "支付宝", "工资代扣", "其他", 0};
static const Field aPayField[P_NFIELD] = {
  [P_ON] = {"paid_on", "交纳日期", FT_DATE, F_REQUIRED, 0, 0},
  [P_AMOUNT] = {"amount", "金额", FT_MONEY, F_REQUIRED, 0, 0},
  [P_CHANNEL] = {"channel", "交纳方式", FT_ENUM, F_REQUIRED, 0, azChannel},
  [P_FROM] = {"period_from", "所属月份起", FT_MONTH, F_REQUIRED, 0, 0, 0, 0, 0, 0, 0},
  [P_TO] = {"period_to", "所属月份止", FT_MONTH, F_REQUIRED, 0, 0, 0, 0, 0, 0, 0},
};

/* POST /api/v1/members/{id}/dues/payments. Rules: dues.from_vote (no month
 * before the branch vote), dues.makeup_6m (at most 6 months back from the
 * month of payment), dues.amount (at least the base for the months). */
static void payment_add(Req *r) {
  const char **a = (const char **)r->rec.az;
  char zToday[11];
  util_today(zToday);
  int from = text_month(a[P_FROM]), to = text_month(a[P_TO]), paid = text_month(a[P_ON]);
  if (to < from) {
    api_error(r, 400, "invalid", "period_to", "所属月份止早于所属月份起");
    return;
  }
  if (strcmp(a[P_ON], zToday) > 0) {
    api_error(r, 400, "invalid", "paid_on", "交纳日期 %s 在今天之后", a[P_ON]);
    return;
  }
  if (to / 12 > paid / 12) {
    api_error(r, 400, "invalid", "period_to", "只能预交到交纳当年的12月");
    return;
  }
  DbStmt *s = db_stmt("SELECT joined_on, org_id, status FROM member WHERE id=?", "I", r->memberId);
  if (!s || db_step(s) != 1) {
    api_internal(r);
    return;
  }
  char zJoined[11];
  snprintf(zJoined, sizeof zJoined, "%s", db_col_text(s, 0));
  long long orgId = db_col_int(s, 1);
  int bActive = strcmp(db_col_text(s, 2), "active") == 0;
  db_step(s);
  if (!bActive) {
    api_error(r, 409, "conflict", 0, "该党员党籍状态不是正常，不能登记党费");
    return;
  }
  char zM[8];
  if (from < text_month(zJoined)) {
    text_month_str(text_month(zJoined), zM);
    rule_error(r, "dues.from_vote", "period_from", "党费自支部大会通过为预备党员之月（%s）起交纳", zM);
    return;
  }
  int nBack = (int)rule_value("dues.makeup_months", a[P_ON], 6, 0);
  if (from < paid - nBack) {
    text_month_str(paid - nBack, zM);
    rule_error(r, "dues.makeup_6m", "period_from", "补交党费最多补交%d个月：%s 交纳时最早补到 %s", nBack, a[P_ON], zM);
    return;
  }
  long long due = 0;
  for (int y = from / 12; y <= to / 12; y++) {
    long long amt = db_int(-1, "SELECT amount FROM dues_base WHERE member_id=? AND year=?", "Ii", r->memberId, y);
    if (amt < 0) {
      api_error(r, 409, "conflict", "period_from", "尚未核定该党员 %d 年的党费基数", y);
      return;
    }
    int m0 = from > y * 12 ? from : y * 12, m1 = to < y * 12 + 11 ? to : y * 12 + 11;
    due += amt * (m1 - m0 + 1);
  }
  long long amount = atoll(a[P_AMOUNT]);
  if (amount < due) {
    char zDue[32], zGot[32];
    text_format_money(due, zDue);
    text_format_money(amount, zGot);
    rule_error(r, "dues.amount", "amount", "%s 至 %s 应交 %s 元，填写 %s 元", a[P_FROM], a[P_TO], zDue, zGot);
    return;
  }
  char zAt[32];
  util_timestamp(zAt);
  if (db_begin()) {
    api_internal(r);
    return;
  }
  if (db_exists("SELECT 1 FROM dues_payment WHERE member_id=? AND period_from<=? AND period_to>=?", "Itt",
                r->memberId, a[P_TO], a[P_FROM]) == 1) {
    db_rollback();
    api_error(r, 409, "conflict", "period_from", "所属月份与已登记的交纳记录重叠");
    return;
  }
  int rc = db_exec("INSERT INTO dues_payment(member_id, org_id, paid_on, amount, channel, period_from, period_to,"
                   " recorded_by, recorded_at) VALUES(?,?,?,?,?,?,?,?,?)", "IItIttttt", r->memberId, orgId,
                   a[P_ON], amount, a[P_CHANNEL], a[P_FROM], a[P_TO], api_actor(r), zAt);
  long long id = rc ? 0 : db_last_rowid();
  json_t *pAfter = json_pack("{s:I, s:I, s:s, s:f, s:s, s:s, s:s, s:f}", "id", (json_int_t)id, "member_id",
                             (json_int_t)r->memberId, "paid_on", a[P_ON], "amount", (double)amount / 100.0, "channel",
                             a[P_CHANNEL], "period_from", a[P_FROM], "period_to", a[P_TO], "due",
                             (double)due / 100.0);
  if (api_audit_commit(r, rc, "payment", "dues", id, orgId, pAfter)) return;
  api_json(r, 201, pAfter);
}

static json_t *state_json(long long memberId, const char *zToday) {
  DuesState st;
  dues_state(memberId, zToday, &st);
  return json_pack("{s:b, s:i, s:i, s:f, s:s?, s:s?, s:b}", "tracked", st.bTracked, "unpaid_months", st.nUnpaid,
                   "consecutive_unpaid", st.nRun, "owed", (double)st.owed / 100.0, "oldest_unpaid",
                   st.zOldest[0] ? st.zOldest : 0, "last_paid", st.zLastPaid[0] ? st.zLastPaid : 0, "six_month_flag",
                   st.bSixMonths);
}

/* GET /api/v1/members/{id}/dues: bases, payments and where the member stands. */
static void member_dues(Req *r) {
  char zToday[11];
  util_today(zToday);
  json_t *aBase = json_array(), *aPay = json_array();
  DbStmt *s = db_stmt("SELECT year, category, income, amount, rule_from, set_on FROM dues_base WHERE member_id=?"
                      " ORDER BY year", "I", r->memberId);
  while (s && db_step(s) == 1)
    json_array_append_new(aBase, json_pack("{s:I, s:s, s:o, s:f, s:s, s:s}", "year", (json_int_t)db_col_int(s, 0),
                                           "category", db_col_text(s, 1), "income",
                                           db_col_isnull(s, 2) ? json_null() : json_real(db_col_int(s, 2) / 100.0),
                                           "amount", db_col_int(s, 3) / 100.0, "rule_from", db_col_text(s, 4),
                                           "set_on", db_col_text(s, 5)));
  s = db_stmt("SELECT id, paid_on, amount, channel, period_from, period_to FROM dues_payment WHERE member_id=?"
              " ORDER BY period_from", "I", r->memberId);
  while (s && db_step(s) == 1)
    json_array_append_new(aPay, json_pack("{s:I, s:s, s:f, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0),
                                          "paid_on", db_col_text(s, 1), "amount", db_col_int(s, 2) / 100.0,
                                          "channel", db_col_text(s, 3), "period_from", db_col_text(s, 4),
                                          "period_to", db_col_text(s, 5)));
  api_json(r, 200, json_pack("{s:I, s:o, s:o, s:o}", "member_id", (json_int_t)r->memberId, "bases", aBase,
                             "payments", aPay, "state", state_json(r->memberId, zToday)));
}

/* GET /api/v1/dues/amount: the calculator. */
static void amount_get(Req *r) {
  char zToday[11], zFrom[11];
  util_today(zToday);
  const char *zOn = api_query(r, "on");
  char zDate[11];
  if (zOn && text_parse_date(zOn, zDate)) {
    api_error(r, 400, "invalid", "on", "不是有效日期");
    return;
  }
  const char *zInc = api_query(r, "income"), *zAmt = api_query(r, "amount");
  long long income = -1, asked = -1;
  if ((zInc && text_parse_money(zInc, &income)) || (zAmt && text_parse_money(zAmt, &asked))) {
    api_error(r, 400, "invalid", zInc && text_parse_money(zInc, &income) ? "income" : "amount", "不是有效金额");
    return;
  }
  const char *zWhy = 0, *zRule = 0;
  long long v = dues_compute(api_query(r, "category"), income, asked, zOn ? zDate : zToday, zFrom, &zWhy, &zRule);
  if (v < 0) {
    if (strcmp(zRule, "dues.farmer") == 0) rule_error(r, zRule, "amount", "%s", zWhy);
    else api_error(r, 400, "required", "income", "%s", zWhy);
    return;
  }
  api_json(r, 200, json_pack("{s:s, s:f, s:s}", "category", api_query(r, "category"), "amount", (double)v / 100.0,
                             "rule_from", zFrom));
}

/* ---- reports ------------------------------------------------------------------------ */

/* Arrears of the active members of a subtree with at least nMin unpaid
 * months, in the order of the tree: one compact row per member, the
 * organizations they belong to (code, name, and the child of the subtree's
 * top that holds them), and the summary (counts by ageing bucket). Kept as
 * it is (memo.h) for a large subtree, so every row is a few dozen bytes. */
typedef struct ArrMember {
  long long id;
  char *zName, *zCode, *zOrgName, *zPath, *zJoined;
  DuesState st;
} ArrMember;

typedef struct ArrOrg { char *zCode, *zName; int iChild; } ArrOrg;
typedef struct ArrRow {
  long long id, owed;           /* owed in fen */
  char *zName;
  int iOrg;                     /* into ArrSet.aOrg */
  int nUnpaid, nRun;
  char zOldest[8], zLastPaid[8];
  unsigned char age, bSix;      /* age: 0 1-3, 1 4-6, 2 7+ */
} ArrRow;
typedef struct ArrSet {
  ArrRow *aRow;
  long long nRow;
  ArrOrg *aOrg;
  long long nOrg;
  json_t *pSum;                 /* today, tracked, in_arrears, ageing, six_month_flags */
  json_t *aChild;               /* the subtree top's children, [[code, name]] */
} ArrSet;
static const char *const azAge[] = {"1-3", "4-6", "7+"};

static int arr_cmp_path(const void *x, const void *y) {
  const ArrMember *a = x, *b = y;
  int c = strcmp(a->zPath, b->zPath);
  return c ? c : a->id < b->id ? -1 : a->id > b->id;
}

static void arrears_free(ArrSet *p) {
  for (long long i = 0; i < p->nRow; i++) free(p->aRow[i].zName);
  for (long long i = 0; i < p->nOrg; i++) free(p->aOrg[i].zCode), free(p->aOrg[i].zName);
  free(p->aRow);
  free(p->aOrg);
  json_decref(p->pSum);
  json_decref(p->aChild);
  memset(p, 0, sizeof *p);
}

static void arrears_set(long long orgId, const char *zPath, int nMin, ArrSet *pSet) {
  char zHi[256], zToday[11];
  memset(pSet, 0, sizeof *pSet);
  scope_range(zPath, zHi);
  util_today(zToday);
  int six = (int)rule_value("six.months", zToday, 6, 0);
  /* Three passes over the subtree, each in member order (members, their
   * bases, their payments), merged here: no query per member. */
  ArrMember *aM = 0;
  long long nM = 0, nAlloc = 0;
  DbStmt *s = db_stmt("SELECT m.id, m.name, o.code, o.name, o.path, m.joined_on FROM member m JOIN org o ON o.id=m.org_id"
                      " WHERE o.path>=? AND o.path<? AND m.status='active' ORDER BY m.id", "tt", zPath, zHi);
  while (s && db_step(s) == 1) {
    if (nM == nAlloc) aM = xrealloc(aM, sizeof *aM * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 1024));
    aM[nM++] = (ArrMember){db_col_int(s, 0), db_col_dup(s, 1), db_col_dup(s, 2), db_col_dup(s, 3), db_col_dup(s, 4),
                           db_col_isnull(s, 5) ? 0 : db_col_dup(s, 5), {0}};
  }
  long long *aBM = 0, *aBAmt = 0, nB = 0, nBAlloc = 0;
  int *aBYear = 0;
  s = db_stmt("SELECT b.member_id, b.year, b.amount FROM dues_base b JOIN member m ON m.id=b.member_id"
              " JOIN org o ON o.id=m.org_id WHERE o.path>=? AND o.path<? AND m.status='active'"
              " ORDER BY b.member_id, b.year", "tt", zPath, zHi);
  while (s && db_step(s) == 1) {
    if (nB == nBAlloc) {
      nBAlloc = nBAlloc ? 2 * nBAlloc : 1024;
      aBM = xrealloc(aBM, sizeof *aBM * (size_t)nBAlloc);
      aBAmt = xrealloc(aBAmt, sizeof *aBAmt * (size_t)nBAlloc);
      aBYear = xrealloc(aBYear, sizeof *aBYear * (size_t)nBAlloc);
    }
    aBM[nB] = db_col_int(s, 0), aBYear[nB] = (int)db_col_int(s, 1), aBAmt[nB++] = db_col_int(s, 2);
  }
  long long *aPM = 0, nP = 0, nPAlloc = 0;
  int *aPFrom = 0, *aPTo = 0;
  s = db_stmt("SELECT p.member_id, p.period_from, p.period_to FROM dues_payment p JOIN member m ON m.id=p.member_id"
              " JOIN org o ON o.id=m.org_id WHERE o.path>=? AND o.path<? AND m.status='active'"
              " ORDER BY p.member_id, p.period_from", "tt", zPath, zHi);
  while (s && db_step(s) == 1) {
    if (nP == nPAlloc) {
      nPAlloc = nPAlloc ? 2 * nPAlloc : 1024;
      aPM = xrealloc(aPM, sizeof *aPM * (size_t)nPAlloc);
      aPFrom = xrealloc(aPFrom, sizeof *aPFrom * (size_t)nPAlloc);
      aPTo = xrealloc(aPTo, sizeof *aPTo * (size_t)nPAlloc);
    }
    aPM[nP] = db_col_int(s, 0), aPFrom[nP] = text_month(db_col_text(s, 1)), aPTo[nP++] = text_month(db_col_text(s, 2));
  }
  for (long long i = 0, jb = 0, jp = 0; i < nM; i++) {
    long long id = aM[i].id;
    while (jb < nB && aBM[jb] < id) jb++;
    long long b0 = jb;
    while (jb < nB && aBM[jb] == id) jb++;
    while (jp < nP && aPM[jp] < id) jp++;
    long long p0 = jp;
    while (jp < nP && aPM[jp] == id) jp++;
    state_of(aM[i].zJoined, aBYear + b0, aBAmt + b0, (int)(jb - b0), aPFrom + p0, aPTo + p0, (int)(jp - p0), zToday,
             six, &aM[i].st);
  }
  free(aBM), free(aBAmt), free(aBYear), free(aPM), free(aPFrom), free(aPTo);
  if (nM > 1) qsort(aM, (size_t)nM, sizeof *aM, arr_cmp_path);
  OrgKids kids;
  org_kids_load(orgId, &kids);
  pSet->aChild = json_array();
  for (int k = 0; k < kids.n; k++) json_array_append_new(pSet->aChild, json_pack("[s, s]", kids.azCode[k], kids.azName[k]));
  long long aBucket[3] = {0, 0, 0}, nSix = 0, nTracked = 0, nRowAlloc = 0, nOrgAlloc = 0;
  const char *zPrevPath = "";
  for (long long i = 0; i < nM; i++) {
    const DuesState *st = &aM[i].st;
    if (st->bTracked) {
      nTracked++;
      if (st->nUnpaid > 0 && st->nUnpaid >= nMin) {
        int age = text_month(zToday) - text_month(st->zOldest);
        int iAge = age <= 3 ? 0 : age <= 6 ? 1 : 2;
        aBucket[iAge]++;
        nSix += st->bSixMonths;
        if (strcmp(aM[i].zPath, zPrevPath) != 0) {   /* rows are in the order of the tree: a new organization */
          if (pSet->nOrg == nOrgAlloc) pSet->aOrg = xrealloc(pSet->aOrg, sizeof *pSet->aOrg * (size_t)(nOrgAlloc = nOrgAlloc ? 2 * nOrgAlloc : 256));
          pSet->aOrg[pSet->nOrg++] = (ArrOrg){xstrdup(aM[i].zCode), xstrdup(aM[i].zOrgName), org_kid_of(&kids, aM[i].zPath)};
          zPrevPath = aM[i].zPath;
        }
        if (pSet->nRow == nRowAlloc) pSet->aRow = xrealloc(pSet->aRow, sizeof *pSet->aRow * (size_t)(nRowAlloc = nRowAlloc ? 2 * nRowAlloc : 1024));
        ArrRow *r = &pSet->aRow[pSet->nRow++];
        *r = (ArrRow){aM[i].id, st->owed, aM[i].zName, (int)pSet->nOrg - 1, st->nUnpaid, st->nRun, "", "",
                      (unsigned char)iAge, (unsigned char)(st->bSixMonths != 0)};
        memcpy(r->zOldest, st->zOldest, sizeof r->zOldest);
        memcpy(r->zLastPaid, st->zLastPaid, sizeof r->zLastPaid);
        aM[i].zName = 0;   /* the row has it */
      }
    }
  }
  for (long long i = 0; i < nM; i++) free(aM[i].zName), free(aM[i].zCode), free(aM[i].zOrgName), free(aM[i].zPath), free(aM[i].zJoined);
  free(aM);
  org_kids_free(&kids);
  pSet->pSum = json_pack("{s:s, s:I, s:I, s:{s:I, s:I, s:I}, s:I}", "today", zToday, "tracked", (json_int_t)nTracked,
                         "in_arrears", (json_int_t)pSet->nRow, "ageing", "1-3", (json_int_t)aBucket[0], "4-6",
                         (json_int_t)aBucket[1], "7+", (json_int_t)aBucket[2], "six_month_flags", (json_int_t)nSix);
}

/* One row as the report's cells, [member_id, name, org_code, unpaid,
 * consecutive, owed, oldest, last_paid, ageing, six_month_flag]. */
static json_t *arrears_cells(const ArrSet *p, const ArrRow *r) {
  return json_pack("[I, s, s, i, i, f, s, s?, s, b]", (json_int_t)r->id, r->zName, p->aOrg[r->iOrg].zCode, r->nUnpaid,
                   r->nRun, (double)r->owed / 100.0, r->zOldest, r->zLastPaid[0] ? r->zLastPaid : 0, azAge[r->age],
                   r->bSix);
}
/* The columns of arrears_rows: the API's keys and the report's; the
 * months stay text cells, as the sheet has always had them. */
static const RptCol aArrearsCol[] = {
  {"member_id", 0, RPT_INT, 0},     {"name", 0, RPT_TEXT, 0},          {"org_code", 0, RPT_TEXT, 0},
  {"unpaid_months", 0, RPT_INT, 0}, {"consecutive_unpaid", 0, RPT_INT, 0}, {"owed", 0, RPT_REAL, 0},
  {"oldest_unpaid", 0, RPT_TEXT, 0}, {"last_paid", 0, RPT_TEXT, 0},     {"ageing", 0, RPT_TEXT, 0},
  {"six_month_flag", 0, RPT_BOOL, 0},
};

/* The kept answer of the arrears route (memo.h): MemoArgs.zParam is the
 * threshold of unpaid months. */
static void *arrears_compute(const MemoArgs *pA) {
  ArrSet *p = xcalloc(1, sizeof *p);
  arrears_set(pA->orgId, pA->zPath, atoi(pA->zParam), p);
  return p;
}
static void arrears_drop(void *p) {
  arrears_free(p);
  free(p);
}
static const MemoKind arrearsKind = {"dues-arrears", arrears_compute, arrears_drop};

/* GET /orgs/{code}/dues/arrears: the summary of the subtree first (counts,
 * ageing, and by organization one level down), then a page of the members
 * in arrears, each with the name of their branch; from the kept answer for
 * a large subtree ("computed_at", "stale"). */
static void arrears_get(Req *r) {
  MemoInfo info;
  MemoRef *pRef = memo_request(r, &arrearsKind, &info, "%lld", api_query_int(r, "min_months", 1));
  if (!pRef) return;
  const ArrSet *p = memo_value(pRef);
  long long limit = api_query_int(r, "limit", 100), offset = api_query_int(r, "offset", 0), total = 0;
  size_t nChild = json_array_size(p->aChild);
  long long (*aBy)[3] = xcalloc(nChild + 1, sizeof *aBy);   /* in arrears, flagged, owed in fen */
  json_t *aItem = json_array();
  int bSix = api_query_bool(r, "six_months");
  for (long long i = 0; i < p->nRow; i++) {
    const ArrRow *w = &p->aRow[i];
    if (bSix && !w->bSix) continue;
    const ArrOrg *o = &p->aOrg[w->iOrg];
    if (o->iChild >= 0) {
      aBy[o->iChild][0]++;
      aBy[o->iChild][1] += w->bSix;
      aBy[o->iChild][2] += w->owed;
    }
    if (total++ < offset || (long long)json_array_size(aItem) >= limit) continue;
    json_t *v = arrears_cells(p, w), *j = json_object();
    for (int c = 0; c < (int)ARRAY_LEN(aArrearsCol); c++) json_object_set(j, aArrearsCol[c].zHead, json_array_get(v, (size_t)c));
    json_object_set_new(j, "org_name", json_string(o->zName));
    json_decref(v);
    json_array_append_new(aItem, j);
  }
  json_t *aByOrg = json_array(), *pSum = json_deep_copy(p->pSum);
  for (size_t i = 0; i < nChild; i++)
    if (aBy[i][0]) {
      json_t *v = json_array_get(p->aChild, i);
      json_array_append_new(aByOrg, json_pack("{s:O, s:O, s:I, s:I, s:f}", "org_code", json_array_get(v, 0), "org_name",
                                              json_array_get(v, 1), "in_arrears", (json_int_t)aBy[i][0],
                                              "six_month_flags", (json_int_t)aBy[i][1], "owed", (double)aBy[i][2] / 100.0));
    }
  free(aBy);
  memo_release(pRef);
  json_object_set_new(pSum, "by_org", aByOrg);
  json_object_set_new(pSum, "total", json_integer(total));
  json_object_set_new(pSum, "limit", json_integer(limit));
  json_object_set_new(pSum, "offset", json_integer(offset));
  json_object_set_new(pSum, "items", aItem);
  memo_annotate(pSum, &info);
  api_json(r, 200, pSum);
}

/* Members of a subtree who paid for some month of year-1 and for no month
 * of year (LYBUNT), in the order of the tree, as compact rows (the
 * organizations apart, as for arrears): kept as it is for a large subtree. */
typedef struct LapRow { long long id; char *zName; int iOrg; char zLast[8]; } LapRow;
typedef struct LapSet {
  LapRow *aRow;
  long long nRow;
  ArrOrg *aOrg;
  long long nOrg;
} LapSet;

static void lapsed_free(LapSet *p) {
  for (long long i = 0; i < p->nRow; i++) free(p->aRow[i].zName);
  for (long long i = 0; i < p->nOrg; i++) free(p->aOrg[i].zCode), free(p->aOrg[i].zName);
  free(p->aRow);
  free(p->aOrg);
  memset(p, 0, sizeof *p);
}

static void lapsed_set(const char *zPath, int year, LapSet *pSet) {
  char zHi[256], zA[16], zB[16], zC[16], zD[16];
  memset(pSet, 0, sizeof *pSet);
  scope_range(zPath, zHi);
  snprintf(zA, sizeof zA, "%04d-01", year - 1);
  snprintf(zB, sizeof zB, "%04d-12", year - 1);
  snprintf(zC, sizeof zC, "%04d-01", year);
  snprintf(zD, sizeof zD, "%04d-12", year);
  DbStmt *s = db_stmt(
      "SELECT m.id, m.name, o.code, o.name, (SELECT max(period_to) FROM dues_payment p WHERE p.member_id=m.id), o.id"
      " FROM member m JOIN org o ON o.id=m.org_id WHERE o.path>=? AND o.path<? AND m.status='active'"
      " AND EXISTS(SELECT 1 FROM dues_payment p WHERE p.member_id=m.id AND p.period_from<=?4 AND p.period_to>=?3)"
      " AND NOT EXISTS(SELECT 1 FROM dues_payment p WHERE p.member_id=m.id AND p.period_from<=?6 AND p.period_to>=?5)"
      " ORDER BY o.path, m.id", "tttttt", zPath, zHi, zA, zB, zC, zD);
  long long nRowAlloc = 0, nOrgAlloc = 0, prevOrg = -1;
  while (s && db_step(s) == 1) {
    if (db_col_int(s, 5) != prevOrg) {
      prevOrg = db_col_int(s, 5);
      if (pSet->nOrg == nOrgAlloc) pSet->aOrg = xrealloc(pSet->aOrg, sizeof *pSet->aOrg * (size_t)(nOrgAlloc = nOrgAlloc ? 2 * nOrgAlloc : 256));
      pSet->aOrg[pSet->nOrg++] = (ArrOrg){db_col_dup(s, 2), db_col_dup(s, 3), -1};
    }
    if (pSet->nRow == nRowAlloc) pSet->aRow = xrealloc(pSet->aRow, sizeof *pSet->aRow * (size_t)(nRowAlloc = nRowAlloc ? 2 * nRowAlloc : 1024));
    LapRow *r = &pSet->aRow[pSet->nRow++];
    *r = (LapRow){db_col_int(s, 0), db_col_dup(s, 1), (int)pSet->nOrg - 1, ""};
    snprintf(r->zLast, sizeof r->zLast, "%s", cn(s, 4) ? cn(s, 4) : "");
  }
}

/* The kept answer of the lapsed route: MemoArgs.zParam is the year. */
static void *lapsed_compute(const MemoArgs *pA) {
  LapSet *p = xcalloc(1, sizeof *p);
  lapsed_set(pA->zPath, atoi(pA->zParam), p);
  return p;
}
static void lapsed_drop(void *p) {
  lapsed_free(p);
  free(p);
}
static const MemoKind lapsedKind = {"dues-lapsed", lapsed_compute, lapsed_drop};

static void lapsed_get(Req *r) {
  char zToday[11];
  util_today(zToday);
  int year = (int)api_query_int(r, "year", atoi(zToday));
  long long limit = api_query_int(r, "limit", 100), offset = api_query_int(r, "offset", 0);
  MemoInfo info;
  MemoRef *pRef = memo_request(r, &lapsedKind, &info, "%d", year);
  if (!pRef) return;
  const LapSet *p = memo_value(pRef);
  json_t *aItem = json_array();
  for (long long i = offset; i < p->nRow && i < offset + limit; i++) {
    const LapRow *w = &p->aRow[i];
    json_array_append_new(aItem, json_pack("{s:I, s:s, s:s, s:s, s:s?}", "member_id", (json_int_t)w->id, "name", w->zName, "org_code",
                                           p->aOrg[w->iOrg].zCode, "org_name", p->aOrg[w->iOrg].zName, "last_paid",
                                           w->zLast[0] ? w->zLast : 0));
  }
  json_int_t total = (json_int_t)p->nRow;
  memo_release(pRef);
  json_t *pOut = json_pack("{s:i, s:I, s:I, s:I, s:o}", "year", year, "total", total, "limit", (json_int_t)limit,
                           "offset", (json_int_t)offset, "items", aItem);
  memo_annotate(pOut, &info);
  api_json(r, 200, pOut);
}

/* The treasurer's sheet for a year: one row per active member of the
 * subtree: base, months paid and amount received in the year, arrears. */
static json_t *treasurer_rows(const char *zPath, int year) {
  char zHi[256], zToday[11], zA[16], zB[16];
  scope_range(zPath, zHi);
  util_today(zToday);
  snprintf(zA, sizeof zA, "%04d-01", year);
  snprintf(zB, sizeof zB, "%04d-12", year);
  json_t *aM = json_array(), *aRow = json_array();
  DbStmt *s = db_stmt(
      "SELECT m.id, m.name, o.code, o.name, m.category, b.category, b.income, b.amount,"
      " (SELECT coalesce(sum(amount),0) FROM dues_payment p WHERE p.member_id=m.id AND p.paid_on>=?3 || '-01'"
      "   AND p.paid_on<=?4 || '-31')"
      " FROM member m JOIN org o ON o.id=m.org_id LEFT JOIN dues_base b ON b.member_id=m.id AND b.year=?5"
      " WHERE o.path>=?1 AND o.path<?2 AND m.status='active' ORDER BY o.path, m.id",
      "tttti", zPath, zHi, zA, zB, year);
  while (s && db_step(s) == 1)
    json_array_append_new(aM, json_pack("[I, s, s, s, s, s?, o, o, f]", (json_int_t)db_col_int(s, 0),
                                        db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3), db_col_text(s, 4),
                                        cn(s, 5), db_col_isnull(s, 6) ? json_null() : json_real(db_col_int(s, 6) / 100.0),
                                        db_col_isnull(s, 7) ? json_null() : json_real(db_col_int(s, 7) / 100.0),
                                        db_col_int(s, 8) / 100.0));
  size_t i;
  json_t *v;
  json_array_foreach(aM, i, v) {
    long long id = json_integer_value(json_array_get(v, 0));
    /* Months of the year covered by payments. */
    long long nMonths = db_int(0, "SELECT coalesce(sum(min(?3, (CAST(substr(period_to,1,4) AS INTEGER)*12+"
                                  "CAST(substr(period_to,6,2) AS INTEGER)-1)) - max(?2, (CAST(substr(period_from,1,4)"
                                  " AS INTEGER)*12+CAST(substr(period_from,6,2) AS INTEGER)-1)) + 1), 0)"
                                  " FROM dues_payment WHERE member_id=?1 AND period_from<=?5 AND period_to>=?4",
                               "Iiitt", id, year * 12, year * 12 + 11, zA, zB);
    DuesState st;
    dues_state(id, zToday, &st);
    json_t *row = json_copy(v);
    json_array_append_new(row, json_integer(nMonths));
    json_array_append_new(row, json_integer(st.nUnpaid));
    json_array_append_new(row, json_real((double)st.owed / 100.0));
    json_array_append_new(row, st.zLastPaid[0] ? json_string(st.zLastPaid) : json_null());
    json_array_append_new(row, json_boolean(st.bSixMonths));
    json_array_append_new(aRow, row);
  }
  json_decref(aM);
  return aRow;
}
/* Amounts are yuan already (reals), the month a text cell. */
static const RptCol aTreasurerCol[] = {
  {"党员编号", 0, RPT_INT, 0},     {"姓名", 0, RPT_TEXT, 0},       {"所在党组织编码", 0, RPT_TEXT, 0},
  {"所在党组织", 0, RPT_TEXT, 0},   {"人员类别", 0, RPT_TEXT, 0},    {"党费类别", 0, RPT_TEXT, 0},
  {"税后月收入", 0, RPT_REAL, 0},   {"月交纳额", 0, RPT_REAL, 0},    {"本年已收金额", 0, RPT_REAL, 0},
  {"本年已交月数", 0, RPT_INT, 0},  {"欠交月数", 0, RPT_INT, 0},     {"欠交金额", 0, RPT_REAL, 0},
  {"最近交至", 0, RPT_TEXT, 0},     {"连续六个月未交", 0, RPT_BOOL, 0},
};

/* Writes rows (arrays of cells) as one table. 0 or -1. */
static int rows_put(RptWriter *w, const char *zSheet, const RptCol *aCol, int nCol, json_t *aRow) {
  int rc = rpt_table(w, zSheet, 0, aCol, nCol);
  size_t i;
  json_t *v;
  json_array_foreach(aRow, i, v) if (!rc) rc = rpt_row(w, v, 0);
  return rc;
}

/* The treasurer's rows, written to a file by api_file_written. */
typedef struct TreasurerFile {
  json_t *aRow;
  const char *zFormat;
} TreasurerFile;
static int treasurer_write(const char *zPath, void *pCtx) {
  TreasurerFile *f = pCtx;
  RptWriter *w = rpt_open(f->zFormat, zPath, 0);
  if (!w) return -1;
  if (rows_put(w, "党费收缴", aTreasurerCol, (int)ARRAY_LEN(aTreasurerCol), f->aRow)) {
    rpt_discard(w);
    return -1;
  }
  return rpt_close(w);
}

static void treasurer_export(Req *r) {
  char zToday[11];
  util_today(zToday);
  int year = (int)api_query_int(r, "year", atoi(zToday));
  const char *zFormat = api_query(r, "format");
  int bXlsx = zFormat && strcmp(zFormat, "xlsx") == 0;
  TreasurerFile f = {treasurer_rows(r->scope.zPath, year), bXlsx ? "xlsx" : "csv"};
  char *zName = xprintf("党费收缴-%s-%d.%s", r->scope.zCode, year, bXlsx ? "xlsx" : "csv");
  api_file_written(r, treasurer_write, &f, bXlsx, zName);
  free(zName);
  json_decref(f.aRow);
}

static const QParam aAmountQuery[] = {
  {"category", Q_ENUM, 0, 0, azCategory},
  {"income", Q_TEXT, 0, 20, 0},
  {"amount", Q_TEXT, 0, 20, 0},
  {"on", Q_TEXT, 0, 20, 0},
  {0, 0, 0, 0, 0},
};
static const QParam aArrearsQuery[] = {
  {"min_months", Q_INT, 1, 1200, 0},
  {"six_months", Q_BOOL, 0, 0, 0},
  {"limit", Q_INT, 1, 1000, 0},
  {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};
static const QParam aLapsedQuery[] = {
  {"year", Q_INT, 2000, 2100, 0},
  {"limit", Q_INT, 1, 1000, 0},
  {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};
static const char *const azFormat[] = {"csv", "xlsx", 0};
static const QParam aExportQuery[] = {
  {"org", Q_ORG, 0, 32, 0},
  {"year", Q_INT, 2000, 2100, 0},
  {"format", Q_ENUM, 0, 0, azFormat},
  {0, 0, 0, 0, 0},
};

static const Route aRouteTable[] = {
  {"GET", "/api/v1/dues/amount", amount_get, R_STAFF, aAmountQuery,
   "the monthly dues for a category and income under the rules in force (calculator)", 0, 0, 0},
  {"POST", "/api/v1/members/{id}/dues/base", base_set, R_WRITE | R_MEMBER | R_JSONBODY, 0,
   "set a member's dues base for a year (category, income; farmers: the amount)", aBaseField, B_NFIELD, 0},
  {"POST", "/api/v1/orgs/{code}/dues/bases", bases_set, R_WRITE | R_ORG | R_JSONBODY, 0,
   "start of year: set the base of every active member of the subtree who has none", aBasesField, BB_NFIELD, 0},
  {"POST", "/api/v1/members/{id}/dues/payments", payment_add, R_WRITE | R_MEMBER | R_JSONBODY, 0,
   "record a dues payment (amount, date, channel, months covered)", aPayField, P_NFIELD, 0},
  {"GET", "/api/v1/members/{id}/dues", member_dues, R_SELF | R_MEMBER, 0,
   "a member's bases, payments, arrears and six-month flag", 0, 0, 0},
  {"GET", "/api/v1/orgs/{code}/dues/arrears", arrears_get, R_STAFF | R_ORG, aArrearsQuery,
   "members of the subtree in arrears, aged, with the six-month flag", 0, 0, 0},
  {"GET", "/api/v1/orgs/{code}/dues/lapsed", lapsed_get, R_STAFF | R_ORG, aLapsedQuery,
   "members who paid last year but not this year (LYBUNT)", 0, 0, 0},
  {"GET", "/api/v1/export/dues", treasurer_export, R_STAFF | R_QORG, aExportQuery,
   "the treasurer's sheet of a subtree for a year, as CSV or xlsx", 0, 0, 0},
};

/* The server's start: the whole tree's arrears and this year's lapsed,
 * computed behind (memo.h), so that 党费 at the top opens at once. */
static int dues_start(void) {
  char zToday[11], zYear[8];
  util_today(zToday);
  snprintf(zYear, sizeof zYear, "%d", atoi(zToday));   /* lapsed_get's default year */
  memo_warm_root(&arrearsKind, "1");
  memo_warm_root(&lapsedKind, zYear);
  return 0;
}

/* ---- CLI ---------------------------------------------------------------------------- */

static int arrears_report(ReportCtx *p) {
  ArrSet set;
  arrears_set(p->scope.id, p->scope.zPath, 1, &set);
  json_t *aRow = json_array();
  for (long long i = 0; i < set.nRow; i++) json_array_append_new(aRow, arrears_cells(&set, &set.aRow[i]));
  arrears_free(&set);
  int rc = rows_put(p->pOut, "党费欠交", aArrearsCol, (int)ARRAY_LEN(aArrearsCol), aRow);
  json_decref(aRow);
  return rc ? 1 : 0;
}

static const RptCol aLapsedCol[] = {
  {"member_id", 0, RPT_INT, 0}, {"name", 0, RPT_TEXT, 0}, {"org_code", 0, RPT_TEXT, 0}, {"last_paid", 0, RPT_TEXT, 0},
};

static int lapsed_report(ReportCtx *p) {
  LapSet set;
  lapsed_set(p->scope.zPath, p->year, &set);
  json_t *aRow = json_array();
  for (long long i = 0; i < set.nRow; i++) {
    const LapRow *w = &set.aRow[i];
    json_array_append_new(aRow, json_pack("[I, s, s, s?]", (json_int_t)w->id, w->zName, set.aOrg[w->iOrg].zCode,
                                          w->zLast[0] ? w->zLast : 0));
  }
  lapsed_free(&set);
  int rc = rows_put(p->pOut, "上年交本年未交", aLapsedCol, (int)ARRAY_LEN(aLapsedCol), aRow);
  json_decref(aRow);
  return rc ? 1 : 0;
}

static int treasurer_report(ReportCtx *p) {
  json_t *aRow = treasurer_rows(p->scope.zPath, p->year);
  int rc = rows_put(p->pOut, "党费收缴", aTreasurerCol, (int)ARRAY_LEN(aTreasurerCol), aRow);
  json_decref(aRow);
  return rc ? 1 : 0;
}

/* Arrears are as of today; --year was always taken and never used. */
static const CliOpt aArrearsOpt[] = {
  {"year", 1, 0, "ignored (arrears are as of today); taken so that older scripts keep working"},
  {0, 0, 0, 0},
};

static const Report aReport[] = {
  {"dues-arrears", arrears_report, 0, "csv", 0, aArrearsOpt,
   "Members of a subtree in arrears today: unpaid months, ageing (1-3, 4-6, 7+), amount owed, six-month flag."},
  {"dues-lapsed", lapsed_report, REPORT_YEAR, "csv", 0, 0,
   "Members who paid for some month of last year and for none of --year (LYBUNT)."},
  {"dues-treasurer", treasurer_report, REPORT_YEAR, "csv", 0, 0,
   "The treasurer's sheet for --year: base, received, months paid, arrears, per member."},
};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"dues", "党费", "SELECT name FROM member WHERE id=CASE WHEN instr(?1, '/') THEN CAST(?1 AS INTEGER) ELSE (SELECT member_id FROM dues_payment WHERE id=?1) END"},
};
static const char *const azAuditAction[] = {"base", "payment", 0};
static const char *const azAuditActionName[] = {"核定党费基数", "交纳党费", 0};

static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
  {"dues_category", azCategory, azCategoryName},
  {"dues_channel", azChannel, azChannelName},
};

const Module dues_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "dues",
  .zOpenapi = "dues",
  .azMigration = MODULE_ARRAY(azMigration),
  .aEnum = MODULE_ARRAY(aEnum),
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aReport = MODULE_ARRAY(aReport),
  .xStart = dues_start,
};
