/* Verification of an install, independent of the installer: it does not
 * transform anything, it decodes both sides and compares what they mean.
 * Outside references must reach the same absolute address, inside ones the
 * same offset; all other bits must be equal; every fixup must hold. */
#include "pvpatch/install.h"

typedef struct verify_ctx {
    const pvp_image *orig, *inst;
    const pvp_arch *arch;
    const pvp_instance *in;
    const pvp_instance *home;          /* the instance built in place in the slot, if another */
    uint64_t delta;
    pvp_mismatch *out;
    size_t max, count;
} verify_ctx;

static void mismatch(verify_ctx *v, uint64_t addr, int sub, const char *what, uint64_t expected,
                     uint64_t actual)
{
    if (v->count < v->max)
        v->out[v->count] = (pvp_mismatch){ addr, sub, what, expected, actual };
    v->count++;
}

static uint64_t expected_target(const verify_ctx *v, uint64_t target)
{
    return target - v->in->copy < v->in->size ? target + v->delta : target;
}

/* Does the fixup rewrite an address load (movl)? */
static int is_load(const pvp_fixup *f)
{
    return f->kind == PVP_FIX_VTOP_MOVL || f->kind == PVP_FIX_SELF_MOVL;
}

/* The position of a movl fixup inside the unit at `unit`, or -1. */
static int fixed_load_in(const verify_ctx *v, uint64_t unit, size_t len)
{
    size_t n = pvp_fixup_count(v->in);
    for (size_t k = 0; k < n; k++) {
        pvp_fixup f;
        if (pvp_fixup_read(v->orig, v->in, k, &f, NULL) == PVP_OK && is_load(&f) && f.where - unit < len)
            return (int)(f.where - unit);
    }
    return -1;
}

/* Does the instance in place keep the slot's bytes at offset off (RESIDENT)? */
static int kept(const verify_ctx *v, uint64_t off)
{
    uint64_t start, end;
    return v->home && v->in->copy != v->in->canonical &&
           pvp_fixup_resident_range(v->orig, v->home, off, &start, &end) && off >= start;
}

/* Resident bytes: the slot keeps the original's, and the installed
 * instance had none of its own there. */
static void verify_kept(verify_ctx *v, uint64_t off, uint64_t len)
{
    const uint8_t *was = pvp_image_at(v->orig, v->in->canonical + off, len);
    const uint8_t *now = pvp_image_at(v->inst, v->in->canonical + off, len);
    const uint8_t *mine = pvp_image_at(v->orig, v->in->copy + off, len);
    for (uint64_t k = 0; was && now && mine && k < len; k++)
        if (now[k] != was[k] || mine[k]) {
            mismatch(v, v->in->canonical + off + k, -1, "resident", was[k], now[k]);
            return;
        }
    if (!was || !now || !mine)
        mismatch(v, v->in->canonical + off, -1, "resident outside the image", 0, 0);
}

/* Does the original copy branch into the slot it is installed over, where the
 * installed code is its own at that offset rather than what it meant, and
 * the instance declares no entry there? */
static int leaves_into_slot(const verify_ctx *v, uint64_t target)
{
    uint64_t off = target - v->in->canonical;
    if (target - v->in->copy < v->in->size || off >= v->in->slot_size || off == 0 || kept(v, off))
        return 0;
    size_t n = pvp_fixup_count(v->in);
    for (size_t k = 0; k < n; k++) {
        pvp_fixup f;
        if (pvp_fixup_read(v->orig, v->in, k, &f, NULL) == PVP_OK && f.kind == PVP_FIX_ENTRY &&
            f.where - pvp_fixup_base(v->in) == off)
            return 0;
    }
    return 1;
}

