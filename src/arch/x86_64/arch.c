/* The x86-64 backend of the arch interface: a code unit is one instruction,
 * with at most one PC-relative operand. code_align is 16 (see x86_64.h): the
 * engine checks instance alignment with it and reads a load fixup's movabs
 * in the aligned 16-byte window holding it, at offset `sub`. */
#include "x86.h"

/* What a call clobbers under the SysV ABI (PVP_X86_REG_* bits): rax, rcx,
 * rdx, rsi, rdi, r8-r11, every vector and mask register, the flags, the
 * MXCSR status and the x87 stack. */
#define X86_BIT(n) (UINT64_C(1) << ((n) % 64))
#define X86_CALL_GR0                                                                          \
    (X86_BIT(PVP_X86_REG_GPR(0)) | X86_BIT(PVP_X86_REG_GPR(1)) | X86_BIT(PVP_X86_REG_GPR(2)) | \
     X86_BIT(PVP_X86_REG_GPR(6)) | X86_BIT(PVP_X86_REG_GPR(7)) | X86_BIT(PVP_X86_REG_GPR(8)) | \
     X86_BIT(PVP_X86_REG_GPR(9)) | X86_BIT(PVP_X86_REG_GPR(10)) |                             \
     X86_BIT(PVP_X86_REG_GPR(11)) | UINT64_C(0xFFFFFFFF00000000))
#define X86_CALL_GR1                                                                          \
    (UINT64_C(0xFF) | X86_BIT(PVP_X86_REG_FLAGS) | X86_BIT(PVP_X86_REG_MXCSR) |                \
     X86_BIT(PVP_X86_REG_X87SW) | UINT64_C(0xFF) << (PVP_X86_REG_X87(0) % 64))

static const char *const form_names[PVP_X86_NFORMS] = {
    [PVP_X86_JMP8] = "jmp8",     [PVP_X86_JMP32] = "jmp32",   [PVP_X86_JCC8] = "jcc8",
    [PVP_X86_JCC32] = "jcc32",   [PVP_X86_CALL32] = "call32", [PVP_X86_LOOP8] = "loop8",
    [PVP_X86_JRCXZ8] = "jrcxz8", [PVP_X86_XBEGIN32] = "xbegin32", [PVP_X86_RIP32] = "rip32",
};

/* Where the imm64 of the movabs at code[0] is, or why there is none. */
static int movabs_imm(const uint8_t *code, size_t len, size_t *off)
{
    pvp_x86_insn in;
    int rc = pvp_x86_decode(code, len, 0, &in);
    *off = in.imm64_off;
    return rc ? rc : in.imm64_off ? PVP_OK : PVP_E_NOT_MOVL;
}

int pvp_x86_movabs_get(const uint8_t *code, size_t len, uint64_t *imm)
{
    size_t off;
    int rc = movabs_imm(code, len, &off);
    if (rc)
        return rc;
    *imm = 0;
    for (unsigned i = 0; i < 8; i++)
        *imm |= (uint64_t)code[off + i] << (8 * i);
    return PVP_OK;
}

int pvp_x86_movabs_set(uint8_t *code, size_t len, uint64_t imm)
{
    size_t off;
    int rc = movabs_imm(code, len, &off);
    if (!rc)
        x86_put_le(code + off, 8, imm);
    return rc;
}

/* Only `call` to the next instruction reads RIP without a displacement (the
 * `call 1f; 1: pop %reg` idiom); a RIP-relative lea has one and is re-targeted. */
static int x86_scan(const uint8_t *code, size_t avail, uint64_t addr, size_t *len, pvp_pcrel *ops,
                    unsigned *nops, unsigned *pc_reads, pvp_writes *writes)
{
    pvp_x86_insn in;
    int rc = pvp_x86_decode(code, avail, addr, &in);
    *len = in.len ? in.len : 1;
    *nops = 0;
    if (pc_reads)
        *pc_reads = !rc && in.reads_pc;
    if (writes) {
        *writes = (pvp_writes){ { 0, 0 }, 0 };
        if (!rc)
            rc = pvp_x86_writes(code, in.len, writes->gr, &writes->br);
    }
    if (rc || in.form == PVP_X86_NO_PCREL)
        return rc;
    ops[0] = (pvp_pcrel){ .form = in.form, .sub = 0, .index = 0,
                          .bits = (uint8_t)(8 * in.disp_size), .target = in.target };
    *nops = 1;
    return PVP_OK;
}

static int x86_retarget(uint8_t *code, size_t len, uint64_t addr, const pvp_pcrel *op,
                        uint64_t target)
{
    pvp_x86_insn in;
    int rc = pvp_x86_decode(code, len, addr, &in);
    if (rc)
        return rc;
    if (in.form != op->form || op->index != 0)
        return PVP_E_NOT_IPREL;
    return pvp_x86_retarget(code, len, addr, target, NULL);
}

/* `sub` is the movabs's offset in the window the engine hands over. */
static int x86_load_imm_get(const uint8_t *code, size_t len, unsigned sub, uint64_t *imm)
{
    return sub < len ? pvp_x86_movabs_get(code + sub, len - sub, imm) : PVP_E_TRUNCATED;
}

static int x86_load_imm_set(uint8_t *code, size_t len, unsigned sub, uint64_t imm)
{
    return sub < len ? pvp_x86_movabs_set(code + sub, len - sub, imm) : PVP_E_TRUNCATED;
}

/* Bytes outside [from, from+n) of two instructions must agree. */
static int same_outside(const uint8_t *a, const uint8_t *b, size_t len, size_t from, size_t n)
{
    for (size_t i = 0; i < len; i++)
        if ((i < from || i >= from + n) && a[i] != b[i])
            return 0;
    return 1;
}

static int x86_same_except_pcrel(const uint8_t *a, const uint8_t *b, size_t len, int skip_imm_sub)
{
    pvp_x86_insn x, y;
    if (pvp_x86_decode(a, len, 0, &x) || pvp_x86_decode(b, len, 0, &y) || x.len != len ||
        y.len != len || x.form != y.form || x.disp_off != y.disp_off || x.imm64_off != y.imm64_off)
        return PVP_E_VERIFY;
    if (x.form != PVP_X86_NO_PCREL)
        return same_outside(a, b, len, x.disp_off, x.disp_size) ? PVP_OK : PVP_E_VERIFY;
    if (skip_imm_sub == 0 && x.imm64_off)
        return same_outside(a, b, len, x.imm64_off, 8) ? PVP_OK : PVP_E_VERIFY;
    return same_outside(a, b, len, 0, 0) ? PVP_OK : PVP_E_VERIFY;
}

const pvp_arch pvp_arch_x86_64 = {
    .name = "x86_64",
    .code_align = PVP_X86_CODE_ALIGN,
    .nforms = PVP_X86_NFORMS,
    .form_names = form_names,
    .scan = x86_scan,
    .retarget = x86_retarget,
    .load_imm_get = x86_load_imm_get,
    .load_imm_set = x86_load_imm_set,
    .unit_load_sub = 0,                 /* a movabs is its own unit */
    .same_except_pcrel = x86_same_except_pcrel,
    .site_code = pvp_x86_site_code,
    .same_code = pvp_x86_same_code,
    .site_align = 1,                /* sites are not aligned: padding before one would run each time */
    .max_gr = 1,                    /* site records name no register: PVP_CALL's convention fixes them */
    .max_pred = 1,
    .call_gr = { X86_CALL_GR0, X86_CALL_GR1 },
    .call_br = 0,
};
