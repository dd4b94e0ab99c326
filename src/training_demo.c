/* training_demo.c: the demo's training and campaigns, in the year before the
 * reference day (DemoOpts.zToday) and this year up to it. Every committee
 * (an organization with branches or committees under it) holds a winter
 * training (冬训) in January, a themed course in May and one in November of
 * last year; the county, city or province root holds this year's winter
 * training too once it has ended; each course has attendees drawn from its
 * subtree (about one member in seven of the first branches met, at most 40).
 * The root launches one campaign, 深入贯彻中央八项规定精神学习教育 (March to
 * July of last year), for its whole tree; the branches' lectures and theme
 * days of those months, and the committees' May courses, belong to it.
 *
 * Runs after the organizational-life hook (the meetings are there). Choices
 * come from the demo seed and the organization id, so the data do not
 * depend on the order of work. Committed every few thousand courses. */
#include "demo.h"
#include "db.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTENDEES_MAX 40
#define COMMIT_EVERY 2000

typedef struct CourseKind {
  const char *zTitle, *zCategory, *zFrom, *zTo;   /* zTitle may hold %d (the year); dates are MM-DD */
  int hoursTenths;
  int bCampaign;
} CourseKind;

static const CourseKind aKind[] = {
  {"%d年度党员冬训", "冬训春训", "01-06", "01-24", 160, 0},
  {"深入贯彻中央八项规定精神专题培训", "专题培训", "05-12", "05-14", 120, 1},
  {"学习贯彻党的二十届四中全会精神专题培训", "专题培训", "11-10", "11-12", 80, 0},
};
static const CourseKind winterThisYear = {"%d年度党员冬训", "冬训春训", "01-05", "01-23", 160, 0};

