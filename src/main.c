/* main.c: qiangji, one binary: every verb is in the command table. */
#include "cli.h"
#include <sodium.h>
#include "util.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (sodium_init() < 0) {
    fprintf(stderr, "qiangji: libsodium failed to start\n");
    return 1;
  }
  if (util_tz_init()) {
    fprintf(stderr, "qiangji: 未知的时区 QIANGJI_TZ=%s（应为如 Asia/Shanghai 的时区名）\n", getenv("QIANGJI_TZ"));
    return 2;
  }
  return cli_main(argc, argv);
}
