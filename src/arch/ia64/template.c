/* Site code from templates: the instructions of a template (assembled with
 * the placeholder registers r120-r124) get the site's registers and
 * predicate, are bundled anew at the site, and the rest of the site is
 * filled. Also what a region writes and whether two regions agree. */
#include "pvpatch/arch.h"
#include "template.h"

#define MAX_ITEMS   PVP_IA64_MAX_ITEMS
#define MAX_BUNDLES PVP_IA64_MAX_BUNDLES
#define PH_FIRST    120u                /* PVP_PH_FIRST of pvpatch/ia64/pvops.h */
#define PH_COUNT    6u
#define PH_PRED     63u                 /* PVP_PH_PCLOB: the predicate clobber */
/* Filler of this many bundles or more is skipped by a branch: Itanium 2
 * issues two bundles a cycle, and a predicted taken branch costs about one
 * cycle, so from three bundles on the branch is cheaper than the nops. */
#define SKIP_MIN_BUNDLES 3u

static const char *const placeholder_role[PH_COUNT] = {
    "a result register", "a value register", "a second value register",
    "a first clobber register", "a second clobber register", "a third clobber register",
};

static int set_bit(uint64_t m[2], unsigned n)
{
    m[n / 64] |= UINT64_C(1) << (n % 64);
    return 1;
}

/* The registers one instruction writes, by its row's generated written-field mask. */
static void insn_writes(const pvp_ia64_opcode *op, uint64_t bits, uint64_t lbits, uint64_t gr[2], uint32_t *br,
                        uint64_t *pr)
{
    size_t nrows;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&nrows);
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    size_t row = (size_t)(op - t);
    unsigned written = row < nrows ? pvp_ia64_row_written[row] : 0;   /* generated from the syntax */
    for (unsigned i = 0; written >> i && i < fmt->nfields; i++) {
        const pvp_ia64_field *f = &fmt->field[i];
        if (!((written >> i) & 1))
            continue;
        uint64_t v = pvp_ia64_field_get(f, bits, lbits);
        if (f->kind == PVP_IA64_K_GR && v)
            set_bit(gr, (unsigned)v);
        else if (f->kind == PVP_IA64_K_BR && br)
            *br |= 1u << v;
        else if (f->kind == PVP_IA64_K_PR && pr)
            *pr |= UINT64_C(1) << v;
    }
}

void pvp_ia64_item_writes(const pvp_ia64_item *it, uint64_t gr[2], uint32_t *br, uint64_t *pr)
{
    insn_writes(it->op, it->bits, it->lbits, gr, br, pr);
}

int pvp_ia64_insns_writes(const pvp_ia64_insn in[3], uint64_t gr[2], uint32_t *br)
{
    for (unsigned s = 0; s < 3; s++) {
        if (in[s].unit == PVP_IA64_UNIT_L)
            continue;
        if (!in[s].op)
            return PVP_E_UNKNOWN_OP;
        insn_writes(in[s].op, in[s].bits, in[s].lbits, gr, br, NULL);
    }
    return PVP_OK;
}

/* What giving one instruction a site's registers means, worked out once:
 * which fields hold placeholders, what it writes besides them. */
static void plan_item(pvp_ia64_prep_item *pi)
{
    const pvp_ia64_item *it = &pi->it;
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(it->op);
    size_t nrows;
    const pvp_ia64_opcode *t = pvp_ia64_opcodes(&nrows);
    size_t row = (size_t)(it->op - t);
    unsigned written = row < nrows ? pvp_ia64_row_written[row] : 0;   /* generated from the syntax */
    uint64_t qp = it->bits & PVP_IA64_QP_MASK;
    pi->no_qp = !fmt->has_qp;
    pi->qp = !fmt->has_qp ? 0 : qp == 0 ? 1 : qp == PH_PRED ? 2 : 0;
    for (unsigned i = 0; i < fmt->nfields; i++) {
        const pvp_ia64_field *f = &fmt->field[i];
        uint64_t v = pvp_ia64_field_get(f, it->bits, it->lbits);
        int w = (written >> i) & 1;
        unsigned what = f->kind == PVP_IA64_K_PR && v == PH_PRED ? PVP_IA64_SUB_PRED
                      : f->kind == PVP_IA64_K_GR && v >= PH_FIRST && v < PH_FIRST + PH_COUNT ? (unsigned)(v - PH_FIRST)
                      : 0xff;
        if (what != 0xff && pi->nsubs < PVP_IA64_MAX_SUBS) {
            pi->sub_field[pi->nsubs] = (uint8_t)i;
            pi->sub_what[pi->nsubs++] = (uint8_t)what;
            pi->written_ph |= (uint8_t)(w << what);
        } else if (w && f->kind == PVP_IA64_K_GR && v) {
            set_bit(pi->gr, (unsigned)v);
        } else if (w && f->kind == PVP_IA64_K_BR) {
            pi->br |= 1u << v;
        } else if (w && f->kind == PVP_IA64_K_PR) {
            pi->pr |= UINT64_C(1) << v;
        }
    }
}

