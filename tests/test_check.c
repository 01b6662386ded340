/* pvpatch check: clean builds are clean (in every form, as images and as
 * objects, before and after install and patch); each deliberately broken
 * variant gives exactly its findings, at the addresses the symbol table and
 * the records say; bad input is one line and exit 2. The expected addresses
 * and counts come from the built files, never from constants. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/instances.h"
#include "pvpatch/ia64.h"
#include "support/binutils.h"
#include "support/checkkernel.h"
#include "support/json.h"

/* ---- Running pvpatch ------------------------------------------------------ */

static const char *pvpatch(void)
{
    const char *p = getenv("PVPATCH");
    return p ? p : "build/pvpatch";
}

/* Run pvpatch with args; `streams` picks what is captured ("2>&1" or "2>/dev/null"). */
static char *run_with(int *st, const char *streams, const char *fmt, va_list ap)
{
    char args[2048], cmd[2600];
    vsnprintf(args, sizeof args, fmt, ap);
    snprintf(cmd, sizeof cmd, "%s %s %s", pvpatch(), args, streams);
    return tas_run(cmd, st);
}

/* stdout and stderr together. */
static char *run(int *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *run(int *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *o = run_with(st, "2>&1", fmt, ap);
    va_end(ap);
    return o;
}

/* stdout only. */
static char *run_out(int *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *run_out(int *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *o = run_with(st, "2>/dev/null", fmt, ap);
    va_end(ap);
    return o;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* `pvpatch check FILE [extra] --json`: the parsed document; the exit status must be `want`. */
static tj_value *check_json(const char *path, const char *extra, int want)
{
    int st;
    char *o = run_out(&st, "check %s %s --json", path, extra ? extra : "");
    cr_assert_eq(st, want, "check %s %s: exit %d, wanted %d:\n%s", path, extra ? extra : "", st, want, o);
    tj_value *doc = tj_parse(o);
    cr_assert(doc, "not JSON: %s", o);
    const tj_value *list = tj_get(doc, "findings"), *total = tj_get(doc, "total");
    cr_assert(list && list->type == TJ_ARRAY && total && total->number == (double)list->n, "%s", o);
    cr_assert_eq(list->n == 0, want == 0, "exit %d with %zu finding(s)", st, list->n);
    cr_assert_str_eq(tj_str(doc, "file"), path);
    free(o);
    return doc;
}

static size_t nfindings(const tj_value *doc)
{
    return tj_get(doc, "findings")->n;
}

static const tj_value *finding(const tj_value *doc, size_t i)
{
    return tj_at(tj_get(doc, "findings"), i);
}

static uint64_t finding_addr(const tj_value *f)
{
    return strtoull(tj_str(f, "addr"), NULL, 16);
}

static int finding_slot(const tj_value *f)
{
    const tj_value *s = tj_get(f, "slot");
    return s && s->type == TJ_NUMBER ? (int)s->number : -1;
}

/* How many findings of a rule (any rule if NULL). */
static size_t count_rule(const tj_value *doc, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < nfindings(doc); i++)
        n += !rule || strcmp(tj_str(finding(doc, i), "rule"), rule) == 0;
    return n;
}

/* The finding of a rule at addr (and, if slot >= 0, that slot), or NULL. */
static const tj_value *find_at(const tj_value *doc, const char *rule, uint64_t addr, int slot)
{
    for (size_t i = 0; i < nfindings(doc); i++) {
        const tj_value *f = finding(doc, i);
        if (strcmp(tj_str(f, "rule"), rule) == 0 && finding_addr(f) == addr && (slot < 0 || finding_slot(f) == slot))
            return f;
    }
    return NULL;
}

static void expect_clean(const char *path, const char *extra)
{
    tj_free(check_json(path, extra, 0));
    int st;
    char *o = run(&st, "check %s %s", path, extra ? extra : "");
    cr_assert(st == 0 && count_lines(o) == 1 && strstr(o, ": clean: "), "%s", o);
    free(o);
}

/* ---- Kernels ----------------------------------------------------------------- */

/* Sites of several shapes, a vtop and a self movl, a pointer, branches in and out. */
static const char *const clean_body =
    "\\name\\()_in: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n"
    "    .global \\name\\()_in\n"
    "    PV_READ_IFA(r16, r24, r25)\n"
    "    PV_THASH(r17, r16, r24, r25)\n"
    "    PV_ITC_D(r18, r24, r25)\n"
    "    PVP_LOAD_PHYSICAL(p0, r17, swapper_pg_dir) ;;\n"
    "    PVP_MOVL_SELF(p0, r18, \\name\\()_in) ;;\n"
    "    { .mib; nop.m 0; nop.i 0; br.cond.sptk.few outside_fn ;; }\n"
    "    { .mib; nop.m 0; nop.i 0; br.cond.sptk.few \\name\\()_in ;; }\n"
    "    .pushsection .data\n"
    "    PVP_DATA8_SELF(\\name\\()_in)\n"
    "    .popsection\n"
    "    PV_RFI(r24, r25)\n";

/* The clean body with more lines after it. */
static char *body_plus(const char *more)
{
    char *b = malloc(strlen(clean_body) + strlen(more) + 2);
    sprintf(b, "%s%s\n", clean_body, more);
    return b;
}

static void build_with(const char *more, ck_spec *spec, ck_kernel *k)
{
    char *body = body_plus(more ? more : "");
    spec->body = body;
    ck_build(spec, k);
    free(body);
}

/* An image's records, read the way pvpatch sites reads them. */
static void open_image(const char *path, cli_image *img)
{
    char err[PVP_ERR_SIZE];
    cr_assert_eq(cli_image_open(img, path, err, sizeof err), 0, "%s", err);
}

static const pvp_instance *instance(const cli_image *img, const char *name)
{
    const pvp_instance *i = pvp_instance_find(img->set, img->count, name);
    cr_assert(i, "no instance %s", name);
    return i;
}

static void read_site(const cli_image *img, size_t k, pvp_site *s)
{
    pvp_error e;
    cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, k, s, &e), PVP_OK, "%s",
                 e.what);
}

