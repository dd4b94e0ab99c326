/* dues.h: Party dues (党费): the monthly amount by the versioned rules of
 * domain.md "Dues", yearly bases, payments, arrears and the six-month flag. */
#ifndef QJ_DUES_H
#define QJ_DUES_H

/* The monthly dues in fen for a member of category zCategory ("salaried",
 * "retiree", "farmer", "student", "unemployed", "relief", "exempt") with
 * after-tax monthly income `income` fen (salaried, retiree; -1 unknown) or
 * the amount the branch set (farmer: -1 for the lowest), under the rules in
 * force on zOn. Returns the amount, or -1 with *pzWhy (static Chinese
 * reason) and *pzRule (rule name). zRuleFrom (11 bytes, may be NULL) gets
 * the rules' valid_from. Rounds half up to the fen. */
long long dues_compute(const char *zCategory, long long income, long long amount, const char *zOn, char *zRuleFrom,
                       const char **pzWhy, const char **pzRule);

/* Where a member stands on zToday: months due from the later of the vote
 * month and the first year with a base, up to the last complete month. */
typedef struct DuesState {
  int bTracked;          /* a base exists */
  int nUnpaid;           /* due months not covered by a payment */
  int nRun;              /* unpaid months in a row ending at the last complete month */
  long long owed;        /* fen, over unpaid months whose year has a base */
  char zOldest[8];       /* oldest unpaid month "YYYY-MM", or "" */
  char zLastPaid[8];     /* latest month paid, or "" */
  int bSixMonths;        /* nRun >= the six-month rule */
} DuesState;
int dues_state(long long memberId, const char *zToday, DuesState *p);
#endif
