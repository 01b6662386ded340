/* The pvpatch command on x86-64 ELF files: programs built here with cc and
 * ld are patched and installed offline, then run (the CPU is the oracle:
 * they must print what plain C computes); check finds what it should;
 * disasm decodes every instruction where GNU objdump does, with the same
 * length and the same branch targets. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support/binutils.h"
#include "support/x86_code.h"

static const char *pvpatch(void)
{
    const char *p = getenv("PVPATCH");
    return p ? p : "build/pvpatch";
}

/* How many times needle occurs in s. */
static size_t count_of(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(x86_tmp(name), "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

/* ---- pv operation sites in a PIE ------------------------------------------------ */

/* Three operations; mode fast inlines two, counting counts every call (its
 * functions only), calls has plain functions. The program prints the results
 * and how many times counting's functions ran. */
static const char ops_c[] =
    "#include \"pvpatch/x86_64/emit.h\"\n"
    "unsigned long counted;\n"
    "static PVP_X86_OP_FN unsigned long f_mix(unsigned long a, unsigned long b) { return (a ^ b) * 0x9e37u; }\n"
    "static PVP_X86_OP_FN unsigned long f_min(unsigned long a, unsigned long b) { return a < b ? a : b; }\n"
    "static PVP_X86_OP_FN unsigned long f_inc(unsigned long a) { return a + 1; }\n"
    "static PVP_X86_OP_FN unsigned long c_mix(unsigned long a, unsigned long b) { counted++; return f_mix(a, b); }\n"
    "static PVP_X86_OP_FN unsigned long c_min(unsigned long a, unsigned long b) { counted++; return f_min(a, b); }\n"
    "static PVP_X86_OP_FN unsigned long c_inc(unsigned long a) { counted++; return a + 1; }\n"
    "#define FAST(FN, INLINE) FN(1, f_mix) INLINE(1, \"mov %rdi, %rax; xor %rsi, %rax; imul $0x9e37, %rax, %rax\") \\\n"
    "    FN(2, f_min) INLINE(2, \"mov %rdi, %rax; cmp %rsi, %rdi; jbe 1f; mov %rsi, %rax; 1:\") FN(3, f_inc)\n"
    "#define COUNTING(FN, INLINE) FN(1, c_mix) FN(2, c_min) FN(3, c_inc)\n"
    "#define CALLS(FN, INLINE) FN(1, f_mix) FN(2, f_min) FN(3, f_inc)\n"
    "PVP_X86_MODE(fast, 1, 4, FAST);\n"
    "PVP_X86_MODE(counting, 3, 4, COUNTING);\n"
    "PVP_X86_MODE(calls, 4, 4, CALLS);\n"
    "PVP_X86_LIVE_OPS(4, CALLS);\n";

static const char main_c[] =
    "#include <stdio.h>\n"
    "#include \"pvpatch/x86_64/site.h\"\n"
    "extern unsigned long counted;\n"
    "__attribute__((noinline)) unsigned long mix(unsigned long a, unsigned long b) { return PVP_CALL(1, a, b); }\n"
    "__attribute__((noinline)) unsigned long min(unsigned long a, unsigned long b) { return PVP_CALL(2, a, b); }\n"
    "__attribute__((noinline)) unsigned long inc(unsigned long a) { return PVP_CALL(3, a); }\n"
    "int main(void)\n"
    "{\n"
    "    unsigned long s = 0;\n"
    "    for (unsigned long i = 0; i < 100; i++)\n"
    "        s += mix(i, s) + min(i * 7, s & 255) + inc(s);\n"
    "    printf(\"sum %lu counted %lu\\n\", s, counted);\n"
    "    return 0;\n"
    "}\n";

/* The sum plain C computes, and the PIE's path. */
static unsigned long expected_sum(void)
{
    unsigned long s = 0;
    for (unsigned long i = 0; i < 100; i++) {
        unsigned long m = (i ^ s) * 0x9e37u, n = i * 7 < (s & 255) ? i * 7 : (s & 255);
        s += m + n + s + 1;
    }
    return s;
}

static const char *sites_pie(void)
{
    static char path[512];
    if (path[0])
        return path;
    write_file("ops.c", ops_c);
    write_file("main.c", main_c);
    const char *d = tas_tmpdir();
    x86_sh("cc -O2 -fpie -mno-red-zone -Iinclude -c %s/main.c -o %s/main.o", d, d);
    x86_sh("cc -O2 -fpie -Iinclude -c %s/ops.c -o %s/ops.o", d, d);
    snprintf(path, sizeof path, "%s/sites.pie", d);
    x86_sh("cc -pie %s/main.o %s/ops.o -Wl,-L,include/pvpatch/x86_64 -Wl,-T,pvpatch-insert.lds -o %s", d, d, path);
    return path;
}

/* Run a built program and read its sum and count. */
static void run_program(const char *path, unsigned long *sum, unsigned long *counted)
{
    int st;
    char *out = x86_run(&st, "%s", path);
    cr_assert_eq(st, 0, "%s: %s", path, out);
    cr_assert_eq(sscanf(out, "sum %lu counted %lu", sum, counted), 2, "%s", out);
    free(out);
}

Test(x86_cli, sites_lists_the_sites_of_a_pie)
{
    int st;
    char *out = x86_run(&st, "%s sites %s", pvpatch(), sites_pie());
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_eq(count_of(out, "form C, 16 bytes"), 3, "three sites as built:\n%s", out);
    cr_assert(strstr(out, "op 1") && strstr(out, "op 2") && strstr(out, "op 3"), "%s", out);
    free(out);
    out = x86_run(&st, "%s sites %s --json", pvpatch(), sites_pie());
    cr_assert(st == 0 && strstr(out, "\"bytes\":16") && strstr(out, "\"form\":\"C\""), "%s", out);
    free(out);
}

Test(x86_cli, patched_pies_compute_what_c_computes_in_every_form)
{
    unsigned long sum, counted;
    run_program(sites_pie(), &sum, &counted);
    cr_assert_eq(sum, expected_sum(), "as built");
    cr_assert_eq(counted, 0);
    static const struct {
        const char *mode, *policy;
        unsigned long counted;             /* counting's functions ran this often */
        const char *forms;
    } cases[] = {
        { "fast", "best", 0, "2 A, 1 B, 0 C" },
        { "counting", "best", 300, "0 A, 3 B, 0 C" },
        { "counting", "keep", 300, "0 A, 0 B, 3 C" },   /* the live table, at load through its relocations */
        { "calls", "direct", 0, "0 A, 3 B, 0 C" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char outpath[600];
        snprintf(outpath, sizeof outpath, "%s/patched-%zu", tas_tmpdir(), k);
        int st;
        char *out = x86_run(&st, "%s patch %s --mode %s --policy %s -o %s", pvpatch(), sites_pie(), cases[k].mode,
                        cases[k].policy, outpath);
        cr_assert_eq(st, 0, "%s", out);
        cr_assert(strstr(out, cases[k].forms), "%s %s: not %s:\n%s", cases[k].mode, cases[k].policy,
                  cases[k].forms, out);
        free(out);
        run_program(outpath, &sum, &counted);
        cr_assert_eq(sum, expected_sum(), "%s %s", cases[k].mode, cases[k].policy);
        cr_assert_eq(counted, cases[k].counted, "%s %s: counting ran %lu times", cases[k].mode,
                     cases[k].policy, counted);
        out = x86_run(&st, "%s check %s --mode %s", pvpatch(), outpath, cases[k].mode);
        cr_assert_eq(st, 0, "check --mode %s after patching to it:\n%s", cases[k].mode, out);
        free(out);
    }
}

Test(x86_cli, check_finds_sites_of_another_mode)
{
    char outpath[600];
    snprintf(outpath, sizeof outpath, "%s/fast", tas_tmpdir());
    int st;
    free(x86_run(&st, "%s patch %s --mode fast -o %s", pvpatch(), sites_pie(), outpath));
    cr_assert_eq(st, 0);
    char *out = x86_run(&st, "%s check %s --mode counting", pvpatch(), outpath);
    cr_assert_eq(st, 1, "%s", out);
    cr_assert_eq(count_of(out, "wrong-mode"), 3, "%s", out);
    cr_assert(strstr(out, "of mode fast, not counting"), "%s", out);
    free(out);
}

Test(x86_cli, bad_input_is_one_line_and_writes_nothing)
{
    char outpath[600];
    snprintf(outpath, sizeof outpath, "%s/never", tas_tmpdir());
    int st;
    char *out = x86_run(&st, "%s patch %s --mode nosuch -o %s", pvpatch(), sites_pie(), outpath);
    cr_assert_eq(st, 2, "%s", out);
    cr_assert_eq(count_of(out, "\n"), 1, "one line: %s", out);
    struct stat sb;
    cr_assert_neq(stat(outpath, &sb), 0, "nothing written");
    free(out);
    /* the object, unlinked: its records hold no addresses yet */
    out = x86_run(&st, "%s sites %s/main.o", pvpatch(), tas_tmpdir());
    cr_assert(st == 2 && strstr(out, "relocatable object"), "%s", out);
    free(out);
}

/* ---- An instance in a position-dependent executable --------------------------------- */

static const char inst_main_c[] =
    "#include <stdio.h>\n"
    "long hot(long, long);\n"
    "long counter = 0x5555, table;\n"
    "long helper(long x) { return 2 * x; }\n"
    "int main(void)\n"
    "{\n"
    "    printf(\"%ld %ld %ld %ld %ld %ld\\n\", hot(0, 0), hot(3, 21), hot(4, 0), hot(5, 7), hot(6, 9), hot(7, 9));\n"
    "    return 0;\n"
    "}\n";

/* The program with both instances: position-dependent (ET_EXEC, self and
 * vtop fixups as movabs) unless pie. */
static const char *instance_program(int pie)
{
    static char path[2][512];
    if (path[pie][0])
        return path[pie];
    write_file("inst.c", x86_instance_c);
    write_file("inst-main.c", inst_main_c);
    const char *d = tas_tmpdir(), *kind = pie ? "pie" : "exec";
    const char *flags = pie ? "-O2 -fpie -DPIE_ONLY -fno-jump-tables -fno-toplevel-reorder -Iinclude"
                            : "-O2 -fno-pie -fno-jump-tables -fno-toplevel-reorder -Iinclude";
    x86_sh("cc %s -c %s/inst.c -o %s/%s-native.o", flags, d, d, kind);
    x86_sh("cc %s -DMODE_XEN -c %s/inst.c -o %s/%s-xen.o", flags, d, d, kind);
    x86_sh("cc %s -c %s/inst-main.c -o %s/%s-main.o", flags, d, d, kind);
    snprintf(path[pie], sizeof path[pie], "%s/inst.%s", d, kind);
    x86_sh("cc %s %s/%s-main.o %s/%s-native.o %s/%s-xen.o -Wl,-L,include/pvpatch/x86_64 "
           "-Wl,-T,pvpatch-insert.lds -o %s", pie ? "-pie" : "-no-pie", d, kind, d, kind, d, kind, path[pie]);
    return path[pie];
}

/* What the program prints with VALUE in place: ops 0, 3, 4, 5, 6 (PIE: op 6 is the default), 7. */
static void expect_values(const char *out, long value, int pie)
{
    long v[6];
    cr_assert_eq(sscanf(out, "%ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]), 6, "%s", out);
    cr_assert_eq(v[0], value);
    cr_assert_eq(v[1], 42 + value, "helper(21) + VALUE");
    cr_assert_eq(v[2], 0x5555, "counter");
    cr_assert_eq(v[3], 7 + value, "inner through the ptr64-fixed pointer");
    cr_assert_eq(v[4], pie ? value : 9 + value, "inner through the self-fixed movabs");
    cr_assert_eq(v[5], 2 * (9 + value), "inner by a direct call");
}

/* The addend of the R_X86_64_RELATIVE relocation of the word at addr (readelf), or 0. */
static unsigned long long relative_addend(const char *path, unsigned long long addr)
{
    int st;
    char *out = x86_run(&st, "readelf -rW %s", path);
    unsigned long long addend = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long long off, a;
        if (sscanf(line, "%llx %*x R_X86_64_RELATIVE %llx", &off, &a) == 2 && off == addr)
            addend = a;
    }
    free(out);
    return addend;
}

/* In a PIE the loader writes ptrs_xen from its relocation: the install must
 * have moved the relocation's addend into the canonical slot with the word. */
static void expect_relocation_followed(const char *prog, const char *xen)
{
    int st;
    char *nm = x86_run(&st, "nm %s", prog);
    unsigned long long ptrs = x86_nm_value(nm, "ptrs_xen"), hot = x86_nm_value(nm, "hot");
    free(nm);
    unsigned long long before = relative_addend(prog, ptrs), after = relative_addend(xen, ptrs);
    cr_assert(before && after != before, "the addend of ptrs_xen's relocation moved: 0x%llx -> 0x%llx",
              before, after);
    cr_assert(after - hot < 256, "into the canonical slot at 0x%llx: 0x%llx", hot, after);
}

static void install_and_run(int pie)
{
    const char *prog = instance_program(pie);
    int st;
    char *out = x86_run(&st, "%s", prog);
    cr_assert_eq(st, 0, "%s", out);
    expect_values(out, 0x1111, pie);
    free(out);
    out = x86_run(&st, "%s sites %s", pvpatch(), prog);
    cr_assert(st == 0 && strstr(out, "instance xen (xen)") && strstr(out, "ptr64"), "%s", out);
    if (!pie)
        cr_assert(strstr(out, "self ") && strstr(out, "vtop "), "%s", out);
    free(out);
    char xen[600];
    snprintf(xen, sizeof xen, "%s.xen", prog);
    out = x86_run(&st, "%s install %s --instance xen -o %s", pvpatch(), prog, xen);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert(strstr(out, "instructions copied"), "%s", out);
    free(out);
    out = x86_run(&st, "%s", xen);
    cr_assert_eq(st, 0, "%s", out);
    expect_values(out, 0x2222, pie);
    free(out);
    if (pie)
        expect_relocation_followed(prog, xen);
    out = x86_run(&st, "%s verify %s %s --instance xen", pvpatch(), prog, xen);
    cr_assert(st == 0 && strstr(out, "verified xen"), "%s", out);
    free(out);
    out = x86_run(&st, "%s check %s", pvpatch(), xen);
    cr_assert(st == 0 && strstr(out, "clean"), "%s", out);
    free(out);
    out = x86_run(&st, "%s verify %s %s --instance xen", pvpatch(), prog, prog);
    cr_assert(st == 1 && strstr(out, "mismatch"), "the original is not the installed image: %s", out);
    free(out);
}

Test(x86_cli, an_instance_installed_offline_in_an_executable_runs_as_its_mode)
{
    install_and_run(0);
}

Test(x86_cli, an_instance_installed_offline_in_a_pie_runs_as_its_mode)
{
    install_and_run(1);           /* its ptr64 word is relocated at load: the relocation follows */
}

Test(x86_cli, check_finds_an_unrecorded_movabs_and_a_raw_sensitive_instruction)
{
    static const char bad_c[] =
        "#include \"pvpatch/x86_64/instance.h\"\n"
        "#ifdef MODE_XEN\n#define NAME xen\n#define MODE PVP_MODE_XEN\n#define FN(f) f##_xen\n"
        "#else\n#define NAME native\n#define MODE PVP_MODE_NATIVE\n#define FN(f) f\n#endif\n"
        "long FN(in)(long);\n"
        "PVP_C_INSTANCE(NAME, MODE, FN(hot), hot, 256);\n"
        "PVP_C_CODE(NAME) long FN(hot)(long x)\n"
        "{\n"
        "    long v;\n"
        "    __asm__ volatile(\"movabs $\" PVP_X86_STR(FN(in)) \", %0\" : \"=r\"(v));\n"
        "#ifdef MODE_XEN\n"
        "    __asm__ volatile(\"cli\");\n"
        "#endif\n"
        "    return v + x;\n"
        "}\n"
        "PVP_C_CODE(NAME) long FN(in)(long x) { return x; }\n";
    write_file("bad.c", bad_c);
    write_file("bad-main.c", "long hot(long);\nint main(void) { return (int)hot(0) & 0; }\n");
    const char *d = tas_tmpdir(), *flags = "-O2 -fno-pie -fno-jump-tables -fno-toplevel-reorder -Iinclude";
    x86_sh("cc %s -c %s/bad.c -o %s/bad-native.o", flags, d, d);
    x86_sh("cc %s -DMODE_XEN -c %s/bad.c -o %s/bad-xen.o", flags, d, d);
    x86_sh("cc %s -c %s/bad-main.c -o %s/bad-main.o", flags, d, d);
    x86_sh("cc -no-pie %s/bad-main.o %s/bad-native.o %s/bad-xen.o -Wl,-L,include/pvpatch/x86_64 "
           "-Wl,-T,pvpatch-insert.lds -o %s/bad.exe", d, d, d, d);
    int st;
    char *out = x86_run(&st, "%s check %s/bad.exe", pvpatch(), d);
    cr_assert_eq(st, 1, "%s", out);
    cr_assert(strstr(out, "unrecorded-absolute") && strstr(out, "movabs loads"), "%s", out);
    cr_assert(strstr(out, "raw-sensitive") && strstr(out, "cli") && strstr(out, "interrupt flag"), "%s", out);
    free(out);
    out = x86_run(&st, "%s check %s/bad-xen.o", pvpatch(), d);
    cr_assert(st == 1 && strstr(out, "unrecorded-absolute") && strstr(out, "raw-sensitive"),
              "the object too: %s", out);
    free(out);
}

/* ---- disasm against GNU objdump ------------------------------------------------------ */

/* objdump -d's instructions: address, length, and the target of a call or jmp. */
typedef struct od_insn {
    unsigned long long addr, target;
    unsigned len;
} od_insn;

static size_t objdump_insns(const char *path, od_insn *out, size_t max)
{
    int st;
    char *text = x86_run(&st, "objdump -d --no-show-raw-insn -j .text %s", path);
    char *bytes = x86_run(&st, "objdump -d -j .text %s", path);
    cr_assert_eq(st, 0);
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line && n < max; line = strtok(NULL, "\n")) {
        unsigned long long a, t = 0;
        char mn[32];
        if (sscanf(line, " %llx: %31s %llx", &a, mn, &t) >= 2 && strchr(line, ':') &&
            line[strspn(line, " ")] != '\0' && !strstr(line, ">:")) {
            out[n].addr = a;
            out[n].target = (mn[0] == 'c' || mn[0] == 'j') && strstr(line, " <") ? t : 0;
            out[n++].len = 0;
        }
    }
    for (size_t k = 0; k + 1 < n; k++)
        out[k].len = (unsigned)(out[k + 1].addr - out[k].addr);
    free(text);
    free(bytes);
    return n;
}

Test(x86_cli, disasm_decodes_what_objdump_decodes)
{
    static od_insn od[8192], pv[8192];
    const char *prog = sites_pie();
    size_t n = objdump_insns(prog, od, 8192);
    int st;
    char *json = x86_run(&st, "%s disasm %s --section .text --json", pvpatch(), prog);
    cr_assert_eq(st, 0, "%s", json);
    size_t m = 0;
    for (const char *p = strstr(json, "{\"addr\""); p && m < 8192; p = strstr(p + 1, "{\"addr\"")) {
        const char *b = strstr(p, "\"bytes\":\""), *t = strstr(p, "\"target\":\""), *end = strchr(p, '}');
        pv[m].addr = strtoull(p + 9, NULL, 16);
        pv[m].len = (unsigned)((strchr(b + 9, '"') - (b + 9)) / 2);
        pv[m++].target = t && t < end ? strtoull(t + 10, NULL, 16) : 0;
    }
    cr_assert_eq(m, n, "pvpatch decodes %zu instructions in .text, objdump %zu", m, n);
    size_t targets = 0;
    for (size_t k = 0; k < n; k++) {
        cr_assert_eq(pv[k].addr, od[k].addr, "instruction %zu", k);
        if (k + 1 < n)
            cr_assert_eq(pv[k].len, od[k].len, "at 0x%llx", od[k].addr);
        if (od[k].target) {
            cr_assert_eq(pv[k].target, od[k].target, "branch at 0x%llx", od[k].addr);
            targets++;
        }
    }
    free(json);
    char *text = x86_run(&st, "%s disasm %s --section .text", pvpatch(), prog);
    cr_assert(st == 0 && strstr(text, "main:") && strstr(text, "<min>"), "labels and targets by name:\n%.2000s", text);
    free(text);
    cr_log_info("x86_cli: disasm of %zu instructions agrees with objdump on addresses and lengths, and on %zu "
                "branch targets", n, targets);
}
