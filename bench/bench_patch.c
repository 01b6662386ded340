/* Site patching, measured: sites patched per second (pvp_patch on a kernel
 * with many C-form sites, against copying the same image back), and per
 * operation the bundles executed and indirect branches taken on its path in
 * the C-form build, after patching to each mode, and in that mode's A-form
 * build. Kernels are built by GNU as and ld in a temporary directory. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/instances.h"
#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"

#define REPEAT 20                     /* uses of every operation in the big kernel */
#define SHAPE(name, shape) #shape,
static const char *const shapes[] = { PVP_IA64_OPS(SHAPE) };
static const char *const modes[] = { "native", "xen", "counting" };
static char dir[] = "/tmp/pvpatch-bench-XXXXXX";

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void sh(const char *cmd)
{
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_patch: failed: %s\n", cmd);
        exit(1);
    }
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* The uses of every operation, `repeat` times. */
static char *body(int repeat)
{
    static const char *const args[][2] = {
        { "R", "r16, r0, r0" }, { "W", "r0, r17, r0" }, { "RW", "r16, r17, r0" },
        { "WW", "r0, r17, r18" }, { "N", "r0, r0, r0" },
    };
    size_t cap = 1 << 20, len = 0;
    char *b = malloc(cap);
    len += (size_t)snprintf(b, cap, "#include \"pvpatch/ia64/site.h\"\n#include \"pvpatch/ia64/modes/native.h\"\n"
                                    "#include \"pvpatch/ia64/modes/xen.h\"\n#include \"pvpatch/ia64/modes/counting.h\"\n"
                                    "\t.text\n\t.globl _start\n_start:\n");
    for (int r = 0; r < repeat; r++)
        for (unsigned op = 1; op <= PVP_OP_COUNT; op++)
            for (int k = 0; k < 5; k++)
                if (strcmp(shapes[op - 1], args[k][0]) == 0)
                    len += (size_t)snprintf(b + len, cap - len, "PVP_SITE(%s, p0, %s, r2, r3, r14, p6)\n",
                                            pvp_ia64_op_name(op), args[k][1]);
    return b;
}

/* Build kernel `name` from the body in `form` and `mode`, linked with the modes. */
static void build(const char *name, const char *form, const char *mode)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && gcc -E -P -x assembler-with-cpp -I%s/include -DPVP_FORM=PVP_FORM_%s -DPVP_BUILD_MODE=%s "
             "%s.S -o %s.s && ia64-linux-gnu-as -xexplicit %s.s -o %s.o 2>/dev/null && "
             "ia64-linux-gnu-ld --no-warn-rwx-segments -T k.lds %s.o m_native.o m_xen.o m_counting.o -o %s.elf",
             dir, getenv("PWD"), form, mode, name, name, name, name, name, name);
    sh(cmd);
}

static void build_modes(void)
{
    for (int m = 0; m < 3; m++) {
        char text[512], file[64], cmd[1024];
        snprintf(text, sizeof text, "#define PVP_EMIT_MODE %s\n%s#include \"pvpatch/ia64/modes/%s.h\"\n"
                                    "#include \"pvpatch/ia64/emit.h\"\n", modes[m], m ? "" : "#define PVP_EMIT_LIVE\n", modes[m]);
        snprintf(file, sizeof file, "m_%s.S", modes[m]);
        write_file(file, text);
        snprintf(cmd, sizeof cmd, "cd %s && gcc -E -P -x assembler-with-cpp -I%s/include m_%s.S -o m_%s.s && "
                 "ia64-linux-gnu-as -xexplicit m_%s.s -o m_%s.o", dir, getenv("PWD"), modes[m], modes[m], modes[m], modes[m]);
        sh(cmd);
    }
    write_file("k.lds", "ENTRY(_start)\nSECTIONS {\n . = 0xa000000100000000;\n .text : { *(.text) }\n"
                        " .text.stubs : { *(.text.pvpatch.stubs) }\n .pvpatch.text : { *(.pvpatch.text) }\n"
                        " .data : { *(.data) *(.data.pvpatch.ops) }\n .pvpatch.sites : { KEEP(*(.pvpatch.sites)) }\n"
                        " .pvpatch.modes : ALIGN(8) { KEEP(*(.pvpatch.modes)) }\n"
                        " .pvpatch.tmpl : ALIGN(8) { KEEP(*(.pvpatch.tmpl)) }\n}\n");
}

