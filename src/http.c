/* http.c: the web server and the one dispatcher every request goes through.
 * See api.h for the checks the dispatcher makes before a handler runs. */
#include "http.h"
#include "config.h"
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
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HTTP_MAX_URL 2048
#define HTTP_MAX_DISCARD (64ULL << 20)  /* body bytes read and dropped before a 413 */
#define HTTP_MAX_COOKIE 4096   /* a browser keeps at most about 4 KiB per cookie; ours is 75 bytes */
#define HTTP_MAX_PARAMS 4

/* One request, from its request line (on_uri) to on_completed. */
typedef struct Conn {
  Req req;
  int bHeaders;        /* first call of the handler seen */
  int bStarted;        /* answered by the application */
  int bTooLarge;
  int bBadUri;         /* the request line held %00 */
  size_t nLimit;
  double tStart;
  char *zRawPath;      /* the path as sent, without the query: for the log of an
                        * answer libmicrohttpd gave itself */
} Conn;

/* ---- the edge: settings read once by http_serve -------------------------
 * Written before the daemon starts, only read afterwards. */

enum { LOG_OFF, LOG_ERROR, LOG_INFO };
enum { HSTS_OFF, HSTS_ON, HSTS_FORCE };
static int eLogLevel = LOG_INFO;   /* config log_level: off | error (5xx only) | info (every request) */
static int eHsts = HSTS_OFF;       /* config hsts: off | on (over https via a trusted proxy) | force */

/* An address or a block of them (CIDR). */
typedef struct Net {
  int family;                      /* AF_INET or AF_INET6 */
  unsigned char a[16];
  int nBits;
} Net;
static Net *aTrusted;              /* config trusted_proxy */
static int nTrusted;
static unsigned idSalt;            /* the first half of every request id of this process */
static unsigned long long idCounter;

/* Parses the address z[0..n) (IPv4, or IPv6 where an IPv4-mapped one counts
 * as IPv4). 0 and *pFamily, a[] filled; -1 when it is no address. */
static int addr_parse(const char *z, size_t n, int *pFamily, unsigned char a[16]) {
  char zBuf[64];
  if (n == 0 || n >= sizeof zBuf) return -1;
  memcpy(zBuf, z, n);
  zBuf[n] = 0;
  if (inet_pton(AF_INET, zBuf, a) == 1) {
    *pFamily = AF_INET;
    return 0;
  }
  if (inet_pton(AF_INET6, zBuf, a) != 1) return -1;
  static const unsigned char aMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (memcmp(a, aMapped, 12) == 0) {
    memmove(a, a + 12, 4);
    *pFamily = AF_INET;
  } else {
    *pFamily = AF_INET6;
  }
  return 0;
}

/* 1 if the address (family, a) lies in the block p. */
static int net_match(const Net *p, int family, const unsigned char *a) {
  if (p->family != family) return 0;
  int nFull = p->nBits / 8, nRest = p->nBits % 8;
  if (memcmp(p->a, a, (size_t)nFull)) return 0;
  if (!nRest) return 1;
  unsigned char mask = (unsigned char)(0xff << (8 - nRest));
  return (p->a[nFull] & mask) == (a[nFull] & mask);
}

static int addr_trusted(int family, const unsigned char *a) {
  for (int i = 0; i < nTrusted; i++)
    if (net_match(&aTrusted[i], family, a)) return 1;
  return 0;
}

/* Reads config trusted_proxy: addresses or CIDR blocks separated by commas
 * or spaces ("127.0.0.1, 10.0.0.0/8, ::1"). 0, or -1 after saying which
 * entry is wrong. */
static int trusted_load(const char *z) {
  nTrusted = 0;
  while (z && *z) {
    size_t n = strcspn(z, ", \t");
    if (n) {
      const char *zSlash = memchr(z, '/', n);
      size_t nAddr = zSlash ? (size_t)(zSlash - z) : n;
      Net net = {0};
      int bad = addr_parse(z, nAddr, &net.family, net.a);
      int nMax = net.family == AF_INET ? 32 : 128;
      net.nBits = nMax;
      if (!bad && zSlash) {
        char *e;
        long v = strtol(zSlash + 1, &e, 10);
        bad = e != z + n || zSlash + 1 == e || v < 0 || v > nMax;
        net.nBits = (int)v;
      }
      if (bad) {
        util_die_msg("trusted_proxy: '%.*s' is not an address or a CIDR block (e.g. 127.0.0.1, 10.0.0.0/8)", (int)n, z);
        return -1;
      }
      aTrusted = xrealloc(aTrusted, (size_t)(nTrusted + 1) * sizeof *aTrusted);
      aTrusted[nTrusted++] = net;
    }
    z += n;
    z += strspn(z, ", \t");
  }
  return 0;
}

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *zKey, const char *zVal) {
  (void)kind;
  Buf *p = cls;
  if (zVal && strcasecmp(zKey, "X-Forwarded-For") == 0) {
    if (p->n) buf_putc(p, ',');
    buf_puts(p, zVal);
  }
  return MHD_YES;
}

