/* One x86-64 instruction through Zydis, reduced to what the engine needs:
 * its length, its PC-relative operand (form, where the displacement sits,
 * the absolute target), a movabs immediate, nops. Which mnemonics are which
 * branch forms is a table; nothing here re-derives opcode bits. */
#include "x86.h"

/* Branch families: the form then depends only on the displacement's size. */
enum family { FAM_JMP, FAM_JCC, FAM_CALL, FAM_LOOP, FAM_JRCXZ, FAM_XBEGIN, NFAMILIES };

static const struct {
    ZydisMnemonic mnemonic;
    uint8_t family;
} branches[] = {
    { ZYDIS_MNEMONIC_JMP, FAM_JMP },       { ZYDIS_MNEMONIC_CALL, FAM_CALL },
    { ZYDIS_MNEMONIC_JO, FAM_JCC },        { ZYDIS_MNEMONIC_JNO, FAM_JCC },
    { ZYDIS_MNEMONIC_JB, FAM_JCC },        { ZYDIS_MNEMONIC_JNB, FAM_JCC },
    { ZYDIS_MNEMONIC_JZ, FAM_JCC },        { ZYDIS_MNEMONIC_JNZ, FAM_JCC },
    { ZYDIS_MNEMONIC_JBE, FAM_JCC },       { ZYDIS_MNEMONIC_JNBE, FAM_JCC },
    { ZYDIS_MNEMONIC_JS, FAM_JCC },        { ZYDIS_MNEMONIC_JNS, FAM_JCC },
    { ZYDIS_MNEMONIC_JP, FAM_JCC },        { ZYDIS_MNEMONIC_JNP, FAM_JCC },
    { ZYDIS_MNEMONIC_JL, FAM_JCC },        { ZYDIS_MNEMONIC_JNL, FAM_JCC },
    { ZYDIS_MNEMONIC_JLE, FAM_JCC },       { ZYDIS_MNEMONIC_JNLE, FAM_JCC },
    { ZYDIS_MNEMONIC_LOOP, FAM_LOOP },     { ZYDIS_MNEMONIC_LOOPE, FAM_LOOP },
    { ZYDIS_MNEMONIC_LOOPNE, FAM_LOOP },   { ZYDIS_MNEMONIC_JRCXZ, FAM_JRCXZ },
    { ZYDIS_MNEMONIC_JECXZ, FAM_JRCXZ },   { ZYDIS_MNEMONIC_XBEGIN, FAM_XBEGIN },
};
#define NBRANCHES (sizeof(branches) / sizeof(branches[0]))

/* [family][0: rel8, 1: rel32]; NO_PCREL where the architecture has no such form. */
static const uint8_t branch_form[NFAMILIES][2] = {
    [FAM_JMP] = { PVP_X86_JMP8, PVP_X86_JMP32 },
    [FAM_JCC] = { PVP_X86_JCC8, PVP_X86_JCC32 },
    [FAM_CALL] = { PVP_X86_NO_PCREL, PVP_X86_CALL32 },
    [FAM_LOOP] = { PVP_X86_LOOP8, PVP_X86_NO_PCREL },
    [FAM_JRCXZ] = { PVP_X86_JRCXZ8, PVP_X86_NO_PCREL },
    [FAM_XBEGIN] = { PVP_X86_NO_PCREL, PVP_X86_XBEGIN32 },
};

/* The instruction alone, in 64-bit mode; its operands only when asked
 * (operands): most callers need none. */
static int zydis_insn(ZydisDecoder *dec, const uint8_t *code, size_t avail, ZydisDecoderContext *ctx,
                      ZydisDecodedInstruction *zi)
{
    if (!ZYAN_SUCCESS(ZydisDecoderInit(dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)))
        return PVP_E_UNSUPPORTED;
    ZyanStatus st = ZydisDecoderDecodeInstruction(dec, ctx, code, avail, zi);
    if (st == ZYDIS_STATUS_NO_MORE_DATA)
        return PVP_E_TRUNCATED;
    return ZYAN_SUCCESS(st) ? PVP_OK : PVP_E_UNKNOWN_OP;
}

static int operands(const ZydisDecoder *dec, const ZydisDecoderContext *ctx, const ZydisDecodedInstruction *zi,
                    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT])
{
    return ZYAN_SUCCESS(ZydisDecoderDecodeOperands(dec, ctx, zi, ops, ZYDIS_MAX_OPERAND_COUNT))
               ? PVP_OK : PVP_E_UNKNOWN_OP;
}

int x86_zydis_decode(const uint8_t *code, size_t avail, ZydisDecodedInstruction *zi,
                     ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT])
{
    ZydisDecoder dec;
    ZydisDecoderContext ctx;
    int rc = zydis_insn(&dec, code, avail, &ctx, zi);
    return rc ? rc : operands(&dec, &ctx, zi, ops);
}

