/* The IA-64 backend of the arch interface: a code unit is a bundle. */
#include "pvpatch/arch.h"
#include "formats.h"
#include "template.h"

/* Forms the engine counts: every IP-relative format, a tag its own form
 * ("B6.tag" brp's, "I21.tag" mov to br's); for each, its format and field. */
static const char *const form_names[] = {
    "B1", "B2", "B3", "B6", "B6.tag", "X3", "X4", "M20", "M21", "M22", "M23", "I20", "F14", "I21.tag",
};
#define NFORMS (sizeof(form_names) / sizeof(form_names[0]))
static const struct {
    uint8_t fmt, kind;
} form_fields[] = {
    { FMT_B1, PVP_IA64_K_TARGET }, { FMT_B2, PVP_IA64_K_TARGET }, { FMT_B3, PVP_IA64_K_TARGET },
    { FMT_B6, PVP_IA64_K_TARGET }, { FMT_B6, PVP_IA64_K_TAG }, { FMT_X3, PVP_IA64_K_TARGET },
    { FMT_X4, PVP_IA64_K_TARGET }, { FMT_M20, PVP_IA64_K_TARGET }, { FMT_M21, PVP_IA64_K_TARGET },
    { FMT_M22, PVP_IA64_K_TARGET }, { FMT_M23, PVP_IA64_K_TARGET }, { FMT_I20, PVP_IA64_K_TARGET },
    { FMT_F14, PVP_IA64_K_TARGET }, { FMT_I21, PVP_IA64_K_TAG },
};
_Static_assert(sizeof form_fields / sizeof form_fields[0] == NFORMS, "a format and field for every form");

/* The form of an IP-relative field of kind `kind` in format fmt; NFORMS if none. */
static unsigned form_id(unsigned fmt, unsigned kind)
{
    unsigned i = 0;
    while (i < NFORMS && (form_fields[i].fmt != fmt || form_fields[i].kind != kind))
        i++;
    return i;
}

static int unpack(const uint8_t *code, size_t len, pvp_ia64_bundle *b)
{
    if (len < PVP_IA64_BUNDLE_SIZE)
        return PVP_E_TRUNCATED;
    return pvp_ia64_bundle_unpack(code, b);
}

/* One decode of the three slots gives the operands, the ip reads and the writes. */
static int ia64_scan(const uint8_t *code, size_t avail, uint64_t addr, size_t *len,
                     pvp_pcrel *ops, unsigned *nops, unsigned *pc_reads, pvp_writes *writes)
{
    pvp_ia64_bundle b;
    pvp_ia64_insn in[3];
    int rc = unpack(code, avail, &b);
    *len = PVP_IA64_BUNDLE_SIZE;
    *nops = 0;
    if (pc_reads)
        *pc_reads = 0;
    if (writes)
        *writes = (pvp_writes){ { 0, 0 }, 0 };
    if (rc)
        return rc;
    if (writes && pvp_ia64_bundle_is_nops(&b))
        return PVP_OK;                   /* filler (the verifier's sites): no operand, no ip read, no write */
    if (writes) {
        pvp_ia64_decode_bundle(&b, in);
        if (pvp_ia64_insns_writes(in, writes->gr, &writes->br))
            return PVP_E_UNKNOWN_OP;
    }
    for (unsigned slot = 0; slot < 3; slot++) {
        if (!writes && pvp_ia64_slot_quiet(b.tmpl, slot, b.slot[slot]))
            continue;                    /* (no decode needed: nothing in it moves) */
        if (!writes)
            pvp_ia64_decode(&b, slot, &in[slot]);
        size_t row = in[slot].op ? (size_t)(in[slot].op - pvp_ia64_opcode_table) : pvp_ia64_opcode_count;
        if (row >= pvp_ia64_opcode_count || !((pvp_ia64_row_moving[row / 8] >> (row % 8)) & 1))
            continue;                    /* (the index's bitmap: no IP-relative operand, no ip read) */
        pvp_ia64_iprel r[2];
        unsigned n = pvp_ia64_insn_iprel(&in[slot], addr, r);
        for (unsigned i = 0; i < n && *nops < PVP_MAX_PCREL; i++)
            ops[(*nops)++] = (pvp_pcrel){ (uint8_t)form_id(in[slot].op->format, r[i].kind), (uint8_t)slot, (uint8_t)i,
                                          r[i].bits, r[i].target };
        if (pc_reads && pvp_ia64_reads_ip(&in[slot]))
            ++*pc_reads;
    }
    return PVP_OK;
}

static int ia64_plain(const uint8_t *code, size_t avail, size_t *len)
{
    *len = pvp_ia64_plain_run(code, avail);
    return *len != 0;
}

