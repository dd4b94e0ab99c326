/* fuzz_meeting.c: the organizational-life parsers: check-in timestamps and the
 * attachment type sniffer. An accepted timestamp is canonical: 20 characters,
 * a real date, and it parses to itself. */
#include "meeting.h"
#include "text.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  const char *zMime = life_sniff_mime(aData, nData);
  if (zMime && strncmp(zMime, "image/", 6) && strcmp(zMime, "application/pdf")) abort();
  if (memchr(aData, 0, nData)) return 0;
  char *z = xstrndup((const char *)aData, nData);
  char zOut[21], zAgain[21], zDate[11], zDay[11];
  if (life_stamp_norm(z, zOut) == 0) {
    if (strlen(zOut) != 20 || zOut[10] != 'T' || zOut[19] != 'Z') abort();
    if (life_stamp_norm(zOut, zAgain) != 0 || strcmp(zOut, zAgain) != 0) abort();
    memcpy(zDay, zOut, 10);
    zDay[10] = 0;
    if (text_parse_date(zDay, zDate) != 0 || strcmp(zDate, zDay) != 0) abort();
  }
  free(z);
  return 0;
}
