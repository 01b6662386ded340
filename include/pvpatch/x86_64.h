/* The x86-64 backend: decoding (through Zydis), PC-relative operands and
 * their re-targeting with range checks, widening of rel8 branches into nop
 * padding, the movabs load immediate, and the fills a patcher needs (nops,
 * jmp over). Freestanding: the only library it needs is Zydis/Zycore.
 *
 * Every function that changes bytes either succeeds or leaves them as they
 * were. Displacements are checked, never wrapped: a target out of reach is
 * PVP_E_OUT_OF_RANGE. See docs/x86_64.md. */
#ifndef PVPATCH_X86_64_H
#define PVPATCH_X86_64_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/arch.h"
#include "pvpatch/install.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The x86-64 backend of the arch interface. Its code_align is 16: instances
 * and slots are 16-byte aligned, and a load fixup's movabs lies inside one
 * aligned 16-byte window (the instance macros place it so). */
extern const pvp_arch pvp_arch_x86_64;

#define PVP_X86_MAX_INSN 15        /* the architectural limit on instruction length */
#define PVP_X86_CODE_ALIGN 16

/* PC-relative forms: the arch's form numbers (index into form_names). */
enum pvp_x86_form {
    PVP_X86_JMP8,       /* jmp rel8 (EB) */
    PVP_X86_JMP32,      /* jmp rel32 (E9) */
    PVP_X86_JCC8,       /* jcc rel8 (70-7F) */
    PVP_X86_JCC32,      /* jcc rel32 (0F 80-8F) */
    PVP_X86_CALL32,     /* call rel32 (E8) */
    PVP_X86_LOOP8,      /* loop, loope, loopne rel8: no wider form exists */
    PVP_X86_JRCXZ8,     /* jrcxz, jecxz rel8: no wider form exists */
    PVP_X86_XBEGIN32,   /* xbegin rel32: the abort handler */
    PVP_X86_RIP32,      /* a memory operand disp32(%rip), whatever follows it */
    PVP_X86_NFORMS,
    PVP_X86_NO_PCREL = 0xff
};

/* One decoded instruction, as much as the engine needs of it. */
typedef struct pvp_x86_insn {
    uint8_t len;         /* bytes */
    uint8_t form;        /* enum pvp_x86_form of its PC-relative operand, or PVP_X86_NO_PCREL */
    uint8_t disp_off;    /* offset of the PC-relative displacement in the instruction */
    uint8_t disp_size;   /* its size in bytes: 1 or 4 (0 without one) */
    uint8_t imm64_off;   /* movabs r64, imm64: offset of the immediate; 0 for anything else */
    uint8_t is_nop;      /* a NOP of any length (not pause, not endbr) */
    uint8_t reads_pc;    /* call to the next instruction: pushes its own address as data */
    uint64_t target;     /* absolute target of the PC-relative operand */
} pvp_x86_insn;

/* Decode the instruction at `code` (`avail` bytes readable) located at `addr`.
 * PVP_E_TRUNCATED if it runs past avail, PVP_E_UNKNOWN_OP if the bytes are no
 * instruction, PVP_E_UNSUPPORTED for PC-relative forms this backend refuses
 * (16-bit branch displacements, 32-bit address size EIP-relative operands). */
int pvp_x86_decode(const uint8_t *code, size_t avail, uint64_t addr, pvp_x86_insn *out);

/* Point the PC-relative operand of the instruction at `code` (`len` bytes
 * readable), located at `addr`, to `target`, in place and at the same length.
 * PVP_E_OUT_OF_RANGE if the displacement does not fit (+-127 B or +-2 GiB). */
int pvp_x86_retarget(uint8_t *code, size_t len, uint64_t addr, uint64_t target, pvp_error *err);

/* Like pvp_x86_retarget, but a jmp/jcc rel8 that cannot reach is rewritten as
 * rel32 over the nop instructions that follow it inside `room` bytes; the nops
 * left over are re-filled. *span is how many bytes were rewritten (the
 * instruction alone when no widening was needed). The caller guarantees that
 * nothing branches into those nops. loop and jrcxz have no rel32 form: out of
 * reach they are refused (PVP_E_OUT_OF_RANGE), never synthesised. */
int pvp_x86_retarget_widen(uint8_t *code, size_t room, uint64_t addr, uint64_t target,
                           size_t *span, pvp_error *err);

/* The immediate of `movabs $imm64, %r64` at code[0] (PVP_E_NOT_MOVL otherwise). */
int pvp_x86_movabs_get(const uint8_t *code, size_t len, uint64_t *imm);
/* Replace the immediate of the movabs at code[0]. */
int pvp_x86_movabs_set(uint8_t *code, size_t len, uint64_t imm);

#define PVP_X86_NOP_MAX      15   /* longest single nop pvp_x86_nop writes */
#define PVP_X86_NOP_FILL_MAX 11   /* longest nop the fill uses: at most three prefixes */

/* Write one nop of exactly n bytes (1..15): the Intel-recommended forms,
 * lengthened with operand-size prefixes beyond nine bytes. */
int pvp_x86_nop(uint8_t *buf, size_t n);
/* Fill n bytes with the fewest nops (none longer than PVP_X86_NOP_FILL_MAX). */
void pvp_x86_nop_fill(uint8_t *buf, size_t n);
/* Fill n bytes with a jmp to their end (rel8, or rel32 beyond 129 bytes) and
 * int3 after it, so nothing in between is decoded, even speculatively; one
 * byte is a nop. PVP_E_OUT_OF_RANGE beyond 2 GiB. */
int pvp_x86_jmp_over(uint8_t *buf, size_t n);

/* Write `call target` (E8 rel32, 5 bytes) for an instruction at addr. */
int pvp_x86_put_call(uint8_t *buf, size_t avail, uint64_t addr, uint64_t target, pvp_error *err);
/* Write `jmp target`, rel8 if it reaches, else rel32; *len is 2 or 5. */
int pvp_x86_put_jmp(uint8_t *buf, size_t avail, uint64_t addr, uint64_t target, size_t *len,
                    pvp_error *err);

#ifdef __cplusplus
}
#endif
#endif
