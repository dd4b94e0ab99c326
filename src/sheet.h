/* sheet.h: one stream of rows from whatever table a user brings: CSV (any
 * encoding csv.c reads), an Excel or WPS workbook (.xlsx), or an Excel 97-2003
 * workbook (.xls). The import reads only this.
 *
 * The kind of file is found from its first bytes, never from its name: a zip
 * (PK\x03\x04) is read as .xlsx, an OLE2 compound file (D0 CF 11 E0) as .xls,
 * anything else as CSV.
 *
 * .xlsx streams: the container is read with libzip, every part through expat
 * as it is inflated, so the sheet itself is never held in memory (only its
 * shared strings are, as they are looked up by number). The workbook's
 * relationships name the sheets, shared strings and styles; the styles say
 * which numeric cells are dates (built-in formats 14-22, 27-36, 45-47, 50-58,
 * and custom formats with y, m, d, h or s outside quotes and brackets); the
 * workbook says whether serial numbers count from 1900 or from 1904.
 * .xls (BIFF8, Excel 97-2003 and WPS) is read here, its OLE2 container and
 * records alike: the workbook globals (sheets, shared strings, formats, the
 * date system) at open, then the chosen sheet's cell records as rows are
 * asked for, with the same rules for dates and numbers as .xlsx. Older
 * .xls (Excel 5.0/95 and before) and encrypted workbooks (an .xls with
 * FILEPASS, an .xlsx with a password, which is an OLE2 EncryptedPackage)
 * are refused, saying so.
 *
 * Cells come as text: a date cell as YYYY-MM-DD (with " HH:MM:SS" when it
 * has a time of day), a whole number without ".0", other numbers with up to
 * 15 significant digits (as Excel shows them), booleans as TRUE/FALSE,
 * error cells as their code (#N/A). sheet_kind tells a number from text, so
 * that a caller can refuse a number where digits matter (an ID number that
 * Excel stored as a number has lost its last digits).
 *
 * Limits against zip bombs and runaway files, each an error naming what was
 * exceeded: the bytes inflated from the workbook (setting import_max_mb,
 * default 2048 MiB), the rows (import_max_rows, default 1,048,576, Excel's
 * own), SHEET_MAX_COLS columns and SHEET_MAX_CELL bytes in a cell. */
#ifndef QJ_SHEET_H
#define QJ_SHEET_H
#include <stdio.h>

typedef struct Sheet Sheet;

typedef enum SheetFormat { SHEET_CSV, SHEET_XLSX, SHEET_XLS } SheetFormat;
typedef enum SheetKind { SHEET_TEXT, SHEET_NUMBER, SHEET_DATE, SHEET_BOOL, SHEET_ERROR } SheetKind;

#define SHEET_MAX_COLS 256
#define SHEET_MAX_CELL (128 * 1024)

/* Starts reading f, which must be seekable (a file or fmemopen) and is not
 * closed by sheet_close. zSheet names the worksheet to read (NULL: the
 * first visible one; ignored for CSV). Never NULL: when the file cannot be
 * read at all, the first sheet_next returns -1 and sheet_error says why. */
Sheet *sheet_open(FILE *f, const char *zSheet);
/* The next row: 1 with a row (its cells valid until the next call), 0 at
 * the end, -1 on an error (sheet_error in Chinese; every later call returns
 * -1 again). Cells are UTF-8, not normalized. Missing cells of a row are "";
 * a workbook's row with no cells at all has *pnCell 0 (CSV skips empty
 * lines). */
int sheet_next(Sheet *p, char ***pazCell, int *pnCell);
/* The row number of the last row, as the spreadsheet shows it (1-based). */
long sheet_row(const Sheet *p);
/* The kind of cell iCol of the last row (SHEET_TEXT for CSV, beyond the row
 * and for empty cells). */
SheetKind sheet_kind(const Sheet *p, int iCol);
SheetFormat sheet_format(const Sheet *p);
/* "xlsx", "xls", or the CSV's encoding ("UTF-8", "GB18030", ...). */
const char *sheet_encoding(const Sheet *p);
/* The name of the worksheet read, "" for CSV. */
const char *sheet_name(const Sheet *p);
/* The last error, "" if none. */
const char *sheet_error(const Sheet *p);
void sheet_close(Sheet *p);

/* Excel's text for a number cell v: whole numbers below 1e15 without a
 * fraction, others with 15 significant digits. z gets at least 32 bytes. */
void sheet_number_text(double v, char *z);
/* The date (and time) of serial number v in the 1900 (b1904 0) or 1904
 * system as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" ("HH:MM:SS" below 1).
 * Returns 0, or -1 when v is no date (negative, past 9999-12-31). */
int sheet_serial_text(double v, int b1904, char *z);
/* 1 if the number format zCode shows a date or a time. */
int sheet_format_is_date(const char *zCode);
#endif
