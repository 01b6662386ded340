/* Install by copy, end to end: images assembled and linked by GNU as and ld
 * at kernel addresses, installed by the engine, checked by the independent
 * verifier and by objdump (the installed code at the canonical address must
 * print the same absolute targets as the original copy at its own). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf_image.h"
#include "pvpatch/install.h"
#include "support/binutils.h"
#include "support/kernel.h"

#define MAX_BUNDLES  2048
#define NFORM_BUNDLES nform_bundles

/* Every byte of every range of an image, for byte-identity checks. */
static uint8_t *snapshot(const pvp_image *img, size_t *total)
{
    size_t n = 0;
    for (size_t i = 0; i < img->nranges; i++)
        n += img->ranges[i].size;
    uint8_t *copy = malloc(n ? n : 1), *p = copy;
    for (size_t i = 0; i < img->nranges; i++, p += img->ranges[i - 1].size)
        memcpy(p, img->ranges[i].bytes, img->ranges[i].size);
    *total = n;
    return copy;
}

static void assert_unchanged(const pvp_image *img, const uint8_t *before, size_t n)
{
    size_t m;
    uint8_t *now = snapshot(img, &m);
    cr_assert(m == n && memcmp(now, before, n) == 0, "a failed install changed the image");
    free(now);
}

typedef struct flush_log {
    uint64_t addr, size;
    int calls;
} flush_log;

static void record_flush(void *ctx, uint64_t addr, uint64_t size)
{
    flush_log *l = ctx;
    l->addr = addr;
    l->size = size;
    l->calls++;
}

/* Install with `entries` move-list entries of work space (SIZE_MAX: as
 * many as the instance may need, 0: none). */
static int install_with_work(kernel *k, const char *name, pvp_install_report *rep, pvp_error *err,
                             flush_log *log, size_t entries)
{
    const pvp_instance *i = pvp_instance_find(k->set, k->count, name);
    cr_assert(i, "no instance %s", name);
    size_t size = entries == SIZE_MAX ? pvp_install_work_size(i) : entries * PVP_MOVES_ENTSIZE;
    void *work = size ? malloc(size) : NULL;
    pvp_install_req req = { &pvp_arch_ia64, k->set, k->count, (size_t)(i - k->set),
                            kernel_vtop, NULL, log ? record_flush : NULL, log, 0, work, size };
    int rc = pvp_install(pvp_file_image(k->file), &req, rep, err);
    free(work);
    return rc;
}

/* As the command installs: with the work space it may need. */
static int install_named(kernel *k, const char *name, pvp_install_report *rep, pvp_error *err,
                         flush_log *log)
{
    return install_with_work(k, name, rep, err, log, SIZE_MAX);
}

/* objdump of the installed code at the canonical address against objdump of
 * the original copy: outside targets equal, inside targets at the same offset. */
static int objdump_agrees(const kernel *orig, const char *installed_path, const pvp_instance *in)
{
    static tas_bundle a[MAX_BUNDLES], b[MAX_BUNDLES];
    int na = tas_objdump_bundles(orig->path, "-j .init.pvinst", a, MAX_BUNDLES);
    int nb = tas_objdump_bundles(installed_path, "-j .text.ivt", b, MAX_BUNDLES);
    cr_assert(na > 0 && nb > 0);
    int checked = 0;
    for (int i = 0; i < na; i++) {
        if (a[i].addr < in->copy || a[i].addr >= in->copy + in->size)
            continue;
        int j = (int)((a[i].addr - in->copy) / 16);
        cr_assert(j < nb && b[j].addr == in->canonical + (a[i].addr - in->copy));
        cr_assert_str_eq(a[i].tmpl, b[j].tmpl);
        for (int s = 0; s < a[i].nslots; s++)
            for (int t = 0; t < 2; t++) {
                uint64_t ta, tb;
                int ha = strstr(a[i].insn[s], "movl") == NULL && tas_insn_target(a[i].insn[s], t, &ta) == 0;
                int hb = strstr(b[j].insn[s], "movl") == NULL && tas_insn_target(b[j].insn[s], t, &tb) == 0;
                if (strncmp(a[i].insn[s], "nop", 3) == 0 || strncmp(a[i].insn[s], "break", 5) == 0)
                    continue;
                cr_assert_eq(ha, hb, "%s vs %s", a[i].insn[s], b[j].insn[s]);
                if (!ha)
                    continue;
                uint64_t want = ta - in->copy < in->size ? ta - in->copy + in->canonical : ta;
                cr_assert_eq(tb, want, "bundle 0x%llx slot %d: original '%s', installed '%s'",
                             (unsigned long long)b[j].addr, s, a[i].insn[s], b[j].insn[s]);
                checked++;
            }
    }
    return checked;
}

