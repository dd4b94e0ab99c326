/* obligations.c: what each branch owes in organizational life (domain.md,
 * "Meetings"), as a rule set versioned by year and configurable per
 * organization kind and domain, and the computation of what was due, held,
 * missing or late, quorum failures, members with no lecture in a year and
 * members with six months in a row without organizational life, for any
 * subtree and period. Every finding names its rule and its evidence.
 *
 * Speed: the computation reads the yearly summaries of life.h, never the
 * meetings or the attendance themselves: one pass over the subtree's
 * organizations, one over life_org_year for each year of the period, one over
 * the roster index and one over life_member_year, each into arrays indexed by
 * id. No query runs per branch or per member, except a name lookup for each
 * flagged member and the meeting ids behind a quorum failure. */
#include "life.h"
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "org.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

const char *const obligations_aMigration[] = {
  /* 1: the rule set, with the defaults of domain.md as the 2019 version
   * (the year of the 支部工作条例). A version is every rule of one year; the
   * rules for year Y are those of the latest version not after Y. Rows of a
   * version with org_kind or domain set override the general row of the
   * same code for organizations of that kind or domain (kind and domain
   * together win over either); min_count 0 switches a rule off. */
  "CREATE TABLE obligation_rule(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  year INTEGER NOT NULL,\n"
  "  code TEXT NOT NULL,\n"
  "  target TEXT NOT NULL CHECK(target IN ('org','group','member')),\n"
  "  kind TEXT,\n"
  "  period TEXT NOT NULL CHECK(period IN ('month','quarter','year')),\n"
  "  min_count INTEGER NOT NULL CHECK(min_count BETWEEN 0 AND 31),\n"
  "  org_kind TEXT NOT NULL DEFAULT '',\n"
  "  domain TEXT NOT NULL DEFAULT '',\n"
  "  description TEXT NOT NULL,\n"
  "  UNIQUE(year, code, org_kind, domain)\n"
  ");\n"
  "INSERT INTO obligation_rule(year, code, target, kind, period, min_count, description) VALUES\n"
  " (2019,'committee_monthly','org','committee','month',1,'支委会每月至少召开一次，应到委员过半数出席（有支部委员会的支部）'),\n"
  " (2019,'group_monthly','group','group','month',1,'党小组会每月至少召开一次'),\n"
  " (2019,'assembly_quarterly','org','assembly','quarter',1,'支部党员大会每季度至少召开一次'),\n"
  " (2019,'lecture_quarterly','org','lecture','quarter',1,'党课每季度至少一次（按地方惯例，可配置）'),\n"
  " (2019,'theme_day_monthly','org','theme_day','month',1,'主题党日每月一次'),\n"
  " (2019,'life_meeting_yearly','org','life_meeting','year',1,'组织生活会每年至少召开一次'),\n"
  " (2019,'appraisal_yearly','org','appraisal','year',1,'民主评议党员每年一次'),\n"
  " (2019,'talk_yearly','org','talk','year',1,'谈心谈话每年至少开展一次'),\n"
  " (2019,'member_lecture_yearly','member','lecture','year',1,'每名党员每年至少参加一次党课'),\n"
  " (2019,'member_six_months','member',NULL,'month',6,"
  "'连续六个月不参加党的组织生活（党章第九条）：无正当理由连续六个月未参加任何组织生活的党员');\n",
};
const int obligations_nMigration = (int)ARRAY_LEN(obligations_aMigration);

/* ---- the rules ------------------------------------------------------------ */

typedef struct Rule {
  char zCode[40], zTarget[8], zKind[16], zPeriod[8], zOrgKind[32], zDomain[32];
  int min;
  char zDesc[400];
} Rule;

typedef struct RuleSet {
  int version;      /* the year of the version, 0 when none */
  Rule *a;
  int n;
} RuleSet;

static void ruleset_free(RuleSet *p) {
  free(p->a);
  memset(p, 0, sizeof *p);
}

/* Loads the rule version in force in year y. 0 or -1. */
static int ruleset_load(int y, RuleSet *p) {
  memset(p, 0, sizeof *p);
  p->version = (int)db_int(0, "SELECT max(year) FROM obligation_rule WHERE year<=?", "i", y);
  DbStmt *s = db_stmt("SELECT code, target, coalesce(kind,''), period, min_count, org_kind, domain, description"
                      " FROM obligation_rule WHERE year=? ORDER BY id", "i", p->version);
  if (!s) return -1;
  int nAlloc = 0;
  while (db_step(s) == 1) {
    if (p->n == nAlloc) p->a = xrealloc(p->a, sizeof *p->a * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 16));
    Rule *r = &p->a[p->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->zCode, sizeof r->zCode, "%s", db_col_text(s, 0));
    snprintf(r->zTarget, sizeof r->zTarget, "%s", db_col_text(s, 1));
    snprintf(r->zKind, sizeof r->zKind, "%s", db_col_text(s, 2));
    snprintf(r->zPeriod, sizeof r->zPeriod, "%s", db_col_text(s, 3));
    r->min = (int)db_col_int(s, 4);
    snprintf(r->zOrgKind, sizeof r->zOrgKind, "%s", db_col_text(s, 5));
    snprintf(r->zDomain, sizeof r->zDomain, "%s", db_col_text(s, 6));
    snprintf(r->zDesc, sizeof r->zDesc, "%s", db_col_text(s, 7));
  }
  return 0;
}

/* The rule of code zCode for an organization of this kind and domain: the
 * most specific row, or NULL when there is none or it is switched off. */
