/* Boot-time patching of pv operation sites, as a walk over the site table:
 * for each live site, check that its code is what its record says, choose
 * the best form the policy allows for the new mode, lay that form's
 * template out at the site. Then point the live ops table at the mode's
 * stubs. As in install.c the same walk runs twice, as a plan that writes
 * nothing and then as the commit; sites do not overlap and each is rebuilt
 * from templates outside every site, so the commit cannot fail halfway. */
#include "pvpatch/patch.h"
#include "engine/bytes.h"
#include "engine/extent.h"
#include "engine/plan.h"

#define MAX_SITE 256                     /* bytes: 16 IA-64 bundles */

typedef struct patch_ctx {
    const pvp_image *img;
    const pvp_patch_req *req;
    const pvp_arch *arch;
    const pvp_mode *mode;                /* the mode to patch to */
    pvp_site_table sites;
    pvp_template_table templates;        /* the new mode's */
    int commit;
    pvp_patch_report *rep;
    pvp_error *err;
    /* the call registers of the last (mode, op) asked: a site asks for its
     * current mode's and the new mode's, each some times over */
    const pvp_mode *call_mode;
    unsigned call_op;
    uint64_t call_gr[2];
} patch_ctx;

static int fail(patch_ctx *c, int status, uint64_t addr, const char *what)
{
    if (c->err)
        *c->err = (pvp_error){ status, addr, -1, 0, what };
    return status;
}

static const pvp_mode *find_mode(const pvp_patch_req *req, uint32_t id)
{
    for (size_t k = 0; k < req->nmodes; k++)
        if (req->modes[k].id == id)
            return &req->modes[k];
    return NULL;
}

static void add_bit(uint64_t m[2], unsigned n)
{
    if (n)
        m[n / 64] |= UINT64_C(1) << (n % 64);
}

/* The template table of mode m: the new mode's is looked up once. */
static pvp_template_table templates_of(const patch_ctx *c, const pvp_mode *m)
{
    return m == c->mode ? c->templates : pvp_template_table_of(c->img, m);
}

/* The registers a call of op clobbers in mode m (pvp_call_registers), remembered. */
static const uint64_t *call_registers(patch_ctx *c, const pvp_mode *m, unsigned op)
{
    if (c->call_mode != m || c->call_op != op) {
        pvp_template_table tt = templates_of(c, m);
        pvp_template_call_registers(&tt, c->arch, op, c->call_gr);
        c->call_mode = m, c->call_op = op;
    }
    return c->call_gr;
}

/* What a site's code may write: its result and clobbers; the registers of
 * the call convention when it was built as a call (C, or B in one piece),
 * since that code clobbers them already; what the template restores itself. */
static void allowed_registers(patch_ctx *c, const pvp_mode *m, const pvp_site *s, const pvp_template *t,
                              pvp_code_req *r)
{
    r->allowed_gr[0] = t->keeps;
    r->allowed_gr[1] = 0;
    r->allowed_br = 0;
    add_bit(r->allowed_gr, s->regs[0]);
    add_bit(r->allowed_gr, s->regs[3]);
    add_bit(r->allowed_gr, s->regs[4]);
    add_bit(r->allowed_gr, s->regs[5]);
    if (pvp_site_built_as_call(s)) {
        const uint64_t *call = call_registers(c, m, s->op);
        r->allowed_gr[0] |= call[0];
        r->allowed_gr[1] |= call[1];
        r->allowed_br = c->arch->call_br;
    }
}

/* The k-th (from 0) lowest register of a mask, or 0. */
static unsigned nth_register(uint32_t mask, unsigned k)
{
    for (unsigned n = 1; n < 32; n++)
        if (((mask >> n) & 1) && k-- == 0)
            return n;
    return 0;
}

/* A register the template writes beyond the site's operands (xen's r8
 * around a hyperprivop, which it saves and restores) that the site names
 * as its result or a clobber, or -1: the restore would undo the result, or
 * the code would overwrite a clobber it keeps a value in. The code saves
 * its k-th kept register in clobber k, which may be that register itself. */
static int kept_site_register(const pvp_site *s, const pvp_template *t)
{
    static const unsigned roles[] = { 0, 3, 4, 5 };    /* result, clobbers 1-3 */
    for (unsigned k = 0; k < 4; k++) {
        unsigned reg = s->regs[roles[k]];
        int self = k > 0 && k <= t->nkept && reg == nth_register(t->keeps, k - 1);
        if (reg && reg < 32 && ((t->keeps >> reg) & 1) && !self)
            return (int)reg;
    }
    return -1;
}

