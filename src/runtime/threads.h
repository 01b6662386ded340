/* Private to the runtime: the other threads of the process during a live
 * re-patch (live.c). They are found in /proc/self/task. */
#ifndef PVPATCH_RUNTIME_THREADS_H
#define PVPATCH_RUNTIME_THREADS_H

#include <stddef.h>
#include "pvpatch/install.h"
#include "trap.h"

/* How many threads the process has besides the calling one. */
int pvp_rt_threads_others(size_t *count, pvp_error *err);

/* With the int3s on the changing sites' first bytes visible to every
 * thread: make each other thread unable to run a changing site's bytes
 * past its first one. A thread that takes SIGTRAP is poked (a queued
 * SIGTRAP the handler answers by sending it back to the first byte of the
 * site it is inside, before it runs any other user instruction); a thread
 * that blocks SIGTRAP must be asleep outside those sites (it is given a
 * moment to get there), else PVP_E_UNSUPPORTED. `changing` are the sites'
 * extents. A poke reaches a running thread at the caller's next membarrier. */
int pvp_rt_threads_poke(const pvp_rt_extent *changing, size_t n, pvp_error *err);

#endif
