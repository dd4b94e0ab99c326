/* fuzz_date.c: the text rules (dates, normalizing, money, phones, masking)
 * on valid UTF-8, with round-trip checks of what they accept. */
#include "text.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  if (!text_utf8_valid((const char *)aData, nData) || memchr(aData, 0, nData)) return 0;
  char *z = xstrndup((const char *)aData, nData);

  char *zNorm = text_normalize(z);
  if (strlen(zNorm) > nData || !text_utf8_valid(zNorm, strlen(zNorm))) abort();
  free(zNorm);

  char zDate[11], zAgain[11];
  if (text_parse_date(z, zDate) == 0) {
    /* A parsed date is canonical: it parses to itself, and months and days
     * arithmetic on it is consistent. */
    if (strlen(zDate) != 10 || text_parse_date(zDate, zAgain) != 0) abort();
    if (strcmp(zDate, zAgain) != 0) abort();
    text_date_add_months(zDate, 0, zAgain);
    if (strcmp(zDate, zAgain) != 0) abort();
    text_date_add_months(zDate, 13, zAgain);
    if (text_years_between(zDate, zAgain) != 1) abort();
    if (text_date_days(zAgain) <= text_date_days(zDate)) abort();
  }

  long long nCents;
  if (text_parse_money(z, &nCents) == 0) {
    char zMoney[32];
    long long nAgain;
    if (nCents < 0 || nCents >= 100000000000LL) abort();
    text_format_money(nCents, zMoney);
    if (text_parse_money(zMoney, &nAgain) != 0 || nAgain != nCents) abort();
  }

  if (text_phone_valid(z) == 0 && strlen(z) > 20) abort();
  char *zMask = text_mask_phone(z);
  if (text_utf8_len(zMask) != text_utf8_len(z)) abort();
  free(zMask);
  zMask = text_mask_id(z);
  if (text_utf8_len(zMask) != text_utf8_len(z)) abort();
  if (text_utf8_len(z) > 0 && !text_is_masked(zMask) && text_utf8_len(z) > 8) abort();
  free(zMask);
  free(z);
  return 0;
}
