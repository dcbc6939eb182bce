// SPDX-License-Identifier: MIT
// A small LZ77 compressor for pages (portable C, no libc beyond string.h;
// host-tested in tests/host/compress/). The format is LZ4's block format, so
// it is easy to check against a known description:
//
//   sequence := token [literal-length bytes] literals [offset match-length bytes]
//   token    := (literal length, 4 bits) << 4 | (match length - LZ_MIN_MATCH, 4 bits)
//               a nibble of 15 continues in bytes of 255 ... until one < 255
//   offset   := 2 bytes little-endian, 1 .. LZ_MAX_OFFSET back from the output
//   the last sequence has literals only (no offset); the last LZ_LAST_LITERALS
//   bytes of the input are always literals, and a match never starts in the
//   last LZ_MF_LIMIT bytes.
//
// A match may overlap its own output (offset < length), which makes runs of
// one byte (zero pages, fills) a handful of bytes: RLE comes for free.
#pragma once
#include <stddef.h>
#include <stdint.h>

#define LZ_MIN_MATCH     4
#define LZ_MAX_OFFSET    65535
#define LZ_LAST_LITERALS 5
#define LZ_MF_LIMIT      12
#define LZ_HASH_BITS     12
#define LZ_HASH_SIZE     (1u << LZ_HASH_BITS)
#define LZ_NIBBLE_MAX    15
#define LZ_RUN_BYTE_MAX  255

// Scratch space of the compressor (16 KiB: keep it off small stacks).
struct lz_work {
        uint32_t table[LZ_HASH_SIZE]; // last position + 1 of each 4-byte hash (0: none)
};

// The worst-case compressed size of n bytes (incompressible input grows by
// one length byte per 255 literals plus the token).
static inline size_t lz_bound(size_t n)
{
        return n + n / LZ_RUN_BYTE_MAX + 16;
}

// Compresses src[0..n) into dst (capacity cap). Returns the compressed size,
// or 0 when it would not fit in cap (then store the data raw).
size_t lz_compress(struct lz_work *w, const uint8_t *src, size_t n, uint8_t *dst, size_t cap);

// Decompresses src[0..n) into dst (capacity cap). Returns the number of bytes
// written, or -1 if src is malformed or would overflow dst: it never reads or
// writes outside the two buffers, whatever src holds.
long lz_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t cap);
