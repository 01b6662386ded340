/* pvpatch for IA-64 assembler sources (.S, through cpp): pv operations.
 *
 * Each use of a sensitive operation is written once, as a macro naming its
 * registers, in the style of Xen/ia64's _READ_IFA(regr, clob1, clob2):
 *
 *     PV_READ_IFA(r16, r24, r25)       r16 = cr.ifa; may clobber r24, r25
 *     PV_ITC_D(r18, r24, r0)           itc.d r18; may clobber r24 only
 *     PVQ_ITC_D(p7, r18, r24, r25)     the same under predicate p7
 *
 * Pass r0 for a clobber the site cannot spare. The build picks the form:
 *   -DPVP_FORM=PVP_FORM_A -DPVP_BUILD_MODE=xen   the xen code inline
 *   -DPVP_FORM=PVP_FORM_B -DPVP_BUILD_MODE=native  branches to native stubs
 *   -DPVP_FORM=PVP_FORM_C                        calls through pv_cpu_asm_ops
 * and every use records a site (records.h) that the patcher rewrites at
 * boot. A site is whole bundles: it starts a bundle after a stop and ends
 * with a stop. Forms B and C clobber r27-r31 and restore b7 (except around
 * bsw, which switches r27-r31 away); see docs/pvops.md for the convention.
 *
 * Include the headers of the modes the build uses (pvpatch/ia64/modes/...)
 * after this one. Register names must be written in lower case. */
#ifndef PVPATCH_IA64_SITE_H
#define PVPATCH_IA64_SITE_H

#include "pvpatch/records.h"
#include "pvpatch/ia64/pvops.h"
#include "pvpatch/ia64/instance.h"

#define PVP_CAT_(a, b) a##b
#define PVP_CAT(a, b) PVP_CAT_(a, b)

#ifdef __ASSEMBLER__

#ifndef PVP_FORM
#define PVP_FORM PVP_FORM_A
#endif
#ifndef PVP_BUILD_MODE
#define PVP_BUILD_MODE native
#endif
#define PVP_BUILD_MODE_ID PVP_CAT(.Lpvp_mode_id_, PVP_BUILD_MODE)

    .pushsection .pvpatch.sites, "a"
    .popsection

/* The call registers the build chose (PVP_CALL_REGS, pvops.h): five
 * distinct static registers, not r8 or r9 (xen's hyperprivops use them). */
.macro pvp_check_call_set a, b, s, r, x
    .irp n, \a, \b, \s, \r, \x
    .if ((\n) < 1) || ((\n) > 31) || ((\n) == 8) || ((\n) == 9)
    .error "pvpatch: PVP_CALL_REGS: r\n cannot be a call register (r1-r31, not r8 or r9)"
    .endif
    .endr
    .if ((\a) == (\b)) || ((\a) == (\s)) || ((\a) == (\r)) || ((\a) == (\x)) || ((\b) == (\s)) || ((\b) == (\r)) || \
        ((\b) == (\x)) || ((\s) == (\r)) || ((\s) == (\x)) || ((\r) == (\x))
    .error "pvpatch: PVP_CALL_REGS: the five call registers must be distinct"
    .endif
.endm
    pvp_check_call_set PVP_CALL_REGS

/* A value of a site built as a call must not be a call register: the call
 * would not keep it (a site keeps its values; results and clobbers are
 * the call's to write). */
.macro pvp_check_call_value name, n, reg
    .if (\n > 0) && (\n < 32)
    .if ((PVP_ABI_GR_MASK) >> (\n)) & 1
    .error "pvpatch: \name site: its value \reg is a register of the call (PVP_CALL_REGS), which does not keep it"
    .endif
    .endif
.endm

/* ---- Data translation ------------------------------------------------
 * Code that runs with psr.dt off addresses data physically: a call's load
 * of pv_cpu_asm_ops there must load the table's physical address. Sites in
 * an instance know: after a site of RSM_DT data translation is off, after
 * SSM_DT, SSM_DT_SRLZ_I or RFI on again; pvp_data_translation on|off says
 * so where code starts that the sites cannot see (an IVT entry starts with
 * it on), and outside instances.
 * A site in such a region is recorded PVP_SITE_PHYS; the data address its
 * code loads with movl gets a vtop fixup, which the install applies, and
 * the patcher lays out every data address of its code physical. */
    .set .Lpvp_dt_off, 0
    .set .Lpvp_measuring, 0          /* 1 while code is assembled aside (no records) */
.macro pvp_data_translation state
    .ifc \state, off
    .set .Lpvp_dt_off, 1
    .else
    .ifc \state, on
    .set .Lpvp_dt_off, 0
    .else
    .error "pvpatch: pvp_data_translation on|off"
    .endif
    .endif
.endm

/* After a site inside an instance: the psr.dt its operation leaves
 * (outside instances only what pvp_data_translation says counts: nothing
 * there could make an address physical). */
.macro pvp_dt_after name
    pvp_in_instance_now .Lpvp_dt_inst
    .irp op, RSM_DT
    .ifc \name, \op
    .set .Lpvp_dt_off, .Lpvp_dt_inst
    .endif
    .endr
    .irp op, SSM_DT, SSM_DT_SRLZ_I, RFI
    .ifc \name, \op
    .set .Lpvp_dt_off, 0
    .endif
    .endr
.endm

/* (qp) movl reg = the data address expr: physical, through a vtop fixup,
 * where data translation is off (only inside an instance: the install
 * applies it). */
.macro pvp_data_address qp, reg, expr:vararg
    .if .Lpvp_dt_off && !.Lpvp_measuring
    pvp_in_instance_now .Lpvp_da_inst
    .if !.Lpvp_da_inst
    .error "pvpatch: code that loads a data address with data translation off must be in an instance (the install makes it physical)"
    .endif
[.Lpvp_da_\@:] (\qp) movl \reg = \expr
    pvp_fixup PVP_FIX_VTOP_MOVL, .Lpvp_da_\@
    .else
    (\qp) movl \reg = \expr
    .endif
.endm

/* How many values each operation takes, by its shape (pvops.h). */
#define PVP_NVALS_R  0
#define PVP_NVALS_W  1
#define PVP_NVALS_RW 1
#define PVP_NVALS_WW 2
#define PVP_NVALS_N  0
#define PVP_NVALS_K  0
#define PVP_DEF_NVALS(name, shape) .set .Lpvp_nvals_##name, PVP_NVALS_##shape ;
    PVP_IA64_OPS(PVP_DEF_NVALS)

