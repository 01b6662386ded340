/* Site patching: kernels using every pv operation, built by GNU as in forms
 * C and B, patched to each mode, must equal the A-form build of that mode
 * site by site (by the engine's comparison and by objdump's text); sites
 * with too few clobbers stay calls and say why; bad site tables and stale
 * code are refused with the image unchanged; patching is idempotent and
 * re-patching works from the form as built. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"
#include "support/binutils.h"
#include "support/pvkernel.h"

#define MAXS 64

static const char *const modes[] = { "native", "xen", "counting" };

static const uint8_t *site_code(const cli_image *img, const pvp_site *s)
{
    return pvp_image_at(pvp_file_image(img->file), s->addr, s->end - s->addr);
}

static void read_site(const cli_image *img, size_t k, pvp_site *s)
{
    pvp_error e;
    cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, k, s, &e), PVP_OK,
                 "%s", e.what);
}

/* objdump's text of the instructions of a region, nops and a branch to the
 * region's end left out, one per line; a stop printed on a nop moves to the
 * instruction before it (a stop after nops is the same stop). */
static char *objdump_text(const uint8_t *code, uint64_t addr, size_t len)
{
    tas_bundle b[16];
    int n = tas_objdump_mem(code, len, addr, b, 16);
    cr_assert(n == (int)(len / 16), "objdump printed %d bundles for %zu", n, len / 16);
    char *text = calloc(1, 16 * 3 * 170), end[32];
    snprintf(end, sizeof end, "%llx", (unsigned long long)(addr + len));
    for (int i = 0; i < n; i++)
        for (int s = 0; s < b[i].nslots; s++) {
            const char *in = b[i].insn[s];
            uint64_t target;
            int stop = strstr(in, ";;") != NULL;
            if (strncmp(in, "nop.", 4) == 0 ||
                (strncmp(in, "br.", 3) == 0 && tas_insn_target(in, 0, &target) == 0 && target == addr + len)) {
                size_t tl = strlen(text);
                if (stop && tl && strcmp(text + tl - 3, ";;\n") != 0) {
                    text[tl - 1] = '\0';
                    strcat(text, ";;\n");
                }
                continue;
            }
            strcat(text, in);
            strcat(text, "\n");
        }
    (void)end;
    return text;
}

/* GNU as must accept the bundles of a patched site as objdump prints them,
 * the branch over the filler included, without a word: templates, unit
 * placement and stops are legal (an itc.d not last in its group, for one,
 * is refused) and no dependency is violated (a branch right after mov
 * psr.l, for one, reads PSR.tb unserialized). */
static void expect_reassembles(const uint8_t *code, uint64_t addr, size_t len, const char *what)
{
    char *out = pv_reassemble(code, addr, len);
    cr_expect(!*out, "%s: GNU as objects to the patched bundles:\n%s", what, out);
    free(out);
}

/* Patch img (built in `form`) to `mode`; every site must then hold what the
 * `want`-form build of that mode holds, and the patch must verify. A site
 * whose code in the `want` build is longer than the site itself (xen's
 * in-guest bank switch, for one) keeps a call instead, and says so. */
