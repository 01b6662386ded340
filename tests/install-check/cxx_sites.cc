// A C++ program with pv operation sites and three modes, built against an
// installed pvpatch (shared libpvpatch, pkg-config): it patches its own
// sites at start-up and checks that each mode's code is what runs.
#include <cstdio>

#include "pvpatch/runtime.h"
#include "pvpatch/x86_64/emit.h"

#define OP_ADD   1
#define OP_MUL   2
#define OP_COUNT 3

// In C++ the ops functions have C names: the templates call them by name.
extern "C" {
static PVP_X86_OP_FN unsigned long plain_add(unsigned long a, unsigned long b) { return a + b; }
static PVP_X86_OP_FN unsigned long plain_mul(unsigned long a, unsigned long b) { return a * b; }
static PVP_X86_OP_FN unsigned long shifted_add(unsigned long a, unsigned long b) { return a + b + 1000; }
}

#define PLAIN_OPS(FN, INLINE) FN(OP_ADD, plain_add) FN(OP_MUL, plain_mul)
#define INLINE_OPS(FN, INLINE)                                                   \
    FN(OP_ADD, plain_add) INLINE(OP_ADD, "lea (%rdi,%rsi), %rax")                \
    FN(OP_MUL, plain_mul) INLINE(OP_MUL, "mov %rdi, %rax; imul %rsi, %rax")
#define SHIFTED_OPS(FN, INLINE) FN(OP_ADD, shifted_add) FN(OP_MUL, plain_mul)

PVP_X86_MODE(plain, 1, OP_COUNT, PLAIN_OPS);
PVP_X86_MODE(inlined, 2, OP_COUNT, INLINE_OPS);
PVP_X86_MODE(shifted, 3, OP_COUNT, SHIFTED_OPS);
PVP_X86_LIVE_OPS(OP_COUNT, PLAIN_OPS);

static unsigned long compute(unsigned long x)
{
    return PVP_CALL(OP_ADD, x, 2) + PVP_CALL(OP_MUL, x, 3);
}

// Patch to `mode`; the number of sites now inline, or -1.
static long patch(const char *mode)
{
    pvp_rt_records recs = PVP_RT_RECORDS();
    pvp_patch_report rep;
    pvp_error err = {};
    if (pvp_rt_patch(&recs, mode, PVP_POLICY_BEST, &rep, &err) != PVP_OK) {
        std::fprintf(stderr, "cxx_sites: patch to %s: %#llx: %s\n", mode,
                     (unsigned long long)err.addr, err.what ? err.what : "?");
        return -1;
    }
    return (long)rep.to_form[PVP_FORM_A];
}

int main()
{
    unsigned long built = compute(10);          // 12 + 30, through the live table
    long a_inline = patch("inlined");
    unsigned long inlined = compute(10);
    long a_shifted = patch("shifted");
    unsigned long shifted = compute(10);
    std::printf("cxx_sites: built %lu, inlined %lu (%ld sites inline), shifted %lu (%ld inline)\n",
                built, inlined, a_inline, shifted, a_shifted);
    return built == 42 && inlined == 42 && a_inline == 2 && shifted == 1042 && a_shifted == 0 ? 0 : 1;
}
