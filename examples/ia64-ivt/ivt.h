/* Constants shared by the example IVT (ivt.S), its kernel routines
 * (routines.S) and head code (head.S). Assembler, through cpp.
 *
 * Memory model of the example kernel:
 * - regions 0-5 are mapped by 16 KiB pages from a three-level page table
 *   rooted at swapper_pg_dir; the VHPT walker is on there (rr.ve = 1,
 *   rr.ps = PAGE_SHIFT), with a long-format VHPT (PTA.vf = 1);
 * - regions 6 and 7 are the identity map of physical memory (6 uncached,
 *   7 write-back), in 16 MiB granules inserted on demand by the alternate
 *   TLB miss handlers; the walker is off there;
 * - the VHPT lives in region 7, so the walker's own references to it can
 *   miss (the VHPT translation vector) and so can the handlers' (a nested
 *   miss, the data nested TLB vector);
 * - the kernel image (text, data, bss) is pinned by translation registers,
 *   so the IVT, the routines, the stubs and the ops tables never miss. */
#ifndef IVT_EXAMPLE_H
#define IVT_EXAMPLE_H

/* Pages and the page table. */
#define PAGE_SHIFT      14                      /* 16 KiB */
#define PTRS_BITS       (PAGE_SHIFT - 3)        /* 2048 entries of 8 bytes per table page */
#define PMD_SHIFT       (PAGE_SHIFT + PTRS_BITS)         /* 25 */
#define PGD_SHIFT       (PMD_SHIFT + PTRS_BITS)          /* 36 */
#define PGD_VA_BITS     (PTRS_BITS - 3)         /* the pgd index: region (3 bits) : va[43:36] */
#define VA_TOP          (PGD_SHIFT + PGD_VA_BITS)        /* 44: va[60:44] must be zero */
#define VA_TOP_BITS     (61 - VA_TOP)

/* The identity map of regions 6 and 7. */
#define GRANULE_SHIFT   24                      /* 16 MiB */
#define PA_BITS         50                      /* va[60:50] of an identity address must be zero */

/* PTE fields (the insertion format itc takes). */
#define PTE_P           0x001                   /* present */
#define PTE_MA_UC       0x010                   /* ma = 4: uncacheable (ma = 0: write-back) */
#define PTE_A           0x020                   /* accessed */
#define PTE_D           0x040                   /* dirty */
#define PTE_AR_RWX      0x600                   /* ar = 3, pl = 0: kernel read, write, execute */
#define PTE_DA          0x060                   /* dirty and accessed */
#define PTE_KERNEL_WB   (PTE_P | PTE_A | PTE_D | PTE_AR_RWX)
#define PTE_KERNEL_UC   (PTE_KERNEL_WB | PTE_MA_UC)

/* ITIR values: ps in bits 2-7, key 0. */
#define ITIR_PAGE       (PAGE_SHIFT << 2)
#define ITIR_GRANULE    (GRANULE_SHIFT << 2)

/* The long-format VHPT: 32-byte entries { PTE, ITIR, tag, software }. */
#define VHPT_SHIFT      15                      /* 32 KiB: 1024 entries */
#define VHPT_ENTRY      32
#define VHPT_OFF_ITIR   8
#define VHPT_OFF_TAG    16
#define VHPT_TAG_TI     0x8000000000000000      /* tag invalid */
#define PTA_VE          0x1
#define PTA_VF          0x100

/* Bits of cr.ipsr and cr.isr the handlers look at. */
#define IPSR_DFH        19                      /* disabled FP high */
#define IPSR_CPL        32                      /* 2 bits */
#define IPSR_RI         41                      /* 2 bits: restart slot */
#define IPSR_ED         43                      /* exception deferral */
#define ISR_SP          36                      /* speculative load */

/* Interrupts and system calls. */
#define IVR_SPURIOUS    15
#define SYSCALL_BREAK   0x100000                /* break.m immediate of a system call */
#define SYS_NOP         0
#define SYS_ITC         1
#define ENOSYS          38

#define REGION7         0xe000000000000000

#endif
