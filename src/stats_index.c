/* stats_index.c: the statistics index: every breakdown of stats.h for any
 * subtree in O(STATS_NBUCKET), kept exact while the server writes.
 *
 * Design. Organizations and members are held in two arrays indexed by their
 * database ids. Each member has a 16-byte snapshot of what it contributes
 * (branch, birth date, full_on date, sex, category, mobile, education,
 * ethnicity and occupation codes), so that a change can take the old
 * contribution off and put the new one on. Each organization that has
 * children ("internal": the root, cities, counties, townships, committees,
 * general branches: 13% of the province demo) keeps the counters of its whole subtree, one int32
 * per bucket (STATS_NBUCKET = 120, 480 bytes). A change of one member or one
 * organization adds +1/-1 to its buckets in every internal organization on
 * the way to the root (depth <= ~8: at most ~80 additions). A leaf (a branch,
 * or a committee without children) keeps no counters: its answer is summed
 * from the list of its own members (a singly linked list through the
 * snapshots; a branch has tens of members). So an answer is a copy of 480
 * bytes, or a walk of one branch's members.
 *   Memory: 16 bytes per member id (the array is indexed by id, so deleted
 * ids cost too) + 16 bytes per organization + 480 bytes per internal
 * organization. The province demo (3.8 M members, 190,700 organizations of
 * which 24,577 have children) takes 91 MiB (61 + 3 + 12 MB and room to
 * grow), built in ~4 s at start.
 *
 * Age and standing bands depend on today: the snapshots keep the dates, and
 * the bands in the internal counters are those of the day in Index.zDay.
 * When util_today() moves on (checked at every request), all internal
 * counters are recomputed from the snapshots (no database access; ~100 ms
 * for a province, under the write lock, once a day).
 *
 * Figures of other modules (stats.h, StatsFigure: meetings held this year,
 * training, the secretaries) are buckets too: each organization keeps its
 * own values (aFig, 4 bytes a counter, by organization id), read by the
 * figure's SQL for all organizations at a build and for one organization
 * after any audited change that names it (EV_FIGURE, noted by
 * audit_append), after a change of one of its members (the secretaries
 * depend on member rows), and again for all when the year or, for those that
 * depend on today (a meeting is held once its day has come; ages), the day
 * moves on. The difference goes up the chain
 * like any other bucket's.
 *
 * Following changes. The server's own writes arrive through the
 * EventListener (events.h) after each commit: EV_MEMBER ids are re-read and
 * applied (old contribution off, new on; a member counts only while
 * status='active'); EV_ORG ids are re-read (a new organization under a known
 * parent is added in place; a changed kind, domain or formation moves its
 * buckets); EV_TREE (a move) reloads the tree from the org table and
 * recomputes all internal counters from the snapshots (no member is read);
 * EV_ALL (an import) rebuilds everything from the database. Applying is
 * idempotent: it re-reads the row and compares with the snapshot, so an
 * id applied twice, or after a rebuild that already saw it, changes nothing.
 *
 * Writes of other processes (`qiangji import` while the server runs) are
 * found at request time through the audit log, which every change appends
 * to (audit.h): the index remembers the highest audit id it has accounted
 * for (auditSeen); stats_index_sync() reads max(audit.id) (one rowid lookup)
 * and, when it is higher, reads the new entries: entity 'member' or 'org'
 * entries re-apply that id; an 'import' of members or organizations, or more
 * than SYNC_MAX_ENTRIES entries, rebuild everything. Entries of the server's
 * own writes are applied a second time that way, harmlessly. (PRAGMA
 * data_version was the other choice; it changes on every commit of the
 * server's own per-thread connections too, so it cannot tell whose write it
 * was, and it says only "something", not what.) A change made without an
 * audit entry (by hand in sqlite3) is not seen until the next rebuild.
 *
 * Full rebuilds read the database in one read transaction without holding
 * the lock (readers go on answering from the old index), then swap under
 * the write lock and re-apply the ids that listeners noted meanwhile
 * (pending), so nothing committed during the build is lost. */
#include "stats.h"
#include "db.h"
#include "text.h"
#include "util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNC_MAX_ENTRIES 20000   /* more new audit entries than this: rebuild */
#define DAYS_1900 25567L         /* days from 1900-01-01 to 1970-01-01 */

enum { SM_FEMALE = 1, SM_PROB = 2, SM_MOBILE = 4 };

typedef struct SMember {
  uint32_t org;      /* organization id; 0 when the member does not count (no row, or not active) */
  uint32_t next;     /* next counted member of the same organization, 0 at the end */
  uint16_t birth;    /* days since 1900-01-01 */
  uint16_t full;     /* days since 1900-01-01 of full_on; 0 for a probationary member */
  uint8_t flags;     /* SM_* */
  uint8_t edu, eth, occ;  /* offsets within their breakdowns */
} SMember;

typedef struct SOrg {
  uint32_t parent;   /* 0 for the root */
  uint32_t head;     /* first counted member of this organization, 0 for none */
  int32_t slot;      /* row of aTot with the subtree's counters; -1 for a leaf */
  uint8_t kind, domain, form;  /* offsets; 255 when unknown */
  uint8_t bLive;     /* 1 when the organization exists */
} SOrg;