/* Sites whose code is live now (pvp_site_live). */
static size_t live_sites(const char *path)
{
    cli_image img;
    open_image(path, &img);
    size_t n = 0;
    for (size_t k = 0; k < pvp_site_count(img.sites_size); k++) {
        pvp_site s;
        uint64_t at;
        read_site(&img, k, &s);
        n += pvp_site_live(&s, img.set, img.count, &at);
    }
    cli_image_close(&img);
    return n;
}

/* Offset of a symbol in its section of an object (symbols there are section offsets). */
static uint64_t obj_offset(const char *obj, const char *name)
{
    return ck_symbol(obj, name);
}

/* ---- Clean builds ------------------------------------------------------------ */

Test(check, clean_in_every_form_as_image_and_objects)
{
    const char *forms[] = { "A", "B", "C" };
    for (int f = 0; f < 3; f++) {
        ck_spec spec = { .form = forms[f] };
        ck_kernel k;
        build_with(NULL, &spec, &k);
        expect_clean(k.elf, NULL);
        expect_clean(k.native_obj, NULL);
        expect_clean(k.xen_obj, NULL);
        int st;
        char *o = run(&st, "check %s", k.elf);
        char want[96];
        cli_image img;
        open_image(k.elf, &img);
        snprintf(want, sizeof want, "2 instance(s), %zu site(s), %d bundle(s)", pvp_site_count(img.sites_size),
                 2 * CK_SLOT / 16);
        cli_image_close(&img);
        cr_assert(strstr(o, want), "form %s: wanted '%s' in:\n%s", forms[f], want, o);
        free(o);
    }
}

/* What boot does, offline: install the xen instance, patch to xen; still clean. */
Test(check, clean_after_install_and_patch)
{
    const char *forms[] = { "A", "C" };
    for (int f = 0; f < 2; f++) {
        ck_spec spec = { .form = forms[f] };
        ck_kernel k;
        build_with(NULL, &spec, &k);
        char inst[600], patched[600];
        snprintf(inst, sizeof inst, "%s.xen", k.elf);
        snprintf(patched, sizeof patched, "%s.xen.patched", k.elf);
        int st;
        char *o = run(&st, "install %s --instance xen -o %s", k.elf, inst);
        cr_assert_eq(st, 0, "%s", o);
        free(o);
        o = run(&st, "patch %s --mode xen -o %s", inst, patched);
        cr_assert_eq(st, 0, "%s", o);
        free(o);
        expect_clean(inst, NULL);
        expect_clean(patched, "--mode xen");
    }
}

/* ---- raw-sensitive ------------------------------------------------------------- */

