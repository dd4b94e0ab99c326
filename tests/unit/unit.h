/* unit.h: what every cmocka unit test includes, in the order cmocka needs. */
#ifndef QJ_UNIT_H
#define QJ_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "db.h"
#include "schema.h"

/* Removes a test's SQLite database and its -wal and -shm files. */
static inline void unit_remove_db(const char *zDb) {
  char z[300];
  unlink(zDb);
  snprintf(z, sizeof z, "%s-wal", zDb);
  unlink(z);
  snprintf(z, sizeof z, "%s-shm", zDb);
  unlink(z);
}

/* A fresh database path for a test suite, zSuite and the process id under
 * $TMPDIR (else /tmp), with "today" fixed at 2026-06-30 (QIANGJI_TODAY);
 * with bOpen it is created and opened. Returns 0, or schema_open's -1. */
static inline int unit_db_fresh(char *zDb, size_t nDb, const char *zSuite, int bOpen) {
  const char *zDir = getenv("TMPDIR");
  setenv("QIANGJI_TODAY", "2026-06-30", 1);
  snprintf(zDb, nDb, "%s/qj-unit-%s-%d.db", zDir && zDir[0] ? zDir : "/tmp", zSuite, (int)getpid());
  unit_remove_db(zDb);
  return bOpen ? schema_open(zDb, 1) : 0;
}

/* Closes this thread's connection and removes the database. Returns 0. */
static inline int unit_db_gone(const char *zDb) {
  db_close();
  unit_remove_db(zDb);
  return 0;
}
#endif
