/* Real C, compiled with -O2 by the system compiler into a shared library:
 * every function is installed by pvp_install at another address (in reach of
 * the library), the originals are then filled with int3 by the runtime
 * writer, and the installed copies must compute what the originals did.
 * The functions call libc through the PLT, call and tail-call static helpers,
 * read and write data and constants RIP-relative, recurse, and loop. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/runtime.h"
#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define NCOPIES_PAGES 4

static const char lib_src[] =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
    "static long cell;\n"
    "static const char *const words[] = { \"alpha\", \"beta\", \"gamma\", \"delta\" };\n"
    "__attribute__((noinline)) static long helper(long x) { return x * 7 + 3; }\n"
    "static int cmp_long(const void *a, const void *b)\n"
    "{ long x = *(const long *)a, y = *(const long *)b; return (x > y) - (x < y); }\n"
    "long f_loop(long n, long m)\n"
    "{ long s = 0; for (long i = 0; i < n; i++) s += i % 3 == 0 ? i * m : -i; return s; }\n"
    "long f_calls(long a, long b) { return helper(a) - helper(b) + (long)strlen(words[a & 3]); }\n"
    "long f_data(long a, long b) { cell = a; __asm__ volatile(\"\" ::: \"memory\"); return cell * b + cell; }\n"
    "long f_recurse(long n, long b) { return n <= 1 ? b : n * f_recurse(n - 1, b) % 1000003; }\n"
    "long f_float(long a, long b)\n"
    "{ double x = (double)a / 3.0; return (long)(1.5 * x * x - 2.25 * x * (double)b + 125.0); }\n"
    "long f_switch(long a, long b)\n"
    "{ switch (a & 7) { case 0: return b; case 1: return b * 2; case 2: return b - 9;\n"
    "  case 3: return b ^ 0x55; case 4: return -b; case 5: return b << 3; case 6: return b % 7;\n"
    "  default: return 42; } }\n"
    "long f_format(long a, long b)\n"
    "{ char buf[64]; int n = snprintf(buf, sizeof buf, \"%ld:%s:%ld\", a, words[b & 3], a * b);\n"
    "  return n * 1000 + buf[n - 1]; }\n"
    "long f_sort(long a, long b)\n"
    "{ long v[8]; for (int i = 0; i < 8; i++) v[i] = (a * (i + 1) * 7919 + b) % 101;\n"
    "  qsort(v, 8, sizeof v[0], cmp_long); return v[0] * 10000 + v[7] * 100 + v[3]; }\n"
    "long f_tail(long a, long b) { if (a > b) return helper(a - b); return helper(b) + 1; }\n"
    "long f_fnptr(long a, long b) { long (*volatile g)(long) = helper; return g(a) + b; }\n"
    "/* so that every function above is followed by alignment nops, not another section */\n"
    "void f_last(void) { }\n";

static const char *const names[] = { "f_loop", "f_calls", "f_data", "f_recurse", "f_float",
                                     "f_switch", "f_format", "f_sort", "f_tail", "f_fnptr" };
#define NFUNCS (sizeof(names) / sizeof(names[0]))

static const long inputs[][2] = { { 0, 1 }, { 3, 5 }, { 10, 2 }, { 7, 7 }, { 100, 3 }, { 13, -4 } };
#define NINPUTS (sizeof(inputs) / sizeof(inputs[0]))

typedef struct func {
    uint8_t *addr;
    size_t size;          /* the symbol's size */
    size_t span;          /* rounded up to whole 16-byte units, as install needs */
    uint8_t *copy;        /* where it was installed */
    long want[NINPUTS];
} func;

static void *load_lib(void)
{
    FILE *f = fopen(x86_tmp("cfuncs.c"), "w");
    fputs(lib_src, f);
    fclose(f);
    char so[512];
    snprintf(so, sizeof so, "%s", x86_tmp("libcfuncs.so"));
    /* no .cold parts: a function split in two cannot move alone */
    x86_sh("cc -O2 -fpic -shared -fno-jump-tables -fno-reorder-blocks-and-partition %s -o %s",
           x86_tmp("cfuncs.c"), so);
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    cr_assert(h, "%s", dlerror());
    return h;
}

