/* The install, verify and sites commands on linked kernel images: exit codes,
 * one-line errors, nothing written on failure, and a diff when verify fails. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pvpatch/ia64.h"
#include "support/binutils.h"
#include "support/kernel.h"

static const char *pvpatch(void)
{
    const char *p = getenv("PVPATCH");
    return p ? p : "build/pvpatch";
}

/* Run pvpatch with args; stdout and stderr together; exit status in *st. */
static char *run(int *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *run(int *st, const char *fmt, ...)
{
    char args[2048], cmd[2600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", pvpatch(), args);
    return tas_run(cmd, st);
}

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
    char *o = run(&st, "install %s --instance xen -o %s", k.path, out);
    cr_assert_eq(st, 0, "%s", o);
    cr_assert(strstr(o, "installed xen") && strstr(o, "fixups applied: vtop 1, self 1, ptr64 1"), "%s", o);
    free(o);
    o = run(&st, "verify %s %s --instance xen", k.path, out);
    cr_assert_eq(st, 0, "%s", o);
    free(o);
    o = run(&st, "sites %s --json", out);
    cr_assert(st == 0 && strstr(o, "\"name\":\"xen\"") && strstr(o, "\"installed\":true"), "%s", o);
    free(o);
    o = run(&st, "install %s --instance xen -o %s.j --json", k.path, out);
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
    free(run(&st, "install %s --instance xen -o %s", k.path, out));
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

    char *o = run(&st, "verify %s %s --instance xen", k.path, out);
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
    char *o = run(&st, "install %s --instance xen -o %s", k.path, out);
    cr_assert_eq(st, 2, "%s", o);
    cr_assert_eq(count_lines(o), 1, "%s", o);
    cr_assert(strstr(o, k.path) && strstr(o, "address 0xa000000100100000: slot 2") &&
              strstr(o, "distance +0x1000000"), "%s", o);
    cr_assert(!exists(out));
    free(o);

    /* In place: the input stays byte-identical. */
    snprintf(cmp, sizeof cmp, "cp %s %s.orig", k.path, k.path);
    free(tas_run(cmp, &st));
    o = run(&st, "install %s --instance xen -o %s", k.path, k.path);
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
    char *o = run(&st, "install %s --instance nosuch -o %s.x", k.path, k.path);
    cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, "no instance 'nosuch'"), "%s", o);
    free(o);
    o = run(&st, "install %s --instance xen", k.path);
    cr_assert(st == 2 && strstr(o, "-o"), "%s", o);
    free(o);

    /* An IA-64 object without records. */
    tas_object obj;
    char err[1024];
    cr_assert_eq(tas_assemble(".text\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n", NULL, &obj, err, sizeof err), 0);
    o = run(&st, "sites %s", obj.path);
    cr_assert(st == 2 && count_lines(o) == 1 && strstr(o, ".pvpatch.instances"), "%s", o);
    free(o);
    o = run(&st, "verify %s %s --instance xen", k.path, obj.path);
    cr_assert(st == 2 && count_lines(o) == 1, "%s", o);
    free(o);
    tas_free(&obj);
    pvp_file_close(k.file);
}
