/* Private to the runtime: what /proc/self/maps says about a range. */
#ifndef PVPATCH_RUNTIME_MAPS_H
#define PVPATCH_RUNTIME_MAPS_H

#include <stdint.h>
#include "pvpatch/install.h"

/* What a range must be. */
enum pvp_rt_need {
    PVP_RT_TEXT,     /* private, readable, executable, not writable, not vdso */
    PVP_RT_DATA,     /* readable and writable */
};

/* PVP_OK if every byte of [start, end) lies in mappings of the kind needed;
 * else an error naming the first offending address and why. */
int pvp_rt_maps_check(uintptr_t start, uintptr_t end, enum pvp_rt_need need, pvp_error *err);

/* Record an error (err may be NULL) and return its status. */
int pvp_rt_fail(pvp_error *err, int status, uintptr_t addr, const char *what);

#endif
