/* Internal: fixup records decoded inline, for the walks over a whole list. */
#ifndef PVP_ENGINE_RECORDS_H
#define PVP_ENGINE_RECORDS_H

#include "pvpatch/install.h"
#include "engine/bytes.h"

/* The fields of the 16 bytes at r (record address rec), unchecked. */
static inline void pvp_fixup_decode(const uint8_t *r, uint64_t rec, pvp_fixup *out)
{
    out->record = rec;
    out->where = pvp_le64(r + PVP_FIX_OFF_WHERE);
    out->kind = pvp_le32(r + PVP_FIX_OFF_KIND);
    out->length = pvp_le32(r + PVP_FIX_OFF_LENGTH);
}

/* Record i of a list, unchecked (a record that cannot be read has no kind). */
static inline void pvp_fixup_again(const pvp_fixup_list *l, size_t i, pvp_fixup *out)
{
    if (l->bytes)
        pvp_fixup_decode(l->bytes + i * PVP_FIXUP_RECSIZE, l->inst->fixups + i * PVP_FIXUP_RECSIZE, out);
    else if (pvp_fixup_get(l, i, out, NULL) != PVP_OK)
        *out = (pvp_fixup){ out->record, 0, PVP_FIX_KINDS, 0 };   /* unreadable: no kind */
}

#endif
