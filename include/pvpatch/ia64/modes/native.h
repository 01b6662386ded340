/* The native mode of the IA-64 pv operations: each operation is the
 * privileged instruction itself. Forms: see pvpatch/ia64/site.h. Every body
 * ends its instruction group right after the instruction, as itc, ptc, rfi,
 * cover and bsw require, and takes the arguments
 *     qp, dst, s1, s2, c1, c2 (predicate, result, values, clobbers). */
#ifndef PVPATCH_IA64_MODES_NATIVE_H
#define PVPATCH_IA64_MODES_NATIVE_H

#include "pvpatch/ia64/site.h"

#define PVP_MODE_ID_native PVP_MODE_NATIVE

#ifdef __ASSEMBLER__

    .set .Lpvp_mode_id_native, PVP_MODE_NATIVE

/* One M-unit instruction, then a stop. */
.macro pvp_native_m qp, insn:vararg
    { .mmi
    (\qp) \insn ;;
    nop.m 0
    nop.i 0 ;;
    }
.endm

/* One B-unit instruction, then a stop. */
.macro pvp_native_b qp, insn:vararg
    { .mib
    nop.m 0
    nop.i 0
    (\qp) \insn ;;
    }
.endm

.macro pvp_native_READ_IFA qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.ifa;  .endm
.macro pvp_native_READ_ITIR qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov \dst = cr.itir; .endm
.macro pvp_native_READ_ISR qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.isr;  .endm
.macro pvp_native_READ_IHA qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.iha;  .endm
.macro pvp_native_READ_IPSR qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov \dst = cr.ipsr; .endm
.macro pvp_native_READ_IIM qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.iim;  .endm
.macro pvp_native_READ_IIP qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.iip;  .endm
.macro pvp_native_READ_IFS qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.ifs;  .endm
.macro pvp_native_READ_IIPA qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov \dst = cr.iipa; .endm
.macro pvp_native_READ_IVR qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.ivr;  .endm
.macro pvp_native_READ_TPR qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = cr.tpr;  .endm
.macro pvp_native_WRITE_IFA qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov cr.ifa = \s1;  .endm
.macro pvp_native_WRITE_ITIR qp, dst, s1, s2, c1, c2, c3, pc;  pvp_native_m \qp, mov cr.itir = \s1; .endm
.macro pvp_native_WRITE_IHA qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov cr.iha = \s1;  .endm
.macro pvp_native_WRITE_IPSR qp, dst, s1, s2, c1, c2, c3, pc;  pvp_native_m \qp, mov cr.ipsr = \s1; .endm
.macro pvp_native_WRITE_IFS qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov cr.ifs = \s1;  .endm
.macro pvp_native_WRITE_IIP qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov cr.iip = \s1;  .endm
.macro pvp_native_WRITE_EOI qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov cr.eoi = \s1;  .endm
.macro pvp_native_WRITE_TPR qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov cr.tpr = \s1;  .endm
.macro pvp_native_READ_PSR qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = psr;    .endm
/* psr.l settles before anything after the site reads it (a branch over
 * the filler reads PSR.tb): the data serialization is part of the code. */
.macro pvp_native_WRITE_PSR_L qp, dst, s1, s2, c1, c2, c3, pc
    { .mmi
    (\qp) mov psr.l = \s1 ;;
    (\qp) srlz.d
    nop.i 0 ;;
    }
