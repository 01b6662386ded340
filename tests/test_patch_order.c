/* pvp_patch and pvp_verify_patch sort the live sites' extents in the
 * caller's work space instead of comparing every pair: a table in any
 * order gives the same code, overlaps are found wherever the two records
 * stand, the verifier's merge walk still finds every stray byte, and no
 * work space is refused with the image unchanged. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ia64/template.h"
#include "pvpatch/ia64.h"
#include "support/binutils.h"
#include "support/kernel.h"
#include "support/pvkernel.h"

#define USES 8                    /* every operation this many times */

static char *many_sites(void)
{
    char *one = pv_every_op_body(), *body = NULL;
    size_t len = 0;
    for (int k = 0; k < USES; k++)
        add(&body, &len, "%s", one);
    free(one);
    return body;
}

/* Swap records i and j of the site table. */
static void swap_records(cli_image *img, size_t i, size_t j)
{
    uint8_t *a = pvp_image_at(pvp_file_image(img->file), img->sites + i * PVP_SITE_RECSIZE, PVP_SITE_RECSIZE);
    uint8_t *b = pvp_image_at(pvp_file_image(img->file), img->sites + j * PVP_SITE_RECSIZE, PVP_SITE_RECSIZE);
    uint8_t t[PVP_SITE_RECSIZE];
    memcpy(t, a, sizeof t);
    memcpy(a, b, sizeof t);
    memcpy(b, t, sizeof t);
}

static const pvp_range *code_range(cli_image *img)
{
    pvp_site s;
    cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, 0, &s, NULL), PVP_OK);
    return pvp_image_range(pvp_file_image(img->file), s.addr);
}

Test(patch_order, a_shuffled_table_patches_and_verifies_the_same)
{
    char *body = many_sites();
    cli_image sorted, shuffled, orig;
    pv_build(body, "C", "native", &sorted);
    pv_build(body, "C", "native", &shuffled);
    free(body);
    char err[PVP_ERR_SIZE];
    cr_assert_eq(cli_image_open(&orig, pvp_file_path(shuffled.file), err, sizeof err), 0, "%s", err);
    size_t n = pvp_site_count(shuffled.sites_size);
    cr_assert_gt(n, 400);
    uint64_t seed = 0x5eed0fde7;
    for (size_t i = n - 1; i > 0; i--)                     /* Fisher-Yates */
        swap_records(&shuffled, i, (size_t)(tas_rand(&seed) % (i + 1)));
    memcpy(pvp_image_at(pvp_file_image(orig.file), orig.sites, orig.sites_size),
           pvp_image_at(pvp_file_image(shuffled.file), shuffled.sites, shuffled.sites_size), shuffled.sites_size);

    pvp_patch_report ra, rb;
    pvp_error e;
    pvp_patch_req qa = pv_request(&sorted, "xen", PVP_POLICY_BEST, NULL, 0);
    cr_assert_eq(pvp_patch(pvp_file_image(sorted.file), &qa, &ra, &e), PVP_OK, "%s", e.what);
    pvp_patch_req qb = pv_request(&shuffled, "xen", PVP_POLICY_BEST, NULL, 0);
    cr_assert_eq(pvp_patch(pvp_file_image(shuffled.file), &qb, &rb, &e), PVP_OK, "%s", e.what);
    cr_assert_eq(ra.changed, rb.changed);
    const pvp_range *ca = code_range(&sorted), *cb = code_range(&shuffled);
    cr_assert(ca->size == cb->size && memcmp(ca->bytes, cb->bytes, ca->size) == 0,
              "the order of the table changed the code");
    pvp_mismatch mm[4];
    size_t nmm;
    cr_assert_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(shuffled.file), &qb, mm, 4, &nmm),
                 PVP_OK, "%zu mismatches, first %s at 0x%llx", nmm, nmm ? mm[0].what : "",
                 nmm ? (unsigned long long)mm[0].addr : 0ull);

    /* A stray byte between two sites, and one after the last, are still found. */
    pvp_site s0, s1;
    cr_assert_eq(pvp_site_read(pvp_file_image(sorted.file), &pvp_arch_ia64, sorted.sites, 0, &s0, NULL), PVP_OK);
    cr_assert_eq(pvp_site_read(pvp_file_image(sorted.file), &pvp_arch_ia64, sorted.sites, n - 1, &s1, NULL), PVP_OK);
    uint8_t *after_last = pvp_image_at(pvp_file_image(shuffled.file), s1.end, 1);
    after_last[0] ^= 0x20;
    cr_assert_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(shuffled.file), &qb, mm, 4, &nmm),
                 PVP_E_VERIFY);
    cr_assert(nmm == 1 && mm[0].addr == s1.end, "0x%llx", (unsigned long long)mm[0].addr);
    cli_image_close(&sorted);
    cli_image_close(&shuffled);
    cli_image_close(&orig);
}