static void open_image(const char *name, cli_image *img)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/%s.elf", dir, name);
    if (cli_image_open(img, path, err, sizeof err)) {
        fprintf(stderr, "bench_patch: %s\n", err);
        exit(1);
    }
}

static pvp_patch_req request(cli_image *img, const char *mode, int policy)
{
    uint32_t id = 0;
    for (size_t k = 0; k < img->nmodes; k++)
        if (strcmp(img->modes[k].name, mode) == 0)
            id = img->modes[k].id;
    static void *work;                     /* grown as needed, kept */
    static size_t cap;
    size_t need = pvp_patch_work_size(pvp_site_count(img->sites_size));
    if (need > cap)
        free(work), work = malloc(need), cap = need;
    static void *cache;
    if (!cache)
        cache = malloc(pvp_arch_ia64.site_cache_size);
    return (pvp_patch_req){ &pvp_arch_ia64, img->set, img->count, img->sites, img->sites_size, img->modes,
                            img->nmodes, id, policy, NULL, 0, NULL, NULL, work, cap, cache,
                            pvp_arch_ia64.site_cache_size, NULL, NULL };
}

/* The code range that holds the sites. */
static pvp_range *text_range(cli_image *img)
{
    pvp_site s;
    pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, 0, &s, NULL);
    return (pvp_range *)pvp_image_range(pvp_file_image(img->file), s.addr);
}

static void bench_rate(void)
{
    cli_image img;
    open_image("big", &img);
    pvp_range *text = text_range(&img);
    uint8_t *pristine = malloc(text->size);
    memcpy(pristine, text->bytes, text->size);
    size_t nsites = pvp_site_count(img.sites_size);
    pvp_patch_req req = request(&img, "xen", PVP_POLICY_BEST);
    int rounds = 0;
    double t_patch = 0, t_copy = 0;
    while (t_patch < 0.5 && rounds < 1000) {
        double t0 = now();
        memcpy(text->bytes, pristine, text->size);
        for (size_t k = 0; k < nsites; k++)                /* the records' state back to "as built" */
            pvp_image_write_le(pvp_file_image(img.file), img.sites + k * PVP_SITE_RECSIZE + PVP_SITE_OFF_CUR_FORM, 2, 0);
        double t1 = now();
        pvp_error e;
        if (pvp_patch(pvp_file_image(img.file), &req, NULL, &e)) {
            fprintf(stderr, "bench_patch: %s at 0x%llx\n", e.what, (unsigned long long)e.addr);
            exit(1);
        }
        double t2 = now();
        t_copy += t1 - t0;
        t_patch += t2 - t1;
        rounds++;
    }
    printf("patch: %zu C-form sites to xen (best), %d rounds: %.0f sites/s (%.1f us per site, plan + commit);\n"
           "       restoring the %llu-byte text by memcpy takes %.2f%% of that time\n",
           nsites, rounds, nsites * rounds / t_patch, 1e6 * t_patch / (nsites * rounds),
           (unsigned long long)text->size, 100 * t_copy / t_patch);
    free(pristine);
    cli_image_close(&img);
}

/* ---- Scale: patch and verify of 1k to 1M sites ---------------------------- */

#define SCALE_TEXT  0xa000000200000000ull   /* where the synthetic sites go */
#define SCALE_SITES 0xa000000300000000ull   /* and their records */

/* An image of the big kernel plus n C-form sites laid out by the engine's own
 * site hook (so their code is exactly what a build would give) in a text
 * range of their own, with their records in a table of their own: the
 * operations and registers of the big kernel's sites, cycled. */
typedef struct scale_image {
    pvp_range *ranges;
    pvp_image img;
    uint64_t nsites;
} scale_image;

