// SPDX-License-Identifier: MIT
// Host only: reading "mkp-rec" lines back (the grammar is in mk/pagerlib.h;
// record.c writes them). The library's replay (replay.c) and the system
// pager's (tests/host/fuzz/pager_replay.c) parse with it.
#include "pagerlib_int.h"
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_  512
#define REGION_MAX 0xffff // REGION in a line: the library's id, or the system pager's badge

static int word_index(const char *s, const char *(*name)(unsigned), unsigned n)
{
        for (unsigned k = 0; k < n; k++)
                if (!strcmp(s, name(k)))
                        return (int)k;
        return -1;
}

// Parses an unsigned number (0x: hex) that must fill the whole token.
static int number(const char *s, uint64_t *out)
{
        char *end;
        if (!s || !*s || *s == '-')
                return -1;
        *out = strtoull(s, &end, 0);
        return *end ? -1 : 0;
}

// "OFFSET:PERMS" (a grant of a fault line): 0, or -1.
static int grant_parse(char *s, struct mkp_rec_grant *g)
{
        char *colon = strchr(s, ':');
        if (!colon || strlen(colon + 1) != 3)
                return -1;
        *colon = '\0';
        uint32_t perms = 0;
        for (int k = 0; k < 3; k++) {
                if (colon[1 + k] == "rwx"[k])
                        perms |= 1u << k; // MK_PERM_R, _W, _X
                else if (colon[1 + k] != '-')
                        return -1;
        }
        g->perms = perms;
        return number(s, &g->offset);
}

int mkp_rec_parse(const char *line, struct mkp_rec *r)
{
        char buf[LINE_MAX_], *tok[13 + MK_MAX_GRANTS], *save = NULL;
        const char *p = strstr(line, "mkp-rec ");
        unsigned n = 0;
        uint64_t v;
        if (!p || strlen(p) >= sizeof(buf))
                return -1;
        memcpy(buf, p, strlen(p) + 1);
        for (char *t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
                if (n == sizeof(tok) / sizeof(tok[0]))
                        return -1;
                tok[n++] = t;
        }
        memset(r, 0, sizeof(*r));
        if (n < 3 || strlen(tok[1]) >= MKP_NAME_MAX)
                return -1;
        memcpy(r->name, tok[1], strlen(tok[1]) + 1);
        r->region = MKP_NO_REGION;
        if (!strcmp(tok[2], "init") && n == 4) {
                r->type = MKP_REC_INIT;
                return number(tok[3], &r->offset);
        }
        if (n < 4 || number(tok[3], &v) || v > REGION_MAX) {
                if (!(n >= 9 && !strcmp(tok[2], "fault") && !strcmp(tok[3], "-")))
                        return -1;
        } else {
                r->region = (uint32_t)v;
        }
        if (!strcmp(tok[2], "attach") && n == 5) {
                r->type = MKP_REC_ATTACH;
                return number(tok[4], &r->offset);
        }
        if (!strcmp(tok[2], "detach") && n == 4) {
                r->type = MKP_REC_DETACH;
                return 0;
        }
        if (strcmp(tok[2], "fault") || n < 9)
                return -1;
        int access = word_index(tok[5], fault_access_name, 3);
        int kind = word_index(tok[6], fault_kind_name, 3);
        r->type = MKP_REC_FAULT;
        r->action = mkp_action_parse(tok[7]);
        if (access < 0 || kind < 0 || r->action < 0 || number(tok[4], &r->offset) ||
            number(tok[8], &r->arg))
                return -1;
        r->access = (unsigned)access;
        r->kind = (unsigned)kind;
        // The system pager's attributes, last: tid=, pid=, flags=, all three.
        if (n >= 12 && !strncmp(tok[n - 3], "tid=", 4) && !strncmp(tok[n - 2], "pid=", 4) &&
            !strncmp(tok[n - 1], "flags=", 6)) {
                uint64_t tid, pid, flags;
                if (number(tok[n - 3] + 4, &tid) || number(tok[n - 2] + 4, &pid) ||
                    number(tok[n - 1] + 6, &flags) || tid > UINT32_MAX || pid > UINT32_MAX ||
                    flags > UINT32_MAX)
                        return -1;
                r->ids = true;
                r->tid = (uint32_t)tid;
                r->pid = (uint32_t)pid;
                r->flags = (uint32_t)flags;
                n -= 3;
        }
        // The grants (map, upgrade), all ARG of them, or none (older lines).
        bool grants = r->action == MKP_MAP || r->action == MKP_ACT_UPGRADE;
        if (n > 9 && (!grants || n - 9 != r->arg))
                return -1;
        for (unsigned k = 9; k < n; k++)
                if (grant_parse(tok[k], &r->grants[r->ngrants++]))
                        return -1;
        return 0;
}
