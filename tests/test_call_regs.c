/* The registers of a call (forms B and C) are the build's choice
 * (PVP_CALL_REGS), because no fixed set is free everywhere: Linux's IVT
 * keeps live values in r27-r31 and r1-r15 belong to the interrupted
 * context. A site whose value is a call register is an assembly error
 * naming the site and the register; stubs and calls use the chosen
 * registers, and the patcher and the verifier learn them from the mode's
 * call templates. A compact B site needs no call registers at all: its
 * out-of-line code is the mode's own code on the site's registers. Judged
 * by GNU as's messages and objdump's text of the code. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"
#include "support/binutils.h"
#include "support/pvkernel.h"

#define REGS "-DPVP_CALL_REGS=20,21,22,23,24"

static void expect_assembles(const char *body, const char *form, const char *flags, int ok, const char *has)
{
    char *msg;
    int st = pv_assemble(body, form, "native", flags, &msg);
    cr_expect_eq(st == 0, ok, "%s in form %s (%s): status %d:\n%s", body, form, flags ? flags : "", st, msg);
    if (has)
        cr_expect(strstr(msg, has), "no '%s' in:\n%s", has, msg);
    free(msg);
}

Test(call_regs, a_value_in_a_call_register_is_an_assembly_error_naming_the_site)
{
    const char *value = "PVP_SITE(WRITE_IPSR, p0, r0, r29, r0, r24, r25, r0, p0)\n";
    const char *msg = "WRITE_IPSR site: its value r29 is a register of the call (PVP_CALL_REGS)";
    expect_assembles(value, "C", NULL, 0, msg);
    expect_assembles(value, "B", NULL, 0, msg);
    expect_assembles(value, "C", "-DPVP_SITE_ROOM=1", 0, msg);   /* compact C still calls */
    expect_assembles(value, "B", "-DPVP_SITE_ROOM=1", 1, NULL);  /* compact B does not */
    expect_assembles(value, "A", NULL, 1, NULL);
    expect_assembles(value, "C", REGS, 1, NULL);                 /* another set: r29 is free */
    expect_assembles("PVP_SITE(WRITE_IPSR, p0, r0, r21, r0, r24, r25, r0, p0)\n", "C", REGS, 0,
                     "its value r21 is a register of the call");
    /* results and clobbers are the call's to write */
    expect_assembles("PVP_SITE(READ_IFA, p0, r29, r0, r0, r30, r31, r0, p0)\n", "C", NULL, 1, NULL);
    /* a set that cannot be */
    expect_assembles("PV_READ_IFA(r16, r24, r25)\n", "C", "-DPVP_CALL_REGS=20,21,22,23,8", 0, "r8 cannot be");
    expect_assembles("PV_READ_IFA(r16, r24, r25)\n", "C", "-DPVP_CALL_REGS=20,21,22,23,20", 0, "distinct");
}

/* objdump's text of the stub of an operation for a mode. */
static char *stub_text(const cli_image *img, const char *mode, unsigned op)
{
    const pvp_image *pi = pvp_file_image(img->file);
    for (size_t k = 0; k < img->nmodes; k++)
        if (strcmp(img->modes[k].name, mode) == 0) {
            uint64_t stub = 0;
            pvp_image_read_le(pi, img->modes[k].ops + 8 * (uint64_t)op, 8, &stub);
            return pv_objdump_text(pvp_image_at(pi, stub, 48), stub, 48);
        }
    cr_assert_fail("no mode %s", mode);
    return NULL;
}