static void scale_build(cli_image *big, size_t n, scale_image *out)
{
    const pvp_image *src = pvp_file_image(big->file);
    size_t nr = src->nranges;
    pvp_range *r = calloc(nr + 2, sizeof *r);
    for (size_t k = 0; k < nr; k++) {
        r[k] = src->ranges[k];
        r[k].bytes = malloc(r[k].size ? r[k].size : 1);
        memcpy(r[k].bytes, src->ranges[k].bytes, r[k].size);
    }
    pvp_site first;
    pvp_site_read(src, &pvp_arch_ia64, big->sites, 0, &first, NULL);
    uint64_t len = first.end - first.addr;
    r[nr] = (pvp_range){ SCALE_TEXT, n * len, calloc(n, len), PVP_RANGE_EXEC, "scale.text" };
    r[nr + 1] = (pvp_range){ SCALE_SITES, n * PVP_SITE_RECSIZE, calloc(n, PVP_SITE_RECSIZE), PVP_RANGE_WRITE,
                             "scale.sites" };
    out->ranges = r;
    out->img = (pvp_image){ r, nr + 2 };
    out->nsites = n;
    const pvp_mode *m = &big->modes[0];
    size_t nbig = pvp_site_count(big->sites_size);
    for (size_t i = 0; i < n; i++) {
        pvp_site s;
        pvp_template t;
        pvp_code_result res;
        pvp_site_read(src, &pvp_arch_ia64, big->sites, i % nbig, &s, NULL);
        uint64_t at = SCALE_TEXT + i * len, rec = SCALE_SITES + i * PVP_SITE_RECSIZE;
        if (s.end - s.addr != len || pvp_template_find(src, m, s.op, PVP_FORM_C, &t, NULL)) {
            fprintf(stderr, "bench_patch: site %zu of the big kernel is not a %llu-byte C site\n", i % nbig,
                    (unsigned long long)len);
            exit(1);
        }
        pvp_code_req req = { pvp_image_at(src, t.code, t.end - t.code), t.code, t.end - t.code, s.qp,
                             { s.regs[0], s.regs[1], s.regs[2], s.regs[3], s.regs[4], s.regs[5] }, s.pclob,
                             { ~0ull, ~0ull }, ~0u, at, len, NULL, 0, NULL, NULL, 0 };
        if (pvp_ia64_site_code(&req, pvp_image_at(&out->img, at, len), &res)) {
            fprintf(stderr, "bench_patch: cannot lay out site %zu: %s\n", i, res.why);
            exit(1);
        }
        uint8_t *b = pvp_image_at(&out->img, rec, PVP_SITE_RECSIZE);
        memcpy(b, pvp_image_at(src, s.record, PVP_SITE_RECSIZE), PVP_SITE_RECSIZE);
        pvp_image_write_le(&out->img, rec + PVP_SITE_OFF_ADDR, 8, at);
        pvp_image_write_le(&out->img, rec + PVP_SITE_OFF_END, 8, at + len);
    }
}

static void scale_free(scale_image *s)
{
    for (size_t k = 0; k < s->img.nranges; k++)
        free(s->ranges[k].bytes);
    free(s->ranges);
}

/* A copy of every byte of an image, with the same layout. */
static scale_image scale_copy(const scale_image *s)
{
    scale_image c = *s;
    c.ranges = calloc(s->img.nranges, sizeof *c.ranges);
    for (size_t k = 0; k < s->img.nranges; k++) {
        c.ranges[k] = s->ranges[k];
        c.ranges[k].bytes = malloc(s->ranges[k].size ? s->ranges[k].size : 1);
        memcpy(c.ranges[k].bytes, s->ranges[k].bytes, s->ranges[k].size);
    }
    c.img.ranges = c.ranges;
    return c;
}

/* Patch then verify a table of n sites: the best times (patch, verify,
 * both) of some runs, a third of a second of them and two at least, each
 * from the pristine bytes (restored outside the timing), the work area
 * touched beforehand as a kernel's would be: the figure is the engine's,
 * not first touches. Returns the seconds spent. */
