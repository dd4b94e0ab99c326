/* http.c: the web server and the one dispatcher every request goes through.
 * See api.h for the checks the dispatcher makes before a handler runs. */
#include "http.h"
#include "module.h"
#include "session.h"
#include "db.h"
#include "text.h"
#include "util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HTTP_MAX_URL 2048
#define HTTP_MAX_PARAMS 4

typedef struct Conn {
  Req req;
  int bStarted;        /* first call of the handler seen */
  int bTooLarge;
  size_t nLimit;
  double tStart;
} Conn;

/* ---- route matching -------------------------------------------------- */

/* Does zPath match zPattern? Fills azParam with copies of {x} segments. */
static int route_match(const char *zPattern, const char *zPath, char **azParam) {
  int nParam = 0;
  const char *p = zPattern, *s = zPath;
  while (*p && *s) {
    if (*p == '{') {
      const char *e = strchr(s, '/');
      size_t n = e ? (size_t)(e - s) : strlen(s);
      if (n == 0 || nParam == HTTP_MAX_PARAMS) goto no;
      azParam[nParam++] = xstrndup(s, n);
      s += n;
      p = strchr(p, '}') + 1;
    } else if (*p++ != *s++) goto no;
  }
  if (*p == 0 && *s == 0) return 1;
no:
  for (int i = 0; i < nParam; i++) {
    free(azParam[i]);
    azParam[i] = 0;
  }
  return 0;
}

/* Finds the route; *pbOtherMethod set when the path exists with another method. */
static const Route *route_find(const char *zMethod, const char *zPath, char **azParam, int *pbOtherMethod,
                               Buf *pAllow) {
  *pbOtherMethod = 0;
  for (int m = 0; m < module_n; m++) {
    for (int i = 0; i < module_ap[m]->nRoute; i++) {
      const Route *r = &module_ap[m]->aRoute[i];
      if (!route_match(r->zPattern, zPath, azParam)) continue;
      if (strcmp(r->zMethod, zMethod) == 0) return r;
      for (int k = 0; k < HTTP_MAX_PARAMS; k++) {
        free(azParam[k]);
        azParam[k] = 0;
      }
      *pbOtherMethod = 1;
      if (pAllow->n) buf_puts(pAllow, ", ");
      buf_puts(pAllow, r->zMethod);
    }
  }
  return 0;
}

/* 1 if the route for this method and path takes a file body (R_RAWBODY). */
static int route_is_raw(const char *zMethod, const char *zPath) {
  char *azParam[HTTP_MAX_PARAMS] = {0};
  int bOther;
  Buf allow = BUF_INIT;
  const Route *r = route_find(zMethod, zPath, azParam, &bOther, &allow);
  buf_free(&allow);
  for (int i = 0; i < HTTP_MAX_PARAMS; i++) free(azParam[i]);
  return r && (r->flags & R_RAWBODY);
}

/* ---- answering -------------------------------------------------------- */

void api_json(Req *r, int status, json_t *pBody) {
  if (r->pOut) json_decref(r->pOut);
  r->status = status;
  r->pOut = pBody;
}

void api_error(Req *r, int status, const char *zCode, const char *zField, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  Buf b = BUF_INIT;
  buf_vprintf(&b, zFmt, ap);
  va_end(ap);
  json_t *pErr = json_pack("{s:s, s:s, s:o}", "code", zCode, "message", buf_str(&b), "field",
                           zField ? json_string(zField) : json_null());
  buf_free(&b);
  api_json(r, status, json_pack("{s:o}", "error", pErr));
}

void api_field_error(Req *r, const Rec *pRec, const FieldErr *pErr) {
  int status = 400;
  if (strcmp(pErr->zCode, "not_found") == 0) status = 404;
  else if (strcmp(pErr->zCode, "conflict") == 0) status = 409;
  else if (strcmp(pErr->zCode, "forbidden") == 0) status = 403;
  const char *zField = pErr->iField >= 0 ? pRec->aField[pErr->iField].zJson : pErr->zName[0] ? pErr->zName : 0;
  api_error(r, status, pErr->zCode, zField, "%s", pErr->zMessage);
}