Test(call_regs, stubs_and_calls_use_the_registers_the_build_chose)
{
    char *body = pv_every_op_body();      /* values r17 and r18: none of the chosen five */
    cli_image img, orig;
    pv_build_with(body, "C", "native", NULL, REGS, pv_mode_objects_with(REGS), &img);
    free(body);
    cr_assert(cli_image_open(&orig, pvp_file_path(img.file), (char[256]){ 0 }, 256) == 0);
    /* the C site as built hands its value over in r20 and keeps b7 in r22 */
    pvp_site s;
    size_t k = PVP_OP_WRITE_ITIR - 1;
    cr_assert_eq(pvp_site_read(pvp_file_image(img.file), &pvp_arch_ia64, img.sites, k, &s, NULL), PVP_OK);
    char *site = pv_objdump_text(pvp_image_at(pvp_file_image(img.file), s.addr, s.end - s.addr), s.addr, s.end - s.addr);
    cr_expect(strstr(site, "mov r20=r17") && strstr(site, "mov r22=b7") && strstr(site, "ld8 r23=[r23]") &&
              strstr(site, "mov b7=r22"), "%s", site);
    free(site);
    /* the stubs run the mode's code on them: xen keeps r8 in ret, r23 */
    char *stub = stub_text(&img, "xen", PVP_OP_WRITE_ITIR);
    cr_expect(strstr(stub, "mov b7=r23") && strstr(stub, "st8 [r23]=r20"), "xen's WRITE_ITIR stub:\n%s", stub);
    free(stub);
    stub = stub_text(&img, "native", PVP_OP_READ_IFA);
    cr_expect(strstr(stub, "mov r20=cr.ifa"), "native's READ_IFA stub:\n%s", stub);
    free(stub);
    /* calls left as calls verify against the chosen set, in every mode */
    static const char *const modes[] = { "native", "xen", "counting" };
    for (int m = 0; m < 3; m++) {
        pvp_patch_req req = pv_request(&img, modes[m], PVP_POLICY_KEEP, NULL, 0);
        pvp_error e;
        cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_OK, "%s: %s", modes[m], e.what);
        pvp_mismatch mm[4];
        size_t n;
        cr_expect_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(img.file), &req, mm, 4, &n), PVP_OK,
                     "%s: verify: %s", modes[m], n ? mm[0].what : "");
    }
    cli_image_close(&orig);
    cli_image_close(&img);
}

/* What a region writes, as a mask of r0-r63. */
static uint64_t writes(const cli_image *img, uint64_t addr, uint64_t len)
{
    uint64_t gr[2] = { 0, 0 };
    uint32_t br = 0;
    cr_assert_eq(pvp_ia64_writes(pvp_image_at(pvp_file_image(img->file), addr, len), len, gr, &br), PVP_OK);
    return gr[0];
}

/* Values and results in r27-r31, which a call would take: built compact B
 * (no call), patched to every mode, both parts of every site write only
 * the site's result and clobbers, and r8/r9 where xen keeps them (saved
 * in a clobber and restored): no call register is ever needed. */
Test(call_regs, compact_b_sites_need_no_call_registers)
{
    const char *body = "PVP_SITE(WRITE_IPSR, p0, r0, r29, r0, r24, r25, r0, p0)\n"
                       "PVP_SITE(READ_IFA, p0, r30, r0, r0, r24, r25, r0, p0)\n"
                       "PVP_SITE(ITC_D, p7, r0, r28, r0, r24, r25, r0, p0)\n"
                       "PVP_SITE(READ_IVR, p0, r31, r0, r0, r24, r25, r0, p0)\n"
                       "PVP_SITE(SSM_I_P, p15, r0, r0, r0, r27, r0, r0, p15)\n";
    static const char *const modes[] = { "native", "xen" };
    for (int m = 0; m < 2; m++) {
        cli_image img;
        pv_build_with(body, "B", "native", NULL, "-DPVP_SITE_ROOM=1 -DPVP_OOL_MODES=xen", NULL, &img);
        pvp_site_result res[5];
        pvp_patch_req req = pv_request(&img, modes[m], PVP_POLICY_BEST, res, 5);
        pvp_error e;
        cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_OK, "%s: %s", modes[m], e.what);
        for (size_t k = 0; k < 5; k++) {
            pvp_site s;
            pvp_site_read(pvp_file_image(img.file), &pvp_arch_ia64, img.sites, k, &s, NULL);
            uint64_t mine = (1ull << s.regs[0]) | (1ull << s.regs[3]) | (1ull << s.regs[4]) | (1ull << s.regs[5]) |
                            (m ? 3ull << 8 : 0) | 1;
            uint64_t w = writes(&img, s.addr, s.end - s.addr) | writes(&img, s.ool, s.ool_end - s.ool);
            cr_expect(res[k].to_form != PVP_FORM_C && (w & ~mine) == 0,
                      "%s site %zu (%s): writes 0x%llx beyond its own registers 0x%llx", modes[m], k,
                      pvp_form_name(res[k].to_form), (unsigned long long)w, (unsigned long long)mine);
        }
        cli_image_close(&img);
    }
}