static double measure_scale(cli_image *big, size_t n, double best[3])
{
    scale_image s, orig;
    scale_build(big, n, &s);
    orig = scale_copy(&s);
    pvp_patch_req req = request(big, "xen", PVP_POLICY_BEST);
    req.sites = SCALE_SITES;
    req.sites_size = n * PVP_SITE_RECSIZE;
    req.work_size = pvp_patch_work_size(n);
    req.work = malloc(req.work_size);
    double spent = 0;
    const char *runs_env = getenv("PVP_BENCH_RUNS");      /* a fixed count, for a profiler */
    int runs = runs_env ? atoi(runs_env) : 0;
    for (int run = 0; runs ? run < runs : run < 200 && (run < 2 || spent < 0.3); run++) {
        for (size_t k = 0; k < s.img.nranges; k++)
            memcpy(s.ranges[k].bytes, orig.ranges[k].bytes, s.ranges[k].size);
        memset(req.work, 0, req.work_size);
        pvp_error e;
        double t0 = now();
        if (pvp_patch(&s.img, &req, NULL, &e)) {
            fprintf(stderr, "bench_patch: scale %zu: %s at 0x%llx\n", n, e.what, (unsigned long long)e.addr);
            exit(1);
        }
        double t1 = now();
        pvp_mismatch mm[4];
        size_t nmm;
        if (pvp_verify_patch(&orig.img, &s.img, &req, mm, 4, &nmm)) {
            fprintf(stderr, "bench_patch: scale %zu: verify: %zu mismatches, first %s at 0x%llx\n", n, nmm,
                    mm[0].what, (unsigned long long)mm[0].addr);
            exit(1);
        }
        double t2 = now(), t[3] = { t1 - t0, t2 - t1, t2 - t0 };
        for (int k = 0; k < 3; k++)
            best[k] = t[k] < best[k] ? t[k] : best[k];
        spent += t2 - t0;
    }
    free(req.work);
    scale_free(&s);
    scale_free(&orig);
    return spent;
}

static void bench_scale(void)
{
    cli_image big;
    open_image("big", &big);
    enum { NSIZES = 4 };
    static const size_t sizes[NSIZES] = { 1000, 10000, 100000, 1000000 };
    const char *max_env = getenv("PVP_BENCH_SCALE_MAX");   /* e.g. 10000 under a profiler */
    size_t max = max_env ? (size_t)strtoull(max_env, NULL, 0) : sizes[NSIZES - 1];
    printf("\nscale: C-form sites patched to xen (best), then verified independently, by table size\n");
    printf("%10s %14s %14s %14s %14s\n", "sites", "patch sites/s", "verify sites/s", "both sites/s",
           "vs 1k (both)");
    /* Every size in turns, twice (once under a profiler): the machine's load
     * changes from second to second, and no size is measured only first. */
    double best[NSIZES][3];
    size_t measured = 0;
    for (size_t z = 0; z < NSIZES; z++)
        best[z][0] = best[z][1] = best[z][2] = 1e30;
    for (int round = 0; round < (getenv("PVP_BENCH_RUNS") ? 1 : 2); round++)
        for (size_t z = 0; z < NSIZES && sizes[z] <= max; z++) {
            double spent = measure_scale(&big, sizes[z], best[z]);
            measured = z + 1 > measured ? z + 1 : measured;
            if (spent > 60)
                break;                     /* the next size would take ten times as long */
        }
    for (size_t z = 0; z < measured; z++) {
        double both = sizes[z] / best[z][2];
        printf("%10zu %14.0f %14.0f %14.0f %13.2fx\n", sizes[z], sizes[z] / best[z][0], sizes[z] / best[z][1], both,
               both / (sizes[0] / best[0][2]));
    }
    cli_image_close(&big);
}

/* Bundles executed and indirect branches taken on a site's path: the site's
 * bundles up to its last taken branch (or all of them), plus, for a branch
 * to a stub, the stub's bundles and the bundles after the return address. */