static int ia64_retarget(uint8_t *code, size_t len, uint64_t addr, const pvp_pcrel *op,
                         uint64_t target)
{
    pvp_ia64_bundle b;
    pvp_ia64_insn in;
    int rc = unpack(code, len, &b);
    if (!rc && op->form < NFORMS)          /* the form names the format: no decode */
        rc = pvp_ia64_format_iprel_set(&b, op->sub, &pvp_ia64_format_table[form_fields[op->form].fmt], op->index,
                                       addr, target);
    else if (!rc && !(rc = pvp_ia64_decode(&b, op->sub, &in)))
        rc = pvp_ia64_insn_iprel_set(&b, &in, op->index, addr, target);
    return rc ? rc : pvp_ia64_bundle_pack(&b, code);
}

static int ia64_load_imm_get(const uint8_t *code, size_t len, unsigned sub, uint64_t *imm)
{
    pvp_ia64_bundle b;
    int rc = unpack(code, len, &b);
    /* GNU as tags a movl as slot 1 (its L half) or 2: both name the X slot. */
    return rc ? rc : sub == 1 || sub == 2 ? pvp_ia64_movl_get(&b, 2, imm, NULL) : PVP_E_NOT_MOVL;
}

static int ia64_load_imm_set(uint8_t *code, size_t len, unsigned sub, uint64_t imm)
{
    pvp_ia64_bundle b;
    int rc = unpack(code, len, &b);
    if (!rc)
        rc = sub == 1 || sub == 2 ? pvp_ia64_movl_set(&b, 2, imm) : PVP_E_NOT_MOVL;
    return rc ? rc : pvp_ia64_bundle_pack(&b, code);
}

/* Bits of a slot that hold IP-relative displacements (or the movl immediate). */
static void ignored_bits(const pvp_ia64_insn *in, int skip_imm, uint64_t *mask, uint64_t *lmask)
{
    *mask = *lmask = 0;
    if (!in->op)
        return;
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(in->op);
    for (unsigned i = 0; i < fmt->nfields; i++) {
        const pvp_ia64_field *f = &fmt->field[i];
        int ignore = f->kind == PVP_IA64_K_TARGET || f->kind == PVP_IA64_K_TAG ||
                     (skip_imm && in->op->format == FMT_X2 && f->tag == 'i');
        for (unsigned p = 0; ignore && p < f->npieces; p++) {
            uint64_t m = ((UINT64_C(1) << f->piece[p].width) - 1) << f->piece[p].lsb;
            *(f->piece[p].in_l ? lmask : mask) |= m;
        }
    }
}

static int ia64_same_except_pcrel(const uint8_t *a, const uint8_t *b, size_t len, int skip_imm_sub)
{
    pvp_ia64_bundle x, y;
    if (unpack(a, len, &x) || unpack(b, len, &y) || x.tmpl != y.tmpl)
        return PVP_E_VERIFY;
    uint64_t lmask_all = 0;
    pvp_ia64_insn ix[3], iy[3];
    pvp_ia64_decode_bundle(&x, ix);
    pvp_ia64_decode_bundle(&y, iy);
    for (unsigned slot = 0; slot < 3; slot++) {
        if (ix[slot].unit == PVP_IA64_UNIT_L)
            continue;                 /* compared with its X slot below */
        if (ix[slot].op != iy[slot].op)
            return PVP_E_VERIFY;
        uint64_t mask, lmask;
        ignored_bits(&ix[slot], skip_imm_sub == 1 || skip_imm_sub == 2, &mask, &lmask);
        lmask_all |= lmask;
        if ((ix[slot].bits ^ iy[slot].bits) & ~mask)
            return PVP_E_VERIFY;
    }
    const pvp_ia64_template *t = pvp_ia64_template_info(x.tmpl);
    if (t->units[1] == PVP_IA64_UNIT_L && ((x.slot[1] ^ y.slot[1]) & ~lmask_all))
        return PVP_E_VERIFY;
    return PVP_OK;
}

const pvp_arch pvp_arch_ia64 = {
    .name = "ia64",
    .code_align = PVP_IA64_BUNDLE_SIZE,
    .insn_align = PVP_IA64_BUNDLE_SIZE,
    .nforms = NFORMS,
    .form_names = form_names,
    .scan = ia64_scan,
    .plain = ia64_plain,
    .retarget = ia64_retarget,
    .load_imm_get = ia64_load_imm_get,
    .load_imm_set = ia64_load_imm_set,
    .unit_load_sub = 2,
    .same_except_pcrel = ia64_same_except_pcrel,
    .site_code = pvp_ia64_site_code,
    .site_cache_size = 512 * 1024,      /* some 250 prepared templates and their last layouts */
    .site_cache_clear = pvp_ia64_cache_clear,
    .same_code = pvp_ia64_same_code,
    .max_gr = 128,
    .max_pred = 64,
    .call_gr = { 0, 0 },                       /* the build's: the call templates name them */
    .call_br = 1u << 7,                        /* b7 */
};
