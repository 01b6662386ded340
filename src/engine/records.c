/* Reading instance descriptors and fixup records out of an image. */
#include "engine/records.h"

static int fail(pvp_error *err, int status, uint64_t addr, const char *what)
{
    if (err) {
        err->status = status;
        err->addr = addr;
        err->sub = -1;
        err->distance = 0;
        err->what = what;
    }
    return status;
}

static int read_one(const pvp_image *img, uint64_t rec, pvp_instance *out, pvp_error *err)
{
    const uint8_t *r = pvp_image_at(img, rec, PVP_INSTANCE_RECSIZE);
    if (!r)
        return fail(err, PVP_E_TRUNCATED, rec, "instance descriptor runs past its table");
    if (pvp_le32(r + PVP_INST_OFF_MAGIC) != PVP_INSTANCE_MAGIC)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: wrong magic");
    if (pvp_le16(r + PVP_INST_OFF_VERSION) != PVP_RECORDS_VERSION)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: unsupported version");
    if (pvp_le16(r + PVP_INST_OFF_RECSIZE) != PVP_INSTANCE_RECSIZE)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: wrong record size");
    const uint8_t *name = r + PVP_INST_OFF_NAME;
    size_t n = 0;
    while (n < PVP_INSTANCE_NAMELEN && name[n]) {
        out->name[n] = (char)name[n];
        n++;
    }
    if (n == 0)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: empty name");
    out->name[n] = '\0';
    out->record = rec;
    out->mode = pvp_le32(r + PVP_INST_OFF_MODE);
    out->flags = pvp_le32(r + PVP_INST_OFF_FLAGS);
    out->copy = pvp_le64(r + PVP_INST_OFF_COPY);
    out->canonical = pvp_le64(r + PVP_INST_OFF_CANONICAL);
    out->size = pvp_le64(r + PVP_INST_OFF_SIZE);
    out->slot_size = pvp_le64(r + PVP_INST_OFF_SLOTSIZE);
    out->fixups = pvp_le64(r + PVP_INST_OFF_FIXUPS);
    out->fixups_end = pvp_le64(r + PVP_INST_OFF_FIXUPS_END);
    if (out->fixups_end < out->fixups || (out->fixups_end - out->fixups) % PVP_FIXUP_RECSIZE)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: bad fixup list bounds");
    if (out->fixups_end > out->fixups && !pvp_image_at(img, out->fixups, out->fixups_end - out->fixups))
        return fail(err, PVP_E_OUTSIDE_IMAGE, out->fixups, "fixup list outside the image");
    return PVP_OK;
}

int pvp_instances_read(const pvp_image *img, uint64_t addr, uint64_t size, pvp_instance *out,
                       size_t max, size_t *count, pvp_error *err)
{
    *count = 0;
    if (size % PVP_INSTANCE_RECSIZE)
        return fail(err, PVP_E_TRUNCATED, addr + size - size % PVP_INSTANCE_RECSIZE,
                    "instance table is not a whole number of descriptors");
    if (size && !pvp_image_at(img, addr, size))
        return fail(err, PVP_E_OUTSIDE_IMAGE, addr, "instance table outside the image");
    for (uint64_t off = 0; off < size; off += PVP_INSTANCE_RECSIZE) {
        if (*count == max)
            return fail(err, PVP_E_NO_SPACE, addr + off, "more instances than the caller has room for");
        int rc = read_one(img, addr + off, &out[*count], err);
        if (rc)
            return rc;
        ++*count;
    }
    return PVP_OK;
}

