/* SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for the plan cache. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32

struct sha256 {
  uint32_t h[8];
  uint8_t block[64];
  size_t fill;
  uint64_t total;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_SIZE]);
void sha256(const void *data, size_t n, uint8_t out[SHA256_SIZE]);
void hmac_sha256(const uint8_t *key, size_t key_len, const void *data, size_t n,
                 uint8_t out[SHA256_SIZE]);
