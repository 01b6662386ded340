/* The pvpatch command, driven as a program: disasm against GNU objdump on
 * objects, executables and raw blobs; every bad input gives exit 2 and one line. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvpatch/ia64.h"
#include "support/binutils.h"
#include "support/json.h"

/* Code covering every template, IP-relative form, movl, brl and sensitive classes. */
static const char mix_src[] =
    "	.text\n"
    "	.global handler\n"
    "	.proc handler\n"
    "handler:\n"
    "{ .mii\n nop.m 0\n mov r2=ip ;;\n nop.i 0\n}\n"
    "{ .mib\n nop.m 0\n nop.i 0\n br.cond.sptk.many 2f ;;\n}\n"
    "{ .mlx\n nop.m 0\n movl r16=0xa000000100001234 ;;\n}\n"
    "{ .mmi\n mov r17=cr.ifa\n mov r18=cr.ipsr\n nop.i 0 ;;\n}\n"
    "1:\n"
    "{ .mlx\n nop.m 0\n brl.cond.sptk.many 3f ;;\n}\n"
    "{ .mib\n nop.m 0\n nop.i 0\n brp.sptk 1b, 2f\n}\n"
    "2:\n"
    "{ .mib\n nop.m 0\n chk.s.i r5, 1b\n br.call.sptk.many b0=1b ;;\n}\n"
    "{ .mmi\n chk.s.m r6, 2b\n chk.a.nc r7, 2b\n nop.i 0\n}\n"
    "{ .mmi\n itc.d r24 ;;\n nop.m 0\n nop.i 0 ;;\n}\n"
    "{ .mbb\n nop.m 0\n br.ret.sptk.many b0\n br.cloop.sptk.few 1b ;;\n}\n"
    "{ .bbb\n nop.b 0\n br.cond.dpnt.few 1b\n nop.b 0 ;;\n}\n"
    "{ .mfb\n rsm psr.i\n nop.f 0\n br.cond.sptk.many 1b\n}\n"
    "{ .mmf\n ssm psr.ic\n thash r9=r10\n nop.f 0 ;;\n}\n"
    "{ .mfi\n nop.m 0\n fchkf.s0 1b\n nop.i 0\n}\n"
    "{ .mmb\n nop.m 0\n nop.m 0\n br.cond.sptk.many handler\n}\n"
    "3:\n"
    "{ .mii\n nop.m 0\n nop.i 0\n nop.i 0 ;;\n}\n"
    "	.endp handler\n";

#define MAX_BUNDLES 256
#define TEXT_BASE 0xa000000100000000ull

/* ---- Running the program -------------------------------------------------- */

typedef struct run_result {
    int status;
    char *out;      /* stdout */
    char *err;      /* stderr */
} run_result;

static const char *pvpatch(void)
{
    const char *p = getenv("PVPATCH");
    p = p && *p ? p : "build/pvpatch";
    cr_assert(access(p, X_OK) == 0, "%s is not built (make build/pvpatch, or set PVPATCH)", p);
    return p;
}

/* A whole file, NUL-terminated; its size in *size if size is not NULL. */
static char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot read %s", path);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, mem);
    fclose(mem);
    fclose(f);
    if (size)
        *size = len;
    return buf;
}