static const Rule *rule_for(const RuleSet *p, const char *zCode, const char *zKind, const char *zDomain) {
  const Rule *best = 0;
  int bestScore = -1;
  for (int i = 0; i < p->n; i++) {
    const Rule *r = &p->a[i];
    if (strcmp(r->zCode, zCode)) continue;
    if (r->zOrgKind[0] && strcmp(r->zOrgKind, zKind)) continue;
    if (r->zDomain[0] && strcmp(r->zDomain, zDomain)) continue;
    int score = 2 * (r->zOrgKind[0] != 0) + (r->zDomain[0] != 0);
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return best && best->min > 0 ? best : 0;
}

/* Does a general rule (no org_kind) of target 'org' apply to this kind? By
 * default to branches; a row naming another kind (党委 for study sessions)
 * brings that kind in. */
static int rule_targets_kind(const Rule *r, const char *zKind) {
  return r->zOrgKind[0] ? strcmp(r->zOrgKind, zKind) == 0 : org_is_branch(zKind);
}

/* ---- the computation ---------------------------------------------------- */

typedef struct OrgAcc {
  long long id;
  char *zCode, *zName, *zKind, *zDomain, *zEst, *zEnd;
  int nCommittee;
  long long a[3][LIFE_NKIND], b[3][LIFE_NKIND];  /* packed counts, for up to 3 years */
  long long early[4][LIFE_NKIND];                /* [3] is the year after the period */
  long long nonq[3];
} OrgAcc;

typedef struct GroupAcc {
  long long id, orgId;
  char *zName;
  long long a[3], b[3], early[4];
} GroupAcc;

typedef struct Finding {
  const char *zType;       /* missing, late, quorum, no_lecture, six_months */
  const Rule *pRule;
  long long orgIdx;        /* index into the org array */
  long long memberId;      /* or 0 */
  char zPeriod[48];
  int due, held;
  char zEvidence[200];
} Finding;

typedef struct Oblig {
  char zFrom[11], zTo[11], zToday[11];
  int y0, nYear;                     /* years y0 .. y0+nYear-1 (at most 3) */
  int mLo, mHi;                      /* judged months as y*12+(m-1), inclusive */
  int mToday;                        /* today's month, the same way */
  RuleSet aRs[3];
  OrgAcc *aOrg;
  long long nOrg;
  long long *aOrgIdx;                /* org id -> index+1 (0: outside) */
  long long maxOrgId;
  GroupAcc *aGroup;
  long long nGroup;
  Finding *aF;
  long long nF, nFAlloc;
  long long nDue, nHeld, nMissing, nLate, nQuorum, nNoLecture, nSixMonths, nBranch, nMember, nPeriodMet;
} Oblig;

static Finding *finding_add(Oblig *o) {
  if (o->nF == o->nFAlloc) o->aF = xrealloc(o->aF, sizeof *o->aF * (size_t)(o->nFAlloc = o->nFAlloc ? 2 * o->nFAlloc : 1024));
  Finding *f = &o->aF[o->nF++];
  memset(f, 0, sizeof *f);
  return f;
}

static void oblig_free(Oblig *o) {
  for (int i = 0; i < 3; i++) ruleset_free(&o->aRs[i]);
  for (long long i = 0; i < o->nOrg; i++) {
    free(o->aOrg[i].zCode);
    free(o->aOrg[i].zName);
    free(o->aOrg[i].zKind);
    free(o->aOrg[i].zDomain);
    free(o->aOrg[i].zEst);
    free(o->aOrg[i].zEnd);
  }
  for (long long i = 0; i < o->nGroup; i++) free(o->aGroup[i].zName);
  free(o->aOrg);
  free(o->aOrgIdx);
  free(o->aGroup);
  free(o->aF);
}

static int month_count(const long long *a, const long long *b, int y, int m) {
  return life_month_count(a[y], b[y], m);
}

static void period_name(const char *zPeriod, int y, int m, char *z, size_t n) {
  if (strcmp(zPeriod, "month") == 0) snprintf(z, n, "%04d-%02d", y, m);
  else if (strcmp(zPeriod, "quarter") == 0) snprintf(z, n, "%04d-Q%d", y, (m - 1) / 3 + 1);
  else snprintf(z, n, "%04d", y);
}

/* Checks one counted series (an org's kind or a group) against a rule over
 * every judged period. iOrg names the org; zWhat the series in evidence. */
static void judge_series(Oblig *o, const Rule *r, long long iOrg, const long long *a, const long long *b,
                         long long (*early)[LIFE_NKIND], const long long *earlyG, int k, const char *zWhat,
                         const char *zEst, const char *zEnd) {
  int len = strcmp(r->zPeriod, "month") == 0 ? 1 : strcmp(r->zPeriod, "quarter") == 0 ? 3 : 12;
  for (int yi = 0; yi < o->nYear; yi++) {
    int y = o->y0 + yi;
    for (int m0 = 1; m0 <= 12; m0 += len) {
      int lo = y * 12 + m0 - 1, hi = lo + len - 1;
      if (lo < o->mLo || hi > o->mHi) continue;
      char zStart[24], zEndP[24];
      snprintf(zStart, sizeof zStart, "%04d-%02d-01", y, m0);
      snprintf(zEndP, sizeof zEndP, "%04d-%02d-28", y, m0 + len - 1);
      if (zEst && zEst[0] && strcmp(zEst, zStart) > 0) continue;   /* not yet founded */
      if (zEnd && zEnd[0] && strcmp(zEnd, zEndP) < 0) continue;    /* ended before the period's end */
      int held = 0;
      for (int m = m0; m < m0 + len; m++) held += month_count(a, b, yi, m);
      o->nDue += r->min;
      o->nHeld += held < r->min ? held : r->min;
      if (held >= r->min) {
        o->nPeriodMet++;
        continue;
      }
      /* Late: made up in the first days after the period ended. */
      int mNext = m0 + len, yNext = yi;
      if (mNext > 12) {
        mNext = 1;
        yNext++;
      }
      long long e = early ? early[yNext][k] : earlyG[yNext];
      int bLate = (e >> (mNext - 1)) & 1;
      if ((o->y0 + yNext) * 12 + mNext - 1 > o->mToday) bLate = 0;   /* the make-up month has not begun */
      Finding *f = finding_add(o);
      f->zType = bLate ? "late" : "missing";
      f->pRule = r;
      f->orgIdx = iOrg;
      f->due = r->min;
      f->held = held;
      period_name(r->zPeriod, y, m0, f->zPeriod, sizeof f->zPeriod);
      if (bLate)
        snprintf(f->zEvidence, sizeof f->zEvidence, "%s %s召开 %d 次（应至少 %d 次），%04d-%02d 前 %d 天内补开", f->zPeriod,
                 zWhat, held, r->min, o->y0 + yNext, mNext, LIFE_GRACE_DAYS);
      else
        snprintf(f->zEvidence, sizeof f->zEvidence, "%s %s召开 %d 次（应至少 %d 次）", f->zPeriod, zWhat, held, r->min);
      if (bLate) o->nLate++;
      else o->nMissing++;
    }
  }
}

/* The roster of the subtree with each member's months, checked against the
 * member rules. */
static int judge_members(Oblig *o) {
  /* Months of life, leave and lectures per member, for each year. */
  typedef struct MemAcc { unsigned short life[3], leave[3], lect[3]; } MemAcc;
  long long maxId = db_int(0, "SELECT max(id) FROM member", "");
  MemAcc *aM = xcalloc((size_t)maxId + 1, sizeof *aM);
  for (int yi = 0; yi < o->nYear; yi++) {
    DbStmt *s = db_stmt("SELECT member_id, life_a, life_b, leave_a, leave_b, lect_a, lect_b FROM life_member_year"
                        " WHERE year=?", "i", o->y0 + yi);
    while (s && db_step(s) == 1) {
      long long id = db_col_int(s, 0);
      if (id < 1 || id > maxId) continue;
      long long v[6];
      for (int i = 0; i < 6; i++) v[i] = db_col_int(s, 1 + i);
      for (int m = 1; m <= 12; m++) {
        if (life_month_count(v[0], v[1], m)) aM[id].life[yi] |= (unsigned short)(1u << (m - 1));
        if (life_month_count(v[2], v[3], m)) aM[id].leave[yi] |= (unsigned short)(1u << (m - 1));
        if (life_month_count(v[4], v[5], m)) aM[id].lect[yi] |= (unsigned short)(1u << (m - 1));
      }
    }
  }
  /* The roster: one pass over the roster index, kept when in the subtree. */
  DbStmt *s = db_stmt("SELECT org_id, id, joined_on FROM member INDEXED BY life_member_roster WHERE status='active'", "");
  int rc;
  while ((rc = db_step(s)) == 1) {
    long long orgId = db_col_int(s, 0);
    if (orgId < 1 || orgId > o->maxOrgId || !o->aOrgIdx[orgId]) continue;
    long long iOrg = o->aOrgIdx[orgId] - 1;
    OrgAcc *pO = &o->aOrg[iOrg];
    long long id = db_col_int(s, 1);
    const char *zJoined = db_col_text(s, 2);
    int jm = atoi(zJoined) * 12 + atoi(zJoined + 5) - 1;   /* month of joining */
    o->nMember++;
    MemAcc *pM = id <= maxId ? &aM[id] : 0;
    for (int yi = 0; yi < o->nYear; yi++) {
      int y = o->y0 + yi;
      const Rule *r = rule_for(&o->aRs[yi], "member_lecture_yearly", pO->zKind, pO->zDomain);
      /* A year is judged when wholly inside the period and the member
       * belonged for all of it. */
      if (r && y * 12 >= o->mLo && y * 12 + 11 <= o->mHi && jm < y * 12) {
        int n = 0;
        for (int m = 0; m < 12; m++) n += pM && ((pM->lect[yi] >> m) & 1);
        if (n < r->min) {
          Finding *f = finding_add(o);
          f->zType = "no_lecture";
          f->pRule = r;
          f->orgIdx = iOrg;
          f->memberId = id;
          f->due = r->min;
          f->held = n;
          snprintf(f->zPeriod, sizeof f->zPeriod, "%04d", y);
          snprintf(f->zEvidence, sizeof f->zEvidence, "%04d 年参加党课 %d 个月次（应至少 %d）", y, n, r->min);
          o->nNoLecture++;
        }
      }
    }
    /* Six months in a row: the longest run of judged months after joining
     * with neither attendance nor an excused absence. */
    const Rule *r6 = rule_for(&o->aRs[o->nYear - 1], "member_six_months", pO->zKind, pO->zDomain);
    if (!r6) continue;
    int run = 0, best = 0, bestEnd = 0;
    for (int mm = o->mLo; mm <= o->mHi; mm++) {
      int yi = mm / 12 - o->y0, m = mm % 12;
      int bLife = pM && (((pM->life[yi] | pM->leave[yi]) >> m) & 1);
      if (mm <= jm || bLife) {
        run = 0;
        continue;
      }
      if (++run > best) {
        best = run;
        bestEnd = mm;
      }
    }
    if (best >= r6->min) {
      Finding *f = finding_add(o);
      f->zType = "six_months";
      f->pRule = r6;
      f->orgIdx = iOrg;
      f->memberId = id;
      f->due = r6->min;
      f->held = best;
      int s0 = bestEnd - best + 1;
      snprintf(f->zPeriod, sizeof f->zPeriod, "%04d-%02d..%04d-%02d", s0 / 12, s0 % 12 + 1, bestEnd / 12, bestEnd % 12 + 1);
      snprintf(f->zEvidence, sizeof f->zEvidence, "%04d-%02d 至 %04d-%02d 连续 %d 个月无出席、无请假记录", s0 / 12,
               s0 % 12 + 1, bestEnd / 12, bestEnd % 12 + 1, best);
      o->nSixMonths++;
    }
  }
  free(aM);
  return rc < 0 ? -1 : 0;
}

/* Computes the obligations of the subtree at zPath for [zFrom, zTo]. 0 or -1. */
static int oblig_run(Oblig *o, const char *zPath, const char *zFrom, const char *zTo) {
  memset(o, 0, sizeof *o);
  snprintf(o->zFrom, sizeof o->zFrom, "%s", zFrom);
  snprintf(o->zTo, sizeof o->zTo, "%s", zTo);
  util_today(o->zToday);
  o->y0 = atoi(zFrom);
  o->nYear = atoi(zTo) - o->y0 + 1;
  if (o->nYear < 1 || o->nYear > 3) return -1;
  /* Judged months: whole months inside [from, to] that ended by today. */
  int fy = atoi(zFrom), fm = atoi(zFrom + 5), fd = atoi(zFrom + 8);
  o->mLo = fy * 12 + fm - 1 + (fd > 1);
  const char *zEnd = strcmp(zTo, o->zToday) < 0 ? zTo : o->zToday;
  char zNext[11];
  text_date_add_months(zEnd, 0, zNext);
  int ty = atoi(zEnd), tm = atoi(zEnd + 5);
  /* The month of zEnd counts when zEnd is its last day. */
  char zLast[24];
  snprintf(zLast, sizeof zLast, "%04d-%02d-01", ty, tm);
  text_date_add_months(zLast, 1, zNext);
  int bWhole = text_date_days(zNext) - text_date_days(zEnd) == 1;
  o->mHi = ty * 12 + tm - 1 - !bWhole;
  o->mToday = atoi(o->zToday) * 12 + atoi(o->zToday + 5) - 1;
  for (int yi = 0; yi < o->nYear; yi++)
    if (ruleset_load(o->y0 + yi, &o->aRs[yi])) return -1;
  /* The organizations of the subtree. */
  char zHi[256];
  scope_range(zPath, zHi);
  o->maxOrgId = db_int(0, "SELECT max(id) FROM org", "");
  o->aOrgIdx = xcalloc((size_t)o->maxOrgId + 1, sizeof *o->aOrgIdx);
  DbStmt *s = db_stmt("SELECT id, code, name, kind, domain, established_on, ended_on FROM org WHERE path >= ? AND path < ?"
                      " ORDER BY path", "tt", zPath, zHi);
  long long nAlloc = 0;
  while (s && db_step(s) == 1) {
    if (o->nOrg == nAlloc) o->aOrg = xrealloc(o->aOrg, sizeof *o->aOrg * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 1024));
    OrgAcc *p = &o->aOrg[o->nOrg];
    memset(p, 0, sizeof *p);
    p->id = db_col_int(s, 0);
    p->zCode = db_col_dup(s, 1);
    p->zName = db_col_dup(s, 2);
    p->zKind = db_col_dup(s, 3);
    p->zDomain = db_col_dup(s, 4);
    p->zEst = db_col_dup(s, 5);
    p->zEnd = db_col_dup(s, 6);
    if (p->id <= o->maxOrgId) o->aOrgIdx[p->id] = o->nOrg + 1;
    if (org_is_branch(p->zKind)) o->nBranch++;
    o->nOrg++;
  }
  if (!s) return -1;
  s = db_stmt("SELECT org_id, count(*) FROM committee_member GROUP BY org_id", "");
  while (s && db_step(s) == 1) {
    long long id = db_col_int(s, 0);
    if (id <= o->maxOrgId && o->aOrgIdx[id]) o->aOrg[o->aOrgIdx[id] - 1].nCommittee = (int)db_col_int(s, 1);
  }
  /* Groups of the subtree's branches. */
  s = db_stmt("SELECT id, org_id, name FROM party_group ORDER BY id", "");
  nAlloc = 0;
  while (s && db_step(s) == 1) {
    long long orgId = db_col_int(s, 1);
    if (orgId > o->maxOrgId || !o->aOrgIdx[orgId]) continue;
    if (o->nGroup == nAlloc) o->aGroup = xrealloc(o->aGroup, sizeof *o->aGroup * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 256));
    GroupAcc *g = &o->aGroup[o->nGroup++];
    memset(g, 0, sizeof *g);
    g->id = db_col_int(s, 0);
    g->orgId = orgId;
    g->zName = db_col_dup(s, 2);
  }
  /* The yearly meeting summaries, and the year after for make-ups. */
  for (int yi = 0; yi <= o->nYear && yi < 4; yi++) {
    s = db_stmt("SELECT org_id, kind, group_id, cnt_a, cnt_b, early, nonquorate FROM life_org_year WHERE year=?", "i",
                o->y0 + yi);
    while (s && db_step(s) == 1) {
      long long orgId = db_col_int(s, 0);
      if (orgId > o->maxOrgId || !o->aOrgIdx[orgId]) continue;
      OrgAcc *p = &o->aOrg[o->aOrgIdx[orgId] - 1];
      int k = life_kind_index(db_col_text(s, 1));
      long long g = db_col_int(s, 2);
      if (k < 0) continue;
      if (g) {
        /* groups are few per branch: a linear search among the branch's */
        for (long long i = 0; i < o->nGroup; i++)
          if (o->aGroup[i].id == g) {
            if (yi < o->nYear) {
              o->aGroup[i].a[yi] += db_col_int(s, 3);
              o->aGroup[i].b[yi] += db_col_int(s, 4);
            }
            o->aGroup[i].early[yi] |= db_col_int(s, 5);
            break;
          }
      }
      if (yi < o->nYear) {
        p->a[yi][k] += db_col_int(s, 3);
        p->b[yi][k] += db_col_int(s, 4);
        p->nonq[yi] |= db_col_int(s, 6);
      }
      p->early[yi][k] |= db_col_int(s, 5);
    }
  }
  /* Organization rules. */
  static const char *const azOrgRule[] = {"committee_monthly", "assembly_quarterly", "lecture_quarterly",
                                          "theme_day_monthly", "life_meeting_yearly", "appraisal_yearly",
                                          "talk_yearly", 0};
  for (long long i = 0; i < o->nOrg; i++) {
    OrgAcc *p = &o->aOrg[i];
    for (int yi = 0; yi < o->nYear; yi++) {
      /* Each year is judged by its own version: run the series one year at a time. */
      for (int c = 0; azOrgRule[c]; c++) {
        const Rule *r = rule_for(&o->aRs[yi], azOrgRule[c], p->zKind, p->zDomain);
        if (!r || strcmp(r->zTarget, "org") || !rule_targets_kind(r, p->zKind)) continue;
        if (strcmp(r->zKind, "committee") == 0 && p->nCommittee < 3) continue;   /* secretary only: no 支委会 */
        int k = life_kind_index(r->zKind);
        if (k < 0) continue;
        int y0 = o->y0, n0 = o->nYear, lo = o->mLo, hi = o->mHi;
        /* Narrow the window to this year, with arrays shifted to it. */
        o->y0 = y0 + yi;
        o->nYear = 1;
        if (o->mLo < o->y0 * 12) o->mLo = o->y0 * 12;
        if (o->mHi > o->y0 * 12 + 11) o->mHi = o->y0 * 12 + 11;
        long long a1[3] = {p->a[yi][k], 0, 0}, b1[3] = {p->b[yi][k], 0, 0};
        long long e1[4][LIFE_NKIND];
        memset(e1, 0, sizeof e1);
        e1[0][k] = p->early[yi][k];
        e1[1][k] = p->early[yi + 1][k];
        char zWhat[64];
        snprintf(zWhat, sizeof zWhat, "%s", life_azKindName[k]);
        if (o->mLo <= o->mHi) judge_series(o, r, i, a1, b1, e1, 0, k, zWhat, p->zEst, p->zEnd);
        o->y0 = y0;
        o->nYear = n0;
        o->mLo = lo;
        o->mHi = hi;
        /* Quorum: each judged month with a non-quorate committee meeting. */
        if (strcmp(r->zKind, "committee") == 0) {
          for (int m = 1; m <= 12; m++) {
            int mm = (o->y0 + yi) * 12 + m - 1;
            if (mm < o->mLo || mm > o->mHi || !((p->nonq[yi] >> (m - 1)) & 1)) continue;
            char zLo[24], zHiD[24];
            snprintf(zLo, sizeof zLo, "%04d-%02d-01", o->y0 + yi, m);
            snprintf(zHiD, sizeof zHiD, "%04d-%02d-31", o->y0 + yi, m);
            DbStmt *q = db_stmt("SELECT id, held_on, n_expected, n_expected_present FROM meeting WHERE org_id=?"
                                " AND kind='committee' AND quorate=0 AND held_on >= ? AND held_on <= ? ORDER BY held_on",
                                "Itt", p->id, zLo, zHiD);
            while (q && db_step(q) == 1) {
              Finding *f = finding_add(o);
              f->zType = "quorum";
              f->pRule = r;
              f->orgIdx = i;
              f->due = (int)(db_col_int(q, 2) / 2 + 1);
              f->held = (int)db_col_int(q, 3);
              snprintf(f->zPeriod, sizeof f->zPeriod, "%s", db_col_text(q, 1));
              snprintf(f->zEvidence, sizeof f->zEvidence, "会议 %lld（%s）应到委员 %lld 人，实到 %lld 人，未过半数",
                       db_col_int(q, 0), db_col_text(q, 1), db_col_int(q, 2), db_col_int(q, 3));
              o->nQuorum++;
            }
          }
        }
      }
    }
  }
  /* Group rules: each party group monthly. */
  for (long long gi = 0; gi < o->nGroup; gi++) {
    GroupAcc *g = &o->aGroup[gi];
    long long iOrg = o->aOrgIdx[g->orgId] - 1;
    OrgAcc *p = &o->aOrg[iOrg];
    for (int yi = 0; yi < o->nYear; yi++) {
      const Rule *r = rule_for(&o->aRs[yi], "group_monthly", p->zKind, p->zDomain);
      if (!r) continue;
      int y0 = o->y0, n0 = o->nYear, lo = o->mLo, hi = o->mHi;
      o->y0 = y0 + yi;
      o->nYear = 1;
      if (o->mLo < o->y0 * 12) o->mLo = o->y0 * 12;
      if (o->mHi > o->y0 * 12 + 11) o->mHi = o->y0 * 12 + 11;
      long long a1[3] = {g->a[yi], 0, 0}, b1[3] = {g->b[yi], 0, 0}, e1[4] = {g->early[yi], g->early[yi + 1], 0, 0};
      char zWhat[128];
      snprintf(zWhat, sizeof zWhat, "党小组“%s”党小组会", g->zName);
      if (o->mLo <= o->mHi) judge_series(o, r, iOrg, a1, b1, 0, e1, 0, zWhat, p->zEst, p->zEnd);
      o->y0 = y0;
      o->nYear = n0;
      o->mLo = lo;
      o->mHi = hi;
    }
  }
  return judge_members(o);
}