typedef struct Index {
  char zDay[11];             /* the day the age and standing bands are of */
  int dayY, dayMD;           /* its year and month*100+day */
  long long auditSeen;       /* highest audit id accounted for */
  uint64_t gen;              /* changes with every change that can change an answer */
  uint32_t nOrg;             /* aOrg[0..nOrg) */
  SOrg *aOrg;
  uint32_t nSlot, nSlotAlloc;
  int32_t *aTot;             /* nSlot rows of STATS_NBUCKET */
  uint32_t *aSlotOrg;        /* the organization of each row */
  uint32_t nMem;             /* aMem[0..nMem) */
  SMember *aMem;
  long long nCounted;        /* members counted */
  int nFig;                  /* counters of all figures (stats.h) */
  uint32_t nFigOrg;          /* aFig[0..nFigOrg * nFig): each organization's own figures, by id */
  int32_t *aFig;
} Index;

/* stats_lock: THE lock of the statistics index. It guards pIdx and
 * everything it points to, and gGen. Readers (server threads answering
 * /stats) hold it shared while they copy counters out. Writers hold it
 * exclusively: the commit-time listeners (on the writing thread, after its
 * COMMIT), the request-time catch-up with other processes and with the day,
 * and the swap after a full rebuild. A writer reads the rows it applies
 * while it holds the lock, so two writers of the same member cannot apply
 * in the wrong order. Lock order: buildMutex, stats_lock, pendMutex. */
static pthread_rwlock_t stats_lock = PTHREAD_RWLOCK_INITIALIZER;
static Index *pIdx;
static uint64_t gGen = 1;              /* survives rebuilds, so cached answers never match a new index */

/* One full rebuild at a time; its bookkeeping. */
static pthread_mutex_t buildMutex = PTHREAD_MUTEX_INITIALIZER;
static double gBuildSeconds;
static long long gnBuild;

/* Ids noted by listeners while a full rebuild reads the database; guarded by
 * pendMutex. */
static pthread_mutex_t pendMutex = PTHREAD_MUTEX_INITIALIZER;
static int bBuilding;
static long long *aPendMember, *aPendOrg, *aPendFig;
static int nPendMember, nPendOrg, nPendFig, nPendMemberAlloc, nPendOrgAlloc, nPendFigAlloc, bPendTree;

static volatile int bActive;           /* set by stats_index_start; read without the lock (a flag) */

/* ---- dates ------------------------------------------------------------------ */

/* y, m, d from days since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil(long z, int *py, int *pm, int *pd) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  long d = doy - (153 * mp + 2) / 5 + 1;
  long m = mp < 10 ? mp + 3 : mp - 9;
  *py = (int)(y + (m <= 2));
  *pm = (int)m;
  *pd = (int)d;
}

static uint16_t day16(const char *z) {
  if (!z || strlen(z) < 10) return 0;
  long d = text_date_days(z) + DAYS_1900;
  return d < 1 ? 1 : d > 65535 ? 65535 : (uint16_t)d;
}

/* Full years from day16 value v to the index's day. */
static int years_to(const Index *p, uint16_t v) {
  int y, m, d;
  civil((long)v - DAYS_1900, &y, &m, &d);
  return p->dayY - y - (p->dayMD < m * 100 + d);
}

static void set_day(Index *p, const char *zToday) {
  snprintf(p->zDay, sizeof p->zDay, "%s", zToday);
  p->dayY = atoi(zToday);
  p->dayMD = atoi(zToday + 5) * 100 + atoi(zToday + 8);
}

/* ---- contributions ------------------------------------------------------------ */

/* The buckets a member adds to; returns how many (9). */
static int member_buckets(const Index *p, const SMember *m, int *aB) {
  aB[0] = STATS_B_MEMBERS;
  aB[1] = STATS_B_CAT + ((m->flags & SM_PROB) ? 1 : 0);
  aB[2] = STATS_B_SEX + ((m->flags & SM_FEMALE) ? 1 : 0);
  aB[3] = STATS_B_AGE + stats_age_band(years_to(p, m->birth));
  aB[4] = STATS_B_EDU + m->edu;
  aB[5] = STATS_B_ETH + m->eth;
  aB[6] = STATS_B_OCC + m->occ;
  aB[7] = STATS_B_MOB + ((m->flags & SM_MOBILE) ? 0 : 1);
  aB[8] = STATS_B_STAND + stats_standing_band(m->full ? years_to(p, m->full) : -1);
  return 9;
}

/* The buckets an organization adds to (itself counted once). */
static int org_buckets(const SOrg *o, int *aB) {
  int n = 0;
  aB[n++] = STATS_B_ORGS;
  if (o->kind != 255) aB[n++] = STATS_B_KIND + o->kind;
  if (o->domain != 255) aB[n++] = STATS_B_DOMAIN + o->domain;
  aB[n++] = STATS_B_FORM + o->form;
  return n;
}

static int live(const Index *p, uint32_t id) { return id && id < p->nOrg && p->aOrg[id].bLive; }

/* Adds delta to buckets aB in every internal organization from id up to the
 * root (id itself included when it is internal). */
