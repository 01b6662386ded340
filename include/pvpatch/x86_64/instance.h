/* pvpatch instances on x86-64, from GNU as (.S, through cpp) and from C.
 * One source is built once per mode; each build brackets its code as an
 * instance and marks the places the install must fix. The records are those
 * of include/pvpatch/records.h (docs/records.md); docs/x86_64.md shows both
 * kinds of source.
 *
 * Assembler:
 *       .section .text.pvp.xen, "ax"
 *   PVP_INSTANCE_BEGIN(xen)
 *       PVP_LOAD_SELF(xen, %rax, inside_label)      // movabs + a self fixup
 *       PVP_LOAD_PHYSICAL(xen, %rdx, page_table)    // movabs + a vtop fixup
 *       jmp     outside                            // PC-relative: re-targeted
 *   PVP_INSTANCE_END(xen, PVP_MODE_XEN, hot, 256)
 *
 * C (the functions of the instance follow the macro, in its section):
 *   PVP_C_INSTANCE(xen, PVP_MODE_XEN, hot_xen, hot, 256);
 *   PVP_C_CODE(xen) long hot_xen(long x) { ... PVP_C_LOAD_SELF(xen, p, label); ... }
 *
 * An instance starts 16-byte aligned and is padded with int3 to its slot
 * size (an instance that outgrows its slot fails to assemble: ".org
 * backwards"). A movabs with a fixup is placed so that it does not cross a
 * 16-byte boundary: the engine reads it in that aligned window. Each
 * instance's fixups go to its own section .pvpatch.fixups.NAME, between two
 * labels in subsections 0 and 2, so the list is right whatever order the
 * compiler emits functions and top-level asm in.
 *
 * C code of an instance must be built with -fno-jump-tables (gcc's PIC jump
 * tables hold offsets into the original copy) and must not be inlined or
 * cloned (PVP_C_CODE says so). */
#ifndef PVPATCH_X86_64_INSTANCE_H
#define PVPATCH_X86_64_INSTANCE_H

#include "pvpatch/records.h"

#define PVP_X86_STR2(...) #__VA_ARGS__
#define PVP_X86_STR(...)  PVP_X86_STR2(__VA_ARGS__)

/* Keep the next 10-byte movabs inside one aligned 16-byte window: align
 * only when fewer than 10 bytes are left in the current one. */
#define PVP_X86_LOAD_ALIGN .p2align 4,,9

/* One fixup record of instance `name` for the place `where`. */
#define PVP_X86_FIXUP(name, kind, where)                                      \
    .pushsection .pvpatch.fixups.name, "aw", @progbits; .subsection 1;        \
    .balign 8; .quad where; .long kind, 0; .popsection

/* Open instance `name`: its code starts here, 16-byte aligned; its fixup
 * list is bounded by a label before every record and one after. */
#define PVP_X86_BEGIN(name)                                                   \
    .balign 16; name##_pvp_start: ;                                           \
    .pushsection .pvpatch.fixups.name, "aw", @progbits; .balign 8;            \
    .Lpvp_fixups_begin_##name: ; .subsection 2; .Lpvp_fixups_end_##name: ;    \
    .popsection

