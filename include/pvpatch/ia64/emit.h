/* Emit everything one mode gives the patcher (assembler, through cpp):
 *
 *     #define PVP_EMIT_MODE xen
 *     #include "pvpatch/ia64/modes/xen.h"
 *     #include "pvpatch/ia64/emit.h"
 *
 * - a B stub per operation, pvp_stub_<mode>_<OP> in .text.pvpatch.stubs: the
 *   mode's code on the registers of the call convention (site.h), returning
 *   through b7;
 * - the mode's ops table pvp_ops_<mode> (stub addresses by operation id);
 * - templates of forms A, B and C of every operation, assembled with the
 *   placeholder registers of pvops.h, in .pvpatch.text (discardable), with
 *   their entries in .pvpatch.tmpl;
 * - the mode record in .pvpatch.modes.
 * With PVP_EMIT_LIVE defined it also defines pv_cpu_asm_ops, the table
 * C-form sites call through, holding this mode's stubs until patched: define
 * it in exactly one object (the mode the image starts in). */
#ifndef PVPATCH_IA64_EMIT_H
#define PVPATCH_IA64_EMIT_H

#include "pvpatch/ia64/site.h"

#ifndef PVP_EMIT_MODE
#error "define PVP_EMIT_MODE (e.g. native, xen, counting) before including pvpatch/ia64/emit.h"
#endif

#ifdef __ASSEMBLER__

/* Operand registers by shape (pvops.h): on a stub, and in a template. */
#define PVP_STUB_REGS_R   PVP_ABI_ARG1, r0, r0
#define PVP_STUB_REGS_W   r0, PVP_ABI_ARG1, r0
#define PVP_STUB_REGS_RW  PVP_ABI_ARG1, PVP_ABI_ARG1, r0
#define PVP_STUB_REGS_WW  r0, PVP_ABI_ARG1, PVP_ABI_ARG2
#define PVP_STUB_REGS_N   r0, r0, r0
#define PVP_TMPL_REGS_R   PVP_PH_DST, r0, r0
#define PVP_TMPL_REGS_W   r0, PVP_PH_SRC1, r0
#define PVP_TMPL_REGS_RW  PVP_PH_DST, PVP_PH_SRC1, r0
#define PVP_TMPL_REGS_WW  r0, PVP_PH_SRC1, PVP_PH_SRC2
#define PVP_TMPL_REGS_N   r0, r0, r0
/* A stub's third clobber, and where it keeps the predicates while the code
 * clobbers one (p6): registers of the convention the shape leaves free. */
#define PVP_STUB_SPARE_R  r0, PVP_ABI_ARG2
#define PVP_STUB_SPARE_W  r0, PVP_ABI_ARG2
#define PVP_STUB_SPARE_RW r0, PVP_ABI_ARG2
#define PVP_STUB_SPARE_WW r0, r0
#define PVP_STUB_SPARE_N  PVP_ABI_ARG2, PVP_ABI_ARG1

/* An rfi does not come back: b7 gets the site's own value back first. */
.macro pvp_stub_return_register name
    .ifc \name, RFI
    mov b7 = PVP_ABI_SAVEB
    .else
    mov b7 = PVP_ABI_RET
    .endif
.endm

/* `mov to = from` in an I slot, or a nop when either is r0. */
.macro pvp_stub_mov_i to, from
    .ifc \to, r0
    nop.i 0
    .else
    mov \to = \from
    .endif
.endm

/* The stub: take the return address into b7, run the mode's code with r31
 * and r27 (and a spare) as its clobbers, return. Code that clobbers a
 * predicate (its A template said so) gets p6, with the predicates kept in
 * a spare register around it. */
.macro pvp_emit_stub mode, name, id, dst, s1, s2, c3, prsave
    .globl pvp_stub_\mode\()_\name
    .type pvp_stub_\mode\()_\name, @function
pvp_stub_\mode\()_\name:
    pvp_body_reset
    .set .Lpvp_in_stub, 1
    { .mii
    nop.m 0
    pvp_stub_return_register \name
    nop.i 0 ;;
    }
    .if .Lpvp_pclob_\name
    .ifc \prsave, r0
    .error "pvpatch: no register of the call convention is free to keep the predicates in"
    .endif
    { .mii
    nop.m 0
    mov \prsave = pr
    nop.i 0 ;;
    }
    pvp_mode_\mode \name, \id, p0, \dst, \s1, \s2, PVP_ABI_RET, PVP_ABI_SCRATCH, \c3, p6
    { .mii
    nop.m 0
    mov pr = \prsave, -1
    nop.i 0 ;;
    }
    .else
    pvp_mode_\mode \name, \id, p0, \dst, \s1, \s2, PVP_ABI_RET, PVP_ABI_SCRATCH, \c3, p0
    .endif
    { .mib
    nop.m 0
    nop.i 0
    br.cond.sptk.many b7 ;;
    }
    .set .Lpvp_in_stub, 0
