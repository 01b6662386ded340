/* pvp_rt_patch on running code: the PVP_CALL sites of this very test
 * program (this file, built -mno-red-zone; the runner is linked with
 * pvpatch-insert.lds), those of a shared library built and dlopen'ed by the
 * test, and the example program in every mode. The CPU runs the patched
 * sites against the direct calls; refusals, including a code write the
 * kernel refuses (mseal), leave code and data identical. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pvpatch/runtime.h"
#include "pvpatch/x86_64/emit.h"
#include "support/binutils.h"
#include "support/x86_code.h"

#define PAGE 4096

/* ---- Sites of this program ----------------------------------------------- */

#define RT_OP_TWICE 1            /* 2x + 1 */
#define RT_OP_DIFF  2            /* |a - b| */
#define RT_OP_COUNT 3

static PVP_X86_OP_FN unsigned long rt_twice(unsigned long x)
{
    return 2 * x + 1;
}

static PVP_X86_OP_FN unsigned long rt_diff(unsigned long a, unsigned long b)
{
    return a > b ? a - b : b - a;
}

#define RT_FAST(FN, INLINE)                                                      \
    FN(RT_OP_TWICE, rt_twice) INLINE(RT_OP_TWICE, "lea 1(%rdi,%rdi), %rax")      \
    FN(RT_OP_DIFF, rt_diff)                                                      \
    INLINE(RT_OP_DIFF, "mov %rdi, %rax; sub %rsi, %rax; jae 1f; neg %rax; 1:")
#define RT_CALLS(FN, INLINE) FN(RT_OP_TWICE, rt_twice) FN(RT_OP_DIFF, rt_diff)

PVP_X86_MODE(rt_fast, 1, RT_OP_COUNT, RT_FAST);
PVP_X86_MODE(rt_calls, 2, RT_OP_COUNT, RT_CALLS);
PVP_X86_LIVE_OPS(RT_OP_COUNT, RT_CALLS);

__attribute__((noinline, noipa)) static unsigned long site_twice(unsigned long x)
{
    return PVP_CALL(RT_OP_TWICE, x);
}

__attribute__((noinline, noipa)) static unsigned long site_diff(unsigned long a, unsigned long b)
{
    return PVP_CALL(RT_OP_DIFF, a, b);
}

/* The runner's records: sites, records and live table, for identity checks. */
typedef struct rt_state {
    uint8_t *code;               /* the pages holding the two site functions */
    uint8_t *sites, *ops;
} rt_state;

static size_t code_span(void)
{
    uintptr_t a = (uintptr_t)site_twice, b = (uintptr_t)site_diff;
    return (size_t)((a > b ? a : b) - (a < b ? a : b)) + 256;
}

static uintptr_t code_start(void)
{
    uintptr_t a = (uintptr_t)site_twice, b = (uintptr_t)site_diff;
    return a < b ? a : b;
}

static void snapshot(rt_state *s)
{
    pvp_rt_records r = PVP_RT_RECORDS();
    size_t ns = (uintptr_t)r.sites_end - (uintptr_t)r.sites, no = (uintptr_t)r.ops_end - (uintptr_t)r.ops;
    s->code = malloc(code_span());
    s->sites = malloc(ns);
    s->ops = malloc(no);
    memcpy(s->code, (void *)code_start(), code_span());
    memcpy(s->sites, r.sites, ns);
    memcpy(s->ops, r.ops, no);
}

static void assert_same(const rt_state *s, const char *what)
{
    pvp_rt_records r = PVP_RT_RECORDS();
    cr_assert_eq(memcmp(s->code, (void *)code_start(), code_span()), 0, "%s: code changed", what);
    cr_assert_eq(memcmp(s->sites, r.sites, (uintptr_t)r.sites_end - (uintptr_t)r.sites), 0,
                 "%s: site records changed", what);
    cr_assert_eq(memcmp(s->ops, r.ops, (uintptr_t)r.ops_end - (uintptr_t)r.ops), 0,
                 "%s: ops tables changed", what);
}

static void free_state(rt_state *s)
{
    free(s->code);
    free(s->sites);
    free(s->ops);
}

static void run_sites(const char *when)
{
    static const unsigned long in[] = { 0, 1, 7, 1000, (unsigned long)-3, 0x123456789ul };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        cr_assert_eq(site_twice(in[i]), rt_twice(in[i]), "%s: twice(%#lx)", when, in[i]);
        for (size_t j = 0; j < sizeof in / sizeof in[0]; j++)
            cr_assert_eq(site_diff(in[i], in[j]), rt_diff(in[i], in[j]), "%s: diff(%#lx, %#lx)",
                         when, in[i], in[j]);
    }
}

static pvp_patch_report rt_patch(const char *mode, int policy)
{
    pvp_rt_records r = PVP_RT_RECORDS();
    pvp_patch_report rep;
    pvp_error err = { 0 };
    cr_assert_eq(pvp_rt_patch(&r, mode, policy, &rep, &err), PVP_OK, "%s: %#llx: %s", mode,
                 (unsigned long long)err.addr, err.what);
    return rep;
}

