/* SHA-256 (FIPS 180-4), for the `hash` mode: salted, truncated to 64 bits. */
#ifndef REDACT_SHA256_H
#define REDACT_SHA256_H

#include "guest.h"

typedef struct {
  u32 state[8];
  u8 block[64];
  u64 total;
  u32 used;
} Sha256;

void sha256_init(Sha256 *hash);
void sha256_update(Sha256 *hash, const u8 *bytes, size_t length);
void sha256_final(Sha256 *hash, u8 digest[32]);

#endif