static void add_chain(Index *p, uint32_t id, const int *aB, int nB, int delta) {
  for (int depth = 0; live(p, id) && depth < 256; depth++, id = p->aOrg[id].parent) {
    int32_t s = p->aOrg[id].slot;
    if (s < 0) continue;
    int32_t *a = p->aTot + (size_t)s * STATS_NBUCKET;
    for (int i = 0; i < nB; i++) a[aB[i]] += delta;
  }
}

static void link_member(Index *p, uint32_t mid) {
  SMember *m = &p->aMem[mid];
  SOrg *o = &p->aOrg[m->org];
  m->next = o->head;
  o->head = mid;
}

static void unlink_member(Index *p, uint32_t mid) {
  SMember *m = &p->aMem[mid];
  if (!live(p, m->org)) return;
  uint32_t *pp = &p->aOrg[m->org].head;
  while (*pp && *pp != mid) pp = &p->aMem[*pp].next;
  if (*pp) *pp = m->next;
  m->next = 0;
}

/* ---- snapshots from rows -------------------------------------------------- */

/* The member columns read everywhere, in this order. */
#define MEMBER_SNAP_COLUMNS "org_id, gender, birth_date, ethnicity, education, category, full_on, occupation, mobile"

/* Fills m from a row of MEMBER_SNAP_COLUMNS starting at column i0. */
static void snap_from_row(SMember *m, DbStmt *s, int i0) {
  long long org = db_col_int(s, i0);
  m->org = org > 0 && org < 0xffffffffLL ? (uint32_t)org : 0;
  m->next = 0;
  m->flags = 0;
  if (stats_label(STATS_BD_SEX, db_col_text(s, i0 + 1)) == 1) m->flags |= SM_FEMALE;
  m->birth = day16(db_col_text(s, i0 + 2));
  m->eth = (uint8_t)stats_label(STATS_BD_ETH, db_col_isnull(s, i0 + 3) ? 0 : db_col_text(s, i0 + 3));
  m->edu = (uint8_t)stats_label(STATS_BD_EDU, db_col_isnull(s, i0 + 4) ? 0 : db_col_text(s, i0 + 4));
  if (stats_label(STATS_BD_CAT, db_col_text(s, i0 + 5)) == 1) m->flags |= SM_PROB;
  m->full = db_col_isnull(s, i0 + 6) ? 0 : day16(db_col_text(s, i0 + 6));
  m->occ = (uint8_t)stats_occupation(db_col_isnull(s, i0 + 7) ? 0 : db_col_text(s, i0 + 7));
  if (db_col_int(s, i0 + 8)) m->flags |= SM_MOBILE;
}

static void org_from_row(SOrg *o, DbStmt *s, int i0) {
  long long parent = db_col_int(s, i0);
  o->parent = parent > 0 && parent < 0xffffffffLL ? (uint32_t)parent : 0;
  int i;
  o->kind = (uint8_t)((i = stats_label(STATS_BD_KIND, db_col_text(s, i0 + 1))) >= 0 ? i : 255);
  o->domain = (uint8_t)((i = stats_label(STATS_BD_DOMAIN, db_col_text(s, i0 + 2))) >= 0 ? i : 255);
  o->form = (uint8_t)stats_label(STATS_BD_FORM, db_col_isnull(s, i0 + 3) ? 0 : db_col_text(s, i0 + 3));
  o->bLive = 1;
}

/* ---- arrays ------------------------------------------------------------------- */

static void grow_members(Index *p, uint32_t need) {
  if (need <= p->nMem) return;
  uint32_t n = need + need / 4 + 1024;
  p->aMem = xrealloc(p->aMem, (size_t)n * sizeof(SMember));
  memset(p->aMem + p->nMem, 0, (size_t)(n - p->nMem) * sizeof(SMember));
  p->nMem = n;
}

static void grow_orgs(Index *p, uint32_t need) {
  if (need <= p->nOrg) return;
  uint32_t n = need + need / 8 + 256;
  p->aOrg = xrealloc(p->aOrg, (size_t)n * sizeof(SOrg));
  memset(p->aOrg + p->nOrg, 0, (size_t)(n - p->nOrg) * sizeof(SOrg));
  for (uint32_t i = p->nOrg; i < n; i++) p->aOrg[i].slot = -1;
  p->nOrg = n;
}

static int32_t new_slot(Index *p, uint32_t orgId) {
  if (p->nSlot == p->nSlotAlloc) {
    p->nSlotAlloc = p->nSlotAlloc ? p->nSlotAlloc * 2 : 64;
    p->aTot = xrealloc(p->aTot, (size_t)p->nSlotAlloc * STATS_NBUCKET * sizeof(int32_t));
    p->aSlotOrg = xrealloc(p->aSlotOrg, (size_t)p->nSlotAlloc * sizeof(uint32_t));
  }
  memset(p->aTot + (size_t)p->nSlot * STATS_NBUCKET, 0, STATS_NBUCKET * sizeof(int32_t));
  p->aSlotOrg[p->nSlot] = orgId;
  p->aOrg[orgId].slot = (int32_t)p->nSlot;
  return (int32_t)p->nSlot++;
}

