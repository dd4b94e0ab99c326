/* buf.h: the one growable byte buffer. Always NUL-terminated. */
#ifndef QJ_BUF_H
#define QJ_BUF_H
#include <stddef.h>
#include <stdarg.h>

typedef struct Buf {
  char *z;      /* the bytes; NULL until something is appended */
  size_t n;     /* bytes used, not counting the terminating NUL */
  size_t nAlloc;
} Buf;

#define BUF_INIT {0, 0, 0}

void buf_append(Buf *p, const void *z, size_t n);
void buf_puts(Buf *p, const char *z);
void buf_putc(Buf *p, char c);
void buf_printf(Buf *p, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *p, const char *zFmt, va_list ap);
void buf_reset(Buf *p);          /* n = 0, keeps the memory */
void buf_free(Buf *p);           /* frees the memory, back to BUF_INIT */
/* Never NULL: "" when empty. Valid until the next append. */
const char *buf_str(const Buf *p);
/* Hands the bytes to the caller (who frees them); the buffer is empty again. */
char *buf_take(Buf *p);
#endif
