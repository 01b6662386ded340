/* Blocks: what is not one instruction but each mode's own block of code
 * (Linux's DO_SAVE_MIN, whose xen version covers lazily). In a B or C
 * build each mode's body is assembled at the site out of line, with a
 * record of its own, and one bundle where the block stands jumps to a
 * body; the patcher points it at the running mode's. Judged by objdump:
 * the jump reaches the body of the mode, the body holds what the A build
 * of that mode has for the same source, and the patch verifies. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"
#include "support/binutils.h"
#include "support/pvkernel.h"

/* One body's text: its own instructions, a local branch, pv operations. */
#define BODY "\t{ .mii; mov r20 = r1; nop.i 0; nop.i 0 ;; }\n" \
             "\tPV_READ_IPSR(r29, r0, r0)\n" \
             "\t{ .mib; nop.m 0; nop.i 0; (p6) br.cond.sptk.many 1f ;; }\n" \
             "\tPV_COVER(r0, r0)\n" \
             "1:\t{ .mii; mov r21 = r2; nop.i 0; nop.i 0 ;; }\n"

static const char *const body =
    "\t.align 1024\n"
    "PVP_INSTANCE_BEGIN(iv, PVP_MODE_NATIVE, iv_pvp_start, 0x400)\n"
    "\tPV_READ_IFA(r16, r24, r25)\n"
    "\tPVP_BLOCK_BEGIN(SAVE_MIN)\n"
    "\tPVP_BLOCK_MODE(native)\n" BODY
    "\tPVP_BLOCK_MODE(xen)\n" BODY
    "\tPVP_BLOCK_END()\n"
    "\tPV_RFI(r24, r25)\n"
    "PVP_INSTANCE_END_PADDED(iv, PVP_MODE_NATIVE, iv_pvp_start, 0x400)\n";

#define COMPACT "-DPVP_SITE_ROOM=1 -DPVP_OOL_MODES=native,xen"

static void site(const cli_image *img, size_t k, pvp_site *s)
{
    cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, k, s, NULL), PVP_OK);
}

/* Where the block's bundle jumps (objdump's target). */
static uint64_t jump_of(const cli_image *img, const pvp_site *s)
{
    tas_bundle b[1];
    cr_assert_eq(tas_objdump_mem(pvp_image_at(pvp_file_image(img->file), s->addr, 16), 16, s->addr, b, 1), 1);
    uint64_t t = 0;
    cr_assert_eq(tas_insn_target(b[0].insn[2], 0, &t), 0, "%s", b[0].insn[2]);
    return t;
}

static void install_in_place(cli_image *img)
{
    pvp_install_req req = { &pvp_arch_ia64, img->set, img->count, 0, cli_image_vtop, img, NULL, NULL, 0, NULL, 0 };
    cr_assert_eq(pvp_install(pvp_file_image(img->file), &req, NULL, NULL), PVP_OK);
    img->set[0].flags |= PVP_INSTANCE_F_INSTALLED;
}

/* The A build of one mode's body, alone: its instructions, as objdump
 * prints them (labels' addresses aside: the local branch is compared by
 * where it lands inside the body). */
static char *a_body(const char *mode)
{
    char src[2048];
    snprintf(src, sizeof src, "\t.align 1024\nbody_start:\n%s", BODY);
    cli_image img;
    pv_build(src, "A", mode, &img);
    const pvp_symbol *st = pvp_file_symbol_by_name(img.file, "body_start");
    cr_assert(st);
    /* the body ends with the bundle of mov r21 = r2, in the text's range */
    const pvp_range *r = pvp_image_range(pvp_file_image(img.file), st->value);
    cr_assert(r);
    uint64_t len = r->addr + r->size - st->value;
    char *all = pv_objdump_text(pvp_image_at(pvp_file_image(img.file), st->value, len), st->value, len);
    char *end = strstr(all, "mov r21=r2");
    cr_assert(end);
    end[strlen("mov r21=r2")] = '\0';
    cli_image_close(&img);
    return all;
}

/* objdump's text of a body, from its start to its mov r21 = r2. */
static char *body_text(const cli_image *img, const pvp_site *s)
{
    char *all = pv_objdump_text(pvp_image_at(pvp_file_image(img->file), s->ool, s->ool_end - s->ool), s->ool,
                                s->ool_end - s->ool);
    char *end = strstr(all, "mov r21=r2");
    cr_assert(end, "%s", all);
    end[strlen("mov r21=r2")] = '\0';
    return all;
}

/* The two texts agree but for the local branch's target. */
static int same_but_target(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (*a != *b) {
            /* skip the target: up to the end of the line in both */
            const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
            if (!ea || !eb)
                return 0;
            a = ea, b = eb;
        }
    return *a == *b;
}

