/* Test support: kernels using every pv operation, in one form and mode. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binutils.h"
#include "kernel.h"
#include "pvkernel.h"
#include "work.h"
#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"

#define SHAPE(name, shape) #shape,
static const char *const shapes[] = { PVP_IA64_OPS(SHAPE) };

/* Everything but the body's text sits at fixed addresses; %s is where the
 * data is loaded (empty: where it is). */
static const char *const pv_lds_fmt =
    "ENTRY(_start)\n"
    "SECTIONS {\n"
    "  . = 0xa000000100000000;\n"
    "  .text : AT(0x4000000) { *(.text) *(.text.pvpatch.ool) }\n"
    "  .text.stubs 0xa000000100100000 : { *(.text.pvpatch.stubs) }\n"
    "  .pvpatch.text 0xa000000100200000 : { *(.pvpatch.text) }\n"
    "  .data 0xa000000100300000 : %s { *(.data) *(.data.pvpatch.ops) }\n"
    "  .pvpatch.sites 0xa000000100400000 : { KEEP(*(.pvpatch.sites)) }\n"
    "  .pvpatch.modes : ALIGN(8) { KEEP(*(.pvpatch.modes)) }\n"
    "  .pvpatch.tmpl : ALIGN(8) { KEEP(*(.pvpatch.tmpl)) }\n"
    "  .pvpatch.instances : ALIGN(8) { KEEP(*(.pvpatch.instances)) }\n"
    "  .pvpatch.fixups : ALIGN(8) { KEEP(*(.pvpatch.fixups)) }\n"
    "  /DISCARD/ : { *(.pvpatch.scratch) }\n"
    "}\n";

/* The layout, the data where it is or at a physical address of its own. */
static const char *pv_lds(int phys)
{
    static char lds[2][1200];
    if (!lds[phys][0])
        snprintf(lds[phys], sizeof lds[phys], pv_lds_fmt, phys ? "AT(" PV_DATA_PA_S ")" : "");
    return lds[phys];
}

const char *pv_lds_physical_data(void)
{
    return pv_lds(1);
}

size_t pv_every_op_count(void)
{
    size_t n = 0;
    for (unsigned op = 1; op <= PVP_OP_COUNT; op++)
        n += strcmp(shapes[op - 1], "K") != 0;
    return n;
}

char *pv_every_op_body(void)
{
    static const char *const args[][2] = {
        { "R", "r16, r0, r0" }, { "W", "r0, r17, r0" }, { "RW", "r16, r17, r0" },
        { "WW", "r0, r17, r18" }, { "N", "r0, r0, r0" },
    };
    char *body = NULL;
    size_t len = 0;
    for (unsigned op = 1; op <= PVP_OP_COUNT; op++)
        for (size_t k = 0; k < 5; k++)
            if (strcmp(shapes[op - 1], args[k][0]) == 0)
                add(&body, &len, "PVP_SITE(%s, p0, %s, r2, r3, r14, p6)\n", pvp_ia64_op_name(op), args[k][1]);
    return body;
}

/* Assemble the three mode objects with extra cpp flags into dir; their
 * paths, space-separated, into objs. */
static void build_mode_objects(const char *dir, const char *cppflags, char *objs, size_t size)
{
    const char *modes[] = { "native", "xen", "counting" };
    objs[0] = '\0';
    for (int m = 0; m < 3; m++) {
        char path[512], cmd[4096];
        snprintf(path, sizeof path, "%s/mode_%s.S", dir, modes[m]);
        FILE *f = fopen(path, "w");
        fprintf(f, "#define PVP_EMIT_MODE %s\n%s#include \"pvpatch/ia64/modes/%s.h\"\n"
                   "#include \"pvpatch/ia64/emit.h\"\n", modes[m], m == 0 ? "#define PVP_EMIT_LIVE\n" : "", modes[m]);
        fclose(f);
        snprintf(cmd, sizeof cmd, "gcc -E -P -x assembler-with-cpp -Iinclude %s %s -o %s.s && "
                 TAS_AS " -xexplicit %s.s -o %s.o 2>&1", cppflags ? cppflags : "", path, path, path, path);
        int st;
        char *out = tas_run(cmd, &st);
        cr_assert(st == 0 && !*out, "building mode %s:\n%s", modes[m], out);
        free(out);
        snprintf(objs + strlen(objs), size - strlen(objs), " %s.o", path);
    }
}

