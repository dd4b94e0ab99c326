/* auth.c: users, argon2id passwords, sessions with CSRF tokens, login
 * throttling; the /api/v1/session routes and the `user` CLI verbs. */
#include "auth.h"
#include "session.h"
#include "hash.h"
#include "module.h"
#include "audit.h"
#include "db.h"
#include "util.h"
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void random_hex(char *zOut, size_t nBytes) {
  unsigned char a[64];
  randombytes_buf(a, nBytes);
  sodium_bin2hex(zOut, nBytes * 2 + 1, a, nBytes);
}

static json_t *session_json(const User *u) {
  char *zName = db_text("SELECT name FROM org WHERE id=?", "I", u->orgId);
  json_t *p = json_pack("{s:{s:s, s:s, s:s, s:s, s:o}, s:s}", "user", "login", u->zLogin, "role",
                        role_name(u->role), "org_code", u->zOrgCode, "org_name", zName ? zName : "", "member_id",
                        u->memberId ? json_integer(u->memberId) : json_null(), "csrf_token", u->zCsrf);
  free(zName);
  return p;
}

/* A hash to verify against when the login does not exist, so that both
 * failures take the same time. */
static char zDummyHash[crypto_pwhash_STRBYTES];

static pthread_once_t dummyOnce = PTHREAD_ONCE_INIT;
static void make_dummy(void) {
  if (crypto_pwhash_str(zDummyHash, "not a password of anyone", 24, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE))
    abort();  /* out of memory at start-up */
}

