#define _POSIX_C_SOURCE 200809L
/* What a call costs, side by side in one run: the ways a pv operation can be
 * reached (function pointer, the same behind a retpoline, an IFUNC through
 * the PLT) against hand-written direct call and inline code, and the two
 * patched forms. The patched rows are a bench-local experiment until the
 * PVP_CALL site patcher lands: sites.c's `call *bench_ops(%rip)` sites are
 * rewritten at start-up by the runtime writer (pvp_text_write) into a direct
 * call or the inline body, padded with a nop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pvpatch/runtime.h"
#include "pvpatch/x86_64.h"
#include "call/call.h"

#define CALLS  50000000L
#define RUNS   7
#define NSITES 16

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The new bytes of one site: a direct call or the inline body, then nops. */
static int site_bytes(const struct bench_site *s, uint8_t *out, pvp_error *err)
{
    pvp_x86_insn in;
    int rc = pvp_x86_decode((const uint8_t *)(uintptr_t)s->addr, s->len, s->addr, &in);
    if (rc || in.len != s->len || in.form != PVP_X86_RIP32 ||
        in.target != (uintptr_t)&bench_ops.step) {
        err->addr = s->addr;
        err->what = "not a `call *bench_ops(%rip)` site";
        return PVP_E_UNKNOWN_OP;
    }
    size_t used = 5;
    if (s->form == BENCH_FORM_DIRECT) {
        rc = pvp_x86_put_call(out, s->len, s->addr, (uintptr_t)op_step, err);
    } else {
        used = (size_t)(bench_inline_step_end - bench_inline_step);
        if (used > s->len) {
            err->addr = s->addr;
            err->what = "inline body longer than the site";
            return PVP_E_NO_SPACE;
        }
        memcpy(out, bench_inline_step, used);
    }
    pvp_x86_nop_fill(out + used, s->len - used);
    return rc;
}

static void patch_sites(void)
{
    static uint8_t bytes[NSITES][16];
    pvp_text_edit edits[NSITES];
    size_t n = 0;
    pvp_error err = { 0 };
    for (const struct bench_site *s = __start_bench_sites; s < __stop_bench_sites; s++, n++) {
        if (n == NSITES || site_bytes(s, bytes[n], &err)) {
            fprintf(stderr, "bench_call: site %#llx: %s\n", (unsigned long long)err.addr,
                    n == NSITES ? "too many sites" : err.what);
            exit(1);
        }
        edits[n] = (pvp_text_edit){ (uintptr_t)s->addr, bytes[n], s->len };
    }
    if (pvp_text_write(edits, n, &err)) {
        fprintf(stderr, "bench_call: patching %#llx: %s\n", (unsigned long long)err.addr, err.what);
        exit(1);
    }
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
    { "patched direct call (bench-local)", loop_site_direct, 0, "within 5%", 0, 0 },
    { "patched inline (bench-local)", loop_site_inline, 1, "within 2%", 0, 0 },
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
    return 0;
}
