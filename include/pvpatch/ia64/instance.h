/* pvpatch for IA-64 assembler sources (.S, through cpp): instance brackets
 * and fixup records. One source file is assembled once per mode; each build
 * brackets its code with PVP_INSTANCE_BEGIN/END and marks every place the
 * install must fix with one of the fixup macros below.
 *
 *   PVP_INSTANCE_BEGIN(xen, PVP_MODE_XEN, ia64_ivt, 0x8000)
 *   ...   PVP_LOAD_PHYSICAL(p0, r17, swapper_pg_dir) ...
 *   ...   PVP_MOVL_SELF(p0, r18, nested_continue) ...
 *   PVP_INSTANCE_END(xen)
 *
 * Assemble every instance in an executable section ("ax"), the discardable
 * copies too (e.g. .init.pvinst): GNU as binds a label to the bundle that
 * follows it only in executable sections; elsewhere labels land a bundle early.
 *
 * Records are described in include/pvpatch/records.h and docs/records.md. */
#ifndef PVPATCH_IA64_INSTANCE_H
#define PVPATCH_IA64_INSTANCE_H

#include "pvpatch/records.h"

#ifdef __ASSEMBLER__

/* Emit one fixup record for `where` into .pvpatch.fixups. .xdata writes to
 * another section without leaving the current one, so the code's bundling
 * is not disturbed (a .pushsection would close the current bundle). */
.macro pvp_fixup kind, where
    .xdata8 ".pvpatch.fixups", \where
    .xdata4 ".pvpatch.fixups", \kind
    .xdata4 ".pvpatch.fixups", 0
.endm

/* Open an instance: its code starts here; its fixup list starts here too
 * (records between BEGIN and END of this object belong to it). */
.macro pvp_instance_begin name, mode, canonical, slot_size
    .pushsection .pvpatch.fixups, "a"
    .align 8
.Lpvp_fixups_begin_\name:
    .popsection
\name\()_pvp_start:
    .set pvp_in_instance, 1
    .set .Lpvp_flags_\name, 0
.endm

/* The descriptor of instance \name: \size bytes of code from \start, its
 * fixups from \fix to \fix_end. */
.macro pvp_instance_record name, mode, start, size, canonical, slot_size, fix, fix_end, flags=0
    .pushsection .pvpatch.instances, "a"
    .align 8
    data4 PVP_INSTANCE_MAGIC
    data2 PVP_RECORDS_VERSION
    data2 PVP_INSTANCE_RECSIZE
    data4 \mode
    data4 \flags
.Lpvp_name_\name:
    .ascii "\name"
    .skip PVP_INSTANCE_NAMELEN - (. - .Lpvp_name_\name)
    data8 \start
    data8 \canonical
    data8 \size
    data8 \slot_size
    data8 \fix
    data8 \fix_end
    .popsection
.endm

/* Compact sites of the instance put their out-of-line code in the next
 * subsection (pvpatch/ia64/site.h): the instance ends after it, in the one
 * after that, where the code that follows goes on. A `.section` naming the
 * instance's section again would go back to subsection 0, before that
 * code: use .previous or .popsection, or name the subsection. */
.macro pvp_instance_close_ool
    .ifdef .Lpvp_ool_in_instance
    .if .Lpvp_ool_in_instance
    .set .Lpvp_code_subsec, .Lpvp_code_subsec + 2
    .subsection .Lpvp_code_subsec
    .set .Lpvp_ool_in_instance, 0
    .endif
    .endif
.endm

/* Close an instance and emit its descriptor. With pad=1 the code is padded
 * to the slot, as .org pads (zero bundles: break.m 0), so that an instance
 * shorter than its slot has the slot's size; GNU as refuses one that is
 * longer ("attempt to move .org backwards"). */
.macro pvp_instance_end name, mode, canonical, slot_size, pad=0
    pvp_instance_close_ool
    .if \pad
    .org \name\()_pvp_start + (\slot_size)
    .endif
\name\()_pvp_end:
    .set pvp_in_instance, 0
    .pushsection .pvpatch.fixups, "a"
.Lpvp_fixups_end_\name:
    .popsection
    pvp_instance_record \name, \mode, \name\()_pvp_start, \name\()_pvp_end-\name\()_pvp_start, \canonical, \
                        \slot_size, .Lpvp_fixups_begin_\name, .Lpvp_fixups_end_\name, .Lpvp_flags_\name
.endm

/* Instance \name's absolute self-references are found by decoding: the
 * install re-bases every movl of its code that loads an address inside it,
 * recorded or not (PVP_INSTANCE_F_SCAN_SELF). For code that cannot record
 * them: write it anywhere between its begin and end. */
.macro pvp_instance_scan_self name
    .set .Lpvp_flags_\name, .Lpvp_flags_\name | PVP_INSTANCE_F_SCAN_SELF
.endm

/* The descriptor of code that was not bracketed (a Linux ivt.S built as is):
 * \size bytes from symbol \start (the linker pads it to that), no fixups. */
.macro pvp_instance_describe name, mode, start, size, canonical, slot_size
    .pushsection .pvpatch.fixups, "a"
    .align 8
.Lpvp_fixups_none_\name:
    .popsection
    pvp_instance_record \name, \mode, \start, \size, \canonical, \slot_size, \
                        .Lpvp_fixups_none_\name, .Lpvp_fixups_none_\name
.endm

