/* demo_cli.c: `qiangji demo`: builds a demo county, city or province, either
 * as import files (--csv-dir) or straight into a new database through the
 * same import path a clerk uses, plus one login per role. The data run up
 * to the reference day (--today, else the business day), so a demo built
 * today looks like today: meetings up to last week, dues paid up to last
 * month by most, and most branches green. */
#include "auth.h"
#include "module.h"
#include "cli.h"
#include "db.h"
#include "schema.h"
#include "demo.h"
#include "meeting.h"
#include "port.h"
#include "text.h"
#include "util.h"
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The demo logins. The passwords are printed; a real deployment adds its own
 * users with `qiangji user add`. */
static const struct {
  const char *zLogin, *zRole, *zPassword, *zWhat;
} aDemoUser[] = {
  {"admin", "admin", "qiangji-admin", "组织部（全部）"},
  {"secretary", "org_admin", "qiangji-secretary", "乡镇党委"},
  {"viewer", "viewer", "qiangji-viewer", "上级（只读，全部）"},
  {"member", "member", "qiangji-member", "党员本人"},
};

static int write_files(const DemoOpts *pOpts, const char *zOrgs, const char *zMembers, DemoResult *pRes) {
  FILE *fO = fopen(zOrgs, "wb"), *fM = fopen(zMembers, "wb");
  if (!fO || !fM) {
    util_die_msg("无法写入 %s：%s", !fO ? zOrgs : zMembers, strerror(errno));
    if (fO) fclose(fO);
    if (fM) fclose(fM);
    return -1;
  }
  int rc = demo_generate(pOpts, fO, fM, pRes);
  if (fclose(fO) | fclose(fM)) rc = -1;
  return rc;
}

static int import_file(const char *zPath, int bMembers) {
  FILE *f = fopen(zPath, "rb");
  if (!f) return -1;
  ImportOpts o = {bMembers, 0, 0, bMembers ? "demo members.csv" : "demo orgs.csv", "", 0, "demo", 0, 0};
  ImportResult res;
  int rc = port_import(f, &o, &res);
  fclose(f);
  if (rc) {
    util_die_msg("演示数据导入 %s 失败：%s（%lld 处错误）", zPath, res.zFatal, res.nError);
    char *z = json_dumps(res.aError, JSON_INDENT(1));
    if (z) fprintf(stderr, "%.2000s\n", z);
    free(z);
  }
  port_result_free(&res);
  return rc;
}

static int add_user(const char *zLogin, const char *zRole, const char *zOrg, const char *zMember, const char *zPw) {
  char zHash[crypto_pwhash_STRBYTES], zAt[32];
  if (crypto_pwhash_str(zHash, zPw, strlen(zPw), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE))
    return -1;
  util_timestamp(zAt);
  long long memberId = zMember ? db_int(0, "SELECT id FROM member WHERE id_number=?", "t", zMember) : 0;
  long long orgId = memberId ? db_int(0, "SELECT org_id FROM member WHERE id=?", "I", memberId)
                             : db_int(0, "SELECT id FROM org WHERE code=?", "t", zOrg);
  if (!orgId) return -1;
  return db_exec("INSERT INTO user(login, pw_hash, role, org_id, member_id, created_at) VALUES(?,?,?,?,nullif(?,0),?)",
                 "tttIIt", zLogin, zHash, zRole, orgId, memberId, zAt);
}

/* The demo stands on its reference day zToday: the business day
 * (QIANGJI_TODAY) of every check the import and the hooks make is that day,
 * and so is the clock that stamps the audit log and the records
 * (QIANGJI_NOW at noon of that day, in the business day's zone), unless the
 * clock already reads that day. */