static unsigned long long mix(unsigned long long x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/* One course of kind k in year y of organization orgId (subtree path zPath) with its attendees. */
static int one_course(long long orgId, const char *zPath, const CourseKind *k, int y, long long campaignId,
                      unsigned long long seed, const char *zNow, long long *pnAtt) {
  char zTitle[160], zFrom[24], zTo[24];
  snprintf(zTitle, sizeof zTitle, k->zTitle, y);
  snprintf(zFrom, sizeof zFrom, "%04d-%s", y, k->zFrom);
  snprintf(zTo, sizeof zTo, "%04d-%s", y, k->zTo);
  if (db_exec("INSERT INTO course(org_id, title, category, started_on, ended_on, hours_tenths, place, campaign_id,"
              " created_at) VALUES(?,?,?,?,?,?,'党员活动室',nullif(?,0),?)",
              "IttttIIt", orgId, zTitle, k->zCategory, zFrom, zTo, (long long)k->hoursTenths,
              k->bCampaign ? campaignId : 0, zNow))
    return -1;
  long long courseId = db_last_rowid();
  char zHi[256];
  snprintf(zHi, sizeof zHi, "%.*s0", (int)strlen(zPath) - 1, zPath);
  /* Members of the subtree who joined before the course, one in seven by a
   * hash of the seed: a plausible class, read from the first branches met. */
  if (db_exec("INSERT INTO course_attendee(course_id, member_id, hours_tenths)"
              " SELECT ?1, m.id, ?2 FROM org o JOIN member m ON m.org_id=o.id"
              " WHERE o.path >= ?3 AND o.path < ?4 AND m.status='active' AND m.joined_on < ?5"
              " AND (m.id * 7919 + ?6) % 7 = 0 LIMIT ?7",
              "IItttIi", courseId, (long long)k->hoursTenths, zPath, zHi, zFrom,
              (long long)(seed % 7), ATTENDEES_MAX))
    return -1;
  *pnAtt += db_changes();
  return 0;
}

int training_demo(const DemoOpts *pOpts, const DemoResult *pRes) {
  double t0 = util_now();
  char zNow[32];
  util_timestamp(zNow);
  long long rootId = db_int(0, "SELECT id FROM org WHERE code=?", "t", pRes->zRoot);
  int y = atoi(pOpts->zToday) - 1;   /* last year */
  char zCode[24], zCampFrom[24], zCampTo[24], zWinterEnd[24];
  snprintf(zCode, sizeof zCode, "BXGD%04d", y);
  snprintf(zCampFrom, sizeof zCampFrom, "%04d-03-01", y);
  snprintf(zCampTo, sizeof zCampTo, "%04d-07-31", y);
  snprintf(zWinterEnd, sizeof zWinterEnd, "%04d-%s", y + 1, winterThisYear.zTo);
  if (db_begin()) return -1;
  int rc = db_exec("INSERT INTO campaign(code, name, org_id, started_on, ended_on, created_at)"
                   " VALUES(?, '深入贯彻中央八项规定精神学习教育', ?, ?, ?, ?)",
                   "tIttt", zCode, rootId, zCampFrom, zCampTo, zNow);
  long long campaignId = db_last_rowid();
  if (!rc) rc = db_exec("INSERT INTO campaign_org(campaign_id, org_id) VALUES(?, ?)", "II", campaignId, rootId);
  /* The branches' lectures and theme days of the campaign's months. */
  if (!rc)
    rc = db_exec("UPDATE meeting SET campaign_id=? WHERE kind IN ('lecture','theme_day') AND held_on >= ?"
                 " AND held_on <= ?", "Itt", campaignId, zCampFrom, zCampTo);
  long long nTagged = rc ? 0 : db_changes();
  if (!rc) rc = db_commit();
  /* The committees: organizations with children, read whole before writing. */
  long long *aId = 0, nId = 0, nAlloc = 0;
  char **azPath = 0;
  DbStmt *s = db_stmt("SELECT o.id, o.path FROM org o WHERE EXISTS(SELECT 1 FROM org c WHERE c.parent_id=o.id)"
                      " ORDER BY o.id", "");
  while (!rc && s && db_step(s) == 1) {
    if (nId == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 1024;
      aId = xrealloc(aId, sizeof *aId * (size_t)nAlloc);
      azPath = xrealloc(azPath, sizeof *azPath * (size_t)nAlloc);
    }
    aId[nId] = db_col_int(s, 0);
    azPath[nId++] = xstrdup(db_col_text(s, 1));
  }
  if (!s) rc = -1;
  long long nCourse = 0, nAtt = 0;
  for (long long i = 0; !rc && i < nId; i++) {
    if (i % COMMIT_EVERY == 0 && (rc = db_begin()) != 0) break;
    unsigned long long h = mix(pOpts->seed * 1000003ULL + (unsigned long long)aId[i]);
    for (size_t k = 0; !rc && k < ARRAY_LEN(aKind); k++) {
      /* Nearly every committee holds the winter training; most the themed courses. */
      if ((h >> (8 * k)) % 10 >= (k == 0 ? 10u : 8u)) continue;
      rc = one_course(aId[i], azPath[i], &aKind[k], y, campaignId, h >> (8 * k), zNow, &nAtt);
      nCourse++;
    }
    if (!rc && aId[i] == rootId && strcmp(zWinterEnd, pOpts->zToday) < 0) {
      rc = one_course(aId[i], azPath[i], &winterThisYear, y + 1, campaignId, h, zNow, &nAtt);
      nCourse++;
    }
    if (!rc && (i % COMMIT_EVERY == COMMIT_EVERY - 1 || i == nId - 1)) rc = db_commit();
    util_progress("演示：培训（人）", i + 1, nId);
  }
  for (long long i = 0; i < nId; i++) free(azPath[i]);
  free(azPath);
  free(aId);
  if (rc) {
    db_rollback();
    util_die_msg("demo training failed");
    return -1;
  }
  util_progress_done("演示：培训（人）", nId);
  printf("培训：%lld 期，%lld 人次；学习教育 %s 含 %lld 次会议（用时 %.1f 秒）\n", nCourse, nAtt, zCode, nTagged,
         util_now() - t0);
  return 0;
}
