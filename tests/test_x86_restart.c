/* pvp_x86_restartable against the CPU. src/runtime/live.c moves a thread it
 * finds inside a site back to the site's start; that must give what one
 * uninterrupted run gives. Here the CPU runs each snippet once, then again
 * stopped by the trap flag after each of its instructions in turn and sent
 * back to its start from the SIGTRAP handler, exactly as the runtime does:
 * for every snippet the analysis accepts, every such run computes the same
 * result and leaves memory the same; for the ones it refuses, the reason
 * and the offending instruction are the expected ones, and where the effect
 * can be seen, some stop gives a different result (the refusal is needed). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define PAGE 4096
#define TF   0x100

/* What the SIGTRAP handler does: count the stops inside [start, end), and
 * at stop number `stop_at` send the thread back to `start`. */
static struct {
    uintptr_t start, end;
    unsigned stop_at, stops;
} trace;

static void on_step(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si;
    ucontext_t *uc = ctx;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (rip <= trace.start || rip >= trace.end)
        return;
    if (++trace.stops == trace.stop_at) {
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)trace.start;
        uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)TF;
    }
}

/* Call code at p as f(a, b, mem) with the trap flag set. */
static long traced(const void *p, long a, long b, long *mem)
{
    register long rdi __asm__("rdi") = a, rsi __asm__("rsi") = b, rdx __asm__("rdx") = (long)mem;
    long r;
    __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"          /* keep off this function's red zone */
                     "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                     "call *%[p]\n\t"
                     "pushfq\n\tandq $-0x101, (%%rsp)\n\tpopfq\n\t"
                     "lea 128(%%rsp), %%rsp"
                     : "=a"(r), "+r"(rdi), "+r"(rsi), "+r"(rdx)
                     : [p] "r"(p)
                     : "rcx", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0", "xmm1");
    return r;
}

typedef struct snippet {
    const char *code;
    const char *why;        /* NULL: restartable; else the reason's words */
    size_t bad;             /* the offending instruction's offset */
    int observable;         /* refused, and some stop changes the outcome */
} snippet;

static const snippet snippets[] = {
    { "mov %rdi, %rax; add %rax, %rax; add %rsi, %rax; add $1, %rax", NULL, 0, 0 },
    { "mov %rdi, %rax; cmp %rsi, %rdi; jbe 1f; mov %rsi, %rax; 1:", NULL, 0, 0 },
    { "xor %eax, %eax; add %rdi, %rax; imul %rsi, %rax", NULL, 0, 0 },
    { "mov %rdi, %rcx; shr $7, %rcx; mov %rcx, %rax; xor %rdi, %rax", NULL, 0, 0 },
    { "mov %rdi, %rax; add %rsi, %rax; incq (%rdx)", NULL, 0, 0 },
    { ".nops 10; lea 1(%rdi,%rsi,2), %rax", NULL, 0, 0 },
    { "nopl (%rax); nopw 0(%rax,%rax); mov %rdi, %rax; add %rsi, %rax", NULL, 0, 0 },
    { "jmp 1f; int3; int3; int3; 1: lea (%rdi,%rsi), %rax; sub %rdi, %rax", NULL, 0, 0 },
    { "vmovq %rdi, %xmm0; vpaddq %xmm0, %xmm0, %xmm0; vmovq %xmm0, %rax; add %rsi, %rax", NULL, 0, 0 },
    { "add %rsi, %rdi; mov %rdi, %rax", "writes a register it reads first", 0, 1 },
    { "mov %rdi, %rax; add $1, %rdi; add %rdi, %rax", "writes a register it reads first", 3, 1 },
    { "incq (%rdx); mov %rdi, %rax", "acts on memory", 0, 1 },
    { "mov %rdi, %rax; push %rsi; pop %rsi", "acts on memory", 3, 0 },
    { "mov %rdi, %rax; call *%rcx; add $1, %rax", "call returns into the middle", 3, 0 },
    { "mov %rsi, %rax; 1: add %rdi, %rax; dec %rsi; jnz 1b", "backwards", 9, 0 },
    { "cmc; mov $0, %eax; adc $0, %eax", "writes a flag it reads first", 0, 0 },
    { "syscall; mov %rdi, %rax", "acts on memory or the system", 0, 0 },
};

static const long inputs[][2] = { { 0, 0 }, { 1, 2 }, { 5, 3 }, { -1, 7 }, { 0x123456789, 77 } };

/* One run, stopped and restarted at interior stop k (0: never); the result and the memory cell. */
static long run(uint8_t *p, size_t len, const long in[2], unsigned k, long *mem)
{
    trace.start = (uintptr_t)p;
    trace.end = (uintptr_t)p + len;
    trace.stop_at = k;
    trace.stops = 0;
    *mem = 1000;
    return traced(p, in[0], in[1], mem);
}

/* Does some stop of some input give another result or memory than the uninterrupted run? */
static int restart_differs(uint8_t *p, size_t len, const char *code)
{
    int differs = 0;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        long m0, mk;
        long r0 = run(p, len, inputs[i], 0, &m0);
        unsigned stops = trace.stops;
        cr_assert_gt(stops, 0, "%s: the trap flag stopped nowhere inside", code);
        for (unsigned k = 1; k <= stops; k++) {
            long rk = run(p, len, inputs[i], k, &mk);
            differs |= rk != r0 || mk != m0;
        }
    }
    return differs;
}

Test(x86_restart, the_cpu_restarted_at_every_instruction_agrees_with_the_analysis)
{
    struct sigaction sa = { .sa_sigaction = on_step, .sa_flags = SA_SIGINFO }, old;
    sigaction(SIGTRAP, &sa, &old);
    uint8_t *p = x86_map_near(NULL, PAGE);
    unsigned accepted = 0, refused = 0;
    for (size_t i = 0; i < sizeof snippets / sizeof snippets[0]; i++) {
        const snippet *s = &snippets[i];
        char src[256];
        snprintf(src, sizeof src, ".text\n%s\n", s->code);
        x86_blob b;
        x86_assemble(src, &b);
        size_t bad = 99;
        const char *why = NULL;
        int rc = pvp_x86_restartable(b.bytes, b.size, (uintptr_t)p, &bad, &why);
        if (!s->why) {
            cr_assert_eq(rc, PVP_OK, "%s: refused at +%zu: %s", s->code, bad, why);
            accepted++;
        } else {
            cr_assert_eq(rc, PVP_E_UNSUPPORTED, "%s: accepted", s->code);
            cr_assert(why && strstr(why, s->why), "%s: %s", s->code, why);
            cr_assert_eq(bad, s->bad, "%s: at +%zu, not +%zu", s->code, bad, s->bad);
            refused++;
        }
        if (s->why && !s->observable) {
            x86_blob_free(&b);
            continue;            /* not run: a push, a call, a loop, a flag input, a syscall */
        }
        x86_unseal(p, PAGE);
        memcpy(p, b.bytes, b.size);
        p[b.size] = 0xC3;
        x86_seal(p, PAGE);
        int differs = restart_differs(p, b.size, s->code);
        cr_assert_eq(differs, s->why != NULL, "%s: %s", s->code,
                     s->why ? "refused, yet every restart computed the same" : "a restart changed the outcome");
        x86_blob_free(&b);
    }
    x86_unmap(p, PAGE);
    sigaction(SIGTRAP, &old, NULL);
    cr_log_info("x86_restart: %u snippets restartable at every instruction on the CPU, %u refused "
                "with their reason", accepted, refused);
}
