/* demo_cli.c: `qiangji demo`: builds a demo county, city or province, either
 * as import files (--csv-dir) or straight into a new database through the
 * same import path a clerk uses, plus one login per role. */
#include "auth.h"
#include "module.h"
#include "cli.h"
#include "db.h"
#include "schema.h"
#include "demo.h"
#include "port.h"
#include "util.h"
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    util_die_msg("cannot write %s: %s", !fO ? zOrgs : zMembers, strerror(errno));
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
    util_die_msg("demo import of %s failed: %s (%lld errors)", zPath, res.zFatal, res.nError);
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

static int cmd_demo(const CliArgs *p) {
  DemoOpts opts = {cli_opt(p, "scale") ? cli_opt(p, "scale") : "county", 1};
  if (strcmp(opts.zScale, "county") && strcmp(opts.zScale, "city") && strcmp(opts.zScale, "province")) {
    util_die_msg("--scale is county, city or province (got '%s')", opts.zScale);
    return 2;
  }
  if (cli_opt(p, "seed")) {
    char *e;
    opts.seed = strtoull(cli_opt(p, "seed"), &e, 10);
    if (*e || !cli_opt(p, "seed")[0]) {
      util_die_msg("--seed wants a whole number");
      return 2;
    }
  }
  const char *zDir = cli_opt(p, "csv-dir"), *zDb = cli_opt(p, "db");
  DemoResult res;
  double t0 = util_now();
  if (zDir) {
    if (mkdir(zDir, 0777) && errno != EEXIST) {
      util_die_msg("cannot create %s: %s", zDir, strerror(errno));
      return 1;
    }
    char *zO = xprintf("%s/orgs.csv", zDir), *zM = xprintf("%s/members.csv", zDir);
    int rc = write_files(&opts, zO, zM, &res);
    if (!rc) printf("wrote %s (%lld organizations) and %s (%lld members) in %.1f s\n", zO, res.nOrg, zM, res.nMember,
                    util_now() - t0);
    free(zO);
    free(zM);
    return rc ? 1 : 0;
  }
  if (!zDb) {
    util_die_msg("demo needs --db PATH (a new database) or --csv-dir DIR");
    return 2;
  }
  struct stat st;
  if (stat(zDb, &st) == 0) {
    util_die_msg("%s exists already; demo builds a new database (remove it first)", zDb);
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
      util_die_msg("could not add the demo users");
      return 1;
    }
  if (db_commit()) return 1;
  for (int m = 0; m < module_n; m++)
    if (module_ap[m]->xDemo && module_ap[m]->xDemo(&opts, &res)) return 1;
  printf("demo %s: %lld organizations, %lld members in %s (%.1f s)\n", opts.zScale, res.nOrg, res.nMember, zDb,
         util_now() - t0);
  printf("logins (password):\n");
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
  {"scale", 1, 0, "county (~1,500 orgs, 30,000 members), city (~10,000 / 200,000) or province (190,700 / 3,800,000)"},
  {"seed", 1, 0, "random seed (default 1); the same seed gives the same data"},
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