void api_file(Req *r, int fd, long long nBytes, const char *zType, const char *zFilename) {
  r->status = 200;
  r->fd = fd;
  r->nFd = nBytes;
  r->zContentType = zType;
  free(r->zDisposition);
  /* RFC 6266: an ASCII fallback plus the UTF-8 name percent-encoded. */
  Buf b = BUF_INIT;
  buf_puts(&b, "attachment; filename=\"export\"; filename*=UTF-8''");
  for (const unsigned char *p = (const unsigned char *)zFilename; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._", *p))
      buf_putc(&b, (char)*p);
    else
      buf_printf(&b, "%%%02X", *p);
  }
  r->zDisposition = buf_take(&b);
}

void api_file_written(Req *r, ApiFileWriter xWrite, void *pCtx, int bXlsx, const char *zFilename) {
  const char *zDir = getenv("TMPDIR");
  char *zTmp = xprintf("%s/qiangji-file-XXXXXX", zDir && zDir[0] ? zDir : "/tmp");
  int fd = mkstemp(zTmp);
  if (fd < 0) {
    fprintf(stderr, "qiangji: cannot create a temporary file in %s: %s\n", zDir && zDir[0] ? zDir : "/tmp",
            strerror(errno));
    free(zTmp);
    api_internal(r);
    return;
  }
  close(fd);
  fd = xWrite(zTmp, pCtx) ? -1 : open(zTmp, O_RDONLY);
  unlink(zTmp);
  free(zTmp);
  struct stat st;
  if (fd < 0 || fstat(fd, &st)) {
    if (fd >= 0) close(fd);
    api_internal(r);
    return;
  }
  api_file(r, fd, (long long)st.st_size,
           bXlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
           zFilename);
}

void api_internal(Req *r) {
  db_rollback();
  if (db_storage_full_take()) {
    api_error(r, 507, "storage_full", 0, "服务器存储空间已满，本次修改未保存；请联系管理员清理磁盘后重试");
    return;
  }
  api_error(r, 500, "internal", 0, "服务器内部错误，已记录");
}

const char *api_query(Req *r, const char *zName) {
  return MHD_lookup_connection_value(r->pConn, MHD_GET_ARGUMENT_KIND, zName);
}

const char *api_cookie(Req *r, const char *zName) {
  return MHD_lookup_connection_value(r->pConn, MHD_COOKIE_KIND, zName);
}

long long api_query_int(Req *r, const char *zName, long long dflt) {
  const char *z = api_query(r, zName);
  return z && z[0] ? atoll(z) : dflt;
}

int api_query_bool(Req *r, const char *zName) {
  const char *z = api_query(r, zName);
  return z && (strcmp(z, "1") == 0 || strcmp(z, "true") == 0);
}

const char *api_actor(Req *r) { return r->bAuthed ? r->user.zLogin : "anonymous"; }

/* ---- scope ------------------------------------------------------------ */

int scope_lookup(const char *zCode, Scope *p) {
  DbStmt *s = db_stmt("SELECT id, code, path, kind FROM org WHERE code=?", "t", zCode);
  if (!s || db_step(s) != 1) return -1;
  p->id = db_col_int(s, 0);
  snprintf(p->zCode, sizeof p->zCode, "%s", db_col_text(s, 1));
  snprintf(p->zPath, sizeof p->zPath, "%s", db_col_text(s, 2));
  snprintf(p->zKind, sizeof p->zKind, "%s", db_col_text(s, 3));
  db_step(s);
  return 0;
}

int scope_within(const char *zRoot, const char *zPath) {
  return strncmp(zRoot, zPath, strlen(zRoot)) == 0;
}

void scope_range(const char *zPath, char *zHi) {
  size_t n = strlen(zPath);
  snprintf(zHi, 256, "%s", zPath);
  if (n > 0 && n < 256) zHi[n - 1] = '0';
}