/* Where a live site's code is: its part at addr and, for a split site, its
 * out-of-line part (ool_len 0 for a site in one piece). */
typedef struct site_place {
    uint64_t at, len;
    uint64_t ool, ool_len;
} site_place;

/* Lay out the template of (form, mode m) for site s at `at` in `room` bytes,
 * going on at `exit` (0: the end of the room): `fresh` code for a form the
 * site is to get, or the code it holds now. */
static int code_for(patch_ctx *c, const pvp_site *s, uint64_t at, uint64_t room, uint64_t exit, const pvp_mode *m,
                    unsigned form, int fresh, uint8_t *out, pvp_code_result *res)
{
    pvp_template t;
    pvp_template_table tt = templates_of(c, m);
    *res = (pvp_code_result){ 0, 0, 0, NULL, -1 };
    if (pvp_template_get(&tt, s->op, form, &t, NULL)) {
        res->why = "the mode has no code for this form of the operation";
        return PVP_E_UNKNOWN_OP;
    }
    /* code already there was checked when it was built; a call's keeps are its registers */
    int kept = fresh && form == PVP_FORM_A ? kept_site_register(s, &t) : -1;
    if (kept >= 0) {
        res->why = "the mode's code saves and restores it, so it cannot be the site's result or clobber";
        res->reg = kept;
        return PVP_E_BAD_REGISTER;
    }
    if (s->phys && !c->req->vtop) {
        res->why = "its code runs with data translation off and the request gives no vtop";
        return PVP_E_TRANSLATE;
    }
    pvp_code_req r = { t.bytes, t.code, t.end - t.code, s->qp,
                       { s->regs[0], s->regs[1], s->regs[2], s->regs[3], s->regs[4], s->regs[5] },
                       s->pclob, { 0, 0 }, 0, at, room, c->req->cache, c->req->cache_size,
                       s->phys ? c->req->vtop : NULL, c->req->vtop_ctx, exit };
    allowed_registers(c, m, s, &t, &r);
    return c->arch->site_code(&r, out, res);
}

/* `room` bytes at `at` that branch to `to` under the site's predicate. */
static int jump(patch_ctx *c, const pvp_site *s, uint64_t at, uint64_t room, uint64_t to, uint8_t *out)
{
    static const uint8_t none[1];
    pvp_code_result res;
    pvp_code_req r = { none, at, 0, s->qp, { 0 }, 0, { 0, 0 }, 0, at, room, NULL, 0, NULL, NULL, to };
    return c->arch->site_code(&r, out, &res);
}

/* Lay out (form, mode m) at a site's place, both parts of a split site: A
 * at addr, the out-of-line part only branching back; B the mode's code out
 * of line; C the call out of line; at addr a jump there for B and C. The
 * result (filler, reason) is that of the part holding the code. */
static int lay_out(patch_ctx *c, const pvp_site *s, const site_place *p, const pvp_mode *m, unsigned form,
                   int fresh, uint8_t *in, uint8_t *ool, pvp_code_result *res)
{
    if (!p->ool_len)
        return code_for(c, s, p->at, p->len, 0, m, form, fresh, in, res);
    uint64_t back = p->at + p->len;
    if (form == PVP_FORM_A) {
        int rc = code_for(c, s, p->at, p->len, 0, m, form, fresh, in, res);
        return rc ? rc : jump(c, s, p->ool, p->ool_len, back, ool);
    }
    int rc = code_for(c, s, p->ool, p->ool_len, back, m, form == PVP_FORM_B ? PVP_FORM_A : form, fresh, ool, res);
    return rc ? rc : jump(c, s, p->at, p->len, p->ool, in);
}

static int same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    return pvp_first_difference(a, b, 0, n) == n;
}

/* One part of a site holds its layout `want` (laid out in `room` bytes):
 * the same bytes, or failing that the same instructions. */
static int same_part(patch_ctx *c, const uint8_t *want, size_t room, const uint8_t *now, uint64_t at, size_t len)
{
    return (room == len && same_bytes(want, now, len)) || c->arch->same_code(want, at, room, now, at, len) == PVP_OK;
}

/* The code now at a site must be what its record says it is: the same
 * bytes as its layout, or failing that the same instructions. */