static void index_free(Index *p) {
  if (!p) return;
  free(p->aOrg);
  free(p->aTot);
  free(p->aSlotOrg);
  free(p->aMem);
  free(p->aFig);
  free(p);
}

/* ---- figures of other modules (stats.h) --------------------------------------- */

static int32_t *own_figures(const Index *p, uint32_t id) {
  return id < p->nFigOrg ? p->aFig + (size_t)id * (size_t)p->nFig : 0;
}

static void grow_figures(Index *p, uint32_t need) {
  if (need <= p->nFigOrg || !p->nFig) return;
  uint32_t n = need + need / 8 + 256;
  p->aFig = xrealloc(p->aFig, (size_t)n * (size_t)p->nFig * sizeof(int32_t));
  memset(p->aFig + (size_t)p->nFigOrg * (size_t)p->nFig, 0, (size_t)(n - p->nFigOrg) * (size_t)p->nFig * sizeof(int32_t));
  p->nFigOrg = n;
}

static void add_own_figures(const Index *p, uint32_t id, int32_t *a) {
  const int32_t *f = own_figures(p, id);
  for (int k = 0; f && k < p->nFig; k++) a[STATS_B_FIG + k] += f[k];
}

static int any_member_figure(void) {
  for (int i = 0; i < stats_nfigure(); i++)
    if (stats_figure(i)->bMembers) return 1;
  return 0;
}

static int any_daily_figure(void) {
  for (int i = 0; i < stats_nfigure(); i++)
    if (stats_figure(i)->bDaily) return 1;
  return 0;
}

/* Reads every organization's figures (as of the index's day). 0 or -1. */
static int load_figures(Index *p) {
  char zYear[5];
  snprintf(zYear, sizeof zYear, "%.4s", p->zDay);
  if (p->aFig) memset(p->aFig, 0, (size_t)p->nFigOrg * (size_t)p->nFig * sizeof(int32_t));
  for (int i = 0; i < stats_nfigure(); i++) {
    int i0 = stats_figure_first(i) - STATS_B_FIG, n = stats_figure_first(i + 1) - STATS_B_FIG - i0;
    DbStmt *s = db_stmt(stats_figure_sql(i, 0), "tt", zYear, p->zDay);
    int rc;
    while (s && (rc = db_step(s)) == 1) {
      long long id = db_col_int(s, 0);
      if (id <= 0 || id >= 0x7fffffffLL) continue;
      grow_figures(p, (uint32_t)id + 1);
      int32_t *f = own_figures(p, (uint32_t)id);
      for (int k = 0; k < n; k++) f[i0 + k] = (int32_t)db_col_int(s, 1 + k);
    }
    if (!s || rc < 0) return -1;
  }
  return 0;
}

static void add_chain(Index *p, uint32_t id, const int *aB, int nB, int delta);

/* Re-reads organization id's figures and applies the difference. */
static void apply_figures(Index *p, long long id) {
  if (id <= 0 || id >= 0x7fffffffLL || !p->nFig) return;
  char zYear[5];
  snprintf(zYear, sizeof zYear, "%.4s", p->zDay);
  int32_t aNow[STATS_NFIG];
  memset(aNow, 0, sizeof aNow);
  for (int i = 0; i < stats_nfigure(); i++) {
    int i0 = stats_figure_first(i) - STATS_B_FIG, n = stats_figure_first(i + 1) - STATS_B_FIG - i0;
    DbStmt *s = db_stmt(stats_figure_sql(i, 1), "ttI", zYear, p->zDay, id);
    if (s && db_step(s) == 1) {
      for (int k = 0; k < n; k++) aNow[i0 + k] = (int32_t)db_col_int(s, 1 + k);
      db_step(s);
    }
  }
  grow_figures(p, (uint32_t)id + 1);
  int32_t *f = own_figures(p, (uint32_t)id);
  for (int k = 0; k < p->nFig; k++) {
    int delta = aNow[k] - f[k];
    if (!delta) continue;
    int b = STATS_B_FIG + k;
    if (live(p, (uint32_t)id)) add_chain(p, (uint32_t)id, &b, 1, delta);
    f[k] = aNow[k];
  }
}

static int cmp_id(const void *x, const void *y) {
  long long a = *(const long long *)x, b = *(const long long *)y;
  return (a > b) - (a < b);
}

/* apply_figures for each organization of aId once (a bulk write names the
 * same ones many times). */
static void apply_figures_each(Index *p, const long long *aId, int nId) {
  if (nId <= 0) return;
  long long *a = xmalloc(sizeof *a * (size_t)nId);
  memcpy(a, aId, sizeof *a * (size_t)nId);
  qsort(a, (size_t)nId, sizeof *a, cmp_id);
  for (int i = 0; i < nId; i++)
    if (i == 0 || a[i] != a[i - 1]) apply_figures(p, a[i]);
  free(a);
}

/* ---- recomputing every internal counter from the snapshots ---------------- */