/* ---- the dispatcher ---------------------------------------------------- */

typedef struct ArgCheck {
  Req *r;
  const char *zBad;       /* first bad parameter */
  const char *zWhy;
} ArgCheck;

static const QParam *qparam_find(const QParam *a, const char *zName) {
  for (; a && a->zName; a++)
    if (strcmp(a->zName, zName) == 0) return a;
  return 0;
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *zKey, const char *zVal) {
  (void)kind;
  ArgCheck *pA = cls;
  const QParam *q = qparam_find(pA->r->pRoute->aQuery, zKey);
  if (!q) {
    pA->zBad = zKey;
    pA->zWhy = "unknown";
    return MHD_NO;
  }
  if (!zVal) zVal = "";
  const char *zWhy = 0;
  switch (q->type) {
    case Q_INT: {
      char *e;
      errno = 0;
      long long v = strtoll(zVal, &e, 10);
      if (!zVal[0] || *e || errno || v < q->min || v > q->max) zWhy = "不是允许范围内的整数";
      break;
    }
    case Q_BOOL:
      if (strcmp(zVal, "0") && strcmp(zVal, "1") && strcmp(zVal, "true") && strcmp(zVal, "false"))
        zWhy = "应为 0 或 1";
      break;
    case Q_ENUM: {
      zWhy = "不是允许的取值";
      for (int i = 0; q->azEnum[i]; i++)
        if (strcmp(zVal, q->azEnum[i]) == 0) zWhy = 0;
      break;
    }
    case Q_TEXT:
    case Q_ORG:
      if (!text_utf8_valid(zVal, strlen(zVal))) zWhy = "不是有效的 UTF-8";
      else if ((long long)text_utf8_len(zVal) > (q->max ? q->max : 200)) zWhy = "太长";
      break;
  }
  if (zWhy) {
    pA->zBad = zKey;
    pA->zWhy = zWhy;
    return MHD_NO;
  }
  return MHD_YES;
}

/* The id a path parameter names: a positive whole number written plainly
 * (no sign, no leading zero, at most 18 digits), or 0. */
static long long id_param(const char *z) {
  size_t n = strlen(z);
  if (n == 0 || n > 18 || z[0] < '1' || z[0] > '9' || strspn(z, "0123456789") != n) return 0;
  return atoll(z);
}

static int role_allows(const Route *pR, Role role, const char *zMethod) {
  (void)zMethod;
  if (pR->flags & R_PUBLIC) return 1;
  switch (role) {
    case ROLE_ADMIN: return 1;
    case ROLE_ORG_ADMIN: return !(pR->flags & R_ADMIN);
    case ROLE_VIEWER: return !(pR->flags & (R_ADMIN | R_WRITE));
    case ROLE_MEMBER:
      if (pR->flags & R_SELF) return 1;
      return !(pR->flags & (R_ADMIN | R_WRITE | R_STAFF));
    default: return 0;
  }
}

/* Every field of rec (and of its rows) that names an organization, a member
 * or another object must name one inside the user's subtree: else 404, the
 * same answer whether it exists elsewhere or not at all, naming nobody.
 * 0, or -1 answered. */
