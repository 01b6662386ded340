/* Reading site records, mode records and template entries out of an image,
 * and where a site's code lives once instances are installed. */
#include "pvpatch/patch.h"
#include "engine/bytes.h"

static int fail(pvp_error *err, int status, uint64_t addr, const char *what)
{
    if (err)
        *err = (pvp_error){ status, addr, -1, 0, what };
    return status;
}

static uint64_t rd(const pvp_image *img, uint64_t addr, unsigned n)
{
    uint64_t v = 0;
    pvp_image_read_le(img, addr, n, &v);    /* callers checked the whole record first */
    return v;
}

size_t pvp_site_count(uint64_t size)
{
    return (size_t)(size / PVP_SITE_RECSIZE);
}

static int check_site(const pvp_site *s, const pvp_arch *arch, pvp_error *err)
{
    uint64_t rec = s->record, align = arch->site_align ? arch->site_align : arch->code_align;
    if (s->form < PVP_FORM_A || s->form > PVP_FORM_BLOCK || s->cur_form > PVP_FORM_C)
        return fail(err, PVP_E_BAD_FORMAT, rec, "site record: unknown form");
    if (s->form == PVP_FORM_BLOCK && (!s->ool || !s->mode))
        return fail(err, PVP_E_BAD_FORMAT, rec, "site record: a block's body without its mode or its code");
    if (s->op == 0)
        return fail(err, PVP_E_UNKNOWN_OP, rec, "site record: no operation");
    if (s->end <= s->addr || s->addr % align || s->end % align)
        return fail(err, PVP_E_MISALIGNED, rec, "site record: extent empty or not whole code units");
    if (s->end - s->addr > 16 * (uint64_t)arch->code_align)
        return fail(err, PVP_E_UNSUPPORTED, rec, "site record: site longer than 16 code units");
    if (s->ool && ((s->form != PVP_FORM_BLOCK && s->ool_end - s->ool > 16 * (uint64_t)arch->code_align) ||
                   (s->ool < s->end && s->addr < s->ool_end)))
        return fail(err, PVP_E_UNSUPPORTED, rec,
                    "site record: out-of-line part longer than 16 code units or over the part at addr");
    if (s->qp >= arch->max_pred)
        return fail(err, PVP_E_BAD_REGISTER, rec, "site record: predicate number out of range");
    for (unsigned r = 0; r < PVP_SITE_NREGS; r++)
        if (s->regs[r] >= arch->max_gr)
            return fail(err, PVP_E_BAD_REGISTER, rec, "site record: register number out of range");
    if (s->pclob >= arch->max_pred)
        return fail(err, PVP_E_BAD_REGISTER, rec, "site record: predicate clobber out of range");
    return PVP_OK;
}

/* The split and phys bytes: a split site's part at addr ends after its
 * own units and the record's end is that of its out-of-line part. */
static int read_split(const uint8_t *r, const pvp_arch *arch, uint64_t rec, pvp_site *out, pvp_error *err)
{
    unsigned split = r[PVP_SITE_OFF_SPLIT], ool = r[PVP_SITE_OFF_OOL];
    unsigned inl = split & PVP_SITE_INLINE_MASK;
    out->phys = (split & PVP_SITE_PHYS) != 0;
    out->ool = out->ool_end = 0;
    if ((split & ~(PVP_SITE_INLINE_MASK | PVP_SITE_PHYS)) || (inl == 0) != (ool == 0))
        return fail(err, PVP_E_BAD_FORMAT, rec, "site record: reserved split bits set, or only one part's size");
    if (inl) {
        out->ool_end = out->end;
        out->ool = out->end - (uint64_t)ool * arch->code_align;
        out->end = out->addr + (uint64_t)inl * arch->code_align;
    }
    return PVP_OK;
}