const char *pv_mode_objects(void)
{
    static char objs[1024];
    if (!objs[0])
        build_mode_objects(tas_tmpdir(), NULL, objs, sizeof objs);
    return objs;
}

const char *pv_mode_objects_with(const char *cppflags)
{
    static char objs[1024];
    static int seq;
    char dir[512], cmd[600];
    snprintf(dir, sizeof dir, "%s/modes%d", tas_tmpdir(), ++seq);
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    free(tas_run(cmd, NULL));
    build_mode_objects(dir, cppflags, objs, sizeof objs);
    return objs;
}

/* Write the test source of `body` and return its path. */
static void write_source(const char *body, const char *path)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "#include \"pvpatch/ia64/site.h\"\n#include \"pvpatch/ia64/modes/native.h\"\n"
               "#include \"pvpatch/ia64/modes/xen.h\"\n#include \"pvpatch/ia64/modes/counting.h\"\n"
               "\t.text\n\t.globl _start\n_start:\n%s\t{ .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }\n", body);
    fclose(f);
}

/* The shell command that preprocesses and assembles spath into spath.o;
 * GNU as's notes on dependencies of the test bodies are filtered out. */
static void assemble_cmd(char *cmd, size_t size, const char *spath, const char *form, const char *mode,
                         const char *cppflags, int filter)
{
    snprintf(cmd, size,
             "gcc -E -P -x assembler-with-cpp -Iinclude -DPVP_FORM=PVP_FORM_%s -DPVP_BUILD_MODE=%s %s %s -o %s.s && "
             TAS_AS " -xexplicit %s.s -o %s.o 2>&1 %s",
             form, mode, cppflags ? cppflags : "", spath, spath, spath, spath,
             filter ? "| grep -v 'violate.* dependency\\|first path\\|conflicting usage"
                      "\\|Info: macro\\|Assembler messages' ; " : "");
}

int pv_assemble(const char *body, const char *form, const char *mode, const char *cppflags, char **messages)
{
    static int seq;
    char spath[512], cmd[4096];
    snprintf(spath, sizeof spath, "%s/pva%d.S", tas_tmpdir(), ++seq);
    write_source(body, spath);
    assemble_cmd(cmd, sizeof cmd, spath, form, mode, cppflags, 0);
    int st;
    *messages = tas_run(cmd, &st);
    return st;
}

void pv_build_with(const char *body, const char *form, const char *mode, const char *lds, const char *cppflags,
                   const char *objs, cli_image *img)
{
    static int seq;
    char spath[512], lpath[512], epath[512], cmd[8192];
    const char *dir = tas_tmpdir();
    objs = objs ? objs : pv_mode_objects();
    seq++;
    snprintf(spath, sizeof spath, "%s/pv%d.S", dir, seq);
    snprintf(lpath, sizeof lpath, "%s/pv%d.lds", dir, seq);
    snprintf(epath, sizeof epath, "%s/pv%d.elf", dir, seq);
    write_source(body, spath);
    FILE *f = fopen(lpath, "w");
    fputs(lds ? lds : pv_lds(0), f);
    fclose(f);
    assemble_cmd(cmd, sizeof cmd, spath, form, mode, cppflags, 1);
    snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd),
             TAS_LD " --no-warn-rwx-segments -T %s %s.o %s -o %s 2>&1", lpath, spath, objs, epath);
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert(st == 0 && !*out, "building the %s-form %s kernel failed:\n%s", form, mode, out);
    free(out);
    char err[PVP_ERR_SIZE];
    cr_assert(cli_image_open(img, epath, err, sizeof err) == 0, "%s", err);
}

void pv_build(const char *body, const char *form, const char *mode, cli_image *img)
{
    pv_build_with(body, form, mode, NULL, NULL, NULL, img);
}

