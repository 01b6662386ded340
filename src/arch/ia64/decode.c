/* Decoding: slot bits to table rows, and operand fields in both directions. */
#include "formats.h"

static uint64_t low_mask(unsigned width)
{
    return width >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << width) - 1;
}

static unsigned field_width(const pvp_ia64_field *f)
{
    unsigned total = 0;
    for (unsigned i = 0; i < f->npieces; i++)
        total += f->piece[i].width;
    return total;
}

/* Arithmetic shift right without relying on implementation-defined >> of negatives. */
static uint64_t sar(uint64_t v, unsigned n)
{
    return (v >> 63) ? ~(~v >> n) : v >> n;
}

uint64_t pvp_ia64_field_get(const pvp_ia64_field *f, uint64_t bits, uint64_t lbits)
{
    uint64_t v = 0;
    unsigned total = 0;
    for (unsigned i = 0; i < f->npieces; i++) {
        const pvp_ia64_piece *p = &f->piece[i];
        uint64_t src = p->in_l ? lbits : bits;
        v = v << p->width | ((src >> p->lsb) & low_mask(p->width)); /* pieces are < 64 bits */
        total += p->width;
    }
    if (f->is_signed && total < 64 && (v >> (total - 1)) & 1)
        v |= ~low_mask(total);
    v <<= f->shift;
    return f->invert ? (uint64_t)(int64_t)f->bias - v : v + (uint64_t)(int64_t)f->bias;
}

/* Does enc fit in a field of `total` bits, signed or not? */
static int fits(uint64_t enc, unsigned total, int is_signed)
{
    if (total >= 64)
        return 1;
    if (!is_signed)
        return (enc >> total) == 0;
    uint64_t top = enc >> (total - 1);
    return top == 0 || top == low_mask(64 - (total - 1));
}

int pvp_ia64_field_set(const pvp_ia64_field *f, uint64_t *bits, uint64_t *lbits, uint64_t value)
{
    uint64_t bias = (uint64_t)(int64_t)f->bias;
    uint64_t enc = f->invert ? bias - value : value - bias;
    if (enc & low_mask(f->shift))
        return PVP_E_MISALIGNED;
    enc = f->is_signed ? sar(enc, f->shift) : enc >> f->shift;
    unsigned total = field_width(f);
    if (!fits(enc, total, f->is_signed))
        return PVP_E_OUT_OF_RANGE;
    for (int i = (int)f->npieces - 1; i >= 0; i--) {
        const pvp_ia64_piece *p = &f->piece[i];
        uint64_t *dst = p->in_l ? lbits : bits;
        if (!dst)
            return PVP_E_BAD_SLOT;
        uint64_t m = low_mask(p->width) << p->lsb;
        *dst = (*dst & ~m) | ((enc << p->lsb) & m);
        enc >>= p->width;
    }
    return PVP_OK;
}

/* Rows are sorted by this key (see opcodes.c), so lookup can search. */
static unsigned row_key(unsigned unit, uint64_t bits)
{
    return unit << 4 | (unsigned)((bits >> 37) & 0xf);
}

/* The row among those of one (unit, major opcode) that matches bits, or NULL. */
static const pvp_ia64_opcode *search(unsigned unit, uint64_t bits)
{
    size_t n, lo = 0;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&n);
    unsigned key = row_key(unit, bits);
    for (size_t hi = n; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if (row_key(t[mid].unit, t[mid].match) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && row_key(t[lo].unit, t[lo].match) == key; lo++)
        if ((bits & t[lo].mask) == t[lo].match)
            return &t[lo];
    return NULL;
}

const pvp_ia64_opcode *pvp_ia64_lookup(unsigned unit, uint64_t bits)
{
    const pvp_ia64_opcode *op = search(unit, bits);
    if (!op && (unit == PVP_IA64_UNIT_M || unit == PVP_IA64_UNIT_I))
        op = search(PVP_IA64_UNIT_A, bits);     /* A-unit rows run on M and I slots */
    return op;
}

int pvp_ia64_decode(const pvp_ia64_bundle *b, unsigned slot, pvp_ia64_insn *out)
{
    if (slot > 2)
        return PVP_E_BAD_SLOT;
    const pvp_ia64_template *t = pvp_ia64_template_info(b->tmpl);
    if (!t || t->reserved)
        return PVP_E_RESERVED_TEMPLATE;
    out->unit = t->units[slot];
    out->slot = (uint8_t)slot;
    out->bits = b->slot[slot];
    out->lbits = out->unit == PVP_IA64_UNIT_X ? b->slot[1] : 0;
    out->op = out->unit == PVP_IA64_UNIT_L ? NULL : pvp_ia64_lookup(out->unit, out->bits);
    return PVP_OK;
}

uint64_t pvp_ia64_operand(const pvp_ia64_insn *in, char tag, int *found)
{
    const pvp_ia64_format *fmt = in->op ? pvp_ia64_opcode_format(in->op) : NULL;
    const pvp_ia64_field *f = fmt ? pvp_ia64_format_field(fmt, tag) : NULL;
    if (fmt && tag == 'q' && fmt->has_qp) {
        if (found)
            *found = 1;
        return in->bits & PVP_IA64_QP_MASK;
    }
    if (found)
        *found = f != NULL;
    return f ? pvp_ia64_field_get(f, in->bits, in->lbits) : 0;
}

static int is_register(unsigned kind)
{
    return kind >= PVP_IA64_K_GR && kind <= PVP_IA64_K_AR;
}

int pvp_ia64_encode(const pvp_ia64_opcode *op, const char *tags, const uint64_t *vals,
                    uint64_t *bits, uint64_t *lbits)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    uint64_t l = 0;
    *bits = op->match;
    for (size_t i = 0; tags && tags[i]; i++) {
        if (tags[i] == 'q') {
            if (!fmt->has_qp || vals[i] > 63)
                return PVP_E_BAD_REGISTER;
            *bits = (*bits & ~PVP_IA64_QP_MASK) | vals[i];
            continue;
        }
        const pvp_ia64_field *f = pvp_ia64_format_field(fmt, tags[i]);
        if (!f)
            return PVP_E_UNKNOWN_OP;
        int rc = pvp_ia64_field_set(f, bits, &l, vals[i]);
        if (rc == PVP_E_OUT_OF_RANGE && is_register(f->kind))
            return PVP_E_BAD_REGISTER;
        if (rc)
            return rc;
    }
    if (lbits)
        *lbits = l;
    else if (l)
        return PVP_E_BAD_SLOT;
    return PVP_OK;
}