static void path_of(const pvp_image *img, const pvp_site *s, const pvp_mode *m, unsigned *bundles, unsigned *indirect)
{
    uint64_t end = s->end, at = s->addr;
    *bundles = *indirect = 0;
    for (uint64_t a = at; a < end; a += 16) {
        pvp_ia64_bundle b;
        pvp_ia64_bundle_unpack(pvp_image_at(img, a, 16), &b);
        ++*bundles;
        for (unsigned slot = 0; slot < 3; slot++) {
            pvp_ia64_insn in;
            if (pvp_ia64_decode(&b, slot, &in) || !in.op || in.unit != PVP_IA64_UNIT_B)
                continue;
            pvp_ia64_iprel r[2];
            if (strncmp(in.op->syntax, "br.cond", 7) || (in.op->flags & PVP_IA64_F_NOP))
                continue;
            unsigned n = pvp_ia64_iprel_list(&b, slot, a, r);
            uint64_t stub = 0;
            if (n == 0) {                              /* indirect: through the live table */
                ++*indirect;
                pvp_image_read_le(img, m->live + 8 * (uint64_t)s->op, 8, &stub);
            } else if (r[0].target == end) {
                return;                                /* the skip branch over the filler */
            } else {
                stub = r[0].target;
            }
            for (uint64_t p = stub;; p += 16) {        /* the stub, to its return br b7 */
                pvp_ia64_bundle sb;
                pvp_ia64_bundle_unpack(pvp_image_at(img, p, 16), &sb);
                ++*bundles;
                pvp_ia64_insn last;
                pvp_ia64_decode(&sb, 2, &last);
                int found = 0;
                if (last.op && strncmp(last.op->syntax, "br.cond", 7) == 0 &&
                    pvp_ia64_operand(&last, 'B', &found) == PVP_ABI_BR && found)
                    break;
            }
            ++*indirect;                               /* the return through b7 */
            *bundles += 1;                             /* the bundle at the return address */
            return;
        }
    }
}

static void bench_paths(void)
{
    cli_image c, a[3], p[3];
    open_image("ops_c", &c);
    for (int m = 0; m < 3; m++) {
        char name[32];
        snprintf(name, sizeof name, "ops_a_%s", modes[m]);
        open_image(name, &a[m]);
        open_image("ops_c", &p[m]);
        pvp_patch_req req = request(&p[m], modes[m], PVP_POLICY_BEST);
        if (pvp_patch(pvp_file_image(p[m].file), &req, NULL, NULL)) {
            fprintf(stderr, "bench_patch: patching to %s failed\n", modes[m]);
            exit(1);
        }
    }
    printf("\npath per operation: bundles executed / indirect branches (C build; patched; A build)\n");
    printf("%-12s %10s | %-8s %10s %10s | %-8s %10s %10s | %-8s %10s %10s\n", "op", "C", "native", "patched", "A",
           "xen", "patched", "A", "counting", "patched", "A");
    unsigned tot[7][2] = { { 0 } };
    for (size_t k = 0; k < pvp_site_count(c.sites_size); k++) {   /* (blocks have no site here) */
        pvp_site s;
        unsigned bn, in;
        pvp_site_read(pvp_file_image(c.file), &pvp_arch_ia64, c.sites, k, &s, NULL);
        path_of(pvp_file_image(c.file), &s, &c.modes[0], &bn, &in);
        printf("%-12s %7u/%-2u", pvp_ia64_op_name(s.op), bn, in);
        tot[0][0] += bn, tot[0][1] += in;
        for (int m = 0; m < 3; m++) {
            unsigned pb, pi, ab, ai;
            pvp_site ps, as;
            pvp_site_read(pvp_file_image(p[m].file), &pvp_arch_ia64, p[m].sites, k, &ps, NULL);
            pvp_site_read(pvp_file_image(a[m].file), &pvp_arch_ia64, a[m].sites, k, &as, NULL);
            path_of(pvp_file_image(p[m].file), &ps, &p[m].modes[m], &pb, &pi);
            path_of(pvp_file_image(a[m].file), &as, &a[m].modes[m], &ab, &ai);
            printf(" | %8s %7u/%-2u %7u/%-2u", "", pb, pi, ab, ai);
            tot[1 + 2 * m][0] += pb, tot[1 + 2 * m][1] += pi, tot[2 + 2 * m][0] += ab, tot[2 + 2 * m][1] += ai;
        }
        printf("\n");
    }
    printf("%-12s %7u/%-2u", "total", tot[0][0], tot[0][1]);
    for (int m = 0; m < 3; m++)
        printf(" | %8s %7u/%-2u %7u/%-2u", "", tot[1 + 2 * m][0], tot[1 + 2 * m][1], tot[2 + 2 * m][0],
               tot[2 + 2 * m][1]);
    printf("\n");
    for (int m = 0; m < 3; m++)
        printf("%s: patched path %.2fx the A build's bundles, %.2fx fewer than C; indirect branches %u -> %u\n",
               modes[m], (double)tot[1 + 2 * m][0] / tot[2 + 2 * m][0], (double)tot[0][0] / tot[1 + 2 * m][0],
               tot[0][1], tot[1 + 2 * m][1]);
    cli_image_close(&c);
    for (int m = 0; m < 3; m++) {
        cli_image_close(&a[m]);
        cli_image_close(&p[m]);
    }
}

