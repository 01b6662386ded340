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

/* Lookup searches the table by (unit, major opcode): rows must stay sorted
 * by that key, and every row must be found by its own match bits. */
Test(opcodes, sorted_by_unit_and_major_opcode)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    for (size_t i = 1; i < n; i++) {
        unsigned a = t[i - 1].unit * 16 + (unsigned)(t[i - 1].match >> 37);
        unsigned b = t[i].unit * 16 + (unsigned)(t[i].match >> 37);
        cr_expect_leq(a, b, "'%s' (%s) must come before '%s' (%s)", t[i].syntax,
                      pvp_ia64_unit_name(t[i].unit), t[i - 1].syntax, pvp_ia64_unit_name(t[i - 1].unit));
    }
    for (size_t i = 0; i < n; i++) {
        unsigned unit = t[i].unit == PVP_IA64_UNIT_A ? PVP_IA64_UNIT_I : t[i].unit;
        cr_expect_eq(pvp_ia64_lookup(unit, t[i].match), &t[i], "'%s' not found by its own bits", t[i].syntax);
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

Test(opcodes, row_selector_bits_clear_of_the_row_fields)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    for (size_t i = 0; i < n; i++) {
        const pvp_ia64_format *fm = pvp_ia64_opcode_format(&t[i]);
        if (fm->has_qp)
            cr_expect_eq(t[i].mask & 0x3f, 0, "'%s': mask covers the qp bits", t[i].syntax);
        for (unsigned k = 0; k < fm->nfields; k++)
            cr_expect_eq(t[i].mask & field_bits(&fm->field[k], 0), 0,
                         "'%s': field %c lies on selector bits %#" PRIx64, t[i].syntax,
                         fm->field[k].tag, t[i].mask & field_bits(&fm->field[k], 0));
        /* Every %x of the syntax names a field of the format. */
        for (const char *p = t[i].syntax; (p = strchr(p, '%')) != NULL; p += 2)
            cr_expect_not_null(pvp_ia64_format_field(fm, p[1]), "'%s': no field %c in %s",
                               t[i].syntax, p[1], fm->name);
    }
}

/* ---- Agreement with GNU as and objdump ---------------------------------- */

/* A sample line and the unit of the slot it goes in (A: an M slot). */
typedef struct sample {
    char unit;
    const char *text;
} sample;

