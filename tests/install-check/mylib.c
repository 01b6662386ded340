/* A tiny shared library with a pv operation site and two modes, linked with
 * the installed static libpvpatch.a (which must be position-independent for
 * that) and the installed linker fragment; it patches its own site. */
#include "pvpatch/runtime.h"
#include "pvpatch/x86_64/emit.h"

#define OP_SCALE 1
#define OP_COUNT 2

static PVP_X86_OP_FN unsigned long twice(unsigned long x) { return 2 * x; }
static PVP_X86_OP_FN unsigned long thrice(unsigned long x) { return 3 * x; }

#define TWO_OPS(FN, INLINE) FN(OP_SCALE, twice) INLINE(OP_SCALE, "lea (%rdi,%rdi), %rax")
#define THREE_OPS(FN, INLINE) FN(OP_SCALE, thrice)

PVP_X86_MODE(two, 1, OP_COUNT, TWO_OPS);
PVP_X86_MODE(three, 2, OP_COUNT, THREE_OPS);
PVP_X86_LIVE_OPS(OP_COUNT, TWO_OPS);

unsigned long mylib_scale(unsigned long x)
{
    return PVP_CALL(OP_SCALE, x);
}

/* Patch the library's sites to `mode`: the number now inline, or -1. */
long mylib_patch(const char *mode)
{
    pvp_rt_records recs = PVP_RT_RECORDS();
    pvp_patch_report rep;
    if (pvp_rt_patch(&recs, mode, PVP_POLICY_BEST, &rep, NULL) != PVP_OK)
        return -1;
    return (long)rep.to_form[PVP_FORM_A];
}
