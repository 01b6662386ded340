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

/* ---- Sites (pvpatch/x86_64/site.h, docs/x86_64.md) ----------------------
 * The arch's site hooks. x86 sites have no placeholder registers: PVP_CALL's
 * call convention fixes them. Register masks (writes, call_gr) number the
 * registers thus: */
#define PVP_X86_REG_GPR(n)  (1 + (n))   /* rax rcx rdx rbx rsp rbp rsi rdi r8-r15: 1-16 */
#define PVP_X86_REG_VEC(n)  (32 + (n))  /* xmm/ymm/zmm 0-31 */
#define PVP_X86_REG_MASK(n) (64 + (n))  /* k0-k7 */
#define PVP_X86_REG_FLAGS   72          /* rflags */
#define PVP_X86_REG_MXCSR   73
#define PVP_X86_REG_X87SW   74          /* x87 status and tag words */
#define PVP_X86_REG_X87(n)  (80 + (n))  /* st0-st7 (mm0-mm7) */
#define PVP_X86_REG_OTHER   127         /* segment, control, x87 control word, ... */

/* Filler of more nops than this (of PVP_X86_NOP_FILL_MAX bytes) is jumped over. */
#define PVP_X86_FILL_NOPS_MAX 3

/* Lay a template out at a site (arch.h: site_code): instructions copied,
 * every PC-relative target kept (the template's end becoming the site's
 * end), the rest filled with nops, or a jmp over them beyond
 * PVP_X86_FILL_NOPS_MAX nops. */
int pvp_x86_site_code(const pvp_code_req *req, uint8_t *out, pvp_code_result *res);
/* PVP_OK if two regions hold the same instructions, nops and a jmp over the filler aside. */
int pvp_x86_same_code(const uint8_t *a, uint64_t addr_a, size_t len_a, const uint8_t *b,
                      uint64_t addr_b, size_t len_b);
/* Add the registers the code of a region writes to gr (PVP_X86_REG_* bits); br is untouched. */
int pvp_x86_writes(const uint8_t *code, size_t len, uint64_t gr[2], uint32_t *br);

/* PVP_OK if a thread stopped anywhere inside the `len` bytes of code at
 * `addr` (at most 256) may be sent back to its start: nothing before its
 * last instruction acts outside the registers (memory writes, calls,
 * system calls, I/O, ...), no register or flag it reads first is written
 * before its last instruction, no branch goes backwards. Else
 * PVP_E_UNSUPPORTED, the offset of the instruction at fault in *bad and
 * the reason in *why (either may be NULL). src/runtime/live.c re-patches
 * only sites whose old and new code pass. Uses about 7 KiB of stack. */
int pvp_x86_restartable(const uint8_t *code, size_t len, uint64_t addr, size_t *bad,
                        const char **why);

/* Virtualization-sensitive instructions (src/arch/x86_64/sensitive.c). */
enum pvp_x86_sensitive {
    PVP_X86_SENS_NONE = 0,
    PVP_X86_SENS_PRIVILEGED,   /* ring 0 only: mov to cr, wrmsr, hlt, invlpg, ... */
    PVP_X86_SENS_IF,           /* cli, sti */
    PVP_X86_SENS_FLAGS,        /* pushf, popf: IF and IOPL read or silently kept */
    PVP_X86_SENS_IO,           /* in, out, ins, outs */
    PVP_X86_SENS_TABLES,       /* sgdt, sidt, sldt, str: the host's tables */
    PVP_X86_SENS_STATUS,       /* smsw */
    PVP_X86_SENS_SEGMENT,      /* lar, lsl, verr, verw */
    PVP_X86_SENS_IRET,         /* iret */
    PVP_X86_SENS_COUNT
};
/* The class of the instruction at code (0 for none or undecodable bytes). */
unsigned pvp_x86_sensitive_class(const uint8_t *code, size_t avail);
/* The class's name, for messages ("privileged", "interrupt flag", ...). */
const char *pvp_x86_sensitive_name(unsigned cls);

#ifdef __cplusplus
}
#endif
#endif
