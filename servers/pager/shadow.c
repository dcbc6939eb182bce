// SPDX-License-Identifier: MIT
// Shadow page maps (shadow.h).
#include "pager.h"
#include "shadow.h"

#define SH_BITS       9
#define SH_N          (1u << SH_BITS)
#define SH_IDX(va, l) (((va) >> (12 + SH_BITS * (l))) & (SH_N - 1))

static uint64_t *table_new(struct shadow *s)
{
        uint64_t pa = frame_alloc(s->owner ? &procs[s->owner] : NULL);
        if (!pa)
                return NULL;
        page_zero(frame_ptr(pa));
        return frame_ptr(pa);
}

static void table_put(uint64_t *t)
{
        frame_put(frame_pa(t));
}

uint64_t *shadow_slot(struct shadow *s, uint64_t va, bool alloc)
{
        if (va >= MK_USER_TOP)
                return NULL;
        if (!s->top && (!alloc || !(s->top = table_new(s))))
                return NULL;
        uint64_t *t = s->top;
        for (int l = 2; l > 0; l--) {
                uint64_t *e = &t[SH_IDX(va, l)];
                if (!*e) {
                        uint64_t *n = alloc ? table_new(s) : NULL;
                        if (!n)
                                return NULL;
                        *e = (uint64_t)n;
                }
                t = (uint64_t *)*e;
        }
        return &t[SH_IDX(va, 0)];
}

uint64_t shadow_get(struct shadow *s, uint64_t va)
{
        uint64_t *e = shadow_slot(s, va, false);
        return e ? *e : 0;
}

void shadow_each(struct shadow *s, uint64_t start, uint64_t end,
                 void (*cb)(void *ctx, uint64_t va, uint64_t *entry), void *ctx)
{
        if (!s->top)
                return;
        for (uint64_t i = SH_IDX(start, 2); i < SH_N; i++) {
                uint64_t *mid = (uint64_t *)s->top[i];
                uint64_t base2 = i << (12 + 2 * SH_BITS);
                if (base2 >= end)
                        break;
                if (!mid)
                        continue;
                for (uint64_t j = 0; j < SH_N; j++) {
                        uint64_t *leaf = (uint64_t *)mid[j];
                        uint64_t base1 = base2 | j << (12 + SH_BITS);
                        if (!leaf || base1 + (1ull << (12 + SH_BITS)) <= start)
                                continue;
                        if (base1 >= end)
                                break;
                        for (uint64_t k = 0; k < SH_N; k++) {
                                uint64_t va = base1 | k << 12;
                                if (va >= start && va < end && (leaf[k] & SH_PRESENT))
                                        cb(ctx, va, &leaf[k]);
                        }
                }
        }
}

static bool table_empty(const uint64_t *t)
{
        for (unsigned k = 0; k < SH_N; k++)
                if (t[k])
                        return false;
        return true;
}

void shadow_prune(struct shadow *s, uint64_t start, uint64_t end)
{
        if (!s->top || start >= end)
                return;
        for (uint64_t i = SH_IDX(start, 2); i < SH_N && i <= SH_IDX(end - 1, 2); i++) {
                uint64_t *mid = (uint64_t *)s->top[i];
                if (!mid)
                        continue;
                for (uint64_t j = 0; j < SH_N; j++) {
                        uint64_t *leaf = (uint64_t *)mid[j];
                        uint64_t base1 = i << (12 + 2 * SH_BITS) | j << (12 + SH_BITS);
                        if (!leaf || base1 + (1ull << (12 + SH_BITS)) <= start || base1 >= end)
                                continue;
                        if (table_empty(leaf)) {
                                table_put(leaf);
                                mid[j] = 0;
                        }
                }
                if (table_empty(mid)) {
                        table_put(mid);
                        s->top[i] = 0;
                }
        }
}

void shadow_free(struct shadow *s)
{
        if (!s->top)
                return;
        for (unsigned i = 0; i < SH_N; i++) {
                uint64_t *mid = (uint64_t *)s->top[i];
                if (!mid)
                        continue;
                for (unsigned j = 0; j < SH_N; j++)
                        if (mid[j])
                                table_put((uint64_t *)mid[j]);
                table_put(mid);
        }
        table_put(s->top);
        s->top = NULL;
        s->pages = 0;
}