Test(check, raw_sensitive_instruction_outside_sites)
{
    ck_spec spec = { 0 };
    ck_kernel k;
    build_with("\\name\\()_raw: { .mii; mov r16 = cr.ifa; nop.i 0; nop.i 0 ;; }", &spec, &k);
    tj_value *doc = check_json(k.elf, NULL, 1);
    cr_assert_eq(nfindings(doc), 2, "one per instance");
    const char *names[] = { "native_raw", "xen_raw" };
    for (int i = 0; i < 2; i++) {
        const tj_value *f = find_at(doc, "raw-sensitive", ck_symbol(k.elf, names[i]), 0);
        cr_assert(f, "no raw-sensitive finding at %s", names[i]);
        cr_assert_str_eq(tj_str(f, "insn"), "mov r16=cr.ifa");
    }
    tj_free(doc);

    /* The same in each object, at the label's offset in its section. */
    const char *objs[] = { k.native_obj, k.xen_obj };
    const char *secs[] = { ".text.ivt", ".init.pvinst" };
    for (int i = 0; i < 2; i++) {
        doc = check_json(objs[i], NULL, 1);
        cr_assert_eq(nfindings(doc), 1);
        const tj_value *f = find_at(doc, "raw-sensitive", obj_offset(objs[i], names[i]), 0);
        cr_assert(f && strcmp(tj_str(f, "section"), secs[i]) == 0, "%s: not at %s in %s", objs[i], names[i], secs[i]);
        tj_free(doc);
    }

    int st;
    char *o = run(&st, "check %s", k.elf);
    cr_assert(st == 1 && count_lines(o) == 3 && strstr(o, "raw-sensitive: mov r16=cr.ifa: mov from cr") &&
              strstr(o, "2 finding(s)"), "%s", o);
    free(o);
}

/* Sites inside the xen instance built with native code (or native stubs) are raw too. */
Test(check, sites_of_another_mode_in_a_virtualized_instance)
{
    const char *forms[] = { "A", "B" };
    for (int f = 0; f < 2; f++) {
        ck_spec spec = { .form = forms[f], .xen_mode = "native" };
        ck_kernel k;
        build_with(NULL, &spec, &k);
        cli_image img;
        open_image(k.elf, &img);
        const pvp_instance *xen = instance(&img, "xen");
        tj_value *doc = check_json(k.elf, NULL, 1);
        size_t in_xen = 0;
        for (size_t s = 0; s < pvp_site_count(img.sites_size); s++) {
            pvp_site site;
            read_site(&img, s, &site);
            if (site.addr - xen->copy >= xen->size)
                continue;
            in_xen++;
            int found = 0;
            for (size_t i = 0; i < nfindings(doc); i++) {
                const tj_value *x = finding(doc, i);
                found |= strcmp(tj_str(x, "rule"), "raw-sensitive") == 0 && finding_addr(x) >= site.addr &&
                         finding_addr(x) < site.end && strstr(tj_str(x, "detail"), "mode native") &&
                         strstr(tj_str(x, "detail"), "instance xen");
            }
            cr_assert(found, "form %s: no finding for the %s site at 0x%llx", forms[f], pvp_ia64_op_name(site.op),
                      (unsigned long long)site.addr);
        }
        cr_assert(in_xen > 0);
        cr_assert_eq(nfindings(doc), in_xen, "form %s: %zu findings for %zu sites", forms[f], nfindings(doc), in_xen);
        tj_free(doc);
        cli_image_close(&img);
    }
}

/* ---- unrecorded-absolute ------------------------------------------------------- */

Test(check, movl_into_a_moving_instance_without_fixup)
{
    ck_spec spec = { .head = "head_movl: { .mlx; nop.m 0; movl r20 = xen_in + 16 ;; }" };
    ck_kernel k;
    build_with("\\name\\()_plain: { .mlx; nop.m 0; movl r19 = \\name\\()_in ;; }", &spec, &k);
    tj_value *doc = check_json(k.elf, NULL, 1);
    /* In the xen copy and in kernel text; the canonical native instance does not move. */
    cr_assert_eq(nfindings(doc), 2, "findings: %zu", nfindings(doc));
    const tj_value *f = find_at(doc, "unrecorded-absolute", ck_symbol(k.elf, "xen_plain"), 2);
    cr_assert(f, "nothing at xen_plain");
    char want[64];
    snprintf(want, sizeof want, "movl r19=0x%llx", (unsigned long long)ck_symbol(k.elf, "xen_in"));
    cr_assert_str_eq(tj_str(f, "insn"), want);
    cr_assert(find_at(doc, "unrecorded-absolute", ck_symbol(k.elf, "head_movl"), 2), "nothing at head_movl");
    tj_free(doc);

    /* In the xen object, from its IMM64 relocation; the native object is canonical. */
    doc = check_json(k.xen_obj, NULL, 1);
    cr_assert_eq(nfindings(doc), 1);
    f = find_at(doc, "unrecorded-absolute", obj_offset(k.xen_obj, "xen_plain"), 2);
    cr_assert(f && strstr(tj_str(f, "detail"), "xen_in+0x0"), "xen object: no finding at xen_plain");
    tj_free(doc);
    expect_clean(k.native_obj, NULL);
}

/* An instance that finds its self-references by decoding
 * (PVP_INSTANCE_SCAN_SELF) gets them re-based by the install: its own
 * unrecorded movl of itself is no finding, in the image and in the object;
 * kernel text loading an address in it still is. */
