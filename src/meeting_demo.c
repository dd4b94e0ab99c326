/* meeting_demo.c: the demo's organizational life up to the reference day
 * (DemoOpts.zToday): for every branch meetings of every kind with attendance
 * (at county and city scale from January of last year, at province scale
 * the last twelve months; in the reference month only those held a week or
 * more before it), committees for branches of 7 or more full members (a
 * secretary only for smaller ones), party
 * groups for branches of 30 or more, and branches and members that fall
 * short: about one branch in twelve is lax (skips months, a quarter's
 * lecture, its life meeting, lets a committee meeting go without a quorum
 * and has members who stop coming), one in a hundred goes dormant in the
 * last months, a few members of other branches stop coming too, and now and
 * then a committee meeting is not quorate. So most branches are green on
 * any reference day, and a few fall short.
 *
 * It streams: members are read branch by branch from one pass over the
 * member table (imported branch by branch, so each branch's rows are
 * together), each branch's records are written and its summaries computed in
 * memory, and the work is committed every few thousand branches. Everything
 * random comes from a xoshiro-style generator seeded from the demo seed and
 * the branch id, so the data do not depend on the order of work. */
#include "demo.h"
#include "db.h"
#include "meeting.h"
#include "util.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Rng { uint64_t s; } Rng;
static uint64_t rng_next(Rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
/* The first state of a branch's stream: seeds of neighbouring branches
 * (ids one apart) must not give the same stream shifted by one draw, as a
 * plain seed + id * increment would, or one rare event hits many branches. */
static uint64_t rng_start(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
static int below(Rng *r, int n) { return n <= 0 ? 0 : (int)(rng_next(r) % (uint64_t)n); }
static int chance(Rng *r, int nPerMille) { return below(r, 1000) < nPerMille; }

typedef struct Mem {
  long long id;
  int bFull, bMobile, bGone;  /* gone: stopped coming */
  char zJoined[11];
  long long life[2][2], leave[2][2], lect[2][2];   /* [year][half] packed counts */
  int group;                  /* 0 none, else 1..n */
  int bCommittee;
} Mem;

typedef struct Branch {
  long long orgId;
  Mem *a;
  int n, nAlloc;
} Branch;

static const char *const azReason[] = {"外出务工", "生病住院", "公务出差", "照顾家人", "参加培训"};
static const char *const azTopic[] = {"学习贯彻党的二十届三中全会精神", "研究发展党员工作", "部署主题党日活动",
                                      "讨论村级重点工作", "学习《中国共产党纪律处分条例》", "研究党费收缴情况",
                                      "开展政治理论学习", "研究困难党员帮扶"};

typedef struct Ctx {
  const DemoOpts *pOpts;
  long long nMeeting, nAtt, nBranch;
  char zNow[32];
  int refY, refM, refD;          /* the reference day */
  int mFirst, mLast, y0;         /* months (year*12 + month-1) of meetings; the year of the first */
  char zSince[24];               /* committee members joined before this day (two years before the reference year) */
} Ctx;

/* Writes one meeting with attendance of the listed members; updates the
 * members' in-memory summaries and the org's. Returns 0 or -1. */
static int one_meeting(Ctx *c, Branch *b, Rng *r, int kind, long long groupId, int grp, int y, int m, int d,
                       int bLaxQuorum, long long aOrg[2][LIFE_NKIND][2], long long aEarly[2][LIFE_NKIND],
                       long long aNonq[2], int yi) {
  char zHeld[24], zTitle[128], zAt[48];
  /* Not yet: in the reference month only what was held a week or more
   * before it, unless that day ends the month (every meeting day is before
   * the 28th). */
  if (y == c->refY && m == c->refM && d > c->refD - 7 && c->refD < 28) return 0;
  snprintf(zHeld, sizeof zHeld, "%04d-%02d-%02d", y, m, d);
  snprintf(zTitle, sizeof zTitle, "%d年%d月%s", y, m, life_azKindName[kind]);
  snprintf(zAt, sizeof zAt, "%sT10:00:00Z", zHeld);
  const char *zKind = life_azKind[kind];
  long long host = 0, rec = 0;
  for (int i = 0; i < b->n; i++)
    if (b->a[i].bCommittee) {
      if (!host) host = b->a[i].id;
      else if (!rec) rec = b->a[i].id;
    }
  if (!host && b->n) host = b->a[0].id;
  if (!rec && b->n > 1) rec = b->a[1].id;
  const char *zTopic = azTopic[below(r, (int)ARRAY_LEN(azTopic))];
  if (db_exec("INSERT INTO meeting(org_id, kind, group_id, title, held_on, start_time, end_time, place, mode, host_id,"
              " recorder_id, topics, minutes, created_at, updated_at) VALUES(?,?,nullif(?,0),?,?,'09:00','11:00',"
              "'党员活动室',?,nullif(?,0),nullif(?,0),?,?,?,?)",
              "ItItttIItttt", b->orgId, zKind, groupId, zTitle, zHeld, chance(r, 80) ? "mixed" : "onsite", host, rec,
              zTopic, "会议按议程进行，与会党员充分讨论，形成一致意见。", zAt, zAt))
    return -1;
  long long mid = db_last_rowid();
  c->nMeeting++;
  int nExp = 0, nCame = 0, bTalk = kind == 7;
  int iTalk = bTalk && b->n ? below(r, b->n) : -1;
  int bBadQuorum = kind == 1 && bLaxQuorum;
  for (int i = 0; i < b->n; i++) {
    Mem *p = &b->a[i];
    if (strcmp(p->zJoined, zHeld) > 0) continue;
    int bExp = kind == 1 ? p->bCommittee : kind == 2 ? p->group == grp : bTalk ? 0 : 1;
    int bTake = bExp || (bTalk && (i == iTalk || p->id == host));
    if (!bTake) continue;
    const char *zState;
    const char *zReason = 0;
    int v = below(r, 1000);
    if (kind == 1 && v < 80 && v % 3) v += 110;   /* committee members seldom miss their meeting */
    if (p->bGone && !(bTalk)) zState = "absent";
    else if (bBadQuorum && nCame * 2 >= nExp - 1 && i > 0) zState = "absent";
    else if (v < 30) zState = "absent";
    else if (v < 80) {
      zState = "leave";
      zReason = azReason[below(r, (int)ARRAY_LEN(azReason))];
    } else if (p->bMobile || v < 110) zState = "online";
    else zState = "present";
    if (db_exec("INSERT INTO attendance(meeting_id, member_id, state, reason) VALUES(?,?,?,?)", "IItt", mid, p->id,
                zState, zReason))
      return -1;
    c->nAtt++;
    int bLife = zState[0] == 'p' || zState[0] == 'o', bLeave = zState[0] == 'l';
    int h = m <= 6 ? 0 : 1;
    long long d1 = 1LL << LIFE_SHIFT(m);
    if (bLife) p->life[yi][h] += d1;
    if (bLeave) p->leave[yi][h] += d1;
    if (bLife && kind == 3) p->lect[yi][h] += d1;
    if (bExp) {
      nExp++;
      nCame += bLife;
    }
  }
  int q = nCame * 2 > nExp;
  if (db_exec("UPDATE meeting SET n_expected=?, n_expected_present=?, quorate=CASE WHEN ? THEN ? END WHERE id=?", "iiiiI",
              nExp, nCame, kind == 1, q, mid))
    return -1;
  if (!grp) {
    aOrg[yi][kind][m <= 6 ? 0 : 1] += 1LL << LIFE_SHIFT(m);
    if (d <= LIFE_GRACE_DAYS) aEarly[yi][kind] |= 1LL << (m - 1);
    if (kind == 1 && !q) aNonq[yi] |= 1LL << (m - 1);
  }
  return 0;
}

/* A year (or half) of one branch's life. */
static int branch_life(Ctx *c, Branch *b) {
  Rng r = {rng_start(c->pOpts->seed * 0x2545F4914F6CDD1DULL + (uint64_t)b->orgId * 0x9E3779B97F4A7C15ULL)};
  int bLax = chance(&r, 85), bDormant = chance(&r, 10);
  int nFull = 0;
  for (int i = 0; i < b->n; i++) {
    b->a[i].bGone = chance(&r, bLax ? 30 : 2);
    nFull += b->a[i].bFull;
  }
  /* Committee: 7 or more full members elect 3 to 5. */
  static const char *const azPost[] = {"书记", "组织委员", "宣传委员", "纪检委员", "委员"};
  if (nFull >= 7) {
    int nC = 3 + (nFull >= 15) + (nFull >= 30), k = 0;
    for (int i = 0; i < b->n && k < nC; i++)
      if (b->a[i].bFull && strcmp(b->a[i].zJoined, c->zSince) < 0) {
        b->a[i].bCommittee = 1;
        b->a[i].bGone = 0;
        if (db_exec("INSERT INTO committee_member(org_id, member_id, post) VALUES(?,?,?)", "IIt", b->orgId, b->a[i].id,
                    azPost[k++]))
          return -1;
      }
  } else if (b->n) {
    /* Fewer have a secretary only: the longest-standing full member, else the first. */
    int iSec = -1;
    for (int i = 0; i < b->n; i++)
      if (b->a[i].bFull && (iSec < 0 || strcmp(b->a[i].zJoined, b->a[iSec].zJoined) < 0)) iSec = i;
    if (iSec < 0) iSec = 0;
    b->a[iSec].bCommittee = 1;
    b->a[iSec].bGone = 0;
    if (db_exec("INSERT INTO committee_member(org_id, member_id, post) VALUES(?,?,'书记')", "II", b->orgId, b->a[iSec].id))
      return -1;
  }
  /* Groups: 30 or more members form 2 to 4 groups. */
  int nGroup = b->n >= 30 ? 2 + (b->n >= 60) + (b->n >= 90) : 0;
  long long aGroupId[5] = {0};
  long long aG[5][2][2], aGE[5][2];
  memset(aG, 0, sizeof aG);
  memset(aGE, 0, sizeof aGE);
  static const char *const azGroup[] = {"第一党小组", "第二党小组", "第三党小组", "第四党小组"};
  char zGroupAt[40];
  snprintf(zGroupAt, sizeof zGroupAt, "%sT00:00:00Z", c->zSince);
  for (int g = 0; g < nGroup; g++) {
    if (db_exec("INSERT INTO party_group(org_id, name, leader_id, created_at) VALUES(?,?,?,?)", "ItIt", b->orgId,
                azGroup[g], b->a[g].id, zGroupAt))
      return -1;
    aGroupId[g + 1] = db_last_rowid();
  }
  for (int i = 0; nGroup && i < b->n; i++) {
    b->a[i].group = 1 + i % nGroup;
    if (db_exec("INSERT INTO party_group_member(member_id, group_id) VALUES(?,?)", "II", b->a[i].id,
                aGroupId[b->a[i].group]))
      return -1;
  }
  long long aOrg[2][LIFE_NKIND][2], aEarly[2][LIFE_NKIND], aNonq[2] = {0, 0};
  memset(aOrg, 0, sizeof aOrg);
  memset(aEarly, 0, sizeof aEarly);
  int bCommittee = nFull >= 7;
  for (int mi = c->mFirst; mi <= c->mLast; mi++) {
    int y = mi / 12, m = mi % 12 + 1, yi = y - c->y0;
    if (bDormant && mi >= c->mLast - 4) break;   /* dormant for the last months */
    int bSkip = bLax && chance(&r, 250);
    /* theme day on a day 5..25; committee early in the month */
    if (!bSkip && one_meeting(c, b, &r, 4, 0, 0, y, m, 5 + below(&r, 20), 0, aOrg, aEarly, aNonq, yi)) return -1;
    if (bCommittee && !(bLax && chance(&r, 200)) &&
        one_meeting(c, b, &r, 1, 0, 0, y, m, 1 + below(&r, 27), chance(&r, bLax ? 60 : 5), aOrg, aEarly, aNonq, yi))
      return -1;
    for (int g = 1; g <= nGroup; g++) {
      if (bLax && chance(&r, 250)) continue;
      int d = 1 + below(&r, 27);
      if (one_meeting(c, b, &r, 2, aGroupId[g], g, y, m, d, 0, aOrg, aEarly, aNonq, yi)) return -1;
      aG[g][yi][m <= 6 ? 0 : 1] += 1LL << LIFE_SHIFT(m);
      if (d <= LIFE_GRACE_DAYS) aGE[g][yi] |= 1LL << (m - 1);
    }
    if (m % 3 == 0) {
      if (!(bLax && chance(&r, 300)) && one_meeting(c, b, &r, 0, 0, 0, y, m, 10 + below(&r, 15), 0, aOrg, aEarly, aNonq, yi))
        return -1;
      if (!(bLax && m == 9) && one_meeting(c, b, &r, 3, 0, 0, y, m, 3 + below(&r, 24), 0, aOrg, aEarly, aNonq, yi))
        return -1;
    }
    if (m == 12 || (m == 6 && y == c->refY)) {
      if (!bLax && one_meeting(c, b, &r, 5, 0, 0, y, m, 15 + below(&r, 10), 0, aOrg, aEarly, aNonq, yi)) return -1;
      if (one_meeting(c, b, &r, 6, 0, 0, y, m, 20 + below(&r, 8), 0, aOrg, aEarly, aNonq, yi)) return -1;
    }
    if (b->n && m % 4 == 1 && one_meeting(c, b, &r, 7, 0, 0, y, m, 8 + below(&r, 18), 0, aOrg, aEarly, aNonq, yi))
      return -1;
  }
  /* The summaries, from what was just written. */
  int nYear = c->mLast / 12 - c->y0 + 1;
  for (int yi = 0; yi < nYear; yi++) {
    for (int k = 0; k < LIFE_NKIND; k++) {
      if (k == 2 || (!aOrg[yi][k][0] && !aOrg[yi][k][1])) continue;
      if (db_exec("INSERT INTO life_org_year(year, org_id, kind, group_id, cnt_a, cnt_b, early, nonquorate)"
                  " VALUES(?,?,?,0,?,?,?,?)", "iItIIII", c->y0 + yi, b->orgId, life_azKind[k], aOrg[yi][k][0],
                  aOrg[yi][k][1], aEarly[yi][k], k == 1 ? aNonq[yi] : 0))
        return -1;
    }
    for (int g = 1; g <= nGroup; g++) {
      if (!aG[g][yi][0] && !aG[g][yi][1]) continue;
      if (db_exec("INSERT INTO life_org_year(year, org_id, kind, group_id, cnt_a, cnt_b, early, nonquorate)"
                  " VALUES(?,?,'group',?,?,?,?,0)", "iIIIII", c->y0 + yi, b->orgId, aGroupId[g], aG[g][yi][0],
                  aG[g][yi][1], aGE[g][yi]))
        return -1;
    }
    for (int i = 0; i < b->n; i++) {
      Mem *p = &b->a[i];
      if (!p->life[yi][0] && !p->life[yi][1] && !p->leave[yi][0] && !p->leave[yi][1]) continue;
      if (db_exec("INSERT INTO life_member_year(year, member_id, life_a, life_b, leave_a, leave_b, lect_a, lect_b)"
                  " VALUES(?,?,?,?,?,?,?,?)", "iIIIIIII", c->y0 + yi, p->id, p->life[yi][0], p->life[yi][1],
                  p->leave[yi][0], p->leave[yi][1], p->lect[yi][0], p->lect[yi][1]))
        return -1;
      long long mask = 0;
      for (int m = 1; m <= 12; m++) {
        if (life_month_count(p->life[yi][0], p->life[yi][1], m) || life_month_count(p->leave[yi][0], p->leave[yi][1], m))
          mask |= 1LL << (m - 1);
        if (life_month_count(p->lect[yi][0], p->lect[yi][1], m)) mask |= 1LL << (m + 11);
      }
      if (db_exec("INSERT INTO life_member_mask(year, member_id, mask) VALUES(?,?,?)", "iII", c->y0 + yi, p->id, mask))
        return -1;
    }
  }
  c->nBranch++;
  return 0;
}

/* The demo hook (demo.h). */
int life_demo(const DemoOpts *pOpts, const DemoResult *pRes) {
  (void)pRes;
  Ctx c = {pOpts, 0, 0, 0, "", atoi(pOpts->zToday), atoi(pOpts->zToday + 5), atoi(pOpts->zToday + 8), 0, 0, 0, ""};
  c.mLast = c.refY * 12 + c.refM - 1;
  c.mFirst = strcmp(pOpts->zScale, "province") == 0 ? c.mLast - 11 : (c.refY - 1) * 12;
  c.y0 = c.mFirst / 12;
  snprintf(c.zSince, sizeof c.zSince, "%04d-01-01", c.refY - 2);
  double t0 = util_now();
  db_tune(DB_TUNE_DEMO);
  long long nTotal = db_int(0, "SELECT count(*) FROM org WHERE kind IN ('党支部','联合党支部','临时党支部','项目党支部')", "");
  util_progress("演示：组织生活（支部）", 0, nTotal);
  /* Members branch by branch, a slice of branch ids at a time: each slice
   * is read whole (its statement finished) before anything is written, so
   * no read stays open across the commits and the WAL can be checkpointed. */
  long long *aOrg = 0, nOrg = 0, nOrgAlloc = 0;
  DbStmt *s = db_stmt("SELECT id FROM org WHERE kind IN ('党支部','联合党支部','临时党支部','项目党支部') ORDER BY id", "");
  while (s && db_step(s) == 1) {
    if (nOrg == nOrgAlloc) aOrg = xrealloc(aOrg, sizeof *aOrg * (size_t)(nOrgAlloc = nOrgAlloc ? 2 * nOrgAlloc : 4096));
    aOrg[nOrg++] = db_col_int(s, 0);
  }
  Branch *aB = 0;
  int nBAlloc = 0, rc = s ? 0 : -1;
  const int nSlice = 2000;
  for (long long i0 = 0; !rc && i0 < nOrg; i0 += nSlice) {
    long long i1 = i0 + nSlice < nOrg ? i0 + nSlice : nOrg;
    int nB = 0;
    s = db_stmt("SELECT m.org_id, m.id, m.category, m.mobile, m.joined_on FROM member m"
                " WHERE m.org_id >= ? AND m.org_id <= ? AND m.status='active' ORDER BY m.org_id, m.id", "II", aOrg[i0],
                aOrg[i1 - 1]);
    int st;
    while ((st = db_step(s)) == 1) {
      long long orgId = db_col_int(s, 0);
      if (!nB || aB[nB - 1].orgId != orgId) {
        if (nB == nBAlloc) {
          aB = xrealloc(aB, sizeof *aB * (size_t)(nBAlloc = nBAlloc ? 2 * nBAlloc : nSlice));
          memset(aB + nB, 0, sizeof *aB * (size_t)(nBAlloc - nB));
        }
        aB[nB].orgId = orgId;
        aB[nB++].n = 0;
      }
      Branch *b = &aB[nB - 1];
      if (b->n == b->nAlloc) b->a = xrealloc(b->a, sizeof *b->a * (size_t)(b->nAlloc = b->nAlloc ? 2 * b->nAlloc : 64));
      Mem *p = &b->a[b->n++];
      memset(p, 0, sizeof *p);
      p->id = db_col_int(s, 1);
      p->bFull = strcmp(db_col_text(s, 2), "正式党员") == 0;
      p->bMobile = db_col_int(s, 3) != 0;
      snprintf(p->zJoined, sizeof p->zJoined, "%s", db_col_text(s, 4));
    }
    if (st < 0) rc = -1;
    if (!rc) rc = db_begin();
    for (int i = 0; !rc && i < nB; i++) {
      rc = branch_life(&c, &aB[i]);
      util_progress("演示：组织生活（支部）", c.nBranch, nTotal);
    }
    if (!rc) rc = db_commit();
  }
  for (int i = 0; i < nBAlloc; i++) free(aB[i].a);
  free(aB);
  free(aOrg);
  if (rc) {
    db_rollback();
    util_die_msg("demo organizational life failed");
    return -1;
  }
  db_tune(DB_TUNE_NORMAL);
  util_progress_done("演示：组织生活（支部）", c.nBranch);
  printf("组织生活：%lld 个党支部，%lld 次会议，%lld 条出席记录（用时 %.1f 秒）\n", c.nBranch, c.nMeeting, c.nAtt,
         util_now() - t0);
  return 0;
}