Test(patch_order, overlaps_are_found_wherever_the_records_stand)
{
    char *body = many_sites();
    cli_image img;
    pv_build(body, "C", "native", &img);
    free(body);
    size_t n = pvp_site_count(img.sites_size);
    /* The last record gets an extent one bundle into the first site's. */
    pvp_site s;
    const pvp_image *pi = pvp_file_image(img.file);
    cr_assert_eq(pvp_site_read(pi, &pvp_arch_ia64, img.sites, 0, &s, NULL), PVP_OK);
    uint64_t last = img.sites + (n - 1) * PVP_SITE_RECSIZE;
    pvp_image_write_le(pi, last + PVP_SITE_OFF_ADDR, 8, s.addr + 16);
    pvp_image_write_le(pi, last + PVP_SITE_OFF_END, 8, s.end + 16);
    size_t size;
    uint8_t *snap = pv_snapshot(&img, &size);
    pvp_patch_req req = pv_request(&img, "xen", PVP_POLICY_BEST, NULL, 0);
    pvp_error e = { 0 };
    cr_assert_eq(pvp_patch(pi, &req, NULL, &e), PVP_E_OVERLAP);
    cr_assert(e.addr == last || e.addr == img.sites + PVP_SITE_RECSIZE, "0x%llx", (unsigned long long)e.addr);
    cr_assert(pv_unchanged(&img, snap, size));

    /* The verifier, on its own, says so too. */
    pvp_mismatch mm[4];
    size_t nmm;
    cr_assert_eq(pvp_verify_patch(pi, pi, &req, mm, 4, &nmm), PVP_E_VERIFY);
    int said = 0;
    for (size_t k = 0; k < nmm && k < 4; k++)
        said |= strcmp(mm[k].what, "sites overlap") == 0;
    cr_assert(said);

    /* Without work space nothing is done. */
    req.work = NULL;
    cr_assert_eq(pvp_patch(pi, &req, NULL, &e), PVP_E_NO_SPACE);
    cr_assert(strstr(e.what, "pvp_patch_work_size"));
    req = pv_request(&img, "xen", PVP_POLICY_BEST, NULL, 0);
    req.work_size = pvp_patch_work_size(n) - 1;
    cr_assert_eq(pvp_patch(pi, &req, NULL, &e), PVP_E_NO_SPACE);
    cr_assert(pv_unchanged(&img, snap, size));
    free(snap);
    cli_image_close(&img);
}

Test(patch_order, the_template_cache_changes_nothing_but_speed)
{
    /* Prepared templates kept in a cache (large, nearly full, none) give
     * the very bytes of templates read again for every site. */
    char *body = many_sites();
    cli_image img[3];
    for (int k = 0; k < 3; k++)
        pv_build(body, "C", "native", &img[k]);
    free(body);
    static uint8_t small[4096] __attribute__((aligned(8)));
    for (int mode = 0; mode < 3; mode++) {
        static const char *const modes[] = { "native", "xen", "counting" };
        for (int k = 0; k < 3; k++) {
            pvp_patch_req req = pv_request(&img[k], modes[mode], PVP_POLICY_BEST, NULL, 0);
            if (k == 1)
                req.cache = small, req.cache_size = sizeof small;
            if (k == 2)
                req.cache = NULL, req.cache_size = 0;
            pvp_error e;
            cr_assert_eq(pvp_patch(pvp_file_image(img[k].file), &req, NULL, &e), PVP_OK, "%s", e.what);
        }
        const pvp_range *r0 = code_range(&img[0]);
        for (int k = 1; k < 3; k++) {
            const pvp_range *r = code_range(&img[k]);
            cr_assert(r->size == r0->size && memcmp(r->bytes, r0->bytes, r->size) == 0,
                      "mode %s: cache %d gave other code", modes[mode], k);
        }
    }
    for (int k = 0; k < 3; k++)
        cli_image_close(&img[k]);
}

/* A patch clears the cache it is lent (only its index: what is not indexed
 * is never read): nothing prepared for another image is found again, and
 * the cache fills anew. */