static int same_string(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

const pvp_instance *pvp_instance_find(const pvp_instance *set, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (same_string(set[i].name, name))
            return &set[i];
    return NULL;
}

size_t pvp_fixup_count(const pvp_instance *inst)
{
    return (size_t)((inst->fixups_end - inst->fixups) / PVP_FIXUP_RECSIZE);
}

void pvp_fixup_parse(const uint8_t *r, uint64_t rec, pvp_fixup *out)
{
    pvp_fixup_decode(r, rec, out);
}

pvp_fixup_list pvp_fixup_list_of(const pvp_image *img, const pvp_instance *inst)
{
    size_t n = pvp_fixup_count(inst);
    const uint8_t *bytes = n ? pvp_image_at(img, inst->fixups, (uint64_t)n * PVP_FIXUP_RECSIZE) : NULL;
    return (pvp_fixup_list){ img, inst, bytes, n };
}

int pvp_fixup_get(const pvp_fixup_list *l, size_t i, pvp_fixup *out, pvp_error *err)
{
    uint64_t rec = l->inst->fixups + (uint64_t)i * PVP_FIXUP_RECSIZE;
    const uint8_t *r = i >= l->count ? NULL
                     : l->bytes ? l->bytes + i * PVP_FIXUP_RECSIZE
                     : pvp_image_at(l->img, rec, PVP_FIXUP_RECSIZE);
    out->record = rec;
    if (!r)
        return fail(err, PVP_E_OUTSIDE_IMAGE, rec, "fixup record outside the image");
    pvp_fixup_decode(r, rec, out);
    if (out->kind < PVP_FIX_VTOP_MOVL || out->kind >= PVP_FIX_KINDS)
        return fail(err, PVP_E_UNKNOWN_OP, rec, "fixup record: unknown kind");
    if ((out->kind == PVP_FIX_DATA || out->kind == PVP_FIX_RESIDENT || out->kind == PVP_FIX_MOVES) !=
        (out->length != 0))
        return fail(err, PVP_E_BAD_FORMAT, rec, out->length ? "fixup record: a length on a kind that has none"
                                                             : "fixup record: data range of no bytes");
    return PVP_OK;
}

int pvp_fixup_read(const pvp_image *img, const pvp_instance *inst, size_t i, pvp_fixup *out,
                   pvp_error *err)
{
    pvp_fixup_list one = { img, inst, NULL, pvp_fixup_count(inst) };
    return pvp_fixup_get(&one, i, out, err);
}

const char *pvp_fixup_kind_name(unsigned kind)
{
    switch (kind) {
    case PVP_FIX_VTOP_MOVL: return "vtop";
    case PVP_FIX_SELF_MOVL: return "self";
    case PVP_FIX_PTR64: return "ptr64";
    case PVP_FIX_DATA: return "data";
    case PVP_FIX_ENTRY: return "entry";
    case PVP_FIX_REL32: return "rel32";
    case PVP_FIX_RESIDENT: return "resident";
    case PVP_FIX_MOVES: return "moves";
    default: return "?";
    }
}

int pvp_scanned_self_load(const pvp_arch *arch, const pvp_instance *i, const uint8_t *code, size_t len,
                          uint64_t *imm)
{
    return (i->flags & PVP_INSTANCE_F_SCAN_SELF) && arch->load_imm_get &&
           arch->load_imm_get(code, len, arch->unit_load_sub, imm) == PVP_OK && *imm - i->copy < i->size;
}

int pvp_moves_read(const pvp_image *img, const pvp_instance *inst, pvp_moves *out, pvp_error *err)
{
    *out = (pvp_moves){ 0, 0, 0, 0 };
    pvp_fixup_list l = pvp_fixup_list_of(img, inst);
    for (size_t k = 0; k < l.count; k++) {
        pvp_fixup f;
        if (pvp_fixup_get(&l, k, &f, NULL) || f.kind != PVP_FIX_MOVES)
            continue;
        if (out->record)
            return fail(err, PVP_E_BAD_FORMAT, f.record, "instance has two move lists");
        const uint8_t *h = f.length < PVP_MOVES_HEADSIZE ? NULL : pvp_image_at(img, f.where, f.length);
        if (!h || f.where % 8)
            return fail(err, PVP_E_OUTSIDE_IMAGE, f.record, "move list outside the image, misaligned or too short");
        if (pvp_le32(h + PVP_MOVES_OFF_MAGIC) != PVP_MOVES_MAGIC || pvp_le16(h + PVP_MOVES_OFF_VERSION) != PVP_MOVES_VERSION ||
            pvp_le16(h + PVP_MOVES_OFF_ENTSIZE) != PVP_MOVES_ENTSIZE)
            return fail(err, PVP_E_BAD_FORMAT, f.where, "move list: wrong magic, version or entry size");
        *out = (pvp_moves){ f.record, f.where, (f.length - PVP_MOVES_HEADSIZE) / PVP_MOVES_ENTSIZE,
                            pvp_le32(h + PVP_MOVES_OFF_COUNT) };
        if (out->count > out->capacity)
            return fail(err, PVP_E_BAD_FORMAT, f.where, "move list: more entries than its room");
        if (out->count && (pvp_le64(h + PVP_MOVES_OFF_COPY) != inst->copy ||
                           pvp_le64(h + PVP_MOVES_OFF_CANONICAL) != inst->canonical))
            return fail(err, PVP_E_STALE, f.where,
                        "move list computed for another copy or canonical place (run pvpatch moves again)");
    }
    return PVP_OK;
}

uint64_t pvp_fixup_base(const pvp_instance *inst)
{
    return inst->flags & PVP_INSTANCE_F_INSTALLED ? inst->canonical : inst->copy;
}

/* The bytes a fixup record marks as data inside the instance, as offsets; 0 if none. */
static inline int data_extent(const pvp_instance *inst, const pvp_fixup *f, uint64_t *from, uint64_t *to)
{
    uint64_t len = f->kind == PVP_FIX_DATA ? f->length : f->kind == PVP_FIX_PTR64 ? 8 : f->kind == PVP_FIX_REL32 ? 4 : 0;
    uint64_t off = f->where - pvp_fixup_base(inst);
    if (len == 0 || off >= inst->size)
        return 0;
    *from = off;
    *to = inst->size - off < len ? inst->size : off + len;
    return 1;
}

int pvp_fixup_data_range(const pvp_image *img, const pvp_instance *inst, uint64_t off, unsigned align,
                         uint64_t *start, uint64_t *end)
{
    pvp_fixup_list l = pvp_fixup_list_of(img, inst);
    uint64_t a = align ? align : 1;
    *start = *end = inst->size;
    for (size_t k = 0; k < l.count; k++) {
        pvp_fixup f;
        uint64_t from, to;
        pvp_fixup_again(&l, k, &f);      /* (a record that is no data range is left to the install) */
        if (!data_extent(inst, &f, &from, &to))
            continue;
        from -= from % a;
        to += (a - to % a) % a;
        if (to > off && from < *start)
            *start = from, *end = to;
    }
    /* Ranges that touch or overlap the first one extend it. */
    for (int grew = *start < inst->size; grew;) {
        grew = 0;
        for (size_t k = 0; k < l.count; k++) {
            pvp_fixup f;
            uint64_t from, to;
            pvp_fixup_again(&l, k, &f);
            if (!data_extent(inst, &f, &from, &to))
                continue;
            from -= from % a;
            to += (a - to % a) % a;
            if (from <= *end && to > *end)
                *end = to, grew = 1;
        }
    }
    return *start < inst->size;
}

int pvp_fixup_resident_range(const pvp_image *img, const pvp_instance *inst, uint64_t off, uint64_t *start,
                             uint64_t *end)
{
    pvp_fixup_list l = pvp_fixup_list_of(img, inst);
    *start = *end = inst->size;
    for (size_t k = 0; k < l.count; k++) {
        pvp_fixup f;
        if (pvp_fixup_get(&l, k, &f, NULL) || f.kind != PVP_FIX_RESIDENT)
            continue;
        uint64_t from = f.where - pvp_fixup_base(inst);
        if (from >= inst->size)
            continue;
        uint64_t to = inst->size - from < f.length ? inst->size : from + f.length;
        if (to > off && from < *start)
            *start = from, *end = to;
    }
    return *start < inst->size;
}

const pvp_instance *pvp_instance_in_place(const pvp_instance *set, size_t count, const pvp_instance *i)
{
    for (size_t k = 0; k < count; k++)
        if (&set[k] != i && set[k].canonical == i->canonical && set[k].copy == set[k].canonical)
            return &set[k];
    return NULL;
}

/* Does the slot at `canonical` hold the instance `i` as built? */
static int in_place(const pvp_instance *i, uint64_t canonical)
{
    return i->canonical == canonical && i->copy == canonical;
}

size_t pvp_instance_for_mode(const pvp_instance *set, size_t count, uint64_t canonical, uint32_t mode)
{
    size_t of_mode = count, placed = count;
    for (size_t k = 0; k < count; k++) {
        if (set[k].canonical != canonical)
            continue;
        if (in_place(&set[k], canonical))
            placed = k;
        if (set[k].mode == mode && (of_mode == count || in_place(&set[k], canonical)))
            of_mode = k;
    }
    return of_mode < count ? of_mode : placed;
}
