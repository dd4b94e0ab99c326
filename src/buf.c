/* buf.c: the growable byte buffer. */
#include "buf.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void buf_reserve(Buf *p, size_t nMore) {
  if (p->n + nMore + 1 <= p->nAlloc) return;
  size_t nNew = p->nAlloc ? p->nAlloc * 2 : 64;
  while (nNew < p->n + nMore + 1) nNew *= 2;
  p->z = xrealloc(p->z, nNew);
  p->nAlloc = nNew;
}

void buf_append(Buf *p, const void *z, size_t n) {
  buf_reserve(p, n);
  if (n) memcpy(p->z + p->n, z, n);
  p->n += n;
  p->z[p->n] = 0;
}

void buf_puts(Buf *p, const char *z) { buf_append(p, z, strlen(z)); }

void buf_putc(Buf *p, char c) { buf_append(p, &c, 1); }

void buf_vprintf(Buf *p, const char *zFmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, zFmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  buf_reserve(p, (size_t)n);
  vsnprintf(p->z + p->n, (size_t)n + 1, zFmt, ap);
  p->n += (size_t)n;
}

void buf_printf(Buf *p, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  buf_vprintf(p, zFmt, ap);
  va_end(ap);
}

void buf_reset(Buf *p) {
  p->n = 0;
  if (p->z) p->z[0] = 0;
}

void buf_free(Buf *p) {
  free(p->z);
  p->z = 0;
  p->n = p->nAlloc = 0;
}

const char *buf_str(const Buf *p) { return p->z ? p->z : ""; }

char *buf_take(Buf *p) {
  char *z = p->z ? p->z : xstrdup("");
  p->z = 0;
  p->n = p->nAlloc = 0;
  return z;
}
