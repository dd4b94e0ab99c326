/* auth.h: users, passwords (argon2id via libsodium), sessions, CSRF tokens,
 * and the `user` CLI verbs and /api/v1/session routes. */
#ifndef QJ_AUTH_H
#define QJ_AUTH_H
#include "api.h"
#include "cli.h"

#define AUTH_COOKIE "qj_session"
#define AUTH_SESSION_SECONDS (12 * 3600)
#define AUTH_MAX_FAILS 5           /* failures in a row before a lockout */
#define AUTH_MIN_PASSWORD 8

/* Looks up the session of the cookie value; fills *pUser. 0 or -1. */
int auth_session_user(const char *zCookie, User *pUser);
/* 1 if zToken is the session's CSRF token (constant time). */
int auth_csrf_ok(const User *pUser, const char *zToken);
/* Hex SHA-256 of n bytes (65 bytes out). */

#endif
