/* backup.c: `qiangji backup` and `qiangji restore`.
 *
 * A backup is one SQLite file, a snapshot of the database as it was when
 * the copy began, made while the server goes on writing (db_backup: the
 * online backup API inside one read transaction). The copy describes itself:
 * four rows of its qj_meta, written into the copy only, say when it was made
 * (backup_at, UTC), of which file (backup_of), and the audit log's head at
 * that moment (backup_audit_seq, backup_audit_hash: the last entry's id and
 * SHA-256), which the summary line also prints, so that the journal of the
 * nightly timer keeps a record of each backup's head outside the file.
 *
 * A restore copies the file beside the database, checks the copy
 * (PRAGMA integrity_check; the audit chain from the first entry; its head
 * against the recorded one, so a backup whose last entries were cut off is
 * refused too) and only then puts it in place in one rename. It refuses a
 * database another process has open (a running server), and keeps the
 * replaced database as PATH.before-restore-YYYYMMDDTHHMMSSZ unless
 * --force-discard. */
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "module.h"
#include "util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a database holds, for the summary lines. */
typedef struct Contents {
  long long nOrg, nMember, nAudit, iHead;
  char *zHead;        /* the last audit entry's hash, "" when none (malloc'ed) */
} Contents;

static void contents_read(Contents *p) {
  p->nOrg = db_int(-1, "SELECT count(*) FROM org", "");
  p->nMember = db_int(-1, "SELECT count(*) FROM member", "");
  p->nAudit = db_int(-1, "SELECT count(*) FROM audit", "");
  p->iHead = db_int(0, "SELECT id FROM audit ORDER BY id DESC LIMIT 1", "");
  p->zHead = db_text("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", "");
  if (!p->zHead) p->zHead = xstrdup("");
}

static char *meta_get(const char *zKey) { return db_text("SELECT value FROM qj_meta WHERE key=?", "t", zKey); }

/* Run on the copy, in its own transaction: the notes of the backup. */
static const char zNotes[] =
    "INSERT INTO qj_meta(key, value) VALUES('backup_at', ?1), ('backup_of', ?2)"
    " ON CONFLICT(key) DO UPDATE SET value=excluded.value;"
    "INSERT INTO qj_meta(key, value) SELECT 'backup_audit_seq', coalesce(max(id), 0) FROM audit WHERE 1"
    " ON CONFLICT(key) DO UPDATE SET value=excluded.value;"
    "INSERT INTO qj_meta(key, value) VALUES('backup_audit_hash',"
    " coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), ''))"
    " ON CONFLICT(key) DO UPDATE SET value=excluded.value;";

static int cmd_backup(const CliArgs *p) {
  const char *zDb = cli_opt(p, "db"), *zOut = cli_opt(p, "out");
  double t0 = util_now();
  /* Opened as it is: a backup never migrates the database it copies. */
  if (db_open(zDb, 0)) return 1;
  char zAt[32];
  util_timestamp(zAt);
  char *zAbs = realpath(zDb, 0);
  const char *azParam[] = {zAt, zAbs ? zAbs : zDb};
  int rc = db_backup(zOut, zNotes, azParam, 2);
  free(zAbs);
  if (rc) return 1;
  /* The summary is read from the copy itself. */
  if (db_open_readonly(zOut)) return 1;
  Contents c;
  contents_read(&c);
  db_close();
  struct stat st;
  double nMiB = stat(zOut, &st) == 0 ? (double)st.st_size / (1 << 20) : 0;
  printf("已备份 %s → %s：组织 %lld 个，党员 %lld 名，审计 %lld 条，审计链头 #%lld %s，备份时刻 %s，%.1f MiB，用时 %.1f 秒\n",
         zDb, zOut, c.nOrg, c.nMember, c.nAudit, c.iHead, c.zHead[0] ? c.zHead : "（无）", zAt, nMiB, util_now() - t0);
  free(c.zHead);
  return 0;
}

/* Checks the open copy; fills *pC. 0, or 1 with the reason on stderr. */
static int restore_check(const char *zFrom, Contents *pC, char **pzAt, char **pzOf) {
  char *zProblem = 0;
  int rc = db_integrity(&zProblem);
  if (rc) {
    util_die_msg("%s 未通过完整性检查（PRAGMA integrity_check）：%s；未做任何改动", zFrom,
                 zProblem ? zProblem : "无法运行检查");
    free(zProblem);
    return 1;
  }
  long long nEntry = 0, iBad = 0;
  const char *zWhy = 0;
  if (audit_verify(&nEntry, &iBad, &zWhy)) {
    if (iBad) util_die_msg("%s 的审计链在第 %lld 条断开（%s）；未做任何改动", zFrom, iBad, zWhy);
    else util_die_msg("%s 的审计日志无法读取；未做任何改动", zFrom);
    return 1;
  }
  contents_read(pC);
  char *zSeq = meta_get("backup_audit_seq"), *zHash = meta_get("backup_audit_hash");
  *pzAt = meta_get("backup_at");
  *pzOf = meta_get("backup_of");
  rc = 0;
  if (zSeq && (atoll(zSeq) != pC->iHead || !zHash || strcmp(zHash, pC->zHead) != 0)) {
    util_die_msg("%s 的审计链头 #%lld %s 与备份时记录的 #%s %s 不符（审计日志被截断或增添）；未做任何改动", zFrom,
                 pC->iHead, pC->zHead, zSeq, zHash ? zHash : "");
    rc = 1;
  }
  free(zSeq);
  free(zHash);
  return rc;
}

