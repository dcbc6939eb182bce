// SPDX-License-Identifier: MIT
// The VFS protocol (mk/vfs.h): decodes one request, calls the file system,
// encodes the reply. Every word is range-checked by the layer below; this one
// checks lengths and that names end inside the buffer.
#include "serve.h"
#include <common/string.h>

void vfs_serve(struct ramfs *fs, const struct mk_msg *in, struct mk_msg *out)
{
        struct ramfs_stat st = {0};
        const uint64_t badge = in->badge;
        // The kernel never delivers more than MK_MSG_BUF bytes; a longer len
        // makes every name invalid and every write refused.
        const bool len_ok = in->len <= MK_MSG_BUF;
        const size_t blen = len_ok ? in->len : 0;
        const char *path = (const char *)in->buf;
        long r;
        out->tag = 0;
        out->badge = 0;
        memset(out->w, 0, sizeof(out->w));
        out->len = 0;
        out->flags = 0;
        // The kernel's own messages are no requests. They reach us only when
        // a process was made with our endpoint as its pager: a fault must be
        // answered MK_FAULT_FAIL (any other reply is refused and leaves the
        // faulting thread waiting for good, its process never ending); an
        // exit event is no call (the reply goes nowhere).
        if (in->flags & MK_MSG_KERNEL) {
                if (in->tag == MK_TAG_FAULT) {
                        out->tag = MK_FAULT_FAIL;
                        out->w[0] = MK_REASON_NOMAP;
                } else {
                        out->w[0] = (uint64_t)-ENOSYS;
                }
                return;
        }
        switch (in->tag) {
        case VFS_OPEN:
                r = ramfs_open(fs, badge, path, blen, in->w[0], &st);
                if (r >= 0) {
                        out->w[1] = st.inode;
                        out->w[2] = st.size;
                }
                break;
        case VFS_READ:
                if (in->w[1] > MK_MSG_BUF) {
                        r = -EINVAL;
                        break;
                }
                r = ramfs_read(fs, badge, in->w[0], out->buf, in->w[1], in->w[2]);
                if (r > 0)
                        out->len = (uint32_t)r;
                break;
        case VFS_WRITE:
                r = len_ok ? ramfs_write(fs, badge, in->w[0], in->buf, in->len, in->w[2]) : -EINVAL;
                break;
        case VFS_STAT:
                r = ramfs_fstat(fs, badge, in->w[0], &st);
                if (r == 0) {
                        r = (long)st.size;
                        out->w[1] = st.inode;
                        out->w[2] = st.mode;
                        out->w[3] = st.generation;
                }
                break;
        case VFS_TRUNCATE:
                r = ramfs_ftruncate(fs, badge, in->w[0], in->w[1]);
                break;
        case VFS_CLOSE:
                r = ramfs_close(fs, badge, in->w[0]);
                break;
        case VFS_SEEK:
                r = ramfs_seek(fs, badge, in->w[0], (int64_t)in->w[1], in->w[2]);
                break;
        case VFS_UNLINK:
                r = ramfs_unlink_path(fs, path, blen);
                break;
        case VFS_LIST:
                RAMFS_LOCK(fs);
                r = ramfs_list(fs, in->w[0]);
                if (r > 0) {
                        const struct vfs_inode *n = ramfs_inode(fs, (uint64_t)r);
                        size_t l = strnlen(n->name, VFS_NAME_MAX) + 1;
                        memcpy(out->buf, n->name, l - 1);
                        out->buf[l - 1] = 0;
                        out->len = (uint32_t)l;
                        out->w[1] = n->size;
                        out->w[2] = n->mode;
                        out->w[3] = n->generation;
                }
                RAMFS_UNLOCK(fs);
                break;
        default:
                r = -ENOSYS;
        }
        out->w[0] = (uint64_t)r;
}
