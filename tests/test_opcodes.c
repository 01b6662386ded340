/* The instruction table: self-consistency (rows disjoint, masks, fields in
 * their slot and clear of each other), and agreement with GNU binutils on a
 * list of samples that reaches every row: GNU as encodes each sample, and our
 * decoding printed by pvp_ia64_print must say what objdump says. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "arch/ia64/formats.h"
#include "support/binutils.h"

#define VMA UINT64_C(0x100000)

static int units_intersect(unsigned a, unsigned b)
{
    if (a == b)
        return 1;
    if (a == PVP_IA64_UNIT_A)
        return b == PVP_IA64_UNIT_M || b == PVP_IA64_UNIT_I;
    if (b == PVP_IA64_UNIT_A)
        return a == PVP_IA64_UNIT_M || a == PVP_IA64_UNIT_I;
    return 0;
}

Test(opcodes, no_two_rows_of_a_unit_match_the_same_bits)
{
    size_t n, clashes = 0;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            /* Some slot matches both iff they agree wherever both masks look. */
            if (!units_intersect(t[i].unit, t[j].unit) ||
                (t[i].mask & t[j].mask & (t[i].match ^ t[j].match)) != 0)
                continue;
            clashes++;
            cr_expect_fail("rows overlap: '%s' (%s) and '%s' (%s)", t[i].syntax,
                           pvp_ia64_unit_name(t[i].unit), t[j].syntax, pvp_ia64_unit_name(t[j].unit));
        }
    printf("opcodes: %zu rows, %zu pairs checked for overlap, %zu overlap\n", n, n * (n - 1) / 2, clashes);
}

Test(opcodes, match_within_mask_within_41_bits)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(t[i].match & ~t[i].mask, 0, "'%s': match has bits outside its mask", t[i].syntax);
        cr_expect_eq(t[i].mask & ~PVP_IA64_SLOT_MASK, 0, "'%s': mask beyond 41 bits", t[i].syntax);
        cr_expect_eq(t[i].mask >> 37 & 15, 15, "'%s': mask must include the major opcode", t[i].syntax);
        cr_expect_neq(t[i].unit, PVP_IA64_UNIT_NONE, "'%s'", t[i].syntax);
        cr_expect_neq(t[i].unit, PVP_IA64_UNIT_L, "'%s'", t[i].syntax);
    }
}

/* The bits a field occupies in the slot (in_l = 0) or in the L slot (in_l = 1). */
static uint64_t field_bits(const pvp_ia64_field *f, int in_l)
{
    uint64_t bits = 0;
    for (unsigned p = 0; p < f->npieces; p++)
        if (f->piece[p].in_l == in_l)
            bits |= ((UINT64_C(1) << f->piece[p].width) - 1) << f->piece[p].lsb;
    return bits;
}

Test(opcodes, format_fields_lie_in_41_bits_and_never_overlap)
{
    size_t n;
    const pvp_ia64_format *fmts = pvp_ia64_formats(&n);
    for (size_t i = 0; i < n; i++) {
        const pvp_ia64_format *fm = &fmts[i];
        uint64_t used[2] = { fm->has_qp ? UINT64_C(0x3f) : 0, 0 };
        cr_expect_leq(fm->nfields, PVP_IA64_MAX_FIELDS);
        for (unsigned k = 0; k < fm->nfields; k++) {
            const pvp_ia64_field *f = &fm->field[k];
            unsigned width = 0;
            cr_expect(f->npieces > 0 && f->npieces <= PVP_IA64_MAX_PIECES, "%s.%c", fm->name, f->tag);
            for (unsigned p = 0; p < f->npieces; p++) {
                const pvp_ia64_piece *pc = &f->piece[p];
                cr_expect(pc->width > 0 && pc->lsb + pc->width <= 41,
                          "%s field %c piece %u: bits %u..%u", fm->name, f->tag, p, pc->lsb,
                          pc->lsb + pc->width - 1);
                width += pc->width;
            }
            cr_expect_leq(width + f->shift, 64, "%s field %c too wide", fm->name, f->tag);
            for (int l = 0; l < 2; l++) {
                uint64_t bits = field_bits(f, l);
                cr_expect_eq(bits & used[l], 0, "%s field %c overlaps another field%s", fm->name,
                             f->tag, l ? " in the L slot" : (fm->has_qp && (bits & 0x3f) ? " or qp" : ""));
                used[l] |= bits;
            }
            for (unsigned k2 = 0; k2 < k; k2++)
                cr_expect_neq(fm->field[k2].tag, f->tag, "%s has two fields %c", fm->name, f->tag);
        }
    }
}

/* Does a syntax string print field `tag`? */
static int prints_field(const char *syntax, char tag)
{
    for (const char *p = syntax; (p = strchr(p, '%')) != NULL; p += 2)
        if (p[1] == tag)
            return 1;
    return 0;
}

