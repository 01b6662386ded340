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
#define PVP_XSI_BANK1_R16       (PVP_XSI_MAPPED + 1024)   /* bank-1 r16-r31 while bank 0 is on */
#define PVP_XSI_B1NAT           (PVP_XSI_MAPPED + 1280)   /* their NaT bits (vnat) */
#define PVP_XSI_BANKNUM         (PVP_XSI_MAPPED + 3148)   /* int: the virtual psr.bn */
#define PVP_XSI_ITC_OFFSET      (PVP_XSI_MAPPED + 3408)   /* virtual ar.itc = ar.itc + this */
#define PVP_XSI_ITC_LAST        (PVP_XSI_MAPPED + 3416)   /* the last virtual ar.itc handed out */
/* The event mask byte follows the pending byte: mask address - 1. */
#define PVP_XSI_MASK_TO_PENDING (-1)

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
#define PVP_HYPER_RSM_BE        0x18
#define PVP_HYPER_GET_PSR       0x19

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
    pvp_keeps 8, 1
    .ifnb \s2
    pvp_keeps 9, 2
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

.macro pvp_xen_READ_IFA qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IFA
.endm
.macro pvp_xen_READ_ITIR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_ITIR
.endm
.macro pvp_xen_READ_ISR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_ISR
.endm
.macro pvp_xen_READ_IHA qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IHA
.endm
.macro pvp_xen_READ_IPSR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IPSR
.endm
.macro pvp_xen_READ_IIM qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IIM
.endm
.macro pvp_xen_READ_IIP qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IIP
.endm
.macro pvp_xen_READ_IFS qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IFS
.endm
.macro pvp_xen_READ_IIPA qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_read_xsi \qp, \dst, PVP_XSI_IIPA
.endm
.macro pvp_xen_WRITE_IFA qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IFA
.endm
.macro pvp_xen_WRITE_ITIR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_ITIR
.endm
.macro pvp_xen_WRITE_IHA qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IHA
.endm
.macro pvp_xen_WRITE_IPSR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IPSR
.endm
.macro pvp_xen_WRITE_IFS qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IFS
.endm
.macro pvp_xen_WRITE_IIP qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_write_xsi \qp, \s1, \c1, PVP_XSI_IIP
.endm
.macro pvp_xen_READ_IVR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_GET_IVR, \dst, , , \c1, \c2
.endm
.macro pvp_xen_READ_TPR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_GET_TPR, \dst, , , \c1, \c2
.endm
.macro pvp_xen_WRITE_TPR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_TPR, , \s1, , \c1, \c2
.endm
.macro pvp_xen_WRITE_EOI qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_EOI, , \s1, , \c1, \c2
.endm
.macro pvp_xen_SSM_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SSM_I, , , , \c1, \c2
.endm
.macro pvp_xen_SSM_DT qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SSM_DT, , , , \c1, \c2
.endm
.macro pvp_xen_RSM_DT qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_RSM_DT, , , , \c1, \c2
.endm
.macro pvp_xen_ITC_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_ITC_I, , \s1, , \c1, \c2
.endm
.macro pvp_xen_ITC_D qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_ITC_D, , \s1, , \c1, \c2
.endm
.macro pvp_xen_PTC_GA qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_PTC_GA, , \s1, \s2, \c1, \c2
.endm
.macro pvp_xen_THASH qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_THASH, \dst, \s1, , \c1, \c2
.endm
.macro pvp_xen_COVER qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_COVER, , , , \c1, \c2
.endm
/* The hypervisor's rfi does not come back here: tell GNU as's dependency
 * checker that nothing after the site depends on what came before. */
.macro pvp_xen_RFI qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_RFI, , , , \c1, \c2
    .serialize.data
.endm
.macro pvp_xen_FC qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_FC, , \s1, , \c1, \c2
.endm
.macro pvp_xen_READ_EFLAG qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_GET_EFLAG, \dst, , , \c1, \c2
.endm
.macro pvp_xen_WRITE_EFLAG qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_EFLAG, , \s1, , \c1, \c2
.endm
.macro pvp_xen_READ_CPUID qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_GET_CPUID, \dst, \s1, , \c1, \c2
.endm
.macro pvp_xen_READ_PMD qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_GET_PMD, \dst, \s1, , \c1, \c2
.endm
.macro pvp_xen_WRITE_KR0 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 0, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR1 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 1, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR2 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 2, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR3 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 3, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR4 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 4, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR5 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 5, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR6 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 6, \s1, \c1, \c2
.endm
.macro pvp_xen_WRITE_KR7 qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SET_KR, , 7, \s1, \c1, \c2
.endm
.macro pvp_xen_RSM_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_mask_events \qp, \c1, \c2
.endm
.macro pvp_xen_SSM_IC qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_set_ic \qp, \c1, \c2, 1
.endm
/* psr.ic off: a zero to the int, through one clobber. */
.macro pvp_xen_RSM_IC qp, dst, s1, s2, c1, c2, c3, pc
    { .mmi
    (\qp) addl \c1 = PVP_XSI_PSR_IC, r0 ;;
    (\qp) st4 [\c1] = r0
    nop.i 0 ;;
    }