static int refuse(pvp_code_result *res, const char *why, int reg, int status)
{
    res->why = why;
    res->reg = reg;
    return status;
}

/* Give one instruction the site's registers and predicate (its plan says
 * where), and check that it writes only what the site allows. */
static int substitute(const pvp_ia64_prep_item *pi, pvp_ia64_item *it, const pvp_code_req *req,
                      pvp_code_result *res)
{
    if (req->qp && pi->no_qp)          /* rfi, cover, bsw: inline they would run whatever the predicate */
        return refuse(res, "an instruction of the code cannot be predicated (the site has a qualifying predicate)",
                      -1, PVP_E_UNSUPPORTED);
    if ((pi->qp == 2 || pi->written_ph >> PVP_IA64_SUB_PRED) && !req->pclob)
        return refuse(res, "a predicate clobber", -1, PVP_E_BAD_REGISTER);
    *it = pi->it;
    if (pi->qp == 1)
        it->bits |= req->qp;
    else if (pi->qp == 2)
        it->bits = (it->bits & ~(uint64_t)PVP_IA64_QP_MASK) | req->pclob;
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(it->op);
    uint64_t gr[2] = { pi->gr[0], pi->gr[1] }, pr = pi->pr;
    for (unsigned k = 0; k < pi->nsubs; k++) {
        unsigned what = pi->sub_what[k], reg = what == PVP_IA64_SUB_PRED ? req->pclob : req->regs[what];
        int is_value = what == 1 || what == 2;      /* r0 is a fine value; a result or clobber r0 is "none" */
        if (what == PVP_IA64_SUB_PRED && !reg)
            return refuse(res, "a predicate clobber", -1, PVP_E_BAD_REGISTER);
        if (what != PVP_IA64_SUB_PRED && reg == 0 && !is_value)
            return refuse(res, placeholder_role[what], -1, PVP_E_BAD_REGISTER);
        int rc = pvp_ia64_field_set(&fmt->field[pi->sub_field[k]], &it->bits, &it->lbits, reg);
        if (rc)
            return refuse(res, "a register does not fit its field", -1, rc);
        if (!((pi->written_ph >> what) & 1))
            continue;
        if (what == PVP_IA64_SUB_PRED)
            pr |= UINT64_C(1) << reg;
        else if (reg)
            set_bit(gr, reg);
    }
    for (unsigned w = 0; w < 2; w++) {
        uint64_t bad = gr[w] & ~req->allowed_gr[w];
        if (bad) {
            unsigned n = 64 * w;
            while (!(bad & 1))
                bad >>= 1, n++;
            return refuse(res, "it writes a general register the site does not allow", (int)n, PVP_E_BAD_REGISTER);
        }
    }
    if (pi->br & ~req->allowed_br)
        return refuse(res, "it writes a branch register the site does not allow", -1, PVP_E_BAD_REGISTER);
    if (pr & ~(UINT64_C(1) | UINT64_C(1) << req->pclob))
        return refuse(res, "it writes predicates the site does not allow", -1, PVP_E_BAD_REGISTER);
    return PVP_OK;
}

/* The item a movl of `imm` (an address inside the template or its end)
 * refers to: the first instruction at or after that bundle; n for the end. */
static size_t referred_item(const pvp_ia64_item *items, size_t n, uint64_t t0, uint64_t imm)
{
    size_t k = 0;
    while (k < n && t0 + items[k].bundle * PVP_IA64_BUNDLE_SIZE < imm)
        k++;
    return k;
}

