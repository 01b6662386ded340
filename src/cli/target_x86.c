/* The CLI's x86-64 row (target.h): a code unit is one instruction, decoded
 * and printed by Zydis (AT&T syntax, as GNU objdump prints by default). */
#include <Zydis/Zydis.h>
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "cli/target.h"
#include "pvpatch/x86_64.h"

#define MARK_COLUMN 56             /* where <sensitive: ...> starts */
#define BYTES_SHOWN 8              /* the bytes column is this wide; longer instructions widen it */

static const char *op_name(unsigned op, char *buf, size_t size)
{
    snprintf(buf, size, "op %u", op);    /* x86-64 operations are the module's own numbers */
    return buf;
}

static uint64_t unit_of(uint64_t addr)
{
    return addr;
}

/* AT&T marks an indirect call or jmp with `*` (call *0x10(%rip)); Zydis 4.0 leaves it out. */
static void indirect_star(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *ops, char *buf,
                          size_t size)
{
    char *space = strchr(buf, ' ');
    size_t len = strlen(buf);
    if ((zi->meta.category != ZYDIS_CATEGORY_CALL && zi->meta.category != ZYDIS_CATEGORY_UNCOND_BR) ||
        !zi->operand_count_visible || ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE || !space || space[1] == '*' ||
        len + 2 > size)
        return;
    memmove(space + 2, space + 1, len - (size_t)(space + 1 - buf) + 1);
    space[1] = '*';
}

/* Zydis's decode and AT&T text of the instruction at code; 0 if it has none. */
static int format(const uint8_t *code, size_t avail, uint64_t addr, ZydisDecodedInstruction *zi,
                  ZydisDecodedOperand *ops, char *buf, size_t size)
{
    ZydisDecoder dec;
    ZydisFormatter fmt;
    buf[0] = '\0';
    if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) ||
        !ZYAN_SUCCESS(ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_ATT)) ||
        !ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code, avail, zi, ops)))
        return 0;
    /* As objdump: disp(%rip) as written (the target follows in a comment), no zero padding. */
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_FORCE_RELATIVE_RIPREL, ZYAN_TRUE);
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_DISP_PADDING, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_IMM_PADDING, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
    if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&fmt, zi, ops, zi->operand_count_visible, buf, size,
                                                      addr, ZYAN_NULL)))
        return 0;
    indirect_star(zi, ops, buf, size);
    return 1;
}

static unsigned insns(const uint8_t *code, size_t len, uint64_t addr, cli_insn out[3])
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (!format(code, len, addr, &zi, ops, out[0].text, sizeof out[0].text))
        return 0;
    out[0].sub = -1;
    out[0].nop = zi.mnemonic == ZYDIS_MNEMONIC_NOP;
    out[0].sensitive = pvp_x86_sensitive_class(code, len);
    return 1;
}

static void unit_text(const uint8_t *code, size_t avail, uint64_t addr, char *buf, size_t size)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    char text[160];
    if (!code || !format(code, avail, addr, &zi, ops, text, sizeof text))
        snprintf(buf, size, "(not decodable)");
    else
        snprintf(buf, size, "0x%llx %s", (unsigned long long)addr, text);
}

static int load_imm(const uint8_t *code, size_t len, uint64_t *imm, int *sub)
{
    *sub = -1;
    return pvp_x86_movabs_get(code, len, imm) == PVP_OK;
}

/* A load fixup names the movabs itself (include/pvpatch/x86_64/instance.h). */
static int fixup_names(uint64_t where, uint64_t unit)
{
    return where == unit;
}

/* R_X86_64_64 in code patches a movabs's immediate, two bytes in (REX.W, B8+r). */
static uint64_t reloc_unit(uint64_t offset)
{
    return offset - 2;
}

static int disasm_check(const pvp_file *f, const pvp_section *s, uint64_t addr, char *err, size_t errsz)
{
    for (uint64_t off = 0; off < s->size;) {
        pvp_x86_insn in;
        int rc = pvp_x86_decode(s->bytes + off, (size_t)(s->size - off), addr + off, &in);
        if (rc == PVP_E_UNSUPPORTED)
            rc = PVP_OK;                    /* decodes; only the patcher refuses it */
        if (rc) {
            pvp_errorf_at(err, errsz, pvp_file_path(f), s->offset + off, "%s at 0x%llx in section %s",
                          rc == PVP_E_TRUNCATED ? "an instruction runs past the end of the section"
                                                : "no x86-64 instruction",
                          (unsigned long long)(addr + off), s->name);
            return -1;
        }
        off += in.len ? in.len : 1;
    }
    return 0;
}

