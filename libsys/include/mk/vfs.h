// SPDX-License-Identifier: MIT
// The VFS server: protocol and shared layout (docs/vfs.md).
//
// Processes call the VFS endpoint (auxv AT_MK_VFS_EP) with the requests
// below; the badge names the caller, so open files are per process.
//
// The page cache is the VFS server's own memory: the data of inode i lives in
// the VFS address space at VFS_DATA_VA(i) (page k of the file at
// VFS_DATA_VA(i) + k * 4096), and the inode table at VFS_INODE_TABLE_VA. The
// system pager serves the VFS's faults, so it owns the frames behind both; it
// fills file pages of other processes straight from those frames (shared
// mappings map the very same frame, so writes through a mapping are what
// read() returns, and write() is what mappers see). The pager reads the inode
// table to learn file sizes; it treats everything there as untrusted.
#pragma once
#include <stdbool.h>
#include <mk/msg.h>
#include <stdint.h>

#define VFS_OPEN (MK_TAG_USER + 0x40) // buf path, w0 flags (VFS_O_*) -> w0 fd, w1 inode, w2 size
#define VFS_READ                                                                                   \
        (MK_TAG_USER + 0x41)              // w0 fd, w1 len (<= MK_MSG_BUF), w2 offset (-1: current)
                                          // -> w0 bytes, buf data
#define VFS_WRITE    (MK_TAG_USER + 0x42) // w0 fd, w2 offset (-1: current), buf data (len) -> w0 bytes
#define VFS_STAT     (MK_TAG_USER + 0x43) // w0 fd -> w0 size, w1 inode, w2 mode
#define VFS_TRUNCATE (MK_TAG_USER + 0x44) // w0 fd, w1 length -> 0
#define VFS_CLOSE    (MK_TAG_USER + 0x45) // w0 fd -> 0
#define VFS_SEEK     (MK_TAG_USER + 0x46) // w0 fd, w1 offset, w2 whence (0 set, 1 cur, 2 end) -> w0 pos
#define VFS_UNLINK   (MK_TAG_USER + 0x47) // buf path -> 0
#define VFS_LIST     (MK_TAG_USER + 0x48) // w0 index -> buf name, w0 inode, w1 size (-ENOENT at end)

// The VFS server -> the system pager (refused from anyone else): the VFS is
// done with inode w0 of generation w1 (unlinked and closed). -> 0: nothing
// maps it: the pager has marked it unused in the inode table and dropped its
// pages (they read as zero again); -EBUSY: mappings of it remain: the inode
// stays in use (its data with it) until the last one goes, then the pager
// does the same and the VFS finds the inode unused (itab used == 0).
#define PGR_VFS_RELEASE (MK_TAG_USER + 0x30)
// The VFS server -> the system pager (refused from anyone else): inode w0 of
// generation w1 shrank to w2 bytes. -> 0: in every process that maps it, the
// pages wholly past the new end (shared, and private copies alike) are gone
// by the reply; a later access there is a bus error (docs/vfs.md).
#define PGR_VFS_TRUNCATED (MK_TAG_USER + 0x31)

#define VFS_O_RDONLY  0
#define VFS_O_WRONLY  1
#define VFS_O_RDWR    2
#define VFS_O_ACCMODE 3
#define VFS_O_CREAT   0x40
#define VFS_O_TRUNC   0x200
#define VFS_O_APPEND  0x400

#define VFS_NAME_MAX   60
#define VFS_MAX_INODES 256
#define VFS_FILE_MAX   (64ull << 20) // 64 MiB of address space per file

// Where things are in the VFS server's address space. The system pager starts
// the VFS (program "vfs" in the boot image) with these regions already made:
// the boot image read-only at VFS_BOOTIMG_VA (auxv AT_MK_BOOTIMG_SIZE gives
// its size; the VFS loads its files from it), the inode table and the data
// area (anonymous, zero until written).
#define VFS_BOOTIMG_VA     0x0000000700000000ull
#define VFS_INODE_TABLE_VA 0x0000000800000000ull
#define VFS_DATA_BASE      0x0000001000000000ull
#define VFS_DATA_VA(ino)   (VFS_DATA_BASE + (uint64_t)(ino)*VFS_FILE_MAX)

// The open files of each client, at VFS_CLIENT_TABLE_VA (VFS_MAX_CLIENTS
// entries, in the same region as the inode table): the system pager reads a
// client's entry to check the descriptor a file mapping names (PGR_MMAP),
// the way it reads the inode table.
#define VFS_CLIENT_TABLE_VA (VFS_INODE_TABLE_VA + 0x80000)
#define VFS_MAX_CLIENTS     64 // clients with open files at once
#define VFS_MAX_FDS         32 // open files per client
#define VFS_FD_BASE         3  // first fd: 0-2 are stdin/out/err
struct vfs_open {
        bool used;
        uint32_t ino;
        uint32_t flags; // VFS_O_* as opened (without CREAT and TRUNC)
        uint16_t seq;   // the VFS's: bumped at each open of this slot
        uint8_t busy;   // the VFS's: a read or write at the fd's offset is in flight
        uint64_t off;
};
struct vfs_client {
        bool used;
        uint64_t badge;    // of the client's handle to the VFS (the system pager mints it)
        uint64_t last_use; // the VFS's clock at its last request (eviction picks the oldest)
        uint32_t nfds;
        struct vfs_open fd[VFS_MAX_FDS];
};

// One inode table entry (VFS_INODE_TABLE_VA + ino * sizeof).
struct vfs_inode {
        uint64_t size;       // bytes
        uint32_t used;       // 1 if the inode exists
        uint32_t mode;       // 0100644 regular file
        uint64_t generation; // bumped when the inode is reused
        char name[VFS_NAME_MAX + 4];
};
