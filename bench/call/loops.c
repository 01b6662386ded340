/* The loops compiled the ordinary way. */
#include "call.h"

uint64_t loop_inline(uint64_t x, long n)
{
    for (long i = 0; i < n; i++) {
        x = 3 * x + 1;
        __asm__ volatile("" : "+r"(x));   /* one step per iteration: no folding, no vectors */
    }
    return x;
}

uint64_t loop_direct(uint64_t x, long n)
{
    for (long i = 0; i < n; i++)
        x = op_step(x);
    return x;
}

uint64_t loop_pointer(uint64_t x, long n)
{
    for (long i = 0; i < n; i++)
        x = bench_ops.step(x);
    return x;
}

uint64_t loop_ifunc(uint64_t x, long n)
{
    for (long i = 0; i < n; i++)
        x = ifunc_step(x);
    return x;
}
