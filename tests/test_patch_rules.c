/* Rules of site patching that protect the meaning of a site: an operation
 * that cannot be predicated stays a call under a predicate; a value r0 is a
 * value; registers a mode's code keeps may not be a site's result or
 * clobber; a site left as C says why it is not B, in every policy. Each
 * judged by GNU as and objdump or by what the stub is handed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"
#include "support/binutils.h"
#include "support/pvkernel.h"

static const char *const forms[] = { "C", "B" };
static const char *const modes[] = { "native", "xen", "counting" };

static const uint8_t *code_of(const cli_image *img, const pvp_site *s)
{
    return pvp_image_at(pvp_file_image(img->file), s->addr, s->end - s->addr);
}

static void site(const cli_image *img, size_t k, pvp_site *s)
{
    pvp_error e;
    cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, k, s, &e), PVP_OK, "%s", e.what);
}

static void patch(cli_image *img, const char *mode, int policy, pvp_site_result *res, size_t n)
{
    pvp_patch_req req = pv_request(img, mode, policy, res, n);
    pvp_error e;
    cr_assert_eq(pvp_patch(pvp_file_image(img->file), &req, NULL, &e), PVP_OK, "patch to %s: %s", mode, e.what);
}

/* rfi, cover and bsw have no qualifying predicate: inline under (p7) they
 * would run always. Built as calls, they stay B under a predicate, with the
 * reason; without one they go inline. */
Test(patch_rules, unpredicable_operations_stay_calls_under_a_predicate)
{
    const char *body = "PVQ_RFI(p7, r24, r25)\nPVQ_COVER(p7, r24, r25)\nPVQ_BSW_0(p7, r24, r25)\n"
                       "PVQ_BSW_1(p7, r24, r25)\nPV_COVER(r24, r25)\n";
    for (int f = 0; f < 2; f++) {
        cli_image img;
        pv_build(body, forms[f], "native", &img);
        pvp_site_result res[5];
        patch(&img, "native", PVP_POLICY_BEST, res, 5);
        for (int k = 0; k < 4; k++) {
            cr_expect_eq(res[k].to_form, PVP_FORM_B, "%s-built %s under p7 went to %s", forms[f],
                         pvp_ia64_op_name(res[k].op), pvp_form_name(res[k].to_form));
            cr_expect(res[k].why_not_a && strstr(res[k].why_not_a, "cannot be predicated"), "reason: %s",
                      res[k].why_not_a ? res[k].why_not_a : "(none)");
        }
        cr_expect_eq(res[4].to_form, PVP_FORM_A, "an unpredicated cover goes inline");
        /* xen's rfi and cover are a predicated break: inline is right there */
        patch(&img, "xen", PVP_POLICY_BEST, res, 5);
        cr_expect(res[0].to_form == PVP_FORM_A && res[1].to_form == PVP_FORM_A, "xen rfi %s, cover %s",
                  pvp_form_name(res[0].to_form), pvp_form_name(res[1].to_form));
        cr_expect(res[2].to_form == PVP_FORM_B && res[3].to_form == PVP_FORM_B, "xen bsw runs as written: B");
        cli_image_close(&img);
    }
}

/* Every patched site, in every form, mode and policy, the branch over the
 * filler included, reassembles with GNU as without a word. */
Test(patch_rules, every_patched_site_reassembles_without_a_dependency_warning)
{
    char *body = pv_every_op_body();
    for (int f = 0; f < 2; f++)
        for (int m = 0; m < 3; m++)
            for (int p = PVP_POLICY_BEST; p <= PVP_POLICY_DIRECT; p++) {
                cli_image img;
                pv_build(body, forms[f], "native", &img);
                patch(&img, modes[m], p, NULL, 0);
                for (size_t k = 0; k < pvp_site_count(img.sites_size); k++) {
                    pvp_site s;
                    site(&img, k, &s);
                    char *out = pv_reassemble(code_of(&img, &s), s.addr, s.end - s.addr);
                    cr_expect(!*out, "%s-built %s patched to %s (policy %d): GNU as says:\n%s", forms[f],
                              pvp_ia64_op_name(s.op), modes[m], p, out);
                    free(out);
                }
                cli_image_close(&img);
            }
    free(body);
}