/* The counters of a leaf: itself and its own members. a is zeroed first. */
static void leaf_counts(const Index *p, uint32_t id, int32_t *a) {
  int aB[16], nB;
  memset(a, 0, STATS_NBUCKET * sizeof(int32_t));
  nB = org_buckets(&p->aOrg[id], aB);
  for (int i = 0; i < nB; i++) a[aB[i]]++;
  for (uint32_t m = p->aOrg[id].head; m; m = p->aMem[m].next) {
    nB = member_buckets(p, &p->aMem[m], aB);
    for (int i = 0; i < nB; i++) a[aB[i]]++;
  }
  add_own_figures(p, id, a);
}

/* Rebuilds member lists, slots and all internal counters from aOrg and aMem
 * (after a load, a tree reload or a new day). */
static void recompute(Index *p) {
  uint32_t nOrg = p->nOrg;
  for (uint32_t i = 0; i < nOrg; i++) {
    p->aOrg[i].head = 0;
    p->aOrg[i].slot = -1;
  }
  /* Member lists, and the count. */
  p->nCounted = 0;
  for (uint32_t m = p->nMem; m-- > 1;) {
    SMember *sm = &p->aMem[m];
    sm->next = 0;
    if (!sm->org) continue;
    if (!live(p, sm->org)) continue;   /* its organization is gone: it does not count, as in SQL's join */
    link_member(p, m);
    p->nCounted++;
  }
  /* Internal: has a live child. */
  p->nSlot = 0;
  for (uint32_t i = 1; i < nOrg; i++)
    if (p->aOrg[i].bLive && live(p, p->aOrg[i].parent) && p->aOrg[p->aOrg[i].parent].slot < 0)
      new_slot(p, p->aOrg[i].parent);
  /* Each leaf's own counters go to its parent's row, each internal
   * organization's own buckets to its own row. */
  int aB[16];
  for (uint32_t i = 1; i < nOrg; i++) {
    SOrg *o = &p->aOrg[i];
    if (!o->bLive) continue;
    uint32_t target = o->slot >= 0 ? i : (live(p, o->parent) ? o->parent : 0);
    if (!target) continue;   /* a lone root without children: answered as a leaf */
    int32_t *a = p->aTot + (size_t)p->aOrg[target].slot * STATS_NBUCKET;
    int nB = org_buckets(o, aB);
    for (int k = 0; k < nB; k++) a[aB[k]]++;
    for (uint32_t m = o->head; m; m = p->aMem[m].next) {
      nB = member_buckets(p, &p->aMem[m], aB);
      for (int k = 0; k < nB; k++) a[aB[k]]++;
    }
    add_own_figures(p, i, a);
  }
  /* Internal rows into their parents', deepest first. */
  int *aDepth = xcalloc(p->nSlot + 1, sizeof(int));
  int maxDepth = 0;
  for (uint32_t s = 0; s < p->nSlot; s++) {
    int d = 0;
    for (uint32_t id = p->aSlotOrg[s]; live(p, p->aOrg[id].parent) && d < 256; id = p->aOrg[id].parent) d++;
    aDepth[s] = d;
    if (d > maxDepth) maxDepth = d;
  }
  for (int d = maxDepth; d > 0; d--)
    for (uint32_t s = 0; s < p->nSlot; s++) {
      if (aDepth[s] != d) continue;
      uint32_t parent = p->aOrg[p->aSlotOrg[s]].parent;
      int32_t *pFrom = p->aTot + (size_t)s * STATS_NBUCKET;
      int32_t *pTo = p->aTot + (size_t)p->aOrg[parent].slot * STATS_NBUCKET;
      for (int k = 0; k < STATS_NBUCKET; k++) pTo[k] += pFrom[k];
    }
  free(aDepth);
}

/* ---- loading from the database -------------------------------------------------- */

/* Reads all organizations into p->aOrg (replacing it). 0 or -1. */
static int load_orgs(Index *p) {
  long long maxId = db_int(0, "SELECT max(id) FROM org", "");
  if (maxId < 0 || maxId >= 0x7fffffffLL) return -1;
  free(p->aOrg);
  p->aOrg = 0;
  p->nOrg = 0;
  grow_orgs(p, (uint32_t)maxId + 1);
  DbStmt *s = db_stmt("SELECT id, coalesce(parent_id, 0), kind, domain, formation FROM org", "");
  int rc;
  while ((rc = db_step(s)) == 1) {
    long long id = db_col_int(s, 0);
    if (id <= 0 || id > maxId) continue;
    org_from_row(&p->aOrg[id], s, 1);
  }
  return rc < 0 ? -1 : 0;
}

/* A new index from the database, read in one read transaction. NULL on error. */
static Index *index_load(void) {
  Index *p = xcalloc(1, sizeof *p);
  char zToday[11];
  util_today(zToday);
  set_day(p, zToday);
  if (db_script("BEGIN")) goto fail;
  p->auditSeen = db_int(0, "SELECT max(id) FROM audit", "");
  if (load_orgs(p)) goto fail_txn;
  long long maxMem = db_int(0, "SELECT max(id) FROM member", "");
  if (maxMem < 0 || maxMem >= 0x7fffffffLL) goto fail_txn;
  grow_members(p, (uint32_t)maxMem + 1);
  DbStmt *s = db_stmt("SELECT id, " MEMBER_SNAP_COLUMNS " FROM member WHERE status='active'", "");
  int rc;
  while ((rc = db_step(s)) == 1) {
    long long id = db_col_int(s, 0);
    if (id <= 0 || id > maxMem) continue;
    snap_from_row(&p->aMem[id], s, 1);
  }
  if (rc < 0) goto fail_txn;
  p->nFig = stats_figure_first(stats_nfigure()) - STATS_B_FIG;
  grow_figures(p, p->nOrg);
  if (load_figures(p)) goto fail_txn;
  db_script("COMMIT");
  recompute(p);
  return p;
fail_txn:
  db_script("ROLLBACK");
fail:
  fprintf(stderr, "qiangji: the statistics index could not be built\n");
  index_free(p);
  return 0;
}

