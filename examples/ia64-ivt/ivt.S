/* ivt.S: the example Interruption Vector Table, one source for every mode.
 *
 * Assembled once per instance (build.sh):
 *   -DIVT_NAME=ivt_native -DIVT_MODE=PVP_MODE_NATIVE -DPVP_FORM=PVP_FORM_A -DPVP_BUILD_MODE=native -DIVT_CANONICAL
 *   -DIVT_NAME=ivt_xen ... -DPVP_BUILD_MODE=xen, -DIVT_NAME=ivt_counting ... -DPVP_BUILD_MODE=counting
 *   -DIVT_NAME=ivt_c -DPVP_FORM=PVP_FORM_C, -DIVT_NAME=ivt_b -DPVP_FORM=PVP_FORM_B (native stubs)
 * IVT_CANONICAL puts the build at ia64_ivt in .text.ivt (32 KiB aligned);
 * any other build goes to .init.pvinst, freed after boot. Every sensitive
 * instruction is a pv operation (pvpatch/ia64/site.h); every absolute
 * reference into the instance is a fixup (pvpatch/ia64/instance.h).
 *
 * Layout: the architected one. Entries 0-19 are 0x400 bytes (64 bundles)
 * at 0x0000-0x4c00, entries 20-67 are 0x100 bytes (16 bundles) at
 * 0x5000-0x7f00; each entry starts with .org, so a handler that outgrows
 * its entry in any form fails the build ("attempt to move .org backwards").
 *
 * Registers (bank 0; the interrupted context runs in bank 1):
 *   r16      the faulting address (cr.ifa); kept across a nested miss
 *   r17      the region-7 address a handler is about to touch (nested-miss convention)
 *   r18      the VHPT tag (ttag)
 *   r19      where a nested miss resumes (absolute; nested-miss convention)
 *   r20      the VHPT entry (thash)
 *   r21      the page-table level being walked (physical); ipsr in the alternate handlers
 *   r22      the PTE
 *   r23      the interrupted predicates (mov r23 = pr), handed to the kernel routines
 *   r24 r25  the clobbers of the pv sites, scratch between sites (lost across a nested miss)
 *   r26      the interrupted b6 (the nested handler resumes through b6)
 *   r27-r31  never live across a site: forms B and C use them (and keep b7)
 * Routines out in kernel text (routines.S) receive r16 (the address concerned),
 * r17 (the vector number) and r23 (the interrupted predicates); b6 is already
 * restored.
 *
 * Sites given fewer clobbers on purpose (WITHHELD below): the register is
 * spare, but the B and C builds do not offer it, so the patcher can put the
 * operation inline only in modes that need no clobber there and keeps B
 * (and says why) in the others:
 *   dtlb_miss  TTAG      inline for native and xen (ttag traps to Xen), B for counting
 *   itlb_miss  ITC_I     inline for native, B for xen (r8 is saved in a clobber) and counting
 *   ext_int    READ_IVR  inline for native, B for xen (hyperprivop, r8) and counting
 * A builds offer the register: their code is the mode's own, checked here
 * by the assembler. */
#include "pvpatch/ia64/site.h"
#include "pvpatch/ia64/modes/native.h"
#include "pvpatch/ia64/modes/xen.h"
#include "pvpatch/ia64/modes/counting.h"
#include "ivt.h"

#ifndef IVT_NAME
#error "define IVT_NAME (ivt_native, ivt_xen, ivt_counting, ivt_c, ivt_b)"
#endif
#ifndef IVT_MODE
#define IVT_MODE PVP_MODE_NATIVE
#endif

#if PVP_FORM == PVP_FORM_A
#define WITHHELD(reg) reg
#else
#define WITHHELD(reg) r0
#endif

/* The labels of this build: ivt_native_dtlb_miss, ivt_xen_dtlb_miss, ... */
#define L(x) PVP_CAT(IVT_NAME, _##x)

/* A place where a nested miss may resume: the label, and its entry in this
 * build's table of resume points (a ptr64 fixup: it follows the install). */
.macro ivt_resume label
    .pushsection .data.ivt_resume, "aw"
    PVP_DATA8_SELF(\label)
    .popsection
\label:
.endm

/* Branch out to a kernel routine with r17 = vector number, r23 = predicates
 * (at entry only: no predicate written yet). */
