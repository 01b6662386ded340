/* Tables that point into an instance from outside it, or out of it from
 * inside, with words relative to themselves (`label - .`, PCREL32LSB: what
 * Linux's .data..patch.vtop, .data..patch.rse and __mca_table hold): a
 * rel32 record keeps each word reaching what it meant when the install
 * moves the word, its target or both; the independent verifier checks it;
 * `pvpatch check` flags such words that have no record. Addresses are
 * judged by the symbols GNU ld gave the labels. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/install.h"
#include "support/binutils.h"
#include "support/checkkernel.h"
#include "support/json.h"
#include "support/kernel.h"

/* Three rel32 words of each instance: in .data into the instance, inside
 * the instance out of it, inside the instance into it; and one of Linux's
 * own kind (__mca_table's) with no record when `bare` is set. */
static char *rel32_body(int bare)
{
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "\\name\\()_tag: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, ".pushsection .data\n\\name\\()_out: PVP_DATA4_REL(\\name\\()_tag)\n.popsection\n");
    add(&body, &len, "\\name\\()_in: PVP_DATA4_REL(outside_fn)\n\\name\\()_self: PVP_DATA4_REL(\\name\\()_tag)\n"
                     "data8 0\n");
    if (bare)         /* as Linux's asmmacro.h declares its tables */
        add(&body, &len, ".pushsection \"__mca_table\", \"a\"\n.popsection\n"
                         ".xdata4 \"__mca_table\", \\name\\()_tag - .\n");
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 3);
    return body;
}

static uint64_t sym(const kernel *k, const char *name)
{
    const pvp_symbol *s = pvp_file_symbol_by_name(k->file, name);
    cr_assert(s, "no symbol %s", name);
    return s->value;
}

/* Where the word at addr reaches. */
static uint64_t reaches(const kernel *k, uint64_t addr)
{
    uint64_t w = 0;
    cr_assert_eq(pvp_image_read_le(pvp_file_image(k->file), addr, 4, &w), PVP_OK);
    return addr + (uint64_t)(int64_t)(int32_t)(uint32_t)w;
}

static int install(kernel *k, const char *name, pvp_install_report *rep, pvp_error *err)
{
    const pvp_instance *i = pvp_instance_find(k->set, k->count, name);
    pvp_install_req req = { &pvp_arch_ia64, k->set, k->count, (size_t)(i - k->set), kernel_vtop, NULL, NULL, NULL, 0, NULL, 0 };
    return pvp_install(pvp_file_image(k->file), &req, rep, err);
}

Test(pointers, rel32_words_keep_their_targets_across_the_install)
{
    char *body = rel32_body(0);
    kernel k, orig;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    build_kernel(body, "0xa000000100100000", NULL, &orig);
    free(body);
    const pvp_instance *xen = pvp_instance_find(orig.set, orig.count, "xen");
    uint64_t delta = xen->canonical - xen->copy;
    uint64_t tag = sym(&orig, "xen_tag"), out = sym(&orig, "xen_out"), in = sym(&orig, "xen_in");
    uint64_t self = sym(&orig, "xen_self"), outside = sym(&orig, "outside_fn");
    cr_assert(reaches(&orig, out) == tag && reaches(&orig, in) == outside && reaches(&orig, self) == tag,
              "GNU as and ld wrote the words as label - .");
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install(&k, "xen", &rep, &err), PVP_OK, "%s at 0x%llx", err.what, (unsigned long long)err.addr);
    cr_expect_eq(rep.fixups[PVP_FIX_REL32], 3);
    cr_expect_eq(reaches(&k, out), tag + delta, "the table word outside reaches the installed code");
    cr_expect_eq(reaches(&k, in + delta), outside, "the word inside, moved, still reaches outside_fn");
    cr_expect_eq(reaches(&k, self + delta), tag + delta, "the word inside reaches inside as before");
    cr_expect_eq(rep.data_bytes, 16, "the words inside are data: one bundle copied as it is");
    pvp_mismatch mm[8];
    size_t n;
    int rc = pvp_verify_install(pvp_file_image(orig.file), pvp_file_image(k.file), &pvp_arch_ia64, xen, kernel_vtop,
                                NULL, mm, 8, &n);
    cr_expect_eq(rc, PVP_OK, "verify: %zu mismatch(es), %s at 0x%llx", n, n ? mm[0].what : "",
                 n ? (unsigned long long)mm[0].addr : 0ull);
    /* A word left as it was is caught. */
    pvp_image_write_le(pvp_file_image(k.file), out, 4, tag - out);
    rc = pvp_verify_install(pvp_file_image(orig.file), pvp_file_image(k.file), &pvp_arch_ia64, xen, kernel_vtop,
                            NULL, mm, 8, &n);
    cr_expect(rc == PVP_E_VERIFY && n == 1 && strcmp(mm[0].what, "rel32") == 0 && mm[0].addr == out &&
              mm[0].expected == tag + delta && mm[0].actual == tag, "%zu mismatches", n);
    pvp_file_close(k.file);
    pvp_file_close(orig.file);
}

/* A word 2 GiB and more from the installed code cannot reach it: refused,
 * the image unchanged. */
