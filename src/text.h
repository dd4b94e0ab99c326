/* text.h: the text rules every import, API field and export shares:
 * UTF-8 checks, full-width folding, trimming, dates, masking of personal data. */
#ifndef QJ_TEXT_H
#define QJ_TEXT_H
#include <stddef.h>

/* Returns 1 if z[0..n) is valid UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF), else 0. */
int text_utf8_valid(const char *z, size_t n);
/* Number of code points in the NUL-terminated valid UTF-8 string z. */
size_t text_utf8_len(const char *z);

/* A cell or field value as a person meant it: full-width digits and Latin
 * letters folded to ASCII, U+3000 (ideographic space) and U+00A0 to a
 * space, then leading and trailing white space (ASCII and those) removed;
 * a U+FEFF (stray byte-order mark) at either end is removed too.
 * Full-width punctuation stays: Chinese names are written with （）、，.
 * Returns a new string (caller frees). Input must be valid UTF-8. */
char *text_normalize(const char *z);
/* The same, but every full-width ASCII form U+FF01..U+FF5E is folded, for
 * values that are parsed (dates, numbers, ID numbers, phones, codes). */
char *text_normalize_all(const char *z);

/* Dates. A date is "YYYY-MM-DD" in storage and JSON.
 * text_parse_date accepts (after text_normalize_all) 2020-01-05, 2020/1/5,
 * 2020.01.05, 2020年1月5日, 20200105, and an Excel serial day number
 * (1900 date system, e.g. "43835" = 2020-01-05, accepted 1..2958465) so
 * dates from .xlsx date cells survive a CSV round trip. Writes the
 * canonical form into out (11 bytes). Returns 0, or -1 when z is not a
 * real calendar date between 1900-01-01 and 2999-12-31.
 * Details: one separator throughout (2020-1/5 is refused); month and day
 * one or two digits; the 日 of 2020年1月5日 may be left off; a time of day
 * after the date (" 0:00", " 13:45:10", "T08:30:00") is accepted and
 * dropped. Serials are whole numbers (no fraction); 1..59 are 1900-01-01..
 * 1900-02-28, 60 (Excel's non-existent 1900-02-29) is refused, and 61 on is
 * 1900-03-01 on; so only serials up to 401768 (2999-12-31) pass. */
int text_parse_date(const char *z, char out[11]);
/* 1 if y-m-d is a real calendar date (Gregorian). */
int text_date_valid(int y, int m, int d);
/* 1 if z is a time of day "HH:MM" (00:00 .. 23:59). */
int text_time_valid(const char *z);
/* A UTC moment "YYYY-MM-DDTHH:MM[:SS[.fff]]Z" into z as
 * "YYYY-MM-DDTHH:MM:SSZ" (21 bytes). 0, or -1 when it is not one. */
int text_stamp_norm(const char *zIn, char z[21]);
/* Days since 1970-01-01 of a canonical date string; no validation. */
long text_date_days(const char *zDate);
/* Months since year 0 of a "YYYY-MM[-DD]" string (2026-06 -> 2026*12+5): month arithmetic. */
int text_month(const char *zDate);
/* The "YYYY-MM" of a month number, into z (8 bytes). */
void text_month_str(int m, char z[8]);
/* 1 if the text is a real month "YYYY-MM" of 1921..2100. */
int text_month_valid(const char *z);
/* zDate plus nMonths months (negative allowed), day clamped to the end of
 * the target month (2020-02-29 + 12 months = 2021-02-28). out: 11 bytes. */
void text_date_add_months(const char *zDate, int nMonths, char out[11]);
/* Whole years from zFrom to zTo (age on zTo of someone born zFrom). */
int text_years_between(const char *zFrom, const char *zTo);

/* Masking. ID number: first 4 and last 4 kept, the rest '*'
 * ("340104199001011234" -> "3401**********1234"; a value of 8 characters
 * or fewer is starred entirely). Phone: a mobile
 * keeps the first 3 and last 4 ("138****5678"); any other string keeps
 * its last 4 with every earlier digit starred. Returns a new string. */
char *text_mask_id(const char *z);
char *text_mask_phone(const char *z);
/* 1 if z looks masked (contains '*'), so a masked value sent back is refused
 * rather than stored. */
int text_is_masked(const char *z);

/* Phone numbers: an 11-digit mobile starting with 1, or a landline of
 * digits with an optional area code and '-' (e.g. 0551-62345678,
 * 62345678, 0551-6234567-801), 7 to 20 characters. Returns 0 or -1. */
int text_phone_valid(const char *z);

/* Money in yuan: "5000", "5000.5", "5,000.00" -> cents (500050...).
 * At most 2 decimals, 0 <= value < 10^9 yuan. Returns 0 or -1. The value
 * is normalized first; a leading ¥ or ￥ and a trailing 元 are allowed;
 * commas must group by thousands. */
int text_parse_money(const char *z, long long *pCents);
/* cents -> "5000" or "5000.50" into out (32 bytes). */
void text_format_money(long long cents, char out[32]);
#endif
