/* schema.c: every table, in migrations. Append; never edit a shipped one. */
#include "schema.h"
#include "module.h"
#include "db.h"
#include "util.h"
#include <stdio.h>

const char *const schema_aMigration[] = {
  /* 1: the foundation: organizations, members, users, sessions, audit. */
  "CREATE TABLE qj_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
  "INSERT INTO qj_meta VALUES('application','qiangji');\n"
  "CREATE TABLE qj_module(name TEXT PRIMARY KEY, version INTEGER NOT NULL);\n"
  /* org.path is the chain of ids from the root, '/1/5/23/': a subtree is
   * the range path >= P AND path < P with its final '/' replaced by '0'. */
  /* AUTOINCREMENT: an id is never reused, so audit keys name one record forever. */
  "CREATE TABLE org(\n"
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  code TEXT NOT NULL UNIQUE,\n"
  "  name TEXT NOT NULL,\n"
  "  parent_id INTEGER REFERENCES org(id),\n"
  "  path TEXT NOT NULL UNIQUE,\n"
  "  kind TEXT NOT NULL,\n"
  "  domain TEXT NOT NULL,\n"
  "  formation TEXT,\n"
  "  established_on TEXT,\n"
  "  ended_on TEXT,\n"
  "  region_code TEXT,\n"
  "  term_started_on TEXT,\n"
  "  updated_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX org_parent ON org(parent_id);\n"
  "CREATE TABLE member(\n"
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  name TEXT NOT NULL,\n"
  "  id_number TEXT NOT NULL UNIQUE,\n"
  "  gender TEXT NOT NULL,\n"
  "  birth_date TEXT NOT NULL,\n"
  "  ethnicity TEXT,\n"
  "  education TEXT,\n"
  "  category TEXT NOT NULL,\n"
  "  joined_on TEXT NOT NULL,\n"
  "  full_on TEXT,\n"
  "  occupation TEXT,\n"
  "  phone TEXT,\n"
  "  mobile INTEGER NOT NULL DEFAULT 0,\n"
  "  mobile_location TEXT,\n"
  "  monthly_income INTEGER,\n"            /* cents (fen) */
  /* On the roster (active) or off it, and why: suspended 停止党籍, left
   * 出党/退党, deceased 去世, expelled 开除党籍. Lists, counts and exports
   * show active members; the member-lifecycle module records the changes. */
  "  status TEXT NOT NULL DEFAULT 'active'\n"
  "    CHECK(status IN ('active','suspended','left','deceased','expelled')),\n"
  "  pinyin TEXT NOT NULL,\n"
  "  initials TEXT NOT NULL,\n"
  "  updated_at TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX member_org ON member(org_id);\n"
  "CREATE TABLE user(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  login TEXT NOT NULL UNIQUE,\n"
  "  pw_hash TEXT NOT NULL,\n"
  "  role TEXT NOT NULL CHECK(role IN ('admin','org_admin','viewer','member')),\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  member_id INTEGER REFERENCES member(id),\n"
  "  disabled INTEGER NOT NULL DEFAULT 0,\n"
  "  created_at TEXT NOT NULL\n"
  ");\n"
  /* Failed sign-ins in a row per login name, existing or not, so that a
   * lockout does not tell which logins exist. */
  "CREATE TABLE login_throttle(\n"
  "  login TEXT PRIMARY KEY,\n"
  "  failed INTEGER NOT NULL,\n"
  "  failed_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE session(\n"
  "  token_hash TEXT PRIMARY KEY,\n"          /* SHA-256 of the cookie value */
  "  user_id INTEGER NOT NULL REFERENCES user(id),\n"
  "  csrf TEXT NOT NULL,\n"
  "  expires_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE audit(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  at TEXT NOT NULL,\n"
  "  actor TEXT NOT NULL,\n"
  "  action TEXT NOT NULL,\n"
  "  entity TEXT NOT NULL,\n"
  "  entity_key TEXT,\n"
  "  org_id INTEGER,\n"
  "  before TEXT,\n"
  "  after TEXT,\n"
  "  prev_hash TEXT NOT NULL,\n"
  "  hash TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX audit_org ON audit(org_id);\n"
  "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit\n"
  "  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;\n"
  "CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit\n"
  "  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;\n",
  /* 2: the ID-number index becomes a named index instead of the column's
   * UNIQUE constraint, so that a bulk import into an empty roster can drop
   * the roster's indexes and build each once at the end, by sorting, rather
   * than row by row (port.c). SQLite cannot drop a column constraint, so
   * the table is rebuilt with its rows and its AUTOINCREMENT high mark.
   * Indexes that modules put on member are theirs to re-create (their next
   * migration, CREATE INDEX IF NOT EXISTS). */
  "CREATE TABLE member_new(\n"
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  org_id INTEGER NOT NULL REFERENCES org(id),\n"
  "  name TEXT NOT NULL,\n"
  "  id_number TEXT NOT NULL,\n"
  "  gender TEXT NOT NULL,\n"
  "  birth_date TEXT NOT NULL,\n"
  "  ethnicity TEXT,\n"
  "  education TEXT,\n"
  "  category TEXT NOT NULL,\n"
  "  joined_on TEXT NOT NULL,\n"
  "  full_on TEXT,\n"
  "  occupation TEXT,\n"
  "  phone TEXT,\n"
  "  mobile INTEGER NOT NULL DEFAULT 0,\n"
  "  mobile_location TEXT,\n"
  "  monthly_income INTEGER,\n"
  "  status TEXT NOT NULL DEFAULT 'active'\n"
  "    CHECK(status IN ('active','suspended','left','deceased','expelled')),\n"
  "  pinyin TEXT NOT NULL,\n"
  "  initials TEXT NOT NULL,\n"
  "  updated_at TEXT NOT NULL\n"
  ");\n"
  "INSERT INTO member_new(id, org_id, name, id_number, gender, birth_date, ethnicity, education, category, joined_on, full_on, occupation, phone, mobile, mobile_location, monthly_income, status, pinyin, initials, updated_at) SELECT id, org_id, name, id_number, gender, birth_date, ethnicity, education, category, joined_on, full_on, occupation, phone, mobile, mobile_location, monthly_income, status, pinyin, initials, updated_at FROM member;\n"
  "DELETE FROM sqlite_sequence WHERE name='member_new';\n"
  "UPDATE sqlite_sequence SET name='member_new' WHERE name='member';\n"
  "DROP TABLE member;\n"
  "ALTER TABLE member_new RENAME TO member;\n"
  "CREATE UNIQUE INDEX member_idnum ON member(id_number);\n"
  "CREATE INDEX member_org ON member(org_id);\n",
  /* 3: modules renamed or split, before the modules' migrations run.
   * Organizational life is the module "meeting" (it was "life"), and keeps
   * its version. The member-lifecycle module ("lifecycle") is gone: its
   * tables belong to rule, member_status, develop, transfer and dues, whose
   * first migrations create them only where they are missing, so an older
   * database keeps its rows and a new one gets the tables. */
  "UPDATE qj_module SET name='meeting' WHERE name='life';\n"
  "DELETE FROM qj_module WHERE name='lifecycle';\n",
};
const int schema_nMigration = (int)ARRAY_LEN(schema_aMigration);