/* The mnemonic of the first instruction that is not a nop in the site
 * (from the records) that lies in the function starting at fn. */
static const char *site_mnemonic(const void *fn)
{
    pvp_rt_records r = PVP_RT_RECORDS();
    const uint8_t *rec = r.sites;
    for (; rec < (const uint8_t *)r.sites_end; rec += PVP_SITE_RECSIZE) {
        uint64_t at, end;
        memcpy(&at, rec + PVP_SITE_OFF_ADDR, 8);
        memcpy(&end, rec + PVP_SITE_OFF_END, 8);
        if (at - (uintptr_t)fn >= 256)
            continue;
        const uint8_t *p = (const uint8_t *)(uintptr_t)at;
        size_t n = (size_t)(end - at);
        for (size_t off = 0, len; off < n; off += len) {
            uint64_t t;
            x86_zydis_target(p + off, n - off, at + off, &len, &t);
            if (strcmp(x86_zydis_mnemonic(p + off, n - off), "nop"))
                return x86_zydis_mnemonic(p + off, n - off);
        }
    }
    return "";
}

Test(x86_sites_rt, patches_this_program_inline_then_to_direct_calls)
{
    run_sites("as built");
    pvp_patch_report rep = rt_patch("rt_fast", PVP_POLICY_BEST);
    cr_assert_eq(rep.sites, 2);
    cr_assert_eq(rep.to_form[PVP_FORM_A], 2);
    cr_assert_str_eq(site_mnemonic((const void *)(uintptr_t)site_twice), "lea");
    cr_assert_str_eq(x86_perms_at((uintptr_t)site_twice), "r-xp", "code stays read-execute");
    run_sites("inline");
    rep = rt_patch("rt_calls", PVP_POLICY_BEST);
    cr_assert_eq(rep.to_form[PVP_FORM_B], 2);
    cr_assert_str_eq(site_mnemonic((const void *)(uintptr_t)site_diff), "call");
    run_sites("direct");
    rt_state s;
    snapshot(&s);
    rep = rt_patch("rt_calls", PVP_POLICY_BEST);
    cr_assert_eq(rep.changed, 0);
    assert_same(&s, "patched twice to one mode");
    free_state(&s);
}

static void refuse(const char *mode, const char *why)
{
    rt_state s;
    snapshot(&s);
    pvp_rt_records r = PVP_RT_RECORDS();
    pvp_error err = { 0 };
    cr_assert_neq(pvp_rt_patch(&r, mode, PVP_POLICY_BEST, NULL, &err), PVP_OK, "%s", why);
    cr_assert(err.what && err.what[0], "%s: a reason", why);
    assert_same(&s, why);
    cr_log_info("x86_sites_rt: refused (%s): %#llx: %s", why, (unsigned long long)err.addr, err.what);
    free_state(&s);
}

Test(x86_sites_rt, refusals_leave_code_records_and_tables_identical)
{
    refuse("no-such-mode", "an unknown mode");
    pvp_rt_records r = PVP_RT_RECORDS();
    uint8_t *rec = (uint8_t *)(uintptr_t)r.sites;
    rec[PVP_SITE_OFF_RESERVED] = 1;
    refuse("rt_fast", "a bad site record");
    rec[PVP_SITE_OFF_RESERVED] = 0;
    uintptr_t page = code_start() & ~(uintptr_t)(PAGE - 1);
    if (syscall(462, page, (size_t)PAGE, 0) != 0)
        cr_skip_test("this kernel has no mseal(2) to make the code write fail");
    refuse("rt_fast", "the kernel refuses the code write (sealed page)");
    run_sites("after the refusals");
}

/* ---- A shared library ------------------------------------------------------- */

static const char lib_c[] =
    "#include \"pvpatch/runtime.h\"\n"
    "#include \"pvpatch/x86_64/emit.h\"\n"
    "static PVP_X86_OP_FN unsigned long lib_sq(unsigned long x) { return x * x; }\n"
    "static PVP_X86_OP_FN unsigned long lib_sum(unsigned long a, unsigned long b, unsigned long c)\n"
    "{ return a + b + c; }\n"
    "unsigned long lib_bias = 11;\n"
    "#define FAST(FN, INLINE) FN(1, lib_sq) INLINE(1, \"mov %rdi, %rax; imul %rdi, %rax\") \\\n"
    "    FN(2, lib_sum) INLINE(2, \"lea (%rdi,%rsi), %rax; add %rdx, %rax\")\n"
    "#define CALLS(FN, INLINE) FN(1, lib_sq) FN(2, lib_sum)\n"
    "PVP_X86_MODE(fast, 1, 3, FAST);\n"
    "PVP_X86_MODE(calls, 2, 3, CALLS);\n"
    "PVP_X86_LIVE_OPS(3, CALLS);\n"
    "void lib_records(pvp_rt_records *r) { *r = PVP_RT_RECORDS(); }\n"
    "unsigned long lib_site(unsigned long a, unsigned long b)\n"
    "{ return PVP_CALL(2, PVP_CALL(1, a), b, lib_bias); }\n"
    "unsigned long lib_direct(unsigned long a, unsigned long b)\n"
    "{ return lib_sum(lib_sq(a), b, lib_bias); }\n";