/* ---- output ---------------------------------------------------------------- */

static const char *type_name(const char *z) {
  if (strcmp(z, "missing") == 0) return "未按期召开";
  if (strcmp(z, "late") == 0) return "逾期补开";
  if (strcmp(z, "quorum") == 0) return "未过半数";
  if (strcmp(z, "no_lecture") == 0) return "全年未参加党课";
  return "连续六个月未参加组织生活";
}

static char *member_name(long long id) { return id ? db_text("SELECT name FROM member WHERE id=?", "I", id) : 0; }

static json_t *summary_json(const Oblig *o, const Scope *sc) {
  json_t *v = json_array();
  for (int yi = 0; yi < o->nYear; yi++) json_array_append_new(v, json_integer(o->aRs[yi].version));
  return json_pack("{s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}", "org_code",
                   sc->zCode, "from", o->zFrom, "to", o->zTo, "rule_versions", v, "summary", "organizations",
                   (json_int_t)o->nOrg, "branches", (json_int_t)o->nBranch, "members", (json_int_t)o->nMember, "due",
                   (json_int_t)o->nDue, "held", (json_int_t)o->nHeld, "periods_met", (json_int_t)o->nPeriodMet,
                   "missing", (json_int_t)o->nMissing, "late", (json_int_t)o->nLate, "quorum_failures",
                   (json_int_t)o->nQuorum, "members_no_lecture", (json_int_t)o->nNoLecture, "members_six_months",
                   (json_int_t)o->nSixMonths);
}

