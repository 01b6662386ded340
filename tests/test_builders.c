/* Builders and accessors: movl, nop, break, the B1 branch and encode, each
 * checked against objdump's reading of the bytes we write. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "support/binutils.h"

#define SEED  UINT64_C(0xb1d0e2500dfeed05)
#define VMA   UINT64_C(0x2000000)
#define NMOVL 2000

static uint64_t rng = SEED;

/* The text after "=" or after the mnemonic, read as a number. */
static uint64_t number_after(const char *text, char sep)
{
    const char *p = strrchr(text, sep);
    cr_assert_not_null(p, "no '%c' in '%s'", sep, text);
    return strtoull(p + 1, NULL, 0);
}

static void assemble_one(const char *src, pvp_ia64_bundle *b)
{
    char err[4096];
    tas_object obj;
    cr_assert_eq(tas_assemble(src, NULL, &obj, err, sizeof err), 0, "%s", err);
    cr_assert_geq(obj.size, 16);
    cr_assert_eq(pvp_ia64_bundle_unpack(obj.bytes, b), PVP_OK);
    tas_free(&obj);
}

static const pvp_ia64_opcode *row(const char *syntax)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].syntax, syntax))
            return &t[i];
    cr_assert_fail("no row '%s'", syntax);
    return NULL;
}

static void pack_into(const pvp_ia64_bundle *b, uint8_t *dst)
{
    cr_assert_eq(pvp_ia64_bundle_pack(b, dst), PVP_OK);
}

Test(builders, movl_get_reads_what_as_wrote)
{
    enum { N = 200 };
    uint64_t imm[N];
    char *src = malloc(N * 96 + 16);
    size_t len = (size_t)sprintf(src, ".text\n");
    for (int i = 0; i < N; i++) {
        imm[i] = i < 2 ? (uint64_t)-(int64_t)i : tas_rand(&rng);
        len += (size_t)sprintf(src + len, "{ .mlx; nop.m 0; movl r%d=0x%" PRIx64 " ;; }\n", 1 + i % 127, imm[i]);
    }
    char err[4096];
    tas_object obj;
    cr_assert_eq(tas_assemble(src, NULL, &obj, err, sizeof err), 0, "%s", err);
    free(src);
    for (int i = 0; i < N; i++) {
        pvp_ia64_bundle b;
        uint64_t got;
        unsigned reg;
        cr_assert_eq(pvp_ia64_bundle_unpack(obj.bytes + 16 * i, &b), PVP_OK);
        cr_assert_eq(pvp_ia64_movl_get(&b, 2, &got, &reg), PVP_OK);
        cr_assert_eq(got, imm[i], "movl %d: read %#" PRIx64 ", as wrote %#" PRIx64, i, got, imm[i]);
        cr_assert_eq(reg, 1u + (unsigned)i % 127);
    }
    tas_free(&obj);
}

Test(builders, movl_set_random_immediates_objdump_agrees)
{
    pvp_ia64_bundle base;
    assemble_one("{ .mlx; nop.m 0; movl r9=0 ;; }\n", &base);
    cr_assert_eq(pvp_ia64_movl_set(&base, 0, 1), PVP_E_NOT_MOVL, "slot 0 is a nop.m");
    uint64_t *want = malloc(NMOVL * sizeof *want);
    uint8_t *blob = malloc(NMOVL * 16);
    static const uint64_t edges[] = { 0, 1, UINT64_MAX, UINT64_C(1) << 63, (UINT64_C(1) << 63) - 1,
                                      UINT64_C(1) << 21, UINT64_C(1) << 22, 0x3fffff };
    for (int i = 0; i < NMOVL; i++) {
        want[i] = i < 8 ? edges[i] : tas_rand(&rng);
        pvp_ia64_bundle b = base;
        cr_assert_eq(pvp_ia64_movl_set(&b, 2, want[i]), PVP_OK);
        uint64_t got;
        unsigned reg;
        cr_assert_eq(pvp_ia64_movl_get(&b, 2, &got, &reg), PVP_OK);
        cr_assert_eq(got, want[i]);
        cr_assert_eq(reg, 9u, "movl_set changed the register");
        pack_into(&b, blob + 16 * i);
    }
    tas_bundle *od = calloc(NMOVL + 2, sizeof *od);
    cr_assert_eq(tas_objdump_mem(blob, NMOVL * 16, VMA, od, NMOVL + 2), NMOVL);
    for (int i = 0; i < NMOVL; i++) {
        cr_assert_eq(strncmp(od[i].insn[1], "movl r9=", 8), 0, "'%s'", od[i].insn[1]);
        cr_assert_eq(number_after(od[i].insn[1], '='), want[i], "objdump reads '%s', we wrote %#" PRIx64,
                     od[i].insn[1], want[i]);
    }
    printf("builders: %d movl immediates written and read back by objdump (seed %#" PRIx64 ")\n",
           NMOVL, SEED);
    free(od);
    free(blob);
    free(want);
}