/* Close instance `name`: pad to the slot with int3 and emit its descriptor. */
#define PVP_X86_END(name, mode, canonical, slot_size)                         \
    .org name##_pvp_start + (slot_size), 0xcc; name##_pvp_end: ;              \
    .pushsection .pvpatch.instances, "aw", @progbits; .balign 8;              \
    .long PVP_INSTANCE_MAGIC; .short PVP_RECORDS_VERSION, PVP_INSTANCE_RECSIZE; \
    .long mode, 0;                                                            \
    .Lpvp_name_##name: .ascii #name;                                          \
    .skip PVP_INSTANCE_NAMELEN - (. - .Lpvp_name_##name);                     \
    .quad name##_pvp_start, canonical;                                        \
    .quad name##_pvp_end - name##_pvp_start, slot_size;                       \
    .quad .Lpvp_fixups_begin_##name, .Lpvp_fixups_end_##name;                 \
    .popsection

#ifdef __ASSEMBLER__

#define PVP_INSTANCE_BEGIN(name)                        PVP_X86_BEGIN(name)
#define PVP_INSTANCE_END(name, mode, canonical, slot)   PVP_X86_END(name, mode, canonical, slot)

/* movabs $sym, reg with a vtop fixup: install writes sym's physical address. */
#define PVP_LOAD_PHYSICAL(name, reg, sym)                                     \
    PVP_X86_LOAD_ALIGN; 771: movabsq $(sym), reg;                               \
    PVP_X86_FIXUP(name, PVP_FIX_VTOP_MOVL, 771b)
/* movabs $label, reg of a label inside the instance, re-based by the install. */
#define PVP_LOAD_SELF(name, reg, label)                                       \
    PVP_X86_LOAD_ALIGN; 771: movabsq $(label), reg;                             \
    PVP_X86_FIXUP(name, PVP_FIX_SELF_MOVL, 771b)
/* An 8-byte pointer to `label` that must follow the instance when it moves. */
#define PVP_DATA8_SELF(name, label)                                           \
    771: .quad label; PVP_X86_FIXUP(name, PVP_FIX_PTR64, 771b)

#else /* C */

/* Open and close instance `name` around the functions of this file that
 * carry PVP_C_CODE(name); place it before them. `entry` is this build's entry
 * function and must come first in the slot (the canonical callers jump to
 * the slot's start): assembly fails if it does not. gcc keeps source order
 * with -fno-toplevel-reorder; otherwise it may emit callees first. */
#define PVP_C_INSTANCE(name, mode, entry, canonical, slot_size)               \
    PVP_X86_C_INSTANCE(name, mode, entry, canonical, slot_size)
#define PVP_X86_C_INSTANCE(name, mode, entry, canonical, slot_size)           \
    __asm__(PVP_X86_STR(.pushsection .text.pvp.name, "ax", @progbits;         \
                        PVP_X86_BEGIN(name); .subsection 1;                   \
                        PVP_X86_END(name, mode, canonical, slot_size);        \
                        PVP_X86_ENTRY_FIRST(name, entry); .popsection))

/* Fails assembly ("value ... too large for field of 1 byte") unless `entry`
 * starts the slot. A byte resolved at the end of assembly, unlike .if or
 * .org, may name functions the compiler emits later. Non-allocated: it never
 * reaches memory. */
#define PVP_X86_ENTRY_FIRST(name, entry)                                      \
    .pushsection .pvpatch.check, "", @progbits;                               \
    .byte 255 + 256 * (entry - name##_pvp_start); .popsection

#if defined(__has_attribute)
#if __has_attribute(noipa)
#define PVP_X86_NOIPA __attribute__((noipa))
#endif
#endif
#ifndef PVP_X86_NOIPA
#define PVP_X86_NOIPA __attribute__((noinline))
#endif

/* The attributes of a function of instance `name`: in its section, aligned,
 * never inlined, cloned or analysed by its callers (the code they call is
 * whichever instance was installed). */
#define PVP_C_CODE(name) PVP_X86_CODE(name)
#define PVP_X86_CODE(name)                                                    \
    __attribute__((section(".text.pvp." #name), aligned(16), noinline, used)) PVP_X86_NOIPA

/* var = the physical address of sym (movabs + a vtop fixup). */
#define PVP_C_LOAD_PHYSICAL(name, var, sym)                                   \
    __asm__(PVP_X86_STR(PVP_X86_LOAD_ALIGN; 771: movabsq $(sym), %0;            \
                        PVP_X86_FIXUP(name, PVP_FIX_VTOP_MOVL, 771b))         \
            : "=r"(var))
/* var = the address of sym, a function or label of the instance (movabs + a self fixup). */
#define PVP_C_LOAD_SELF(name, var, sym)                                       \
    __asm__(PVP_X86_STR(PVP_X86_LOAD_ALIGN; 771: movabsq $(sym), %0;            \
                        PVP_X86_FIXUP(name, PVP_FIX_SELF_MOVL, 771b))         \
            : "=r"(var))
/* The 8-byte variable `word` (file scope) holds a pointer that must follow the instance. */
#define PVP_C_PTR64(name, word)                                               \
    __asm__(PVP_X86_STR(PVP_X86_FIXUP(name, PVP_FIX_PTR64, word)))

#endif /* __ASSEMBLER__ */
#endif