Test(install, every_form_inside_and_outside)
{
    char *body = all_forms_body();
    kernel k, orig;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    build_kernel(body, "0xa000000100100000", NULL, &orig);
    free(body);
    cr_assert_eq(k.count, 2);

    pvp_install_report rep;
    pvp_error err;
    flush_log log = { 0 };
    int rc = install_named(&k, "xen", &rep, &err, &log);
    cr_assert_eq(rc, PVP_OK, "install failed at 0x%llx: %s", (unsigned long long)err.addr, err.what);
    const pvp_instance *xen = pvp_instance_find(orig.set, orig.count, "xen");

    cr_assert_eq(rep.units_copied, SLOT / 16);
    cr_assert_eq(rep.fixups[PVP_FIX_VTOP_MOVL], 1);
    cr_assert_eq(rep.fixups[PVP_FIX_SELF_MOVL], 1);
    cr_assert_eq(rep.fixups[PVP_FIX_PTR64], 1);
    uint64_t out = 0;
    for (unsigned f = 0; f < pvp_arch_ia64.nforms; f++)
        out += rep.retargeted[f];
    /* Two outside targets per form (outside_fn, far_fn for brl). */
    cr_assert_eq(out, NFORM_BUNDLES + (LAST_BRL - FIRST_BRL + 1), "retargeted %llu", (unsigned long long)out);
    /* Form by form, as the architecture assigns the branches of form_bundles
     * (br.cond and br.wexit are B1, br.cloop B2; chk.s r, chk.s f, chk.a r,
     * chk.a f are M20-M23; brp's tag points inside), one outside target each;
     * GNU ld turns the brl that a br reaches (to outside_fn) into that br. */
    static const struct { const char *form; unsigned n; } per_form[] = {
        { "B1", 3 }, { "B2", 1 }, { "B3", 2 }, { "B6", 1 }, { "B6.tag", 0 }, { "X3", 1 }, { "X4", 1 },
        { "M20", 1 }, { "M21", 1 }, { "M22", 1 }, { "M23", 1 }, { "I20", 1 }, { "F14", 1 }, { "I21.tag", 0 },
    };
    cr_assert_eq(pvp_arch_ia64.nforms, sizeof per_form / sizeof per_form[0]);
    for (unsigned f = 0; f < pvp_arch_ia64.nforms; f++) {
        cr_assert_str_eq(pvp_arch_ia64.form_names[f], per_form[f].form);
        cr_assert_eq(rep.retargeted[f], per_form[f].n, "form %s: %llu re-targeted, want %u", per_form[f].form,
                     (unsigned long long)rep.retargeted[f], per_form[f].n);
    }
    cr_assert_eq(rep.freeable_code, SLOT);
    cr_assert(log.calls == 1 && log.addr == xen->canonical && log.size == SLOT);

    pvp_mismatch mm[16];
    size_t nmm;
    rc = pvp_verify_install(pvp_file_image(orig.file), pvp_file_image(k.file), &pvp_arch_ia64, xen,
                            kernel_vtop, NULL, mm, 16, &nmm);
    cr_assert_eq(rc, PVP_OK, "verifier: %zu mismatches, first at 0x%llx (%s)", nmm,
                 nmm ? (unsigned long long)mm[0].addr : 0ull, nmm ? mm[0].what : "");

    char outpath[600], errbuf[PVP_ERR_SIZE];
    snprintf(outpath, sizeof outpath, "%s.installed", k.path);
    cr_assert_eq(pvp_file_write(k.file, outpath, errbuf, sizeof errbuf), 0, "%s", errbuf);
    int checked = objdump_agrees(&orig, outpath, xen);
    cr_assert_geq(checked, (int)(3 * NFORM_BUNDLES));
    printf("install: %d IP-relative targets agree with objdump after install\n", checked);

    /* The fixups, read back from the installed image. */
    const pvp_image *img = pvp_file_image(k.file);
    const pvp_symbol *pg = pvp_file_symbol_by_name(k.file, "swapper_pg_dir");
    const pvp_symbol *in = pvp_file_symbol_by_name(orig.file, "xen_tag");
    cr_assert(pg && in);
    pvp_fixup fx[3];
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(pvp_fixup_read(img, xen, i, &fx[i], NULL), PVP_OK);
    uint64_t imm;
    uint8_t *vtop_bundle = pvp_image_at(img, fx[0].where & ~15ull, 16);
    cr_assert(vtop_bundle, "vtop record was not re-based into the canonical slot");
    cr_assert_eq(pvp_arch_ia64.load_imm_get(vtop_bundle, 16, fx[0].where & 15, &imm), PVP_OK);
    cr_assert_eq(imm, pg->value - KERNEL_BASE + PHYS_BASE);
    uint64_t word;
    cr_assert_eq(pvp_image_read_le(img, fx[2].where, 8, &word), PVP_OK);
    cr_assert_eq(word, in->value - xen->copy + xen->canonical);
    pvp_file_close(k.file);
    pvp_file_close(orig.file);
}