static void expect_equal_to_build(cli_image *img, const char *mode, int policy, const char *want_form,
                                  unsigned want)
{
    cli_image want_img, orig;
    char *body = pv_every_op_body();
    pv_build(body, want_form, mode, &want_img);
    free(body);
    cr_assert(cli_image_open(&orig, pvp_file_path(img->file), (char[256]){ 0 }, 256) == 0);
    pvp_site_result res[MAXS];
    pvp_patch_req req = pv_request(img, mode, policy, res, MAXS);
    pvp_patch_report rep;
    pvp_error e;
    int rc = pvp_patch(pvp_file_image(img->file), &req, &rep, &e);
    cr_assert_eq(rc, PVP_OK, "patch to %s: %s at 0x%llx", mode, e.what, (unsigned long long)e.addr);
    cr_assert_eq(rep.sites, pv_every_op_count());
    pvp_mismatch mm[4];
    size_t nmm;
    cr_assert_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(img->file), &req, mm, 4, &nmm),
                 PVP_OK, "verify: %s at 0x%llx", nmm ? mm[0].what : "", nmm ? (unsigned long long)mm[0].addr : 0ull);
    cr_assert_eq(pvp_site_count(want_img.sites_size), pv_every_op_count());
    uint64_t longer = 0;
    for (size_t k = 0; k < pv_every_op_count(); k++) {
        pvp_site a, b;
        read_site(img, k, &a);
        read_site(&want_img, k, &b);
        cr_assert_eq(a.op, b.op);
        expect_reassembles(site_code(img, &a), a.addr, a.end - a.addr, pvp_ia64_op_name(a.op));
        if (res[k].to_form != want) {
            cr_expect(want == PVP_FORM_A && b.end - b.addr > a.end - a.addr && res[k].why_not_a &&
                          strstr(res[k].why_not_a, "more bundles"),
                      "%s %s went to %s (%s), its %s build is %llu bytes, the site %llu", mode, pvp_ia64_op_name(a.op),
                      pvp_form_name(res[k].to_form), res[k].why_not_a ? res[k].why_not_a : "", want_form,
                      (unsigned long long)(b.end - b.addr), (unsigned long long)(a.end - a.addr));
            longer++;
            continue;
        }
        cr_assert_eq(pvp_ia64_same_code(site_code(img, &a), a.addr, a.end - a.addr, site_code(&want_img, &b),
                                        b.addr, b.end - b.addr), PVP_OK,
                     "%s %s: patched site differs from the %s-form build", mode, pvp_ia64_op_name(a.op), want_form);
        if (want == PVP_FORM_A) {         /* no return address: objdump's text must be equal too */
            char *ta = objdump_text(site_code(img, &a), a.addr, a.end - a.addr);
            char *tb = objdump_text(site_code(&want_img, &b), b.addr, b.end - b.addr);
            cr_assert_str_eq(ta, tb, "%s %s: objdump disagrees:\npatched:\n%sbuilt:\n%s", mode,
                             pvp_ia64_op_name(a.op), ta, tb);
            free(ta);
            free(tb);
        }
    }
    cr_assert_eq(rep.to_form[want] + longer, pv_every_op_count(), "%s: %llu of %zu sites went to form %s", mode,
                 (unsigned long long)rep.to_form[want], pv_every_op_count(), pvp_form_name(want));
    cli_image_close(&orig);
    cli_image_close(&want_img);
}

static void c_to(const char *mode, int policy, const char *want_form, unsigned want)
{
    cli_image c;
    char *body = pv_every_op_body();
    pv_build(body, "C", "native", &c);
    free(body);
    expect_equal_to_build(&c, mode, policy, want_form, want);
    cli_image_close(&c);
}

Test(patch, c_to_a_equals_the_a_build_in_every_mode)
{
    for (int m = 0; m < 3; m++)
        c_to(modes[m], PVP_POLICY_BEST, "A", PVP_FORM_A);
}

Test(patch, c_to_b_equals_the_b_build_in_every_mode)
{
    for (int m = 0; m < 3; m++)
        c_to(modes[m], PVP_POLICY_DIRECT, "B", PVP_FORM_B);
}

Test(patch, b_to_a_equals_the_a_build_in_every_mode)
{
    for (int m = 0; m < 3; m++) {
        cli_image b;
        char *body = pv_every_op_body();
        pv_build(body, "B", "native", &b);
        free(body);
        expect_equal_to_build(&b, modes[m], PVP_POLICY_BEST, "A", PVP_FORM_A);
        cli_image_close(&b);
    }
}

Test(patch, keep_restores_the_c_form)
{
    cli_image c, again;
    char *body = pv_every_op_body();
    pv_build(body, "C", "native", &c);
    pv_build(body, "C", "native", &again);
    free(body);
    pvp_patch_req req = pv_request(&c, "xen", PVP_POLICY_BEST, NULL, 0);
    cr_assert_eq(pvp_patch(pvp_file_image(c.file), &req, NULL, NULL), PVP_OK);
    req = pv_request(&c, "xen", PVP_POLICY_KEEP, NULL, 0);
    pvp_patch_report rep;
    cr_assert_eq(pvp_patch(pvp_file_image(c.file), &req, &rep, NULL), PVP_OK);
    cr_assert_eq(rep.to_form[PVP_FORM_C], pv_every_op_count());
    for (size_t k = 0; k < pv_every_op_count(); k++) {
        pvp_site a, b;
        read_site(&c, k, &a);
        read_site(&again, k, &b);
        cr_assert_eq(pvp_ia64_same_code(site_code(&c, &a), a.addr, a.end - a.addr, site_code(&again, &b), b.addr,
                                        b.end - b.addr), PVP_OK, "%s is not back to its C form", pvp_ia64_op_name(a.op));
    }
    cli_image_close(&c);
    cli_image_close(&again);
}