static int refs_check(Req *r, const Rec *pRec) {
  for (int i = 0; i < pRec->nField; i++) {
    const Field *pF = &pRec->aField[i];
    const char *z = pRec->az[i];
    if (pF->type == FT_LIST || pF->type == FT_ROWS) {
      const RecRows *pRows = rec_rows(pRec, i);
      for (int k = 0; k < pRows->n; k++)
        if (refs_check(r, &pRows->a[k])) return -1;
      continue;
    }
    if (!z) continue;
    if (pF->flags & F_ORGREF) {
      Scope sc;
      if (scope_lookup(z, &sc) || !scope_within(r->user.zOrgPath, sc.zPath)) {
        api_error(r, 404, "not_found", pF->zJson, "%s：没有这个组织：%s", pF->zHeader, z);
        return -1;
      }
    }
    if (pF->flags & (F_MEMBERREF | F_OBJREF | F_UPREF)) {
      long long orgId = 0;
      char *zPath = 0;
      if (pF->flags & F_MEMBERREF)
        zPath = db_text("SELECT o.path FROM member m JOIN org o ON o.id=m.org_id WHERE m.id=?", "I", atoll(z));
      else if (pF->xOrgOf(atoll(z), &orgId) == 0)
        zPath = db_text("SELECT path FROM org WHERE id=?", "I", orgId);
      int ok = zPath && (scope_within(r->user.zOrgPath, zPath) ||
                         ((pF->flags & F_UPREF) && scope_within(zPath, r->user.zOrgPath)));
      free(zPath);
      if (!ok) {
        api_error(r, 404, "not_found", pF->zJson, "%s：没有这个%s：%s", pF->zHeader,
                  (pF->flags & F_MEMBERREF) ? "党员" : "对象", z);
        return -1;
      }
    }
  }
  return 0;
}

/* The handler of GET requests outside /api/: the first module's xStatic, or NULL. */
static Handler static_handler(void) {
  for (int m = 0; m < module_n; m++)
    if (module_ap[m]->xStatic) return module_ap[m]->xStatic;
  return 0;
}

