/* Test support: small IA-64 kernels with pvpatch instances. */
#include "kernel.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binutils.h"


/* Kernel text, the far function for brl, the page-table root and the records. */
static const char *const kernel_lds =
    "ENTRY(outside_fn)\n"
    "SECTIONS {\n"
    "  . = 0xa000000100000000;\n"
    "  .text : AT(0x4000000) { *(.text) }\n"
    "  . = ALIGN(32768);\n"
    "  .text.ivt : { *(.text.ivt) }\n"
    "  .data : { *(.data) }\n"
    "  . = %s;\n"
    "  .init.pvinst : { *(.init.pvinst) }\n"
    "  INCLUDE pvpatch.lds\n"
    "  . = 0xa000000104000000;\n"
    "  .text.far : { *(.text.far) }\n"
    "  /DISCARD/ : { *(.IA_64.unwind*) }\n"
    "%s"
    "}\n";

/* The frame around one instance body, a gas macro `body name` given by the test. */
static const char *const kernel_src_head =
    "#include \"pvpatch/ia64/instance.h\"\n"
    "        .text\n"
    "        .global outside_fn\n"
    "outside_fn: { .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }\n"
    "        .section .text.far, \"ax\"\n"
    "far_fn: { .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }\n"
    "        .data\n"
    "        .global swapper_pg_dir\n"
    "swapper_pg_dir: data8 0\n";

static const char *const kernel_src_tail =
    "        .section .text.ivt, \"ax\"\n"
    "        .align 32768\n"
    "        .global ia64_ivt\n"
    "ia64_ivt:\n"
    "PVP_INSTANCE_BEGIN(native, PVP_MODE_NATIVE, ia64_ivt, 0x400)\n"
    "        body native\n"
    "PVP_INSTANCE_END(native, PVP_MODE_NATIVE, ia64_ivt, 0x400)\n"
    "        .section .init.pvinst, \"ax\"\n"
    "        .align 32\n"
    "PVP_INSTANCE_BEGIN(xen, PVP_MODE_XEN, ia64_ivt, 0x400)\n"
    "        body xen\n"
    "PVP_INSTANCE_END(xen, PVP_MODE_XEN, ia64_ivt, 0x400)\n";