/* put_movl builds the whole X slot from the table: objdump must read back the
 * register and immediate; non-MLX bundles and bad registers are refused. */
Test(builders, put_movl_objdump_agrees)
{
    enum { N = 64 };
    uint8_t blob[N * 16];
    uint64_t want[N];
    for (int i = 0; i < N; i++) {
        pvp_ia64_bundle b = { .tmpl = 0x05, .slot = { 0, 0, 0 } };   /* MLX;; */
        want[i] = i ? tas_rand(&rng) : UINT64_MAX;
        cr_assert_eq(pvp_ia64_put_nop(&b, 0), PVP_OK);
        cr_assert_eq(pvp_ia64_put_movl(&b, 1 + (unsigned)i, want[i]), PVP_OK);
        pack_into(&b, blob + 16 * i);
    }
    tas_bundle od[N + 2];
    cr_assert_eq(tas_objdump_mem(blob, sizeof blob, VMA, od, N + 2), N);
    for (int i = 0; i < N; i++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "movl r%d=", 1 + i);
        cr_assert_eq(strncmp(od[i].insn[1], prefix, strlen(prefix)), 0, "'%s'", od[i].insn[1]);
        cr_assert_eq(number_after(od[i].insn[1], '='), want[i], "'%s'", od[i].insn[1]);
    }
    pvp_ia64_bundle mib = { .tmpl = 0x10, .slot = { 0, 0, 0 } };
    cr_assert_eq(pvp_ia64_put_movl(&mib, 1, 0), PVP_E_BAD_UNIT);
    pvp_ia64_bundle mlx = { .tmpl = 0x04, .slot = { 0, 0, 0 } };
    cr_assert_eq(pvp_ia64_put_movl(&mlx, 128, 0), PVP_E_BAD_REGISTER);
}

/* A bundle of template t with every slot cleared to zero bits. */
static pvp_ia64_bundle empty_bundle(unsigned t)
{
    pvp_ia64_bundle b = { .tmpl = (uint8_t)t, .slot = { 0, 0, 0 } };
    return b;
}

static char unit_letter(unsigned unit)
{
    return (char)(pvp_ia64_unit_name(unit)[0] | 0x20);
}

Test(builders, nop_of_every_unit_in_every_template_is_a_nop_to_objdump)
{
    uint8_t blob[32 * 16];
    unsigned n = 0, placed = 0;
    unsigned order[32];
    for (unsigned t = 0; t < 32; t++) {
        if (pvp_ia64_template_info(t)->reserved)
            continue;
        pvp_ia64_bundle b = empty_bundle(t);
        for (unsigned s = 0; s < 3; s++) {
            if (pvp_ia64_slot_unit(&b, s) == PVP_IA64_UNIT_L) {
                cr_expect_eq(pvp_ia64_put_nop(&b, s), PVP_E_BAD_SLOT);
                continue;
            }
            cr_assert_eq(pvp_ia64_put_nop(&b, s), PVP_OK, "template %02x slot %u", t, s);
            placed++;
        }
        pack_into(&b, blob + 16 * n);
        order[n++] = t;
    }
    tas_bundle od[34];
    cr_assert_eq(tas_objdump_mem(blob, 16 * n, VMA, od, 34), (int)n);
    for (unsigned i = 0; i < n; i++) {
        const pvp_ia64_template *t = pvp_ia64_template_info(order[i]);
        for (int k = 0; k < od[i].nslots; k++) {
            unsigned unit = t->units[k == 1 && t->units[1] == PVP_IA64_UNIT_L ? 2 : k];
            char want[16];
            snprintf(want, sizeof want, "nop.%c 0x0", unit_letter(unit));
            cr_expect_eq(strncmp(od[i].insn[k], want, strlen(want)), 0, "template %02x: '%s', want '%s'",
                         order[i], od[i].insn[k], want);
        }
    }
    printf("builders: %u nops in %u templates read as nops by objdump\n", placed, n);
}