static void verify_unit(verify_ctx *v, uint64_t off, size_t *len)
{
    uint64_t from = v->in->copy + off, to = v->in->canonical + off;
    uint64_t left = v->in->size - off;
    const uint8_t *a = pvp_image_at(v->orig, from, left), *b = pvp_image_at(v->inst, to, left);
    pvp_pcrel oa[PVP_MAX_PCREL], ob[PVP_MAX_PCREL];
    unsigned na, nb;
    size_t lb;
    *len = v->arch->code_align;
    if (!a || !b || v->arch->scan(a, (size_t)left, from, len, oa, &na, NULL, NULL) ||
        v->arch->scan(b, (size_t)left, to, &lb, ob, &nb, NULL, NULL) || lb != *len) {
        mismatch(v, to, -1, "undecodable", 0, 0);
        return;
    }
    int fixed = fixed_load_in(v, from, *len);
    uint64_t self = 0, now = 0;
    int scanned = fixed < 0 && pvp_scanned_self_load(v->arch, v->in, a, *len, &self);
    if (v->arch->same_except_pcrel(a, b, *len, scanned ? (int)v->arch->unit_load_sub : fixed))
        mismatch(v, to, -1, "instruction", 0, 0);
    /* an unrecorded self-reference of an instance that scans for them loads where its target went */
    if (scanned && (v->arch->load_imm_get(b, *len, v->arch->unit_load_sub, &now) || now != self + v->delta))
        mismatch(v, to, (int)v->arch->unit_load_sub, "self load", self + v->delta, now);
    if (na != nb) {
        mismatch(v, to, -1, "operand count", na, nb);
        return;
    }
    for (unsigned k = 0; k < na; k++) {
        if (ob[k].target != expected_target(v, oa[k].target))
            mismatch(v, to, oa[k].sub, "target", expected_target(v, oa[k].target), ob[k].target);
        else if (leaves_into_slot(v, oa[k].target))
            mismatch(v, to, oa[k].sub, "entry", oa[k].target, 0);
    }
}

/* A self-relative word must reach, from where it is now, what it reached. */
static void verify_rel32(verify_ctx *v, const pvp_fixup *f, uint64_t moved)
{
    uint64_t old = 0, now = 0;
    if (pvp_image_read_le(v->orig, f->where, 4, &old) || pvp_image_read_le(v->inst, moved, 4, &now)) {
        mismatch(v, moved, -1, "fixup outside image", 0, 0);
        return;
    }
    uint64_t meant = expected_target(v, f->where + (uint64_t)(int64_t)(int32_t)(uint32_t)old);
    uint64_t reaches = moved + (uint64_t)(int64_t)(int32_t)(uint32_t)now;
    if (reaches != meant)
        mismatch(v, moved, -1, "rel32", meant, reaches);
}

static int expected_value(const verify_ctx *v, const pvp_fixup *f, uint64_t old, pvp_vtop_fn vtop,
                          void *ctx, uint64_t *out)
{
    *out = expected_target(v, old);
    return f->kind == PVP_FIX_VTOP_MOVL ? (vtop ? vtop(ctx, *out, out) : PVP_E_TRANSLATE) : PVP_OK;
}

static void verify_fixup(verify_ctx *v, const pvp_fixup *f, pvp_vtop_fn vtop, void *ctx)
{
    uint64_t old = 0, now = 0, want;
    if (f->kind == PVP_FIX_DATA || f->kind == PVP_FIX_ENTRY || f->kind == PVP_FIX_RESIDENT ||
        f->kind == PVP_FIX_MOVES)
        return;                            /* places, not values: the walk over the code checked them */
    int inside = f->where - v->in->copy < v->in->size;
    uint64_t moved = inside ? f->where + v->delta : f->where;
    if (f->kind == PVP_FIX_REL32) {
        verify_rel32(v, f, moved);
        return;
    }
    if (f->kind == PVP_FIX_PTR64) {
        if (pvp_image_read_le(v->orig, f->where, 8, &old) || pvp_image_read_le(v->inst, moved, 8, &now)) {
            mismatch(v, moved, -1, "fixup outside image", 0, 0);
            return;
        }
    } else {
        unsigned align = v->arch->code_align, sub = (unsigned)(f->where % align);
        const uint8_t *a = pvp_image_at(v->orig, f->where - sub, align);
        const uint8_t *b = pvp_image_at(v->inst, moved - sub, align);
        if (!a || !b || v->arch->load_imm_get(a, align, sub, &old) ||
            v->arch->load_imm_get(b, align, sub, &now)) {
            mismatch(v, moved, (int)sub, "fixup not a load", 0, 0);
            return;
        }
    }
    if (expected_value(v, f, old, vtop, ctx, &want))
        mismatch(v, moved, -1, "fixup untranslatable", old, now);
    else if (now != want)
        mismatch(v, moved, (int)(f->where % v->arch->code_align), pvp_fixup_kind_name(f->kind),
                 want, now);
}