Test(install, canonical_instance_only_applies_fixups)
{
    char *body = all_forms_body();
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install_named(&k, "native", &rep, &err, NULL), PVP_OK, "%s", err.what);
    cr_assert_eq(rep.units_copied, 0);
    cr_assert_eq(rep.fixups[PVP_FIX_VTOP_MOVL], 1);
    cr_assert_eq(rep.fixups[PVP_FIX_SELF_MOVL], 1);

    /* Installing twice would translate twice: refused, image untouched. */
    pvp_instance again[4];
    size_t n;
    const pvp_section *s = pvp_file_section_by_name(k.file, ".pvpatch.instances");
    cr_assert_eq(pvp_instances_read(pvp_file_image(k.file), s->addr, s->size, again, 4, &n, &err), PVP_OK);
    memcpy(k.set, again, sizeof again);
    size_t total;
    uint8_t *before = snapshot(pvp_file_image(k.file), &total);
    cr_assert_eq(install_named(&k, "native", &rep, &err, NULL), PVP_E_ALREADY_DONE);
    assert_unchanged(pvp_file_image(k.file), before, total);
    free(before);
    pvp_file_close(k.file);
}

Test(install, displacement_at_the_edge_of_range)
{
    /* From the canonical bundle (0xa000000100008000), +16 MiB - 16 fits and
     * +16 MiB does not; from the copy (1 MiB higher) both fit, so ld accepts them. */
    char *body = one_branch_body("edge");
    kernel ok, bad;
    build_kernel(body, "0xa000000100100000", "  edge = 0xa000000100008000 + 0xfffff0;\n", &ok);
    build_kernel(body, "0xa000000100100000", "  edge = 0xa000000100008000 + 0x1000000;\n", &bad);
    free(body);
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install_named(&ok, "xen", &rep, &err, NULL), PVP_OK, "%s", err.what);
    cr_assert_eq(rep.retargeted[0], 1);

    size_t total;
    uint8_t *before = snapshot(pvp_file_image(bad.file), &total);
    cr_assert_eq(install_named(&bad, "xen", &rep, &err, NULL), PVP_E_OUT_OF_RANGE);
    cr_assert_eq(err.addr, COPY_ADDR);
    cr_assert_eq(err.sub, 2);
    cr_assert_eq(err.distance, 0x1000000);
    assert_unchanged(pvp_file_image(bad.file), before, total);
    free(before);
    pvp_file_close(ok.file);
    pvp_file_close(bad.file);
}

/* Corrupt one field of a record, expect `status`, and the image unchanged. */
static void expect_rejected(uint64_t field_off, unsigned width, uint64_t value, int status,
                            int corrupt_fixup)
{
    char *body = all_forms_body();
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    const pvp_image *img = pvp_file_image(k.file);
    const pvp_instance *xen = pvp_instance_find(k.set, k.count, "xen");
    uint64_t at = (corrupt_fixup ? xen->fixups : xen->record) + field_off;
    cr_assert_eq(pvp_image_write_le(img, at, width, value), PVP_OK);
    size_t total;
    uint8_t *before = snapshot(img, &total);
    const pvp_section *s = pvp_file_section_by_name(k.file, ".pvpatch.instances");
    pvp_error err;
    int rc = pvp_instances_read(img, s->addr, s->size, k.set, 4, &k.count, &err);
    if (rc == PVP_OK) {
        pvp_install_report rep;
        rc = install_named(&k, "xen", &rep, &err, NULL);
    }
    cr_assert_eq(rc, status, "got %d (%s at 0x%llx), want %d", rc, err.what,
                 (unsigned long long)err.addr, status);
    assert_unchanged(img, before, total);
    free(before);
    pvp_file_close(k.file);
}

Test(install, rejects_wrong_magic) { expect_rejected(PVP_INST_OFF_MAGIC, 4, 0x12345678, PVP_E_BAD_FORMAT, 0); }
Test(install, rejects_wrong_version) { expect_rejected(PVP_INST_OFF_VERSION, 2, 99, PVP_E_BAD_FORMAT, 0); }
Test(install, rejects_size_mismatch) { expect_rejected(PVP_INST_OFF_SLOTSIZE, 8, SLOT * 2, PVP_E_SIZE_MISMATCH, 0); }
Test(install, rejects_overlapping_copy) { expect_rejected(PVP_INST_OFF_COPY, 8, 0xa000000100008010ull, PVP_E_OVERLAP, 0); }
Test(install, rejects_copy_outside_image) { expect_rejected(PVP_INST_OFF_COPY, 8, 0xb000000000000000ull, PVP_E_OUTSIDE_IMAGE, 0); }
Test(install, rejects_misaligned_copy) { expect_rejected(PVP_INST_OFF_COPY, 8, COPY_ADDR + 8, PVP_E_MISALIGNED, 0); }
Test(install, rejects_fixup_list_outside_image) { expect_rejected(PVP_INST_OFF_FIXUPS_END, 8, 0xb000000000000000ull, PVP_E_OUTSIDE_IMAGE, 0); }
Test(install, rejects_unknown_fixup_kind) { expect_rejected(PVP_FIX_OFF_KIND, 4, 77, PVP_E_UNKNOWN_OP, 1); }
Test(install, rejects_fixup_outside_instance) { expect_rejected(PVP_FIX_OFF_WHERE, 8, KERNEL_BASE + 2, PVP_E_OUTSIDE_IMAGE, 1); }
Test(install, rejects_fixup_not_on_movl) { expect_rejected(PVP_FIX_OFF_WHERE, 8, COPY_ADDR + 2, PVP_E_NOT_MOVL, 1); }