pvp_site_table pvp_site_table_of(const pvp_image *img, const pvp_arch *arch, uint64_t addr, uint64_t size)
{
    size_t n = pvp_site_count(size);
    return (pvp_site_table){ img, arch, addr, n, n ? pvp_image_at(img, addr, (uint64_t)n * PVP_SITE_RECSIZE) : NULL };
}

int pvp_site_read(const pvp_image *img, const pvp_arch *arch, uint64_t table, size_t i,
                  pvp_site *out, pvp_error *err)
{
    pvp_site_table one = { img, arch, table, i + 1, NULL };
    return pvp_site_get(&one, i, out, err);
}

int pvp_site_get(const pvp_site_table *t, size_t i, pvp_site *out, pvp_error *err)
{
    const pvp_arch *arch = t->arch;
    uint64_t rec = t->addr + (uint64_t)i * PVP_SITE_RECSIZE;
    const uint8_t *r = i >= t->count ? NULL
                     : t->bytes ? t->bytes + i * PVP_SITE_RECSIZE
                     : pvp_image_at(t->img, rec, PVP_SITE_RECSIZE);
    if (!r)
        return fail(err, PVP_E_OUTSIDE_IMAGE, rec, "site record outside the image");
    out->record = rec;
    out->addr = pvp_le64(r + PVP_SITE_OFF_ADDR);
    out->end = pvp_le64(r + PVP_SITE_OFF_END);
    out->op = pvp_le16(r + PVP_SITE_OFF_OP);
    out->form = r[PVP_SITE_OFF_FORM];
    out->mode = r[PVP_SITE_OFF_MODE];
    out->qp = r[PVP_SITE_OFF_QP];
    for (unsigned k = 0; k < PVP_SITE_NREGS; k++)
        out->regs[k] = r[k < 5 ? PVP_SITE_OFF_REGS + k : PVP_SITE_OFF_CLOB3];
    out->pclob = r[PVP_SITE_OFF_PCLOB];
    out->cur_form = r[PVP_SITE_OFF_CUR_FORM];
    out->cur_mode = r[PVP_SITE_OFF_CUR_MODE];
    return read_split(r, arch, rec, out, err) ? PVP_E_BAD_FORMAT : check_site(out, arch, err);
}

static int read_mode(const pvp_image *img, uint64_t rec, pvp_mode *m, pvp_error *err)
{
    if (!pvp_image_at(img, rec, PVP_MODE_RECSIZE))
        return fail(err, PVP_E_TRUNCATED, rec, "mode record runs past its table");
    if (rd(img, rec + PVP_MODE_OFF_MAGIC, 4) != PVP_MODE_MAGIC ||
        rd(img, rec + PVP_MODE_OFF_VERSION, 2) != PVP_RECORDS_VERSION ||
        rd(img, rec + PVP_MODE_OFF_RECSIZE, 2) != PVP_MODE_RECSIZE)
        return fail(err, PVP_E_BAD_FORMAT, rec, "mode record: wrong magic, version or size");
    const uint8_t *name = pvp_image_at(img, rec + PVP_MODE_OFF_NAME, PVP_MODE_NAMELEN);
    size_t n = 0;
    for (; n < PVP_MODE_NAMELEN && name[n]; n++)
        m->name[n] = (char)name[n];
    m->name[n] = '\0';
    m->record = rec;
    m->id = (uint32_t)rd(img, rec + PVP_MODE_OFF_MODE, 4);
    m->nops = (uint32_t)rd(img, rec + PVP_MODE_OFF_NOPS, 4);
    m->ops = rd(img, rec + PVP_MODE_OFF_OPS, 8);
    m->live = rd(img, rec + PVP_MODE_OFF_LIVE, 8);
    m->tmpl = rd(img, rec + PVP_MODE_OFF_TMPL, 8);
    m->tmpl_end = rd(img, rec + PVP_MODE_OFF_TMPL_END, 8);
    if (n == 0 || m->id == 0)
        return fail(err, PVP_E_BAD_FORMAT, rec, "mode record: no name or no mode id");
    if (m->id > 0xff)       /* site records hold the mode in one byte */
        return fail(err, PVP_E_BAD_FORMAT, rec, "mode record: mode id above 255");
    if (!pvp_image_at(img, m->ops, (uint64_t)m->nops * 8) ||
        (m->live && !pvp_image_at(img, m->live, (uint64_t)m->nops * 8)))
        return fail(err, PVP_E_OUTSIDE_IMAGE, rec, "mode record: ops table outside the image");
    if (m->tmpl_end < m->tmpl || (m->tmpl_end - m->tmpl) % PVP_TMPL_RECSIZE ||
        (m->tmpl_end > m->tmpl && !pvp_image_at(img, m->tmpl, m->tmpl_end - m->tmpl)))
        return fail(err, PVP_E_BAD_FORMAT, rec, "mode record: bad template list");
    return PVP_OK;
}

