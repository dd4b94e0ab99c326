/* obligations.c: what each branch owes in organizational life (domain.md,
 * "Meetings"), as a rule set versioned by year and configurable per
 * organization kind and domain, and the computation of what was due, held,
 * missing or late, quorum failures, branches whose secretary gave no
 * lecture in a year, members with no lecture in a year and members with six
 * months in a row without organizational life, for any subtree and period.
 * Every finding names its rule and its evidence.
 *
 * Speed: the computation reads the yearly summaries of meeting.h, never the
 * meetings or the attendance themselves: one pass over the subtree's
 * organizations, one over life_org_year for each year of the period, one over
 * the roster index and one over life_member_year, each into arrays indexed by
 * id. No query runs per branch or per member, except a name lookup for each
 * flagged member, the meeting ids behind a quorum failure, and one index seek
 * per branch secretary for the lectures they gave. */
#include "meeting.h"
#include "memo.h"
#include "module.h"
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "org.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

static const char *const azMigration[] = {
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
  /* 2: the national rule behind the local custom of a quarterly lecture: the
   * branch secretary (书记 of the committee) gives at least one lecture a
   * year. Added to every version already kept, so that each year's rules
   * still hold every rule; and the lectures of meeting.c's meeting table by
   * who gave them, for one index seek per branch secretary. */
  "INSERT INTO obligation_rule(year, code, target, kind, period, min_count, description)\n"
  " SELECT DISTINCT year, 'secretary_lecture_yearly', 'org', 'lecture', 'year', 1,"
  " '党支部书记每年至少讲一次党课（全国规定）' FROM obligation_rule;\n"
  "CREATE INDEX meeting_lecture_host ON meeting(org_id, host_id, held_on) WHERE kind='lecture' AND host_id IS NOT NULL;\n",
};

/* The kinds and domains of organizations, as stored (org.c); unknown ones
 * fall on the last entry, which no rule names. */
static const char *const aOrgKind[] = {"党委", "党工委", "党总支", "党支部", "联合党支部", "临时党支部", "项目党支部", "", 0};
static const char *const aDomain[] = {"农村", "城市社区", "机关", "国有企业", "学校", "公立医院", "非公有制企业",
                                      "社会组织", "新就业群体", "其他", "", 0};

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

/* The rule codes the computation knows, in the order it judges them. */
static const char *const azRuleCode[] = {"committee_monthly", "assembly_quarterly", "lecture_quarterly",
                                         "theme_day_monthly", "life_meeting_yearly", "appraisal_yearly",
                                         "talk_yearly", "group_monthly", "member_lecture_yearly", "member_six_months",
                                         "secretary_lecture_yearly"};
enum { RC_GROUP = 7, RC_LECTURE = 8, RC_SIX = 9, RC_SECRETARY = 10, RC_N = 11 };

typedef struct OrgAcc {
  long long id;
  char *zCode, *zName, *zPath;
  const char *zKind, *zDomain;   /* static strings of aOrgKind / aDomain */
  int bEnded;                    /* has an ended_on */
  long long nDue, nHeld, nMember;   /* its own share of the totals, for the counts by organization */
  int combo;                     /* kind and domain together, for the rule cache */
  int estKey, endKey;            /* judged periods start at or after estKey and end at or before endKey */
  int nCommittee;
  long long a[3][LIFE_NKIND], b[3][LIFE_NKIND];  /* packed counts, for up to 3 years */
  long long early[4][LIFE_NKIND];                /* [3] is the year after the period */
  long long nonq[3];
  long long iQuorum;                             /* its first QMeeting, or -1 */
  const Rule *pLecture[3], *pSix;                /* the member rules, resolved once */
  long long secId;                               /* the branch secretary (书记), an active member of it, or 0 */
  int nSecLecture[3];                            /* lectures the secretary gave in the branch, by year */
  int bRules;
} OrgAcc;

/* An organization's code and name, all a kept answer's findings need. */
typedef struct OrgName { char *zCode, *zName; } OrgName;

/* A member's name, for the findings. */
typedef struct Name { long long id; char *z; } Name;

/* A committee meeting that was not quorate. */
typedef struct QMeeting {
  long long orgId, id;
  int nExp, nCame;
  char zOn[11];
} QMeeting;

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
  double tProf;
  RuleSet aRs[3];
  OrgAcc *aOrg;
  long long nOrg;
  long long *aOrgIdx;                /* org id -> index+1 (0: outside) */
  long long maxOrgId;
  GroupAcc *aGroup;
  long long nGroup;
  const Rule *aRuleCache[3][8 * 16][RC_N];   /* by year, kind and domain (combo), rule code */
  unsigned char aRuleDone[3][8 * 16];
  QMeeting *aQ;                      /* non-quorate committee meetings, by org and day */
  Name *aName;                /* names of the members in the findings, by id */
  OrgName *aOrgName;          /* kept answers (oblig_compact): the names instead of aOrg */
  long long nName;
  long long nQ;
  Finding *aF;
  long long nF, nFAlloc;
  long long nDue, nHeld, nMissing, nLate, nQuorum, nNoLecture, nSixMonths, nBranch, nMember, nPeriodMet;
} Oblig;

/* The rule of code c for an organization's kind and domain in year yi,
 * resolved once per kind and domain. */
static const Rule *rule_cached(Oblig *o, int yi, int c, const OrgAcc *p) {
  if (!o->aRuleDone[yi][p->combo]) {
    for (int k = 0; k < RC_N; k++) o->aRuleCache[yi][p->combo][k] = rule_for(&o->aRs[yi], azRuleCode[k], p->zKind, p->zDomain);
    o->aRuleDone[yi][p->combo] = 1;
  }
  return o->aRuleCache[yi][p->combo][c];
}

static Finding *finding_add(Oblig *o) {
  if (o->nF == o->nFAlloc) o->aF = xrealloc(o->aF, sizeof *o->aF * (size_t)(o->nFAlloc = o->nFAlloc ? 2 * o->nFAlloc : 1024));
  Finding *f = &o->aF[o->nF++];
  memset(f, 0, sizeof *f);
  return f;
}