Test(install, rejects_truncated_table)
{
    char *body = all_forms_body();
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    const pvp_section *s = pvp_file_section_by_name(k.file, ".pvpatch.instances");
    pvp_error err;
    size_t n;
    pvp_instance set[4];
    cr_assert_eq(pvp_instances_read(pvp_file_image(k.file), s->addr, s->size - 8, set, 4, &n, &err),
                 PVP_E_TRUNCATED);
    cr_assert_eq(err.addr, s->addr + PVP_INSTANCE_RECSIZE);
    pvp_file_close(k.file);
}

/* Random instances: random forms at random places, to inside labels and to
 * outside symbols at random distances; install, verify, and ask objdump. */
/* A slot of random bundles, each an IP-relative form to a label inside it
 * or to a symbol outside (the linker script's lines, appended to *lds).
 * Returns how many references it has. */
static int random_body(int img, char **body_out, char **lds_out)
{
    char *body = NULL, *lds = NULL;
    size_t blen = 0, llen = 0;
    int refs = 0;
    int nb = (int)(SLOT / 16);
    add(&body, &blen, "\\name\\()_tag: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    for (int b = 1; b < nb; b++) {
        int form = rand() % (int)NFORM_BUNDLES;
        char target[64];
        if (rand() % 3 == 0) {
            snprintf(target, sizeof target, "\\name\\()_L%d", rand() % nb);
        } else {
            /* Outside, within +-15 MiB of the canonical slot (21-bit forms must
             * reach it from both places), or anywhere far for brl. */
            int far = form >= FIRST_BRL && form <= LAST_BRL && rand() % 2;
            int64_t d = far ? ((int64_t)rand() << 20) : ((int64_t)(rand() % 0x1e0000) - 0xf0000) * 16;
            snprintf(target, sizeof target, "ext_%d_%d", img, b);
            add(&lds, &llen, "  ext_%d_%d = 0xa000000100008000 + (%lld);\n", img, b, (long long)d);
        }
        char line[256];
        snprintf(line, sizeof line, form_bundles[form], target);
        add(&body, &blen, "\\name\\()_L%d: %s\n", b, line);
        refs++;
    }
    add(&body, &blen, "\\name\\()_L0 = \\name\\()_tag\n");
    *body_out = body, *lds_out = lds;
    return refs;
}

Test(install, random_instances, .timeout = 120)
{
    unsigned seed = 20261121;
    srand(seed);
    int images = 12, refs = 0, checked = 0;
    for (int img = 0; img < images; img++) {
        char *body = NULL, *lds = NULL;
        refs += random_body(img, &body, &lds);
        kernel k, orig;
        build_kernel(body, "0xa000000100080000", lds, &k);
        build_kernel(body, "0xa000000100080000", lds, &orig);
        free(body);
        free(lds);
        pvp_install_report rep;
        pvp_error err;
        int rc = install_named(&k, "xen", &rep, &err, NULL);
        cr_assert_eq(rc, PVP_OK, "seed %u image %d: %s at 0x%llx", seed, img, err.what,
                     (unsigned long long)err.addr);
        const pvp_instance *xen = pvp_instance_find(orig.set, orig.count, "xen");
        pvp_mismatch mm[4];
        size_t nmm;
        cr_assert_eq(pvp_verify_install(pvp_file_image(orig.file), pvp_file_image(k.file), &pvp_arch_ia64,
                                        xen, kernel_vtop, NULL, mm, 4, &nmm), PVP_OK);
        char outpath[600], errbuf[PVP_ERR_SIZE];
        snprintf(outpath, sizeof outpath, "%s.installed", k.path);
        cr_assert_eq(pvp_file_write(k.file, outpath, errbuf, sizeof errbuf), 0, "%s", errbuf);
        checked += objdump_agrees(&orig, outpath, xen);
        pvp_file_close(k.file);
        pvp_file_close(orig.file);
    }
    printf("install property test (seed %u): %d images, %d random references, %d targets agree with objdump\n",
           seed, images, refs, checked);
}

/* Work space lets the commit write the blocks its plan changed instead of
 * decoding again; with none, or too little for every block, it decodes.
 * Every way gives the same bytes and the same report. */
