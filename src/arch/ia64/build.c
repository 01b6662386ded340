/* Builders and accessors for the few instructions the engine writes or reads
 * by meaning: movl, nop, break and the B1 relative branch. Every one goes
 * through the instruction table, so encodings live only there. */
#include "formats.h"

/* The nop (0) or break (1) row of a unit, as the generated index names it. */
static const pvp_ia64_opcode *flagged_row(unsigned unit, unsigned which)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    int u = pvp_ia64_index_unit(unit);
    unsigned row = u < 0 ? 0xffff : pvp_ia64_unit_nop_break[u][which];
    return row < n ? &t[row] : NULL;
}

/* A row the builders write (0 movl, 1 br.cond), as the generated index names it. */
static const pvp_ia64_opcode *builder_row(unsigned which)
{
    size_t n;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    return pvp_ia64_builder_rows[which] < n ? &t[pvp_ia64_builder_rows[which]] : NULL;
}

/* Store encoded bits into a slot (and the L slot for X). */
static int put_slot(pvp_ia64_bundle *b, unsigned slot, const pvp_ia64_opcode *op,
                    const char *tags, const uint64_t *vals)
{
    uint64_t bits, lbits;
    int rc = pvp_ia64_encode(op, tags, vals, &bits, &lbits);
    if (rc)
        return rc;
    b->slot[slot] = bits;
    if (op->unit == PVP_IA64_UNIT_X)
        b->slot[1] = lbits;
    return PVP_OK;
}

/* The unit of a slot that can hold a whole instruction (not L). */
static int writable_unit(const pvp_ia64_bundle *b, unsigned slot, unsigned *unit)
{
    if (slot > 2)
        return PVP_E_BAD_SLOT;
    const pvp_ia64_template *t = pvp_ia64_template_info(b->tmpl);
    if (!t || t->reserved)
        return PVP_E_RESERVED_TEMPLATE;
    *unit = t->units[slot];
    return *unit == PVP_IA64_UNIT_L ? PVP_E_BAD_SLOT : PVP_OK;
}

/* Decode a slot that must hold a movl (X2). */
static int decode_movl(const pvp_ia64_bundle *b, unsigned slot, pvp_ia64_insn *in)
{
    int rc = pvp_ia64_decode(b, slot, in);
    if (rc)
        return rc;
    return in->op && in->op->format == FMT_X2 ? PVP_OK : PVP_E_NOT_MOVL;
}

int pvp_ia64_movl_get(const pvp_ia64_bundle *b, unsigned slot, uint64_t *imm, unsigned *reg)
{
    pvp_ia64_insn in;
    int rc = decode_movl(b, slot, &in);
    if (rc)
        return rc;
    if (imm)
        *imm = pvp_ia64_operand(&in, 'i', NULL);
    if (reg)
        *reg = (unsigned)pvp_ia64_operand(&in, 'a', NULL);
    return PVP_OK;
}

int pvp_ia64_movl_set(pvp_ia64_bundle *b, unsigned slot, uint64_t imm)
{
    pvp_ia64_insn in;
    int rc = decode_movl(b, slot, &in);
    if (rc)
        return rc;
    const pvp_ia64_field *f = pvp_ia64_format_field(pvp_ia64_opcode_format(in.op), 'i');
    return pvp_ia64_field_set(f, &b->slot[2], &b->slot[1], imm);
}

int pvp_ia64_put_movl(pvp_ia64_bundle *b, unsigned reg, uint64_t imm)
{
    unsigned unit;
    int rc = writable_unit(b, 2, &unit);
    if (rc)
        return rc;
    if (unit != PVP_IA64_UNIT_X)
        return PVP_E_BAD_UNIT;
    const uint64_t vals[] = { reg, imm };
    return put_slot(b, 2, builder_row(0), "ai", vals);
}

int pvp_ia64_put_nop(pvp_ia64_bundle *b, unsigned slot)
{
    unsigned unit;
    int rc = writable_unit(b, slot, &unit);
    if (rc)
        return rc;
    return put_slot(b, slot, flagged_row(unit, 0), "", NULL);
}

int pvp_ia64_put_break(pvp_ia64_bundle *b, unsigned slot, uint64_t imm)
{
    unsigned unit;
    int rc = writable_unit(b, slot, &unit);
    if (rc)
        return rc;
    return put_slot(b, slot, flagged_row(unit, 1), "i", &imm);
}

int pvp_ia64_break_get(const pvp_ia64_bundle *b, unsigned slot, uint64_t *imm)
{
    pvp_ia64_insn in;
    int rc = pvp_ia64_decode(b, slot, &in);
    if (rc)
        return rc;
    if (!in.op || !(in.op->flags & PVP_IA64_F_BREAK))
        return PVP_E_UNKNOWN_OP;
    *imm = pvp_ia64_operand(&in, 'i', NULL);
    return PVP_OK;
}

int pvp_ia64_put_branch(pvp_ia64_bundle *b, unsigned slot, uint64_t ip, uint64_t target,
                        unsigned qp)
{
    unsigned unit;
    int rc = writable_unit(b, slot, &unit);
    if (rc)
        return rc;
    if (unit != PVP_IA64_UNIT_B)
        return PVP_E_BAD_UNIT;
    if ((ip | target) & 15)
        return PVP_E_MISALIGNED;
    /* sptk (wh 0), many (ph 1): a skip or a jump to a stub is always taken. */
    const uint64_t vals[] = { qp, 0, 1, 0, target - ip };
    return put_slot(b, slot, builder_row(1), "qwpdt", vals);
}
