/* fuzz_idcard.c: identity numbers; what parses is canonical and consistent. */
#include "idcard.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  if (memchr(aData, 0, nData)) return 0;
  char *z = xstrndup((const char *)aData, nData);
  char zOut[19], zBirth[11], zOut2[19], zBirth2[11];
  int bFemale, bFemale2;
  const char *zReason = NULL;
  if (idcard_parse(z, zOut, zBirth, &bFemale, &zReason) == 0) {
    if (strlen(zOut) != 18 || strlen(zBirth) != 10) abort();
    if (idcard_check_char(zOut) != zOut[17] || !idcard_province_valid(zOut)) abort();
    if (bFemale != ((zOut[16] - '0') % 2 == 0)) abort();
    if (idcard_parse(zOut, zOut2, zBirth2, &bFemale2, &zReason) != 0) abort();
    if (strcmp(zOut, zOut2) || strcmp(zBirth, zBirth2) || bFemale != bFemale2) abort();
  } else if (!zReason || !zReason[0]) {
    abort();
  }
  idcard_province_valid(z);
  free(z);
  return 0;
}
