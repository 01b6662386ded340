/* The install, verify and sites commands on linked kernel images: exit codes,
 * one-line errors, nothing written on failure, and a diff when verify fails. */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvpatch/ia64.h"
#include "support/binutils.h"
#include "cli/instances.h"
#include "support/json.h"
#include "support/kernel.h"

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A kernel with every form and fixup kind (see support/kernel.c). */
static void all_forms_kernel(kernel *k)
{
    char *body = all_forms_body();
    build_kernel(body, "0xa000000100100000", NULL, k);
    free(body);
}

Test(cli_install, install_verify_sites)
{
    kernel k;
    all_forms_kernel(&k);
    char out[600];
    snprintf(out, sizeof out, "%s.out", k.path);
    int st;
    char *o = pvpatch_run(&st, "install %s --instance xen -o %s", k.path, out);
    cr_assert_eq(st, 0, "%s", o);
    cr_assert(strstr(o, "installed xen") && strstr(o, "fixups applied: vtop 1, self 1, ptr64 1"), "%s", o);
    free(o);
    o = pvpatch_run(&st, "verify %s %s --instance xen", k.path, out);
    cr_assert_eq(st, 0, "%s", o);
    free(o);
    o = pvpatch_run(&st, "sites %s --json", out);
    cr_assert(st == 0 && strstr(o, "\"name\":\"xen\"") && strstr(o, "\"installed\":true"), "%s", o);
    free(o);
    o = pvpatch_run(&st, "install %s --instance xen -o %s.j --json", k.path, out);
    cr_assert(st == 0 && strstr(o, "\"retargeted\":{\"B1\":3"), "%s", o);
    free(o);
    pvp_file_close(k.file);
}

Test(cli_install, verify_shows_a_diff)
{
    kernel k;
    all_forms_kernel(&k);
    char out[600], err[PVP_ERR_SIZE];
    snprintf(out, sizeof out, "%s.out", k.path);
    int st;
    free(pvpatch_run(&st, "install %s --instance xen -o %s", k.path, out));
    cr_assert_eq(st, 0);

    /* Move one outside branch (bundle 3: br.cond to outside_fn) by a bundle. */
    pvp_file *f = pvp_file_open_elf(out, err, sizeof err);
    cr_assert(f, "%s", err);
    const pvp_section *ivt = pvp_file_section_by_name(f, ".text.ivt");
    pvp_ia64_bundle b;
    uint8_t *bytes = ivt->bytes + 3 * 16;
    cr_assert_eq(pvp_ia64_bundle_unpack(bytes, &b), PVP_OK);
    pvp_ia64_iprel r[2];
    cr_assert_eq(pvp_ia64_iprel_list(&b, 2, ivt->addr + 48, r), 1);
    cr_assert_eq(pvp_ia64_iprel_set(&b, 2, 0, ivt->addr + 48, r[0].target + 16), PVP_OK);
    cr_assert_eq(pvp_ia64_bundle_pack(&b, bytes), PVP_OK);
    cr_assert_eq(pvp_file_write(f, out, err, sizeof err), 0, "%s", err);
    pvp_file_close(f);

    char *o = pvpatch_run(&st, "verify %s %s --instance xen", k.path, out);
    cr_assert_eq(st, 1, "%s", o);
    cr_assert(strstr(o, "1 mismatch") && strstr(o, "target") && strstr(o, "- original") &&
              strstr(o, "+ installed"), "%s", o);
    free(o);
    pvp_file_close(k.file);
}