static json_t *finding_json(const Oblig *o, const Finding *f) {
  const OrgAcc *p = &o->aOrg[f->orgIdx];
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "type", f->zType, "rule", f->pRule->zCode,
                        "rule_description", f->pRule->zDesc, "org_code", p->zCode, "org_name", p->zName, "period",
                        f->zPeriod, "due", f->due, "held", f->held, "evidence", f->zEvidence);
  if (f->memberId) {
    char *z = member_name(f->memberId);
    json_object_set_new(j, "member_id", json_integer(f->memberId));
    json_object_set_new(j, "member_name", json_string(z ? z : ""));
    free(z);
  } else {
    json_object_set_new(j, "member_id", json_null());
    json_object_set_new(j, "member_name", json_null());
  }
  return j;
}

static void obligations_get(Req *r) {
  char zFrom[11], zTo[11];
  if (life_query_period(r, zFrom, zTo)) return;
  long long limit = api_query_int(r, "limit", 1000), offset = api_query_int(r, "offset", 0);
  const char *zType = api_query(r, "type");
  Oblig o;
  if (oblig_run(&o, r->scope.zPath, zFrom, zTo)) {
    oblig_free(&o);
    api_internal(r);
    return;
  }
  json_t *pOut = summary_json(&o, &r->scope);
  json_t *a = json_array();
  long long n = 0;
  for (long long i = 0; i < o.nF; i++) {
    if (zType && zType[0] && strcmp(zType, o.aF[i].zType)) continue;
    if (n >= offset && n < offset + limit) json_array_append_new(a, finding_json(&o, &o.aF[i]));
    n++;
  }
  json_object_set_new(pOut, "findings", a);
  json_object_set_new(pOut, "total", json_integer(n));
  oblig_free(&o);
  api_json(r, 200, pOut);
}

