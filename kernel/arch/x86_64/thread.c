// SPDX-License-Identifier: MIT
// New threads and the per-CPU kernel stack. A thread's user trap frame sits
// at the top of its kernel stack, where every trap from user mode lands:
//
//   kstack_top  +------------------------+
//               | struct trap_frame      |  user registers (arch/trap.h)
//   ctx.rsp --> +------------------------+  first arch_switch: x86_thread_start
//               | kernel stack ...       |
#include <arch/cpu.h>
#include <arch/regs.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <common/string.h>
#include <kernel/kprintf.h>

// The SysV ABI wants rsp 16-byte aligned at each call.
#define STACK_ALIGN 16
_Static_assert(TF_SIZE % STACK_ALIGN == 0, "a trap frame keeps the stack aligned");

struct trap_frame *arch_thread_init(struct arch_context *ctx, void *kstack_top, uint64_t ip,
                                    uint64_t sp, uint64_t arg)
{
        if (!IS_ALIGNED((uint64_t)kstack_top, STACK_ALIGN))
                panic("x86_64: kernel stack top %p is not %d-byte aligned", kstack_top,
                      STACK_ALIGN);
        struct trap_frame *tf = (struct trap_frame *)kstack_top - 1;
        memset(tf, 0, sizeof(*tf));
        tf->rip = ip;
        tf->rsp = sp;
        tf->rdi = arg;
        tf->cs = X86_SEL_UCODE | X86_SEL_RPL_USER;
        tf->ss = X86_SEL_UDATA | X86_SEL_RPL_USER;
        tf->rflags = X86_RFLAGS_RESERVED | X86_RFLAGS_IF;

        memset(ctx, 0, sizeof(*ctx));
        ctx->rsp = (uint64_t)tf;
        ctx->rip = (uint64_t)x86_thread_start;
        ctx->rflags = X86_RFLAGS_RESERVED; // interrupts off in the kernel
        return tf;
}

void arch_set_kernel_stack(void *kstack_top)
{
        x86_cpu_set_kernel_stack((uint64_t)kstack_top);
}