/* An item as a decoded slot (its row is known: nothing to decode again). */
static pvp_ia64_insn item_insn(const pvp_ia64_item *it)
{
    return (pvp_ia64_insn){ it->op, it->op->unit, it->slot, it->bits, it->lbits };
}

/* The immediate and the register of a movl item, from its row's fields. */
static uint64_t movl_imm(const pvp_ia64_item *it)
{
    pvp_ia64_insn in = item_insn(it);
    return pvp_ia64_operand(&in, 'i', NULL);
}

static unsigned movl_reg(const pvp_ia64_item *it)
{
    pvp_ia64_insn in = item_insn(it);
    return (unsigned)pvp_ia64_operand(&in, 'a', NULL);
}

/* Self-references of a template: movl of an address inside it (the return
 * address of forms B and C). The instruction referred to must begin a
 * bundle; refs[i] names it (n: the site's end), or is -1. */
static void find_self_refs(pvp_ia64_item *items, size_t n, uint64_t t0, uint64_t tsize, long *refs)
{
    for (size_t i = 0; i < n; i++) {
        refs[i] = -1;
        if (items[i].op->format != FMT_X2 || movl_imm(&items[i]) - t0 > tsize)
            continue;
        size_t k = referred_item(items, n, t0, movl_imm(&items[i]));
        refs[i] = (long)k;
        if (k < n)
            items[k].label = 1;
    }
}

/* Read a template, find its self-references and targets, bundle it: all
 * that does not depend on the site. p->status says if it cannot be used. */
static void prepare(const pvp_code_req *req, pvp_ia64_prepared *p)
{
    pvp_ia64_item items[MAX_ITEMS];
    long refs[MAX_ITEMS];
    size_t n;
    uint64_t tend = req->tmpl_addr + req->tmpl_size;
    *p = (pvp_ia64_prepared){ .tmpl_addr = req->tmpl_addr, .tmpl_size = req->tmpl_size };
    p->status = pvp_ia64_items_read(req->tmpl, (size_t)req->tmpl_size, tend, items, MAX_ITEMS, &n);
    if (p->status) {
        p->why = "the template does not decode";
        return;
    }
    find_self_refs(items, n, req->tmpl_addr, req->tmpl_size, refs);
    p->n = (uint16_t)n;
    for (size_t i = 0; i < n; i++) {
        /* IP-relative targets keep their addresses; the template's end
         * becomes the site's end; targets inside the template are refused. */
        pvp_ia64_iprel r[2];
        pvp_ia64_insn in = item_insn(&items[i]);
        unsigned nr = pvp_ia64_insn_iprel(&in, req->tmpl_addr + items[i].bundle * PVP_IA64_BUNDLE_SIZE, r);
        uint64_t target = nr ? r[0].target : 0;
        if (nr > 1 || (nr && target - req->tmpl_addr < req->tmpl_size)) {
            p->status = PVP_E_UNSUPPORTED;
            p->why = "the template branches inside itself";
            return;
        }
        p->item[i].target = nr && target == tend ? PVP_IA64_TARGET_END : target;
        p->item[i].ref = (int16_t)refs[i];
    }
    p->anywhere = 1;
    for (size_t i = 0; i < n; i++)
        p->anywhere &= p->item[i].target == 0 && p->item[i].ref < 0;
    size_t used;
    p->status = pvp_ia64_bundle_items(items, n, p->bundles, MAX_BUNDLES, &used);
    if (p->status) {
        p->why = p->status == PVP_E_NO_SPACE ? "the code needs more bundles than the site has"
                                             : "the code cannot be bundled";
        return;
    }
    p->used = (uint16_t)used;
    for (size_t i = 0; i < n; i++) {
        pvp_ia64_prep_item *pi = &p->item[i];
        uint64_t target = pi->target;
        int16_t ref = pi->ref;
        *pi = (pvp_ia64_prep_item){ .it = items[i], .target = target, .ref = ref };
        plan_item(pi);
    }
    p->nops = (pvp_ia64_bundle){ 0x00, { 0, 0, 0 } };            /* MII, no stop */
    for (unsigned s = 0; s < 3; s++)
        pvp_ia64_put_nop(&p->nops, s);
    p->skip = p->nops;
    p->skip.tmpl = 0x10;                                         /* MIB */
    pvp_ia64_put_nop(&p->skip, 2);
    p->status = pvp_ia64_put_branch(&p->skip, 2, 0, 0, 0);       /* to itself until a site is known */
}

