/* The image view: address lookups and little-endian access over ranges. */
#include "pvpatch/image.h"

/* [addr, addr+size) inside r, without overflow. */
static int range_holds(const pvp_range *r, uint64_t addr, uint64_t size)
{
    return addr >= r->addr && addr - r->addr <= r->size && size <= r->size - (addr - r->addr);
}

/* The last range starting at or below addr if the ranges are in address
 * order (a binary search), else some range: callers check it holds addr. */
static const pvp_range *nearest(const pvp_image *img, uint64_t addr)
{
    const pvp_range *base = img->ranges;
    size_t n = img->nranges;
    if (!n)
        return NULL;
    while (n > 1) {                      /* halves without a branch on the data (a conditional move) */
        size_t half = n / 2;
        base = base[half].addr <= addr ? base + half : base;
        n -= half;
    }
    return base;
}

/* Ranges do not overlap, so the one holding addr is the only one: found by
 * the search when they are in address order, by a linear scan otherwise. */
const pvp_range *pvp_image_range(const pvp_image *img, uint64_t addr)
{
    const pvp_range *r = nearest(img, addr);
    if (r && range_holds(r, addr, 1))
        return r;
    for (size_t i = 0; i < img->nranges; i++)
        if (range_holds(&img->ranges[i], addr, 1))
            return &img->ranges[i];
    return NULL;
}

static int holds_bytes(const pvp_range *r, uint64_t addr, uint64_t size)
{
    return r->bytes && range_holds(r, addr, size) && (size || addr < r->addr + r->size);
}

uint8_t *pvp_image_at(const pvp_image *img, uint64_t addr, uint64_t size)
{
    const pvp_range *r = nearest(img, addr);
    if (r && holds_bytes(r, addr, size))
        return r->bytes + (addr - r->addr);
    for (size_t i = 0; i < img->nranges; i++)
        if (holds_bytes(&img->ranges[i], addr, size))
            return img->ranges[i].bytes + (addr - img->ranges[i].addr);
    return NULL;
}

int pvp_image_read_le(const pvp_image *img, uint64_t addr, unsigned nbytes, uint64_t *value)
{
    const uint8_t *p = nbytes >= 1 && nbytes <= 8 ? pvp_image_at(img, addr, nbytes) : NULL;
    if (!p)
        return PVP_E_OUTSIDE_IMAGE;
    uint64_t v = 0;
    for (unsigned i = nbytes; i-- > 0;)
        v = v << 8 | p[i];
    *value = v;
    return PVP_OK;
}

int pvp_image_write_le(const pvp_image *img, uint64_t addr, unsigned nbytes, uint64_t value)
{
    uint8_t *p = nbytes >= 1 && nbytes <= 8 ? pvp_image_at(img, addr, nbytes) : NULL;
    if (!p)
        return PVP_E_OUTSIDE_IMAGE;
    for (unsigned i = 0; i < nbytes; i++, value >>= 8)
        p[i] = (uint8_t)value;
    return PVP_OK;
}

int pvp_image_check(const pvp_image *img)
{
    for (size_t i = 0; i < img->nranges; i++)
        for (size_t j = i + 1; j < img->nranges; j++) {
            const pvp_range *a = &img->ranges[i], *b = &img->ranges[j];
            if (a->size && b->size && a->addr < b->addr + b->size && b->addr < a->addr + a->size)
                return PVP_E_OVERLAP;
        }
    return PVP_OK;
}