/* Is the byte at addr (in the original) part of a pointer word some fixup re-bases (ptr64, rel32)? */
static int in_pointer_word(const verify_ctx *v, uint64_t addr)
{
    size_t n = pvp_fixup_count(v->in);
    for (size_t k = 0; k < n; k++) {
        pvp_fixup f;
        if (pvp_fixup_read(v->orig, v->in, k, &f, NULL) == PVP_OK &&
            ((f.kind == PVP_FIX_PTR64 && addr - f.where < 8) || (f.kind == PVP_FIX_REL32 && addr - f.where < 4)))
            return 1;
    }
    return 0;
}

/* Data is copied as it is, but for the pointer words its fixups check. */
static void verify_data(verify_ctx *v, uint64_t off, uint64_t len)
{
    const uint8_t *a = pvp_image_at(v->orig, v->in->copy + off, len);
    const uint8_t *b = pvp_image_at(v->inst, v->in->canonical + off, len);
    if (!a || !b) {
        mismatch(v, v->in->canonical + off, -1, "data outside the image", 0, 0);
        return;
    }
    for (uint64_t k = 0; k < len; k++)
        if (a[k] != b[k] && !in_pointer_word(v, v->in->copy + off + k)) {
            mismatch(v, v->in->canonical + off + k, -1, "data", a[k], b[k]);
            return;
        }
}

int pvp_verify_install(const pvp_image *orig, const pvp_image *inst, const pvp_arch *arch,
                       const pvp_instance *instance, pvp_vtop_fn vtop, void *vtop_ctx,
                       pvp_mismatch *out, size_t max, size_t *count)
{
    return pvp_verify_install_set(orig, inst, arch, NULL, 0, instance, vtop, vtop_ctx, out, max, count);
}

int pvp_verify_install_set(const pvp_image *orig, const pvp_image *inst, const pvp_arch *arch,
                           const pvp_instance *set, size_t nset, const pvp_instance *instance, pvp_vtop_fn vtop,
                           void *vtop_ctx, pvp_mismatch *out, size_t max, size_t *count)
{
    verify_ctx v = { orig, inst, arch, instance, NULL, instance->canonical - instance->copy, out, max, 0 };
    size_t len;
    uint64_t dstart = 0, dend = 0, kstart = 0, kend = 0;
    if (instance->copy != instance->canonical)
        for (size_t k = 0; set && k < nset; k++)
            if (&set[k] != instance && set[k].canonical == instance->canonical && set[k].copy == set[k].canonical)
                v.home = &set[k];
    for (uint64_t off = 0; off < instance->size; off += len) {
        if (off >= kend && !(v.home && pvp_fixup_resident_range(orig, v.home, off, &kstart, &kend)))
            kstart = kend = instance->size;
        if (off >= kstart) {
            len = (size_t)(kend - off);
            verify_kept(&v, off, len);
            continue;
        }
        if (off >= dend)
            pvp_fixup_data_range(orig, instance, off, arch->insn_align, &dstart, &dend);
        if (off >= dstart) {
            len = (size_t)(dend - off);
            verify_data(&v, off, len);
        } else {
            verify_unit(&v, off, &len);
        }
    }
    size_t n = pvp_fixup_count(instance);
    for (size_t k = 0; k < n; k++) {
        pvp_fixup f;
        if (pvp_fixup_read(orig, instance, k, &f, NULL))
            mismatch(&v, f.record, -1, "fixup record unreadable", 0, 0);
        else
            verify_fixup(&v, &f, vtop, vtop_ctx);
    }
    *count = v.count;
    return v.count ? PVP_E_VERIFY : PVP_OK;
}