/* Relative targets are written ".+N": as resolves them in the section. */
static const sample samples[] = {
    { 'B', "break.b 0x1ffff" },
    { 'B', "cover" },
    { 'B', "clrrrb" },
    { 'B', "clrrrb.pr" },
    { 'B', "rfi" },
    { 'B', "bsw.0" },
    { 'B', "bsw.1" },
    { 'B', "epc" },
    { 'B', "(p3) br.cond.dptk.many b6" },
    { 'B', "br.ia.sptk.few b3" },
    { 'B', "(p1) br.ret.sptk.many b0" },
    { 'B', "br.call.spnt.few.clr b1=b2" },
    { 'B', "(p2) br.call.dpnt.many b7=b5" },
    { 'B', "nop.b 0x12345" },
    { 'B', "brp.sptk b6,.+0x20" },
    { 'B', "brp.dptk.imp b2,.+0xff0" },
    { 'B', "brp.ret.dptk b0,.+0x100" },
    { 'B', "(p4) br.cond.spnt.few.clr .+0x100" },
    { 'B', "(p5) br.wexit.sptk.many .-0x10" },
    { 'B', "(p6) br.wtop.dptk.few .+0x30" },
    { 'B', "br.cloop.dpnt.many .+0x40" },
    { 'B', "br.cexit.sptk.few .-0x40" },
    { 'B', "br.ctop.spnt.many.clr .+0" },
    { 'B', "br.call.sptk.many b0=.+0x1000" },
    { 'B', "brp.loop.imp .+0x200,.+0x10" },
    { 'M', "break.m 0x1fffff" },
    { 'M', "nop.m 0x0" },
    { 'M', "invala" },
    { 'M', "fwb" },
    { 'M', "srlz.d" },
    { 'M', "srlz.i" },
    { 'M', "mf" },
    { 'M', "mf.a" },
    { 'M', "sync.i" },
    { 'M', "sum 0x7" },
    { 'M', "rum 0xffffff" },
    { 'M', "ssm 0x6000" },
    { 'M', "rsm 0x4000" },
    { 'M', "mov.m ar.ccv=-3" },
    { 'M', "mov.m ar.k5=127" },
    { 'M', "chk.a.nc r9,.+0x20" },
    { 'M', "(p7) chk.a.clr r10,.-0x20" },
    { 'M', "chk.a.nc f11,.+0x30" },
    { 'M', "chk.a.clr f12,.-0x30" },
    { 'M', "mov rr[r3]=r4" },
    { 'M', "mov dbr[r5]=r6" },
    { 'M', "mov ibr[r7]=r8" },
    { 'M', "mov pkr[r9]=r10" },
    { 'M', "mov pmc[r11]=r12" },
    { 'M', "mov pmd[r13]=r14" },
    { 'M', "ptc.l r15,r16" },
    { 'M', "ptc.g r17,r18" },
    { 'M', "ptc.ga r19,r20" },
    { 'M', "ptr.d r21,r22" },
    { 'M', "ptr.i r23,r24" },
    { 'M', "itr.d dtr[r25]=r26" },
    { 'M', "itr.i itr[r27]=r28" },
    { 'M', "mov r29=rr[r30]" },
    { 'M', "mov r31=dbr[r32]" },
    { 'M', "mov r33=ibr[r34]" },
    { 'M', "mov r35=pkr[r36]" },
    { 'M', "mov r37=pmc[r38]" },
    { 'M', "mov r39=pmd[r40]" },
    { 'M', "mov r41=cpuid[r42]" },
    { 'M', "thash r43=r44" },
    { 'M', "ttag r45=r46" },
    { 'M', "tpa r47=r48" },
    { 'M', "tak r49=r50" },
    { 'M', "mov r51=psr.um" },
    { 'M', "mov.m r52=ar.itc" },
    { 'M', "mov r53=cr.ifa" },
    { 'M', "mov r54=cr.ivr" },
    { 'M', "mov r55=cr72" },
    { 'M', "mov r56=psr" },
    { 'M', "mov psr.um=r57" },
    { 'M', "mov.m ar.unat=r58" },
    { 'M', "mov.m ar.eflag=r59" },
    { 'M', "mov cr.itir=r60" },
    { 'M', "mov cr.tpr=r61" },
    { 'M', "mov psr.l=r62" },
    { 'M', "itc.d r63" },
    { 'M', "itc.i r64" },
    { 'M', "fc r65" },
    { 'M', "fc.i r66" },
    { 'M', "ptc.e r67" },
    { 'M', "(p8) chk.s.m r68,.+0x50" },
    { 'M', "chk.s f69,.-0x50" },
    { 'M', "ld1 r1=[r2]" },
    { 'M', "ld2.nt1 r3=[r4]" },
    { 'M', "ld4.nta r5=[r6]" },
    { 'M', "ld8 r7=[r8]" },
    { 'M', "ld8.s r9=[r10]" },
    { 'M', "ld4.a r11=[r12]" },
    { 'M', "ld2.sa r13=[r14]" },
    { 'M', "ld8.bias r15=[r16]" },
    { 'M', "ld1.acq r17=[r18]" },
    { 'M', "ld8.fill.nta r19=[r20]" },
    { 'M', "ld8.c.clr r21=[r22]" },
    { 'M', "ld4.c.nc r23=[r24]" },
    { 'M', "ld8.c.clr.acq r25=[r26]" },
    { 'M', "st1 [r27]=r28" },
    { 'M', "st2.nta [r29]=r30" },
    { 'M', "st8 [r31]=r32" },
    { 'M', "st4.rel [r33]=r34" },
    { 'M', "st8.spill [r35]=r36" },
    { 'M', "ld8 r37=[r38],r39" },
    { 'M', "ld4.acq r40=[r41],r42" },
    { 'M', "ld8 r43=[r44],8" },
    { 'M', "ld1 r45=[r46],-256" },
    { 'M', "ld2.acq r47=[r48],255" },
    { 'M', "ld8.fill r49=[r50],-8" },
    { 'M', "st8 [r51]=r52,16" },
    { 'M', "st1 [r53]=r54,-256" },
    { 'M', "st4.rel [r55]=r56,255" },
    { 'M', "st8.spill [r57]=r58,-16" },
    { 'I', "break.i 0x1fffff" },
    { 'I', "nop.i 0x100" },
    { 'I', "zxt1 r1=r2" },
    { 'I', "zxt2 r3=r4" },
    { 'I', "zxt4 r5=r6" },
    { 'I', "sxt1 r7=r8" },
    { 'I', "sxt2 r9=r10" },
    { 'I', "sxt4 r11=r12" },
    { 'I', "mov r13=ip" },
    { 'I', "mov r14=b3" },
    { 'I', "mov r15=pr" },
    { 'I', "mov.i ar.lc=r16" },
    { 'I', "mov.i ar.ec=-128" },
    { 'I', "mov.i ar.pfs=127" },
    { 'I', "mov.i r17=ar.pfs" },
    { 'I', "(p9) chk.s.i r16,.+0x60" },
    { 'I', "mov pr=r17,0x1fffe" },
    { 'I', "mov pr=r17,0x10000" },
    { 'I', "mov pr=r17,0x3e" },
    { 'I', "mov b4=r18" },
    { 'I', "tbit.z p1,p2=r19,63" },
    { 'I', "tbit.z.unc p3,p4=r20,0" },
    { 'I', "extr.u r21=r22,3,5" },
    { 'I', "extr r23=r24,0,63" },
    { 'I', "extr r23=r24,60,4" },
    { 'I', "extr.u r23=r24,1,63" },
    { 'I', "dep.z r25=r26,8,56" },
    { 'I', "dep.z r25=r26,7,8" },
    { 'I', "dep r27=r28,r29,60,4" },
    { 'I', "dep r30=r31,r32,0,16" },
    { 'A', "add r1=r2,r3" },
    { 'A', "sub r4=r5,r6" },
    { 'A', "addp4 r7=r8,r9" },
    { 'A', "and r10=r11,r12" },
    { 'A', "andcm r13=r14,r15" },
    { 'A', "or r16=r17,r18" },
    { 'A', "xor r19=r20,r21" },
    { 'A', "shladd r22=r23,4,r24" },
    { 'A', "shladd r25=r26,1,r27" },
    { 'A', "adds r28=-8192,r29" },
    { 'A', "adds r30=8191,r31" },
    { 'A', "adds r1=0,r2" },
    { 'A', "addp4 r32=-1,r33" },
    { 'A', "addl r34=-2097152,r3" },
    { 'A', "addl r35=2097151,r0" },
    { 'A', "addl r36=-1029984,r2" },     /* pieces of different values: catches a wrong piece order */
    { 'A', "addl r37=1048577,r1" },
    { 'A', "cmp.lt p1,p2=r1,r2" },
    { 'A', "cmp.ltu p3,p4=r3,r4" },
    { 'A', "cmp.eq p5,p6=r5,r6" },
    { 'A', "cmp.lt.unc p7,p8=r7,r8" },
    { 'A', "cmp.ltu.unc p9,p10=r9,r10" },
    { 'A', "cmp.eq.unc p11,p12=r11,r12" },
    { 'A', "cmp4.lt p13,p14=r13,r14" },
    { 'A', "cmp4.ltu p15,p16=r15,r16" },
    { 'A', "cmp4.eq p17,p18=r17,r18" },
    { 'A', "cmp.lt p19,p20=-128,r19" },
    { 'A', "cmp.ltu p21,p22=127,r20" },
    { 'A', "cmp.eq p23,p24=5,r21" },
    { 'A', "cmp4.lt p25,p26=-1,r22" },
    { 'A', "cmp4.ltu p27,p28=0,r23" },
    { 'A', "cmp4.eq p29,p30=100,r24" },
    { 'F', "break.f 0x1fffff" },
    { 'F', "nop.f 0x0" },
    { 'F', "fchkf.s2 .+0x70" },
    { 'F', "(p10) fchkf.s0 .-0x70" },
    { 'X', "break.x 0x3fffffffffffffff" },
    { 'X', "break.x 0x123456789abcdef" },
    { 'X', "nop.x 0x2468ace013579bd" },
    { 'X', "nop.x 0x0" },
    { 'X', "movl r8=0x123456789abcdef0" },
    { 'X', "(p11) brl.cond.dptk.few .+0x100000000" },
    { 'X', "brl.call.sptk.many b3=.-0x80" },
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

/* One bundle per sample; the sample's slot and a stop right after it (some
 * instructions must end an instruction group). */
static const struct placement {
    char unit;
    const char *bundle;      /* %s is the sample */
    unsigned slot;           /* our slot number */
    int printed;             /* which of objdump's instruction lines */
} placements[] = {
    { 'M', "{ .mmi; %s ;; nop.m 0; nop.i 0 ;; }\n", 0, 0 },
    { 'A', "{ .mmi; %s ;; nop.m 0; nop.i 0 ;; }\n", 0, 0 },
    { 'I', "{ .mii; nop.m 0; %s ;; nop.i 0 ;; }\n", 1, 1 },
    { 'F', "{ .mfi; nop.m 0; %s; nop.i 0 ;; }\n", 1, 1 },
    { 'B', "{ .mib; nop.m 0; nop.i 0; %s ;; }\n", 2, 2 },
    { 'X', "{ .mlx; nop.m 0; %s ;; }\n", 2, 1 },
    { 'a', "{ .mii; nop.m 0; %s ;; nop.i 0 ;; }\n", 1, 1 },   /* A samples again, in an I slot */
};

static const struct placement *placement_of(char unit)
{
    for (size_t i = 0; i < sizeof placements / sizeof placements[0]; i++)
        if (placements[i].unit == unit)
            return &placements[i];
    return NULL;
}

/* An instruction's text split into predicate, mnemonic parts and operands. */
#define MAXTOK 12
typedef struct insn_text {
    unsigned qp;
    char parts[8][24];       /* mnemonic split at '.' */
    int nparts;
    char ops[MAXTOK][32];    /* operands split at , = [ ] */
    int nops;
} insn_text;

static void split_text(const char *s, insn_text *out)
{
    memset(out, 0, sizeof *out);
    while (*s == ' ')
        s++;
    if (*s == '(') {                     /* "(p03) " or "(p3) " */
        out->qp = (unsigned)strtoul(s + 2, NULL, 10);
        s = strchr(s, ')') + 1;
        while (*s == ' ')
            s++;
    }
    size_t mlen = strcspn(s, " ;");
    char mn[64];
    snprintf(mn, sizeof mn, "%.*s", (int)mlen, s);
    for (char *tok = strtok(mn, "."); tok && out->nparts < 8; tok = strtok(NULL, "."))
        snprintf(out->parts[out->nparts++], sizeof out->parts[0], "%s", tok);
    char rest[160];
    snprintf(rest, sizeof rest, "%s", s + mlen);
    char *semi = strstr(rest, ";;");
    if (semi)
        *semi = '\0';
    for (char *tok = strtok(rest, " ,=[]"); tok && out->nops < MAXTOK; tok = strtok(NULL, " ,=[]"))
        snprintf(out->ops[out->nops++], sizeof out->ops[0], "%s", tok);
}

/* Numbers compare by value (objdump prints some in hex, sign-extended, where we
 * print decimal); everything else (registers, register files) by name. */
static int operands_equal(const char *a, const char *b)
{
    int num_a = isdigit((unsigned char)a[0]) || a[0] == '-';
    int num_b = isdigit((unsigned char)b[0]) || b[0] == '-';
    if (num_a != num_b)
        return 0;
    if (!num_a)
        return strcmp(a, b) == 0;
    return (uint64_t)strtoll(a, NULL, 0) == strtoull(b, NULL, 0) ||
           strtoull(a, NULL, 0) == (uint64_t)strtoll(b, NULL, 0);
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

/* Normalisation of our text to objdump's conventions:
 *  - objdump writes the alias `mov r1=r2` for `adds r1=0,r2` and `mov r1=imm`
 *    for `addl r1=imm,r0`; we print the instruction, so ours is rewritten;
 *  - objdump writes `shr r1=r3,pos` / `shr.u` for extr / extr.u and `shl r1=r2,pos`
 *    for dep.z when pos + len = 64; ours is rewritten the same way;
 *  - objdump drops completers it considers the default (`br.few` for
 *    br.cond.sptk.few): each mnemonic part objdump prints must appear in ours in
 *    order, and the parts it left out must be one of .cond .sptk .few;
 *  - operands compare one by one, numbers by value (see operands_equal); targets
 *    are absolute on both sides (objdump runs on the raw bytes at our ip). */
static void apply_aliases(insn_text *ours)
{
    int shift_alias = ours->nops == 4 &&
                      strtol(ours->ops[2], NULL, 10) + strtol(ours->ops[3], NULL, 10) == 64;
    if (shift_alias && !strcmp(ours->parts[0], "extr")) {
        snprintf(ours->parts[0], sizeof ours->parts[0], "shr");
        ours->nops = 3;
    } else if (shift_alias && !strcmp(ours->parts[0], "dep") && ours->nparts == 2 &&
               !strcmp(ours->parts[1], "z")) {
        snprintf(ours->parts[0], sizeof ours->parts[0], "shl");
        ours->nparts = 1;
        ours->nops = 3;
    }
    if (ours->nparts == 1 && !strcmp(ours->parts[0], "adds") && ours->nops == 3 &&
        strtoll(ours->ops[1], NULL, 0) == 0) {
        snprintf(ours->parts[0], sizeof ours->parts[0], "mov");
        memmove(ours->ops[1], ours->ops[2], sizeof ours->ops[1]);
        ours->nops = 2;
    } else if (ours->nparts == 1 && !strcmp(ours->parts[0], "addl") && ours->nops == 3 &&
               !strcmp(ours->ops[2], "r0")) {
        snprintf(ours->parts[0], sizeof ours->parts[0], "mov");
        ours->nops = 2;
    }
}

static int mnemonics_agree(const insn_text *ours, const insn_text *theirs)
{
    static const char *const defaults[] = { "cond", "sptk", "few", NULL };
    int j = 0;
    for (int i = 0; i < ours->nparts; i++) {
        if (j < theirs->nparts && !strcmp(ours->parts[i], theirs->parts[j]))
            j++;
        else if (i == 0 || !in_list(ours->parts[i], defaults))
            return 0;
    }
    return j == theirs->nparts;
}

static int texts_agree(const char *our_text, const char *their_text, char *why, size_t whysz)
{
    insn_text ours, theirs;
    split_text(our_text, &ours);
    split_text(their_text, &theirs);
    apply_aliases(&ours);
    if (ours.qp != theirs.qp)
        return snprintf(why, whysz, "predicate p%u vs p%u", ours.qp, theirs.qp), 0;
    if (!mnemonics_agree(&ours, &theirs))
        return snprintf(why, whysz, "mnemonic"), 0;
    if (ours.nops != theirs.nops)
        return snprintf(why, whysz, "%d operands vs %d", ours.nops, theirs.nops), 0;
    for (int i = 0; i < ours.nops; i++)
        if (!operands_equal(ours.ops[i], theirs.ops[i]))
            return snprintf(why, whysz, "operand %d: %s vs %s", i + 1, ours.ops[i], theirs.ops[i]), 0;
    return 1;
}

/* The samples, each also under a qualifying predicate and A ones also in an I
 * slot; variants GNU as refuses (brp takes no predicate, br.cloop no other
 * than p0) are dropped by a first assembly, whose errors name their lines. */
typedef struct variant {
    char unit;
    char text[96];
} variant;

static size_t make_variants(variant *out)
{
    size_t n = 0;
    for (size_t i = 0; i < NSAMPLES; i++) {
        const sample *sm = &samples[i];
        out[n].unit = sm->unit;
        snprintf(out[n++].text, sizeof out->text, "%s", sm->text);
        if (sm->text[0] != '(') {
            out[n].unit = sm->unit;
            snprintf(out[n++].text, sizeof out->text, "(p%zu) %s", 1 + i % 63, sm->text);
        }
        if (sm->unit == 'A') {
            out[n].unit = 'a';
            snprintf(out[n++].text, sizeof out->text, "%s", sm->text);
        }
    }
    return n;
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

Test(opcodes, every_row_decodes_and_prints_like_objdump)
{
    variant *all = calloc(3 * NSAMPLES, sizeof *all);
    size_t nall = make_variants(all);
    char *err = malloc(1 << 16);
    char *src = variants_source(all, nall, NULL);
    tas_object obj;
    unsigned char *refused = calloc(nall + 2, 1);
    if (tas_assemble(src, NULL, &obj, err, 1 << 16) == 0)
        tas_free(&obj);
    else
        tas_error_lines(err, refused, (int)nall + 2);
    free(src);
    /* The originals must all assemble: only variants may be refused. */
    variant *v = calloc(nall, sizeof *v);
    size_t nv = 0;
    for (size_t i = 0; i < nall; i++) {
        if (!refused[i + 2])
            v[nv++] = all[i];
        else
            for (size_t k = 0; k < NSAMPLES; k++)
                cr_assert(strcmp(samples[k].text, all[i].text) || all[i].unit == 'a',
                          "GNU as refuses sample '%s':\n%s", all[i].text, err);
    }
    src = variants_source(v, nv, NULL);
    cr_assert_eq(tas_assemble(src, NULL, &obj, err, 1 << 16), 0, "%s", err);
    free(src);
    free(err);
    free(refused);
    free(all);
    cr_assert_eq(obj.size, nv * 16);
    tas_bundle *od = calloc(nv + 4, sizeof *od);
    cr_assert_eq(tas_objdump_mem(obj.bytes, obj.size, VMA, od, (int)nv + 4), (int)nv);

    size_t nrows;
    const pvp_ia64_opcode *rows = pvp_ia64_opcodes(&nrows);
    unsigned *hits = calloc(nrows, sizeof *hits);
    size_t agree = 0;
    for (size_t i = 0; i < nv; i++) {
        const struct placement *p = placement_of(v[i].unit);
        pvp_ia64_bundle b;
        pvp_ia64_insn in;
        cr_assert_eq(pvp_ia64_bundle_unpack(obj.bytes + 16 * i, &b), PVP_OK);
        cr_assert_eq(pvp_ia64_decode(&b, p->slot, &in), PVP_OK);
        const char *theirs = od[i].insn[p->printed];
        if (!in.op) {
            cr_expect_fail("'%s' (objdump: '%s') decodes to no row", v[i].text, theirs);
            continue;
        }
        hits[in.op - rows]++;
        char ours[160], why[128];
        pvp_ia64_print(&in, VMA + 16 * i, ours, sizeof ours);
        if (texts_agree(ours, theirs, why, sizeof why))
            agree++;
        else
            cr_expect_fail("'%s': we print '%s' (row '%s'), objdump '%s': %s", v[i].text,
                           ours, in.op->syntax, theirs, why);
    }
    char missing[4096] = "";
    size_t nmissing = 0, mlen = 0;
    for (size_t r = 0; r < nrows; r++)
        if (!hits[r]) {
            nmissing++;
            mlen += (size_t)snprintf(missing + mlen, mlen < sizeof missing ? sizeof missing - mlen : 0,
                                     "\n  %s (%s)", rows[r].syntax, pvp_ia64_unit_name(rows[r].unit));
        }
    cr_expect_eq(nmissing, 0, "%zu rows no sample reaches:%s", nmissing, missing);
    printf("opcodes: %zu samples, %zu variants assembled by GNU as, %zu print like objdump, "
           "%zu of %zu rows reached\n", NSAMPLES, nv, agree, nrows - nmissing, nrows);
    free(v);
    free(hits);
    free(od);
    tas_free(&obj);
}