static void dispatch(Conn *pC) {
  Req *r = &pC->req;
  char *azParam[HTTP_MAX_PARAMS] = {0};
  int bOther = 0;
  Buf allow = BUF_INIT;
  if (strlen(r->zPath) > HTTP_MAX_URL) {
    api_error(r, 414, "too_large", 0, "网址太长");
    return;
  }
  r->pRoute = route_find(r->zMethod, r->zPath, azParam, &bOther, &allow);
  Handler xStatic = static_handler();
  if (!r->pRoute && !bOther && xStatic && strncmp(r->zPath, "/api/", 5) != 0 &&
      (strcmp(r->zMethod, "GET") == 0 || strcmp(r->zMethod, "HEAD") == 0)) {
    /* Everything outside /api/ is the browser UI's static files. */
    static const Route staticRoute = {"GET", "/*", 0, R_PUBLIC, 0, "the browser UI", 0, 0, 0};
    buf_free(&allow);
    r->pRoute = &staticRoute;
    const char *zCookie = MHD_lookup_connection_value(r->pConn, MHD_COOKIE_KIND, SESSION_COOKIE);
    if (zCookie && session_user(zCookie, &r->user) == 0) r->bAuthed = 1;
    xStatic(r);
    if (!r->status) api_internal(r);
    return;
  }
  if (!r->pRoute) {
    if (bOther) {
      api_error(r, 405, "method_not_allowed", 0, "%s 不支持 %s，可用：%s", r->zPath, r->zMethod, buf_str(&allow));
      r->zAllow = xstrdup(buf_str(&allow));
    } else {
      api_error(r, 404, "not_found", 0, "没有这个地址：%s", r->zPath);
    }
    buf_free(&allow);
    return;
  }
  buf_free(&allow);
  memcpy(r->azParam, azParam, sizeof azParam);
  const Route *pR = r->pRoute;
  if (pC->bTooLarge) {
    api_error(r, 413, "too_large", 0, "请求体超过上限 %zu 字节", pC->nLimit);
    return;
  }

  /* Who is asking. */
  const char *zCookie = MHD_lookup_connection_value(r->pConn, MHD_COOKIE_KIND, SESSION_COOKIE);
  if (zCookie && session_user(zCookie, &r->user) == 0) r->bAuthed = 1;
  if (!r->bAuthed && !(pR->flags & R_PUBLIC)) {
    api_error(r, 401, "unauthorized", 0, "请先登录");
    return;
  }
  if (r->bAuthed && !role_allows(pR, r->user.role, r->zMethod)) {
    api_error(r, 403, "forbidden", 0, "当前角色（%s）无权进行此操作", role_name(r->user.role));
    return;
  }
  if (r->bAuthed && !(pR->flags & R_PUBLIC) && strcmp(r->zMethod, "GET") != 0 && strcmp(r->zMethod, "HEAD") != 0) {
    const char *zTok = MHD_lookup_connection_value(r->pConn, MHD_HEADER_KIND, "X-CSRF-Token");
    if (!zTok || !session_csrf_ok(&r->user, zTok)) {
      api_error(r, 403, "csrf", 0, "缺少或错误的 X-CSRF-Token");
      return;
    }
  }

  /* Declared query parameters only, each valid. */
  ArgCheck a = {r, 0, 0};
  MHD_get_connection_values(r->pConn, MHD_GET_ARGUMENT_KIND, check_arg, &a);
  if (a.zBad) {
    if (strcmp(a.zWhy, "unknown") == 0)
      api_error(r, 400, "unknown_parameter", a.zBad, "未知参数 %s", a.zBad);
    else
      api_error(r, 400, "invalid", a.zBad, "参数 %s：%s", a.zBad, a.zWhy);
    return;
  }

  /* Scope: what the route names must lie in the user's subtree. */
  if (pR->flags & R_ORG) {
    if (scope_lookup(r->azParam[0], &r->scope) || !scope_within(r->user.zOrgPath, r->scope.zPath)) {
      api_error(r, 404, "not_found", "code", "没有这个组织：%s", r->azParam[0]);
      return;
    }
  }
  if (pR->flags & R_QORG) {
    const char *zOrg = api_query(r, "org");
    if (!zOrg || !zOrg[0]) zOrg = r->user.zOrgCode;
    if (scope_lookup(zOrg, &r->scope) || !scope_within(r->user.zOrgPath, r->scope.zPath)) {
      api_error(r, 404, "not_found", "org", "没有这个组织：%s", zOrg);
      return;
    }
  }
  if (pR->flags & R_MEMBER) {
    const char *z = r->azParam[0];
    long long id = id_param(z);
    int ok = id > 0;
    if (ok && r->user.role == ROLE_MEMBER) {
      /* A member reaches only their own record, wherever it now belongs. */
      ok = id == r->user.memberId && db_exists("SELECT 1 FROM member WHERE id=?", "I", id) == 1;
    } else if (ok) {
      char *zPath = db_text("SELECT o.path FROM member m JOIN org o ON o.id=m.org_id WHERE m.id=?", "I", id);
      ok = zPath && scope_within(r->user.zOrgPath, zPath);
      free(zPath);
    }
    if (!ok) {
      api_error(r, 404, "not_found", "id", "没有这个党员：%s", z);
      return;
    }
    r->memberId = id;
  }
  if (pR->flags & R_OBJECT) {
    long long orgId = 0;
    char *zPath = 0;
    /* Objects are named by positive whole numbers; anything else is no object. */
    if (id_param(r->azParam[0]) && pR->xOrgOf(r->azParam[0], &orgId) == 0)
      zPath = db_text("SELECT path FROM org WHERE id=?", "I", orgId);
    int ok = zPath && scope_within(r->user.zOrgPath, zPath);
    if (ok) {
      DbStmt *s = db_stmt("SELECT id, code, path, kind FROM org WHERE id=?", "I", orgId);
      if (s && db_step(s) == 1) {
        r->scope.id = db_col_int(s, 0);
        snprintf(r->scope.zCode, sizeof r->scope.zCode, "%s", db_col_text(s, 1));
        snprintf(r->scope.zPath, sizeof r->scope.zPath, "%s", db_col_text(s, 2));
        snprintf(r->scope.zKind, sizeof r->scope.zKind, "%s", db_col_text(s, 3));
        db_step(s);
      }
      r->objectId = strtoll(r->azParam[0], 0, 10);
    }
    free(zPath);
    if (!ok) {
      api_error(r, 404, "not_found", 0, "没有这个对象：%s", r->azParam[0]);
      return;
    }
  }
  if (pR->flags & R_JSONBODY) {
    json_error_t err;
    r->pJson = json_loadb(r->body.z ? r->body.z : "", r->body.n, JSON_REJECT_DUPLICATES, &err);
    if (!r->pJson || !json_is_object(r->pJson)) {
      api_error(r, 400, "invalid_json", 0, "请求体应为 JSON 对象%s%s", r->pJson ? "" : "：", r->pJson ? "" : err.text);
      return;
    }
    if (pR->aBody) {
      FieldErr fe;
      rec_init(&r->rec, pR->aBody, pR->nBody);
      if (rec_from_json(&r->rec, r->pJson, &fe)) {
        api_field_error(r, &r->rec, &fe);
        return;
      }
      /* Required fields: on a create or a whole replacement (POST, PUT);
       * a PATCH changes what it names. */
      if ((strcmp(r->zMethod, "POST") == 0 || strcmp(r->zMethod, "PUT") == 0) && rec_require(&r->rec, &fe)) {
        api_field_error(r, &r->rec, &fe);
        return;
      }
      if (r->user.role == ROLE_MEMBER && (pR->flags & R_MEMBER)) {
        for (int i = 0; i < r->rec.nField; i++) {
          const Field *pF = &r->rec.aField[i];
          if (r->rec.aSet[i] && !(pF->flags & F_CONTACT)) {
            api_error(r, 403, "forbidden", pF->zJson, "党员本人只能修改联系方式，不能修改%s", pF->zHeader);
            return;
          }
        }
      }
      if (refs_check(r, &r->rec)) return;
    }
  }
  pR->xHandler(r);
  if (db_in_transaction()) {
    fprintf(stderr, "qiangji: internal: %s %s left a transaction open\n", pR->zMethod, pR->zPattern);
    db_rollback();
    api_internal(r);
  }
  if (!r->status) {
    fprintf(stderr, "qiangji: internal: %s %s gave no answer\n", pR->zMethod, pR->zPattern);
    api_internal(r);
  }
}

