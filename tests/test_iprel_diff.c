/* Differential test of IP-relative operands against GNU binutils: every form,
 * in every template and slot GNU as accepts, at edge and random displacements.
 * as builds the bundles, objdump reads them back; our codec must agree on the
 * template, every target and tag, re-encode bit for bit, and re-target bundles
 * so that objdump sees the new target. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "support/binutils.h"

#define SEED   UINT64_C(0x1a64c0dec0ffee11)
#define VMA    UINT64_C(0x4000000000)   /* where objdump loads the raw blobs */
#define MIN21  (-(INT64_C(1) << 24))             /* -16 MiB */
#define MAX21  ((INT64_C(1) << 24) - 16)         /* +16 MiB - 16 */
#define MINTAG (-(INT64_C(1) << 12))             /* brp tag: 9 bits of bundles */
#define MAXTAG ((INT64_C(1) << 12) - 16)
#define RANDOM_DISPS 30

typedef struct iprel_form {
    const char *format;      /* what pvp_ia64_iprel_list must call it */
    const char *syntax;      /* one %s per target expression */
    uint8_t unit;
    uint8_t ntargets;        /* 2 for brp: target and tag */
    uint8_t wide;            /* 60-bit displacement (brl) */
} iprel_form;

static const iprel_form forms[] = {
    { "B1", "(p6) br.cond.sptk.few %s", PVP_IA64_UNIT_B, 1, 0 },
    { "B1", "(p7) br.wexit.spnt.many %s", PVP_IA64_UNIT_B, 1, 0 },
    { "B1", "(p63) br.wtop.dptk.few.clr %s", PVP_IA64_UNIT_B, 1, 0 },
    { "B2", "br.cloop.sptk.few %s", PVP_IA64_UNIT_B, 1, 0 },
    { "B2", "br.cexit.spnt.many %s", PVP_IA64_UNIT_B, 1, 0 },
    { "B2", "br.ctop.dpnt.few %s", PVP_IA64_UNIT_B, 1, 0 },
    { "B3", "(p1) br.call.sptk.many b1=%s", PVP_IA64_UNIT_B, 1, 0 },
    { "B6", "brp.sptk %s,%s", PVP_IA64_UNIT_B, 2, 0 },
    { "B6", "brp.loop.imp %s,%s", PVP_IA64_UNIT_B, 2, 0 },
    { "X3", "(p5) brl.cond.sptk.many %s", PVP_IA64_UNIT_X, 1, 1 },
    { "X4", "brl.call.dptk.few b2=%s", PVP_IA64_UNIT_X, 1, 1 },
    { "M20", "(p2) chk.s.m r5,%s", PVP_IA64_UNIT_M, 1, 0 },
    { "M21", "chk.s f6,%s", PVP_IA64_UNIT_M, 1, 0 },
    { "M22", "chk.a.nc r7,%s", PVP_IA64_UNIT_M, 1, 0 },
    { "M22", "(p3) chk.a.clr r127,%s", PVP_IA64_UNIT_M, 1, 0 },
    { "M23", "chk.a.nc f9,%s", PVP_IA64_UNIT_M, 1, 0 },
    { "M23", "chk.a.clr f127,%s", PVP_IA64_UNIT_M, 1, 0 },
    { "I20", "(p4) chk.s.i r11,%s", PVP_IA64_UNIT_I, 1, 0 },
    { "F14", "fchkf.s1 %s", PVP_IA64_UNIT_F, 1, 0 },
};
#define NFORMS (sizeof forms / sizeof forms[0])

/* A form placed in a template and slot. */
typedef struct placement {
    uint8_t form, tmpl, slot;
} placement;

/* One assembled bundle: a placement and its displacements (bytes). */
typedef struct iprel_case {
    placement at;
    int64_t disp, tagdisp;
} iprel_case;

static uint64_t rng = SEED;

static const char *nop_of(unsigned unit)
{
    switch (unit) {
    case PVP_IA64_UNIT_M: return "nop.m 0";
    case PVP_IA64_UNIT_I: return "nop.i 0";
    case PVP_IA64_UNIT_F: return "nop.f 0";
    case PVP_IA64_UNIT_B: return "nop.b 0";
    default: return "nop.x 0";
    }
}

