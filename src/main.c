/* main.c: qiangji, one binary: every verb is in the command table. */
#include "cli.h"
#include <sodium.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (sodium_init() < 0) {
    fprintf(stderr, "qiangji: libsodium failed to start\n");
    return 1;
  }
  return cli_main(argc, argv);
}
