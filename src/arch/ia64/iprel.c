/* IP-relative operands: any field of kind TARGET or TAG, read as an absolute
 * address and re-targeted with a range check. One mechanism for every form. */
#include "formats.h"

static int is_iprel(const pvp_ia64_field *f)
{
    return f->kind == PVP_IA64_K_TARGET || f->kind == PVP_IA64_K_TAG;
}

static unsigned displacement_bits(const pvp_ia64_field *f)
{
    unsigned total = 0;
    for (unsigned i = 0; i < f->npieces; i++)
        total += f->piece[i].width;
    return total;
}

/* The i-th IP-relative field of a format, or NULL. */
static const pvp_ia64_field *format_iprel_field(const pvp_ia64_format *fmt, unsigned which)
{
    for (unsigned i = 0; i < fmt->nfields; i++)
        if (is_iprel(&fmt->field[i]) && which-- == 0)
            return &fmt->field[i];
    return NULL;
}

/* The i-th IP-relative field of a decoded slot, or NULL. */
static const pvp_ia64_field *iprel_field(const pvp_ia64_insn *in, unsigned which)
{
    return in->op ? format_iprel_field(pvp_ia64_opcode_format(in->op), which) : NULL;
}

unsigned pvp_ia64_insn_iprel(const pvp_ia64_insn *in, uint64_t ip, pvp_ia64_iprel out[2])
{
    unsigned n = 0;
    const pvp_ia64_field *f;
    while (n < 2 && (f = iprel_field(in, n)) != NULL) {
        out[n].form = pvp_ia64_opcode_format(in->op)->name;
        out[n].kind = f->kind;
        out[n].bits = (uint8_t)displacement_bits(f);
        out[n].target = ip + pvp_ia64_field_get(f, in->bits, in->lbits);
        n++;
    }
    return n;
}

unsigned pvp_ia64_iprel_list(const pvp_ia64_bundle *b, unsigned slot, uint64_t ip,
                             pvp_ia64_iprel out[2])
{
    pvp_ia64_insn in;
    return pvp_ia64_decode(b, slot, &in) == PVP_OK ? pvp_ia64_insn_iprel(&in, ip, out) : 0;
}

/* Field f of the slot's bits (and L slot's for unit X) to target, into
 * slot `slot` of b; b is left as it is on an error. */
static int set_field(pvp_ia64_bundle *b, unsigned slot, unsigned unit, const pvp_ia64_field *f, uint64_t bits,
                     uint64_t lbits, uint64_t ip, uint64_t target)
{
    if (!f)
        return PVP_E_NOT_IPREL;
    if ((ip | target) & 15)
        return PVP_E_MISALIGNED;
    int rc = pvp_ia64_field_set(f, &bits, &lbits, target - ip);
    if (rc)
        return rc;
    b->slot[slot] = bits;
    if (unit == PVP_IA64_UNIT_X)
        b->slot[1] = lbits;
    return PVP_OK;
}

int pvp_ia64_insn_iprel_set(pvp_ia64_bundle *b, const pvp_ia64_insn *in, unsigned which,
                            uint64_t ip, uint64_t target)
{
    return set_field(b, in->slot, in->unit, iprel_field(in, which), in->bits, in->lbits, ip, target);
}

int pvp_ia64_format_iprel_set(pvp_ia64_bundle *b, unsigned slot, const pvp_ia64_format *fmt, unsigned which,
                              uint64_t ip, uint64_t target)
{
    if (slot > 2)
        return PVP_E_BAD_SLOT;
    unsigned unit = pvp_ia64_slot_unit(b, slot);
    return set_field(b, slot, unit, format_iprel_field(fmt, which), b->slot[slot],
                     unit == PVP_IA64_UNIT_X ? b->slot[1] : 0, ip, target);
}

int pvp_ia64_iprel_set(pvp_ia64_bundle *b, unsigned slot, unsigned which, uint64_t ip,
                       uint64_t target)
{
    pvp_ia64_insn in;
    int rc = pvp_ia64_decode(b, slot, &in);
    return rc ? rc : pvp_ia64_insn_iprel_set(b, &in, which, ip, target);
}
