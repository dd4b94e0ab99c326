/* db.c: SQLite behind the db.h interface: per-thread connections, a
 * statement cache, bound parameters, transactions and migrations. */
#include "db.h"
#include "buf.h"
#include "events.h"
#include "util.h"
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_BUSY_MS 10000   /* the one place the busy timeout is set */
#define DB_CACHE 160       /* statements cached per thread */

/* The page cache (KiB) a connection opens with and DB_TUNE_NORMAL puts
 * back: 64 MiB for the CLI's one connection; db_serve_memory lowers it. */
static int nCacheKib = 65536;

static char *zDbPath;      /* set once by db_open, read by every thread */

typedef struct CacheEntry {
  const char *zKey;        /* the caller's pointer (usually a literal): a fast first guess */
  const char *zSql;        /* SQLite's own copy of the text, compared to be sure */
  sqlite3_stmt *pStmt;
} CacheEntry;

/* Per-thread state: owned by its thread only, so no lock. */
static _Thread_local sqlite3 *tDb;
static _Thread_local CacheEntry tCache[DB_CACHE];
static _Thread_local int tnCache;
/* What db_tune changed on this thread's connection, so that DB_TUNE_NORMAL
 * puts back only that (SQLite refuses to change synchronous inside a
 * transaction, where an import ends its tuning). */
static _Thread_local unsigned tTuned;
/* Set when a statement of this thread failed because the storage is full
 * (db_storage_full); cleared by db_begin and by db_storage_full_take. */
static _Thread_local int tFull;

/* Closes a thread's connection when the thread ends (server workers). */
static pthread_key_t closeKey;
static pthread_once_t closeOnce = PTHREAD_ONCE_INIT;
static void close_at_exit(void *p) {
  (void)p;
  db_close();
}
static void make_close_key(void) { pthread_key_create(&closeKey, close_at_exit); }

static int db_connect(void) {
  if (tDb) return 0;
  pthread_once(&closeOnce, make_close_key);
  pthread_setspecific(closeKey, (void *)1);
  if (!zDbPath) {
    util_die_msg("internal: database used before db_open");
    return -1;
  }
  if (sqlite3_open_v2(zDbPath, &tDb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, 0) != SQLITE_OK) {
    util_die_msg("cannot open database %s: %s", zDbPath, tDb ? sqlite3_errmsg(tDb) : "out of memory");
    sqlite3_close(tDb);
    tDb = 0;
    return -1;
  }
  sqlite3_busy_timeout(tDb, DB_BUSY_MS);
  char zPragma[200];
  snprintf(zPragma, sizeof zPragma, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"
           "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-%d;", nCacheKib);
  sqlite3_exec(tDb, zPragma, 0, 0, 0);
  return 0;
}

/* Whether this thread's last error means the storage is full: SQLITE_FULL
 * (the file system refused to grow a file, or the page limit), or an I/O
 * error whose system error is ENOSPC or EDQUOT (a WAL frame or a -shm page
 * that could not be written). Any other I/O error stays an internal one: a
 * failing disk is not a full one. */
static void db_note_full(void) {
  if (!tDb) return;
  int rc = sqlite3_extended_errcode(tDb), e = sqlite3_system_errno(tDb);
  if ((rc & 0xff) == SQLITE_FULL || ((rc & 0xff) == SQLITE_IOERR && (e == ENOSPC || e == EDQUOT))) tFull = 1;
}

static void db_log(const char *zWhat, const char *zSql) {
  db_note_full();
  fprintf(stderr, "qiangji: database error in %s: %s [%.200s]%s\n", zWhat,
          tDb ? sqlite3_errmsg(tDb) : "no connection", zSql ? zSql : "",
          tFull ? " (storage full: nothing of this transaction was kept)" : "");
}

int db_storage_full(void) { return tFull; }
int db_storage_full_take(void) {
  int b = tFull;
  tFull = 0;
  return b;
}

int db_open(const char *zPath, int bCreate) {
  if (!bCreate) {
    FILE *f = fopen(zPath, "rb");
    if (!f) {
      util_die_msg("no database at %s (create one with: qiangji init --db %s)", zPath, zPath);
      return -1;
    }
    fclose(f);
  }
  db_close();
  free(zDbPath);
  zDbPath = xstrdup(zPath);
  if (bCreate) {
    sqlite3 *p = 0;
    int rc = sqlite3_open_v2(zPath, &p, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 0);
    sqlite3_close(p);
    if (rc != SQLITE_OK) {
      util_die_msg("cannot create database %s", zPath);
      return -1;
    }
  }
  if (db_connect()) return -1;
  int v = db_schema_version();
  if (v < 0) return -1;
  if (v > 0) {
    char *zApp = db_text("SELECT value FROM qj_meta WHERE key='application'", "");
    int ok = zApp && strcmp(zApp, "qiangji") == 0;
    free(zApp);
    if (!ok) {
      util_die_msg("%s is not a Qiangji database", zPath);
      return -1;
    }
  } else if (!bCreate) {
    if (db_exists("SELECT 1 FROM sqlite_schema", "") != 0) {
      util_die_msg("%s is not a Qiangji database", zPath);
      return -1;
    }
  }
  return 0;
}

