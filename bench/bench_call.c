#define _POSIX_C_SOURCE 200809L
/* What a call costs, side by side in one run: the ways a pv operation can be
 * reached (function pointer, the same behind a retpoline, an IFUNC through
 * the PLT) against hand-written direct call and inline code, and the two
 * patched forms: sites.c's PVP_CALL sites (indirect calls through the live
 * ops table, 16 bytes) patched at start-up by pvp_rt_patch into a direct
 * call or the inline body, filled with nops. The goals are checked by
 * paired runs: the patched loop and the hand-written one it is compared
 * with run one after the other, in alternating order, many times; the
 * median of the pairs' ratios is the figure (a shared machine slows both
 * of a pair alike, where a best-of-N of each drifts apart). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pvpatch/runtime.h"
#include "call/call.h"

#define CALLS  50000000L
#define RUNS   7
#define PAIRS  31
#define PAIR_CALLS 10000000L

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Patch the PVP_CALL sites of sites.c to mode "bench": inline where the
 * mode has a body, direct calls elsewhere. */
static void patch_sites(void)
{
    pvp_rt_records recs = PVP_RT_RECORDS();
    pvp_patch_report rep;
    pvp_error err = { 0 };
    if (pvp_rt_patch(&recs, "bench", PVP_POLICY_BEST, &rep, &err)) {
        fprintf(stderr, "bench_call: patching %#llx: %s\n", (unsigned long long)err.addr, err.what);
        exit(1);
    }
    if (!rep.to_form[PVP_FORM_A] || !rep.to_form[PVP_FORM_B] || rep.to_form[PVP_FORM_C]) {
        fprintf(stderr, "bench_call: the sites did not become inline and direct calls\n");
        exit(1);
    }
    printf("PVP_CALL sites patched by pvp_rt_patch: %llu inline (A), %llu direct calls (B)\n",
           (unsigned long long)rep.to_form[PVP_FORM_A], (unsigned long long)rep.to_form[PVP_FORM_B]);
}

typedef struct row {
    const char *name;
    uint64_t (*loop)(uint64_t, long);
    int vs_inline;          /* compare with hand-written inline rather than direct */
    const char *goal;
    double ns;
    uint64_t result;
} row;

static row rows[] = {
    { "hand-written inline", loop_inline, 1, NULL, 0, 0 },
    { "hand-written direct call", loop_direct, 0, NULL, 0, 0 },
    { "function pointer (well predicted)", loop_pointer, 0, NULL, 0, 0 },
    { "function pointer, retpoline", loop_pointer_retpoline, 0, NULL, 0, 0 },
    { "IFUNC through the PLT", loop_ifunc, 0, NULL, 0, 0 },
    { "patched direct call (PVP_CALL, B)", loop_site_direct, 0, NULL, 0, 0 },
    { "patched inline (PVP_CALL, A)", loop_site_inline, 1, NULL, 0, 0 },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* Best of RUNS, rows interleaved so that drifts of the clock hit all alike. */
static void measure(void)
{
    for (size_t r = 0; r < NROWS; r++)
        rows[r].ns = 1e30;
    for (int run = 0; run < RUNS; run++)
        for (size_t r = 0; r < NROWS; r++) {
            double t = now();
            rows[r].result = rows[r].loop(1, CALLS);
            t = (now() - t) * 1e9 / CALLS;
            if (t < rows[r].ns)
                rows[r].ns = t;
        }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double time_loop(uint64_t (*loop)(uint64_t, long))
{
    double t = now();
    loop(1, PAIR_CALLS);
    return now() - t;
}

/* The median of PAIRS ratios patched/hand, each pair run back to back (ABBA order). */
static void paired(const row *patched, const row *hand)
{
    double r[PAIRS];
    for (int k = 0; k < PAIRS; k++) {
        double a, b;
        if (k % 2) {
            b = time_loop(hand->loop);
            a = time_loop(patched->loop);
        } else {
            a = time_loop(patched->loop);
            b = time_loop(hand->loop);
        }
        r[k] = a / b;
    }
    qsort(r, PAIRS, sizeof r[0], by_value);
    printf("  %-36s %7.3fx (median of %d pairs; quartiles %.3f-%.3f)   goal: %s\n", patched->name,
           r[PAIRS / 2], PAIRS, r[PAIRS / 4], r[3 * PAIRS / 4],
           patched->vs_inline ? "<= 1.02x" : "<= 1.05x");
}

int main(void)
{
    patch_sites();
    measure();
    printf("call cost: %ld calls of x -> 3x+1, best of %d runs\n", CALLS, RUNS);
    printf("  %-36s %8s %10s %10s\n", "", "ns/call", "vs direct", "vs inline");
    for (size_t r = 0; r < NROWS; r++) {
        if (rows[r].result != rows[0].result) {
            fprintf(stderr, "bench_call: %s computed %llu, not %llu\n", rows[r].name,
                    (unsigned long long)rows[r].result, (unsigned long long)rows[0].result);
            return 1;
        }
        printf("  %-36s %8.3f %9.2fx %9.2fx", rows[r].name, rows[r].ns, rows[r].ns / rows[1].ns,
               rows[r].ns / rows[0].ns);
        if (rows[r].goal)
            printf("   goal: %s of hand-written %s", rows[r].goal,
                   rows[r].vs_inline ? "inline" : "direct");
        printf("\n");
    }
    printf("paired runs, patched over hand-written (%ld calls each):\n", PAIR_CALLS);
    paired(&rows[5], &rows[1]);
    paired(&rows[6], &rows[0]);
    return 0;
}
