// SPDX-License-Identifier: MIT
// aarch64 SMP (docs/smp.md): the CPUs are the device tree's /cpus/cpu@N
// nodes, started with PSCI CPU_ON (hvc or smc, as /psci says) at
// secondary_entry (smp_entry.S). TPIDR_EL1 holds each CPU's struct cpu.
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/memlayout.h>
#include <arch/regs.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/dtb.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/smp.h>
#include <arch/boot.h>
#include <common/string.h>
#include <mk/errno.h>

_Static_assert(__builtin_offsetof(struct cpu, self) == CPU_OFF_SELF, "arch/smp.h");
_Static_assert(__builtin_offsetof(struct cpu, stack_top) == CPU_OFF_STACK_TOP, "arch/smp.h");
_Static_assert(__builtin_offsetof(struct cpu, arch) == CPU_OFF_ARCH, "arch/smp.h");
_Static_assert(ACPU_TTBR1 < sizeof(((struct cpu *)0)->arch) / 8, "arch/smp.h");
_Static_assert(ACPU_GIC_MASK < sizeof(((struct cpu *)0)->arch) / 8, "arch/smp.h");

void arch_cpu_relax(void)
{
        __asm__ volatile("yield" ::: "memory");
}

// The PSCI CPU_ON function id (0: no usable PSCI, why says what), and the
// conduit. Set by arch_smp_enumerate, before any other CPU runs.
static uint32_t psci_cpu_on;
static bool psci_smc;
static const char *psci_why = "no device tree";

// Whether property value v (len bytes) is the string s.
static bool prop_is(const void *v, uint32_t len, const char *s)
{
        size_t l = strlen(s);
        return len == l + 1 && memcmp(v, s, l + 1) == 0;
}

// Whether the string list v (len bytes, e.g. compatible) holds s.
static bool strlist_has(const char *v, uint32_t len, const char *s)
{
        for (uint32_t o = 0; o < len;) {
                size_t l = strnlen(v + o, len - o);
                if (l == len - o)
                        return false; // not terminated
                if (strcmp(v + o, s) == 0)
                        return true;
                o += l + 1;
        }
        return false;
}

// /psci: method "hvc" or "smc"; PSCI 0.2 or later has the standard CPU_ON
// id, PSCI 0.1 names it in its cpu_on property.
static void psci_probe(const struct dtb *d)
{
        const void *v;
        uint32_t len;
        psci_cpu_on = 0;
        if (dtb_find_prop(d, "/psci", "method", &v, &len)) {
                psci_why = "the device tree has no /psci method";
                return;
        }
        if (prop_is(v, len, "smc"))
                psci_smc = true;
        else if (prop_is(v, len, "hvc"))
                psci_smc = false;
        else {
                psci_why = "/psci method is neither \"hvc\" nor \"smc\"";
                return;
        }
        if (dtb_find_prop(d, "/psci", "compatible", &v, &len)) {
                psci_why = "/psci has no compatible";
                return;
        }
        if (strlist_has(v, len, "arm,psci-1.0") || strlist_has(v, len, "arm,psci-0.2")) {
                psci_cpu_on = PSCI_0_2_FN64_CPU_ON;
                return;
        }
        if (!strlist_has(v, len, "arm,psci")) {
                psci_why = "/psci is not compatible with arm,psci, -0.2 or -1.0";
                return;
        }
        if (dtb_find_prop(d, "/psci", "cpu_on", &v, &len) || len != 4 || !dtb_be32(v)) {
                psci_why = "PSCI 0.1 without a cpu_on function id";
                return;
        }
        psci_cpu_on = dtb_be32(v);
}

// A bounded walk of the structure block (the DTB reader's API finds one
// property by path; /cpus needs its children). dtb_open checked the blocks.
enum { FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9 };
enum { FDT_MAX_DEPTH = 16 };

struct fdt_tok {
        uint32_t type;
        const char *name; // node or property name
        const uint8_t *val;
        uint32_t len;
};

// The token at *pos; advances *pos. False when it is malformed.
static bool fdt_next(const struct dtb *d, uint32_t *pos, struct fdt_tok *t)
{
        const uint8_t *s = d->blob + d->off_struct;
        uint32_t end = d->size_struct; // a multiple of 4 (dtb_open)
        if (end < 4 || *pos > end - 4)
                return false;
        t->type = dtb_be32(s + *pos);
        *pos += 4;
        switch (t->type) {
        case FDT_BEGIN_NODE: {
                t->name = (const char *)s + *pos;
                uint32_t l = strnlen(t->name, end - *pos);
                if (l == end - *pos)
                        return false;
                *pos = ALIGN_UP(*pos + l + 1, 4);
                return true;
        }
        case FDT_PROP: {
                if (end - *pos < 8)
                        return false;
                uint32_t len = dtb_be32(s + *pos), nameoff = dtb_be32(s + *pos + 4);
                *pos += 8;
                if (len > end - *pos || nameoff >= d->size_strings)
                        return false;
                t->name = (const char *)d->blob + d->off_strings + nameoff;
                if (strnlen(t->name, d->size_strings - nameoff) == d->size_strings - nameoff)
                        return false;
                t->val = s + *pos;
                t->len = len;
                *pos = ALIGN_UP(*pos + len, 4);
                return true;
        }
        case FDT_END_NODE:
        case FDT_NOP:
        case FDT_END:
                return true;
        }
        return false;
}

