/* Patchable call sites: `call *bench_ops(%rip)` (6 bytes) in inline asm,
 * each recorded in section bench_sites with the form it should become.
 * A bench-local stand-in for the PVP_CALL site patcher to come: main()
 * patches them with the runtime writer before timing. Built with
 * -mno-red-zone, since the asm calls below gcc's view of the stack. */
#include "call.h"

/* A site: x in %rdi, result in %rax, every call-clobbered register clobbered. */
#define SITE(form, x) SITE_(form, x)      /* expands BENCH_FORM_* before # */
#define SITE_(form, x)                                                         \
    do {                                                                       \
        uint64_t r_;                                                           \
        __asm__ volatile("1: call *bench_ops(%%rip)\n"                         \
                         ".pushsection bench_sites, \"aw\"\n"                  \
                         ".balign 8\n .quad 1b\n .long 6, " #form "\n"         \
                         ".popsection"                                         \
                         : "=a"(r_), "+D"(x)                                   \
                         :                                                     \
                         : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11",      \
                           "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",     \
                           "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",   \
                           "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc"); \
        x = r_;                                                                \
    } while (0)

uint64_t loop_site_direct(uint64_t x, long n)
{
    for (long i = 0; i < n; i++) {
        SITE(BENCH_FORM_DIRECT, x);
    }
    return x;
}

uint64_t loop_site_inline(uint64_t x, long n)
{
    for (long i = 0; i < n; i++) {
        SITE(BENCH_FORM_INLINE, x);
    }
    return x;
}

/* The inline body of the operation for a site: %rdi in, %rax out. */
__asm__(".pushsection .rodata\n"
        ".globl bench_inline_step, bench_inline_step_end\n"
        "bench_inline_step: lea 1(%rdi,%rdi,2), %rax\n"
        "bench_inline_step_end:\n"
        ".popsection");
