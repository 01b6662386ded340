/* Verification of an install, independent of the installer: it does not
 * transform anything, it decodes both sides and compares what they mean.
 * Outside references must reach the same absolute address, inside ones the
 * same offset; all other bits must be equal; every fixup must hold. */
#include "pvpatch/install.h"

typedef struct verify_ctx {
    const pvp_image *orig, *inst;
    const pvp_arch *arch;
    const pvp_instance *in;
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

/* The position of a movl fixup inside the unit at `unit`, or -1. */
static int fixed_load_in(const verify_ctx *v, uint64_t unit, size_t len)
{
    size_t n = pvp_fixup_count(v->in);
    for (size_t k = 0; k < n; k++) {
        pvp_fixup f;
        if (pvp_fixup_read(v->orig, v->in, k, &f, NULL) == PVP_OK && f.kind != PVP_FIX_PTR64 &&
            f.where - unit < len)
            return (int)(f.where - unit);
    }
    return -1;
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
    if (!a || !b || v->arch->scan(a, (size_t)left, from, len, oa, &na) ||
        v->arch->scan(b, (size_t)left, to, &lb, ob, &nb) || lb != *len) {
        mismatch(v, to, -1, "undecodable", 0, 0);
        return;
    }
    if (v->arch->same_except_pcrel(a, b, *len, fixed_load_in(v, from, *len)))
        mismatch(v, to, -1, "instruction", 0, 0);
    if (na != nb) {
        mismatch(v, to, -1, "operand count", na, nb);
        return;
    }
    for (unsigned k = 0; k < na; k++)
        if (ob[k].target != expected_target(v, oa[k].target))
            mismatch(v, to, oa[k].sub, "target", expected_target(v, oa[k].target), ob[k].target);
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
    int inside = f->where - v->in->copy < v->in->size;
    uint64_t moved = inside ? f->where + v->delta : f->where;
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

int pvp_verify_install(const pvp_image *orig, const pvp_image *inst, const pvp_arch *arch,
                       const pvp_instance *instance, pvp_vtop_fn vtop, void *vtop_ctx,
                       pvp_mismatch *out, size_t max, size_t *count)
{
    verify_ctx v = { orig, inst, arch, instance, instance->canonical - instance->copy, out, max, 0 };
    size_t len;
    for (uint64_t off = 0; off < instance->size; off += len)
        verify_unit(&v, off, &len);
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