Test(block, each_mode_gets_its_own_body)
{
    static const char *const forms[] = { "B", "C" };
    char *want_native = a_body("native"), *want_xen = a_body("xen");
    for (int f = 0; f < 2; f++) {
        cli_image img, orig;
        pv_build_with(body, forms[f], "xen", NULL, COMPACT, NULL, &img);
        cr_assert(cli_image_open(&orig, pvp_file_path(img.file), (char[256]){ 0 }, 256) == 0);
        cr_assert_eq(pvp_site_count(img.sites_size), 4, "READ_IFA, two bodies, RFI");
        pvp_site bn, bx;
        site(&img, 1, &bn);
        site(&img, 2, &bx);
        cr_assert(bn.form == PVP_FORM_BLOCK && bn.mode == PVP_MODE_NATIVE && bx.form == PVP_FORM_BLOCK &&
                  bx.mode == PVP_MODE_XEN && bn.addr == bx.addr && bn.end - bn.addr == 16,
                  "one bundle where the block stands, a body record per mode");
        cr_expect_eq(jump_of(&img, &bn), bx.ool, "%s build of xen: jumps to xen's body as built", forms[f]);
        /* each body is the A build of its mode */
        char *tn = body_text(&img, &bn), *tx = body_text(&img, &bx);
        cr_expect(same_but_target(tn, want_native), "native's body:\n%s---\n%s", tn, want_native);
        cr_expect(same_but_target(tx, want_xen), "xen's body:\n%s---\n%s", tx, want_xen);
        cr_expect(!strstr(tx, "cr.") && !strstr(tx, "cover"), "xen's body holds native code:\n%s", tx);
        free(tn);
        free(tx);
        install_in_place(&img);
        install_in_place(&orig);          /* the verifier compares with the installed image */
        static const char *const modes[] = { "native", "xen", "native" };
        for (int m = 0; m < 3; m++) {
            pvp_site_result res[4];
            pvp_patch_req req = pv_request(&img, modes[m], PVP_POLICY_BEST, res, 4);
            pvp_patch_report rep;
            pvp_error e;
            cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, &rep, &e), PVP_OK, "%s: %s", modes[m], e.what);
            cr_expect_eq(rep.idle, 1, "the other mode's body is left as it is");
            cr_expect_eq(jump_of(&img, &bn), m == 1 ? bx.ool : bn.ool, "patched to %s: jumps to 0x%llx", modes[m],
                         (unsigned long long)jump_of(&img, &bn));
            pvp_mismatch mm[4];
            size_t n;
            cr_expect_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(img.file), &req, mm, 4, &n),
                         PVP_OK, "%s: verify: %s at 0x%llx", modes[m], n ? mm[0].what : "",
                         n ? (unsigned long long)mm[0].addr : 0ull);
        }
        /* the bodies never change */
        cr_expect(memcmp(pvp_image_at(pvp_file_image(img.file), bn.ool, bx.ool_end - bn.ool),
                         pvp_image_at(pvp_file_image(orig.file), bn.ool, bx.ool_end - bn.ool), bx.ool_end - bn.ool) == 0);
        cli_image_close(&orig);
        cli_image_close(&img);
    }
    free(want_native);
    free(want_xen);
}

Test(block, a_mode_without_a_body_is_refused_unchanged)
{
    cli_image img;
    pv_build_with(body, "B", "native", NULL, COMPACT ",counting", NULL, &img);
    install_in_place(&img);
    size_t n;
    uint8_t *snap = pv_snapshot(&img, &n);
    pvp_patch_req req = pv_request(&img, "counting", PVP_POLICY_BEST, NULL, 0);
    pvp_error e = { 0, 0, 0, 0, NULL };
    cr_expect_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_E_NO_FIT);
    cr_expect(e.what && strstr(e.what, "no body for the mode"), "%s", e.what ? e.what : "");
    cr_expect(pv_unchanged(&img, snap, n));
    /* a block whose bundle jumps elsewhere is stale */
    pvp_site bn;
    site(&img, 1, &bn);
    uint8_t *b = pvp_image_at(pvp_file_image(img.file), bn.addr, 16);
    memcpy(b, pvp_image_at(pvp_file_image(img.file), bn.addr - 16, 16), 16);
    snap = (free(snap), pv_snapshot(&img, &n));
    req = pv_request(&img, "xen", PVP_POLICY_BEST, NULL, 0);
    cr_expect_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_E_STALE, "%s", e.what);
    cr_expect(pv_unchanged(&img, snap, n));
    free(snap);
    cli_image_close(&img);
}

Test(block, a_block_in_an_a_build_is_an_assembly_error)
{
    char *msg;
    int st = pv_assemble(body, "A", "native", NULL, &msg);
    cr_expect(st != 0 && strstr(msg, "blocks are for B and C builds"), "%d:\n%s", st, msg);
    free(msg);
}