/* GET /api/v1/obligations/rules?year= : the version in force that year. */
static json_t *rules_json(int year) {
  RuleSet rs;
  ruleset_load(year, &rs);
  json_t *a = json_array();
  for (int i = 0; i < rs.n; i++) {
    const Rule *p = &rs.a[i];
    json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:s}", "code", p->zCode, "target", p->zTarget, "period", p->zPeriod,
                          "min_count", p->min, "description", p->zDesc);
    json_object_set_new(j, "kind", p->zKind[0] ? json_string(p->zKind) : json_null());
    json_object_set_new(j, "org_kind", p->zOrgKind[0] ? json_string(p->zOrgKind) : json_null());
    json_object_set_new(j, "domain", p->zDomain[0] ? json_string(p->zDomain) : json_null());
    json_array_append_new(a, j);
  }
  json_t *o = json_pack("{s:i, s:i, s:o}", "year", year, "version", rs.version, "items", a);
  ruleset_free(&rs);
  return o;
}

static void rules_get(Req *r) {
  char zToday[11];
  util_today(zToday);
  api_json(r, 200, rules_json((int)api_query_int(r, "year", atoi(zToday))));
}

/* POST /api/v1/obligations/rules {year, code, min_count, org_kind?, domain?, description?}:
 * sets a rule in the version of that year (made from the version in force
 * before it when the year has none yet). Only the codes of the defaults. */