/* What a mode's body says about itself, per use (reset at every site and
 * template). pvp_keeps n, k: it saves register rn in clobber k (1-3) and
 * restores it (xen's r8 around a hyperprivop). pvp_writes mask: it writes
 * the registers r0-r31 of mask as part of the operation (xen's bsw loads
 * r16-r31). pvp_need_pclob pc: it uses the predicate clobber. The template
 * entry carries keeps and writes together, and how many are kept (the
 * lowest, in clobbers 1, 2, 3); no site may name them as its result or a
 * clobber, except a clobber k that is the register kept in it. */
.macro pvp_keeps n, k
    .set .Lpvp_keeps, .Lpvp_keeps | (1 << (\n))
    .set .Lpvp_kept_in_\k, \n
    .set .Lpvp_nkept, .Lpvp_nkept + 1
    .if (\k != .Lpvp_nkept) || (\n < .Lpvp_kept_in_1)
    .error "pvpatch: pvp_keeps: keep registers in ascending order in clobbers 1, 2, 3"
    .endif
.endm
.macro pvp_writes mask
    .set .Lpvp_writes, .Lpvp_writes | (\mask)
.endm
.macro pvp_need_pclob pc
    .ifc \pc, p0
    .error "pvpatch: the code of this operation needs a predicate it may clobber"
    .endif
    .set .Lpvp_uses_pclob, 1
.endm
.macro pvp_body_reset
    .set .Lpvp_keeps, 0
    .set .Lpvp_writes, 0
    .set .Lpvp_kept_in_1, 0
    .set .Lpvp_kept_in_2, 0
    .set .Lpvp_kept_in_3, 0
    .set .Lpvp_nkept, 0
    .set .Lpvp_uses_pclob, 0
.endm
    pvp_body_reset
/* 1 while emit.h lays out a stub: a body may give its stub other code when
 * the call convention's registers cannot serve it. */
    .set .Lpvp_in_stub, 0

/* An error if the site's result (k = 0) or clobber k \reg (number \n) is
 * one the code keeps or writes. */
.macro pvp_check_kept n, k, reg
    .if (\n > 0) && (\n < 32)
    .if ((.Lpvp_keeps | .Lpvp_writes) >> \n) & 1
    .if (\k == 0) || (.Lpvp_kept_in_\k != \n)
    .error "pvpatch: \reg cannot be the result or a clobber of this site: the mode's code writes it"
    .endif
    .endif
    .endif
.endm

/* The frame the stacked names of later sites refer to, as set by the
 * code's alloc: in0-in7 are r32 on, loc0 follows the inputs, out0 the
 * locals. An IVT allocates no inputs or locals (alloc rN=ar.pfs,0,0,n,0),
 * the default. A wrong frame is no silent error: the patcher rebuilds each
 * site from its record and refuses one that differs (stale). */
.macro pvp_frame ins, locals
    .set .Lpvp_frame_ins, \ins
    .set .Lpvp_frame_locals, \locals
.endm
    pvp_frame 0, 0

/* \out = the number of general register \reg (r0-r127, in0-in7, loc0-loc95,
 * out0-out7 in the frame of pvp_frame). */
.macro pvp_gr_number out, reg
    .set \out, -1
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127
    .ifc \reg, r\n
    .set \out, \n
    .endif
    .endr
    .if \out < 0
    pvp_stacked_number \out, \reg
    .endif
    .if \out < 0
    .error "pvpatch: \reg is not a general register (write r0-r127, in0-in7, loc0-loc95 or out0-out7 in lower case)"
    .endif
.endm

/* \out = the number of a stacked name, or -1. */
.macro pvp_stacked_number out, reg
    .irp n, 0,1,2,3,4,5,6,7
    .ifc \reg, in\n
    .set \out, 32 + \n
    .endif
    .ifc \reg, out\n
    .set \out, 32 + .Lpvp_frame_ins + .Lpvp_frame_locals + \n
    .endif
    .endr
    .if \out < 0
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95
    .ifc \reg, loc\n
    .set \out, 32 + .Lpvp_frame_ins + \n
    .endif
    .endr
    .endif
.endm

/* \out = the number of predicate register \pr (p0-p63). */
.macro pvp_pr_number out, pr
    .set \out, -1
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    .ifc \pr, p\n
    .set \out, \n
    .endif
    .endr
    .if \out < 0
    .error "pvpatch: \pr is not a predicate register (write p0-p63 in lower case)"
    .endif
.endm

/* The site record of the code between \start and \end (for a split site:
 * \split code units at \start, the out-of-line part [\ool, \end)). */
.macro pvp_site_record start, end, id, form, mode, qp, dst, s1, s2, c1, c2, c3, pc, split=0, ool=0
    pvp_pr_number .Lpvp_n_qp, \qp
    pvp_gr_number .Lpvp_n_dst, \dst
    pvp_gr_number .Lpvp_n_s1, \s1
    pvp_gr_number .Lpvp_n_s2, \s2
    pvp_gr_number .Lpvp_n_c1, \c1
    pvp_gr_number .Lpvp_n_c2, \c2
    pvp_gr_number .Lpvp_n_c3, \c3
    pvp_pr_number .Lpvp_n_pc, \pc
    .xdata8 ".pvpatch.sites", \start
    .xdata8 ".pvpatch.sites", \end
    .xdata2 ".pvpatch.sites", \id
    .xdata1 ".pvpatch.sites", \form
    .xdata1 ".pvpatch.sites", \mode
    .xdata1 ".pvpatch.sites", .Lpvp_n_qp
    .xdata1 ".pvpatch.sites", .Lpvp_n_dst
    .xdata1 ".pvpatch.sites", .Lpvp_n_s1
    .xdata1 ".pvpatch.sites", .Lpvp_n_s2
    .xdata1 ".pvpatch.sites", .Lpvp_n_c1
    .xdata1 ".pvpatch.sites", .Lpvp_n_c2
    .xdata2 ".pvpatch.sites", 0
    .xdata1 ".pvpatch.sites", (\split) | (PVP_SITE_PHYS * .Lpvp_dt_off)
    .ifc \ool, 0
    .xdata1 ".pvpatch.sites", 0
    .else
    .xdata1 ".pvpatch.sites", (\end - \ool) >> 4
    .endif
    .xdata1 ".pvpatch.sites", .Lpvp_n_c3
    .xdata1 ".pvpatch.sites", .Lpvp_n_pc
