/* pvp_rt_install in a real PIE program: one C source built -O2 per mode,
 * linked with ld's default script plus pvpatch-insert.lds and libpvpatch.a,
 * run with the installs to attempt on its command line. The program prints
 * what its canonical entry computes; refused installs must leave code and
 * data as they were (the program compares its own bytes). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/binutils.h"
#include "support/x86_code.h"

static const char main_c[] =
    "#define _GNU_SOURCE\n"
    "#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n#include <sys/syscall.h>\n"
    "#include \"pvpatch/runtime.h\"\n"
    "long hot(long, long), inner_xen(long);\n"
    "extern long (*volatile ptrs_xen)(long);\n"
    "long counter = 0x5555, table;\n"
    "long helper(long x) { return 2 * x; }\n"
    "static pvp_instance set[4];\n"
    "static size_t count;\n"
    "static const pvp_instance *find(const char *name)\n"
    "{\n"
    "    pvp_rt_records r = PVP_RT_RECORDS();\n"
    "    pvp_rt_instances(&r, set, 4, &count, NULL);\n"
    "    return pvp_instance_find(set, count, name);\n"
    "}\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    static unsigned char before[256], after[256], traps[256];\n"
    "    for (int i = 1; i < argc; i++) {\n"
    "        if (!strcmp(argv[i], \"seal\")) {\n"
    "            uintptr_t page = (uintptr_t)hot & ~(uintptr_t)4095;\n"
    "            if (syscall(462, page, 4096, 0)) { puts(\"no mseal\"); return 3; }\n"
    "            continue;\n"
    "        }\n"
    "        if (!strcmp(argv[i], \"poison\")) {\n"
    "            const pvp_instance *x = find(\"xen\");\n"
    "            memset(traps, 0xcc, sizeof traps);\n"
    "            pvp_text_edit e = { (uintptr_t)x->copy, traps, (size_t)x->size };\n"
    "            if (pvp_text_write(&e, 1, NULL)) return 4;\n"
    "            continue;\n"
    "        }\n"
    "        memcpy(before, (void *)hot, sizeof before);\n"
    "        long (*p)(long) = ptrs_xen;\n"
    "        pvp_install_report rep;\n"
    "        pvp_error err;\n"
    "        pvp_rt_records r = PVP_RT_RECORDS();\n"
    "        if (pvp_rt_install(&r, argv[i], &rep, &err)) {\n"
    "            memcpy(after, (void *)hot, sizeof after);\n"
    "            printf(\"refused %s: %s; code %s, data %s\\n\", argv[i], err.what,\n"
    "                   memcmp(before, after, sizeof after) ? \"changed\" : \"identical\",\n"
    "                   p == ptrs_xen && !(find(\"xen\")->flags & 1) ? \"identical\" : \"changed\");\n"
    "        } else {\n"
    "            printf(\"installed %s: %llu units, %llu ptr64\\n\", argv[i],\n"
    "                   (unsigned long long)rep.units_copied, (unsigned long long)rep.fixups[3]);\n"
    "        }\n"
    "    }\n"
    "    printf(\"hot %ld %ld %ld %ld %ld\\n\", hot(0, 0), hot(3, 21), hot(4, 0), hot(5, 7), hot(7, 9));\n"
    "    return 0;\n"
    "}\n";

static const char *program(void)
{
    static char prog[512];
    if (prog[0])
        return prog;
    const char *files[2][2] = { { "rt-inst.c", x86_instance_c }, { "rt-main.c", main_c } };
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(x86_tmp(files[i][0]), "w");
        fputs(files[i][1], f);
        fclose(f);
    }
    const char *dir = tas_tmpdir();
    const char *flags = "-O2 -fpie -fno-jump-tables -fno-toplevel-reorder -DPIE_ONLY -Iinclude";
    x86_sh("cc %s -c %s/rt-inst.c -o %s/rt-native.o", flags, dir, dir);
    x86_sh("cc %s -DMODE_XEN -c %s/rt-inst.c -o %s/rt-xen.o", flags, dir, dir);
    x86_sh("cc -O2 -fpie -Iinclude -c %s/rt-main.c -o %s/rt-main.o", dir, dir);
    snprintf(prog, sizeof prog, "%s/rt-prog", dir);
    x86_sh("test -f build/libpvpatch.a && cc -pie -o %s %s/rt-main.o %s/rt-native.o %s/rt-xen.o "
           "build/libpvpatch.a -lZydis -Wl,-L,include/pvpatch/x86_64 -Wl,-T,pvpatch-insert.lds",
           prog, dir, dir, dir);
    return prog;
}

/* Run the program with these arguments; its output. */
static char *run(const char *args)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", program(), args);
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert_eq(st, 0, "%s:\n%s", cmd, out);
    return out;
}

/* The line the entry prints for a mode's VALUE: ops 0, 3, 4, 5, 7. */
static const char *values(long v)
{
    static char line[128];
    snprintf(line, sizeof line, "hot %ld %ld %ld %ld %ld\n", v, 42 + v, 0x5555L, 7 + v,
             2 * (9 + v));
    return line;
}

Test(x86_rtinstall, the_program_runs_the_mode_installed_at_start_up)
{
    char *out = run("");
    cr_assert_str_eq(out, values(0x1111));
    free(out);
    out = run("xen poison");
    cr_assert(strstr(out, "installed xen: "), "%s", out);
    cr_assert(strstr(out, " 1 ptr64"), "%s", out);
    cr_assert(strstr(out, values(0x2222)), "the installed xen, its copy poisoned:\n%s", out);
    free(out);
    out = run("native");
    cr_assert(strstr(out, "installed native: 0 units"), "%s", out);
    cr_assert(strstr(out, values(0x1111)), "%s", out);
    free(out);
}

Test(x86_rtinstall, refused_installs_leave_code_and_data_identical)
{
    char *out = run("xen xen");
    cr_assert(strstr(out, "refused xen: instance was installed already; code identical"), "%s", out);
    cr_assert(strstr(out, values(0x2222)), "%s", out);
    free(out);
    out = run("bogus");
    cr_assert(strstr(out, "refused bogus: no instance of that name; code identical, data identical"),
              "%s", out);
    cr_assert(strstr(out, values(0x1111)), "%s", out);
    free(out);
}

/* The code write fails half-way (the slot's page is sealed): the data the
 * engine changed in its shadows (descriptor flag, ptr64 word) stays as it was. */
Test(x86_rtinstall, a_refused_code_write_leaves_the_data_too)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s seal xen 2>&1", program());
    int st;
    char *out = tas_run(cmd, &st);
    if (st == 3)
        cr_skip_test("this kernel has no mseal(2) to make the code write fail");
    cr_assert_eq(st, 0, "%s", out);
    cr_assert(strstr(out, "refused xen: ") && strstr(out, "code identical, data identical"), "%s",
              out);
    cr_assert(strstr(out, values(0x1111)), "%s", out);
    free(out);
}
