/* test_stats.c: the statistics index against plain SQL GROUP BY queries on a
 * random small tree, after thousands of random writes through the real
 * write paths (org_save, member_save, their transactions and events), moves,
 * deletes, status changes, rolled-back transactions, bulk changes, writes
 * the listeners never see (as another process's), and a change of day. */
#include "unit.h"
#include "api.h"
#include "audit.h"
#include "db.h"
#include "events.h"
#include "idcard.h"
#include "member.h"
#include "org.h"
#include "stats.h"
#include "text.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char zDb[256];
static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static int setup(void **state) {
  (void)state;
  return unit_db_fresh(zDb, sizeof zDb, "stats", 1);
}

static int teardown(void **state) {
  (void)state;
  stats_index_stop();
  return unit_db_gone(zDb);
}

/* ---- writing through the real paths ---------------------------------------- */

static const char *const azDomain[] = {"农村", "城市社区", "机关", "国有企业", "学校", "公立医院", "非公有制企业",
                                       "社会组织", "新就业群体", "其他"};
static const char *const azBranchKind[] = {"党支部", "联合党支部", "临时党支部", "项目党支部"};
static const char *const azForm[] = {"单独组建", "联合组建", "挂靠组建"};
static const char *const azEdu[] = {"研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下"};
static const char *const azEth[] = {"汉族", "回族", "满族", "壮族", "蒙古族"};
static const char *const azOcc[] = {"工人", "农牧渔民", "专业技术人员", "学生", "离退休人员", "村干部", "快递员"};

static int nOrgCode;

/* Creates an organization; returns its id or 0 when the rules refuse it. */
static long long add_org(const char *zParent, const char *zKind) {
  char zCode[32];
  snprintf(zCode, sizeof zCode, "T%03d", ++nOrgCode);
  Rec r;
  rec_init(&r, org_aField, ORG_NFIELD);
  rec_set(&r, ORG_CODE, xstrdup(zCode));
  rec_set(&r, ORG_NAME, xstrdup(zCode));
  if (zParent) rec_set(&r, ORG_PARENT, xstrdup(zParent));
  rec_set(&r, ORG_KIND, xstrdup(zKind));
  rec_set(&r, ORG_DOMAIN, xstrdup(azDomain[rnd(10)]));
  if (strcmp(zKind, "党支部") == 0 && rnd(2)) rec_set(&r, ORG_FORMATION, xstrdup(azForm[rnd(3)]));
  FieldErr fe;
  long long id = 0;
  if (org_validate(&r, 0, &fe) == 0) {
    assert_int_equal(db_begin(), 0);
    if (org_save(&r, 0, 0, "test", &fe, &id) == 0) assert_int_equal(db_commit(), 0);
    else db_rollback(), id = 0;
  }
  rec_free(&r);
  return id;
}

/* A random code of an organization of the given sort: 1 branch, 0 not, -1 any. */
static char *pick_org(int bBranch) {
  return db_text("SELECT code FROM org WHERE (?1 < 0 OR (kind IN ('党支部','联合党支部','临时党支部','项目党支部')) = ?1)"
                 " ORDER BY random() LIMIT 1", "i", bBranch);
}

