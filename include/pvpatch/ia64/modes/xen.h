/* The xen mode of the IA-64 pv operations, after the Xen/ia64 guest ABI
 * (2006-2009): the interruption control registers are words of the shared
 * "mapped registers" area at fixed XSI_* offsets, reached with a 22-bit
 * addl from r0; most other operations are hyperprivops, `break N` with
 * values in r8 (and r9) and the result back in r8, which the body saves in
 * its clobbers and restores; the rest run as written and trap to the
 * hypervisor, which emulates them (psr, ptc.l/g/e, ttag, tpa, tak, bsw, itc).
 * Forms: see pvpatch/ia64/site.h. */
#ifndef PVPATCH_IA64_MODES_XEN_H
#define PVPATCH_IA64_MODES_XEN_H

#include "pvpatch/ia64/site.h"
#include "pvpatch/ia64/modes/native.h"

#define PVP_MODE_ID_xen PVP_MODE_XEN

/* The shared area: XSI_BASE is -1 MiB, so addl reaches it from r0. */
#define PVP_XSI_BASE            (-0x100000)
#define PVP_XSI_MAPPED          (PVP_XSI_BASE + 0x4000)
#define PVP_XSI_CR(n)           (PVP_XSI_MAPPED + 2048 + 8 * (n))
#define PVP_XSI_IPSR            PVP_XSI_CR(16)
#define PVP_XSI_ISR             PVP_XSI_CR(17)
#define PVP_XSI_IIP             PVP_XSI_CR(19)
#define PVP_XSI_IFA             PVP_XSI_CR(20)
#define PVP_XSI_ITIR            PVP_XSI_CR(21)
#define PVP_XSI_IIPA            PVP_XSI_CR(22)
#define PVP_XSI_IFS             PVP_XSI_CR(23)
#define PVP_XSI_IIM             PVP_XSI_CR(24)
#define PVP_XSI_IHA             PVP_XSI_CR(25)
#define PVP_XSI_PSR_IC          (PVP_XSI_MAPPED + 3088)   /* int: the virtual psr.ic */
#define PVP_XSI_PSR_I_ADDR      (PVP_XSI_MAPPED + 3096)   /* address of the event mask byte */

/* Hyperprivop numbers (the break immediate). */
#define PVP_HYPER_RFI           0x1
#define PVP_HYPER_RSM_DT        0x2
#define PVP_HYPER_SSM_DT        0x3
#define PVP_HYPER_COVER         0x4
#define PVP_HYPER_ITC_D         0x5
#define PVP_HYPER_ITC_I         0x6
#define PVP_HYPER_SSM_I         0x7
#define PVP_HYPER_GET_IVR       0x8
#define PVP_HYPER_GET_TPR       0x9
#define PVP_HYPER_SET_TPR       0xa
#define PVP_HYPER_EOI           0xb
#define PVP_HYPER_THASH         0xd
#define PVP_HYPER_PTC_GA        0xe
#define PVP_HYPER_SET_KR        0x12
#define PVP_HYPER_FC            0x13
#define PVP_HYPER_GET_CPUID     0x14
#define PVP_HYPER_GET_PMD       0x15
#define PVP_HYPER_GET_EFLAG     0x16
#define PVP_HYPER_SET_EFLAG     0x17

#ifdef __ASSEMBLER__

    .set .Lpvp_mode_id_xen, PVP_MODE_XEN

/* Read the mapped control register at \ofs: the result register holds the
 * address first, so no clobber is needed. */
.macro pvp_xen_read_xsi qp, dst, ofs
    { .mmi
    (\qp) addl \dst = \ofs, r0 ;;
    (\qp) ld8 \dst = [\dst]
    nop.i 0 ;;
    }
.endm

/* Write the mapped control register at \ofs through clobber \c1. */
.macro pvp_xen_write_xsi qp, s1, c1, ofs
    { .mmi
    (\qp) addl \c1 = \ofs, r0 ;;
    (\qp) st8 [\c1] = \s1
    nop.i 0 ;;
    }
.endm

/* Hyperprivop \num: r8 = \s1, r9 = \s2 (\s1 may be an immediate), result
 * from r8 to \dst; r8 (and r9) are kept in \c1 (and \c2) around it. An
 * operand the operation does not have is left blank; r0 is a value. The
 * body keeps r8 (r9): a site may not name them as result or clobber. */
.macro pvp_xen_hyper qp, num, dst, s1, s2, c1, c2
    .ifnb \s1\dst
    pvp_keeps 1 << 8
    .ifnb \s2
    pvp_keeps 1 << 9
    .endif
    { .mii
    (\qp) mov \c1 = r8
    pvp_xen_mov_given i, \qp, \s2, \c2, r9
    nop.i 0 ;;
    }
    { .mii
    pvp_xen_mov_given m, \qp, \s1, r8, \s1
    pvp_xen_mov_given i, \qp, \s2, r9, \s2
    nop.i 0 ;;
    }
    .endif
    { .mii
    (\qp) break.m \num
    nop.i 0
    nop.i 0 ;;
    }
    .ifnb \s1\dst
    { .mii
    pvp_xen_mov_given m, \qp, \dst, \dst, r8
    (\qp) mov r8 = \c1
    pvp_xen_mov_given i, \qp, \s2, r9, \c2 ;;
    }
    .endif
.endm

/* `(qp) mov to = from` in a slot of \unit when the operand \given is
 * there, a nop when the operation has no such operand (left blank). */
.macro pvp_xen_mov_given unit, qp, given, to, from
    .ifb \given
    nop.\unit 0
    .else
    (\qp) mov \to = \from
    .endif
.endm

/* psr.i: unmasking goes through the hypervisor, which delivers what is
 * pending; masking is a store of 1 to the event mask byte. */