static int check_current(patch_ctx *c, const pvp_site *s, const site_place *p, const uint8_t *now,
                         const uint8_t *now_ool, unsigned *form, unsigned *mode)
{
    *form = s->cur_form ? s->cur_form : s->form;
    *mode = s->cur_form ? s->cur_mode : s->mode;
    const pvp_mode *m = *form == PVP_FORM_C && *mode == 0 ? c->mode : find_mode(c->req, *mode);
    uint8_t expected[MAX_SITE], expected_ool[MAX_SITE];
    pvp_code_result res;
    if (!m)
        return fail(c, PVP_E_UNKNOWN_OP, s->record, "site holds code of a mode the image has no record of");
    if (c->commit)
        return PVP_OK;                 /* the plan checked these very bytes: no earlier site overlaps them */
    /* In the site's room, or in all the room there is: GNU as may have
     * packed the code tighter than the patcher lays it out, and only the
     * instructions count. */
    site_place more = *p;
    int rc = lay_out(c, s, p, m, *form, 0, expected, expected_ool, &res);
    if (rc == PVP_E_NO_SPACE) {
        /* the part that holds the code gets all the room there is */
        if (p->ool_len && *form != PVP_FORM_A)
            more.ool_len = MAX_SITE;
        else
            more.len = MAX_SITE;
        rc = lay_out(c, s, &more, m, *form, 0, expected, expected_ool, &res);
    }
    if (rc)
        return fail(c, rc, s->record, res.why ? res.why : "the site's own code cannot be rebuilt from its record");
    if (!same_part(c, expected, (size_t)more.len, now, p->at, (size_t)p->len) ||
        (p->ool_len && !same_part(c, expected_ool, (size_t)more.ool_len, now_ool, p->ool, (size_t)p->ool_len)))
        return fail(c, PVP_E_STALE, p->at, "site code is not what its record says");
    return PVP_OK;
}

/* The forms to try, best first. */
static unsigned candidates(int policy, const pvp_site *s, unsigned out[3])
{
    static const unsigned best[] = { PVP_FORM_A, PVP_FORM_B, PVP_FORM_C };
    static const unsigned direct[] = { PVP_FORM_B, PVP_FORM_C, PVP_FORM_A };
    if (policy == PVP_POLICY_KEEP) {
        out[0] = s->form;
        return 1;
    }
    for (unsigned k = 0; k < 3; k++)
        out[k] = policy == PVP_POLICY_DIRECT ? direct[k] : best[k];
    return 3;
}

/* Why form f was passed over, kept for the report (A and B only). */
static void note_refusal(pvp_site_result *r, unsigned f, int rc, const pvp_code_result *res)
{
    const char *why = res->why ? res->why : "no code";
    if (f == PVP_FORM_A) {
        r->why_not_a = why;
        r->why_reg = res->reg;
    } else if (f == PVP_FORM_B) {
        r->why_not_b = rc == PVP_E_OUT_OF_RANGE ? "the mode's stub is out of branch range of the site (21-bit, +-16 MiB)"
                                                : why;
    }
}

/* Why form f cannot be tried at site s at all, or NULL. Calls (B in one
 * piece, C) need the call registers free: only where the site was built
 * as one. A split site's B is its mode's code out of line: no call. */
static const char *form_refused(const patch_ctx *c, const pvp_site *s, unsigned f)
{
    if (f == PVP_FORM_A)
        return NULL;
    if (s->form == PVP_FORM_A)
        return "built inline: the call registers are not free there";
    if (f == PVP_FORM_C && s->ool && s->form != PVP_FORM_C)
        return "built with its code out of line, not as a call: the call registers are not free there";
    if (f == PVP_FORM_C && !c->mode->live)
        return "the mode has no live ops table";
    return NULL;
}

/* Choose the form for the site and lay it out in `in` (and `ool`). A site
 * left as C says why it is not B, whatever the policy. */
static int choose(patch_ctx *c, const pvp_site *s, const site_place *p, unsigned cur_form, unsigned cur_mode,
                  uint8_t *in, uint8_t *ool, pvp_site_result *r)
{
    unsigned forms[3], n = candidates(c->req->policy, s, forms);
    const char *why = "no form fits";
    for (unsigned k = 0; k < n; k++) {
        unsigned f = forms[k];
        pvp_code_result res;
        const char *refused = form_refused(c, s, f);
        if (refused) {
            why = refused;
            continue;
        }
        int rc = lay_out(c, s, p, c->mode, f, 1, in, ool, &res);
        if (rc == PVP_E_NO_SPACE && f == cur_form && c->mode->id == cur_mode)
            rc = PVP_OK;                /* what the site holds already: kept as it is (patch_site) */
        if (rc == PVP_OK) {
            r->to_form = (uint8_t)f;
            r->filler = res.filler;
            r->skip = res.skip;
            if (f == PVP_FORM_C && c->req->policy == PVP_POLICY_KEEP)
                r->why_not_b = "the keep policy leaves the site in the form it was built in";
            return PVP_OK;
        }
        why = res.why ? res.why : "no code";
        note_refusal(r, f, rc, &res);
    }
    return fail(c, PVP_E_NO_FIT, p->at, r->why_not_a ? r->why_not_a : why);
}

