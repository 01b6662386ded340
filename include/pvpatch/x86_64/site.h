/* pv operation sites on x86-64, from C and from GNU as (.S, through cpp).
 *
 *     unsigned long r = PVP_CALL(OP_MIX, h, x);     // C: 0 to 4 integer or pointer arguments
 *     PVP_CALL(OP_MIX)                              // .S: arguments already in rdi, rsi, ...
 *
 * Each use is a C-form site of PVP_X86_SITE_BYTES bytes (16 unless defined
 * before this header; 6 to 256, no alignment): nops, then `call
 * *pvp_live_ops+8*op(%rip)` through the module's live ops table
 * (pvpatch/x86_64/emit.h defines it) as its last instruction, recorded in
 * .pvpatch.sites (records.h: form C, no registers). The patcher turns it
 * into a direct `call` to the mode's function (B) or into the mode's inline
 * body (A) when that fits, always at the end of the site with the filler
 * before it: a call returns to the site's end in every form, so sites can
 * be re-patched while other threads run them (docs/x86_64.md).
 *
 * The call convention is the SysV one, so the functions behind the table
 * are plain C functions: arguments in rdi, rsi, rdx, rcx; the result in rax;
 * rax, rcx, rdx, rsi, rdi, r8-r11, the flags, the vector (and mask) and x87
 * registers clobbered, and memory. Two rules follow from calling out of
 * inline asm, which the compiler does not know is a call:
 *   - code using PVP_CALL must be compiled with -mno-red-zone (the call's
 *     return address would land in the red zone below rsp);
 *   - the stack may be only 8-byte aligned at the call: mark the functions
 *     of an ops table PVP_X86_OP_FN (gcc's force_align_arg_pointer, which
 *     realigns only functions that need it) or write them in assembler.
 * Operation ids must be integer literals (#define OP_MIX 1): the mode
 * emitter writes them into assembler text. */
#ifndef PVPATCH_X86_64_SITE_H
#define PVPATCH_X86_64_SITE_H

#include "pvpatch/records.h"
#include "pvpatch/x86_64/instance.h"

#ifndef PVP_X86_SITE_BYTES
#define PVP_X86_SITE_BYTES 16
#endif
#define PVP_X86_CALL_BYTES 6          /* call *disp32(%rip) */

#ifdef __ASSEMBLER__
#define PVP_X86_RIP %rip
#else
#define PVP_X86_RIP %%rip
#endif

/* The site: its padding, the indirect call last, its record. `op` and
 * `slot` (8 * op) are written as the assembler must see them. */
#define PVP_X86_SITE_CODE(op, slot)                                               \
    .hidden pvp_live_ops;                                                         \
    771: .nops PVP_X86_SITE_BYTES - PVP_X86_CALL_BYTES;                           \
    call *pvp_live_ops+slot(PVP_X86_RIP); 772: ;                                  \
    .pushsection .pvpatch.sites, "aw"; .balign 8; .quad 771b, 772b; .short op;    \
    .byte PVP_FORM_C, 0, 0, 0, 0, 0, 0, 0, 0, 0; .long 0; .popsection

#ifdef __ASSEMBLER__

/* A site calling operation `op` (arguments and clobbers as in C). */
#define PVP_CALL(op) PVP_X86_SITE_CODE(op, 8 * (op))

#else /* C */

/* The functions of an ops table: entered with rsp aligned to 8 only; kept
 * even where only assembler names them (C++ ops tables, emit.h). */
#define PVP_X86_OP_FN __attribute__((force_align_arg_pointer, used))

#ifdef __AVX512F__
#define PVP_X86_AVX512_CLOBBERS                                                   \
    , "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",     \
    "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",       \
    "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"
#else
#define PVP_X86_AVX512_CLOBBERS
#endif

/* The SysV caller-saved registers that are not operands of the site. */
#define PVP_X86_CALL_CLOBBERS                                                     \
    "r8", "r9", "r10", "r11", "cc", "memory",                                     \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",       \
    "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",                 \
    "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"           \
    PVP_X86_AVX512_CLOBBERS

/* The result of operation `op` on up to four arguments (unsigned long). */
#define PVP_CALL(...)                                                             \
    PVP_X86_PICK(__VA_ARGS__, PVP_X86_CALL4, PVP_X86_CALL3, PVP_X86_CALL2,        \
                 PVP_X86_CALL1, PVP_X86_CALL0, -)(__VA_ARGS__)
#define PVP_X86_PICK(_0, _1, _2, _3, _4, name, ...) name

/* Unused argument registers are outputs: the callee may change them. */
#define PVP_X86_CALL0(op)             PVP_X86_CALL_(op, "=D", 0, "=S", 0, "=d", 0, "=c", 0)
#define PVP_X86_CALL1(op, a)          PVP_X86_CALL_(op, "+D", a, "=S", 0, "=d", 0, "=c", 0)
#define PVP_X86_CALL2(op, a, b)       PVP_X86_CALL_(op, "+D", a, "+S", b, "=d", 0, "=c", 0)
#define PVP_X86_CALL3(op, a, b, c)    PVP_X86_CALL_(op, "+D", a, "+S", b, "+d", c, "=c", 0)
#define PVP_X86_CALL4(op, a, b, c, d) PVP_X86_CALL_(op, "+D", a, "+S", b, "+d", c, "+c", d)

/* Each expansion gets its own names (__COUNTER__), so that calls nest
 * without shadowing. */
#define PVP_X86_CALL_(...) PVP_X86_CALL_N_(__COUNTER__, __VA_ARGS__)
#define PVP_X86_CALL_N_(n, ...) PVP_X86_CALL_U_(n, __VA_ARGS__)
#define PVP_X86_CALL_U_(n, op, k1, v1, k2, v2, k3, v3, k4, v4)                    \
    __extension__({                                                               \
        unsigned long pvp_r##n, pvp_1##n __attribute__((unused)) = (unsigned long)(v1), \
            pvp_2##n __attribute__((unused)) = (unsigned long)(v2),               \
            pvp_3##n __attribute__((unused)) = (unsigned long)(v3),               \
            pvp_4##n __attribute__((unused)) = (unsigned long)(v4);               \
        __asm__ volatile(PVP_X86_STR(PVP_X86_SITE_CODE(%c[pvp_op], %c[pvp_slot])) \
                         : "=a"(pvp_r##n), k1(pvp_1##n), k2(pvp_2##n), k3(pvp_3##n), \
                           k4(pvp_4##n)                                           \
                         : [pvp_op] "i"(op), [pvp_slot] "i"(8 * (op))             \
                         : PVP_X86_CALL_CLOBBERS);                                \
        pvp_r##n;                                                                 \
    })

#endif /* __ASSEMBLER__ */
#endif
