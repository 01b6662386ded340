/* The operation every row calls, and the ops table the pointer rows use. */
#include "call.h"

uint64_t op_step(uint64_t x)
{
    return 3 * x + 1;
}

struct bench_ops bench_ops = { op_step };
