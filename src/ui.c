/* ui.c: the browser UI's static files. Every GET or HEAD outside /api/ that
 * no route claims comes here (http.c, through the xStatic of this module's record).
 *
 * The files live in one directory: the setting ui_dir (config file or
 * $QIANGJI_UI_DIR) when set, else ui/ beside the binary (build/ui for
 * build/qiangji), as `make ui` builds it, else the installed one
 * ($(PREFIX)/share/qiangji/ui). Its
 * layout:
 *   index.html            the single page; sent for every path that names
 *                         no file (the client-side router reads the path)
 *   assets-HASH/...       scripts, styles, vendor code; HASH changes with
 *                         their content, so they are cached for a year
 *
 * Safety: a path with "..", ".", an empty or hidden segment, a backslash, a
 * control character or a leftover '%' (double encoding) is refused; the file
 * found is resolved with realpath() and must lie inside the directory (a
 * symbolic link pointing out of it is refused) and be a regular file. Every
 * answer carries a Content-Security-Policy that lets the page load nothing
 * from anywhere but this server. */
#include "module.h"
#include "util.h"
#include "config.h"
#include "paths.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UI_MAX_PATH 512

/* Canvas charts need no inline styles or scripts; images may be data: URLs
 * (an exported chart picture). */
static const char zCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static char zRoot[PATH_MAX];   /* realpath of the UI directory, or "" when there is none */
static pthread_once_t rootOnce = PTHREAD_ONCE_INIT;

/* Finds the UI directory once: the setting ui_dir (config.h), else ui/
 * beside the binary (a build tree: build/qiangji and build/ui), else the
 * installed QJ_UI_DIR ($(PREFIX)/share/qiangji/ui, set at build time). */
static void root_find(void) {
  char zWant[PATH_MAX];
  const char *zSet = config_get("ui_dir");
  if (zSet) {
    snprintf(zWant, sizeof zWant, "%s", zSet);
  } else {
    char zExe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", zExe, sizeof zExe - 1);
    char *zSlash = n > 0 ? (zExe[n] = 0, strrchr(zExe, '/')) : 0;
    if (zSlash) *zSlash = 0;
    if (!zSlash || snprintf(zWant, sizeof zWant, "%s/ui", zExe) >= (int)sizeof zWant || access(zWant, F_OK) != 0)
      snprintf(zWant, sizeof zWant, "%s", QJ_UI_DIR);
  }
  if (!realpath(zWant, zRoot)) {
    fprintf(stderr, "qiangji: no browser UI at %s (%s): build it with `make ui`, or set ui_dir in the config file"
            " or QIANGJI_UI_DIR\n", zWant, strerror(errno));
    zRoot[0] = 0;
  }
}

static const struct {
  const char *zExt;
  const char *zType;
} aMime[] = {
  {"html", "text/html; charset=utf-8"},
  {"js", "text/javascript; charset=utf-8"},
  {"mjs", "text/javascript; charset=utf-8"},
  {"css", "text/css; charset=utf-8"},
  {"json", "application/json; charset=utf-8"},
  {"map", "application/json; charset=utf-8"},
  {"svg", "image/svg+xml"},
  {"png", "image/png"},
  {"ico", "image/x-icon"},
  {"webmanifest", "application/manifest+json"},
  {"woff2", "font/woff2"},
  {"txt", "text/plain; charset=utf-8"},
  {"csv", "text/csv; charset=utf-8"},
};

/* The MIME type for a file name, by its ending; NULL when not served. */
static const char *mime_of(const char *zName) {
  const char *zDot = strrchr(zName, '.');
  if (!zDot) return 0;
  for (size_t i = 0; i < ARRAY_LEN(aMime); i++)
    if (strcmp(zDot + 1, aMime[i].zExt) == 0) return aMime[i].zType;
  return 0;
}