.endm

/* One template: the code of \form for \name with placeholder registers;
 * what an A body keeps and writes (pvp_keeps, pvp_writes) goes into its
 * entry, and whether it clobbers a predicate into .Lpvp_pclob_NAME. */
.macro pvp_emit_template mode, name, id, form, dst, s1, s2
    .pushsection .pvpatch.text, "ax"
    .align 16
    pvp_body_reset
.Lpvp_t_\@:
    pvp_form_code \form, \name, \id, p0, \dst, \s1, \s2, PVP_PH_CLOB1, PVP_PH_CLOB2, PVP_PH_CLOB3, PVP_PH_PCLOB, \mode
    .if \form != PVP_FORM_A
    pvp_writes PVP_ABI_GR_MASK          /* a call's entry names the call registers (docs/records.md) */
    .endif
.Lpvp_t_end_\@:
    { .mmi                      /* outside the template: keeps GNU as from */
    srlz.d ;;                   /* seeing a dependency between two of them */
    srlz.i
    nop.i 0 ;;
    }
    .popsection
    .xdata8 ".pvpatch.tmpl", .Lpvp_t_\@
    .xdata8 ".pvpatch.tmpl", .Lpvp_t_end_\@
    .xdata2 ".pvpatch.tmpl", \id
    .xdata1 ".pvpatch.tmpl", \form
    .xdata1 ".pvpatch.tmpl", .Lpvp_nkept
    .xdata4 ".pvpatch.tmpl", .Lpvp_keeps | .Lpvp_writes
    .if \form == PVP_FORM_A
    .set .Lpvp_pclob_\name, .Lpvp_uses_pclob
    .endif
.endm

.macro pvp_emit_templates mode, name, id, dst, s1, s2
    pvp_emit_template \mode, \name, \id, PVP_FORM_A, \dst, \s1, \s2
    pvp_emit_template \mode, \name, \id, PVP_FORM_B, \dst, \s1, \s2
    pvp_emit_template \mode, \name, \id, PVP_FORM_C, \dst, \s1, \s2
.endm

/* The mode record. */
.macro pvp_emit_mode_record mode
    .pushsection .pvpatch.modes, "a"
    .align 8
    data4 PVP_MODE_MAGIC
    data2 PVP_RECORDS_VERSION
    data2 PVP_MODE_RECSIZE
    data4 .Lpvp_mode_id_\mode
    data4 PVP_OP_COUNT + 1
.Lpvp_mode_name_\mode:
    .ascii "\mode"
    .skip PVP_MODE_NAMELEN - (. - .Lpvp_mode_name_\mode)
    data8 pvp_ops_\mode
    data8 pv_cpu_asm_ops
    data8 .Lpvp_tmpl_begin_\mode
    data8 .Lpvp_tmpl_end_\mode
    .popsection
.endm

#define PVP_CAT3(a, b, c) PVP_CAT(PVP_CAT(a, b), c)
/* Blocks (shape K) have neither stubs nor templates: their bodies are at the site. */
#define PVP_EMIT_STUB(name, shape) PVP_EMIT_STUB_##shape(name)
#define PVP_EMIT_STUB_CALL(name, shape) \
    pvp_emit_stub PVP_EMIT_MODE, name, PVP_OP_##name, PVP_STUB_REGS_##shape, PVP_STUB_SPARE_##shape ;
#define PVP_EMIT_STUB_R(name)  PVP_EMIT_STUB_CALL(name, R)
#define PVP_EMIT_STUB_W(name)  PVP_EMIT_STUB_CALL(name, W)
#define PVP_EMIT_STUB_RW(name) PVP_EMIT_STUB_CALL(name, RW)
#define PVP_EMIT_STUB_WW(name) PVP_EMIT_STUB_CALL(name, WW)
#define PVP_EMIT_STUB_N(name)  PVP_EMIT_STUB_CALL(name, N)
#define PVP_EMIT_STUB_K(name)
/* Table entries go in id order; an id out of order is an error. */
#define PVP_EMIT_ENTRY(name, shape) \
    .if .Lpvp_next_id != PVP_OP_##name ; \
    .error "pvpatch: operation ids must follow the list order (PVP_EXTRA_OPS after PVP_OP_BUILTIN)" ; \
    .endif ; \
    .set .Lpvp_next_id, .Lpvp_next_id + 1 ; \
    PVP_EMIT_STUB_ADDR_##shape(name) ;
