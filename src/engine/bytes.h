/* Internal: little-endian fields of records, read byte by byte (each one
 * expression, which compilers make one load on a little-endian host; no
 * assumption about the host). */
#ifndef PVP_ENGINE_BYTES_H
#define PVP_ENGINE_BYTES_H

#include <stdint.h>

static inline uint16_t pvp_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t pvp_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t pvp_le64(const uint8_t *p)
{
    return (uint64_t)pvp_le32(p) | (uint64_t)pvp_le32(p + 4) << 32;
}

static inline void pvp_put_le64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/* The first offset in [from, to) where x and y differ, or to: eight bytes
 * at a time (most of what is compared is the same), then byte by byte. */
static inline uint64_t pvp_first_difference(const uint8_t *x, const uint8_t *y, uint64_t from, uint64_t to)
{
    uint64_t i = from;
    for (uint64_t wx, wy; to - i >= 8; i += 8) {
        __builtin_memcpy(&wx, x + i, 8);   /* (a load: no alignment or endianness assumed) */
        __builtin_memcpy(&wy, y + i, 8);
        if (wx != wy)
            break;
    }
    while (i < to && x[i] == y[i])
        i++;
    return i;
}

#endif
