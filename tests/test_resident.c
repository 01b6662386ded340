/* Code of the instance in place that the other builds share (Linux's
 * ia64_syscall_setup, which only the native build of ivt.S defines and the
 * xen build calls): PVP_RESIDENT keeps it in the slot whatever instance is
 * installed. Judged by the bytes and symbols GNU as and ld wrote: after the
 * install the slot holds the xen build's code except the resident bytes,
 * which are native's; the verifier knows it; the install is refused, the
 * image unchanged, when the xen build has code there, when the resident
 * code branches into what the install replaces, or without the record. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/install.h"
#include "support/binutils.h"
#include "support/kernel.h"

#define SHARED 0x200                   /* offset of the shared code in the slot */

/* The xen build calls the native build's shared_fn, which lies at SHARED
 * in the native build only; `resident` declares it, `xen_code` gives the
 * xen build code there too, `back` makes shared_fn branch into the slot. */
static char *shared_body(int resident, int xen_code, int back)
{
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, ".ifc \\name, xen\n{ .mib; nop.m 0; nop.i 0; br.call.sptk.many b7 = shared_fn ;; }\n"
                     ".else\n{ .mib; nop.m 0; nop.i 0; nop.b 0 ;; }\n.endif\n");
    add(&body, &len, ".org \\name\\()_pvp_start + %d\n", SHARED);
    add(&body, &len, ".ifc \\name, native\n.global shared_fn\nshared_fn:\n"
                     "{ .mii; mov r8 = 1; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "%s", back ? "{ .mib; nop.m 0; nop.i 0; br.cond.sptk.many native_pvp_start + 0x10 ;; }\n"
                                : "{ .mib; nop.m 0; nop.i 0; br.ret.sptk.many b7 ;; }\n");
    add(&body, &len, "shared_end:\n%s.endif\n", resident ? "PVP_RESIDENT(shared_fn, shared_end)\n" : "");
    if (xen_code)
        add(&body, &len, ".ifc \\name, xen\n{ .mii; mov r8 = 2; nop.i 0; nop.i 0 ;; }\n.endif\n");
    if (resident == 2)
        add(&body, &len, ".ifc \\name, xen\nPVP_RESIDENT(\\name\\()_pvp_start, \\name\\()_pvp_start + 16)\n.endif\n");
    add(&body, &len, ".org \\name\\()_pvp_start + %llu\n", (unsigned long long)SLOT);
    return body;
}

static uint8_t *snapshot(const pvp_image *img, size_t *n)
{
    *n = 0;
    for (size_t r = 0; r < img->nranges; r++)
        *n += img->ranges[r].size;
    uint8_t *s = malloc(*n), *p = s;
    for (size_t r = 0; r < img->nranges; p += img->ranges[r].size, r++)
        memcpy(p, img->ranges[r].bytes, img->ranges[r].size);
    return s;
}

static int install_xen(kernel *k, pvp_install_report *rep, pvp_error *err)
{
    const pvp_instance *i = pvp_instance_find(k->set, k->count, "xen");
    pvp_install_req req = { &pvp_arch_ia64, k->set, k->count, (size_t)(i - k->set), kernel_vtop, NULL, NULL, NULL, 0, NULL, 0 };
    return pvp_install(pvp_file_image(k->file), &req, rep, err);
}

/* Refused with `status`, the image byte for byte as it was. */
static void expect_refused(int resident, int xen_code, int back, int status, const char *what)
{
    char *body = shared_body(resident, xen_code, back);
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    size_t n, m;
    uint8_t *before = snapshot(pvp_file_image(k.file), &n);
    pvp_install_report rep;
    pvp_error err = { 0, 0, 0, 0, NULL };
    cr_expect_eq(install_xen(&k, &rep, &err), status, "%s: %s", what, err.what ? err.what : "installed");
    uint8_t *after = snapshot(pvp_file_image(k.file), &m);
    cr_expect(n == m && memcmp(before, after, n) == 0, "%s: the refused install changed the image", what);
    free(before);
    free(after);
    pvp_file_close(k.file);
}

