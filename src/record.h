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
} FieldType;

#define F_REQUIRED 0x01  /* must be present and non-empty on create */
#define F_PII      0x02  /* masked unless revealed */
#define F_CONTACT  0x04  /* a member may edit it on their own record */
#define F_READONLY 0x08  /* in output only; ignored in input when sent back */
#define F_ORGREF   0x10  /* names an organization: the API checks it is in the user's subtree */

typedef struct Field {
  const char *zJson;          /* "id_number" */
  const char *zHeader;        /* "公民身份号码" */
  FieldType type;
  unsigned flags;
  int nMax;                   /* characters, for FT_TEXT/FT_CODE */
  const char *const *azEnum;  /* NULL-terminated, for FT_ENUM */
} Field;

/* Checks and normalizes zIn (any text as typed). Returns 0 and sets *pzOut to
 * a new string (caller frees), or NULL when the value is empty; or returns -1
 * and sets *pzReason to a static Chinese reason. */
int field_check(const Field *pF, const char *zIn, char **pzOut, const char **pzReason);

/* A row of values, one per field of a table; az[i] NULL means empty.
 * aSet[i] says whether the input named field i at all (for PATCH). */
typedef struct Rec {
  const Field *aField;
  int nField;
  char **az;
  unsigned char *aSet;
} Rec;

void rec_init(Rec *p, const Field *aField, int nField);
void rec_clear(Rec *p);                 /* frees values, keeps the shape */
void rec_free(Rec *p);
int rec_find(const Field *aField, int nField, const char *zJson);
/* Takes ownership of z. */
void rec_set(Rec *p, int i, char *z);
const char *rec_get(const Rec *p, int i);

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
 * empty; 0 when all are there. */
int rec_require(const Rec *p, FieldErr *pErr);

/* Fills p from a JSON object of field values. Strings are checked with
 * field_check; FT_BOOL takes true/false, FT_MONEY a number or numeric string,
 * null clears an optional field. Unknown keys are an error; F_READONLY keys
 * and the read-only keys the API adds to its answers (id, updated_at,
 * org_name, status, counts and flags) are skipped, so a record read, edited
 * and sent back works. Returns 0, or -1 with *pErr filled (first error). */
int rec_from_json(Rec *p, json_t *pObj, FieldErr *pErr);
/* The JSON value of field i of p (string, bool, number or null); new ref.
 * bReveal=0 masks F_PII fields. */
json_t *rec_json_value(const Rec *p, int i, int bReveal);
/* Value for a file cell: FT_BOOL as 是/否, FT_MONEY as yuan, F_PII masked
 * unless bReveal. New string or NULL for empty. */
char *rec_cell(const Rec *p, int i, int bReveal);

/* Money in cents from a stored value ("500050"), and back. */
#endif
