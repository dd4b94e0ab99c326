/* session.h: who is asking: roles, the session a cookie names, CSRF. The
 * dispatcher (http.c) and sign-in (auth.c) share it; it knows only the
 * database. role_name and role_parse are declared in api.h. */
#ifndef QJ_SESSION_H
#define QJ_SESSION_H
#include "api.h"

#define SESSION_COOKIE "qj_session"

/* Fills *pUser from the user with row id userId: 0, or -1 when the user is
 * disabled or gone. */
int session_load_user(long long userId, User *pUser);
/* Looks up the unexpired session of the cookie value; fills *pUser. 0 or -1. */
int session_user(const char *zCookie, User *pUser);
/* 1 if zToken is the session's CSRF token (compared in constant time). */
int session_csrf_ok(const User *pUser, const char *zToken);
/* The roles by their API names and in Chinese (GET /api/v1/meta "role"). */
extern const char *const session_azRole[];
extern const char *const session_azRoleName[];

#endif
