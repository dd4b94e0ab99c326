/* fuzz_csv.c: arbitrary bytes through the CSV reader, in chunks of 64 KiB or
 * of a few bytes; every row read is written back with csv_write_row and must
 * read back the same (whatever the input encoding, the row is UTF-8 by then). */
#include "csv.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Writes one row and reads it again; aborts if the fields differ. */
static void round_trip(char **az, int n) {
  /* Not representable on their own: a lone empty field is an empty line
   * (skipped), and U+FEFF at the very start reads as a byte-order mark. */
  if (n == 1 && az[0][0] == 0) return;
  if (memcmp(az[0], CSV_BOM, 3) == 0) return;
  Buf b = BUF_INIT;
  csv_write_row(&b, (const char *const *)az, n, 0);
  FILE *f = fmemopen(b.z, b.n, "r");
  if (!f) abort();
  Csv *p = csv_open(f);
  char **az2;
  int n2;
  if (csv_next(p, &az2, &n2) != 1 || n2 != n) abort();
  for (int i = 0; i < n; i++) {
    if (strcmp(az[i], az2[i]) != 0) abort();
  }
  if (csv_next(p, &az2, &n2) != 0) abort();
  csv_close(p);
  fclose(f);
  buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  if (nData == 0) return 0;
  /* The first byte also picks the chunk size: 64 KiB, or 4..35 bytes so
   * that small inputs cross many chunk boundaries. */
  csv_test_chunk(aData[0] & 1 ? 0 : 4 + (aData[0] >> 1) % 32);
  FILE *f = fmemopen((void *)aData, nData, "r");
  if (!f) return 0;
  Csv *p = csv_open(f);
  char **az;
  int n, rc;
  while ((rc = csv_next(p, &az, &n)) == 1) {
    if (n < 1 || n > CSV_MAX_FIELDS || az[n] != NULL || csv_line(p) < 1) abort();
    round_trip(az, n);
  }
  if (rc < 0 && csv_error(p)[0] == 0) abort();
  csv_close(p);
  fclose(f);
  return 0;
}
