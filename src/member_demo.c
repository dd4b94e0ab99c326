/* member_demo.c: the member-lifecycle demo data (member_status module), added to the
 * database `qiangji demo` built: every development pool filled (people at
 * each stage, probationary and recently converted members linked to their
 * pipeline records, through the 25 steps of the national procedure as far
 * as each has come), some overdue talks and approvals, a negative list,
 * pending and settled transfers, mobile members with lost contact, dues
 * bases for last year and this year and payments with some arrears.
 *
 * Deterministic for a seed and day: its own PRNG, and dates relative to the
 * demo's reference day (DemoOpts.zToday), nothing after it: transfers and
 * talks of the last months, dues paid up to last month by most members. It streams: one
 * pass over the branches and one over the members, writing as it reads,
 * so a province (3.8 million members) never sits in memory. */
#include "audit.h"
#include "db.h"
#include "demo.h"
#include "dues.h"
#include "idcard.h"
#include "meeting.h"
#include "member_status.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference day, its year, and the moment the demo's records are
 * stamped with (09:00 UTC of that day). */
static char zRef[11], zRefAt[24];
static int refYear;

typedef struct Rng {
  unsigned long long s;
} Rng;
static unsigned long long next(Rng *r) {
  unsigned long long z = (r->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static int below(Rng *r, int n) { return (int)(next(r) % (unsigned long long)n); }
/* The draws of the development steps beyond the first fourteen kinds come
 * from their own stream, so that adding them left every other record of a
 * seed and day as it was. */
static Rng rStep;

/* A date n days before the reference day (11 bytes). */
static void days_ago(int n, char z[11]) {
  long d = text_date_days(zRef) - n;
  /* civil from days (Howard Hinnant) */
  d += 719468;
  long era = (d >= 0 ? d : d - 146096) / 146097;
  long doe = d - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  long dd = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  char zT[80];
  snprintf(zT, sizeof zT, "%04ld-%02ld-%02ld", y + (m <= 2), m, dd);
  memcpy(z, zT, 10);
  z[10] = 0;
}

static const char *const azSurname[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"};
static const char *const azGiven[] = {"晓明", "雪梅", "建华", "海燕", "志强", "丽娟", "俊杰", "文静", "国庆", "春花",
                                      "子涵", "浩然", "欣怡", "宇航", "思远", "佳琪"};

/* A person's new, valid ID number: region, birth date, sequence from n. */
static void make_id(const char *zRegion, const char *zBirth, int bFemale, long long n, char z[19]) {
  int seq = (int)((n * 2) % 998) + 1;
  if ((seq & 1) == bFemale) seq = seq == 999 ? 998 : seq + 1;
  if (seq > 999) seq = 998;
  snprintf(z, 19, "%.6s%.4s%.2s%.2s%03d", zRegion, zBirth, zBirth + 5, zBirth + 8, seq);
  z[17] = idcard_check_char(z);
  z[18] = 0;
}

/* A step with all it may carry: hours and days in hundredths, introducers
 * and party group ids (0: none). */
static int step_x(long long personId, const char *zKind, const char *zOn, const char *zContacts, long long hours,
                  long long days, long long intro1, long long intro2, long long groupId) {
  return db_exec("INSERT INTO dev_step(person_id, kind, done_on, by_whom, hours, days, contacts, introducer1,"
                 " introducer2, group_id, recorded_by, recorded_at) VALUES(?,?,?,'支部',nullif(?,0),nullif(?,0),?,"
                 "nullif(?,0),nullif(?,0),nullif(?,0),'demo',?)", "IttIItIIIt", personId, zKind, zOn, hours, days,
                 zContacts, intro1, intro2, groupId, zRefAt);
}

static int step(long long personId, const char *zKind, const char *zOn, const char *zExtra, long long hours) {
  return step_x(personId, zKind, zOn, zExtra, hours, 0, 0, 0, 0);
}

/* Two full members converted by zOn, as introducers: of branch orgId, or
 * where the branch has fewer, the first of the system. 0, or -1 when there
 * are not two. */
static int two_introducers(long long orgId, const char *zOn, long long *p1, long long *p2) {
  *p1 = *p2 = 0;
  for (int bAny = 0; bAny < 2 && !*p2; bAny++) {
    DbStmt *s = bAny ? db_stmt("SELECT id FROM member WHERE category='正式党员' AND status='active' AND full_on<=?"
                               " ORDER BY id LIMIT 2", "t", zOn)
                     : db_stmt("SELECT id FROM member WHERE org_id=? AND category='正式党员' AND status='active'"
                               " AND full_on<=? ORDER BY id LIMIT 2", "It", orgId, zOn);
    *p1 = *p2 = 0;
    if (s && db_step(s) == 1) *p1 = db_col_int(s, 0);
    if (s && *p1 && db_step(s) == 1) *p2 = db_col_int(s, 0);
    if (s && *p2) db_step(s);
  }
  return *p2 ? 0 : -1;
}

/* A candidate's steps after becoming one (zCand, nDays ago): as many of the
 * national procedure's as that time allows, up to the form for the vote
 * (入党志愿书). */
static int candidate_steps(long long id, long long orgId, const char *zCand, int nDays) {
  static const struct {
    const char *zKind;
    int nAfter;             /* days after becoming a candidate */
  } a[] = {{"candidate_filing", 10}, {"introducers", 20}, {"political_review", 40}, {"short_training", 60},
           {"committee_review", 90}, {"publicity", 95}, {"pre_approval", 110}, {"pledge_form", 120}};
  long long i1, i2;
  int bIntro = two_introducers(orgId, zCand, &i1, &i2) == 0;
  for (size_t i = 0; i < ARRAY_LEN(a) && a[i].nAfter <= nDays; i++) {
    char zD[11];
    days_ago(nDays - a[i].nAfter, zD);
    int bI = strcmp(a[i].zKind, "introducers") == 0;
    if (bI && !bIntro) break;   /* no two full members to introduce them: the pipeline waits there */
    if (step_x(id, a[i].zKind, zD, 0, strcmp(a[i].zKind, "short_training") == 0 ? 2400 : 0,
               strcmp(a[i].zKind, "publicity") == 0 ? 500 : 0, bI ? i1 : 0, bI ? i2 : 0, 0))
      return -1;
  }
  return 0;
}

/* A new person in the pipeline at a branch, with the steps of their stage. */
static int add_person(Rng *r, long long orgId, const char *zRegion, int stage, long long n) {
  char zBirth[11], zId[19], zName[32], zApplied[11], zD[11];
  int bFemale = below(r, 2);
  days_ago(365 * 19 + below(r, 365 * 25), zBirth);
  make_id(zRegion, zBirth, bFemale, n, zId);
  if (db_exists("SELECT 1 FROM member WHERE id_number=? UNION ALL SELECT 1 FROM dev_person WHERE id_number=?", "tt",
                zId, zId) == 1)
    return 0;
  snprintf(zName, sizeof zName, "%s%s", azSurname[below(r, 15)], azGiven[below(r, 16)]);
  /* stage 0 applicant (some overdue for their talk), 1 activist, 2 candidate */
  int back = stage == 0 ? 10 + below(r, 80) : stage == 1 ? 200 + below(r, 300) : 500 + below(r, 300);
  days_ago(back, zApplied);
  static const char *const azStage[] = {"applicant", "activist", "candidate"};
  if (db_exec("INSERT INTO dev_person(org_id, name, id_number, gender, birth_date, stage, applied_on, created_at,"
              " updated_at) VALUES(?,?,?,?,?,?,?,?8,?8)", "Ittttttt", orgId, zName, zId, bFemale ? "女" : "男", zBirth,
              azStage[stage], zApplied, zRefAt))
    return -1;
  long long id = db_last_rowid();
  if (step(id, "application", zApplied, 0, 0)) return -1;
  if (stage == 0) {
    /* Two in three had their talk within the month; of those a month on, half were recommended (推优). */
    if (below(r, 3)) {
      int nTalk = back - below(r, 9 < back ? 9 : back);
      days_ago(nTalk, zD);
      if (step(id, "talk", zD, 0, 0)) return -1;
      days_ago(nTalk - 30, zD);
      return nTalk >= 30 && below(&rStep, 2) ? step(id, "recommendation", zD, 0, 0) : 0;
    }
    return 0;
  }
  days_ago(back - 20, zD);
  if (step(id, "talk", zD, 0, 0)) return -1;
  days_ago(back - 40, zD);
  if (step(id, "recommendation", zD, 0, 0)) return -1;
  days_ago(back - 60, zD);
  if (step(id, "designation", zD, 0, 0) || step(id, "contacts", zD, "王建国、李秀英", 0)) return -1;
  days_ago(back - 70, zD);
  if (step(id, "activist_filing", zD, 0, 0)) return -1;
  days_ago(back - 120, zD);
  if (step(id, "training", zD, 0, 1200)) return -1;
  if (stage == 1) return 0;
  days_ago(back - 60 - 370, zD);
  return step(id, "candidate", zD, 0, 0) || candidate_steps(id, orgId, zD, back - 60 - 370);
}

/* After the approval (zApproval, "" when still waiting) of a member voted
 * in on zJoined: the filing, the party group, the oath, the probation's
 * reviews, the application for conversion; and for a member converted on
 * zFull (or NULL), the conversion, its approval and the archive, up to the
 * reference day. One in ten conversions still waits for its approval. */
static int probation_steps(long long id, long long memberId, const char *zJoined, const char *zApproval,
                           const char *zFull) {
  char zD[11], zEnd[11];
  if (!zApproval[0]) return zFull ? step(id, "conversion", zFull, 0, 0) : 0;
  long long groupId = db_int(0, "SELECT group_id FROM party_group_member WHERE member_id=?", "I", memberId);
  if (step(id, "approval_filing", zApproval, 0, 0) || step_x(id, "assignment", zApproval, 0, 0, 0, 0, 0, groupId))
    return -1;
  text_date_add_months(zApproval, 1, zD);
  if (strcmp(zD, zRef) <= 0 && step(id, "oath", zD, 0, 0)) return -1;
  text_date_add_months(zJoined, 6, zD);
  if (strcmp(zD, zRef) <= 0 && (!zFull || strcmp(zD, zFull) <= 0) && step(id, "probation", zD, 0, 0)) return -1;
  /* The application a month before the probation ends (or before the conversion). */
  text_date_add_months(zFull ? zFull : zJoined, zFull ? -1 : 11, zEnd);
  if (strcmp(zEnd, zRef) <= 0 && strcmp(zEnd, zApproval) >= 0 && step(id, "conversion_application", zEnd, 0, 0))
    return -1;
  if (!zFull) return 0;
  if (step(id, "conversion", zFull, 0, 0)) return -1;
  if (below(&rStep, 10) == 0) return 0;
  text_date_add_months(zFull, 1, zD);
  if (strcmp(zD, zRef) > 0) return 0;
  if (step(id, "conversion_approval", zD, 0, 0)) return -1;
  text_date_add_months(zFull, 2, zD);
  return strcmp(zD, zRef) <= 0 ? step(id, "archiving", zD, 0, 0) : 0;
}

/* Links an existing member (probationary, or converted recently) to the
 * pipeline records that led there; some approvals are left waiting. */
static int link_member(Rng *r, long long memberId) {
  DbStmt *s = db_stmt("SELECT org_id, name, id_number, gender, birth_date, joined_on, full_on, category FROM member"
                      " WHERE id=?", "I", memberId);
  if (!s || db_step(s) != 1) return -1;
  long long orgId = db_col_int(s, 0);
  char zName[64], zId[19], zG[4], zB[11], zJoined[11], zFull[11], zApplied[11], zD[11];
  snprintf(zName, sizeof zName, "%s", db_col_text(s, 1));
  snprintf(zId, sizeof zId, "%s", db_col_text(s, 2));
  snprintf(zG, sizeof zG, "%s", db_col_text(s, 3));
  snprintf(zB, sizeof zB, "%s", db_col_text(s, 4));
  snprintf(zJoined, sizeof zJoined, "%s", db_col_text(s, 5));
  snprintf(zFull, sizeof zFull, "%s", db_col_text(s, 6));
  int bFull = strcmp(db_col_text(s, 7), "正式党员") == 0;
  db_step(s);
  if (db_exists("SELECT 1 FROM dev_person WHERE id_number=?", "t", zId) == 1) return 0;
  text_date_add_months(zJoined, -30, zApplied);
  if (db_exec("INSERT INTO dev_person(org_id, name, id_number, gender, birth_date, stage, applied_on, member_id,"
              " created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?9,?9)", "IttttttIt", orgId, zName, zId, zG, zB,
              bFull ? "full" : "probationary", zApplied, memberId, zRefAt))
    return -1;
  long long id = db_last_rowid();
  /* The 25 steps of the national procedure up to the vote, by months before it. */
  struct {
    const char *zKind;
    int nMonths;
  } a[] = {{"application", -30}, {"talk", -29}, {"recommendation", -28}, {"designation", -27},
           {"activist_filing", -27}, {"contacts", -27}, {"candidate", -14}, {"candidate_filing", -14},
           {"introducers", -13}, {"political_review", -5}, {"short_training", -4}, {"committee_review", -3},
           {"publicity", -3}, {"pre_approval", -2}, {"pledge_form", -1}, {"vote", 0}};
  long long i1 = 0, i2 = 0;
  char zIntro[11];
  text_date_add_months(zJoined, -13, zIntro);
  two_introducers(orgId, zIntro, &i1, &i2);
  for (size_t i = 0; i < ARRAY_LEN(a); i++) {
    int bI = strcmp(a[i].zKind, "introducers") == 0 || strcmp(a[i].zKind, "vote") == 0;
    if (strcmp(a[i].zKind, "introducers") == 0 && !i2) continue;
    text_date_add_months(zJoined, a[i].nMonths, zD);
    if (step_x(id, a[i].zKind, zD, strcmp(a[i].zKind, "contacts") == 0 ? "王建国、李秀英" : 0,
               strcmp(a[i].zKind, "short_training") == 0 ? 2400 : 0, strcmp(a[i].zKind, "publicity") == 0 ? 500 : 0,
               bI ? i1 : 0, bI ? i2 : 0, 0))
      return -1;
  }
  if (db_exec("INSERT INTO lc_membership(member_id, org_id, started_on, via) VALUES(?,?,?,'vote')", "IIt", memberId,
              orgId, zJoined))
    return -1;
  /* The superior's talk a month after the vote; one in four recent votes
   * still waits for the superior's approval. */
  text_date_add_months(zJoined, 1, zD);
  if (strcmp(zD, zRef) <= 0 && step(id, "superior_talk", zD, 0, 0)) return -1;
  char zApproval[11] = "";
  text_date_add_months(zJoined, 3, zD);
  if (bFull || strcmp(zD, zRef) >= 0 || below(r, 4)) {
    text_date_add_months(zJoined, 1 + below(r, 2), zD);
    if (strcmp(zD, zRef) <= 0) {
      if (step(id, "approval", zD, 0, 0)) return -1;
      snprintf(zApproval, sizeof zApproval, "%s", zD);
    }
  }
  return probation_steps(id, memberId, zJoined, zApproval, bFull ? zFull : 0);
}

static int demo_development(Rng *r, long long *pnPerson) {
  DbStmt *s = db_stmt("SELECT id, coalesce(region_code,'341122') FROM org WHERE kind IN ('党支部','联合党支部',"
                      "'临时党支部','项目党支部') ORDER BY id", "");
  long long n = 0;
  while (s && db_step(s) == 1) {
    long long orgId = db_col_int(s, 0);
    char zRegion[8];
    snprintf(zRegion, sizeof zRegion, "%s", db_col_text(s, 1));
    int k = below(r, 4);
    for (int i = 0; i < k; i++) {
      n++;
      if (add_person(r, orgId, zRegion, below(r, 3), n * 7 + orgId) < 0) return -1;
    }
  }
  /* The probationary members, and members converted in the last two years. */
  char zTwoYears[11];
  text_date_add_months(zRef, -24, zTwoYears);
  s = db_stmt("SELECT id FROM member WHERE category='预备党员' OR full_on>=? ORDER BY id", "t", zTwoYears);
  while (s && db_step(s) == 1) {
    if (link_member(r, db_col_int(s, 0))) return -1;
    n++;
  }
  /* A short negative list. */
  s = db_stmt("SELECT id, coalesce(region_code,'341122') FROM org WHERE kind='党支部' ORDER BY id LIMIT 40", "");
  int i = 0;
  while (s && db_step(s) == 1) {
    if (below(r, 4)) continue;
    char zBirth[11], zId[19], zName[32], zOn[11];
    days_ago(365 * 25 + below(r, 365 * 30), zBirth);
    make_id(db_col_text(s, 1), zBirth, 0, 400 + i++, zId);
    snprintf(zName, sizeof zName, "%s%s", azSurname[below(r, 15)], azGiven[below(r, 16)]);
    days_ago(below(r, 700), zOn);
    if (db_exec("INSERT OR IGNORE INTO dev_negative(org_id, name, id_number, reason, listed_on, listed_by)"
                " VALUES(?,?,?,'受过刑事处罚，不符合发展条件',?,'demo')", "Ittt", db_col_int(s, 0), zName, zId, zOn))
      return -1;
  }
  *pnPerson = n;
  return 0;
}

/* Members: transfers (about 1 in 300, half pending), mobile history for
 * the mobile members (1 in 8 lost), dues bases for last year and this year
 * and payments, with some arrears. */
static int demo_members(Rng *r, long long *pnTransfer, long long *pnPay) {
  DbStmt *s = db_stmt("SELECT m.id, m.org_id, m.name, m.joined_on, m.birth_date, m.occupation, m.monthly_income,"
                      " m.mobile, m.mobile_location, m.category FROM member m ORDER BY m.id", "");
  long long prevBranch = 0, curBranch = 0, n = 0, nT = 0, nP = 0;
  char zYearAgo[11];
  text_date_add_months(zRef, -12, zYearAgo);
  int mRef = text_month(zRef);
  while (s && db_step(s) == 1) {
    long long id = db_col_int(s, 0), orgId = db_col_int(s, 1);
    char zJoined[11], zBirth[11], zD[11], zName[64];
    snprintf(zJoined, sizeof zJoined, "%s", db_col_text(s, 3));
    snprintf(zBirth, sizeof zBirth, "%s", db_col_text(s, 4));
    snprintf(zName, sizeof zName, "%s", db_col_text(s, 2));
    int bFarmer = strstr(db_col_text(s, 5), "农") != 0;
    long long income = db_col_isnull(s, 6) ? -1 : db_col_int(s, 6);
    int bMobile = (int)db_col_int(s, 7);
    char zLoc[128];
    snprintf(zLoc, sizeof zLoc, "%s", db_col_text(s, 8));
    int bRetired = text_years_between(zBirth, zRef) >= 60;
    n++;
    util_progress("演示：党员变动（人）", n, 0);
    /* Transfers to the previous member's branch. */
    if (orgId != curBranch) prevBranch = curBranch, curBranch = orgId;
    if (prevBranch && prevBranch != orgId && below(r, 150) == 0 && strcmp(zJoined, zYearAgo) < 0) {
      days_ago(5 + below(r, 120), zD);
      int bPending = below(r, 2);
      char zLetter[96];
      snprintf(zLetter, sizeof zLetter, "皖组转〔%.4s〕%lld号", zD, 1000 + nT);
      if (db_exec("INSERT INTO tr_transfer(member_id, member_name, from_org_id, to_org_id, letter_no, issued_on,"
                  " reason, state, closed_on, issued_by, closed_by) VALUES(?,?,?,?,?,?,'工作调动',?,?,'demo',?)",
                  "ItIIttttt", id, zName, orgId, prevBranch, zLetter, zD, bPending ? "issued" : "accepted",
                  bPending ? 0 : zD, bPending ? 0 : "demo"))
        return -1;
      if (!bPending) {
        long long tId = db_last_rowid();
        if (db_exec("UPDATE member SET org_id=? WHERE id=?", "II", prevBranch, id) ||
            group_member_leaves(id, orgId, zD, "demo") ||
            membership_move(id, orgId, prevBranch, 0, zD, "transfer", tId))
          return -1;
        orgId = prevBranch;
      }
      nT++;
    }
    if (bMobile) {
      days_ago(60 + below(r, 900), zD);
      if (db_exec("INSERT INTO mob_event(member_id, org_id, kind, on_date, location, contact, recorded_by, recorded_at)"
                  " VALUES(?,?,'outflow',?,?,'微信群','demo',?)", "IIttt", id, orgId, zD, zLoc, zRefAt))
        return -1;
      int k = below(r, 8);
      days_ago(5 + below(r, 50), zD);
      if (k == 0 && db_exec("INSERT INTO mob_event(member_id, org_id, kind, on_date, note, recorded_by, recorded_at)"
                            " VALUES(?,?,'lost',?,'电话停机，微信无回复','demo',?)", "IItt", id, orgId, zD,
                            zRefAt))
        return -1;
      if (k > 2 && db_exec("INSERT INTO mob_event(member_id, org_id, kind, on_date, note, recorded_by, recorded_at)"
                           " VALUES(?,?,'remote',?,'线上参加主题党日','demo',?)", "IItt", id, orgId, zD,
                           zRefAt))
        return -1;
    }
    /* Dues: bases for last year and this year. */
    const char *zCat = bFarmer ? "farmer" : bRetired ? "retiree" : "salaried";
    if (!bFarmer && income < 0) income = bRetired ? 280000 + below(r, 400000) : 250000 + below(r, 900000);
    int first = atoi(zJoined) > refYear - 1 ? atoi(zJoined) : refYear - 1;
    for (int y = first; y <= refYear; y++) {
      char zOn[24], zFrom[11];
      snprintf(zOn, sizeof zOn, "%04d-01-01", y);
      const char *zWhy, *zRule;
      long long amt = dues_compute(zCat, bFarmer ? -1 : income, bFarmer ? 20 + 10 * below(r, 9) : -1, zOn, zFrom,
                                   &zWhy, &zRule);
      if (amt < 0) continue;
      if (db_exec("INSERT INTO dues_base VALUES(?,?,?,nullif(?,-1),?,?,?,'demo')", "IitIItt", id, y, zCat,
                  bFarmer ? -1 : income, amt, zFrom, zOn))
        return -1;
      /* Paid: last year whole (from the vote), this year most up to last
       * month, some two or four months behind, a few nothing yet. */
      int x = below(r, 100);
      char zPF[8], zPT[8];
      int mFrom = text_month(zJoined) > y * 12 ? text_month(zJoined) : y * 12;
      int mTo = y < refYear ? y * 12 + 11 : x < 88 ? mRef - 1 : x < 94 ? mRef - 3 : x < 97 ? mRef - 5 : -1;
      if (y < refYear && x >= 97) continue;   /* lapsed since last year */
      if (mTo < mFrom) continue;
      text_month_str(mFrom, zPF);
      text_month_str(mTo, zPT);
      char zPaid[11];
      snprintf(zPaid, sizeof zPaid, "%.7s-%02d", zPT, 10 + below(r, 15));
      if (strcmp(zPaid, zRef) > 0) snprintf(zPaid, sizeof zPaid, "%s", zRef);
      static const char *const azCh[] = {"wechat", "cash", "bank", "alipay", "payroll"};
      if (db_exec("INSERT INTO dues_payment(member_id, org_id, paid_on, amount, channel, period_from, period_to,"
                  " recorded_by, recorded_at) VALUES(?,?,?,?,?,?,?,'demo',?)", "IItItttt", id, orgId, zPaid,
                  amt * (mTo - mFrom + 1), azCh[below(r, 5)], zPF, zPT, zRefAt))
        return -1;
      nP++;
    }
  }
  util_progress_done("演示：党员变动（人）", n);
  *pnTransfer = nT;
  *pnPay = nP;
  return 0;
}

int member_demo(const DemoOpts *pOpts, const DemoResult *pRes) {
  (void)pRes;
  Rng r = {pOpts->seed ^ 0x4c49464543594c45ULL};
  rStep.s = pOpts->seed ^ 0x5354455053ULL;
  snprintf(zRef, sizeof zRef, "%s", pOpts->zToday);
  snprintf(zRefAt, sizeof zRefAt, "%sT09:00:00Z", zRef);
  refYear = atoi(zRef);
  long long nPerson = 0, nTransfer = 0, nPay = 0;
  if (db_begin()) return -1;
  int rc = demo_development(&r, &nPerson) || demo_members(&r, &nTransfer, &nPay);
  if (!rc) {
    json_t *pAfter = json_pack("{s:I, s:I, s:I}", "people", (json_int_t)nPerson, "transfers", (json_int_t)nTransfer,
                               "payments", (json_int_t)nPay);
    rc = audit_append("demo", "demo", "lifecycle", 0, 0, 0, pAfter);
    json_decref(pAfter);
  }
  if (rc || db_commit()) {
    db_rollback();
    util_die_msg("demo: the member-lifecycle data could not be written");
    return -1;
  }
  printf("党员队伍：发展对象等 %lld 人在发展流程中，%lld 次组织关系转接，%lld 笔党费\n", nPerson, nTransfer, nPay);
  return 0;
}
