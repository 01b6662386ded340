/* Compact sites (PVP_SITE_ROOM): a B or C site is one bundle where it
 * stands, a jump to its own out-of-line code. Patched, it holds the mode's
 * code where it stands when that fits, else out of line (B: a direct
 * branch, no call), and the call only if nothing fits. Judged by GNU as and
 * objdump: the code where it stands, or out of line, is instruction for
 * instruction what the A build of the mode has; every part reassembles
 * without a word; the patch verifies; no site is bigger than its A code. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"
#include "support/binutils.h"
#include "support/pvkernel.h"

#define COMPACT "-DPVP_SITE_ROOM=1 -DPVP_OOL_MODES=native,xen,counting"

static const char *const modes[] = { "native", "xen", "counting" };

static const uint8_t *at(const cli_image *img, uint64_t addr, uint64_t len)
{
    return pvp_image_at(pvp_file_image(img->file), addr, len);
}

static void site(const cli_image *img, size_t k, pvp_site *s)
{
    pvp_error e;
    cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, k, s, &e), PVP_OK, "%s", e.what);
}

static void build_compact(const char *body, const char *form, const char *mode, cli_image *img)
{
    pv_build_with(body, form, mode, NULL, COMPACT, NULL, img);
}

static int patch(cli_image *img, const char *mode, int policy, pvp_site_result *res, size_t n, pvp_error *e)
{
    pvp_patch_req req = pv_request(img, mode, policy, res, n);
    return pvp_patch(pvp_file_image(img->file), &req, NULL, e);
}

/* GNU as has nothing to say about a part of a site. Two spills to
 * different words in one group are fine (their .mem.offset annotations,
 * which objdump's text cannot carry, tell GNU as so): that note aside. */
static void expect_reassembles(const cli_image *img, uint64_t addr, uint64_t len, const char *what)
{
    char *msg = pv_reassemble(at(img, addr, len), addr, len);
    int only_spills = strstr(msg, "(status 0)") != NULL;
    for (char *l = msg; only_spills && *l && strncmp(l, "(status", 7); l = strchr(l, '\n') + 1)
        only_spills = strstr(l, "Assembler messages") || strstr(l, "AR[UNAT]") ||
                      strstr(l, "location of the conflicting usage") || l[0] == '\n';
    cr_expect(!*msg || only_spills, "%s: GNU as says:\n%s", what, msg);
    free(msg);
}

/* objdump's text of a site's part at addr (a static buffer). */
static const char *objdump_of(const cli_image *img, const pvp_site *s)
{
    static char text[16 * 3 * 170];
    char *t = pv_objdump_text(at(img, s->addr, s->end - s->addr), s->addr, s->end - s->addr);
    snprintf(text, sizeof text, "%s", t);
    free(t);
    return text;
}

/* Built compact as C and as B, every operation patched to every mode: each
 * site holds the A build's code where it stands or out of line, never a
 * call; the patch verifies; each part reassembles cleanly. */
Test(compact, every_operation_patches_to_the_a_code_where_it_stands_or_out_of_line)
{
    char *body = pv_every_op_body();
    static const char *const forms[] = { "C", "B" };
    char line[400] = "";
    for (int f = 0; f < 2; f++)
        for (int m = 0; m < 3; m++) {
            cli_image img, orig, want;
            build_compact(body, forms[f], "native", &img);
            pv_build(body, "A", modes[m], &want);
            cr_assert(cli_image_open(&orig, pvp_file_path(img.file), (char[256]){ 0 }, 256) == 0);
            size_t n = pvp_site_count(img.sites_size);
            pvp_site_result *res = calloc(n, sizeof *res);
            pvp_error e;
            cr_assert_eq(patch(&img, modes[m], PVP_POLICY_BEST, res, n, &e), PVP_OK, "%s-built to %s: %s at 0x%llx",
                         forms[f], modes[m], e.what, (unsigned long long)e.addr);
            pvp_patch_req req = pv_request(&img, modes[m], PVP_POLICY_BEST, NULL, 0);
            pvp_mismatch mm[4];
            size_t nmm;
            cr_expect_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(img.file), &req, mm, 4, &nmm),
                         PVP_OK, "%s-built to %s: verify: %s at 0x%llx", forms[f], modes[m], nmm ? mm[0].what : "",
                         nmm ? (unsigned long long)mm[0].addr : 0ull);
            unsigned in_place = 0, out_of_line = 0;
            for (size_t k = 0; k < n; k++) {
                pvp_site a, b;
                site(&img, k, &a);
                site(&want, k, &b);
                const char *name = pvp_ia64_op_name(a.op);
                cr_assert(a.ool && a.end - a.addr == 16, "%s: not a one-bundle compact site", name);
                char *why = pv_site_a_code(&img, k, &res[k], &want);
                cr_expect(!why, "%s-built %s to %s (%s): %s", forms[f], name, modes[m], pvp_form_name(res[k].to_form),
                          why);
                free(why);
                if (res[k].to_form == PVP_FORM_A)
                    in_place++;
                else {
                    out_of_line++;
                    /* pvpatch's bundling keeps srlz.i last in its group, where GNU
                     * as puts a nop after it in the same bundle: one more bundle */
                    cr_expect(b.end - b.addr > 16 || strstr(objdump_of(&want, &b), "srlz.i"),
                              "%s to %s: one-bundle A code not put where the site stands", name, modes[m]);
                }
                expect_reassembles(&img, a.addr, 16, name);
                expect_reassembles(&img, a.ool, a.ool_end - a.ool, name);
            }
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s->%s %u+%u", *line ? ", " : "", forms[f],
                     modes[m], in_place, out_of_line);
            free(res);
            cli_image_close(&want);
            cli_image_close(&orig);
            cli_image_close(&img);
        }
    printf("compact: %zu operations, where they stand + out of line after patching: %s\n",
           pv_every_op_count(), line);
    free(body);
}