.macro ivt_out vec, target
    { .mib
    mov r17 = \vec
    mov r23 = pr
    br.cond.sptk.many \target ;;
    }
.endm

/* An entry that only hands over to kernel text, with r16 = cr.ifa if asked. */
.macro ivt_simple off, name, vec, target, readifa
    .org L(base) + \off
IVT_NAME\()_\name:
    .if \readifa
    PV_READ_IFA(r16, r24, r25)
    .endif
    ivt_out \vec, \target
.endm

/* ivt_tlb: a miss or a bit fault on a page mapped by the page table.
 *   kind   label prefix; vec: the vector number for the page-fault routine
 *   probe  1: look in the VHPT first (instruction and data TLB misses)
 *   bits   PTE bits to set in the page table first (0, or access/dirty)
 *   itc    I or D
 * The VHPT entry of the address is probed (tag compare); on a miss the page
 * table is walked (pgd, pmd, pte, each entry read through its region-7
 * alias, so any of them may miss: the data nested TLB handler maps it and
 * resumes at the last resume point), the VHPT entry is refilled, and the
 * PTE is inserted. A page that is not there goes to ivt_page_fault. */
.macro ivt_tlb kind, vec, probe, bits, itc
    { .mii
    nop.m 0
    mov r26 = b6                        // the nested handler resumes through b6
    mov r23 = pr ;;
    }
    PV_READ_IFA(r16, r24, r25)
    PV_THASH(r20, r16, r24, r25)        // the VHPT entry of r16, in region 7
    .ifc \kind, dtlb_miss
    PV_TTAG(r18, r16, WITHHELD(r24), WITHHELD(r25))     // fewer clobbers on purpose
    .else
    PV_TTAG(r18, r16, r24, r25)
    .endif
    .if \probe
    ivt_resume IVT_NAME\()_\kind\()_probe
    { .mlx
    adds r17 = VHPT_OFF_TAG, r20
    PVP_MOVL_SELF(p0, r19, IVT_NAME\()_\kind\()_probe) ;;
    }
    { .mmi
    ld8.acq r24 = [r17] ;;              // the entry's tag
    ld8 r22 = [r20]                     // and its PTE
    cmp.eq p6, p0 = r24, r18
    }
    { .mib
    nop.m 0
    nop.i 0
    (p6) br.cond.sptk.many IVT_NAME\()_\kind\()_insert ;;
    }
    .endif
    /* The walk. The root is physical: the movl is a vtop fixup. */
    { .mii
    nop.m 0
    extr.u r24 = r16, VA_TOP, VA_TOP_BITS       // va[60:44]: beyond the tables
    extr.u r22 = r16, PGD_SHIFT, PGD_VA_BITS ;;
    }
    { .mlx
    cmp.ne p6, p0 = r0, r24
    PVP_LOAD_PHYSICAL(p0, r21, swapper_pg_dir) ;;
    }
    { .mib
    nop.m 0
    extr.u r24 = r16, 61, 3                     // the region
    (p6) br.cond.spnt.many IVT_NAME\()_\kind\()_fault ;;
    }
    { .mii
    nop.m 0
    dep r22 = r24, r22, PGD_VA_BITS, 3 ;;       // pgd index: region : va[43:36]
    shladd r17 = r22, 3, r21 ;;
    }
    { .mlx
    nop.m 0
    PVP_MOVL_SELF(p0, r19, IVT_NAME\()_\kind\()_pgd)
    }
    { .mii
    nop.m 0
    dep r17 = -1, r17, 61, 3                    // the entry, through region 7
    nop.i 0 ;;
    }
    ivt_resume IVT_NAME\()_\kind\()_pgd
    { .mmi
    ld8 r21 = [r17] ;;                          // the pmd page (physical), 0 if none
    nop.m 0
    extr.u r22 = r16, PMD_SHIFT, PTRS_BITS ;;
    }
    { .mii
    cmp.eq p6, p0 = r0, r21
    shladd r17 = r22, 3, r21 ;;
    dep r17 = -1, r17, 61, 3 ;;
    }
    { .mlx
    nop.m 0
    PVP_MOVL_SELF(p0, r19, IVT_NAME\()_\kind\()_pmd)
    }
    { .mib
    nop.m 0
    nop.i 0
    (p6) br.cond.spnt.many IVT_NAME\()_\kind\()_fault ;;
    }
    ivt_resume IVT_NAME\()_\kind\()_pmd
    { .mmi
    ld8 r21 = [r17] ;;                          // the pte page (physical), 0 if none
    nop.m 0
    extr.u r22 = r16, PAGE_SHIFT, PTRS_BITS ;;
    }
    { .mii
    cmp.eq p6, p0 = r0, r21
    shladd r17 = r22, 3, r21 ;;
    dep r17 = -1, r17, 61, 3 ;;
    }
    { .mlx
    nop.m 0
    PVP_MOVL_SELF(p0, r19, IVT_NAME\()_\kind\()_pte)
    }
    { .mib
    nop.m 0
    nop.i 0
    (p6) br.cond.spnt.many IVT_NAME\()_\kind\()_fault ;;
    }
    ivt_resume IVT_NAME\()_\kind\()_pte
    { .mmi
    ld8 r22 = [r17] ;;                          // the PTE
    nop.m 0
    tbit.z p6, p0 = r22, 0                      // not present
    }
    { .mib
    nop.m 0
    .if \bits
    or r22 = \bits, r22                         // accessed (and dirty) from now on
    .else
    nop.i 0
    .endif
    (p6) br.cond.spnt.many IVT_NAME\()_\kind\()_fault ;;
    }
    .if \bits
    { .mmi
    st8 [r17] = r22                             // one CPU, interrupts off: a plain store
    nop.m 0
    nop.i 0 ;;
    }
    .endif
    /* Refill the VHPT entry: invalid while it changes, the tag last. */
    ivt_resume IVT_NAME\()_\kind\()_fill
    { .mlx
    adds r17 = VHPT_OFF_TAG, r20
    PVP_MOVL_SELF(p0, r19, IVT_NAME\()_\kind\()_fill) ;;
    }
    { .mii
    adds r25 = VHPT_OFF_ITIR, r20
    dep.z r24 = -1, 63, 1                       // the ti bit: invalid
    nop.i 0 ;;
    }
    { .mmi
    st8 [r17] = r24
    mov r24 = ITIR_PAGE
    nop.i 0 ;;
    }
    { .mmi
    st8.rel [r20] = r22
    st8.rel [r25] = r24
    nop.i 0 ;;
    }
    { .mmi
    st8.rel [r17] = r18
    nop.m 0
    nop.i 0 ;;
    }
