/* config.c: the operator's settings (config.h). */
#include "config.h"
#include "util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *config_get(const char *zKey) {
  char zEnv[80] = "QIANGJI_";
  size_t j = strlen(zEnv);
  for (size_t i = 0; zKey[i] && j + 1 < sizeof zEnv; i++) zEnv[j++] = (char)toupper((unsigned char)zKey[i]);
  zEnv[j] = 0;
  const char *z = getenv(zEnv);
  return z && z[0] ? z : NULL;
}

long long config_int(const char *zKey, long long iDefault) {
  const char *z = config_get(zKey);
  if (!z) return iDefault;
  char *zEnd;
  long long v = strtoll(z, &zEnd, 10);
  return *zEnd ? iDefault : v;
}