Test(check, self_references_of_an_instance_that_scans_for_them)
{
    ck_spec spec = { .head = "head_movl: { .mlx; nop.m 0; movl r20 = xen_in + 16 ;; }" };
    ck_kernel k;
    build_with("PVP_INSTANCE_SCAN_SELF(\\name)\n\\name\\()_plain: { .mlx; nop.m 0; movl r19 = \\name\\()_in ;; }",
               &spec, &k);
    tj_value *doc = check_json(k.elf, NULL, 1);
    cr_expect_eq(nfindings(doc), 1, "findings: %zu", nfindings(doc));
    cr_expect(find_at(doc, "unrecorded-absolute", ck_symbol(k.elf, "head_movl"), 2), "nothing at head_movl");
    tj_free(doc);
    expect_clean(k.xen_obj, NULL);
}

Test(check, pointer_into_a_moving_instance_without_fixup_in_objects)
{
    ck_spec spec = { 0 };
    ck_kernel k;
    build_with("    .pushsection .data\n\\name\\()_ptr: data8 \\name\\()_in + 16\n    .popsection", &spec, &k);
    tj_value *doc = check_json(k.xen_obj, NULL, 1);
    cr_assert_eq(nfindings(doc), 1);
    const tj_value *f = find_at(doc, "unrecorded-absolute", obj_offset(k.xen_obj, "xen_ptr"), -1);
    cr_assert(f && strcmp(tj_str(f, "section"), ".data") == 0 && strcmp(tj_str(f, "insn"), "data8 xen_in+0x10") == 0,
              "no finding at xen_ptr in .data");
    tj_free(doc);
    expect_clean(k.native_obj, NULL);
}

/* ---- out-of-range ---------------------------------------------------------------- */

/* A branch of the xen copy to `edge`, which lies `reach` bytes after where the branch goes at install. */
static void far_branch_kernel(const char *reach, ck_kernel *k)
{
    char lds[160];
    snprintf(lds, sizeof lds, "  edge = ia64_ivt + (xen_far - xen_pvp_start) + %s;\n", reach);
    ck_spec spec = { .lds = lds };
    build_with(".ifc \\name, xen\n    .global xen_far, xen_pvp_start\n"
               "\\name\\()_far: { .mib; nop.m 0; nop.i 0; br.cond.sptk.few edge ;; }\n.endif",
               &spec, k);
}

Test(check, branch_that_cannot_reach_from_the_canonical_place)
{
    ck_kernel k;
    far_branch_kernel("0x1000000", &k);       /* B1 reaches -0x1000000 .. +0xfffff0 */
    tj_value *doc = check_json(k.elf, NULL, 1);
    cr_assert_eq(nfindings(doc), 1);
    uint64_t far = ck_symbol(k.elf, "xen_far"), edge = ck_symbol(k.elf, "edge");
    uint64_t from = ck_symbol(k.elf, "ia64_ivt") + (far - ck_symbol(k.elf, "xen_pvp_start"));
    const tj_value *f = find_at(doc, "out-of-range", far, 2);
    cr_assert(f, "no out-of-range finding at xen_far");
    char want[64];
    snprintf(want, sizeof want, "+0x%llx away", (unsigned long long)(edge - from));
    cr_assert(strstr(tj_str(f, "detail"), want) && strstr(tj_str(f, "detail"), "B1"), "%s", tj_str(f, "detail"));
    tj_free(doc);

    /* The installer agrees: it refuses the same bundle. */
    int st;
    char *o = run(&st, "install %s --instance xen -o %s.x", k.elf, k.elf);
    snprintf(want, sizeof want, "address 0x%llx: slot 2", (unsigned long long)far);
    cr_assert(st == 2 && strstr(o, want), "%s", o);
    free(o);

    /* One bundle closer is within reach, and clean. */
    far_branch_kernel("0x1000000 - 16", &k);
    expect_clean(k.elf, NULL);
}

/* ---- layout ---------------------------------------------------------------------- */

Test(check, instance_larger_than_its_slot)
{
    ck_spec spec = { .xen_tail = "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }" };
    ck_kernel k;
    build_with(NULL, &spec, &k);
    cli_image img;
    open_image(k.elf, &img);
    const pvp_instance *xen = instance(&img, "xen");
    cr_assert_neq(xen->size, xen->slot_size);
    tj_value *doc = check_json(k.elf, NULL, 1);
    char size[64];
    snprintf(size, sizeof size, "is 0x%llx bytes, its canonical slot 0x%llx", (unsigned long long)xen->size,
             (unsigned long long)xen->slot_size);
    size_t mine = 0, disagree = 0;
    for (size_t i = 0; i < nfindings(doc); i++) {
        const tj_value *f = finding(doc, i);
        cr_assert_str_eq(tj_str(f, "rule"), "layout");
        cr_assert_eq(finding_addr(f), xen->copy);
        mine += strstr(tj_str(f, "detail"), size) != NULL;
        disagree += strstr(tj_str(f, "detail"), "disagree") != NULL;
    }
    cr_assert(mine == 1 && disagree == 1 && nfindings(doc) == 2, "%zu findings", nfindings(doc));
    tj_free(doc);

    /* The object alone knows its size and slot too. */
    doc = check_json(k.xen_obj, NULL, 1);
    cr_assert(nfindings(doc) == 1 && strstr(tj_str(finding(doc, 0), "detail"), size));
    tj_free(doc);

    /* The installer refuses what check reported. */
    int st;
    char *o = run(&st, "install %s --instance xen -o %s.x", k.elf, k.elf);
    cr_assert(st == 2 && strstr(o, "size"), "%s", o);
    free(o);
    cli_image_close(&img);
}