/* Where execution goes on after the code. */
static uint64_t exit_of(const pvp_code_req *req)
{
    return req->exit ? req->exit : req->at + req->room;
}

/* The prepared form of the request's template: from the cache, or made
 * (and kept there) in `room`, space for a prepared template of MAX_ITEMS.
 * An empty template (a jump) is not worth keeping. *memo: the entry's memo
 * when it is in the cache, else NULL. */
static const pvp_ia64_prepared *prepared(const pvp_code_req *req, pvp_ia64_prepared *room, pvp_ia64_memo **memo)
{
    pvp_ia64_prepared *p = pvp_ia64_cache_find(req->cache, req->cache_size, req->tmpl_addr, req->tmpl_size);
    *memo = NULL;
    if (!p) {
        prepare(req, room);
        p = req->tmpl_size ? pvp_ia64_cache_add(req->cache, req->cache_size, room) : NULL;
    }
    if (!p)
        return room;
    *memo = pvp_ia64_cache_memo(p);
    return p;
}

/* Does the memo hold this request's layout? Only for a template laid out
 * the same anywhere, with no translation (vtop is the caller's function). */
static int memo_fits(const pvp_ia64_prepared *p, const pvp_ia64_memo *m, const pvp_code_req *req)
{
    return m && p->anywhere && !req->vtop && req->room <= sizeof m->out;
}

static int memo_holds(const pvp_ia64_memo *m, const pvp_code_req *req)
{
    int same_regs = 1;
    for (unsigned k = 0; k < 6; k++)
        same_regs &= m->regs[k] == req->regs[k];
    return m->valid && same_regs && m->qp == req->qp && m->pclob == req->pclob &&
           m->allowed_gr[0] == req->allowed_gr[0] && m->allowed_gr[1] == req->allowed_gr[1] &&
           m->allowed_br == req->allowed_br && m->room == req->room && m->exit == exit_of(req) - req->at;
}

static void memo_keep(pvp_ia64_memo *m, const pvp_code_req *req, const uint8_t *out, const pvp_code_result *res)
{
    for (unsigned k = 0; k < 6; k++)
        m->regs[k] = req->regs[k];
    m->qp = req->qp, m->pclob = req->pclob;
    m->allowed_gr[0] = req->allowed_gr[0], m->allowed_gr[1] = req->allowed_gr[1], m->allowed_br = req->allowed_br;
    m->room = req->room, m->exit = exit_of(req) - req->at;
    m->res = *res;
    __builtin_memcpy(m->out, out, (size_t)req->room);
    m->valid = 1;
}

/* Nops after the code, from three bundles on with a branch over them to
 * the exit; when the exit is not the site's end the filler always starts
 * with that branch (then there must be room for it, and it ends the group:
 * MIB with a stop), under the site's predicate when there is no code before
 * it (a jump). */
static int put_filler(const pvp_ia64_prepared *p, pvp_ia64_bundle *b, size_t first, size_t count,
                      const pvp_code_req *req, pvp_code_result *res)
{
    uint64_t exit = exit_of(req);
    int away = exit != req->at + req->room;
    if (away && count == 0)
        return refuse(res, "the code leaves no room for the branch back from out of line", -1, PVP_E_NO_SPACE);
    for (size_t k = 0; k < count; k++)
        b[first + k] = p->nops;
    res->skip = count >= SKIP_MIN_BUNDLES || (away && count > 0);
    if (!res->skip)
        return PVP_OK;
    b[first] = p->skip;
    if (away) {
        b[first].tmpl = 0x11;                                    /* MIB;; */
        if (first == 0)
            b[first].slot[2] |= req->qp;
    }
    /* (the skip is the builders' br.cond: its format is known, nothing to decode) */
    const pvp_ia64_format *br = pvp_ia64_opcode_format(&pvp_ia64_opcode_table[pvp_ia64_builder_rows[1]]);
    return pvp_ia64_format_iprel_set(&b[first], 2, br, 0, req->at + first * PVP_IA64_BUNDLE_SIZE, exit);
}

