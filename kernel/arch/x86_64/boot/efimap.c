// SPDX-License-Identifier: MIT
// The UEFI memory map: its extent (for the early page tables), its
// translation into boot_info.mem[] and the GetMemoryMap/ExitBootServices loop.
#include "loader.h"

#define EFIMAP_SLACK      16      // spare descriptors: the map grows as we allocate
#define EFIMAP_MAX_TRIES  8       // ExitBootServices attempts before giving up
#define EFIMAP_DESC_MAX   256     // largest DescriptorSize we can sort with
#define EFI_PAGE_BYTES    4096ull // EFI_MEMORY_DESCRIPTOR pages are always 4 KiB
#define EFIMAP_DESC_GUESS 64      // descriptor size until the firmware reports it
// Entries reserved at the end of mem[] for the kernel and the boot image.
#define EFIMAP_APPENDED 2

// EfiPersistentMemory (UEFI 2.5) is newer than GNU-EFI's enum.
#define EFI_PERSISTENT_MEMORY 14

struct efimap {
        uint8_t *buf; // descriptors, desc_size bytes apart
        UINTN cap;    // bytes allocated
        UINTN size;   // bytes filled by GetMemoryMap
        UINTN key;
        UINTN desc_size;
        UINT32 desc_version;
};

static struct efimap map;

// The i-th descriptor of the current map.
static EFI_MEMORY_DESCRIPTOR *efimap_desc(UINTN i)
{
        return (EFI_MEMORY_DESCRIPTOR *)(map.buf + i * map.desc_size);
}

// (Re)allocates the buffer for `need` bytes plus slack; boot services only.
static void efimap_grow(UINTN need)
{
        EFI_STATUS st;
        if (map.buf)
                loader_bs->FreePool(map.buf);
        map.cap = need + EFIMAP_SLACK * (map.desc_size ? map.desc_size : EFIMAP_DESC_GUESS);
        st = loader_bs->AllocatePool(EfiBootServicesData, map.cap, (void **)&map.buf);
        if (EFI_ERROR(st))
                loader_fail("cannot allocate %llu bytes for the memory map", (uint64_t)map.cap);
}

// Calls GetMemoryMap into map.buf; returns its status (map.size is the
// needed size on EFI_BUFFER_TOO_SMALL).
static EFI_STATUS efimap_fetch(void)
{
        map.size = map.cap;
        return loader_bs->GetMemoryMap(&map.size, (EFI_MEMORY_DESCRIPTOR *)map.buf, &map.key,
                                       &map.desc_size, &map.desc_version);
}