/* Random member values into r (a new one when bNew: name, ID number). */
static void random_member(Rec *r, int bNew) {
  if (bNew) {
    char z17[18], zId[19];
    int y = 1935 + (int)rnd(70), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
    int bFemale = rnd(3) == 0;
    snprintf(z17, sizeof z17, "340104%04d%02d%02d%03d", y, m, d, (int)(rnd(499) * 2 + (bFemale ? 0 : 1)));
    snprintf(zId, sizeof zId, "%s%c", z17, idcard_check_char(z17));
    rec_set(r, M_IDNUM, xstrdup(zId));
    rec_set(r, M_NAME, xstrdup("测试党员"));
    rec_set(r, M_GENDER, 0);
    rec_set(r, M_BIRTH, 0);
  }
  char zBirth[11], zJoined[11], zFull[11];
  const char *zId = r->az[M_IDNUM];
  snprintf(zBirth, sizeof zBirth, "%.4s-%.2s-%.2s", zId + 6, zId + 10, zId + 12);
  /* Joined between 18 and ~50 years of age, but not after today. */
  text_date_add_months(zBirth, 12 * 18 + (int)rnd(12 * 32), zJoined);
  if (strcmp(zJoined, "2026-06-01") > 0) snprintf(zJoined, sizeof zJoined, "2026-06-01");
  rec_set(r, M_JOINED, xstrdup(zJoined));
  text_date_add_months(zJoined, 12 + (int)rnd(6), zFull);
  int bFull = strcmp(zFull, "2026-06-30") <= 0 && rnd(8) != 0;
  rec_set(r, M_CATEGORY, xstrdup(bFull ? "正式党员" : "预备党员"));
  rec_set(r, M_FULL, bFull ? xstrdup(zFull) : 0);
  rec_set(r, M_EDU, rnd(8) ? xstrdup(azEdu[rnd(6)]) : 0);
  rec_set(r, M_ETHNIC, rnd(8) ? xstrdup(azEth[rnd(5)]) : 0);
  rec_set(r, M_OCC, rnd(6) ? xstrdup(azOcc[rnd(7)]) : 0);
  rec_set(r, M_MOBILE, xstrdup(rnd(5) == 0 ? "1" : "0"));
  char *zOrg = pick_org(1);
  rec_set(r, M_ORG, zOrg);
}

/* Inserts (or, with id, updates) a member inside the caller's transaction. */
static int save_member(long long id) {
  Rec r, old;
  rec_init(&r, member_aField, M_NFIELD);
  rec_init(&old, member_aField, M_NFIELD);
  if (id) {
    if (member_load(id, &old)) {
      rec_free(&r);
      rec_free(&old);
      return -1;
    }
    for (int i = 0; i < M_NFIELD; i++) rec_set(&r, i, old.az[i] ? xstrdup(old.az[i]) : 0);
  }
  random_member(&r, id == 0);
  FieldErr fe;
  long long orgId, newId;
  int rc = member_validate(&r, &fe, &orgId);
  if (rc == 0) rc = member_save(&r, id ? &old : 0, id, orgId, "test", &fe, &newId);
  rec_free(&r);
  rec_free(&old);
  return rc;
}

static long long pick_member(void) { return db_int(0, "SELECT id FROM member ORDER BY random() LIMIT 1", ""); }

/* Moves a random organization under a random committee outside its subtree. */
static void move_org(void) {
  char *zCode = db_text("SELECT code FROM org WHERE parent_id IS NOT NULL ORDER BY random() LIMIT 1", "");
  char *zTo = pick_org(0);
  if (!zCode || !zTo) goto done;
  Rec old, r;
  rec_init(&old, org_aField, ORG_NFIELD);
  rec_init(&r, org_aField, ORG_NFIELD);
  long long id = org_load(zCode, &old);
  org_load(zCode, &r);
  rec_set(&r, ORG_PARENT, xstrdup(zTo));
  FieldErr fe;
  long long out;
  if (org_validate(&r, id, &fe) == 0) {
    assert_int_equal(db_begin(), 0);
    if (org_save(&r, &old, id, "test", &fe, &out) == 0) assert_int_equal(db_commit(), 0);
    else db_rollback();
  }
  rec_free(&old);
  rec_free(&r);
done:
  free(zCode);
  free(zTo);
}

