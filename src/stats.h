/* stats.h: statistics of any subtree (organizations and members broken down
 * by kind, domain, formation, category, sex, age band, education, ethnicity,
 * occupation, mobile and Party standing), answered from an in-memory index
 * (stats_index.c) by the server and by plain SQL GROUP BY queries (the
 * reference, used by the CLI and by the tests that check the index). */
#ifndef QJ_STATS_H
#define QJ_STATS_H
#include <jansson.h>
#include <stdint.h>
#include "events.h"
#include "report.h"

/* The counters of one subtree: one int32 per bucket. A breakdown is a run
 * of consecutive buckets; every breakdown of members sums to STATS_B_MEMBERS,
 * and kind, domain and formation each sum to STATS_B_ORGS. */
enum {
  STATS_B_ORGS = 0,                    /* organizations in the subtree, its root included */
  STATS_B_KIND = 1,                    /* 7 kinds of org.c */
  STATS_B_DOMAIN = STATS_B_KIND + 7,   /* 10 domains */
  STATS_B_FORM = STATS_B_DOMAIN + 10,  /* 3 formations + 未填 */
  STATS_B_MEMBERS = STATS_B_FORM + 4,  /* active members */
  STATS_B_CAT = STATS_B_MEMBERS + 1,   /* 正式党员, 预备党员 */
  STATS_B_SEX = STATS_B_CAT + 2,       /* 男, 女 */
  STATS_B_AGE = STATS_B_SEX + 2,       /* 9 age bands (as of today) */
  STATS_B_EDU = STATS_B_AGE + 9,       /* 6 levels + 未填 */
  STATS_B_ETH = STATS_B_EDU + 7,       /* 56 groups + 未填 */
  STATS_B_OCC = STATS_B_ETH + 57,      /* 8 categories + 其他填写 + 未填 */
  STATS_B_MOB = STATS_B_OCC + 10,      /* 流动党员, 非流动党员 */
  STATS_B_STAND = STATS_B_MOB + 2,     /* 7 bands of Party standing + 预备党员 */
  STATS_B_FIG = STATS_B_STAND + 8,     /* the counters of the modules' figures (stats_figure(i)), in order */
  STATS_NFIG = 24,                     /* room for them */
  STATS_NBUCKET = STATS_B_FIG + STATS_NFIG
};

/* Figures of other modules (meetings held this year, training, the branch
 * secretaries), kept in the same index: each organization has its own
 * values, read by SQL, and the index sums them over subtrees like every
 * other bucket. A module adds one with a StatsFigure and one line in
 * modules.c. The SQL is
 *   SELECT <org id>, <counter 1>, ... FROM ... WHERE %s ... GROUP BY 1
 * where %s is filled with the organization filter (all of them, one: ?3, or
 * a subtree: path range ?3, ?4), ?1 is the year ('YYYY') and ?2 today.
 * An organization's figures are re-read after every audited change naming
 * it (audit_append notes EV_FIGURE), so any module's write is followed. */
typedef struct StatsFigure {
  const char *zModule;        /* its object in "modules" of the answer; "secretaries" fills the answer's own */
  const char *zTitle;         /* its group's title in the report's table ("组织生活") */
  const char *const *azKey;   /* its counters' JSON keys, NULL-terminated; "hours/10" writes counter/10 as "hours" */
  const char *const *azLabel; /* their Chinese labels in the report's table */
  const char *zOrgColumn;     /* the organization id column the filter applies to ("m.org_id") */
  const char *zSql;
  int bDaily;                 /* depends on today, not only on its year: re-read when the day moves on */
  int bMembers;               /* depends on member rows: re-read for an organization when one of its members changes */
} StatsFigure;
/* The figures of every module (Module.apFigure), in module order. */
int stats_nfigure(void);
const StatsFigure *stats_figure(int i);
/* The first bucket of figure i (STATS_B_FIG + the counters before it). */
int stats_figure_first(int iFigure);
/* The SQL of figure i with its filter: 0 all organizations, 1 one (?3), 2 a
 * subtree (?3, ?4). Built once; never freed. */
const char *stats_figure_sql(int iFigure, int eFilter);

