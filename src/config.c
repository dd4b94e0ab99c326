/* config.c: the operator's settings (config.h): the table of keys, the
 * config file's parser, and the environment above it. */
#include "config.h"
#include "paths.h"
#include "util.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kinds of value a key takes, each checked where it is read. */
typedef enum CfgKind { CK_TEXT, CK_INT, CK_SIZE, CK_ENUM, CK_LISTEN, CK_ADDRS } CfgKind;

typedef struct CfgKey {
  const char *zName;
  CfgKind kind;
  long long iMin, iMax;        /* CK_INT, CK_SIZE */
  const char *zEnum;           /* CK_ENUM: the values, separated by '|' */
  const char *zDefault;        /* as it would be written in the file; "" for none */
  const char *zHelp;
} CfgKey;

/* Every key an operator may set. A module that reads a new setting adds its
 * key here (and config_get reads it). The defaults are the ones the readers
 * apply (config_body_limit and friends read them from this table). */
static const CfgKey aKey[] = {
  {"listen", CK_LISTEN, 0, 0, 0, "127.0.0.1:8080",
   "the IPv4 HOST:PORT `serve` listens on (its --listen); port 0 picks a free one"},
  {"db", CK_TEXT, 0, 0, 0, "",
   "the database file, for every verb that takes --db and is given none (e.g. /var/lib/qiangji/qiangji.db)"},
  {"ui_dir", CK_TEXT, 0, 0, 0, "",
   "the browser UI's directory (default: ui/ beside the binary, else " QJ_UI_DIR ")"},
  {"log_level", CK_ENUM, 0, 0, "off|error|info", "info",
   "how much the server logs to standard error: off, error (5xx only) or info (a line per request)"},
  {"session_hours", CK_INT, 1, 720, 0, "12", "how long a sign-in lasts, in hours (1 to 720)"},
  {"body_limit", CK_SIZE, 1024, 64LL << 20, 0, "1M",
   "the largest JSON request body, in bytes, or with K, M or G (1K to 64M); beyond it: 413"},
  {"upload_limit", CK_SIZE, 1024, 4LL << 30, 0, "64M",
   "the largest uploaded file (an import), in bytes or with K, M or G (1K to 4G); beyond it: 413"},
  {"import_max_mb", CK_INT, 0, 1 << 20, 0, "2048",
   "the most an imported .xlsx may inflate to, and the largest .xls, in MiB (0: the default); beyond it the import "
   "stops with an error naming the setting"},
  {"import_max_rows", CK_INT, 0, 1LL << 32, 0, "1048576",
   "the most rows an imported .xlsx or .xls sheet may have (0: the default, Excel's own limit); beyond it the import "
   "stops with an error naming the setting"},
  {"trusted_proxy", CK_ADDRS, 0, 0, 0, "",
   "addresses of the reverse proxies whose X-Forwarded-For is believed, separated by commas (e.g. 127.0.0.1, ::1)"},
  {"hsts", CK_ENUM, 0, 0, "off|on|force", "off",
   "Strict-Transport-Security: off, on (when a trusted proxy says the request came over https) or force (always)"},
  {"tz", CK_TEXT, 0, 0, 0, "Asia/Shanghai",
   "the time zone of the business day (what today is for meetings, dues, deadlines), a zone name"},
  {"threads", CK_INT, 0, 1024, 0, "0", "the server's worker threads (its --threads; 0: twice the cores)"},
  {"memo_slow_ms", CK_INT, 0, 3600000, 0, "200",
   "a subtree summary (三会一课 findings, dues, development pools and alerts, monthly changes, audit count) that "
   "took at least this long to compute, in ms, is kept and served until the data change (0: keep every one)"},
  {"memo_max_age", CK_INT, 0, 86400, 0, "3600",
   "how long, in seconds, a kept summary may still be served, marked stale, while a current one is computed behind "
   "it (0: never: wait for the current one)"},
};
#define N_KEY ((int)ARRAY_LEN(aKey))