Test(check, canonical_slot_not_aligned_to_its_size)
{
    ck_spec spec = { .ivt_pad = "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }" };
    ck_kernel k;
    build_with(NULL, &spec, &k);
    uint64_t ivt = ck_symbol(k.elf, "ia64_ivt");
    cr_assert_neq(ivt % CK_SLOT, 0);
    tj_value *doc = check_json(k.elf, NULL, 1);
    cr_assert_eq(nfindings(doc), 1);
    const tj_value *f = find_at(doc, "layout", ivt, -1);
    cr_assert(f && strstr(tj_str(f, "detail"), "not aligned to its size"), "no layout finding at ia64_ivt");
    tj_free(doc);

    doc = check_json(k.native_obj, NULL, 1);
    f = find_at(doc, "layout", obj_offset(k.native_obj, "ia64_ivt"), -1);
    cr_assert(nfindings(doc) == 1 && f && strcmp(tj_str(f, "section"), ".text.ivt") == 0);
    tj_free(doc);
    expect_clean(k.xen_obj, NULL);     /* its canonical slot is defined elsewhere */
}

/* A copy of an image whose xen descriptor says its code is at `copy`. */
static void move_xen_descriptor(const char *path, uint64_t copy, char *out, size_t outsz)
{
    char err[PVP_ERR_SIZE];
    cli_image img;
    open_image(path, &img);
    const pvp_instance *xen = instance(&img, "xen");
    cr_assert_eq(pvp_image_write_le(pvp_file_image(img.file), xen->record + PVP_INST_OFF_COPY, 8, copy), PVP_OK);
    snprintf(out, outsz, "%s.moved-%llx", path, (unsigned long long)copy);
    cr_assert_eq(pvp_file_write(img.file, out, err, sizeof err), 0, "%s", err);
    cli_image_close(&img);
}

Test(check, copies_off_bundles_and_overlapping_instances)
{
    ck_spec spec = { 0 };
    ck_kernel k;
    build_with(NULL, &spec, &k);
    uint64_t xen = ck_symbol(k.elf, "xen_pvp_start"), ivt = ck_symbol(k.elf, "ia64_ivt");
    char moved[700];

    move_xen_descriptor(k.elf, xen + 8, moved, sizeof moved);
    tj_value *doc = check_json(moved, NULL, 1);
    cr_assert(nfindings(doc) == 1 && find_at(doc, "layout", xen + 8, -1) &&
              strstr(tj_str(finding(doc, 0), "detail"), "not a whole number of bundles"));
    tj_free(doc);

    move_xen_descriptor(k.elf, ivt + CK_SLOT / 2, moved, sizeof moved);
    doc = check_json(moved, NULL, 1);
    size_t overlaps = 0;
    for (size_t i = 0; i < nfindings(doc); i++)
        overlaps += strcmp(tj_str(finding(doc, i), "rule"), "layout") == 0 &&
                    finding_addr(finding(doc, i)) == ivt + CK_SLOT / 2 &&
                    strstr(tj_str(finding(doc, i), "detail"), "overlap") != NULL;
    cr_assert_eq(overlaps, 2, "the copy overlaps the native instance and its own canonical slot");
    tj_free(doc);
}

/* ---- wrong-mode --------------------------------------------------------------------- */