Test(patch_order, a_cleared_cache_finds_nothing_it_held)
{
    static uint64_t cache[4096];
    pvp_ia64_prepared p = { 0 };
    p.tmpl_addr = 0xa000000100001230ull, p.tmpl_size = 48, p.n = 0;
    for (size_t b = 0; b < sizeof cache; b++)
        ((uint8_t *)cache)[b] = 0xa5;              /* not zero: garbage is what a cleared cache may hold */
    pvp_ia64_cache_clear(cache, sizeof cache);
    cr_assert_null(pvp_ia64_cache_find(cache, sizeof cache, p.tmpl_addr, p.tmpl_size), "garbage found");
    pvp_ia64_cache_add(cache, sizeof cache, &p);
    const pvp_ia64_prepared *q = pvp_ia64_cache_find(cache, sizeof cache, p.tmpl_addr, p.tmpl_size);
    cr_assert(q && q->tmpl_addr == p.tmpl_addr, "an entry added is found");
    pvp_ia64_cache_clear(cache, sizeof cache);
    cr_assert_null(pvp_ia64_cache_find(cache, sizeof cache, p.tmpl_addr, p.tmpl_size), "an entry survived the clear");
}

/* A template laid out the same anywhere keeps its last layout in the cache
 * (sites of one operation mostly have the same registers). Only a request
 * equal in everything the layout depends on may get it again: every
 * template of every mode, laid out with a cache for requests that differ
 * from the last in one thing at a time (a register, the predicate, the
 * predicate clobber, what may be written, the room, the exit, the place),
 * gives what it gives without a cache, bytes, result and status. */
Test(patch_order, a_kept_layout_is_given_only_to_an_equal_request)
{
    char *body = pv_every_op_body();
    cli_image img;
    pv_build(body, "C", "native", &img);
    free(body);
    const pvp_image *pi = pvp_file_image(img.file);
    static uint64_t cache[512 * 1024 / 8];
    pvp_ia64_cache_clear(cache, sizeof cache);
    uint64_t seed = 0x3e3;
    size_t laid = 0, same_again = 0;
    for (size_t mi = 0; mi < img.nmodes; mi++)
        for (uint64_t rec = img.modes[mi].tmpl; rec < img.modes[mi].tmpl_end; rec += PVP_TMPL_RECSIZE) {
            uint64_t op = 0, form = 0;
            pvp_image_read_le(pi, rec + PVP_TMPL_OFF_OP, 2, &op);
            pvp_image_read_le(pi, rec + PVP_TMPL_OFF_FORM, 1, &form);
            pvp_template t;
            if (pvp_template_find(pi, &img.modes[mi], (unsigned)op, (unsigned)form, &t, NULL))
                continue;
            pvp_code_req r = { t.bytes, t.code, t.end - t.code, 0, { 8, 9, 10, 11, 14, 15 }, 6,
                               { ~0ull, ~0ull }, ~0u, t.code - 0x10000, 0x80, cache, sizeof cache, NULL, NULL, 0 };
            for (int k = 0; k < 40; k++) {
                switch (k % 10) {                   /* one thing changes, or nothing (an equal request) */
                case 0: r.regs[tas_rand(&seed) % 6] = (uint8_t)(2 + tas_rand(&seed) % 30); break;
                case 1: r.qp = (uint8_t)(tas_rand(&seed) % 3 ? 0 : 1 + tas_rand(&seed) % 63); break;
                case 2: r.pclob = (uint8_t)(tas_rand(&seed) % 4 ? 6 : tas_rand(&seed) % 64); break;
                case 3: r.allowed_gr[0] = tas_rand(&seed) % 3 ? ~0ull : tas_rand(&seed); break;
                case 4: r.allowed_br = tas_rand(&seed) % 3 ? ~0u : (uint32_t)tas_rand(&seed); break;
                case 5: r.room = 16 * (1 + tas_rand(&seed) % 16); break;
                case 6: r.exit = tas_rand(&seed) % 2 ? 0 : r.at + r.room + 16 * (tas_rand(&seed) % 64); break;
                case 7: r.at -= 16 * (1 + tas_rand(&seed) % 4096); break;
                default: same_again++; break;
                }
                uint8_t with[256], without[256];
                pvp_code_result rw, ro;
                memset(with, 0xee, sizeof with), memset(without, 0xee, sizeof without);
                pvp_code_req bare = r;
                bare.cache = NULL, bare.cache_size = 0;
                int cw = pvp_ia64_site_code(&r, with, &rw), co = pvp_ia64_site_code(&bare, without, &ro);
                cr_assert_eq(cw, co, "op %u form %u request %d: status %d with the cache, %d without",
                             (unsigned)op, (unsigned)form, k, cw, co);
                if (cw)
                    continue;
                laid++;
                cr_assert(memcmp(with, without, sizeof with) == 0 && rw.used == ro.used && rw.filler == ro.filler &&
                              rw.skip == ro.skip && rw.reg == ro.reg,
                          "op %u form %u request %d: another layout with the cache", (unsigned)op, (unsigned)form, k);
            }
        }
    cr_expect_gt(laid, 1000, "too few layouts to prove anything (%zu)", laid);
    cr_expect_gt(same_again, 100);
    cli_image_close(&img);
}
