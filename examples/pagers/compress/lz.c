// SPDX-License-Identifier: MIT
// The page compressor (lz.h): greedy LZ77 with a hash table of 4-byte
// sequences, LZ4's block format.
#include "lz.h"
#if __STDC_HOSTED__
#include <string.h>
#else
#include <mk/sys.h> // memcpy, memset, memcmp: libsys
#endif

#define LZ_HASH_MULT    2654435761u // Knuth's multiplicative hash (golden ratio)
#define LZ_OFFSET_BYTES 2

static inline uint32_t read32(const uint8_t *p)
{
        uint32_t v;
        memcpy(&v, p, sizeof(v));
        return v;
}

static inline unsigned hash4(uint32_t v)
{
        return (v * LZ_HASH_MULT) >> (32 - LZ_HASH_BITS);
}

// Bytes a length of len needs after its nibble (0 if len < 15).
static inline size_t len_bytes(size_t len)
{
        return len < LZ_NIBBLE_MAX ? 0 : (len - LZ_NIBBLE_MAX) / LZ_RUN_BYTE_MAX + 1;
}

// Writes the continuation bytes of a length whose nibble is 15.
static uint8_t *put_len(uint8_t *op, size_t len)
{
        for (len -= LZ_NIBBLE_MAX; len >= LZ_RUN_BYTE_MAX; len -= LZ_RUN_BYTE_MAX)
                *op++ = LZ_RUN_BYTE_MAX;
        *op++ = (uint8_t)len;
        return op;
}

// Appends one sequence: lit literals from anchor, then (if mlen) a match of
// mlen bytes off bytes back. Returns the new output end, or NULL if it would
// pass oend.
static uint8_t *put_sequence(uint8_t *op, uint8_t *oend, const uint8_t *anchor, size_t lit,
                             size_t off, size_t mlen)
{
        size_t need = 1 + len_bytes(lit) + lit;
        if (mlen)
                need += LZ_OFFSET_BYTES + len_bytes(mlen - LZ_MIN_MATCH);
        if (need > (size_t)(oend - op))
                return NULL;
        size_t ml = mlen ? mlen - LZ_MIN_MATCH : 0;
        *op++ = (uint8_t)((lit < LZ_NIBBLE_MAX ? lit : LZ_NIBBLE_MAX) << 4 |
                          (ml < LZ_NIBBLE_MAX ? ml : LZ_NIBBLE_MAX));
        if (lit >= LZ_NIBBLE_MAX)
                op = put_len(op, lit);
        memcpy(op, anchor, lit);
        op += lit;
        if (!mlen)
                return op;
        *op++ = (uint8_t)off;
        *op++ = (uint8_t)(off >> 8);
        if (ml >= LZ_NIBBLE_MAX)
                op = put_len(op, ml);
        return op;
}

size_t lz_compress(struct lz_work *w, const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
        const uint8_t *ip = src, *anchor = src, *end = src + n;
        uint8_t *op = dst, *oend = dst + cap;
        memset(w->table, 0, sizeof(w->table));
        if (n > LZ_MF_LIMIT) {
                const uint8_t *mflimit = end - LZ_MF_LIMIT;         // last match start
                const uint8_t *matchlimit = end - LZ_LAST_LITERALS; // matches end here
                while (ip < mflimit) {
                        uint32_t seq = read32(ip);
                        unsigned h = hash4(seq);
                        uint32_t cand = w->table[h];
                        w->table[h] = (uint32_t)(ip - src) + 1;
                        if (!cand) {
                                ip++;
                                continue;
                        }
                        const uint8_t *ref = src + (cand - 1);
                        if (ip - ref > LZ_MAX_OFFSET || read32(ref) != seq) {
                                ip++;
                                continue;
                        }
                        const uint8_t *mp = ip + LZ_MIN_MATCH, *rp = ref + LZ_MIN_MATCH;
                        while (mp < matchlimit && *mp == *rp)
                                mp++, rp++;
                        while (ip > anchor && ref > src && ip[-1] == ref[-1])
                                ip--, ref--;
                        op = put_sequence(op, oend, anchor, (size_t)(ip - anchor),
                                          (size_t)(ip - ref), (size_t)(mp - ip));
                        if (!op)
                                return 0;
                        ip = anchor = mp;
                        // Remember a position inside the match too: better ratio
                        // on repeated records at little cost.
                        if (ip < mflimit)
                                w->table[hash4(read32(ip - 2))] = (uint32_t)(ip - 2 - src) + 1;
                }
        }
        op = put_sequence(op, oend, anchor, (size_t)(end - anchor), 0, 0);
        return op ? (size_t)(op - dst) : 0;
}

// Reads the continuation bytes of a length whose nibble was 15 into *len.
// Returns the new input position, or NULL if the input ends first.
static const uint8_t *get_len(const uint8_t *ip, const uint8_t *iend, size_t *len)
{
        uint8_t b;
        do {
                if (ip >= iend)
                        return NULL;
                b = *ip++;
                *len += b;
        } while (b == LZ_RUN_BYTE_MAX);
        return ip;
}

long lz_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
        const uint8_t *ip = src, *iend = src + n;
        uint8_t *op = dst, *oend = dst + cap;
        for (;;) {
                if (ip >= iend)
                        return -1;
                uint8_t token = *ip++;
                size_t lit = token >> 4;
                if (lit == LZ_NIBBLE_MAX && !(ip = get_len(ip, iend, &lit)))
                        return -1;
                if (lit > (size_t)(iend - ip) || lit > (size_t)(oend - op))
                        return -1;
                memcpy(op, ip, lit);
                op += lit;
                ip += lit;
                if (ip == iend)
                        return (long)(op - dst); // the last sequence: literals only
                if (iend - ip < LZ_OFFSET_BYTES)
                        return -1;
                size_t off = (size_t)ip[0] | (size_t)ip[1] << 8;
                ip += LZ_OFFSET_BYTES;
                if (off == 0 || off > (size_t)(op - dst))
                        return -1;
                size_t mlen = token & LZ_NIBBLE_MAX;
                if (mlen == LZ_NIBBLE_MAX && !(ip = get_len(ip, iend, &mlen)))
                        return -1;
                mlen += LZ_MIN_MATCH;
                if (mlen > (size_t)(oend - op))
                        return -1;
                // Byte by byte: the match may overlap what it writes (runs).
                const uint8_t *ref = op - off;
                for (size_t i = 0; i < mlen; i++)
                        op[i] = ref[i];
                op += mlen;
        }
}