.endm

/* `(qp) mov to = from` in an M or an I slot, or a nop there when either
 * register is r0 (the operation has no such operand). */
.macro pvp_mov_or_nop_m qp, to, from
    .ifc \to, r0
    nop.m 0
    .else
    .ifc \from, r0
    nop.m 0
    .else
    (\qp) mov \to = \from
    .endif
    .endif
.endm
.macro pvp_mov_or_nop_i qp, to, from
    .ifc \to, r0
    nop.i 0
    .else
    .ifc \from, r0
    nop.i 0
    .else
    (\qp) mov \to = \from
    .endif
    .endif
.endm

/* `(qp) mov to = from` in a slot of \unit (m, i) when the operation has
 * that value (r0 is a value like any other), a nop when it has not. */
.macro pvp_value unit, has, qp, to, from
    .if \has
    (\qp) mov \to = \from
    .else
    nop.\unit 0
    .endif
.endm

/* Move the values to the convention's registers and keep b7. */
.macro pvp_call_enter name, qp, s1, s2, bank
    { .mii
    pvp_value m, (.Lpvp_nvals_\name>=1), \qp, PVP_ABI_ARG1, \s1
    pvp_value i, (.Lpvp_nvals_\name>=2), \qp, PVP_ABI_ARG2, \s2
    .if \bank
    nop.i 0
    .else
    (\qp) mov PVP_ABI_SAVEB = b7
    .endif
    }
.endm

/* Load the return address (\ret, the site's end): a self-reference when the
 * site is inside an instance. */
.macro pvp_call_return_address qp, ret
    { .mlx
    nop.m 0
[.Lpvp_ret_\@:] (\qp) movl PVP_ABI_RET = \ret
    }
    .ifdef pvp_in_instance
    .if pvp_in_instance
    pvp_fixup PVP_FIX_SELF_MOVL, .Lpvp_ret_\@
    .endif
    .endif
.endm

/* Give b7 back, then take the result: read r30 before the result may
 * overwrite it (a site may name any register as its result). */
.macro pvp_call_leave qp, dst, bank
    { .mii
    nop.m 0
    .if \bank
    nop.i 0
    .else
    (\qp) mov b7 = PVP_ABI_SAVEB
    .endif
    pvp_mov_or_nop_i \qp, \dst, PVP_ABI_ARG1 ;;
    }
.endm

/* Form B: a direct branch to the stub of mode \mode. */
.macro pvp_form_b name, id, qp, dst, s1, s2, c1, c2, c3, pc, mode, bank
    pvp_call_enter \name, \qp, \s1, \s2, \bank
    pvp_call_return_address \qp, .Lpvp_back_\@
    { .mib
    nop.m 0
    nop.i 0
    (\qp) br.cond.sptk.many pvp_stub_\mode\()_\name ;;
    }
.Lpvp_back_\@:
    pvp_call_leave \qp, \dst, \bank
.endm

/* Form C: an indirect call through entry \id of pv_cpu_asm_ops. */
.macro pvp_form_c name, id, qp, dst, s1, s2, c1, c2, c3, pc, mode, bank
    pvp_call_enter \name, \qp, \s1, \s2, \bank
    { .mlx
    nop.m 0
    pvp_data_address \qp, PVP_ABI_RET, pv_cpu_asm_ops + 8 * \id ;;
    }
    { .mmi
    (\qp) ld8 PVP_ABI_RET = [PVP_ABI_RET] ;;
    nop.m 0
    (\qp) mov b7 = PVP_ABI_RET ;;
    }
    pvp_call_return_address \qp, .Lpvp_back_\@
    { .mib
    nop.m 0
    nop.i 0
    (\qp) br.cond.sptk.many b7 ;;
    }
.Lpvp_back_\@:
    pvp_call_leave \qp, \dst, \bank
.endm

/* Form A: the code of mode \mode inline. */
.macro pvp_form_a name, id, qp, dst, s1, s2, c1, c2, c3, pc, mode, bank
    pvp_mode_\mode \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
.endm

/* 1 for the operations that switch register banks (r27-r31 change). */
.macro pvp_bank_switch out, name
    .set \out, 0
    .ifc \name, BSW_0
    .set \out, 1
    .endif
    .ifc \name, BSW_1
    .set \out, 1
    .endif
.endm

/* The code of operation \name in form \form for mode \mode, at a site
 * starting a bundle after a stop and ending with a stop. */
.macro pvp_form_code form, name, id, qp, dst, s1, s2, c1, c2, c3, pc, mode
    pvp_bank_switch .Lpvp_bank, \name
    .if \form == PVP_FORM_A
    pvp_form_a \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc, \mode, .Lpvp_bank
    .elseif \form == PVP_FORM_B
    pvp_form_b \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc, \mode, .Lpvp_bank
    .else
    pvp_form_c \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc, \mode, .Lpvp_bank
    .endif
.endm

/* ---- Compact sites ---------------------------------------------------
 * With PVP_SITE_ROOM(n) (n > 0), a site built as B or C is n bundles where
 * it stands: a jump, under its predicate, to its own out-of-line code,
 * which branches back to the site's end. Out of line, form B holds the
 * build mode's code itself (no call: only the site's own registers are
 * used), form C the call through pv_cpu_asm_ops. The patcher puts a mode's
 * code at the site when it fits there, else out of line (form B), so a
 * compact site is no bigger than the A code where that fits, and no call
 * is left. The out-of-line room holds the largest code of the build's mode
 * and of the modes named with PVP_OOL_MODES (native, xen, counting; cpp,
 * or pvp_ool_modes in gas), or the call, and at least pvp_ool_room bundles
 * (for a mode of your own). Inside an instance it is in the next subsection of the
 * instance's section, so it moves with the instance; elsewhere in
 * .text.pvpatch.ool, which stays after boot. */
#ifdef PVP_SITE_ROOM
    .set .Lpvp_site_room, PVP_SITE_ROOM
#else
    .set .Lpvp_site_room, 0
#endif
/* The subsection instance code is in; its out-of-line code is in the next. */
    .set .Lpvp_code_subsec, 0
    .set .Lpvp_ool_in_instance, 0