/* Does objdump's text of site k hold `insn`? */
static int site_has(const cli_image *img, size_t k, const char *insn)
{
    pvp_site s;
    site(img, k, &s);
    char *text = pv_objdump_text(code_of(img, &s), s.addr, s.end - s.addr);
    int has = strstr(text, insn) != NULL;
    free(text);
    return has;
}

/* r0 is a value like any other: the call hands it to the stub, the inline
 * hyperprivop to r8, and the C site patches to what the A build holds. */
Test(patch_rules, r0_as_a_value_reaches_the_code)
{
    const char *body = "PV_WRITE_EOI(r0, r24, r25)\nPV_PTC_GA(r17, r0, r24, r25)\nPV_WRITE_TPR(r0, r24, r25)\n";
    for (int f = 0; f < 2; f++) {
        cli_image img;
        pv_build(body, forms[f], "native", &img);
        cr_expect(site_has(&img, 0, "mov r28=r0"), "%s WRITE_EOI(r0) does not hand r0 to the stub", forms[f]);
        cr_expect(site_has(&img, 1, "mov r29=r0"), "%s PTC_GA(r17, r0) does not hand r0 to the stub", forms[f]);
        pvp_site_result res[3];
        patch(&img, "xen", PVP_POLICY_BEST, res, 3);
        cli_image want;
        pv_build(body, "A", "xen", &want);
        for (size_t k = 0; k < 3; k++) {
            pvp_site a, b;
            site(&img, k, &a);
            site(&want, k, &b);
            cr_expect_eq(res[k].to_form, PVP_FORM_A);
            cr_expect_eq(pvp_ia64_same_code(code_of(&img, &a), a.addr, a.end - a.addr, code_of(&want, &b), b.addr,
                                            b.end - b.addr), PVP_OK, "%s: patched differs from the A build",
                         pvp_ia64_op_name(a.op));
        }
        cli_image_close(&want);
        cli_image_close(&img);
    }
    cli_image a;
    pv_build(body, "A", "xen", &a);
    cr_expect(site_has(&a, 0, "mov r8=r0"), "xen A WRITE_EOI(r0) does not put r0 in r8");
    cr_expect(site_has(&a, 1, "mov r9=r0"), "xen A PTC_GA(r17, r0) does not put r0 in r9");
    cli_image_close(&a);
}

/* xen's hyperprivop bodies keep r8 (and r9 with two values) in the site's
 * first (second) clobber: a site whose result or another clobber is one of
 * them is refused by the assembler in form A and stays a call when
 * patched, naming the register. A first clobber r8 is fine (r8 is a
 * clobber then: nothing to save), in form A and when patched. */
Test(patch_rules, registers_the_code_keeps_are_not_site_results_or_clobbers)
{
    static const struct { const char *body; int reg; } bad[] = {
        { "PV_READ_IVR(r8, r24, r25)\n", 8 },
        { "PV_PTC_GA(r17, r18, r9, r25)\n", 9 },
        { "PV_PTC_GA(r17, r18, r24, r8)\n", 8 },
        { "PV_THASH(r9, r17, r24, r25)\n", -1 },    /* r9 is kept only with two values: fine */
        { "PV_READ_IFA(r8, r24, r25)\n", -1 },      /* a mapped-register read keeps nothing */
        { "PV_ITC_D(r17, r8, r25)\n", -1 },         /* r8 kept in itself: a clobber, nothing to save */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char *msg;
        int st = pv_assemble(bad[k].body, "A", "xen", NULL, &msg);
        if (bad[k].reg >= 0) {
            char want[64];
            snprintf(want, sizeof want, "r%d cannot be the result or a clobber", bad[k].reg);
            cr_expect(st != 0 && strstr(msg, want), "xen A %s: assembled (%d):\n%s", bad[k].body, st, msg);
        } else {
            cr_expect(st == 0, "xen A %s refused:\n%s", bad[k].body, msg);
        }
        free(msg);
        for (int f = 0; f < 2; f++) {
            cli_image img;
            pv_build(bad[k].body, forms[f], "native", &img);
            pvp_site_result res[1];
            patch(&img, "xen", PVP_POLICY_BEST, res, 1);
            if (bad[k].reg >= 0) {
                cr_expect(res[0].to_form == PVP_FORM_B && res[0].why_reg == bad[k].reg && res[0].why_not_a &&
                              strstr(res[0].why_not_a, "saves and restores"),
                          "%s-built %s went to %s (r%d: %s)", forms[f], bad[k].body, pvp_form_name(res[0].to_form),
                          res[0].why_reg, res[0].why_not_a ? res[0].why_not_a : "");
            } else {
                cr_expect_eq(res[0].to_form, PVP_FORM_A, "%s-built %s", forms[f], bad[k].body);
            }
            cli_image_close(&img);
        }
    }
}

