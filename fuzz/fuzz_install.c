/* libFuzzer target for the instance and fixup record readers and the
 * install (src/engine/records.c, install.c, verify.c): any bytes as an image
 * file, read as `pvpatch install` reads it (cli_image_open: the ELF reader,
 * then pvp_instances_read over .pvpatch.instances and pvp_modes_read), every
 * fixup of every instance read, then one instance installed (chosen by the
 * input's length, so that a 32 KiB IVT costs one install per run). pvp_install never crashes and never writes when it fails:
 * the image is byte-identical after a refusal, which names a reason. After a
 * success the independent verifier agrees, and installing the same instance
 * again (as re-read from the installed image) is refused and writes nothing.
 * An x86-64 ELF is read as if IA-64 and installed with the x86-64 backend. */
#include <string.h>

#include "cli/instances.h"
#include "support/input.h"

static void read_fixups(const pvp_image *img, const pvp_instance *inst)
{
    size_t n = pvp_fixup_count(inst);
    for (size_t i = 0; i < n && i < 4096; i++) {
        pvp_fixup f;
        pvp_error e;
        int rc = pvp_fixup_read(img, inst, i, &f, &e);
        if (rc)
            fuzz_check_error(rc, &e);
        else
            FUZZ_CHECK(strcmp(pvp_fixup_kind_name(f.kind), "?") != 0);
    }
    pvp_fixup f;
    pvp_error e;
    FUZZ_CHECK(pvp_fixup_read(img, inst, n, &f, &e) != PVP_OK);
}

/* Installing again what is installed: refused, nothing written. */
static void check_reinstall(cli_image *ci, const pvp_arch *arch, size_t k)
{
    const pvp_section *s = pvp_file_section_by_name(ci->file, ".pvpatch.instances");
    const pvp_image *img = pvp_file_image(ci->file);
    size_t max, n;
    pvp_instance *again = cli_instances_alloc(s->size, &max);
    pvp_error e;
    FUZZ_CHECK(again && pvp_instances_read(img, s->addr, s->size, again, max, &n, &e) == PVP_OK);
    FUZZ_CHECK(n == ci->count && (again[k].flags & PVP_INSTANCE_F_INSTALLED));
    fuzz_snapshot installed;
    fuzz_snapshot_take(&installed, img);
    pvp_install_req req = { .arch = arch, .set = again, .count = n, .chosen = k, .vtop = cli_image_vtop,
                            .vtop_ctx = ci };
    int rc = pvp_install(img, &req, NULL, &e);
    FUZZ_CHECK(rc == PVP_E_ALREADY_DONE);
    FUZZ_CHECK(fuzz_snapshot_same(&installed, img));
    fuzz_snapshot_free(&installed);
    free(again);
}

/* The independent verifier agrees with a successful install. */
static void check_verified(cli_image *ci, const pvp_image *orig, const pvp_arch *arch, size_t k)
{
    pvp_mismatch mm[4];
    size_t n = 0;
    FUZZ_CHECK(pvp_verify_install(orig, pvp_file_image(ci->file), arch, &ci->set[k], cli_image_vtop, ci, mm, 4,
                                  &n) == PVP_OK);
}

static void install_one(cli_image *ci, const pvp_arch *arch, size_t k)
{
    const pvp_image *img = pvp_file_image(ci->file);
    fuzz_snapshot orig;
    fuzz_snapshot_take(&orig, img);
    /* work space for the plan's blocks: enough for even instances, a few entries for odd ones */
    size_t work_size = k % 2 ? 3 * PVP_MOVES_ENTSIZE : pvp_install_work_size(&ci->set[k]);
    void *work = malloc(work_size ? work_size : 1);
    pvp_install_req req = { .arch = arch, .set = ci->set, .count = ci->count, .chosen = k,
                            .vtop = cli_image_vtop, .vtop_ctx = ci, .work = work, .work_size = work ? work_size : 0 };
    pvp_install_report rep;
    pvp_error e;
    int rc = pvp_install(img, &req, &rep, &e);
    free(work);
    if (rc) {
        fuzz_check_error(rc, &e);
        FUZZ_CHECK(fuzz_snapshot_same(&orig, img));
    } else {
        check_verified(ci, &orig.image, arch, k);
        check_reinstall(ci, arch, k);
    }
    fuzz_snapshot_free(&orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_image ci;
    const pvp_arch *arch = fuzz_image_open(data, size, &ci);
    if (!arch)
        return 0;
    for (size_t k = 0; k < ci.count; k++)
        read_fixups(pvp_file_image(ci.file), &ci.set[k]);
    if (ci.count)
        install_one(&ci, arch, size % ci.count);
    cli_image_close(&ci);
    return 0;
}
