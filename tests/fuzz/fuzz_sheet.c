/* fuzz_sheet.c: arbitrary bytes through sheet.c as the import reads a file:
 * sheet_open on an fmemopen stream, then sheet_next until the end or an
 * error, asking sheet_row, sheet_kind and sheet_error of every row. The
 * format is the content's (PK\x03\x04 .xlsx, D0 CF 11 E0 .xls, else CSV),
 * so the seed corpus holds real workbooks. The worksheet asked for is
 * chosen by the input's length: the first visible one, "Sheet1", "名单",
 * or one that no workbook has.
 *
 * Checked besides what the sanitizers see: a row is up to SHEET_MAX_COLS
 * cells (at least one for CSV; a workbook's empty row has none) of valid
 * strings no longer than SHEET_MAX_CELL, its number positive; an error has a message, and every later call
 * returns -1 again; the end stays the end; no file descriptor is left open
 * and nothing is left in TMPDIR, a private folder of this process (sheet.c
 * writes no temporary file; .xls was once read through a copy).
 *
 * The limits are lowered so that a small input reaches them: 1 MiB
 * inflated, 2000 rows. */
#include "sheet.h"
#include <dirent.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char zTmpDir[64];

static void tmp_remove(void) { rmdir(zTmpDir); }

int LLVMFuzzerInitialize(int *pArgc, char ***pazArgv) {
  (void)pArgc, (void)pazArgv;
  snprintf(zTmpDir, sizeof zTmpDir, "/tmp/fuzz_sheet-%d", (int)getpid());
  if (mkdir(zTmpDir, 0700)) abort();
  atexit(tmp_remove);
  setenv("TMPDIR", zTmpDir, 1);
  setenv("QIANGJI_IMPORT_MAX_MB", "1", 1);
  setenv("QIANGJI_IMPORT_MAX_ROWS", "2000", 1);
  return 0;
}

/* Aborts if TMPDIR holds anything. */
static void tmp_empty(void) {
  DIR *d = opendir(zTmpDir);
  if (!d) abort();
  struct dirent *e;
  while ((e = readdir(d)) != 0)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) abort();
  closedir(d);
}

/* The lowest free file descriptor (a leaked one takes it). */
static int lowest_free_fd(void) {
  int fd = open("/dev/null", O_RDONLY);
  if (fd < 0) abort();
  close(fd);
  return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  static const char *azWant[] = {0, "Sheet1", "名单", "没有这张表"};
  if (nData == 0) return 0;
  int fdFree = lowest_free_fd();
  FILE *f = fmemopen((void *)aData, nData, "r");
  if (!f) return 0;
  Sheet *p = sheet_open(f, azWant[nData % 4]);
  SheetFormat eFormat = sheet_format(p);
  char **az;
  int n, rc;
  while ((rc = sheet_next(p, &az, &n)) == 1) {
    if (n < (eFormat == SHEET_CSV) || n > SHEET_MAX_COLS || sheet_error(p)[0] || sheet_row(p) < 1) abort();
    for (int i = -1; i <= n; i++) {
      SheetKind e = sheet_kind(p, i);
      if (e < SHEET_TEXT || e > SHEET_ERROR || ((i < 0 || i >= n) && e != SHEET_TEXT)) abort();
      if (i >= 0 && i < n && strlen(az[i]) > SHEET_MAX_CELL) abort();
      if (e == SHEET_DATE && eFormat == SHEET_CSV) abort();
    }
  }
  if (rc < 0 && sheet_error(p)[0] == 0) abort();
  if (rc == 0 && sheet_error(p)[0]) abort();
  if (sheet_next(p, &az, &n) != rc) abort();
  if (strlen(sheet_encoding(p)) == 0) abort();
  (void)sheet_name(p);
  sheet_close(p);
  fclose(f);
  if (eFormat == SHEET_XLS) tmp_empty();
  if (lowest_free_fd() != fdFree) abort();
  return 0;
}
