/* A shared library of NSITES functions with one PVP_CALL site each, for
 * bench_rtpatch (built twice: -DNSITES=56 and -DNSITES=1000). Two modes: fast (an
 * inline body) and calls (a direct call); both compute x -> 3x + 1.
 * Built -fpic -shared -mno-red-zone and linked with pvpatch-insert.lds. */
#include <stdint.h>

#include "pvpatch/runtime.h"
#include "pvpatch/x86_64/emit.h"

#define OP_STEP  1
#define OP_COUNT 2

static PVP_X86_OP_FN uint64_t step(uint64_t x)
{
    return 3 * x + 1;
}

#define FAST(FN, INLINE) FN(OP_STEP, step) INLINE(OP_STEP, "lea 1(%rdi,%rdi,2), %rax")
#define CALLS(FN, INLINE) FN(OP_STEP, step)
PVP_X86_MODE(fast, 1, OP_COUNT, FAST);
PVP_X86_MODE(calls, 2, OP_COUNT, CALLS);
PVP_X86_LIVE_OPS(OP_COUNT, CALLS);

#define SITE(n) static __attribute__((noinline)) uint64_t site_##n(uint64_t x) { return PVP_CALL(OP_STEP, x); }
#define NAME(n) site_##n,
#define T10(M, p) M(p##0) M(p##1) M(p##2) M(p##3) M(p##4) M(p##5) M(p##6) M(p##7) M(p##8) M(p##9)
#define T100(M, p) T10(M, p##0) T10(M, p##1) T10(M, p##2) T10(M, p##3) T10(M, p##4) \
    T10(M, p##5) T10(M, p##6) T10(M, p##7) T10(M, p##8) T10(M, p##9)
#if NSITES == 1000
#define ALL(M) T100(M, 1) T100(M, 2) T100(M, 3) T100(M, 4) T100(M, 5) T100(M, 6) T100(M, 7) \
    T100(M, 8) T100(M, 9) T100(M, 0)
#elif NSITES == 56
#define ALL(M) T10(M, 1) T10(M, 2) T10(M, 3) T10(M, 4) T10(M, 5) M(60) M(61) M(62) M(63) M(64) M(65)
#else
#error "NSITES must be 56 or 1000"
#endif

ALL(SITE)
static uint64_t (*const sites[])(uint64_t) = { ALL(NAME) };

/* This library's records. */
void bench_records(pvp_rt_records *r)
{
    *r = PVP_RT_RECORDS();
}

/* Run every site once on x, in turn; the sum of the results. */
uint64_t bench_run(uint64_t x)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < sizeof sites / sizeof sites[0]; i++)
        sum += sites[i](x + i);
    return sum;
}

unsigned bench_count(void)
{
    return sizeof sites / sizeof sites[0];
}