.endm
.macro pvp_native_SSM_I qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, ssm psr.i;         .endm
.macro pvp_native_RSM_I qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, rsm psr.i;         .endm
.macro pvp_native_SSM_IC qp, dst, s1, s2, c1, c2, c3, pc;      pvp_native_m \qp, ssm psr.ic;        .endm
.macro pvp_native_RSM_IC qp, dst, s1, s2, c1, c2, c3, pc;      pvp_native_m \qp, rsm psr.ic;        .endm
.macro pvp_native_SSM_DT qp, dst, s1, s2, c1, c2, c3, pc;      pvp_native_m \qp, ssm psr.dt;        .endm
.macro pvp_native_RSM_DT qp, dst, s1, s2, c1, c2, c3, pc;      pvp_native_m \qp, rsm psr.dt;        .endm
.macro pvp_native_ITC_I qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, itc.i \s1;         .endm
.macro pvp_native_ITC_D qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, itc.d \s1;         .endm
.macro pvp_native_PTC_L qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, ptc.l \s1, \s2;    .endm
.macro pvp_native_PTC_G qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, ptc.g \s1, \s2;    .endm
.macro pvp_native_PTC_GA qp, dst, s1, s2, c1, c2, c3, pc;      pvp_native_m \qp, ptc.ga \s1, \s2;   .endm
.macro pvp_native_PTC_E qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, ptc.e \s1;         .endm
.macro pvp_native_THASH qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_m \qp, thash \dst = \s1;  .endm
.macro pvp_native_TTAG qp, dst, s1, s2, c1, c2, c3, pc;        pvp_native_m \qp, ttag \dst = \s1;   .endm
.macro pvp_native_TPA qp, dst, s1, s2, c1, c2, c3, pc;         pvp_native_m \qp, tpa \dst = \s1;    .endm
.macro pvp_native_TAK qp, dst, s1, s2, c1, c2, c3, pc;         pvp_native_m \qp, tak \dst = \s1;    .endm
.macro pvp_native_COVER qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_b \qp, cover;             .endm
.macro pvp_native_BSW_0 qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_b \qp, bsw.0;             .endm
.macro pvp_native_BSW_1 qp, dst, s1, s2, c1, c2, c3, pc;       pvp_native_b \qp, bsw.1;             .endm
.macro pvp_native_RFI qp, dst, s1, s2, c1, c2, c3, pc;         pvp_native_b \qp, rfi;               .endm
.macro pvp_native_FC qp, dst, s1, s2, c1, c2, c3, pc;          pvp_native_m \qp, fc \s1;            .endm
.macro pvp_native_READ_ITC qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = ar.itc; .endm
.macro pvp_native_READ_EFLAG qp, dst, s1, s2, c1, c2, c3, pc;  pvp_native_m \qp, mov \dst = ar.eflag; .endm
.macro pvp_native_WRITE_EFLAG qp, dst, s1, s2, c1, c2, c3, pc; pvp_native_m \qp, mov ar.eflag = \s1; .endm
.macro pvp_native_READ_CPUID qp, dst, s1, s2, c1, c2, c3, pc;  pvp_native_m \qp, mov \dst = cpuid[\s1]; .endm
.macro pvp_native_READ_PMD qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, mov \dst = pmd[\s1]; .endm
.macro pvp_native_WRITE_KR0 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k0 = \s1;   .endm
.macro pvp_native_WRITE_KR1 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k1 = \s1;   .endm
.macro pvp_native_WRITE_KR2 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k2 = \s1;   .endm
.macro pvp_native_WRITE_KR3 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k3 = \s1;   .endm
.macro pvp_native_WRITE_KR4 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k4 = \s1;   .endm
.macro pvp_native_WRITE_KR5 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k5 = \s1;   .endm
.macro pvp_native_WRITE_KR6 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k6 = \s1;   .endm
.macro pvp_native_WRITE_KR7 qp, dst, s1, s2, c1, c2, c3, pc;   pvp_native_m \qp, mov ar.k7 = \s1;   .endm
.macro pvp_native_RSM_I_IC qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, rsm psr.i | psr.ic; .endm
.macro pvp_native_RSM_BE_I qp, dst, s1, s2, c1, c2, c3, pc;    pvp_native_m \qp, rsm psr.be | psr.i; .endm
.macro pvp_native_SSM_I_P qp, dst, s1, s2, c1, c2, c3, pc;     pvp_native_m \qp, ssm psr.i;         .endm
.macro pvp_native_READ_ITC_P qp, dst, s1, s2, c1, c2, c3, pc;  pvp_native_m \qp, mov \dst = ar.itc; .endm

/* A psr change, then the serialization that makes it seen. */
.macro pvp_native_sm_srlz qp, srlz, insn:vararg
    { .mmi
    (\qp) \insn ;;
    (\qp) \srlz
    nop.i 0 ;;
    }
.endm
.macro pvp_native_SSM_IC_SRLZ_D qp, dst, s1, s2, c1, c2, c3, pc
    pvp_native_sm_srlz \qp, srlz.d, ssm psr.ic
.endm
.macro pvp_native_SSM_IC_SRLZ_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_native_sm_srlz \qp, srlz.i, ssm psr.ic
.endm
.macro pvp_native_SSM_IC_AC_SRLZ_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_native_sm_srlz \qp, srlz.i, ssm psr.ic | psr.ac
.endm
.macro pvp_native_SSM_DT_SRLZ_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_native_sm_srlz \qp, srlz.i, ssm psr.dt
.endm

/* Data the mode needs: none. */
.macro pvp_mode_data_native
.endm

/* The mode's entry point for the forms: operation \name at a site. */
.macro pvp_mode_native name, id, qp, dst, s1, s2, c1, c2, c3, pc
    pvp_native_\name \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
.endm

#endif /* __ASSEMBLER__ */
#endif
