/* csv.h: reading CSV as Excel and WPS save it, and writing CSV Excel opens.
 *
 * Reading streams: a file of any size is read in chunks, so memory stays
 * flat. The encoding is found once at the start: a UTF-8 BOM means UTF-8; a
 * UTF-16 LE/BE BOM means UTF-16 (Excel's "Unicode text"); otherwise the first
 * 64 KiB are tested, and valid UTF-8 means UTF-8, anything else GB18030 (a
 * superset of GBK and GB2312, what Excel on Chinese Windows saves). When
 * those 64 KiB are pure ASCII the choice waits for the first non-ASCII byte
 * and the 64 KiB from there are tested; an all-ASCII file reads as "UTF-8".
 * Invalid bytes later in the file are an error naming their line.
 * Conversion is by iconv. Fields: RFC 4180 quoting (commas, doubled quotes
 * and line breaks inside quotes), LF or CRLF line ends, a trailing line end
 * or none. Empty lines (no bytes at all) are skipped. */
#ifndef QJ_CSV_H
#define QJ_CSV_H
#include <stdio.h>
#include "buf.h"

typedef struct Csv Csv;

/* Limits: a row over CSV_MAX_ROW bytes or CSV_MAX_FIELDS fields is an error. */
#define CSV_MAX_ROW (1 << 20)
#define CSV_MAX_FIELDS 256

/* Starts reading f (not closed by csv_close). Never NULL. */
Csv *csv_open(FILE *f);
/* Reads the next row. Returns 1 with a row, 0 at the end, -1 on an error
 * (bad encoding, unterminated quote, row too long, NUL byte); csv_error()
 * says what, and every later call returns -1 again.
 * The fields stay valid until the next call. Field text is UTF-8, not yet
 * normalized (see text_normalize). */
int csv_next(Csv *p, char ***pazField, int *pnField);
/* Line number (1-based, physical lines) where the last row returned starts. */
long csv_line(const Csv *p);
/* Row number of the last row returned as a spreadsheet counts it: empty lines
 * count, a quoted line break inside a cell does not (the header is row 1). */
long csv_row(const Csv *p);
/* "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE", "UTF-16BE". */
const char *csv_encoding(const Csv *p);
/* English description of the last error, with its line; "" if none. */
const char *csv_error(const Csv *p);
void csv_close(Csv *p);
/* For tests and fuzzing only (not thread-safe): readers opened after this
 * call read in chunks of nChunk bytes (4..64 KiB; 0 restores 64 KiB), and
 * also sniff the encoding in that smaller window, so that small inputs
 * cross many chunk boundaries. */
void csv_test_chunk(size_t nChunk);

/* Appends one row to b: fields that hold a comma, quote, CR, LF, or leading
 * or trailing space are quoted with inner quotes doubled; also a field
 * starting with = + - @ is prefixed with a single quote ' when
 * bFormulaGuard is set (to stop spreadsheet formula injection; the import
 * strips such a leading ' again). Ends with CRLF. */
void csv_write_row(Buf *b, const char *const *azField, int nField, int bFormulaGuard);
/* The UTF-8 byte-order mark Excel needs to read UTF-8 CSV. */
#define CSV_BOM "\xEF\xBB\xBF"
#endif
