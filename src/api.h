/* api.h: the HTTP face shared by every module: the route table entry, the
 * request each handler gets, and the helpers a handler answers with.
 *
 * The dispatcher (http.c) does, before any handler runs: route matching (404
 * unknown, 405 wrong method), body limits (413), session lookup (401), role
 * check (403), CSRF check on writes (403), query-parameter validation (400),
 * JSON body parsing and field validation against the route's declared
 * fields (400), and scope: the organization or member a route names must be
 * inside the user's subtree (404 otherwise, so existence does not leak).
 * A handler therefore sees only a permitted user and clean values. */
#ifndef QJ_API_H
#define QJ_API_H
#include <jansson.h>
#include "buf.h"
#include "config.h"
#include "record.h"

typedef enum Role { ROLE_NONE = 0, ROLE_ADMIN, ROLE_ORG_ADMIN, ROLE_VIEWER, ROLE_MEMBER } Role;
const char *role_name(Role r);
Role role_parse(const char *z);   /* ROLE_NONE when unknown */

/* The signed-in user, as the dispatcher found them. */
typedef struct User {
  long long id;
  char zLogin[65];
  Role role;
  long long orgId;          /* the root of what they may see */
  char zOrgPath[256];       /* that organization's path, '/1/5/' */
  char zOrgCode[33];
  long long memberId;       /* for ROLE_MEMBER: their own record */
  char zCsrf[65];
} User;

/* An organization the request is scoped to, resolved by the dispatcher. */
typedef struct Scope {
  long long id;
  char zCode[33];
  char zPath[256];
  char zKind[32];
} Scope;

/* Route flags. Without R_PUBLIC a session is required. */
#define R_PUBLIC   0x001  /* no session needed */
#define R_STAFF    0x002  /* admin, org_admin, viewer (not member) */
#define R_WRITE    0x004  /* admin, org_admin; CSRF checked */
#define R_ADMIN    0x008  /* admin only */
#define R_SELF     0x010  /* a member may use it on their own record: CSRF checked on writes */
#define R_ORG      0x020  /* path {code} is an organization in the user's subtree */
#define R_MEMBER   0x040  /* path {id} is a member in the user's subtree (or self for R_SELF) */
#define R_QORG     0x080  /* query ?org=CODE (default: the user's own) in the subtree */
#define R_RAWBODY  0x100  /* the body is a file (up to API_MAX_UPLOAD), not JSON */
#define R_JSONBODY 0x200  /* the body must be a JSON object (up to API_MAX_JSON) */
#define R_OBJECT   0x400  /* path {x} names an object of a module: Route.xOrgOf finds its organization, which must be in the subtree */

/* The body limits: the settings body_limit and upload_limit (config.h;
 * default 1 MiB and 64 MiB). */
#define API_MAX_JSON   (config_body_limit())
#define API_MAX_UPLOAD (config_upload_limit())

/* A declared query parameter. Unknown parameters are refused. */
typedef enum QType { Q_TEXT, Q_INT, Q_BOOL, Q_ENUM, Q_ORG } QType;
typedef struct QParam {
  const char *zName;
  QType type;
  long long min, max;          /* Q_INT bounds; Q_TEXT max characters */
  const char *const *azEnum;   /* Q_ENUM values, NULL-terminated */
} QParam;

typedef struct Req Req;
typedef void (*Handler)(Req *);

typedef struct Route {
  const char *zMethod;         /* "GET", "POST", "PATCH", "DELETE" */
  const char *zPattern;        /* "/api/v1/orgs/{code}/members" */
  Handler xHandler;
  unsigned flags;
  const QParam *aQuery;        /* NULL-name-terminated, or NULL */
  const char *zSummary;        /* one line, for `qiangji routes` */
  const Field *aBody;          /* with R_JSONBODY: the declared fields, checked */
  int nBody;                   /*   into Req.rec before the handler runs */
  /* With R_OBJECT: finds the organization that owns the object named by the
   * route's first path parameter (a meeting id, say; the dispatcher has
   * checked it is a positive whole number, so atoll is safe): sets *pOrgId and
   * returns 0, or -1 when there is no such object. The dispatcher then
   * answers 404 unless that organization is in the user's subtree, and
   * fills Req.scope with it and Req.objectId with the parameter as a
   * number (0 if it is not one). */
  int (*xOrgOf)(const char *zParam, long long *pOrgId);
} Route;

