/* Internal: a bundle's 16 bytes as its template and three 41-bit slots,
 * read without a decode (the unpacker and the install's fast path). */
#ifndef PVP_IA64_BYTES_H
#define PVP_IA64_BYTES_H

#include <stdint.h>
#include "engine/bytes.h"
#include "pvpatch/ia64.h"

/* The template number (5 bits); slot[0..2] the slots. */
static inline unsigned pvp_ia64_split(const uint8_t bytes[16], uint64_t slot[3])
{
    uint64_t lo = pvp_le64(bytes), hi = pvp_le64(bytes + 8);
    slot[0] = (lo >> 5) & PVP_IA64_SLOT_MASK;
    slot[1] = ((lo >> 46) | (hi << 18)) & PVP_IA64_SLOT_MASK;
    slot[2] = hi >> 23;
    return (unsigned)(lo & 0x1f);
}

#endif
