/* The patched rows: PVP_CALL sites (pvpatch/x86_64/site.h), built as
 * indirect calls through the live ops table and patched at start-up by
 * pvp_rt_patch to mode "bench" (bench_call.c). The mode has an inline body
 * for BENCH_OP_INLINE only, so the patcher makes those sites inline (A) and
 * the BENCH_OP_DIRECT ones direct calls to op_step (B), the function the
 * hand-written direct row calls. Built with -mno-red-zone, as PVP_CALL
 * requires. */
#include "call.h"
#include "pvpatch/x86_64/emit.h"

#define BENCH_OP_DIRECT 1
#define BENCH_OP_INLINE 2
#define BENCH_OP_COUNT  3

#define BENCH_MODE(FN, INLINE)                                                   \
    FN(BENCH_OP_DIRECT, op_step) FN(BENCH_OP_INLINE, op_step)                    \
    INLINE(BENCH_OP_INLINE, "lea 1(%rdi,%rdi,2), %rax")

PVP_X86_MODE(bench, 1, BENCH_OP_COUNT, BENCH_MODE);
PVP_X86_LIVE_OPS(BENCH_OP_COUNT, BENCH_MODE);

uint64_t loop_site_direct(uint64_t x, long n)
{
    for (long i = 0; i < n; i++)
        x = PVP_CALL(BENCH_OP_DIRECT, x);
    return x;
}

uint64_t loop_site_inline(uint64_t x, long n)
{
    for (long i = 0; i < n; i++)
        x = PVP_CALL(BENCH_OP_INLINE, x);
    return x;
}