#define PVP_EMIT_STUB_ADDR(name) data8 PVP_CAT3(pvp_stub_, PVP_EMIT_MODE, _##name)
#define PVP_EMIT_STUB_ADDR_R(name)  PVP_EMIT_STUB_ADDR(name)
#define PVP_EMIT_STUB_ADDR_W(name)  PVP_EMIT_STUB_ADDR(name)
#define PVP_EMIT_STUB_ADDR_RW(name) PVP_EMIT_STUB_ADDR(name)
#define PVP_EMIT_STUB_ADDR_WW(name) PVP_EMIT_STUB_ADDR(name)
#define PVP_EMIT_STUB_ADDR_N(name)  PVP_EMIT_STUB_ADDR(name)
#define PVP_EMIT_STUB_ADDR_K(name)  data8 0
#define PVP_EMIT_TEMPLATES(name, shape) PVP_EMIT_TEMPLATES_##shape(name)
#define PVP_EMIT_TEMPLATES_CALL(name, shape) \
    pvp_emit_templates PVP_EMIT_MODE, name, PVP_OP_##name, PVP_TMPL_REGS_##shape ;
#define PVP_EMIT_TEMPLATES_R(name)  PVP_EMIT_TEMPLATES_CALL(name, R)
#define PVP_EMIT_TEMPLATES_W(name)  PVP_EMIT_TEMPLATES_CALL(name, W)
#define PVP_EMIT_TEMPLATES_RW(name) PVP_EMIT_TEMPLATES_CALL(name, RW)
#define PVP_EMIT_TEMPLATES_WW(name) PVP_EMIT_TEMPLATES_CALL(name, WW)
#define PVP_EMIT_TEMPLATES_N(name)  PVP_EMIT_TEMPLATES_CALL(name, N)
#define PVP_EMIT_TEMPLATES_K(name)
/* The names of the operations a user added, for the tools (records.h). */
#define PVP_EMIT_NAME(name, shape) \
    .if PVP_OP_##name > PVP_OP_BUILTIN ; pvp_emit_name name, PVP_OP_##name ; .endif ;

.macro pvp_emit_name name, id
    .pushsection .pvpatch.names, "a"
    .align 8
    data2 \id
.Lpvp_opname_\name:
    .ascii "\name"
    .skip PVP_NAME_LEN - (. - .Lpvp_opname_\name)
    .popsection
.endm

    /* Templates first: they tell the stubs which code clobbers a predicate. */
    .pushsection .pvpatch.tmpl, "a"
    .align 8
PVP_CAT(.Lpvp_tmpl_begin_, PVP_EMIT_MODE):
    .popsection
    PVP_IA64_OPS(PVP_EMIT_TEMPLATES)
    .pushsection .pvpatch.tmpl, "a"
PVP_CAT(.Lpvp_tmpl_end_, PVP_EMIT_MODE):
    .popsection

    .pushsection .text.pvpatch.stubs, "ax"
    .align 16
    PVP_IA64_OPS(PVP_EMIT_STUB)
    .popsection

    .pushsection .data.pvpatch.ops, "aw"
    .align 8
    .globl PVP_CAT(pvp_ops_, PVP_EMIT_MODE)
PVP_CAT(pvp_ops_, PVP_EMIT_MODE):
.set .Lpvp_next_id, 1
    data8 0
    PVP_IA64_OPS(PVP_EMIT_ENTRY)
#ifdef PVP_EMIT_LIVE
    .globl pv_cpu_asm_ops
pv_cpu_asm_ops:
.set .Lpvp_next_id, 1
    data8 0
    PVP_IA64_OPS(PVP_EMIT_ENTRY)
#endif
    .popsection

    pvp_emit_mode_record PVP_EMIT_MODE
    PVP_CAT(pvp_mode_data_, PVP_EMIT_MODE)
    PVP_IA64_OPS(PVP_EMIT_NAME)

#endif /* __ASSEMBLER__ */
#endif