.macro pvp_site_room n
    .if ((\n) < 0) || ((\n) > 16)
    .error "pvpatch: PVP_SITE_ROOM: 0 (sites in one piece) to 16 bundles"
    .endif
    .set .Lpvp_site_room, \n
.endm

/* The modes whose code the out-of-line room is sized for. */
.macro pvp_ool_modes m:vararg
    .irp x, \m
    .set .Lpvp_ool_\x, 1
    .endr
.endm
    .set .Lpvp_ool_native, 0
    .set .Lpvp_ool_xen, 0
    .set .Lpvp_ool_counting, 0
#ifdef PVP_OOL_MODES
    pvp_ool_modes PVP_OOL_MODES
#endif
/* The least out-of-line room, in bundles (the branch back included). */
.macro pvp_ool_room n
    .set .Lpvp_ool_least, (\n) * 16
.endm
    pvp_ool_room 0

/* 1 if the site is inside an instance (PVP_INSTANCE_BEGIN ... END). */
.macro pvp_in_instance_now out
    .set \out, 0
    .ifdef pvp_in_instance
    .set \out, pvp_in_instance
    .endif
.endm

/* Into and out of the place of out-of-line code. */
.macro pvp_ool_enter
    pvp_in_instance_now .Lpvp_ool_inst
    .if .Lpvp_ool_inst
    .set .Lpvp_ool_in_instance, 1
    .subsection .Lpvp_code_subsec + 1
    .else
    .pushsection .text.pvpatch.ool, "ax"
    .endif
.endm
.macro pvp_ool_leave
    .if .Lpvp_ool_inst
    .subsection .Lpvp_code_subsec
    .else
    .popsection
    .endif
.endm

/* \out = the larger of \out and the size of mode \mode's code for the
 * site, assembled aside in .pvpatch.scratch (pvpatch.lds discards it). */
.macro pvp_measure out, mode, name, id, qp, dst, s1, s2, c1, c2, c3, pc
    .pushsection .pvpatch.scratch, "ax"
    .align 16
.Lpvp_m_\@:
    pvp_body_reset
    .set .Lpvp_measuring, 1
    pvp_mode_\mode \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
    .set .Lpvp_measuring, 0
.Lpvp_me_\@:
    .serialize.data             /* nothing the site's own code does depends */
    .serialize.instruction      /* on what was assembled aside */
    .popsection
    pvp_max \out, (.Lpvp_me_\@ - .Lpvp_m_\@)
.endm

/* \out = the larger of \out and \v (gas: a true comparison is -1). */
.macro pvp_max out, v
    .set .Lpvp_v, \v
    .set \out, \out - (.Lpvp_v - \out) * (.Lpvp_v > \out)
.endm

/* The filler of out-of-line code, as the patcher lays it out: from the
 * code's end \from to \units bundles after \start, a branch back to
 * \back, then nop bundles. */
.macro pvp_ool_fill start, units, back
    { .mib
    nop.m 0
    nop.i 0
    br.cond.sptk.many \back ;;
    }
    .rept (\units) - ((. - \start) >> 4)
    { .mii
    nop.m 0
    nop.i 0
    nop.i 0
    }
    .endr
.endm

/* A compact site of form \form (B, C): the jump at the site, ending at
 * \inl_end; out of line from \ool to \ool_end, the code and its filler. */
.macro pvp_compact_site form, name, id, qp, dst, s1, s2, c1, c2, c3, pc, mode, inl_end, ool, ool_end
    .set .Lpvp_need, .Lpvp_ool_least - 16
    pvp_measure .Lpvp_need, \mode, \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
    .irp m, native, xen, counting
    .if .Lpvp_ool_\m
    pvp_measure .Lpvp_need, \m, \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
    .endif
    .endr
    { .mib
    nop.m 0
    nop.i 0
    (\qp) br.cond.sptk.many \ool ;;
    }
    .rept .Lpvp_site_room - 1
    { .mii
    nop.m 0
    nop.i 0
    nop.i 0
    }
    .endr
\inl_end:
    pvp_ool_enter
\ool:
    pvp_body_reset
    .if \form == PVP_FORM_B
    pvp_form_a \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc, \mode, .Lpvp_bank
    .else
    pvp_form_c \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc, \mode, .Lpvp_bank
    .endif
    pvp_max .Lpvp_need, (. - \ool)
    .if .Lpvp_need / 16 + 1 > 16
    .error "pvpatch: the out-of-line code of this site needs more than 16 bundles"
    .endif
    pvp_ool_fill \ool, .Lpvp_need / 16 + 1, \inl_end
\ool_end:
    pvp_ool_leave
.endm

/* ---- Blocks ------------------------------------------------------------
 * What is not one instruction but each mode's own block of code (Linux's
 * DO_SAVE_MIN, whose xen version covers lazily): in a B or C build every
 * mode's body is assembled at the site, out of line as a compact site's
 * code is, each with a record of its own (form PVP_FORM_BLOCK, the body's
 * mode), and where the block stands one bundle jumps to a body: the build
 * mode's as built, the running mode's once patched. Inside a body the pv
 * operations are that mode's code, inline and without records.
 *
 *     PVP_BLOCK_BEGIN(SAVE_MIN)
 *     PVP_BLOCK_MODE(native)   ... native's code ...
 *     PVP_BLOCK_MODE(xen)      ... xen's code ...
 *     PVP_BLOCK_END()
 *
 * The operation is a block (shape K in pvops.h): no stub, no template. A
 * body may be up to 255 bundles. In an A build write the mode's code. */
    .set .Lpvp_blk_n, 0
    .set .Lpvp_blk_body, 0             /* mode id of the body being assembled, 0: none */
    .set .Lpvp_in_body, 0
    .set .Lpvp_body_op_defined, 0

.macro pvp_block_begin id
    ;;
    .if PVP_FORM == PVP_FORM_A
    .error "pvpatch: blocks are for B and C builds (in an A build write the mode's code)"
    .endif
    .set .Lpvp_blk_n, .Lpvp_blk_n + 1
    .set .Lpvp_blk_id, \id
    .set .Lpvp_blk_body, 0
    .altmacro
    pvp_blk_inline %.Lpvp_blk_n
    .noaltmacro
.endm
.macro pvp_blk_inline n
.Lpvp_blki_\n:
    { .mib
    nop.m 0
    nop.i 0
    br.cond.sptk.many .Lpvp_blkt_\n ;;
    }
.Lpvp_blke_\n:
.endm

