/* meeting_file.c: attachments of meetings (PDF or images). They are stored
 * once by content: the bytes live in a directory beside the database,
 * DB.files/ab/abcdef... named by their SHA-256 (written to a temporary name
 * and renamed, so a file is whole or absent); the table life_blob keeps each
 * hash's size and type, and each meeting's attachment row names the hash. A
 * file left behind by a rolled-back upload is harmless: the same bytes would
 * get the same name. */
#include "meeting.h"
#include "hash.h"
#include "module.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIFE_MAX_ATTACH (10 << 20)   /* 10 MiB a file */

const char *life_sniff_mime(const unsigned char *p, size_t n) {
  if (n >= 5 && memcmp(p, "%PDF-", 5) == 0) return "application/pdf";
  if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
  if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "image/jpeg";
  if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) return "image/gif";
  if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) return "image/webp";
  return 0;
}

/* The file of a hash: DB.files/ab/abcd... (caller frees). */
static char *blob_path(const char *zHash) { return xprintf("%s.files/%.2s/%s", db_path(), zHash, zHash); }

/* Writes the bytes under their hash unless a file is there already. 0 or -1. */
static int blob_store(const char *zHash, const char *p, size_t n) {
  char *zPath = blob_path(zHash), *zDir = xprintf("%s.files", db_path()), *zSub = xprintf("%s/%.2s", zDir, zHash);
  char *zTmp = xprintf("%s.tmp%d", zPath, (int)getpid());
  int rc = 0;
  struct stat st;
  if (stat(zPath, &st) != 0) {
    mkdir(zDir, 0750);
    mkdir(zSub, 0750);
    int fd = open(zTmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    size_t off = 0;
    while (fd >= 0 && off < n) {
      ssize_t w = write(fd, p + off, n - off);
      if (w <= 0) break;
      off += (size_t)w;
    }
    rc = fd < 0 || off != n || fsync(fd) != 0;
    if (fd >= 0 && close(fd)) rc = 1;
    if (!rc && rename(zTmp, zPath)) rc = 1;
    if (rc) {
      fprintf(stderr, "qiangji: cannot store attachment %s: %s\n", zPath, strerror(errno));
      unlink(zTmp);
    }
  }
  free(zPath);
  free(zDir);
  free(zSub);
  free(zTmp);
  return rc ? -1 : 0;
}

static void attachment_add(Req *r) {
  const char *zName = api_query(r, "name");
  if (!zName || !zName[0]) {
    api_error(r, 400, "required", "name", "缺少文件名 name");
    return;
  }
  for (const char *p = zName; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == '/' || *p == '\\') {
      api_error(r, 400, "invalid", "name", "文件名不能含有控制字符或路径分隔符");
      return;
    }
  if (r->body.n > LIFE_MAX_ATTACH) {
    api_error(r, 413, "too_large", 0, "附件超过 %d MiB", LIFE_MAX_ATTACH >> 20);
    return;
  }
  const char *zMime = life_sniff_mime((const unsigned char *)r->body.z, r->body.n);
  if (!r->body.n || !zMime) {
    api_error(r, 415, "unsupported_type", 0, "附件只能是 PDF 或图片（PNG、JPEG、GIF、WebP）");
    return;
  }
  char zHash[65], zAt[32];
  hash_sha256_hex(r->body.z, r->body.n, zHash);
  util_timestamp(zAt);
  long long old = db_int(0, "SELECT id FROM meeting_attachment WHERE meeting_id=? AND sha256=?", "It", r->objectId, zHash);
  long long aid = old;
  if (!old) {
    int rc = db_begin();
    if (!rc && db_exists("SELECT 1 FROM life_blob WHERE sha256=?", "t", zHash) != 1) {
      rc = blob_store(zHash, r->body.z, r->body.n) ||
           db_exec("INSERT INTO life_blob(sha256, size, mime) VALUES(?,?,?)", "tIt", zHash, (long long)r->body.n, zMime);
    }
    if (!rc)
      rc = db_exec("INSERT INTO meeting_attachment(meeting_id, sha256, name, created_at) VALUES(?,?,?,?)", "Ittt",
                   r->objectId, zHash, zName, zAt);
    aid = db_last_rowid();
    char zKey[32];
    snprintf(zKey, sizeof zKey, "%lld", r->objectId);
    json_t *pAfter = json_pack("{s:I, s:s, s:s, s:I, s:s}", "attachment_id", (json_int_t)aid, "name", zName, "sha256",
                               zHash, "size", (json_int_t)r->body.n, "mime", zMime);
    if (!rc) rc = audit_append(api_actor(r), "attach", "meeting", zKey, r->scope.id, 0, pAfter);
    json_decref(pAfter);
    if (rc || db_commit()) {
      api_internal(r);
      return;
    }
  }
  char *zStored = db_text("SELECT name FROM meeting_attachment WHERE id=?", "I", aid);
  api_json(r, old ? 200 : 201,
           json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)aid, "name", zStored ? zStored : zName, "size",
                     (json_int_t)r->body.n, "mime", zMime, "sha256", zHash));
  free(zStored);
}

static void attachment_get(Req *r) {
  long long aid = atoll(r->azParam[1]);
  DbStmt *s = db_stmt("SELECT b.mime, a.name FROM meeting_attachment a JOIN life_blob b ON b.sha256=a.sha256"
                      " WHERE a.id=? AND a.meeting_id=?", "II", aid, r->objectId);
  if (!s || db_step(s) != 1) {
    api_error(r, 404, "not_found", 0, "没有这个附件");
    return;
  }
  static const char *const azMime[] = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", 0};
  const char *zMime = "application/octet-stream";
  for (int i = 0; azMime[i]; i++)
    if (strcmp(db_col_text(s, 0), azMime[i]) == 0) zMime = azMime[i];
  long long n = db_int(0, "SELECT b.size FROM meeting_attachment a JOIN life_blob b ON b.sha256=a.sha256 WHERE a.id=?",
                       "I", aid);
  char *zName = xstrdup(db_col_text(s, 1)), *zHash = db_text("SELECT sha256 FROM meeting_attachment WHERE id=?", "I", aid);
  db_step(s);
  char *zPath = blob_path(zHash ? zHash : "");
  int fd = open(zPath, O_RDONLY | O_CLOEXEC);
  free(zPath);
  free(zHash);
  if (fd < 0) {
    fprintf(stderr, "qiangji: attachment %lld: its file is missing\n", aid);
    free(zName);
    api_internal(r);
    return;
  }
  api_file(r, fd, n, zMime, zName);
  free(zName);
}

static const QParam aNameQ[] = {{"name", Q_TEXT, 0, 100, 0}, {0, 0, 0, 0, 0}};

static const Route aRouteTable[] = {
  {"POST", "/api/v1/meetings/{id}/attachments", attachment_add, R_WRITE | R_OBJECT | R_RAWBODY, aNameQ,
   "attach a PDF or image (up to 10 MiB), stored once by SHA-256", 0, 0, life_meeting_org},
  {"GET", "/api/v1/meetings/{id}/attachments/{aid}", attachment_get, R_STAFF | R_OBJECT, 0, "download an attachment",
   0, 0, life_meeting_org},
};

static const char *const azAuditAction[] = {"attach", 0};
static const char *const azAuditActionName[] = {"上传附件", 0};
static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
};

const Module meeting_file_module = {
  .aEnum = MODULE_ARRAY(aEnum),
  .zName = "meeting_file",
  .aRoute = MODULE_ARRAY(aRouteTable),
};