/* A row's selector bits may fix a field only where its syntax does not print
 * that field (mov b1=r2 is the mov to br whose hint is none and whose tag is
 * not shown; fabs is fmerge.s with f2 = f0); aliases may also fix the qp. */
static void check_selectors(const pvp_ia64_opcode *t, size_t n, int aliases)
{
    for (size_t i = 0; i < n; i++) {
        const pvp_ia64_format *fm = pvp_ia64_opcode_format(&t[i]);
        if (fm->has_qp && !aliases)
            cr_expect_eq(t[i].mask & 0x3f, 0, "'%s': mask covers the qp bits", t[i].syntax);
        for (unsigned k = 0; k < fm->nfields; k++)
            if (prints_field(t[i].syntax, fm->field[k].tag))
                cr_expect_eq(t[i].mask & field_bits(&fm->field[k], 0), 0,
                             "'%s': field %c lies on selector bits %#" PRIx64, t[i].syntax,
                             fm->field[k].tag, t[i].mask & field_bits(&fm->field[k], 0));
        /* Every %x of the syntax names a field of the format. */
        for (const char *p = t[i].syntax; (p = strchr(p, '%')) != NULL; p += 2)
            cr_expect_not_null(pvp_ia64_format_field(fm, p[1]), "'%s': no field %c in %s",
                               t[i].syntax, p[1], fm->name);
    }
}

Test(opcodes, selector_bits_never_fix_a_printed_field)
{
    size_t n, na;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n), *a = pvp_ia64_aliases(&na);
    check_selectors(t, n, 0);
    check_selectors(a, na, 1);
}

/* Each alias lies inside exactly one row, with that row's unit and format:
 * it is another spelling of that row, never of two. */
Test(opcodes, every_alias_lies_inside_one_row)
{
    size_t n, na;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n), *a = pvp_ia64_aliases(&na);
    for (size_t i = 0; i < na; i++) {
        size_t inside = 0, touching = 0;
        for (size_t r = 0; r < n; r++) {
            if (a[i].unit != t[r].unit)
                continue;
            touching += (a[i].mask & t[r].mask & (a[i].match ^ t[r].match)) == 0;
            if ((a[i].mask & t[r].mask) == t[r].mask && (a[i].match & t[r].mask) == t[r].match) {
                inside++;
                cr_expect_eq(a[i].format, t[r].format, "alias '%s' of '%s': other format",
                             a[i].syntax, t[r].syntax);
            }
        }
        cr_expect_eq(inside, 1, "alias '%s' lies inside %zu rows", a[i].syntax, inside);
        cr_expect_eq(touching, 1, "alias '%s' meets %zu rows", a[i].syntax, touching);
        cr_expect_eq(a[i].match & ~a[i].mask, 0, "'%s': match outside its mask", a[i].syntax);
    }
}

/* ---- The generated index --------------------------------------------------- */

/* The reference lookup: the one row of the table matching the bits, by a
 * scan of every row, and its completers not reserved. */
static const pvp_ia64_opcode *scan_lookup(unsigned unit, uint64_t bits)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    for (size_t i = 0; i < n; i++) {
        if (!units_intersect(t[i].unit, unit) || (bits & t[i].mask) != t[i].match)
            continue;
        const pvp_ia64_format *fmt = pvp_ia64_opcode_format(&t[i]);
        for (unsigned k = 0; k < fmt->nfields; k++)
            if (pvp_ia64_kind_reserved(fmt->field[k].kind, pvp_ia64_field_get(&fmt->field[k], bits, 0)))
                return NULL;
        return &t[i];
    }
    return NULL;
}

Test(opcodes, index_is_current_and_finds_every_row_by_its_bits)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    cr_assert_eq(pvp_ia64_index_nrows, n, "src/arch/ia64/opindex.c is stale: run make ia64-index");
    for (size_t i = 0; i < n; i++) {
        unsigned units[2] = { t[i].unit, t[i].unit };
        if (t[i].unit == PVP_IA64_UNIT_A) {
            units[0] = PVP_IA64_UNIT_M;
            units[1] = PVP_IA64_UNIT_I;
        }
        for (int u = 0; u < 2; u++) {
            uint64_t bits = t[i].match;
            /* Reserved completer values make a row's bare match unknown: give
             * each completer field its first named value. */
            const pvp_ia64_format *fmt = pvp_ia64_opcode_format(&t[i]);
            for (unsigned k = 0; k < fmt->nfields; k++)
                for (uint64_t v = 0; pvp_ia64_kind_reserved(fmt->field[k].kind,
                                                            pvp_ia64_field_get(&fmt->field[k], bits, 0)); v++)
                    pvp_ia64_field_set(&fmt->field[k], &bits, NULL, v);
            cr_expect_eq(pvp_ia64_lookup(units[u], bits), &t[i], "'%s' (%s) not found by its own bits",
                         t[i].syntax, pvp_ia64_unit_name(units[u]));
        }
    }
}

