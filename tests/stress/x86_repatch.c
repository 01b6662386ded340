/* Re-patching PVP_CALL sites while other threads run them.
 *
 *     x86_repatch [--threads N] [--patches N]
 *
 * N worker threads call three functions with PVP_CALL sites (two operations,
 * on two pages) in a loop and check every result against plain C; the main
 * thread re-patches every site of the program with pvp_rt_patch, cycling
 * through the transitions A<->B (inline <-> direct call), C<->B (indirect
 * call <-> direct call) and A<->A' (one inline body <-> another), as fast as
 * it can. Every mode computes the same functions, so a result is right
 * whatever a site holds at the moment it runs. A fault (SIGSEGV, SIGILL,
 * SIGBUS, SIGFPE) prints where it happened and exits 3; a wrong result
 * exits 2; a refused re-patch exits 1. On success it prints one line of
 * figures and exits 0. Built -mno-red-zone (PVP_CALL needs it) as a PIE
 * linked with pvpatch-insert.lds; `make stress` runs it long, the test
 * suite short (tests/test_x86_live.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "pvpatch/runtime.h"
#include "pvpatch/x86_64/emit.h"

#define OP_AFFINE 1          /* 2a + b + 1 */
#define OP_FOLD   2          /* x ^ (x >> 7) */
#define OP_COUNT  3

static uint64_t ref_affine(uint64_t a, uint64_t b)
{
    return 2 * a + b + 1;
}

static uint64_t ref_fold(uint64_t x)
{
    return x ^ (x >> 7);
}

static PVP_X86_OP_FN uint64_t fn_affine(uint64_t a, uint64_t b)
{
    return ref_affine(a, b);
}

static PVP_X86_OP_FN uint64_t fn_fold(uint64_t x)
{
    return ref_fold(x);
}

/* Two inline bodies of each operation, of different instruction boundaries. */
#define AFFINE_A  "mov %rdi, %rax; add %rax, %rax; add %rsi, %rax; add $1, %rax"
#define AFFINE_A2 "lea (%rdi,%rdi), %rax; lea 1(%rax,%rsi), %rax"
#define FOLD_A    "mov %rdi, %rax; shr $7, %rax; xor %rdi, %rax"
#define FOLD_A2   "mov %rdi, %rcx; shr $7, %rcx; mov %rcx, %rax; xor %rdi, %rax"

#define INLINE1(FN, INLINE)                                                      \
    FN(OP_AFFINE, fn_affine) INLINE(OP_AFFINE, AFFINE_A)                         \
    FN(OP_FOLD, fn_fold) INLINE(OP_FOLD, FOLD_A)
#define INLINE2(FN, INLINE)                                                      \
    FN(OP_AFFINE, fn_affine) INLINE(OP_AFFINE, AFFINE_A2)                        \
    FN(OP_FOLD, fn_fold) INLINE(OP_FOLD, FOLD_A2)
#define CALLS(FN, INLINE) FN(OP_AFFINE, fn_affine) FN(OP_FOLD, fn_fold)

PVP_X86_MODE(inline1, 1, OP_COUNT, INLINE1);
PVP_X86_MODE(inline2, 2, OP_COUNT, INLINE2);
PVP_X86_MODE(calls, 3, OP_COUNT, CALLS);
PVP_X86_LIVE_OPS(OP_COUNT, CALLS);

/* The sites: three functions, the last one on a page of its own. */
__attribute__((noinline, noipa)) static uint64_t site_affine(uint64_t a, uint64_t b)
{
    return PVP_CALL(OP_AFFINE, a, b);
}

__attribute__((noinline, noipa)) static uint64_t site_fold(uint64_t x)
{
    return PVP_CALL(OP_FOLD, x);
}

__attribute__((noinline, noipa, aligned(4096))) static uint64_t site_both(uint64_t a, uint64_t b)
{
    uint64_t f = PVP_CALL(OP_FOLD, a);
    return PVP_CALL(OP_AFFINE, f, b);
}

/* One step of the cycle of re-patches: the mode, the policy, and the form
 * every site then holds. */
typedef struct step {
    const char *mode;
    int policy;
    unsigned form;
} step;

/* A->B, B->C, C->B, B->A, A->A', A'->A: each transition of the three kinds twice per cycle. */
static const step cycle[] = {
    { "inline1", PVP_POLICY_BEST, PVP_FORM_A },  { "calls", PVP_POLICY_BEST, PVP_FORM_B },
    { "calls", PVP_POLICY_KEEP, PVP_FORM_C },    { "calls", PVP_POLICY_BEST, PVP_FORM_B },
    { "inline1", PVP_POLICY_BEST, PVP_FORM_A },  { "inline2", PVP_POLICY_BEST, PVP_FORM_A },
};
#define CYCLE (sizeof cycle / sizeof cycle[0])