/* No two live sites may share a byte: the commit rewrites each one from
 * what the plan saw. Their extents, sorted, are checked pairwise in order. */
static int check_overlaps(patch_ctx *c)
{
    pvp_extent *e = pvp_work_extents(c->req);
    size_t n;
    if (!e)
        return fail(c, PVP_E_NO_SPACE, c->req->sites, "no work space for the site table (pvp_patch_work_size)");
    pvp_live_extents(c->img, c->req, e, &n);
    for (size_t k = 1; k < n; k++)
        if (e[k].at < e[k - 1].at + e[k - 1].len)
            return fail(c, PVP_E_OVERLAP, c->req->sites + (uint64_t)e[k].index * PVP_SITE_RECSIZE,
                        "two sites overlap");
    return PVP_OK;
}

static void write_state(patch_ctx *c, const pvp_site *s, unsigned form)
{
    uint8_t *r = c->sites.bytes ? c->sites.bytes + (s->record - c->sites.addr) : NULL;
    if (r) {
        r[PVP_SITE_OFF_CUR_FORM] = (uint8_t)form;
        r[PVP_SITE_OFF_CUR_MODE] = (uint8_t)c->mode->id;
        return;
    }
    pvp_image_write_le(c->img, s->record + PVP_SITE_OFF_CUR_FORM, 1, form);
    pvp_image_write_le(c->img, s->record + PVP_SITE_OFF_CUR_MODE, 1, c->mode->id);
}

/* Where a live site's parts are in the image, as writable code. */
static int place_of(patch_ctx *c, const pvp_site *s, uint64_t at, site_place *p, uint8_t **now, uint8_t **now_ool)
{
    *p = (site_place){ at, s->end - s->addr, 0, 0 };
    *now_ool = NULL;
    if (s->ool) {
        if (pvp_site_ool_at(s, c->req->set, c->req->count, at, &p->ool))
            return fail(c, PVP_E_OUTSIDE_IMAGE, s->record, "the site's out-of-line part is not in its instance");
        p->ool_len = s->ool_end - s->ool;
        *now_ool = pvp_image_at(c->img, p->ool, p->ool_len);
        if (!*now_ool || !(pvp_image_range(c->img, p->ool)->flags & PVP_RANGE_EXEC))
            return fail(c, PVP_E_OUTSIDE_IMAGE, s->record, "site's out-of-line part outside the image's code");
    }
    *now = pvp_image_at(c->img, at, p->len);
    if (!*now || !(pvp_image_range(c->img, at)->flags & PVP_RANGE_EXEC))
        return fail(c, PVP_E_OUTSIDE_IMAGE, s->record, "site extent outside the image's code");
    return PVP_OK;
}

/* Write a part's new code (when committing); 1 if it changes. The plan
 * writes nothing and counts nothing (the commit's walk makes the report). */
static int put_part(patch_ctx *c, uint8_t *now, const uint8_t *code, uint64_t at, uint64_t len, int keep)
{
    if (!c->commit)
        return 0;
    int changed = !keep && !same_bytes(now, code, (size_t)len);
    if (c->commit && changed) {
        __builtin_memcpy(now, code, (size_t)len);     /* (inline, or the kernel's memcpy) */
        if (c->req->flush)
            c->req->flush(c->req->flush_ctx, at, len);
    }
    return changed;
}

/* Is record j another body of the block at s's place? */
static int same_block(patch_ctx *c, size_t j, const pvp_site *s, pvp_site *out)
{
    return pvp_site_get(&c->sites, j, out, NULL) == PVP_OK && out->form == PVP_FORM_BLOCK &&
           out->addr == s->addr;
}

/* The records of the block of record i: a block's bodies are recorded
 * together, [*first, *last]. */
static void block_records(patch_ctx *c, size_t i, const pvp_site *s, size_t *first, size_t *last)
{
    pvp_site o;
    for (*first = i; *first > 0 && same_block(c, *first - 1, s, &o); --*first)
        ;
    for (*last = i; same_block(c, *last + 1, s, &o); ++*last)
        ;
}

