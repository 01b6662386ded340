/* The call-cost bench's pieces, each in its own file so that no compiler
 * sees through a call: the operation, the loops that call it in each way,
 * and the pv operation sites. One operation throughout: x -> 3x + 1. */
#ifndef PVP_BENCH_CALL_H
#define PVP_BENCH_CALL_H

#include <stdint.h>

/* The operation behind every call (ops.c); entered from PVP_CALL sites too,
 * with the stack aligned to 8 only (pvpatch/x86_64/site.h). */
uint64_t op_step(uint64_t x) __attribute__((force_align_arg_pointer));

/* An ops table, as pv operations use: calls go through its slot. */
struct bench_ops {
    uint64_t (*step)(uint64_t);
};
extern struct bench_ops bench_ops __attribute__((visibility("hidden")));

/* The same operation as an IFUNC in a shared library, resolved at load (ifunc.c). */
uint64_t ifunc_step(uint64_t x);

/* Each loop runs x = step(x) n times and returns x (loops.c, retpoline.c,
 * sites.c: PVP_CALL sites, patched by pvp_rt_patch before timing). */
uint64_t loop_inline(uint64_t x, long n);
uint64_t loop_direct(uint64_t x, long n);
uint64_t loop_pointer(uint64_t x, long n);
uint64_t loop_pointer_retpoline(uint64_t x, long n);
uint64_t loop_ifunc(uint64_t x, long n);
uint64_t loop_site_direct(uint64_t x, long n);
uint64_t loop_site_inline(uint64_t x, long n);

#endif
