// SPDX-License-Identifier: MIT
// riscv64 half of SMP (kernel/smp.h, docs/smp.md). The harts are the device
// tree's /cpus/cpu@N nodes (reg = hart id); the boot hart is the one OpenSBI
// entered (riscv_boot_hartid). The others wait in OpenSBI until SBI HSM
// hart_start sends them to riscv_secondary_entry (smp_entry.S) with the
// physical address of their struct cpu. this_cpu() is tp (arch/percpu.h).
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/dtb.h>
#include <kernel/kprintf.h>
#include <kernel/kvm.h>
#include <kernel/smp.h>
#include <arch/boot.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/regs.h>
#include <arch/sbi.h>
#include <common/string.h>
#include <mk/errno.h>

void riscv_secondary_entry(void); // smp_entry.S: physical entry of a started hart
NORETURN void riscv_secondary_main(struct cpu *c);

_Static_assert(__builtin_offsetof(struct cpu, stack_top) == CPU_STACK_TOP, "CPU_STACK_TOP");
_Static_assert(__builtin_offsetof(struct cpu, arch) == CPU_ARCH, "CPU_ARCH");

static bool have_hsm; // the firmware can start harts (SBI HSM)

// pause (Zihintpause): a FENCE hint, an ordinary fence where the extension is
// absent. Written as a word: clang 14's assembler does not know the mnemonic.
void arch_cpu_relax(void)
{
        __asm__ volatile(".4byte 0x0100000f" ::: "memory");
}

void arch_cpu_init(struct cpu *c)
{
        __asm__ volatile("mv tp, %0" ::"r"(c) : "memory");
}

struct cpu *arch_this_cpu(void)
{
        return riscv_cpu();
}

// The device tree's structure block, token by token (the kernel's reader,
// kernel/lib/dtb.c, answers path lookups only; /cpus has children of any
// name). Every read is bounded by the blocks dtb_open checked.
enum { FDT_BEGIN_NODE = 1, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 9, FDT_MAX_DEPTH = 16 };

struct fdt_tok {
        const char *name; // node or property name
        const uint8_t *val;
        uint32_t len;
};

// Reads the token at *pos and advances it; returns the token type, or 0 when
// the block is malformed.
static uint32_t fdt_next(const struct dtb *d, uint32_t *pos, struct fdt_tok *t)
{
        const uint8_t *s = d->blob + d->off_struct;
        uint32_t end = d->size_struct;
        if (end < 4 || *pos > end - 4)
                return 0;
        uint32_t type = dtb_be32(s + *pos);
        *pos += 4;
        switch (type) {
        case FDT_BEGIN_NODE: {
                t->name = (const char *)s + *pos;
                size_t l = strnlen(t->name, end - *pos);
                if (l == end - *pos)
                        return 0;
                *pos = ALIGN_UP(*pos + l + 1, 4);
                return type;
        }
        case FDT_PROP: {
                if (end - *pos < 8)
                        return 0;
                uint32_t len = dtb_be32(s + *pos), off = dtb_be32(s + *pos + 4);
                *pos += 8;
                if (len > end - *pos || off >= d->size_strings)
                        return 0;
                t->name = (const char *)d->blob + d->off_strings + off;
                if (strnlen(t->name, d->size_strings - off) == d->size_strings - off)
                        return 0;
                t->val = s + *pos;
                t->len = len;
                *pos = ALIGN_UP(*pos + len, 4);
                return type;
        }
        case FDT_END_NODE:
        case FDT_NOP:
        case FDT_END:
                return type;
        }
        return 0;
}

// Whether a property's (first) string is s.
static bool prop_is(const struct fdt_tok *t, const char *s)
{
        size_t n = strlen(s);
        return strnlen((const char *)t->val, t->len) == n && memcmp(t->val, s, n) == 0;
}

