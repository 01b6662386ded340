/* Emit everything one mode gives the patcher, from C (the x86-64 side of
 * pvpatch/ia64/emit.h). A mode is a list of its operations:
 *
 *     #define NATIVE_OPS(FN, INLINE)                                         \
 *         FN(OP_MIX, native_mix)                                             \
 *         INLINE(OP_MIX, "mov %rdi, %rax; xor %rsi, %rax")                   \
 *         FN(OP_SWAP, native_swap)
 *     PVP_X86_MODE(native, PVP_MODE_NATIVE, OP_COUNT, NATIVE_OPS);
 *     PVP_X86_LIVE_OPS(OP_COUNT, NATIVE_OPS);   // once per module: the table C sites call through
 *
 * FN(op, fn) names the mode's function for an operation (every operation
 * needs one; mark it PVP_X86_OP_FN, site.h); it becomes the mode's ops table
 * entry and its B template `call fn`, and the C template `call
 * *pvp_live_ops+8*op(%rip)` is emitted with it. INLINE(op, "asm") gives an A
 * template: the operation's body as GNU as text on the site's convention
 * (arguments in rdi, rsi, rdx, rcx, result in rax; it may write the
 * registers a call clobbers, and branch to its own end). Operation ids must
 * be integer literals; `count` is the largest id + 1, the same in every mode.
 *
 * Emitted (records.h, docs/records.md):
 * - pvp_ops_<mode>[count] in .pvpatch.ops (hidden): the mode's functions;
 * - the templates' code in .pvpatch.text ("a": never executed where it is)
 *   and their 24-byte entries, contiguous, in .pvpatch.tmpl;
 * - the 64-byte mode record in .pvpatch.modes;
 * - PVP_X86_LIVE_OPS: pvp_live_ops[count] in .pvpatch.ops (hidden), holding
 *   that mode's functions until a patch points it at another mode's.
 * Functions named by FN must be static or hidden in a shared library: the
 * templates call them directly, not through the PLT. */
#ifndef PVPATCH_X86_64_EMIT_H
#define PVPATCH_X86_64_EMIT_H

#include "pvpatch/x86_64/site.h"

typedef void (*pvp_x86_fn)(void);     /* an ops table entry: "matches every function type" */

#define PVP_X86_TABLE_ATTR __attribute__((section(".pvpatch.ops"), used, visibility("hidden")))

#define PVP_X86_NOTHING_(op, x)

#ifndef __cplusplus
/* Ops table `name`: each FN's function at its operation's index. */
#define PVP_X86_OPS_ENTRY_(op, fn) [op] = (pvp_x86_fn)fn,
#define PVP_X86_OPS_TABLE_(name, count, LIST)                                     \
    PVP_X86_TABLE_ATTR pvp_x86_fn name[count] = { LIST(PVP_X86_OPS_ENTRY_, PVP_X86_NOTHING_) }
#else
/* C++ has no array designators: the assembler lays the table out, zeros
 * with a relocation at each FN's index. The functions are then named from
 * assembler only, so in C++ they must be extern "C" (and PVP_X86_OP_FN
 * keeps them). */
#define PVP_X86_OPS_RELOC_(op, fn) ".reloc 771b+8*" PVP_X86_STR(op) ", R_X86_64_64, " #fn "\n"
#define PVP_X86_OPS_TABLE_(name, count, LIST)                                     \
    extern "C" __attribute__((visibility("hidden"))) pvp_x86_fn name[count];      \
    __asm__(".pushsection .pvpatch.ops, \"aw\"\n.balign 8\n.globl " #name "\n"     \
            ".hidden " #name "\n.type " #name ", @object\n"                        \
            ".size " #name ", 8*" PVP_X86_STR(count) "\n" #name ":\n771:\n"         \
            ".rept " PVP_X86_STR(count) "\n.quad 0\n.endr\n"                        \
            LIST(PVP_X86_OPS_RELOC_, PVP_X86_NOTHING_) ".popsection\n")
#endif

/* One template: its code in .pvpatch.text, its entry in .pvpatch.tmpl. */
#define PVP_X86_TEMPLATE_(op, form, code)                                         \
    ".pushsection .pvpatch.text, \"a\"\n771:\n" code "\n772:\n.popsection\n"      \
    ".pushsection .pvpatch.tmpl, \"aw\"\n.quad 771b, 772b\n"                      \
    ".short " PVP_X86_STR(op) "\n.byte " PVP_X86_STR(form) ", 0\n.long 0\n.popsection\n"
#define PVP_X86_CALL_TEMPLATES_(op, fn)                                           \
    PVP_X86_TEMPLATE_(op, PVP_FORM_B, "call " #fn)                               \
    PVP_X86_TEMPLATE_(op, PVP_FORM_C, "call *pvp_live_ops+8*" PVP_X86_STR(op) "(%rip)")
#define PVP_X86_INLINE_TEMPLATE_(op, body) PVP_X86_TEMPLATE_(op, PVP_FORM_A, body)

/* The mode record of `mode`, its templates between two labels. */
#define PVP_X86_MODE_RECORD_(mode, id, count)                                     \
    ".pushsection .pvpatch.modes, \"aw\"\n.balign 8\n"                            \
    ".long " PVP_X86_STR(PVP_MODE_MAGIC) "\n"                                     \
    ".short " PVP_X86_STR(PVP_RECORDS_VERSION) ", " PVP_X86_STR(PVP_MODE_RECSIZE) "\n" \
    ".long " PVP_X86_STR(id) ", " PVP_X86_STR(count) "\n"                         \
    "771: .ascii \"" #mode "\"\n.skip " PVP_X86_STR(PVP_MODE_NAMELEN) " - (. - 771b)\n" \
    ".quad pvp_ops_" #mode ", pvp_live_ops, .Lpvp_tmpl_" #mode ", .Lpvp_tmpl_end_" #mode "\n" \
    ".popsection\n"

/* Mode `mode` (a C identifier, at most 16 characters) with id `id`. */
#define PVP_X86_MODE(mode, id, count, LIST)                                       \
    PVP_X86_OPS_TABLE_(pvp_ops_##mode, count, LIST);                              \
    __asm__(".hidden pvp_live_ops\n"                                              \
            ".pushsection .pvpatch.tmpl, \"aw\"\n.balign 8\n.Lpvp_tmpl_" #mode ":\n.popsection\n" \
            LIST(PVP_X86_CALL_TEMPLATES_, PVP_X86_INLINE_TEMPLATE_)               \
            ".pushsection .pvpatch.tmpl, \"aw\"\n.Lpvp_tmpl_end_" #mode ":\n.popsection\n" \
            PVP_X86_MODE_RECORD_(mode, id, count))

/* The live ops table of the module, starting as the mode of LIST. */
#define PVP_X86_LIVE_OPS(count, LIST) PVP_X86_OPS_TABLE_(pvp_live_ops, count, LIST)

#endif