static void find(void *h, const char *name, func *fn)
{
    void *p = dlsym(h, name);
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    cr_assert(p && dladdr1(p, &info, (void **)&sym, RTLD_DL_SYMENT) && sym, "%s", name);
    fn->addr = p;
    fn->size = sym->st_size;
    fn->span = (fn->size + 15) & ~(size_t)15;
    cr_assert_eq((uintptr_t)p % 16, 0, "%s is not 16-byte aligned", name);
}

Test(x86_cfunc, O2_functions_installed_elsewhere_compute_the_same)
{
    void *h = load_lib();
    static func fns[NFUNCS];
    size_t total = 0;
    for (size_t i = 0; i < NFUNCS; i++) {
        find(h, names[i], &fns[i]);
        total += fns[i].span;
        for (size_t k = 0; k < NINPUTS; k++)
            fns[i].want[k] = x86_call2(fns[i].addr, inputs[k][0], inputs[k][1]);
    }
    size_t mapsize = (total + 4095) & ~(size_t)4095;
    uint8_t *area = x86_map_near(fns[0].addr, mapsize), *next = area;
    uint64_t forms[PVP_MAX_FORMS] = { 0 }, inside = 0;
    for (size_t i = 0; i < NFUNCS; i++, next += fns[i - 1].span) {
        fns[i].copy = next;
        x86_mem_image m;
        x86_mem_image_init(&m, fns[i].addr, next, fns[i].span);
        pvp_install_report rep;
        pvp_error err;
        cr_assert_eq(x86_mem_install(&m, &rep, &err), PVP_OK, "%s: %s at %#llx", names[i],
                     err.what, (unsigned long long)err.addr);
        for (int f = 0; f < PVP_X86_NFORMS; f++)
            forms[f] += rep.retargeted[f];
        inside += rep.moved_inside;
    }
    cr_assert_gt(forms[PVP_X86_CALL32], 0, "calls to the PLT and helpers were re-targeted");
    cr_assert_gt(forms[PVP_X86_JMP32], 0, "tail calls were re-targeted");
    cr_assert_gt(forms[PVP_X86_RIP32], 0, "RIP-relative data was re-targeted");
    cr_assert_gt(inside, 0, "branches inside moved with the code");
    x86_seal(area, mapsize);

    /* the originals become int3: a copy that still needed one would trap */
    static uint8_t traps[NFUNCS][4096];
    pvp_text_edit edits[NFUNCS];
    for (size_t i = 0; i < NFUNCS; i++) {
        cr_assert_leq(fns[i].size, sizeof traps[i]);
        memset(traps[i], 0xCC, fns[i].size);
        edits[i] = (pvp_text_edit){ (uintptr_t)fns[i].addr, traps[i], fns[i].size };
    }
    pvp_error err;
    cr_assert_eq(pvp_text_write(edits, NFUNCS, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(fns[0].addr[0], 0xCC);

    for (size_t i = 0; i < NFUNCS; i++)
        for (size_t k = 0; k < NINPUTS; k++)
            cr_assert_eq(x86_call2(fns[i].copy, inputs[k][0], inputs[k][1]), fns[i].want[k],
                         "%s(%ld, %ld) installed elsewhere disagrees", names[i], inputs[k][0],
                         inputs[k][1]);
    printf("x86_cfunc: %zu -O2 functions installed elsewhere (%llu calls, %llu tail calls, %llu "
           "RIP-relative operands re-targeted) agree on %zu inputs with their originals\n", NFUNCS,
           (unsigned long long)forms[PVP_X86_CALL32], (unsigned long long)forms[PVP_X86_JMP32],
           (unsigned long long)forms[PVP_X86_RIP32], NINPUTS);
    x86_unmap(area, mapsize);
}