/* "K7+0x10" or "K7-0x10": as resolves label+constant in the same section. */
static void target_expr(char *out, size_t n, unsigned label, int64_t disp)
{
    uint64_t mag = disp < 0 ? 0 - (uint64_t)disp : (uint64_t)disp;
    snprintf(out, n, "K%u%c0x%" PRIx64, label, disp < 0 ? '-' : '+', mag);
}

/* One source line: "K<label>: { .mib; nop.m 0; nop.i 0 ;; br... }" and a filler. */
static int bundle_line(char *out, size_t n, unsigned label, const iprel_case *c)
{
    const pvp_ia64_template *t = pvp_ia64_template_info(c->at.tmpl);
    const iprel_form *f = &forms[c->at.form];
    char tgt[64], tag[64], insn[160];
    target_expr(tgt, sizeof tgt, label, c->disp);
    target_expr(tag, sizeof tag, label, c->tagdisp);
    snprintf(insn, sizeof insn, f->syntax, tgt, tag);
    int len = snprintf(out, n, "K%u: { .", label);
    for (int s = 0; s < 3; s++)
        len += snprintf(out + len, n - len, "%c", pvp_ia64_unit_name(t->units[s])[0] | 0x20);
    for (unsigned s = 0; s < 3; s++) {
        if (t->units[s] == PVP_IA64_UNIT_L)
            continue;
        len += snprintf(out + len, n - len, "; %s%s", s == c->at.slot ? insn : nop_of(t->units[s]),
                        t->stops & (1u << s) ? " ;;" : "");
    }
    /* A stop-ending filler ends the instruction group: without it as checks
     * dependencies across the whole file, which is quadratic and floods warnings. */
    return len + snprintf(out + len, n - len, " } { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
}

/* Assemble the cases, one line each after a ".text" line: case i is bundle 2i. */
static int assemble_cases(const iprel_case *cases, size_t n, tas_object *obj, char **msgs)
{
    size_t cap = (n + 2) * 320;
    char *src = malloc(cap);
    size_t len = (size_t)snprintf(src, cap, ".text\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)bundle_line(src + len, cap - len, (unsigned)i, &cases[i]);
    size_t errsz = 1 << 22;
    *msgs = malloc(errsz);
    int rc = tas_assemble(src, NULL, obj, *msgs, errsz);
    free(src);
    return rc;
}

static int64_t random_disp(int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) / 16 + 1;
    return lo + (int64_t)(tas_rand(&rng) % span) * 16;
}

static int64_t random_wide_disp(void)
{
    return (int64_t)(tas_rand(&rng) & ~UINT64_C(15));
}

/* Edge and random displacements of a form. */
static size_t displacements(const iprel_form *f, int64_t *out)
{
    static const int64_t edges21[] = { 0, 16, -16, MIN21, MAX21, MIN21 + 16, MAX21 - 16 };
    static const int64_t edges60[] = {
        MAX21 + 16, MIN21 - 16, INT64_C(1) << 40, -(INT64_C(1) << 40),
        INT64_MAX & ~INT64_C(15), INT64_MIN,
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof edges21 / sizeof edges21[0]; i++)
        out[n++] = edges21[i];
    for (int i = 0; i < RANDOM_DISPS; i++)
        out[n++] = random_disp(MIN21, MAX21);
    if (f->wide) {
        for (size_t i = 0; i < sizeof edges60 / sizeof edges60[0]; i++)
            out[n++] = edges60[i];
        for (int i = 0; i < RANDOM_DISPS; i++)
            out[n++] = random_wide_disp();
    }
    return n;
}

static int64_t tag_disp(size_t i)
{
    static const int64_t edges[] = { 0, 16, -16, MINTAG, MAXTAG };
    return i < 5 ? edges[i] : random_disp(MINTAG, MAXTAG);
}

/* Index of a slot among the instructions objdump prints (MLX prints two). */
static int text_index(unsigned tmpl, unsigned slot)
{
    const pvp_ia64_template *t = pvp_ia64_template_info(tmpl);
    return t->units[1] == PVP_IA64_UNIT_L && slot == 2 ? 1 : (int)slot;
}

/* Pass 1: every form in every valid template and non-L slot, displacement 0;
 * keep the placements as accepts (errors name their line). */
static size_t accepted_placements(placement *out)
{
    iprel_case *cand = calloc(NFORMS * 32 * 3, sizeof *cand);
    size_t n = 0;
    for (unsigned t = 0; t < 32; t++) {
        const pvp_ia64_template *ti = pvp_ia64_template_info(t);
        for (unsigned s = 0; s < 3 && !ti->reserved; s++)
            for (unsigned f = 0; f < NFORMS && ti->units[s] != PVP_IA64_UNIT_L; f++)
                cand[n++].at = (placement){ (uint8_t)f, (uint8_t)t, (uint8_t)s };
    }
    tas_object obj = { 0 };
    char *msgs;
    assemble_cases(cand, n, &obj, &msgs);
    tas_free(&obj);
    unsigned char *bad = calloc(n + 3, 1);
    int rejected = tas_error_lines(msgs, bad, (int)n + 3);
    cr_assert_gt(rejected, 0, "as rejected no placement at all: %s", msgs);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!bad[i + 2])                    /* candidate i is on line i + 2 */
            out[kept++] = cand[i].at;
    printf("iprel differential: %zu candidate placements, GNU as accepts %zu\n", n, kept);
    free(bad);
    free(msgs);
    free(cand);
    return kept;
}

