// SPDX-License-Identifier: MIT
// The VFS server's portable parts above the file system: the protocol
// decoder (serve.c) and the boot-image loader (load.c). Host-tested.
#pragma once
#include "ramfs.h"
#include <mk/msg.h>

// Answers one request (mk/vfs.h) from the client in->badge: fills *out (tag
// 0, w[0] the result or -errno, the rest as the request says). Any message,
// however malformed, gets a reply; an unknown tag gets -ENOSYS. A kernel
// message (MK_MSG_KERNEL: a fault of a process made with the VFS endpoint as
// its pager) gets MK_FAULT_FAIL for a fault, else -ENOSYS, and changes nothing.
void vfs_serve(struct ramfs *fs, const struct mk_msg *in, struct mk_msg *out);

struct vfs_load_result {
        uint32_t files;   // files loaded
        uint32_t skipped; // entries not loaded (directories, bad names, duplicates, too big)
        uint64_t bytes;   // bytes loaded
        const char *last_skipped; // name of the last skipped entry (NULL: none)
        long last_error;          // why it was skipped (-errno, 0 for a directory)
};

// Creates a file for every regular file of the cpio archive [base, base+size)
// ("./" and "/" prefixes stripped). Returns 0, or -EBADMSG with *err saying
// what is wrong with the archive (the files before the bad entry stay).
int vfs_load_cpio(struct ramfs *fs, const void *base, uint64_t size, struct vfs_load_result *res,
                  const char **err);
