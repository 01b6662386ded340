/* The example's three modes, each a list of functions and inline bodies
 * (pvpatch/x86_64/emit.h):
 * - native: the x86 instructions, inline at every site (clamp branches to
 *   its own end, which the patcher maps to the site's end);
 * - counting: native after adding one to ex_counts[op] (a RIP-relative
 *   increment); mix and clamp do not fit a 16-byte site counted, so those
 *   sites become direct calls;
 * - portable: plain C without rotate, byte-swap or multiply instructions,
 *   as for a CPU without them; functions only, so every site calls directly.
 * The live table starts as native: unpatched sites call native through it. */
#include <stdint.h>

#include "pvops.h"
#include "pvpatch/x86_64/emit.h"

unsigned long ex_counts[EX_OP_COUNT];

static PVP_X86_OP_FN uint64_t native_mix(uint64_t h, uint64_t x)
{
    return (h ^ x) * 0x5bd1e995u;
}

static PVP_X86_OP_FN uint64_t native_rotl(uint64_t x, uint64_t n)
{
    n &= 63;
    return n ? x << n | x >> (64 - n) : x;
}

static PVP_X86_OP_FN uint64_t native_swap(uint64_t x)
{
    return __builtin_bswap64(x);
}

static PVP_X86_OP_FN uint64_t native_clamp(uint64_t x, uint64_t limit)
{
    return x < limit ? x : limit;
}

#define MIX_BODY   "mov %rdi, %rax; xor %rsi, %rax; imul $0x5bd1e995, %rax, %rax"
#define ROTL_BODY  "mov %rdi, %rax; mov %esi, %ecx; rol %cl, %rax"
#define SWAP_BODY  "mov %rdi, %rax; bswap %rax"
#define CLAMP_BODY "mov %rdi, %rax; cmp %rsi, %rdi; jbe 1f; mov %rsi, %rax; 1:"

#define NATIVE_OPS(FN, INLINE)                                                   \
    FN(EX_OP_MIX, native_mix) INLINE(EX_OP_MIX, MIX_BODY)                        \
    FN(EX_OP_ROTL, native_rotl) INLINE(EX_OP_ROTL, ROTL_BODY)                    \
    FN(EX_OP_SWAP, native_swap) INLINE(EX_OP_SWAP, SWAP_BODY)                    \
    FN(EX_OP_CLAMP, native_clamp) INLINE(EX_OP_CLAMP, CLAMP_BODY)

PVP_X86_MODE(native, PVP_MODE_NATIVE, EX_OP_COUNT, NATIVE_OPS);
PVP_X86_LIVE_OPS(EX_OP_COUNT, NATIVE_OPS);

static PVP_X86_OP_FN uint64_t counting_mix(uint64_t h, uint64_t x)
{
    ex_counts[EX_OP_MIX]++;
    return native_mix(h, x);
}

static PVP_X86_OP_FN uint64_t counting_rotl(uint64_t x, uint64_t n)
{
    ex_counts[EX_OP_ROTL]++;
    return native_rotl(x, n);
}

static PVP_X86_OP_FN uint64_t counting_swap(uint64_t x)
{
    ex_counts[EX_OP_SWAP]++;
    return native_swap(x);
}

static PVP_X86_OP_FN uint64_t counting_clamp(uint64_t x, uint64_t limit)
{
    ex_counts[EX_OP_CLAMP]++;
    return native_clamp(x, limit);
}

#define COUNT(op) "incq ex_counts+8*" PVP_X86_STR(op) "(%rip); "

#define COUNTING_OPS(FN, INLINE)                                                 \
    FN(EX_OP_MIX, counting_mix) INLINE(EX_OP_MIX, COUNT(EX_OP_MIX) MIX_BODY)     \
    FN(EX_OP_ROTL, counting_rotl) INLINE(EX_OP_ROTL, COUNT(EX_OP_ROTL) ROTL_BODY) \
    FN(EX_OP_SWAP, counting_swap) INLINE(EX_OP_SWAP, COUNT(EX_OP_SWAP) SWAP_BODY) \
    FN(EX_OP_CLAMP, counting_clamp) INLINE(EX_OP_CLAMP, COUNT(EX_OP_CLAMP) CLAMP_BODY)

PVP_X86_MODE(counting, PVP_MODE_COUNTING, EX_OP_COUNT, COUNTING_OPS);

/* x * m by shifts and adds, one bit of m at a time. */
static uint64_t shift_add_mul(uint64_t x, uint64_t m)
{
    uint64_t r = 0;
    for (; m; m >>= 1, x <<= 1)
        r += (m & 1) ? x : 0;
    return r;
}

static PVP_X86_OP_FN uint64_t portable_mix(uint64_t h, uint64_t x)
{
    return shift_add_mul(h ^ x, 0x5bd1e995u);
}

static PVP_X86_OP_FN uint64_t portable_rotl(uint64_t x, uint64_t n)
{
    uint64_t r = x;
    for (n &= 63; n; n--)
        r = r << 1 | r >> 63;
    return r;
}

static PVP_X86_OP_FN uint64_t portable_swap(uint64_t x)
{
    uint64_t r = 0;
    for (int i = 0; i < 8; i++, x >>= 8)
        r = r << 8 | (x & 0xff);
    return r;
}

static PVP_X86_OP_FN uint64_t portable_clamp(uint64_t x, uint64_t limit)
{
    uint64_t smaller = -(uint64_t)(x < limit);     /* all ones when x is the smaller */
    return (x & smaller) | (limit & ~smaller);
}

#define PORTABLE_OPS(FN, INLINE)                                                 \
    FN(EX_OP_MIX, portable_mix) FN(EX_OP_ROTL, portable_rotl)                    \
    FN(EX_OP_SWAP, portable_swap) FN(EX_OP_CLAMP, portable_clamp)

PVP_X86_MODE(portable, 4, EX_OP_COUNT, PORTABLE_OPS);
