/* Private to the x86-64 backend: the Zydis decoder behind pvp_x86_decode and
 * the small helpers the backend's files share. */
#ifndef PVPATCH_X86_INTERNAL_H
#define PVPATCH_X86_INTERNAL_H

#include <Zydis/Decoder.h>
#include "pvpatch/x86_64.h"

/* Zydis's full decode of one instruction in 64-bit mode, mapped to pvp_status. */
int x86_zydis_decode(const uint8_t *code, size_t avail, ZydisDecodedInstruction *zi,
                     ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT]);

/* The PVP_X86_REG_* number of a register (the whole register a part belongs
 * to; rflags as PVP_X86_REG_FLAGS), or -1 for rip and none. */
int x86_reg_number(ZydisRegister r);

/* Record an error (err may be NULL) and return its status. */
int x86_fail(pvp_error *err, int status, uint64_t addr, const char *what);

/* Nonzero if `rel` (a difference modulo 2^64) fits a signed field of `size` bytes. */
int x86_disp_fits(uint64_t rel, unsigned size);

/* Store the low `size` bytes of v little-endian. */
void x86_put_le(uint8_t *p, unsigned size, uint64_t v);

#endif
