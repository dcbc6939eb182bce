// SPDX-License-Identifier: MIT
// Reading whole files from the EFI system partition the loader was loaded
// from: LoadedImage -> DeviceHandle -> SimpleFileSystem -> root directory.
#include "loader.h"

#define FILE_INFO_BUF 512 // EFI_FILE_INFO plus a short file name

// Opens the root directory of the loader's own volume, or fails the boot.
EFI_FILE_HANDLE esp_open_root(void)
{
        EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
        EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
        EFI_LOADED_IMAGE *li;
        EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
        EFI_FILE_HANDLE root;
        EFI_STATUS st;

        st = loader_bs->HandleProtocol(loader_image, &li_guid, (void **)&li);
        if (EFI_ERROR(st))
                loader_fail("no LoadedImage protocol (status 0x%llx)", st);
        st = loader_bs->HandleProtocol(li->DeviceHandle, &fs_guid, (void **)&fs);
        if (EFI_ERROR(st))
                loader_fail("boot device has no file system (status 0x%llx)", st);
        st = fs->OpenVolume(fs, &root);
        if (EFI_ERROR(st))
                loader_fail("cannot open the boot volume (status 0x%llx)", st);
        return root;
}

// Returns the size of an open file through EFI_FILE_INFO, or an error.
static EFI_STATUS esp_file_size(EFI_FILE_HANDLE f, uint64_t *size)
{
        static uint64_t info_buf[FILE_INFO_BUF / sizeof(uint64_t)];
        EFI_GUID info_guid = EFI_FILE_INFO_ID;
        EFI_FILE_INFO *info = (EFI_FILE_INFO *)info_buf;
        UINTN n = sizeof(info_buf);
        EFI_STATUS st = f->GetInfo(f, &info_guid, &n, info);
        if (EFI_ERROR(st))
                return st;
        if (info->Attribute & EFI_FILE_DIRECTORY)
                return EFI_NOT_FOUND;
        *size = info->FileSize;
        return EFI_SUCCESS;
}

// Reads a whole file into fresh pages (see loader.h).
EFI_STATUS esp_read_file(EFI_FILE_HANDLE root, const CHAR16 *name, EFI_MEMORY_TYPE type, void **buf,
                         uint64_t *size)
{
        EFI_FILE_HANDLE f;
        EFI_STATUS st;
        uint64_t done = 0;

        *buf = NULL;
        *size = 0;
        st = root->Open(root, &f, (CHAR16 *)name, EFI_FILE_MODE_READ, 0);
        if (EFI_ERROR(st))
                return st;
        st = esp_file_size(f, size);
        if (!EFI_ERROR(st) && *size) {
                uint8_t *p = alloc_pages(*size, type, "a file");
                // Read may return less than asked for; zero bytes means EOF.
                while (!EFI_ERROR(st) && done < *size) {
                        UINTN n = *size - done;
                        st = f->Read(f, &n, p + done);
                        if (!EFI_ERROR(st) && n == 0)
                                st = EFI_END_OF_FILE;
                        done += n;
                }
                *buf = p;
        }
        f->Close(f);
        return st;
}