Test(cli_install, out_of_range_writes_nothing)
{
    char *body = one_branch_body("edge");
    kernel k;
    build_kernel(body, "0xa000000100100000", "  edge = 0xa000000100008000 + 0x1000000;\n", &k);
    free(body);
    char out[600], cmp[1300];
    snprintf(out, sizeof out, "%s.out", k.path);
    int st;
    char *o = pvpatch_run(&st, "install %s --instance xen -o %s", k.path, out);
    cr_assert_eq(st, 2, "%s", o);
    cr_assert_eq(count_lines(o), 1, "%s", o);
    cr_assert(strstr(o, k.path) && strstr(o, "address 0xa000000100100000: slot 2") &&
              strstr(o, "distance +0x1000000"), "%s", o);
    cr_assert(!exists(out));
    free(o);

    /* In place: the input stays byte-identical. */
    snprintf(cmp, sizeof cmp, "cp %s %s.orig", k.path, k.path);
    free(tas_run(cmp, &st));
    o = pvpatch_run(&st, "install %s --instance xen -o %s", k.path, k.path);
    cr_assert_eq(st, 2, "%s", o);
    free(o);
    snprintf(cmp, sizeof cmp, "cmp %s %s.orig", k.path, k.path);
    free(tas_run(cmp, &st));
    cr_assert_eq(st, 0, "a failed in-place install changed the image");
    pvp_file_close(k.file);
}

Test(cli_install, bad_input)
{
    kernel k;
    all_forms_kernel(&k);
    int st;
    char *o = pvpatch_run(&st, "install %s --instance nosuch -o %s.x", k.path, k.path);
    cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, "no instance 'nosuch'"), "%s", o);
    free(o);
    o = pvpatch_run(&st, "install %s --instance xen", k.path);
    cr_assert(st == 2 && strstr(o, "-o"), "%s", o);
    free(o);

    /* An IA-64 object: its records are not addresses until it is linked. */
    tas_object obj;
    char err[1024];
    cr_assert_eq(tas_assemble(".text\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n", NULL, &obj, err, sizeof err), 0);
    o = pvpatch_run(&st, "sites %s", obj.path);
    cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, obj.path) && strstr(o, "relocatable object") &&
              strstr(o, "link it first"), "%s", o);
    free(o);
    o = pvpatch_run(&st, "verify %s %s --instance xen", k.path, obj.path);
    cr_assert(st == 2 && count_lines(o) == 1, "%s", o);
    free(o);
    tas_free(&obj);
    pvp_file_close(k.file);
}

/* ---- Bad input and the head-code path --------------------------------- */

Test(cli_install, output_must_be_a_regular_file)
{
    kernel k;
    all_forms_kernel(&k);
    char fifo[600], link[600], target[600], cmd[2600];
    snprintf(fifo, sizeof fifo, "%s.fifo", k.path);
    snprintf(target, sizeof target, "%s.target", k.path);
    snprintf(link, sizeof link, "%s.link", k.path);
    snprintf(cmd, sizeof cmd, "mkfifo %s && echo keep > %s && ln -s %s %s", fifo, target, target, link);
    int st;
    free(tas_run(cmd, &st));
    cr_assert_eq(st, 0);
    const char *outs[] = { fifo, link };
    for (int i = 0; i < 2; i++) {
        char *o = pvpatch_run(&st, "install %s --instance xen -o %s", k.path, outs[i]);
        cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, outs[i]) && strstr(o, "not a regular file"), "%s", o);
        free(o);
        o = pvpatch_run(&st, "disasm %s -o %s", k.path, outs[i]);
        cr_assert(st == 2 && strstr(o, "not a regular file"), "%s", o);
        free(o);
    }
    struct stat sb;
    cr_assert(lstat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO was replaced");
    cr_assert(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode), "the symbolic link was replaced");
    snprintf(cmd, sizeof cmd, "cat %s", target);
    char *o = tas_run(cmd, &st);
    cr_assert_str_eq(o, "keep\n", "the link's target was written");
    free(o);
    if (geteuid() == 0) {                  /* a device node of our own, never /dev's */
        char dev[600];
        snprintf(dev, sizeof dev, "%s.null", k.path);
        snprintf(cmd, sizeof cmd, "mknod %s c 1 3", dev);
        free(tas_run(cmd, &st));
        if (st == 0) {
            o = pvpatch_run(&st, "install %s --instance xen -o %s", k.path, dev);
            cr_assert(st == 2 && strstr(o, "a device"), "%s", o);
            free(o);
            cr_assert(lstat(dev, &sb) == 0 && S_ISCHR(sb.st_mode), "the device node was replaced");
        }
    }
    pvp_file_close(k.file);
}