/* Sites that give the A code fewer clobbers than it needs stay calls, and say why. */
Test(patch, too_few_clobbers_keep_the_call_and_name_the_reason)
{
    const char *body = "PV_WRITE_ITIR(r17, r0, r0)\nPV_READ_IFA(r16, r0, r0)\nPV_ITC_D(r17, r24, r0)\n";
    for (int f = 0; f < 2; f++) {
        cli_image img;
        pv_build(body, f ? "B" : "C", "native", &img);
        pvp_site_result res[3];
        pvp_patch_req req = pv_request(&img, "xen", PVP_POLICY_BEST, res, 3);
        cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, NULL), PVP_OK);
        cr_expect_eq(res[0].to_form, PVP_FORM_B, "xen WRITE_ITIR without a clobber went to %s",
                     pvp_form_name(res[0].to_form));
        cr_expect(res[0].why_not_a && strstr(res[0].why_not_a, "clobber"), "reason: %s",
                  res[0].why_not_a ? res[0].why_not_a : "(none)");
        cr_expect_eq(res[1].to_form, PVP_FORM_A, "xen READ_IFA needs no clobber");
        cr_expect_eq(res[2].to_form, PVP_FORM_A, "xen ITC_D needs one clobber (r8 is kept in it)");
        req = pv_request(&img, "counting", PVP_POLICY_BEST, res, 3);
        cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, NULL), PVP_OK);
        for (int k = 0; k < 3; k++)
            cr_expect(res[k].to_form == PVP_FORM_B && strstr(res[k].why_not_a, "clobber"),
                      "counting needs two clobbers: site %d went to %s", k, pvp_form_name(res[k].to_form));
        cli_image_close(&img);
    }
}

Test(patch, idempotent_and_repatching_starts_from_the_built_form)
{
    cli_image a, b;
    char *body = pv_every_op_body();
    pv_build(body, "C", "native", &a);
    pv_build(body, "C", "native", &b);
    free(body);
    pvp_patch_report rep;
    pvp_patch_req req = pv_request(&a, "native", PVP_POLICY_BEST, NULL, 0);
    cr_assert_eq(pvp_patch(pvp_file_image(a.file), &req, &rep, NULL), PVP_OK);
    size_t size;
    uint8_t *snap = pv_snapshot(&a, &size);
    cr_assert_eq(pvp_patch(pvp_file_image(a.file), &req, &rep, NULL), PVP_OK);
    cr_expect_eq(rep.changed, 0);
    cr_expect(pv_unchanged(&a, snap, size), "a second patch to the same mode changed bytes");
    free(snap);
    req = pv_request(&a, "xen", PVP_POLICY_BEST, NULL, 0);
    cr_assert_eq(pvp_patch(pvp_file_image(a.file), &req, &rep, NULL), PVP_OK);
    req = pv_request(&b, "xen", PVP_POLICY_BEST, NULL, 0);
    cr_assert_eq(pvp_patch(pvp_file_image(b.file), &req, &rep, NULL), PVP_OK);
    snap = pv_snapshot(&b, &size);
    cr_expect(pv_unchanged(&a, snap, size), "native then xen differs from xen straight from C");
    free(snap);
    cli_image_close(&a);
    cli_image_close(&b);
}

/* A site record broken in one way; the patch must fail and change nothing. */
static void expect_refused(void (*breaker)(cli_image *), const char *what)
{
    cli_image img;
    pv_build("PV_READ_IFA(r16, r24, r25)\nPV_ITC_D(r17, r24, r25)\nPV_THASH(r16, r17, r24, r25)\n", "C",
             "native", &img);
    breaker(&img);
    size_t size;
    uint8_t *snap = pv_snapshot(&img, &size);
    pvp_patch_req req = pv_request(&img, "xen", PVP_POLICY_BEST, NULL, 0);
    pvp_error e = { 0, 0, 0, 0, NULL };
    int rc = pvp_patch(pvp_file_image(img.file), &req, NULL, &e);
    cr_expect_neq(rc, PVP_OK, "%s: accepted", what);
    cr_expect(e.what != NULL, "%s: no message", what);
    cr_expect(pv_unchanged(&img, snap, size), "%s: image changed although the patch failed", what);
    free(snap);
    cli_image_close(&img);
}

static void wr(cli_image *img, size_t site, unsigned off, unsigned n, uint64_t v)
{
    pvp_image_write_le(pvp_file_image(img->file), img->sites + site * PVP_SITE_RECSIZE + off, n, v);
}