Test(check, mode_of_live_sites_before_and_after_boot)
{
    const char *forms[] = { "A", "C" };
    for (int f = 0; f < 2; f++) {
        ck_spec spec = { .form = forms[f] };
        ck_kernel k;
        build_with(NULL, &spec, &k);
        size_t live = live_sites(k.elf);
        cr_assert(live > 0);
        expect_clean(k.elf, "--mode native");
        tj_value *doc = check_json(k.elf, "--mode xen", 1);
        cr_assert_eq(count_rule(doc, "wrong-mode"), live, "form %s: %zu of %zu live sites", forms[f],
                     count_rule(doc, "wrong-mode"), live);
        cr_assert_eq(nfindings(doc), live);
        tj_free(doc);

        char inst[600], patched[600];
        snprintf(inst, sizeof inst, "%s.xen", k.elf);
        snprintf(patched, sizeof patched, "%s.xen.patched", k.elf);
        int st;
        free(run(&st, "install %s --instance xen -o %s", k.elf, inst));
        cr_assert_eq(st, 0);
        free(run(&st, "patch %s --mode xen -o %s", inst, patched));
        cr_assert_eq(st, 0);
        expect_clean(patched, "--mode xen");
        live = live_sites(patched);
        doc = check_json(patched, "--mode native", 1);
        cr_assert_eq(count_rule(doc, "wrong-mode"), live);
        for (size_t i = 0; i < nfindings(doc); i++)
            cr_assert(strstr(tj_str(finding(doc, i), "detail"), "not native") ||
                      strstr(tj_str(finding(doc, i), "detail"), "not the stub of mode native"),
                      "%s", tj_str(finding(doc, i), "detail"));
        tj_free(doc);
        /* The mode may be named by its number too. */
        expect_clean(patched, "--mode 2");
    }
}

/* ---- Bad input ------------------------------------------------------------------------- */

static void expect_bad(const char *args, const char *words)
{
    int st;
    char *o = run(&st, "%s", args);
    cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, words), "'%s': exit %d:\n%s", args, st, o);
    free(o);
    o = run_out(&st, "%s", args);
    cr_assert(st == 2 && !*o, "'%s' printed on stdout:\n%s", args, o);
    free(o);
}

Test(check, bad_input_is_one_line_and_exit_2)
{
    char path[512], args[1200];
    snprintf(path, sizeof path, "%s/nosuch.elf", tas_tmpdir());
    snprintf(args, sizeof args, "check %s", path);
    expect_bad(args, path);

    static const uint8_t nop_bundle[16] = { 0x01 };
    cr_assert_eq(tas_write_file("blob.bin", nop_bundle, sizeof nop_bundle, path, sizeof path), 0);
    snprintf(args, sizeof args, "check %s", path);
    expect_bad(args, path);

    tas_object obj;
    char err[1024];
    cr_assert_eq(tas_assemble(".text\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n", NULL, &obj, err, sizeof err), 0);
    snprintf(args, sizeof args, "check %s", obj.path);
    expect_bad(args, "not built with pvpatch records");
    tas_free(&obj);

    ck_spec spec = { 0 };
    ck_kernel k;
    build_with(NULL, &spec, &k);
    snprintf(args, sizeof args, "check %s --mode nosuch", k.elf);
    expect_bad(args, "no mode 'nosuch'");
    expect_bad("check", "missing argument");
    snprintf(args, sizeof args, "check %s --frobnicate", k.elf);
    expect_bad(args, "unknown option");
}

/* Text and JSON say the same: one line per finding, the same rules and addresses. */
Test(check, text_and_json_agree)
{
    ck_spec spec = { 0 };
    ck_kernel k;
    build_with("\\name\\()_raw: { .mii; mov r16 = cr.ifa; nop.i 0; nop.i 0 ;; }\n"
               "\\name\\()_plain: { .mlx; nop.m 0; movl r19 = \\name\\()_in ;; }", &spec, &k);
    tj_value *doc = check_json(k.elf, NULL, 1);
    int st;
    char *o = run_out(&st, "check %s", k.elf);
    cr_assert_eq(st, 1);
    cr_assert_eq((size_t)count_lines(o), nfindings(doc) + 1, "%s", o);
    char *line = o;
    for (size_t i = 0; i < nfindings(doc); i++) {
        const tj_value *f = finding(doc, i);
        char *end = strchr(line, '\n');
        *end = '\0';
        char head[700];
        snprintf(head, sizeof head, "%s: %s slot %d: %s: %s: %s", k.elf, tj_str(f, "addr"), finding_slot(f),
                 tj_str(f, "rule"), tj_str(f, "insn"), tj_str(f, "detail"));
        cr_assert_str_eq(line, head);
        line = end + 1;
    }
    free(o);
    tj_free(doc);
}

/* ---- The IVT example (examples/ia64-ivt) --------------------------------------------- */

static const char *const example_images[] = { "kernel-a.elf", "kernel-b.elf", "kernel-c.elf" };

/* Copy the example next to a link to include/ (build.sh finds the headers
 * at ../../include), edit ivt.S with a sed script (NULL: none), build it;
 * the images and objects are in `out`. */
