/* test_config.c: the config file's parser, its messages, and the order of
 * precedence (environment over file over default; config_args and the
 * command line are driven through the binary in tests/api/ops.test.mjs). */
#include "unit.h"
#include "config.h"
#include <string.h>

static char zPath[256];

/* Writes zText to this test's config file and loads it; returns
 * config_load's rc, with the message (if any) in *pzErr. */
static int load_text(const char *zText, char **pzErr) {
  const char *zDir = getenv("TMPDIR");
  snprintf(zPath, sizeof zPath, "%s/qj-unit-config-%d.conf", zDir && zDir[0] ? zDir : "/tmp", (int)getpid());
  FILE *f = fopen(zPath, "wb");
  assert_non_null(f);
  fputs(zText, f);
  fclose(f);
  int rc = config_load(zPath, 1, pzErr);
  unlink(zPath);
  return rc;
}

/* config_load fails, and the message holds every one of the fragments. */
static void expect_error(const char *zText, const char *zWant1, const char *zWant2) {
  char *zErr = 0;
  assert_int_equal(load_text(zText, &zErr), -1);
  assert_non_null(zErr);
  if (!strstr(zErr, zWant1) || (zWant2 && !strstr(zErr, zWant2)))
    fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", zErr, zWant1, zWant2 ? zWant2 : "");
  assert_non_null(strstr(zErr, zPath));   /* names the file */
  free(zErr);
}

static void test_good_file(void **state) {
  (void)state;
  char *zErr = 0;
  int rc = load_text("\xef\xbb\xbf# Qiangji\n"
                     "\n"
                     "listen = 0.0.0.0:9090\r\n"
                     "  db=/var/lib/qiangji/qiangji.db   # the database\n"
                     "ui_dir = /srv/ui#not-a-comment\n"
                     "log_level = error\n"
                     "session_hours = 8\n"
                     "upload_limit = 16M\n"
                     "body_limit = 512K\n"
                     "trusted_proxy = 127.0.0.1, ::1, 10.0.0.0/8\n"
                     "hsts = force\n"
                     "tz = Asia/Urumqi\n"
                     "threads =\n",
                     &zErr);
  assert_null(zErr);
  assert_int_equal(rc, 0);
  assert_string_equal(config_file(), zPath);
  assert_string_equal(config_get("listen"), "0.0.0.0:9090");
  assert_string_equal(config_get("db"), "/var/lib/qiangji/qiangji.db");
  assert_string_equal(config_get("ui_dir"), "/srv/ui#not-a-comment");
  assert_string_equal(config_get("log_level"), "error");
  assert_string_equal(config_get("trusted_proxy"), "127.0.0.1, ::1, 10.0.0.0/8");
  assert_string_equal(config_get("tz"), "Asia/Urumqi");
  assert_null(config_get("threads"));              /* "key =": the default */
  assert_int_equal(config_int("threads", 7), 7);
  assert_string_equal(config_get("hsts"), "force");
  assert_int_equal(config_session_seconds(), 8 * 3600);
  assert_int_equal(config_upload_limit(), 16 << 20);
  assert_int_equal(config_body_limit(), 512 << 10);
  assert_null(config_get("no_such_key"));
  config_reset();
  /* Nothing set: the declared defaults. */
  assert_null(config_get("listen"));
  assert_int_equal(config_session_seconds(), 12 * 3600);
  assert_int_equal(config_upload_limit(), 64 << 20);
  assert_int_equal(config_body_limit(), 1 << 20);
}

static void test_bad_lines(void **state) {
  (void)state;
  expect_error("listen = 127.0.0.1:8080\n\nthis line has no equals sign\n", "第 3 行", "键 = 值");
  expect_error("# ok\nlisten_address = 1.2.3.4:80\n", "第 2 行", "未知的设置 “listen_address”");
  expect_error("db = a.db\ndb = b.db\n", "第 2 行", "第 1 行已设置");
  expect_error(" = x\n", "第 1 行", "缺少设置的名字");
  expect_error("session_hours = twelve\n", "第 1 行", "session_hours 应为 1 到 720 的整数");
  expect_error("session_hours = 0\n", "第 1 行", "1 到 720");
  expect_error("session_hours = 1K\n", "第 1 行", "整数");        /* sizes only for size keys */
  expect_error("upload_limit = 12Q\n", "第 1 行", "upload_limit");
  expect_error("body_limit = 1G\n", "第 1 行", "64M");
  expect_error("log_level = loud\n", "第 1 行", "off|error|info");
  expect_error("listen = localhost\n", "第 1 行", "127.0.0.1:8080");
  expect_error("listen = 127.0.0.1:99999\n", "第 1 行", "listen");
  expect_error("trusted_proxy = 127.0.0.1, proxy.example\n", "第 1 行", "“proxy.example” 不是");
  expect_error("tz = Asia/Shanghai\x01\n", "第 1 行", "控制字符");
  /* A bad file leaves what was read before as it was. */
  char *zErr = 0;
  assert_int_equal(load_text("db = kept.db\n", &zErr), 0);
  expect_error("db = other.db\nnope\n", "第 2 行", 0);
  assert_string_equal(config_get("db"), "kept.db");
  config_reset();
}

static void test_missing_file(void **state) {
  (void)state;
  char *zErr = 0;
  assert_int_equal(config_load("/nonexistent/qiangji.conf", 0, &zErr), 0);   /* the default may be absent */
  assert_null(zErr);
  assert_null(config_file());
  assert_int_equal(config_load("/nonexistent/qiangji.conf", 1, &zErr), -1);  /* --config must exist */
  assert_non_null(strstr(zErr, "/nonexistent/qiangji.conf"));
  free(zErr);
}

static void test_precedence(void **state) {
  (void)state;
  char *zErr = 0;
  unsetenv("QIANGJI_LISTEN");
  unsetenv("QIANGJI_SESSION_HOURS");
  assert_int_equal(load_text("listen = 127.0.0.1:9000\nsession_hours = 2\n", &zErr), 0);
  assert_string_equal(config_get("listen"), "127.0.0.1:9000");          /* file over default */
  setenv("QIANGJI_LISTEN", "127.0.0.1:9001", 1);
  assert_string_equal(config_get("listen"), "127.0.0.1:9001");          /* environment over file */
  setenv("QIANGJI_LISTEN", "", 1);
  assert_string_equal(config_get("listen"), "127.0.0.1:9000");          /* empty: unset */
  setenv("QIANGJI_SESSION_HOURS", "3", 1);
  assert_int_equal(config_session_seconds(), 3 * 3600);
  /* A bad value in the environment is refused when the file is read, by its name. */
  setenv("QIANGJI_SESSION_HOURS", "many", 1);
  assert_int_equal(load_text("listen = 127.0.0.1:9000\n", &zErr), -1);
  assert_non_null(strstr(zErr, "环境变量 QIANGJI_SESSION_HOURS"));
  free(zErr);
  unsetenv("QIANGJI_SESSION_HOURS");
  unsetenv("QIANGJI_LISTEN");
  config_reset();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_file),
      cmocka_unit_test(test_bad_lines),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_precedence),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