static atomic_int stop;
static atomic_ulong calls_done, wrong;

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void report_wrong(const char *what, uint64_t a, uint64_t b, uint64_t got, uint64_t want)
{
    if (atomic_fetch_add(&wrong, 1) == 0)
        fprintf(stderr, "x86_repatch: %s(%#llx, %#llx) = %#llx, not %#llx\n", what,
                (unsigned long long)a, (unsigned long long)b, (unsigned long long)got,
                (unsigned long long)want);
}

static void *worker(void *arg)
{
    uint64_t s = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1), n = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        uint64_t a = next_random(&s), b = next_random(&s), r;
        if ((r = site_affine(a, b)) != ref_affine(a, b))
            report_wrong("affine", a, b, r, ref_affine(a, b));
        if ((r = site_fold(a)) != ref_fold(a))
            report_wrong("fold", a, 0, r, ref_fold(a));
        if ((r = site_both(a, b)) != ref_affine(ref_fold(a), b))
            report_wrong("both", a, b, r, ref_affine(ref_fold(a), b));
        n += 3;
    }
    atomic_fetch_add(&calls_done, n);
    return NULL;
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    char msg[160];
    int len = snprintf(msg, sizeof msg, "x86_repatch: fault: signal %d (%s) at rip %#llx, address %p\n",
                       sig, strsignal(sig), (unsigned long long)uc->uc_mcontext.gregs[REG_RIP],
                       si->si_addr);
    if (write(2, msg, (size_t)len) < 0)
        _exit(4);
    _exit(3);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long option(int argc, char **argv, const char *name, long dflt)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return strtol(argv[i + 1], NULL, 0);
    return dflt;
}

static void repatch(const step *st, unsigned long n)
{
    pvp_rt_records recs = PVP_RT_RECORDS();
    pvp_patch_report rep;
    pvp_error err = { 0 };
    if (pvp_rt_patch(&recs, st->mode, st->policy, &rep, &err) != PVP_OK) {
        fprintf(stderr, "x86_repatch: re-patch %lu to %s refused: %#llx: %s (%s)\n", n, st->mode,
                (unsigned long long)err.addr, err.what, strerror(errno));
        exit(1);
    }
    if (rep.to_form[st->form] != rep.sites - rep.dead) {
        fprintf(stderr, "x86_repatch: re-patch %lu to %s: not every site in form %s\n", n,
                st->mode, pvp_form_name(st->form));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    long nthreads = option(argc, argv, "--threads", 4), npatches = option(argc, argv, "--patches", 3000);
    if (nthreads < 0 || nthreads > 64 || npatches < 1) {
        fprintf(stderr, "usage: x86_repatch [--threads 0..64] [--patches N]\n");
        return 64;
    }
    struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
    int faults[] = { SIGSEGV, SIGILL, SIGBUS, SIGFPE };
    for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++)
        sigaction(faults[k], &sa, NULL);
    pthread_t tid[64];
    for (long t = 0; t < nthreads; t++)
        if (pthread_create(&tid[t], NULL, worker, (void *)(uintptr_t)t)) {
            fprintf(stderr, "x86_repatch: cannot start thread %ld\n", t);
            return 1;
        }
    double t0 = seconds();
    unsigned long kinds[3] = { 0, 0, 0 };       /* A<->B, C<->B, A<->A' */
    for (long n = 0; n < npatches; n++) {
        const step *st = &cycle[n % CYCLE], *prev = &cycle[(n + CYCLE - 1) % CYCLE];
        repatch(st, (unsigned long)n);
        unsigned forms = 1u << st->form | 1u << prev->form;
        kinds[forms == (1u << PVP_FORM_A | 1u << PVP_FORM_B) ? 0 : forms == (1u << PVP_FORM_C | 1u << PVP_FORM_B) ? 1 : 2]++;
    }
    double t1 = seconds();
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    atomic_store(&stop, 1);
    for (long t = 0; t < nthreads; t++)
        pthread_join(tid[t], NULL);
    pvp_rt_live_stats st;
    pvp_rt_live_stats_get(&st);
    printf("x86_repatch: threads %ld, re-patches %ld (A<->B %lu, C<->B %lu, A<->A' %lu) in %.2f s, "
           "%.1f us each (%.1f us of CPU); calls checked %lu, wrong %lu, faults 0; by the breakpoint protocol %llu, "
           "pokes %llu, threads through an int3 %llu, threads restarted %llu\n",
           nthreads, npatches, kinds[0], kinds[1], kinds[2], t1 - t0, (t1 - t0) * 1e6 / (double)npatches,
           cpu * 1e6 / (double)npatches, atomic_load(&calls_done), atomic_load(&wrong), (unsigned long long)st.patches,
           (unsigned long long)st.pokes, (unsigned long long)st.breakpoints,
           (unsigned long long)st.restarts);
    return atomic_load(&wrong) ? 2 : 0;
}