void db_close(void) {
  tTuned = 0;
  for (int i = 0; i < tnCache; i++) sqlite3_finalize(tCache[i].pStmt);
  tnCache = 0;
  if (tDb) sqlite3_close(tDb);
  tDb = 0;
}

const char *db_path(void) { return zDbPath ? zDbPath : ""; }

static sqlite3_stmt *db_cached(const char *zSql) {
  if (db_connect()) return 0;
  int iHit = -1;
  for (int i = 0; i < tnCache && iHit < 0; i++)
    if (tCache[i].zKey == zSql && strcmp(tCache[i].zSql, zSql) == 0) iHit = i;
  for (int i = 0; i < tnCache && iHit < 0; i++)
    if (strcmp(tCache[i].zSql, zSql) == 0) iHit = i;
  if (iHit >= 0) {
    tCache[iHit].zKey = zSql;
    sqlite3_reset(tCache[iHit].pStmt);
    sqlite3_clear_bindings(tCache[iHit].pStmt);
    return tCache[iHit].pStmt;
  }
  sqlite3_stmt *p = 0;
  if (sqlite3_prepare_v3(tDb, zSql, -1, SQLITE_PREPARE_PERSISTENT, &p, 0) != SQLITE_OK) {
    db_log("prepare", zSql);
    return 0;
  }
  if (tnCache == DB_CACHE) {  /* full: drop the oldest */
    sqlite3_finalize(tCache[0].pStmt);
    memmove(tCache, tCache + 1, sizeof(tCache[0]) * (DB_CACHE - 1));
    tnCache--;
  }
  tCache[tnCache].zKey = zSql;
  tCache[tnCache].zSql = sqlite3_sql(p);
  tCache[tnCache].pStmt = p;
  tnCache++;
  return p;
}