/* The stubs 4 GiB away from the sites: no direct branch reaches them. */
static const char *const far_lds =
    "ENTRY(_start)\n"
    "SECTIONS {\n"
    "  . = 0xa000000100000000;\n"
    "  .text : AT(0x4000000) { *(.text) }\n"
    "  .text.stubs 0xa000000200100000 : { *(.text.pvpatch.stubs) }\n"
    "  .pvpatch.text 0xa000000200200000 : { *(.pvpatch.text) }\n"
    "  .data 0xa000000200300000 : { *(.data) *(.data.pvpatch.ops) }\n"
    "  .pvpatch.sites 0xa000000200400000 : { KEEP(*(.pvpatch.sites)) }\n"
    "  .pvpatch.modes : ALIGN(8) { KEEP(*(.pvpatch.modes)) }\n"
    "  .pvpatch.tmpl : ALIGN(8) { KEEP(*(.pvpatch.tmpl)) }\n"
    "  .pvpatch.instances : ALIGN(8) { KEEP(*(.pvpatch.instances)) }\n"
    "  .pvpatch.fixups : ALIGN(8) { KEEP(*(.pvpatch.fixups)) }\n"
    "}\n";

/* A site that stays C says why it is not B, in every policy. */
Test(patch_rules, a_site_left_as_c_says_why_not_b_in_every_policy)
{
    const char *body = "PV_WRITE_ITIR(r17, r0, r0)\nPV_READ_IFA(r16, r24, r25)\n";
    static const struct { int policy; const char *why; } want[] = {
        { PVP_POLICY_BEST, "out of branch range" },
        { PVP_POLICY_DIRECT, "out of branch range" },
        { PVP_POLICY_KEEP, "keep policy" },
    };
    for (size_t p = 0; p < 3; p++) {
        cli_image img;
        pv_build_with(body, "C", "native", far_lds, NULL, NULL, &img);
        pvp_site_result res[2];
        patch(&img, "xen", want[p].policy, res, 2);
        for (int k = 0; k < 2; k++) {
            if (want[p].policy == PVP_POLICY_BEST && k == 1) {
                cr_expect_eq(res[k].to_form, PVP_FORM_A, "xen READ_IFA fits inline");
                continue;
            }
            cr_expect_eq(res[k].to_form, PVP_FORM_C, "policy %d site %d went to %s", want[p].policy, k,
                         pvp_form_name(res[k].to_form));
            cr_expect(res[k].why_not_b && strstr(res[k].why_not_b, want[p].why), "policy %d site %d: why not B: %s",
                      want[p].policy, k, res[k].why_not_b ? res[k].why_not_b : "(none)");
        }
        cli_image_close(&img);
    }
}

/* Sites built inline are patched to their own mode without a change, even
 * where GNU as packed the code tighter than the patcher would lay it out
 * (ssm psr.ic ;; srlz.i in one bundle): their code is checked as
 * instructions, not as a layout. */
Test(patch_rules, inline_builds_patch_to_their_own_mode_unchanged)
{
    char *body = pv_every_op_body();
    for (int m = 0; m < 3; m++) {
        cli_image img;
        pv_build(body, "A", modes[m], &img);
        pvp_patch_req req = pv_request(&img, modes[m], PVP_POLICY_BEST, NULL, 0);
        pvp_patch_report rep;
        pvp_error e;
        cr_expect_eq(pvp_patch(pvp_file_image(img.file), &req, &rep, &e), PVP_OK, "%s: %s", modes[m], e.what);
        cr_expect_eq(rep.changed, 0, "%s: %llu sites changed", modes[m], (unsigned long long)rep.changed);
        cr_expect_eq(rep.to_form[PVP_FORM_A], pv_every_op_count());
        cli_image_close(&img);
    }
    free(body);
}
