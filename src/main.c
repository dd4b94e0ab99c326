/* main.c: qiangji, one binary: every verb is in the command table. */
#include "cli.h"
#include "config.h"
#include <sodium.h>
#include "util.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (sodium_init() < 0) {
    fprintf(stderr, "qiangji: libsodium failed to start\n");
    return 1;
  }
  int rc = config_args(&argc, argv);   /* --config FILE, wherever it stands */
  if (rc) return rc;
  if (util_tz_init()) {
    const char *zEnv = getenv("QIANGJI_TZ");
    fprintf(stderr, "qiangji: 未知的时区 %s（设置 tz，来自%s%s；应为如 Asia/Shanghai 的时区名）\n", config_get("tz"),
            zEnv && zEnv[0] ? "环境变量 QIANGJI_TZ" : "配置文件 ", zEnv && zEnv[0] ? "" : config_file());
    return 2;
  }
  return cli_main(argc, argv);
}