static char *azFile[N_KEY];    /* the values the config file gave, or NULL */
static char *zFileRead;        /* the file they came from */

static int key_index(const char *zKey) {
  for (int i = 0; i < N_KEY; i++)
    if (strcmp(aKey[i].zName, zKey) == 0) return i;
  return -1;
}

int config_is_key(const char *zKey) { return key_index(zKey) >= 0; }

int config_key(int i, const char **pzName, const char **pzDefault, const char **pzHelp) {
  if (i < 0 || i >= N_KEY) return 0;
  *pzName = aKey[i].zName;
  *pzDefault = aKey[i].zDefault;
  *pzHelp = aKey[i].zHelp;
  return 1;
}

static void env_name(const char *zKey, char zEnv[80]) {
  size_t j = 8;
  memcpy(zEnv, "QIANGJI_", 8);
  for (size_t i = 0; zKey[i] && j + 1 < 80; i++) zEnv[j++] = (char)toupper((unsigned char)zKey[i]);
  zEnv[j] = 0;
}

const char *config_get(const char *zKey) {
  char zEnv[80];
  env_name(zKey, zEnv);
  const char *z = getenv(zEnv);
  if (z && z[0]) return z;
  int i = key_index(zKey);
  return i >= 0 ? azFile[i] : NULL;
}

/* A whole number with an optional K, M or G (binary) suffix. 0, or -1. */
static int parse_int(const char *z, long long *pV) {
  char *zEnd;
  errno = 0;
  long long v = strtoll(z, &zEnd, 10);
  if (zEnd == z || errno) return -1;
  long long m = 1;
  if (*zEnd == 'K' || *zEnd == 'k') m = 1024, zEnd++;
  else if (*zEnd == 'M' || *zEnd == 'm') m = 1024 * 1024, zEnd++;
  else if (*zEnd == 'G' || *zEnd == 'g') m = 1024LL * 1024 * 1024, zEnd++;
  if (*zEnd || v > (1LL << 50) || v < -(1LL << 50)) return -1;
  *pV = v * m;
  return 0;
}

long long config_int(const char *zKey, long long iDefault) {
  const char *z = config_get(zKey);
  long long v;
  if (!z || parse_int(z, &v)) return iDefault;
  return v;
}

/* The declared default of a numeric key. */
static long long default_int(const char *zKey) {
  long long v = 0;
  int i = key_index(zKey);
  if (i >= 0) parse_int(aKey[i].zDefault, &v);
  return v;
}

size_t config_body_limit(void) { return (size_t)config_int("body_limit", default_int("body_limit")); }
size_t config_upload_limit(void) { return (size_t)config_int("upload_limit", default_int("upload_limit")); }
int config_session_seconds(void) { return (int)config_int("session_hours", default_int("session_hours")) * 3600; }

/* Whether z is an IPv4 or IPv6 address, optionally with /PREFIX. */
static int is_addr(const char *z, size_t n) {
  char zA[64];
  if (n == 0 || n >= sizeof zA) return 0;
  memcpy(zA, z, n);
  zA[n] = 0;
  char *zSlash = strchr(zA, '/');
  long nMax = strchr(zA, ':') ? 128 : 32;
  if (zSlash) {
    char *e;
    long p = strtol(zSlash + 1, &e, 10);
    if (*e || !zSlash[1] || p < 0 || p > nMax) return 0;
    *zSlash = 0;
  }
  unsigned char aBuf[16];
  return inet_pton(nMax == 128 ? AF_INET6 : AF_INET, zA, aBuf) == 1;
}

/* Checks value z of key p. NULL when good, else what is wrong (malloc'ed,
 * Chinese, without the place). */
