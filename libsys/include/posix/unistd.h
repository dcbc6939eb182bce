// SPDX-License-Identifier: MIT
// Process, heap and file calls for programs on mk (libsys/src/posix*.c).
// fork, _exit, getpid, brk and sbrk go to the system pager; read, write,
// close, lseek, ftruncate and unlink to the VFS server (mk/file.h); file
// descriptors 0-2 are the console.
#pragma once
#include <sys/types.h>

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define _SC_PAGESIZE  30 // Linux's number
#define _SC_PAGE_SIZE _SC_PAGESIZE

pid_t fork(void);
// mk's own: starts the boot-image program `path` with argv (argv[0] is
// replaced by path) and the caller's environment; returns the child's pid,
// or -1 and errno (ENOENT: no such program).
pid_t spawn(const char *path, char *const argv[]);
__attribute__((noreturn)) void _exit(int status);
extern char **environ;
pid_t getpid(void);
int brk(void *addr);
void *sbrk(long increment);

ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
ssize_t pread(int fd, void *buf, size_t len, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off);
int close(int fd);
off_t lseek(int fd, off_t off, int whence);
int ftruncate(int fd, off_t len);
int unlink(const char *path);

long sysconf(int name);
int getpagesize(void);
int fsync(int fd); // file data is in the VFS's memory: 0 for an open file
// One user: always 0.
typedef unsigned int uid_t;
uid_t getuid(void);
uid_t geteuid(void);
