// SPDX-License-Identifier: MIT
// Freestanding helpers for the loader: GUID comparison and page allocation
// (the memory functions are kernel/common/string.c).
#include "loader.h"

// Whether two GUIDs are equal.
int guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
        const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
        for (size_t i = 0; i < sizeof(EFI_GUID); i++)
                if (x[i] != y[i])
                        return 0;
        return 1;
}

// Allocates `size` bytes (rounded up to pages, at least one page) of zeroed
// memory of type `type` anywhere; fails the boot naming `what` if it cannot.
void *alloc_pages(uint64_t size, EFI_MEMORY_TYPE type, const char *what)
{
        uint64_t pages = size ? LOADER_PAGES(size) : 1;
        EFI_PHYSICAL_ADDRESS pa = 0;
        EFI_STATUS st = loader_bs->AllocatePages(AllocateAnyPages, type, pages, &pa);
        if (EFI_ERROR(st))
                loader_fail("cannot allocate %llu pages for %s (status 0x%llx)",
                            (unsigned long long)pages, what, (unsigned long long)st);
        memset((void *)(uintptr_t)pa, 0, pages * LOADER_PAGE_SIZE);
        return (void *)(uintptr_t)pa;
}