/* Give the items the site's registers and predicate; check what they write. */
static int give_registers(const pvp_ia64_prepared *p, const pvp_code_req *req, pvp_ia64_item *items,
                          pvp_code_result *res)
{
    for (size_t i = 0; i < p->n; i++) {
        int rc = substitute(&p->item[i], &items[i], req, res);
        if (rc)
            return rc;
    }
    return PVP_OK;
}

/* The prepared bundles with the site's instructions, return addresses and targets. */
static int place(const pvp_ia64_prepared *p, const pvp_code_req *req, pvp_ia64_item *items, pvp_ia64_bundle *b,
                 pvp_code_result *res)
{
    for (size_t k = 0; k < p->used; k++)
        b[k] = p->bundles[k];
    for (size_t i = 0; i < p->n; i++) {
        int ref = p->item[i].ref;
        if (ref < 0 && req->vtop && items[i].op->format == FMT_X2) {
            /* data translation off: the address this movl loads is physical */
            const pvp_ia64_field *imm = pvp_ia64_format_field(pvp_ia64_opcode_format(items[i].op), 'i');
            uint64_t pa;
            if (req->vtop(req->vtop_ctx, pvp_ia64_field_get(imm, items[i].bits, items[i].lbits), &pa) ||
                pvp_ia64_field_set(imm, &items[i].bits, &items[i].lbits, pa)) {
                res->why = "an address the code loads has no physical translation";
                return PVP_E_TRANSLATE;
            }
        }
        if (ref >= 0) {
            /* the template's end is where its code ends here: the filler
             * (a call whose return has nothing to do, bsw's, comes back to it) */
            const pvp_ia64_field *imm = pvp_ia64_format_field(pvp_ia64_opcode_format(items[i].op), 'i');
            uint64_t to = req->at + ((size_t)ref < p->n ? items[ref].bundle : p->used) * PVP_IA64_BUNDLE_SIZE;
            int rc = pvp_ia64_field_set(imm, &items[i].bits, &items[i].lbits, to);
            if (rc)
                return rc;
        }
        pvp_ia64_bundle *bb = &b[items[i].bundle];
        bb->slot[items[i].slot] = items[i].bits;
        if (items[i].op->unit == PVP_IA64_UNIT_X)
            bb->slot[1] = items[i].lbits;
        uint64_t target = p->item[i].target == PVP_IA64_TARGET_END ? exit_of(req) : p->item[i].target;
        if (!target)
            continue;
        uint64_t ip = req->at + items[i].bundle * PVP_IA64_BUNDLE_SIZE;
        pvp_ia64_insn in = item_insn(&items[i]);         /* (its row is known: no decode) */
        int rc = pvp_ia64_insn_iprel_set(bb, &in, 0, ip, target);
        if (rc) {
            res->why = "a branch of the code does not reach its target from the site";
            return rc;
        }
    }
    return PVP_OK;
}

int pvp_ia64_site_code(const pvp_code_req *req, uint8_t *out, pvp_code_result *res)
{
    union {
        pvp_ia64_prepared p;
        char bytes[sizeof(pvp_ia64_prepared) + MAX_ITEMS * sizeof(pvp_ia64_prep_item)];
    } room;
    pvp_ia64_item items[MAX_ITEMS];
    pvp_ia64_bundle b[MAX_BUNDLES];
    size_t nb = (size_t)(req->room / PVP_IA64_BUNDLE_SIZE);
    *res = (pvp_code_result){ 0, 0, 0, NULL, -1 };
    if (req->room % PVP_IA64_BUNDLE_SIZE || req->at % PVP_IA64_BUNDLE_SIZE || nb > MAX_BUNDLES)
        return PVP_E_MISALIGNED;
    pvp_ia64_memo *memo;
    const pvp_ia64_prepared *p = prepared(req, &room.p, &memo);
    if (p->status) {
        res->why = p->why;
        return p->status;
    }
    if (memo_fits(p, memo, req) && memo_holds(memo, req)) {
        __builtin_memcpy(out, memo->out, (size_t)req->room);
        *res = memo->res;
        return PVP_OK;
    }
    int rc = give_registers(p, req, items, res);
    if (rc)
        return rc;
    if (p->used > nb) {
        res->why = "the code needs more bundles than the site has";
        return PVP_E_NO_SPACE;
    }
    rc = place(p, req, items, b, res);
    if (!rc)
        rc = put_filler(p, b, p->used, nb - p->used, req, res);
    if (rc)
        return rc;
    uint8_t nop_bytes[PVP_IA64_BUNDLE_SIZE];
    pvp_ia64_bundle_pack(&p->nops, nop_bytes);
    for (size_t k = 0; k < nb; k++) {
        uint8_t *to = out + k * PVP_IA64_BUNDLE_SIZE;
        if (k >= p->used + (size_t)res->skip)        /* the nops of the filler: packed once */
            for (unsigned i = 0; i < PVP_IA64_BUNDLE_SIZE; i++)
                to[i] = nop_bytes[i];
        else
            pvp_ia64_bundle_pack(&b[k], to);
    }
    res->used = p->used * PVP_IA64_BUNDLE_SIZE;
    res->filler = req->room - res->used;
    if (memo_fits(p, memo, req))
        memo_keep(memo, req, out, res);
    return PVP_OK;
}