static DbStmt *db_vstmt(const char *zSql, const char *zTypes, va_list ap) {
  sqlite3_stmt *p = db_cached(zSql);
  if (!p) return 0;
  for (int i = 0; zTypes[i]; i++) {
    int rc = SQLITE_OK;
    switch (zTypes[i]) {
      case 't': {
        const char *z = va_arg(ap, const char *);
        rc = z ? sqlite3_bind_text(p, i + 1, z, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(p, i + 1);
        break;
      }
      case 'T': {
        const char *z = va_arg(ap, const char *);
        rc = z && z[0] ? sqlite3_bind_text(p, i + 1, z, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(p, i + 1);
        break;
      }
      case 'i': rc = sqlite3_bind_int(p, i + 1, va_arg(ap, int)); break;
      case 'I': rc = sqlite3_bind_int64(p, i + 1, va_arg(ap, long long)); break;
      case 'n': rc = sqlite3_bind_null(p, i + 1); break;
      default:
        fprintf(stderr, "qiangji: internal: bad bind type '%c' for [%s]\n", zTypes[i], zSql);
        return 0;
    }
    if (rc != SQLITE_OK) {
      db_log("bind", zSql);
      return 0;
    }
  }
  return p;
}

DbStmt *db_stmt(const char *zSql, const char *zTypes, ...) {
  va_list ap;
  va_start(ap, zTypes);
  DbStmt *p = db_vstmt(zSql, zTypes, ap);
  va_end(ap);
  return p;
}

char *db_indexes_drop(const char *zTable) {
  Buf script = BUF_INIT, drop = BUF_INIT;
  DbStmt *s = db_stmt("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL"
                      " ORDER BY name", "t", zTable);
  int rc = s ? 0 : -1;
  while (s && (rc = db_step(s)) == 1) {
    buf_printf(&script, "%s;\n", db_col_text(s, 1));
    char *zDrop = sqlite3_mprintf("DROP INDEX \"%w\";\n", db_col_text(s, 0));
    buf_printf(&drop, "%s", zDrop);
    sqlite3_free(zDrop);
  }
  if (rc == 0 && drop.n) rc = db_script(buf_str(&drop));
  buf_free(&drop);
  if (rc) {
    buf_free(&script);
    return 0;
  }
  char *z = xstrdup(buf_str(&script));
  buf_free(&script);
  return z;
}

DbStmt *db_prepare(const char *zSql) { return db_cached(zSql); }

int db_bind_text(DbStmt *p, int i, const char *z) {
  int rc = z ? sqlite3_bind_text(p, i, z, -1, SQLITE_STATIC) : sqlite3_bind_null(p, i);
  if (rc == SQLITE_OK) return 0;
  db_log("bind", sqlite3_sql(p));
  return -1;
}

int db_bind_int(DbStmt *p, int i, long long v) {
  if (sqlite3_bind_int64(p, i, v) == SQLITE_OK) return 0;
  db_log("bind", sqlite3_sql(p));
  return -1;
}

int db_step(DbStmt *p) {
  if (!p) return -1;
  int rc = sqlite3_step(p);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  db_log("step", sqlite3_sql(p));
  sqlite3_reset(p);
  return -1;
}

const char *db_col_text(DbStmt *p, int i) {
  const unsigned char *z = sqlite3_column_text(p, i);
  return z ? (const char *)z : "";
}

int db_col_isnull(DbStmt *p, int i) { return sqlite3_column_type(p, i) == SQLITE_NULL; }

long long db_col_int(DbStmt *p, int i) { return sqlite3_column_int64(p, i); }

char *db_col_dup(DbStmt *p, int i) {
  if (db_col_isnull(p, i)) return 0;
  return xstrdup(db_col_text(p, i));
}

int db_exec(const char *zSql, const char *zTypes, ...) {
  va_list ap;
  va_start(ap, zTypes);
  DbStmt *p = db_vstmt(zSql, zTypes, ap);
  va_end(ap);
  if (!p) return -1;
  int rc;
  while ((rc = db_step(p)) == 1) {}
  sqlite3_reset(p);
  return rc;
}

long long db_int(long long dflt, const char *zSql, const char *zTypes, ...) {
  va_list ap;
  va_start(ap, zTypes);
  DbStmt *p = db_vstmt(zSql, zTypes, ap);
  va_end(ap);
  if (!p) return dflt;
  long long v = db_step(p) == 1 && !db_col_isnull(p, 0) ? db_col_int(p, 0) : dflt;
  sqlite3_reset(p);
  return v;
}

char *db_text(const char *zSql, const char *zTypes, ...) {
  va_list ap;
  va_start(ap, zTypes);
  DbStmt *p = db_vstmt(zSql, zTypes, ap);
  va_end(ap);
  if (!p) return 0;
  char *z = db_step(p) == 1 ? db_col_dup(p, 0) : 0;
  sqlite3_reset(p);
  return z;
}

int db_exists(const char *zSql, const char *zTypes, ...) {
  va_list ap;
  va_start(ap, zTypes);
  DbStmt *p = db_vstmt(zSql, zTypes, ap);
  va_end(ap);
  if (!p) return -1;
  int rc = db_step(p);
  sqlite3_reset(p);
  return rc;
}

int db_changes(void) { return tDb ? sqlite3_changes(tDb) : 0; }
long long db_last_rowid(void) { return tDb ? sqlite3_last_insert_rowid(tDb) : 0; }

int db_script(const char *zSql) {
  if (db_connect()) return -1;
  char *zErr = 0;
  if (sqlite3_exec(tDb, zSql, 0, 0, &zErr) != SQLITE_OK) {
    db_note_full();
    fprintf(stderr, "qiangji: database error: %s [%.200s]%s\n", zErr ? zErr : "?", zSql,
            tFull ? " (storage full: nothing of this transaction was kept)" : "");
    sqlite3_free(zErr);
    return -1;
  }
  return 0;
}

void db_tune(DbTune t) {
  switch (t) {
    case DB_TUNE_NORMAL:
      if (tTuned & (1u << DB_TUNE_IMPORT)) {
        char zPragma[80];
        snprintf(zPragma, sizeof zPragma, "PRAGMA cache_size=-%d; PRAGMA threads=0", nCacheKib);
        db_script(zPragma);
      }
      if (tTuned & (1u << DB_TUNE_DEMO)) db_script("PRAGMA synchronous=NORMAL");
      if (tTuned & (1u << DB_TUNE_SCAN)) db_script("PRAGMA mmap_size=0");
      tTuned = 0;
      return;
    case DB_TUNE_IMPORT: db_script("PRAGMA cache_size=-262144; PRAGMA threads=2"); break;
    case DB_TUNE_DEMO: db_script("PRAGMA synchronous=OFF"); break;
    case DB_TUNE_SCAN: db_script("PRAGMA mmap_size=8589934592"); break;
  }
  tTuned |= 1u << t;
}

void db_serve_memory(int nKibPerConnection, int nSoftLimitMib) {
  nCacheKib = nKibPerConnection;
  sqlite3_soft_heap_limit64((sqlite3_int64)nSoftLimitMib << 20);
}

int db_begin(void) {
  events_rollback();  /* notes of an earlier transaction that was never ended */
  tFull = 0;
  return db_script("BEGIN IMMEDIATE");
}
int db_commit(void) {
  if (db_script("COMMIT")) return -1;
  events_commit();
  return 0;
}
void db_rollback(void) {
  if (tDb && !sqlite3_get_autocommit(tDb)) sqlite3_exec(tDb, "ROLLBACK", 0, 0, 0);
  events_rollback();
}
int db_in_transaction(void) { return tDb && !sqlite3_get_autocommit(tDb); }

int db_schema_version(void) {
  return (int)db_int(-1, "PRAGMA user_version", "");
}
