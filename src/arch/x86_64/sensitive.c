/* Virtualization-sensitive x86-64 instructions, as a table: what `pvpatch
 * check` reports when one lies in an instance's code outside every pv
 * operation site. Privileged instructions (ring 0 only: Zydis's
 * IS_PRIVILEGED) fault in a guest and are caught; the others behave
 * differently, silently, below ring 0: the instructions of Robin and
 * Irvine's list (Usenix Security 2000) that the table names. */
#include "x86.h"

static const struct {
    ZydisMnemonic mnemonic;
    uint8_t cls;
} sensitive[] = {
    { ZYDIS_MNEMONIC_CLI, PVP_X86_SENS_IF },       { ZYDIS_MNEMONIC_STI, PVP_X86_SENS_IF },
    { ZYDIS_MNEMONIC_PUSHF, PVP_X86_SENS_FLAGS },  { ZYDIS_MNEMONIC_PUSHFD, PVP_X86_SENS_FLAGS },
    { ZYDIS_MNEMONIC_PUSHFQ, PVP_X86_SENS_FLAGS }, { ZYDIS_MNEMONIC_POPF, PVP_X86_SENS_FLAGS },
    { ZYDIS_MNEMONIC_POPFD, PVP_X86_SENS_FLAGS },  { ZYDIS_MNEMONIC_POPFQ, PVP_X86_SENS_FLAGS },
    { ZYDIS_MNEMONIC_IN, PVP_X86_SENS_IO },        { ZYDIS_MNEMONIC_OUT, PVP_X86_SENS_IO },
    { ZYDIS_MNEMONIC_INSB, PVP_X86_SENS_IO },      { ZYDIS_MNEMONIC_INSW, PVP_X86_SENS_IO },
    { ZYDIS_MNEMONIC_INSD, PVP_X86_SENS_IO },      { ZYDIS_MNEMONIC_OUTSB, PVP_X86_SENS_IO },
    { ZYDIS_MNEMONIC_OUTSW, PVP_X86_SENS_IO },     { ZYDIS_MNEMONIC_OUTSD, PVP_X86_SENS_IO },
    { ZYDIS_MNEMONIC_SGDT, PVP_X86_SENS_TABLES },  { ZYDIS_MNEMONIC_SIDT, PVP_X86_SENS_TABLES },
    { ZYDIS_MNEMONIC_SLDT, PVP_X86_SENS_TABLES },  { ZYDIS_MNEMONIC_STR, PVP_X86_SENS_TABLES },
    { ZYDIS_MNEMONIC_SMSW, PVP_X86_SENS_STATUS },  { ZYDIS_MNEMONIC_LAR, PVP_X86_SENS_SEGMENT },
    { ZYDIS_MNEMONIC_LSL, PVP_X86_SENS_SEGMENT },  { ZYDIS_MNEMONIC_VERR, PVP_X86_SENS_SEGMENT },
    { ZYDIS_MNEMONIC_VERW, PVP_X86_SENS_SEGMENT }, { ZYDIS_MNEMONIC_IRET, PVP_X86_SENS_IRET },
    { ZYDIS_MNEMONIC_IRETD, PVP_X86_SENS_IRET },   { ZYDIS_MNEMONIC_IRETQ, PVP_X86_SENS_IRET },
    /* privileged, though Zydis 4.0 does not say so */
    { ZYDIS_MNEMONIC_LGDT, PVP_X86_SENS_PRIVILEGED }, { ZYDIS_MNEMONIC_LIDT, PVP_X86_SENS_PRIVILEGED },
    { ZYDIS_MNEMONIC_LLDT, PVP_X86_SENS_PRIVILEGED }, { ZYDIS_MNEMONIC_LTR, PVP_X86_SENS_PRIVILEGED },
    { ZYDIS_MNEMONIC_LMSW, PVP_X86_SENS_PRIVILEGED }, { ZYDIS_MNEMONIC_CLTS, PVP_X86_SENS_PRIVILEGED },
    { ZYDIS_MNEMONIC_INVD, PVP_X86_SENS_PRIVILEGED }, { ZYDIS_MNEMONIC_WBINVD, PVP_X86_SENS_PRIVILEGED },
};

static const char *const names[PVP_X86_SENS_COUNT] = {
    [PVP_X86_SENS_PRIVILEGED] = "privileged",
    [PVP_X86_SENS_IF] = "interrupt flag",
    [PVP_X86_SENS_FLAGS] = "flags register",
    [PVP_X86_SENS_IO] = "port I/O",
    [PVP_X86_SENS_TABLES] = "descriptor table register",
    [PVP_X86_SENS_STATUS] = "machine status word",
    [PVP_X86_SENS_SEGMENT] = "segment check",
    [PVP_X86_SENS_IRET] = "interrupt return",
};

unsigned pvp_x86_sensitive_class(const uint8_t *code, size_t avail)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (x86_zydis_decode(code, avail, &zi, ops))
        return 0;
    for (size_t i = 0; i < sizeof sensitive / sizeof sensitive[0]; i++)
        if (sensitive[i].mnemonic == zi.mnemonic)
            return sensitive[i].cls;
    return zi.attributes & ZYDIS_ATTRIB_IS_PRIVILEGED ? PVP_X86_SENS_PRIVILEGED : 0;
}

const char *pvp_x86_sensitive_name(unsigned cls)
{
    return cls && cls < PVP_X86_SENS_COUNT ? names[cls] : "none";
}