int x86_reg_number(ZydisRegister r)
{
    switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR8:
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32:
    case ZYDIS_REGCLASS_GPR64:
        return PVP_X86_REG_GPR(ZydisRegisterGetId(
            ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r)));
    case ZYDIS_REGCLASS_XMM:
    case ZYDIS_REGCLASS_YMM:
    case ZYDIS_REGCLASS_ZMM:
        return PVP_X86_REG_VEC(ZydisRegisterGetId(r));
    case ZYDIS_REGCLASS_MASK:
        return PVP_X86_REG_MASK(ZydisRegisterGetId(r));
    case ZYDIS_REGCLASS_FLAGS:
        return PVP_X86_REG_FLAGS;
    case ZYDIS_REGCLASS_X87:
    case ZYDIS_REGCLASS_MMX:
        return PVP_X86_REG_X87(ZydisRegisterGetId(r));
    case ZYDIS_REGCLASS_IP:
    case ZYDIS_REGCLASS_INVALID:
        return -1;
    default:
        break;
    }
    if (r == ZYDIS_REGISTER_MXCSR)
        return PVP_X86_REG_MXCSR;
    if (r == ZYDIS_REGISTER_X87STATUS || r == ZYDIS_REGISTER_X87TAG)
        return PVP_X86_REG_X87SW;
    return PVP_X86_REG_OTHER;
}

static int family_of(ZydisMnemonic m)
{
    for (size_t i = 0; i < NBRANCHES; i++)
        if (branches[i].mnemonic == m)
            return branches[i].family;
    return -1;
}

/* A branch with a relative immediate. 16-bit forms (an operand-size prefix)
 * are refused: Intel ignores the prefix in 64-bit mode, AMD truncates RIP. */
static int relative_branch(const ZydisDecodedInstruction *zi, uint64_t addr, pvp_x86_insn *out)
{
    int fam = family_of(zi->mnemonic);
    unsigned bits = zi->raw.imm[0].size;
    if (fam < 0 || (zi->attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE) || (bits != 8 && bits != 32))
        return PVP_E_UNSUPPORTED;
    uint8_t form = branch_form[fam][bits == 32];
    if (form == PVP_X86_NO_PCREL)
        return PVP_E_UNSUPPORTED;
    out->form = form;
    out->disp_off = zi->raw.imm[0].offset;
    out->disp_size = (uint8_t)(bits / 8);
    out->target = addr + zi->length + (uint64_t)zi->raw.imm[0].value.s;
    out->reads_pc = form == PVP_X86_CALL32 && zi->raw.imm[0].value.s == 0;
    return PVP_OK;
}

/* A memory operand based on RIP. EIP (an address-size prefix) wraps the
 * address at 4 GiB, which no re-targeting can preserve: refused. */
static int rip_operand(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *ops,
                       uint64_t addr, pvp_x86_insn *out)
{
    for (unsigned i = 0; i < zi->operand_count; i++) {
        if (ops[i].type != ZYDIS_OPERAND_TYPE_MEMORY)
            continue;
        if (ops[i].mem.base == ZYDIS_REGISTER_EIP)
            return PVP_E_UNSUPPORTED;
        if (ops[i].mem.base != ZYDIS_REGISTER_RIP)
            continue;
        if (zi->raw.disp.size != 32)
            return PVP_E_UNSUPPORTED;
        out->form = PVP_X86_RIP32;
        out->disp_off = zi->raw.disp.offset;
        out->disp_size = 4;
        /* relative to the end of the instruction, so past any immediate after the disp */
        out->target = addr + zi->length + (uint64_t)zi->raw.disp.value;
        return PVP_OK;
    }
    return PVP_OK;
}

int pvp_x86_decode(const uint8_t *code, size_t avail, uint64_t addr, pvp_x86_insn *out)
{
    ZydisDecoder dec;
    ZydisDecoderContext ctx;
    ZydisDecodedInstruction zi;
    *out = (pvp_x86_insn){ .form = PVP_X86_NO_PCREL };
    int rc = zydis_insn(&dec, code, avail, &ctx, &zi);
    if (rc)
        return rc;
    out->len = zi.length;
    out->is_nop = zi.mnemonic == ZYDIS_MNEMONIC_NOP;
    if (zi.mnemonic == ZYDIS_MNEMONIC_MOV && zi.raw.imm[0].size == 64)
        out->imm64_off = zi.raw.imm[0].offset;
    if (!(zi.attributes & ZYDIS_ATTRIB_IS_RELATIVE))
        return PVP_OK;                  /* neither a relative branch nor a RIP-relative operand */
    if (zi.raw.imm[0].is_relative)
        return relative_branch(&zi, addr, out);
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (operands(&dec, &ctx, &zi, ops))
        return PVP_E_UNKNOWN_OP;
    return rip_operand(&zi, ops, addr, out);
}