IVT_NAME\()_\kind\()_insert:
    { .mii
    nop.m 0
    mov b6 = r26
    mov pr = r23, -1 ;;
    }
    .ifc \itc, I
    .ifc \kind, itlb_miss
    PV_ITC_I(r22, WITHHELD(r24), WITHHELD(r25))         // fewer clobbers on purpose
    .else
    PV_ITC_I(r22, r24, r25)
    .endif
    .else
    PV_ITC_D(r22, r24, r25)
    .endif
    .serialize.data     // nothing after the insert depends on it before rfi
    PV_RFI(r24, r25)
IVT_NAME\()_\kind\()_fault:
    { .mib
    mov r17 = \vec
    mov b6 = r26
    br.cond.sptk.many ivt_page_fault ;;
    }
.endm

/* The identity map of regions 6 and 7, for r16: the PTE of its 16 MiB
 * granule in r22, its ITIR in r20; r21 holds cr.ipsr. Not a kernel access
 * to region 6 or 7: to \bad. */
.macro ivt_identity bad
    { .mii
    mov r22 = PTE_KERNEL_WB
    extr.u r17 = r16, 61, 3
    extr.u r24 = r16, PA_BITS, 61 - PA_BITS ;;
    }
    { .mii
    cmp.gtu p6, p0 = 6, r17                     // regions 0-5 are not the identity map
    cmp.ne p7, p0 = r0, r24                     // beyond the physical address bits
    extr.u r24 = r21, IPSR_CPL, 2 ;;
    }
    { .mii
    cmp.ne p8, p0 = r0, r24                     // from user mode
    cmp.eq p9, p0 = 6, r17                      // region 6: uncached
    dep r24 = 0, r16, 61, 3 ;;
    }
    { .mbb
    (p9) mov r22 = PTE_KERNEL_UC
    (p6) br.cond.spnt.many \bad
    (p7) br.cond.spnt.many \bad ;;
    }
    { .mib
    mov r20 = ITIR_GRANULE
    dep r24 = 0, r24, 0, GRANULE_SHIFT
    (p8) br.cond.spnt.many \bad ;;
    }
    { .mii
    nop.m 0
    or r22 = r22, r24
    mov pr = r23, -1 ;;
    }