/* The body of mode \mode follows (it ends at the next PVP_BLOCK_MODE or at
 * PVP_BLOCK_END). */
.macro pvp_block_mode mode
    pvp_block_close_body
    pvp_ool_enter
    .set .Lpvp_blk_body, .Lpvp_mode_id_\mode
    .altmacro
    pvp_blk_label b, %.Lpvp_blk_n, %(.Lpvp_blk_body)
    .noaltmacro
    .if .Lpvp_body_op_defined
    .purgem pvp_body_op
    .endif
    .macro pvp_body_op name, id, qp, dst, s1, s2, c1, c2, c3, pc
    pvp_mode_\mode \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
    .endm
    .set .Lpvp_body_op_defined, 1
    .set .Lpvp_in_body, 1
.endm
.macro pvp_blk_label what, n, m
.Lpvp_blk\what\()_\n\()_\m:
.endm

/* End the body being assembled: back to the end of the block's bundle; its record. */
.macro pvp_block_close_body
    .if .Lpvp_blk_body
    ;;
    .altmacro
    pvp_blk_back %.Lpvp_blk_n, %(.Lpvp_blk_body)
    .noaltmacro
    pvp_ool_leave
    .altmacro
    pvp_blk_record %.Lpvp_blk_n, %(.Lpvp_blk_body), %.Lpvp_blk_id
    .noaltmacro
    .set .Lpvp_in_body, 0
    .set .Lpvp_blk_body, 0
    .endif
.endm
.macro pvp_blk_back n, m
    { .mib
    nop.m 0
    nop.i 0
    br.cond.sptk.many .Lpvp_blke_\n ;;
    }
.Lpvp_blkz_\n\()_\m:
.endm
.macro pvp_blk_record n, m, id
    pvp_site_record .Lpvp_blki_\n, .Lpvp_blkz_\n\()_\m, \id, PVP_FORM_BLOCK, \m, p0, r0, r0, r0, r0, r0, r0, p0, 1, \
                    .Lpvp_blkb_\n\()_\m
.endm

/* The block's bundle jumps to the body of the build's mode. */
.macro pvp_block_end
    pvp_block_close_body
    .altmacro
    pvp_blk_target %.Lpvp_blk_n, %(PVP_BUILD_MODE_ID)
    .noaltmacro
.endm
.macro pvp_blk_target n, m
    .ifndef .Lpvp_blkb_\n\()_\m
    .error "pvpatch: the block has no body for the build's mode"
    .endif
    .set .Lpvp_blkt_\n, .Lpvp_blkb_\n\()_\m
.endm

/* One use of a pv operation in this build's form, with its site record:
 * result, values, up to three clobbers and a predicate clobber. Inside a
 * block's body: that body's mode's code, no record. */
.macro pvp_op name, id, qp, dst, s1, s2, c1, c2, c3=r0, pc=p0
    ;;
    .if .Lpvp_in_body
    pvp_body_reset
    pvp_body_op \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc
    .exitm
    .endif
    pvp_body_reset
.Lpvp_site_\@:
    .if PVP_FORM == PVP_FORM_C
    .set .Lpvp_mode_of_site, 0
    .else
    .set .Lpvp_mode_of_site, PVP_BUILD_MODE_ID
    .endif
    .if (PVP_FORM != PVP_FORM_A) && .Lpvp_site_room
    pvp_bank_switch .Lpvp_bank, \name
    pvp_compact_site PVP_FORM, \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc, PVP_BUILD_MODE, \
                     .Lpvp_site_end_\@, .Lpvp_ool_\@, .Lpvp_ool_end_\@
    pvp_site_record .Lpvp_site_\@, .Lpvp_ool_end_\@, \id, PVP_FORM, .Lpvp_mode_of_site, \qp, \dst, \s1, \s2, \
                    \c1, \c2, \c3, \pc, .Lpvp_site_room, .Lpvp_ool_\@
    .else
    pvp_form_code PVP_FORM, \name, \id, \qp, \dst, \s1, \s2, \c1, \c2, \c3, \pc, PVP_BUILD_MODE
.Lpvp_site_end_\@:
    pvp_site_record .Lpvp_site_\@, .Lpvp_site_end_\@, \id, PVP_FORM, .Lpvp_mode_of_site, \qp, \dst, \s1, \s2, \
                    \c1, \c2, \c3, \pc
    .endif
    .if (PVP_FORM == PVP_FORM_C) || ((PVP_FORM == PVP_FORM_B) && !.Lpvp_site_room)
    .if .Lpvp_nvals_\name >= 1
    pvp_check_call_value \name, .Lpvp_n_s1, \s1
    .endif
    .if .Lpvp_nvals_\name >= 2
    pvp_check_call_value \name, .Lpvp_n_s2, \s2
    .endif
    .endif
    pvp_dt_after \name
    pvp_check_kept .Lpvp_n_dst, 0, \dst
    pvp_check_kept .Lpvp_n_c1, 1, \c1
    pvp_check_kept .Lpvp_n_c2, 2, \c2
    pvp_check_kept .Lpvp_n_c3, 3, \c3
.endm

/* The uses, one macro per operation (PVQ_ adds a qualifying predicate). */
#define PV_READ_IFA(regr, clob1, clob2) \
    pvp_op READ_IFA, PVP_OP_READ_IFA, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IFA(qp, regr, clob1, clob2) \
    pvp_op READ_IFA, PVP_OP_READ_IFA, qp, regr, r0, r0, clob1, clob2
#define PV_READ_ITIR(regr, clob1, clob2) \
    pvp_op READ_ITIR, PVP_OP_READ_ITIR, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_ITIR(qp, regr, clob1, clob2) \
    pvp_op READ_ITIR, PVP_OP_READ_ITIR, qp, regr, r0, r0, clob1, clob2
#define PV_READ_ISR(regr, clob1, clob2) \
    pvp_op READ_ISR, PVP_OP_READ_ISR, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_ISR(qp, regr, clob1, clob2) \
    pvp_op READ_ISR, PVP_OP_READ_ISR, qp, regr, r0, r0, clob1, clob2
#define PV_READ_IHA(regr, clob1, clob2) \
    pvp_op READ_IHA, PVP_OP_READ_IHA, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IHA(qp, regr, clob1, clob2) \
    pvp_op READ_IHA, PVP_OP_READ_IHA, qp, regr, r0, r0, clob1, clob2
