/* port.h: import and export of the organization and member files of
 * formats.md, shared by the CLI verbs and the /api/v1/import and
 * /api/v1/export routes. */
#ifndef QJ_PORT_H
#define QJ_PORT_H
#include <jansson.h>
#include <stdio.h>
#include "api.h"

typedef struct ImportOpts {
  int bMembers;             /* members file, else organizations */
  int bKeepGood;            /* import the good rows, reject the bad */
  int bDryRun;              /* check only, write nothing */
  const char *zName;        /* file name for messages and the audit log */
  const char *zDigest;      /* BLAKE2b of the file, hex, for the audit log */
  const User *pUser;        /* scope of the importer; NULL: the whole tree (CLI) */
  const char *zActor;
  const char *zRejects;     /* with bKeepGood: bad rows go to this file, written at the first one: CSV
                               for a CSV, xlsx for a workbook, or as the name ends (.csv, .xlsx) */
  const char *zSheet;       /* the worksheet of a workbook to read; NULL: the first visible one */
} ImportOpts;

typedef struct ImportResult {
  long long nRow;           /* data rows read */
  long long nInserted, nUpdated, nUnchanged, nRejected;
  long long nError;         /* errors found (all counted; the first PORT_MAX_ERRORS listed) */
  json_t *aError;           /* [{"row","column","value","reason"}] */
  json_t *aWarning;         /* ["未知列“X”已忽略", ...] */
  char zEncoding[16];       /* "xlsx", "xls", or the CSV's encoding */
  char zSheet[256];         /* the worksheet read; "" for CSV */
  int bRejectsFailed;       /* the rejects file could not be written */
  char zFatal[300];         /* set when the file could not be read at all */
} ImportResult;

#define PORT_MAX_ERRORS 1000

/* Imports f, a CSV, .xlsx or .xls (sheet.h tells them apart by content).
 * The header is the first row naming at least two known columns (title rows
 * above it are skipped with a warning). Returns 0 when written (or checked, with bDryRun), 1 when bad
 * rows refused the whole file (nothing written), -1 on a fatal error
 * (zFatal says why; nothing written). The caller frees the result with
 * port_result_free. */
int port_import(FILE *f, const ImportOpts *pOpts, ImportResult *pRes);
void port_result_free(ImportResult *pRes);

/* Writes the organizations or members of the subtree at zPath to zOut as CSV
 * (UTF-8 with BOM) or .xlsx. bReveal writes ID numbers and phones unmasked.
 * Returns 0 (*pnRow rows written) or -1 with a message on stderr. */
int port_export(int bMembers, const char *zPath, int bXlsx, int bReveal, const char *zOut, long long *pnRow);

/* The same as CSV in GB18030 (no byte-order mark): what Excel before 2016
 * and old WPS read on Chinese Windows. 0 or -1. */
int port_export_gbk(int bMembers, const char *zPath, int bReveal, const char *zOut, long long *pnRow);

/* BLAKE2b-256 of a file or buffer as hex (65 bytes). 0 or -1. */
int port_digest_file(const char *zPath, char zHex[65]);
void port_digest_buf(const void *p, size_t n, char zHex[65]);
#endif