/* ---- applying one change (under the write lock) ----------------------------- */

static int reload_tree(Index *p) {
  if (load_orgs(p)) return -1;
  recompute(p);
  return 0;
}

/* Re-reads member id and applies the difference. */
static void apply_member(Index *p, long long id) {
  if (id <= 0 || id >= 0x7fffffffLL) return;
  SMember now;
  memset(&now, 0, sizeof now);
  DbStmt *s = db_stmt("SELECT " MEMBER_SNAP_COLUMNS ", status FROM member WHERE id=?", "I", id);
  if (s && db_step(s) == 1) {
    if (strcmp(db_col_text(s, 9), "active") == 0) snap_from_row(&now, s, 0);
    db_step(s);
  }
  if (now.org && !live(p, now.org)) {   /* an organization the index does not know yet */
    reload_tree(p);
    if (!live(p, now.org)) now.org = 0;
  }
  grow_members(p, (uint32_t)id + 1);
  SMember *m = &p->aMem[id];
  int aB[16], nB;
  if (m->org == now.org && m->birth == now.birth && m->full == now.full && m->flags == now.flags &&
      m->edu == now.edu && m->eth == now.eth && m->occ == now.occ)
    return;
  uint32_t oldOrg = m->org;
  if (m->org && live(p, m->org)) {
    nB = member_buckets(p, m, aB);
    add_chain(p, m->org, aB, nB, -1);
    unlink_member(p, (uint32_t)id);
    p->nCounted--;
  }
  *m = now;
  if (m->org) {
    link_member(p, (uint32_t)id);
    nB = member_buckets(p, m, aB);
    add_chain(p, m->org, aB, nB, +1);
    p->nCounted++;
  }
  if (any_member_figure()) {   /* a secretary's age, education or branch */
    if (oldOrg) apply_figures(p, oldOrg);
    if (now.org && now.org != oldOrg) apply_figures(p, now.org);
  }
}

/* Re-reads organization id and applies the difference. */
static void apply_org(Index *p, long long id) {
  if (id <= 0 || id >= 0x7fffffffLL) return;
  SOrg now;
  memset(&now, 0, sizeof now);
  now.slot = -1;
  DbStmt *s = db_stmt("SELECT coalesce(parent_id, 0), kind, domain, formation FROM org WHERE id=?", "I", id);
  int bRow = s && db_step(s) == 1;
  if (bRow) {
    org_from_row(&now, s, 0);
    db_step(s);
  }
  int bKnown = live(p, (uint32_t)id);
  if (!bRow) {
    if (bKnown) reload_tree(p);   /* an organization was deleted */
    return;
  }
  int aB[16], nB;
  if (!bKnown) {
    /* A new organization: a leaf under a known parent (or a first root). */
    if (now.parent && !live(p, now.parent)) {
      reload_tree(p);
      return;
    }
    grow_orgs(p, (uint32_t)id + 1);
    p->aOrg[id] = now;
    if (now.parent && p->aOrg[now.parent].slot < 0) {
      /* Its parent was a leaf: it becomes internal, with its own counters. */
      int32_t sl = new_slot(p, now.parent);
      leaf_counts(p, now.parent, p->aTot + (size_t)sl * STATS_NBUCKET);
    }
    nB = org_buckets(&now, aB);
    add_chain(p, (uint32_t)id, aB, nB, +1);
    return;
  }
  SOrg *o = &p->aOrg[id];
  if (o->parent != now.parent) {
    reload_tree(p);
    return;
  }
  if (o->kind == now.kind && o->domain == now.domain && o->form == now.form) return;
  nB = org_buckets(o, aB);
  add_chain(p, (uint32_t)id, aB, nB, -1);
  o->kind = now.kind;
  o->domain = now.domain;
  o->form = now.form;
  nB = org_buckets(o, aB);
  add_chain(p, (uint32_t)id, aB, nB, +1);
}

/* ---- full rebuild with a swap ------------------------------------------------ */

static void note_pending(long long **pa, int *pn, int *pnAlloc, const long long *aId, int nId) {
  if (*pn + nId > *pnAlloc) {
    *pnAlloc = (*pn + nId) * 2 + 16;
    *pa = xrealloc(*pa, (size_t)*pnAlloc * sizeof(long long));
  }
  memcpy(*pa + *pn, aId, (size_t)nId * sizeof(long long));
  *pn += nId;
}

/* Builds a new index from the database and swaps it in. Only one at a time;
 * a caller that waited for another's build and finds it already covers
 * auditNeed (>= 0) returns at once. 0 or -1. */
