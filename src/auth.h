/* auth.h: users, passwords (argon2id via libsodium), signing in and out
 * (/api/v1/session) and the `user` CLI verbs. The lookup of a session for
 * each request is session.h's. */
#ifndef QJ_AUTH_H
#define QJ_AUTH_H
#include "api.h"
#include "cli.h"
#include "config.h"

#define AUTH_SESSION_SECONDS (config_session_seconds())   /* session_hours (config.h), default 12 */
#define AUTH_MAX_FAILS 5           /* failures in a row before a lockout */
#define AUTH_MAX_ADDR_FAILS 20     /* failures in a row from one client address, any logins: 60 s */
#define AUTH_MIN_PASSWORD 8


#endif