static void build_example(const char *sed_script, char *out, size_t outsz)
{
    static int seq;
    char root[512], script[600], cmd[4096];
    snprintf(root, sizeof root, "%s/ivt%d", tas_tmpdir(), ++seq);
    snprintf(out, outsz, "%s/out", root);
    snprintf(script, sizeof script, "%s/edit.sed", root);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/examples && cp -R examples/ia64-ivt %s/examples/ && ln -s \"$PWD/include\" %s/include",
             root, root, root);
    int st;
    free(tas_run(cmd, &st));
    cr_assert_eq(st, 0, "%s", cmd);
    if (sed_script) {
        FILE *f = fopen(script, "w");
        cr_assert(f);
        fputs(sed_script, f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "cp %s/examples/ia64-ivt/ivt.S %s/ivt.orig && sed -i -f %s %s/examples/ia64-ivt/ivt.S && "
                 "! cmp -s %s/ivt.orig %s/examples/ia64-ivt/ivt.S", root, root, script, root, root, root);
        free(tas_run(cmd, &st));
        cr_assert_eq(st, 0, "the sed script changed nothing in ivt.S:\n%s", sed_script);
    }
    snprintf(cmd, sizeof cmd, "sh %s/examples/ia64-ivt/build.sh %s 2>&1 >/dev/null", root, out);
    char *o = tas_run(cmd, &st);
    cr_assert(st == 0, "building the example failed:\n%s", o);
    free(o);
}

static void image_path(const char *out, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", out, name);
}

/* The example is clean: images, every object, and images after boot in each mode. */
Test(check, ivt_example_is_clean)
{
    char out[600], path[700], cmd[1600];
    build_example(NULL, out, sizeof out);
    for (int i = 0; i < 3; i++) {
        image_path(out, example_images[i], path, sizeof path);
        expect_clean(path, NULL);
    }
    snprintf(cmd, sizeof cmd, "ls %s/*.o", out);
    int st, nobj = 0;
    char *list = tas_run(cmd, &st);
    for (char *o = strtok(list, "\n"); o; o = strtok(NULL, "\n"), nobj++)
        expect_clean(o, NULL);
    cr_assert(nobj >= 5, "%d objects", nobj);
    free(list);

    /* Boot, offline: kernel-a installs an instance and patches; kernel-c only patches. */
    const char *modes[] = { "native", "xen", "counting" };
    for (int m = 0; m < 3; m++) {
        char inst[800], patched[800], mode[32];
        snprintf(mode, sizeof mode, "--mode %s", modes[m]);
        image_path(out, "kernel-a.elf", path, sizeof path);
        snprintf(inst, sizeof inst, "%s.%s", path, modes[m]);
        snprintf(patched, sizeof patched, "%s.%s.patched", path, modes[m]);
        char *o = run(&st, "install %s --instance ivt_%s -o %s", path, modes[m], inst);
        cr_assert_eq(st, 0, "%s", o);
        free(o);
        o = run(&st, "patch %s --mode %s -o %s", inst, modes[m], patched);
        cr_assert_eq(st, 0, "%s", o);
        free(o);
        expect_clean(patched, mode);
        /* kernel-c's one IVT stays in place; its install applies its vtop fixups. */
        image_path(out, "kernel-c.elf", path, sizeof path);
        snprintf(inst, sizeof inst, "%s.%s", path, modes[m]);
        snprintf(patched, sizeof patched, "%s.%s.patched", path, modes[m]);
        o = run(&st, "install %s --mode %s -o %s", path, modes[m], inst);
        cr_assert_eq(st, 0, "%s", o);
        free(o);
        o = run(&st, "patch %s --mode %s -o %s", inst, modes[m], patched);
        cr_assert_eq(st, 0, "%s", o);
        free(o);
        expect_clean(patched, mode);
    }
}

/* A PV_ macro replaced by the raw instruction: one finding per instance, at the entry. */
Test(check, ivt_example_raw_instruction)
{
    char out[600], path[700];
    build_example("s/^    PV_READ_IIM(r16, r24, r25)$/    { .mii; mov r16 = cr.iim; nop.i 0; nop.i 0 ;; }/\n", out,
                  sizeof out);
    for (int i = 0; i < 3; i++) {
        image_path(out, example_images[i], path, sizeof path);
        cli_image img;
        open_image(path, &img);
        tj_value *doc = check_json(path, NULL, 1);
        cr_assert_eq(nfindings(doc), img.count, "%s: %zu findings, %zu instances", path, nfindings(doc), img.count);
        for (size_t k = 0; k < img.count; k++) {
            char label[64];
            snprintf(label, sizeof label, "%s_break_fault", img.set[k].name);
            const tj_value *f = find_at(doc, "raw-sensitive", ck_symbol(path, label), 0);
            cr_assert(f && strcmp(tj_str(f, "insn"), "mov r16=cr.iim") == 0, "%s: nothing at %s", path, label);
        }
        tj_free(doc);
        cli_image_close(&img);
    }
    image_path(out, "ivt-xen.o", path, sizeof path);
    tj_value *doc = check_json(path, NULL, 1);
    const tj_value *f = find_at(doc, "raw-sensitive", obj_offset(path, "ivt_xen_break_fault"), 0);
    cr_assert(nfindings(doc) == 1 && f, "ivt-xen.o: no finding at ivt_xen_break_fault");
    tj_free(doc);
}