.endm

/* Trapped and emulated by the hypervisor: the native instruction. */
/* psr is read through the hypervisor (the virtual psr). */
.macro pvp_xen_READ_PSR qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_GET_PSR, \dst, , , \c1, \c2
.endm

/* The guest's ar.itc is the machine's plus itc_offset. */
.macro pvp_xen_itc_offset qp, dst, c1
    { .mmi
    (\qp) addl \c1 = PVP_XSI_ITC_OFFSET, r0
    (\qp) mov \dst = ar.itc
    nop.i 0 ;;
    }
    { .mmi
    (\qp) ld8 \c1 = [\c1] ;;
    (\qp) add \dst = \dst, \c1
    nop.i 0 ;;
    }
.endm
.macro pvp_xen_READ_ITC qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_itc_offset \qp, \dst, \c1
.endm

/* ... and never goes back: at least one past the last value handed out,
 * which is stored as the new last (the predicate clobber picks). */
.macro pvp_xen_READ_ITC_P qp, dst, s1, s2, c1, c2, c3, pc
    pvp_need_pclob \pc
    pvp_xen_itc_offset \qp, \dst, \c1
    { .mmi
    (\qp) addl \c1 = PVP_XSI_ITC_LAST, r0 ;;
    (\qp) ld8 \c1 = [\c1]
    nop.i 0 ;;
    }
    { .mmi
    (\qp) cmp.geu.unc \pc, p0 = \c1, \dst ;;
    (\pc) adds \dst = 1, \c1
    nop.i 0 ;;
    }
    { .mmi
    (\qp) addl \c1 = PVP_XSI_ITC_LAST, r0 ;;
    (\qp) st8 [\c1] = \dst
    nop.i 0 ;;
    }
.endm

/* ssm psr.i the guest's way: clear the event mask byte, then only if an
 * event is pending (the byte before it) ask the hypervisor to deliver it. */
.macro pvp_xen_SSM_I_P qp, dst, s1, s2, c1, c2, c3, pc
    pvp_need_pclob \pc
    { .mmi
    (\qp) addl \c1 = PVP_XSI_PSR_I_ADDR, r0 ;;
    (\qp) ld8 \c1 = [\c1]
    nop.i 0 ;;
    }
    { .mmi
    (\qp) st1 [\c1] = r0, PVP_XSI_MASK_TO_PENDING ;;
    (\qp) ld1 \c1 = [\c1]
    nop.i 0 ;;
    }
    { .mii
    (\qp) cmp.ne.unc \pc, p0 = \c1, r0
    nop.i 0
    nop.i 0 ;;
    }
    { .mii
    (\pc) break.m PVP_HYPER_SSM_I
    nop.i 0
    nop.i 0 ;;
    }
.endm

/* psr.i and psr.ic off together: mask byte 1, psr.ic int 0. */
.macro pvp_xen_RSM_I_IC qp, dst, s1, s2, c1, c2, c3, pc
    { .mmi
    (\qp) addl \c1 = PVP_XSI_PSR_I_ADDR, r0
    (\qp) addl \c2 = PVP_XSI_PSR_IC, r0
    (\qp) mov \c3 = 1 ;;
    }
    { .mmi
    (\qp) ld8 \c1 = [\c1] ;;
    (\qp) st1 [\c1] = \c3
    nop.i 0
    }
    { .mmi
    (\qp) st4 [\c2] = r0
    nop.m 0
    nop.i 0 ;;
    }
.endm

/* psr.be is in the user mask: rum runs unprivileged. */
.macro pvp_xen_RSM_BE_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_mask_events \qp, \c1, \c2
    { .mmi
    (\qp) rum psr.be ;;
    nop.m 0
    nop.i 0 ;;
    }
.endm
.macro pvp_xen_SSM_IC_SRLZ_D qp, dst, s1, s2, c1, c2, c3, pc
    { .mmi
    (\qp) srlz.d ;;
    nop.m 0
    nop.i 0 ;;
    }
    pvp_xen_set_ic \qp, \c1, \c2, 1
.endm
.macro pvp_xen_SSM_IC_SRLZ_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_set_ic \qp, \c1, \c2, 1
.endm
/* psr.ac is in the user mask: sum sets it unprivileged. */
.macro pvp_xen_SSM_IC_AC_SRLZ_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_set_ic \qp, \c1, \c2, 1
    { .mmi
    (\qp) sum psr.ac ;;
    nop.m 0
    nop.i 0 ;;
    }
.endm
.macro pvp_xen_SSM_DT_SRLZ_I qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_hyper \qp, PVP_HYPER_SSM_DT, , , , \c1, \c2
.endm

/* bsw.0 in the guest: r16-r31 (bank 1's values) and their NaT bits go to
 * the bank-1 save area, the virtual psr.bn becomes 0. Three clobbers: two
 * pointers and ar.unat, which the spills collect the NaT bits in (outside
 * r16-r31, or the spills would store them; a stub runs bsw.0 as written). */