Test(cli_install, unknown_mode_is_bad_input_everywhere)
{
    kernel k;
    all_forms_kernel(&k);
    int st;
    const char *cmds[] = { "check %s --mode 99", "patch %s --mode 99 -o %s.p", "install %s --mode 99 -o %s.i",
                           "check %s --mode nosuch" };
    for (int i = 0; i < 4; i++) {
        char *o = pvpatch_run(&st, cmds[i], k.path, k.path);
        cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, "no mode") && strstr(o, "modes: native, xen"),
                  "%s: %s", cmds[i], o);
        free(o);
    }
    pvp_file_close(k.file);
}

Test(cli_install, sites_json_with_an_unreadable_fixup_is_json)
{
    kernel k;
    all_forms_kernel(&k);
    /* The vtop record names a place outside the image: its value cannot be read. */
    const pvp_instance *xen = pvp_instance_find(k.set, k.count, "xen");
    cr_assert_eq(pvp_image_write_le(pvp_file_image(k.file), xen->fixups + PVP_FIX_OFF_WHERE, 8, 0xb000000000000002ull),
                 PVP_OK);
    char bad[600], err[PVP_ERR_SIZE];
    snprintf(bad, sizeof bad, "%s.bad", k.path);
    cr_assert_eq(pvp_file_write(k.file, bad, err, sizeof err), 0, "%s", err);
    int st;
    char *o = pvpatch_run(&st, "sites %s --json", bad);
    cr_assert_eq(st, 0, "%s", o);
    tj_value *doc = tj_parse(o);
    cr_assert(doc, "not JSON: %s", o);
    const tj_value *fx = NULL;
    const tj_value *insts = tj_get(doc, "instances");
    for (size_t i = 0; insts && i < insts->n; i++)
        if (strcmp(tj_str(tj_at(insts, i), "name"), "xen") == 0)
            fx = tj_at(tj_get(tj_at(insts, i), "fixups"), 0);
    cr_assert(fx && tj_get(fx, "value") && tj_get(fx, "value")->type == TJ_NULL, "%s", o);
    tj_free(doc);
    free(o);
    o = pvpatch_run(&st, "sites %s", bad);
    cr_assert(st == 0 && strstr(o, "vtop  at 0xb000000000000002 (value unreadable)"), "%s", o);
    free(o);
    pvp_file_close(k.file);
}

Test(cli_install, verify_names_an_instruction_mismatch)
{
    kernel k;
    all_forms_kernel(&k);
    char out[600], err[PVP_ERR_SIZE];
    snprintf(out, sizeof out, "%s.out", k.path);
    int st;
    free(pvpatch_run(&st, "install %s --instance xen -o %s", k.path, out));
    cr_assert_eq(st, 0);
    /* Bundle 0 is nop.m; nop.i; nop.i: give slot 1 another immediate. */
    pvp_file *f = pvp_file_open_elf(out, err, sizeof err);
    cr_assert(f, "%s", err);
    const pvp_section *ivt = pvp_file_section_by_name(f, ".text.ivt");
    pvp_ia64_bundle b;
    cr_assert_eq(pvp_ia64_bundle_unpack(ivt->bytes, &b), PVP_OK);
    b.slot[1] |= 1u << 6;                  /* imm20a: nop.i 0x1 */
    cr_assert_eq(pvp_ia64_bundle_pack(&b, ivt->bytes), PVP_OK);
    cr_assert_eq(pvp_file_write(f, out, err, sizeof err), 0, "%s", err);
    pvp_file_close(f);
    char *o = pvpatch_run(&st, "verify %s %s --instance xen", k.path, out);
    cr_assert(st == 1 && strstr(o, "0xa000000100008000: instruction differs") && !strstr(o, "slot -1") &&
              !strstr(o, "expected 0x0, found 0x0") && strstr(o, "nop.i 0x1"), "%s", o);
    free(o);
    o = pvpatch_run(&st, "verify %s %s --instance xen --json", k.path, out);
    tj_value *doc = tj_parse(o);
    cr_assert(doc && tj_get(tj_at(tj_get(doc, "mismatches"), 0), "slot")->type == TJ_NULL, "%s", o);
    tj_free(doc);
    free(o);
    pvp_file_close(k.file);
}

