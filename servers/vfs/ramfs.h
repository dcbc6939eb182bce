// SPDX-License-Identifier: MIT
// The VFS server's RAM file system (ramfs.c): portable C, no system calls, so
// the host tests run it on ordinary memory.
//
// Geometry (the page cache is the data area; docs/vfs.md):
//
//   itab:  struct vfs_inode[max_inodes]      (VFS_INODE_TABLE_VA in the server)
//   data:  inode i's byte k at data + i * file_max + k   (VFS_DATA_BASE)
//
// Both start zeroed. Other processes see the data area through the system
// pager (shared mappings map its frames), so the core keeps three promises:
// a file's bytes live exactly at their place in the data area; the inode
// table entry (size, used, generation, name) is current after every call;
// the bytes past the end of a file up to its page end read as zero (cut bytes
// are zeroed on shrink, stale bytes from an earlier, longer life of the pages
// or from a mapper's stores beyond EOF are zeroed before the file grows over
// them). Pages nobody ever wrote are never written here just to zero them.
//
// Inode 0 is never used, so 0 means "no file". Names are flat: up to
// VFS_NAME_MAX bytes, no '/', leading '/' stripped. Open files belong to a
// client, named by the badge the kernel delivers with each request.
#pragma once
#include <mk/errno.h>
#include <mk/file.h> // the error numbers mk/errno.h lacks (EFBIG, ...)
#include <mk/vfs.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAMFS_PAGE         4096ull
#define RAMFS_PAGES_MAX    (VFS_FILE_MAX / RAMFS_PAGE) // pages of one file, at most
#define RAMFS_FIRST_INODE  1                           // inode 0 means "no file"
#define RAMFS_MAX_CLIENTS  VFS_MAX_CLIENTS             // clients with open files at once
#define RAMFS_MAX_FDS      VFS_MAX_FDS                 // open files per client
#define RAMFS_FD_BASE      VFS_FD_BASE                 // first fd: 0-2 are stdin/out/err
#define RAMFS_CUR          UINT64_MAX                  // read/write offset: the fd's offset
#define RAMFS_OFF_MAX      ((uint64_t)INT64_MAX)       // offsets on the wire are signed
#define RAMFS_MODE_FILE    0100000                     // S_IFREG
#define RAMFS_MODE_PERM    07777
#define RAMFS_MODE_DEFAULT 0100644
#define RAMFS_SEEK_SET     MK_SEEK_SET
#define RAMFS_SEEK_CUR     MK_SEEK_CUR
#define RAMFS_SEEK_END     MK_SEEK_END
#define RAMFS_OPEN_FLAGS   (VFS_O_ACCMODE | VFS_O_CREAT | VFS_O_TRUNC | VFS_O_APPEND)

struct ramfs_config {
        struct vfs_inode *itab;     // max_inodes entries, zero at start
        struct vfs_client *clients; // RAMFS_MAX_CLIENTS entries (the open files); NULL:
                                    // the ramfs's own (host tests)
        uint8_t *data;              // max_inodes * file_max bytes, zero at start
        uint32_t max_inodes;        // 2 .. VFS_MAX_INODES
        uint64_t file_max;          // bytes per file: a page multiple, at most VFS_FILE_MAX
        uint64_t max_pages;         // data pages this server may write (0: no limit)
        // Called when an inode is done with (unlinked, last fd closed), while
        // it is still marked used; the pager's answer (docs/vfs.md):
        // 0: nobody maps it: the caller has marked it unused and dropped its
        //    data pages (they read zero now);
        // -EBUSY: it is mapped: it stays in use, data and all, until the last
        //    mapping goes; then the caller marks it unused (itab used = 0) and
        //    drops its pages, and ramfs_create finds it free again.
        // NULL (host tests), or any other answer: freed here, pages kept.
        long (*release)(void *ctx, uint32_t ino, uint64_t generation);
        // Called when a file shrank (its size already the new one): the
        // pager removes every process's pages of it wholly past the new end
        // (PGR_VFS_TRUNCATED). NULL: nobody maps files (host tests).
        void (*truncated)(void *ctx, uint32_t ino, uint64_t generation, uint64_t size);
        void *release_ctx;
        // Several threads (servers/vfs/main.c, docs/vfs.md "Threads"): the
        // table lock (clients, fds, names, inodes, the page budget, pins)
        // and the lock of one inode's data and size; relax: wait a little
        // (another thread holds what this one waits for). NULL: one
        // thread, no locks (host tests). Order: an inode's data lock, then
        // the table lock; never the other way.
        void (*lock)(void *ctx);
        void (*unlock)(void *ctx);
        void (*data_lock)(void *ctx, uint32_t ino);
        void (*data_unlock)(void *ctx, uint32_t ino);
        void (*relax)(void *ctx);
        void *lock_ctx;
};

// Private per-inode state (the shared part is struct vfs_inode).
struct ramfs_node {
        uint64_t dirty_end; // bytes, page multiple: pages at or past it hold only zeros
        uint64_t charged;   // pages of this inode counted against max_pages
        uint32_t nopen;     // fds open on it
        uint32_t busy;      // requests using its data outside the table lock (pins)
        bool unlinked;      // name removed while open: freed at the last close
        bool mapped_only;   // no name, no fd, kept in use for its mappers (release: -EBUSY)
        uint64_t written[RAMFS_PAGES_MAX / 64]; // pages this server has written (charged)
};

// The open files (struct vfs_open, vfs_client: mk/vfs.h, where the system
// pager reads them).
#define ramfs_fd     vfs_open
#define ramfs_client vfs_client

