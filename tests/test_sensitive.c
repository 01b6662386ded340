/* Sensitive-instruction classes on encodings GNU as produced: every class
 * of include/pvpatch/ia64.h, ordinary instructions that must stay NONE, and
 * mov r=ip as the one instruction that reads IP without a displacement. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "support/binutils.h"

#define S(cls) PVP_IA64_SENS_##cls

/* An instruction, the unit of the slot it goes in and the class it must have. */
typedef struct sens_case {
    char unit;
    const char *text;
    pvp_ia64_sensitive cls;
} sens_case;

static const sens_case cases[] = {
    { 'M', "mov r8=cr.ifa", S(MOV_FROM_CR) }, { 'M', "mov r9=cr.itir", S(MOV_FROM_CR) },
    { 'M', "mov r10=cr.isr", S(MOV_FROM_CR) }, { 'M', "mov r11=cr.iha", S(MOV_FROM_CR) },
    { 'M', "mov r12=cr.ipsr", S(MOV_FROM_CR) }, { 'M', "mov r13=cr.iim", S(MOV_FROM_CR) },
    { 'M', "mov r14=cr.iip", S(MOV_FROM_CR) }, { 'M', "mov r15=cr.ifs", S(MOV_FROM_CR) },
    { 'M', "mov r16=cr.ivr", S(MOV_FROM_CR) }, { 'M', "mov r17=cr.tpr", S(MOV_FROM_CR) },
    { 'M', "mov r18=cr.eoi", S(MOV_FROM_CR) },
    { 'M', "mov cr.ifa=r8", S(MOV_TO_CR) }, { 'M', "mov cr.itir=r9", S(MOV_TO_CR) },
    { 'M', "mov cr.isr=r10", S(MOV_TO_CR) }, { 'M', "mov cr.iha=r11", S(MOV_TO_CR) },
    { 'M', "mov cr.ipsr=r12", S(MOV_TO_CR) }, { 'M', "mov cr.iim=r13", S(MOV_TO_CR) },
    { 'M', "mov cr.iip=r14", S(MOV_TO_CR) }, { 'M', "mov cr.ifs=r15", S(MOV_TO_CR) },
    { 'M', "mov cr.tpr=r17", S(MOV_TO_CR) }, { 'M', "mov cr.eoi=r0", S(MOV_TO_CR) },
    { 'M', "mov r20=psr", S(MOV_FROM_PSR) }, { 'M', "mov psr.l=r21", S(MOV_TO_PSR_L) },
    /* psr.i is bit 14, psr.ic bit 13, psr.dt bit 17. */
    { 'M', "ssm 0x4000", S(SSM) }, { 'M', "ssm 0x2000", S(SSM) }, { 'M', "ssm 0x20000", S(SSM) },
    { 'M', "rsm 0x4000", S(RSM) }, { 'M', "rsm 0x2000", S(RSM) }, { 'M', "rsm 0x20000", S(RSM) },
    { 'M', "itc.i r22", S(ITC_I) }, { 'M', "itc.d r23", S(ITC_D) },
    { 'M', "itr.i itr[r24]=r25", S(ITR) }, { 'M', "itr.d dtr[r26]=r27", S(ITR) },
    { 'M', "ptc.l r28,r29", S(PTC_L) }, { 'M', "ptc.g r30,r31", S(PTC_G) },
    { 'M', "ptc.ga r32,r33", S(PTC_GA) }, { 'M', "ptc.e r34", S(PTC_E) },
    { 'M', "ptr.d r35,r36", S(PTR) }, { 'M', "ptr.i r37,r38", S(PTR) },
    { 'M', "thash r39=r40", S(THASH) }, { 'M', "ttag r41=r42", S(TTAG) },
    { 'M', "tpa r43=r44", S(TPA) }, { 'M', "tak r45=r46", S(TAK) },
    { 'B', "cover", S(COVER) }, { 'B', "bsw.0", S(BSW_0) }, { 'B', "bsw.1", S(BSW_1) },
    { 'B', "rfi", S(RFI) }, { 'M', "fc r47", S(FC) }, { 'M', "fc.i r48", S(FC) },
    { 'M', "mov r49=ar.itc", S(MOV_FROM_ITC) }, { 'M', "mov ar.itc=r50", S(MOV_TO_ITC) },
    { 'M', "mov ar.eflag=r51", S(MOV_EFLAG) }, { 'M', "mov r52=ar.eflag", S(MOV_EFLAG) },
    { 'M', "mov r53=cpuid[r54]", S(MOV_FROM_CPUID) }, { 'M', "mov r55=pmd[r56]", S(MOV_FROM_PMD) },
    { 'M', "mov ar.k0=r57", S(MOV_TO_KR) }, { 'M', "mov ar.k7=r58", S(MOV_TO_KR) },
    { 'M', "mov ar.k3=-128", S(MOV_TO_KR) }, { 'M', "mov ar.k5=127", S(MOV_TO_KR) },
    { 'M', "mov rr[r59]=r60", S(MOV_TO_IND) }, { 'M', "mov dbr[r61]=r62", S(MOV_TO_IND) },
    { 'M', "mov ibr[r63]=r64", S(MOV_TO_IND) }, { 'M', "mov pkr[r65]=r66", S(MOV_TO_IND) },
    { 'M', "mov pmc[r67]=r68", S(MOV_TO_IND) }, { 'M', "mov pmd[r69]=r70", S(MOV_TO_IND) },
    { 'M', "mov r71=rr[r72]", S(MOV_FROM_IND) }, { 'M', "mov r73=dbr[r74]", S(MOV_FROM_IND) },
    { 'M', "mov r75=ibr[r76]", S(MOV_FROM_IND) }, { 'M', "mov r77=pkr[r78]", S(MOV_FROM_IND) },
    { 'M', "mov r79=pmc[r80]", S(MOV_FROM_IND) },
    /* Ordinary instructions, harmless under a hypervisor. */
    { 'M', "ld8 r8=[r9]", S(NONE) }, { 'M', "st8 [r10]=r11", S(NONE) },
    { 'M', "add r12=r13,r14", S(NONE) }, { 'I', "add r12=r13,r14", S(NONE) },
    { 'M', "mov r15=ar.k3", S(NONE) }, { 'M', "mov ar.ccv=r16", S(NONE) },
    { 'M', "mov ar.unat=r17", S(NONE) }, { 'M', "mov ar.ccv=0", S(NONE) },
    { 'M', "mov r18=ar.unat", S(NONE) }, { 'M', "mov r19=psr.um", S(NONE) },
    { 'M', "sum 0x4", S(NONE) }, { 'M', "srlz.d", S(NONE) }, { 'M', "mf", S(NONE) },
    { 'B', "br.cond.sptk.many .+0x40", S(NONE) }, { 'B', "br.ret.sptk.many b0", S(NONE) },
    { 'B', "br.call.sptk.many b0=.+0x10", S(NONE) }, { 'B', "epc", S(NONE) },
    { 'X', "movl r20=0xfffffffffff00000", S(NONE) }, { 'M', "nop.m 0", S(NONE) },
    { 'I', "nop.i 0", S(NONE) }, { 'F', "nop.f 0", S(NONE) }, { 'B', "nop.b 0", S(NONE) },
    { 'X', "nop.x 0", S(NONE) }, { 'M', "break.m 0x1", S(NONE) }, { 'I', "mov r21=pr", S(NONE) },
    { 'I', "mov r22=b0", S(NONE) }, { 'I', "mov r25=ar.pfs", S(NONE) },
    { 'I', "mov ar.lc=r26", S(NONE) }, { 'I', "mov ar.ec=1", S(NONE) }, { 'I', "mov r23=ip", S(NONE) },
    { 'M', "chk.s.m r24,.+0x20", S(NONE) },
    /* Machine-specific registers are an indirect file like pmc; the rest of
     * this line and the next are ordinary. */
    { 'M', "mov msr[r27]=r28", S(MOV_TO_IND) }, { 'M', "mov r29=msr[r30]", S(MOV_FROM_IND) },
    { 'M', "probe.r r31=r32,r33", S(NONE) }, { 'M', "probe.w.fault r34,3", S(NONE) },
    { 'M', "mov r35=dahr[r36]", S(NONE) }, { 'M', "alloc r37=ar.pfs,2,3,0,0", S(NONE) },
    { 'M', "ld8.fill r38=[r39]", S(NONE) }, { 'M', "lfetch.fault.excl [r40]", S(NONE) },
    { 'M', "cmpxchg8.acq r41=[r42],r43,ar.ccv", S(NONE) }, { 'I', "mux1 r44=r45,@rev", S(NONE) },
    { 'F', "fma.s1 f6=f7,f8,f9", S(NONE) }, { 'M', "hint.m 0", S(NONE) },
};
#define NCASES (sizeof cases / sizeof cases[0])