/* 1 if the URL path is one we may look up: "/" or "/seg/seg..." with no
 * empty, ".", ".." or hidden segment and only printable, non-special
 * characters (UTF-8 bytes above 0x7f are allowed: SPA paths may name
 * organizations). */
static int path_ok(const char *zPath) {
  size_t n = strlen(zPath);
  if (n == 0 || n > UI_MAX_PATH || zPath[0] != '/') return 0;
  if (strcmp(zPath, "/") == 0) return 1;
  const char *p = zPath + 1;
  for (;;) {
    const char *e = strchr(p, '/');
    size_t nSeg = e ? (size_t)(e - p) : strlen(p);
    if (nSeg == 0) return e == 0 && p > zPath + 1;   /* only a trailing '/' may be empty */
    if (p[0] == '.') return 0;                          /* ".", "..", ".hidden" */
    for (size_t i = 0; i < nSeg; i++) {
      unsigned char c = (unsigned char)p[i];
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' || c == ':') return 0;
    }
    if (!e) return 1;
    p = e + 1;
  }
}

/* Opens zRel (relative to the root, no leading '/') if it is a regular file
 * inside the root; fills *pSize. Returns the fd, or -1. */
static int open_inside(const char *zRel, long long *pSize) {
  char zWant[PATH_MAX], zReal[PATH_MAX];
  if (snprintf(zWant, sizeof zWant, "%s/%s", zRoot, zRel) >= (int)sizeof zWant) return -1;
  if (!realpath(zWant, zReal)) return -1;
  size_t nRoot = strlen(zRoot);
  if (strncmp(zReal, zRoot, nRoot) != 0 || zReal[nRoot] != '/') return -1;
  int fd = open(zReal, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  *pSize = (long long)st.st_size;
  return fd;
}

static void send_fd(Req *r, int fd, long long nSize, const char *zType, const char *zCache) {
  r->status = 200;
  r->fd = fd;
  r->nFd = nSize;
  r->zContentType = zType;
  r->zCacheControl = zCache;
  r->azHeader[0] = "Content-Security-Policy";
  r->azHeader[1] = zCsp;
  r->azHeader[2] = "X-Frame-Options";
  r->azHeader[3] = "DENY";
}

/* The static-file handler (the module's xStatic): a file of the UI directory, or
 * index.html for a path that names no file (a client-side route), or 404.
 * Never reads outside that directory (ui_dir, else ui/ beside the
 * binary). */
static void ui_serve(Req *r) {
  pthread_once(&rootOnce, root_find);
  if (!zRoot[0]) {
    api_error(r, 404, "not_found", 0, "本服务器未安装网页界面（请运行 make ui）");
    return;
  }
  if (!path_ok(r->zPath)) {
    api_error(r, 404, "not_found", 0, "没有这个地址");
    return;
  }
  const char *zRel = r->zPath + 1;
  const char *zBase = strrchr(r->zPath, '/') + 1;
  long long nSize = 0;
  if (zRel[0] && zBase[0]) {
    const char *zType = mime_of(zBase);
    int fd = zType ? open_inside(zRel, &nSize) : -1;
    if (fd >= 0) {
      /* assets-HASH/ is named by its content: it never changes. */
      int bHashed = strncmp(zRel, "assets-", 7) == 0;
      send_fd(r, fd, nSize, zType, bHashed ? "public, max-age=31536000, immutable" : "no-cache");
      return;
    }
    /* A missing file with an ending is a broken link, not a page. */
    if (strchr(zBase, '.')) {
      api_error(r, 404, "not_found", 0, "没有这个文件：%s", r->zPath);
      return;
    }
  }
  int fd = open_inside("index.html", &nSize);
  if (fd < 0) {
    api_error(r, 404, "not_found", 0, "网页界面缺少 index.html（请运行 make ui）");
    return;
  }
  send_fd(r, fd, nSize, "text/html; charset=utf-8", "no-cache");
}

const Module ui_module = {
  .zName = "ui",
  .xStatic = ui_serve,
};
