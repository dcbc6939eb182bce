// SPDX-License-Identifier: MIT
// Freestanding memory and string routines. Simple byte loops with a word fast
// path for aligned copies and fills: correct first, good enough for a kernel
// that moves pages with memcpy/memset.
#include <common/string.h>

// Copies n bytes between non-overlapping buffers.
void *memcpy(void *dst, const void *src, size_t n)
{
        uint8_t *d = dst;
        const uint8_t *s = src;
        if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
                for (; n >= 8; n -= 8, d += 8, s += 8)
                        *(uint64_t *)d = *(const uint64_t *)s;
        }
        while (n--)
                *d++ = *s++;
        return dst;
}

// Copies n bytes; the buffers may overlap.
void *memmove(void *dst, const void *src, size_t n)
{
        uint8_t *d = dst;
        const uint8_t *s = src;
        if (d == s || n == 0)
                return dst;
        if (d < s || d >= s + n)
                return memcpy(dst, src, n);
        while (n--)
                d[n] = s[n];
        return dst;
}

// Fills n bytes with c.
void *memset(void *dst, int c, size_t n)
{
        uint8_t *d = dst;
        if (((uintptr_t)d & 7) == 0) {
                uint64_t w = (uint8_t)c * 0x0101010101010101ull;
                for (; n >= 8; n -= 8, d += 8)
                        *(uint64_t *)d = w;
        }
        while (n--)
                *d++ = (uint8_t)c;
        return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
        const uint8_t *x = a, *y = b;
        for (size_t i = 0; i < n; i++)
                if (x[i] != y[i])
                        return x[i] < y[i] ? -1 : 1;
        return 0;
}

size_t strlen(const char *s)
{
        size_t n = 0;
        while (s[n])
                n++;
        return n;
}

size_t strnlen(const char *s, size_t max)
{
        size_t n = 0;
        while (n < max && s[n])
                n++;
        return n;
}

int strcmp(const char *a, const char *b)
{
        while (*a && *a == *b)
                a++, b++;
        return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
        for (; n; n--, a++, b++) {
                if (*a != *b)
                        return (unsigned char)*a - (unsigned char)*b;
                if (!*a)
                        return 0;
        }
        return 0;
}

char *strstr(const char *h, const char *n)
{
        size_t ln = strlen(n);
        for (; *h; h++)
                if (strncmp(h, n, ln) == 0)
                        return (char *)h;
        return ln == 0 ? (char *)h : NULL;
}

char *strchr(const char *s, int c)
{
        for (;; s++) {
                if (*s == (char)c)
                        return (char *)s;
                if (!*s)
                        return NULL;
        }
}

char *strrchr(const char *s, int c)
{
        const char *last = NULL;
        for (;; s++) {
                if (*s == (char)c)
                        last = s;
                if (!*s)
                        return (char *)last;
        }
}

char *strcpy(char *dst, const char *src)
{
        return memcpy(dst, src, strlen(src) + 1);
}