static void rules_post(Req *r) {
  static const char *const azKey[] = {"year", "code", "min_count", "org_kind", "domain", "description", 0};
  static const char *const azOrgKind[] = {"党委", "党工委", "党总支", "党支部", "联合党支部", "临时党支部", "项目党支部", 0};
  static const char *const azDomain[] = {"农村", "城市社区", "机关", "国有企业", "学校", "公立医院", "非公有制企业",
                                         "社会组织", "新就业群体", "其他", 0};
  static const Field fCode = {"code", "规则", FT_CODE, F_REQUIRED, 40, 0};
  static const Field fKind = {"org_kind", "组织类别", FT_ENUM, 0, 0, azOrgKind};
  static const Field fDomain = {"domain", "所属领域", FT_ENUM, 0, 0, azDomain};
  static const Field fDesc = {"description", "说明", FT_TEXT, 0, 300, 0};
  char *zCode = 0, *zKind = 0, *zDomain = 0, *zDesc = 0;
  long long year = 0;
  json_t *pMin = json_object_get(r->pJson, "min_count");
  if (life_body_keys(r, r->pJson, azKey) || life_body_id(r, r->pJson, "year", 1, &year) ||
      life_body_str(r, r->pJson, &fCode, &zCode) || life_body_str(r, r->pJson, &fKind, &zKind) ||
      life_body_str(r, r->pJson, &fDomain, &zDomain) || life_body_str(r, r->pJson, &fDesc, &zDesc))
    goto done;
  if (year < 2000 || year > 2100) {
    api_error(r, 400, "invalid", "year", "year 应在 2000 到 2100 之间");
    goto done;
  }
  if (!json_is_integer(pMin) || json_integer_value(pMin) < 0 || json_integer_value(pMin) > 31) {
    api_error(r, 400, "invalid", "min_count", "min_count 应为 0 到 31 的整数（0 表示不要求）");
    goto done;
  }
  RuleSet rs;
  ruleset_load((int)year, &rs);
  const Rule *base = 0;
  for (int i = 0; i < rs.n && !base; i++)
    if (strcmp(rs.a[i].zCode, zCode) == 0 && !rs.a[i].zOrgKind[0] && !rs.a[i].zDomain[0]) base = &rs.a[i];
  if (!base) {
    ruleset_free(&rs);
    api_error(r, 404, "not_found", "code", "没有这条规则：%s", zCode);
    goto done;
  }
  json_t *pBefore = rules_json((int)year);
  int rc = db_begin();
  if (!rc && rs.version != year)
    rc = db_exec("INSERT INTO obligation_rule(year, code, target, kind, period, min_count, org_kind, domain, description)"
                 " SELECT ?, code, target, kind, period, min_count, org_kind, domain, description FROM obligation_rule"
                 " WHERE year=?", "Ii", year, rs.version);
  if (!rc)
    rc = db_exec("INSERT INTO obligation_rule(year, code, target, kind, period, min_count, org_kind, domain, description)"
                 " VALUES(?,?,?,nullif(?,''),?,?,?,?,?) ON CONFLICT(year, code, org_kind, domain) DO UPDATE SET"
                 " min_count=excluded.min_count, description=excluded.description",
                 "IttttItTt", year, zCode, base->zTarget, base->zKind, base->zPeriod, (long long)json_integer_value(pMin),
                 zKind ? zKind : "", zDomain ? zDomain : "", zDesc ? zDesc : base->zDesc);
  ruleset_free(&rs);
  json_t *pAfter = rules_json((int)year);
  if (!rc) rc = audit_append(api_actor(r), "update", "obligation_rule", zCode, 0, pBefore, pAfter);
  json_decref(pBefore);
  if (rc || db_commit()) {
    json_decref(pAfter);
    api_internal(r);
    goto done;
  }
  api_json(r, 200, pAfter);
done:
  free(zCode);
  free(zKind);
  free(zDomain);
  free(zDesc);
}