/* The whole-bundle values of ../shared/ia64-isa-notes.md, and objdump agrees they are nops. */
Test(builders, whole_bundle_nops_match_the_notes)
{
    static const struct {
        unsigned tmpl;
        uint64_t lo, hi;
    } notes[] = {
        { 0x01, UINT64_C(0x0000000100000001), UINT64_C(0x0004000000000200) },
        { 0x10, UINT64_C(0x0000000100000010), UINT64_C(0x2000000000000200) },
        { 0x16, UINT64_C(0x0000080000000016), UINT64_C(0x2000000000100000) },
    };
    uint8_t blob[3 * 16];
    for (int i = 0; i < 3; i++) {
        pvp_ia64_bundle b = empty_bundle(notes[i].tmpl);
        for (unsigned s = 0; s < 3; s++)
            cr_assert_eq(pvp_ia64_put_nop(&b, s), PVP_OK);
        pack_into(&b, blob + 16 * i);
        uint64_t lo = 0, hi = 0;
        for (int k = 7; k >= 0; k--) {
            lo = lo << 8 | blob[16 * i + k];
            hi = hi << 8 | blob[16 * i + 8 + k];
        }
        cr_expect_eq(lo, notes[i].lo, "template %02x low word %#" PRIx64, notes[i].tmpl, lo);
        cr_expect_eq(hi, notes[i].hi, "template %02x high word %#" PRIx64, notes[i].tmpl, hi);
    }
    tas_bundle od[4];
    cr_assert_eq(tas_objdump_mem(blob, sizeof blob, VMA, od, 4), 3);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            cr_expect_eq(strncmp(od[i].insn[k], "nop.", 4), 0, "'%s'", od[i].insn[k]);
}

/* One bundle per unit with a break in the slot of that unit. */
static const struct unit_site {
    unsigned tmpl, slot;
    uint64_t max;
} break_sites[] = {
    { 0x00, 0, 0x1fffff },                 /* M */
    { 0x00, 1, 0x1fffff },                 /* I */
    { 0x0c, 1, 0x1fffff },                 /* F */
    { 0x16, 0, 0x1fffff },                 /* B */
    { 0x04, 2, UINT64_C(0x3fffffffffffffff) },  /* X: 62 bits */
};

Test(builders, break_of_every_unit_round_trips_and_objdump_agrees)
{
    enum { PER_UNIT = 40, NS = sizeof break_sites / sizeof break_sites[0] };
    uint8_t blob[NS * PER_UNIT * 16];
    uint64_t want[NS * PER_UNIT];
    unsigned n = 0;
    for (unsigned u = 0; u < NS; u++) {
        const struct unit_site *site = &break_sites[u];
        for (int k = 0; k < PER_UNIT; k++) {
            pvp_ia64_bundle b = empty_bundle(site->tmpl);
            for (unsigned s = 0; s < 3; s++)
                if (pvp_ia64_slot_unit(&b, s) != PVP_IA64_UNIT_L)
                    pvp_ia64_put_nop(&b, s);
            uint64_t imm = k == 0 ? site->max : k == 1 ? 0 : tas_rand(&rng) & site->max;
            cr_assert_eq(pvp_ia64_put_break(&b, site->slot, imm), PVP_OK);
            uint64_t got;
            cr_assert_eq(pvp_ia64_break_get(&b, site->slot, &got), PVP_OK);
            cr_assert_eq(got, imm);
            pvp_ia64_bundle before = b;
            cr_expect_eq(pvp_ia64_put_break(&b, site->slot, site->max + 1), PVP_E_OUT_OF_RANGE,
                         "template %02x slot %u: break %#" PRIx64, site->tmpl, site->slot, site->max + 1);
            cr_expect_eq(pvp_ia64_put_break(&b, site->slot, UINT64_MAX), PVP_E_OUT_OF_RANGE);
            cr_expect_eq(memcmp(&before, &b, sizeof b), 0, "a refused break changed the bundle");
            pack_into(&b, blob + 16 * n);
            want[n++] = imm;
        }
    }
    tas_bundle *od = calloc(n + 2, sizeof *od);
    cr_assert_eq(tas_objdump_mem(blob, 16 * n, VMA, od, (int)n + 2), (int)n);
    for (unsigned i = 0; i < n; i++) {
        const struct unit_site *site = &break_sites[i / PER_UNIT];
        const pvp_ia64_template *t = pvp_ia64_template_info(site->tmpl);
        const char *text = od[i].insn[t->units[1] == PVP_IA64_UNIT_L && site->slot == 2 ? 1 : site->slot];
        char mnemonic[16];
        snprintf(mnemonic, sizeof mnemonic, "break.%c ", unit_letter(t->units[site->slot]));
        cr_expect_eq(strncmp(text, mnemonic, strlen(mnemonic)), 0, "'%s'", text);
        cr_expect_eq(number_after(text, ' '), want[i], "objdump '%s', we wrote %#" PRIx64, text, want[i]);
    }
    pvp_ia64_bundle nop = empty_bundle(0x00);
    pvp_ia64_put_nop(&nop, 0);
    uint64_t imm;
    cr_expect_eq(pvp_ia64_break_get(&nop, 0, &imm), PVP_E_UNKNOWN_OP, "a nop is not a break");
    free(od);
}