Test(cli_install, vtop_through_many_segments)
{
    /* 40 PT_LOAD segments; the page-table root is in the last one. */
    enum { NSEG = 40 };
    char *src = NULL, *lds = NULL;
    size_t sl = 0, ll = 0;
    add(&src, &sl, "#include \"pvpatch/ia64/instance.h\"\n");
    for (int s = 0; s < NSEG; s++)
        add(&src, &sl, ".section .d%d, \"aw\"\nsym%d: data8 %d\n", s, s, s);
    add(&src, &sl, ".section .text.ivt, \"ax\"\n.align 1024\n.global ia64_ivt\nia64_ivt:\n"
                   "PVP_INSTANCE_BEGIN(native, PVP_MODE_NATIVE, ia64_ivt, 0x20)\n"
                   "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\nPVP_LOAD_PHYSICAL(p0, r17, sym%d) ;;\n"
                   "PVP_INSTANCE_END(native, PVP_MODE_NATIVE, ia64_ivt, 0x20)\n", NSEG - 1);
    add(&lds, &ll, "PHDRS {\n");
    for (int s = 0; s <= NSEG + 1; s++)
        add(&lds, &ll, "  p%d PT_LOAD;\n", s);
    add(&lds, &ll, "}\nSECTIONS {\n  .text.ivt 0xa000000100000000 : AT(0x4000000) { *(.text.ivt) } :p%d\n", NSEG);
    for (int s = 0; s < NSEG; s++)
        add(&lds, &ll, "  .d%d 0xa000000200000000 + %d * 0x10000 : AT(0x8000000 + %d * 0x20000) { *(.d%d) } :p%d\n",
            s, s, s, s, s);
    add(&lds, &ll, "  .pvpatch.instances 0xa000000300000000 : { *(.pvpatch.instances) } :p%d\n"
                   "  .pvpatch.fixups : { *(.pvpatch.fixups) } :p%d\n  /DISCARD/ : { *(.IA_64.unwind*) }\n}\n",
        NSEG + 1, NSEG + 1);
    char spath[512], lpath[512], epath[512], opath[600], cmd[8192];
    snprintf(spath, sizeof spath, "%s/segs.S", tas_tmpdir());
    snprintf(lpath, sizeof lpath, "%s/segs.lds", tas_tmpdir());
    snprintf(epath, sizeof epath, "%s/segs.elf", tas_tmpdir());
    snprintf(opath, sizeof opath, "%s.out", epath);
    FILE *f = fopen(spath, "w");
    fputs(src, f);
    fclose(f);
    f = fopen(lpath, "w");
    fputs(lds, f);
    fclose(f);
    free(src);
    free(lds);
    snprintf(cmd, sizeof cmd, "gcc -E -P -x assembler-with-cpp -Iinclude %s -o %s.s && " TAS_AS " -xexplicit %s.s -o %s.o && "
             TAS_LD " --no-warn-rwx-segments -T %s %s.o -o %s 2>&1 && " TAS_OBJDUMP " -p %s | grep -c LOAD",
             spath, spath, spath, spath, lpath, spath, epath, epath);
    int st;
    char *o = tas_run(cmd, &st);
    cr_assert(st == 0 && atoi(o) == NSEG + 2, "%s", o);
    free(o);
    o = pvpatch_run(&st, "install %s --instance native -o %s", epath, opath);
    cr_assert(st == 0 && strstr(o, "vtop 1"), "%s", o);
    free(o);
    char err[PVP_ERR_SIZE];
    pvp_file *img = pvp_file_open_elf(opath, err, sizeof err);
    cr_assert(img, "%s", err);
    const pvp_section *ivt = pvp_file_section_by_name(img, ".text.ivt");
    uint64_t imm;
    cr_assert_eq(pvp_arch_ia64.load_imm_get(ivt->bytes + 16, 16, 2, &imm), PVP_OK);
    cr_assert_eq(imm, 0x8000000ull + (NSEG - 1) * 0x20000ull, "0x%llx", (unsigned long long)imm);
    pvp_file_close(img);
}