.endm

#ifdef IVT_CANONICAL
    .section .text.ivt, "ax"
    .align 32768
    .global ia64_ivt
ia64_ivt:
#else
    .section .init.pvinst, "ax"
    .align 32768
#endif

    /* This build's table of resume points, ended by 0. */
    .pushsection .data.ivt_resume, "aw"
    .align 8
L(resume_table):
    .popsection

PVP_INSTANCE_BEGIN(IVT_NAME, IVT_MODE, ia64_ivt, 0x8000)
L(base):

/* 0x0000, 0: VHPT translation. The walker could not reach the VHPT entry
 * at cr.iha: map the VHPT granule (region 7, identity) and retry. */
L(vhpt_miss):
    { .mii
    nop.m 0
    mov r23 = pr
    nop.i 0 ;;
    }
    PV_READ_IHA(r16, r24, r25)
    { .mii
    mov r22 = PTE_KERNEL_WB
    extr.u r17 = r16, 61, 3
    extr.u r24 = r16, PA_BITS, 61 - PA_BITS ;;
    }
    { .mii
    cmp.ne p6, p0 = 7, r17                      // the VHPT lives in region 7
    cmp.ne p7, p0 = r0, r24                     // below the physical address bits
    dep r24 = 0, r16, 61, 3 ;;
    }
    { .mii
    mov r20 = ITIR_GRANULE
    dep r24 = 0, r24, 0, GRANULE_SHIFT ;;
    or r22 = r22, r24 ;;
    }
    { .mbb
    nop.m 0
    (p6) br.cond.spnt.many L(vhpt_fault)
    (p7) br.cond.spnt.many L(vhpt_fault) ;;
    }
    { .mii
    nop.m 0
    mov pr = r23, -1
    nop.i 0 ;;
    }
    PV_WRITE_IFA(r16, r24, r25)                 // the translation is for cr.iha
    PV_WRITE_ITIR(r20, r24, r25)
    PV_ITC_D(r22, r24, r25)
    .serialize.data     // the retried reference needs it: rfi serializes
    PV_RFI(r24, r25)
L(vhpt_fault):
    { .mib
    mov r17 = 0
    nop.i 0
    br.cond.sptk.many ivt_page_fault ;;
    }

/* 0x0400, 1: instruction TLB miss. */
    .org L(base) + 0x0400
L(itlb_miss):
    ivt_tlb itlb_miss, 1, 1, 0, I

/* 0x0800, 2: data TLB miss. */
    .org L(base) + 0x0800
L(dtlb_miss):
    ivt_tlb dtlb_miss, 2, 1, 0, D

/* 0x0c00, 3: alternate instruction TLB miss: regions 6 and 7 (the walker
 * is off there) are the identity map. */
    .org L(base) + 0x0c00
L(alt_itlb_miss):
    { .mii
    nop.m 0
    mov r23 = pr
    nop.i 0 ;;
    }
    PV_READ_IFA(r16, r24, r25)
    PV_READ_IPSR(r21, r24, r25)
    ivt_identity L(alt_itlb_fault)
    PV_WRITE_ITIR(r20, r24, r25)                // a granule, not the region page size
    PV_ITC_I(r22, r24, r25)
    .serialize.data
    PV_RFI(r24, r25)
L(alt_itlb_fault):
    { .mib
    mov r17 = 3
    nop.i 0
    br.cond.sptk.many ivt_page_fault ;;
    }

/* 0x1000, 4: alternate data TLB miss: as above; a speculative load the
 * identity map does not cover is deferred (ipsr.ed) instead of faulting. */
    .org L(base) + 0x1000
L(alt_dtlb_miss):
    { .mii
    nop.m 0
    mov r23 = pr
    nop.i 0 ;;
    }
    PV_READ_IFA(r16, r24, r25)
    PV_READ_IPSR(r21, r24, r25)
    ivt_identity L(alt_dtlb_bad)
    PV_WRITE_ITIR(r20, r24, r25)
    PV_ITC_D(r22, r24, r25)
    .serialize.data
    PV_RFI(r24, r25)