/* The movls that load `<instance>_*_pgd` in the instances that move at install. */
static size_t pgd_movls(const char *path, uint64_t *at, size_t max)
{
    cli_image img;
    open_image(path, &img);
    size_t n = 0;
    for (size_t k = 0; k < img.count; k++) {
        const pvp_instance *i = &img.set[k];
        if (i->copy == i->canonical)
            continue;
        for (uint64_t a = i->copy; a < i->copy + i->size; a += 16) {
            pvp_ia64_bundle b;
            uint64_t imm;
            unsigned reg;
            if (pvp_ia64_bundle_unpack(pvp_image_at(pvp_file_image(img.file), a, 16), &b) != PVP_OK ||
                pvp_ia64_movl_get(&b, 2, &imm, &reg) != PVP_OK)
                continue;
            for (size_t s = 0; s < pvp_file_symbol_count(img.file); s++) {
                const pvp_symbol *y = pvp_file_symbol(img.file, s);
                size_t len = strlen(y->name);
                if (y->value == imm && len > 4 && strcmp(y->name + len - 4, "_pgd") == 0 &&
                    strncmp(y->name, i->name, strlen(i->name)) == 0 && n < max) {
                    at[n++] = a;
                    break;
                }
            }
        }
    }
    cli_image_close(&img);
    return n;
}

/* A PVP_MOVL_SELF replaced by a plain movl: found in every copy that moves,
 * harmless where the only instance is the canonical one. */
Test(check, ivt_example_plain_movl)
{
    char out[600], path[700];
    build_example("s/PVP_MOVL_SELF(p0, r19, \\(IVT_NAME.*_pgd\\))/movl r19 = \\1/\n", out, sizeof out);
    image_path(out, "kernel-a.elf", path, sizeof path);
    uint64_t at[64];
    size_t n = pgd_movls(path, at, 64);
    cr_assert(n > 0);
    tj_value *doc = check_json(path, NULL, 1);
    cr_assert_eq(nfindings(doc), n, "%zu findings for %zu movls", nfindings(doc), n);
    for (size_t k = 0; k < n; k++)
        cr_assert(find_at(doc, "unrecorded-absolute", at[k], 2), "nothing at 0x%llx", (unsigned long long)at[k]);
    tj_free(doc);
    for (int i = 1; i < 3; i++) {
        image_path(out, example_images[i], path, sizeof path);
        expect_clean(path, NULL);
    }
    image_path(out, "ivt-xen.o", path, sizeof path);
    doc = check_json(path, NULL, 1);
    cr_assert_eq(count_rule(doc, "unrecorded-absolute"), n / 2, "ivt-xen.o has half of kernel-a's (xen, counting)");
    tj_free(doc);
}

/* The xen IVT padded by a bundle: its size is not the slot's and the
 * instances of the slot disagree; images without it are clean. */
Test(check, ivt_example_padded_instance)
{
    char out[600], path[700];
    build_example("s/^    \\.org L(base) + 0x8000$/#if IVT_MODE == PVP_MODE_XEN\\n    .org L(base) + 0x8010\\n#else\\n"
                  "    .org L(base) + 0x8000\\n#endif/\n", out, sizeof out);
    image_path(out, "kernel-a.elf", path, sizeof path);
    cli_image img;
    open_image(path, &img);
    const pvp_instance *xen = instance(&img, "ivt_xen");
    cr_assert_neq(xen->size, xen->slot_size);
    char size[96];
    snprintf(size, sizeof size, "ivt_xen is 0x%llx bytes, its canonical slot 0x%llx", (unsigned long long)xen->size,
             (unsigned long long)xen->slot_size);
    tj_value *doc = check_json(path, NULL, 1);
    cr_assert_eq(count_rule(doc, "layout"), nfindings(doc));
    int sized = 0, disagree = 0;
    for (size_t i = 0; i < nfindings(doc); i++) {
        const char *d = tj_str(finding(doc, i), "detail");
        cr_assert(strstr(d, "ivt_xen"), "%s", d);
        sized += strstr(d, size) != NULL;
        disagree += strstr(d, "disagree") != NULL;
    }
    cr_assert(sized == 1 && disagree == (int)img.count - 1, "%d, %d", sized, disagree);
    tj_free(doc);
    int st;
    char *o = run(&st, "install %s --instance ivt_xen -o %s.x", path, path);
    cr_assert(st == 2 && count_lines(o) == 1, "%s", o);
    free(o);
    cli_image_close(&img);
    for (int i = 1; i < 3; i++) {
        image_path(out, example_images[i], path, sizeof path);
        expect_clean(path, NULL);
    }
}