Test(builders, put_branch_targets_agree_with_objdump_and_refuses_bad_input)
{
    static const int64_t disps[] = { 0, 16, -16, -(INT64_C(1) << 24), (INT64_C(1) << 24) - 16 };
    enum { ND = sizeof disps / sizeof disps[0] };
    static const unsigned templates[] = { 0x10, 0x12, 0x16, 0x1d };   /* MIB MBB BBB MFB;; */
    uint8_t blob[4 * 3 * ND * 16];
    uint64_t want[4 * 3 * ND];
    unsigned where[4 * 3 * ND][2];
    unsigned n = 0;
    for (unsigned ti = 0; ti < 4; ti++)
        for (unsigned s = 0; s < 3; s++)
            for (unsigned d = 0; d < ND; d++) {
                pvp_ia64_bundle b = empty_bundle(templates[ti]);
                for (unsigned k = 0; k < 3; k++)
                    pvp_ia64_put_nop(&b, k);
                uint64_t ip = VMA + 16 * n;
                int rc = pvp_ia64_put_branch(&b, s, ip, ip + (uint64_t)disps[d], d % 2 ? 7 : 0);
                if (pvp_ia64_slot_unit(&b, s) != PVP_IA64_UNIT_B) {
                    cr_expect_eq(rc, PVP_E_BAD_UNIT, "template %02x slot %u is not B", templates[ti], s);
                    continue;
                }
                cr_assert_eq(rc, PVP_OK);
                pack_into(&b, blob + 16 * n);
                want[n] = ip + (uint64_t)disps[d];
                where[n][0] = s;
                where[n++][1] = d % 2 ? 7 : 0;
            }
    tas_bundle *od = calloc(n + 2, sizeof *od);
    cr_assert_eq(tas_objdump_mem(blob, 16 * n, VMA, od, (int)n + 2), (int)n);
    for (unsigned i = 0; i < n; i++) {
        const char *text = od[i].insn[where[i][0]];
        uint64_t theirs;
        cr_assert_eq(tas_insn_target(text, 0, &theirs), 0, "'%s'", text);
        cr_expect_eq(theirs, want[i], "'%s': we meant %#" PRIx64, text, want[i]);
        char prefix[16];
        snprintf(prefix, sizeof prefix, where[i][1] ? "(p%02u) br" : "br", where[i][1]);
        cr_expect_eq(strncmp(text, prefix, strlen(prefix)), 0, "'%s' is not '%s...'", text, prefix);
        cr_expect_neq(strstr(text, ".many"), NULL, "'%s' should be .many", text);
    }
    free(od);

    pvp_ia64_bundle b = empty_bundle(0x10), before;
    before = b;
    uint64_t ip = VMA;
    cr_expect_eq(pvp_ia64_put_branch(&b, 2, ip, ip + (UINT64_C(1) << 24), 0), PVP_E_OUT_OF_RANGE);
    cr_expect_eq(pvp_ia64_put_branch(&b, 2, ip, ip - (UINT64_C(1) << 24) - 16, 0), PVP_E_OUT_OF_RANGE);
    cr_expect_eq(pvp_ia64_put_branch(&b, 2, ip, ip + 8, 0), PVP_E_MISALIGNED);
    cr_expect_eq(pvp_ia64_put_branch(&b, 2, ip + 4, ip, 0), PVP_E_MISALIGNED);
    cr_expect_eq(pvp_ia64_put_branch(&b, 0, ip, ip, 0), PVP_E_BAD_UNIT);
    cr_expect_eq(pvp_ia64_put_branch(&b, 3, ip, ip, 0), PVP_E_BAD_SLOT);
    cr_expect_eq(pvp_ia64_put_branch(&b, 2, ip, ip, 64), PVP_E_BAD_REGISTER);
    cr_expect_eq(memcmp(&before, &b, sizeof b), 0, "a refused branch changed the bundle");
    pvp_ia64_bundle mlx = empty_bundle(0x04);
    cr_expect_eq(pvp_ia64_put_branch(&mlx, 1, ip, ip, 0), PVP_E_BAD_SLOT);
    pvp_ia64_bundle reserved = empty_bundle(0x06);
    cr_expect_eq(pvp_ia64_put_branch(&reserved, 2, ip, ip, 0), PVP_E_RESERVED_TEMPLATE);
}

