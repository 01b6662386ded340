/* pvpatch record formats, version 1: instance descriptors and fixup records,
 * as emitted by the assembler macros and read by the engine. Usable from C
 * and, for the constants, from assembler through cpp. All fields are
 * little-endian in the target image; see docs/records.md. */
#ifndef PVPATCH_RECORDS_H
#define PVPATCH_RECORDS_H

#define PVP_RECORDS_VERSION   1

/* Instance descriptor, in section .pvpatch.instances, 8-byte aligned. */
#define PVP_INSTANCE_MAGIC    0x49505650  /* "PVPI" */
#define PVP_INSTANCE_RECSIZE  96
#define PVP_INSTANCE_NAMELEN  32
/* Byte offsets of the descriptor's fields. */
#define PVP_INST_OFF_MAGIC      0   /* u32 */
#define PVP_INST_OFF_VERSION    4   /* u16 */
#define PVP_INST_OFF_RECSIZE    6   /* u16 */
#define PVP_INST_OFF_MODE       8   /* u32: PVP_MODE_* */
#define PVP_INST_OFF_FLAGS      12  /* u32: PVP_INSTANCE_F_* */
#define PVP_INST_OFF_NAME       16  /* char[32], NUL-padded */
#define PVP_INST_OFF_COPY       48  /* u64: where this instance's code is */
#define PVP_INST_OFF_CANONICAL  56  /* u64: where the running system expects it */
#define PVP_INST_OFF_SIZE       64  /* u64: bytes of code */
#define PVP_INST_OFF_SLOTSIZE   72  /* u64: bytes of the canonical slot */
#define PVP_INST_OFF_FIXUPS     80  /* u64: first fixup record */
#define PVP_INST_OFF_FIXUPS_END 88  /* u64: one past the last fixup record */

/* Descriptor flags. INSTALLED is set by the engine in the descriptor of the
 * instance it copied, so a second install is refused rather than repeated. */
#define PVP_INSTANCE_F_INSTALLED 0x1
/* Set by the build (PVP_INSTANCE_FLAGS): the instance's absolute
 * self-references are found by decoding, not records alone. Every load
 * immediate of its code (movl, movabs) whose value lies inside the
 * instance is re-based by the install as a self fixup would be; for code
 * its build does not record (Linux's ivt.S: `movl r30=1f`). */
#define PVP_INSTANCE_F_SCAN_SELF 0x2

/* Fixup record, in section .pvpatch.fixups: u64 where, u32 kind, u32 length
 * (bytes for DATA and RESIDENT, zero for every other kind). */
#define PVP_FIXUP_RECSIZE     16
#define PVP_FIX_OFF_WHERE     0
#define PVP_FIX_OFF_KIND      8
#define PVP_FIX_OFF_LENGTH    12
#define PVP_FIX_OFF_RESERVED  PVP_FIX_OFF_LENGTH   /* its name before DATA gave it a use */

/* Fixup kinds.
 * VTOP_MOVL: the movl tagged by `where` (bundle address + slot) loads a
 *   virtual address; install writes its physical address instead (after
 *   re-basing it if it points into the instance).
 * SELF_MOVL: the movl tagged by `where` loads an address inside the instance;
 *   install re-bases it to the canonical place.
 * PTR64: the 8-byte word at `where` (anywhere in the image) holds an address;
 *   if it points into the instance, install re-bases it. Inside an instance
 *   the word is data: the code unit holding it is copied, never decoded.
 * DATA: the `length` bytes at `where`, inside the instance, are data (a table,
 *   a string): copied as they are, never decoded as code nor re-targeted.
 * ENTRY: `where` is a place inside the instance that code outside it may
 *   branch to; every instance of one slot must declare the same entries, so
 *   such a branch means the same code whichever instance is installed.
 * REL32: the 4-byte word at `where` (anywhere in the image) holds a target
 *   relative to itself (`label - .`, what Linux's .data..patch.* and
 *   __mca_table hold); install keeps the target it means when the word, the
 *   target or both move with the instance. Inside an instance it is data.
 * RESIDENT: the `length` bytes at `where`, inside the instance in place,
 *   stay in the slot whatever instance is installed there (code the other
 *   builds share, Linux's ia64_syscall_setup); an instance installed over
 *   it must leave those bytes empty (zero), and anything may branch there. */
#define PVP_FIX_VTOP_MOVL     1
#define PVP_FIX_SELF_MOVL     2
#define PVP_FIX_PTR64         3
#define PVP_FIX_DATA          4
#define PVP_FIX_ENTRY         5
#define PVP_FIX_REL32         6
#define PVP_FIX_RESIDENT      7
#define PVP_FIX_MOVES         8   /* where: the instance's move list (outside it); length: its bytes */
#define PVP_FIX_KINDS         9   /* one past the last kind */

/* Move list of an instance (PVP_MOVES reserves it, `pvpatch moves` fills
 * it): what an install by decoding would write into each 16-byte block of
 * the instance's code that it changes, computed at build time for one copy
 * and canonical address, so that the boot install is a copy and block
 * writes. Header, then count entries: u64 offset of the block in the
 * instance, its 16 bytes after the install (before the fixup records,
 * which the install still applies). Count 0: not computed, decode. */
#define PVP_MOVES_MAGIC         0x564d5650u  /* "PVMV" */
#define PVP_MOVES_VERSION       1
#define PVP_MOVES_HEADSIZE      32
#define PVP_MOVES_ENTSIZE       24
#define PVP_MOVES_BLOCK         16
#define PVP_MOVES_OFF_MAGIC     0   /* u32 */
#define PVP_MOVES_OFF_VERSION   4   /* u16 */
#define PVP_MOVES_OFF_ENTSIZE   6   /* u16 */
#define PVP_MOVES_OFF_COUNT     8   /* u32: entries written */
#define PVP_MOVES_OFF_COPY      16  /* u64: the copy it was computed for */
#define PVP_MOVES_OFF_CANONICAL 24  /* u64: and the canonical place */