.macro pvp_xen_mask_events qp, c1, c2
    { .mmi
    (\qp) addl \c1 = PVP_XSI_PSR_I_ADDR, r0 ;;
    (\qp) ld8 \c1 = [\c1]
    (\qp) mov \c2 = 1 ;;
    }
    { .mmi
    (\qp) st1 [\c1] = \c2
    nop.m 0
    nop.i 0 ;;
    }
.endm

/* psr.ic is the int interrupt_collection_enabled. */
.macro pvp_xen_set_ic qp, c1, c2, value
    { .mmi
    (\qp) addl \c1 = PVP_XSI_PSR_IC, r0
    (\qp) mov \c2 = \value
    nop.i 0 ;;
    }
    { .mmi
    (\qp) st4 [\c1] = \c2
    nop.m 0
    nop.i 0 ;;
    }
.endm

.macro pvp_xen_READ_IFA qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IFA
.endm
.macro pvp_xen_READ_ITIR qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_ITIR
.endm
.macro pvp_xen_READ_ISR qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_ISR
.endm
.macro pvp_xen_READ_IHA qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IHA
.endm
.macro pvp_xen_READ_IPSR qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IPSR
.endm
.macro pvp_xen_READ_IIM qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IIM
.endm
.macro pvp_xen_READ_IIP qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IIP
.endm
.macro pvp_xen_READ_IFS qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IFS
.endm
.macro pvp_xen_READ_IIPA qp, dst, s1, s2, c1, c2
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IIPA
.endm
.macro pvp_xen_WRITE_IFA qp, dst, s1, s2, c1, c2
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IFA
.endm
.macro pvp_xen_WRITE_ITIR qp, dst, s1, s2, c1, c2
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_ITIR
.endm
.macro pvp_xen_WRITE_IHA qp, dst, s1, s2, c1, c2
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IHA
.endm
.macro pvp_xen_WRITE_IPSR qp, dst, s1, s2, c1, c2
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IPSR
.endm
.macro pvp_xen_WRITE_IFS qp, dst, s1, s2, c1, c2
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IFS
.endm
.macro pvp_xen_WRITE_IIP qp, dst, s1, s2, c1, c2
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IIP
.endm
.macro pvp_xen_READ_IVR qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_GET_IVR, \dst, , , \c1, \c2
.endm
.macro pvp_xen_READ_TPR qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_GET_TPR, \dst, , , \c1, \c2
.endm
.macro pvp_xen_WRITE_TPR qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_TPR, , \s1, , \c1, \c2
.endm
.macro pvp_xen_WRITE_EOI qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_EOI, , \s1, , \c1, \c2
.endm
.macro pvp_xen_SSM_I qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SSM_I, , , , \c1, \c2
.endm
.macro pvp_xen_SSM_DT qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SSM_DT, , , , \c1, \c2
.endm
.macro pvp_xen_RSM_DT qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_RSM_DT, , , , \c1, \c2
.endm
.macro pvp_xen_ITC_I qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_ITC_I, , \s1, , \c1, \c2
.endm
.macro pvp_xen_ITC_D qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_ITC_D, , \s1, , \c1, \c2
.endm
.macro pvp_xen_PTC_GA qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_PTC_GA, , \s1, \s2, \c1, \c2
.endm
.macro pvp_xen_THASH qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_THASH, \dst, \s1, , \c1, \c2
.endm
.macro pvp_xen_COVER qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_COVER, , , , \c1, \c2
.endm
.macro pvp_xen_RFI qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_RFI, , , , \c1, \c2
.endm
.macro pvp_xen_FC qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_FC, , \s1, , \c1, \c2
.endm
.macro pvp_xen_READ_EFLAG qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_GET_EFLAG, \dst, , , \c1, \c2
.endm
.macro pvp_xen_WRITE_EFLAG qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_EFLAG, , \s1, , \c1, \c2
.endm
.macro pvp_xen_READ_CPUID qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_GET_CPUID, \dst, \s1, , \c1, \c2
.endm
.macro pvp_xen_READ_PMD qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_GET_PMD, \dst, \s1, , \c1, \c2
.endm
.macro pvp_xen_WRITE_KR0 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 0, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR1 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 1, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR2 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 2, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR3 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 3, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR4 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 4, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR5 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 5, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR6 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 6, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR7 qp, dst, s1, s2, c1, c2
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 7, \s1, \c1, \c2
.endm
.macro pvp_xen_RSM_I qp, dst, s1, s2, c1, c2
    pvp_xen_mask_events \qp, \c1, \c2
.endm
.macro pvp_xen_SSM_IC qp, dst, s1, s2, c1, c2
    pvp_xen_set_ic \qp, \c1, \c2, 1
.endm
.macro pvp_xen_RSM_IC qp, dst, s1, s2, c1, c2
    pvp_xen_set_ic \qp, \c1, \c2, 0
.endm

/* Trapped and emulated by the hypervisor: the native instruction. */
.irp name, READ_PSR, WRITE_PSR_L, PTC_L, PTC_G, PTC_E, TTAG, TPA, TAK, BSW_0, BSW_1, READ_ITC
.macro pvp_xen_\name qp, dst, s1, s2, c1, c2
    pvp_native_\name \qp, \dst, \s1, \s2, \c1, \c2
.endm
.endr

/* Data the mode needs: none. */
.macro pvp_mode_data_xen
.endm

/* The mode's entry point for the forms: operation \name at a site. */
.macro pvp_mode_xen name, id, qp, dst, s1, s2, c1, c2
    pvp_xen_\name \qp, \dst, \s1, \s2, \c1, \c2
.endm

#endif /* __ASSEMBLER__ */
#endif