/* Sets r->zPeer and r->bHttps. The peer's address, unless the peer is a
 * trusted proxy: then X-Forwarded-Proto says whether the client came over
 * https, and the client is the right-most address of X-Forwarded-For (all
 * such headers, in order) that is not itself a trusted proxy (stopping at
 * anything that is not an address: the last trusted hop is then the
 * client). Headers from an untrusted peer are never read. */
static void client_address(Req *r) {
  snprintf(r->zPeer, sizeof r->zPeer, "-");
  const union MHD_ConnectionInfo *pI = MHD_get_connection_info(r->pConn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!pI || !pI->client_addr) return;
  const struct sockaddr *sa = pI->client_addr;
  int family;
  unsigned char a[16];
  if (sa->sa_family == AF_INET) {
    family = AF_INET;
    memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    char zTmp[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, zTmp, sizeof zTmp);
    if (addr_parse(zTmp, strlen(zTmp), &family, a)) return;
  } else {
    return;
  }
  inet_ntop(family, a, r->zPeer, sizeof r->zPeer);
  if (!nTrusted || !addr_trusted(family, a)) return;
  const char *zProto = MHD_lookup_connection_value(r->pConn, MHD_HEADER_KIND, "X-Forwarded-Proto");
  r->bHttps = zProto && strncasecmp(zProto, "https", 5) == 0 && strchr(", \t", zProto[5]);
  Buf xff = BUF_INIT;
  MHD_get_connection_values(r->pConn, MHD_HEADER_KIND, collect_xff, &xff);
  const char *z = buf_str(&xff);
  size_t end = xff.n;
  while (end > 0) {
    size_t beg = end;
    while (beg > 0 && z[beg - 1] != ',') beg--;
    size_t b = beg, e = end;
    while (b < e && (z[b] == ' ' || z[b] == '\t')) b++;
    while (e > b && (z[e - 1] == ' ' || z[e - 1] == '\t')) e--;
    if (e > b) {
      int f;
      unsigned char x[16];
      if (addr_parse(z + b, e - b, &f, x)) break;
      inet_ntop(f, x, r->zPeer, sizeof r->zPeer);
      if (!addr_trusted(f, x)) break;
    }
    end = beg ? beg - 1 : 0;
  }
  buf_free(&xff);
}

/* A new request id in z: this process's salt and a counter, 16 hex digits. */
static void request_id(char z[17]) {
  unsigned long long n = __atomic_add_fetch(&idCounter, 1, __ATOMIC_RELAXED);
  snprintf(z, 17, "%08x%08llx", idSalt, n & 0xffffffffULL);
}

/* z as one token of a log line, in zOut (nOut bytes): printable ASCII but
 * space, '"' and '\\' as is, every other byte %XX, cut with "..." when long. */
