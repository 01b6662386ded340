/* Linux's pv macro vocabulary for IA-64 (the names and call shapes of
 * asm/native/inst.h and asm/xen/inst.h, mainline 2.6.26-3.13) as pvpatch
 * sites. Not included directly: put include/pvpatch/ia64/linux first on the
 * include path and Linux's kernel/paravirt_inst.h picks up
 * asm/native/inst.h or asm/xen/inst.h from here, which define the build's
 * mode and include this. The form comes from -DPVP_FORM (A by default).
 *
 * Each macro is one site (ITC_I_AND_D two, one per predicate) of the
 * operation it names, with the clobbers Linux passes: what each mode does
 * with them is in pvpatch/ia64/modes/. A site is whole bundles and ends
 * its instruction group; splitting a group where a macro stood keeps the
 * code's meaning (a group has no read-after-write inside it). Stacked
 * names (in0, out0, ...) follow the IVT's frame, alloc rN = ar.pfs, 0, 0,
 * n, 0; say PVP_FRAME(inputs, locals) before sites in another frame. */
#ifndef PVPATCH_IA64_LINUX_H
#define PVPATCH_IA64_LINUX_H

#ifndef PVP_BUILD_MODE
#error "include asm/native/inst.h or asm/xen/inst.h (pvpatch/ia64/linux), not this"
#endif

#include "pvpatch/ia64/site.h"
#include "pvpatch/ia64/modes/native.h"
#include "pvpatch/ia64/modes/xen.h"

#ifdef __ASSEMBLER__
/* -DPVP_LINUX_IVT=name makes this build of ivt.S an instance: its sites'
 * out-of-line code stays inside it (the end of .text..ivt) and its records
 * (the return addresses of calls, the physical table loads) form its
 * fixup list; PVP_LINUX_IVT_DESCRIBE() in asm/native|xen/inst.h then gives
 * it its descriptor. The canonical slot is the native build's ia64_ivt,
 * named here before asm/xen/inst.h renames ia64_ivt to xen_ivt. */
#ifdef PVP_LINUX_IVT
#ifndef PVP_LINUX_IVT_SLOT
#define PVP_LINUX_IVT_SLOT pvp_linux_ivt_slot
#endif
    .set .Lpvp_linux_canonical, ia64_ivt
    .set pvp_in_instance, 1
    .pushsection .pvpatch.fixups, "a"
    .align 8
.Lpvp_linux_fixups:
    .popsection
    .pushsection .pvpatch.fixups, 1
.Lpvp_linux_fixups_end:
    .popsection
/* -DPVP_LINUX_MOVES=n: room for a move list of n blocks (pvpatch moves). */
#ifdef PVP_LINUX_MOVES
    pvp_moves PVP_LINUX_IVT, PVP_LINUX_MOVES
#endif
/* The descriptor: code from the build's IVT label, PVP_LINUX_IVT_SLOT
 * bytes (a symbol the linker script defines: the largest build, to which
 * it pads each), this object's records. */
#define PVP_LINUX_IVT_DESCRIBE() \
    pvp_instance_record PVP_LINUX_IVT, PVP_BUILD_MODE_ID, ia64_ivt, PVP_LINUX_IVT_SLOT, \
                        .Lpvp_linux_canonical, PVP_LINUX_IVT_SLOT, .Lpvp_linux_fixups, .Lpvp_linux_fixups_end, \
                        PVP_INSTANCE_F_SCAN_SELF
#else
#define PVP_LINUX_IVT_DESCRIBE()
#endif

/* Each entry of ivt.S starts with DBG_FAULT(n) and runs with data
 * translation on (the sites after RSM_PSR_DT know it is off): that resets
 * what later sites take for psr.dt. (ivt.S's own DBG_FAULT is empty
 * unless its debugging variant is enabled, which this replaces.) */
#undef DBG_FAULT
#define DBG_FAULT(i) pvp_data_translation on

/* Forms B and C are compact: one bundle where the macro stands (upstream's
 * 16-bundle entries hold that), the code out of line, sized for the code
 * of both modes (docs/pvops.md, "Compact sites"). -DPVP_SITE_ROOM=n says
 * otherwise. */
#ifndef PVP_SITE_ROOM
    pvp_site_room 1
#endif
#ifndef PVP_OOL_MODES
    pvp_ool_modes native, xen
#endif
#endif

#ifdef __ASSEMBLER__