/* ---- CLI: qiangji report obligations ------------------------------------------ */

static const char *const azCsvHead[] = {"类型", "规则", "规则说明", "组织编码", "组织名称", "党员编号", "党员姓名",
                                        "期间", "应", "实", "依据"};

static int cmd_report(const CliArgs *p) {
  const char *zOrg = cli_opt(p, "org"), *zYear = cli_opt(p, "year"), *zFormat = cli_opt(p, "format");
  const char *zOut = cli_opt(p, "out");
  if (!zFormat) zFormat = "csv";
  if (strcmp(zFormat, "csv") && strcmp(zFormat, "xlsx") && strcmp(zFormat, "json")) {
    util_die_msg("--format is csv, xlsx or json (got '%s')", zFormat);
    return 2;
  }
  int year = atoi(zYear);
  if (year < 1921 || year > 2200) {
    util_die_msg("--year wants a year such as 2026 (got '%s')", zYear);
    return 2;
  }
  if (strcmp(zFormat, "xlsx") == 0 && !zOut) {
    util_die_msg("--format xlsx needs --out FILE");
    return 2;
  }
  if (cli_open_db(p, 0)) return 1;
  Scope sc;
  if (scope_lookup(zOrg, &sc)) {
    util_die_msg("no organization with code '%s'", zOrg);
    return 1;
  }
  char zFrom[11], zTo[11];
  snprintf(zFrom, sizeof zFrom, "%04d-01-01", year);
  snprintf(zTo, sizeof zTo, "%04d-12-31", year);
  double t0 = util_now();
  Oblig o;
  if (oblig_run(&o, sc.zPath, zFrom, zTo)) {
    oblig_free(&o);
    util_die_msg("computing the obligations failed");
    return 1;
  }
  double tRun = util_now() - t0;
  FILE *f = stdout;
  if (zOut && strcmp(zFormat, "xlsx") && !(f = fopen(zOut, "wb"))) {
    util_die_msg("cannot write %s", zOut);
    oblig_free(&o);
    return 1;
  }
  int rc = 0;
  if (strcmp(zFormat, "json") == 0) {
    json_t *pOut = summary_json(&o, &sc), *a = json_array();
    for (long long i = 0; i < o.nF; i++) json_array_append_new(a, finding_json(&o, &o.aF[i]));
    json_object_set_new(pOut, "findings", a);
    rc = json_dumpf(pOut, f, JSON_INDENT(1)) || fputc('\n', f) == EOF;
    json_decref(pOut);
  } else if (strcmp(zFormat, "csv") == 0) {
    Buf b = BUF_INIT;
    buf_puts(&b, "\xEF\xBB\xBF");
    for (int i = 0; i < 11; i++) buf_printf(&b, "%s%s", i ? "," : "", azCsvHead[i]);
    buf_puts(&b, "\r\n");
    for (long long i = 0; i < o.nF; i++) {
      const Finding *pf = &o.aF[i];
      const OrgAcc *po = &o.aOrg[pf->orgIdx];
      char *zName = member_name(pf->memberId), zId[24] = "", zDue[16], zHeld[16];
      if (pf->memberId) snprintf(zId, sizeof zId, "%lld", pf->memberId);
      snprintf(zDue, sizeof zDue, "%d", pf->due);
      snprintf(zHeld, sizeof zHeld, "%d", pf->held);
      const char *az[11] = {type_name(pf->zType), pf->pRule->zCode, pf->pRule->zDesc, po->zCode, po->zName, zId,
                            zName ? zName : "", pf->zPeriod, zDue, zHeld, pf->zEvidence};
      for (int c = 0; c < 11; c++) {
        if (c) buf_putc(&b, ',');
        int bQ = strpbrk(az[c], ",\"\r\n") != 0;
        if (bQ) buf_putc(&b, '"');
        for (const char *z = az[c]; *z; z++) {
          if (*z == '"') buf_putc(&b, '"');
          buf_putc(&b, *z);
        }
        if (bQ) buf_putc(&b, '"');
      }
      buf_puts(&b, "\r\n");
      free(zName);
      if (b.n > (1 << 20)) {
        fwrite(b.z, 1, b.n, f);
        buf_reset(&b);
      }
    }
    fwrite(b.z, 1, b.n, f);
    buf_free(&b);
  } else {
    lxw_workbook *wb = workbook_new(zOut);
    if (!wb) rc = 1;
    if (wb) {
      lxw_worksheet *ws = workbook_add_worksheet(wb, "组织生活检查");
      lxw_format *bold = workbook_add_format(wb);
      format_set_bold(bold);
      for (int c = 0; c < 11; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, azCsvHead[c], bold);
      for (long long i = 0; i < o.nF && i < 1048575; i++) {
        const Finding *pf = &o.aF[i];
        const OrgAcc *po = &o.aOrg[pf->orgIdx];
        char *zName = member_name(pf->memberId);
        lxw_row_t row = (lxw_row_t)(i + 1);
        const char *az[5] = {type_name(pf->zType), pf->pRule->zCode, pf->pRule->zDesc, po->zCode, po->zName};
        for (int c = 0; c < 5; c++) worksheet_write_string(ws, row, (lxw_col_t)c, az[c], 0);
        if (pf->memberId) worksheet_write_number(ws, row, 5, (double)pf->memberId, 0);
        if (zName) worksheet_write_string(ws, row, 6, zName, 0);
        worksheet_write_string(ws, row, 7, pf->zPeriod, 0);
        worksheet_write_number(ws, row, 8, pf->due, 0);
        worksheet_write_number(ws, row, 9, pf->held, 0);
        worksheet_write_string(ws, row, 10, pf->zEvidence, 0);
        free(zName);
      }
      rc = workbook_close(wb) != LXW_NO_ERROR;
    }
  }
  if (f != stdout && fclose(f)) rc = 1;
  fprintf(stderr,
          "obligations %s %d: %lld organizations, %lld members; due %lld, held %lld; missing %lld, late %lld, quorum %lld,"
          " no lecture %lld, six months %lld (%.3f s)\n",
          sc.zCode, year, o.nOrg, o.nMember, o.nDue, o.nHeld, o.nMissing, o.nLate, o.nQuorum, o.nNoLecture,
          o.nSixMonths, tRun);
  oblig_free(&o);
  return rc ? 1 : 0;
}