/* Run `pvpatch ARGS` (ARGS already shell-quoted as needed). */
static run_result run(const char *fmt, ...)
{
    char args[2048], cmd[4096], errpath[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", tas_tmpdir());
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", pvpatch(), args, errpath);
    run_result r;
    r.out = tas_run(cmd, &r.status);
    cr_assert(r.out, "cannot run %s", cmd);
    r.err = read_file(errpath, NULL);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

static void assemble_mix(tas_object *obj)
{
    char err[4096];
    cr_assert(tas_assemble(mix_src, NULL, obj, err, sizeof err) == 0, "as failed: %s", err);
}

/* ---- Comparing --json with objdump ---------------------------------------- */

static uint64_t hex_member(const tj_value *obj, const char *key)
{
    const char *s = tj_str(obj, key);
    cr_assert(s && strncmp(s, "0x", 2) == 0, "\"%s\" is not a 0x string", key);
    return strtoull(s, NULL, 16);
}

static void template_units(unsigned t, char name[4])
{
    const pvp_ia64_template *info = pvp_ia64_template_info(t);
    cr_assert(info && !info->reserved, "template %u", t);
    for (int i = 0; i < 3; i++)
        name[i] = pvp_ia64_unit_name(info->units[i])[0];
    name[3] = '\0';
}

/* The value after '=' in objdump's "movl r16=0x...". */
static uint64_t objdump_movl_imm(const char *insn)
{
    const char *eq = strchr(insn, '=');
    cr_assert(eq, "no movl immediate in '%s'", insn);
    return strtoull(eq + 1, NULL, 16);
}

static void compare_slot(const tj_value *slot, const tas_bundle *ob, int i)
{
    const char *insn = ob->insn[i];
    const tj_value *stop = tj_get(slot, "stop");
    cr_assert(stop && stop->type == TJ_BOOL);
    cr_expect_eq(stop->boolean, tas_insn_has_stop(insn) != 0, "stop at 0x%llx slot %d: '%s'",
                 (unsigned long long)ob->addr, i, insn);
    uint64_t want;
    if (tj_get(slot, "target")) {
        cr_assert(tas_insn_target(insn, 0, &want) == 0, "objdump shows no target in '%s'", insn);
        cr_expect_eq(hex_member(slot, "target"), want, "target at 0x%llx: '%s' vs %s",
                     (unsigned long long)ob->addr, insn, tj_str(slot, "insn"));
    }
    if (tj_get(slot, "tag")) {
        cr_assert(tas_insn_target(insn, 1, &want) == 0, "objdump shows no tag in '%s'", insn);
        cr_expect_eq(hex_member(slot, "tag"), want, "tag in '%s'", insn);
    }
    if (tj_get(slot, "imm64"))
        cr_expect_eq(hex_member(slot, "imm64"), objdump_movl_imm(insn), "movl in '%s'", insn);
    const tj_value *sens = tj_get(slot, "sensitive");
    cr_assert(sens && sens->type == TJ_BOOL, "slot without \"sensitive\"");
}

/* Check pvpatch's JSON against objdump's bundles; returns how many targets matched. */
static int compare_with_objdump(const char *json, const tas_bundle *ob, int nob,
                                const char *section)
{
    tj_value *root = tj_parse(json);
    cr_assert(root, "not JSON:\n%s", json);
    const tj_value *bundles = tj_get(root, "bundles");
    cr_assert(bundles && bundles->type == TJ_ARRAY);
    cr_assert_eq((int)bundles->n, nob, "pvpatch shows %zu bundles, objdump %d", bundles->n, nob);
    int targets = 0;
    for (int b = 0; b < nob; b++) {
        const tj_value *jb = tj_at(bundles, (size_t)b);
        cr_expect_eq(hex_member(jb, "addr"), ob[b].addr);
        const tj_value *t = tj_get(jb, "template");
        cr_assert(t && t->type == TJ_NUMBER);
        char units[4];
        template_units((unsigned)t->number, units);
        cr_expect_str_eq(units, ob[b].tmpl, "template at 0x%llx", (unsigned long long)ob[b].addr);
        if (section)
            cr_expect_str_eq(tj_str(jb, "section"), section);
        else
            cr_expect_null(tj_get(jb, "section"), "raw blobs have no \"section\"");
        const tj_value *slots = tj_get(jb, "slots");
        cr_assert(slots && slots->type == TJ_ARRAY);
        cr_assert_eq((int)slots->n, ob[b].nslots, "slots at 0x%llx", (unsigned long long)ob[b].addr);
        for (int i = 0; i < ob[b].nslots; i++) {
            const tj_value *slot = tj_at(slots, (size_t)i);
            compare_slot(slot, &ob[b], i);
            targets += tj_get(slot, "target") != NULL;
        }
    }
    tj_free(root);
    return targets;
}

/* Mix: brcond, brl, brp, chk.s.i, br.call, chk.s.m, chk.a, br.cloop, br.cond x3, fchkf, br. */
#define MIX_TARGETS 12

Test(cli, json_matches_objdump_on_object)
{
    tas_object obj;
    assemble_mix(&obj);
    static tas_bundle ob[MAX_BUNDLES];
    int n = tas_objdump_bundles(obj.path, NULL, ob, MAX_BUNDLES);
    cr_assert_gt(n, 10);
    run_result r = run("disasm --json '%s'", obj.path);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_empty(r.err);
    cr_expect_eq(compare_with_objdump(r.out, ob, n, ".text"), MIX_TARGETS);
    run_free(&r);
    tas_free(&obj);
}

static void link_executable(const char *obj, char *exe, size_t exesz)
{
    snprintf(exe, exesz, "%s/mix.exe", tas_tmpdir());
    char cmd[2048];
    snprintf(cmd, sizeof cmd, TAS_LD " -Ttext=0x%llx -e 0 -o '%s' '%s' 2>&1",
             (unsigned long long)TEXT_BASE, exe, obj);
    int st;
    char *msg = tas_run(cmd, &st);
    cr_assert_eq(st, 0, "ld failed: %s", msg);
    free(msg);
}

Test(cli, json_matches_objdump_on_executable)
{
    tas_object obj;
    assemble_mix(&obj);
    char exe[600];
    link_executable(obj.path, exe, sizeof exe);
    static tas_bundle ob[MAX_BUNDLES];
    int n = tas_objdump_bundles(exe, NULL, ob, MAX_BUNDLES);
    cr_assert_gt(n, 10);
    cr_assert_eq(ob[0].addr, TEXT_BASE);
    run_result r = run("disasm --json '%s'", exe);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_eq(compare_with_objdump(r.out, ob, n, ".text"), MIX_TARGETS);
    run_free(&r);
    tas_free(&obj);
}

Test(cli, base_on_raw_blob_matches_objdump)
{
    tas_object obj;
    assemble_mix(&obj);
    char raw[600];
    cr_assert(tas_write_file("mix.bin", obj.bytes, obj.size, raw, sizeof raw) == 0);
    static tas_bundle ob[MAX_BUNDLES];
    uint64_t bases[] = { 0, TEXT_BASE, 0xfffffffffff00000ull };
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        int n = tas_objdump_raw(raw, bases[i], ob, MAX_BUNDLES);
        cr_assert_eq(n, (int)(obj.size / 16));
        run_result r = i ? run("disasm --json --base 0x%llx '%s'", (unsigned long long)bases[i], raw)
                         : run("disasm --json '%s'", raw);
        cr_assert_eq(r.status, 0, "stderr: %s", r.err);
        cr_expect_eq(compare_with_objdump(r.out, ob, n, NULL), MIX_TARGETS);
        run_free(&r);
    }
    tas_free(&obj);
}

Test(cli, json_marks_sensitive_movl_and_mlx_as_two_slots)
{
    tas_object obj;
    assemble_mix(&obj);
    run_result r = run("disasm --json '%s'", obj.path);
    tj_value *root = tj_parse(r.out);
    cr_assert(root);
    const tj_value *bundles = tj_get(root, "bundles");
    const tj_value *mlx = tj_at(bundles, 2), *mmi = tj_at(bundles, 3);
    cr_expect_eq(tj_get(mlx, "template")->number, 5);
    const tj_value *x = tj_at(tj_get(mlx, "slots"), 1);
    cr_expect_str_eq(tj_str(x, "unit"), "X");
    cr_expect_str_eq(tj_str(x, "imm64"), "0xa000000100001234");
    cr_expect_null(tj_at(tj_get(mlx, "slots"), 2));
    const tj_value *ifa = tj_at(tj_get(mmi, "slots"), 0);
    cr_expect_str_eq(tj_str(ifa, "insn"), "mov r17=cr.ifa");
    cr_expect(tj_get(ifa, "sensitive")->boolean);
    cr_expect_str_eq(tj_str(ifa, "class"), "mov from cr");
    const tj_value *nop = tj_at(tj_get(mmi, "slots"), 2);
    cr_expect_not(tj_get(nop, "sensitive")->boolean);
    cr_expect_null(tj_get(nop, "class"));
    const tj_value *ip = tj_at(tj_get(tj_at(bundles, 0), "slots"), 1);
    cr_expect(tj_get(ip, "reads_ip") && tj_get(ip, "reads_ip")->boolean);
    tj_free(root);
    run_free(&r);
    tas_free(&obj);
}

Test(cli, text_mode_is_readable)
{
    tas_object obj;
    assemble_mix(&obj);
    char exe[600];
    link_executable(obj.path, exe, sizeof exe);
    run_result r = run("disasm '%s'", exe);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    const char *want[] = {
        "section .text:\n", "handler:\n",
        "a000000100000000  [MII]  nop.m 0x0\n",
        "mov r2=ip ;;",
        "a000000100000010  [MIB]  nop.m 0x0\n",
        "br.many 0xa000000100000060 <handler+0x60> ;;\n",
        "movl r16=0xa000000100001234 ;;\n",
        "mov r17=cr.ifa", "<sensitive: mov from cr>\n",
        "<sensitive: itc.d>\n",
        "brl.many 0xa0000001000000f0 <handler+0xf0> ;;\n",
        "brp.sptk 0xa000000100000040,0xa000000100000060",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(r.out, want[i]), "text lacks '%s':\n%s", want[i], r.out);
    /* One line per slot: 3 per bundle, 2 per MLX bundle. */
    int lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    cr_expect_eq(lines, 2 + 16 * 3 - 2, "lines:\n%s", r.out);
    run_free(&r);
    tas_free(&obj);
}

Test(cli, output_file_equals_stdout)
{
    tas_object obj;
    assemble_mix(&obj);
    char out[600];
    snprintf(out, sizeof out, "%s/dis.json", tas_tmpdir());
    run_result a = run("disasm --json '%s'", obj.path);
    run_result b = run("disasm --json -o '%s' '%s'", out, obj.path);
    cr_assert_eq(b.status, 0, "stderr: %s", b.err);
    cr_expect_str_empty(b.out);
    char *written = read_file(out, NULL);
    cr_expect_str_eq(written, a.out);
    free(written);
    run_free(&a);
    run_free(&b);
    tas_free(&obj);
}

Test(cli, section_option_picks_one)
{
    static const char src[] =
        "	.text\n{ .mii\n nop.m 0\n nop.i 0\n nop.i 0 ;;\n}\n"
        "	.section .text.two,\"ax\"\n{ .mib\n nop.m 0\n nop.i 0\n br.cond.sptk.many 1f ;;\n}\n"
        "1:\n{ .mib\n nop.m 0\n nop.i 0\n nop.b 0 ;;\n}\n";
    tas_object obj;
    char err[4096];
    cr_assert(tas_assemble(src, NULL, &obj, err, sizeof err) == 0, "%s", err);
    run_result all = run("disasm --json '%s'", obj.path);
    cr_assert_eq(all.status, 0, "%s", all.err);
    tj_value *root = tj_parse(all.out);
    cr_assert(root);
    cr_expect_eq(tj_get(root, "bundles")->n, 3);
    cr_expect_str_eq(tj_str(tj_at(tj_get(root, "bundles"), 0), "section"), ".text");
    cr_expect_str_eq(tj_str(tj_at(tj_get(root, "bundles"), 2), "section"), ".text.two");
    tj_free(root);
    run_result one = run("disasm --json --section .text.two --base 0x1000 '%s'", obj.path);
    cr_assert_eq(one.status, 0, "%s", one.err);
    root = tj_parse(one.out);
    cr_assert(root);
    const tj_value *b0 = tj_at(tj_get(root, "bundles"), 0);
    cr_expect_eq(tj_get(root, "bundles")->n, 2);
    cr_expect_str_eq(tj_str(b0, "addr"), "0x1000");
    cr_expect_str_eq(tj_str(tj_at(tj_get(b0, "slots"), 2), "target"), "0x1010");
    tj_free(root);
    run_result base_many = run("disasm --base 0x1000 '%s'", obj.path);
    cr_expect_eq(base_many.status, 2, "--base over several sections is a usage error");
    run_free(&base_many);
    run_free(&all);
    run_free(&one);
    tas_free(&obj);
}

/* ---- Bad input: exit 2, one line naming the file and the problem ---------- */

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Run disasm with -o and check: exit 2, nothing on stdout, no output file, and
 * exactly one stderr line holding the file name and every needle. */
static void expect_bad_input(const char *file, const char *extra, const char *needle1,
                             const char *needle2)
{
    char out[600];
    snprintf(out, sizeof out, "%s/should-not-exist.txt", tas_tmpdir());
    unlink(out);
    const char *modes[] = { "", "--json " };
    for (int m = 0; m < 2; m++) {
        run_result r = run("disasm %s%s -o '%s' '%s'", modes[m], extra ? extra : "", out, file);
        cr_expect_eq(r.status, 2, "%s: exit %d, stderr '%s'", file, r.status, r.err);
        cr_expect_str_empty(r.out);
        cr_expect_eq(count_lines(r.err), 1, "%s: stderr is not one line: '%s'", file, r.err);
        cr_expect(strstr(r.err, file), "'%s' does not name %s", r.err, file);
        cr_expect(strstr(r.err, needle1), "'%s' lacks '%s'", r.err, needle1);
        if (needle2)
            cr_expect(strstr(r.err, needle2), "'%s' lacks '%s'", r.err, needle2);
        cr_expect_neq(access(out, F_OK), 0, "%s: an output file was left behind", file);
        cr_expect_null(strstr(r.err, "Sanitizer"), "%s", r.err);
        run_free(&r);
        /* And without -o, stdout stays empty. */
        r = run("disasm %s%s '%s'", modes[m], extra ? extra : "", file);
        cr_expect_eq(r.status, 2);
        cr_expect_str_empty(r.out);
        run_free(&r);
    }
}

/* Write bytes to a test file and return its path. */
static const char *put_file(const char *name, const void *bytes, size_t size)
{
    static char paths[16][600];
    static int next;
    char *path = paths[next++ % 16];
    cr_assert(tas_write_file(name, bytes, size, path, 600) == 0);
    return path;
}

/* The assembled mix as a whole ELF file, to be corrupted. */
static uint8_t *mix_file(size_t *size, tas_object *obj)
{
    assemble_mix(obj);
    return (uint8_t *)read_file(obj->path, size);
}

Test(cli, bad_input_empty_and_truncated)
{
    tas_object obj;
    size_t size;
    uint8_t *elf = mix_file(&size, &obj);
    expect_bad_input(put_file("empty.bin", "", 0), NULL, "empty file", NULL);
    expect_bad_input(put_file("short.bin", obj.bytes, 15), NULL, "offset 0x0:", "multiple of 16");
    expect_bad_input(put_file("odd.bin", obj.bytes, 40), NULL, "offset 0x20:", "multiple of 16");
    expect_bad_input(put_file("elfhead.o", elf, 40), NULL, "offset 0x28:", "truncated ELF header");
    expect_bad_input(put_file("elfmagic.o", elf, 4), NULL, "offset 0x4:", "truncated ELF header");
    expect_bad_input(put_file("elfbody.o", elf, size / 2), NULL, "offset 0x",
                     "past the end of the file");
    free(elf);
    tas_free(&obj);
}

Test(cli, bad_input_wrong_elf)
{
    tas_object obj;
    size_t size;
    uint8_t *elf = mix_file(&size, &obj);
    uint8_t *bad = malloc(size);
    memcpy(bad, elf, size);
    bad[18] = 3;                                    /* EM_386 */
    expect_bad_input(put_file("i386.o", bad, size), NULL, "offset 0x12:", "neither IA-64 (50) nor x86-64 (62)");
    memcpy(bad, elf, size);
    bad[4] = 1;                                     /* ELFCLASS32 */
    expect_bad_input(put_file("class32.o", bad, size), NULL, "offset 0x4:", "64-bit");
    memcpy(bad, elf, size);
    bad[5] = 2;                                     /* ELFDATA2MSB */
    expect_bad_input(put_file("big.o", bad, size), NULL, "offset 0x5:", "little-endian");
    free(bad);
    free(elf);
    tas_free(&obj);
}

Test(cli, bad_input_sections)
{
    static const char src[] = "	.text\n{ .mii\n nop.m 0\n nop.i 0\n nop.i 0 ;;\n}\n"
                              "	.section .odd,\"ax\"\n	data1 1,2,3\n"
                              "	.bss\n	.skip 32\n";
    tas_object obj;
    char err[4096];
    cr_assert(tas_assemble(src, NULL, &obj, err, sizeof err) == 0, "%s", err);
    expect_bad_input(obj.path, NULL, "offset 0x", "section .odd: length 0x3 is not a multiple of 16");
    expect_bad_input(obj.path, "--section .nope ", "no section named .nope", NULL);
    expect_bad_input(obj.path, "--section .bss ", "section .bss has no contents", NULL);
    tas_free(&obj);
}

Test(cli, bad_input_reserved_template)
{
    tas_object obj;
    size_t size;
    uint8_t *elf = mix_file(&size, &obj);
    uint8_t *code = malloc(obj.size);
    memcpy(code, obj.bytes, obj.size);
    code[0x30] = (uint8_t)((code[0x30] & ~0x1f) | 0x1e);   /* reserved template mid-stream */
    expect_bad_input(put_file("reserved.bin", code, obj.size), NULL, "offset 0x30:",
                     "reserved template 0x1e");
    /* The same bundle inside the object's .text, at that section's file offset. */
    const uint8_t *text = memmem(elf, size, obj.bytes, obj.size);
    cr_assert(text);
    size_t at = (size_t)(text - elf) + 0x30;
    elf[at] = (uint8_t)((elf[at] & ~0x1f) | 0x07);
    char needle[64];
    snprintf(needle, sizeof needle, "offset 0x%zx:", at);
    expect_bad_input(put_file("reserved.o", elf, size), NULL, needle, "reserved template 0x07");
    free(code);
    free(elf);
    tas_free(&obj);
}

/* ---- Usage ---------------------------------------------------------------- */

Test(cli, usage_help_and_version)
{
    run_result r = run("--help");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "disasm"), "%s", r.out);
    run_free(&r);
    r = run("help disasm");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "--section NAME"), "%s", r.out);
    run_free(&r);
    r = run("disasm --help");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "usage: pvpatch disasm"), "%s", r.out);
    run_free(&r);
    r = run("--version");
    cr_expect_eq(r.status, 0);
    cr_expect(strncmp(r.out, "pvpatch ", 8) == 0, "%s", r.out);
    run_free(&r);
}

Test(cli, usage_errors_exit_2_with_one_line)
{
    const char *cases[] = {
        "", "frobnicate", "help frobnicate", "disasm", "disasm --frob x", "disasm a b",
        "disasm --base", "disasm --base zz x", "disasm --base 0x8 x", "disasm --json=1 x",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_result r = run("%s", cases[i]);
        cr_expect_eq(r.status, 2, "'pvpatch %s' exits %d", cases[i], r.status);
        if (i > 0)
            cr_expect_eq(count_lines(r.err), 1, "'pvpatch %s': '%s'", cases[i], r.err);
        run_free(&r);
    }
}

Test(cli, elf_without_code_is_not_bad_input)
{
    tas_object obj;
    char err[4096];
    cr_assert(tas_assemble("	.data\n	data8 1\n", ".data", &obj, err, sizeof err) == 0, "%s", err);
    run_result r = run("disasm --json '%s'", obj.path);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "{\"bundles\":[]}\n");
    run_free(&r);
    r = run("disasm --json --section .data '%s'", obj.path);
    cr_expect_eq(r.status, 2, "8 bytes of .data are not whole bundles");
    cr_expect(strstr(r.err, "section .data: length 0x8"), "%s", r.err);
    run_free(&r);
    tas_free(&obj);
}