Test(builders, encode_random_registers_agrees_with_objdump)
{
    enum { N = 300 };
    const pvp_ia64_opcode *add = row("add %a=%b,%c"), *ld8 = row("ld%z%h %a=[%c]");
    uint8_t blob[N * 16];
    unsigned regs[N][4];
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < 4; k++)
            regs[i][k] = (unsigned)(tas_rand(&rng) % 128);
        regs[i][3] %= 64;
        pvp_ia64_bundle b = empty_bundle(0x00);
        pvp_ia64_put_nop(&b, 1);
        uint64_t lbits;
        const uint64_t av[] = { regs[i][0], regs[i][1], regs[i][2], regs[i][3] };
        cr_assert_eq(pvp_ia64_encode(add, "abcq", av, &b.slot[2], &lbits), PVP_OK);
        const uint64_t lv[] = { regs[i][1], regs[i][2], 3 };
        cr_assert_eq(pvp_ia64_encode(ld8, "acz", lv, &b.slot[0], &lbits), PVP_OK);
        pack_into(&b, blob + 16 * i);
    }
    tas_bundle od[N + 2];
    cr_assert_eq(tas_objdump_mem(blob, sizeof blob, VMA, od, N + 2), N);
    for (int i = 0; i < N; i++) {
        char want[64];
        snprintf(want, sizeof want, "ld8 r%u=[r%u]", regs[i][1], regs[i][2]);
        cr_expect_eq(strncmp(od[i].insn[0], want, strlen(want)), 0, "'%s' vs '%s'", od[i].insn[0], want);
        if (regs[i][3])
            snprintf(want, sizeof want, "(p%02u) add r%u=r%u,r%u", regs[i][3], regs[i][0], regs[i][1], regs[i][2]);
        else
            snprintf(want, sizeof want, "add r%u=r%u,r%u", regs[i][0], regs[i][1], regs[i][2]);
        cr_expect_eq(strncmp(od[i].insn[2], want, strlen(want)), 0, "'%s' vs '%s'", od[i].insn[2], want);
    }
}

Test(builders, encode_rejects_bad_registers_and_unknown_fields)
{
    const pvp_ia64_opcode *add = row("add %a=%b,%c"), *addl = row("addl %a=%n,%c");
    const pvp_ia64_opcode *mov_br = row("mov %L=%b"), *brp = row("brp%w%I %t,%g");
    uint64_t bits, lbits;
    const uint64_t r128[] = { 128, 1, 2 }, src128[] = { 1, 200, 2 };
    cr_expect_eq(pvp_ia64_encode(add, "abc", r128, &bits, &lbits), PVP_E_BAD_REGISTER);
    cr_expect_eq(pvp_ia64_encode(add, "abc", src128, &bits, &lbits), PVP_E_BAD_REGISTER);
    const uint64_t qp64[] = { 64 };
    cr_expect_eq(pvp_ia64_encode(add, "q", qp64, &bits, &lbits), PVP_E_BAD_REGISTER);
    cr_expect_eq(pvp_ia64_encode(brp, "q", (const uint64_t[]){ 1 }, &bits, &lbits), PVP_E_BAD_REGISTER,
                 "brp has no qualifying predicate");
    const uint64_t addl_r4[] = { 1, 0, 4 }, addl_r3[] = { 1, 0, 3 };
    cr_expect_eq(pvp_ia64_encode(addl, "anc", addl_r4, &bits, &lbits), PVP_E_BAD_REGISTER,
                 "addl reads only r0-r3");
    cr_expect_eq(pvp_ia64_encode(addl, "anc", addl_r3, &bits, &lbits), PVP_OK);
    const uint64_t b8[] = { 8, 1 };
    cr_expect_eq(pvp_ia64_encode(mov_br, "Lb", b8, &bits, &lbits), PVP_E_BAD_REGISTER);
    const uint64_t one[] = { 1 };
    cr_expect_eq(pvp_ia64_encode(add, "t", one, &bits, &lbits), PVP_E_UNKNOWN_OP, "add has no target");
    const uint64_t big_imm[] = { 1, UINT64_C(1) << 21, 0 };
    cr_expect_eq(pvp_ia64_encode(addl, "anc", big_imm, &bits, &lbits), PVP_E_OUT_OF_RANGE);
}