static void oblig_free(Oblig *o) {
  for (int i = 0; i < 3; i++) ruleset_free(&o->aRs[i]);
  for (long long i = 0; o->aOrg && i < o->nOrg; i++) {
    free(o->aOrg[i].zCode);
    free(o->aOrg[i].zName);
    free(o->aOrg[i].zPath);
  }
  for (long long i = 0; o->aOrgName && i < o->nOrg; i++) {
    free(o->aOrgName[i].zCode);
    free(o->aOrgName[i].zName);
  }
  free(o->aOrgName);
  for (long long i = 0; i < o->nGroup; i++) free(o->aGroup[i].zName);
  free(o->aOrg);
  free(o->aOrgIdx);
  free(o->aGroup);
  free(o->aQ);
  for (long long i = 0; i < o->nName; i++) free(o->aName[i].z);
  free(o->aName);
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
                         int estKey, int endKey) {
  int len = strcmp(r->zPeriod, "month") == 0 ? 1 : strcmp(r->zPeriod, "quarter") == 0 ? 3 : 12;
  for (int yi = 0; yi < o->nYear; yi++) {
    int y = o->y0 + yi;
    for (int m0 = 1; m0 <= 12; m0 += len) {
      int lo = y * 12 + m0 - 1, hi = lo + len - 1;
      if (lo < o->mLo || hi > o->mHi) continue;
      if (lo < estKey) continue;   /* not yet founded on the period's first day */
      if (hi > endKey) continue;   /* ended before the 28th of the period's last month */
      int held = 0;
      for (int m = m0; m < m0 + len; m++) held += month_count(a, b, yi, m);
      o->nDue += r->min;
      o->nHeld += held < r->min ? held : r->min;
      o->aOrg[iOrg].nDue += r->min;
      o->aOrg[iOrg].nHeld += held < r->min ? held : r->min;
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
/* The subtree's active roster and each member's months, read by a helper
 * thread (with its own connection, db.h) while the main thread reads and
 * judges the organizations. The whole tree is one scan of each index; a
 * smaller subtree goes through its organizations' paths, and looks up the
 * months member by member. */
typedef struct MemAcc { unsigned short life[3], lect[3]; } MemAcc;
typedef struct Roster {
  char zPath[256];
  int bWhole, y0, nYear;
  int *aOrgId, *aId, *aJm;     /* n rows */
  long long n;
  MemAcc *aM;                  /* by member id, up to maxId */
  long long maxId;
  int rc;
} Roster;

static void *roster_load(void *pArg) {
  Roster *p = pArg;
  long long nAlloc = 0;
  db_tune(DB_TUNE_SCAN);
  p->maxId = db_int(0, "SELECT max(id) FROM member", "");
  p->aM = xcalloc((size_t)p->maxId + 1, sizeof *p->aM);
  char zHi[256];
  scope_range(p->zPath, zHi);
  DbStmt *s = p->bWhole
      ? db_stmt("SELECT org_id, id, joined_on FROM member INDEXED BY life_member_active WHERE status='active'", "")
      : db_stmt("SELECT m.org_id, m.id, m.joined_on FROM org o CROSS JOIN member m INDEXED BY life_member_active"
                " ON m.org_id=o.id AND m.status='active' WHERE o.path >= ? AND o.path < ?", "tt", p->zPath, zHi);
  int rc;
  while (s && (rc = db_step(s)) == 1) {
    if (p->n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 65536;
      p->aOrgId = xrealloc(p->aOrgId, sizeof *p->aOrgId * (size_t)nAlloc);
      p->aId = xrealloc(p->aId, sizeof *p->aId * (size_t)nAlloc);
      p->aJm = xrealloc(p->aJm, sizeof *p->aJm * (size_t)nAlloc);
    }
    const char *zJoined = db_col_text(s, 2);
    p->aOrgId[p->n] = (int)db_col_int(s, 0);
    p->aId[p->n] = (int)db_col_int(s, 1);
    p->aJm[p->n++] = atoi(zJoined) * 12 + atoi(zJoined + 5) - 1;   /* month of joining */
  }
  p->rc = !s || rc < 0 ? -1 : 0;
  /* Months of life (or leave) and of lectures (meeting.h), for each year. */
  for (int yi = 0; !p->rc && yi < p->nYear; yi++) {
    if (p->bWhole) {
      s = db_stmt("SELECT member_id, mask FROM life_member_mask WHERE year=?", "i", p->y0 + yi);
      while (s && db_step(s) == 1) {
        long long id = db_col_int(s, 0), mask = db_col_int(s, 1);
        if (id < 1 || id > p->maxId) continue;
        p->aM[id].life[yi] = (unsigned short)(mask & 0xFFF);
        p->aM[id].lect[yi] = (unsigned short)((mask >> 12) & 0xFFF);
      }
    } else {
      for (long long i = 0; i < p->n; i++) {
        long long mask = db_int(0, "SELECT mask FROM life_member_mask WHERE year=? AND member_id=?", "iI", p->y0 + yi,
                                (long long)p->aId[i]);
        if (p->aId[i] < 1 || p->aId[i] > p->maxId) continue;
        p->aM[p->aId[i]].life[yi] = (unsigned short)(mask & 0xFFF);
        p->aM[p->aId[i]].lect[yi] = (unsigned short)((mask >> 12) & 0xFFF);
      }
    }
  }
  db_close();
  return 0;
}

static void roster_free(Roster *p) {
  free(p->aOrgId);
  free(p->aId);
  free(p->aJm);
  free(p->aM);
}

/* The members of the roster against the member rules. */
static int judge_members(Oblig *o, Roster *pR) {
  MemAcc *aM = pR->aM;
  long long maxId = pR->maxId;
  if (getenv("QIANGJI_PROFILE")) fprintf(stderr, "obligations: roster joined %.3f s\n", util_now() - o->tProf);
  int rc = pR->rc;
  for (long long k = 0; !rc && k < pR->n; k++) {
    long long orgId = pR->aOrgId[k];
    if (orgId < 1 || orgId > o->maxOrgId || !o->aOrgIdx[orgId]) continue;
    long long iOrg = o->aOrgIdx[orgId] - 1;
    OrgAcc *pO = &o->aOrg[iOrg];
    long long id = pR->aId[k];
    int jm = pR->aJm[k];
    if (!pO->bRules) {
      for (int yi = 0; yi < o->nYear; yi++)
        pO->pLecture[yi] = rule_cached(o, yi, RC_LECTURE, pO);
      pO->pSix = rule_cached(o, o->nYear - 1, RC_SIX, pO);
      pO->bRules = 1;
    }
    o->nMember++;
    pO->nMember++;
    MemAcc *pM = id <= maxId ? &aM[id] : 0;
    for (int yi = 0; yi < o->nYear; yi++) {
      int y = o->y0 + yi;
      const Rule *r = pO->pLecture[yi];
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
    const Rule *r6 = pO->pSix;
    if (!r6) continue;
    int run = 0, best = 0, bestEnd = 0;
    for (int mm = o->mLo; mm <= o->mHi; mm++) {
      int yi = mm / 12 - o->y0, m = mm % 12;
      int bLife = pM && ((pM->life[yi] >> m) & 1);
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
  return rc;
}

static void names_load(Oblig *o);

/* The secretary's lecture: judged for each year wholly inside the period
 * (so at year end), for a branch that existed all that year. The recorded
 * 书记 counts only while an active member of the branch (in the roster with
 * it); a branch with no such secretary is found too: nobody can be shown to
 * have given the lecture, and the evidence says the secretary is missing. */
static void judge_secretaries(Oblig *o, const Roster *pR) {
  int *aOrgOf = xcalloc((size_t)pR->maxId + 1, sizeof *aOrgOf);   /* each active member's branch */
  for (long long k = 0; k < pR->n; k++)
    if (pR->aId[k] >= 1 && pR->aId[k] <= pR->maxId) aOrgOf[pR->aId[k]] = pR->aOrgId[k];
  for (long long i = 0; i < o->nOrg; i++) {
    OrgAcc *p = &o->aOrg[i];
    if (p->secId && (p->secId > pR->maxId || aOrgOf[p->secId] != p->id)) p->secId = 0;
    for (int yi = 0; yi < o->nYear; yi++) {
      const Rule *r = rule_cached(o, yi, RC_SECRETARY, p);
      if (!r || strcmp(r->zTarget, "org") || !rule_targets_kind(r, p->zKind)) continue;
      int y = o->y0 + yi, lo = y * 12, hi = lo + 11;
      if (lo < o->mLo || hi > o->mHi || lo < p->estKey || hi > p->endKey) continue;
      int held = p->secId ? p->nSecLecture[yi] : 0;
      o->nDue += r->min;
      o->nHeld += held < r->min ? held : r->min;
      p->nDue += r->min;
      p->nHeld += held < r->min ? held : r->min;
      if (held >= r->min) {
        o->nPeriodMet++;
        continue;
      }
      Finding *f = finding_add(o);
      f->zType = "missing";
      f->pRule = r;
      f->orgIdx = i;
      f->due = r->min;
      f->held = held;
      snprintf(f->zPeriod, sizeof f->zPeriod, "%04d", y);
      if (p->secId) {
        char *zName = db_text("SELECT name FROM member WHERE id=?", "I", p->secId);
        snprintf(f->zEvidence, sizeof f->zEvidence, "%04d 年支部书记%s（党员 %lld）讲党课 %d 次（应至少 %d 次）", y,
                 zName ? zName : "", p->secId, held, r->min);
        free(zName);
      } else {
        snprintf(f->zEvidence, sizeof f->zEvidence, "支委会未登记书记，%04d 年无书记讲党课的记录（应至少 %d 次）", y,
                 r->min);
      }
      o->nMissing++;
    }
  }
  free(aOrgOf);
}

/* The subtree a run reads: its paths, and whether it is the whole tree (each
 * table in one pass) or a part (through the organizations' paths). */
typedef struct Sub {
  const char *zPath;
  char zHi[256];
  int bWhole;
} Sub;

/* Phase 1, the shared period: the years (at most 3) and the judged months,
 * whole months inside [from, to] that ended by today. 0, or -1 when the
 * period spans more than three years. */
static int period_set(Oblig *o, const char *zFrom, const char *zTo) {
  snprintf(o->zFrom, sizeof o->zFrom, "%s", zFrom);
  snprintf(o->zTo, sizeof o->zTo, "%s", zTo);
  util_today(o->zToday);
  o->y0 = atoi(zFrom);
  o->nYear = atoi(zTo) - o->y0 + 1;
  if (o->nYear < 1 || o->nYear > 3) return -1;
  int fy = atoi(zFrom), fm = atoi(zFrom + 5), fd = atoi(zFrom + 8);
  o->mLo = fy * 12 + fm - 1 + (fd > 1);
  const char *zEnd = strcmp(zTo, o->zToday) < 0 ? zTo : o->zToday;
  int ty = atoi(zEnd), tm = atoi(zEnd + 5);
  /* The month of zEnd counts when zEnd is its last day. */
  char zFirst[24], zNext[11];
  snprintf(zFirst, sizeof zFirst, "%04d-%02d-01", ty, tm);
  text_date_add_months(zFirst, 1, zNext);
  int bWholeMonth = text_date_days(zNext) - text_date_days(zEnd) == 1;
  o->mHi = ty * 12 + tm - 1 - !bWholeMonth;
  o->mToday = atoi(o->zToday) * 12 + atoi(o->zToday + 5) - 1;
  return 0;
}

/* The window of one year yi of the period: rules are versioned by year, so
 * each series is judged a year at a time, its arrays shifted to that year.
 * window_year narrows o (saving the period in *pSave) and says whether any
 * judged month is left; window_restore puts the period back. */
typedef struct Window { int y0, nYear, mLo, mHi; } Window;
static int window_year(Oblig *o, int yi, Window *pSave) {
  *pSave = (Window){o->y0, o->nYear, o->mLo, o->mHi};
  o->y0 = pSave->y0 + yi;
  o->nYear = 1;
  if (o->mLo < o->y0 * 12) o->mLo = o->y0 * 12;
  if (o->mHi > o->y0 * 12 + 11) o->mHi = o->y0 * 12 + 11;
  return o->mLo <= o->mHi;
}
static void window_restore(Oblig *o, const Window *pSave) {
  o->y0 = pSave->y0;
  o->nYear = pSave->nYear;
  o->mLo = pSave->mLo;
  o->mHi = pSave->mHi;
}

/* The accumulator of organization id, or NULL when it is outside the subtree. */
static OrgAcc *org_acc(Oblig *o, long long id) {
  return id > 0 && id <= o->maxOrgId && o->aOrgIdx[id] ? &o->aOrg[o->aOrgIdx[id] - 1] : 0;
}

/* Phase 2: the organizations of the subtree, with what their rules depend
 * on (kind, domain, founding and ending). 0 or -1. */
static int orgs_load(Oblig *o, const Sub *pS) {
  o->maxOrgId = db_int(0, "SELECT max(id) FROM org", "");
  o->aOrgIdx = xcalloc((size_t)o->maxOrgId + 1, sizeof *o->aOrgIdx);
  DbStmt *s = db_stmt("SELECT id, code, name, kind, domain, established_on, ended_on, path FROM org WHERE path >= ?"
                      " AND path < ? ORDER BY path", "tt", pS->zPath, pS->zHi);
  long long nAlloc = 0;
  while (s && db_step(s) == 1) {
    if (o->nOrg == nAlloc) o->aOrg = xrealloc(o->aOrg, sizeof *o->aOrg * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 1024));
    OrgAcc *p = &o->aOrg[o->nOrg];
    memset(p, 0, sizeof *p);
    p->id = db_col_int(s, 0);
    p->zCode = db_col_dup(s, 1);
    p->zName = db_col_dup(s, 2);
    p->zPath = db_col_dup(s, 7);
    int kk = 0, dd = 0;
    const char *zK = db_col_text(s, 3), *zD = db_col_text(s, 4);
    while (aOrgKind[kk + 1] && strcmp(aOrgKind[kk], zK)) kk++;
    while (aDomain[dd + 1] && strcmp(aDomain[dd], zD)) dd++;
    p->zKind = aOrgKind[kk];
    p->zDomain = aDomain[dd];
    p->combo = kk * 16 + dd;
    /* established on (y, m, d): a period starting in month index lo counts
     * when lo >= est's month index, plus one unless founded on the 1st. */
    const char *zE = db_col_text(s, 5), *zN = db_col_text(s, 6);
    p->estKey = zE[0] ? atoi(zE) * 12 + atoi(zE + 5) - 1 + (atoi(zE + 8) > 1) : -1;
    p->bEnded = zN[0] != 0;
    p->endKey = zN[0] ? atoi(zN) * 12 + atoi(zN + 5) - 1 - (atoi(zN + 8) < 28) : 1 << 30;
    p->iQuorum = -1;
    if (p->id <= o->maxOrgId) o->aOrgIdx[p->id] = o->nOrg + 1;
    if (org_is_branch(p->zKind)) o->nBranch++;
    o->nOrg++;
  }
  return s ? 0 : -1;
}

/* Phase 3: each branch's committee size and its secretary, the 书记 of the
 * committee (whether an active member of the branch, as the statistics
 * count them, is checked against the roster once it is in:
 * judge_secretaries); then the lectures each host gave in each branch in
 * each year of the period, held by today: one pass over the partial index
 * of lectures by host, no query per branch. The committee is kept as it is
 * now, so a past year is judged against today's secretary. 0 or -1. */
static int committees_load(Oblig *o, const Sub *pS) {
  DbStmt *s = pS->bWhole
                  ? db_stmt("SELECT org_id, count(*), max(CASE WHEN post='书记' THEN member_id END) FROM committee_member"
                            " GROUP BY org_id", "")
                  : db_stmt("SELECT c.org_id, count(*), max(CASE WHEN c.post='书记' THEN c.member_id END) FROM org o"
                            " CROSS JOIN committee_member c ON c.org_id=o.id WHERE o.path >= ? AND o.path < ?"
                            " GROUP BY c.org_id", "tt", pS->zPath, pS->zHi);
  while (s && db_step(s) == 1) {
    OrgAcc *p = org_acc(o, db_col_int(s, 0));
    if (!p) continue;
    p->nCommittee = (int)db_col_int(s, 1);
    p->secId = db_col_int(s, 2);   /* NULL: 0 */
  }
  if (!s) return -1;
  for (int yi = 0; yi < o->nYear; yi++) {
    char zLo[11], zHi2[11];
    snprintf(zLo, sizeof zLo, "%04d-01-01", o->y0 + yi);
    snprintf(zHi2, sizeof zHi2, "%04d-12-31", o->y0 + yi);
    if (strcmp(zHi2, o->zToday) > 0) snprintf(zHi2, sizeof zHi2, "%s", o->zToday);
    s = pS->bWhole ? db_stmt("SELECT org_id, host_id, count(*) FROM meeting INDEXED BY meeting_lecture_host"
                             " WHERE kind='lecture' AND host_id IS NOT NULL AND held_on >= ? AND held_on <= ?"
                             " GROUP BY org_id, host_id", "tt", zLo, zHi2)
                   : db_stmt("SELECT t.org_id, t.host_id, count(*) FROM org o CROSS JOIN meeting t"
                             " INDEXED BY meeting_lecture_host ON t.org_id=o.id AND t.kind='lecture' AND t.host_id IS NOT NULL"
                             " WHERE o.path >= ? AND o.path < ? AND t.held_on >= ? AND t.held_on <= ?"
                             " GROUP BY t.org_id, t.host_id", "tttt", pS->zPath, pS->zHi, zLo, zHi2);
    while (s && db_step(s) == 1) {
      OrgAcc *p = org_acc(o, db_col_int(s, 0));
      if (p && p->secId && p->secId == db_col_int(s, 1)) p->nSecLecture[yi] = (int)db_col_int(s, 2);
    }
    if (!s) return -1;
  }
  return 0;
}

/* Phase 4: the party groups of the subtree's branches and the yearly meeting
 * summaries of organizations and groups (and of the year after, for
 * make-ups). 0 or -1. */
static int summaries_load(Oblig *o, const Sub *pS) {
  DbStmt *s = pS->bWhole ? db_stmt("SELECT id, org_id, name FROM party_group ORDER BY id", "")
                         : db_stmt("SELECT g.id, g.org_id, g.name FROM org o CROSS JOIN party_group g ON g.org_id=o.id"
                                   " WHERE o.path >= ? AND o.path < ? ORDER BY g.id", "tt", pS->zPath, pS->zHi);
  long long nAlloc = 0;
  while (s && db_step(s) == 1) {
    long long orgId = db_col_int(s, 1);
    if (!org_acc(o, orgId)) continue;
    if (o->nGroup == nAlloc) o->aGroup = xrealloc(o->aGroup, sizeof *o->aGroup * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 256));
    GroupAcc *g = &o->aGroup[o->nGroup++];
    memset(g, 0, sizeof *g);
    g->id = db_col_int(s, 0);
    g->orgId = orgId;
    g->zName = db_col_dup(s, 2);
  }
  if (!s) return -1;
  if (getenv("QIANGJI_PROFILE")) fprintf(stderr, "obligations: committees, groups read %.3f s\n", util_now() - o->tProf);
  /* Group id -> index+1, for the summary rows of groups. */
  long long maxGroup = db_int(0, "SELECT max(id) FROM party_group", "");
  long long *aGroupIdx = xcalloc((size_t)maxGroup + 1, sizeof *aGroupIdx);
  for (long long i = 0; i < o->nGroup; i++) aGroupIdx[o->aGroup[i].id] = i + 1;
  int rc = 0;
  for (int yi = 0; !rc && yi <= o->nYear && yi < 4; yi++) {
    s = pS->bWhole
            ? db_stmt("SELECT org_id, kind, group_id, cnt_a, cnt_b, early, nonquorate FROM life_org_year WHERE year=?",
                      "i", o->y0 + yi)
            : db_stmt("SELECT y.org_id, y.kind, y.group_id, y.cnt_a, y.cnt_b, y.early, y.nonquorate FROM org o"
                      " CROSS JOIN life_org_year y ON y.year=? AND y.org_id=o.id WHERE o.path >= ? AND o.path < ?",
                      "itt", o->y0 + yi, pS->zPath, pS->zHi);
    while (s && db_step(s) == 1) {
      OrgAcc *p = org_acc(o, db_col_int(s, 0));
      int k = life_kind_index(db_col_text(s, 1));
      long long g = db_col_int(s, 2);
      if (!p || k < 0) continue;
      if (g > 0 && g <= maxGroup && aGroupIdx[g]) {
        GroupAcc *pg = &o->aGroup[aGroupIdx[g] - 1];
        if (yi < o->nYear) {
          pg->a[yi] += db_col_int(s, 3);
          pg->b[yi] += db_col_int(s, 4);
        }
        pg->early[yi] |= db_col_int(s, 5);
      }
      if (yi < o->nYear) {
        p->a[yi][k] += db_col_int(s, 3);
        p->b[yi][k] += db_col_int(s, 4);
        p->nonq[yi] |= db_col_int(s, 6);
      }
      p->early[yi][k] |= db_col_int(s, 5);
    }
    if (!s) rc = -1;
  }
  free(aGroupIdx);
  return rc;
}

/* Phase 5: the non-quorate committee meetings of the period, in one scan of
 * a small index, by organization and day. 0 or -1. */
static int quorum_load(Oblig *o, const Sub *pS) {
  DbStmt *s =
      pS->bWhole
          ? db_stmt("SELECT org_id, rowid, held_on, n_expected, n_expected_present FROM meeting INDEXED BY"
                    " meeting_nonquorate WHERE kind='committee' AND quorate=0 AND held_on >= ? AND held_on <= ?"
                    " ORDER BY org_id, held_on, rowid", "tt", o->zFrom, o->zTo)
          : db_stmt("SELECT m.org_id, m.rowid, m.held_on, m.n_expected, m.n_expected_present FROM org o"
                    " CROSS JOIN meeting m INDEXED BY meeting_org ON m.org_id=o.id AND m.held_on >= ? AND m.held_on <= ?"
                    " WHERE o.path >= ? AND o.path < ? AND m.kind='committee' AND m.quorate=0"
                    " ORDER BY m.org_id, m.held_on, m.rowid", "tttt", o->zFrom, o->zTo, pS->zPath, pS->zHi);
  long long nAlloc = 0;
  while (s && db_step(s) == 1) {
    long long orgId = db_col_int(s, 0);
    OrgAcc *p = org_acc(o, orgId);
    if (!p) continue;
    if (o->nQ == nAlloc) o->aQ = xrealloc(o->aQ, sizeof *o->aQ * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 1024));
    QMeeting *q = &o->aQ[o->nQ];
    q->orgId = orgId;
    q->id = db_col_int(s, 1);
    snprintf(q->zOn, sizeof q->zOn, "%s", db_col_text(s, 2));
    q->nExp = (int)db_col_int(s, 3);
    q->nCame = (int)db_col_int(s, 4);
    if (p->iQuorum < 0) p->iQuorum = o->nQ;
    o->nQ++;
  }
  return s ? 0 : -1;
}

/* Quorum: a finding for each non-quorate committee meeting of organization
 * i in a judged month of year yi. */
static void judge_quorum(Oblig *o, const Rule *r, long long i, int yi) {
  const OrgAcc *p = &o->aOrg[i];
  for (long long q = p->iQuorum; q >= 0 && q < o->nQ && o->aQ[q].orgId == p->id; q++) {
    const QMeeting *pq = &o->aQ[q];
    int mm = atoi(pq->zOn) * 12 + atoi(pq->zOn + 5) - 1;
    if (mm < o->mLo || mm > o->mHi || atoi(pq->zOn) != o->y0 + yi) continue;
    Finding *f = finding_add(o);
    f->zType = "quorum";
    f->pRule = r;
    f->orgIdx = i;
    f->due = pq->nExp / 2 + 1;
    f->held = pq->nCame;
    snprintf(f->zPeriod, sizeof f->zPeriod, "%s", pq->zOn);
    snprintf(f->zEvidence, sizeof f->zEvidence, "会议 %lld（%s）应到委员 %d 人，实到 %d 人，未过半数", pq->id, pq->zOn,
             pq->nExp, pq->nCame);
    o->nQuorum++;
  }
}

/* Phase 6: the organization rules, each year by its own version, and quorum. */
static void judge_orgs(Oblig *o) {
  for (long long i = 0; i < o->nOrg; i++) {
    OrgAcc *p = &o->aOrg[i];
    for (int yi = 0; yi < o->nYear; yi++) {
      for (int c = 0; c < RC_GROUP; c++) {
        const Rule *r = rule_cached(o, yi, c, p);
        if (!r || strcmp(r->zTarget, "org") || !rule_targets_kind(r, p->zKind)) continue;
        if (strcmp(r->zKind, "committee") == 0 && p->nCommittee < 3) continue;   /* secretary only: no 支委会 */
        int k = life_kind_index(r->zKind);
        if (k < 0) continue;
        long long a1[3] = {p->a[yi][k], 0, 0}, b1[3] = {p->b[yi][k], 0, 0};
        long long e1[4][LIFE_NKIND];
        memset(e1, 0, sizeof e1);
        e1[0][k] = p->early[yi][k];
        e1[1][k] = p->early[yi + 1][k];
        Window w;
        if (window_year(o, yi, &w)) judge_series(o, r, i, a1, b1, e1, 0, k, life_azKindName[k], p->estKey, p->endKey);
        window_restore(o, &w);
        if (strcmp(r->zKind, "committee") == 0) judge_quorum(o, r, i, yi);
      }
    }
  }
}

/* Phase 7: each party group's monthly meeting. */
static void judge_groups(Oblig *o) {
  for (long long gi = 0; gi < o->nGroup; gi++) {
    const GroupAcc *g = &o->aGroup[gi];
    long long iOrg = o->aOrgIdx[g->orgId] - 1;
    const OrgAcc *p = &o->aOrg[iOrg];
    for (int yi = 0; yi < o->nYear; yi++) {
      const Rule *r = rule_cached(o, yi, RC_GROUP, p);
      if (!r) continue;
      long long a1[3] = {g->a[yi], 0, 0}, b1[3] = {g->b[yi], 0, 0}, e1[4] = {g->early[yi], g->early[yi + 1], 0, 0};
      char zWhat[128];
      snprintf(zWhat, sizeof zWhat, "党小组“%s”党小组会", g->zName);
      Window w;
      if (window_year(o, yi, &w)) judge_series(o, r, iOrg, a1, b1, 0, e1, 0, zWhat, p->estKey, p->endKey);
      window_restore(o, &w);
    }
  }
}

/* Judges the subtree at zPath over [zFrom, zTo]: reads what the rules need
 * in phases over one shared period while another thread reads the members'
 * months (roster_load), then judges organizations, groups, members and
 * secretaries. 0 or -1. */
static int oblig_run(Oblig *o, const char *zPath, const char *zFrom, const char *zTo) {
  memset(o, 0, sizeof *o);
  o->tProf = util_now();
  int bProf = getenv("QIANGJI_PROFILE") != 0;
  if (period_set(o, zFrom, zTo)) return -1;
  for (int yi = 0; yi < o->nYear; yi++)
    if (ruleset_load(o->y0 + yi, &o->aRs[yi])) return -1;
  /* Whole-subtree scans: read the file through memory mapping rather than
   * read() calls (SQLite caps it at its compile-time maximum). */
  db_tune(DB_TUNE_SCAN);
  Sub sub = {.zPath = zPath};
  scope_range(zPath, sub.zHi);
  sub.bWhole = db_exists("SELECT 1 FROM org WHERE path=? AND parent_id IS NULL", "t", zPath) == 1;
  Roster roster;
  memset(&roster, 0, sizeof roster);
  snprintf(roster.zPath, sizeof roster.zPath, "%s", zPath);
  roster.bWhole = sub.bWhole;
  roster.y0 = o->y0;
  roster.nYear = o->nYear;
  pthread_t thRoster;
  int bThread = pthread_create(&thRoster, 0, roster_load, &roster) == 0;
  if (!bThread) roster_load(&roster);   /* no thread: read it here */
  int rc = orgs_load(o, &sub);
  if (bProf) fprintf(stderr, "obligations: orgs read %.3f s\n", util_now() - o->tProf);
  if (!rc) rc = committees_load(o, &sub);
  if (!rc) rc = summaries_load(o, &sub);
  if (bProf) fprintf(stderr, "obligations: org summaries read %.3f s\n", util_now() - o->tProf);
  if (!rc) rc = quorum_load(o, &sub);
  if (bProf) fprintf(stderr, "obligations: summaries read %.3f s\n", util_now() - o->tProf);
  if (!rc) {
    judge_orgs(o);
    judge_groups(o);
  }
  if (bProf) fprintf(stderr, "obligations: organizations judged %.3f s\n", util_now() - o->tProf);
  if (bThread) pthread_join(thRoster, 0);
  if (!rc) rc = judge_members(o, &roster);
  if (!rc) judge_secretaries(o, &roster);
  roster_free(&roster);
  if (!rc) names_load(o);
  if (bProf) fprintf(stderr, "obligations: members judged %.3f s\n", util_now() - o->tProf);
  return rc;
}

/* ---- output ---------------------------------------------------------------- */

static const char *type_name(const char *z) {
  if (strcmp(z, "missing") == 0) return "未按期召开";
  if (strcmp(z, "late") == 0) return "逾期补开";
  if (strcmp(z, "quorum") == 0) return "未过半数";
  if (strcmp(z, "no_lecture") == 0) return "全年未参加党课";
  return "连续六个月未参加组织生活";
}

static int cmp_name(const void *x, const void *y) {
  const Name *a = x, *b = y;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* Looks up the names of every member named in the findings, in id order
 * (near rows of the table one after another), into o->aName. */
static void names_load(Oblig *o) {
  o->aName = xcalloc((size_t)o->nF + 1, sizeof *o->aName);
  o->nName = 0;
  for (long long i = 0; i < o->nF; i++)
    if (o->aF[i].memberId) o->aName[o->nName++].id = o->aF[i].memberId;
  qsort(o->aName, (size_t)o->nName, sizeof *o->aName, cmp_name);
  long long n = 0;
  for (long long i = 0; i < o->nName; i++) {
    if (n && o->aName[n - 1].id == o->aName[i].id) continue;
    o->aName[n].id = o->aName[i].id;
    o->aName[n++].z = db_text("SELECT name FROM member WHERE id=?", "I", o->aName[i].id);
  }
  o->nName = n;
}

/* The name of a member named in a finding (names_load first), or NULL. */
static const char *member_name(const Oblig *o, long long id) {
  Name key = {id, 0}, *p = id ? bsearch(&key, o->aName, (size_t)o->nName, sizeof key, cmp_name) : 0;
  return p ? p->z : 0;
}

/* The lights of the organizations: red with a missing meeting, amber with
 * any other finding, so that a screen needs no list of findings to count. */
static void lights_count(const Oblig *o, long long *pnRed, long long *pnAmber) {
  unsigned char *aMark = xcalloc((size_t)o->nOrg + 1, 1);
  for (long long i = 0; i < o->nF; i++) aMark[o->aF[i].orgIdx] |= strcmp(o->aF[i].zType, "missing") == 0 ? 2 : 1;
  long long nRed = 0, nAmber = 0;
  for (long long i = 0; i < o->nOrg; i++) nRed += (aMark[i] & 2) != 0, nAmber += aMark[i] == 1;
  free(aMark);
  *pnRed = nRed;
  *pnAmber = nAmber;
}

int obligations_lights(const char *zPath, const char *zFrom, const char *zTo, long long *pnBranch, long long *pnRed,
                       long long *pnAmber) {
  Oblig o;
  int rc = oblig_run(&o, zPath, zFrom, zTo);
  if (!rc) {
    *pnBranch = o.nBranch;
    lights_count(&o, pnRed, pnAmber);
  }
  oblig_free(&o);
  return rc;
}

static json_t *summary_json(const Oblig *o, const Scope *sc) {
  json_t *v = json_array();
  for (int yi = 0; yi < o->nYear; yi++) json_array_append_new(v, json_integer(o->aRs[yi].version));
  long long nRed, nAmber;
  lights_count(o, &nRed, &nAmber);
  json_t *pOut = json_pack("{s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}", "org_code",
                   sc->zCode, "from", o->zFrom, "to", o->zTo, "rule_versions", v, "summary", "organizations",
                   (json_int_t)o->nOrg, "branches", (json_int_t)o->nBranch, "members", (json_int_t)o->nMember, "due",
                   (json_int_t)o->nDue, "held", (json_int_t)o->nHeld, "periods_met", (json_int_t)o->nPeriodMet,
                   "missing", (json_int_t)o->nMissing, "late", (json_int_t)o->nLate, "quorum_failures",
                   (json_int_t)o->nQuorum, "members_no_lecture", (json_int_t)o->nNoLecture, "members_six_months",
                   (json_int_t)o->nSixMonths);
  json_t *pSum = json_object_get(pOut, "summary");
  json_object_set_new(pSum, "orgs_red", json_integer(nRed));
  json_object_set_new(pSum, "orgs_amber", json_integer(nAmber));
  return pOut;
}

static json_t *finding_json(const Oblig *o, const Finding *f) {
  const char *zCode = o->aOrgName ? o->aOrgName[f->orgIdx].zCode : o->aOrg[f->orgIdx].zCode;
  const char *zName = o->aOrgName ? o->aOrgName[f->orgIdx].zName : o->aOrg[f->orgIdx].zName;
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "type", f->zType, "rule", f->pRule->zCode,
                        "rule_description", f->pRule->zDesc, "org_code", zCode, "org_name", zName, "period",
                        f->zPeriod, "due", f->due, "held", f->held, "evidence", f->zEvidence);
  if (f->memberId) {
    const char *z = member_name(o, f->memberId);
    json_object_set_new(j, "member_id", json_integer(f->memberId));
    json_object_set_new(j, "member_name", json_string(z ? z : ""));
  } else {
    json_object_set_new(j, "member_id", json_null());
    json_object_set_new(j, "member_name", json_null());
  }
  return j;
}

/* The organizations one level down that have not ended, each with its
 * subtree's share of the summary and its light (red: a meeting missing;
 * amber: anything else found; green), reds first, in the order of the tree
 * within a light: the board of 三会一课 from one run. */
static json_t *by_org_json(const Oblig *o, const Scope *sc) {
  OrgKids kids;
  org_kids_load(sc->id, &kids);
  enum { K_DUE, K_HELD, K_MISSING, K_LATE, K_QUORUM, K_NOLECT, K_SIX, K_BRANCH, K_MEMBER, K_N };
  long long (*a)[K_N] = xcalloc((size_t)kids.n + 1, sizeof *a);
  int *aKid = xcalloc((size_t)o->nOrg + 1, sizeof *aKid);
  for (long long i = 0; i < o->nOrg; i++) {
    const OrgAcc *p = &o->aOrg[i];
    int k = aKid[i] = org_kid_of(&kids, p->zPath);
    if (k < 0) continue;
    a[k][K_DUE] += p->nDue, a[k][K_HELD] += p->nHeld, a[k][K_MEMBER] += p->nMember;
    a[k][K_BRANCH] += org_is_branch(p->zKind);
  }
  for (long long i = 0; i < o->nF; i++) {
    const Finding *f = &o->aF[i];
    int k = aKid[f->orgIdx];
    if (k < 0) continue;
    const char *t = f->zType;
    a[k][strcmp(t, "missing") == 0 ? K_MISSING : strcmp(t, "late") == 0 ? K_LATE : strcmp(t, "quorum") == 0 ? K_QUORUM
         : strcmp(t, "no_lecture") == 0 ? K_NOLECT : K_SIX]++;
  }
  json_t *aLight[3] = {json_array(), json_array(), json_array()};
  for (long long i = 0; i < o->nOrg; i++) {
    const OrgAcc *p = &o->aOrg[i];
    int k = aKid[i];
    if (k < 0 || p->bEnded || strcmp(p->zPath, kids.azPath[k]) != 0) continue;   /* the child itself, current */
    const long long *c = a[k];
    int l = c[K_MISSING] ? 0 : c[K_LATE] + c[K_QUORUM] + c[K_NOLECT] + c[K_SIX] ? 1 : 2;
    json_array_append_new(aLight[l], json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
        "org_code", p->zCode, "org_name", p->zName, "kind", p->zKind, "light", l == 0 ? "red" : l == 1 ? "amber" : "green",
        "branches", (json_int_t)c[K_BRANCH], "members", (json_int_t)c[K_MEMBER], "due", (json_int_t)c[K_DUE], "held",
        (json_int_t)c[K_HELD], "missing", (json_int_t)c[K_MISSING], "late", (json_int_t)c[K_LATE], "quorum_failures",
        (json_int_t)c[K_QUORUM], "members_no_lecture", (json_int_t)c[K_NOLECT], "members_six_months",
        (json_int_t)c[K_SIX]));
  }
  json_array_extend(aLight[0], aLight[1]);
  json_array_extend(aLight[0], aLight[2]);
  json_decref(aLight[1]);
  json_decref(aLight[2]);
  free(a);
  free(aKid);
  org_kids_free(&kids);
  return aLight[0];
}

/* ---- the kept answer (memo.h) ------------------------------------------------ */

/* What the route answers for a subtree and period, computed once for every
 * page and filter: the summary with the board by organization, and the
 * findings, with the organizations' bulky accumulators dropped (oblig_compact). */
typedef struct ObligAnswer {
  json_t *pHead;      /* summary_json and "by_org" */
  Oblig o;
} ObligAnswer;

/* Keeps of the organizations only what the findings show (code and name). */
static void oblig_compact(Oblig *o) {
  o->aOrgName = xcalloc((size_t)o->nOrg + 1, sizeof *o->aOrgName);
  for (long long i = 0; i < o->nOrg; i++) {
    o->aOrgName[i] = (OrgName){o->aOrg[i].zCode, o->aOrg[i].zName};
    free(o->aOrg[i].zPath);
  }
  free(o->aOrg), o->aOrg = 0;
  free(o->aOrgIdx), o->aOrgIdx = 0;
  for (long long i = 0; i < o->nGroup; i++) free(o->aGroup[i].zName);
  free(o->aGroup), o->aGroup = 0, o->nGroup = 0;
  free(o->aQ), o->aQ = 0, o->nQ = 0;
}

static void answer_free(void *p) {
  ObligAnswer *a = p;
  json_decref(a->pHead);
  oblig_free(&a->o);
  free(a);
}

/* MemoArgs.zParam: "FROM TO". */
static void *answer_compute(const MemoArgs *pA) {
  ObligAnswer *a = xcalloc(1, sizeof *a);
  char zFrom[11], zTo[11];
  if (sscanf(pA->zParam, "%10s %10s", zFrom, zTo) != 2 || oblig_run(&a->o, pA->zPath, zFrom, zTo)) {
    oblig_free(&a->o);
    free(a);
    return 0;
  }
  Scope sc = {.id = pA->orgId};
  snprintf(sc.zCode, sizeof sc.zCode, "%s", pA->zCode);
  snprintf(sc.zPath, sizeof sc.zPath, "%s", pA->zPath);
  a->pHead = summary_json(&a->o, &sc);
  json_object_set_new(a->pHead, "by_org", by_org_json(&a->o, &sc));
  oblig_compact(&a->o);
  return a;
}

static const MemoKind answerKind = {"obligations", answer_compute, answer_free};

/* GET /orgs/{code}/obligations: the summary and board, then a page of the
 * findings (of one type with ?type=), from the kept answer when the
 * subtree is large (memo.h: "computed_at", and "stale" while a newer one is
 * computed). */
static void obligations_get(Req *r) {
  char zFrom[11], zTo[11];
  if (life_query_period(r, zFrom, zTo)) return;
  long long limit = api_query_int(r, "limit", 1000), offset = api_query_int(r, "offset", 0);
  const char *zType = api_query(r, "type");
  MemoInfo info;
  MemoRef *pRef = memo_request(r, &answerKind, &info, "%s %s", zFrom, zTo);
  if (!pRef) return;
  const ObligAnswer *pAns = memo_value(pRef);
  const Oblig *o = &pAns->o;
  json_t *pOut = json_deep_copy(pAns->pHead);
  json_t *a = json_array();
  long long n = 0;
  for (long long i = 0; i < o->nF; i++) {
    if (zType && zType[0] && strcmp(zType, o->aF[i].zType)) continue;
    if (n >= offset && n < offset + limit) json_array_append_new(a, finding_json(o, &o->aF[i]));
    n++;
  }
  memo_release(pRef);
  json_object_set_new(pOut, "findings", a);
  json_object_set_new(pOut, "total", json_integer(n));
  json_object_set_new(pOut, "limit", json_integer(limit));
  json_object_set_new(pOut, "offset", json_integer(offset));
  memo_annotate(pOut, &info);
  api_json(r, 200, pOut);
}

/* The server's start: the whole tree's answer for this year, computed
 * behind (memo.h), so that the first screen at the top opens at once. */
static int obligations_start(void) {
  char zToday[11], zParam[32];
  util_today(zToday);
  snprintf(zParam, sizeof zParam, "%.4s-01-01 %.4s-12-31", zToday, zToday);   /* life_query_period's default */
  memo_warm_root(&answerKind, zParam);
  return 0;
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
enum { OR_YEAR, OR_CODE, OR_MIN, OR_KIND, OR_DOMAIN, OR_DESC, OR_NFIELD };
static const Field aORuleField[OR_NFIELD] = {
  [OR_YEAR] = {"year", "年度", FT_YEAR, F_REQUIRED, 0, 0, 2000, 2100, 0, 0, 0},
  [OR_CODE] = {"code", "规则", FT_CODE, F_REQUIRED, 40, 0, 0, 0, 0, 0, 0},
  [OR_MIN] = {"min_count", "最少次数（0 表示不要求）", FT_INT, F_REQUIRED, 0, 0, 0, 31, 0, 0, 0},
  [OR_KIND] = {"org_kind", "组织类别", FT_ENUM, 0, 0, org_azKind, 0, 0, 0, 0, 0},
  [OR_DOMAIN] = {"domain", "所属领域", FT_ENUM, 0, 0, org_azDomain, 0, 0, 0, 0, 0},
  [OR_DESC] = {"description", "说明", FT_TEXT, 0, 300, 0, 0, 0, 0, 0, 0},
};

static void rules_post(Req *r) {
  const char *zCode = r->rec.az[OR_CODE], *zKind = r->rec.az[OR_KIND], *zDomain = r->rec.az[OR_DOMAIN];
  const char *zDesc = r->rec.az[OR_DESC];
  long long year = rec_int(&r->rec, OR_YEAR, 0), nMin = rec_int(&r->rec, OR_MIN, 0);
  RuleSet rs;
  ruleset_load((int)year, &rs);
  const Rule *base = 0;
  for (int i = 0; i < rs.n && !base; i++)
    if (strcmp(rs.a[i].zCode, zCode) == 0 && !rs.a[i].zOrgKind[0] && !rs.a[i].zDomain[0]) base = &rs.a[i];
  if (!base) {
    ruleset_free(&rs);
    api_error(r, 404, "not_found", "code", "没有这条规则：%s", zCode);
    return;
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
                 "IttttIttt", year, zCode, base->zTarget, base->zKind, base->zPeriod, nMin, zKind ? zKind : "",
                 zDomain ? zDomain : "", zDesc ? zDesc : base->zDesc);
  ruleset_free(&rs);
  json_t *pAfter = rules_json((int)year);
  if (!api_audit_commit_key(r, rc, "update", "obligation_rule", zCode, 0, pBefore, pAfter)) api_json(r, 200, pAfter);
  json_decref(pBefore);
}

/* ---- CLI: qiangji report obligations ------------------------------------------ */

static const RptCol aFindingCol[] = {
  {"类型", 0, RPT_TEXT, 0},     {"规则", 0, RPT_TEXT, 0},     {"规则说明", 0, RPT_TEXT, 0}, {"组织编码", 0, RPT_TEXT, 0},
  {"组织名称", 0, RPT_TEXT, 0}, {"党员编号", 0, RPT_INT, 0},  {"党员姓名", 0, RPT_TEXT, 0}, {"期间", 0, RPT_TEXT, 0},
  {"应", 0, RPT_INT, 0},        {"实", 0, RPT_INT, 0},        {"依据", 0, RPT_TEXT, 0},
};

/* The findings as rows (JSON: the API's objects, after the summary). */
static int obligations_report(ReportCtx *p) {
  char zFrom[11], zTo[11];
  snprintf(zFrom, sizeof zFrom, "%04d-01-01", p->year);
  snprintf(zTo, sizeof zTo, "%04d-12-31", p->year);
  double t0 = util_now();
  Oblig o;
  if (oblig_run(&o, p->scope.zPath, zFrom, zTo)) {
    oblig_free(&o);
    util_die_msg("computing the obligations failed");
    return 1;
  }
  double tRun = util_now() - t0;
  json_t *pSum = summary_json(&o, &p->scope);
  rpt_json_envelope(p->pOut, pSum, "findings");
  json_decref(pSum);
  int bJson = strcmp(p->zFormat, "json") == 0;
  int rc = rpt_table(p->pOut, "组织生活检查", 0, aFindingCol, (int)ARRAY_LEN(aFindingCol));
  for (long long i = 0; i < o.nF && !rc; i++) {
    const Finding *pf = &o.aF[i];
    const OrgAcc *po = &o.aOrg[pf->orgIdx];
    char zId[24], zDue[16], zHeld[16];
    snprintf(zId, sizeof zId, "%lld", pf->memberId);
    snprintf(zDue, sizeof zDue, "%d", pf->due);
    snprintf(zHeld, sizeof zHeld, "%d", pf->held);
    const char *az[11] = {type_name(pf->zType), pf->pRule->zCode, pf->pRule->zDesc, po->zCode, po->zName,
                          pf->memberId ? zId : 0, member_name(&o, pf->memberId), pf->zPeriod, zDue, zHeld,
                          pf->zEvidence};
    json_t *j = bJson ? finding_json(&o, pf) : 0;   /* only JSON writes it */
    rc = rpt_row_text(p->pOut, az, j);
    json_decref(j);
  }
  p->zSummary = xprintf("obligations %s %d: %lld organizations, %lld members; due %lld, held %lld; missing %lld, late %lld,"
                        " quorum %lld, no lecture %lld, six months %lld (%.3f s)",
                        p->scope.zCode, p->year, o.nOrg, o.nMember, o.nDue, o.nHeld, o.nMissing, o.nLate, o.nQuorum,
                        o.nNoLecture, o.nSixMonths, tRun);
  oblig_free(&o);
  return rc ? 1 : 0;
}

static const Report aReport[] = {
  {"obligations", obligations_report, REPORT_ORG | REPORT_YEARREQ, "csv", RPT_COMPACT | RPT_NOFREEZE, 0,
   "Organizational-life obligations of a subtree for a year: meetings due and held, missing or late, quorum failures, "
   "members with no lecture and members six months without organizational life; each finding with rule and evidence."},
};

static const char *const azTypeQ[] = {"missing", "late", "quorum", "no_lecture", "six_months", 0};
static const char *const azTypeName[] = {"未召开", "补开", "未过半数", "未参加党课", "连续六个月未参加", 0};
static const Enum aEnum[] = {
  {"finding_type", azTypeQ, azTypeName},
};
static const QParam aObligQ[] = {
  {"from", Q_TEXT, 0, 20, 0}, {"to", Q_TEXT, 0, 20, 0}, {"year", Q_INT, 1921, 2200, 0},
  {"type", Q_ENUM, 0, 0, azTypeQ}, {"limit", Q_INT, 1, 10000, 0}, {"offset", Q_INT, 0, 100000000, 0},
  {0, 0, 0, 0, 0},
};
static const QParam aYearQ[] = {{"year", Q_INT, 1921, 2200, 0}, {0, 0, 0, 0, 0}};

static const Route aRouteTable[] = {
  {"GET", "/api/v1/orgs/{code}/obligations", obligations_get, R_STAFF | R_ORG, aObligQ,
   "what the subtree owed in organizational life in a period, and the findings", 0, 0, 0},
  {"GET", "/api/v1/obligations/rules", rules_get, R_STAFF, aYearQ, "the obligation rules in force in a year", 0, 0, 0},
  {"POST", "/api/v1/obligations/rules", rules_post, R_ADMIN | R_WRITE | R_JSONBODY, 0,
   "set an obligation rule for a year, a kind of organization or a domain", aORuleField, OR_NFIELD, 0},
};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"obligation_rule", "组织生活规则", 0},
};

const Module obligations_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "obligations",
  .aEnum = MODULE_ARRAY(aEnum),
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aReport = MODULE_ARRAY(aReport),
  .azMigration = MODULE_ARRAY(azMigration),
  .xStart = obligations_start,
};
