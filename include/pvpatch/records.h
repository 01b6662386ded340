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

/* Fixup record, in section .pvpatch.fixups: u64 where, u32 kind, u32 zero. */
#define PVP_FIXUP_RECSIZE     16
#define PVP_FIX_OFF_WHERE     0
#define PVP_FIX_OFF_KIND      8
#define PVP_FIX_OFF_RESERVED  12

/* Fixup kinds.
 * VTOP_MOVL: the movl tagged by `where` (bundle address + slot) loads a
 *   virtual address; install writes its physical address instead (after
 *   re-basing it if it points into the instance).
 * SELF_MOVL: the movl tagged by `where` loads an address inside the instance;
 *   install re-bases it to the canonical place.
 * PTR64: the 8-byte word at `where` (anywhere in the image) holds an address;
 *   if it points into the instance, install re-bases it. */
#define PVP_FIX_VTOP_MOVL     1
#define PVP_FIX_SELF_MOVL     2
#define PVP_FIX_PTR64         3

/* Modes an instance can be built for. */
#define PVP_MODE_NATIVE       1
#define PVP_MODE_XEN          2
#define PVP_MODE_COUNTING     3

#endif
