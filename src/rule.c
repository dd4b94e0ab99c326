/* rule.c: the versioned rule parameters of domain.md that the member
 * modules read (develop, dues: ages, intervals, brackets and rates), and the
 * two answers a rule gives: a refusal naming it (422 rule_violation) and a
 * warning (customary rules, recorded, not refused). The table lc_rule is
 * dated, so that last year is judged by last year's rules.
 *
 * The table was the member-lifecycle module's; this module's first
 * migration creates it where it is missing and adds the defaults that are
 * missing, so an older database keeps its own values. */
#include "rule.h"
#include "module.h"
#include "db.h"
#include <stdarg.h>
#include <stdio.h>

static const char *const azMigration[] = {
  /* Rule parameters of domain.md, dated so that last year is judged by last
   * year's rules. Rates are in 1/10000 (0.5% = 50), money in fen. */
  "CREATE TABLE IF NOT EXISTS lc_rule(name TEXT NOT NULL, valid_from TEXT NOT NULL, value INTEGER NOT NULL, note TEXT,\n"
  "  PRIMARY KEY(name, valid_from));\n"
  "INSERT INTO lc_rule VALUES\n"
  " ('dev.min_age_months','1900-01-01',216,'申请入党须年满18岁'),\n"
  " ('dev.talk_months','1900-01-01',1,'收到入党申请书后一个月内谈话'),\n"
  " ('dev.activist_months','1900-01-01',12,'入党积极分子培养教育一年以上方可列为发展对象'),\n"
  " ('dev.contacts_min','1900-01-01',1,'培养联系人一至两名'),\n"
  " ('dev.contacts_max','1900-01-01',2,'培养联系人一至两名'),\n"
  " ('dev.short_days','1900-01-01',3,'短期集中培训不少于3天'),\n"
  " ('dev.short_hours','1900-01-01',24,'或不少于24学时'),\n"
  " ('dev.approval_months','1900-01-01',3,'上级党委三个月内审批'),\n"
  " ('dev.probation_months','1900-01-01',12,'预备期一年，自支部大会通过之日算起'),\n"
  " ('dev.extension_min','1900-01-01',6,'延长预备期不少于半年'),\n"
  " ('dev.extension_max','1900-01-01',12,'延长预备期最多一年'),\n"
  " ('dues.b1','2008-04-01',300000,'税后月收入3000元以下（含）'),\n"
  " ('dues.r1','2008-04-01',50,'0.5%'),\n"
  " ('dues.b2','2008-04-01',500000,'3000-5000元（含）'),\n"
  " ('dues.r2','2008-04-01',100,'1%'),\n"
  " ('dues.b3','2008-04-01',1000000,'5000-10000元（含）'),\n"
  " ('dues.r3','2008-04-01',150,'1.5%'),\n"
  " ('dues.r4','2008-04-01',200,'10000元以上2%'),\n"
  " ('dues.retiree_b','2008-04-01',500000,'离退休：5000元以下（含）'),\n"
  " ('dues.retiree_r1','2008-04-01',50,'0.5%'),\n"
  " ('dues.retiree_r2','2008-04-01',100,'5000元以上1%'),\n"
  " ('dues.farmer_min','2008-04-01',20,'农民每月0.2元'),\n"
  " ('dues.farmer_max','2008-04-01',100,'至1元'),\n"
  " ('dues.low','2008-04-01',20,'学生、下岗失业、领取最低生活保障金者每月0.2元'),\n"
  " ('dues.makeup_months','2008-04-01',6,'补交党费最多补交6个月'),\n"
  " ('six.months','1900-01-01',6,'连续6个月不交纳党费')\n"
  " ON CONFLICT(name, valid_from) DO NOTHING;\n",
  /* 2: the whole national procedure (发展党员工作细则, 2014: 25 steps) in
   * order for a person who enters a stage from 2027-01-01 (develop.c,
   * azAfterNew); before, its steps beyond the first fourteen kinds are
   * optional records. And the customary length of a publicity (公示). */
  "INSERT INTO lc_rule VALUES\n"
  " ('dev.order_full','1900-01-01',0,'推优、备案、入党介绍人、公示、志愿书、上级谈话、编入、宣誓、转正申请与审批等环节可不记录'),\n"
  " ('dev.order_full','2027-01-01',1,'自此日起进入某一阶段的，按发展党员工作细则的25个环节依次进行'),\n"
  " ('dev.publicity_days','1900-01-01',5,'公示一般不少于5个工作日')\n"
  " ON CONFLICT(name, valid_from) DO NOTHING;\n",
};

long long rule_value(const char *zName, const char *zOn, long long dflt, char *pzFrom) {
  DbStmt *s = db_stmt("SELECT value, valid_from FROM lc_rule WHERE name=? AND valid_from<=?"
                      " ORDER BY valid_from DESC LIMIT 1", "tt", zName, zOn);
  long long v = dflt;
  if (pzFrom) snprintf(pzFrom, 11, "%s", "");
  if (s && db_step(s) == 1) {
    v = db_col_int(s, 0);
    if (pzFrom) snprintf(pzFrom, 11, "%s", db_col_text(s, 1));
    db_step(s);
  }
  return v;
}

void rule_error(Req *r, const char *zRule, const char *zField, const char *zFmt, ...) {
  char zMsg[400];
  va_list ap;
  va_start(ap, zFmt);
  vsnprintf(zMsg, sizeof zMsg, zFmt, ap);
  va_end(ap);
  api_error(r, 422, "rule_violation", zField, "【%s】%s", zRule, zMsg);
}

json_t *rule_warning(const char *zRule, const char *zFmt, ...) {
  char zMsg[400];
  va_list ap;
  va_start(ap, zFmt);
  vsnprintf(zMsg, sizeof zMsg, zFmt, ap);
  va_end(ap);
  return json_pack("{s:s, s:s}", "rule", zRule, "message", zMsg);
}

const Module rule_module = {
  .zName = "rule",
  .zOpenapi = "rule",
  .azMigration = MODULE_ARRAY(azMigration),
};
