/* The image view: address lookups and little-endian access over ranges. */
#include "pvpatch/image.h"

/* [addr, addr+size) inside r, without overflow. */
static int range_holds(const pvp_range *r, uint64_t addr, uint64_t size)
{
    return addr >= r->addr && addr - r->addr <= r->size && size <= r->size - (addr - r->addr);
}

const pvp_range *pvp_image_range(const pvp_image *img, uint64_t addr)
{
    for (size_t i = 0; i < img->nranges; i++)
        if (range_holds(&img->ranges[i], addr, 1))
            return &img->ranges[i];
    return NULL;
}

uint8_t *pvp_image_at(const pvp_image *img, uint64_t addr, uint64_t size)
{
    for (size_t i = 0; i < img->nranges; i++) {
        const pvp_range *r = &img->ranges[i];
        if (r->bytes && range_holds(r, addr, size) && (size || addr < r->addr + r->size))
            return r->bytes + (addr - r->addr);
    }
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