/* The IVT example: per handler (architected entry), bundles executed in pv
 * operations and indirect branches taken, each of its sites once: C-form
 * IVT, patched to each mode, and that mode's A instance. */
static const char *const entry_names[20] = {
    "vhpt_miss", "itlb_miss", "dtlb_miss", "alt_itlb", "alt_dtlb", "nested_dtlb", "ikey_miss",
    "dkey_miss", "dirty_bit", "iaccess_bit", "daccess_bit", "break", "ext_int",
};

static int entry_of(uint64_t off)
{
    return off < 0x5000 ? (int)(off / 0x400) : 20 + (int)((off - 0x5000) / 0x100);
}

/* Sum site paths per IVT entry, for sites inside [base, base + 0x8000). */
static void per_entry(cli_image *img, const pvp_mode *m, uint64_t base, unsigned sums[68][2], int live_only)
{
    const pvp_image *pi = pvp_file_image(img->file);
    for (size_t k = 0; k < pvp_site_count(img->sites_size); k++) {
        pvp_site s;
        uint64_t at;
        unsigned b, in;
        if (pvp_site_read(pi, &pvp_arch_ia64, img->sites, k, &s, NULL) || s.addr - base >= 0x8000)
            continue;
        if (live_only && !pvp_site_live(&s, img->set, img->count, &at))
            continue;
        path_of(pi, &s, m, &b, &in);
        sums[entry_of(s.addr - base)][0] += b;
        sums[entry_of(s.addr - base)][1] += in;
    }
}

static const pvp_mode *mode_named(cli_image *img, const char *name)
{
    for (size_t k = 0; k < img->nmodes; k++)
        if (strcmp(img->modes[k].name, name) == 0)
            return &img->modes[k];
    return &img->modes[0];
}

static uint64_t instance_copy(cli_image *img, const char *name)
{
    const pvp_instance *i = pvp_instance_find(img->set, img->count, name);
    return i ? i->copy : 0;
}