static int full_rebuild(long long auditNeed) {
  pthread_mutex_lock(&buildMutex);
  if (auditNeed >= 0) {
    pthread_rwlock_rdlock(&stats_lock);
    int bDone = pIdx && pIdx->auditSeen >= auditNeed;
    pthread_rwlock_unlock(&stats_lock);
    if (bDone) {
      pthread_mutex_unlock(&buildMutex);
      return 0;
    }
  }
  pthread_mutex_lock(&pendMutex);
  bBuilding = 1;
  nPendMember = nPendOrg = nPendFig = bPendTree = 0;
  pthread_mutex_unlock(&pendMutex);
  double t0 = util_now();
  Index *pNew = index_load();
  pthread_rwlock_wrlock(&stats_lock);
  pthread_mutex_lock(&pendMutex);
  bBuilding = 0;
  if (pNew) {
    Index *pOld = pIdx;
    pIdx = pNew;
    gGen++;
    for (int i = 0; i < nPendOrg; i++) apply_org(pIdx, aPendOrg[i]);
    if (bPendTree) reload_tree(pIdx);
    for (int i = 0; i < nPendMember; i++) apply_member(pIdx, aPendMember[i]);
    apply_figures_each(pIdx, aPendFig, nPendFig);
    index_free(pOld);
    gBuildSeconds = util_now() - t0;
    gnBuild++;
  }
  nPendMember = nPendOrg = nPendFig = bPendTree = 0;
  pthread_mutex_unlock(&pendMutex);
  pthread_rwlock_unlock(&stats_lock);
  pthread_mutex_unlock(&buildMutex);
  return pNew ? 0 : -1;
}

/* ---- the public face -------------------------------------------------------- */

int stats_index_start(void) {
  bActive = 1;   /* from now on listeners note changes (a build may be under way) */
  if (full_rebuild(-1)) {
    bActive = 0;
    return -1;
  }
  {
    StatsIndexInfo i;
    stats_index_info(&i);
    fprintf(stderr, "statistics index: %lld organizations (%lld with children), %lld members, %.1f MiB"
            " (%d bytes per member id, %d per organization, %d more with children), built in %.2f s\n",
            i.nOrg, i.nInternal, i.nMember, (double)i.nByte / 1048576.0, i.nBytePerMember, i.nBytePerOrg,
            i.nBytePerInternal, i.buildSeconds);
  }
  return 0;
}

void stats_index_stop(void) {
  pthread_mutex_lock(&buildMutex);
  pthread_rwlock_wrlock(&stats_lock);
  bActive = 0;
  index_free(pIdx);
  pIdx = 0;
  gGen++;
  pthread_rwlock_unlock(&stats_lock);
  pthread_mutex_lock(&pendMutex);
  free(aPendMember);
  free(aPendOrg);
  free(aPendFig);
  aPendMember = aPendOrg = aPendFig = 0;
  nPendMember = nPendOrg = nPendFig = nPendMemberAlloc = nPendOrgAlloc = nPendFigAlloc = bPendTree = 0;
  pthread_mutex_unlock(&pendMutex);
  pthread_mutex_unlock(&buildMutex);
}

int stats_index_active(void) { return bActive; }

void stats_index_listener(EventKind kind, const long long *aId, int nId) {
  if (!bActive) return;   /* the CLI and tests without an index */
  if (kind == EV_ALL) {
    full_rebuild(-1);
    return;
  }
  pthread_mutex_lock(&pendMutex);
  if (bBuilding) {
    if (kind == EV_MEMBER) note_pending(&aPendMember, &nPendMember, &nPendMemberAlloc, aId, nId);
    else if (kind == EV_ORG) note_pending(&aPendOrg, &nPendOrg, &nPendOrgAlloc, aId, nId);
    else if (kind == EV_FIGURE) note_pending(&aPendFig, &nPendFig, &nPendFigAlloc, aId, nId);
    else bPendTree = 1;
  }
  pthread_mutex_unlock(&pendMutex);
  pthread_rwlock_wrlock(&stats_lock);
  if (pIdx) {
    if (kind == EV_MEMBER)
      for (int i = 0; i < nId; i++) apply_member(pIdx, aId[i]);
    else if (kind == EV_ORG)
      for (int i = 0; i < nId; i++) apply_org(pIdx, aId[i]);
    else if (kind == EV_FIGURE)
      apply_figures_each(pIdx, aId, nId);
    else
      reload_tree(pIdx);
    gGen++;
  }
  pthread_rwlock_unlock(&stats_lock);
}

