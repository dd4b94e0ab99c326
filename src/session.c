/* session.c: who is asking. The roles, the session a cookie names and its
 * CSRF token: what the dispatcher needs of every request, apart from the
 * users and sign-in of auth.c (see session.h). */
#include "session.h"
#include "db.h"
#include "hash.h"
#include "util.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const azRole[] = {"", "admin", "org_admin", "viewer", "member"};
const char *const session_azRole[] = {"admin", "org_admin", "viewer", "member", 0};
const char *const session_azRoleName[] = {"系统管理员", "组织管理员", "查看员", "党员", 0};

const char *role_name(Role r) { return r > 0 && r < (int)ARRAY_LEN(azRole) ? azRole[r] : "none"; }

Role role_parse(const char *z) {
  for (int i = 1; i < (int)ARRAY_LEN(azRole); i++)
    if (z && strcmp(z, azRole[i]) == 0) return (Role)i;
  return ROLE_NONE;
}

int session_load_user(long long userId, User *pUser) {
  DbStmt *s = db_stmt("SELECT u.id, u.login, u.role, u.org_id, o.path, o.code, coalesce(u.member_id,0)"
                      " FROM user u JOIN org o ON o.id=u.org_id WHERE u.id=? AND u.disabled=0", "I", userId);
  if (!s || db_step(s) != 1) return -1;
  memset(pUser, 0, sizeof *pUser);
  pUser->id = db_col_int(s, 0);
  snprintf(pUser->zLogin, sizeof pUser->zLogin, "%s", db_col_text(s, 1));
  pUser->role = role_parse(db_col_text(s, 2));
  pUser->orgId = db_col_int(s, 3);
  snprintf(pUser->zOrgPath, sizeof pUser->zOrgPath, "%s", db_col_text(s, 4));
  snprintf(pUser->zOrgCode, sizeof pUser->zOrgCode, "%s", db_col_text(s, 5));
  pUser->memberId = db_col_int(s, 6);
  db_step(s);
  return 0;
}

int session_user(const char *zCookie, User *pUser) {
  if (strlen(zCookie) != 64) return -1;
  char zHash[65];
  hash_sha256_hex(zCookie, 64, zHash);
  DbStmt *s = db_stmt("SELECT user_id, csrf FROM session WHERE token_hash=? AND expires_at>?", "tI", zHash,
                      (long long)time(0));
  if (!s || db_step(s) != 1) return -1;
  long long userId = db_col_int(s, 0);
  char zCsrf[65];
  snprintf(zCsrf, sizeof zCsrf, "%s", db_col_text(s, 1));
  db_step(s);
  if (session_load_user(userId, pUser)) return -1;
  memcpy(pUser->zCsrf, zCsrf, sizeof zCsrf);
  return 0;
}

int session_csrf_ok(const User *pUser, const char *zToken) {
  size_t n = strlen(pUser->zCsrf);
  return n == 64 && strlen(zToken) == n && sodium_memcmp(pUser->zCsrf, zToken, n) == 0;
}
