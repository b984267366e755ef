#include "sha256.h"

static const u32 ROUND[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static u32 rotate(u32 value, int bits) { return (value >> bits) | (value << (32 - bits)); }

static void compress(Sha256 *hash, const u8 *block) {
  u32 words[64];
  for (int index = 0; index < 16; index++) {
    const u8 *word = block + index * 4;
    words[index] = ((u32)word[0] << 24) | ((u32)word[1] << 16) | ((u32)word[2] << 8) | word[3];
  }
  for (int index = 16; index < 64; index++) {
    u32 s0 = rotate(words[index - 15], 7) ^ rotate(words[index - 15], 18) ^ (words[index - 15] >> 3);
    u32 s1 = rotate(words[index - 2], 17) ^ rotate(words[index - 2], 19) ^ (words[index - 2] >> 10);
    words[index] = words[index - 16] + s0 + words[index - 7] + s1;
  }
  u32 a = hash->state[0], b = hash->state[1], c = hash->state[2], d = hash->state[3];
  u32 e = hash->state[4], f = hash->state[5], g = hash->state[6], h = hash->state[7];
  for (int index = 0; index < 64; index++) {
    u32 t1 = h + (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) + ((e & f) ^ (~e & g)) + ROUND[index] + words[index];
    u32 t2 = (rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  hash->state[0] += a;
  hash->state[1] += b;
  hash->state[2] += c;
  hash->state[3] += d;
  hash->state[4] += e;
  hash->state[5] += f;
  hash->state[6] += g;
  hash->state[7] += h;
}

void sha256_init(Sha256 *hash) {
  static const u32 initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int index = 0; index < 8; index++) hash->state[index] = initial[index];
  hash->total = 0;
  hash->used = 0;
}

void sha256_update(Sha256 *hash, const u8 *bytes, size_t length) {
  hash->total += length;
  while (length > 0) {
    size_t take = 64 - hash->used;
    if (take > length) take = length;
    memcpy(hash->block + hash->used, bytes, take);
    hash->used += (u32)take;
    bytes += take;
    length -= take;
    if (hash->used == 64) {
      compress(hash, hash->block);
      hash->used = 0;
    }
  }
}

void sha256_final(Sha256 *hash, u8 digest[32]) {
  u64 bits = hash->total * 8;
  u8 pad = 0x80;
  sha256_update(hash, &pad, 1);
  u8 zero = 0;
  while (hash->used != 56) sha256_update(hash, &zero, 1);
  u8 length[8];
  for (int index = 0; index < 8; index++) length[index] = (u8)(bits >> ((7 - index) * 8));
  sha256_update(hash, length, 8);
  for (int index = 0; index < 8; index++) {
    digest[index * 4] = (u8)(hash->state[index] >> 24);
    digest[index * 4 + 1] = (u8)(hash->state[index] >> 16);
    digest[index * 4 + 2] = (u8)(hash->state[index] >> 8);
    digest[index * 4 + 3] = (u8)hash->state[index];
  }
}
