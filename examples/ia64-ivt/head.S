/* head.S: the example kernel's entry. Small on purpose: it picks the mode,
 * hands it to the engine (pvpatch_boot, boot.c), then sets up what the IVT
 * relies on (the VHPT and PTA), points cr.iva at ia64_ivt and idles with
 * interrupts on.
 *
 * Boot contract (what the loader has done before _start): the CPU runs in
 * virtual mode at PL0 with psr.ic on and psr.i off; the kernel image is
 * pinned by translation registers (text, data, bss: one granule); region
 * registers 0-5 have ps = PAGE_SHIFT and the VHPT walker on, 6 and 7 have
 * the walker off; boot_param_mode holds the mode the loader was told to
 * boot in (1 native, 2 xen, 3 counting: PVP_MODE_*).
 *
 * The engine's contract, in pvpatch_boot(mode) (boot.c):
 *   1. pvp_instances_read() of [__pvpatch_instances_start, _end), then
 *      pvp_install() of the instance whose mode is `mode` over ia64_ivt,
 *      unless the canonical instance is already of that mode;
 *   2. pvp_modes_read() of [__pvpatch_modes_start, _end), then pvp_patch()
 *      of every site in [__pvpatch_sites_start, _end) to `mode` (the IVT's
 *      B and C sites, and these routines' own).
 * Both flush what they write (fc.i, sync.i, srlz.i) before returning. No
 * IA-64 C compiler builds boot.c here: the weak pvpatch_boot below returns
 * at once, and the same two steps are run offline on the linked image by
 * `pvpatch install` and `pvpatch patch` (see README.md).
 *
 * Two privileged writes here have no pv operation: cr.pta and cr.iva. They
 * run once at boot; a Xen guest traps on them and Xen emulates them. */
#include "pvpatch/ia64/site.h"
#include "pvpatch/ia64/modes/native.h"
#include "pvpatch/ia64/modes/xen.h"
#include "pvpatch/ia64/modes/counting.h"
#include "ivt.h"

    .data
    .align 8
    .global boot_param_mode
boot_param_mode:
    data8 PVP_MODE_NATIVE

    .section .bss.boot, "aw", @nobits
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:
    .align 512
boot_rbs:                                       /* register backing store */
    .skip 16384

    .section .bss.vhpt, "aw", @nobits
    .align 1 << VHPT_SHIFT                      /* PTA.base is aligned to the VHPT size */
    .global ivt_vhpt
ivt_vhpt:
    .skip 1 << VHPT_SHIFT

    .text
    .align 16
    .global _start
_start:
    /* A register stack, a memory stack and gp for the C call. */
    { .mmi
    mov ar.rsc = 0 ;;                           // enforced lazy: the RSE may be changed
    loadrs                                      // nothing dirty from the loader is kept
    nop.i 0 ;;
    }
    { .mlx
    nop.m 0
    movl r2 = boot_rbs ;;
    }
    { .mmi
    mov ar.bspstore = r2 ;;
    mov ar.rsc = 3                              // eager
    nop.i 0 ;;
    }
    { .mlx
    nop.m 0
    movl r1 = __gp ;;
    }
    { .mlx
    nop.m 0
    movl r12 = boot_stack_top - 16 ;;
    }
    { .mlx
    alloc r32 = ar.pfs, 0, 1, 1, 0
    movl r2 = boot_param_mode ;;
    }
    { .mmi
    ld8 r33 = [r2] ;;                           // out0: the mode
    nop.m 0
    nop.i 0 ;;
    }
    { .mib
    nop.m 0
    nop.i 0
    br.call.sptk.many b0 = pvpatch_boot ;;      // install, then patch (boot.c)
    }

    /* The VHPT: every entry invalid (tag ti bit), then PTA at its region-7
     * alias, long format, walker on. */
    { .mlx
    nop.m 0
    movl r2 = ivt_vhpt + VHPT_OFF_TAG ;;
    }
    { .mii
    mov r3 = (1 << (VHPT_SHIFT - 5)) - 1        // entries - 1
    dep.z r4 = -1, 63, 1
    nop.i 0 ;;
    }
    { .mii
    nop.m 0
    mov ar.lc = r3
    nop.i 0 ;;
    }
.Lvhpt_clear:
    { .mib
    st8 [r2] = r4, VHPT_ENTRY
    nop.i 0
    br.cloop.sptk.few .Lvhpt_clear ;;
    }
    { .mlx
    nop.m 0
    movl r2 = ivt_vhpt ;;
    }
    PV_TPA(r3, r2, r24, r25)                    // pinned: tpa cannot miss
    { .mlx
    nop.m 0
    movl r4 = REGION7 | (VHPT_SHIFT << 2) | PTA_VF | PTA_VE ;;
    }
    { .mii
    nop.m 0
    or r3 = r3, r4
    nop.i 0 ;;
    }
    { .mmi
    mov cr.pta = r3 ;;
    srlz.d
    nop.i 0 ;;
    }

    /* The IVT: whichever instance was installed is at ia64_ivt now. */
    { .mlx
    nop.m 0
    movl r2 = ia64_ivt ;;
    }
    { .mmi
    mov cr.iva = r2 ;;
    srlz.i
    nop.i 0 ;;
    }
    PV_SSM_I(r24, r25)                          // interrupts on
    { .mmi
    srlz.d ;;
    nop.m 0
    nop.i 0 ;;
    }
.Lidle:
    { .mib
    hint.m 0                                    // @pause
    nop.i 0
    br.cond.sptk.few .Lidle ;;
    }

/* The stand-in for boot.c's pvpatch_boot in these images (see above). */
    .weak pvpatch_boot
pvpatch_boot:
    { .mib
    mov r8 = 0
    nop.i 0
    br.ret.sptk.many b0 ;;
    }