#define PV_READ_IPSR(regr, clob1, clob2) \
    pvp_op READ_IPSR, PVP_OP_READ_IPSR, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IPSR(qp, regr, clob1, clob2) \
    pvp_op READ_IPSR, PVP_OP_READ_IPSR, qp, regr, r0, r0, clob1, clob2
#define PV_READ_IIM(regr, clob1, clob2) \
    pvp_op READ_IIM, PVP_OP_READ_IIM, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IIM(qp, regr, clob1, clob2) \
    pvp_op READ_IIM, PVP_OP_READ_IIM, qp, regr, r0, r0, clob1, clob2
#define PV_READ_IIP(regr, clob1, clob2) \
    pvp_op READ_IIP, PVP_OP_READ_IIP, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IIP(qp, regr, clob1, clob2) \
    pvp_op READ_IIP, PVP_OP_READ_IIP, qp, regr, r0, r0, clob1, clob2
#define PV_READ_IFS(regr, clob1, clob2) \
    pvp_op READ_IFS, PVP_OP_READ_IFS, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IFS(qp, regr, clob1, clob2) \
    pvp_op READ_IFS, PVP_OP_READ_IFS, qp, regr, r0, r0, clob1, clob2
#define PV_READ_IIPA(regr, clob1, clob2) \
    pvp_op READ_IIPA, PVP_OP_READ_IIPA, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IIPA(qp, regr, clob1, clob2) \
    pvp_op READ_IIPA, PVP_OP_READ_IIPA, qp, regr, r0, r0, clob1, clob2
#define PV_READ_IVR(regr, clob1, clob2) \
    pvp_op READ_IVR, PVP_OP_READ_IVR, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_IVR(qp, regr, clob1, clob2) \
    pvp_op READ_IVR, PVP_OP_READ_IVR, qp, regr, r0, r0, clob1, clob2
#define PV_READ_TPR(regr, clob1, clob2) \
    pvp_op READ_TPR, PVP_OP_READ_TPR, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_TPR(qp, regr, clob1, clob2) \
    pvp_op READ_TPR, PVP_OP_READ_TPR, qp, regr, r0, r0, clob1, clob2
#define PV_WRITE_IFA(regv, clob1, clob2) \
    pvp_op WRITE_IFA, PVP_OP_WRITE_IFA, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_IFA(qp, regv, clob1, clob2) \
    pvp_op WRITE_IFA, PVP_OP_WRITE_IFA, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_ITIR(regv, clob1, clob2) \
    pvp_op WRITE_ITIR, PVP_OP_WRITE_ITIR, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_ITIR(qp, regv, clob1, clob2) \
    pvp_op WRITE_ITIR, PVP_OP_WRITE_ITIR, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_IHA(regv, clob1, clob2) \
    pvp_op WRITE_IHA, PVP_OP_WRITE_IHA, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_IHA(qp, regv, clob1, clob2) \
    pvp_op WRITE_IHA, PVP_OP_WRITE_IHA, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_IPSR(regv, clob1, clob2) \
    pvp_op WRITE_IPSR, PVP_OP_WRITE_IPSR, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_IPSR(qp, regv, clob1, clob2) \
    pvp_op WRITE_IPSR, PVP_OP_WRITE_IPSR, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_IFS(regv, clob1, clob2) \
    pvp_op WRITE_IFS, PVP_OP_WRITE_IFS, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_IFS(qp, regv, clob1, clob2) \
    pvp_op WRITE_IFS, PVP_OP_WRITE_IFS, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_IIP(regv, clob1, clob2) \
    pvp_op WRITE_IIP, PVP_OP_WRITE_IIP, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_IIP(qp, regv, clob1, clob2) \
    pvp_op WRITE_IIP, PVP_OP_WRITE_IIP, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_EOI(regv, clob1, clob2) \
    pvp_op WRITE_EOI, PVP_OP_WRITE_EOI, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_EOI(qp, regv, clob1, clob2) \
    pvp_op WRITE_EOI, PVP_OP_WRITE_EOI, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_TPR(regv, clob1, clob2) \
    pvp_op WRITE_TPR, PVP_OP_WRITE_TPR, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_TPR(qp, regv, clob1, clob2) \
    pvp_op WRITE_TPR, PVP_OP_WRITE_TPR, qp, r0, regv, r0, clob1, clob2
#define PV_READ_PSR(regr, clob1, clob2) \
    pvp_op READ_PSR, PVP_OP_READ_PSR, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_PSR(qp, regr, clob1, clob2) \
    pvp_op READ_PSR, PVP_OP_READ_PSR, qp, regr, r0, r0, clob1, clob2
#define PV_WRITE_PSR_L(regv, clob1, clob2) \
    pvp_op WRITE_PSR_L, PVP_OP_WRITE_PSR_L, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_PSR_L(qp, regv, clob1, clob2) \
    pvp_op WRITE_PSR_L, PVP_OP_WRITE_PSR_L, qp, r0, regv, r0, clob1, clob2
#define PV_SSM_I(clob1, clob2) \
    pvp_op SSM_I, PVP_OP_SSM_I, p0, r0, r0, r0, clob1, clob2
#define PVQ_SSM_I(qp, clob1, clob2) \
    pvp_op SSM_I, PVP_OP_SSM_I, qp, r0, r0, r0, clob1, clob2
#define PV_RSM_I(clob1, clob2) \
    pvp_op RSM_I, PVP_OP_RSM_I, p0, r0, r0, r0, clob1, clob2
#define PVQ_RSM_I(qp, clob1, clob2) \
    pvp_op RSM_I, PVP_OP_RSM_I, qp, r0, r0, r0, clob1, clob2
#define PV_SSM_IC(clob1, clob2) \
    pvp_op SSM_IC, PVP_OP_SSM_IC, p0, r0, r0, r0, clob1, clob2
#define PVQ_SSM_IC(qp, clob1, clob2) \
    pvp_op SSM_IC, PVP_OP_SSM_IC, qp, r0, r0, r0, clob1, clob2
#define PV_RSM_IC(clob1, clob2) \
    pvp_op RSM_IC, PVP_OP_RSM_IC, p0, r0, r0, r0, clob1, clob2
#define PVQ_RSM_IC(qp, clob1, clob2) \
    pvp_op RSM_IC, PVP_OP_RSM_IC, qp, r0, r0, r0, clob1, clob2