.macro pvp_xen_BSW_0 qp, dst, s1, s2, c1, c2, c3, pc
    .if .Lpvp_in_stub
    pvp_native_BSW_0 \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
    .exitm
    .endif
    pvp_writes 0
    { .mmi
    (\qp) mov \c3 = ar.unat
    (\qp) addl \c1 = PVP_XSI_BANK1_R16, r0
    (\qp) addl \c2 = PVP_XSI_BANK1_R16 + 8, r0 ;;
    }
    pvp_xen_spill_pair \qp, \c1, \c2, 16, 17
    pvp_xen_spill_pair \qp, \c1, \c2, 18, 19
    pvp_xen_spill_pair \qp, \c1, \c2, 20, 21
    pvp_xen_spill_pair \qp, \c1, \c2, 22, 23
    pvp_xen_spill_pair \qp, \c1, \c2, 24, 25
    pvp_xen_spill_pair \qp, \c1, \c2, 26, 27
    pvp_xen_spill_pair \qp, \c1, \c2, 28, 29
    pvp_xen_spill_pair \qp, \c1, \c2, 30, 31
    { .mmi
    (\qp) mov \c2 = ar.unat
    (\qp) addl \c1 = PVP_XSI_B1NAT, r0
    nop.i 0 ;;
    }
    { .mmi
    (\qp) st8 [\c1] = \c2
    (\qp) mov ar.unat = \c3
    (\qp) addl \c1 = PVP_XSI_BANKNUM, r0 ;;
    }
    { .mmi
    (\qp) st4 [\c1] = r0
    nop.m 0
    nop.i 0 ;;
    }
.endm

/* Two spills, 8 bytes apart in the save area, then a stop. */
.macro pvp_xen_spill_pair qp, c1, c2, a, b
    { .mmi
    .mem.offset 0, 0
    (\qp) st8.spill [\c1] = r\a, 16
    .mem.offset 8, 0
    (\qp) st8.spill [\c2] = r\b, 16
    nop.i 0 ;;
    }
.endm

/* Two fills, then a stop. */
.macro pvp_xen_fill_pair qp, a, b
    { .mmi
    (\qp) ld8.fill r\a = [r30], 16
    (\qp) ld8.fill r\b = [r31], 16
    nop.i 0 ;;
    }
.endm

/* bsw.1 in the guest: r16-r31 and their NaT bits come back from the bank-1
 * save area (r30 and r31 are the pointers, loaded last), the virtual psr.bn
 * becomes 1; ar.unat is kept in the first clobber, which must not be one of
 * r16-r31. A stub has only r27-r31 to offer: there bsw.1 runs as written
 * and the hypervisor emulates it. */
.macro pvp_xen_BSW_1 qp, dst, s1, s2, c1, c2, c3, pc
    .if .Lpvp_in_stub
    pvp_native_BSW_1 \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
    .exitm
    .endif
    pvp_writes 0xffff0000
    { .mmi
    (\qp) mov \c1 = ar.unat
    (\qp) addl r30 = PVP_XSI_B1NAT, r0
    (\qp) mov r31 = 1 ;;
    }
    { .mmi
    (\qp) ld8 r30 = [r30] ;;
    (\qp) mov ar.unat = r30
    (\qp) addl r30 = PVP_XSI_BANKNUM, r0 ;;
    }
    { .mmi
    (\qp) st4 [r30] = r31
    (\qp) addl r30 = PVP_XSI_BANK1_R16, r0
    (\qp) addl r31 = PVP_XSI_BANK1_R16 + 8, r0 ;;
    }
    pvp_xen_fill_pair \qp, 16, 17
    pvp_xen_fill_pair \qp, 18, 19
    pvp_xen_fill_pair \qp, 20, 21
    pvp_xen_fill_pair \qp, 22, 23
    pvp_xen_fill_pair \qp, 24, 25
    pvp_xen_fill_pair \qp, 26, 27
    pvp_xen_fill_pair \qp, 28, 29
    { .mmi
    (\qp) ld8.fill r30 = [r30]
    (\qp) ld8.fill r31 = [r31]
    nop.i 0 ;;
    }
    { .mmi
    (\qp) mov ar.unat = \c1
    nop.m 0
    nop.i 0 ;;
    }
.endm

.irp name, WRITE_PSR_L, PTC_L, PTC_G, PTC_E, TTAG, TPA, TAK
.macro pvp_xen_\name qp, dst, s1, s2, c1, c2, c3, pc
    pvp_native_\name \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
.endm
.endr

/* Data the mode needs: none. */
.macro pvp_mode_data_xen
.endm

/* The mode's entry point for the forms: operation \name at a site. */
.macro pvp_mode_xen name, id, qp, dst, s1, s2, c1, c2, c3, pc
    pvp_xen_\name \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
.endm

#endif /* __ASSEMBLER__ */
#endif