Test(resident, the_shared_code_of_the_instance_in_place_stays_in_the_slot)
{
    char *body = shared_body(1, 0, 0);
    kernel k, orig;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    build_kernel(body, "0xa000000100100000", NULL, &orig);
    free(body);
    const pvp_instance *xen = pvp_instance_find(orig.set, orig.count, "xen");
    const pvp_symbol *shared = pvp_file_symbol_by_name(orig.file, "shared_fn");
    cr_assert(shared && shared->value == xen->canonical + SHARED, "shared_fn is native's code at +0x%x", SHARED);
    const pvp_image *was = pvp_file_image(orig.file), *img = pvp_file_image(k.file);
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install_xen(&k, &rep, &err), PVP_OK, "%s at 0x%llx", err.what, (unsigned long long)err.addr);
    cr_expect_eq(rep.resident_bytes, 32, "both bundles of shared_fn kept");
    cr_expect(memcmp(pvp_image_at(img, xen->canonical + SHARED, 32), pvp_image_at(was, xen->canonical + SHARED, 32),
                     32) == 0, "the slot keeps native's shared_fn");
    cr_expect(memcmp(pvp_image_at(img, xen->canonical + 16, 16), pvp_image_at(was, xen->copy + 16, 16), 16) != 0 &&
              memcmp(pvp_image_at(img, xen->canonical + 16, 16), pvp_image_at(was, xen->canonical + 16, 16), 16) != 0,
              "the xen build's call is installed (re-targeted) over native's bundle");
    /* objdump: the installed call reaches shared_fn in the slot */
    tas_bundle b[2];
    cr_assert_eq(tas_objdump_mem(pvp_image_at(img, xen->canonical + 16, 16), 16, xen->canonical + 16, b, 2), 1);
    uint64_t t;
    cr_expect(tas_insn_target(b[0].insn[2], 0, &t) == 0 && t == shared->value, "%s", b[0].insn[2]);
    pvp_mismatch mm[8];
    size_t n;
    int rc = pvp_verify_install_set(was, img, &pvp_arch_ia64, orig.set, orig.count, xen, kernel_vtop, NULL, mm, 8, &n);
    cr_expect_eq(rc, PVP_OK, "verify: %zu, %s at 0x%llx", n, n ? mm[0].what : "", n ? (unsigned long long)mm[0].addr : 0ull);
    /* without knowing the instance in place, the verifier sees native's bytes where xen's were */
    rc = pvp_verify_install(was, img, &pvp_arch_ia64, xen, kernel_vtop, NULL, mm, 8, &n);
    cr_expect_eq(rc, PVP_E_VERIFY);
    /* and a changed resident byte is caught */
    uint8_t *p = pvp_image_at(img, xen->canonical + SHARED + 5, 1);
    p[0] ^= 0x10;
    rc = pvp_verify_install_set(was, img, &pvp_arch_ia64, orig.set, orig.count, xen, kernel_vtop, NULL, mm, 8, &n);
    cr_expect(rc == PVP_E_VERIFY && n == 1 && strcmp(mm[0].what, "resident") == 0 &&
              mm[0].addr == xen->canonical + SHARED + 5, "%zu mismatch(es)", n);
    pvp_file_close(k.file);
    pvp_file_close(orig.file);
}

Test(resident, without_the_record_the_call_into_the_slot_is_refused)
{
    expect_refused(0, 0, 0, PVP_E_ENTRY, "no PVP_RESIDENT");
}

Test(resident, code_of_the_installed_instance_where_the_resident_code_is_is_refused)
{
    expect_refused(1, 1, 0, PVP_E_OVERLAP, "xen has code at +0x200");
}

Test(resident, resident_code_that_branches_into_the_replaced_slot_is_refused)
{
    expect_refused(1, 0, 1, PVP_E_ENTRY, "shared_fn branches to +0x10");
}

Test(resident, a_resident_range_in_a_copy_is_refused)
{
    expect_refused(2, 0, 0, PVP_E_BAD_FORMAT, "PVP_RESIDENT in the xen copy");
}

/* Code outside the instances may call the resident code too: check's
 * dangling-reference rule (pvp_verify_references) lets it. */
Test(resident, code_outside_may_branch_to_resident_code)
{
    char *body = shared_body(1, 0, 0), *more = NULL;
    size_t len = 0;
    add(&more, &len, "%s.ifc \\name, native\n.pushsection .text\nfrom_text:\n"
                     "{ .mib; nop.m 0; nop.i 0; br.call.sptk.many b7 = shared_fn ;; }\n"
                     "{ .mib; nop.m 0; nop.i 0; br.call.sptk.many b7 = native_pvp_start + 0x10 ;; }\n"
                     ".popsection\n.endif\n", body);
    kernel k;
    build_kernel(more, "0xa000000100100000", NULL, &k);
    free(body);
    free(more);
    const pvp_symbol *from = pvp_file_symbol_by_name(k.file, "from_text");
    pvp_mismatch mm[8];
    size_t n;
    int rc = pvp_verify_references(pvp_file_image(k.file), &pvp_arch_ia64, k.set, k.count, mm, 8, &n);
    cr_expect(rc == PVP_E_VERIFY && n == 1 && mm[0].addr == from->value + 16 && strcmp(mm[0].what, "entry") == 0,
              "only the branch to +0x10 is a finding (%zu)", n);
    pvp_file_close(k.file);
}