/* Append printf-style text to a growing buffer. */
void add(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *buf = realloc(*buf, *len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

/* One bundle per IP-relative form, with target T (a gas expression). */
const char *const form_bundles[] = {
    "{ .mib; nop.m 0; nop.i 0; br.cond.sptk.few %s }",
    "{ .mib; nop.m 0; nop.i 0; br.wexit.sptk.few %s ;; }",
    "{ .mib; nop.m 0; nop.i 0; br.cloop.sptk.few %s ;; }",
    "{ .mib; nop.m 0; nop.i 0; br.call.sptk.many b0=%s }",
    "{ .mib; nop.m 0; nop.i 0; brp.sptk %s, \\name\\()_tag }",
    "{ .mlx; nop.m 0; brl.cond.sptk.many %s }",
    "{ .mlx; nop.m 0; brl.call.sptk.many b1=%s }",
    "{ .mii; chk.s.m r3, %s; nop.i 0; nop.i 0 }",
    "{ .mii; chk.s f7, %s; nop.i 0; nop.i 0 }",
    "{ .mii; chk.a.nc r5, %s; nop.i 0; nop.i 0 }",
    "{ .mii; chk.a.clr f6, %s; nop.i 0; nop.i 0 }",
    "{ .mii; nop.m 0; chk.s.i r4, %s; nop.i 0 }",
    "{ .mfi; nop.m 0; fchkf.s0 %s; nop.i 0 }",
};
const size_t nform_bundles = 13;


/* Assemble and link a kernel whose instance body is the macro text given. */
void build_kernel(const char *body, const char *copy_addr, const char *extra_lds, kernel *k)
{
    char *src = NULL;
    size_t len = 0;
    add(&src, &len, "%s.macro body name\n%s.endm\n%s", kernel_src_head, body, kernel_src_tail);
    char spath[512], lpath[512], cmd[4096];
    const char *dir = tas_tmpdir();
    static int seq;
    seq++;
    snprintf(spath, sizeof spath, "%s/k%d.S", dir, seq);
    snprintf(lpath, sizeof lpath, "%s/k%d.lds", dir, seq);
    snprintf(k->path, sizeof k->path, "%s/k%d.elf", dir, seq);
    FILE *f = fopen(spath, "w");
    fputs(src, f);
    fclose(f);
    free(src);
    f = fopen(lpath, "w");
    fprintf(f, kernel_lds, copy_addr, extra_lds ? extra_lds : "");
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "gcc -E -P -x assembler-with-cpp -Iinclude %s -o %s.s && "
             TAS_AS " -xexplicit %s.s -o %s.o 2>&1 | grep -i error; "
             TAS_LD " --no-warn-rwx-segments -L include/pvpatch/ia64 -T %s %s.o -o %s 2>&1",
             spath, spath, spath, spath, lpath, spath, k->path);
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert(st == 0 && strstr(out, "rror") == NULL, "building the kernel failed:\n%s", out);
    free(out);
    char err[PVP_ERR_SIZE];
    k->file = pvp_file_open_elf(k->path, err, sizeof err);
    cr_assert(k->file, "%s", err);
    const pvp_section *s = pvp_file_section_by_name(k->file, ".pvpatch.instances");
    cr_assert(s);
    pvp_error e;
    int rc = pvp_instances_read(pvp_file_image(k->file), s->addr, s->size, k->set, 4, &k->count, &e);
    cr_assert_eq(rc, PVP_OK, "%s", e.what);
}

/* Physical addresses as the linker script's AT() lays them out. */
int kernel_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr)
{
    (void)ctx;
    if (vaddr - KERNEL_BASE >= 0x10000000)
        return 1;
    *paddr = vaddr - KERNEL_BASE + PHYS_BASE;
    return 0;
}

/* The body used by most tests: every form inside and outside, fixups of every kind. */
char *all_forms_body(void)
{
    char *body = NULL;
    size_t len = 0;
    int n = 0;
    add(&body, &len, "\\name\\()_in: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    add(&body, &len, "\\name\\()_tag: { .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n");
    n += 2;
    for (size_t f = 0; f < nform_bundles; f++) {
        const char *targets[] = { "\\name\\()_in", "outside_fn", "\\name\\()_end", "far_fn" };
        for (size_t t = 0; t < 4; t++) {
            if (t == 3 && (f < FIRST_BRL || f > LAST_BRL))
                continue;                      /* only brl reaches +64 MiB */
            char line[256];
            snprintf(line, sizeof line, form_bundles[f], targets[t]);
            add(&body, &len, "%s\n", line);
            n++;
        }
    }
    add(&body, &len, "PVP_LOAD_PHYSICAL(p0, r17, swapper_pg_dir) ;;\n");
    add(&body, &len, "PVP_MOVL_SELF(p0, r18, \\name\\()_in) ;;\n");
    add(&body, &len, ".pushsection .data\nPVP_DATA8_SELF(\\name\\()_tag)\n.popsection\n");
    n += 2;
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - n - 1);
    add(&body, &len, "\\name\\()_end: { .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }\n");
    return body;
}

/* A body with one br.cond in its first bundle to `target`. */
char *one_branch_body(const char *target)
{
    char *body = NULL;
    size_t len = 0;
    add(&body, &len, "{ .mib; nop.m 0; nop.i 0; br.cond.sptk.few %s }\n", target);
    add(&body, &len, ".rept %d\n{ .mii; nop.m 0; nop.i 0; nop.i 0 ;; }\n.endr\n", (int)(SLOT / 16) - 1);
    return body;
}

const char *pvpatch_path(void)
{
    const char *p = getenv("PVPATCH");
    return p ? p : "build/pvpatch";
}

char *pvpatch_run(int *st, const char *fmt, ...)
{
    char args[2048], cmd[2600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", pvpatch_path(), args);
    return tas_run(cmd, st);
}
