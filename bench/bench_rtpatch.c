#define _GNU_SOURCE
/* What pvp_rt_patch costs, for 56 and for 1000 sites, in one run: two
 * shared libraries (bench/rtpatch/sites.c, built with NSITES = 56 and
 * 1000), each re-patched back and forth between an inline body and a
 * direct call, every site changing each time. First with no other thread
 * (start-up: the bytes are written as they are), then while worker threads
 * run every site and check every result (the breakpoint protocol). Each
 * figure is the median of the runs' times, with the fastest, and the
 * patching thread's CPU time (with threads spinning on two cores, the
 * patcher gets a share of the CPU, and waits the rest); the goals:
 * 56 sites under 1.4 ms (Linux's text_poke_bp, 56 sites), 1000 under 10 ms. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pvpatch/runtime.h"

#ifndef RTPATCH_DIR
#define RTPATCH_DIR "build/bench/rtpatch"
#endif
#define RUNS     41
#define WORKERS  2

typedef struct lib {
    const char *file;
    pvp_rt_records recs;
    uint64_t (*run)(uint64_t);
    unsigned (*count)(void);
} lib;

static lib libs[2] = { { "libbenchsites56.so", { 0 }, NULL, NULL },
                       { "libbenchsites1000.so", { 0 }, NULL, NULL } };
static atomic_int stop;
static atomic_ulong wrong, rounds;

/* This thread's CPU time, in seconds. */
static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void open_lib(lib *l)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", RTPATCH_DIR, l->file);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    void (*records)(pvp_rt_records *) = h ? (void (*)(pvp_rt_records *))(uintptr_t)dlsym(h, "bench_records") : NULL;
    l->run = h ? (uint64_t (*)(uint64_t))(uintptr_t)dlsym(h, "bench_run") : NULL;
    l->count = h ? (unsigned (*)(void))(uintptr_t)dlsym(h, "bench_count") : NULL;
    if (!records || !l->run || !l->count) {
        fprintf(stderr, "bench_rtpatch: %s: %s\n", path, h ? "missing symbols" : dlerror());
        exit(1);
    }
    records(&l->recs);
}

/* What bench_run must return: every site computes 3x + 1. */
static uint64_t expected(const lib *l, uint64_t x)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < l->count(); i++)
        sum += 3 * (x + i) + 1;
    return sum;
}

static void *worker(void *arg)
{
    uint64_t x = (uintptr_t)arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        for (int k = 0; k < 2; k++)
            if (libs[k].run(x) != expected(&libs[k], x))
                atomic_fetch_add(&wrong, 1);
        atomic_fetch_add_explicit(&rounds, 1, memory_order_relaxed);
        x++;
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median and fastest of RUNS re-patches of l (alternately inline and direct), and the
 * mean CPU time of this thread per re-patch, in ms. */
static void measure(const lib *l, double *median, double *best, double *cpu)
{
    static const char *const modes[2] = { "fast", "calls" };
    double t[RUNS], c0 = 0;
    for (int r = 0; r < RUNS + 1; r++) {
        if (r == 1)
            c0 = cpu_now();
        pvp_patch_report rep;
        pvp_error err = { 0 };
        double t0 = now();
        int rc = pvp_rt_patch(&l->recs, modes[r % 2], PVP_POLICY_BEST, &rep, &err);
        double dt = (now() - t0) * 1e3;
        if (rc || rep.changed != l->count()) {
            fprintf(stderr, "bench_rtpatch: %s to %s: %#llx: %s (%llu changed)\n", l->file,
                    modes[r % 2], (unsigned long long)err.addr, rc ? err.what : "ok",
                    (unsigned long long)rep.changed);
            exit(1);
        }
        if (r)                                  /* the first one leaves the as-built form */
            t[r - 1] = dt;
    }
    *cpu = (cpu_now() - c0) * 1e3 / RUNS;
    qsort(t, RUNS, sizeof t[0], by_value);
    *median = t[RUNS / 2];
    *best = t[0];
}

static void report(const char *when)
{
    double m[2], b[2], c[2];
    for (int k = 0; k < 2; k++)
        measure(&libs[k], &m[k], &b[k], &c[k]);
    printf("  %-34s %7.3f ms (fastest %6.3f)  %7.3f ms (fastest %6.3f)  %5.1fx for %.1fx the sites\n",
           when, m[0], b[0], m[1], b[1], m[1] / m[0], 1000.0 / 56);
    printf("  %-34s %7.3f ms of CPU              %7.3f ms of CPU\n", "", c[0], c[1]);
}

int main(void)
{
    for (int k = 0; k < 2; k++)
        open_lib(&libs[k]);
    printf("pvp_rt_patch: every site re-patched (inline <-> direct call), median of %d runs\n", RUNS);
    printf("  %-34s %26s  %26s\n", "", "56 sites (goal < 1.4 ms)", "1000 sites (goal < 10 ms)");
    report("no other thread (start-up)");
    pthread_t tid[WORKERS];
    for (int t = 0; t < WORKERS; t++)
        pthread_create(&tid[t], NULL, worker, (void *)(uintptr_t)(t * 1000));
    char when[64];
    snprintf(when, sizeof when, "%d threads running the sites", WORKERS);
    report(when);
    atomic_store(&stop, 1);
    for (int t = 0; t < WORKERS; t++)
        pthread_join(tid[t], NULL);
    printf("  the threads ran every site %lu times meanwhile, %lu wrong results\n",
           atomic_load(&rounds), atomic_load(&wrong));
    return atomic_load(&wrong) ? 1 : 0;
}