/* ---- Verification of a patch ------------------------------------------- */

#include "pvpatch/patch.h"
#include "engine/bytes.h"
#include "engine/extent.h"

typedef struct vpatch {
    const pvp_image *orig, *now;
    const pvp_patch_req *req;
    const pvp_mode *mode;
    pvp_site_table now_sites;          /* the records as the patch left them */
    pvp_template_table templates;      /* the mode's */
    pvp_mismatch *out;
    size_t max, count;
} vpatch;

static void vp_mismatch(vpatch *v, uint64_t addr, const char *what, uint64_t expected, uint64_t actual)
{
    if (v->count < v->max)
        v->out[v->count] = (pvp_mismatch){ addr, -1, what, expected, actual };
    v->count++;
}

/* May the byte at addr, outside every live site, differ after a patch? */
static int patchable_byte(const vpatch *v, uint64_t addr)
{
    const pvp_patch_req *r = v->req;
    if (v->mode->live && addr - v->mode->live < 8 * (uint64_t)v->mode->nops)
        return 1;
    if (addr - r->sites < r->sites_size) {
        uint64_t off = (addr - r->sites) % PVP_SITE_RECSIZE;
        return off == PVP_SITE_OFF_CUR_FORM || off == PVP_SITE_OFF_CUR_MODE;
    }
    return 0;
}

/* Compare [from, to) of one range outside the sites. */
static void compare_gap(vpatch *v, const pvp_range *a, const pvp_range *b, uint64_t from, uint64_t to)
{
    for (uint64_t i = pvp_first_difference(a->bytes, b->bytes, from, to); i < to;
         i = pvp_first_difference(a->bytes, b->bytes, i + 1, to))
        if (!patchable_byte(v, a->addr + i))
            vp_mismatch(v, a->addr + i, "byte outside every site", a->bytes[i], b->bytes[i]);
}

/* One range, as a merge of its bytes with the sorted live site extents:
 * inside a site anything may differ (verify_site judges the code). */
static void compare_range(vpatch *v, const pvp_range *a, const pvp_range *b, const pvp_extent *e, size_t n)
{
    uint64_t off = 0;
    for (size_t k = pvp_extent_after(e, n, a->addr); k < n; k++) {
        uint64_t start = e[k].at < a->addr ? 0 : e[k].at - a->addr;
        if (start >= a->size)
            break;
        if (start > off)
            compare_gap(v, a, b, off, start);
        if (start + e[k].len > off)
            off = start + e[k].len < a->size ? start + e[k].len : a->size;
    }
    compare_gap(v, a, b, off, a->size);
}

static void verify_changed_bytes(vpatch *v, const pvp_extent *e, size_t n)
{
    if (v->orig->nranges != v->now->nranges) {
        vp_mismatch(v, 0, "image layout", v->orig->nranges, v->now->nranges);
        return;
    }
    for (size_t k = 0; k < v->orig->nranges; k++) {
        const pvp_range *a = &v->orig->ranges[k], *b = &v->now->ranges[k];
        if (a->addr != b->addr || a->size != b->size)
            vp_mismatch(v, a->addr, "image layout", a->size, b->size);
        else
            compare_range(v, a, b, e, n);
    }
}

/* Registers a live site may write, from its record alone. */
static void site_allows(const vpatch *v, const pvp_site *s, uint64_t gr[2], uint32_t *br)
{
    const pvp_arch *a = v->req->arch;
    pvp_template t;
    gr[0] = gr[1] = 0;
    *br = 0;
    if (pvp_template_get(&v->templates, s->op, PVP_FORM_A, &t, NULL) == PVP_OK)
        gr[0] |= t.keeps;
    for (unsigned r = 0; r < PVP_SITE_NREGS; r += r == 0 ? 3 : 1)
        if (s->regs[r])
            gr[s->regs[r] / 64] |= UINT64_C(1) << (s->regs[r] % 64);
    if (pvp_site_built_as_call(s)) {
        uint64_t call[2];
        pvp_template_call_registers(&v->templates, a, s->op, call);
        gr[0] |= call[0];
        gr[1] |= call[1];
        *br = a->call_br;
    }
}

