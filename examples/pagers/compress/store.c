// SPDX-License-Identifier: MIT
// The compressed store's allocator (store.h): segregated free lists over
// bump-allocated chunks.
#include "store.h"
#if __STDC_HOSTED__
#include <string.h>
#else
#include <mk/sys.h> // memcpy, memset, memcmp: libsys
#endif

void store_init(struct store *s, void *(*grow)(void *ctx, size_t len), void *ctx)
{
        memset(s, 0, sizeof(*s));
        s->grow = grow;
        s->ctx = ctx;
}

// The free-list index of a block of n bytes (1 .. STORE_MAX_BLOCK).
static size_t class_of(size_t n)
{
        return store_rounded(n) / STORE_UNIT - 1;
}

void *store_alloc(struct store *s, size_t n)
{
        if (n == 0 || n > STORE_MAX_BLOCK)
                return NULL;
        size_t c = class_of(n), size = store_rounded(n);
        void *p = s->free_list[c];
        if (p) {
                memcpy(&s->free_list[c], p, sizeof(void *));
        } else {
                if ((size_t)(s->end - s->cur) < size) {
                        // The rest of the old chunk stays unused (at most one
                        // block's worth per chunk).
                        uint8_t *chunk = s->grow(s->ctx, STORE_CHUNK);
                        if (!chunk)
                                return NULL;
                        s->cur = chunk;
                        s->end = chunk + STORE_CHUNK;
                        s->arena += STORE_CHUNK;
                }
                p = s->cur;
                s->cur += size;
        }
        s->in_use += size;
        s->blocks++;
        return p;
}

void store_free(struct store *s, void *p, size_t n)
{
        if (!p || n == 0 || n > STORE_MAX_BLOCK)
                return;
        size_t c = class_of(n);
        memcpy(p, &s->free_list[c], sizeof(void *));
        s->free_list[c] = p;
        s->in_use -= store_rounded(n);
        s->blocks--;
}
