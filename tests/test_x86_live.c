/* Re-patching while other threads run the sites (the breakpoint protocol of
 * src/runtime/live.c). The CPU is the oracle: worker threads compare every
 * result of a PVP_CALL site with plain C while sites are re-patched under
 * them; a fault kills the program. Refusals (code a thread found inside
 * could not start again, a running thread that blocks SIGTRAP) leave code,
 * records and tables identical; the mapping stays the file's; a SIGTRAP
 * that is not the protocol's still reaches the handler the program had. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pvpatch/runtime.h"
#include "support/binutils.h"
#include "support/x86_code.h"

#define STRESS "build/tests/x86_repatch"

/* The value after `key` in the output, as a number. */
static unsigned long long field(const char *out, const char *key)
{
    const char *p = strstr(out, key);
    cr_assert(p, "no \"%s\" in:\n%s", key, out);
    return strtoull(p + strlen(key), NULL, 0);
}

Test(x86_live, threads_run_the_sites_while_they_are_re_patched, .timeout = 120)
{
    int st;
    char *out = tas_run("test -x " STRESS " && " STRESS " --threads 4 --patches 3000 2>&1", &st);
    cr_assert_eq(st, 0, "the stress run failed (exit %d):\n%s", st, out);
    cr_assert_eq(field(out, "threads "), 4, "%s", out);
    cr_assert_eq(field(out, "re-patches "), 3000, "%s", out);
    cr_assert(field(out, "(A<->B ") >= 900 && field(out, "C<->B ") >= 900 && field(out, "A<->A' ") >= 900,
              "every kind of transition is exercised: %s", out);
    cr_assert_gt(field(out, "calls checked "), 0, "%s", out);
    cr_assert_eq(field(out, "wrong "), 0, "no wrong result: %s", out);
    cr_assert_eq(field(out, "by the breakpoint protocol "), 3000, "%s", out);
    cr_assert_gt(field(out, "threads through an int3 "), 0, "threads met the int3s: %s", out);
    cr_assert_gt(field(out, "threads restarted "), 0, "threads were found inside sites: %s", out);
    cr_log_info("%s", out);
    free(out);
}

/* ---- A library of sites, and threads running them ---------------------------- */

static const char lib_c[] =
    "#include \"pvpatch/runtime.h\"\n"
    "#include \"pvpatch/x86_64/emit.h\"\n"
    "__attribute__((visibility(\"hidden\"))) unsigned long live_count;\n"
    "static PVP_X86_OP_FN unsigned long lib_step(unsigned long x) { live_count++; return 3 * x + 1; }\n"
    "#define GOOD(FN, INLINE) FN(1, lib_step) \\\n"
    "    INLINE(1, \"lea 1(%rdi,%rdi,2), %rax; incq live_count(%rip)\")\n"
    "#define BAD(FN, INLINE) FN(1, lib_step) \\\n"
    "    INLINE(1, \"incq live_count(%rip); lea 1(%rdi,%rdi,2), %rax\")\n"
    "#define CALLS(FN, INLINE) FN(1, lib_step)\n"
    "PVP_X86_MODE(good, 1, 2, GOOD);\n"
    "PVP_X86_MODE(bad, 2, 2, BAD);\n"
    "PVP_X86_MODE(calls, 3, 2, CALLS);\n"
    "PVP_X86_LIVE_OPS(2, CALLS);\n"
    "void lib_records(pvp_rt_records *r) { *r = PVP_RT_RECORDS(); }\n"
    "unsigned long lib_site(unsigned long x) { return PVP_CALL(1, x); }\n";

typedef struct lib {
    void *handle;
    pvp_rt_records recs;
    unsigned long (*site)(unsigned long);
    uint8_t *code;               /* lib_site's first bytes, for identity checks */
} lib;

static void open_lib(lib *l)
{
    l->handle = x86_sites_lib("pvlive", lib_c, &l->recs);
    l->site = (unsigned long (*)(unsigned long))x86_lib_fn(l->handle, "lib_site");
    l->code = (uint8_t *)(uintptr_t)l->site;
}

static atomic_int stop_workers;
static atomic_ulong worker_wrong;

static void *worker(void *arg)
{
    const lib *l = arg;
    for (unsigned long x = 0; !atomic_load(&stop_workers); x++)
        if (l->site(x) != 3 * x + 1)
            atomic_fetch_add(&worker_wrong, 1);
    return NULL;
}

static pthread_t start_worker(lib *l)
{
    pthread_t t;
    atomic_store(&stop_workers, 0);
    cr_assert_eq(pthread_create(&t, NULL, worker, l), 0);
    return t;
}

static void stop_worker(pthread_t t)
{
    atomic_store(&stop_workers, 1);
    pthread_join(t, NULL);
    cr_assert_eq(atomic_load(&worker_wrong), 0, "the worker saw wrong results");
}

/* Code, site records and ops tables, to check that a refusal changed nothing. */
typedef struct state {
    uint8_t code[64], *sites, *ops;
} state;

static void snapshot(const lib *l, state *s)
{
    size_t ns = (uintptr_t)l->recs.sites_end - (uintptr_t)l->recs.sites;
    size_t no = (uintptr_t)l->recs.ops_end - (uintptr_t)l->recs.ops;
    memcpy(s->code, l->code, sizeof s->code);
    s->sites = malloc(ns);
    s->ops = malloc(no);
    memcpy(s->sites, l->recs.sites, ns);
    memcpy(s->ops, l->recs.ops, no);
}