static void unlink_beside(const char *zPath, const char *zSuffix) {
  char *z = xprintf("%s%s", zPath, zSuffix);
  unlink(z);
  free(z);
}

static int cmd_restore(const CliArgs *p) {
  const char *zFrom = cli_opt(p, "from"), *zDb = cli_opt(p, "db");
  int bDiscard = cli_opt(p, "force-discard") != 0;
  struct stat st;
  if (stat(zFrom, &st) != 0) {
    util_die_msg("无法读取备份文件 %s：%s；未做任何改动", zFrom, errno == ENOENT ? "文件不存在" : strerror(errno));
    return 1;
  }
  if (!S_ISREG(st.st_mode)) {
    util_die_msg("%s 不是一个文件；未做任何改动", zFrom);
    return 1;
  }
  int fdLock = -1;
  int rc = db_claim(zDb, &fdLock);
  if (rc == 1) {
    util_die_msg("数据库 %s 正被另一个进程打开（qiangji serve 在运行？）：先停止它（systemctl stop qiangji），"
                 "再恢复；未做任何改动", zDb);
    return 1;
  }
  if (rc) return 1;
  char *zTmp = xprintf("%s.restore-tmp-%d", zDb, (int)getpid());
  Contents c = {0};
  char *zAt = 0, *zOf = 0, *zKeep = 0;
  rc = db_file_copy(zFrom, zTmp) ? 1 : 0;
  int bCopied = rc == 0;
  if (rc == 0 && db_open_readonly(zTmp)) {
    util_die_msg("%s 不是可读的 Qiangji 数据库；未做任何改动", zFrom);
    rc = 1;
  }
  if (rc == 0) rc = restore_check(zFrom, &c, &zAt, &zOf);
  db_close();
  unlink_beside(zTmp, "-wal");   /* what a read-only look at a WAL-mode file may leave */
  unlink_beside(zTmp, "-shm");
  if (rc == 0 && !bDiscard && stat(zDb, &st) == 0) {
    char zNow[32], zStamp[32];
    util_timestamp(zNow);
    size_t j = 0;
    for (const char *z = zNow; *z; z++)
      if (*z != '-' && *z != ':') zStamp[j++] = *z;
    zStamp[j] = 0;
    zKeep = xprintf("%s.before-restore-%s", zDb, zStamp);
  }
  if (rc == 0 && db_replace(zTmp, zDb, zKeep)) rc = 1;
  if (rc && bCopied) unlink(zTmp);
  db_release(fdLock);
  if (rc == 0) {
    printf("已恢复 %s → %s：组织 %lld 个，党员 %lld 名，审计 %lld 条（链完整），审计链头 #%lld %s；", zFrom, zDb, c.nOrg,
           c.nMember, c.nAudit, c.iHead, c.zHead[0] ? c.zHead : "（无）");
    if (zAt) printf("备份于 %s（源 %s）；", zAt, zOf ? zOf : "?");
    else printf("此文件不是 qiangji backup 制作的（没有备份记录）；");
    if (zKeep) printf("原数据库保留为 %s\n", zKeep);
    else printf("%s\n", bDiscard ? "原数据库已丢弃（--force-discard）" : "此前没有数据库");
  }
  free(c.zHead);
  free(zAt);
  free(zOf);
  free(zKeep);
  free(zTmp);
  return rc;
}

static const CliOpt aBackupOpt[] = {
  {"db", 1, 1, "the database to copy (it may be in use: the server goes on serving and writing)"},
  {"out", 1, 1, "the backup file to write (must not exist)"},
  {0, 0, 0, 0},
};
static const CliOpt aRestoreOpt[] = {
  {"from", 1, 1, "the backup file (from qiangji backup)"},
  {"db", 1, 1, "the database to replace or create (no process may have it open)"},
  {"force-discard", 0, 0, "do not keep the replaced database as PATH.before-restore-TIMESTAMP"},
  {0, 0, 0, 0},
};

static const Command aCommandTable[] = {
  {"backup", 0, cmd_backup, aBackupOpt, 0, 0, "",
   "Copies the database as it is at this moment into a new file while the server keeps running and writing "
   "(SQLite's online backup, a snapshot). The copy records when it was made and the audit log's head, which the "
   "summary line also prints."},
  {"restore", 0, cmd_restore, aRestoreOpt, 0, 0, "",
   "Replaces the database with a backup. Refuses while another process (a server) has the database open; checks "
   "the backup's integrity and its audit chain first and changes nothing when either fails; puts it in place in "
   "one rename and keeps the old database as PATH.before-restore-TIMESTAMP."},
};

const Module backup_module = {
  .zName = "backup",
  .aCommand = MODULE_ARRAY(aCommandTable),
};