int pvp_modes_read(const pvp_image *img, uint64_t addr, uint64_t size, pvp_mode *out, size_t max,
                   size_t *count, pvp_error *err)
{
    *count = 0;
    if (size % PVP_MODE_RECSIZE)
        return fail(err, PVP_E_TRUNCATED, addr, "mode table is not a whole number of records");
    for (uint64_t off = 0; off < size; off += PVP_MODE_RECSIZE) {
        if (*count == max)
            return fail(err, PVP_E_NO_SPACE, addr + off, "more modes than the caller has room for");
        int rc = read_mode(img, addr + off, &out[*count], err);
        if (rc)
            return rc;
        for (size_t k = 0; k < *count; k++)
            if (out[k].id == out[*count].id)
                return fail(err, PVP_E_OVERLAP, addr + off, "two mode records for one mode");
        ++*count;
    }
    return PVP_OK;
}

/* Is the template entry at r the one of (op, form)? */
static int entry_is(const uint8_t *r, unsigned op, unsigned form)
{
    return pvp_le16(r + PVP_TMPL_OFF_OP) == op && r[PVP_TMPL_OFF_FORM] == form;
}

/* Where the entry of (op, form) is in a table emit.h wrote (every operation
 * in id order, forms A, B, C each), so that a lookup is one read; any
 * other table is searched. */
static uint64_t entry_offset(const uint8_t *t, uint64_t size, unsigned op, unsigned form)
{
    uint64_t guess = ((uint64_t)op - 1) * 3 * PVP_TMPL_RECSIZE + ((uint64_t)form - 1) * PVP_TMPL_RECSIZE;
    if (op >= 1 && form >= PVP_FORM_A && form <= PVP_FORM_C && guess < size && entry_is(t + guess, op, form))
        return guess;
    uint64_t off = 0;
    while (off < size && !entry_is(t + off, op, form))
        off += PVP_TMPL_RECSIZE;
    return off;
}

pvp_template_table pvp_template_table_of(const pvp_image *img, const pvp_mode *mode)
{
    uint64_t size = mode->tmpl_end - mode->tmpl;
    return (pvp_template_table){ img, mode, size ? pvp_image_at(img, mode->tmpl, size) : NULL };
}

/* The template record of (op, form) in a mode's table, its code not looked at. */
static int template_entry(const pvp_template_table *tt, unsigned op, unsigned form, pvp_template *out, pvp_error *err)
{
    const pvp_mode *mode = tt->mode;
    uint64_t size = mode->tmpl_end - mode->tmpl;
    uint64_t off = tt->bytes ? entry_offset(tt->bytes, size, op, form) : size;
    if (off >= size)
        return fail(err, PVP_E_UNKNOWN_OP, mode->record, "the mode has no template for this operation and form");
    const uint8_t *r = tt->bytes + off;
    *out = (pvp_template){ mode->tmpl + off, pvp_le64(r + PVP_TMPL_OFF_CODE), pvp_le64(r + PVP_TMPL_OFF_END),
                           (uint16_t)op, (uint8_t)form, r[PVP_TMPL_OFF_NKEPT],
                           pvp_le32(r + PVP_TMPL_OFF_KEEPS), NULL };
    return PVP_OK;
}