static void overlap(cli_image *img)
{
    pvp_site s;
    read_site(img, 0, &s);
    wr(img, 1, PVP_SITE_OFF_ADDR, 8, s.addr + 16);
    wr(img, 1, PVP_SITE_OFF_END, 8, s.addr + 16 + (s.end - s.addr));
}
static void outside(cli_image *img) { wr(img, 2, PVP_SITE_OFF_ADDR, 8, 0x1000); wr(img, 2, PVP_SITE_OFF_END, 8, 0x1060); }
static void unknown_op(cli_image *img) { wr(img, 1, PVP_SITE_OFF_OP, 2, 999); }
static void bad_register(cli_image *img) { wr(img, 2, PVP_SITE_OFF_REGS + 3, 1, 200); }
static void bad_predicate(cli_image *img) { wr(img, 0, PVP_SITE_OFF_QP, 1, 64); }
static void bad_form(cli_image *img) { wr(img, 0, PVP_SITE_OFF_FORM, 1, 7); }
static void stale_code(cli_image *img)
{
    pvp_site s;
    read_site(img, 1, &s);
    pvp_image_write_le(pvp_file_image(img->file), s.addr + 16, 1, 0x11);   /* another template */
}
static void wrong_register(cli_image *img) { wr(img, 0, PVP_SITE_OFF_REGS, 1, 17); }

Test(patch, bad_site_tables_and_stale_code_are_refused_unchanged)
{
    expect_refused(overlap, "overlapping sites");
    expect_refused(outside, "extent outside the image");
    expect_refused(unknown_op, "unknown operation");
    expect_refused(bad_register, "register number out of range");
    expect_refused(bad_predicate, "predicate out of range");
    expect_refused(bad_form, "unknown form");
    expect_refused(stale_code, "code that is not what the record says");
    expect_refused(wrong_register, "record naming another result register than the code");
}

Test(patch, verify_catches_bytes_changed_outside_sites)
{
    cli_image img, orig;
    pv_build("PV_READ_IFA(r16, r24, r25)\n", "C", "native", &img);
    cr_assert(cli_image_open(&orig, pvp_file_path(img.file), (char[256]){ 0 }, 256) == 0);
    pvp_patch_req req = pv_request(&img, "xen", PVP_POLICY_BEST, NULL, 0);
    cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, NULL), PVP_OK);
    pvp_mismatch mm[4];
    size_t n;
    cr_assert_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(img.file), &req, mm, 4, &n), PVP_OK);
    pvp_site s;
    read_site(&img, 0, &s);
    uint8_t *after = pvp_image_at(pvp_file_image(img.file), s.end, 16);   /* the br.ret after the site */
    after[0] ^= 0x20;
    cr_assert_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(img.file), &req, mm, 4, &n),
                 PVP_E_VERIFY);
    cr_expect_eq(mm[0].addr, s.end);
    cli_image_close(&orig);
    cli_image_close(&img);
}

static const char *pvpatch_cmd(void)
{
    const char *p = getenv("PVPATCH");
    return p ? p : "build/pvpatch";
}

/* pvpatch patch on a linked image: JSON report, exit codes, nothing written on refusal. */
Test(patch, cli_patch_reports_and_refuses_cleanly)
{
    cli_image img;
    pv_build("PV_READ_IFA(r16, r24, r25)\nPV_WRITE_ITIR(r17, r0, r0)\n", "C", "native", &img);
    const char *path = pvp_file_path(img.file), *dir = tas_tmpdir();
    char cmd[2048];
    int st;
    snprintf(cmd, sizeof cmd, "%s patch %s --mode xen -o %s/px.elf --json 2>&1", pvpatch_cmd(), path, dir);
    char *out = tas_run(cmd, &st);
    cr_assert_eq(st, 0, "%s", out);
    cr_expect(strstr(out, "\"forms\":{\"A\":1,\"B\":1,\"C\":0}") != NULL, "%s", out);
    cr_expect(strstr(out, "\"why_not_inline\":\"a first clobber register\"") != NULL, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s patch %s --mode xen --policy keep -o %s/pk.elf --json 2>&1", pvpatch_cmd(), path, dir);
    out = tas_run(cmd, &st);
    cr_expect(st == 0 && strstr(out, "\"why_not_direct\":\"the keep policy leaves the site in the form it was built in\""),
              "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s sites %s/px.elf 2>&1", pvpatch_cmd(), dir);
    out = tas_run(cmd, &st);
    cr_expect(st == 0 && strstr(out, "READ_IFA     form A/xen") && strstr(out, "WRITE_ITIR   form B/xen"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s patch %s --mode hurd -o %s/ph.elf 2>&1", pvpatch_cmd(), path, dir);
    out = tas_run(cmd, &st);
    cr_expect_eq(st, 2, "exit status %d", st);
    cr_expect(strstr(out, "no mode 'hurd' (modes: native, xen, counting)") && !strchr(out, '\n')[1], "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "test -e %s/ph.elf", dir);
    free(tas_run(cmd, &st));
    cr_expect_neq(st, 0, "an output was written although the patch was refused");
    cli_image_close(&img);
}
