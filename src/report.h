/* report.h: the one writer of tables (CSV, xlsx, JSON) that every report and
 * export uses.
 *
 * A writer is opened for a format and a file, then takes tables: a table is
 * its columns (a header, a JSON key, a type) and rows of cells. CSV is UTF-8
 * with a byte-order mark and CRLF line ends (so Excel opens Chinese text);
 * a cell that begins with = + - @ gets a leading ' so that no spreadsheet
 * runs it as a formula. xlsx has one sheet per table, the header in bold
 * and frozen. JSON is, for one table, an array of objects keyed by the
 * columns' keys; with RPT_TABLES, an array of {"title","sheet","columns",
 * "rows"}; with rpt_json_envelope, an object whose named array gets the rows;
 * with rpt_json_value, a value of the report's own. JSON is laid out as
 * jansson's JSON_INDENT(1) lays it out (RPT_COMPACT: compact, a row a line)
 * and ends with a newline.
 * Rows stream: nothing but the current row is kept in memory, so a
 * province's roster or its findings write in constant memory.
 *
 * A `qiangji report NAME` is declared as a Report (cli.h) in the record of
 * the module that computes it, and writes through this writer. */
#ifndef QJ_REPORT_H
#define QJ_REPORT_H
#include <jansson.h>

typedef enum RptType {
  RPT_TEXT,     /* a string */
  RPT_INT,      /* a whole number: an xlsx number */
  RPT_REAL,     /* a number as given: an xlsx number (with RPT_TABLES reals show one decimal, "0.0", and
                   JSON gives them 6 significant digits) */
  RPT_DATE,     /* "YYYY-MM-DD": an xlsx date cell */
  RPT_MONEY,    /* cents in a string or integer: yuan with two decimals, an xlsx number */
  RPT_BOOL,     /* 1/0 or true/false: 是/否 */
} RptType;

typedef struct RptCol {
  const char *zHead;   /* the header cell ("党员姓名") */
  const char *zKey;    /* its key in JSON objects, or NULL: zHead */
  RptType type;
  int nWidth;          /* xlsx column width in characters, or 0: as the writer sees fit */
} RptCol;

/* Flags of rpt_open. */
#define RPT_TABLES   0x01   /* several tables: JSON an array of tables; CSV and xlsx write each table's title above it */
#define RPT_BIG      0x02   /* xlsx in constant memory (rows in order, no going back): exports of a whole roster */
#define RPT_NOFREEZE 0x04   /* xlsx: do not freeze the header */
#define RPT_COMPACT  0x08   /* JSON compact, a row a line (a province's findings), not indented */

typedef struct RptWriter RptWriter;

/* Opens a writer of zFormat ("csv", "xlsx" or "json") to the file zOut, or
 * to standard output when zOut is NULL (not for xlsx). NULL, with a message
 * on stderr naming the problem, when the format is unknown or the file
 * cannot be created. */
RptWriter *rpt_open(const char *zFormat, const char *zOut, unsigned flags);
/* Starts a table (its sheet name in xlsx, its title: NULL for none) with
 * nCol columns (aCol is copied; its strings must stay valid until the next
 * table or rpt_close).
 * 0, or -1 (logged). */
int rpt_table(RptWriter *w, const char *zSheet, const char *zTitle, const RptCol *aCol, int nCol);
/* For JSON: the output is pObj (borrowed; dumped when the first table
 * starts) with the rows of the table streamed into its array zKey instead
 * of a bare array. Call before rpt_table. */
void rpt_json_envelope(RptWriter *w, json_t *pObj, const char *zKey);
/* For JSON: the output is pValue (borrowed; written at rpt_close) instead of
 * the tables and rows, which JSON then leaves out: for a report whose JSON
 * is not its tables (the statistics: the object the API answers). */
void rpt_json_value(RptWriter *w, json_t *pValue);
/* Writes one row. aCell (borrowed) is a JSON array with a cell per column:
 * string, integer, real, true/false or null (empty). pJson (borrowed, may be
 * NULL) is what JSON output writes for the row instead of the object built
 * from the cells and the columns' keys. 0, or -1 (logged). */
int rpt_row(RptWriter *w, json_t *aCell, json_t *pJson);
/* The same from text cells (NULL for empty), converted by column type
 * (CSV writes text, integer and date cells as they are, without building
 * JSON: a province's findings). */
int rpt_row_text(RptWriter *w, const char *const *azCell, json_t *pJson);
/* Finishes the file and frees the writer. 0, or -1 with a message. */
int rpt_close(RptWriter *w);
/* Frees the writer after a failure without finishing: an xlsx file is not
 * written, a CSV or JSON file is removed; standard output gets nothing more
 * (all of a small report: it is still in the buffer). */
void rpt_discard(RptWriter *w);
/* The content type of a format, for an API answer. */
const char *rpt_content_type(const char *zFormat);

#endif
