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
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DB_BUSY_MS 10000   /* the one place the busy timeout is set */
#define DB_CACHE 160       /* statements cached per thread */

/* The page cache (KiB) a connection opens with and DB_TUNE_NORMAL puts
 * back: 64 MiB for the CLI's one connection; db_serve_memory lowers it. */
static int nCacheKib = 65536;

static char *zDbPath;      /* set once by db_open, read by every thread */
static int bReadOnly;      /* db_open_readonly: connections open read-only */

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
  int flags = (bReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(zDbPath, &tDb, flags, 0) != SQLITE_OK) {
    util_die_msg("cannot open database %s: %s", zDbPath, tDb ? sqlite3_errmsg(tDb) : "out of memory");
    sqlite3_close(tDb);
    tDb = 0;
    return -1;
  }
  sqlite3_busy_timeout(tDb, DB_BUSY_MS);
  if (bReadOnly) {
    sqlite3_exec(tDb, "PRAGMA query_only=1; PRAGMA temp_store=MEMORY;", 0, 0, 0);
    return 0;
  }
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

static int db_open_mode(const char *zPath, int bCreate, int bRO) {
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
  bReadOnly = bRO;
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

int db_open(const char *zPath, int bCreate) { return db_open_mode(zPath, bCreate, 0); }
int db_open_readonly(const char *zPath) { return db_open_mode(zPath, 0, 1); }

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

/* ---- backup and restore ------------------------------------------------------ */

/* Syncs the directory that holds zPath, so that a rename in it lasts. */
static int sync_dir(const char *zPath) {
  char *zCopy = xstrdup(zPath);
  int fd = open(dirname(zCopy), O_RDONLY | O_DIRECTORY);
  free(zCopy);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static int sync_file(const char *zPath) {
  int fd = open(zPath, O_RDONLY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

/* Runs zSql (one or more statements) on connection p with ?1..?n bound to
 * azParam. SQLITE_OK or an error code; *pzErr SQLite's message. */
static int exec_bound(sqlite3 *p, const char *zSql, const char *const *azParam, int nParam, const char **pzErr) {
  const char *zTail = zSql;
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK && zTail && *zTail) {
    sqlite3_stmt *pStmt = 0;
    rc = sqlite3_prepare_v2(p, zTail, -1, &pStmt, &zTail);
    if (rc != SQLITE_OK || !pStmt) break;
    for (int i = 1; i <= sqlite3_bind_parameter_count(pStmt) && i <= nParam; i++)
      sqlite3_bind_text(pStmt, i, azParam[i - 1], -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {}
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_finalize(pStmt);
  }
  if (rc != SQLITE_OK) *pzErr = sqlite3_errmsg(p);
  return rc;
}

#define DB_BACKUP_STEP 1024   /* pages a step: 4 MiB of 4 KiB pages */

int db_backup(const char *zOut, const char *zFinish, const char *const *azParam, int nParam) {
  struct stat st;
  if (stat(zOut, &st) == 0) {
    util_die_msg("%s 已存在：备份只写新文件（换一个名字，或先删除它）", zOut);
    return -1;
  }
  if (db_connect()) return -1;
  char *zTmp = xprintf("%s.tmp-%d", zOut, (int)getpid());
  sqlite3 *pDest = 0;
  sqlite3_backup *pB = 0;
  const char *zErr = 0;
  int rc = SQLITE_OK;
  /* One read transaction for the whole copy: under WAL it is a snapshot
   * that writers go on past, and the backup never restarts. */
  if (db_script("BEGIN; SELECT count(*) FROM sqlite_schema")) {
    free(zTmp);
    return -1;
  }
  unlink(zTmp);
  rc = sqlite3_open_v2(zTmp, &pDest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 0);
  if (rc == SQLITE_OK) {
    pB = sqlite3_backup_init(pDest, "main", tDb, "main");
    if (!pB) rc = sqlite3_errcode(pDest);
  }
  while (pB) {
    rc = sqlite3_backup_step(pB, DB_BACKUP_STEP);
    long long nTotal = sqlite3_backup_pagecount(pB);
    util_progress("备份（页）", nTotal - sqlite3_backup_remaining(pB), nTotal);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      sqlite3_sleep(50);
      continue;
    }
    if (rc != SQLITE_OK) break;
  }
  long long nPage = pB ? sqlite3_backup_pagecount(pB) : 0;
  if (pB) {
    int rcFinish = sqlite3_backup_finish(pB);
    if (rc == SQLITE_DONE) rc = rcFinish;
  }
  util_progress_done("备份（页）", nPage);
  db_script("COMMIT");
  /* The copy: a file of its own (no -wal beside it), then the caller's notes. */
  if (rc == SQLITE_OK) rc = exec_bound(pDest, "PRAGMA journal_mode=DELETE", 0, 0, &zErr);
  if (rc == SQLITE_OK) rc = exec_bound(pDest, "BEGIN", 0, 0, &zErr);
  if (rc == SQLITE_OK && zFinish) rc = exec_bound(pDest, zFinish, azParam, nParam, &zErr);
  if (rc == SQLITE_OK) rc = exec_bound(pDest, "COMMIT", 0, 0, &zErr);
  if (rc != SQLITE_OK) {
    util_die_msg("备份失败：%s", zErr ? zErr : pDest ? sqlite3_errmsg(pDest) : sqlite3_errstr(rc));
  }
  sqlite3_close(pDest);
  if (rc == SQLITE_OK && sync_file(zTmp)) {
    util_die_msg("备份失败：无法同步 %s：%s", zTmp, strerror(errno));
    rc = SQLITE_IOERR;
  }
  if (rc == SQLITE_OK && link(zTmp, zOut) != 0) {   /* link: never replaces a file that appeared meanwhile */
    util_die_msg("备份失败：无法写 %s：%s", zOut, strerror(errno));
    rc = SQLITE_IOERR;
  }
  unlink(zTmp);
  char *zJ = xprintf("%s-journal", zTmp);
  unlink(zJ);
  free(zJ);
  free(zTmp);
  if (rc == SQLITE_OK) sync_dir(zOut);
  return rc == SQLITE_OK ? 0 : -1;
}

int db_integrity(char **pzProblem) {
  *pzProblem = 0;
  DbStmt *s = db_stmt("PRAGMA integrity_check(1)", "");
  if (!s || db_step(s) != 1) return -1;
  int rc = strcmp(db_col_text(s, 0), "ok") != 0;
  if (rc) *pzProblem = xstrdup(db_col_text(s, 0));
  sqlite3_reset(s);
  return rc;
}

/* What the unix VFS of SQLite locks: the database file's bytes from
 * PENDING_BYTE (1 GiB), and in the WAL index (-shm) the "dead man switch"
 * byte that every connection holds shared while it has the database open. */
#define DB_LOCK_FIRST 0x40000000
#define DB_LOCK_SIZE 512
#define DB_SHM_DMS 128

int db_claim(const char *zPath, int *pFd) {
  *pFd = -1;
  struct stat st;
  if (stat(zPath, &st) != 0) return errno == ENOENT ? 0 : (util_die_msg("%s：%s", zPath, strerror(errno)), -1);
  int fd = open(zPath, O_RDONLY);
  if (fd < 0) {
    util_die_msg("无法打开 %s：%s", zPath, strerror(errno));
    return -1;
  }
  struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = DB_LOCK_FIRST, .l_len = DB_LOCK_SIZE};
  int rc = fcntl(fd, F_GETLK, &lk);
  close(fd);
  if (rc != 0) {
    util_die_msg("无法检查 %s 的锁：%s", zPath, strerror(errno));
    return -1;
  }
  if (lk.l_type != F_UNLCK) return 1;
  char *zShm = xprintf("%s-shm", zPath);
  fd = open(zShm, O_RDWR);
  free(zShm);
  if (fd < 0) return 0;   /* no WAL index: nobody has it open in WAL mode */
  struct flock dms = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = DB_SHM_DMS, .l_len = 1};
  if (fcntl(fd, F_SETLK, &dms) != 0) {
    int e = errno;
    close(fd);
    if (e == EAGAIN || e == EACCES) return 1;
    util_die_msg("无法锁定 %s-shm：%s", zPath, strerror(e));
    return -1;
  }
  *pFd = fd;
  return 0;
}

void db_release(int fd) {
  if (fd >= 0) close(fd);
}

int db_file_copy(const char *zFrom, const char *zTo) {
  struct stat st;
  char *zWal = xprintf("%s-wal", zFrom);
  int bWal = stat(zWal, &st) == 0 && st.st_size > 0;
  free(zWal);
  if (bWal) {
    util_die_msg("%s 旁有未并入的 -wal 文件：它是一个正在使用的数据库，不是备份（用 qiangji backup 制作备份）", zFrom);
    return -1;
  }
  int fdIn = open(zFrom, O_RDONLY);
  if (fdIn < 0) {
    util_die_msg("无法读取 %s：%s", zFrom, strerror(errno));
    return -1;
  }
  int fdOut = open(zTo, O_WRONLY | O_CREAT | O_EXCL, 0640);
  if (fdOut < 0) {
    util_die_msg("无法创建 %s：%s", zTo, strerror(errno));
    close(fdIn);
    return -1;
  }
  char *zBuf = xmalloc(1 << 20);
  ssize_t n;
  int rc = 0;
  while ((n = read(fdIn, zBuf, 1 << 20)) > 0) {
    for (ssize_t k = 0; k < n;) {
      ssize_t w = write(fdOut, zBuf + k, (size_t)(n - k));
      if (w < 0) {
        if (errno == EINTR) continue;
        rc = -1;
        break;
      }
      k += w;
    }
    if (rc) break;
  }
  if (n < 0) rc = -1;
  int e = errno;
  free(zBuf);
  close(fdIn);
  if (rc == 0 && fsync(fdOut) != 0) rc = -1, e = errno;
  if (close(fdOut) != 0 && rc == 0) rc = -1, e = errno;
  if (rc) {
    util_die_msg("无法复制 %s 到 %s：%s", zFrom, zTo, strerror(e));
    unlink(zTo);
  }
  return rc;
}

int db_replace(const char *zNew, const char *zPath, const char *zKeep) {
  struct stat st, stOld;
  int bOld = stat(zPath, &stOld) == 0;
  char *zWal = xprintf("%s-wal", zPath);
  int rc = 0;
  if (bOld && zKeep) {
    /* The old database stays whole under its new name: the file by a hard
     * link (zPath goes on naming it until the rename below), its -wal moved
     * beside it, where SQLite looks for it. */
    char *zKeepWal = xprintf("%s-wal", zKeep);
    if (link(zPath, zKeep) != 0) {
      util_die_msg("无法保留原数据库为 %s：%s", zKeep, strerror(errno));
      rc = -1;
    } else if (stat(zWal, &st) == 0 && rename(zWal, zKeepWal) != 0) {
      util_die_msg("无法保留 %s：%s", zWal, strerror(errno));
      unlink(zKeep);
      rc = -1;
    }
    free(zKeepWal);
  } else if (bOld) {
    unlink(zWal);
  }
  /* A -wal left beside the new file would be replayed onto it. */
  if (rc == 0 && stat(zWal, &st) == 0) {
    util_die_msg("%s 仍然存在：不能把它并入恢复的数据库", zWal);
    rc = -1;
  }
  free(zWal);
  /* The new file belongs to whoever owned the old one (the service's user
   * when root restores), with its mode. */
  if (rc == 0 && bOld) {
    if (chown(zNew, stOld.st_uid, stOld.st_gid) != 0 && errno != EPERM) rc = -1;
    if (chmod(zNew, stOld.st_mode & 07777) != 0) rc = -1;
    if (rc) util_die_msg("无法设置 %s 的属主或权限：%s", zNew, strerror(errno));
  }
  if (rc == 0 && rename(zNew, zPath) != 0) {
    util_die_msg("无法把 %s 换成 %s：%s", zPath, zNew, strerror(errno));
    rc = -1;
  }
  if (rc == 0) sync_dir(zPath);
  return rc;
}

int db_schema_version(void) {
  return (int)db_int(-1, "PRAGMA user_version", "");
}
