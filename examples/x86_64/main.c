/* pvexample: a hot loop built once on pv operations (PVP_CALL sites, C form:
 * indirect calls through the live ops table), patched at start-up to the
 * mode named on the command line by pvp_rt_patch, then run. Every mode
 * computes the same hash; the counting mode also says how often each
 * operation ran.
 *
 *     pvexample [MODE [ROUNDS]]     MODE: native, counting, portable, or
 *                                   none (leave the sites as built) */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pvops.h"
#include "pvpatch/runtime.h"
#include "pvpatch/x86_64/site.h"

#define DEFAULT_ROUNDS 1000000ul

/* The hot path: four pv operations per round. */
static uint64_t hash_rounds(unsigned long rounds)
{
    uint64_t h = 0x243f6a8885a308d3u;
    for (unsigned long i = 0; i < rounds; i++) {
        uint64_t x = PVP_CALL(EX_OP_SWAP, i * 0x9e3779b97f4a7c15u);
        x = PVP_CALL(EX_OP_ROTL, x, i);
        h = PVP_CALL(EX_OP_MIX, h, x);
        h ^= PVP_CALL(EX_OP_CLAMP, h >> 40, 1000000);
    }
    return h;
}

static void list_modes(void)
{
    pvp_rt_records recs = PVP_RT_RECORDS();
    pvp_mode modes[8];
    size_t n = 0;
    if (pvp_rt_modes(&recs, modes, 8, &n, NULL) == PVP_OK)
        for (size_t k = 0; k < n; k++)
            fprintf(stderr, " %s", modes[k].name);
    fprintf(stderr, " none\n");
}

/* Patch every site to `mode` and say what became of them. */
static int patch(const char *mode)
{
    pvp_rt_records recs = PVP_RT_RECORDS();
    pvp_patch_report rep;
    pvp_error err = { 0 };
    if (pvp_rt_patch(&recs, mode, PVP_POLICY_BEST, &rep, &err)) {
        fprintf(stderr, "pvexample: cannot patch to %s: %#llx: %s\nmodes:", mode,
                (unsigned long long)err.addr, err.what);
        list_modes();
        return 1;
    }
    printf("pvexample: patched to %s: %llu sites: %llu A, %llu B, %llu C; %llu changed, "
           "%llu bytes of filler, %llu jumped over\n",
           mode, (unsigned long long)rep.sites, (unsigned long long)rep.to_form[PVP_FORM_A],
           (unsigned long long)rep.to_form[PVP_FORM_B], (unsigned long long)rep.to_form[PVP_FORM_C],
           (unsigned long long)rep.changed, (unsigned long long)rep.filler_bytes,
           (unsigned long long)rep.skips);
    return 0;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "none";
    unsigned long rounds = argc > 2 ? strtoul(argv[2], NULL, 0) : DEFAULT_ROUNDS;
    if (strcmp(mode, "none") == 0)
        printf("pvexample: sites left as built (C: calls through the live ops table)\n");
    else if (patch(mode))
        return 1;
    double t = seconds();
    uint64_t h = hash_rounds(rounds);
    t = seconds() - t;
    printf("pvexample: %lu rounds: hash %#018llx\n", rounds, (unsigned long long)h);
    if (strcmp(mode, "counting") == 0)
        printf("pvexample: counted: mix %lu, rotl %lu, swap %lu, clamp %lu\n",
               ex_counts[EX_OP_MIX], ex_counts[EX_OP_ROTL], ex_counts[EX_OP_SWAP],
               ex_counts[EX_OP_CLAMP]);
    fprintf(stderr, "pvexample: %.2f ns per round\n", t * 1e9 / (double)(rounds ? rounds : 1));
    return 0;
}