// What one /cpus child said.
struct cpu_node {
        bool is_cpu;   // device_type = "cpu"
        bool disabled; // status other than "okay"/"ok"
        bool bad_method;
        const uint8_t *reg;
        uint32_t reg_len;
};

// The CPUs found so far (at most max, one slot kept for the boot CPU until it
// is found).
struct cpu_list {
        uint64_t *hwid;
        unsigned max, n, boot, dropped;
        bool have_boot;
        uint64_t me; // the boot CPU's MPIDR affinity
};

static void cpu_add(struct cpu_list *l, const struct cpu_node *c, uint32_t ac, const char *name)
{
        if (!c->is_cpu || c->disabled)
                return;
        if (!c->reg || c->reg_len != 4 * ac) {
                kprintf("smp: %s: reg is not one %u-cell MPIDR value; skipped\n", name, ac);
                return;
        }
        uint64_t id =
            ac == 2 ? (uint64_t)dtb_be32(c->reg) << 32 | dtb_be32(c->reg + 4) : dtb_be32(c->reg);
        if (id & ~MPIDR_HWID_MASK) {
                kprintf("smp: %s: reg 0x%llx has bits outside MPIDR's affinity; skipped\n", name,
                        (unsigned long long)id);
                return;
        }
        if (c->bad_method && id != l->me) {
                kprintf("smp: %s: enable-method is not \"psci\"; skipped\n", name);
                return;
        }
        for (unsigned i = 0; i < l->n; i++)
                if (l->hwid[i] == id) {
                        kprintf("smp: %s: MPIDR 0x%llx listed twice; skipped\n", name,
                                (unsigned long long)id);
                        return;
                }
        bool boot = id == l->me;
        if (!boot && l->n + !l->have_boot >= l->max) {
                l->dropped++;
                return;
        }
        if (boot) {
                l->have_boot = true;
                l->boot = l->n;
        }
        l->hwid[l->n++] = id;
}

// Walks /cpus into l. False when the structure block is malformed.
static bool cpus_scan(const struct dtb *d, struct cpu_list *l)
{
        uint32_t pos = 0, ac = 0;
        int depth = 0;
        bool in_cpus = false;
        struct cpu_node node;
        const char *node_name = "";
        struct fdt_tok t;
        for (;;) {
                if (!fdt_next(d, &pos, &t))
                        return false;
                switch (t.type) {
                case FDT_BEGIN_NODE:
                        if (++depth > FDT_MAX_DEPTH)
                                return false;
                        if (depth == 2)
                                in_cpus = strcmp(t.name, "cpus") == 0;
                        if (in_cpus && depth == 3) {
                                memset(&node, 0, sizeof(node));
                                node_name = t.name;
                        }
                        break;
                case FDT_PROP:
                        if (in_cpus && depth == 2 && strcmp(t.name, "#address-cells") == 0)
                                ac = t.len == 4 ? dtb_be32(t.val) : 0;
                        if (!in_cpus || depth != 3)
                                break;
                        if (strcmp(t.name, "device_type") == 0)
                                node.is_cpu = prop_is(t.val, t.len, "cpu");
                        else if (strcmp(t.name, "status") == 0)
                                node.disabled =
                                    !prop_is(t.val, t.len, "okay") && !prop_is(t.val, t.len, "ok");
                        else if (strcmp(t.name, "enable-method") == 0)
                                node.bad_method = !strlist_has((const char *)t.val, t.len, "psci");
                        else if (strcmp(t.name, "reg") == 0) {
                                node.reg = t.val;
                                node.reg_len = t.len;
                        }
                        break;
                case FDT_END_NODE:
                        if (depth == 0)
                                return false;
                        if (in_cpus && depth == 3) {
                                if (node.is_cpu && ac != 1 && ac != 2) {
                                        kprintf("smp: /cpus #address-cells is %u, not 1 or 2\n",
                                                ac);
                                        return false;
                                }
                                cpu_add(l, &node, ac, node_name);
                        }
                        if (in_cpus && depth == 2)
                                return true; // /cpus ends: the rest is not ours
                        depth--;
                        break;
                case FDT_END:
                        return depth == 0;
                }
        }
}

