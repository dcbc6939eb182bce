// SPDX-License-Identifier: MIT
// New threads and the per-CPU kernel stack. A thread starts as a kernel
// context whose first arch_switch lands in thread_start (switch.S) with sp at
// a user trap frame on top of its kernel stack; restoring that frame is the
// thread's first return to EL0.
#include <arch/cpu.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <common/string.h>

// PSTATE of a new user thread: EL0 on SP_EL0, all of D, A, I, F unmasked.
#define SPSR_USER_INITIAL SPSR_MODE_EL0T

extern char thread_start[]; // switch.S

struct trap_frame *arch_thread_init(struct arch_context *ctx, void *kstack_top, uint64_t ip,
                                    uint64_t sp, uint64_t arg)
{
        struct trap_frame *tf = (struct trap_frame *)kstack_top - 1;
        memset(tf, 0, sizeof(*tf));
        tf->x[0] = arg;
        tf->sp_el0 = sp;
        tf->elr = ip;
        tf->spsr = SPSR_USER_INITIAL;

        memset(ctx, 0, sizeof(*ctx)); // fp = 0 ends the frame-pointer chain
        ctx->lr = (uint64_t)thread_start;
        ctx->sp = (uint64_t)tf;
        return tf;
}

// SP_EL1 is already the thread's stack when it erets to EL0 (its frame sits
// at the top, so the next trap from EL0 lands there): only record the value.
void arch_set_kernel_stack(void *kstack_top)
{
        arch_cpu_words()[ACPU_KSTACK_TOP] = (uint64_t)kstack_top;
}