struct ramfs {
        struct ramfs_config cfg;
        uint64_t clock;
        uint64_t pages_charged; // sum of node[].charged
        uint64_t evictions;     // clients whose fds were dropped to make room
        uint32_t nmapped_only;  // inodes with mapped_only set
        struct ramfs_node node[VFS_MAX_INODES];
        struct ramfs_client *client; // cfg.clients, or own_clients
        struct ramfs_client own_clients[RAMFS_MAX_CLIENTS];
};

// What fstat and open report.
struct ramfs_stat {
        uint64_t size;
        uint64_t inode;
        uint64_t generation;
        uint32_t mode;
};

// Checks cfg and sets up an empty file system (clears the inode table).
// Returns 0 or -EINVAL.
int ramfs_init(struct ramfs *fs, const struct ramfs_config *cfg);

// Turns a request's path (buf of buflen bytes, NUL inside) into a file name
// in out: 0, -EINVAL (no NUL), -ENOENT (empty, or '/' inside), -EISDIR (the
// root: "/", ".", ".."), -ENAMETOOLONG.
int ramfs_name(const char *buf, size_t buflen, char out[VFS_NAME_MAX + 1]);

// Inode operations (names already checked by ramfs_name).
long ramfs_lookup(struct ramfs *fs, const char *name); // ino or -ENOENT
// A new empty file: ino, -EEXIST, -ENOSPC (no free inode). mode's type bits
// are forced to a regular file.
long ramfs_create(struct ramfs *fs, const char *name, uint32_t mode);
// Copies up to len bytes from offset off: bytes read (0 at or past the end).
long ramfs_pread(struct ramfs *fs, uint32_t ino, void *buf, size_t len, uint64_t off);
// Writes len bytes at off, growing the file: bytes written (short when the
// file size limit or the page budget cuts it), -EFBIG (off at or past
// file_max), -ENOSPC (no page left in the budget).
long ramfs_pwrite(struct ramfs *fs, uint32_t ino, const void *buf, size_t len, uint64_t off);
// Sets the size: 0 or -EFBIG. Shrinking zeroes the cut bytes of the new last
// page; growing reads as zeros.
long ramfs_truncate(struct ramfs *fs, uint32_t ino, uint64_t size);
// Removes a name: 0 or -ENOENT. The inode lives on while fds are open.
long ramfs_unlink(struct ramfs *fs, const char *name);
// The index-th named file in inode order: its ino, or -ENOENT past the last.
long ramfs_list(struct ramfs *fs, uint64_t index);
// The inode table entry of ino (NULL when ino is out of range).
const struct vfs_inode *ramfs_inode(const struct ramfs *fs, uint64_t ino);

// File descriptors of client `badge`. path/buflen as for ramfs_name.
// open: fd >= RAMFS_FD_BASE (st filled), -EINVAL (flags), -EMFILE, name errors,
// -ENOENT, -ENOSPC (O_CREAT with no free inode).
long ramfs_open(struct ramfs *fs, uint64_t badge, const char *path, size_t buflen, uint64_t flags,
                struct ramfs_stat *st);
// off is RAMFS_CUR (use and advance the fd's offset) or an explicit offset
// (pread: the fd's offset stays). -EBADF (bad fd, or not open for reading),
// -EINVAL (off past RAMFS_OFF_MAX).
long ramfs_read(struct ramfs *fs, uint64_t badge, uint64_t fd, void *buf, size_t len, uint64_t off);
// As ramfs_pwrite; O_APPEND writes at the end whatever off says (as Linux).
// -EBADF when the fd is not open for writing.
long ramfs_write(struct ramfs *fs, uint64_t badge, uint64_t fd, const void *buf, size_t len,
                 uint64_t off);
// New offset, -EBADF, -EINVAL (bad whence, negative or past file_max).
long ramfs_seek(struct ramfs *fs, uint64_t badge, uint64_t fd, int64_t off, uint64_t whence);
long ramfs_fstat(struct ramfs *fs, uint64_t badge, uint64_t fd, struct ramfs_stat *st);
// 0, -EBADF, -EINVAL (not open for writing, or size past RAMFS_OFF_MAX), -EFBIG.
long ramfs_ftruncate(struct ramfs *fs, uint64_t badge, uint64_t fd, uint64_t size);
long ramfs_close(struct ramfs *fs, uint64_t badge, uint64_t fd);
// Closes every fd of the client (it ended); returns how many.
long ramfs_close_all(struct ramfs *fs, uint64_t badge);
long ramfs_unlink_path(struct ramfs *fs, const char *path, size_t buflen);

// For fd.c: the last fd on ino closed (frees it if it was unlinked).
void ramfs_released(struct ramfs *fs, uint32_t ino);

// The locks of struct ramfs_config (no-ops without them).
#define RAMFS_LOCK(fs)   ((fs)->cfg.lock ? (fs)->cfg.lock((fs)->cfg.lock_ctx) : (void)0)
#define RAMFS_UNLOCK(fs) ((fs)->cfg.unlock ? (fs)->cfg.unlock((fs)->cfg.lock_ctx) : (void)0)
#define RAMFS_DATA_LOCK(fs, ino)                                                                   \
        ((fs)->cfg.data_lock ? (fs)->cfg.data_lock((fs)->cfg.lock_ctx, (ino)) : (void)0)
#define RAMFS_DATA_UNLOCK(fs, ino)                                                                 \
        ((fs)->cfg.data_unlock ? (fs)->cfg.data_unlock((fs)->cfg.lock_ctx, (ino)) : (void)0)
// Inodes kept only for their mappers that the pager has since let go (itab
// used == 0): their pages were dropped, so their charges and dirty extent
// start again from nothing. Returns how many. ramfs_create calls it.
uint32_t ramfs_reap(struct ramfs *fs);