static char *value_check(const CfgKey *p, const char *z) {
  long long v;
  switch (p->kind) {
    case CK_TEXT: return 0;
    case CK_INT:
    case CK_SIZE:
      if (parse_int(z, &v) || (p->kind == CK_INT && !isdigit((unsigned char)z[strlen(z) - 1])) || v < p->iMin ||
          v > p->iMax) {
        if (p->kind == CK_INT) return xprintf("%s 应为 %lld 到 %lld 的整数（得到 “%s”）", p->zName, p->iMin, p->iMax, z);
        return xprintf("%s 应为字节数，可带 K、M、G，范围 %lldK 到 %lldM（得到 “%s”）", p->zName, p->iMin >> 10,
                       p->iMax >> 20, z);
      }
      return 0;
    case CK_ENUM: {
      size_t n = strlen(z);
      for (const char *e = p->zEnum; *e;) {
        size_t k = strcspn(e, "|");
        if (k == n && strncmp(e, z, n) == 0) return 0;
        e += k + (e[k] == '|');
      }
      return xprintf("%s 应为 %s 之一（得到 “%s”）", p->zName, p->zEnum, z);
    }
    case CK_LISTEN: {
      const char *zColon = strrchr(z, ':');
      char *e;
      long port = zColon ? strtol(zColon + 1, &e, 10) : -1;
      if (!zColon || !zColon[1] || *e || port < 0 || port > 65535 || !is_addr(z, (size_t)(zColon - z)))
        return xprintf("%s 应为 IPv4 地址:端口，如 127.0.0.1:8080（得到 “%s”）", p->zName, z);
      return 0;
    }
    case CK_ADDRS:
      for (const char *s = z; *s;) {
        s += strspn(s, ", \t");
        size_t k = strcspn(s, ", \t");
        if (k && !is_addr(s, k))
          return xprintf("%s 应为以逗号分隔的 IP 地址（可带 /前缀长度），“%.*s” 不是", p->zName, (int)k, s);
        s += k;
      }
      return 0;
  }
  return 0;
}

void config_reset(void) {
  for (int i = 0; i < N_KEY; i++) {
    free(azFile[i]);
    azFile[i] = 0;
  }
  free(zFileRead);
  zFileRead = 0;
}

const char *config_file(void) { return zFileRead; }

/* The names of every key, for a message about an unknown one. */
static char *key_list(void) {
  size_t n = 0;
  for (int i = 0; i < N_KEY; i++) n += strlen(aKey[i].zName) + 2;
  char *z = xmalloc(n + 1);
  z[0] = 0;
  for (int i = 0; i < N_KEY; i++) {
    if (i) strcat(z, ", ");
    strcat(z, aKey[i].zName);
  }
  return z;
}

/* Parses the file's text into azVal and aLine. 0, or -1 with *pzErr. */
static int parse_text(const char *zPath, char *zText, char **azVal, int *aLine, char **pzErr) {
  int iLine = 0;
  char *z = zText;
  if (strncmp(z, "\xef\xbb\xbf", 3) == 0) z += 3;   /* a BOM from an editor */
  while (*z) {
    char *zEnd = strchr(z, '\n');
    if (zEnd) *zEnd = 0;
    iLine++;
    char *zLine = z;
    z = zEnd ? zEnd + 1 : z + strlen(z);
    /* A comment: the whole line from a leading #, or from " #". */
    for (char *c = zLine; *c; c++)
      if (*c == '#' && (c == zLine || c[-1] == ' ' || c[-1] == '\t')) {
        *c = 0;
        break;
      }
    size_t n = strlen(zLine);
    while (n && isspace((unsigned char)zLine[n - 1])) zLine[--n] = 0;
    while (*zLine == ' ' || *zLine == '\t') zLine++;
    if (!*zLine) continue;
    for (char *c = zLine; *c; c++)
      if ((unsigned char)*c < 0x20 && *c != '\t') {
        *pzErr = xprintf("%s 第 %d 行：含有控制字符", zPath, iLine);
        return -1;
      }
    char *zEq = strchr(zLine, '=');
    if (!zEq) {
      *pzErr = xprintf("%s 第 %d 行：应为 “键 = 值” 的形式（得到 “%s”）", zPath, iLine, zLine);
      return -1;
    }
    char *zKeyEnd = zEq;
    while (zKeyEnd > zLine && isspace((unsigned char)zKeyEnd[-1])) zKeyEnd--;
    *zKeyEnd = 0;
    char *zVal = zEq + 1;
    while (*zVal == ' ' || *zVal == '\t') zVal++;
    if (!zLine[0]) {
      *pzErr = xprintf("%s 第 %d 行：“=” 前缺少设置的名字", zPath, iLine);
      return -1;
    }
    int k = key_index(zLine);
    if (k < 0) {
      char *zList = key_list();
      *pzErr = xprintf("%s 第 %d 行：未知的设置 “%s”（可用的设置：%s）", zPath, iLine, zLine, zList);
      free(zList);
      return -1;
    }
    if (aLine[k]) {
      *pzErr = xprintf("%s 第 %d 行：设置 %s 重复（第 %d 行已设置）", zPath, iLine, zLine, aLine[k]);
      return -1;
    }
    aLine[k] = iLine;
    if (!zVal[0]) continue;   /* "key =": the default */
    char *zWhy = value_check(&aKey[k], zVal);
    if (zWhy) {
      *pzErr = xprintf("%s 第 %d 行：%s", zPath, iLine, zWhy);
      free(zWhy);
      return -1;
    }
    azVal[k] = xstrdup(zVal);
  }
  return 0;
}

