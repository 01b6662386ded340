/* The call-cost bench's pieces, each in its own file so that no compiler
 * sees through a call: the operation, the loops that call it in each way,
 * and the patchable sites. One operation throughout: x -> 3x + 1. */
#ifndef PVP_BENCH_CALL_H
#define PVP_BENCH_CALL_H

#include <stdint.h>

/* The operation behind every call (ops.c). */
uint64_t op_step(uint64_t x);

/* An ops table, as pv operations use: calls go through its slot. */
struct bench_ops {
    uint64_t (*step)(uint64_t);
};
extern struct bench_ops bench_ops __attribute__((visibility("hidden")));

/* The same operation as an IFUNC in a shared library, resolved at load (ifunc.c). */
uint64_t ifunc_step(uint64_t x);

/* Each loop runs x = step(x) n times and returns x (loops.c, retpoline.c, sites.c). */
uint64_t loop_inline(uint64_t x, long n);
uint64_t loop_direct(uint64_t x, long n);
uint64_t loop_pointer(uint64_t x, long n);
uint64_t loop_pointer_retpoline(uint64_t x, long n);
uint64_t loop_ifunc(uint64_t x, long n);
uint64_t loop_site_direct(uint64_t x, long n);
uint64_t loop_site_inline(uint64_t x, long n);

/* A site record: where a `call *bench_ops(%rip)` is, and what it becomes. */
struct bench_site {
    uint64_t addr;
    uint32_t len;
    uint32_t form;      /* BENCH_FORM_* */
};
#define BENCH_FORM_DIRECT 1
#define BENCH_FORM_INLINE 2

/* The sites of sites.c, and the inline body a BENCH_FORM_INLINE site gets. */
extern const struct bench_site __start_bench_sites[], __stop_bench_sites[];
extern const uint8_t bench_inline_step[], bench_inline_step_end[];

#endif
