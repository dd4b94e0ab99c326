/* idcard.h: the 18-digit citizen identity number (公民身份号码, GB 11643):
 * six-digit region code (GB/T 2260), birth date YYYYMMDD, three-digit
 * sequence (odd for men, even for women), and an ISO 7064 MOD 11-2 check
 * character (0-9 or X). */
#ifndef QJ_IDCARD_H
#define QJ_IDCARD_H

/* The check character for the first 17 digits of z. */
char idcard_check_char(const char *z17);

/* Validates z (already text_normalize'd; a final 'x' counts as 'X').
 * Checks: 18 characters, 17 digits then digit or X; the first two digits
 * a province-level code that exists (11-15, 21-23, 31-37, 41-46, 50-54,
 * 61-65, 71, 81, 82); the birth date a real date from 1900-01-01 to today;
 * the check character. On success returns 0, writes the canonical number
 * (uppercase X) into zOut (19 bytes), the birth date "YYYY-MM-DD" into
 * zBirth (11 bytes) and *pbFemale (1 woman, 0 man). On failure returns -1
 * and points *pzReason at a short static Chinese reason
 * ("应为18位", "出生日期无效", "校验位错误", "地区码无效"; a non-digit among
 * the first 17 characters counts as "应为18位"). Checked in this order:
 * length and characters, region, birth date, check character; "today" is
 * util_today(). */
int idcard_parse(const char *z, char zOut[19], char zBirth[11], int *pbFemale,
                 const char **pzReason);

/* Real county-level region codes (GB/T 2260) with names, for demo data and
 * for checking the 行政区划代码 of organizations is six digits of a real
 * province. Sorted by code. */
typedef struct IdcardRegion {
  const char *zCode;  /* "340104" */
  const char *zName;  /* "安徽省合肥市蜀山区" */
} IdcardRegion;
extern const IdcardRegion idcard_aRegion[];
extern const int idcard_nRegion;
/* 1 if the first two digits of a six-digit code are a province that exists. */
int idcard_province_valid(const char *zCode);
#endif