/* Changes a random organization's domain, and a branch's kind or formation. */
static void change_org(void) {
  char *zCode = pick_org(-1);
  Rec old, r;
  rec_init(&old, org_aField, ORG_NFIELD);
  rec_init(&r, org_aField, ORG_NFIELD);
  long long id = org_load(zCode, &old);
  org_load(zCode, &r);
  rec_set(&r, ORG_DOMAIN, xstrdup(azDomain[rnd(10)]));
  if (org_is_branch(r.az[ORG_KIND])) {
    if (rnd(2)) rec_set(&r, ORG_KIND, xstrdup(azBranchKind[rnd(2)]));  /* 党支部 / 联合党支部: no end date needed */
    rec_set(&r, ORG_FORMATION, rnd(3) ? xstrdup(azForm[rnd(3)]) : 0);
  }
  FieldErr fe;
  long long out;
  if (org_validate(&r, id, &fe) == 0) {
    assert_int_equal(db_begin(), 0);
    if (org_save(&r, &old, id, "test", &fe, &out) == 0) assert_int_equal(db_commit(), 0);
    else db_rollback();
  }
  rec_free(&old);
  rec_free(&r);
  free(zCode);
}

/* ---- checking ------------------------------------------------------------------ */

static int nCompared;

/* Every organization: the index's counters equal SQL's. */
static void compare_all(const char *zWhen) {
  char zToday[11];
  util_today(zToday);
  DbStmt *s = db_stmt("SELECT id, path, code FROM org ORDER BY id", "");
  long long aId[512];
  char azPath[512][256], azCode[512][33];
  int n = 0;
  while (db_step(s) == 1 && n < 512) {
    aId[n] = db_col_int(s, 0);
    snprintf(azPath[n], 256, "%s", db_col_text(s, 1));
    snprintf(azCode[n], 33, "%s", db_col_text(s, 2));
    n++;
  }
  for (int i = 0; i < n; i++) {
    int32_t aIdx[STATS_NBUCKET], aSql[STATS_NBUCKET];
    uint64_t gen;
    assert_int_equal(stats_index_counts(aId[i], aIdx, &gen), 0);
    assert_int_equal(stats_sql_counts(azPath[i], zToday, aSql), 0);
    for (int b = 0; b < STATS_NBUCKET; b++)
      if (aIdx[b] != aSql[b]) fail_msg("%s: org %s bucket %d: index %d, SQL %d", zWhen, azCode[i], b, aIdx[b], aSql[b]);
    nCompared++;
  }
}

/* ---- the tests ---------------------------------------------------------------- */

static void test_labels(void **state) {
  (void)state;
  /* The labels are the enumerations of the fields, in the same order. */
  const struct {
    int iBd;
    const Field *pF;
  } a[] = {{STATS_BD_KIND, &org_aField[ORG_KIND]},   {STATS_BD_DOMAIN, &org_aField[ORG_DOMAIN]},
           {STATS_BD_FORM, &org_aField[ORG_FORMATION]}, {STATS_BD_CAT, &member_aField[M_CATEGORY]},
           {STATS_BD_SEX, &member_aField[M_GENDER]}, {STATS_BD_EDU, &member_aField[M_EDU]},
           {STATS_BD_ETH, &member_aField[M_ETHNIC]}};
  for (size_t k = 0; k < ARRAY_LEN(a); k++) {
    const StatsBreakdown *p = &stats_aBreakdown[a[k].iBd];
    int n = 0;
    for (; a[k].pF->azEnum[n]; n++) assert_string_equal(p->azLabel[n], a[k].pF->azEnum[n]);
    assert_int_equal(n + (p->iFallback == n ? 1 : 0), p->n);
  }
  /* Buckets tile the counters without gaps. */
  int iNext = STATS_B_KIND;
  for (int b = 0; b < stats_nBreakdown; b++) {
    if (b == STATS_BD_CAT) iNext++;   /* the members' total */
    assert_int_equal(stats_aBreakdown[b].iFirst, iNext);
    iNext += stats_aBreakdown[b].n;
  }
  assert_int_equal(iNext, STATS_B_FIG);
  /* The figures of other modules fit in the room left for them. */
  assert_true(stats_figure_first(stats_nfigure()) <= STATS_NBUCKET);
  /* Bands at their edges. */
  assert_int_equal(stats_age_band(30), 0);
  assert_int_equal(stats_age_band(31), 1);
  assert_int_equal(stats_age_band(70), 7);
  assert_int_equal(stats_age_band(71), 8);
  assert_int_equal(stats_standing_band(-1), 7);
  assert_int_equal(stats_standing_band(0), 0);
  assert_int_equal(stats_standing_band(5), 0);
  assert_int_equal(stats_standing_band(6), 1);
  assert_int_equal(stats_standing_band(51), 6);
  assert_int_equal(stats_occupation(0), 9);
  assert_int_equal(stats_occupation("学生"), 5);
  assert_int_equal(stats_occupation("村干部"), 8);
  assert_int_equal(stats_label(STATS_BD_EDU, "未填"), 6);   /* 未填 is ours, a value never matches it */
  assert_int_equal(stats_label(STATS_BD_EDU, 0), 6);
  assert_int_equal(stats_label(STATS_BD_KIND, "不存在"), -1);
}

