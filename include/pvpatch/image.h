/* pvpatch image view: target addresses mapped to host bytes, in ranges.
 * The engine never assumes that a host pointer equals a target address.
 * Freestanding: stdint.h and stddef.h only. */
#ifndef PVPATCH_IMAGE_H
#define PVPATCH_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVP_RANGE_EXEC  0x1u   /* holds code */
#define PVP_RANGE_WRITE 0x2u   /* writable at run time (data) */

/* One contiguous run of target memory and the host bytes that back it. */
typedef struct pvp_range {
    uint64_t addr;       /* target address of bytes[0] */
    uint64_t size;
    uint8_t *bytes;
    uint32_t flags;      /* PVP_RANGE_* */
    const char *name;    /* section name, for messages; may be NULL */
} pvp_range;

/* An image: ranges that do not overlap, in any order (in address order,
 * lookups are a binary search). */
typedef struct pvp_image {
    pvp_range *ranges;
    size_t nranges;
} pvp_image;

/* Host bytes for [addr, addr+size) if that lies inside one range, else NULL. */
uint8_t *pvp_image_at(const pvp_image *img, uint64_t addr, uint64_t size);
/* The range holding addr, or NULL. */
const pvp_range *pvp_image_range(const pvp_image *img, uint64_t addr);
/* Read a little-endian integer of 1-8 bytes at addr. */
int pvp_image_read_le(const pvp_image *img, uint64_t addr, unsigned nbytes, uint64_t *value);
/* Write a little-endian integer of 1-8 bytes at addr. */
int pvp_image_write_le(const pvp_image *img, uint64_t addr, unsigned nbytes, uint64_t value);
/* PVP_OK if no two ranges overlap. */
int pvp_image_check(const pvp_image *img);

#ifdef __cplusplus
}
#endif
#endif