/* Forms of a pv operation at a site (the thread's A, B and C). */
#define PVP_FORM_A            1   /* the mode's code inline */
#define PVP_FORM_B            2   /* direct branch to the mode's stub */
#define PVP_FORM_C            3   /* indirect call through the live ops table */
#define PVP_FORM_BLOCK        4   /* one mode's body of a block (site record's form only): the
                                   * block's bundle at addr jumps to the body of the running mode */

/* Site record, in section .pvpatch.sites, 8-byte aligned, 32 bytes: one use
 * of a pv operation. Registers are numbers (r16 is 16); 0 means "none"
 * (r0 is never a result or a clobber; p0 never a predicate clobber). */
#define PVP_SITE_RECSIZE      32
#define PVP_SITE_OFF_ADDR     0   /* u64: first bundle of the site */
#define PVP_SITE_OFF_END      8   /* u64: one past its last bundle */
#define PVP_SITE_OFF_OP       16  /* u16: PVP_OP_* */
#define PVP_SITE_OFF_FORM     18  /* u8: form it was built in */
#define PVP_SITE_OFF_MODE     19  /* u8: mode of its code (A, B), 0 for C */
#define PVP_SITE_OFF_QP       20  /* u8: qualifying predicate */
#define PVP_SITE_OFF_REGS     21  /* u8[5]: result, value 1, value 2, clobber 1, clobber 2 */
#define PVP_SITE_OFF_CUR_FORM 26  /* u8: form now at the site, 0 = as built (engine-owned) */
#define PVP_SITE_OFF_CUR_MODE 27  /* u8: mode now at the site (engine-owned) */
#define PVP_SITE_OFF_SPLIT    28  /* u8: bits 0-4 code units of the part at addr (0: the site is one
                                   * piece, [addr, end)); bit 7 PVP_SITE_PHYS; bits 5-6 zero */
#define PVP_SITE_OFF_RESERVED PVP_SITE_OFF_SPLIT   /* its name before split sites gave it a use */
#define PVP_SITE_OFF_OOL      29  /* u8: code units of the out-of-line part of a split site, which ends
                                   * at end; 0 for a site in one piece */
#define PVP_SITE_OFF_CLOB3    30  /* u8: third clobber register, 0 = none */
#define PVP_SITE_OFF_PCLOB    31  /* u8: predicate the code may clobber, 0 = none */
/* A split (compact) site is two parts: PVP_SITE_OFF_SPLIT's units at addr,
 * where the code runs, and its out-of-line part [end - ool units, end),
 * which the part at addr branches to when the code does not fit there. */
#define PVP_SITE_INLINE_MASK  0x1f
/* The site's code runs with data translation off (psr.dt = 0): the
 * addresses its code loads for data are physical (docs/records.md). */
#define PVP_SITE_PHYS         0x80
/* Registers of a site as read: the five at PVP_SITE_OFF_REGS, then the
 * third clobber (at PVP_SITE_OFF_CLOB3). */
#define PVP_SITE_NREGS        6

/* Mode record, in section .pvpatch.modes, 8-byte aligned, 64 bytes: what a
 * mode provides to the patcher. */
#define PVP_MODE_MAGIC        0x4d505650  /* "PVPM" */
#define PVP_MODE_RECSIZE      64
#define PVP_MODE_NAMELEN      16
#define PVP_MODE_OFF_MAGIC    0   /* u32 */
#define PVP_MODE_OFF_VERSION  4   /* u16 */
#define PVP_MODE_OFF_RECSIZE  6   /* u16 */
#define PVP_MODE_OFF_MODE     8   /* u32: PVP_MODE_* */
#define PVP_MODE_OFF_NOPS     12  /* u32: entries of the ops tables */
#define PVP_MODE_OFF_NAME     16  /* char[16], NUL-padded */
#define PVP_MODE_OFF_OPS      32  /* u64: this mode's ops table (stub addresses, by op id) */
#define PVP_MODE_OFF_LIVE     40  /* u64: the ops table C-form sites call through, or 0 */
#define PVP_MODE_OFF_TMPL     48  /* u64: first template entry */
#define PVP_MODE_OFF_TMPL_END 56  /* u64: one past the last */

/* Template entry, 24 bytes: the code of one form of one operation for a
 * mode, assembled with placeholder registers (see pvpatch/ia64/pvops.h). */
#define PVP_TMPL_RECSIZE      24
#define PVP_TMPL_OFF_CODE     0   /* u64 */
#define PVP_TMPL_OFF_END      8   /* u64 */
#define PVP_TMPL_OFF_OP       16  /* u16 */
#define PVP_TMPL_OFF_FORM     18  /* u8 */
#define PVP_TMPL_OFF_NKEPT    19  /* u8: how many of keeps' lowest registers the code saves in clobbers 1, 2, 3 */
#define PVP_TMPL_OFF_KEEPS    20  /* u32: r0-r31 the code writes beyond the site's operands */

/* Operation name, in section .pvpatch.names, 32 bytes: the name of an
 * operation a user added (PVP_EXTRA_OPS), emitted with each mode, for the
 * tools that show sites (the built-in ones they know). */
#define PVP_NAME_RECSIZE      32
#define PVP_NAME_OFF_OP       0   /* u16: operation id */
#define PVP_NAME_OFF_NAME     2   /* char[30], NUL-padded */
#define PVP_NAME_LEN          30

/* Modes an instance can be built for. */
#define PVP_MODE_NATIVE       1
#define PVP_MODE_XEN          2
#define PVP_MODE_COUNTING     3

#endif
