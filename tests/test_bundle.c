/* Bundles: the template table against GNU as and objdump, reserved templates,
 * template_find, and a million random bundles through unpack, pack, decode
 * and print. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "support/binutils.h"

#define SEED           UINT64_C(0xb0d1e5eed5eed001)
#define RANDOM_BUNDLES 1000000

/* Our idea of a template as objdump would print it: "MIB", or "-" for reserved
 * (objdump prints those as "-3-", "-a-", ...: a dash, a hex digit, a dash). */
static void our_template_name(unsigned tmpl, char name[4])
{
    const pvp_ia64_template *t = pvp_ia64_template_info(tmpl);
    if (t->reserved) {
        memcpy(name, "-", 2);
        return;
    }
    for (int s = 0; s < 3; s++)
        name[s] = pvp_ia64_unit_name(t->units[s])[0];
    name[3] = '\0';
}

/* Which instruction objdump prints for slot s (MLX prints slots 0 and 1+2). */
static int printed_index(const pvp_ia64_template *t, unsigned s)
{
    return t->units[1] == PVP_IA64_UNIT_L ? (s == 0 ? 0 : 1) : (int)s;
}

/* Units and stops of a template value against objdump's view of a bundle. */
static void expect_template_like_objdump(unsigned tmpl, const tas_bundle *od)
{
    char ours[4], theirs[sizeof od->tmpl];
    our_template_name(tmpl, ours);
    snprintf(theirs, sizeof theirs, "%s", od->tmpl);
    if (theirs[0] == '-')
        theirs[1] = '\0';
    cr_expect_str_eq(ours, theirs, "template %02x: we say %s, objdump %s", tmpl, ours, od->tmpl);
    const pvp_ia64_template *t = pvp_ia64_template_info(tmpl);
    if (t->reserved)
        return;
    unsigned stops = 0;
    for (unsigned s = 0; s < 3; s++)
        if (t->units[s] != PVP_IA64_UNIT_L && tas_insn_has_stop(od->insn[printed_index(t, s)]))
            stops |= 1u << s;
    cr_expect_eq(stops, t->stops, "template %02x: stops %x, objdump shows %x", tmpl, t->stops, stops);
}

/* Every template value, each in a bundle of zero slots, as objdump prints it. */
Test(bundle, all_32_templates_match_objdump_raw)
{
    uint8_t bytes[32 * 16] = { 0 };
    for (unsigned t = 0; t < 32; t++)
        bytes[16 * t] = (uint8_t)t;
    tas_bundle od[40];
    cr_assert_eq(tas_objdump_mem(bytes, sizeof bytes, 0, od, 40), 32);
    for (unsigned t = 0; t < 32; t++)
        expect_template_like_objdump(t, &od[t]);
}

/* A bundle of nops under a directive ("mib") with stops after the slots in
 * the bit mask `stops`; MLX takes one nop.x for slots 1 and 2. */
static size_t nop_bundle_line(char *out, const char *directive, unsigned stops)
{
    int mlx = directive[1] == 'l';
    size_t len = (size_t)sprintf(out, "{ .%s", directive);
    for (unsigned s = 0; s < 3; s++) {
        if (mlx && s == 1)
            continue;
        char unit = mlx && s == 2 ? 'x' : directive[s];
        len += (size_t)sprintf(out + len, "; nop.%c 0%s", unit, stops & (1u << s) ? " ;;" : "");
    }
    return len + (size_t)sprintf(out + len, " }\n");
}

/* GNU as picks the template from a bundle directive and where the stops are:
 * try every directive with every stop pattern, keep what as accepts, and the
 * accepted ones must cover the 24 valid templates, each matching objdump. */
