/* Shadow images of the running program (see shadow.h). */
#include "shadow.h"

#include <stdlib.h>
#include <string.h>

int pvp_rt_range_add(pvp_image *img, size_t max, uintptr_t addr, size_t size, int shadow,
                     uint32_t flags, const char *name)
{
    if (img->nranges == max)
        return PVP_E_NO_SPACE;
    uint8_t *bytes = (uint8_t *)addr;
    if (shadow) {
        bytes = malloc(size ? size : 1);
        if (!bytes)
            return PVP_E_NO_SPACE;
        memcpy(bytes, (const void *)addr, size);
    }
    img->ranges[img->nranges++] = (pvp_range){ addr, size, bytes, flags, name };
    return PVP_OK;
}

int pvp_rt_is_shadow(const pvp_range *r)
{
    return r->bytes != (uint8_t *)(uintptr_t)r->addr;
}

void pvp_rt_ranges_free(pvp_image *img)
{
    for (size_t i = 0; i < img->nranges; i++)
        if (pvp_rt_is_shadow(&img->ranges[i]))
            free(img->ranges[i].bytes);
    img->nranges = 0;
}

int pvp_rt_changed(const pvp_range *shadow, pvp_text_edit *e)
{
    const uint8_t *now = (const uint8_t *)(uintptr_t)shadow->addr;
    size_t first = 0, end = shadow->size;
    while (first < end && now[first] == shadow->bytes[first])
        first++;
    while (end > first && now[end - 1] == shadow->bytes[end - 1])
        end--;
    *e = (pvp_text_edit){ (uintptr_t)shadow->addr + first, shadow->bytes + first, end - first };
    return first != end;
}

/* Only the words that differ, each aligned word in one store: other
 * threads may be reading the live table (a C site's call) meanwhile. */
void pvp_rt_write_back(const pvp_range *shadow)
{
    uint8_t *mem = (uint8_t *)(uintptr_t)shadow->addr;
    const uint8_t *now = shadow->bytes;
    for (size_t i = 0; i < shadow->size;) {
        if ((shadow->addr + i) % 8 == 0 && shadow->size - i >= 8) {
            uint64_t w;
            memcpy(&w, now + i, 8);
            if (memcmp(mem + i, &w, 8))
                __atomic_store_n((uint64_t *)(void *)(mem + i), w, __ATOMIC_RELEASE);
            i += 8;
        } else {
            if (mem[i] != now[i])
                mem[i] = now[i];
            i++;
        }
    }
}