/* as accepts a form only where the template gives the slot the form's unit:
 * this checks our template table against as's idea of each template. */
static void check_placements_match_units(const placement *p, size_t n)
{
    unsigned per_form[NFORMS] = { 0 };
    for (size_t i = 0; i < n; i++) {
        const pvp_ia64_template *t = pvp_ia64_template_info(p[i].tmpl);
        cr_expect_eq(t->units[p[i].slot], forms[p[i].form].unit,
                     "as accepted '%s' in slot %u of template %02x whose unit we think is %s",
                     forms[p[i].form].syntax, p[i].slot, p[i].tmpl,
                     pvp_ia64_unit_name(t->units[p[i].slot]));
        per_form[p[i].form]++;
    }
    for (size_t f = 0; f < NFORMS; f++)
        cr_expect_gt(per_form[f], 0, "no placement accepted for '%s'", forms[f].syntax);
}

static size_t build_cases(const placement *p, size_t np, iprel_case *out)
{
    size_t n = 0;
    int64_t d[128];
    for (size_t i = 0; i < np; i++) {
        size_t nd = displacements(&forms[p[i].form], d);
        for (size_t k = 0; k < nd; k++)
            out[n++] = (iprel_case){ p[i], d[k], tag_disp(k) };
    }
    return n;
}

typedef struct counters {
    size_t bundles, targets, retargets, rejects;
} counters;

