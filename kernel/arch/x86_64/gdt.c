// SPDX-License-Identifier: MIT
// GDT, TSS and the per-CPU block of each CPU (layout in arch/cpu.h). In
// 64-bit mode segments are flat; what matters is the code segments' L bit
// and DPL, the TSS (RSP0 and the IST stacks), and GS_BASE -> struct x86_cpu.
// Every CPU has its own GDT: LTR marks the TSS descriptor busy, and each
// descriptor points at its CPU's TSS.
#include <arch/cpu.h>
#include <arch/regs.h>
#include <arch/trap.h>
#include <kernel/smp.h>

// Segment descriptor bits (SDM 3.4.5).
#define SEG_LIMIT_LOW  0xffffull             // limit 15:0
#define SEG_LIMIT_HIGH (0xfull << 48)        // limit 19:16
#define SEG_ACCESSED   (1ull << 40)          // preset so the CPU never writes the GDT
#define SEG_RW         (1ull << 41)          // readable code / writable data
#define SEG_CODE       (1ull << 43)          // executable
#define SEG_S          (1ull << 44)          // code or data (not a system segment)
#define SEG_DPL(d)     ((uint64_t)(d) << 45) // descriptor privilege level
#define SEG_P          (1ull << 47)          // present
#define SEG_L          (1ull << 53)          // 64-bit code
#define SEG_DB         (1ull << 54)          // 32-bit default operand size (data: big)
#define SEG_G          (1ull << 55)          // limit in 4 KiB units
#define SEG_FLAT       (SEG_LIMIT_LOW | SEG_LIMIT_HIGH | SEG_G | SEG_P | SEG_S | SEG_ACCESSED)

#define SEG_CODE64(dpl) (SEG_FLAT | SEG_CODE | SEG_RW | SEG_L | SEG_DPL(dpl))
#define SEG_DATA(dpl)   (SEG_FLAT | SEG_RW | SEG_DB | SEG_DPL(dpl))

// 64-bit TSS descriptor (system segment, two GDT slots; SDM 8.2.3): the base
// is split into bits 23:0 at 39:16 and 31:24 at 63:56, bits 63:32 fill the
// second slot.
#define SYS_TYPE_TSS64       (0x9ull << 40) // available 64-bit TSS
#define DESC_LIMIT_LOW_MASK  0xffffull
#define DESC_BASE_LOW_MASK   0xffffffull
#define DESC_BASE_LOW_SHIFT  16
#define DESC_BASE_MID_SHIFT  24 // base bits 31:24 ...
#define DESC_BASE_MID_MASK   0xffull
#define DESC_BASE_MID_POS    56 // ... go to descriptor bits 63:56
#define DESC_BASE_HIGH_SHIFT 32

#define IST_STACK_SIZE KiB(16)

struct x86_cpu x86_cpus[MAX_CPUS];
static uint64_t gdts[MAX_CPUS][X86_GDT_ENTRIES] __attribute__((aligned(16)));
// The boot CPU's; the others' are kernel stacks (kernel/arch/x86_64/smp.c).
static uint8_t ist_stacks[X86_IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));

// Fills the two slots of the TSS descriptor for `tss`.
static void gdt_set_tss(uint64_t *gdt, unsigned sel, const struct x86_tss *tss)
{
        uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
        unsigned slot = sel / sizeof(gdt[0]);
        gdt[slot] = (limit & DESC_LIMIT_LOW_MASK) |
                    ((base & DESC_BASE_LOW_MASK) << DESC_BASE_LOW_SHIFT) | SYS_TYPE_TSS64 | SEG_P |
                    (((base >> DESC_BASE_MID_SHIFT) & DESC_BASE_MID_MASK) << DESC_BASE_MID_POS);
        gdt[slot + 1] = base >> DESC_BASE_HIGH_SHIFT;
}

// Reloads CS with a far return, then the data segments; FS/GS get the null
// selector (their bases come from MSRs in 64-bit mode).
static void load_segments(void)
{
        uint64_t tmp;
        __asm__ volatile("pushq %[cs]\n\t"
                         "leaq 1f(%%rip), %[tmp]\n\t"
                         "pushq %[tmp]\n\t"
                         "lretq\n"
                         "1:\n\t"
                         "movl %[ds], %k[tmp]\n\t"
                         "movl %k[tmp], %%ds\n\t"
                         "movl %k[tmp], %%es\n\t"
                         "movl %k[tmp], %%ss\n\t"
                         "xorl %k[tmp], %k[tmp]\n\t"
                         "movl %k[tmp], %%fs\n\t"
                         "movl %k[tmp], %%gs"
                         : [tmp] "=&r"(tmp)
                         : [cs] "i"(X86_SEL_KCODE), [ds] "i"(X86_SEL_KDATA)
                         : "memory");
}

void x86_cpu_setup(unsigned id, const uint64_t *ist_top, uint64_t kstack_top)
{
        struct x86_cpu *c = &x86_cpus[id];
        uint64_t *gdt = gdts[id];
        c->self = c;
        c->id = id;
        c->cpu = &cpus[id]; // this_cpu() (arch/percpu.h)
        c->tss.iomap_base = sizeof(c->tss);
        for (unsigned i = 0; i < X86_IST_COUNT; i++)
                c->tss.ist[i] = ist_top[i];

        gdt[X86_SEL_KCODE / sizeof(gdt[0])] = SEG_CODE64(0);
        gdt[X86_SEL_KDATA / sizeof(gdt[0])] = SEG_DATA(0);
        gdt[X86_SEL_UCODE32 / sizeof(gdt[0])] = 0; // SYSRET to 32-bit code is never used
        gdt[X86_SEL_UDATA / sizeof(gdt[0])] = SEG_DATA(X86_SEL_RPL_USER);
        gdt[X86_SEL_UCODE / sizeof(gdt[0])] = SEG_CODE64(X86_SEL_RPL_USER);
        gdt_set_tss(gdt, X86_SEL_TSS, &c->tss);

        struct x86_dtr d = {sizeof(gdts[id]) - 1, (uint64_t)gdt};
        lgdt(&d);
        load_segments();
        ltr(X86_SEL_TSS);
        wrmsr(X86_MSR_GS_BASE, (uint64_t)c);
        wrmsr(X86_MSR_KERNEL_GS_BASE, 0);
        c->kernel_rsp = kstack_top;
        c->tss.rsp[0] = kstack_top;
        // SYSCALL loads CS = KCODE, SS = KDATA; SYSRET loads SS = UCODE32 + 8 =
        // UDATA and CS = UCODE32 + 16 = UCODE, both with RPL 3. LSTAR and
        // EFER.SCE are set when the syscall entry exists.
        wrmsr(X86_MSR_STAR,
              ((uint64_t)X86_SEL_KCODE << X86_STAR_SYSCALL_SHIFT) |
                  ((uint64_t)(X86_SEL_UCODE32 | X86_SEL_RPL_USER) << X86_STAR_SYSRET_SHIFT));
}

void x86_gdt_init(void)
{
        uint64_t ist_top[X86_IST_COUNT];
        for (unsigned i = 0; i < X86_IST_COUNT; i++)
                ist_top[i] = (uint64_t)(ist_stacks[i] + IST_STACK_SIZE);
        x86_cpu_setup(0, ist_top, (uint64_t)x86_boot_stack_top);
}

// The running CPU's block: the next trap or SYSCALL from user mode here
// lands at the top of this thread's kernel stack.
void x86_cpu_set_kernel_stack(uint64_t top)
{
        X86_THIS_CPU->kernel_rsp = top;
        X86_THIS_CPU->tss.rsp[0] = top;
}