static void log_safe(const char *z, char *zOut, size_t nOut) {
  size_t j = 0;
  for (const unsigned char *p = (const unsigned char *)z; p && *p; p++) {
    if (j + 8 > nOut) {
      memcpy(zOut + j, "...", 3);
      j += 3;
      break;
    }
    if (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\') zOut[j++] = (char)*p;
    else j += (size_t)snprintf(zOut + j, nOut - j, "%%%02X", *p);
  }
  zOut[j] = 0;
}

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
  /* So that an operator can find the log line of a failure the user reports. */
  if (status >= 500 && r->zRequestId[0]) json_object_set_new(pErr, "request_id", json_string(r->zRequestId));
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
  if (r->zRequestId[0]) api_error(r, 500, "internal", 0, "服务器内部错误，已记录（请求编号 %s）", r->zRequestId);
  else api_error(r, 500, "internal", 0, "服务器内部错误，已记录");
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

/* 1 if zType says JSON in UTF-8: application/json, any case, with no
 * parameter but charset=utf-8 (quoted or not). */
static int json_type_ok(const char *zType) {
  if (!zType) return 0;
  zType += strspn(zType, " \t");
  if (strncasecmp(zType, "application/json", 16)) return 0;
  const char *p = zType + 16;
  for (;;) {
    p += strspn(p, " \t");
    if (!*p) return 1;
    if (*p++ != ';') return 0;
    p += strspn(p, " \t");
    if (!*p) return 1;
    if (strncasecmp(p, "charset=", 8)) return 0;
    p += 8;
    int bQuote = *p == '"';
    p += bQuote;
    if (strncasecmp(p, "utf-8", 5)) return 0;
    p += 5;
    if (bQuote && *p++ != '"') return 0;
  }
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
  /* libmicrohttpd decodes %00 into a NUL that cuts the path short (it would
   * answer for another route): refused, as is a path that decodes into
   * anything but UTF-8. */
  if (pC->bBadUri || !text_utf8_valid(r->zPath, strlen(r->zPath))) {
    api_error(r, 400, "bad_request", 0, "网址含有空字符（%%00）或不是有效的 UTF-8");
    return;
  }
  const char *zCookieAll = MHD_lookup_connection_value(r->pConn, MHD_HEADER_KIND, "Cookie");
  if (zCookieAll && strlen(zCookieAll) > HTTP_MAX_COOKIE) {
    api_error(r, 431, "too_large", 0, "Cookie 太大（超过 %d 字节），请清除本站的 Cookie 后重试", HTTP_MAX_COOKIE);
    return;
  }
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
  /* A body is JSON, declared as such (a form, text/plain or XML carrying
   * JSON is refused, so that what a browser may send across sites without
   * asking is never taken). Routes whose body is a file take any type. */
  if (!(pR->flags & R_RAWBODY) && ((pR->flags & R_JSONBODY) || r->body.n > 0) &&
      !json_type_ok(MHD_lookup_connection_value(r->pConn, MHD_HEADER_KIND, "Content-Type"))) {
    api_error(r, 415, "unsupported_media_type", 0, "请求体须为 JSON，Content-Type 应为 application/json（UTF-8）");
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

/* 1 if the answer's own headers (the UI's) already set zName. */
static int has_header(const Req *r, const char *zName) {
  for (int i = 0; i + 1 < (int)ARRAY_LEN(r->azHeader) && r->azHeader[i]; i += 2)
    if (strcasecmp(r->azHeader[i], zName) == 0) return 1;
  return 0;
}

/* One line on stderr for the request (log_level info; error: 5xx only):
 * its id, method, path without the query string (a query may carry a name
 * or an ID number: ?q=), status, bytes of the body, time, client address and
 * login. Never a body, a cookie or a header's value. */
static void log_request(const Conn *pC, const char *zPath, const char *zStatus, long long nBytes, const char *zNote) {
  const Req *r = &pC->req;
  if (eLogLevel == LOG_OFF || (eLogLevel == LOG_ERROR && r->status < 500)) return;
  char zSafePath[300], zMethod[24];
  log_safe(zPath ? zPath : "-", zSafePath, sizeof zSafePath);
  log_safe(r->zMethod ? r->zMethod : "-", zMethod, sizeof zMethod);
  fprintf(stderr, "qiangji: request id=%s method=%s path=%s status=%s bytes=%lld ms=%.1f client=%s user=%s%s%s\n",
          r->zRequestId[0] ? r->zRequestId : "-", zMethod, zSafePath, zStatus, nBytes,
          (util_now() - pC->tStart) * 1000, r->zPeer[0] ? r->zPeer : "-", r->bAuthed ? r->user.zLogin : "-",
          zNote ? " " : "", zNote ? zNote : "");
}

static enum MHD_Result send_response(struct MHD_Connection *c, Conn *pC) {
  Req *r = &pC->req;
  struct MHD_Response *pResp;
  long long nBytes;
  if (r->fd >= 0) {
    pResp = MHD_create_response_from_fd((uint64_t)r->nFd, r->fd);
    r->fd = -1;  /* MHD closes it */
    nBytes = r->nFd;
    MHD_add_response_header(pResp, "Content-Type", r->zContentType);
    if (r->zDisposition) MHD_add_response_header(pResp, "Content-Disposition", r->zDisposition);
  } else if (r->pOut) {
    char *z = json_dumps(r->pOut, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
    nBytes = (long long)strlen(z);
    pResp = MHD_create_response_from_buffer_with_free_callback(strlen(z), z, free);
    MHD_add_response_header(pResp, "Content-Type", "application/json; charset=utf-8");
  } else {
    size_t n = r->out.n;
    char *z = buf_take(&r->out);
    nBytes = (long long)n;
    pResp = MHD_create_response_from_buffer_with_free_callback(n, z, free);
    MHD_add_response_header(pResp, "Content-Type", r->zContentType ? r->zContentType : "text/plain; charset=utf-8");
  }
  MHD_add_response_header(pResp, "Cache-Control", r->zCacheControl ? r->zCacheControl : "no-store");
  for (int i = 0; i + 1 < (int)ARRAY_LEN(r->azHeader) && r->azHeader[i]; i += 2)
    MHD_add_response_header(pResp, r->azHeader[i], r->azHeader[i + 1]);
  /* Every answer but the UI's pages (which set their own) loads nothing and
   * may not be framed: a JSON answer or a download opened as a page runs no
   * script. */
  if (!has_header(r, "Content-Security-Policy"))
    MHD_add_response_header(pResp, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  if (!has_header(r, "X-Frame-Options")) MHD_add_response_header(pResp, "X-Frame-Options", "DENY");
  MHD_add_response_header(pResp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(pResp, "Referrer-Policy", "same-origin");
  if (eHsts == HSTS_FORCE || (eHsts == HSTS_ON && r->bHttps))
    MHD_add_response_header(pResp, "Strict-Transport-Security", "max-age=31536000");
  if (r->zRequestId[0]) MHD_add_response_header(pResp, "X-Request-Id", r->zRequestId);
  if (r->zSetCookie) {
    if (r->bHttps) {
      char *z = xprintf("%s; Secure", r->zSetCookie);
      MHD_add_response_header(pResp, "Set-Cookie", z);
      free(z);
    } else {
      MHD_add_response_header(pResp, "Set-Cookie", r->zSetCookie);
    }
  }
  if (r->zAllow) MHD_add_response_header(pResp, "Allow", r->zAllow);
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)r->status, pResp);
  MHD_destroy_response(pResp);
  char zStatus[8];
  snprintf(zStatus, sizeof zStatus, "%d", r->status);
  log_request(pC, r->zPath, zStatus, nBytes, 0);
  return rc;
}

/* libmicrohttpd's URI log callback: the first word on a request, with the
 * URI as sent (before it decodes %XX and cuts the query off). Its answer
 * becomes the request's context (*ppCls of on_request and on_completed). */
static void *on_uri(void *cls, const char *zUri, struct MHD_Connection *c) {
  (void)cls;
  Conn *pC = xcalloc(1, sizeof *pC);
  pC->tStart = util_now();
  pC->req.fd = -1;
  pC->req.pConn = c;
  request_id(pC->req.zRequestId);
  if (zUri) {
    pC->bBadUri = strstr(zUri, "%00") != 0;
    size_t n = strcspn(zUri, "?");
    pC->zRawPath = xstrndup(zUri, n > 512 ? 512 : n);
  }
  return pC;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *zUrl, const char *zMethod,
                                  const char *zVersion, const char *zData, size_t *pnData, void **ppCls) {
  (void)cls;
  (void)zVersion;
  Conn *pC = *ppCls;
  if (!pC) *ppCls = pC = on_uri(0, 0, c);  /* not reached: on_uri runs first */
  if (!pC->bHeaders) {
    /* First call: headers only. Answering now would close keep-alive
     * connections in libmicrohttpd 0.9.75, so answer on a later call. A
     * body too large by its Content-Length is read and dropped, then
     * answered 413 (a client still writing would get a reset instead of
     * the answer if we closed under it), except when the client waits for
     * "100 Continue" or announces more than HTTP_MAX_DISCARD beyond the
     * limit (99999999999 bytes would keep it waiting until it gives up):
     * then 413 at once, and libmicrohttpd closes the connection. */
    pC->bHeaders = 1;
    pC->req.pConn = c;
    pC->req.zMethod = zMethod;
    pC->req.zPath = zUrl;
    client_address(&pC->req);
    pC->nLimit = API_MAX_JSON;
    /* Upload routes take bigger bodies: those under /api/v1/import/ and any
     * route whose body is a file (R_RAWBODY; the handler sets its own cap). */
    if (strncmp(zUrl, "/api/v1/import/", 15) == 0 || route_is_raw(zMethod, zUrl)) pC->nLimit = API_MAX_UPLOAD;
    const char *zLen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    unsigned long long nLen = zLen ? strtoull(zLen, 0, 10) : 0;
    if (nLen > pC->nLimit) pC->bTooLarge = 1;
    const char *zExpect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
    if (pC->bTooLarge && ((zExpect && strcasecmp(zExpect, "100-continue") == 0) || nLen > pC->nLimit + HTTP_MAX_DISCARD)) {
      pC->bStarted = 1;
      api_error(&pC->req, 413, "too_large", 0, "请求体超过上限 %zu 字节", pC->nLimit);
      return send_response(c, pC);
    }
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
  Conn *pC = *ppCls;
  if (!pC) return;
  Req *r = &pC->req;
  if (!pC->bStarted) {
    /* libmicrohttpd answered by itself, or the client went away. What it
     * answers by itself cannot be made JSON: in 0.9.75 (src/microhttpd/
     * connection.c at tag v0.9.75) every such path calls
     * transmit_error_response_static() with a compile-time HTML string
     * (REQUEST_TOO_BIG at lines 2451, 2633, 2680, 2726, 3505: headers over
     * the connection memory, 431/414; REQUEST_MALFORMED at 2839, 3535, 4503,
     * 4632; REQUEST_CHUNKED_MALFORMED at 3154, 3289; REQUEST_CHUNK_TOO_LARGE
     * at 3280; REQUEST_CONTENTLENGTH_TOOLARGE/_MALFORMED at 3623, 3634), and
     * transmit_error_response_len() (line 2272) queues it with
     * MHD_queue_response() without calling back into the application. No
     * option changes the body; the nginx in front answers these requests
     * (dist/nginx/qiangji.conf, docs/api.md "Errors of the HTTP layer"). */
    static const char *const azToe[] = {"completed", "error", "timeout", "shutdown", "read_error", "client_abort"};
    char zNote[64];
    snprintf(zNote, sizeof zNote, "end=%s answered_by=libmicrohttpd",
             (unsigned)toe < ARRAY_LEN(azToe) ? azToe[toe] : "other");
    r->status = 400;
    if (!pC->bHeaders) client_address(r);  /* the peer: the headers were never read */
    log_request(pC, pC->zRawPath, "-", 0, zNote);
  }
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
  free(pC->zRawPath);
  free(pC);
  *ppCls = 0;
}

/* libmicrohttpd's own messages, one line each (log_level info). */
static void on_mhd_log(void *cls, const char *zFmt, va_list ap) {
  (void)cls;
  if (eLogLevel < LOG_INFO) return;
  char z[512];
  vsnprintf(z, sizeof z, zFmt, ap);
  for (char *p = z; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  fprintf(stderr, "qiangji: http: %s\n", z);
}

/* Reads the edge's settings (log_level, hsts, trusted_proxy). 0, or -1
 * after saying what is wrong. */
static int edge_load(void) {
  const char *z = config_get("log_level");
  if (!z) eLogLevel = getenv("QIANGJI_QUIET") ? LOG_OFF : LOG_INFO;  /* QIANGJI_QUIET: the older name (bench) */
  else if (strcmp(z, "off") == 0) eLogLevel = LOG_OFF;
  else if (strcmp(z, "error") == 0) eLogLevel = LOG_ERROR;
  else if (strcmp(z, "info") == 0) eLogLevel = LOG_INFO;
  else {
    util_die_msg("log_level wants off, error or info (got '%s')", z);
    return -1;
  }
  z = config_get("hsts");
  if (!z || strcmp(z, "off") == 0) eHsts = HSTS_OFF;
  else if (strcmp(z, "on") == 0) eHsts = HSTS_ON;
  else if (strcmp(z, "force") == 0) eHsts = HSTS_FORCE;
  else {
    util_die_msg("hsts wants off, on or force (got '%s')", z);
    return -1;
  }
  if (trusted_load(config_get("trusted_proxy"))) return -1;
  idSalt = (unsigned)((unsigned long long)time(0) * 2654435761ULL) ^ (unsigned)getpid() << 16;
  return 0;
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
  if (edge_load()) return 2;
  if (nThread < 1) nThread = (int)sysconf(_SC_NPROCESSORS_ONLN) * 2;
  if (nThread < 2) nThread = 2;
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ERROR_LOG, 0, 0, 0, on_request, 0,
      MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)nThread,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
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