static const struct placement {
    char unit;
    const char *bundle;
    unsigned slot;
} placements[] = {
    { 'M', "{ .mmi; %s ;; nop.m 0; nop.i 0 ;; }\n", 0 },
    { 'I', "{ .mii; nop.m 0; %s ;; nop.i 0 ;; }\n", 1 },
    { 'F', "{ .mfi; nop.m 0; %s; nop.i 0 ;; }\n", 1 },
    { 'B', "{ .mib; nop.m 0; nop.i 0; %s ;; }\n", 2 },
    { 'X', "{ .mlx; nop.m 0; %s ;; }\n", 2 },
};

static const struct placement *placement_of(char unit)
{
    for (size_t i = 0; i < sizeof placements / sizeof placements[0]; i++)
        if (placements[i].unit == unit)
            return &placements[i];
    return NULL;
}

Test(sensitive, classes_of_gnu_as_encodings)
{
    size_t cap = NCASES * 96 + 16, len = 0;
    char *src = malloc(cap);
    len += (size_t)snprintf(src, cap, ".text\n");
    for (size_t i = 0; i < NCASES; i++)
        len += (size_t)snprintf(src + len, cap - len, placement_of(cases[i].unit)->bundle, cases[i].text);
    char err[8192];
    tas_object obj;
    cr_assert_eq(tas_assemble(src, NULL, &obj, err, sizeof err), 0, "%s", err);
    free(src);
    cr_assert_eq(obj.size, NCASES * 16);

    unsigned seen[PVP_IA64_SENS_COUNT] = { 0 };
    size_t reads_ip = 0;
    for (size_t i = 0; i < NCASES; i++) {
        pvp_ia64_bundle b;
        pvp_ia64_insn in;
        cr_assert_eq(pvp_ia64_bundle_unpack(obj.bytes + 16 * i, &b), PVP_OK);
        cr_assert_eq(pvp_ia64_decode(&b, placement_of(cases[i].unit)->slot, &in), PVP_OK);
        cr_expect_not_null(in.op, "'%s' decodes to no row", cases[i].text);
        pvp_ia64_sensitive got = pvp_ia64_sensitive_class(&in);
        cr_expect_eq(got, cases[i].cls, "'%s': class '%s', want '%s'", cases[i].text,
                     pvp_ia64_sensitive_name(got), pvp_ia64_sensitive_name(cases[i].cls));
        seen[got]++;
        int ip = pvp_ia64_reads_ip(&in);
        cr_expect_eq(!!ip, strstr(cases[i].text, "=ip") != NULL, "'%s': reads_ip %d", cases[i].text, ip);
        reads_ip += ip != 0;
    }
    tas_free(&obj);
    /* Every class but the table marker must be reached by some case. */
    for (unsigned c = 0; c < PVP_IA64_SENS_COUNT; c++)
        if (c != PVP_IA64_SENS_AR)
            cr_expect_gt(seen[c], 0, "no case of class '%s'", pvp_ia64_sensitive_name(c));
    cr_expect_eq(reads_ip, 1);
    printf("sensitive: %zu GNU-as encodings classified, %u sensitive\n", NCASES,
           (unsigned)(NCASES - seen[PVP_IA64_SENS_NONE]));
}