int config_load(const char *zPath, int bRequired, char **pzErr) {
  *pzErr = 0;
  char *azVal[N_KEY] = {0};
  int aLine[N_KEY] = {0};
  size_t n = 0;
  char *zText = util_read_file(zPath, &n);
  if (!zText && (bRequired || errno != ENOENT)) {
    *pzErr = xprintf("无法读取配置文件 %s：%s", zPath, errno == ENOENT ? "文件不存在" : strerror(errno));
    return -1;
  }
  if (zText && strlen(zText) != n) {
    *pzErr = xprintf("配置文件 %s 含有 NUL 字节：不是文本文件", zPath);
    free(zText);
    return -1;
  }
  if (zText && parse_text(zPath, zText, azVal, aLine, pzErr)) {
    for (int i = 0; i < N_KEY; i++) free(azVal[i]);
    free(zText);
    return -1;
  }
  free(zText);
  /* The environment is above the file: its values are checked too. */
  for (int i = 0; i < N_KEY; i++) {
    char zEnv[80];
    env_name(aKey[i].zName, zEnv);
    const char *zV = getenv(zEnv);
    char *zWhy = zV && zV[0] ? value_check(&aKey[i], zV) : 0;
    if (zWhy) {
      *pzErr = xprintf("环境变量 %s：%s", zEnv, zWhy);
      free(zWhy);
      for (int j = 0; j < N_KEY; j++) free(azVal[j]);
      return -1;
    }
  }
  config_reset();
  memcpy(azFile, azVal, sizeof azFile);
  if (zText || bRequired) zFileRead = xstrdup(zPath);
  return 0;
}

int config_args(int *pArgc, char **argv) {
  const char *zPath = 0;
  int j = 1;
  for (int i = 1; i < *pArgc; i++) {
    if (strcmp(argv[i], "--config") == 0) {
      if (i + 1 >= *pArgc) {
        util_die_msg("--config 需要一个配置文件的路径");
        return 2;
      }
      zPath = argv[++i];
    } else if (strncmp(argv[i], "--config=", 9) == 0) {
      zPath = argv[i] + 9;
    } else {
      argv[j++] = argv[i];
    }
  }
  *pArgc = j;
  argv[j] = 0;
  int bRequired = 1;
  if (!zPath) zPath = getenv("QIANGJI_CONFIG");
  if (!zPath || !zPath[0]) zPath = QJ_CONFIG_FILE, bRequired = 0;
  char *zErr = 0;
  if (config_load(zPath, bRequired, &zErr)) {
    fprintf(stderr, "qiangji: %s\n", zErr);
    free(zErr);
    return 2;
  }
  return 0;
}