Test(pointers, a_rel32_word_out_of_reach_after_the_install_is_refused)
{
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "\\name\\()_tag: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, ".ifc \\name, xen\n.pushsection .data.far, \"aw\"\nfar_word: PVP_DATA4_REL(\\name\\()_tag)\n"
                     ".popsection\n.endif\n");
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 1);
    kernel k;
    build_kernel(body, "0xa000000180000000", "  . = 0xa0000001f0000000;\n  .data.far : { *(.data.far) }\n", &k);
    free(body);
    const pvp_image *img = pvp_file_image(k.file);
    size_t total = 0;
    for (size_t r = 0; r < img->nranges; r++)
        total += img->ranges[r].size;
    uint8_t *before = malloc(total), *p = before;
    for (size_t r = 0; r < img->nranges; p += img->ranges[r].size, r++)
        memcpy(p, img->ranges[r].bytes, img->ranges[r].size);
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install(&k, "xen", &rep, &err), PVP_E_OUT_OF_RANGE, "%s", err.what ? err.what : "installed");
    cr_expect_eq(err.addr, sym(&k, "far_word"));
    p = before;
    for (size_t r = 0; r < img->nranges; p += img->ranges[r].size, r++)
        cr_expect(memcmp(p, img->ranges[r].bytes, img->ranges[r].size) == 0, "the refused install wrote range %zu", r);
    free(before);
    pvp_file_close(k.file);
}

/* `pvpatch check PATH --json`: the findings of one rule, as (address, text). */
static size_t pointer_findings(const char *path, uint64_t *addrs, size_t max, char *all, size_t allsz)
{
    const char *pv = getenv("PVPATCH");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s check %s --json 2>/dev/null", pv ? pv : "build/pvpatch", path);
    int st;
    char *out = tas_run(cmd, &st);
    snprintf(all, allsz, "%s", out);
    tj_value *doc = tj_parse(out);
    cr_assert(doc && (st == 0 || st == 1), "check %s: exit %d:\n%s", path, st, out);
    const tj_value *list = tj_get(doc, "findings");
    size_t n = 0;
    for (size_t i = 0; i < list->n; i++) {
        const tj_value *f = tj_at(list, i);
        if (strcmp(tj_str(f, "rule"), "unrecorded-pointer") == 0 && n < max)
            addrs[n++] = strtoull(tj_str(f, "addr"), NULL, 16);
    }
    tj_free(doc);
    free(out);
    return n;
}

/* check flags Linux-style tables without records: in the object (the
 * PCREL32LSB relocation) and in the linked image (the words of
 * __mca_table), not the words that have one, nor those of the instance in
 * place (it does not move). */
Test(pointers, check_flags_self_relative_words_without_a_record)
{
    char *body = rel32_body(1);
    ck_spec spec = { .body = body };
    ck_kernel k;
    ck_build(&spec, &k);
    free(body);
    uint64_t at[8];
    char all[8192];
    size_t n = pointer_findings(k.xen_obj, at, 8, all, sizeof all);
    cr_expect_eq(n, 1, "the xen object: one word without a record flagged, the recorded ones not:\n%s", all);
    cr_expect_eq(pointer_findings(k.native_obj, at, 8, all, sizeof all), 0, "native does not move:\n%s", all);
    n = pointer_findings(k.elf, at, 8, all, sizeof all);
    cr_expect_eq(n, 1, "the image: one word of __mca_table flagged:\n%s", all);
    /* it is the word of the xen build's table: the one that reaches xen_tag */
    char err[256];
    pvp_file *f = pvp_file_open_elf(k.elf, err, sizeof err);
    cr_assert(f, "%s", err);
    const pvp_section *t = pvp_file_section_by_name(f, "__mca_table");
    uint64_t tag = ck_symbol(k.elf, "xen_tag"), want = 0;
    for (uint64_t off = 0; t && off + 4 <= t->size; off += 4) {
        int32_t w;
        memcpy(&w, t->bytes + off, 4);
        if (t->addr + off + (uint64_t)(int64_t)w == tag)
            want = t->addr + off;
    }
    cr_expect(want && n == 1 && at[0] == want, "flagged 0x%llx, the word reaching xen_tag is at 0x%llx",
              n ? (unsigned long long)at[0] : 0ull, (unsigned long long)want);
    pvp_file_close(f);
}

/* A data range's record spans all of it: GNU as binds a label after a
 * bundle only when the next one starts, so a length taken at once from
 * the label at the end of the range missed the range's last bundle. The
 * record's length must be the distance ld put between the two labels. */
Test(pointers, a_data_range_is_recorded_whole)
{
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "\\name\\()_d0:\nPVP_DATA_BEGIN(\\name\\()_d)\n{ .mii; nop.m 1; nop.i 0; nop.i 0 ;; }\n"
                     "{ .mii; nop.m 2; nop.i 0; nop.i 0 ;; }\nPVP_DATA_END(\\name\\()_d)\n\\name\\()_d1:\n");
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 3);
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    const pvp_instance *xen = pvp_instance_find(k.set, k.count, "xen");
    pvp_fixup f;
    cr_assert_eq(pvp_fixup_count(xen), 1);
    cr_assert_eq(pvp_fixup_read(pvp_file_image(k.file), xen, 0, &f, NULL), PVP_OK);
    cr_expect(f.kind == PVP_FIX_DATA && f.where == sym(&k, "xen_d0") && f.length == sym(&k, "xen_d1") - sym(&k, "xen_d0"),
              "data at 0x%llx, %u bytes; the labels are 0x%llx bytes apart", (unsigned long long)f.where, f.length,
              (unsigned long long)(sym(&k, "xen_d1") - sym(&k, "xen_d0")));
    pvp_file_close(k.file);
}
