/* The pointer loop built with -mindirect-branch=thunk: the indirect call
 * goes through a retpoline, as in kernels built against Spectre v2. */
#include "call.h"

uint64_t loop_pointer_retpoline(uint64_t x, long n)
{
    for (long i = 0; i < n; i++)
        x = bench_ops.step(x);
    return x;
}
