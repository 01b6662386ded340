/* Site code from templates: the instructions of a template (assembled with
 * the placeholder registers r120-r124) get the site's registers and
 * predicate, are bundled anew at the site, and the rest of the site is
 * filled. Also what a region writes and whether two regions agree. */
#include "pvpatch/arch.h"
#include "formats.h"

#define MAX_ITEMS   48                  /* 16 bundles of 3 slots */
#define MAX_BUNDLES 16
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

static int has_bit(const uint64_t m[2], unsigned n)
{
    return (m[n / 64] >> (n % 64)) & 1;
}

/* Does the field with this tag get written? By the syntax: operands before
 * '=' are written, a base register in brackets only when it is updated
 * afterwards (post-increment: "]," or a store's "=%b,"). */
static int field_written(const pvp_ia64_opcode *op, char tag)
{
    const char *s = op->syntax;
    int before_eq = 0, in_bracket = 0;
    for (const char *p = s; *p; p++)
        before_eq |= *p == '=';                 /* no '=': nothing is written (itc.d r, fc r) */
    for (; *s; s++) {
        if (*s == '=')
            before_eq = 0;
        else if (*s == '[')
            in_bracket = 1;
        else if (*s == ']')
            in_bracket = 0;
        else if (*s == '%' && s[1] == tag) {
            if (!in_bracket)
                return before_eq;
            for (const char *p = op->syntax; *p; p++)
                if ((p[0] == ']' && p[1] == ',') || (p[0] == '=' && p[1] == '%' && p[2] == 'b' && p[3] == ','))
                    return 1;
            return 0;
        }
    }
    return 0;
}

void pvp_ia64_item_writes(const pvp_ia64_item *it, uint64_t gr[2], uint32_t *br, uint64_t *pr)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(it->op);
    for (unsigned i = 0; i < fmt->nfields; i++) {
        const pvp_ia64_field *f = &fmt->field[i];
        if (!field_written(it->op, f->tag))
            continue;
        uint64_t v = pvp_ia64_field_get(f, it->bits, it->lbits);
        if (f->kind == PVP_IA64_K_GR && v)
            set_bit(gr, (unsigned)v);
        else if (f->kind == PVP_IA64_K_BR && br)
            *br |= 1u << v;
        else if (f->kind == PVP_IA64_K_PR && pr)
            *pr |= UINT64_C(1) << v;
    }
}

/* The predicate placeholder as an instruction's qualifying predicate (the
 * second half of a test on the predicate clobber) becomes the site's. */
static int substitute_pred(uint64_t *bits, const pvp_code_req *req, pvp_code_result *res)
{
    if (!req->pclob) {
        res->why = "a predicate clobber";
        res->reg = -1;
        return 1;
    }
    *bits = (*bits & ~(uint64_t)PVP_IA64_QP_MASK) | req->pclob;
    return 0;
}

/* Give one instruction the site's registers and predicate. */
static int substitute(pvp_ia64_item *it, const pvp_code_req *req, pvp_code_result *res)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(it->op);
    if (req->qp && !fmt->has_qp) {
        /* rfi, cover, bsw: inline they would run whatever the predicate */
        res->why = "an instruction of the code cannot be predicated (the site has a qualifying predicate)";
        res->reg = -1;
        return PVP_E_UNSUPPORTED;
    }
    if (fmt->has_qp && (it->bits & PVP_IA64_QP_MASK) == 0)
        it->bits |= req->qp;
    else if (fmt->has_qp && (it->bits & PVP_IA64_QP_MASK) == PH_PRED && substitute_pred(&it->bits, req, res))
        return PVP_E_BAD_REGISTER;
    for (unsigned i = 0; i < fmt->nfields; i++) {
        const pvp_ia64_field *f = &fmt->field[i];
        uint64_t v = pvp_ia64_field_get(f, it->bits, it->lbits);
        if (f->kind == PVP_IA64_K_PR && v == PH_PRED) {
            uint64_t qp = req->pclob;
            if (!qp) {
                res->why = "a predicate clobber";
                res->reg = -1;
                return PVP_E_BAD_REGISTER;
            }
            int rc = pvp_ia64_field_set(f, &it->bits, &it->lbits, qp);
            if (rc)
                return rc;
            continue;
        }
        if (f->kind != PVP_IA64_K_GR || v < PH_FIRST || v >= PH_FIRST + PH_COUNT)
            continue;
        unsigned ph = (unsigned)(v - PH_FIRST), reg = req->regs[ph];
        int is_value = ph == 1 || ph == 2;      /* r0 is a fine value; a result or clobber r0 is "none" */
        if (reg == 0 && !is_value) {
            res->why = placeholder_role[ph];
            res->reg = -1;
            return PVP_E_BAD_REGISTER;
        }
        int rc = pvp_ia64_field_set(f, &it->bits, &it->lbits, reg);
        if (rc)
            return rc;
    }
    return PVP_OK;
}