typedef struct lib {
    void *handle;
    pvp_rt_records recs;
    unsigned long (*site)(unsigned long, unsigned long), (*direct)(unsigned long, unsigned long);
} lib;

static void open_lib(lib *l)
{
    l->handle = x86_sites_lib("pvsites", lib_c, &l->recs);
    l->site = (unsigned long (*)(unsigned long, unsigned long))x86_lib_fn(l->handle, "lib_site");
    l->direct = (unsigned long (*)(unsigned long, unsigned long))x86_lib_fn(l->handle, "lib_direct");
}

static void run_lib(const lib *l, const char *when)
{
    for (unsigned long a = 0; a < 40; a += 3)
        for (unsigned long b = 0; b < 1000; b += 333)
            cr_assert_eq(l->site(a, b), l->direct(a, b), "%s: site(%lu, %lu)", when, a, b);
}

Test(x86_sites_rt, patches_a_shared_library_through_its_own_records)
{
    lib l;
    open_lib(&l);
    run_lib(&l, "as built");
    pvp_patch_report rep;
    pvp_error err = { 0 };
    cr_assert_eq(pvp_rt_patch(&l.recs, "fast", PVP_POLICY_BEST, &rep, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(rep.to_form[PVP_FORM_A], 2);
    run_lib(&l, "inline");
    cr_assert_eq(pvp_rt_patch(&l.recs, "calls", PVP_POLICY_BEST, &rep, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(rep.to_form[PVP_FORM_B], 2);
    run_lib(&l, "direct");
    pvp_rt_records mine = PVP_RT_RECORDS();
    cr_assert_neq(mine.sites, l.recs.sites, "the library's records are its own");
    cr_assert_eq(pvp_rt_patch(&l.recs, "rt_fast", PVP_POLICY_BEST, NULL, &err), PVP_E_UNKNOWN_OP,
                 "the library has no mode of this program");
    dlclose(l.handle);
}

/* ---- The example ----------------------------------------------------------- */

#define EXAMPLE "build/examples/x86_64/pvexample"

static char *example(const char *args, int *status)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "test -x %s && %s %s 2>/dev/null", EXAMPLE, EXAMPLE, args);
    return tas_run(cmd, status);
}

/* The value after `key` in the output, as a number. */
static unsigned long long field(const char *out, const char *key)
{
    const char *p = strstr(out, key);
    cr_assert(p, "no \"%s\" in:\n%s", key, out);
    return strtoull(p + strlen(key), NULL, 0);
}

Test(x86_sites_rt, the_example_computes_the_same_in_every_mode)
{
    static const char *const modes[] = { "none", "native", "counting", "portable" };
    unsigned long long hash = 0;
    const unsigned long rounds = 20000;
    for (size_t k = 0; k < 4; k++) {
        char args[64];
        snprintf(args, sizeof args, "%s %lu", modes[k], rounds);
        int st;
        char *out = example(args, &st);
        cr_assert_eq(st, 0, "%s:\n%s", args, out);
        if (k)
            cr_assert_eq(field(out, "rounds: hash "), hash, "the hash of the unpatched run: %s", out);
        hash = field(out, "rounds: hash ");
        unsigned long long n, A, B, C;
        const char *line = strstr(out, "patched to ");
        cr_assert_eq(!line, k == 0, "%s", out);
        if (!line) {
            free(out);
            continue;
        }
        cr_assert_eq(sscanf(line, "patched to %*s %llu sites: %llu A, %llu B, %llu C", &n, &A, &B, &C),
                     4, "%s", out);
        cr_assert(n > 0 && A + B == n && C == 0, "every site leaves the C form: %s", out);
        if (strcmp(modes[k], "native") == 0)
            cr_assert_eq(A, n, "native inlines everything: %s", out);
        if (strcmp(modes[k], "portable") == 0)
            cr_assert_eq(B, n, "portable has no inline code: %s", out);
        if (strcmp(modes[k], "counting") == 0) {
            cr_assert(A && B, "counting inlines what fits and calls the rest: %s", out);
            cr_assert_eq(field(out, "counted: mix "), rounds);
            cr_assert_eq(field(out, "rotl "), rounds);
            cr_assert_eq(field(out, "swap "), rounds);
            cr_assert_eq(field(out, "clamp "), rounds);
        }
        free(out);
    }
    int st;
    char *out = example("bogus", &st);
    cr_assert_neq(st, 0);
    free(out);
}