static int hash_password(const char *zPw, char zOut[crypto_pwhash_STRBYTES]) {
  return crypto_pwhash_str(zOut, zPw, strlen(zPw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

/* POST /api/v1/session {"login","password"} */
/* The sign-in body. Both are taken exactly as typed (FT_SECRET). Their caps
 * are generous so that an over-long login or password is answered like any
 * wrong one (401) rather than with a 400 that tells it apart. */
enum { SN_LOGIN, SN_PASSWORD, SN_NFIELD };
static const Field aSessionField[SN_NFIELD] = {
  [SN_LOGIN] = {"login", "登录名", FT_SECRET, F_REQUIRED, 4096, 0, 0, 0, 0, 0, 0},
  [SN_PASSWORD] = {"password", "密码", FT_SECRET, F_REQUIRED, 4096, 0, 0, 0, 0, 0, 0},
};

static void session_create(Req *r) {
  const char *zLogin = r->rec.az[SN_LOGIN], *zPw = r->rec.az[SN_PASSWORD];
  if (strlen(zLogin) > 64 || strlen(zPw) > 256) {
    api_error(r, 401, "bad_credentials", 0, "登录名或密码错误");
    return;
  }
  DbStmt *s = db_stmt("SELECT u.id, u.pw_hash, u.disabled, coalesce(t.failed,0), coalesce(t.failed_at,0)"
                      " FROM (SELECT ?1 AS login) q LEFT JOIN user u ON u.login=q.login"
                      " LEFT JOIN login_throttle t ON t.login=q.login", "t", zLogin);
  if (!s) {
    api_internal(r);
    return;
  }
  long long userId = 0, nFail = 0, failedAt = 0;
  int bDisabled = 0;
  char zHash[crypto_pwhash_STRBYTES] = "";
  if (db_step(s) == 1) {
    userId = db_col_int(s, 0);  /* 0 when there is no such login */
    snprintf(zHash, sizeof zHash, "%s", db_col_text(s, 1));
    bDisabled = (int)db_col_int(s, 2);
    nFail = db_col_int(s, 3);
    failedAt = db_col_int(s, 4);
    db_step(s);
  }
  pthread_once(&dummyOnce, make_dummy);
  long long now = (long long)time(0);
  /* Failures from one client address, whatever the logins tried: the
   * address is the peer, or the client a trusted proxy names (http.c). Its
   * row's key has a space, which no login has (user add), and a login
   * with one is refused below before it could touch that row. */
  char zAddrKey[80];
  snprintf(zAddrKey, sizeof zAddrKey, "addr %s", r->zPeer);
  long long nAddrFail = 0, addrFailedAt = 0;
  DbStmt *sa = db_stmt("SELECT failed, failed_at FROM login_throttle WHERE login=?", "t", zAddrKey);
  if (sa && db_step(sa) == 1) {
    nAddrFail = db_col_int(sa, 0);
    addrFailedAt = db_col_int(sa, 1);
    db_step(sa);
  }
  if (nAddrFail >= AUTH_MAX_ADDR_FAILS && now < addrFailedAt + 60) {
    api_error(r, 429, "too_many_attempts", 0, "失败次数过多，请 %lld 秒后再试", addrFailedAt + 60 - now);
    return;
  }
  if (strchr(zLogin, ' ')) userId = 0, nFail = 0;
  if (nFail >= AUTH_MAX_FAILS) {
    long long wait = 60LL << (nFail - AUTH_MAX_FAILS > 10 ? 10 : nFail - AUTH_MAX_FAILS);
    if (now < failedAt + wait) {
      api_error(r, 429, "too_many_attempts", 0, "失败次数过多，请 %lld 秒后再试", failedAt + wait - now);
      return;
    }
  }
  int ok = crypto_pwhash_str_verify(userId ? zHash : zDummyHash, zPw, strlen(zPw)) == 0 && userId && !bDisabled;
  if (!ok) {
    if (!strchr(zLogin, ' '))
      db_exec("INSERT INTO login_throttle VALUES(?1, 1, ?2) ON CONFLICT(login) DO UPDATE SET failed=failed+1,"
              " failed_at=?2", "tI", zLogin, now);
    db_exec("INSERT INTO login_throttle VALUES(?1, 1, ?2) ON CONFLICT(login) DO UPDATE SET failed=failed+1,"
            " failed_at=?2", "tI", zAddrKey, now);
    /* Forget old failures, so the table cannot grow without bound. */
    db_exec("DELETE FROM login_throttle WHERE failed_at < ?", "I", now - 86400);
    /* Slow the guesser down a little more, whatever the login. */
    usleep(200 * 1000);
    api_error(r, 401, "bad_credentials", 0, "登录名或密码错误");
    return;
  }
  char zToken[65], zTokHash[65], zCsrf[65];
  random_hex(zToken, 32);
  random_hex(zCsrf, 32);
  hash_sha256_hex(zToken, 64, zTokHash);
  if (db_begin() ||
      db_exec("DELETE FROM session WHERE expires_at<=?", "I", now) ||
      db_exec("INSERT INTO session(token_hash, user_id, csrf, expires_at) VALUES(?,?,?,?)", "tItI", zTokHash, userId,
              zCsrf, now + AUTH_SESSION_SECONDS) ||
      db_exec("DELETE FROM login_throttle WHERE login IN (?1, ?2)", "tt", zLogin, zAddrKey) || db_commit()) {
    api_internal(r);
    return;
  }
  session_load_user(userId, &r->user);
  memcpy(r->user.zCsrf, zCsrf, sizeof zCsrf);
  r->bAuthed = 1;
  r->zSetCookie = xprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", SESSION_COOKIE, zToken,
                          AUTH_SESSION_SECONDS);
  api_json(r, 200, session_json(&r->user));
}

/* GET /api/v1/session */
static void session_get(Req *r) { api_json(r, 200, session_json(&r->user)); }

/* DELETE /api/v1/session */
static void session_delete(Req *r) {
  const char *zCookie = api_cookie(r, SESSION_COOKIE);
  if (zCookie && strlen(zCookie) == 64) {
    char zHash[65];
    hash_sha256_hex(zCookie, 64, zHash);
    db_exec("DELETE FROM session WHERE token_hash=?", "t", zHash);
  }
  r->zSetCookie = xprintf("%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", SESSION_COOKIE);
  api_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static const Route aRouteTable[] = {
  {"POST", "/api/v1/session", session_create, R_PUBLIC | R_JSONBODY, 0,
   "sign in: login and password -> cookie and CSRF token", aSessionField, SN_NFIELD, 0},
  {"GET", "/api/v1/session", session_get, 0, 0, "who is signed in, and the CSRF token again", 0, 0, 0},
  {"DELETE", "/api/v1/session", session_delete, R_SELF, 0, "sign out", 0, 0, 0},
};

/* ---- CLI: qiangji user ... -------------------------------------------------- */

/* Reads one line from standard input as the password; checks its length. */
static int read_password(char *zPw, size_t n) {
  if (!fgets(zPw, (int)n, stdin)) {
    util_die_msg("no password on standard input (use --password-stdin and pipe it in)");
    return -1;
  }
  zPw[strcspn(zPw, "\r\n")] = 0;
  if (strlen(zPw) < AUTH_MIN_PASSWORD) {
    util_die_msg("the password must have at least %d characters", AUTH_MIN_PASSWORD);
    return -1;
  }
  return 0;
}

static json_t *user_json(long long id) {
  DbStmt *s = db_stmt("SELECT u.login, u.role, o.code, u.member_id, u.disabled FROM user u JOIN org o ON o.id=u.org_id"
                      " WHERE u.id=?", "I", id);
  if (!s || db_step(s) != 1) return json_null();
  json_t *p = json_pack("{s:s, s:s, s:s, s:o, s:b}", "login", db_col_text(s, 0), "role", db_col_text(s, 1),
                        "org_code", db_col_text(s, 2), "member_id",
                        db_col_isnull(s, 3) ? json_null() : json_integer(db_col_int(s, 3)), "disabled",
                        (int)db_col_int(s, 4));
  db_step(s);
  return p;
}

static int cmd_user_add(const CliArgs *p) {
  const char *zLogin = cli_opt(p, "login"), *zRole = cli_opt(p, "role"), *zOrg = cli_opt(p, "org");
  const char *zMember = cli_opt(p, "member");
  Role role = role_parse(zRole);
  if (role == ROLE_NONE) {
    util_die_msg("--role must be admin, org_admin, viewer or member (got '%s')", zRole);
    return 2;
  }
  size_t nLogin = strlen(zLogin);
  if (nLogin < 2 || nLogin > 64 || strspn(zLogin, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") != nLogin) {
    util_die_msg("--login: 2 to 64 characters of letters, digits and _ . - @ (got '%s')", zLogin);
    return 2;
  }
  if (!cli_opt(p, "password-stdin")) {
    util_die_msg("give the password on standard input with --password-stdin (never on the command line)");
    return 2;
  }
  if ((role == ROLE_MEMBER) != (zMember != 0)) {
    util_die_msg(role == ROLE_MEMBER ? "a member login needs --member ID_NUMBER" : "--member goes only with --role member");
    return 2;
  }
  if (cli_open_db(p, 0)) return 1;
  Scope sc;
  long long memberId = 0;
  char zMemberOrg[33] = "";
  if (zMember) {
    DbStmt *s = db_stmt("SELECT m.id, o.code FROM member m JOIN org o ON o.id=m.org_id WHERE m.id_number=?", "t", zMember);
    if (!s || db_step(s) != 1) {
      util_die_msg("no member with ID number %.4s...", zMember);
      return 1;
    }
    memberId = db_col_int(s, 0);
    snprintf(zMemberOrg, sizeof zMemberOrg, "%s", db_col_text(s, 1));
    if (!zOrg) zOrg = zMemberOrg;
    db_step(s);
  }
  if (!zOrg || scope_lookup(zOrg, &sc)) {
    util_die_msg("no organization with code '%s'", zOrg ? zOrg : "");
    return 1;
  }
  if (db_exists("SELECT 1 FROM user WHERE login=?", "t", zLogin) == 1) {
    util_die_msg("login '%s' exists already", zLogin);
    return 1;
  }
  char zPw[300], zHash[crypto_pwhash_STRBYTES];
  if (read_password(zPw, sizeof zPw)) return 1;
  if (hash_password(zPw, zHash)) {
    util_die_msg("out of memory while hashing the password");
    return 1;
  }
  sodium_memzero(zPw, sizeof zPw);
  char zAt[32];
  util_timestamp(zAt);
  if (db_begin() ||
      db_exec("INSERT INTO user(login, pw_hash, role, org_id, member_id, created_at) VALUES(?,?,?,?,?,?)", "tttIIt",
              zLogin, zHash, role_name(role), sc.id, memberId, zAt)) {
    db_rollback();
    return 1;
  }
  long long id = db_last_rowid();
  if (!memberId) db_exec("UPDATE user SET member_id=NULL WHERE id=?", "I", id);
  json_t *pAfter = user_json(id);
  int rc = audit_append(cli_actor(), "create", "user", zLogin, sc.id, 0, pAfter);
  json_decref(pAfter);
  if (rc || db_commit()) {
    db_rollback();
    return 1;
  }
  printf("user %s added: %s of %s\n", zLogin, role_name(role), sc.zCode);
  return 0;
}

static int cmd_user_list(const CliArgs *p) {
  if (cli_open_db(p, 0)) return 1;
  DbStmt *s = db_stmt("SELECT u.login, u.role, o.code, o.name, u.disabled FROM user u JOIN org o ON o.id=u.org_id"
                      " ORDER BY u.login", "");
  printf("%-20s %-10s %-20s %s\n", "login", "role", "org", "status");
  while (s && db_step(s) == 1)
    printf("%-20s %-10s %-20s %s  %s\n", db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2),
           db_col_int(s, 4) ? "disabled" : "active", db_col_text(s, 3));
  return 0;
}

/* Changes one user under an audit entry; xChange runs inside the transaction. */
static int user_change(const CliArgs *p, const char *zAction, const char *zSql, const char *zHash) {
  const char *zLogin = cli_opt(p, "login");
  long long id = db_int(0, "SELECT id FROM user WHERE login=?", "t", zLogin);
  if (!id) {
    util_die_msg("no user '%s'", zLogin);
    return 1;
  }
  if (db_begin()) return 1;
  json_t *pBefore = user_json(id);
  int rc = zHash ? db_exec(zSql, "tI", zHash, id) : db_exec(zSql, "I", id);
  if (!rc) rc = db_exec("DELETE FROM session WHERE user_id=?", "I", id);
  json_t *pAfter = user_json(id);
  long long orgId = db_int(0, "SELECT org_id FROM user WHERE id=?", "I", id);
  if (!rc) rc = audit_append(cli_actor(), zAction, "user", zLogin, orgId, pBefore, pAfter);
  json_decref(pBefore);
  json_decref(pAfter);
  if (rc || db_commit()) {
    db_rollback();
    return 1;
  }
  printf("user %s: %s done\n", zLogin, zAction);
  return 0;
}

static int cmd_user_passwd(const CliArgs *p) {
  if (!cli_opt(p, "password-stdin")) {
    util_die_msg("give the new password on standard input with --password-stdin");
    return 2;
  }
  if (cli_open_db(p, 0)) return 1;
  char zPw[300], zHash[crypto_pwhash_STRBYTES];
  if (read_password(zPw, sizeof zPw)) return 1;
  if (hash_password(zPw, zHash)) return 1;
  sodium_memzero(zPw, sizeof zPw);
  db_exec("DELETE FROM login_throttle WHERE login=?", "t", cli_opt(p, "login"));
  return user_change(p, "passwd", "UPDATE user SET pw_hash=? WHERE id=?", zHash);
}

static int cmd_user_disable(const CliArgs *p) {
  if (cli_open_db(p, 0)) return 1;
  return user_change(p, "disable", "UPDATE user SET disabled=1 WHERE id=?", 0);
}

static int cmd_user_enable(const CliArgs *p) {
  if (cli_open_db(p, 0)) return 1;
  return user_change(p, "enable", "UPDATE user SET disabled=0 WHERE id=?", 0);
}

static const CliOpt aAddOpt[] = {
  {"db", 1, 1, "the database"},
  {"login", 1, 1, "login name: letters, digits, _ . - @"},
  {"role", 1, 1, "admin | org_admin | viewer | member"},
  {"org", 1, 0, "code of the organization whose subtree the user sees (a member's own branch by default)"},
  {"member", 1, 0, "ID number of the member, for --role member"},
  {"password-stdin", 0, 0, "read the password from standard input"},
  {0, 0, 0, 0},
};
static const CliOpt aListOpt[] = {
  {"db", 1, 1, "the database"},
  {0, 0, 0, 0},
};
static const CliOpt aPasswdOpt[] = {
  {"db", 1, 1, "the database"},
  {"login", 1, 1, "the user"},
  {"password-stdin", 0, 0, "read the new password from standard input"},
  {0, 0, 0, 0},
};
static const CliOpt aDisableOpt[] = {
  {"db", 1, 1, "the database"},
  {"login", 1, 1, "the user"},
  {0, 0, 0, 0},
};

static const Command aCommandTable[] = {
  {"user", "add", cmd_user_add, aAddOpt, 0, 0, "",
   "Adds a login. The password comes on standard input, at least 8 characters."},
  {"user", "list", cmd_user_list, aListOpt, 0, 0, "", "Lists the logins with role, organization and status."},
  {"user", "passwd", cmd_user_passwd, aPasswdOpt, 0, 0, "",
   "Sets a new password (from standard input) and ends the user's sessions."},
  {"user", "disable", cmd_user_disable, aDisableOpt, 0, 0, "", "Stops a login from signing in and ends its sessions."},
  {"user", "enable", cmd_user_enable, aDisableOpt, 0, 0, "", "Lets a disabled login sign in again."},
};

/* What it writes to the audit log, and how an entry names its object. */
static const AuditEntity aAuditEntity[] = {
  {"user", "用户", 0},
};
static const char *const azAuditAction[] = {"passwd", "disable", "enable", 0};
static const char *const azAuditActionName[] = {"修改密码", "停用账号", "启用账号", 0};

static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
  {"role", session_azRole, session_azRoleName},
};

const Module auth_module = {
  .aAuditEntity = MODULE_ARRAY(aAuditEntity),
  .zName = "auth",
  .aEnum = MODULE_ARRAY(aEnum),
  .aRoute = MODULE_ARRAY(aRouteTable),
  .aCommand = MODULE_ARRAY(aCommandTable),
};