int stats_index_sync(void) {
  if (!bActive) return -1;
  char zToday[11];
  util_today(zToday);
  long long maxAudit = db_int(0, "SELECT max(id) FROM audit", "");
  pthread_rwlock_rdlock(&stats_lock);
  int bFresh = pIdx && pIdx->auditSeen >= maxAudit && strcmp(pIdx->zDay, zToday) == 0;
  int bHave = pIdx != 0;
  pthread_rwlock_unlock(&stats_lock);
  if (bFresh) return 0;
  if (!bHave) return full_rebuild(maxAudit);
  int bFull = 0;
  pthread_rwlock_wrlock(&stats_lock);
  if (pIdx && strcmp(pIdx->zDay, zToday) != 0) {
    /* Figures are of this year, some of today (ages): read again when the
     * year, or for those, the day moves on. */
    int bYear = strncmp(pIdx->zDay, zToday, 4) != 0;
    set_day(pIdx, zToday);
    if ((bYear || any_daily_figure()) && load_figures(pIdx)) bFull = 1;
    recompute(pIdx);
    gGen++;
  }
  if (pIdx && pIdx->auditSeen < maxAudit) {
    DbStmt *s = db_stmt("SELECT action, entity, entity_key, org_id FROM audit WHERE id > ? AND id <= ? ORDER BY id"
                        " LIMIT ?", "IIi", pIdx->auditSeen, maxAudit, SYNC_MAX_ENTRIES + 1);
    long long *aM = 0, *aO = 0, *aF = 0;
    int nM = 0, nO = 0, nF = 0, nMAlloc = 0, nOAlloc = 0, nFAlloc = 0, nRow = 0, rc;
    while ((rc = db_step(s)) == 1 && !bFull) {
      nRow++;
      const char *zAction = db_col_text(s, 0), *zEntity = db_col_text(s, 1);
      long long orgId = db_col_int(s, 3);
      if (orgId > 0) note_pending(&aF, &nF, &nFAlloc, &orgId, 1);   /* any module's figures */
      int bMember = strcmp(zEntity, "member") == 0, bOrg = strcmp(zEntity, "org") == 0;
      if (!bMember && !bOrg) continue;
      if (strcmp(zAction, "import") == 0 || nRow > SYNC_MAX_ENTRIES) {
        bFull = 1;
        break;
      }
      long long id = atoll(db_col_text(s, 2));
      if (bMember) note_pending(&aM, &nM, &nMAlloc, &id, 1);
      else note_pending(&aO, &nO, &nOAlloc, &id, 1);
    }
    if (nRow > SYNC_MAX_ENTRIES || rc < 0) bFull = 1;
    /* Run it to its end: a statement left mid-way keeps this thread's read
     * snapshot, and the thread's next write transaction would fail busy. */
    while (rc == 1) rc = db_step(s);
    if (!bFull) {
      for (int i = 0; i < nO; i++) apply_org(pIdx, aO[i]);
      for (int i = 0; i < nM; i++) apply_member(pIdx, aM[i]);
      apply_figures_each(pIdx, aF, nF);
      pIdx->auditSeen = maxAudit;
      if (nO || nM || nF) gGen++;
    }
    free(aM);
    free(aO);
    free(aF);
  }
  pthread_rwlock_unlock(&stats_lock);
  return bFull ? full_rebuild(maxAudit) : 0;
}

int stats_index_counts(long long orgId, int32_t *a, uint64_t *pGen) {
  int rc = -1;
  pthread_rwlock_rdlock(&stats_lock);
  if (pIdx && orgId > 0 && orgId < 0x7fffffffLL && live(pIdx, (uint32_t)orgId)) {
    const SOrg *o = &pIdx->aOrg[orgId];
    if (o->slot >= 0) memcpy(a, pIdx->aTot + (size_t)o->slot * STATS_NBUCKET, STATS_NBUCKET * sizeof(int32_t));
    else leaf_counts(pIdx, (uint32_t)orgId, a);
    *pGen = gGen;
    rc = 0;
  }
  pthread_rwlock_unlock(&stats_lock);
  return rc;
}

void stats_invalidate(void) {
  pthread_rwlock_wrlock(&stats_lock);
  gGen++;
  pthread_rwlock_unlock(&stats_lock);
}

void stats_index_info(StatsIndexInfo *p) {
  memset(p, 0, sizeof *p);
  p->nBytePerMember = (int)sizeof(SMember);
  p->nBytePerOrg = (int)sizeof(SOrg);
  p->nBytePerInternal = (int)(STATS_NBUCKET * sizeof(int32_t) + sizeof(uint32_t));
  pthread_rwlock_rdlock(&stats_lock);
  if (pIdx) {
    for (uint32_t i = 0; i < pIdx->nOrg; i++) p->nOrg += pIdx->aOrg[i].bLive;
    p->nInternal = pIdx->nSlot;
    p->nMember = pIdx->nCounted;
    p->nMemberSlot = pIdx->nMem;
    p->nBytePerOrg += pIdx->nFig * (int)sizeof(int32_t);
    p->nByte = (long long)sizeof(Index) + (long long)pIdx->nMem * (long long)sizeof(SMember) +
               (long long)pIdx->nOrg * (long long)sizeof(SOrg) +
               (long long)pIdx->nFigOrg * pIdx->nFig * (long long)sizeof(int32_t) +
               (long long)pIdx->nSlotAlloc * p->nBytePerInternal;
  }
  p->buildSeconds = gBuildSeconds;
  p->nBuild = gnBuild;
  pthread_rwlock_unlock(&stats_lock);
}

int stats_index_members(long long orgId, long long *pn) {
  int32_t a[STATS_NBUCKET];
  uint64_t gen;
  if (stats_index_sync() || stats_index_counts(orgId, a, &gen)) return -1;
  *pn = a[STATS_B_MEMBERS];
  return 0;
}