/* Does the mode's template of (op, form) refer to `target` from outside
 * itself (x86-64: a RIP-relative data word, the live table slot of C)? */
static int template_reaches(const vpatch *v, unsigned op, unsigned form, uint64_t target)
{
    const pvp_arch *a = v->req->arch;
    pvp_template t;
    if (pvp_template_get(&v->templates, op, form, &t, NULL) || target - t.code <= t.end - t.code)
        return 0;
    const uint8_t *code = t.bytes;
    size_t ulen;
    for (uint64_t off = 0; off < t.end - t.code; off += ulen) {
        pvp_pcrel ops[PVP_MAX_PCREL];
        unsigned n;
        if (a->scan(code + off, (size_t)(t.end - t.code - off), t.code + off, &ulen, ops, &n, NULL, NULL))
            return 0;
        for (unsigned k = 0; k < n; k++)
            if (ops[k].target == target)
                return 1;
    }
    return 0;
}

/* One part of a live site: it decodes, writes only what the site allows,
 * and branches only to the site's own places (the end of its part at
 * addr, its out-of-line part), its stub, or what its template reaches. */
static void verify_part(vpatch *v, const pvp_site *s, unsigned tform, uint64_t at, uint64_t len,
                        const uint64_t places[2], uint64_t stub)
{
    const pvp_arch *a = v->req->arch;
    const uint8_t *code = pvp_image_at(v->now, at, len);
    pvp_writes all = { { 0, 0 }, 0 };
    uint64_t agr[2];
    uint32_t abr;
    if (!code) {
        vp_mismatch(v, at, "site does not decode", 0, 0);
        return;
    }
    size_t ulen;
    for (uint64_t off = 0; off < len; off += ulen) {    /* one decode per unit: operands and writes */
        pvp_pcrel ops[PVP_MAX_PCREL];
        pvp_writes w;
        unsigned n;
        if (a->scan(code + off, (size_t)(len - off), at + off, &ulen, ops, &n, NULL, &w) || !ulen ||
            ulen > len - off) {
            vp_mismatch(v, at + off, "site does not decode", 0, 0);
            return;
        }
        all.gr[0] |= w.gr[0], all.gr[1] |= w.gr[1], all.br |= w.br;
        for (unsigned k = 0; k < n; k++)     /* its own code (x86: a jmp over filler), its places, its stub */
            if (ops[k].target - at > len && ops[k].target != places[0] && ops[k].target != places[1] &&
                ops[k].target != stub && !template_reaches(v, s->op, tform, ops[k].target))
                vp_mismatch(v, at + off, "site branches elsewhere than its stub or its own code", stub,
                            ops[k].target);
    }
    site_allows(v, s, agr, &abr);
    if ((all.gr[0] & ~agr[0]) || (all.gr[1] & ~agr[1]) || (all.br & ~abr))
        vp_mismatch(v, at, "site writes a register it does not allow", agr[0], all.gr[0]);
}

/* A block's body is the mode's code as assembled: never changed. */
static void verify_body(vpatch *v, uint64_t at, uint64_t len)
{
    const uint8_t *was = pvp_image_at(v->orig, at, len), *now = pvp_image_at(v->now, at, len);
    for (uint64_t k = 0; was && now && k < len; k++)
        if (was[k] != now[k]) {
            vp_mismatch(v, at + k, "block body changed", was[k], now[k]);
            return;
        }
}