Test(install, work_space_changes_nothing_but_speed)
{
    srand(20261203);
    static const size_t entries[] = { 0, 8, SIZE_MAX };      /* none, too little, enough */
    for (int img = 0; img < 4; img++) {
        char *body = NULL, *lds = NULL;
        random_body(img, &body, &lds);
        kernel k[3];
        pvp_install_report rep[3];
        for (int w = 0; w < 3; w++) {
            build_kernel(body, "0xa000000100080000", lds, &k[w]);
            pvp_error err;
            memset(&rep[w], 0xa5, sizeof rep[w]);
            cr_assert_eq(install_with_work(&k[w], "xen", &rep[w], &err, NULL, entries[w]), PVP_OK, "%s", err.what);
        }
        free(body);
        free(lds);
        cr_assert_gt(rep[0].retargeted[0] + rep[0].retargeted[5] + rep[0].moved_inside, 8, "too few references");
        size_t n0, n;
        uint8_t *bytes0 = snapshot(pvp_file_image(k[0].file), &n0);
        for (int w = 1; w < 3; w++) {
            uint8_t *bytes = snapshot(pvp_file_image(k[w].file), &n);
            cr_assert(n == n0 && memcmp(bytes, bytes0, n) == 0, "image %d: other bytes with %zu entries of work", img,
                      entries[w]);
            cr_assert(memcmp(&rep[w], &rep[0], sizeof rep[0]) == 0, "image %d: another report with work space", img);
            free(bytes);
            pvp_file_close(k[w].file);
        }
        free(bytes0);
        pvp_file_close(k[0].file);
    }
}

Test(install, flush_routine_assembles)
{
    tas_object o;
    char err[4096];
    FILE *f = fopen("src/arch/ia64/flush_icache.S", "r");
    cr_assert(f);
    static char src[8192];
    size_t n = fread(src, 1, sizeof src - 1, f);
    fclose(f);
    src[n] = '\0';
    cr_assert_eq(tas_assemble(src, NULL, &o, err, sizeof err), 0, "%s", err);
    static tas_bundle b[64];
    int nb = tas_objdump_bundles(o.path, NULL, b, 64);
    int fci = 0, synci = 0, srlzi = 0;
    for (int i = 0; i < nb; i++)
        for (int s = 0; s < b[i].nslots; s++) {
            fci += strncmp(b[i].insn[s], "fc.i", 4) == 0;
            synci += strncmp(b[i].insn[s], "sync.i", 6) == 0;
            srlzi += strncmp(b[i].insn[s], "srlz.i", 6) == 0;
        }
    cr_assert(fci == 1 && synci == 1 && srlzi == 1);
    tas_free(&o);
}

/* ---- What an install must refuse, and data inside an instance ---------- */

/* Read the descriptors again (an install marks its own). */
static void reread(kernel *k)
{
    const pvp_section *s = pvp_file_section_by_name(k->file, ".pvpatch.instances");
    pvp_error err;
    cr_assert_eq(pvp_instances_read(pvp_file_image(k->file), s->addr, s->size, k->set, 4, &k->count, &err), PVP_OK);
}

/* Install `name` and expect `status` with the image byte-identical. */
static void expect_refused(kernel *k, const char *name, int status, const char *what)
{
    size_t total;
    uint8_t *before = snapshot(pvp_file_image(k->file), &total);
    pvp_install_report rep;
    pvp_error err = { 0 };
    int rc = install_named(k, name, &rep, &err, NULL);
    cr_assert_eq(rc, status, "install %s: got %d (%s), want %d", name, rc, err.what ? err.what : "", status);
    cr_assert(strstr(err.what, what), "install %s: '%s' does not say '%s'", name, err.what, what);
    assert_unchanged(pvp_file_image(k->file), before, total);
    free(before);
}

Test(install, refuses_a_slot_that_holds_an_installed_instance)
{
    /* No vtop fixup: nothing else would stop the second install. */
    char *body = one_branch_body("outside_fn");
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install_named(&k, "xen", &rep, &err, NULL), PVP_OK, "%s", err.what);
    reread(&k);
    /* The canonical instance's code is gone from its slot: installing it would keep xen's code. */
    expect_refused(&k, "native", PVP_E_ALREADY_DONE, "slot holds another installed instance");
    pvp_file_close(k.file);

    /* The other way: the canonical instance installed (fixups applied), then a copy. */
    body = one_branch_body("outside_fn");
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    cr_assert_eq(install_named(&k, "native", &rep, &err, NULL), PVP_OK, "%s", err.what);
    reread(&k);
    expect_refused(&k, "xen", PVP_E_ALREADY_DONE, "slot holds another installed instance");
    pvp_file_close(k.file);
}