/* A block's body of the running mode: the block's bundle jumps to it. It
 * must jump to one of the block's bodies now; the bodies never change. */
static int patch_block(patch_ctx *c, size_t i, const pvp_site *s, uint64_t at, pvp_site_result *r)
{
    size_t first, last;
    pvp_site o;
    block_records(c, i, s, &first, &last);
    if (pvp_site_idle(s, c->mode->id)) {
        int has = 0;
        for (size_t j = first; j <= last && !has; j++)
            has = same_block(c, j, s, &o) && o.mode == c->mode->id;
        if (!has)
            return fail(c, PVP_E_NO_FIT, at, "the block has no body for the mode");
        c->rep->idle++;
        r->why_not_a = "a body of another mode of the block";
        return PVP_OK;
    }
    site_place p;
    uint8_t *now, *body, code[MAX_SITE], was[MAX_SITE];
    int rc = place_of(c, s, at, &p, &now, &body);
    if (rc)
        return rc;
    int found = c->commit;               /* the plan checked it */
    for (size_t j = first; j <= last && !found; j++) {
        uint64_t body_at;
        found = same_block(c, j, s, &o) && pvp_site_ool_at(&o, c->req->set, c->req->count, at, &body_at) == PVP_OK &&
                jump(c, s, p.at, p.len, body_at, was) == PVP_OK &&
                same_part(c, was, (size_t)p.len, now, p.at, (size_t)p.len);
    }
    if (!found)
        return fail(c, PVP_E_STALE, at, "the block's bundle does not jump to one of its bodies");
    rc = jump(c, s, p.at, p.len, p.ool, code);
    if (rc)
        return fail(c, rc, at, "the block's body is out of branch range of its bundle");
    r->at = at;
    r->from_form = s->cur_form ? s->cur_form : PVP_FORM_B;
    r->from_mode = s->cur_form ? s->cur_mode : s->mode;
    r->to_form = PVP_FORM_B;
    c->rep->changed += (uint64_t)put_part(c, now, code, p.at, p.len, 0);
    c->rep->to_form[PVP_FORM_B]++;
    if (c->commit)
        write_state(c, s, PVP_FORM_B);
    return PVP_OK;
}

static int patch_site(patch_ctx *c, size_t i, pvp_site_result *r)
{
    pvp_site s;
    uint64_t at;
    int rc = pvp_site_get(&c->sites, i, &s, c->err);
    if (rc)
        return rc;
    *r = (pvp_site_result){ s.record, s.addr, s.op, s.form, s.mode, 0, 0, 0, NULL, -1, NULL };
    if (!pvp_site_live(&s, c->req->set, c->req->count, &at)) {
        c->rep->dead++;
        return PVP_OK;
    }
    if (s.form == PVP_FORM_BLOCK)
        return patch_block(c, i, &s, at, r);
    site_place p;
    uint8_t *now, *now_ool;
    rc = place_of(c, &s, at, &p, &now, &now_ool);
    if (rc)
        return rc;
    r->at = at;
    unsigned form, mode;
    uint8_t code[MAX_SITE], code_ool[MAX_SITE];
    rc = check_current(c, &s, &p, now, now_ool, &form, &mode);
    if (!rc)
        rc = choose(c, &s, &p, form, mode, code, code_ool, r);
    if (rc)
        return rc;
    r->from_form = (uint8_t)form;
    r->from_mode = (uint8_t)mode;
    /* already this code: keep its layout, write nothing */
    int keep = r->to_form == form && c->mode->id == mode;
    int changed = put_part(c, now, code, p.at, p.len, keep);
    if (p.ool_len)
        changed |= put_part(c, now_ool, code_ool, p.ool, p.ool_len, keep);
    c->rep->changed += (uint64_t)changed;
    c->rep->to_form[r->to_form]++;
    c->rep->filler_bytes += r->filler;
    c->rep->skips += (uint64_t)r->skip;
    if (c->commit)
        write_state(c, &s, r->to_form);
    return PVP_OK;
}

/* C sites call through the live table: it gets the mode's stubs. */
static int point_live_table(patch_ctx *c)
{
    const pvp_mode *m = c->mode;
    if (!m->live)
        return PVP_OK;
    if (!(pvp_image_range(c->img, m->live)->flags & PVP_RANGE_WRITE) && !c->commit)
        return fail(c, PVP_E_OUTSIDE_IMAGE, m->live, "live ops table is not in writable data");
    for (uint32_t op = 1; op < m->nops; op++) {
        uint64_t stub;
        pvp_image_read_le(c->img, m->ops + 8 * (uint64_t)op, 8, &stub);
        if (c->commit)
            pvp_image_write_le(c->img, m->live + 8 * (uint64_t)op, 8, stub);
        c->rep->live_entries++;
    }
    return PVP_OK;
}

