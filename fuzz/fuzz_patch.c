/* libFuzzer target for the site, mode and template readers and the patcher
 * (src/engine/site.c, patch.c, verify.c): any bytes as an image file, read
 * as `pvpatch patch` reads it (cli_image_open), every site record read and
 * placed (pvp_site_read, pvp_site_live), every mode's template of each
 * site's operation looked up in every form (pvp_template_find), then the
 * image patched to one of its modes under one policy (both chosen by the
 * input). pvp_patch never crashes and never writes when it fails: the image
 * is byte-identical after a refusal, which names a reason. After a success
 * the independent verifier agrees, and patching again to the same mode
 * changes nothing. An x86-64 ELF is read as if IA-64 and patched with the
 * x86-64 backend. */
#include <string.h>

#include "cli/instances.h"
#include "support/input.h"

#define MAX_SITES 4096

static void read_sites(const cli_image *ci, const pvp_arch *arch)
{
    const pvp_image *img = pvp_file_image(ci->file);
    size_t n = pvp_site_count(ci->sites_size);
    for (size_t i = 0; i < n && i < MAX_SITES; i++) {
        pvp_site s;
        pvp_error e;
        int rc = pvp_site_read(img, arch, ci->sites, i, &s, &e);
        if (rc) {
            fuzz_check_error(rc, &e);
            continue;
        }
        uint64_t at;
        (void)pvp_site_live(&s, ci->set, ci->count, &at);
        for (size_t m = 0; m < ci->nmodes; m++)
            for (unsigned form = 0; form <= PVP_FORM_C + 1; form++) {
                pvp_template t;
                rc = pvp_template_find(img, &ci->modes[m], s.op, form, &t, &e);
                if (rc)
                    fuzz_check_error(rc, &e);
                else
                    FUZZ_CHECK(t.op == s.op && t.form == form && t.end > t.code &&
                               pvp_image_at(img, t.code, t.end - t.code));
            }
    }
}

/* Patch to mode m under policy; check the contract either way. */
static void patch_once(cli_image *ci, const pvp_arch *arch, const pvp_mode *m, int policy)
{
    const pvp_image *img = pvp_file_image(ci->file);
    size_t n = pvp_site_count(ci->sites_size);
    pvp_site_result *res = calloc(n ? n : 1, sizeof *res);
    size_t wsize = pvp_patch_work_size(n);
    void *work = malloc(wsize ? wsize : 1);
    FUZZ_CHECK(res && work);
    pvp_patch_req req = { .arch = arch, .set = ci->set, .count = ci->count, .sites = ci->sites,
                          .sites_size = ci->sites_size, .modes = ci->modes, .nmodes = ci->nmodes,
                          .mode = m->id, .policy = policy, .results = res, .max_results = n,
                          .work = work, .work_size = wsize };
    fuzz_snapshot orig;
    fuzz_snapshot_take(&orig, img);
    pvp_patch_report rep;
    pvp_error e;
    int rc = pvp_patch(img, &req, &rep, &e);
    if (rc) {
        fuzz_check_error(rc, &e);
        FUZZ_CHECK(fuzz_snapshot_same(&orig, img));
    } else {
        pvp_mismatch mm[4];
        size_t nmm = 0;
        FUZZ_CHECK(pvp_verify_patch(&orig.image, img, &req, mm, 4, &nmm) == PVP_OK && nmm == 0);
        FUZZ_CHECK(rep.sites == n && rep.dead + rep.to_form[PVP_FORM_A] + rep.to_form[PVP_FORM_B] +
                                         rep.to_form[PVP_FORM_C] == n);
        fuzz_snapshot patched;
        fuzz_snapshot_take(&patched, img);
        FUZZ_CHECK(pvp_patch(img, &req, &rep, &e) == PVP_OK);
        FUZZ_CHECK(rep.changed == 0 && fuzz_snapshot_same(&patched, img));
        fuzz_snapshot_free(&patched);
    }
    fuzz_snapshot_free(&orig);
    free(work);
    free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_image ci;
    const pvp_arch *arch = fuzz_image_open(data, size, &ci);
    if (!arch)
        return 0;
    read_sites(&ci, arch);
    if (ci.nmodes && pvp_site_count(ci.sites_size) <= MAX_SITES) {
        unsigned pick = size > 16 ? data[size - 9] : 0;     /* a byte of the section headers */
        patch_once(&ci, arch, &ci.modes[pick % ci.nmodes], (int)(pick / ci.nmodes % 3));
    }
    cli_image_close(&ci);
    return 0;
}