static void assert_same(const lib *l, state *s, const char *what)
{
    cr_assert_eq(memcmp(s->code, l->code, sizeof s->code), 0, "%s: code changed", what);
    cr_assert_eq(memcmp(s->sites, l->recs.sites, (uintptr_t)l->recs.sites_end - (uintptr_t)l->recs.sites),
                 0, "%s: site records changed", what);
    cr_assert_eq(memcmp(s->ops, l->recs.ops, (uintptr_t)l->recs.ops_end - (uintptr_t)l->recs.ops), 0,
                 "%s: ops tables changed", what);
    free(s->sites);
    free(s->ops);
}

static int patch(lib *l, const char *mode, pvp_error *err)
{
    pvp_patch_report rep;
    return pvp_rt_patch(&l->recs, mode, PVP_POLICY_BEST, &rep, err);
}

Test(x86_live, code_a_thread_inside_could_not_start_again_is_refused_unchanged)
{
    lib l;
    open_lib(&l);
    pthread_t t = start_worker(&l);
    pvp_error err = { 0 };
    cr_assert_eq(patch(&l, "good", &err), PVP_OK, "incq last: restartable: %s", err.what);
    state s;
    snapshot(&l, &s);
    cr_assert_eq(patch(&l, "bad", &err), PVP_E_UNSUPPORTED);
    cr_assert(strstr(err.what, "new code") && strstr(err.what, "acts on memory"), "%s", err.what);
    assert_same(&l, &s, "refused: incq before the end");
    cr_assert_eq(patch(&l, "calls", &err), PVP_OK, "%s", err.what);
    stop_worker(t);
    cr_log_info("x86_live: refused: %#llx: %s", (unsigned long long)err.addr, err.what);
}

/* With no other thread, `bad` is written as it is (the start-up case); once
 * threads run, the site holds code a thread inside could not start again,
 * and re-patching it is refused. A child of fork has one thread. */
Test(x86_live, code_written_before_the_threads_is_not_re_patched_under_them_if_it_cannot_restart)
{
    lib l;
    open_lib(&l);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        pvp_error err = { 0 };
        if (patch(&l, "bad", &err) != PVP_OK || l.site(2) != 7)
            _exit(10);
        pthread_t t = start_worker(&l);
        state s;
        memcpy(s.code, l.code, sizeof s.code);
        int rc = patch(&l, "calls", &err);
        int same = memcmp(s.code, l.code, sizeof s.code) == 0;
        atomic_store(&stop_workers, 1);
        pthread_join(t, NULL);
        if (rc != PVP_E_UNSUPPORTED || !strstr(err.what, "current code") || !same)
            _exit(11);
        _exit(atomic_load(&worker_wrong) ? 12 : 0);
    }
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: status %#x (10: bad not written "
              "alone, 11: not refused with threads, 12: wrong results)", st);
}

/* A thread that blocks SIGTRAP cannot be poked: running, it makes the
 * re-patch refused (the int3s taken back); asleep, it is left alone. */
static atomic_int spin_mode;               /* 1: spin, 2: sleep, 0: leave */

static void *blocking(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    while (atomic_load(&spin_mode))
        if (atomic_load(&spin_mode) == 2)
            usleep(1000);
    return NULL;
}

Test(x86_live, a_running_thread_that_blocks_sigtrap_is_refused_asleep_it_is_not)
{
    lib l;
    open_lib(&l);
    atomic_store(&spin_mode, 1);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, blocking, NULL), 0);
    state s;
    snapshot(&l, &s);
    pvp_error err = { 0 };
    cr_assert_eq(patch(&l, "good", &err), PVP_E_UNSUPPORTED);
    cr_assert(strstr(err.what, "blocks SIGTRAP"), "%s", err.what);
    assert_same(&l, &s, "refused: a running thread blocks SIGTRAP");
    atomic_store(&spin_mode, 2);
    usleep(20000);
    cr_assert_eq(patch(&l, "good", &err), PVP_OK, "the thread sleeps in a system call: %s", err.what);
    cr_assert_eq(l.site(5), 16);
    atomic_store(&spin_mode, 0);
    pthread_join(t, NULL);
}

Test(x86_live, the_patched_code_stays_in_the_file_mapping)
{
    lib l;
    open_lib(&l);
    pthread_t t = start_worker(&l);
    pvp_error err = { 0 };
    cr_assert_eq(patch(&l, "good", &err), PVP_OK, "%s", err.what);
    cr_assert_eq(patch(&l, "calls", &err), PVP_OK, "%s", err.what);
    stop_worker(t);
    cr_assert(strstr(x86_mapping_name((uintptr_t)l.code), "libpvlive.so"),
              "perf and gdb still find the file: %s", x86_mapping_name((uintptr_t)l.code));
    cr_assert_str_eq(x86_perms_at((uintptr_t)l.code), "r-xp");
}

static atomic_int theirs;

static void their_handler(int sig)
{
    (void)sig;
    atomic_fetch_add(&theirs, 1);
}

Test(x86_live, a_sigtrap_that_is_not_the_protocols_reaches_the_programs_handler)
{
    lib l;
    open_lib(&l);
    signal(SIGTRAP, their_handler);
    pthread_t t = start_worker(&l);
    pvp_error err = { 0 };
    cr_assert_eq(patch(&l, "good", &err), PVP_OK, "%s", err.what);
    stop_worker(t);
    struct sigaction now;
    sigaction(SIGTRAP, NULL, &now);
    cr_assert((now.sa_flags & SA_SIGINFO) && now.sa_sigaction, "the protocol's handler is in place");
    raise(SIGTRAP);
    __asm__ volatile("int3");
    cr_assert_eq(atomic_load(&theirs), 2, "raise and a stray int3 reach the program's handler");
}