/* (a) and (b): template, stops, targets and re-encoding of assembled bundle i. */
static void check_assembled(const iprel_case *c, const uint8_t *bytes, const tas_bundle *od,
                            uint64_t ip, counters *n)
{
    const iprel_form *f = &forms[c->at.form];
    pvp_ia64_bundle b;
    cr_assert_eq(pvp_ia64_bundle_unpack(bytes, &b), PVP_OK);
    cr_assert_eq(b.tmpl, c->at.tmpl, "as chose template %02x for a .%s bundle meant as %02x",
                 b.tmpl, od->tmpl, c->at.tmpl);
    const pvp_ia64_template *t = pvp_ia64_template_info(b.tmpl);
    char name[4] = { 0 };
    for (int s = 0; s < 3; s++)
        name[s] = pvp_ia64_unit_name(t->units[s])[0];
    cr_assert_str_eq(name, od->tmpl, "template %02x at %#" PRIx64, b.tmpl, ip);
    for (unsigned s = 0; s < 3; s++) {
        if (t->units[s] == PVP_IA64_UNIT_L)
            continue;
        int has_stop = tas_insn_has_stop(od->insn[text_index(b.tmpl, s)]);
        cr_assert_eq(has_stop, !!(t->stops & (1u << s)), "stop after slot %u of %02x", s, b.tmpl);
    }

    pvp_ia64_iprel ops[2];
    for (unsigned s = 0; s < 3; s++) {
        unsigned k = pvp_ia64_iprel_list(&b, s, ip, ops);
        cr_assert_eq(k, s == c->at.slot ? f->ntargets : 0u, "slot %u of '%s' at %#" PRIx64,
                     s, od->insn[text_index(b.tmpl, s)], ip);
    }
    unsigned k = pvp_ia64_iprel_list(&b, c->at.slot, ip, ops);
    const char *text = od->insn[text_index(b.tmpl, c->at.slot)];
    for (unsigned i = 0; i < k; i++) {
        uint64_t theirs;
        cr_assert_eq(tas_insn_target(text, (int)i, &theirs), 0, "no target %u in '%s'", i, text);
        cr_assert_str_eq(ops[i].form, f->format, "'%s'", text);
        cr_assert_eq(ops[i].kind, i ? PVP_IA64_K_TAG : PVP_IA64_K_TARGET);
        cr_assert_eq(ops[i].target, theirs, "'%s' at %#" PRIx64 ": we read %#" PRIx64,
                     text, ip, ops[i].target);
        uint64_t meant = ip + (uint64_t)(i ? c->tagdisp : c->disp);
        cr_assert_eq(theirs, meant, "as/objdump disagree with the source on '%s'", text);
        n->targets++;
    }
    uint8_t again[16];
    cr_assert_eq(pvp_ia64_bundle_pack(&b, again), PVP_OK);
    cr_assert_eq(memcmp(again, bytes, 16), 0, "pack(unpack(x)) != x for '%s'", text);
    n->bundles++;
}

/* Edges of an operand's range, in bytes. */
static void operand_range(const pvp_ia64_iprel *op, int64_t *lo, int64_t *hi)
{
    if (op->bits >= 60) {
        *lo = INT64_MIN;
        *hi = INT64_MAX & ~INT64_C(15);
        return;
    }
    *lo = -(INT64_C(1) << (op->bits - 1)) * 16;
    *hi = ((INT64_C(1) << (op->bits - 1)) - 1) * 16;
}

static void expect_rejected(pvp_ia64_bundle *b, unsigned slot, unsigned which, uint64_t ip,
                            uint64_t target, int status, counters *n)
{
    pvp_ia64_bundle before = *b;
    int rc = pvp_ia64_iprel_set(b, slot, which, ip, target);
    cr_assert_eq(rc, status, "target %#" PRIx64 " from %#" PRIx64 ": status %d, want %d",
                 target, ip, rc, status);
    cr_assert_eq(memcmp(&before, b, sizeof before), 0, "rejected set changed the bundle");
    n->rejects++;
}

/* (d): one bundle past each end is out of range; misaligned is refused. */
static void check_rejections(pvp_ia64_bundle *b, unsigned slot, uint64_t ip, counters *n)
{
    pvp_ia64_iprel ops[2];
    unsigned k = pvp_ia64_iprel_list(b, slot, ip, ops);
    for (unsigned i = 0; i < k; i++) {
        int64_t lo, hi;
        operand_range(&ops[i], &lo, &hi);
        if (ops[i].bits < 60) {
            expect_rejected(b, slot, i, ip, ip + (uint64_t)hi + 16, PVP_E_OUT_OF_RANGE, n);
            expect_rejected(b, slot, i, ip, ip + (uint64_t)lo - 16, PVP_E_OUT_OF_RANGE, n);
        }
        expect_rejected(b, slot, i, ip, ip + 8, PVP_E_MISALIGNED, n);
        expect_rejected(b, slot, i, ip + 4, ip, PVP_E_MISALIGNED, n);
    }
}

