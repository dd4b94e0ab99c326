/* db.h: the one layer that talks SQL. Every module goes through it.
 *
 * Each thread has its own SQLite connection (WAL mode, busy timeout, foreign
 * keys off), opened on first use from the path given to db_open(), with a
 * cache of prepared statements keyed by SQL text, so a statement is prepared
 * once per thread and reused. Parameters are always bound, never pasted:
 * the zTypes string names one argument per character:
 *   't' const char* text (NULL binds NULL)   'i' int   'I' long long
 *   'n' NULL (no argument)                   'T' const char* text, "" binds NULL
 * A statement returned by db_stmt() belongs to the cache: step it, read it,
 * and leave it (the next db_stmt() of the same SQL resets it).
 * Errors are logged to stderr with the SQL and SQLite's message; functions
 * return -1 (or the documented default) and the caller rolls back.
 *
 * The PostgreSQL back end will replace this file's body; the interface is
 * kept free of SQLite types for that reason, except DbStmt below which
 * wraps sqlite3_stmt. */
#ifndef QJ_DB_H
#define QJ_DB_H
#include <stddef.h>

typedef struct sqlite3_stmt DbStmt;

/* Opens (bCreate: creates) the database at zPath for this process and checks
 * it is a Qiangji database (or empty). Migrations are not the database
 * layer's: schema_open (schema.h) opens and migrates. Returns 0, or -1 with
 * a message on stderr. */
int db_open(const char *zPath, int bCreate);
/* Closes this thread's connection (statement cache included). */
void db_close(void);
const char *db_path(void);

/* A cached, reset statement with parameters bound; NULL on error. */
DbStmt *db_stmt(const char *zSql, const char *zTypes, ...);
/* A cached, reset statement with nothing bound, for SQL whose number of
 * parameters is known only at run time (a multi-row INSERT): bind each
 * parameter (i from 1) with db_bind_text or db_bind_int, then db_step. */
DbStmt *db_prepare(const char *zSql);
/* Binds text (NULL binds NULL; not copied: it must stay as it is until the
 * statement has been stepped) or an integer. 0, or -1 (logged). */
int db_bind_text(DbStmt *p, int i, const char *z);
int db_bind_int(DbStmt *p, int i, long long v);
/* sqlite3_step: 1 for a row, 0 when done, -1 on error (logged). */
int db_step(DbStmt *p);
/* Column readers; db_col_text never returns NULL ("" for NULL). */
const char *db_col_text(DbStmt *p, int i);
int db_col_isnull(DbStmt *p, int i);
long long db_col_int(DbStmt *p, int i);
/* Copy of a text column, or NULL for NULL; caller frees. */
char *db_col_dup(DbStmt *p, int i);

/* Runs a statement to completion. Returns 0 or -1. */
int db_exec(const char *zSql, const char *zTypes, ...);
/* First column of the first row as an integer, or dflt when no row. */
long long db_int(long long dflt, const char *zSql, const char *zTypes, ...);
/* First column of the first row as a new string (caller frees), or NULL. */
char *db_text(const char *zSql, const char *zTypes, ...);
/* 1 if the query returns a row, 0 if not, -1 on error. */
int db_exists(const char *zSql, const char *zTypes, ...);
/* Rows changed by the last statement, and the last inserted rowid. */
int db_changes(void);
long long db_last_rowid(void);
/* Runs a script of several statements with no parameters. 0 or -1. */
int db_script(const char *zSql);

/* Drops the named indexes of table zTable inside the caller's transaction
 * and returns a script that re-creates them (caller frees; "" when none),
 * or NULL on error. For a bulk load into an empty table: an index built
 * once at the end by sorting costs a fraction of one kept up row by row.
 * Run the script with db_script before the commit. */
char *db_indexes_drop(const char *zTable);

/* How the connection of this thread is tuned for a job. Only db.c sets a
 * PRAGMA; modules say what they do. */
typedef enum DbTune {
  DB_TUNE_NORMAL,    /* as opened: the defaults every request runs with */
  DB_TUNE_IMPORT,    /* a bulk load: a 256 MiB page cache, helper threads for sorting */
  DB_TUNE_DEMO,      /* building a throwaway demo: no fsync at commits */
  DB_TUNE_SCAN,      /* reading most of a big database: memory-map it */
} DbTune;
void db_tune(DbTune t);

/* Memory for a server. Each worker thread has its own connection over the
 * one file, and with the CLI's 64 MiB page cache each grew toward the whole
 * working set: resident memory rose from 80 to 162 MB in a 5½-minute soak,
 * the same pages held four times over while the OS caches the file anyway.
 * From this call on, connections open (and DB_TUNE_NORMAL returns) with
 * nKibPerConnection of page cache, and SQLite keeps its whole heap under a
 * soft limit of nSoftLimitMib: near it, page caches reuse their pages
 * rather than grow (an import's DB_TUNE_IMPORT cache included). */
void db_serve_memory(int nKibPerConnection, int nSoftLimitMib);

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE). */
int db_begin(void);
int db_commit(void);
void db_rollback(void);
int db_in_transaction(void);

/* ---- backup and restore ---------------------------------------------------
 * The file-level work on a database: what SQLite's files, locks and
 * journals look like is known here only. */

/* Opens zPath read-only for this process (nothing in or beside the file is
 * written; no migrations) and checks it is a Qiangji database, as db_open.
 * 0, or -1 with a message. */
int db_open_readonly(const char *zPath);
/* Copies the open database, as it was when the copy began, to zOut (which
 * must not exist) while other connections and processes go on writing:
 * SQLite's online backup, in steps, inside one read transaction (a snapshot
 * under WAL), drawing util_progress. The copy is written beside zOut, in
 * rollback-journal mode (one self-contained file), then zFinish (SQL
 * statements; ?1..?nParam bound to azParam, as text) runs on the copy in
 * one transaction, then it is synced and renamed to zOut. 0, or -1 with a
 * message and nothing left at zOut. */
int db_backup(const char *zOut, const char *zFinish, const char *const *azParam, int nParam);
/* PRAGMA integrity_check on the open database: 0 when "ok", 1 with
 * *pzProblem the first problem (caller frees), -1 when it could not run. */
int db_integrity(char **pzProblem);
/* Claims database zPath for a restore: 0 when no other process has it open
 * (then *pFd holds a lock on its WAL index that keeps a server starting
 * meanwhile from reading it, until db_release), 1 when another process
 * has it open, -1 on error (message). A path that does not exist: 0,
 * *pFd -1. Locks on network file systems may not be seen. */
int db_claim(const char *zPath, int *pFd);
void db_release(int fd);
/* Copies the file zFrom to zTo (created: must not exist) and syncs it.
 * Refuses a zFrom with a non-empty -wal beside it (part of it would be
 * missing). 0, or -1 with a message and no zTo. */
int db_file_copy(const char *zFrom, const char *zTo);
/* Puts the file zNew in place of database zPath in one rename, after the
 * old database (with its -wal) is kept as zKeep (zKeep NULL: removed); the
 * directory is synced. The caller holds db_claim. 0, or -1 with a message. */
int db_replace(const char *zNew, const char *zPath, const char *zKeep);
/* 1 when the last failed statement of this thread failed because the
 * storage is full (SQLITE_FULL, or an I/O error with ENOSPC or EDQUOT), so
 * that the caller, having rolled back, can say so (HTTP 507, the CLI's
 * message) instead of "internal error". db_begin clears it; _take also
 * clears it, for the one place that answers it. */
int db_storage_full(void);
int db_storage_full_take(void);

/* Schema version after migrations (PRAGMA user_version). */
int db_schema_version(void);
#endif