int schema_migrate(int v) {
  if (v > schema_nMigration) {
    util_die_msg("%s has schema version %d, newer than this program (%d)", db_path(), v, schema_nMigration);
    return -1;
  }
  if (db_begin()) return -1;
  for (int i = v; i < schema_nMigration; i++) {
    if (db_script(schema_aMigration[i])) {
      db_rollback();
      util_die_msg("core migration %d failed", i + 1);
      return -1;
    }
  }
  char zSql[64];
  snprintf(zSql, sizeof zSql, "PRAGMA user_version=%d", schema_nMigration);
  if (v < schema_nMigration && db_script(zSql)) goto fail;
  for (int m = 0; m < module_n; m++) {
    const Module *p = module_ap[m];
    if (!p->nMigration) continue;
    int mv = (int)db_int(0, "SELECT version FROM qj_module WHERE name=?", "t", p->zName);
    if (mv > p->nMigration) {
      db_rollback();
      util_die_msg("%s: module %s has schema version %d, newer than this program (%d)", db_path(), p->zName, mv,
                   p->nMigration);
      return -1;
    }
    for (int i = mv; i < p->nMigration; i++) {
      if (db_script(p->azMigration[i])) {
        db_rollback();
        util_die_msg("migration %d of module %s failed", i + 1, p->zName);
        return -1;
      }
    }
    if (mv < p->nMigration &&
        db_exec("INSERT INTO qj_module(name, version) VALUES(?1, ?2)"
                " ON CONFLICT(name) DO UPDATE SET version=?2", "ti", p->zName, p->nMigration))
      goto fail;
  }
  if (db_commit()) goto fail;
  return 0;
fail:
  db_rollback();
  return -1;
}

int schema_open(const char *zPath, int bCreate) {
  if (db_open(zPath, bCreate)) return -1;
  int v = db_schema_version();
  return v < 0 ? -1 : schema_migrate(v);
}