Test(install, refuses_two_fixups_for_one_movl)
{
    /* GNU as tags a movl as slot 1 or 2: both name the one movl of the bundle. */
    static const char *const pairs[][2] = { { "1", "2" }, { "2", "2" }, { "1", "1" } };
    for (int p = 0; p < 3; p++) {
        char *body = NULL;
        size_t len = 0;
        add(&body, &len, "\\name\\()_in: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
        add(&body, &len, "\\name\\()_m: { .mlx; nop.m 0; movl r17 = \\name\\()_in ;; }\n");
        add(&body, &len, "pvp_fixup PVP_FIX_SELF_MOVL, \\name\\()_m + %s\n", pairs[p][0]);
        add(&body, &len, "pvp_fixup PVP_FIX_VTOP_MOVL, \\name\\()_m + %s\n", pairs[p][1]);
        add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 2);
        kernel k;
        build_kernel(body, "0xa000000100100000", NULL, &k);
        free(body);
        expect_refused(&k, "xen", PVP_E_OVERLAP, "two fixup records name one place");
        pvp_file_close(k.file);
    }
}

/* Records in the order of their code are told apart in one pass; records
 * in any other order are compared pair by pair: a duplicate is refused
 * wherever it stands, and records out of order without one install. */
Test(install, fixup_records_for_one_place_are_found_in_any_order)
{
    static const char *const orders[][4] = {
        { "1", "2", "3", "1" },      /* in order, then the first one's place again */
        { "3", "1", "2", "3" },      /* out of order, the duplicate far from its twin */
        { "3", "2", "1", NULL },     /* out of order, no duplicate: installs */
    };
    for (int o = 0; o < 3; o++) {
        char *body = NULL;
        size_t len = 0;
        add(&body, &len, "\\name\\()_in: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
        for (int m = 1; m <= 3; m++)
            add(&body, &len, "\\name\\()_m%d: { .mlx; nop.m 0; movl r17 = \\name\\()_in ;; }\n", m);
        for (int r = 0; r < 4 && orders[o][r]; r++)
            add(&body, &len, "pvp_fixup PVP_FIX_SELF_MOVL, \\name\\()_m%s + 2\n", orders[o][r]);
        add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 4);
        kernel k;
        build_kernel(body, "0xa000000100100000", NULL, &k);
        free(body);
        if (orders[o][3]) {
            expect_refused(&k, "xen", PVP_E_OVERLAP, "two fixup records name one place");
        } else {
            pvp_install_report rep;
            pvp_error err = { 0 };
            cr_assert_eq(install_named(&k, "xen", &rep, &err, NULL), PVP_OK, "%s", err.what);
            cr_assert_eq(rep.fixups[PVP_FIX_SELF_MOVL], 3);
        }
        pvp_file_close(k.file);
    }
}

/* A bundle that decodes as MIB with `br.cond` to +disp bundles in slot 2,
 * as two little-endian words: (template | slot 0 | low slot 1, rest). */
static uint64_t branch_word_hi(uint64_t disp)
{
    uint64_t slot2 = (UINT64_C(4) << 37) | (disp << 13);     /* B1 br.cond, imm20b = disp */
    return slot2 << 23;                                        /* bits 87-127 of the bundle */
}

Test(install, pointer_word_inside_the_instance_is_data)
{
    /* The word points at the tag (offset 0x10: the low bits read as template
     * MIB) and the word after it reads as a br.cond leaving the instance. */
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "\\name\\()_in: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "\\name\\()_tag: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "\\name\\()_word: PVP_DATA8_SELF(\\name\\()_tag)\n data8 0x%llx\n",
        (unsigned long long)branch_word_hi(0x1000));
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 3);
    kernel k, orig;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    build_kernel(body, "0xa000000100100000", NULL, &orig);
    free(body);
    const pvp_instance *xen = pvp_instance_find(orig.set, orig.count, "xen");
    const pvp_symbol *word = pvp_file_symbol_by_name(orig.file, "xen_word");
    cr_assert(word && word->value == xen->copy + 0x20);

    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install_named(&k, "xen", &rep, &err, NULL), PVP_OK, "%s at 0x%llx", err.what,
                 (unsigned long long)err.addr);
    cr_assert_eq(rep.data_bytes, 16, "the bundle with the word is copied as data");
    uint64_t lo, hi;
    const pvp_image *img = pvp_file_image(k.file);
    cr_assert_eq(pvp_image_read_le(img, xen->canonical + 0x20, 8, &lo), PVP_OK);
    cr_assert_eq(pvp_image_read_le(img, xen->canonical + 0x28, 8, &hi), PVP_OK);
    cr_assert_eq(lo, xen->canonical + 0x10, "the pointer follows the instance");
    cr_assert_eq(hi, branch_word_hi(0x1000), "the data word was rewritten as a branch");

    pvp_mismatch mm[8];
    size_t n;
    int rc = pvp_verify_install(pvp_file_image(orig.file), img, &pvp_arch_ia64, xen, kernel_vtop, NULL, mm, 8, &n);
    cr_assert_eq(rc, PVP_OK, "verify: %zu mismatch(es), first %s at 0x%llx", n, n ? mm[0].what : "",
                 n ? (unsigned long long)mm[0].addr : 0ull);
    /* And a changed data byte is still caught. */
    uint8_t *b = pvp_image_at(img, xen->canonical + 0x2c, 1);
    b[0] ^= 1;
    rc = pvp_verify_install(pvp_file_image(orig.file), img, &pvp_arch_ia64, xen, kernel_vtop, NULL, mm, 8, &n);
    cr_assert(rc == PVP_E_VERIFY && n == 1 && strcmp(mm[0].what, "data") == 0 &&
              mm[0].addr == xen->canonical + 0x2c);
    pvp_file_close(k.file);
    pvp_file_close(orig.file);
}