/* objdump's (p07) is gas's (p7). */
static void put_insn(char *src, const char *in)
{
    if (in[0] == '(' && in[2] == '0')
        sprintf(src + strlen(src), "(p%s", in + 3);
    else
        strcat(src, in);
}

/* A branch with an IP-relative target: its text up to the target, then a
 * label instead of the address. */
static int put_branch(char *src, const char *in, uint64_t end)
{
    uint64_t target;
    const char *sp = strrchr(in, ' '), *mn = in[0] == '(' ? strchr(in, ')') + 1 : in;
    while (*mn == ' ')
        mn++;
    if (!sp || strncmp(mn, "br", 2) != 0 || mn[2] != '.' || tas_insn_target(in, 0, &target) != 0)
        return 0;
    char head[160];
    snprintf(head, sizeof head, "%.*s", (int)(sp - in), in);
    put_insn(src, head);
    sprintf(src + strlen(src), " %s%s\n", target == end ? ".Lregion_end" : "pv_outside_target",
            strstr(sp, ";;") ? ";;" : "");
    return 1;
}

char *pv_reassemble(const uint8_t *code, uint64_t addr, size_t len)
{
    tas_bundle b[16];
    int n = tas_objdump_mem(code, len, addr, b, 16);
    cr_assert(n == (int)(len / 16), "objdump printed %d bundles for %zu", n, len / 16);
    char *src = calloc(1, 16 * 4 * 200), path[512], cmd[1200];
    strcat(src, "\t.text\n");
    for (int i = 0; i < n; i++) {
        char tmpl[8] = ".";
        for (int c = 0; b[i].tmpl[c] && c < 6; c++)
            tmpl[c + 1] = (char)(b[i].tmpl[c] >= 'A' && b[i].tmpl[c] <= 'Z' ? b[i].tmpl[c] + 32 : b[i].tmpl[c]);
        sprintf(src + strlen(src), "{ %s\n", tmpl);
        for (int k = 0; k < b[i].nslots; k++) {
            if (put_branch(src, b[i].insn[k], addr + len))
                continue;
            put_insn(src, b[i].insn[k]);
            strcat(src, "\n");
        }
        strcat(src, "}\n");
    }
    strcat(src, ".Lregion_end:\n");
    int st;
    cr_assert(tas_write_file("reasm.s", src, strlen(src), path, sizeof path) == 0);
    snprintf(cmd, sizeof cmd, TAS_AS " -xexplicit %s -o %s.o 2>&1", path, path);
    char *out = tas_run(cmd, &st);
    if (st != 0 || *out) {
        size_t need = strlen(out) + strlen(src) + 64;
        char *both = malloc(need);
        snprintf(both, need, "%s(status %d) on:\n%s", out, st, src);
        free(out);
        out = both;
    }
    free(src);
    return out;
}

char *pv_objdump_text(const uint8_t *code, uint64_t addr, size_t len)
{
    tas_bundle b[16];
    int n = tas_objdump_mem(code, len, addr, b, 16);
    cr_assert(n == (int)(len / 16), "objdump printed %d bundles for %zu", n, len / 16);
    char *text = calloc(1, 16 * 3 * 170);
    for (int i = 0; i < n; i++)
        for (int s = 0; s < b[i].nslots; s++) {
            strcat(text, b[i].insn[s]);
            strcat(text, "\n");
        }
    return text;
}

uint8_t *pv_snapshot(const cli_image *img, size_t *size)
{
    const pvp_image *pi = pvp_file_image(img->file);
    size_t total = 0;
    for (size_t r = 0; r < pi->nranges; r++)
        total += pi->ranges[r].size;
    uint8_t *snap = malloc(total ? total : 1), *p = snap;
    for (size_t r = 0; r < pi->nranges; r++, p += pi->ranges[r - 1].size)
        memcpy(p, pi->ranges[r].bytes, pi->ranges[r].size);
    *size = total;
    return snap;
}

int pv_unchanged(const cli_image *img, const uint8_t *snap, size_t size)
{
    size_t now_size;
    uint8_t *now = pv_snapshot(img, &now_size);
    int same = now_size == size && memcmp(now, snap, size) == 0;
    free(now);
    return same;
}