static void verify_site(vpatch *v, const pvp_site *s, uint64_t at)
{
    uint64_t len = s->end - s->addr, stub = 0, ool_at = 0;
    pvp_site now;
    if (pvp_site_idle(s, v->mode->id))
        return;                            /* another mode's body: its bytes must not change (not a live extent) */
    /* The record now: only its state may differ from the original (the bytes
     * outside the sites are compared), so its state bytes are all to read. */
    const uint8_t *rec = v->now_sites.bytes ? v->now_sites.bytes + (s->record - v->now_sites.addr)
                                            : pvp_image_at(v->now, s->record, PVP_SITE_RECSIZE);
    if (rec)
        now = *s, now.cur_form = rec[PVP_SITE_OFF_CUR_FORM], now.cur_mode = rec[PVP_SITE_OFF_CUR_MODE];
    if (!rec || now.cur_form > PVP_FORM_C || (s->ool && pvp_site_ool_at(s, v->req->set, v->req->count, at, &ool_at))) {
        vp_mismatch(v, at, "site does not decode", 0, 0);
        return;
    }
    if (now.cur_form == 0 || now.cur_mode != v->mode->id)
        vp_mismatch(v, s->record, "site state", v->mode->id, now.cur_mode);
    if (s->form == PVP_FORM_BLOCK) {
        /* the block's bundle jumps to this body (to nothing else) */
        const uint64_t to_body[2] = { ool_at, ool_at };
        verify_part(v, s, PVP_FORM_A, at, len, to_body, 0);
        verify_body(v, ool_at, s->ool_end - s->ool);
        return;
    }
    pvp_image_read_le(v->now, v->mode->ops + 8 * (uint64_t)s->op, 8, &stub);
    /* a split site's B is its mode's A code out of line */
    unsigned tform = s->ool && now.cur_form == PVP_FORM_B ? PVP_FORM_A : now.cur_form;
    const uint64_t places[2] = { at + len, s->ool ? ool_at : at + len };
    verify_part(v, s, tform, at, len, places, stub);
    if (s->ool)
        verify_part(v, s, tform, ool_at, s->ool_end - s->ool, places, stub);
}

static void verify_live_table(vpatch *v)
{
    const pvp_mode *m = v->mode;
    for (uint32_t op = 1; m->live && op < m->nops; op++) {
        uint64_t want = 0, have = 0;
        pvp_image_read_le(v->now, m->ops + 8 * (uint64_t)op, 8, &want);
        pvp_image_read_le(v->now, m->live + 8 * (uint64_t)op, 8, &have);
        if (want != have)
            vp_mismatch(v, m->live + 8 * (uint64_t)op, "live ops table entry", want, have);
    }
}

int pvp_verify_patch(const pvp_image *orig, const pvp_image *now, const pvp_patch_req *req,
                     pvp_mismatch *out, size_t max, size_t *count)
{
    vpatch v = { .orig = orig, .now = now, .req = req,
                 .now_sites = pvp_site_table_of(now, req->arch, req->sites, req->sites_size),
                 .out = out, .max = max };
    for (size_t k = 0; k < req->nmodes; k++)
        if (req->modes[k].id == req->mode)
            v.mode = &req->modes[k];
    if (!v.mode) {
        vp_mismatch(&v, 0, "no such mode", req->mode, 0);
        *count = v.count;
        return PVP_E_VERIFY;
    }
    v.templates = pvp_template_table_of(now, v.mode);
    pvp_extent *e = pvp_work_extents(req);
    size_t ne = 0;
    if (!e) {
        vp_mismatch(&v, req->sites, "no work space for the site table (pvp_patch_work_size)", 0, 0);
        *count = v.count;
        return PVP_E_VERIFY;
    }
    pvp_live_extents(orig, req, e, &ne);
    for (size_t k = 1; k < ne; k++)
        if (e[k].at < e[k - 1].at + e[k - 1].len)
            vp_mismatch(&v, e[k].at, "sites overlap", e[k - 1].at, e[k].at);
    verify_changed_bytes(&v, e, ne);
    pvp_site_table sites = pvp_site_table_of(orig, req->arch, req->sites, req->sites_size);
    for (size_t k = 0; k < sites.count; k++) {
        pvp_site s;
        uint64_t at;
        if (pvp_site_get(&sites, k, &s, NULL))
            vp_mismatch(&v, req->sites + k * PVP_SITE_RECSIZE, "site record unreadable", 0, 0);
        else if (pvp_site_live(&s, req->set, req->count, &at))
            verify_site(&v, &s, at);
    }
    verify_live_table(&v);
    *count = v.count;
    return v.count ? PVP_E_VERIFY : PVP_OK;
}