/* A write of another module, audited with its organization as the module
 * does: a meeting held this year or last, a branch's secretary (perhaps not
 * of that branch), a course with attendees this year or last. With bOther
 * its commit reaches no listener (another process): the next request finds
 * it in the audit log. */
static void figure_write(int bOther) {
  static const char *const azKind[] = {"assembly", "committee", "group", "lecture", "theme_day", "life_meeting",
                                       "appraisal", "talk", "study_group"};
  long long memberId = pick_member();
  if (!memberId) return;
  long long orgId = db_int(0, "SELECT org_id FROM member WHERE id=?", "I", memberId);
  if (rnd(5) == 0) orgId = db_int(0, "SELECT id FROM org ORDER BY random() LIMIT 1", "");
  char zOn[11];
  snprintf(zOn, sizeof zOn, "%d-%02u-%02u", rnd(4) ? 2026 : 2025, 1 + rnd(6), 1 + rnd(28));
  assert_int_equal(db_begin(), 0);
  switch (rnd(3)) {
    case 0:
      assert_int_equal(db_exec("INSERT INTO meeting(org_id, kind, title, held_on, created_at, updated_at)"
                               " VALUES(?, ?, 'm', ?, 'x', 'x')", "Itt", orgId, azKind[rnd(9)], zOn), 0);
      break;
    case 1:
      assert_int_equal(db_exec("DELETE FROM committee_member WHERE org_id=? AND post='书记'", "I", orgId), 0);
      assert_int_equal(db_exec("INSERT OR REPLACE INTO committee_member(org_id, member_id, post) VALUES(?, ?, ?)", "IIt",
                               orgId, memberId, rnd(4) ? "书记" : "委员"), 0);
      break;
    default:
      assert_int_equal(db_exec("INSERT INTO course(org_id, title, category, started_on, ended_on, hours_tenths,"
                               " created_at) VALUES(?, 'c', '党课', ?, ?, ?, 'x')", "IttI", orgId, zOn, zOn,
                               (long long)(5 + rnd(40))), 0);
      assert_int_equal(db_exec("INSERT INTO course_attendee(course_id, member_id, hours_tenths)"
                               " SELECT ?, id, 10 FROM member WHERE org_id=? LIMIT ?", "IIi", db_last_rowid(),
                               orgId, (int)rnd(6)), 0);
      break;
  }
  assert_int_equal(audit_append(bOther ? "cli:other" : "test", "create", "meeting", "x", orgId, 0, 0), 0);
  if (bOther) {
    events_rollback();   /* another process's commit: no listener here hears it */
    assert_int_equal(db_script("COMMIT"), 0);
    assert_int_equal(stats_index_sync(), 0);
  } else {
    assert_int_equal(db_commit(), 0);
  }
}