Test(bundle, as_chooses_every_valid_template_and_objdump_agrees)
{
    static const char *const directives[] = { "mii", "mlx", "mmi", "mfi", "mmf",
                                              "mib", "mbb", "bbb", "mmb", "mfb" };
    enum { NDIR = sizeof directives / sizeof directives[0], NLINES = NDIR * 8 };
    char *src = malloc(NLINES * 128 + 64);
    size_t len = (size_t)sprintf(src, ".text\n");
    for (unsigned d = 0; d < NDIR; d++)
        for (unsigned stops = 0; stops < 8; stops++)
            len += nop_bundle_line(src + len, directives[d], stops);
    char err[1 << 16];
    tas_object obj;
    cr_assert_neq(tas_assemble(src, NULL, &obj, err, sizeof err), 0, "expected some stop patterns to fail");
    unsigned char bad[NLINES + 2] = { 0 };
    tas_error_lines(err, bad, NLINES + 2);

    /* Keep the accepted lines; a stop-ending filler keeps the implicit stop at
     * the end of the file off the last one. */
    len = (size_t)sprintf(src, ".text\n");
    unsigned kept = 0;
    for (unsigned d = 0; d < NDIR; d++)
        for (unsigned stops = 0; stops < 8; stops++)
            /* MLX has no slot 1 to stop after: that bit repeats a pattern. */
            if (!bad[2 + d * 8 + stops] && !(directives[d][1] == 'l' && (stops & 2))) {
                len += nop_bundle_line(src + len, directives[d], stops);
                kept++;
            }
    sprintf(src + len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    cr_assert_eq(tas_assemble(src, NULL, &obj, err, sizeof err), 0, "%s", err);
    free(src);
    cr_assert_eq(obj.size, (kept + 1) * 16);

    tas_bundle od[NLINES + 2];
    cr_assert_eq(tas_objdump_bundles(obj.path, NULL, od, NLINES + 2), (int)kept + 1);
    unsigned seen = 0;
    for (unsigned i = 0; i < kept; i++) {
        pvp_ia64_bundle b;
        cr_assert_eq(pvp_ia64_bundle_unpack(obj.bytes + 16 * i, &b), PVP_OK);
        expect_template_like_objdump(b.tmpl, &od[i]);
        for (unsigned s = 0; s < 3; s++) {
            pvp_ia64_insn in;
            cr_assert_eq(pvp_ia64_decode(&b, s, &in), PVP_OK);
            if (in.unit == PVP_IA64_UNIT_L)
                continue;
            cr_expect(in.op && (in.op->flags & PVP_IA64_F_NOP), "slot %u of %s is not a nop", s, od[i].tmpl);
            cr_expect_eq(in.unit, pvp_ia64_slot_unit(&b, s));
        }
        seen |= 1u << b.tmpl;
    }
    tas_free(&obj);
    cr_expect_eq(kept, 24u, "as accepted %u directive/stop combinations", kept);
    for (unsigned t = 0; t < 32; t++)
        cr_expect_eq(!!(seen & (1u << t)), !pvp_ia64_template_info(t)->reserved,
                     "template %02x %s by as", t, seen & (1u << t) ? "produced" : "never produced");
    printf("bundle: as produced %u distinct valid templates from %u accepted directive/stop patterns\n",
           (unsigned)__builtin_popcount(seen), kept);
}

Test(bundle, reserved_templates_rejected_by_unpack_and_pack)
{
    static const unsigned reserved[] = { 0x06, 0x07, 0x14, 0x15, 0x1a, 0x1b, 0x1e, 0x1f };
    unsigned nreserved = 0;
    for (unsigned t = 0; t < 32; t++)
        nreserved += pvp_ia64_template_info(t)->reserved;
    cr_expect_eq(nreserved, 8u);
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        uint8_t bytes[16] = { (uint8_t)reserved[i], 0x11, 0x22 }, out[16];
        memcpy(out, bytes, 16);
        pvp_ia64_bundle b;
        cr_expect(pvp_ia64_template_info(reserved[i])->reserved);
        cr_expect_eq(pvp_ia64_bundle_unpack(bytes, &b), PVP_E_RESERVED_TEMPLATE);
        cr_expect_eq(b.tmpl, reserved[i], "unpack still fills the bundle");
        cr_expect_eq(pvp_ia64_bundle_pack(&b, out), PVP_E_RESERVED_TEMPLATE);
        cr_expect_eq(memcmp(out, bytes, 16), 0, "a rejected pack wrote bytes");
        pvp_ia64_insn in;
        cr_expect_eq(pvp_ia64_decode(&b, 0, &in), PVP_E_RESERVED_TEMPLATE);
    }
    pvp_ia64_bundle too_big = { .tmpl = 32 };
    uint8_t out[16];
    cr_expect_eq(pvp_ia64_bundle_pack(&too_big, out), PVP_E_RESERVED_TEMPLATE);
    cr_expect_null(pvp_ia64_template_info(32));
    cr_expect_eq(pvp_ia64_slot_unit(&too_big, 0), PVP_IA64_UNIT_NONE);
}

