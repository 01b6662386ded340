/* The decoder and printer against GNU objdump on random bundles: every slot
 * of random bundles (random bits, and encodings of every row and alias with
 * random operands and flipped selector bits) must print exactly as objdump
 * prints it, and be unknown exactly where objdump prints data8. make check
 * runs a short run; `make objdump-diff` a long one (PVPATCH_DIFF_BUNDLES,
 * PVPATCH_DIFF_SEED; seed 0 takes one from the clock). */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pvpatch/ia64.h"
#include "support/ia64_diff.h"

#define DEFAULT_BUNDLES 30000
#define DEFAULT_SEED UINT64_C(0x1a64d1ff0b1ec7ed)
#define VMA UINT64_C(0xa000000100000000)
#define REPORT 20

static uint64_t env_u64(const char *name, uint64_t fallback)
{
    const char *s = getenv(name);
    return s && *s ? strtoull(s, NULL, 0) : fallback;
}

Test(objdump_diff, random_bundles_print_like_objdump, .timeout = 3600)
{
    size_t n = (size_t)env_u64("PVPATCH_DIFF_BUNDLES", DEFAULT_BUNDLES);
    uint64_t seed = env_u64("PVPATCH_DIFF_SEED", DEFAULT_SEED);
    if (!seed)
        seed = (uint64_t)time(NULL) * UINT64_C(0x9e3779b97f4a7c15) | 1;
    uint8_t *bytes = malloc(n * 16);
    cr_assert_not_null(bytes);
    diff_random_bundles(seed, n, bytes);
    diff_stats st;
    printf("objdump_diff: seed %#" PRIx64 ", %zu bundles\n", seed, n);
    cr_assert_eq(diff_against_objdump(bytes, n, VMA, &st, stdout, REPORT), 0,
                 "objdump could not be run on the bundles, or printed something else");
    printf("objdump_diff: %zu slots compared: %zu agree (%zu unknown to both); %zu unknown to "
           "pvpatch only, %zu to objdump only, %zu print differently\n", st.slots, st.agree,
           st.both_unknown, st.we_unknown, st.they_unknown, st.differ);
    cr_expect_eq(st.agree, st.slots, "seed %#" PRIx64 ": %zu of %zu slots disagree (first %d above)",
                 seed, st.slots - st.agree, st.slots, REPORT);
    cr_expect_gt(st.slots - st.both_unknown, st.slots / 2, "too few instructions to prove anything");
    free(bytes);
}
