/* Little-endian 64-bit loads and stores of bundle halves. */
#ifndef PVP_IA64_BYTES_H
#define PVP_IA64_BYTES_H

#include <stdint.h>

/* Byte by byte: no host-endianness assumption (written as one expression,
 * compilers make it one load). */
static inline uint64_t pvp_ia64_load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void pvp_ia64_store_le64(uint8_t *p, uint64_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
    p[4] = (uint8_t)(v >> 32), p[5] = (uint8_t)(v >> 40), p[6] = (uint8_t)(v >> 48), p[7] = (uint8_t)(v >> 56);
}

#endif
