/* hash.c: digests (see hash.h). */
#include "hash.h"
#include <sodium.h>

void hash_sha256_hex(const void *p, size_t n, char zOut[65]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, p, n);
  sodium_bin2hex(zOut, 65, h, sizeof h);
}