/* ---- libmicrohttpd glue ------------------------------------------------- */

static int bQuiet;

static enum MHD_Result send_response(struct MHD_Connection *c, Conn *pC) {
  Req *r = &pC->req;
  struct MHD_Response *pResp;
  if (r->fd >= 0) {
    pResp = MHD_create_response_from_fd((uint64_t)r->nFd, r->fd);
    r->fd = -1;  /* MHD closes it */
    MHD_add_response_header(pResp, "Content-Type", r->zContentType);
    if (r->zDisposition) MHD_add_response_header(pResp, "Content-Disposition", r->zDisposition);
  } else if (r->pOut) {
    char *z = json_dumps(r->pOut, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
    pResp = MHD_create_response_from_buffer_with_free_callback(strlen(z), z, free);
    MHD_add_response_header(pResp, "Content-Type", "application/json; charset=utf-8");
  } else {
    size_t n = r->out.n;
    char *z = buf_take(&r->out);
    pResp = MHD_create_response_from_buffer_with_free_callback(n, z, free);
    MHD_add_response_header(pResp, "Content-Type", r->zContentType ? r->zContentType : "text/plain; charset=utf-8");
  }
  MHD_add_response_header(pResp, "Cache-Control", r->zCacheControl ? r->zCacheControl : "no-store");
  for (int i = 0; i + 1 < (int)ARRAY_LEN(r->azHeader) && r->azHeader[i]; i += 2)
    MHD_add_response_header(pResp, r->azHeader[i], r->azHeader[i + 1]);
  MHD_add_response_header(pResp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(pResp, "Referrer-Policy", "same-origin");
  if (r->zSetCookie) MHD_add_response_header(pResp, "Set-Cookie", r->zSetCookie);
  if (r->zAllow) MHD_add_response_header(pResp, "Allow", r->zAllow);
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)r->status, pResp);
  MHD_destroy_response(pResp);
  if (!bQuiet) {
    /* The path only: query strings may carry names or ID numbers. */
    fprintf(stderr, "%s %s %d %.1fms %s\n", r->zMethod, r->zPath, r->status, (util_now() - pC->tStart) * 1000,
            r->bAuthed ? r->user.zLogin : "-");
  }
  return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *zUrl, const char *zMethod,
                                  const char *zVersion, const char *zData, size_t *pnData, void **ppCls) {
  (void)cls;
  (void)zVersion;
  Conn *pC = *ppCls;
  if (!pC) {
    /* First call: headers only. Answering now would close keep-alive
     * connections in libmicrohttpd 0.9.75, so answer on a later call. */
    pC = xcalloc(1, sizeof *pC);
    pC->tStart = util_now();
    pC->req.pConn = c;
    pC->req.zMethod = zMethod;
    pC->req.zPath = zUrl;
    pC->req.fd = -1;
    pC->nLimit = API_MAX_JSON;
    /* Upload routes take bigger bodies: those under /api/v1/import/ and any
     * route whose body is a file (R_RAWBODY; the handler sets its own cap). */
    if (strncmp(zUrl, "/api/v1/import/", 15) == 0 || route_is_raw(zMethod, zUrl)) pC->nLimit = API_MAX_UPLOAD;
    const char *zLen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (zLen && strtoull(zLen, 0, 10) > pC->nLimit) pC->bTooLarge = 1;
    *ppCls = pC;
    return MHD_YES;
  }
  if (*pnData) {
    if (!pC->bTooLarge) {
      if (pC->req.body.n + *pnData > pC->nLimit) {
        pC->bTooLarge = 1;
        buf_free(&pC->req.body);
      } else {
        buf_append(&pC->req.body, zData, *pnData);
      }
    }
    *pnData = 0;
    return MHD_YES;
  }
  if (pC->bStarted) return MHD_YES;
  pC->bStarted = 1;
  dispatch(pC);
  return send_response(c, pC);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ppCls, enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  Conn *pC = *ppCls;
  if (!pC) return;
  Req *r = &pC->req;
  for (int i = 0; i < HTTP_MAX_PARAMS; i++) free(r->azParam[i]);
  buf_free(&r->body);
  buf_free(&r->out);
  if (r->pJson) json_decref(r->pJson);
  rec_free(&r->rec);
  if (r->pOut) json_decref(r->pOut);
  if (r->fd >= 0) close(r->fd);
  free(r->zDisposition);
  free(r->zSetCookie);
  free(r->zAllow);
  free(pC);
  *ppCls = 0;
}