Test(install, data_range_is_copied_as_it_is)
{
    /* Code bytes declared as data: a branch out of the instance that an
     * install must not re-target (a jump table, a template, a string). */
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "PVP_DATA_BEGIN(\\name\\()_d)\n"
                     "\\name\\()_data: { .mib; nop.m 0; nop.i 0; br.cond.sptk.few outside_fn }\n"
                     "PVP_DATA_END(\\name\\()_d)\n");
    add(&body, &len, "{ .mib; nop.m 0; nop.i 0; br.cond.sptk.few outside_fn }\n");
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 3);
    kernel k, orig;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    build_kernel(body, "0xa000000100100000", NULL, &orig);
    free(body);
    const pvp_instance *xen = pvp_instance_find(orig.set, orig.count, "xen");
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install_named(&k, "xen", &rep, &err, NULL), PVP_OK, "%s", err.what);
    cr_assert_eq(rep.data_bytes, 16);
    cr_assert_eq(rep.fixups[PVP_FIX_DATA], 1);
    cr_assert_eq(rep.retargeted[0], 1, "only the branch outside the data range is re-targeted");
    const uint8_t *was = pvp_image_at(pvp_file_image(orig.file), xen->copy + 0x10, 16);
    const uint8_t *now = pvp_image_at(pvp_file_image(k.file), xen->canonical + 0x10, 16);
    cr_assert(memcmp(was, now, 16) == 0, "the data range was changed");
    pvp_mismatch mm[8];
    size_t n;
    cr_assert_eq(pvp_verify_install(pvp_file_image(orig.file), pvp_file_image(k.file), &pvp_arch_ia64, xen,
                                    kernel_vtop, NULL, mm, 8, &n), PVP_OK, "%s", n ? mm[0].what : "");
    pvp_file_close(k.file);
    pvp_file_close(orig.file);
}

/* A body whose xen build branches into the slot at +0x10 (the canonical
 * instance's second bundle), with entries declared as `entry` says. */
static char *slot_branch_body(const char *native_entry, const char *xen_entry)
{
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "\\name\\()_e1: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "\\name\\()_e2: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, ".ifc \\name, xen\n{ .mib; nop.m 0; nop.i 0; br.cond.sptk.few ia64_ivt + 0x10 }\n"
                     ".else\n{ .mib; nop.m 0; nop.i 0; nop.b 0 }\n.endif\n");
    if (native_entry)
        add(&body, &len, ".ifc \\name, native\nPVP_ENTRY(\\name\\()_%s)\n.endif\n", native_entry);
    if (xen_entry)
        add(&body, &len, ".ifc \\name, xen\nPVP_ENTRY(\\name\\()_%s)\n.endif\n", xen_entry);
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 4);
    return body;
}

Test(install, branch_into_the_slot_needs_a_declared_entry)
{
    char *body = slot_branch_body(NULL, NULL);
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    expect_refused(&k, "xen", PVP_E_ENTRY, "not at an entry");
    pvp_file_close(k.file);

    /* Entries that differ between the instances of one slot. */
    body = slot_branch_body("e1", "e2");
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    expect_refused(&k, "xen", PVP_E_ENTRY, "does not declare");
    pvp_file_close(k.file);

    /* The same entry in both: the branch means the same code after the install. */
    body = slot_branch_body("e1", "e1");
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install_named(&k, "xen", &rep, &err, NULL), PVP_OK, "%s", err.what);
    cr_assert_eq(rep.fixups[PVP_FIX_ENTRY], 1);
    pvp_file_close(k.file);
}