/* The absolute target of a relative branch or a RIP-relative operand, 0 if none. */
static int target_of(const uint8_t *code, size_t avail, uint64_t addr, uint64_t *target, int *rip)
{
    pvp_x86_insn in;
    if (pvp_x86_decode(code, avail, addr, &in) != PVP_OK || in.form == PVP_X86_NO_PCREL)
        return 0;
    *target = in.target;
    *rip = in.form == PVP_X86_RIP32;
    return 1;
}

static size_t disasm_text(FILE *out, const uint8_t *code, size_t avail, uint64_t addr, disasm_namer namer,
                          void *ctx)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    char text[160], line[512];
    format(code, avail, addr, &zi, ops, text, sizeof text);    /* the section was checked */
    int n = snprintf(line, sizeof line, "%016llx  ", (unsigned long long)addr);
    for (unsigned i = 0; i < zi.length; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "%02x ", code[i]);
    n += snprintf(line + n, sizeof line - (size_t)n, "%*s %s",
                  zi.length < BYTES_SHOWN ? 3 * (BYTES_SHOWN - zi.length) : 0, "", text);
    uint64_t target = 0, delta = 0;
    int rip = 0;
    const char *name = target_of(code, avail, addr, &target, &rip) && namer ? namer(ctx, target, &delta) : NULL;
    if (rip)
        n += snprintf(line + n, sizeof line - (size_t)n, "  # 0x%llx", (unsigned long long)target);
    if (name)
        n += snprintf(line + n, sizeof line - (size_t)n, delta ? " <%s+0x%llx>" : " <%s>", name,
                      (unsigned long long)delta);
    unsigned cls = pvp_x86_sensitive_class(code, avail);
    if (cls)
        n += snprintf(line + n, sizeof line - (size_t)n, "%*s<sensitive: %s>",
                      n + 2 < MARK_COLUMN ? MARK_COLUMN - n : 2, "", pvp_x86_sensitive_name(cls));
    fprintf(out, "%s\n", line);
    return zi.length;
}

static size_t disasm_json(FILE *out, const uint8_t *code, size_t avail, uint64_t addr, const char *section)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    char text[160];
    format(code, avail, addr, &zi, ops, text, sizeof text);
    fprintf(out, "{\"addr\":\"0x%llx\"", (unsigned long long)addr);
    if (section) {
        fputs(",\"section\":", out);
        cli_json_string(out, section);
    }
    fputs(",\"bytes\":\"", out);
    for (unsigned i = 0; i < zi.length; i++)
        fprintf(out, "%02x", code[i]);
    fputs("\",\"insn\":", out);
    cli_json_string(out, text);
    uint64_t target = 0;
    int rip = 0;
    if (target_of(code, avail, addr, &target, &rip))
        fprintf(out, ",\"%s\":\"0x%llx\"", rip ? "data" : "target", (unsigned long long)target);
    unsigned cls = pvp_x86_sensitive_class(code, avail);
    fprintf(out, ",\"sensitive\":%s", cls ? "true" : "false");
    if (cls) {
        fputs(",\"class\":", out);
        cli_json_string(out, pvp_x86_sensitive_name(cls));
    }
    fputc('}', out);
    return zi.length;
}

const cli_target cli_target_x86_64 = {
    .machine = EM_X86_64,
    .name = "x86-64",
    .option = "x86-64",
    .arch = &pvp_arch_x86_64,
    .units = "instruction",
    .layout_unit = "16-byte units",
    .extent_size = 1,
    .extent_name = "bytes",
    .extent_key = "bytes",
    .op_name = op_name,
    .live_table = "pvp_live_ops",
    .unit_of = unit_of,
    .insns = insns,
    .sensitive_name = pvp_x86_sensitive_name,
    .unit_text = unit_text,
    .load_imm = load_imm,
    .load_name = "movabs",
    .fixup_names = fixup_names,
    .reloc_load = R_X86_64_64,
    .reloc_word = R_X86_64_64,
    .reloc_unit = reloc_unit,
    .reloc_relative = R_X86_64_RELATIVE,
    .reloc_relative_name = "R_X86_64_RELATIVE",
    .reloc_word_name = "R_X86_64_64",
    .disasm_align = 1,
    .disasm_check = disasm_check,
    .disasm_text = disasm_text,
    .disasm_json = disasm_json,
    .disasm_key = "instructions",
};