unsigned arch_smp_enumerate(const struct boot_info *bi, const void *dtb, uint64_t *hwid,
                            unsigned max, unsigned *boot)
{
        (void)bi;
        struct dtb d;
        const char *err;
        uint64_t me = read_mpidr_el1() & MPIDR_HWID_MASK;
        *boot = 0;
        if (max == 0)
                return 0;
        hwid[0] = me;
        if (!dtb || dtb_open(&d, dtb, DTB_MAX_SIZE, &err))
                return 1; // no device tree: the boot CPU alone (kmain said why)
        psci_probe(&d);
        struct cpu_list l = {.hwid = hwid, .max = max, .me = me};
        if (!cpus_scan(&d, &l)) {
                kprintf("smp: malformed /cpus in the device tree; the boot CPU only\n");
                hwid[0] = me;
                return 1;
        }
        if (!l.have_boot) {
                kprintf("smp: the boot CPU (MPIDR 0x%llx) is not in /cpus; it runs alone\n",
                        (unsigned long long)me);
                hwid[0] = me;
                return 1;
        }
        if (l.dropped)
                kprintf("smp: %u CPU%s beyond the first %u left off\n", l.dropped,
                        l.dropped == 1 ? "" : "s", max);
        *boot = l.boot;
        return l.n;
}

static const char *psci_err_name(int32_t r)
{
        static const char *const names[] = {
            "NOT_SUPPORTED",    "INVALID_PARAMETERS", "DENIED",   "ALREADY_ON",      "ON_PENDING",
            "INTERNAL_FAILURE", "NOT_PRESENT",        "DISABLED", "INVALID_ADDRESS",
        };
        return r <= -1 && r >= -(int32_t)ARRAY_SIZE(names) ? names[-r - 1] : "unknown error";
}

static int psci_errno(int32_t r)
{
        switch (r) {
        case PSCI_NOT_SUPPORTED:
                return -ENOSYS;
        case PSCI_INVALID_PARAMETERS:
                return -EINVAL;
        case PSCI_DENIED:
                return -EACCES;
        case PSCI_ALREADY_ON:
        case PSCI_ON_PENDING:
                return -EBUSY;
        case PSCI_NOT_PRESENT:
        case PSCI_DISABLED:
                return -ENODEV;
        case PSCI_INVALID_ADDRESS:
                return -EFAULT;
        }
        return -EIO;
}

// Writes the lines of [p, p + n) back to memory (the point of coherency):
// the started CPU reads them with its MMU off, past every cache.
static void clean_to_poc(const void *p, size_t n)
{
        uint64_t ctr;
        __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
        uint64_t line = 4ull << ((ctr >> CTR_DMINLINE_SHIFT) & 0xf);
        uint64_t a = (uint64_t)p & ~(line - 1);
        for (; a < (uint64_t)p + n; a += line)
                __asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
        dsb_sy();
}

int arch_cpu_start(struct cpu *c)
{
        if (!psci_cpu_on) {
                kprintf("smp: cpu %u: cannot start it: %s\n", c->id, psci_why);
                return -ENODEV;
        }
        c->arch[ACPU_TTBR1] = kernel_root;
        clean_to_poc(c, sizeof(*c));
        int32_t r =
            (int32_t)psci_call(psci_cpu_on, c->hwid, arch_kimage_to_phys((vaddr_t)secondary_entry),
                               arch_kimage_to_phys((vaddr_t)c), psci_smc);
        if (r == PSCI_SUCCESS)
                return 0;
        kprintf("smp: cpu %u: PSCI CPU_ON (%s) refused: %s (%d)\n", c->id, psci_smc ? "smc" : "hvc",
                psci_err_name(r), r);
        return psci_errno(r);
}

bool psci_undefined(struct trap_frame *tf)
{
        if (tf->elr != (uint64_t)psci_hvc_insn && tf->elr != (uint64_t)psci_smc_insn)
                return false;
        tf->x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
        tf->elr += 4;
        return true;
}

// The kernel's IPI is SGI GIC_SGI_IPI, group 0 like everything else. On c
// itself: a secondary's banked interrupts masked and its CPU interface on
// (the boot CPU's gic_init did both), the SGI enabled at the default
// priority (above the priority mask), and c's interface bit recorded for
// the senders: it is GICD_ITARGETSR0's byte as c reads it, not c's index.
void arch_ipi_init(struct cpu *c)
{
        if (c != &cpus[0])
                gic_init_secondary();
        c->arch[ACPU_GIC_MASK] = gic_cpu_mask();
        gic_enable_irq(GIC_SGI_IPI);
}

// An SGI to c's interface alone (no-op before c's arch_ipi_init has run:
// an empty target list reaches nobody).
void arch_send_ipi(struct cpu *c)
{
        gic_send_sgi((uint32_t)__atomic_load_n(&c->arch[ACPU_GIC_MASK], __ATOMIC_RELAXED),
                     GIC_SGI_IPI);
}

// smp_entry.S, on c's stack with the kernel's tables and vectors.
NORETURN void secondary_main(struct cpu *c);
NORETURN void secondary_main(struct cpu *c)
{
        arch_cpu_init(c);
        counters_init(); // the timer and cycle counter user mode reads are per CPU
        smp_secondary_main(c);
}