#define PV_SSM_DT(clob1, clob2) \
    pvp_op SSM_DT, PVP_OP_SSM_DT, p0, r0, r0, r0, clob1, clob2
#define PVQ_SSM_DT(qp, clob1, clob2) \
    pvp_op SSM_DT, PVP_OP_SSM_DT, qp, r0, r0, r0, clob1, clob2
#define PV_RSM_DT(clob1, clob2) \
    pvp_op RSM_DT, PVP_OP_RSM_DT, p0, r0, r0, r0, clob1, clob2
#define PVQ_RSM_DT(qp, clob1, clob2) \
    pvp_op RSM_DT, PVP_OP_RSM_DT, qp, r0, r0, r0, clob1, clob2
#define PV_ITC_I(regv, clob1, clob2) \
    pvp_op ITC_I, PVP_OP_ITC_I, p0, r0, regv, r0, clob1, clob2
#define PVQ_ITC_I(qp, regv, clob1, clob2) \
    pvp_op ITC_I, PVP_OP_ITC_I, qp, r0, regv, r0, clob1, clob2
#define PV_ITC_D(regv, clob1, clob2) \
    pvp_op ITC_D, PVP_OP_ITC_D, p0, r0, regv, r0, clob1, clob2
#define PVQ_ITC_D(qp, regv, clob1, clob2) \
    pvp_op ITC_D, PVP_OP_ITC_D, qp, r0, regv, r0, clob1, clob2
#define PV_PTC_L(regv1, regv2, clob1, clob2) \
    pvp_op PTC_L, PVP_OP_PTC_L, p0, r0, regv1, regv2, clob1, clob2
#define PVQ_PTC_L(qp, regv1, regv2, clob1, clob2) \
    pvp_op PTC_L, PVP_OP_PTC_L, qp, r0, regv1, regv2, clob1, clob2
#define PV_PTC_G(regv1, regv2, clob1, clob2) \
    pvp_op PTC_G, PVP_OP_PTC_G, p0, r0, regv1, regv2, clob1, clob2
#define PVQ_PTC_G(qp, regv1, regv2, clob1, clob2) \
    pvp_op PTC_G, PVP_OP_PTC_G, qp, r0, regv1, regv2, clob1, clob2
#define PV_PTC_GA(regv1, regv2, clob1, clob2) \
    pvp_op PTC_GA, PVP_OP_PTC_GA, p0, r0, regv1, regv2, clob1, clob2
#define PVQ_PTC_GA(qp, regv1, regv2, clob1, clob2) \
    pvp_op PTC_GA, PVP_OP_PTC_GA, qp, r0, regv1, regv2, clob1, clob2
#define PV_PTC_E(regv, clob1, clob2) \
    pvp_op PTC_E, PVP_OP_PTC_E, p0, r0, regv, r0, clob1, clob2
#define PVQ_PTC_E(qp, regv, clob1, clob2) \
    pvp_op PTC_E, PVP_OP_PTC_E, qp, r0, regv, r0, clob1, clob2
#define PV_THASH(regr, regv, clob1, clob2) \
    pvp_op THASH, PVP_OP_THASH, p0, regr, regv, r0, clob1, clob2
#define PVQ_THASH(qp, regr, regv, clob1, clob2) \
    pvp_op THASH, PVP_OP_THASH, qp, regr, regv, r0, clob1, clob2
#define PV_TTAG(regr, regv, clob1, clob2) \
    pvp_op TTAG, PVP_OP_TTAG, p0, regr, regv, r0, clob1, clob2
#define PVQ_TTAG(qp, regr, regv, clob1, clob2) \
    pvp_op TTAG, PVP_OP_TTAG, qp, regr, regv, r0, clob1, clob2
#define PV_TPA(regr, regv, clob1, clob2) \
    pvp_op TPA, PVP_OP_TPA, p0, regr, regv, r0, clob1, clob2
#define PVQ_TPA(qp, regr, regv, clob1, clob2) \
    pvp_op TPA, PVP_OP_TPA, qp, regr, regv, r0, clob1, clob2
#define PV_TAK(regr, regv, clob1, clob2) \
    pvp_op TAK, PVP_OP_TAK, p0, regr, regv, r0, clob1, clob2
#define PVQ_TAK(qp, regr, regv, clob1, clob2) \
    pvp_op TAK, PVP_OP_TAK, qp, regr, regv, r0, clob1, clob2
#define PV_COVER(clob1, clob2) \
    pvp_op COVER, PVP_OP_COVER, p0, r0, r0, r0, clob1, clob2
#define PVQ_COVER(qp, clob1, clob2) \
    pvp_op COVER, PVP_OP_COVER, qp, r0, r0, r0, clob1, clob2
#define PV_BSW_0(clob1, clob2) \
    pvp_op BSW_0, PVP_OP_BSW_0, p0, r0, r0, r0, clob1, clob2
#define PVQ_BSW_0(qp, clob1, clob2) \
    pvp_op BSW_0, PVP_OP_BSW_0, qp, r0, r0, r0, clob1, clob2
#define PV_BSW_1(clob1, clob2) \
    pvp_op BSW_1, PVP_OP_BSW_1, p0, r0, r0, r0, clob1, clob2
#define PVQ_BSW_1(qp, clob1, clob2) \
    pvp_op BSW_1, PVP_OP_BSW_1, qp, r0, r0, r0, clob1, clob2
#define PV_RFI(clob1, clob2) \
    pvp_op RFI, PVP_OP_RFI, p0, r0, r0, r0, clob1, clob2
#define PVQ_RFI(qp, clob1, clob2) \
    pvp_op RFI, PVP_OP_RFI, qp, r0, r0, r0, clob1, clob2
#define PV_FC(regv, clob1, clob2) \
    pvp_op FC, PVP_OP_FC, p0, r0, regv, r0, clob1, clob2
#define PVQ_FC(qp, regv, clob1, clob2) \
    pvp_op FC, PVP_OP_FC, qp, r0, regv, r0, clob1, clob2
#define PV_READ_ITC(regr, clob1, clob2) \
    pvp_op READ_ITC, PVP_OP_READ_ITC, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_ITC(qp, regr, clob1, clob2) \
    pvp_op READ_ITC, PVP_OP_READ_ITC, qp, regr, r0, r0, clob1, clob2