static void count_freeable(patch_ctx *c)
{
    for (size_t k = 0; k < c->req->nmodes; k++) {
        const pvp_mode *m = &c->req->modes[k];
        pvp_template_table tt = pvp_template_table_of(c->img, m);
        c->rep->freeable += PVP_MODE_RECSIZE + (m->tmpl_end - m->tmpl);
        for (uint64_t off = 0; tt.bytes && off + PVP_TMPL_RECSIZE <= m->tmpl_end - m->tmpl; off += PVP_TMPL_RECSIZE)
            c->rep->freeable += pvp_le64(tt.bytes + off + PVP_TMPL_OFF_END) - pvp_le64(tt.bytes + off + PVP_TMPL_OFF_CODE);
    }
}

static int walk(void *ctx, int commit)
{
    patch_ctx *c = ctx;
    c->commit = commit;
    size_t n = c->sites.count;
    *c->rep = (pvp_patch_report){ .sites = n };
    for (size_t i = 0; i < n; i++) {
        pvp_site_result scratch, *r = i < c->req->max_results ? &c->req->results[i] : &scratch;
        int rc = patch_site(c, i, r);
        if (rc)
            return rc;
    }
    return point_live_table(c);
}

/* Does the instance have a vtop fixup? */
static int has_vtop(const pvp_image *img, const pvp_instance *i)
{
    pvp_fixup_list l = pvp_fixup_list_of(img, i);
    for (size_t k = 0; k < l.count; k++) {
        pvp_fixup f;
        if (pvp_fixup_get(&l, k, &f, NULL) == PVP_OK && f.kind == PVP_FIX_VTOP_MOVL)
            return 1;
    }
    return 0;
}

/* An instance that runs where it was built still needs its install: its
 * LOAD_PHYSICAL loads stay virtual until then. Patching its sites first is
 * how head code would forget it, so that is refused. */
static int check_installed(patch_ctx *c)
{
    const pvp_patch_req *r = c->req;
    for (size_t k = 0; k < r->count; k++) {
        const pvp_instance *i = &r->set[k];
        int taken = 0;
        for (size_t o = 0; o < r->count; o++)
            taken |= r->set[o].canonical == i->canonical && (r->set[o].flags & PVP_INSTANCE_F_INSTALLED);
        if (i->copy == i->canonical && !taken && has_vtop(c->img, i))
            return fail(c, PVP_E_NOT_INSTALLED, i->record,
                        "instance in place was never installed: its vtop fixups are not applied (install it first)");
    }
    return PVP_OK;
}

int pvp_patch(const pvp_image *img, const pvp_patch_req *req, pvp_patch_report *report,
              pvp_error *err)
{
    pvp_patch_report scratch;
    patch_ctx c = { .img = img, .req = req, .arch = req->arch, .mode = find_mode(req, req->mode),
                    .sites = pvp_site_table_of(img, req->arch, req->sites, req->sites_size),
                    .rep = report ? report : &scratch, .err = err };
    if (!c.arch->site_code || !c.arch->same_code)
        return fail(&c, PVP_E_UNSUPPORTED, 0, "this architecture has no site patching");
    if (!c.mode)
        return fail(&c, PVP_E_UNKNOWN_OP, 0, "no mode record for the requested mode");
    c.templates = pvp_template_table_of(img, c.mode);
    if (req->sites_size % PVP_SITE_RECSIZE)
        return fail(&c, PVP_E_TRUNCATED, req->sites, "site table is not a whole number of records");
    if (req->policy < PVP_POLICY_BEST || req->policy > PVP_POLICY_KEEP)
        return fail(&c, PVP_E_UNSUPPORTED, 0, "unknown policy");
    /* The cache starts empty: templates are read from this image only. */
    if (req->cache && c.arch->site_cache_clear)
        c.arch->site_cache_clear(req->cache, req->cache_size);
    int rc = check_installed(&c);
    if (!rc)
        rc = check_overlaps(&c);
    if (!rc)
        rc = pvp_plan_commit(walk, &c);
    if (rc)
        return rc;
    count_freeable(&c);
    return PVP_OK;
}
