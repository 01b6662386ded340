/* The install's fast path: a bundle the opcode index calls plain is only
 * copied, never decoded, so the index must never call plain a bundle that
 * holds something a move changes or counts. Judged three ways: every row of
 * the decoder, with random operand bits, in every template that has its
 * unit, against the full decode; random bundles (random bits and encodings
 * of every row) against the full decode; and the same random bundles
 * against GNU objdump, which prints a target for every IP-relative operand
 * and spells out every `movl` and read of `ip`. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/arch.h"
#include "pvpatch/ia64.h"
#include "support/binutils.h"
#include "support/ia64_diff.h"

#define VMA UINT64_C(0xa000000100000000)
#define NRANDOM 20000

/* What the full decode says a move must look at in a bundle. */
static int moves(const uint8_t *bytes, uint64_t addr)
{
    size_t len;
    pvp_pcrel ops[PVP_MAX_PCREL];
    unsigned n, reads;
    uint64_t imm;
    if (pvp_arch_ia64.scan(bytes, 16, addr, &len, ops, &n, &reads, NULL) != PVP_OK)
        return 1;
    return n || reads || pvp_arch_ia64.load_imm_get(bytes, 16, 2, &imm) == PVP_OK;
}

static int plain(const uint8_t *bytes)
{
    size_t len;
    return pvp_arch_ia64.plain(bytes, 16, &len);
}

static int runs_on(unsigned row_unit, unsigned unit)
{
    return row_unit == unit ||
           (row_unit == PVP_IA64_UNIT_A && (unit == PVP_IA64_UNIT_M || unit == PVP_IA64_UNIT_I));
}

Test(plain, no_row_that_moves_is_plain_in_any_template)
{
    size_t nrows;
    const pvp_ia64_opcode *rows = pvp_ia64_opcodes(&nrows);
    uint64_t rng = 0x5eed;
    size_t tried = 0, moving = 0, quiet = 0;
    for (size_t r = 0; r < nrows; r++)
        for (unsigned t = 0; t < 32; t++) {
            const pvp_ia64_template *ti = pvp_ia64_template_info(t);
            if (!ti || ti->reserved)
                continue;
            for (unsigned s = 0; s < 3; s++) {
                if (!runs_on(rows[r].unit, ti->units[s]))
                    continue;
                for (int k = 0; k < 8; k++) {
                    pvp_ia64_bundle b = { (uint8_t)t, { 0, 0, 0 } };
                    for (unsigned o = 0; o < 3; o++)
                        if (ti->units[o] != PVP_IA64_UNIT_L)
                            pvp_ia64_put_nop(&b, o);
                    b.slot[s] = (rows[r].match | (tas_rand(&rng) & ~rows[r].mask)) & PVP_IA64_SLOT_MASK;
                    if (ti->units[s] == PVP_IA64_UNIT_X)
                        b.slot[1] = tas_rand(&rng) & PVP_IA64_SLOT_MASK;
                    uint8_t bytes[16];
                    cr_assert_eq(pvp_ia64_bundle_pack(&b, bytes), PVP_OK);
                    int m = moves(bytes, VMA), p = plain(bytes);
                    cr_assert(!(m && p), "row %zu (%s) in template %u slot %u: plain, but the decode says it moves",
                              r, rows[r].syntax, t, s);
                    tried++, moving += (size_t)m, quiet += (size_t)p;
                }
            }
        }
    cr_expect_gt(moving, 1000, "too few bundles that move to prove anything (%zu)", moving);
    cr_expect_gt(quiet, tried / 2, "the fast path hardly ever applies (%zu of %zu)", quiet, tried);
}

Test(plain, random_bundles_agree_with_the_decoder_and_objdump)
{
    uint8_t *bytes = malloc((size_t)NRANDOM * 16);
    tas_bundle *od = malloc(sizeof *od * NRANDOM);
    cr_assert(bytes && od);
    diff_random_bundles(0x91a1e5, NRANDOM, bytes);
    int n = tas_objdump_mem(bytes, (size_t)NRANDOM * 16, VMA, od, NRANDOM);
    cr_assert_eq(n, NRANDOM, "objdump printed %d bundles", n);
    size_t quiet = 0;
    for (int i = 0; i < NRANDOM; i++) {
        const uint8_t *b = bytes + 16 * (size_t)i;
        if (!plain(b))
            continue;
        quiet++;
        cr_assert(!moves(b, VMA + 16 * (uint64_t)i), "bundle %d: plain, but the decode says it moves", i);
        for (int s = 0; s < od[i].nslots; s++) {
            uint64_t target;
            const char *insn = od[i].insn[s];
            const char *m = insn[0] == '(' && strchr(insn, ' ') ? strchr(insn, ' ') + 1 : insn;
            /* objdump prints a target only for branches and checks (hex elsewhere is an immediate) */
            int branch = (strncmp(m, "br", 2) == 0 && strncmp(m, "break", 5) != 0) || strncmp(m, "chk", 3) == 0;
            cr_assert(!(branch && tas_insn_target(insn, 0, &target) == 0) && strncmp(m, "movl", 4) != 0 &&
                          !strstr(m, "=ip"),
                      "bundle %d: plain, but objdump prints '%s'", i, insn);
        }
    }
    cr_expect_gt(quiet, NRANDOM / 20, "too few plain bundles to prove anything (%zu)", quiet);
    free(bytes);
    free(od);
}

/* The install copies a whole run at once: a run is exactly the bundles,
 * one after another, that are plain one by one, and never runs past the
 * bytes it is given (a partial bundle ends it). */
Test(plain, a_run_ends_at_the_first_bundle_that_may_move)
{
    enum { N = 4000 };
    uint8_t *bytes = malloc((size_t)N * 16);
    cr_assert(bytes);
    diff_random_bundles(0x5a11, N, bytes);
    /* most random bundles move: make runs by putting nops in many of them */
    for (int i = 0; i < N; i = i + 1 + i % 5 < N - 3 ? i + 1 + i % 5 : i + 1) {   /* the last few too */
        pvp_ia64_bundle b = { 0x11, { 0, 0, 0 } };
        pvp_ia64_put_nop(&b, 0), pvp_ia64_put_nop(&b, 1), pvp_ia64_put_nop(&b, 2);
        pvp_ia64_bundle_pack(&b, bytes + 16 * (size_t)i);
    }
    size_t longest = 0, single[N];
    for (int i = 0; i < N; i++) {
        pvp_ia64_bundle b;
        int unpacked = pvp_ia64_bundle_unpack(bytes + 16 * (size_t)i, &b) == PVP_OK;
        single[i] = plain(bytes + 16 * (size_t)i);
        cr_assert_eq(single[i], unpacked && pvp_ia64_bundle_is_plain(&b), "bundle %d: plain and is_plain differ", i);
    }
    for (int i = 0; i < N; i++) {
        size_t want = 0, len = 0;
        while (i + want < N && single[i + want])
            want++;
        size_t avail = (size_t)(N - i) * 16 - (i % 3 == 0 ? 7 : 0);   /* sometimes a partial last bundle */
        if (i % 3 == 0 && i + want == N)
            want--;
        int p = pvp_arch_ia64.plain(bytes + 16 * (size_t)i, avail, &len);
        cr_assert_eq(len, 16 * want, "run from bundle %d: %zu bytes, the bundles one by one say %zu", i, len, 16 * want);
        cr_assert_eq(p, want != 0);
        longest = want > longest ? want : longest;
    }
    cr_expect_gt(longest, 3, "no run of several plain bundles to prove anything");
    free(bytes);
}