int pvp_template_get(const pvp_template_table *tt, unsigned op, unsigned form, pvp_template *out, pvp_error *err)
{
    int rc = template_entry(tt, op, form, out, err);
    if (rc)
        return rc;
    out->bytes = out->end > out->code ? pvp_image_at(tt->img, out->code, out->end - out->code) : NULL;
    if (!out->bytes)
        return fail(err, PVP_E_OUTSIDE_IMAGE, out->record, "template code outside the image");
    return PVP_OK;
}

int pvp_template_find(const pvp_image *img, const pvp_mode *mode, unsigned op, unsigned form,
                      pvp_template *out, pvp_error *err)
{
    pvp_template_table tt = pvp_template_table_of(img, mode);
    return pvp_template_get(&tt, op, form, out, err);
}

const char *pvp_form_name(unsigned form)
{
    return form == PVP_FORM_A ? "A" : form == PVP_FORM_B ? "B" : form == PVP_FORM_C ? "C"
         : form == PVP_FORM_BLOCK ? "body" : "?";
}

int pvp_site_idle(const pvp_site *s, uint32_t mode)
{
    return s->form == PVP_FORM_BLOCK && s->mode != mode;
}

/* Is another instance of this one's canonical slot installed there? */
static int replaced(const pvp_instance *i, const pvp_instance *set, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (&set[k] != i && set[k].canonical == i->canonical && (set[k].flags & PVP_INSTANCE_F_INSTALLED))
            return 1;
    return 0;
}

int pvp_site_live(const pvp_site *s, const pvp_instance *set, size_t count, uint64_t *at)
{
    for (size_t k = 0; k < count; k++) {
        const pvp_instance *i = &set[k];
        if (s->addr - i->copy >= i->size)
            continue;
        if (i->copy == i->canonical) {
            *at = s->addr;
            return !replaced(i, set, count);
        }
        *at = s->addr + (i->canonical - i->copy);
        return (i->flags & PVP_INSTANCE_F_INSTALLED) != 0;
    }
    *at = s->addr;
    return 1;
}

/* The instance whose copy holds addr, or NULL. */
static const pvp_instance *instance_of(uint64_t addr, const pvp_instance *set, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (addr - set[k].copy < set[k].size)
            return &set[k];
    return NULL;
}

int pvp_site_ool_at(const pvp_site *s, const pvp_instance *set, size_t count, uint64_t at, uint64_t *ool_at)
{
    *ool_at = s->ool + (at - s->addr);
    if (s->ool && instance_of(s->addr, set, count) != instance_of(s->ool, set, count))
        return PVP_E_OUTSIDE_IMAGE;
    return PVP_OK;
}

int pvp_site_built_as_call(const pvp_site *s)
{
    return s->form == PVP_FORM_C || (s->form == PVP_FORM_B && !s->ool);
}

void pvp_call_registers(const pvp_image *img, const pvp_arch *arch, const pvp_mode *mode, unsigned op, uint64_t gr[2])
{
    pvp_template_table tt = pvp_template_table_of(img, mode);
    pvp_template_call_registers(&tt, arch, op, gr);
}

void pvp_template_call_registers(const pvp_template_table *tt, const pvp_arch *arch, unsigned op, uint64_t gr[2])
{
    pvp_template t;
    gr[0] = arch->call_gr[0];
    gr[1] = arch->call_gr[1];
    if (template_entry(tt, op, PVP_FORM_C, &t, NULL) == PVP_OK || template_entry(tt, op, PVP_FORM_B, &t, NULL) == PVP_OK)
        gr[0] |= t.keeps;               /* (only the record: its code is not needed) */
}
