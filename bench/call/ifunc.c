/* A shared library exporting the operation as an IFUNC, as glibc exports
 * memcpy: callers reach it through their PLT, an indirect jump via the GOT. */
#include "call.h"

static uint64_t step_generic(uint64_t x)
{
    return 3 * x + 1;
}

static uint64_t (*resolve_step(void))(uint64_t)
{
    return step_generic;
}

uint64_t ifunc_step(uint64_t x) __attribute__((ifunc("resolve_step")));