Test(sensitive, names_and_undecoded_slots)
{
    for (unsigned c = 0; c < PVP_IA64_SENS_COUNT; c++)
        cr_expect_neq(strcmp(pvp_ia64_sensitive_name(c), "?"), 0, "class %u has no name", c);
    cr_expect_str_eq(pvp_ia64_sensitive_name(PVP_IA64_SENS_COUNT), "?");
    pvp_ia64_insn unknown = { 0 };
    cr_expect_eq(pvp_ia64_sensitive_class(&unknown), PVP_IA64_SENS_NONE);
    cr_expect_eq(pvp_ia64_reads_ip(&unknown), 0);
}

/* GNU as refuses I-unit moves of the application registers below 48 (they
 * fault), but objdump decodes them and so do we: they are classified by
 * register like the M-unit moves. Encoded by the table, judged by objdump. */
Test(sensitive, i_unit_moves_of_m_unit_registers)
{
    static const struct { const char *row, *tags; uint64_t vals[2]; pvp_ia64_sensitive cls;
                          const char *objdump; } moves[] = {
        { "mov.i %A=%b", "Ab", { 0, 3 }, S(MOV_TO_KR), "mov.i ar.k0=r3" },
        { "mov.i %A=%n", "An", { 24, 5 }, S(MOV_EFLAG), "mov.i ar.eflag=5" },
        { "mov.i %a=%A", "aA", { 4, 44 }, S(MOV_FROM_ITC), "mov.i r4=ar.itc" },
        { "mov.i %A=%b", "Ab", { 44, 6 }, S(MOV_TO_ITC), "mov.i ar.itc=r6" },
        { "mov.i %a=%A", "aA", { 7, 64 }, S(NONE), "mov.i r7=ar.pfs" },
    };
    enum { N = sizeof moves / sizeof moves[0] };
    size_t nrows;
    const pvp_ia64_opcode *rows = pvp_ia64_opcodes(&nrows);
    uint8_t blob[N * 16];
    for (size_t i = 0; i < N; i++) {
        const pvp_ia64_opcode *op = NULL;
        for (size_t r = 0; r < nrows && !op; r++)
            if (!strcmp(rows[r].syntax, moves[i].row) && rows[r].unit == PVP_IA64_UNIT_I)
                op = &rows[r];
        cr_assert_not_null(op, "no row '%s'", moves[i].row);
        pvp_ia64_bundle b = { 0x03, { 0, 0, 0 } };             /* MI;;I;; */
        for (unsigned s = 0; s < 3; s++)
            cr_assert_eq(pvp_ia64_put_nop(&b, s), PVP_OK);
        uint64_t lbits;
        cr_assert_eq(pvp_ia64_encode(op, moves[i].tags, moves[i].vals, &b.slot[1], &lbits), PVP_OK);
        cr_assert_eq(pvp_ia64_bundle_pack(&b, blob + 16 * i), PVP_OK);
        pvp_ia64_insn in;
        cr_assert_eq(pvp_ia64_decode(&b, 1, &in), PVP_OK);
        cr_expect_eq(pvp_ia64_sensitive_class(&in), moves[i].cls, "'%s': class '%s'", moves[i].objdump,
                     pvp_ia64_sensitive_name(pvp_ia64_sensitive_class(&in)));
    }
    tas_bundle od[N + 2];
    cr_assert_eq(tas_objdump_mem(blob, sizeof blob, 0, od, N + 2), N);
    for (size_t i = 0; i < N; i++)
        cr_expect_eq(strncmp(od[i].insn[1], moves[i].objdump, strlen(moves[i].objdump)), 0,
                     "objdump '%s', want '%s'", od[i].insn[1], moves[i].objdump);
}