static void test_random_writes(void **state) {
  (void)state;
  /* A random tree: a root, committees and general branches, branches. */
  assert_true(add_org(0, "党委") > 0);
  for (int i = 0; i < 8; i++) {
    char *zP = pick_org(0);
    assert_true(add_org(zP, rnd(3) ? "党委" : "党总支") > 0);
    free(zP);
  }
  for (int i = 0; i < 20; i++) {
    char *zP = pick_org(0);
    add_org(zP, azBranchKind[rnd(2)]);
    free(zP);
  }
  assert_int_equal(db_begin(), 0);
  for (int i = 0; i < 150; i++) save_member(0);
  assert_int_equal(db_commit(), 0);
  for (int i = 0; i < 40; i++) figure_write(0);
  /* The index is built from what is there, and follows from now on. */
  assert_int_equal(stats_index_start(), 0);
  assert_true(stats_index_active());
  compare_all("after the build");
  int nOps = 0;
  for (int op = 0; op < 3000; op++) {
    unsigned k = rnd(100);
    if (k < 30) {                                 /* a new member */
      assert_int_equal(db_begin(), 0);
      if (save_member(0) == 0) assert_int_equal(db_commit(), 0);
      else db_rollback();
    } else if (k < 40) {                          /* another module's write: meetings, secretaries, courses */
      figure_write(k == 39);
    } else if (k < 52) {                          /* a changed member (perhaps to another branch) */
      long long id = pick_member();
      assert_int_equal(db_begin(), 0);
      if (id && save_member(id) == 0) assert_int_equal(db_commit(), 0);
      else db_rollback();
    } else if (k < 60) {                          /* a deleted member, as DELETE /members/{id} does */
      long long id = pick_member();
      assert_int_equal(db_begin(), 0);
      assert_int_equal(db_exec("DELETE FROM member WHERE id=?", "I", id), 0);
      events_note(EV_MEMBER, id);
      assert_int_equal(db_commit(), 0);
    } else if (k < 68) {                          /* off the roster and back, as the lifecycle module will */
      static const char *const azStatus[] = {"active", "suspended", "left", "deceased", "expelled"};
      long long id = pick_member();
      assert_int_equal(db_begin(), 0);
      assert_int_equal(db_exec("UPDATE member SET status=? WHERE id=?", "tI", azStatus[rnd(5)], id), 0);
      events_note(EV_MEMBER, id);
      assert_int_equal(db_commit(), 0);
    } else if (k < 74) {                          /* a new organization, under a committee */
      char *zP = pick_org(0);
      add_org(zP, rnd(3) ? azBranchKind[rnd(2)] : "党总支");
      free(zP);
    } else if (k < 80) {                          /* a move with the subtree */
      move_org();
    } else if (k < 86) {                          /* kind, domain, formation */
      change_org();
    } else if (k < 91) {                          /* several writes in one transaction */
      assert_int_equal(db_begin(), 0);
      for (int i = 0; i < 5; i++) save_member(i % 2 ? pick_member() : 0);
      assert_int_equal(db_commit(), 0);
    } else if (k < 96) {                          /* written, then rolled back: nothing happened */
      assert_int_equal(db_begin(), 0);
      save_member(0);
      save_member(pick_member());
      db_exec("DELETE FROM member WHERE id=?", "I", pick_member());
      db_rollback();
    } else if (k < 98) {                          /* a bulk change noted as EV_ALL: rebuilt */
      assert_int_equal(db_begin(), 0);
      assert_int_equal(db_exec("UPDATE member SET education='高中' WHERE id % 7 = ?", "i", (int)rnd(7)), 0);
      events_note(EV_ALL, 0);
      assert_int_equal(db_commit(), 0);
    } else {                                      /* a write the listeners never see (another process) */
      long long id = pick_member();
      char zKey[32];
      snprintf(zKey, sizeof zKey, "%lld", id);
      assert_int_equal(db_begin(), 0);
      assert_int_equal(db_exec("UPDATE member SET mobile = 1 - mobile, ethnicity='苗族' WHERE id=?", "I", id), 0);
      assert_int_equal(audit_append("cli:other", "update", "member", zKey, 0, 0, 0), 0);
      assert_int_equal(db_commit(), 0);
      assert_int_equal(stats_index_sync(), 0);   /* found in the audit log at request time */
    }
    nOps++;
    if (op % 150 == 149) {
      assert_int_equal(stats_index_sync(), 0);
      compare_all("after random writes");
    }
  }
  assert_int_equal(stats_index_sync(), 0);
  compare_all("at the end");
  long long nMember = db_int(0, "SELECT count(*) FROM member WHERE status='active'", "");
  long long nOrg = db_int(0, "SELECT count(*) FROM org", "");
  print_message("  %d random writes; %d comparisons of %d buckets; %lld organizations, %lld active members\n", nOps,
                nCompared, STATS_NBUCKET, nOrg, nMember);
  assert_true(nMember > 300);
  assert_true(nOrg > 40);
  /* The other modules' figures were exercised, not only zeros compared. */
  {
    int32_t a[STATS_NBUCKET];
    uint64_t gen;
    long long root = db_int(0, "SELECT id FROM org WHERE parent_id IS NULL", "");
    assert_int_equal(stats_index_counts(root, a, &gen), 0);
    int iMeet = -1, iSec = -1, iCourse = -1;
    for (int i = 0; i < stats_nfigure(); i++) {
      if (strcmp(stats_figure(i)->zModule, "meetings") == 0) iMeet = stats_figure_first(i);
      if (strcmp(stats_figure(i)->zModule, "secretaries") == 0) iSec = stats_figure_first(i);
      if (strcmp(stats_figure(i)->zModule, "training") == 0) iCourse = stats_figure_first(i);
    }
    assert_true(iMeet > 0 && iSec > 0 && iCourse > 0);
    assert_true(a[iMeet + 9] > 10);          /* meetings held this year */
    assert_true(a[iSec] > 3 && a[iSec + 1] > 30 * a[iSec]);   /* secretaries, their ages */
    assert_true(a[iCourse] > 3 && a[iCourse + 2] > 0);       /* courses, person-times */
    print_message("  figures at the root: %d meetings this year, %d secretaries, %d courses, %d person-times\n",
                  a[iMeet + 9], a[iSec], a[iCourse], a[iCourse + 2]);
  }

  /* Another process imports: its one 'import' entry makes the next request rebuild. */
  assert_int_equal(db_begin(), 0);
  assert_int_equal(db_exec("UPDATE member SET occupation='工人' WHERE id % 3 = 0", ""), 0);
  assert_int_equal(audit_append("cli:other", "import", "member", "members.csv", 0, 0, 0), 0);
  db_script("COMMIT");   /* a commit without this process's listeners */
  StatsIndexInfo info0, info1;
  stats_index_info(&info0);
  assert_int_equal(stats_index_sync(), 0);
  stats_index_info(&info1);
  assert_int_equal(info1.nBuild, info0.nBuild + 1);
  compare_all("after another process's import");

  /* A new day: ages and standing move on. */
  setenv("QIANGJI_TODAY", "2031-01-15", 1);
  assert_int_equal(stats_index_sync(), 0);
  compare_all("on a later day");
  setenv("QIANGJI_TODAY", "2026-06-30", 1);
  assert_int_equal(stats_index_sync(), 0);
  compare_all("back on the first day");
  print_message("  memory: %d bytes per member, %d per organization, %d more per organization with children\n",
                info1.nBytePerMember, info1.nBytePerOrg, info1.nBytePerInternal);
}

/* Writes while the index is not started (the CLI) change nothing and cost nothing. */
static void test_inactive(void **state) {
  (void)state;
  stats_index_stop();
  assert_false(stats_index_active());
  assert_int_equal(stats_index_sync(), -1);
  int32_t a[STATS_NBUCKET];
  uint64_t gen;
  assert_int_equal(stats_index_counts(1, a, &gen), -1);
  assert_int_equal(db_begin(), 0);
  assert_int_equal(save_member(0), 0);
  assert_int_equal(db_commit(), 0);
  assert_int_equal(stats_index_counts(1, a, &gen), -1);
  /* Started again: it agrees at once. */
  assert_int_equal(stats_index_start(), 0);
  compare_all("after a restart");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_labels),
    cmocka_unit_test(test_random_writes),
    cmocka_unit_test(test_inactive),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