static volatile sig_atomic_t bStop;
static void on_signal(int sig) {
  (void)sig;
  bStop = 1;
}

int http_serve(const char *zListen, int nThread) {
  char zHost[64];
  const char *zColon = strrchr(zListen, ':');
  if (!zColon || (size_t)(zColon - zListen) >= sizeof zHost) {
    util_die_msg("--listen wants HOST:PORT, e.g. 127.0.0.1:8080 (got '%s')", zListen);
    return 2;
  }
  memcpy(zHost, zListen, (size_t)(zColon - zListen));
  zHost[zColon - zListen] = 0;
  char *e;
  long port = strtol(zColon + 1, &e, 10);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  if (*e || port < 0 || port > 65535 || inet_pton(AF_INET, zHost, &sa.sin_addr) != 1) {
    util_die_msg("--listen wants an IPv4 HOST:PORT, e.g. 127.0.0.1:8080 (got '%s')", zListen);
    return 2;
  }
  sa.sin_port = htons((uint16_t)port);
  bQuiet = getenv("QIANGJI_QUIET") != 0;
  if (nThread < 1) nThread = (int)sysconf(_SC_NPROCESSORS_ONLN) * 2;
  if (nThread < 2) nThread = 2;
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO, 0, 0, 0, on_request, 0,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)nThread,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
  if (!d) {
    util_die_msg("cannot listen on %s: %s", zListen, strerror(errno));
    return 1;
  }
  const union MHD_DaemonInfo *pInfo = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  printf("listening on http://%s:%u\n", zHost, pInfo ? pInfo->port : (unsigned)port);
  fflush(stdout);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);
  while (!bStop) pause();
  MHD_stop_daemon(d);
  fprintf(stderr, "qiangji: stopped\n");
  return 0;
}