/* The breakdowns, in the order of stats_aBreakdown. */
enum {
  STATS_BD_KIND, STATS_BD_DOMAIN, STATS_BD_FORM, STATS_BD_CAT, STATS_BD_SEX, STATS_BD_AGE, STATS_BD_EDU,
  STATS_BD_ETH, STATS_BD_OCC, STATS_BD_MOB, STATS_BD_STAND, STATS_NBD
};

/* One breakdown: its JSON key, its Chinese title, where its buckets start,
 * how many, and their labels (as stored in the database, or the band names). */
typedef struct StatsBreakdown {
  const char *zKey;          /* "by_kind" */
  const char *zTitle;        /* "组织类别" */
  int bMember;               /* a breakdown of members (else of organizations) */
  int iFirst, n;
  const char *const *azLabel;
  int iFallback;             /* the offset a value that is not a label counts under (未填), or -1: not counted */
} StatsBreakdown;
extern const StatsBreakdown stats_aBreakdown[];
extern const int stats_nBreakdown;

/* The bucket offset of zLabel (NULL for none) within breakdown iBd
 * (STATS_BD_*): its position among the labels, else the breakdown's
 * iFallback. Occupation goes through stats_occupation. */
int stats_label(int iBd, const char *zLabel);
/* Age and standing bands: the offset within STATS_B_AGE / STATS_B_STAND for
 * full years y (standing: y < 0 means probationary). */
int stats_age_band(int y);
int stats_standing_band(int y);
/* Occupation offset within STATS_B_OCC: a category of the annual statistics,
 * 其他填写 for other text, 未填 for none. */
int stats_occupation(const char *z);

/* ---- the index (stats_index.c) ---------------------------------------- */

/* Builds the index from the database and makes it follow committed changes
 * from then on (the server calls it before it listens). 0, or -1 (logged). */
int stats_index_start(void);
/* Frees the index; listeners do nothing again (tests). */
void stats_index_stop(void);
/* 1 when the index is built and followed. */
int stats_index_active(void);
/* At request time: catches up with writes of other processes (found in the
 * audit log) and with a new day (age and standing bands). 0, or -1 when the
 * index is not active. */
int stats_index_sync(void);
/* The counters of the subtree of organization orgId into a[STATS_NBUCKET];
 * *pGen gets the index's generation (it changes with every change of the
 * counters or of an organization, and with the day). 0, or -1 when the
 * index is not active or does not know the organization. */
int stats_index_counts(long long orgId, int32_t *a, uint64_t *pGen);
/* The active members of the subtree of orgId, from the index: 0 with *pn
 * set, or -1 when the index is not active or does not know it (count them
 * by SQL then). */
int stats_index_members(long long orgId, long long *pn);
/* What the index holds and how much memory it takes. */
typedef struct StatsIndexInfo {
  long long nOrg, nInternal, nMember;   /* organizations, those with children, counted members */
  long long nMemberSlot;                /* member slots (the highest member id seen, plus room) */
  long long nByte;                      /* bytes of all its arrays */
  int nBytePerMember, nBytePerOrg, nBytePerInternal;
  double buildSeconds;                  /* the last full build */
  long long nBuild;                     /* full builds so far */
} StatsIndexInfo;
void stats_index_info(StatsIndexInfo *p);
/* The EventListener of modules.c. */
void stats_index_listener(EventKind kind, const long long *aId, int nId);

/* ---- by SQL (stats.c) ---------------------------------------------------- */

/* The same counters by GROUP BY queries over the subtree whose path is
 * zPath, ages and standing as of zToday. 0 or -1. */
int stats_sql_counts(const char *zPath, const char *zToday, int32_t *a);
/* The same as of day zDay; with bJoinedBy only members who joined by then
 * (annual tables). */
int stats_sql_counts_as_of(const char *zPath, const char *zDay, int bJoinedBy, int32_t *a);
/* The statistics object the API answers with; new reference. */
json_t *stats_json(const char *zCode, const char *zName, const char *zToday, const int32_t *a);

/* Writes tables, a JSON array of {"title","sheet","columns":[...],"rows":[[...]]}
 * (cells strings, integers or reals), to a writer opened with RPT_TABLES:
 * the first column 22 characters wide in xlsx, the others 12. 0 or -1. */
int stats_write_tables(RptWriter *w, json_t *aTable);

/* Drops cached answers (the index's generation moves on). */
void stats_invalidate(void);
#endif