L(alt_dtlb_bad):
    PV_READ_ISR(r20, r24, r25)
    { .mii
    nop.m 0
    tbit.nz p6, p7 = r20, ISR_SP                // a speculative load
    dep r21 = -1, r21, IPSR_ED, 1 ;;
    }
    PVQ_WRITE_IPSR(p6, r21, r24, r25)           // its target gets a NaT, no fault
    { .mib
    mov r17 = 4
    nop.i 0
    (p7) br.cond.spnt.many ivt_page_fault ;;
    }
    { .mii
    nop.m 0
    mov pr = r23, -1
    nop.i 0 ;;
    }
    PV_RFI(r24, r25)

/* 0x1400, 5: data nested TLB miss: an IVT handler, with psr.ic off, missed
 * on r17 (a region-7 address: a VHPT entry or a page-table entry). Insert
 * the identity translation of r17 with the outer fault's cr.itir (ps =
 * PAGE_SHIFT), give cr.ifa back (r16), and resume at r19 once it is known
 * as one of this build's resume points. Uses r19, r24, r25, p6, p7, b6. */
    .org L(base) + 0x1400
L(nested_dtlb_miss):
    { .mlx
    nop.m 0
    movl r24 = L(resume_table) ;;
    }
L(nested_lookup):
    { .mmi
    ld8 r25 = [r24], 8 ;;
    nop.m 0
    cmp.eq p6, p0 = r25, r19
    }
    { .mii
    nop.m 0
    cmp.eq p7, p0 = r25, r0
    nop.i 0 ;;
    }
    { .mbb
    nop.m 0
    (p6) br.cond.sptk.many L(nested_known)
    (p7) br.cond.spnt.many ivt_nested_panic ;;  // not a resume point of this build
    }
    { .mib
    nop.m 0
    nop.i 0
    br.cond.sptk.many L(nested_lookup) ;;
    }
L(nested_known):
    { .mii
    nop.m 0
    mov b6 = r19
    extr.u r24 = r17, 61, 3 ;;
    }
    { .mib
    cmp.ne p6, p0 = 7, r24
    dep r19 = 0, r17, 61, 3                     // the physical address
    (p6) br.cond.spnt.many ivt_nested_panic ;;  // only region 7 is expected
    }
    { .mii
    mov r24 = PTE_KERNEL_WB
    dep r19 = 0, r19, 0, PAGE_SHIFT ;;
    or r19 = r19, r24 ;;
    }
    PV_WRITE_IFA(r17, r24, r25)
    PV_ITC_D(r19, r24, r25)
    { .mmi
    srlz.d ;;                                   // the resumed access depends on it
    nop.m 0
    nop.i 0 ;;
    }
    PV_WRITE_IFA(r16, r24, r25)                 // the outer handler still inserts for cr.ifa
    { .mib
    nop.m 0
    mov r19 = b6
    br.cond.sptk.many b6 ;;
    }

/* 0x1800, 6 and 0x1c00, 7: instruction and data key misses (this kernel
 * runs with psr.pk off): to the page-fault routine. */
    ivt_simple 0x1800, ikey_miss, 6, ivt_page_fault, 1
    ivt_simple 0x1c00, dkey_miss, 7, ivt_page_fault, 1

/* 0x2000, 8: dirty bit: set dirty and accessed in the PTE, insert it. */
    .org L(base) + 0x2000
L(dirty_bit):
    ivt_tlb dirty_bit, 8, 0, PTE_DA, D

/* 0x2400, 9: instruction access bit. */
    .org L(base) + 0x2400
L(iaccess_bit):
    ivt_tlb iaccess_bit, 9, 0, PTE_A, I

/* 0x2800, 10: data access bit. */
    .org L(base) + 0x2800
L(daccess_bit):
    ivt_tlb daccess_bit, 10, 0, PTE_A, D

/* 0x2c00, 11: break instruction: the system call immediate goes to the
 * system call entry, anything else to ivt_unexpected (r16 = cr.iim). */
    .org L(base) + 0x2c00