#define PV_READ_EFLAG(regr, clob1, clob2) \
    pvp_op READ_EFLAG, PVP_OP_READ_EFLAG, p0, regr, r0, r0, clob1, clob2
#define PVQ_READ_EFLAG(qp, regr, clob1, clob2) \
    pvp_op READ_EFLAG, PVP_OP_READ_EFLAG, qp, regr, r0, r0, clob1, clob2
#define PV_WRITE_EFLAG(regv, clob1, clob2) \
    pvp_op WRITE_EFLAG, PVP_OP_WRITE_EFLAG, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_EFLAG(qp, regv, clob1, clob2) \
    pvp_op WRITE_EFLAG, PVP_OP_WRITE_EFLAG, qp, r0, regv, r0, clob1, clob2
#define PV_READ_CPUID(regr, regv, clob1, clob2) \
    pvp_op READ_CPUID, PVP_OP_READ_CPUID, p0, regr, regv, r0, clob1, clob2
#define PVQ_READ_CPUID(qp, regr, regv, clob1, clob2) \
    pvp_op READ_CPUID, PVP_OP_READ_CPUID, qp, regr, regv, r0, clob1, clob2
#define PV_READ_PMD(regr, regv, clob1, clob2) \
    pvp_op READ_PMD, PVP_OP_READ_PMD, p0, regr, regv, r0, clob1, clob2
#define PVQ_READ_PMD(qp, regr, regv, clob1, clob2) \
    pvp_op READ_PMD, PVP_OP_READ_PMD, qp, regr, regv, r0, clob1, clob2
#define PV_WRITE_KR0(regv, clob1, clob2) \
    pvp_op WRITE_KR0, PVP_OP_WRITE_KR0, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR0(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR0, PVP_OP_WRITE_KR0, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_KR1(regv, clob1, clob2) \
    pvp_op WRITE_KR1, PVP_OP_WRITE_KR1, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR1(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR1, PVP_OP_WRITE_KR1, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_KR2(regv, clob1, clob2) \
    pvp_op WRITE_KR2, PVP_OP_WRITE_KR2, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR2(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR2, PVP_OP_WRITE_KR2, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_KR3(regv, clob1, clob2) \
    pvp_op WRITE_KR3, PVP_OP_WRITE_KR3, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR3(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR3, PVP_OP_WRITE_KR3, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_KR4(regv, clob1, clob2) \
    pvp_op WRITE_KR4, PVP_OP_WRITE_KR4, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR4(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR4, PVP_OP_WRITE_KR4, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_KR5(regv, clob1, clob2) \
    pvp_op WRITE_KR5, PVP_OP_WRITE_KR5, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR5(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR5, PVP_OP_WRITE_KR5, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_KR6(regv, clob1, clob2) \
    pvp_op WRITE_KR6, PVP_OP_WRITE_KR6, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR6(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR6, PVP_OP_WRITE_KR6, qp, r0, regv, r0, clob1, clob2
#define PV_WRITE_KR7(regv, clob1, clob2) \
    pvp_op WRITE_KR7, PVP_OP_WRITE_KR7, p0, r0, regv, r0, clob1, clob2
#define PVQ_WRITE_KR7(qp, regv, clob1, clob2) \
    pvp_op WRITE_KR7, PVP_OP_WRITE_KR7, qp, r0, regv, r0, clob1, clob2


/* The composite operations: psr masks and serializations that are one
 * operation in every mode (RSM_I_IC needs three clobbers in xen), and the
 * forms of ssm psr.i and ar.itc reads that may clobber predicate pc (xen:
 * deliver pending events only when there are some; keep the guest's
 * ar.itc monotonic). */
#define PV_RSM_I_IC(clob1, clob2, clob3) \
    pvp_op RSM_I_IC, PVP_OP_RSM_I_IC, p0, r0, r0, r0, clob1, clob2, clob3
#define PVQ_RSM_I_IC(qp, clob1, clob2, clob3) \
    pvp_op RSM_I_IC, PVP_OP_RSM_I_IC, qp, r0, r0, r0, clob1, clob2, clob3
#define PV_RSM_BE_I(clob1, clob2) \
    pvp_op RSM_BE_I, PVP_OP_RSM_BE_I, p0, r0, r0, r0, clob1, clob2
#define PV_SSM_IC_SRLZ_D(clob1, clob2) \
    pvp_op SSM_IC_SRLZ_D, PVP_OP_SSM_IC_SRLZ_D, p0, r0, r0, r0, clob1, clob2
#define PV_SSM_IC_SRLZ_I(clob1, clob2) \
    pvp_op SSM_IC_SRLZ_I, PVP_OP_SSM_IC_SRLZ_I, p0, r0, r0, r0, clob1, clob2
#define PV_SSM_DT_SRLZ_I(clob1, clob2) \
    pvp_op SSM_DT_SRLZ_I, PVP_OP_SSM_DT_SRLZ_I, p0, r0, r0, r0, clob1, clob2
#define PVQ_SSM_I_P(qp, pclob, clob1, clob2) \
    pvp_op SSM_I_P, PVP_OP_SSM_I_P, qp, r0, r0, r0, clob1, clob2, r0, pclob
#define PVQ_READ_ITC_P(qp, pclob, regr, clob1, clob2) \
    pvp_op READ_ITC_P, PVP_OP_READ_ITC_P, qp, regr, r0, r0, clob1, clob2, r0, pclob

/* Any operation with every operand: predicate, result, two values, three
 * clobbers, a predicate clobber (r0 and p0 for none). */
#define PVP_SITE(name, qp, dst, s1, s2, clob1, clob2, clob3, pclob) \
    pvp_op name, PVP_OP_##name, qp, dst, s1, s2, clob1, clob2, clob3, pclob
/* The frame of stacked register names: PVP_FRAME(inputs, locals). */
#define PVP_FRAME(ins, locals) pvp_frame ins, locals
/* Bundles of later B and C sites where they stand (0: the whole call there). */
#define PVP_SITE_ROOM_SET(n) pvp_site_room n
/* Data translation at the code that follows: on, off (see above). */
#define PVP_DATA_TRANSLATION(state) pvp_data_translation state
/* A block (see above). */
#define PVP_BLOCK_BEGIN(name) pvp_block_begin PVP_OP_##name
#define PVP_BLOCK_MODE(mode) pvp_block_mode mode
#define PVP_BLOCK_END() pvp_block_end

#endif /* __ASSEMBLER__ */
#endif