/* (c): point every operand at a random in-range target; returns the targets. */
static unsigned retarget(pvp_ia64_bundle *b, unsigned slot, uint64_t ip, uint64_t want[2],
                         counters *n)
{
    pvp_ia64_iprel ops[2];
    unsigned k = pvp_ia64_iprel_list(b, slot, ip, ops);
    for (unsigned i = 0; i < k; i++) {
        int64_t lo, hi;
        operand_range(&ops[i], &lo, &hi);
        int64_t d = ops[i].bits >= 60 ? random_wide_disp() : random_disp(lo, hi);
        want[i] = ip + (uint64_t)d;
        cr_assert_eq(pvp_ia64_iprel_set(b, slot, i, ip, want[i]), PVP_OK,
                     "%s: set displacement %" PRId64, ops[i].form, d);
        n->retargets++;
    }
    cr_assert_eq(pvp_ia64_iprel_list(b, slot, ip, ops), k);
    for (unsigned i = 0; i < k; i++)
        cr_assert_eq(ops[i].target, want[i], "%s reads back a different target", ops[i].form);
    return k;
}

Test(iprel_diff, every_form_template_slot_and_displacement_agrees_with_objdump)
{
    placement *places = calloc(NFORMS * 32 * 3, sizeof *places);
    size_t np = accepted_placements(places);
    check_placements_match_units(places, np);

    iprel_case *cases = calloc(np * 128, sizeof *cases);
    size_t n = build_cases(places, np, cases);
    tas_object obj;
    char *msgs;
    cr_assert_eq(assemble_cases(cases, n, &obj, &msgs), 0, "as failed on accepted placements:\n%.2000s", msgs);
    free(msgs);
    cr_assert_eq(obj.size, n * 32, "expected a bundle and a filler per case");

    /* The assembled bundles, then the same bundles re-targeted by the codec. */
    uint8_t *blob = malloc(2 * obj.size);
    memcpy(blob, obj.bytes, obj.size);
    memcpy(blob + obj.size, obj.bytes, obj.size);
    uint64_t (*want)[2] = calloc(n, sizeof *want);
    counters cnt = { 0 };
    for (size_t i = 0; i < n; i++) {
        uint64_t ip = VMA + obj.size + 32 * i;
        pvp_ia64_bundle b;
        pvp_ia64_bundle_unpack(obj.bytes + 32 * i, &b);
        check_rejections(&b, cases[i].at.slot, ip, &cnt);
        retarget(&b, cases[i].at.slot, ip, want[i], &cnt);
        cr_assert_eq(pvp_ia64_bundle_pack(&b, blob + obj.size + 32 * i), PVP_OK);
    }

    int max = (int)(4 * n + 8);
    tas_bundle *od = calloc((size_t)max, sizeof *od);
    int got = tas_objdump_mem(blob, 2 * obj.size, VMA, od, max);
    cr_assert_eq(got, (int)(4 * n), "objdump printed %d bundles", got);
    for (size_t i = 0; i < n; i++) {
        check_assembled(&cases[i], obj.bytes + 32 * i, &od[2 * i], VMA + 32 * i, &cnt);
        const tas_bundle *mod = &od[2 * n + 2 * i];
        const char *text = mod->insn[text_index(cases[i].at.tmpl, cases[i].at.slot)];
        for (unsigned k = 0; k < forms[cases[i].at.form].ntargets; k++) {
            uint64_t theirs;
            cr_assert_eq(tas_insn_target(text, (int)k, &theirs), 0, "'%s'", text);
            cr_assert_eq(theirs, want[i][k], "re-targeted '%s': objdump sees %#" PRIx64
                         ", we wrote %#" PRIx64, text, theirs, want[i][k]);
        }
    }
    printf("iprel differential: %zu cases (%zu forms x %zu placements in templates x slots x "
           "displacements; seed %#" PRIx64 "): %zu bundles, %zu targets read, %zu re-targeted, "
           "%zu rejections; all agree with objdump\n",
           cnt.bundles + cnt.retargets + cnt.rejects, NFORMS, np, SEED, cnt.bundles,
           cnt.targets, cnt.retargets, cnt.rejects);
    free(od);
    free(want);
    free(blob);
    tas_free(&obj);
    free(cases);
    free(places);
}
