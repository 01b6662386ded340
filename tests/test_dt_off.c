/* Sites that run with data translation off (after RSM_DT, as in Linux's
 * vhpt_miss and nested_dtlb_miss): a C site's load of pv_cpu_asm_ops must
 * load the table's physical address. The site is recorded as such, the
 * movl gets a vtop fixup the install applies, and the patcher lays out
 * every data address of such a site's code physical, whatever form it
 * gives it. Judged by objdump's movl immediates against the physical
 * address the ELF program headers give the table (GNU ld's AT()). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"
#include "support/binutils.h"
#include "support/pvkernel.h"

static const char *const body =
    "\t.align 1024\n"
    "PVP_INSTANCE_BEGIN(iv, PVP_MODE_NATIVE, iv_pvp_start, 0x400)\n"
    "PV_READ_IFA(r16, r24, r25)\n"            /* 0: on */
    "PV_RSM_DT(r24, r25)\n"                   /* 1: on at the site, off after it */
    "PV_ITC_D(r18, r24, r25)\n"               /* 2: off */
    "PV_SSM_DT_SRLZ_I(r24, r25)\n"            /* 3: off at the site, on after it */
    "PV_READ_ISR(r17, r24, r25)\n"            /* 4: on */
    "PVP_DATA_TRANSLATION(off)\n"
    "PV_READ_IIP(r19, r24, r25)\n"            /* 5: off, as declared */
    "PVP_DATA_TRANSLATION(on)\n"
    "PV_READ_IIM(r20, r24, r25)\n"            /* 6: on */
    "PVP_INSTANCE_END_PADDED(iv, PVP_MODE_NATIVE, iv_pvp_start, 0x400)\n";
static const int phys[] = { 0, 0, 1, 1, 0, 1, 0 };
#define NSITES 7

static uint64_t table_entry(const cli_image *img, unsigned op)
{
    const pvp_symbol *t = pvp_file_symbol_by_name(img->file, "pv_cpu_asm_ops");
    cr_assert(t);
    return t->value + 8 * (uint64_t)op;
}

/* The immediate of the first movl of a region that is not the site's own
 * return address (objdump's text), or 0. */
static uint64_t table_load(const cli_image *img, uint64_t addr, uint64_t len)
{
    char *text = pv_objdump_text(pvp_image_at(pvp_file_image(img->file), addr, len), addr, len);
    uint64_t v = 0;
    for (char *l = strstr(text, "movl "); l && !v; l = strstr(l + 1, "movl ")) {
        unsigned long long imm = strtoull(strchr(l, '=') + 1, NULL, 0);
        if (imm - addr >= len)            /* not an address inside the site */
            v = imm;
    }
    free(text);
    return v;
}

/* Each C site's table load is physical where data translation is off. */
static void expect_loads(const cli_image *img, const char *when)
{
    for (size_t k = 0; k < NSITES; k++) {
        pvp_site s;
        cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, k, &s, NULL), PVP_OK);
        uint64_t at = s.ool ? s.ool : s.addr, len = s.ool ? s.ool_end - s.ool : s.end - s.addr;
        uint64_t va = table_entry(img, s.op), want = phys[k] ? va - PV_DATA_VA + PV_DATA_PA : va;
        cr_expect_eq(table_load(img, at, len), want, "%s: site %zu (%s) loads 0x%llx, not the %s 0x%llx", when, k,
                     pvp_ia64_op_name(s.op), (unsigned long long)table_load(img, at, len),
                     phys[k] ? "physical" : "virtual", (unsigned long long)want);
    }
}

static void install_in_place(cli_image *img)
{
    pvp_install_req req = { &pvp_arch_ia64, img->set, img->count, 0, cli_image_vtop, img, NULL, NULL, 0, NULL, 0 };
    pvp_error e;
    cr_assert_eq(pvp_install(pvp_file_image(img->file), &req, NULL, &e), PVP_OK, "%s", e.what);
    img->set[0].flags |= PVP_INSTANCE_F_INSTALLED;
}

static void patch(cli_image *img, const char *mode, int policy)
{
    pvp_patch_req req = pv_request(img, mode, policy, NULL, 0);
    pvp_error e;
    cr_assert_eq(pvp_patch(pvp_file_image(img->file), &req, NULL, &e), PVP_OK, "%s: %s", mode, e.what);
}

Test(dt_off, a_c_site_with_data_translation_off_loads_the_tables_physical_address)
{
    static const char *const flags[] = { NULL, "-DPVP_SITE_ROOM=1" };
    for (int f = 0; f < 2; f++) {
        cli_image img;
        pv_build_with(body, "C", "native", pv_lds_physical_data(), flags[f], NULL, &img);
        for (size_t k = 0; k < NSITES; k++) {
            pvp_site s;
            pvp_site_read(pvp_file_image(img.file), &pvp_arch_ia64, img.sites, k, &s, NULL);
            cr_expect_eq(s.phys, phys[k], "site %zu (%s): recorded phys %d", k, pvp_ia64_op_name(s.op), s.phys);
        }
        install_in_place(&img);           /* applies the vtop fixups */
        expect_loads(&img, flags[f] ? "compact, installed" : "installed");
        patch(&img, "native", PVP_POLICY_KEEP);
        expect_loads(&img, "kept C for native");
        patch(&img, "xen", PVP_POLICY_BEST);
        patch(&img, "xen", PVP_POLICY_KEEP);
        expect_loads(&img, "back to C for xen");
        cli_image_close(&img);
    }
}

Test(dt_off, a_site_with_data_translation_off_needs_a_vtop_to_be_patched)
{
    cli_image img;
    pv_build_with(body, "C", "native", pv_lds_physical_data(), NULL, NULL, &img);
    install_in_place(&img);
    size_t n;
    uint8_t *snap = pv_snapshot(&img, &n);
    pvp_patch_req req = pv_request(&img, "native", PVP_POLICY_KEEP, NULL, 0);
    req.vtop = NULL;
    pvp_error e = { 0, 0, 0, 0, NULL };
    cr_expect_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_E_TRANSLATE, "%s", e.what ? e.what : "patched");
    cr_expect(e.what && strstr(e.what, "data translation off"), "%s", e.what ? e.what : "");
    cr_expect(pv_unchanged(&img, snap, n));
    free(snap);
    cli_image_close(&img);
}

Test(dt_off, a_call_with_data_translation_off_outside_an_instance_is_an_assembly_error)
{
    char *msg;
    int st = pv_assemble("PVP_DATA_TRANSLATION(off)\nPV_ITC_D(r18, r24, r25)\n", "C", "native", NULL, &msg);
    cr_expect(st != 0 && strstr(msg, "data translation off must be in an instance"), "%d:\n%s", st, msg);
    free(msg);
}
