/* Bugs the fuzz targets found in the record readers, each with the input
 * that shows it, reduced to the records concerned (fuzz/). */
#include <criterion/criterion.h>
#include <string.h>

#include "pvpatch/patch.h"

#define BASE 0x10000u

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* One mode record at BASE and its ops table (2 entries) right after it. */
static void mode_image(uint8_t bytes[PVP_MODE_RECSIZE + 16], uint32_t id)
{
    memset(bytes, 0, PVP_MODE_RECSIZE + 16);
    put_le(bytes + PVP_MODE_OFF_MAGIC, PVP_MODE_MAGIC, 4);
    put_le(bytes + PVP_MODE_OFF_VERSION, PVP_RECORDS_VERSION, 2);
    put_le(bytes + PVP_MODE_OFF_RECSIZE, PVP_MODE_RECSIZE, 2);
    put_le(bytes + PVP_MODE_OFF_MODE, id, 4);
    put_le(bytes + PVP_MODE_OFF_NOPS, 2, 4);
    memcpy(bytes + PVP_MODE_OFF_NAME, "wide", 4);
    put_le(bytes + PVP_MODE_OFF_OPS, BASE + PVP_MODE_RECSIZE, 8);
}

/* fuzz_patch: a mode id above 255 was read, sites were patched to it, and
 * each site record kept only its low byte (cur_mode is one byte), so the
 * verifier then found every site holding another mode. */
Test(fuzz_regress, a_mode_id_that_a_site_record_cannot_hold_is_refused)
{
    uint8_t bytes[PVP_MODE_RECSIZE + 16];
    pvp_range r = { BASE, sizeof bytes, bytes, 0, "modes" };
    pvp_image img = { &r, 1 };
    pvp_mode m;
    size_t n;
    pvp_error e;
    mode_image(bytes, 255);
    cr_assert_eq(pvp_modes_read(&img, BASE, PVP_MODE_RECSIZE, &m, 1, &n, &e), PVP_OK);
    cr_assert_eq(m.id, 255);
    for (uint32_t id = 256; id != 0; id = id < 0x620001 ? 0x620001 : 0) {
        mode_image(bytes, id);
        cr_assert_eq(pvp_modes_read(&img, BASE, PVP_MODE_RECSIZE, &m, 1, &n, &e), PVP_E_BAD_FORMAT, "id 0x%x", id);
        cr_assert_eq(e.addr, BASE);
    }
}
