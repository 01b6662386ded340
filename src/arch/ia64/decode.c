/* Decoding: slot bits to table rows, and operand fields in both directions. */
#include "formats.h"
#include "bytes.h"

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

/* A field that holds its value as it is in one piece of the slot (a
 * register number, mostly): read and written in one step. */
static int is_plain_field(const pvp_ia64_field *f)
{
    return f->npieces == 1 && !f->shift && !f->bias && !f->invert && !f->is_signed && !f->piece[0].in_l;
}

uint64_t pvp_ia64_field_get(const pvp_ia64_field *f, uint64_t bits, uint64_t lbits)
{
    if (is_plain_field(f))
        return (bits >> f->piece[0].lsb) & low_mask(f->piece[0].width);
    /* Pieces lie in 41-bit slots, so every width is below 64. */
    uint64_t v = 0;
    unsigned total = 0;
    for (unsigned i = 0; i < f->npieces; i++) {
        const pvp_ia64_piece *p = &f->piece[i];
        uint64_t src = p->in_l ? lbits : bits;
        v = v << p->width | ((src >> p->lsb) & ((UINT64_C(1) << p->width) - 1));
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
    if (is_plain_field(f)) {
        uint64_t m = low_mask(f->piece[0].width);
        if (value & ~m)
            return PVP_E_OUT_OF_RANGE;
        *bits = (*bits & ~(m << f->piece[0].lsb)) | value << f->piece[0].lsb;
        return PVP_OK;
    }
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

/* A row matches only if no completer field holds a value the architecture
 * reserves (a call hint of even value, a load hint 2 where only 0, 1, 3
 * exist, ...). */
static int completers_valid(const pvp_ia64_opcode *op, uint64_t bits)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    for (unsigned i = 0; i < fmt->nfields; i++) {
        const pvp_ia64_field *f = &fmt->field[i];
        if (pvp_ia64_kind_is_completer(f->kind) &&
            pvp_ia64_kind_reserved(f->kind, pvp_ia64_field_value(f, bits, 0)))
            return 0;
    }
    return 1;
}

/* The selector value of a slot in a bucket: its pieces concatenated. */
static unsigned selector(const pvp_ia64_index_bucket *b, uint64_t bits)
{
    unsigned v = 0;
    for (unsigned i = 0; i < b->npieces; i++)
        v = v << b->piece[i][1] | (unsigned)((bits >> b->piece[i][0]) & ((1u << b->piece[i][1]) - 1));
    return v;
}

const pvp_ia64_opcode *pvp_ia64_lookup(unsigned unit, uint64_t bits)
{
    int u = pvp_ia64_index_unit(unit);
    if (u < 0)
        return NULL;
    const pvp_ia64_opcode *t = pvp_ia64_opcode_table;
    size_t n = pvp_ia64_opcode_count;
    const pvp_ia64_opcode *nop = &t[pvp_ia64_unit_nop_break[u][0]];
    if ((bits & nop->mask) == nop->match)
        return nop;                     /* rows are disjoint; filler is most of what code holds */
    const pvp_ia64_index_bucket *b = &pvp_ia64_index_buckets[u][(bits >> 37) & 15];
    const uint16_t *e = &pvp_ia64_index_lists[pvp_ia64_index_slots[b->first + selector(b, bits)]];
    for (; *e != PVP_IA64_INDEX_END; e++) {
        size_t row = *e & ~PVP_IA64_INDEX_CHECK;
        if (row >= n || (bits & t[row].mask) != t[row].match)
            continue;           /* rows are disjoint: the first that matches is the one */
        return !(*e & PVP_IA64_INDEX_CHECK) || completers_valid(&t[row], bits) ? &t[row] : NULL;
    }
    return NULL;
}

/* Does an alias's condition on two fields hold for these bits? */
static int condition_holds(const pvp_ia64_opcode *alias, uint64_t bits, uint64_t lbits)
{
    if (alias->cond == PVP_IA64_COND_NONE)
        return 1;
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(alias);
    const pvp_ia64_field *a = pvp_ia64_format_field(fmt, alias->cond_a);
    const pvp_ia64_field *b = pvp_ia64_format_field(fmt, alias->cond_b);
    if (!a || !b)
        return 0;
    uint64_t va = pvp_ia64_field_get(a, bits, lbits), vb = pvp_ia64_field_get(b, bits, lbits);
    return alias->cond == PVP_IA64_COND_EQUAL ? va == vb : va + vb == 64;
}

const pvp_ia64_opcode *pvp_ia64_alias_of(const pvp_ia64_insn *in)
{
    const pvp_ia64_opcode *rows = pvp_ia64_opcode_table, *aliases = pvp_ia64_alias_table;
    size_t nrows = pvp_ia64_opcode_count, naliases = pvp_ia64_alias_count;
    size_t row = in->op ? (size_t)(in->op - rows) : nrows;
    if (row >= nrows || row >= pvp_ia64_index_nrows || pvp_ia64_index_row_aliases[row] == PVP_IA64_INDEX_END)
        return NULL;
    for (const uint16_t *a = &pvp_ia64_index_alias_lists[pvp_ia64_index_row_aliases[row]];
         *a != PVP_IA64_INDEX_END; a++)
        if (*a < naliases && (in->bits & aliases[*a].mask) == aliases[*a].match &&
            condition_holds(&aliases[*a], in->bits, in->lbits))
            return &aliases[*a];
    return NULL;
}

int pvp_ia64_bundle_is_nops(const pvp_ia64_bundle *b)
{
    if (b->tmpl > 31)
        return 0;
    for (unsigned slot = 0; slot < 3; slot++) {
        const pvp_ia64_filler *f = &pvp_ia64_slot_filler[b->tmpl][slot];
        if ((b->slot[slot] & PVP_IA64_SLOT_MASK & f->mask) != f->match)
            return 0;                  /* (reserved templates and an MLX bundle's L half have no nop) */
    }
    return 1;
}

/* Does a slot that is not quiet hold a row that moves? Its index entry
 * tells, or the row of the entry's list that matches. */
static int slot_moves(unsigned t, unsigned slot, uint64_t bits)
{
    const pvp_ia64_template *tp = pvp_ia64_template_info(t);
    if (tp->reserved)
        return 1;                      /* let the decoder say what is wrong */
    const pvp_ia64_index_bucket *bk = &pvp_ia64_index_buckets[pvp_ia64_index_unit(tp->units[slot])][bits >> 37];
    unsigned e = bk->first + selector(bk, bits);
    if (!((pvp_ia64_index_moving[e / 8] >> (e % 8)) & 1))
        return 0;                      /* no row of its list moves */
    /* the row that matches, if any (completers aside: a row that moves is looked at anyway) */
    for (const uint16_t *l = &pvp_ia64_index_lists[pvp_ia64_index_slots[e]]; *l != PVP_IA64_INDEX_END; l++) {
        size_t row = *l & ~PVP_IA64_INDEX_CHECK;
        if (row < pvp_ia64_opcode_count && (bits & pvp_ia64_opcode_table[row].mask) ==
                                               pvp_ia64_opcode_table[row].match)
            return (pvp_ia64_row_moving[row / 8] >> (row % 8)) & 1;    /* rows are disjoint */
    }
    return 0;
}

static int slot_plain(unsigned t, unsigned slot, uint64_t bits)
{
    return pvp_ia64_slot_quiet(t, slot, bits) || !slot_moves(t, slot, bits);
}

int pvp_ia64_bundle_is_plain(const pvp_ia64_bundle *b)
{
    unsigned t = b->tmpl & 0x1f;
    return t == b->tmpl && slot_plain(t, 0, b->slot[0] & PVP_IA64_SLOT_MASK) &&
           slot_plain(t, 1, b->slot[1] & PVP_IA64_SLOT_MASK) && slot_plain(t, 2, b->slot[2] & PVP_IA64_SLOT_MASK);
}

size_t pvp_ia64_plain_run(const uint8_t *code, size_t avail)
{
    size_t n = 0;
    for (; avail - n >= PVP_IA64_BUNDLE_SIZE; n += PVP_IA64_BUNDLE_SIZE) {
        uint64_t sl[3];
        unsigned t = pvp_ia64_split(code + n, sl);
        uint64_t s0 = sl[0], s1 = sl[1], s2 = sl[2];
        if (pvp_ia64_slot_quiet(t, 0, s0) && pvp_ia64_slot_quiet(t, 1, s1) && pvp_ia64_slot_quiet(t, 2, s2))
            continue;                  /* (inline: the common case) */
        if (!slot_plain(t, 0, s0) || !slot_plain(t, 1, s1) || !slot_plain(t, 2, s2))
            break;
    }
    return n;
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

int pvp_ia64_decode_bundle(const pvp_ia64_bundle *b, pvp_ia64_insn out[3])
{
    for (unsigned slot = 0; slot < 3; slot++) {
        int rc = pvp_ia64_decode(b, slot, &out[slot]);
        if (rc)
            return rc;
    }
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