// Fetches the map, growing the buffer as needed (allocates: not for the
// final fetch after a failed ExitBootServices).
static void efimap_fetch_grow(void)
{
        EFI_STATUS st;
        while ((st = efimap_fetch()) == EFI_BUFFER_TOO_SMALL)
                efimap_grow(map.size);
        if (EFI_ERROR(st))
                loader_fail("GetMemoryMap failed (status 0x%llx)", st);
        if (map.desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
                loader_fail("memory map descriptor size %llu too small", (uint64_t)map.desc_size);
}

// End (exclusive) of the highest range in the current UEFI memory map.
uint64_t efimap_top(void)
{
        uint64_t top = 0;
        efimap_fetch_grow();
        for (UINTN i = 0; i < map.size / map.desc_size; i++) {
                EFI_MEMORY_DESCRIPTOR *d = efimap_desc(i);
                uint64_t end = d->PhysicalStart + d->NumberOfPages * EFI_PAGE_BYTES;
                if (end > top)
                        top = end;
        }
        return top;
}

// The boot_info type of an EFI memory type (unknown ones are reserved).
static uint32_t efimap_type(UINT32 t)
{
        switch (t) {
        case EfiConventionalMemory:
                return MEM_USABLE;
        case EfiLoaderCode:
        case EfiBootServicesCode:
        case EfiBootServicesData:
                return MEM_BOOT_RECLAIM;
        case EfiLoaderData:
                return MEM_LOADER;
        case EfiACPIReclaimMemory:
                return MEM_ACPI_RECLAIM;
        case EfiACPIMemoryNVS:
                return MEM_ACPI_NVS;
        case EfiMemoryMappedIO:
        case EfiMemoryMappedIOPortSpace:
                return MEM_MMIO;
        case EfiUnusableMemory:
                return MEM_BAD;
        case EfiReservedMemoryType:
        case EfiRuntimeServicesCode:
        case EfiRuntimeServicesData:
        case EfiPalCode:
        case EFI_PERSISTENT_MEMORY:
        default:
                return MEM_RESERVED;
        }
}

// Appends a range to bi->mem[], merging it into the previous entry when they
// touch and have the same type. Returns 0, or -1 if mem[] is full.
static int efimap_add(struct boot_info *bi, uint64_t base, uint64_t size, uint32_t type,
                      uint32_t cap)
{
        struct mem_range *prev = bi->nmem ? &bi->mem[bi->nmem - 1] : NULL;
        if (size == 0)
                return 0;
        if (prev && prev->type == type && prev->base + prev->size == base) {
                prev->size += size;
                return 0;
        }
        if (bi->nmem == cap)
                return -1;
        bi->mem[bi->nmem++] = (struct mem_range){.base = base, .size = size, .type = type};
        return 0;
}

// Sorts the descriptors by address in place (insertion sort; the map is
// short and usually sorted already). Returns -1 if a descriptor is too big.
static int efimap_sort(void)
{
        static uint8_t tmp[EFIMAP_DESC_MAX];
        UINTN n = map.size / map.desc_size;
        if (map.desc_size > sizeof(tmp))
                return -1;
        for (UINTN i = 1; i < n; i++) {
                memcpy(tmp, efimap_desc(i), map.desc_size);
                UINT64 start = ((EFI_MEMORY_DESCRIPTOR *)tmp)->PhysicalStart;
                UINTN j = i;
                for (; j > 0 && efimap_desc(j - 1)->PhysicalStart > start; j--)
                        memcpy(efimap_desc(j), efimap_desc(j - 1), map.desc_size);
                memcpy(efimap_desc(j), tmp, map.desc_size);
        }
        return 0;
}

// Translates the fetched map into bi->mem[] (firmware entries only), merging
// touching same-type neighbours. Allocates and prints nothing. Returns 0, or
// -1 if the ranges do not fit.
static int efimap_translate(struct boot_info *bi)
{
        bi->nmem = 0;
        for (UINTN i = 0; i < map.size / map.desc_size; i++) {
                EFI_MEMORY_DESCRIPTOR *d = efimap_desc(i);
                if (efimap_add(bi, d->PhysicalStart, d->NumberOfPages * EFI_PAGE_BYTES,
                               efimap_type(d->Type), BOOT_MAX_MEM - EFIMAP_APPENDED))
                        return -1;
        }
        return 0;
}

// The final GetMemoryMap -> translate -> ExitBootServices loop (see loader.h).
void efimap_exit_boot_services(struct boot_info *bi)
{
        EFI_STATUS st = EFI_SUCCESS;

        // Size the buffer now: after the first ExitBootServices call nothing
        // may be allocated any more.
        efimap_fetch_grow();
        efimap_grow(map.size);
        for (int tries = 0; tries < EFIMAP_MAX_TRIES; tries++) {
                st = efimap_fetch();
                if (EFI_ERROR(st))
                        break;
                // Too many ranges: sort so that all neighbours merge, retry.
                if (efimap_translate(bi) && (efimap_sort() || efimap_translate(bi)))
                        loader_fail("memory map has too many ranges (more than %d)",
                                    BOOT_MAX_MEM - EFIMAP_APPENDED);
                st = loader_bs->ExitBootServices(loader_image, map.key);
                if (!EFI_ERROR(st)) {
                        con_boot_services_gone();
                        efimap_add(bi, bi->kernel_phys, bi->kernel_size, MEM_KERNEL, BOOT_MAX_MEM);
                        efimap_add(bi, bi->bootimg_phys, bi->bootimg_size, MEM_BOOTIMG,
                                   BOOT_MAX_MEM);
                        return;
                }
                con_boot_services_gone(); // possibly half shut down: use COM1
        }
        loader_fail("ExitBootServices failed (status 0x%llx)", st);
}