/* LOAD_PHYSICAL: load the physical address of `sym` (a vtop fixup). */
.macro pvp_load_physical pr, reg, sym
[.Lpvp_vtop_\@:] (\pr) movl \reg = \sym
    pvp_fixup PVP_FIX_VTOP_MOVL, .Lpvp_vtop_\@
.endm

/* Load the address of a label inside the instance (an absolute self-reference). */
.macro pvp_movl_self pr, reg, label
[.Lpvp_self_\@:] (\pr) movl \reg = \label
    pvp_fixup PVP_FIX_SELF_MOVL, .Lpvp_self_\@
.endm

/* An 8-byte pointer to `label` that must follow the instance when it moves. */
.macro pvp_data8_self label
.Lpvp_ptr_\@:
    data8 \label
    pvp_fixup PVP_FIX_PTR64, .Lpvp_ptr_\@
.endm

/* A 4-byte word holding `label - .` (self-relative, as Linux's
 * .data..patch.* tables hold) that must keep reaching label when the word,
 * the label or both move with an instance. */
.macro pvp_data4_rel label
.Lpvp_rel_\@:
    data4 \label - .Lpvp_rel_\@
    pvp_fixup PVP_FIX_REL32, .Lpvp_rel_\@
.endm

/* The same for a word written elsewhere (a table another macro fills):
 * the record only, for the 4-byte word at \where. */
.macro pvp_rel32 where
    pvp_fixup PVP_FIX_REL32, \where
.endm

/* Code of the instance in place from \start to \end stays in the slot
 * whatever instance is installed (code the other builds branch to); they
 * must leave those bytes empty (zero, as .org pads). Write it after that
 * code, outside a bundle. */
.macro pvp_resident start, end
    .pushsection .pvpatch.fixups, "a"   /* (a section switch: labels are bound first) */
    data8 \start
    data4 PVP_FIX_RESIDENT
    data4 (\end) - (\start)
    .popsection
.endm

/* Room for instance \name's move list, \entries blocks (a copy's changed
 * code blocks: about one per outside branch), in .pvpatch.moves; write it
 * between the instance's begin and end. `pvpatch moves` fills it after the
 * link; empty, the install decodes the instance as without it. */
.macro pvp_moves name, entries
    .pushsection .pvpatch.moves, "a"
    .align 8
.Lpvp_moves_\name:
    data4 PVP_MOVES_MAGIC
    data2 PVP_MOVES_VERSION
    data2 PVP_MOVES_ENTSIZE
    data4 0, 0
    data8 0, 0
    .skip (\entries) * PVP_MOVES_ENTSIZE
.Lpvp_moves_end_\name:
    .popsection
    .pushsection .pvpatch.fixups, "a"
    data8 .Lpvp_moves_\name
    data4 PVP_FIX_MOVES
    data4 .Lpvp_moves_end_\name - .Lpvp_moves_\name
    .popsection
.endm

/* Data inside an instance (a table, a string) between PVP_DATA_BEGIN(name)
 * and PVP_DATA_END(name): the install copies it as it is, never reading it
 * as code. A PVP_DATA8_SELF word inside an instance is data without this. */
.macro pvp_data_begin name
.Lpvp_data_\name:
.endm
.macro pvp_data_end name
.Lpvp_data_end_\name:
    .pushsection .pvpatch.fixups, "a"   /* (a section switch: the label is bound to */
    data8 .Lpvp_data_\name              /* its place first, or the length would miss */
    data4 PVP_FIX_DATA                  /* the last bundle) */
    data4 .Lpvp_data_end_\name - .Lpvp_data_\name
    .popsection
.endm

/* A label inside the instance that code outside it branches to: every
 * instance of the slot must declare the same entries at the same offsets. */
.macro pvp_entry label
    pvp_fixup PVP_FIX_ENTRY, \label
.endm

#define PVP_INSTANCE_BEGIN(name, mode, canonical, slot_size) \
    pvp_instance_begin name, mode, canonical, slot_size
#define PVP_INSTANCE_END(name, mode, canonical, slot_size) \
    pvp_instance_end name, mode, canonical, slot_size
/* The same, padding the code to the slot size first. */
#define PVP_INSTANCE_END_PADDED(name, mode, canonical, slot_size) \
    pvp_instance_end name, mode, canonical, slot_size, 1
#define PVP_INSTANCE_SCAN_SELF(name)     pvp_instance_scan_self name
/* A descriptor for size bytes of code from symbol start, with no fixups. */
#define PVP_INSTANCE_DESCRIBE(name, mode, start, size, canonical, slot_size) \
    pvp_instance_describe name, mode, start, size, canonical, slot_size
#define PVP_LOAD_PHYSICAL(pr, reg, sym)  pvp_load_physical pr, reg, sym
#define PVP_MOVL_SELF(pr, reg, label)    pvp_movl_self pr, reg, label
#define PVP_DATA8_SELF(label)            pvp_data8_self label
#define PVP_DATA_BEGIN(name)             pvp_data_begin name
#define PVP_DATA_END(name)               pvp_data_end name
#define PVP_ENTRY(label)                 pvp_entry label
#define PVP_DATA4_REL(label)             pvp_data4_rel label
#define PVP_REL32(where)                 pvp_rel32 where
#define PVP_RESIDENT(start, end)         pvp_resident start, end
#define PVP_MOVES(name, entries)         pvp_moves name, entries

#endif /* __ASSEMBLER__ */
#endif
