// SPDX-License-Identifier: MIT
// New threads and the kernel stack of the running one.
#include <kernel/arch.h>
#include <common/string.h>
#include <kernel/kprintf.h>
#include <arch/percpu.h>
#include <kernel/smp.h>
#include <arch/regs.h>
#include <arch/thread.h>
#include <arch/trap.h>

// Builds the first user frame of a thread at the top of its kernel stack:
// sret goes to U-mode (SPP clear) with interrupts on (SPIE), ip, sp and a0 =
// arg, every other register 0. The first arch_switch to *ctx runs
// thread_start on that frame.
struct trap_frame *arch_thread_init(struct arch_context *ctx, void *kstack_top, uint64_t ip,
                                    uint64_t sp, uint64_t arg)
{
        struct trap_frame *tf = (struct trap_frame *)((uintptr_t)kstack_top - TF_SIZE);

        memset(tf, 0, sizeof(*tf));
        tf->sepc = ip;
        tf->sp = sp;
        tf->a0 = arg;
        tf->sstatus = (csr_read(sstatus) & SSTATUS_UXL) | SSTATUS_SPIE;
        memset(ctx, 0, sizeof(*ctx));
        ctx->ra = (uint64_t)thread_start;
        ctx->sp = (uint64_t)tf;
        return tf;
}

// The next return to user mode on this hart puts kstack_top in sscratch: the
// next trap from user mode saves its frame just below it. Per hart (struct
// cpu, through tp): each runs its own thread.
void arch_set_kernel_stack(void *kstack_top)
{
        riscv_cpu()->arch[RISCV_CPU_KSTACK] = (uint64_t)kstack_top;
}

// A user frame must be the topmost thing on the kernel stack that the next
// user trap will use; otherwise that trap would overwrite live kernel data.
void trap_bad_kstack(const struct trap_frame *tf, uint64_t kstack_top)
{
        panic("riscv64: returning to user mode with the frame at %p, but the kernel stack top "
              "is 0x%lx (arch_set_kernel_stack not called for this thread?)",
              (const void *)tf, kstack_top);
}