/* The example IVT (examples/ia64-ivt), built once per test process. */
static const char *example_dir(void)
{
    static char out[600];
    if (out[0])
        return out;
    snprintf(out, sizeof out, "%s/ivt-example", tas_tmpdir());
    char cmd[800];
    snprintf(cmd, sizeof cmd, "sh examples/ia64-ivt/build.sh %s 2>&1 >/dev/null", out);
    int st;
    char *o = tas_run(cmd, &st);
    cr_assert(st == 0, "building the example failed:\n%s", o);
    free(o);
    return out;
}

Test(cli_install, dead_sites_are_shown_where_they_are)
{
    const char *dir = example_dir();
    int st;
    char *o = pvpatch_run(&st, "sites %s/kernel-a.elf --json", dir);
    tj_value *doc = tj_parse(o);
    cr_assert(st == 0 && doc, "%s", o);
    const tj_value *sites = tj_get(doc, "sites");
    size_t dead = 0;
    for (size_t i = 0; i < sites->n; i++) {
        const tj_value *s = tj_at(sites, i);
        if (tj_get(s, "live")->boolean)
            continue;
        dead++;
        cr_assert_str_eq(tj_str(s, "at"), tj_str(s, "built_at"), "a dead site is shown at its canonical address");
    }
    cr_assert_gt(dead, 0);
    tj_free(doc);
    free(o);
    o = pvpatch_run(&st, "sites %s/kernel-a.elf", dir);
    cr_assert(st == 0 && strstr(o, "(dead)"), "%s", o);
    for (char *line = strstr(o, "(dead)"); line; line = strstr(line + 1, "(dead)")) {
        char *start = line;
        while (start > o && start[-1] != '\n')
            start--;
        cr_assert(strncmp(start, "site 0xa00000010002", 19) == 0, "%.80s", start);   /* in .init.pvinst */
    }
    free(o);
}

Test(cli_install, head_code_path_and_cli_agree)
{
    /* kernel-c's one IVT stays in place: a patch before its install would leave
     * LOAD_PHYSICAL virtual, so it is refused; install --mode applies it. */
    const char *dir = example_dir();
    int st;
    char *o = pvpatch_run(&st, "patch %s/kernel-c.elf --mode xen -o %s/c.bad", dir, dir);
    cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, "never installed"), "%s", o);
    free(o);
    for (int form = 0; form < 2; form++) {
        const char *img = form ? "kernel-a.elf" : "kernel-c.elf";
        o = pvpatch_run(&st, "install %s/%s --mode native -o %s/%s.native", dir, img, dir, img);
        cr_assert(st == 0 && strstr(o, "fixups applied: vtop 5") && strstr(o, "0 bundles copied"), "%s", o);
        free(o);
        o = pvpatch_run(&st, "patch %s/%s.native --mode native -o %s/%s.patched", dir, img, dir, img);
        cr_assert_eq(st, 0, "%s", o);
        free(o);
        /* Every vtop movl of the in-place instance now loads a physical address. */
        char path[800], err[PVP_ERR_SIZE];
        snprintf(path, sizeof path, "%s/%s.patched", dir, img);
        cli_image ci;
        cr_assert_eq(cli_image_open(&ci, path, err, sizeof err), 0, "%s", err);
        const pvp_instance *in = &ci.set[pvp_instance_for_mode(ci.set, ci.count, ci.set[0].canonical, PVP_MODE_NATIVE)];
        cr_assert(in->copy == in->canonical && (in->flags & PVP_INSTANCE_F_INSTALLED));
        int vtops = 0;
        for (size_t k = 0; k < pvp_fixup_count(in); k++) {
            pvp_fixup f;
            uint64_t imm;
            cr_assert_eq(pvp_fixup_read(pvp_file_image(ci.file), in, k, &f, NULL), PVP_OK);
            if (f.kind != PVP_FIX_VTOP_MOVL)
                continue;
            const uint8_t *b = pvp_image_at(pvp_file_image(ci.file), f.where & ~15ull, 16);
            cr_assert_eq(pvp_arch_ia64.load_imm_get(b, 16, f.where & 15, &imm), PVP_OK);
            cr_assert_lt(imm, 0x100000000ull, "%s: vtop at 0x%llx still loads 0x%llx", img,
                         (unsigned long long)f.where, (unsigned long long)imm);
            vtops++;
        }
        cr_assert_eq(vtops, 5);
        cli_image_close(&ci);
    }
}