L(break_fault):
    PV_READ_IIM(r16, r24, r25)
    { .mii
    mov r17 = SYSCALL_BREAK
    mov r23 = pr
    nop.i 0 ;;
    }
    { .mii
    cmp.eq p6, p0 = r16, r17
    mov r17 = 11
    nop.i 0 ;;
    }
    { .mbb
    nop.m 0
    (p6) br.cond.sptk.many ivt_syscall
    br.cond.sptk.many ivt_unexpected ;;
    }

/* 0x3000, 12: external interrupt: acknowledge (cr.ivr) and hand the vector
 * to the dispatcher in r16; a spurious one returns at once. */
    .org L(base) + 0x3000
L(ext_int):
    PV_READ_IVR(r16, WITHHELD(r24), WITHHELD(r25))      // fewer clobbers on purpose
    { .mmi
    srlz.d ;;
    mov r17 = 12
    mov r23 = pr ;;
    }
    { .mib
    nop.m 0
    cmp.eq p6, p0 = IVR_SPURIOUS, r16
    (p6) br.cond.spnt.many L(ext_int_none) ;;
    }
    { .mib
    nop.m 0
    nop.i 0
    br.cond.sptk.many ivt_interrupt ;;
    }
L(ext_int_none):
    { .mii
    nop.m 0
    mov pr = r23, -1
    nop.i 0 ;;
    }
    PV_RFI(r24, r25)

/* 0x3400-0x4c00, 13-19: reserved. */
    ivt_simple 0x3400, reserved13, 13, ivt_unexpected, 0
    ivt_simple 0x3800, reserved14, 14, ivt_unexpected, 0
    ivt_simple 0x3c00, reserved15, 15, ivt_unexpected, 0
    ivt_simple 0x4000, reserved16, 16, ivt_unexpected, 0
    ivt_simple 0x4400, reserved17, 17, ivt_unexpected, 0
    ivt_simple 0x4800, reserved18, 18, ivt_unexpected, 0
    ivt_simple 0x4c00, reserved19, 19, ivt_unexpected, 0

/* 0x5000-0x7f00, 20-67: 16-bundle entries. */
    ivt_simple 0x5000, page_not_present, 20, ivt_page_fault, 1
    ivt_simple 0x5100, key_permission, 21, ivt_page_fault, 1
    ivt_simple 0x5200, iaccess_rights, 22, ivt_page_fault, 1
    ivt_simple 0x5300, daccess_rights, 23, ivt_page_fault, 1
    ivt_simple 0x5400, general_exception, 24, ivt_page_fault, 1
    ivt_simple 0x5500, disabled_fp_reg, 25, ivt_disabled_fp, 0
    ivt_simple 0x5600, nat_consumption, 26, ivt_unexpected, 1
    ivt_simple 0x5700, speculation, 27, ivt_unexpected, 0
    ivt_simple 0x5800, reserved28, 28, ivt_unexpected, 0
    ivt_simple 0x5900, debug, 29, ivt_unexpected, 1
    ivt_simple 0x5a00, unaligned_ref, 30, ivt_unexpected, 1
    ivt_simple 0x5b00, unsupported_dref, 31, ivt_unexpected, 1
    ivt_simple 0x5c00, fp_fault, 32, ivt_unexpected, 0
    ivt_simple 0x5d00, fp_trap, 33, ivt_unexpected, 0
    ivt_simple 0x5e00, lower_priv_transfer, 34, ivt_unexpected, 0
    ivt_simple 0x5f00, taken_branch, 35, ivt_unexpected, 0
    ivt_simple 0x6000, single_step, 36, ivt_unexpected, 0
    .irp vec, 37, 38, 39, 40, 41, 42, 43, 44
    ivt_simple 0x5000+(\vec-20)*0x100, reserved\vec, \vec, ivt_unexpected, 0
    .endr
    ivt_simple 0x6900, ia32_exception, 45, ivt_unexpected, 0
    ivt_simple 0x6a00, ia32_intercept, 46, ivt_unexpected, 0
    ivt_simple 0x6b00, ia32_interrupt, 47, ivt_unexpected, 0
    .irp vec, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67
    ivt_simple 0x5000+(\vec-20)*0x100, reserved\vec, \vec, ivt_unexpected, 0
    .endr

    .org L(base) + 0x8000
PVP_INSTANCE_END(IVT_NAME, IVT_MODE, ia64_ivt, 0x8000)

    .pushsection .data.ivt_resume, "aw"
    data8 0
    .popsection