static const CliOpt aReportOpt[] = {
  {"db", 1, 1, "the database"},
  {"org", 1, 1, "code of the organization whose subtree is checked"},
  {"year", 1, 1, "the year, e.g. 2026 (months after today are not judged)"},
  {"format", 1, 0, "csv (default), xlsx or json"},
  {"out", 1, 0, "write here instead of standard output (required for xlsx)"},
  {0, 0, 0, 0},
};

const Command obligations_aCommand[] = {
  {"report", "obligations", cmd_report, aReportOpt, 0, 0, "",
   "Organizational-life obligations of a subtree for a year: meetings due and held, missing or late, quorum failures, "
   "members with no lecture and members six months without organizational life; each finding with rule and evidence."},
};
const int obligations_nCommand = (int)ARRAY_LEN(obligations_aCommand);

static const char *const azTypeQ[] = {"missing", "late", "quorum", "no_lecture", "six_months", 0};
static const QParam aObligQ[] = {
  {"from", Q_TEXT, 0, 20, 0}, {"to", Q_TEXT, 0, 20, 0}, {"year", Q_INT, 1921, 2200, 0},
  {"type", Q_ENUM, 0, 0, azTypeQ}, {"limit", Q_INT, 1, 10000, 0}, {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};
static const QParam aYearQ[] = {{"year", Q_INT, 1921, 2200, 0}, {0, 0, 0, 0, 0}};

const Route obligations_aRoute[] = {
  {"GET", "/api/v1/orgs/{code}/obligations", obligations_get, R_STAFF | R_ORG, aObligQ,
   "what the subtree owed in organizational life in a period, and the findings", 0, 0, 0},
  {"GET", "/api/v1/obligations/rules", rules_get, R_STAFF, aYearQ, "the obligation rules in force in a year", 0, 0, 0},
  {"POST", "/api/v1/obligations/rules", rules_post, R_ADMIN | R_WRITE | R_JSONBODY, 0,
   "set an obligation rule for a year, a kind of organization or a domain", 0, 0, 0},
};
const int obligations_nRoute = (int)ARRAY_LEN(obligations_aRoute);
