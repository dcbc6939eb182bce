// SPDX-License-Identifier: MIT
// elfmaps [--allow-wx] FILE [ARG...] (run through tools/elfmaps): the region
// map the pager builds for an executable, in the /proc/PID/maps shape, then
// the entry point, the initial sp and the program break. It runs the pager's
// own exec_build and region_format on the host, for the ELF's own machine,
// with argv = FILE ARG..., an empty environment and the two auxv entries the
// pager adds (AT_MK_PAGER_EP, AT_MK_VFS_EP).
#include "../../../servers/pager/exec.h"
#include <common/elf.h>
#include <mk/pager.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_OFFSET    18 // e_machine in the ELF header
#define ELFMAPS_LINE 256
#define ARGV_MAX     256
#define AUX_PAGER    1 // placeholder handle values: the pager's are per process
#define AUX_VFS      2

// Reads the whole file; returns its bytes (malloc'd) and size, or NULL.
static uint8_t *read_file(const char *path, uint64_t *size)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        uint8_t *buf = NULL;
        size_t n = 0, cap = 0, got;
        do {
                if (n == cap) {
                        cap = cap ? 2 * cap : 65536;
                        buf = realloc(buf, cap);
                }
                got = fread(buf + n, 1, cap - n, f);
                n += got;
        } while (got > 0);
        fclose(f);
        *size = n;
        return buf;
}

// The last path component.
static const char *base_name(const char *path)
{
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

int main(int argc, char **argv)
{
        bool allow_wx = false;
        int first = 1;
        if (argc > 1 && strcmp(argv[1], "--allow-wx") == 0) {
                allow_wx = true;
                first = 2;
        }
        if (argc <= first || argc - first >= ARGV_MAX) {
                fprintf(stderr, "usage: elfmaps [--allow-wx] FILE [ARG...]\n");
                return 2;
        }
        const char *path = argv[first];
        uint64_t size;
        uint8_t *image = read_file(path, &size);
        if (!image) {
                perror(path);
                return 1;
        }
        uint16_t machine = 0;
        if (size >= EM_OFFSET + sizeof(machine))
                memcpy(&machine, image + EM_OFFSET, sizeof(machine));
        const char *args[ARGV_MAX];
        int n = 0;
        for (int i = first; i < argc; i++)
                args[n++] = argv[i];
        args[n] = NULL;
        static const char *const envp[] = {NULL};
        static const struct exec_aux aux[] = {
            {AT_MK_PAGER_EP, AUX_PAGER}, {AT_MK_VFS_EP, AUX_VFS}, {AT_NULL, 0}};
        static struct exec_layout lay;
        const char *err = "";
        int rc = exec_build(&lay, image, size, machine, allow_wx, base_name(path), args, envp, aux,
                            &err);
        if (rc < 0) {
                fprintf(stderr, "elfmaps: %s: %s\n", path, err);
                free(image);
                return 1;
        }
        char line[ELFMAPS_LINE];
        for (int i = 0; i < lay.nregions; i++) {
                region_format(&lay.regions[i], line, sizeof(line));
                printf("%s\n", line);
        }
        printf("entry %#llx\n", (unsigned long long)lay.entry);
        printf("sp    %#llx\n", (unsigned long long)lay.sp);
        printf("brk   %#llx\n", (unsigned long long)lay.brk);
        free(image);
        return 0;
}
