/* hash.h: digests, a leaf every other file may use (libsodium underneath). */
#ifndef QJ_HASH_H
#define QJ_HASH_H
#include <stddef.h>

/* SHA-256 of n bytes at p as 64 lower-case hex digits and a NUL in zOut. */
void hash_sha256_hex(const void *p, size_t n, char zOut[65]);
#endif