Test(install, references_from_outside_into_freed_or_replaced_code)
{
    /* Kernel text branching into the xen copy (freed after boot), into the
     * slot at +0x10 (another instance's code after an install) and to the
     * slot's start (fine: cr.iva points there whatever is installed). */
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, ".ifc \\name, native\n.pushsection .text\n"
                     "from_text: { .mib; nop.m 0; nop.i 0; br.cond.sptk.few xen_e1 }\n"
                     "{ .mib; nop.m 0; nop.i 0; br.cond.sptk.few ia64_ivt + 0x10 }\n"
                     "{ .mib; nop.m 0; nop.i 0; br.cond.sptk.few ia64_ivt }\n.popsection\n.endif\n");
    add(&body, &len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n\\name\\()_e1: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 2);
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    const pvp_symbol *from = pvp_file_symbol_by_name(k.file, "from_text");
    const pvp_instance *xen = pvp_instance_find(k.set, k.count, "xen");
    cr_assert(from && xen);
    pvp_mismatch mm[8];
    size_t n;
    int rc = pvp_verify_references(pvp_file_image(k.file), &pvp_arch_ia64, k.set, k.count, mm, 8, &n);
    cr_assert(rc == PVP_E_VERIFY && n == 2, "%zu findings", n);
    cr_assert(strcmp(mm[0].what, "freed") == 0 && mm[0].addr == from->value && mm[0].expected == xen->copy + 0x10);
    cr_assert(strcmp(mm[1].what, "entry") == 0 && mm[1].addr == from->value + 16 &&
              mm[1].expected == xen->canonical + 0x10);
    pvp_file_close(k.file);
}

/* movl r=imm of the instance's bundle at `off`, as now in the image at `base`. */
static uint64_t movl_at(const pvp_image *img, uint64_t base, uint64_t off)
{
    uint64_t imm = 0;
    const uint8_t *b = pvp_image_at(img, base + off, 16);
    cr_assert(b && pvp_arch_ia64.load_imm_get(b, 16, 2, &imm) == PVP_OK, "no movl at +0x%llx",
              (unsigned long long)off);
    return imm;
}

/* An instance that finds its self-references by decoding
 * (PVP_INSTANCE_SCAN_SELF): an unrecorded movl of a label inside it is
 * re-based by the install, a movl of an address outside is not, and the
 * verifier expects exactly that (an install that left the old value is
 * caught). Without the flag the same movl is left as it is. */
Test(install, unrecorded_self_references_are_found_by_decoding_when_asked)
{
    for (int scan = 0; scan < 2; scan++) {
        char *body = NULL;
        size_t len = 0;
        add(&body, &len, "%s\n", scan ? "PVP_INSTANCE_SCAN_SELF(\\name)" : "");
        add(&body, &len, "\\name\\()_self: { .mlx; nop.m 0; movl r30 = \\name\\()_back ;; }\n");
        add(&body, &len, "\\name\\()_far: { .mlx; nop.m 0; movl r31 = 0xa000000100000010 ;; }\n");
        add(&body, &len, "\\name\\()_back: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
        add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 3);
        kernel k, orig;
        build_kernel(body, "0xa000000100100000", NULL, &k);
        build_kernel(body, "0xa000000100100000", NULL, &orig);
        free(body);
        const pvp_instance *xen = pvp_instance_find(orig.set, orig.count, "xen");
        cr_assert_eq(!!(xen->flags & PVP_INSTANCE_F_SCAN_SELF), scan, "the descriptor's flag");
        pvp_install_report rep;
        pvp_error err;
        cr_assert_eq(install_named(&k, "xen", &rep, &err, NULL), PVP_OK, "%s at 0x%llx", err.what,
                     (unsigned long long)err.addr);
        const pvp_image *img = pvp_file_image(k.file);
        uint64_t back = xen->copy + 0x20;
        cr_expect_eq(movl_at(pvp_file_image(orig.file), xen->copy, 0), back);
        cr_expect_eq(movl_at(img, xen->canonical, 0), scan ? xen->canonical + 0x20 : back,
                     "scan %d: the movl of a label inside", scan);
        cr_expect_eq(movl_at(img, xen->canonical, 0x10), 0xa000000100000010ull, "an address outside is kept");
        cr_expect_eq(rep.self_scanned, (uint64_t)scan);
        pvp_mismatch mm[8];
        size_t n;
        int rc = pvp_verify_install(pvp_file_image(orig.file), img, &pvp_arch_ia64, xen, kernel_vtop, NULL, mm, 8,
                                    &n);
        cr_expect_eq(rc, PVP_OK, "scan %d: verify: %zu mismatch(es), first %s at 0x%llx", scan, n,
                     n ? mm[0].what : "", n ? (unsigned long long)mm[0].addr : 0ull);
        if (scan) {                          /* an install that forgot it */
            uint8_t *b = pvp_image_at(img, xen->canonical, 16);
            cr_assert_eq(pvp_arch_ia64.load_imm_set(b, 16, 2, back), PVP_OK);
            rc = pvp_verify_install(pvp_file_image(orig.file), img, &pvp_arch_ia64, xen, kernel_vtop, NULL, mm, 8,
                                    &n);
            cr_expect(rc == PVP_E_VERIFY && n == 1 && strcmp(mm[0].what, "self load") == 0 &&
                      mm[0].addr == xen->canonical, "the old value left in place is caught (%zu)", n);
        }
        pvp_file_close(k.file);
        pvp_file_close(orig.file);
    }
}