/* DO_SAVE_MIN in B and C builds: a block with both modes' bodies, the
 * tree's own (minstate.h's IA64_NATIVE_DO_SAVE_MIN, asm/xen/minstate.h's
 * lazy-cover XEN_DO_SAVE_MIN), so that whichever mode runs gets its own
 * after patching. asm/native|xen/inst.h define DO_SAVE_MIN to this where
 * the tree has the xen one; in form A each build keeps its own, inline. */
#if PVP_FORM != PVP_FORM_A && __has_include(<asm/xen/minstate.h>)
#define PVP_LINUX_SAVE_MIN_BLOCK 1
/* (The arguments are pasted with the empty rest so that they reach the
 * tree's macros unexpanded, as upstream's object-like DO_SAVE_MIN passes
 * them: expanded, COVER and RSE_WORKAROUND are full of commas.) */
#define PVP_LINUX_DO_SAVE_MIN(c, s, e, w, ...) \
    PVP_BLOCK_BEGIN(SAVE_MIN) ; PVP_BLOCK_MODE(native) ; \
    IA64_NATIVE_DO_SAVE_MIN(c ## __VA_ARGS__, s ## __VA_ARGS__, e ## __VA_ARGS__, w ## __VA_ARGS__) ; \
    PVP_BLOCK_MODE(xen) ; \
    XEN_DO_SAVE_MIN(c ## __VA_ARGS__, s ## __VA_ARGS__, e ## __VA_ARGS__, w ## __VA_ARGS__) ; PVP_BLOCK_END()
#endif

/* One site, every operand named: predicate, result, values, clobbers,
 * predicate clobber. */
#define PVP_LINUX_SITE(op, qp, dst, s1, s2, c1, c2, c3, pc) \
    pvp_op op, PVP_OP_##op, qp, dst, s1, s2, c1, c2, c3, pc

/* mov ar.kN = reg, N = IA64_KR_<name> (asm/kregs.h). */
.macro pvp_linux_mov_to_kr n, reg, c0, c1
    .irp k, 0, 1, 2, 3, 4, 5, 6, 7
    .if (\n) == \k
    pvp_op WRITE_KR\k, (PVP_OP_WRITE_KR0+\k), p0, r0, \reg, r0, \c0, \c1
    .endif
    .endr
.endm

/* ssm psr.ic | PSR_DEFAULT_BITS ;; srlz.i: ivt.S defines the default bits
 * as 0 or psr.ac, an operation each; any other mask needs an operation of
 * its own (docs/pvops.md, "Adding an operation"). */
.macro pvp_linux_ssm_ic_default_srlz_i c0, c1, bits:vararg
    .ifc \bits, 0
    pvp_op SSM_IC_SRLZ_I, PVP_OP_SSM_IC_SRLZ_I, p0, r0, r0, r0, \c0, \c1
    .exitm
    .endif
    .ifc \bits, psr.ac
    pvp_op SSM_IC_AC_SRLZ_I, PVP_OP_SSM_IC_AC_SRLZ_I, p0, r0, r0, r0, \c0, \c1
    .exitm
    .endif
    .error "pvpatch: PSR_DEFAULT_BITS other than 0 or psr.ac needs an operation of its own (see docs/pvops.md)"
.endm

#define MOV_FROM_IFA(reg)            PVP_LINUX_SITE(READ_IFA, p0, reg, r0, r0, r0, r0, r0, p0)
#define MOV_FROM_ITIR(reg)           PVP_LINUX_SITE(READ_ITIR, p0, reg, r0, r0, r0, r0, r0, p0)
#define MOV_FROM_ISR(reg)            PVP_LINUX_SITE(READ_ISR, p0, reg, r0, r0, r0, r0, r0, p0)
#define MOV_FROM_IHA(reg)            PVP_LINUX_SITE(READ_IHA, p0, reg, r0, r0, r0, r0, r0, p0)
#define MOV_FROM_IPSR(pred, reg)     PVP_LINUX_SITE(READ_IPSR, pred, reg, r0, r0, r0, r0, r0, p0)
#define MOV_FROM_IIM(reg)            PVP_LINUX_SITE(READ_IIM, p0, reg, r0, r0, r0, r0, r0, p0)
#define MOV_FROM_IIP(reg)            PVP_LINUX_SITE(READ_IIP, p0, reg, r0, r0, r0, r0, r0, p0)
#define MOV_FROM_IVR(reg, clob)      PVP_LINUX_SITE(READ_IVR, p0, reg, r0, r0, clob, r0, r0, p0)
#define MOV_FROM_PSR(pred, reg, clob) PVP_LINUX_SITE(READ_PSR, pred, reg, r0, r0, clob, r0, r0, p0)
#define MOV_FROM_ITC(pred, pred_clob, reg, clob) \
    PVP_LINUX_SITE(READ_ITC_P, pred, reg, r0, r0, clob, r0, r0, pred_clob)

#define MOV_TO_IFA(reg, clob)        PVP_LINUX_SITE(WRITE_IFA, p0, r0, reg, r0, clob, r0, r0, p0)
#define MOV_TO_ITIR(pred, reg, clob) PVP_LINUX_SITE(WRITE_ITIR, pred, r0, reg, r0, clob, r0, r0, p0)
#define MOV_TO_IHA(pred, reg, clob)  PVP_LINUX_SITE(WRITE_IHA, pred, r0, reg, r0, clob, r0, r0, p0)
#define MOV_TO_IPSR(pred, reg, clob) PVP_LINUX_SITE(WRITE_IPSR, pred, r0, reg, r0, clob, r0, r0, p0)
#define MOV_TO_IFS(pred, reg, clob)  PVP_LINUX_SITE(WRITE_IFS, pred, r0, reg, r0, clob, r0, r0, p0)
#define MOV_TO_IIP(reg, clob)        PVP_LINUX_SITE(WRITE_IIP, p0, r0, reg, r0, clob, r0, r0, p0)
#define MOV_TO_KR(kr, reg, clob0, clob1) pvp_linux_mov_to_kr IA64_KR_##kr, reg, clob0, clob1

#define ITC_I(pred, reg, clob)       PVP_LINUX_SITE(ITC_I, pred, r0, reg, r0, clob, r0, r0, p0)
#define ITC_D(pred, reg, clob)       PVP_LINUX_SITE(ITC_D, pred, r0, reg, r0, clob, r0, r0, p0)
#define ITC_I_AND_D(pred_i, pred_d, reg, clob) \
    PVP_LINUX_SITE(ITC_I, pred_i, r0, reg, r0, clob, r0, r0, p0) ; \
    PVP_LINUX_SITE(ITC_D, pred_d, r0, reg, r0, clob, r0, r0, p0)
#define THASH(pred, reg0, reg1, clob) PVP_LINUX_SITE(THASH, pred, reg0, reg1, r0, clob, r0, r0, p0)

#define SSM_PSR_IC_AND_DEFAULT_BITS_AND_SRLZ_I(clob0, clob1) \
    pvp_linux_ssm_ic_default_srlz_i clob0, clob1, PSR_DEFAULT_BITS
#define SSM_PSR_IC_AND_SRLZ_D(clob0, clob1) \
    PVP_LINUX_SITE(SSM_IC_SRLZ_D, p0, r0, r0, r0, clob0, clob1, r0, p0)
#define RSM_PSR_IC(clob)             PVP_LINUX_SITE(RSM_IC, p0, r0, r0, r0, clob, r0, r0, p0)
#define SSM_PSR_I(pred, pred_clob, clob) \
    PVP_LINUX_SITE(SSM_I_P, pred, r0, r0, r0, clob, r0, r0, pred_clob)
#define RSM_PSR_I(pred, clob0, clob1) PVP_LINUX_SITE(RSM_I, pred, r0, r0, r0, clob0, clob1, r0, p0)
#define RSM_PSR_I_IC(clob0, clob1, clob2) \
    PVP_LINUX_SITE(RSM_I_IC, p0, r0, r0, r0, clob0, clob1, clob2, p0)
#define RSM_PSR_DT                   PVP_LINUX_SITE(RSM_DT, p0, r0, r0, r0, r0, r0, r0, p0)
#define RSM_PSR_BE_I(clob0, clob1)   PVP_LINUX_SITE(RSM_BE_I, p0, r0, r0, r0, clob0, clob1, r0, p0)
#define SSM_PSR_DT_AND_SRLZ_I        PVP_LINUX_SITE(SSM_DT_SRLZ_I, p0, r0, r0, r0, r0, r0, r0, p0)

#define BSW_0(clob0, clob1, clob2)   PVP_LINUX_SITE(BSW_0, p0, r0, r0, r0, clob0, clob1, clob2, p0)
#define BSW_1(clob0, clob1)          PVP_LINUX_SITE(BSW_1, p0, r0, r0, r0, clob0, clob1, r0, p0)
#define COVER                        PVP_LINUX_SITE(COVER, p0, r0, r0, r0, r0, r0, r0, p0)
#define RFI                          PVP_LINUX_SITE(RFI, p0, r0, r0, r0, r0, r0, r0, p0)

#endif /* __ASSEMBLER__ */
#endif
