/* Bundling: laying out a sequence of instructions into bundles with legal
 * templates, keeping exactly the stops the sequence asks for. Greedy per
 * bundle: every template is tried and the one that takes the most of the
 * remaining instructions wins (the first of equals, in template order).
 * Also the reverse: reading the instructions and stops out of bundles. */
#include "formats.h"

/* Can an instruction of row unit `want` go in a slot of unit `slot`? */
static int unit_fits(unsigned want, unsigned slot)
{
    if (want == PVP_IA64_UNIT_A)
        return slot == PVP_IA64_UNIT_M || slot == PVP_IA64_UNIT_I;
    return want == slot;
}

/* How many of items[0..n) template t takes; fills slot_of[] with the slot
 * of each taken item. 0 when the template cannot end the bundle legally:
 * a stop nobody asked for, a required stop missing, or an instruction that
 * must end its group (itc, rfi, ...) not followed by a stop right away. */
static size_t try_template(const pvp_ia64_template *t, const pvp_ia64_item *items, size_t n,
                           unsigned slot_of[3])
{
    size_t k = 0;
    int need_stop = 0;
    for (unsigned s = 0; s < 3; s++) {
        unsigned u = t->units[s];
        int stop_here = (t->stops >> s) & 1;
        if (u == PVP_IA64_UNIT_L)
            continue;                           /* the X slot carries it */
        if (k < n && !need_stop && !(k > 0 && items[k].label) && unit_fits(items[k].op->unit, u)) {
            if ((items[k].op->flags & PVP_IA64_F_LAST) && !stop_here)
                return 0;
            slot_of[k] = s;
            need_stop = items[k].stop;
            k++;
        }
        if (stop_here) {
            if (!need_stop)
                return 0;
            need_stop = 0;
        }
    }
    return need_stop ? 0 : k;
}

static void fill_bundle(pvp_ia64_bundle *b, unsigned tmpl, const pvp_ia64_item *items, size_t k,
                        const unsigned slot_of[3])
{
    b->tmpl = (uint8_t)tmpl;
    for (unsigned s = 0; s < 3; s++)
        pvp_ia64_put_nop(b, s);
    for (size_t i = 0; i < k; i++) {
        b->slot[slot_of[i]] = items[i].bits;
        if (items[i].op->unit == PVP_IA64_UNIT_X)
            b->slot[1] = items[i].lbits;
    }
}

int pvp_ia64_bundle_items(pvp_ia64_item *items, size_t n, pvp_ia64_bundle *out, size_t max,
                          size_t *used)
{
    size_t i = 0, nb = 0;
    while (i < n) {
        size_t best = 0, most = n - i < 3 ? n - i : 3;
        unsigned best_t = 0, best_slots[3] = { 0, 0, 0 };
        for (unsigned t = 0; t < 32 && best < most; t++) {   /* (no later template can take more) */
            const pvp_ia64_template *ti = pvp_ia64_template_info(t);
            unsigned slots[3];
            if (ti->reserved)
                continue;
            size_t k = try_template(ti, &items[i], most, slots);
            if (k > best) {
                best = k, best_t = t;
                for (unsigned s = 0; s < 3; s++)
                    best_slots[s] = slots[s];
            }
        }
        if (best == 0)
            return PVP_E_BAD_TEMPLATE;          /* an instruction no slot takes */
        if (nb == max)
            return PVP_E_NO_SPACE;
        fill_bundle(&out[nb], best_t, &items[i], best, best_slots);
        for (size_t k = 0; k < best; k++) {
            items[i + k].bundle = (uint8_t)nb;
            items[i + k].slot = (uint8_t)best_slots[k];
        }
        i += best;
        nb++;
    }
    *used = nb;
    return PVP_OK;
}

/* An unpredicated br.cond to `end`: the branch over filler. */
static int is_skip(const pvp_ia64_insn *in, uint64_t ip, uint64_t end)
{
    pvp_ia64_iprel r[2];
    return in->op->format == FMT_B1 && (in->bits & PVP_IA64_QP_MASK) == 0 &&
           pvp_ia64_insn_iprel(in, ip, r) == 1 && r[0].target == end;
}

int pvp_ia64_items_read(const uint8_t *code, size_t len, uint64_t end_skip, pvp_ia64_item *out,
                        size_t max, size_t *count)
{
    size_t n = 0;
    uint64_t ip = end_skip - len;
    for (size_t off = 0; off + PVP_IA64_BUNDLE_SIZE <= len; off += PVP_IA64_BUNDLE_SIZE) {
        pvp_ia64_bundle b;
        int rc = pvp_ia64_bundle_unpack(code + off, &b);
        if (rc)
            return rc;
        const pvp_ia64_template *t = pvp_ia64_template_info(b.tmpl);
        for (unsigned s = 0; s < 3; s++) {
            pvp_ia64_insn in;
            if (t->units[s] == PVP_IA64_UNIT_L)
                continue;
            pvp_ia64_decode(&b, s, &in);
            if (!in.op)
                return PVP_E_UNKNOWN_OP;
            if (!(in.op->flags & PVP_IA64_F_NOP) && !is_skip(&in, ip + off, end_skip)) {
                if (n == max)
                    return PVP_E_NO_SPACE;
                out[n] = (pvp_ia64_item){ in.op, in.bits, in.lbits, 0, 0, (uint8_t)(off / 16), (uint8_t)s };
                n++;
            }
            if ((t->stops & (1u << s)) && n)
                out[n - 1].stop = 1;            /* a stop after nops belongs to the last instruction */
        }
    }
    *count = n;
    return PVP_OK;
}