/* The index against the scan on random slots of every unit: a slot of
 * random bits, or a row's match with random operands. */
Test(opcodes, index_agrees_with_a_scan_of_the_table)
{
    static const unsigned units[] = { PVP_IA64_UNIT_M, PVP_IA64_UNIT_I, PVP_IA64_UNIT_F,
                                      PVP_IA64_UNIT_B, PVP_IA64_UNIT_X };
    size_t n, known = 0, tries = 400000;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    uint64_t rng = UINT64_C(0x5eed0fba5e1dea11);
    for (size_t i = 0; i < tries; i++) {
        unsigned unit = units[i % 5];
        uint64_t bits = tas_rand(&rng) & PVP_IA64_SLOT_MASK;
        if (i & 8) {
            const pvp_ia64_opcode *op = &t[tas_rand(&rng) % n];
            bits = (bits & ~op->mask) | op->match;
        }
        const pvp_ia64_opcode *want = scan_lookup(unit, bits), *got = pvp_ia64_lookup(unit, bits);
        known += want != NULL;
        if (got != want)
            cr_expect_fail("%s slot %#" PRIx64 ": index finds '%s', the scan '%s'",
                           pvp_ia64_unit_name(unit), bits, got ? got->syntax : "nothing",
                           want ? want->syntax : "nothing");
    }
    printf("opcodes: index and scan agree on %zu random slots (%zu instructions)\n", tries, known);
}

/* ---- Agreement with GNU as and objdump ---------------------------------- */

/* A sample line and the unit of the slot it goes in (A: an M slot, and again
 * an I slot). Braces expand: "ld{1|8} r1=[r2]" is two samples. Relative
 * targets are written ".+N": as resolves them in the section. */
typedef struct sample {
    char unit;
    const char *text;
} sample;