static void demo_stand_on(const char *zToday) {
  char zClock[11];
  unsetenv("QIANGJI_TODAY");
  util_today(zClock);
  setenv("QIANGJI_TODAY", zToday, 1);
  if (strcmp(zClock, zToday) == 0) return;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = atoi(zToday) - 1900;
  tm.tm_mon = atoi(zToday + 5) - 1;
  tm.tm_mday = atoi(zToday + 8);
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  char zNow[32];
  strftime(zNow, sizeof zNow, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
  setenv("QIANGJI_NOW", zNow, 1);
}

/* The closing summary's share of green branches (no finding of the
 * obligations in the whole months of year y that ended by the reference
 * day, as the organization page counts them), into z: "82.1%（1079/1314）",
 * or a note when no month of y has ended yet. */
static void green_share(const char *zRoot, int y, const char *zToday, char *z, size_t n) {
  char zFrom[11], zTo[11];
  snprintf(zFrom, sizeof zFrom, "%04d-01-01", y);
  snprintf(zTo, sizeof zTo, "%04d-12-31", y);
  long long nBranch = 0, nRed = 0, nAmber = 0;
  char *zPath = db_text("SELECT path FROM org WHERE code=?", "t", zRoot);
  if (y == atoi(zToday) && atoi(zToday + 5) == 1) snprintf(z, n, "尚无已结束的月份");
  else if (!zPath || obligations_lights(zPath, zFrom, zTo, &nBranch, &nRed, &nAmber) || !nBranch)
    snprintf(z, n, "无法计算");
  else
    snprintf(z, n, "%.1f%%（%lld/%lld，%lld 个有缺开，%lld 个需注意）", 100.0 * (double)(nBranch - nRed - nAmber) / (double)nBranch,
             nBranch - nRed - nAmber, nBranch, nRed, nAmber);
  free(zPath);
}

static int cmd_demo(const CliArgs *p) {
  char zToday[11];
  DemoOpts opts = {cli_opt(p, "scale") ? cli_opt(p, "scale") : "county", 1, zToday};
  if (strcmp(opts.zScale, "small") && strcmp(opts.zScale, "county") && strcmp(opts.zScale, "city") &&
      strcmp(opts.zScale, "province")) {
    util_die_msg("--scale 只能是 small、county、city 或 province（收到“%s”）", opts.zScale);
    return 2;
  }
  if (cli_opt(p, "seed")) {
    char *e;
    opts.seed = strtoull(cli_opt(p, "seed"), &e, 10);
    if (*e || !cli_opt(p, "seed")[0]) {
      util_die_msg("--seed 应为非负整数");
      return 2;
    }
  }
  if (cli_opt(p, "today")) {
    const char *z = cli_opt(p, "today");
    if (strlen(z) != 10 || z[4] != '-' || z[7] != '-' || text_parse_date(z, zToday) || strcmp(zToday, z) ||
        strcmp(zToday, "2020-01-01") < 0 || strcmp(zToday, "2099-12-31") > 0) {
      util_die_msg("--today 应为 2020-01-01 至 2099-12-31 之间的日期 YYYY-MM-DD（收到“%s”）", z);
      return 2;
    }
  } else {
    util_today(zToday);
  }
  demo_stand_on(zToday);
  const char *zDir = cli_opt(p, "csv-dir"), *zDb = cli_opt(p, "db");
  DemoResult res;
  double t0 = util_now();
  if (zDir) {
    if (mkdir(zDir, 0777) && errno != EEXIST) {
      util_die_msg("无法创建目录 %s：%s", zDir, strerror(errno));
      return 1;
    }
    char *zO = xprintf("%s/orgs.csv", zDir), *zM = xprintf("%s/members.csv", zDir);
    int rc = write_files(&opts, zO, zM, &res);
    if (!rc) printf("已写出 %s（%lld 个组织）和 %s（%lld 名党员），基准日 %s，用时 %.1f 秒\n", zO, res.nOrg, zM, res.nMember,
                    zToday, util_now() - t0);
    free(zO);
    free(zM);
    return rc ? 1 : 0;
  }
  if (!zDb) {
    util_die_msg("demo 需要 --db PATH（新数据库）或 --csv-dir DIR");
    return 2;
  }
  struct stat st;
  if (stat(zDb, &st) == 0) {
    util_die_msg("%s 已存在；演示数据只写入新数据库（请先删除它）", zDb);
    return 1;
  }
  if (schema_open(zDb, 1)) return 1;
  char *zO = xprintf("%s.demo-orgs.csv", zDb), *zM = xprintf("%s.demo-members.csv", zDb);
  int rc = write_files(&opts, zO, zM, &res);
  if (!rc) rc = import_file(zO, 0);
  if (!rc) rc = import_file(zM, 1);
  unlink(zO);
  unlink(zM);
  free(zO);
  free(zM);
  if (rc) return 1;
  const char *azOrg[] = {res.zRoot, res.zTownship, res.zRoot, 0};
  if (db_begin()) return 1;
  for (int i = 0; i < (int)ARRAY_LEN(aDemoUser); i++)
    if (add_user(aDemoUser[i].zLogin, aDemoUser[i].zRole, azOrg[i], i == 3 ? res.zMemberId : 0, aDemoUser[i].zPassword)) {
      db_rollback();
      util_die_msg("无法添加演示用户");
      return 1;
    }
  if (db_commit()) return 1;
  for (int m = 0; m < module_n; m++)
    if (module_ap[m]->xDemo && module_ap[m]->xDemo(&opts, &res)) return 1;
  char zGreen[160], zGreenPrev[160];
  green_share(res.zRoot, atoi(zToday), zToday, zGreen, sizeof zGreen);
  green_share(res.zRoot, atoi(zToday) - 1, zToday, zGreenPrev, sizeof zGreenPrev);
  static const char *const azScaleName[] = {"small", "小规模", "county", "县级", "city", "市级", "province", "省级"};
  const char *zScaleName = opts.zScale;
  for (int i = 0; i < 8; i += 2)
    if (strcmp(opts.zScale, azScaleName[i]) == 0) zScaleName = azScaleName[i + 1];
  printf("演示数据（%s）：%lld 个组织、%lld 名党员，写入 %s，基准日 %s；三会一课全部落实的党支部 %d 年 %s，%d 年 %s"
         "（用时 %.1f 秒）\n",
         zScaleName, res.nOrg, res.nMember, zDb, zToday, atoi(zToday), zGreen, atoi(zToday) - 1, zGreenPrev,
         util_now() - t0);
  printf("登录名（密码）：\n");
  /* Columns as wide as their longest entry (logins, passwords and roles are ASCII). */
  int wL = 0, wP = 0, wR = 0;
  for (int i = 0; i < (int)ARRAY_LEN(aDemoUser); i++) {
    if ((int)strlen(aDemoUser[i].zLogin) > wL) wL = (int)strlen(aDemoUser[i].zLogin);
    if ((int)strlen(aDemoUser[i].zPassword) > wP) wP = (int)strlen(aDemoUser[i].zPassword);
    if ((int)strlen(aDemoUser[i].zRole) > wR) wR = (int)strlen(aDemoUser[i].zRole);
  }
  for (int i = 0; i < (int)ARRAY_LEN(aDemoUser); i++)
    printf("  %-*s  %-*s  %-*s  %s%s%s\n", wL, aDemoUser[i].zLogin, wP, aDemoUser[i].zPassword, wR, aDemoUser[i].zRole,
           aDemoUser[i].zWhat, i == 1 ? " " : "", i == 1 ? res.zTownship : "");
  return 0;
}

static const CliOpt aDemoOpt[] = {
  {"db", 1, 0, "the new database to build"},
  {"scale", 1, 0,
   "county (~1,500 orgs, 30,000 members), city (~10,000 / 200,000), province (190,700 / 3,800,000), or small (150 / "
   "3,000, for tests)"},
  {"seed", 1, 0, "random seed (default 1); the same seed and day give the same data"},
  {"today", 1, 0, "the demo's reference day YYYY-MM-DD (default the business day): its records run up to that day"},
  {"csv-dir", 1, 0, "write orgs.csv and members.csv here instead of a database"},
  {0, 0, 0, 0},
};

static const Command aCommandTable[] = {
  {"demo", 0, cmd_demo, aDemoOpt, 0, 0, "",
   "Builds a deterministic, realistic demo data set: into a new database with one login per role, or as import files."},
};

static const char *const azAuditAction[] = {"demo", 0};
static const char *const azAuditActionName[] = {"演示数据", 0};
static const Enum aEnum[] = {
  {"audit_action", azAuditAction, azAuditActionName},
};

const Module demo_module = {
  .aEnum = MODULE_ARRAY(aEnum),
  .zName = "demo",
  .aCommand = MODULE_ARRAY(aCommandTable),
};