/* Only the registers the site allows may be written. */
static int check_writes(const pvp_ia64_item *it, const pvp_code_req *req, pvp_code_result *res)
{
    uint64_t gr[2] = { 0, 0 }, pr = 0;
    uint32_t br = 0;
    pvp_ia64_item_writes(it, gr, &br, &pr);
    for (unsigned n = 1; n < 128; n++)
        if (has_bit(gr, n) && !has_bit(req->allowed_gr, n)) {
            res->why = "it writes a general register the site does not allow";
            res->reg = (int)n;
            return PVP_E_BAD_REGISTER;
        }
    if (br & ~req->allowed_br) {
        res->why = "it writes a branch register the site does not allow";
        res->reg = -1;
        return PVP_E_BAD_REGISTER;
    }
    if (pr & ~(UINT64_C(1) | UINT64_C(1) << req->pclob)) {
        res->why = "it writes predicates the site does not allow";
        res->reg = -1;
        return PVP_E_BAD_REGISTER;
    }
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

static uint64_t movl_imm(const pvp_ia64_item *it)
{
    pvp_ia64_bundle b = { 4, { 0, it->lbits, it->bits } };
    uint64_t imm = 0;
    pvp_ia64_movl_get(&b, 2, &imm, NULL);
    return imm;
}

static unsigned movl_reg(const pvp_ia64_item *it)
{
    pvp_ia64_bundle b = { 4, { 0, it->lbits, it->bits } };
    uint64_t imm;
    unsigned reg = 0;
    pvp_ia64_movl_get(&b, 2, &imm, &reg);
    return reg;
}

static int set_movl_imm(pvp_ia64_item *it, uint64_t imm)
{
    pvp_ia64_bundle b = { 4, { 0, it->lbits, it->bits } };
    int rc = pvp_ia64_movl_set(&b, 2, imm);
    it->lbits = b.slot[1];
    it->bits = b.slot[2];
    return rc;
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

/* Read the template, give it the site's registers, check what it writes. */
static int prepare(const pvp_code_req *req, pvp_ia64_item *items, size_t *n, uint64_t *targets,
                   long *refs, pvp_code_result *res)
{
    uint64_t tend = req->tmpl_addr + req->tmpl_size;
    int rc = pvp_ia64_items_read(req->tmpl, (size_t)req->tmpl_size, tend, items, MAX_ITEMS, n);
    if (rc) {
        res->why = "the template does not decode";
        return rc;
    }
    find_self_refs(items, *n, req->tmpl_addr, req->tmpl_size, refs);
    for (size_t i = 0; i < *n; i++) {
        /* IP-relative targets keep their addresses; the template's end
         * becomes the site's end; targets inside the template are refused. */
        pvp_ia64_bundle b;
        pvp_ia64_bundle_unpack(req->tmpl + items[i].bundle * PVP_IA64_BUNDLE_SIZE, &b);
        pvp_ia64_iprel r[2];
        unsigned nr = pvp_ia64_iprel_list(&b, items[i].slot,
                                          req->tmpl_addr + items[i].bundle * PVP_IA64_BUNDLE_SIZE, r);
        targets[i] = nr ? r[0].target : 0;
        if (nr > 1 || (nr && targets[i] - req->tmpl_addr < req->tmpl_size)) {
            res->why = "the template branches inside itself";
            return PVP_E_UNSUPPORTED;
        }
        if (nr && targets[i] == tend)
            targets[i] = req->at + req->room;
        rc = substitute(&items[i], req, res);
        if (!rc)
            rc = check_writes(&items[i], req, res);
        if (rc) {
            if (!res->why)
                res->why = "a register does not fit its field";
            return rc;
        }
    }
    return PVP_OK;
}

static int put_filler(pvp_ia64_bundle *b, size_t first, size_t count, uint64_t at, uint64_t end,
                      pvp_code_result *res)
{
    for (size_t k = 0; k < count; k++) {
        b[first + k].tmpl = 0x00;                               /* MII, no stop */
        for (unsigned s = 0; s < 3; s++)
            pvp_ia64_put_nop(&b[first + k], s);
    }
    res->skip = count >= SKIP_MIN_BUNDLES;
    if (!res->skip)
        return PVP_OK;
    pvp_ia64_bundle *j = &b[first];
    j->tmpl = 0x10;                                             /* MIB */
    pvp_ia64_put_nop(j, 2);
    return pvp_ia64_put_branch(j, 2, at + first * PVP_IA64_BUNDLE_SIZE, end, 0);
}

int pvp_ia64_site_code(const pvp_code_req *req, uint8_t *out, pvp_code_result *res)
{
    pvp_ia64_item items[MAX_ITEMS];
    uint64_t targets[MAX_ITEMS];
    long refs[MAX_ITEMS];
    pvp_ia64_bundle b[MAX_BUNDLES];
    size_t n, used;
    size_t room = (size_t)(req->room / PVP_IA64_BUNDLE_SIZE);
    *res = (pvp_code_result){ 0, 0, 0, NULL, -1 };
    if (req->room % PVP_IA64_BUNDLE_SIZE || req->at % PVP_IA64_BUNDLE_SIZE || room > MAX_BUNDLES)
        return PVP_E_MISALIGNED;
    int rc = prepare(req, items, &n, targets, refs, res);
    if (rc)
        return rc;
    rc = pvp_ia64_bundle_items(items, n, b, room, &used);
    if (rc) {
        res->why = rc == PVP_E_NO_SPACE ? "the code needs more bundles than the site has"
                                        : "the code cannot be bundled";
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        if (refs[i] >= 0) {
            uint64_t to = (size_t)refs[i] < n ? req->at + items[refs[i]].bundle * PVP_IA64_BUNDLE_SIZE
                                              : req->at + req->room;
            set_movl_imm(&items[i], to);
            b[items[i].bundle].slot[1] = items[i].lbits;
            b[items[i].bundle].slot[2] = items[i].bits;
        }
        if (!targets[i])
            continue;
        uint64_t ip = req->at + items[i].bundle * PVP_IA64_BUNDLE_SIZE;
        rc = pvp_ia64_iprel_set(&b[items[i].bundle], items[i].slot, 0, ip, targets[i]);
        if (rc) {
            res->why = "a branch of the code does not reach its target from the site";
            return rc;
        }
    }
    rc = put_filler(b, used, room - used, req->at, req->at + req->room, res);
    if (rc)
        return rc;
    for (size_t k = 0; k < room; k++)
        pvp_ia64_bundle_pack(&b[k], out + k * PVP_IA64_BUNDLE_SIZE);
    res->used = used * PVP_IA64_BUNDLE_SIZE;
    res->filler = req->room - res->used;
    return PVP_OK;
}

/* An item's IP-relative target, or 0; references to `end` become 1 so that
 * two regions compare relative to their ends. */
static uint64_t item_target(const uint8_t *code, uint64_t addr, const pvp_ia64_item *it, uint64_t end)
{
    pvp_ia64_bundle b;
    pvp_ia64_iprel r[2];
    pvp_ia64_bundle_unpack(code + it->bundle * PVP_IA64_BUNDLE_SIZE, &b);
    if (pvp_ia64_iprel_list(&b, it->slot, addr + it->bundle * PVP_IA64_BUNDLE_SIZE, r) == 0)
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
        if (!same_item(&ia[i], item_target(a, addr_a, &ia[i], addr_a + len_a), ma, &ib[i],
                       item_target(b, addr_b, &ib[i], addr_b + len_b), mb))
            return PVP_E_VERIFY;
    }
    return PVP_OK;
}

int pvp_ia64_writes(const uint8_t *code, size_t len, uint64_t gr[2], uint32_t *br)
{
    pvp_ia64_item items[MAX_ITEMS];
    size_t n;
    int rc = pvp_ia64_items_read(code, len, 0, items, MAX_ITEMS, &n);
    for (size_t i = 0; !rc && i < n; i++)
        pvp_ia64_item_writes(&items[i], gr, br, NULL);
    return rc;
}