pvp_patch_req pv_request(cli_image *img, const char *mode, int policy, pvp_site_result *res, size_t max)
{
    uint32_t id = 0;
    for (size_t k = 0; k < img->nmodes; k++)
        if (strcmp(img->modes[k].name, mode) == 0)
            id = img->modes[k].id;
    cr_assert(id, "no mode %s in the image", mode);
    size_t wsize;
    void *work = test_work(img->sites_size, &wsize);
    return (pvp_patch_req){ &pvp_arch_ia64, img->set, img->count, img->sites, img->sites_size, img->modes,
                            img->nmodes, id, policy, res, max, NULL, NULL, work, wsize,
                            test_cache(pvp_arch_ia64.site_cache_size), pvp_arch_ia64.site_cache_size, cli_image_vtop,
                            img };
}

char *pv_insns(const uint8_t *code, uint64_t addr, size_t len, uint64_t back)
{
    tas_bundle b[16];
    int nb = tas_objdump_mem(code, len, addr, b, 16);
    char *text = calloc(1, 16 * 3 * 170);
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < b[i].nslots; j++) {
            const char *in = b[i].insn[j];
            uint64_t t;
            if (strncmp(in, "nop.", 4) == 0 || (back && strstr(in, "br") && tas_insn_target(in, 0, &t) == 0 && t == back)) {
                size_t n = strlen(text);
                /* a stop after a nop ends the instruction before it */
                if (strstr(in, ";;") && n > 1 && !(n > 3 && strncmp(text + n - 3, ";;\n", 3) == 0))
                    strcpy(text + n - 1, ";;\n");
                continue;
            }
            strcat(strcat(text, in), "\n");
        }
    return text;
}

int pv_branches_back(const uint8_t *code, uint64_t addr, size_t len, uint64_t to)
{
    tas_bundle b[16];
    int nb = tas_objdump_mem(code, len, addr, b, 16);
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < b[i].nslots; j++) {
            uint64_t t;
            if (b[i].insn[j][0] != '(' && strstr(b[i].insn[j], "br") && tas_insn_target(b[i].insn[j], 0, &t) == 0 &&
                t == to)
                return 1;
        }
    return 0;
}

char *pv_site_a_code(const cli_image *img, size_t k, const pvp_site_result *res, const cli_image *want)
{
    pvp_site a, b;
    const pvp_image *pi = pvp_file_image(img->file), *pw = pvp_file_image(want->file);
    cr_assert_eq(pvp_site_read(pi, &pvp_arch_ia64, img->sites, k, &a, NULL), PVP_OK);
    cr_assert_eq(pvp_site_read(pw, &pvp_arch_ia64, want->sites, k, &b, NULL), PVP_OK);
    char *have, *expect = pv_insns(pvp_image_at(pw, b.addr, b.end - b.addr), b.addr, b.end - b.addr, 0);
    const char *why = NULL;
    if (res->to_form == PVP_FORM_A)
        have = pv_insns(pvp_image_at(pi, a.addr, a.end - a.addr), a.addr, a.end - a.addr, 0);
    else if (a.ool && res->to_form == PVP_FORM_B) {
        have = pv_insns(pvp_image_at(pi, a.ool, a.ool_end - a.ool), a.ool, a.ool_end - a.ool, a.end);
        if (!pv_branches_back(pvp_image_at(pi, a.ool, a.ool_end - a.ool), a.ool, a.ool_end - a.ool, a.end))
            why = "its out-of-line code does not branch back to the site's end";
    } else {
        have = calloc(1, 1);
        why = "a call, not the mode's code";
    }
    char *out = NULL;
    if (!why && strcmp(have, expect) != 0)
        why = "not the A build's instructions";
    if (why) {
        size_t need = strlen(why) + strlen(have) + strlen(expect) + 32;
        out = malloc(need);
        snprintf(out, need, "%s:\n%s---\n%s", why, have, expect);
    }
    free(have);
    free(expect);
    return out;
}