Test(cli_install, check_finds_dangling_references_and_skips_data)
{
    /* Kernel text branching into the xen copy and into the slot's inside;
     * the instances hold data that reads as `mov r16=cr.ifa` (sensitive). */
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, ".ifc \\name, native\n.pushsection .text\n"
                     "from_text: { .mib; nop.m 0; nop.i 0; br.cond.sptk.few xen_e1 }\n"
                     "{ .mib; nop.m 0; nop.i 0; br.cond.sptk.few ia64_ivt + 0x10 }\n.popsection\n.endif\n");
    add(&body, &len, "{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n\\name\\()_e1: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "PVP_DATA_BEGIN(\\name\\()_d)\n{ .mii; mov r16 = cr.ifa; nop.i 0; nop.i 0 ;; }\n"
                     "PVP_DATA_END(\\name\\()_d)\n");
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 3);
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    int st;
    char *o = pvpatch_run(&st, "check %s --json", k.path);
    tj_value *doc = tj_parse(o);
    cr_assert(st == 1 && doc, "%s", o);
    const tj_value *fs = tj_get(doc, "findings");
    cr_assert_eq(fs->n, 2, "%s", o);
    for (size_t i = 0; i < fs->n; i++)
        cr_assert_str_eq(tj_str(tj_at(fs, i), "rule"), "dangling-reference", "%s", o);
    cr_assert(strstr(tj_str(tj_at(fs, 0), "detail"), "freed after boot") &&
              strstr(tj_str(tj_at(fs, 1), "detail"), "not at a declared entry"), "%s", o);
    tj_free(doc);
    free(o);
    pvp_file_close(k.file);
}

Test(cli_install, check_after_install_flags_loads_of_the_freed_copy)
{
    /* A movl of a label inside the instance with no self fixup: before the
     * install it points into a copy that moves, after it into a freed copy. */
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "\\name\\()_in: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "{ .mlx; nop.m 0; movl r2 = \\name\\()_in ;; }\n");
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 2);
    kernel k;
    build_kernel(body, "0xa000000100100000", NULL, &k);
    free(body);
    int st;
    char *o = pvpatch_run(&st, "check %s", k.path);
    cr_assert(st == 1 && strstr(o, "unrecorded-absolute") && strstr(o, "moved to 0xa000000100008000 at install"),
              "%s", o);
    free(o);
    char out[600];
    snprintf(out, sizeof out, "%s.xen", k.path);
    free(pvpatch_run(&st, "install %s --instance xen -o %s", k.path, out));
    cr_assert_eq(st, 0);
    o = pvpatch_run(&st, "check %s", out);
    cr_assert(st == 1 && strstr(o, "0xa000000100008010 slot 2: unrecorded-absolute") &&
              strstr(o, "freed after boot (its code is at 0xa000000100008000 now)"), "%s", o);
    free(o);
    pvp_file_close(k.file);
}

Test(cli_install, the_instance_in_place_is_decoded_too)
{
    /* A reserved template in the canonical instance: nothing moves, but the
     * install must refuse code it cannot read, as the verifier would. */
    kernel k;
    all_forms_kernel(&k);
    const pvp_instance *native = pvp_instance_find(k.set, k.count, "native");
    uint8_t *b = pvp_image_at(pvp_file_image(k.file), native->canonical + 0x20, 16);
    memset(b, 0xff, 16);
    char bad[600], err[PVP_ERR_SIZE];
    snprintf(bad, sizeof bad, "%s.bad", k.path);
    cr_assert_eq(pvp_file_write(k.file, bad, err, sizeof err), 0, "%s", err);
    int st;
    char *o = pvpatch_run(&st, "install %s --instance native -o %s.out", bad, bad);
    cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, "address 0xa000000100008020") &&
              strstr(o, "cannot decode"), "%s", o);
    free(o);
    o = pvpatch_run(&st, "sites %s \"$(printf 'two\\nlines')\"", bad);     /* a usage error quoting a line break */
    cr_assert(st == 2 && count_lines(o) == 1, "%s", o);
    free(o);
    pvp_file_close(k.file);
}
