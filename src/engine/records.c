/* Reading instance descriptors and fixup records out of an image. */
#include "pvpatch/install.h"

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

static uint64_t rd(const pvp_image *img, uint64_t addr, unsigned n)
{
    uint64_t v = 0;
    pvp_image_read_le(img, addr, n, &v);   /* callers checked the whole record first */
    return v;
}

static int read_one(const pvp_image *img, uint64_t rec, pvp_instance *out, pvp_error *err)
{
    if (!pvp_image_at(img, rec, PVP_INSTANCE_RECSIZE))
        return fail(err, PVP_E_TRUNCATED, rec, "instance descriptor runs past its table");
    if (rd(img, rec + PVP_INST_OFF_MAGIC, 4) != PVP_INSTANCE_MAGIC)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: wrong magic");
    if (rd(img, rec + PVP_INST_OFF_VERSION, 2) != PVP_RECORDS_VERSION)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: unsupported version");
    if (rd(img, rec + PVP_INST_OFF_RECSIZE, 2) != PVP_INSTANCE_RECSIZE)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: wrong record size");
    const uint8_t *name = pvp_image_at(img, rec + PVP_INST_OFF_NAME, PVP_INSTANCE_NAMELEN);
    size_t n = 0;
    while (n < PVP_INSTANCE_NAMELEN && name[n]) {
        out->name[n] = (char)name[n];
        n++;
    }
    if (n == 0)
        return fail(err, PVP_E_BAD_FORMAT, rec, "instance descriptor: empty name");
    out->name[n] = '\0';
    out->record = rec;
    out->mode = (uint32_t)rd(img, rec + PVP_INST_OFF_MODE, 4);
    out->flags = (uint32_t)rd(img, rec + PVP_INST_OFF_FLAGS, 4);
    out->copy = rd(img, rec + PVP_INST_OFF_COPY, 8);
    out->canonical = rd(img, rec + PVP_INST_OFF_CANONICAL, 8);
    out->size = rd(img, rec + PVP_INST_OFF_SIZE, 8);
    out->slot_size = rd(img, rec + PVP_INST_OFF_SLOTSIZE, 8);
    out->fixups = rd(img, rec + PVP_INST_OFF_FIXUPS, 8);
    out->fixups_end = rd(img, rec + PVP_INST_OFF_FIXUPS_END, 8);
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

int pvp_fixup_read(const pvp_image *img, const pvp_instance *inst, size_t i, pvp_fixup *out,
                   pvp_error *err)
{
    uint64_t rec = inst->fixups + (uint64_t)i * PVP_FIXUP_RECSIZE;
    out->record = rec;
    if (i >= pvp_fixup_count(inst) || !pvp_image_at(img, rec, PVP_FIXUP_RECSIZE))
        return fail(err, PVP_E_OUTSIDE_IMAGE, rec, "fixup record outside the image");
    out->where = rd(img, rec + PVP_FIX_OFF_WHERE, 8);
    out->kind = (uint32_t)rd(img, rec + PVP_FIX_OFF_KIND, 4);
    if (out->kind < PVP_FIX_VTOP_MOVL || out->kind > PVP_FIX_PTR64 ||
        rd(img, rec + PVP_FIX_OFF_RESERVED, 4) != 0)
        return fail(err, PVP_E_UNKNOWN_OP, rec, "fixup record: unknown kind");
    return PVP_OK;
}

const char *pvp_fixup_kind_name(unsigned kind)
{
    switch (kind) {
    case PVP_FIX_VTOP_MOVL: return "vtop";
    case PVP_FIX_SELF_MOVL: return "self";
    case PVP_FIX_PTR64: return "ptr64";
    default: return "?";
    }
}
