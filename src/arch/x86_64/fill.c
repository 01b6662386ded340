/* Filling code: nops of every length, a jmp over a gap, and direct branches
 * a patcher writes at a site. */
#include "x86.h"

/* One nop per length. 1 to 9 bytes: the forms Intel's SDM recommends (NOP,
 * 66 NOP, and NOP r/m with ever longer ModRM/SIB/displacement); beyond nine,
 * redundant operand-size prefixes in front of the 9-byte form. */
static const uint8_t nops[PVP_X86_NOP_MAX + 1][PVP_X86_NOP_MAX] = {
    [1] = { 0x90 },
    [2] = { 0x66, 0x90 },
    [3] = { 0x0F, 0x1F, 0x00 },
    [4] = { 0x0F, 0x1F, 0x40, 0x00 },
    [5] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 },
    [6] = { 0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00 },
    [7] = { 0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00 },
    [8] = { 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    [9] = { 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    [10] = { 0x66, 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    [11] = { 0x66, 0x66, 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    [12] = { 0x66, 0x66, 0x66, 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    [13] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    [14] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    [15] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00,
             0x00 },
};

#define INT3 0xCC

int pvp_x86_nop(uint8_t *buf, size_t n)
{
    if (n < 1 || n > PVP_X86_NOP_MAX)
        return PVP_E_OUT_OF_RANGE;
    for (size_t i = 0; i < n; i++)
        buf[i] = nops[n][i];
    return PVP_OK;
}

/* Fewest instructions: whole long nops, then one for the rest. Longer forms
 * would need four or more prefixes, which some decoders take extra cycles for. */
void pvp_x86_nop_fill(uint8_t *buf, size_t n)
{
    while (n) {
        size_t k = n < PVP_X86_NOP_FILL_MAX ? n : PVP_X86_NOP_FILL_MAX;
        pvp_x86_nop(buf, k);
        buf += k;
        n -= k;
    }
}

int pvp_x86_jmp_over(uint8_t *buf, size_t n)
{
    if (n < 2) {
        pvp_x86_nop_fill(buf, n);
        return PVP_OK;
    }
    size_t len;
    int rc = pvp_x86_put_jmp(buf, n, 0, n, &len, NULL);
    if (rc)
        return rc;
    for (size_t i = len; i < n; i++)
        buf[i] = INT3;
    return PVP_OK;
}

/* A direct branch: opcode then rel32 (or rel8) from the end of the instruction. */
static int put_branch(uint8_t *buf, size_t avail, uint64_t addr, uint64_t target, uint8_t opcode,
                      unsigned disp_size, pvp_error *err)
{
    size_t len = 1 + disp_size;
    uint64_t rel = target - (addr + len);
    if (avail < len)
        return x86_fail(err, PVP_E_NO_SPACE, addr, "no room for the branch");
    if (!x86_disp_fits(rel, disp_size)) {
        x86_fail(err, PVP_E_OUT_OF_RANGE, addr, "branch target beyond +-2 GiB of the site");
        if (err)
            err->distance = (int64_t)(target - addr);
        return PVP_E_OUT_OF_RANGE;
    }
    buf[0] = opcode;
    x86_put_le(buf + 1, disp_size, rel);
    return PVP_OK;
}

int pvp_x86_put_call(uint8_t *buf, size_t avail, uint64_t addr, uint64_t target, pvp_error *err)
{
    return put_branch(buf, avail, addr, target, 0xE8, 4, err);
}

int pvp_x86_put_jmp(uint8_t *buf, size_t avail, uint64_t addr, uint64_t target, size_t *len,
                    pvp_error *err)
{
    int near = x86_disp_fits(target - (addr + 2), 1);
    *len = near ? 2 : 5;
    return put_branch(buf, avail, addr, target, near ? 0xEB : 0xE9, near ? 1 : 4, err);
}
