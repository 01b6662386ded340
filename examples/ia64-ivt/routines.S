/* routines.S: the kernel text the IVT branches out to, and the kernel data
 * it uses. Built once per image, in the image's form (C, or B with native
 * stubs): these sites are outside any instance and are patched at boot
 * like the IVT's.
 *
 * Every routine is entered from the IVT in bank 0 with psr.ic off and
 * r16 = the address concerned (or the vector, or cr.iim),
 * r17 = the IVT vector number, r23 = the interrupted predicates (restored
 * here before rfi), b6 = the interrupted b6. They use r16-r25 like the IVT
 * and leave r27-r31 to the pv sites. */
#include "pvpatch/ia64/site.h"
#include "pvpatch/ia64/modes/native.h"
#include "pvpatch/ia64/modes/xen.h"
#include "pvpatch/ia64/modes/counting.h"
#include "ivt.h"

    .text
    .align 16

/* System call entry (from break with the system call immediate): r15 is
 * the call number, the result goes to r8. This kernel has two calls and
 * runs them right here, without leaving bank 0: SYS_NOP returns 0, SYS_ITC
 * the interval time counter; anything else -ENOSYS. Then step over the
 * break (ipsr.ri, and iip at the end of a bundle) and return. */
    .global ivt_syscall
ivt_syscall:
    PV_READ_IPSR(r16, r24, r25)
    PV_READ_IIP(r17, r24, r25)
    { .mii
    mov r8 = -ENOSYS
    cmp.eq p6, p0 = SYS_NOP, r15
    cmp.eq p7, p0 = SYS_ITC, r15 ;;
    }
    { .mii
    (p6) mov r8 = 0
    extr.u r18 = r16, IPSR_RI, 2
    nop.i 0 ;;
    }
    { .mii
    nop.m 0
    cmp.eq p8, p9 = 2, r18                      // the break was in slot 2
    adds r18 = 1, r18 ;;
    }
    { .mii
    (p8) adds r17 = 16, r17                     // the next bundle, slot 0
    (p8) dep r16 = 0, r16, IPSR_RI, 2
    (p9) dep r16 = r18, r16, IPSR_RI, 2 ;;      // or the next slot
    }
    PVQ_READ_ITC(p7, r18, r24, r25)
    { .mii
    (p7) mov r8 = r18
    nop.i 0
    nop.i 0 ;;
    }
    { .mii
    nop.m 0
    mov pr = r23, -1
    nop.i 0 ;;
    }
    PV_WRITE_IPSR(r16, r24, r25)
    PV_WRITE_IIP(r17, r24, r25)
    PV_RFI(r24, r25)

/* Interrupt dispatch: r16 = the vector cr.ivr gave. Count it, end it (eoi)
 * and take the next pending one until the spurious vector says none is
 * left. A driver would be called where the count is taken. */
    .global ivt_interrupt
ivt_interrupt:
    { .mlx
    nop.m 0
    movl r18 = irq_counts ;;
    }
.Lirq_next:
    { .mii
    nop.m 0
    shladd r19 = r16, 3, r18
    nop.i 0 ;;
    }
    { .mmi
    ld8 r20 = [r19] ;;
    adds r20 = 1, r20
    nop.i 0 ;;
    }
    { .mmi
    st8 [r19] = r20
    nop.m 0
    nop.i 0 ;;
    }
    PV_WRITE_EOI(r20, r24, r25)                 // the value written is ignored (r0 is refused: see README)
    PV_READ_IVR(r16, r24, r25)
    { .mmi
    srlz.d ;;
    nop.m 0
    cmp.ne p6, p0 = IVR_SPURIOUS, r16
    }
    { .mib
    nop.m 0
    nop.i 0
    (p6) br.cond.sptk.many .Lirq_next ;;
    }
    { .mii
    nop.m 0
    mov pr = r23, -1
    nop.i 0 ;;
    }
    PV_RFI(r24, r25)

/* Disabled FP register: this kernel has one context, so there is no other
 * FP state to switch in: enable the high FP registers and retry. */
    .global ivt_disabled_fp
ivt_disabled_fp:
    PV_READ_IPSR(r16, r24, r25)
    { .mii
    nop.m 0
    dep r16 = 0, r16, IPSR_DFH, 1
    mov pr = r23, -1 ;;
    }
    PV_WRITE_IPSR(r16, r24, r25)
    PV_RFI(r24, r25)

/* Page faults, access-rights and key faults, general exceptions (r16 = the
 * address concerned, r17 = the vector) and every vector this kernel has no
 * handler for. A kernel with processes would save the interrupted state
 * here (cover, bsw.1, ...) and call its C handler; this one has nothing to
 * signal: it records the fault in ivt_last_fault for a debugger and stops. */
    .global ivt_page_fault, ivt_unexpected
ivt_unexpected:
    { .mib
    nop.m 0
    nop.i 0
    br.cond.sptk.many ivt_page_fault ;;
    }
ivt_page_fault:
    PV_READ_ISR(r18, r24, r25)
    PV_READ_IIP(r19, r24, r25)
    PV_READ_IPSR(r20, r24, r25)
.Lrecord:
    { .mlx
    nop.m 0
    movl r21 = ivt_last_fault ;;
    }
    { .mmi
    st8 [r21] = r17, 8 ;;                       // vector
    st8 [r21] = r16, 8                          // address
    nop.i 0 ;;
    }
    { .mmi
    st8 [r21] = r18, 8 ;;                       // isr
    st8 [r21] = r19, 8                          // iip
    nop.i 0 ;;
    }
    { .mmi
    st8 [r21] = r20, 8 ;;                       // ipsr
    st8 [r21] = r23                             // predicates
    nop.i 0 ;;
    }
    .global ivt_halt
ivt_halt:
    { .mib
    hint.m 0                                    // @pause
    nop.i 0
    br.cond.sptk.few ivt_halt ;;
    }

/* A nested miss the data nested TLB handler cannot take (r17 outside
 * region 7, or r19 not a resume point of the running IVT): a kernel bug.
 * Recorded as vector 5 with the address, and the resume point as "iip". */
    .global ivt_nested_panic
ivt_nested_panic:
    { .mii
    mov r18 = 0
    mov r16 = r17
    mov r20 = 0
    }
    { .mib
    mov r17 = 5
    nop.i 0
    br.cond.sptk.many .Lrecord ;;
    }

    .data
    .align 8
    .global irq_counts, ivt_last_fault
irq_counts:                                     // per vector
    .skip 8 * 256
ivt_last_fault:                                 // vector, address, isr, iip, ipsr, pr
    .skip 8 * 6

/* The kernel page table: an empty root (pgd), physical addresses of pmd
 * pages in its entries. Nothing in regions 0-5 is mapped yet, so every
 * access there goes to ivt_page_fault until the kernel maps a page. */
    .section .data.page_aligned, "aw"
    .align 1 << PAGE_SHIFT
    .global swapper_pg_dir
swapper_pg_dir:
    .skip 1 << PAGE_SHIFT
