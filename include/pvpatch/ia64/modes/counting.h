/* The counting mode of the IA-64 pv operations: native behaviour, and each
 * use adds one to a per-operation counter in memory first, 8 bytes at
 * pvp_op_counts + 8 * id. A mode of its own, to show that nothing in
 * pvpatch knows only native and xen; it needs both clobbers of a site.
 * Forms: see pvpatch/ia64/site.h. */
#ifndef PVPATCH_IA64_MODES_COUNTING_H
#define PVPATCH_IA64_MODES_COUNTING_H

#include "pvpatch/ia64/site.h"
#include "pvpatch/ia64/modes/native.h"

#define PVP_MODE_ID_counting PVP_MODE_COUNTING

#ifdef __ASSEMBLER__

    .set .Lpvp_mode_id_counting, PVP_MODE_COUNTING

/* pvp_op_counts[\id] += 1, through \c1 and \c2. */
.macro pvp_counting_count qp, id, c1, c2
    { .mlx
    nop.m 0
    pvp_data_address \qp, \c1, pvp_op_counts + 8 * \id ;;
    }
    { .mmi
    (\qp) ld8 \c2 = [\c1] ;;
    (\qp) adds \c2 = 1, \c2
    nop.i 0 ;;
    }
    { .mmi
    (\qp) st8 [\c1] = \c2
    nop.m 0
    nop.i 0 ;;
    }
.endm

/* Data the mode needs: the counters, one per operation id. */
.macro pvp_mode_data_counting
    .pushsection .data, "aw"
    .align 8
    .globl pvp_op_counts
pvp_op_counts:
    .skip 8 * (PVP_OP_COUNT + 1)
    .popsection
.endm

/* The mode's entry point for the forms: operation \name at a site. */
.macro pvp_mode_counting name, id, qp, dst, s1, s2, c1, c2, c3, pc
    .ifc \c1, r0
    .error "pvpatch: the counting mode needs two clobber registers at every site"
    .endif
    .ifc \c2, r0
    .error "pvpatch: the counting mode needs two clobber registers at every site"
    .endif
    pvp_counting_count \qp, \id, \c1, \c2
    pvp_native_\name \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
.endm

#endif /* __ASSEMBLER__ */
#endif