/* An item's IP-relative target, or 0; references to `end` become 1 so that
 * two regions compare relative to their ends. */
static uint64_t item_target(uint64_t addr, const pvp_ia64_item *it, uint64_t end)
{
    pvp_ia64_iprel r[2];
    pvp_ia64_insn in = item_insn(it);
    if (pvp_ia64_insn_iprel(&in, addr + it->bundle * PVP_IA64_BUNDLE_SIZE, r) == 0)
        return 0;
    return r[0].target == end ? 1 : r[0].target;
}

/* What a movl loads, for comparing: an address inside the region (or its
 * end) counts as the instruction it refers to, anything else as itself. */
static uint64_t movl_meaning(const pvp_ia64_item *items, size_t n, size_t i, uint64_t start, size_t len)
{
    uint64_t imm = movl_imm(&items[i]);
    if (imm - start > len)
        return imm;
    return UINT64_C(1) << 63 | referred_item(items, n, start, imm);
}

/* The instruction bits that must agree: displacements compare as targets,
 * movl of places in the region as the instruction they refer to. */
static int same_item(const pvp_ia64_item *x, uint64_t tx, uint64_t mx, const pvp_ia64_item *y,
                     uint64_t ty, uint64_t my)
{
    if (x->op != y->op || x->stop != y->stop || tx != ty)
        return 0;
    if (x->op->format == FMT_X2)
        return mx == my && movl_reg(x) == movl_reg(y) && ((x->bits ^ y->bits) & PVP_IA64_QP_MASK) == 0;
    if (tx)
        return 1;                              /* same row and target: the rest is hints */
    return x->bits == y->bits && x->lbits == y->lbits;
}

int pvp_ia64_same_code(const uint8_t *a, uint64_t addr_a, size_t len_a, const uint8_t *b,
                       uint64_t addr_b, size_t len_b)
{
    pvp_ia64_item ia[MAX_ITEMS], ib[MAX_ITEMS];
    size_t na, nb;
    if (pvp_ia64_items_read(a, len_a, addr_a + len_a, ia, MAX_ITEMS, &na) ||
        pvp_ia64_items_read(b, len_b, addr_b + len_b, ib, MAX_ITEMS, &nb) || na != nb)
        return PVP_E_VERIFY;
    for (size_t i = 0; i < na; i++) {
        int movl = ia[i].op->format == FMT_X2;
        uint64_t ma = movl ? movl_meaning(ia, na, i, addr_a, len_a) : 0;
        uint64_t mb = movl ? movl_meaning(ib, nb, i, addr_b, len_b) : 0;
        if (!same_item(&ia[i], item_target(addr_a, &ia[i], addr_a + len_a), ma, &ib[i],
                       item_target(addr_b, &ib[i], addr_b + len_b), mb))
            return PVP_E_VERIFY;
    }
    return PVP_OK;
}

int pvp_ia64_writes(const uint8_t *code, size_t len, uint64_t gr[2], uint32_t *br)
{
    for (size_t off = 0; off + PVP_IA64_BUNDLE_SIZE <= len; off += PVP_IA64_BUNDLE_SIZE) {
        pvp_ia64_bundle b;
        pvp_ia64_insn in[3];
        int rc = pvp_ia64_bundle_unpack(code + off, &b);
        if (!rc)
            rc = pvp_ia64_decode_bundle(&b, in);
        if (!rc)
            rc = pvp_ia64_insns_writes(in, gr, br);
        if (rc)
            return rc;
    }
    return PVP_OK;
}