static const sample samples[] = {
    /* B unit */
    { 'B', "break.b 0x1ffff" }, { 'B', "{cover|clrrrb|clrrrb.pr|rfi|bsw.0|bsw.1|epc|vmsw.0|vmsw.1}" },
    { 'B', "(p3) br.cond.dptk.many b6" }, { 'B', "br.many b6" }, { 'B', "br.few.clr b2" },
    { 'B', "br.ia.{sptk.few|dpnt.many.clr} b3" },
    { 'B', "(p1) br.ret.{sptk.many|spnt.few.clr} b0" },
    { 'B', "br.call.{spnt.few.clr|sptk.many|dptk.few|dpnt.many} b1=b2" },
    { 'B', "nop.b 0x12345" },
    { 'B', "brp.{sptk|dptk}{|.imp} b6,.+0x20" }, { 'B', "brp.ret.{sptk|dptk}{|.imp} b0,.+0x100" },
    { 'B', "(p4) br.cond.{sptk|spnt|dptk|dpnt}.{few|many}{|.clr} .+0x100" },
    { 'B', "br.{few|many}{|.clr} .-0x40" },
    { 'B', "(p5) br.wexit.sptk.many .-0x10" }, { 'B', "(p6) br.wtop.dptk.few .+0x30" },
    { 'B', "br.cloop.dpnt.many .+0x40" }, { 'B', "br.cexit.sptk.few .-0x40" },
    { 'B', "br.ctop.spnt.many.clr .+0" }, { 'B', "br.call.sptk.many b0=.+0x1000" },
    { 'B', "brp.{sptk|loop|dptk|exit}{|.imp} .+0x200,.+0x10" },
    /* M unit, system */
    { 'M', "break.m 0x1fffff" }, { 'M', "nop.m 0x0" }, { 'M', "hint.m 0x3" }, { 'M', "mov dahr2=45" },
    { 'M', "{invala|fwb|srlz.d|srlz.i|mf|mf.a|sync.i|loadrs|flushrs}" },
    { 'M', "invala.e {r3|f4}" }, { 'M', "{sum|rum|ssm|rsm} 0x7" }, { 'M', "rsm 0xffffff" },
    { 'M', "mov.m ar.{ccv|k5}={-3|127}" },
    { 'M', "chk.a.{nc|clr} r9,.+0x20" }, { 'M', "chk.a.{nc|clr} f11,.-0x30" },
    { 'M', "mov {rr|dbr|ibr|pkr|pmc|pmd|msr}[r3]=r4" },
    { 'M', "ptc.{l|g|ga} r15,r16" }, { 'M', "ptr.{d|i} r21,r22" },
    { 'M', "itr.d dtr[r25]=r26" }, { 'M', "itr.i itr[r27]=r28" },
    { 'M', "mov r29={rr|dbr|ibr|pkr|pmc|pmd|msr|cpuid|dahr}[r30]" },
    { 'M', "probe.{r|w} r1=r2,{3|r4}" }, { 'M', "probe.{rw|r|w}.fault r3,2" },
    { 'M', "{thash|ttag|tpa|tak} r43=r44" },
    { 'M', "mov r51=psr.um" }, { 'M', "mov.m r52=ar.{itc|bsp|k7}" }, { 'M', "mov r53=cr.{ifa|iib1}" },
    { 'M', "mov r55=cr72" }, { 'M', "mov r56=psr" }, { 'M', "mov psr.um=r57" },
    { 'M', "mov.m ar.{unat|eflag|ruc}=r58" }, { 'M', "mov cr.{itir|tpr|lrr1}=r60" },
    { 'M', "mov psr.l=r62" }, { 'M', "itc.{d|i} r63" }, { 'M', "fc{|.i} r65" }, { 'M', "ptc.e r67" },
    { 'M', "(p8) chk.s.m r68,.+0x50" }, { 'M', "chk.s f69,.-0x50" },
    { 'M', "alloc r32=ar.pfs,2,3,4,8" }, { 'M', "alloc r40=ar.pfs,0,96,0,0" },
    /* M unit, integer memory */
    { 'M', "ld{1|2|4|8} r1=[r2]" }, { 'M', "ld8{|.s|.a|.sa|.bias|.acq|.c.clr|.c.nc|.c.clr.acq} r3=[r4]" },
    { 'M', "ld4{|.s|.a|.sa|.bias|.acq|.c.clr|.c.nc|.c.clr.acq}.nt1 r5=[r6],r7" },
    { 'M', "ld2{|.s|.a|.sa|.bias|.acq|.c.clr|.c.nc|.c.clr.acq}.nta r8=[r9],-256" },
    { 'M', "ld8.{d2|d5|d7} r10=[r11]" }, { 'M', "ld1.acq r12=[r13],255" },
    { 'M', "ld8.fill{|.nta} r19=[r20]{|,r21|,-8}" },
    { 'M', "st{1|2|4|8}{|.rel}{|.nta} [r27]=r28" }, { 'M', "st8.{d1|d6} [r29]=r30" },
    { 'M', "st{1|8}{|.rel}{|.nta} [r31]=r32,{-256|16}" }, { 'M', "st8.spill{|.nta} [r35]=r36{|,-16}" },
    { 'M', "cmpxchg{1|2|4|8}.{acq|rel}{|.nt1} r1=[r2],r3,ar.ccv" }, { 'M', "xchg{1|8}{|.nta} r4=[r5],r6" },
    { 'M', "fetchadd{4|8}.{acq|rel} r7=[r8],{-16|-1|1|4|8}" }, { 'M', "getf.{sig|exp|s|d} r9=f10" },
    { 'M', "cmp8xchg16.{acq|rel} r11=[r12],r13,ar.csd,ar.ccv" },
    { 'M', "ld16{|.acq}{|.nt1} r14,ar.csd=[r15]" }, { 'M', "st16{|.rel} [r16]=r17,ar.csd" },
    /* M unit, floating-point memory and lfetch */
    { 'M', "ldf{e|8|s|d}{|.s|.a|.sa|.c.clr|.c.nc} f1=[r2]" },
    { 'M', "ldf{e|d}{|.s|.a|.sa|.c.clr|.c.nc}.nta f3=[r4],r5" },
    { 'M', "ldf{8|s}{|.s|.a|.sa|.c.clr|.c.nc} f6=[r7],-32" },
    { 'M', "ldfp{8|s|d}{|.s|.a|.sa|.c.clr|.c.nc} f8,f9=[r10]" },
    { 'M', "ldfps{|.s|.a|.sa|.c.clr|.c.nc} f11,f12=[r13],8" },
    { 'M', "ldfp{8|d}{|.s|.a|.sa|.c.clr|.c.nc}{|.nt1} f14,f15=[r16],16" },
    { 'M', "ldf.fill{|.nt1} f17=[r18]{|,r19|,16}" },
    { 'M', "stf{e|8|s|d}{|.nta} [r20]=f21{|,-8}" }, { 'M', "stf.spill{|.nta} [r22]=f23{|,16}" },
    { 'M', "lfetch{|.excl|.fault|.fault.excl}{|.nt1|.nt2|.nta} [r24]{|,r25|,64}" },
    { 'M', "lfetch.count [r26],30,-832" }, { 'M', "setf.{sig|exp|s|d} f27=r28" },
    /* I unit */
    { 'I', "break.i 0x1fffff" }, { 'I', "nop.i 0x100" }, { 'I', "hint.i 0x3" },
    { 'I', "{zxt|sxt}{1|2|4} r1=r2" }, { 'I', "czx{1|2}.{l|r} r3=r4" },
    { 'I', "mov r13=ip" }, { 'I', "mov r14=b3" }, { 'I', "mov r15=pr" },
    { 'I', "mov.i ar.{lc|ec|pfs}={r16|-128|127}" }, { 'I', "mov.i r17=ar.{pfs|lc}" },
    { 'I', "(p9) chk.s.i r16,.+0x60" }, { 'I', "mov pr.rot={-65536|0x10000}" },
    { 'I', "mov pr=r17,{0x1fffe|0x3e}" }, { 'I', "mov b4=r18" },
    { 'I', "mov.{sptk|dptk}{|.imp} b5=r19,.+0x20" }, { 'I', "mov.imp b6=r20,.+0x30" },
    { 'I', "mov.ret{|.sptk|.dptk}{|.imp} b1=r2,.+0x10" },
    { 'I', "dep r27=r28,r29,{60,4|0,16}" }, { 'I', "dep r1=-1,r2,5,6" }, { 'I', "dep r3=0,r4,63,1" },
    { 'I', "tbit.{z|z.unc|z.and|nz.and|z.or|nz.or|z.or.andcm|nz.or.andcm} p1,p2=r19,{0|63}" },
    { 'I', "tnat.{z|z.unc|z.and|nz.and|z.or|nz.or|z.or.andcm|nz.or.andcm} p3,p4=r20" },
    { 'I', "tf.{z|z.unc|z.and|nz.and|z.or|nz.or|z.or.andcm|nz.or.andcm} p5,p6={32|63}" },
    { 'I', "extr{|.u} r21=r22,{3,5|0,63|60,4}" }, { 'I', "shr{|.u} r23=r24,{7|1}" },
    { 'I', "dep.z r25=r26,{8,10|7,8}" }, { 'I', "dep.z r25=-3,{8,10|0,64}" }, { 'I', "shl r27=r28,5" },
    { 'I', "shrp r1=r2,r3,5" },
    { 'I', "pshr{2|4}{|.u} r1=r2,{r3|5}" }, { 'I', "pmpyshr2{|.u} r4=r5,r6,{0|7|15|16}" },
    { 'I', "pshl{2|4} r7=r8,{r9|5}" }, { 'I', "{popcnt|clz} r10=r11" },
    { 'I', "p{min|max}1.u r12=r13,r14" }, { 'I', "p{min|max}2 r15=r16,r17" },
    { 'I', "unpack{1|2|4}.{h|l} r18=r19,r20" }, { 'I', "mix{1|2|4}.{l|r} r21=r22,r23" },
    { 'I', "psad1 r24=r25,r26" }, { 'I', "pack2.{sss|uss} r27=r28,r29" }, { 'I', "pack4.sss r30=r31,r32" },
    { 'I', "pmpy2.{l|r} r33=r34,r35" }, { 'I', "mux1 r36=r37,{@brcst|@mix|@shuf|@alt|@rev}" },
    { 'I', "mux2 r38=r39,{0x1b|0xff}" }, { 'I', "{mpy4|mpyshl4} r40=r41,r42" },
    { 'I', "{shr|shr.u|shl} r43=r44,r45" },
    /* A unit */
    { 'A', "add r1=r2,r3{|,1}" }, { 'A', "sub r4=r5,r6{|,1}" }, { 'A', "addp4 r7=r8,r9" },
    { 'A', "{and|andcm|or|xor} r10=r11,r12" }, { 'A', "{and|andcm|or|xor|sub} r13={-3|127},r14" },
    { 'A', "shladd{|p4} r22=r23,{1|4},r24" }, { 'A', "adds r28={-8192|8191},r29" },
    { 'A', "mov r1=r2" }, { 'A', "addp4 r32={-1|0},r33" }, { 'A', "addl r34={-2097152|-1029984},r3" },
    { 'A', "mov r35={2097151|0}" },
    { 'A', "padd{1|2}{|.sss|.uuu|.uus} r1=r2,r3" }, { 'A', "psub{1|2}{|.sss|.uuu|.uus} r4=r5,r6" },
    { 'A', "{padd4|psub4} r7=r8,r9" }, { 'A', "pavg{1|2}{|.raz} r10=r11,r12" },
    { 'A', "pavgsub{1|2} r13=r14,r15" }, { 'A', "pcmp{1|2|4}.{eq|gt} r16=r17,r18" },
    { 'A', "psh{l|r}add2 r19=r20,{1|3},r21" },
    { 'A', "cmp{|4}.{lt|ltu|eq}{|.unc} p1,p2=r3,r4" },
    { 'A', "cmp{|4}.{eq|ne}.{and|or|or.andcm} p5,p6=r7,r8" },
    { 'A', "cmp{|4}.{gt|le|ge|lt}.{and|or|or.andcm} p9,p10=r0,r11" },
    { 'A', "cmp{|4}.{lt|ltu|eq}{|.unc} p12,p13={-128|5|127},r14" },
    { 'A', "cmp{|4}.{eq|ne}.{and|or|or.andcm} p15,p16=-7,r17" },
    /* F unit */
    { 'F', "break.f 0x1fffff" }, { 'F', "nop.f 0x0" }, { 'F', "hint.f 0x2" },
    { 'F', "fsetc.s0 0x36,0x50" }, { 'F', "fclrf.s1" }, { 'F', "fchkf.s2 .+0x70" },
    { 'F', "fmerge.{s|ns|se} f1=f2,f3" }, { 'F', "f{min|max|amin|amax}.s1 f4=f5,f6" },
    { 'F', "fcvt.{fx|fxu}{|.trunc}.s2 f7=f8" }, { 'F', "fcvt.xf f9=f10" },
    { 'F', "f{pack|and|andcm|or|xor} f11=f12,f13" }, { 'F', "fswap{|.nl|.nr} f14=f15,f16" },
    { 'F', "fmix.{lr|r|l} f17=f18,f19" }, { 'F', "fsxt.{r|l} f20=f21,f22" },
    { 'F', "frcpa.s0 f23,p2=f24,f25" }, { 'F', "frsqrta.s1 f26,p3=f27" },
    { 'F', "fpmerge.{s|ns|se} f1=f2,f3" }, { 'F', "fp{min|max|amin|amax}.s3 f4=f5,f6" },
    { 'F', "fpcvt.{fx|fxu}{|.trunc}.s0 f7=f8" },
    { 'F', "fpcmp.{eq|lt|le|unord|neq|nlt|nle|ord}.s1 f9=f10,f11" },
    { 'F', "fprcpa.s0 f12,p4=f13,f14" }, { 'F', "fprsqrta.s2 f15,p5=f16" },
    { 'F', "fcmp.{eq|lt|le|unord}{|.unc}.s0 p1,p2=f3,f4" }, { 'F', "fclass.m{|.unc} p5,p6=f7,{0x1ff|0x3}" },
    { 'F', "f{ma|ms|nma}{|.s|.d}.s0 f1=f2,f3,f4" }, { 'F', "fp{ma|ms|nma}.s1 f5=f6,f7,f8" },
    { 'F', "fselect f9=f10,f11,f12" }, { 'F', "xma.{l|hu|h} f13=f14,f15,f16" },
    { 'F', "f{mpy|add|sub|nmpy}{|.s|.d}.s1 f17=f18,f19" }, { 'F', "fnorm{|.s|.d}.s0 f20=f21" },
    { 'F', "fp{mpy|nmpy}.s2 f22=f23,f24" }, { 'F', "xmpy.{l|hu|h} f25=f26,f27" },
    { 'F', "{mov|fabs|fneg|fnegabs|fpabs|fpneg|fpnegabs} f28=f29" }, { 'F', "mov f30=f0" },
    /* X unit */
    { 'X', "break.x {0x3fffffffffffffff|0x123456789abcdef}" },
    { 'X', "nop.x {0x2468ace013579bd|0x0}" }, { 'X', "hint.x 0x5" },
    { 'X', "movl r8=0x123456789abcdef0" }, { 'X', "(p11) brl.cond.dptk.few .+0x100000000" },
    { 'X', "brl.{many|few.clr} .-0x80" }, { 'X', "brl.call.sptk.many b3=.-0x80" },
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

/* Rows GNU as refuses to assemble ("hint.b shouldn't be used"), given by
 * their encoding; objdump still judges their text. */
static const struct raw_sample {
    char unit;
    uint64_t slot;
} raw_samples[] = {
    { 'B', UINT64_C(2) << 37 | UINT64_C(1) << 27 | UINT64_C(0x1234) << 6 },     /* hint.b 0x1234 */
};
#define NRAW (sizeof raw_samples / sizeof raw_samples[0])

/* One bundle per sample; the sample's slot and a stop right after it (some
 * instructions must end an instruction group). */
static const struct placement {
    char unit;
    const char *bundle;      /* %s is the sample */
    unsigned tmpl;           /* the template, for raw samples */
    unsigned slot;           /* our slot number */
    int printed;             /* which of objdump's instruction lines */
} placements[] = {
    { 'M', "{ .mmi; %s ;; nop.m 0; nop.i 0 ;; }\n", 0x0b, 0, 0 },
    { 'A', "{ .mmi; %s ;; nop.m 0; nop.i 0 ;; }\n", 0x0b, 0, 0 },
    { 'I', "{ .mii; nop.m 0; %s ;; nop.i 0 ;; }\n", 0x03, 1, 1 },
    { 'F', "{ .mfi; nop.m 0; %s; nop.i 0 ;; }\n", 0x0d, 1, 1 },
    { 'B', "{ .mib; nop.m 0; nop.i 0; %s ;; }\n", 0x11, 2, 2 },
    { 'X', "{ .mlx; nop.m 0; %s ;; }\n", 0x05, 2, 1 },
    { 'a', "{ .mii; nop.m 0; %s ;; nop.i 0 ;; }\n", 0x03, 1, 1 },   /* A samples again, in an I slot */
};

static const struct placement *placement_of(char unit)
{
    for (size_t i = 0; i < sizeof placements / sizeof placements[0]; i++)
        if (placements[i].unit == unit)
            return &placements[i];
    return NULL;
}

/* A sample as assembled: its unit and text, braces expanded. */
typedef struct variant {
    char unit;
    uint8_t original;        /* the sample itself, not a predicated or I-slot copy */
    char text[96];
} variant;

typedef struct variants {
    variant *v;
    size_t n, cap;
} variants;

static void add_variant(variants *vs, char unit, int original, const char *text)
{
    if (vs->n == vs->cap)
        vs->v = realloc(vs->v, (vs->cap = vs->cap ? 2 * vs->cap : 1024) * sizeof *vs->v);
    vs->v[vs->n].unit = unit;
    vs->v[vs->n].original = (uint8_t)original;
    cr_assert_lt(strlen(text), sizeof vs->v->text, "sample too long: %s", text);
    snprintf(vs->v[vs->n++].text, sizeof vs->v->text, "%s", text);
}

/* Expand the first {a|b|...} of text (recursively the rest), adding each result. */
static void expand(variants *vs, char unit, const char *text)
{
    const char *open = strchr(text, '{');
    if (!open) {
        add_variant(vs, unit, 1, text);
        return;
    }
    const char *close = strchr(open, '}');
    cr_assert_not_null(close, "unbalanced sample %s", text);
    for (const char *alt = open + 1; alt <= close;) {
        size_t len = strcspn(alt, "|}");
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s%.*s%s", (int)(open - text), text, (int)len, alt, close + 1);
        expand(vs, unit, buf);
        alt += len + 1;
    }
}

/* The samples, each also under a qualifying predicate and A ones also in an I
 * slot; variants GNU as refuses (brp takes no predicate, br.cloop no other
 * than p0) are dropped by a first assembly, whose errors name their lines. */
static variants make_variants(size_t *originals)
{
    variants base = { 0 }, all = { 0 };
    for (size_t i = 0; i < NSAMPLES; i++)
        expand(&base, samples[i].unit, samples[i].text);
    for (size_t i = 0; i < base.n; i++) {
        const variant *v = &base.v[i];
        char text[128];
        add_variant(&all, v->unit, 1, v->text);
        if (v->text[0] != '(') {
            snprintf(text, sizeof text, "(p%zu) %s", 1 + i % 63, v->text);
            add_variant(&all, v->unit, 0, text);
        }
        if (v->unit == 'A')
            add_variant(&all, 'a', 0, v->text);
    }
    *originals = base.n;
    free(base.v);
    return all;
}

static char *variants_source(const variant *v, size_t n, const unsigned char *skip)
{
    size_t cap = n * 160 + 64, len = 0;
    char *src = malloc(cap);
    len += (size_t)snprintf(src, cap, ".text\n");
    for (size_t i = 0; i < n; i++) {
        const struct placement *p = placement_of(v[i].unit);
        cr_assert_not_null(p, "sample '%s': unit %c", v[i].text, v[i].unit);
        if (!skip || !skip[i + 2])
            len += (size_t)snprintf(src + len, cap - len, p->bundle, v[i].text);
    }
    return src;
}

/* Assemble the variants GNU as accepts; they must include every original. */
static variants assemble_variants(tas_object *obj)
{
    size_t originals;
    variants all = make_variants(&originals), ok = { 0 };
    char *err = malloc(1 << 20);
    char *src = variants_source(all.v, all.n, NULL);
    unsigned char *refused = calloc(all.n + 2, 1);
    if (tas_assemble(src, NULL, obj, err, 1 << 20) == 0)
        tas_free(obj);
    else
        tas_error_lines(err, refused, (int)all.n + 2);
    free(src);
    for (size_t i = 0; i < all.n; i++) {
        if (!refused[i + 2])
            add_variant(&ok, all.v[i].unit, all.v[i].original, all.v[i].text);
        else
            cr_assert(!all.v[i].original, "GNU as refuses sample '%s':\n%s", all.v[i].text, err);
    }
    src = variants_source(ok.v, ok.n, NULL);
    cr_assert_eq(tas_assemble(src, NULL, obj, err, 1 << 20), 0, "%s", err);
    printf("opcodes: %zu samples expand to %zu, %zu variants assembled by GNU as\n", NSAMPLES,
           originals, ok.n);
    free(src);
    free(err);
    free(refused);
    free(all.v);
    return ok;
}

/* Append the raw samples' bundles (nops around their slot) to the object's bytes. */
static size_t append_raw(tas_object *obj)
{
    obj->bytes = realloc(obj->bytes, obj->size + NRAW * 16);
    for (size_t i = 0; i < NRAW; i++) {
        const struct placement *p = placement_of(raw_samples[i].unit);
        pvp_ia64_bundle b = { (uint8_t)p->tmpl, { 0, 0, 0 } };
        for (unsigned s = 0; s < 3; s++)
            pvp_ia64_put_nop(&b, s);            /* an L slot takes none: its X does */
        b.slot[p->slot] = raw_samples[i].slot;
        cr_assert_eq(pvp_ia64_bundle_pack(&b, obj->bytes + obj->size), PVP_OK);
        obj->size += 16;
    }
    return NRAW;
}

/* objdump's text without the stop mark. */
static void strip_stop(const char *in, char *out, size_t size)
{
    snprintf(out, size, "%s", in);
    size_t n = strlen(out);
    while (n && (out[n - 1] == ';' || out[n - 1] == ' '))
        out[--n] = '\0';
}

Test(opcodes, every_row_decodes_and_prints_like_objdump)
{
    tas_object obj;
    variants v = assemble_variants(&obj);
    size_t nv = v.n;
    cr_assert_eq(obj.size, nv * 16);
    size_t nraw = append_raw(&obj);
    size_t nbundles = nv + nraw;
    tas_bundle *od = calloc(nbundles + 4, sizeof *od);
    cr_assert_eq(tas_objdump_mem(obj.bytes, obj.size, VMA, od, (int)nbundles + 4), (int)nbundles);

    size_t nrows, naliases;
    const pvp_ia64_opcode *rows = pvp_ia64_opcodes(&nrows), *aliases = pvp_ia64_aliases(&naliases);
    unsigned *hits = calloc(nrows, sizeof *hits), *alias_hits = calloc(naliases, sizeof *alias_hits);
    size_t agree = 0;
    for (size_t i = 0; i < nbundles; i++) {
        const struct placement *p = placement_of(i < nv ? v.v[i].unit : raw_samples[i - nv].unit);
        const char *what = i < nv ? v.v[i].text : "(raw sample)";
        pvp_ia64_bundle b;
        pvp_ia64_insn in;
        cr_assert_eq(pvp_ia64_bundle_unpack(obj.bytes + 16 * i, &b), PVP_OK);
        cr_assert_eq(pvp_ia64_decode(&b, p->slot, &in), PVP_OK);
        char theirs[160], ours[160];
        strip_stop(od[i].insn[p->printed], theirs, sizeof theirs);
        if (!in.op) {
            cr_expect_fail("'%s' (objdump: '%s') decodes to no row", what, theirs);
            continue;
        }
        hits[in.op - rows]++;
        const pvp_ia64_opcode *alias = pvp_ia64_alias_of(&in);
        if (alias)
            alias_hits[alias - aliases]++;
        pvp_ia64_print(&in, VMA + 16 * i, ours, sizeof ours);
        if (strcmp(ours, theirs) == 0)
            agree++;
        else
            cr_expect_fail("'%s': we print '%s' (row '%s'), objdump '%s'", what, ours,
                           alias ? alias->syntax : in.op->syntax, theirs);
    }
    char missing[8192] = "";
    size_t nmissing = 0, mlen = 0, rows_missing = 0;
    for (size_t r = 0; r < nrows + naliases; r++) {
        const pvp_ia64_opcode *op = r < nrows ? &rows[r] : &aliases[r - nrows];
        if ((r < nrows ? hits[r] : alias_hits[r - nrows]) == 0 && mlen < sizeof missing) {
            nmissing++;
            rows_missing += r < nrows;
            mlen += (size_t)snprintf(missing + mlen, sizeof missing - mlen, "\n  %s%s (%s)",
                                     r < nrows ? "" : "alias ", op->syntax, pvp_ia64_unit_name(op->unit));
        }
    }
    cr_expect_eq(nmissing, 0, "%zu rows or aliases no sample reaches:%s", nmissing, missing);
    printf("opcodes: %zu bundles (%zu raw), %zu print exactly like objdump; %zu of %zu rows and "
           "%zu of %zu aliases reached\n", nbundles, nraw, agree, nrows - rows_missing, nrows,
           naliases - (nmissing - rows_missing), naliases);
    free(v.v);
    free(hits);
    free(alias_hits);
    free(od);
    tas_free(&obj);
}
