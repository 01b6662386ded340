/* The CLI's IA-64 row (target.h): a code unit is a 16-byte bundle. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "cli/target.h"
#include "pvpatch/ia64.h"

static const char *op_name(unsigned op, char *buf, size_t size)
{
    (void)buf, (void)size;
    return pvp_ia64_op_name(op);
}

static uint64_t unit_of(uint64_t addr)
{
    return addr - addr % PVP_IA64_BUNDLE_SIZE;
}

static unsigned insns(const uint8_t *code, size_t len, uint64_t addr, cli_insn out[3])
{
    pvp_ia64_bundle b;
    unsigned n = 0;
    if (len < PVP_IA64_BUNDLE_SIZE || pvp_ia64_bundle_unpack(code, &b) != PVP_OK)
        return 0;
    for (unsigned s = 0; s < 3; s++) {
        pvp_ia64_insn in;
        if (pvp_ia64_decode(&b, s, &in) != PVP_OK || in.unit == PVP_IA64_UNIT_L)
            continue;                              /* L is printed with its X */
        cli_insn *o = &out[n++];
        o->sub = (int)s;
        o->nop = !in.op || (in.op->flags & PVP_IA64_F_NOP);
        o->sensitive = pvp_ia64_sensitive_class(&in);
        pvp_ia64_print(&in, addr, o->text, sizeof o->text);
    }
    return n;
}

static void unit_text(const uint8_t *code, size_t avail, uint64_t addr, char *buf, size_t size)
{
    disasm_bundle b;
    if (avail < PVP_IA64_BUNDLE_SIZE || disasm_decode(code, addr, &b) != 0) {
        snprintf(buf, size, "(not decodable)");
        return;
    }
    size_t n = (size_t)snprintf(buf, size, "0x%llx [%s]", (unsigned long long)b.addr, b.tmpl_name);
    for (unsigned s = 0; s < b.nslots && n < size; s++)
        n += (size_t)snprintf(buf + n, size - n, "%s %s%s", s ? " |" : "", b.slot[s].text,
                              b.slot[s].stop ? " ;;" : "");
}

static int load_imm(const uint8_t *code, size_t len, uint64_t *imm, int *sub)
{
    pvp_ia64_bundle b;
    unsigned reg;
    if (len < PVP_IA64_BUNDLE_SIZE || pvp_ia64_bundle_unpack(code, &b) != PVP_OK ||
        pvp_ia64_template_info(b.tmpl)->units[2] != PVP_IA64_UNIT_X ||
        pvp_ia64_movl_get(&b, 2, imm, &reg) != PVP_OK)
        return 0;
    *sub = 2;
    return 1;
}

/* GNU as tags a movl with slot 1 (its L half) or 2: both name it. */
static int fixup_names(uint64_t where, uint64_t unit)
{
    return where == unit + 1 || where == unit + 2;
}

static uint64_t reloc_unit(uint64_t offset)
{
    return offset & ~(uint64_t)15;
}

static int disasm_check(const pvp_file *f, const pvp_section *s, uint64_t addr, char *err, size_t errsz)
{
    const char *path = pvp_file_path(f);
    int raw = pvp_file_kind_of(f) == PVP_FILE_RAW;
    if (addr & 15) {
        pvp_errorf_at(err, errsz, path, s->offset, "section %s starts at 0x%llx, not on a 16-byte bundle boundary",
                      s->name, (unsigned long long)addr);
        return -1;
    }
    if (s->size % PVP_IA64_BUNDLE_SIZE) {
        pvp_errorf_at(err, errsz, path, s->offset + s->size - s->size % 16,
                      "%s%s%slength 0x%llx is not a multiple of 16 (a bundle is 16 bytes)", raw ? "" : "section ",
                      raw ? "" : s->name, raw ? "" : ": ", (unsigned long long)s->size);
        return -1;
    }
    for (uint64_t off = 0; off < s->size; off += PVP_IA64_BUNDLE_SIZE) {
        unsigned tmpl = s->bytes[off] & 31u;
        if (pvp_ia64_template_info(tmpl)->reserved) {
            pvp_errorf_at(err, errsz, path, s->offset + off, "reserved template 0x%02x in the bundle at 0x%llx",
                          tmpl, (unsigned long long)(addr + off));
            return -1;
        }
    }
    return 0;
}

static size_t disasm_text(FILE *out, const uint8_t *code, size_t avail, uint64_t addr, disasm_namer namer,
                          void *ctx)
{
    disasm_bundle b;
    (void)avail;
    disasm_decode(code, addr, &b);                 /* templates were checked */
    disasm_print_text(out, &b, namer, ctx);
    return PVP_IA64_BUNDLE_SIZE;
}

static size_t disasm_json(FILE *out, const uint8_t *code, size_t avail, uint64_t addr, const char *section)
{
    disasm_bundle b;
    (void)avail;
    disasm_decode(code, addr, &b);
    disasm_print_json(out, &b, section);
    return PVP_IA64_BUNDLE_SIZE;
}

const cli_target cli_target_ia64 = {
    .machine = EM_IA_64,
    .name = "IA-64",
    .option = "ia64",
    .arch = &pvp_arch_ia64,
    .units = "bundle",
    .layout_unit = "bundles",
    .aligned_slots = 1,                        /* cr.iva: the IVT is aligned to its 32 KiB */
    .extent_size = PVP_IA64_BUNDLE_SIZE,
    .extent_name = "bundle(s)",
    .extent_key = "bundles",
    .op_name = op_name,
    .live_table = "pv_cpu_asm_ops",
    .unit_of = unit_of,
    .insns = insns,
    .sensitive_name = pvp_ia64_sensitive_name,
    .unit_text = unit_text,
    .load_imm = load_imm,
    .load_name = "movl",
    .fixup_names = fixup_names,
    .reloc_load = R_IA64_IMM64,
    .reloc_word = R_IA64_DIR64LSB,
    .reloc_self32 = R_IA64_PCREL32LSB,
    .reloc_self64 = R_IA64_PCREL64LSB,
    .reloc_seg32 = R_IA64_SEGREL32LSB,
    .reloc_seg64 = R_IA64_SEGREL64LSB,
    .reloc_unit = reloc_unit,
    .reloc_relative = R_IA64_REL64LSB,
    .reloc_relative_name = "R_IA64_REL64LSB",
    .reloc_word_name = "R_IA64_DIR64LSB",
    .disasm_align = PVP_IA64_BUNDLE_SIZE,
    .disasm_check = disasm_check,
    .disasm_text = disasm_text,
    .disasm_json = disasm_json,
    .disasm_key = "bundles",
};