/* The request. Owned by the dispatcher; freed after the response is sent. */
struct Req {
  const Route *pRoute;
  struct MHD_Connection *pConn;
  const char *zMethod;
  const char *zPath;
  char *azParam[4];            /* path parameters, in pattern order */
  User user;                   /* valid unless R_PUBLIC and not signed in */
  int bAuthed;
  Scope scope;                 /* for R_ORG and R_QORG */
  long long memberId;          /* for R_MEMBER */
  long long objectId;          /* for R_OBJECT */
  Buf body;                    /* raw body */
  json_t *pJson;               /* the parsed body for R_JSONBODY */
  Rec rec;                     /* its checked values, when the route declares aBody */
  char zPeer[64];              /* the client's address: the peer, or, when the peer is a
                                * trusted proxy (config trusted_proxy), the right-most
                                * untrusted address of X-Forwarded-For; for login
                                * throttling and the log */
  int bHttps;                  /* reached over HTTPS: X-Forwarded-Proto https from a trusted
                                * proxy (the session cookie gets Secure) */
  char zRequestId[17];         /* 16 hex digits: X-Request-Id, the log line, 5xx bodies */
  /* the response, set by one of the api_* helpers below */
  int status;
  json_t *pOut;                /* JSON body, or */
  Buf out;                     /* raw body with zContentType */
  const char *zContentType;
  int fd;                      /* or a file to send (closed by the dispatcher) */
  long long nFd;
  char *zDisposition;          /* Content-Disposition for downloads */
  char *zSetCookie;
  char *zAllow;                /* Allow header of a 405 */
  const char *zCacheControl;   /* static string; NULL: "no-store" */
  const char *azHeader[6];     /* more response headers, static strings: name, value, name, value... */
};

/* Answer with JSON (takes the reference to pBody). */
void api_json(Req *r, int status, json_t *pBody);
/* Answer {"error":{"code","message","field"}}; zField may be NULL. A 5xx
 * answer also carries "request_id" (the X-Request-Id of the log line). */
void api_error(Req *r, int status, const char *zCode, const char *zField, const char *zFmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Answer with a FieldErr: status 400 for invalid input, 404 not_found, 409 conflict. */
void api_field_error(Req *r, const Rec *pRec, const FieldErr *pErr);
/* Answer with a file: the dispatcher sends nBytes from fd and closes it. */
void api_file(Req *r, int fd, long long nBytes, const char *zType, const char *zFilename);
/* Answer with a spreadsheet (bXlsx) or CSV file that xWrite writes to the
 * path it is given (an export or a report): a temporary file under $TMPDIR
 * (else /tmp), read back, unlinked at once, and sent as zFilename. xWrite
 * returns 0, or -1 after logging; then the answer is a 500. */
typedef int (*ApiFileWriter)(const char *zPath, void *pCtx);
void api_file_written(Req *r, ApiFileWriter xWrite, void *pCtx, int bXlsx, const char *zFilename);
/* 500 after an internal or database failure (already logged by the caller);
 * 507 storage_full instead when the database failed because the storage is
 * full (db_storage_full): rolled back, nothing kept, a write to retry later. */
void api_internal(Req *r);

/* A declared query parameter's value, or NULL / dflt when absent. */
const char *api_query(Req *r, const char *zName);
/* A cookie's value, or NULL. */
const char *api_cookie(Req *r, const char *zName);
long long api_query_int(Req *r, const char *zName, long long dflt);
int api_query_bool(Req *r, const char *zName);

/* Scope helpers usable by handlers and CLI code alike. */
/* Finds the organization by code; fills *p; 0 found, -1 not found. */
int scope_lookup(const char *zCode, Scope *p);
/* 1 if zPath is zRoot or below it. */
int scope_within(const char *zRoot, const char *zPath);
/* The SQL range for a subtree: rows with path >= zLo AND path < zHi. zHi gets
 * the path with its last '/' turned into '0' (256 bytes). */
void scope_range(const char *zPath, char *zHi);

/* The author of a change, for the audit log: "login" or "cli:unixuser". */
const char *api_actor(Req *r);
#endif