Test(bundle, template_find_round_trips)
{
    for (unsigned t = 0; t < 32; t++) {
        const pvp_ia64_template *info = pvp_ia64_template_info(t);
        if (info->reserved)
            continue;
        cr_expect_eq(pvp_ia64_template_find(info->units, info->stops), (int)t, "template %02x", t);
    }
    const uint8_t bfm[3] = { PVP_IA64_UNIT_B, PVP_IA64_UNIT_F, PVP_IA64_UNIT_M };
    cr_expect_eq(pvp_ia64_template_find(bfm, 0), -1);
    const uint8_t mii[3] = { PVP_IA64_UNIT_M, PVP_IA64_UNIT_I, PVP_IA64_UNIT_I };
    cr_expect_eq(pvp_ia64_template_find(mii, 1), -1, "MII has no stop after slot 0");
    const uint8_t none[3] = { 0, 0, 0 };
    cr_expect_eq(pvp_ia64_template_find(none, 0), -1, "reserved templates are not found");
}

Test(bundle, pack_rejects_slots_wider_than_41_bits)
{
    pvp_ia64_bundle b = { .tmpl = 0x10, .slot = { 0, 0, 0 } };
    uint8_t out[16];
    for (unsigned s = 0; s < 3; s++) {
        b.slot[s] = PVP_IA64_SLOT_MASK + 1;
        cr_expect_eq(pvp_ia64_bundle_pack(&b, out), PVP_E_OUT_OF_RANGE, "slot %u", s);
        b.slot[s] = PVP_IA64_SLOT_MASK;
        cr_expect_eq(pvp_ia64_bundle_pack(&b, out), PVP_OK);
    }
    /* All-ones slots fill every bit but the template's. */
    uint8_t want[16];
    memset(want, 0xff, 16);
    want[0] = 0xe0 | 0x10;
    cr_expect_eq(memcmp(out, want, 16), 0);
}

/* Print into a buffer of `size` bytes inside a guarded array: the result must be
 * the NUL-terminated prefix of the full text and nothing past size may change. */
static void expect_truncates_cleanly(const pvp_ia64_insn *in, uint64_t ip, const char *full,
                                     size_t full_len, size_t size)
{
    char guarded[80];
    memset(guarded, '#', sizeof guarded);
    size_t need = pvp_ia64_print(in, ip, guarded, size);
    cr_assert_eq(need, full_len, "print returns what it needed, whatever the size");
    for (size_t i = size; i < sizeof guarded; i++)
        cr_assert_eq(guarded[i], '#', "print wrote past a %zu-byte buffer", size);
    if (size == 0)
        return;
    size_t kept = full_len < size - 1 ? full_len : size - 1;
    cr_assert_eq(guarded[kept], '\0');
    cr_assert_eq(memcmp(guarded, full, kept), 0);
}

Test(bundle, a_million_random_bundles_unpack_pack_decode_print)
{
    uint64_t rng = SEED;
    size_t valid = 0, known = 0;
    for (long i = 0; i < RANDOM_BUNDLES; i++) {
        uint8_t bytes[16], again[16];
        uint64_t lo = tas_rand(&rng), hi = tas_rand(&rng);
        for (int k = 0; k < 8; k++) {
            bytes[k] = (uint8_t)(lo >> 8 * k);
            bytes[8 + k] = (uint8_t)(hi >> 8 * k);
        }
        pvp_ia64_bundle b;
        int rc = pvp_ia64_bundle_unpack(bytes, &b);
        const pvp_ia64_template *t = pvp_ia64_template_info(b.tmpl);
        cr_assert_eq(b.tmpl, bytes[0] & 0x1f);
        if (t->reserved) {
            cr_assert_eq(rc, PVP_E_RESERVED_TEMPLATE);
            continue;
        }
        cr_assert_eq(rc, PVP_OK);
        cr_assert_eq(pvp_ia64_bundle_pack(&b, again), PVP_OK);
        cr_assert_eq(memcmp(bytes, again, 16), 0, "bundle %ld: pack(unpack(x)) != x", i);
        valid++;
        for (unsigned s = 0; s < 3; s++) {
            pvp_ia64_insn in;
            cr_assert_eq(pvp_ia64_decode(&b, s, &in), PVP_OK);
            known += in.op != NULL;
            uint64_t ip = (tas_rand(&rng) & ~UINT64_C(15));
            char full[160];
            size_t len = pvp_ia64_print(&in, ip, full, sizeof full);
            cr_assert_lt(len, sizeof full, "text longer than expected: %s", full);
            cr_assert_eq(strlen(full), len);
            /* Every 16th slot also prints into a tiny buffer. */
            if ((i & 15) == 0)
                expect_truncates_cleanly(&in, ip, full, len, (size_t)(tas_rand(&rng) % 12));
        }
    }
    printf("bundle: %d random bundles (seed %#" PRIx64 "): %zu valid templates, %zu slots decoded "
           "to a table row\n", RANDOM_BUNDLES, SEED, valid, known);
    cr_expect_gt(valid, RANDOM_BUNDLES / 2);
}