static void bench_ivt(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sh examples/ia64-ivt/build.sh %s/ivt >/dev/null", dir);
    sh(cmd);
    cli_image c, a, p[3];
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/ivt/kernel-c.elf", dir);
    if (cli_image_open(&c, path, err, sizeof err) || cli_image_open(&p[0], path, err, sizeof err) ||
        cli_image_open(&p[1], path, err, sizeof err) || cli_image_open(&p[2], path, err, sizeof err)) {
        fprintf(stderr, "bench_patch: %s\n", err);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/ivt/kernel-a.elf", dir);
    if (cli_image_open(&a, path, err, sizeof err)) {
        fprintf(stderr, "bench_patch: %s\n", err);
        exit(1);
    }
    uint64_t base = instance_copy(&c, "ivt_c");
    static unsigned sums[7][68][2];
    per_entry(&c, mode_named(&c, "native"), base, sums[0], 0);
    for (int m = 0; m < 3; m++) {
        /* As head code does: the IVT in place is installed (its fixups), then patched. */
        pvp_install_req ireq = { &pvp_arch_ia64, p[m].set, p[m].count,
                                 pvp_instance_for_mode(p[m].set, p[m].count, base, PVP_MODE_NATIVE), cli_image_vtop,
                                 &p[m], NULL, NULL, 0, NULL, 0 };
        pvp_error e;
        if (pvp_install(pvp_file_image(p[m].file), &ireq, NULL, &e)) {
            fprintf(stderr, "bench_patch: installing the IVT failed: %s\n", e.what);
            exit(1);
        }
        p[m].set[ireq.chosen].flags |= PVP_INSTANCE_F_INSTALLED;
        pvp_patch_req req = request(&p[m], modes[m], PVP_POLICY_BEST);
        if (pvp_patch(pvp_file_image(p[m].file), &req, NULL, &e)) {
            fprintf(stderr, "bench_patch: patching the IVT to %s failed: %s\n", modes[m], e.what);
            exit(1);
        }
        char inst[32];
        snprintf(inst, sizeof inst, "ivt_%s", modes[m]);
        per_entry(&p[m], mode_named(&p[m], modes[m]), base, sums[1 + 2 * m], 0);
        per_entry(&a, mode_named(&a, modes[m]), instance_copy(&a, inst), sums[2 + 2 * m], 0);
    }
    printf("\nIVT example: per handler, bundles executed in its pv operations / indirect branches (each site once)\n");
    printf("%-13s %8s | %-8s %9s %9s | %-8s %9s %9s | %-8s %9s %9s\n", "handler", "C", "native", "patched",
           "A", "xen", "patched", "A", "counting", "patched", "A");
    for (int e = 0; e < 68; e++) {
        if (!sums[0][e][0])
            continue;
        char name[24];
        if (e < 20 && entry_names[e])
            snprintf(name, sizeof name, "%s", entry_names[e]);
        else
            snprintf(name, sizeof name, "entry 0x%04x", e < 20 ? e * 0x400 : 0x5000 + (e - 20) * 0x100);
        printf("%-13s %5u/%-2u", name, sums[0][e][0], sums[0][e][1]);
        for (int m = 0; m < 3; m++)
            printf(" | %8s %6u/%-2u %6u/%-2u", "", sums[1 + 2 * m][e][0], sums[1 + 2 * m][e][1],
                   sums[2 + 2 * m][e][0], sums[2 + 2 * m][e][1]);
        printf("\n");
    }
    cli_image_close(&c);
    cli_image_close(&a);
    for (int m = 0; m < 3; m++)
        cli_image_close(&p[m]);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    build_modes();
    char *b = body(REPEAT);
    write_file("big.S", b);
    free(b);
    b = body(1);
    write_file("ops_c.S", b);
    for (int m = 0; m < 3; m++) {
        char name[32];
        snprintf(name, sizeof name, "ops_a_%s.S", modes[m]);
        write_file(name, b);
    }
    free(b);
    build("big", "C", "native");
    build("ops_c", "C", "native");
    for (int m = 0; m < 3; m++) {
        char name[32];
        snprintf(name, sizeof name, "ops_a_%s", modes[m]);
        build(name, "A", modes[m]);
    }
    /* PVP_BENCH_ONLY=scale (or rate, paths, ivt) runs one part, e.g. under a profiler. */
    const char *only = getenv("PVP_BENCH_ONLY");
    if (!only || strcmp(only, "rate") == 0)
        bench_rate();
    if (!only || strcmp(only, "scale") == 0)
        bench_scale();
    if (!only || strcmp(only, "paths") == 0)
        bench_paths();
    if (!only || strcmp(only, "ivt") == 0)
        bench_ivt();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
