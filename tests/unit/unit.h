/* unit.h: what every cmocka unit test includes, in the order cmocka needs. */
#ifndef QJ_UNIT_H
#define QJ_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <unistd.h>

/* Removes a test's SQLite database and its -wal and -shm files. */
static inline void unit_remove_db(const char *zDb) {
  char z[300];
  unlink(zDb);
  snprintf(z, sizeof z, "%s-wal", zDb);
  unlink(z);
  snprintf(z, sizeof z, "%s-shm", zDb);
  unlink(z);
}
#endif
