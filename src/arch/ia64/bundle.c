/* Bundles: the template table and the split of 128 bits into three slots. */
#include "pvpatch/ia64.h"
#include "bytes.h"

#define M PVP_IA64_UNIT_M
#define I PVP_IA64_UNIT_I
#define F PVP_IA64_UNIT_F
#define B PVP_IA64_UNIT_B
#define L PVP_IA64_UNIT_L
#define X PVP_IA64_UNIT_X
#define RESERVED { { 0, 0, 0 }, 0, 1 }

/* Stop bits: 1 after slot 0, 2 after slot 1, 4 after slot 2. */
static const pvp_ia64_template templates[32] = {
    { { M, I, I }, 0, 0 }, { { M, I, I }, 4, 0 },      /* 00 MII     01 MII;;     */
    { { M, I, I }, 2, 0 }, { { M, I, I }, 6, 0 },      /* 02 MI;;I   03 MI;;I;;   */
    { { M, L, X }, 0, 0 }, { { M, L, X }, 4, 0 },      /* 04 MLX     05 MLX;;     */
    RESERVED, RESERVED,                                /* 06 07                   */
    { { M, M, I }, 0, 0 }, { { M, M, I }, 4, 0 },      /* 08 MMI     09 MMI;;     */
    { { M, M, I }, 1, 0 }, { { M, M, I }, 5, 0 },      /* 0A M;;MI   0B M;;MI;;   */
    { { M, F, I }, 0, 0 }, { { M, F, I }, 4, 0 },      /* 0C MFI     0D MFI;;     */
    { { M, M, F }, 0, 0 }, { { M, M, F }, 4, 0 },      /* 0E MMF     0F MMF;;     */
    { { M, I, B }, 0, 0 }, { { M, I, B }, 4, 0 },      /* 10 MIB     11 MIB;;     */
    { { M, B, B }, 0, 0 }, { { M, B, B }, 4, 0 },      /* 12 MBB     13 MBB;;     */
    RESERVED, RESERVED,                                /* 14 15                   */
    { { B, B, B }, 0, 0 }, { { B, B, B }, 4, 0 },      /* 16 BBB     17 BBB;;     */
    { { M, M, B }, 0, 0 }, { { M, M, B }, 4, 0 },      /* 18 MMB     19 MMB;;     */
    RESERVED, RESERVED,                                /* 1A 1B                   */
    { { M, F, B }, 0, 0 }, { { M, F, B }, 4, 0 },      /* 1C MFB     1D MFB;;     */
    RESERVED, RESERVED,                                /* 1E 1F                   */
};

const pvp_ia64_template *pvp_ia64_template_info(unsigned t)
{
    return t < 32 ? &templates[t] : NULL;
}

int pvp_ia64_template_find(const uint8_t units[3], unsigned stops)
{
    for (int t = 0; t < 32; t++) {
        const pvp_ia64_template *p = &templates[t];
        if (!p->reserved && p->stops == stops && p->units[0] == units[0] &&
            p->units[1] == units[1] && p->units[2] == units[2])
            return t;
    }
    return -1;
}

int pvp_ia64_bundle_unpack(const uint8_t bytes[16], pvp_ia64_bundle *out)
{
    out->tmpl = (uint8_t)pvp_ia64_split(bytes, out->slot);
    return templates[out->tmpl].reserved ? PVP_E_RESERVED_TEMPLATE : PVP_OK;
}

int pvp_ia64_bundle_pack(const pvp_ia64_bundle *b, uint8_t bytes[16])
{
    if (b->tmpl > 31 || templates[b->tmpl].reserved)
        return PVP_E_RESERVED_TEMPLATE;
    for (int i = 0; i < 3; i++)
        if (b->slot[i] & ~PVP_IA64_SLOT_MASK)
            return PVP_E_OUT_OF_RANGE;
    pvp_put_le64(bytes, b->tmpl | b->slot[0] << 5 | b->slot[1] << 46);
    pvp_put_le64(bytes + 8, b->slot[1] >> 18 | b->slot[2] << 23);
    return PVP_OK;
}

pvp_ia64_unit pvp_ia64_slot_unit(const pvp_ia64_bundle *b, unsigned slot)
{
    if (slot > 2 || b->tmpl > 31)
        return PVP_IA64_UNIT_NONE;
    return (pvp_ia64_unit)templates[b->tmpl].units[slot];
}

const char *pvp_ia64_unit_name(unsigned unit)
{
    static const char *const names[] = { "?", "M", "I", "F", "B", "L", "X", "A" };
    return unit < sizeof(names) / sizeof(names[0]) ? names[unit] : "?";
}
