/* record.h: declared fields, shared by the CSV import, the JSON API and the
 * exports. A Field says a column's English (JSON) name, its Chinese header,
 * its type and its limits; field_check() turns what a person typed into the
 * one stored form or says why not. A Rec is one row of values by field. */
#ifndef QJ_RECORD_H
#define QJ_RECORD_H
#include <jansson.h>

typedef enum FieldType {
  FT_TEXT,    /* free text up to nMax characters, no control characters */
  FT_CODE,    /* an organization code: up to nMax characters, no white space, '/', '?', '#', '%' */
  FT_ENUM,    /* one of azEnum */
  FT_DATE,    /* any form text_parse_date takes; stored YYYY-MM-DD */
  FT_IDNUM,   /* 18-digit ID number (GB 11643) */
  FT_PHONE,   /* mobile or landline */
  FT_BOOL,    /* 是/否 in files, true/false in JSON */
  FT_MONEY,   /* yuan, stored in cents */
  FT_REGION,  /* six-digit administrative division code */
  FT_INT,     /* a whole number from iMin to iMax; JSON: a number or a string of digits */
  FT_TENTHS,  /* a number with at most one decimal (hours), iMin..iMax in tenths; stored as tenths */
  FT_MONTH,   /* a month, YYYY-MM (1921-01 .. 2100-12) */
  FT_YEAR,    /* a year, iMin..iMax (0, 0: 1921..2100) */
  FT_ID,      /* an object's id: a positive whole number below 2^53 (JSON number or digits) */
  FT_TIME,    /* a time of day, HH:MM */
  FT_STAMP,   /* a UTC moment YYYY-MM-DDTHH:MM[:SS[.fff]]Z; stored as YYYY-MM-DDTHH:MM:SSZ */
  FT_SECRET,  /* text taken exactly as sent (a password): UTF-8, 1..nMax bytes, never folded or trimmed */
  FT_LIST,    /* JSON only: an array of at most nMax values, each checked as aSub[0] */
  FT_ROWS,    /* JSON only: an array of at most nMax objects, each checked against aSub[0..nSub) */
} FieldType;

#define F_REQUIRED 0x01  /* must be present and non-empty on create */
#define F_PII      0x02  /* masked unless revealed */
#define F_CONTACT  0x04  /* a member may edit it on their own record */
#define F_READONLY 0x08  /* in output only; refused ("read_only") when sent */
#define F_ORGREF   0x10  /* names an organization: the API checks it is in the user's subtree */
#define F_MEMBERREF 0x20 /* FT_ID naming a member: the dispatcher checks it is in the user's subtree (else 404) */
#define F_OBJREF   0x40  /* FT_ID naming an object: Field.xOrgOf finds its organization, which must be in the subtree */
#define F_UPREF    0x80  /* like F_OBJREF, but the organization may also be above the user's (a campaign launched by the province reaches every branch) */
#define F_MULTILINE 0x100 /* FT_TEXT that may hold line breaks (minutes): \n kept, \r\n taken as \n; other control characters still refused */

typedef struct Field {
  const char *zJson;          /* "id_number" */
  const char *zHeader;        /* "公民身份号码" */
  FieldType type;
  unsigned flags;
  int nMax;                   /* characters, for FT_TEXT/FT_CODE; items for FT_LIST/FT_ROWS; bytes for FT_SECRET */
  const char *const *azEnum;  /* NULL-terminated, for FT_ENUM */
  long long iMin, iMax;       /* bounds of FT_INT, FT_TENTHS (in tenths) and FT_YEAR */
  const struct Field *aSub;   /* FT_LIST: the element; FT_ROWS: the fields of each row */
  int nSub;
  /* With F_OBJREF: finds the organization of object id: sets *pOrgId and
   * returns 0, or returns -1 when there is no such object. */
  int (*xOrgOf)(long long id, long long *pOrgId);
} Field;

/* Checks and normalizes zIn (any text as typed). Returns 0 and sets *pzOut to
 * a new string (caller frees), or NULL when the value is empty; or returns -1
 * and sets *pzReason to a static Chinese reason. */
int field_check(const Field *pF, const char *zIn, char **pzOut, const char **pzReason);

/* A row of values, one per field of a table; az[i] NULL means empty.
 * aSet[i] says whether the input named field i at all (for PATCH). */
typedef struct Rec Rec;
/* The rows of an FT_LIST or FT_ROWS field: one Rec each (of aSub[0] alone
 * for a list). */
typedef struct RecRows {
  int n;
  Rec *a;
} RecRows;
struct Rec {
  const Field *aField;
  int nField;
  char **az;
  unsigned char *aSet;
  RecRows *aRows;             /* per field; n 0 unless an FT_LIST/FT_ROWS field was given */
};

void rec_init(Rec *p, const Field *aField, int nField);
void rec_clear(Rec *p);                 /* frees values, keeps the shape */
void rec_free(Rec *p);
int rec_find(const Field *aField, int nField, const char *zJson);
/* Takes ownership of z. */
void rec_set(Rec *p, int i, char *z);
const char *rec_get(const Rec *p, int i);
/* Field i as a whole number (FT_INT, FT_ID, FT_YEAR, FT_TENTHS, FT_MONEY:
 * the stored integer), or dflt when empty. */
long long rec_int(const Rec *p, int i, long long dflt);
/* The rows of FT_LIST/FT_ROWS field i (n 0 when none were given). */
const RecRows *rec_rows(const Rec *p, int i);

/* One validation error, for a JSON reply or an import's error list. */
typedef struct FieldErr {
  int iField;                 /* index of the field, or -1 */
  char zName[64];             /* with iField -1: the unknown key, if any */
  const char *zCode;          /* "invalid", "required", "unknown_field", "not_found", "conflict" */
  char zMessage[256];
} FieldErr;

/* Fills *pErr (field index or -1, code, printf-style message) and returns -1,
 * so a validator can say `return field_err(pErr, i, "invalid", "...", ...)`. */
int field_err(FieldErr *pErr, int iField, const char *zCode, const char *zFmt, ...)
    __attribute__((format(printf, 4, 5)));
/* -1 with a "required" error for the first F_REQUIRED field of p that is
 * empty (a list or rows field: given, even if empty); 0 when all are there. */
int rec_require(const Rec *p, FieldErr *pErr);

/* Fills p from a JSON object of field values. Strings are checked with
 * field_check; FT_BOOL takes true/false, FT_MONEY, FT_INT, FT_TENTHS,
 * FT_YEAR and FT_ID a JSON number only (a string of digits is refused:
 * only files carry numbers as text), FT_LIST and FT_ROWS an array (each
 * element or row checked in turn, F_REQUIRED fields of a row always
 * required), null clears an optional field. Unknown keys are an error
 * ("unknown_field"); so are F_READONLY keys and the keys the API adds to its
 * answers (id, updated_at, created_at, org_name, status, counts and flags)
 * where the body does not declare them ("read_only", naming the key).
 * Returns 0, or -1 with *pErr filled (first error). */
int rec_from_json(Rec *p, json_t *pObj, FieldErr *pErr);
/* The JSON value of field i of p (string, bool, number or null); new ref.
 * bReveal=0 masks F_PII fields. */
json_t *rec_json_value(const Rec *p, int i, int bReveal);
/* Value for a file cell: FT_BOOL as 是/否, FT_MONEY as yuan, F_PII masked
 * unless bReveal. New string or NULL for empty. */
char *rec_cell(const Rec *p, int i, int bReveal);

/* Money in cents from a stored value ("500050"), and back. */
#endif
