/* Test support: the IA-64 printer against GNU objdump on random bundles.
 * Random bundles of valid templates are written to a blob, objdump
 * disassembles the blob once, and every slot's text is compared with
 * pvp_ia64_print's (exactly, stops and layout aside). */
#ifndef PVP_TEST_IA64_DIFF_H
#define PVP_TEST_IA64_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a run found. */
typedef struct diff_stats {
    size_t bundles, slots;
    size_t agree;              /* same text, unknown on both sides included */
    size_t both_unknown;       /* objdump prints data8, pvpatch unknown */
    size_t we_unknown;         /* objdump decodes, pvpatch does not */
    size_t they_unknown;       /* pvpatch decodes, objdump prints data8 */
    size_t differ;             /* both decode, texts differ */
} diff_stats;

/* Fill n bundles (16 bytes each) with random slots under random valid
 * templates, reproducibly from seed: half of the slots random bits (objdump
 * may know instructions the table does not), the others encodings of a
 * random row or alias of the slot's unit with random operands, some with a
 * selector bit flipped (reserved neighbours must stay unknown). Fields are
 * now and then zero or all ones, so that aliases objdump prints for special
 * operands (r0, f0, an immediate 0) are reached. */
void diff_random_bundles(uint64_t seed, size_t n, uint8_t *out);

/* Disassemble the n bundles at vma with objdump and compare every slot with
 * pvpatch; print up to max_report mismatching slots to report (may be NULL).
 * Returns 0, or -1 if objdump could not be run or parsed. */
int diff_against_objdump(const uint8_t *bytes, size_t n, uint64_t vma, diff_stats *st,
                         FILE *report, size_t max_report);

#endif