static char lower(char c)
{
        return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

// Whether riscv,isa names an RV64 hart with the kernel's base (rv64imac):
// the single-letter extensions up to the first multi-letter one.
static bool isa_ok(const struct fdt_tok *t)
{
        const char *v = (const char *)t->val;
        size_t n = strnlen(v, t->len);
        if (n < 4 || lower(v[0]) != 'r' || lower(v[1]) != 'v' || v[2] != '6' || v[3] != '4')
                return false;
        bool i = false, m = false, a = false, c = false;
        for (size_t k = 4; k < n; k++) {
                char ch = lower(v[k]);
                if (ch == '_' || ch == 'z' || ch == 's' || ch == 'x')
                        break;
                i |= ch == 'i' || ch == 'g';
                m |= ch == 'm' || ch == 'g';
                a |= ch == 'a' || ch == 'g';
                c |= ch == 'c';
        }
        return i && m && a && c;
}

// What one /cpus child said.
struct cpu_node {
        bool is_cpu; // device_type "cpu"
        bool has_reg;
        uint64_t reg;
        const char *why_not; // set when the hart cannot run this kernel
};

// Adds hart cn to hwid[0 .. *n) (at most max) unless it is no usable CPU.
static void cpu_node_done(const struct cpu_node *cn, uint64_t *hwid, unsigned max, unsigned *n,
                          unsigned *extra)
{
        if (!cn->is_cpu || !cn->has_reg)
                return; // cpu-map and the like
        if (cn->reg == riscv_boot_hartid)
                ; // running this kernel, whatever the DT says
        else if (cn->why_not) {
                kprintf("smp: hart 0x%llx left out: %s\n", (unsigned long long)cn->reg,
                        cn->why_not);
                return;
        }
        for (unsigned i = 0; i < *n; i++)
                if (hwid[i] == cn->reg)
                        return; // listed twice
        if (*n < max)
                hwid[(*n)++] = cn->reg;
        else
                (*extra)++;
}

// The harts of /cpus (at most max) into hwid; how many, or -1 if the structure
// block is malformed.
static int scan_cpus(const struct dtb *d, uint64_t *hwid, unsigned max, unsigned *extra)
{
        uint32_t pos = 0, depth = 0, ac = 1; // root = depth 1; /cpus #address-cells
        bool in_cpus = false;
        struct cpu_node cn = {0};
        struct fdt_tok t;
        unsigned n = 0;
        for (;;) {
                switch (fdt_next(d, &pos, &t)) {
                case FDT_BEGIN_NODE:
                        if (++depth > FDT_MAX_DEPTH)
                                return -1;
                        if (depth == 2) {
                                in_cpus = strcmp(t.name, "cpus") == 0;
                                ac = 1;
                        }
                        if (depth == 3)
                                cn = (struct cpu_node){0};
                        break;
                case FDT_END_NODE:
                        if (depth == 0)
                                return -1;
                        if (depth == 3 && in_cpus)
                                cpu_node_done(&cn, hwid, max, &n, extra);
                        depth--;
                        break;
                case FDT_PROP:
                        if (!in_cpus)
                                break;
                        if (depth == 2 && strcmp(t.name, "#address-cells") == 0)
                                ac = t.len == 4 ? dtb_be32(t.val) : 0;
                        if (depth != 3)
                                break;
                        if (strcmp(t.name, "device_type") == 0)
                                cn.is_cpu = prop_is(&t, "cpu");
                        else if (strcmp(t.name, "reg") == 0 && (ac == 1 || ac == 2) &&
                                 t.len >= 4 * ac) {
                                cn.has_reg = true;
                                cn.reg = dtb_be32(t.val);
                                if (ac == 2)
                                        cn.reg = cn.reg << 32 | dtb_be32(t.val + 4);
                        } else if (strcmp(t.name, "status") == 0 && !prop_is(&t, "okay") &&
                                   !prop_is(&t, "ok"))
                                cn.why_not = "status is not \"okay\"";
                        else if (strcmp(t.name, "mmu-type") == 0 && !prop_is(&t, "riscv,sv39") &&
                                 !prop_is(&t, "riscv,sv48") && !prop_is(&t, "riscv,sv57"))
                                cn.why_not = "no Sv39 MMU (mmu-type)";
                        else if (strcmp(t.name, "riscv,isa") == 0 && !isa_ok(&t))
                                cn.why_not = "not rv64imac (riscv,isa)";
                        break;
                case FDT_NOP:
                        break;
                case FDT_END:
                        return depth == 0 ? (int)n : -1;
                default:
                        return -1;
                }
        }
}

unsigned arch_smp_enumerate(const struct boot_info *bi, const void *dtb, uint64_t *hwid,
                            unsigned max, unsigned *boot)
{
        (void)bi;
        if (max == 0)
                return 0;
        have_hsm = sbi_probe_extension(SBI_EXT_HSM);
        unsigned n = 0, extra = 0;
        struct dtb d;
        const char *err;
        if (dtb && dtb_open(&d, dtb, DTB_MAX_SIZE, &err) == 0) {
                int r = scan_cpus(&d, hwid, max, &extra);
                if (r < 0)
                        kprintf("smp: malformed device tree: only the boot hart runs\n");
                n = r < 0 ? 0 : (unsigned)r;
        }
        // The boot hart is one of them, even if the DT forgot it.
        unsigned b = 0;
        while (b < n && hwid[b] != riscv_boot_hartid)
                b++;
        if (b == n) {
                if (n == max)
                        n--, extra++;
                hwid[n] = riscv_boot_hartid;
                b = n++;
        }
        *boot = b;
        if (extra)
                kprintf("smp: %u more hart%s than MAX_CPUS (%u) left stopped\n", extra,
                        extra == 1 ? "" : "s", max);
        if (n > 1 && !have_hsm)
                kprintf("smp: the firmware has no SBI HSM extension: no hart can be started\n");
        return n;
}

static const char *sbi_err_name(long e)
{
        switch (e) {
        case SBI_ERR_FAILED:
                return "failed";
        case SBI_ERR_NOT_SUPPORTED:
                return "not supported";
        case SBI_ERR_INVALID_PARAM:
                return "invalid hart id";
        case SBI_ERR_DENIED:
                return "denied";
        case SBI_ERR_INVALID_ADDRESS:
                return "invalid start address";
        case SBI_ERR_ALREADY_AVAILABLE:
        case SBI_ERR_ALREADY_STARTED:
                return "already started";
        default:
                return "unknown error";
        }
}

int arch_cpu_start(struct cpu *c)
{
        if (!have_hsm)
                return -ENOSYS;
        c->arch[RISCV_CPU_KSTACK] = 0;
        c->arch[RISCV_CPU_SATP] = SATP_MODE_SV39 | ((kernel_root >> PAGE_SHIFT) & SATP_PPN_MASK);
        // The hart reads *c with its MMU off once the firmware starts it.
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        long e = sbi_hart_start(c->hwid, virt_to_phys(riscv_secondary_entry), virt_to_phys(c));
        if (e == SBI_SUCCESS)
                return 0;
        kprintf("smp: SBI hart_start of hart 0x%llx: %s (%ld)\n", (unsigned long long)c->hwid,
                sbi_err_name(e), e);
        return e == SBI_ERR_ALREADY_AVAILABLE || e == SBI_ERR_ALREADY_STARTED ? -EBUSY
               : e == SBI_ERR_INVALID_PARAM                                   ? -EINVAL
                                                                              : -EIO;
}

// A started hart, on its stack with kernel_root and trap_entry as its vector
// (smp_entry.S).
NORETURN void riscv_secondary_main(struct cpu *c)
{
        arch_cpu_init(c);
        counters_init(); // scounteren is per hart
        smp_secondary_main(c);
}

// --- IPIs -------------------------------------------------------------------------
// The kernel's IPI is the supervisor software interrupt (sip.SSIP), raised
// on another hart by the firmware: SBI IPI send_ipi, or the legacy v0.1 call
// on a firmware without the IPI extension. trap.c takes it (riscv_ipi).

static enum { IPI_NONE, IPI_SBI, IPI_LEGACY } ipi_how; // set once, on the boot hart
static bool ipi_failed;                                // a send was refused (said once)

void arch_ipi_init(struct cpu *c)
{
        if (c->id == 0)
                ipi_how = sbi_probe_extension(SBI_EXT_IPI) ? IPI_SBI : IPI_LEGACY;
        csr_clear(sip, SIE_SSIE); // nothing old pending
        csr_set(sie, SIE_SSIE);   // the only interrupt a secondary hart takes
}

void arch_send_ipi(struct cpu *c)
{
        // The caller's writes (a cross-call's request, a test phase) before
        // the interrupt that makes c read them.
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        long e = SBI_ERR_NOT_SUPPORTED;
        if (ipi_how == IPI_SBI) {
                e = sbi_send_ipi(1, c->hwid);
        } else if (ipi_how == IPI_LEGACY && c->hwid < 64) {
                unsigned long mask = 1ul << c->hwid;
                e = sbi_legacy_send_ipi(&mask);
        }
        if (e != SBI_SUCCESS && !__atomic_exchange_n(&ipi_failed, true, __ATOMIC_RELAXED))
                kprintf("smp: SBI send_ipi to hart 0x%llx failed (%ld)\n",
                        (unsigned long long)c->hwid, e);
}

// The kernel's IPI, from trap_handler (interrupts masked): clears it before
// the handler looks for work, so that an IPI sent meanwhile stays pending.
void riscv_ipi(void)
{
        csr_clear(sip, SIE_SSIE);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        smp_ipi_handler();
}

void sbi_remote_fence_i_all(void)
{
        static int how; // 0: not probed yet, 1: RFENCE, 2: the v0.1 call
        if (!how)
                how = sbi_probe_extension(SBI_EXT_RFENCE) ? 1 : 2;
        if (how == 1) // (hart_mask_base -1: every hart)
                sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I, 0, -1, 0);
        else // (a NULL hart mask: every hart)
                sbi_call(SBI_EXT_LEGACY_FENCE_I, 0, 0, 0, 0);
}
