/* Re-targeting PC-relative operands: in place at the same length, or by
 * widening a rel8 jmp/jcc to rel32 over nop padding that follows it. Every
 * function computes the new bytes aside and writes them only when all checks
 * passed, so a refusal leaves the code as it was. */
#include "x86.h"

#define MAX_SPAN 64   /* a widened branch and the nops it consumed: 6 + 3 + 15, rounded up */

int x86_fail(pvp_error *err, int status, uint64_t addr, const char *what)
{
    if (err)
        *err = (pvp_error){ .status = status, .addr = addr, .sub = -1, .what = what };
    return status;
}

int x86_disp_fits(uint64_t rel, unsigned size)
{
    uint64_t half = UINT64_C(1) << (8 * size - 1);
    return rel + half < 2 * half;
}

void x86_put_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Why a displacement of this form cannot reach: one line per form family. */
static const char *unreachable_why(uint8_t form)
{
    switch (form) {
    case PVP_X86_JMP8:
    case PVP_X86_JCC8:
        return "rel8 jmp/jcc cannot reach the new target (+-127 bytes)";
    case PVP_X86_LOOP8:
    case PVP_X86_JRCXZ8:
        return "loop/jrcxz have only rel8 and cannot reach the new target: refused, not synthesised";
    default:
        return "new target beyond +-2 GiB of the instruction";
    }
}

static int decode_pcrel(const uint8_t *code, size_t len, uint64_t addr, pvp_x86_insn *in,
                        pvp_error *err)
{
    int rc = pvp_x86_decode(code, len, addr, in);
    if (rc)
        return x86_fail(err, rc, addr, "cannot decode the instruction");
    if (in->form == PVP_X86_NO_PCREL)
        return x86_fail(err, PVP_E_NOT_IPREL, addr, "instruction has no PC-relative operand");
    return PVP_OK;
}

int pvp_x86_retarget(uint8_t *code, size_t len, uint64_t addr, uint64_t target, pvp_error *err)
{
    pvp_x86_insn in;
    int rc = decode_pcrel(code, len, addr, &in, err);
    if (rc)
        return rc;
    uint64_t rel = target - (addr + in.len);
    if (!x86_disp_fits(rel, in.disp_size)) {
        x86_fail(err, PVP_E_OUT_OF_RANGE, addr, unreachable_why(in.form));
        if (err)
            err->distance = (int64_t)(target - addr);
        return PVP_E_OUT_OF_RANGE;
    }
    x86_put_le(code + in.disp_off, in.disp_size, rel);
    return PVP_OK;
}

/* The rel32 form of a rel8 jmp/jcc at `code`: its prefixes, then E9 for jmp,
 * or 0F 80+cc for jcc (the condition is the low nibble in both encodings). */
static size_t wide_branch(const uint8_t *code, const pvp_x86_insn *in, uint64_t addr,
                          uint64_t target, uint8_t *out)
{
    size_t op = in->disp_off - 1u, n = 0;       /* the one-byte opcode precedes rel8 */
    for (size_t i = 0; i < op; i++)
        out[n++] = code[i];
    if (in->form == PVP_X86_JMP8) {
        out[n++] = 0xE9;
    } else {
        out[n++] = 0x0F;
        out[n++] = (uint8_t)(0x80 | (code[op] & 0x0F));
    }
    x86_put_le(out + n, 4, target - (addr + n + 4));
    return n + 4;
}

/* How many bytes of whole nops follow the instruction, at least `need` of
 * them, within room; 0 if the padding is shorter. */
static size_t nops_after(const uint8_t *code, size_t room, size_t at, size_t need, uint64_t addr)
{
    size_t off = at;
    while (off - at < need) {
        pvp_x86_insn nop;
        if (pvp_x86_decode(code + off, room - off, addr + off, &nop) || !nop.is_nop)
            return 0;
        off += nop.len;
    }
    return off - at;
}

int pvp_x86_retarget_widen(uint8_t *code, size_t room, uint64_t addr, uint64_t target,
                           size_t *span, pvp_error *err)
{
    pvp_x86_insn in;
    int rc = decode_pcrel(code, room, addr, &in, err);
    if (rc)
        return rc;
    *span = in.len;
    int short_branch = in.form == PVP_X86_JMP8 || in.form == PVP_X86_JCC8;
    if (!short_branch || x86_disp_fits(target - (addr + in.len), 1))
        return pvp_x86_retarget(code, in.len, addr, target, err);
    uint8_t wide[MAX_SPAN];
    size_t wlen = wide_branch(code, &in, addr, target, wide);
    if (!x86_disp_fits(target - (addr + wlen), 4))
        return pvp_x86_retarget(code, in.len, addr, target, err);   /* reports the range */
    size_t pad = nops_after(code, room, in.len, wlen - in.len, addr);
    if (!pad)
        return x86_fail(err, PVP_E_NO_SPACE, addr,
                        "rel8 jmp/jcc cannot reach the new target and no nop padding follows "
                        "it to widen it to rel32");
    pvp_x86_nop_fill(wide + wlen, in.len + pad - wlen);
    *span = in.len + pad;
    for (size_t i = 0; i < *span; i++)
        code[i] = wide[i];
    return PVP_OK;
}
