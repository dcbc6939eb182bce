// SPDX-License-Identifier: MIT
// The "mkp-rec" line format (mk/pagerlib.h has the grammar). Formatting is
// here (portable, the target prints these lines); parsing is in replay.c,
// on the host.
#include "pagerlib_int.h"
#include <mk/pagerloop.h>
#include <stdarg.h>

static const char *const action_names[] = {"?", "map", "fail", "retry", "upgrade", "defer"};
#define NACTIONS (sizeof(action_names) / sizeof(action_names[0]))

const char *mkp_action_name(int action)
{
        return action > 0 && (unsigned)action < NACTIONS ? action_names[action] : "?";
}

const char *mkp_perms_name(uint64_t perms)
{
        static const char *const names[8] = {"---", "r--", "-w-", "rw-",
                                             "--x", "r-x", "-wx", "rwx"};
        return perms & ~(uint64_t)7 ? "bad" : names[perms];
}

int mkp_action_parse(const char *s)
{
        for (unsigned k = 1; k < NACTIONS; k++)
                if (!strcmp(s, action_names[k]))
                        return (int)k;
        return -1;
}

char *mkp_rec_format(const struct mkp_rec *r, char *buf, size_t len)
{
        char region[12] = "-";
        if (r->region != MKP_NO_REGION)
                mk_snprintf(region, sizeof(region), "%u", r->region);
        switch (r->type) {
        case MKP_REC_INIT:
                mk_snprintf(buf, len, "mkp-rec %s init %llu\n", r->name,
                            (unsigned long long)r->offset);
                break;
        case MKP_REC_ATTACH:
                mk_snprintf(buf, len, "mkp-rec %s attach %s 0x%llx\n", r->name, region,
                            (unsigned long long)r->offset);
                break;
        case MKP_REC_DETACH:
                mk_snprintf(buf, len, "mkp-rec %s detach %s\n", r->name, region);
                break;
        case MKP_REC_FAULT: {
                int n = mk_snprintf(buf, len, "mkp-rec %s fault %s 0x%llx %s %s %s %llu", r->name,
                                    region, (unsigned long long)r->offset,
                                    fault_access_name(r->access), fault_kind_name(r->kind),
                                    mkp_action_name(r->action), (unsigned long long)r->arg);
                for (unsigned k = 0; k < r->ngrants && n > 0 && (size_t)n < len; k++)
                        n += mk_snprintf(buf + n, len - (size_t)n, " 0x%llx:%s",
                                         (unsigned long long)r->grants[k].offset,
                                         mkp_perms_name(r->grants[k].perms));
                if (r->ids && n > 0 && (size_t)n < len)
                        n += mk_snprintf(buf + n, len - (size_t)n, " tid=%u pid=%u flags=0x%x",
                                         r->tid, r->pid, r->flags);
                if (n > 0 && (size_t)n + 1 < len)
                        mk_snprintf(buf + n, len - (size_t)n, "\n");
                break;
        }
        default:
                buf[0] = '\0';
        }
        return buf;
}

void mkp_rec_print(const struct mkp_rec *r)
{
        char line[MKP_REC_LINE_MAX];
        mk_printf("%s", mkp_rec_format(r, line, sizeof(line)));
}

void mkp_rec_printf(const char *name, const char *fmt, ...)
{
        char line[MKP_REC_LINE_MAX];
        int n = mk_snprintf(line, sizeof(line), "mkp-rec %s ", name);
        va_list ap;
        va_start(ap, fmt);
        if (n > 0 && (size_t)n < sizeof(line))
                mk_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
        va_end(ap);
        mk_printf("%s", line);
}

void mkp_rec_instance(char out[MKP_NAME_MAX], const char *name, long pid)
{
        char num[24];
        int k = mk_snprintf(num, sizeof(num), "@%ld", pid);
        size_t n = strlen(name);
        if (n + (size_t)k >= MKP_NAME_MAX)
                n = MKP_NAME_MAX - 1 - (size_t)k;
        memcpy(out, name, n);
        memcpy(out + n, num, (size_t)k + 1);
}
