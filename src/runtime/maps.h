/* Private to the runtime: /proc/self/maps read once per call, then asked
 * whether ranges are program text or writable data. */
#ifndef PVPATCH_RUNTIME_MAPS_H
#define PVPATCH_RUNTIME_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/install.h"

/* What a range must be. */
enum pvp_rt_need {
    PVP_RT_TEXT,     /* private, readable, executable, not writable, not vdso */
    PVP_RT_DATA,     /* readable and writable */
};

/* One line of /proc/self/maps. */
typedef struct pvp_rt_mapping {
    uintptr_t lo, hi;
    char perms[5];           /* "r-xp" */
    const char *name;        /* "" for anonymous memory */
} pvp_rt_mapping;

/* The process's mappings, in address order, as read at one moment. */
typedef struct pvp_rt_maps {
    pvp_rt_mapping *m;
    size_t n;
    char *text;              /* the file's text: the names point into it */
} pvp_rt_maps;

/* Read /proc/self/maps. On error *maps is empty and err says why. */
int pvp_rt_maps_read(pvp_rt_maps *maps, pvp_error *err);
void pvp_rt_maps_free(pvp_rt_maps *maps);
/* The mapping holding addr, or NULL. */
const pvp_rt_mapping *pvp_rt_maps_find(const pvp_rt_maps *maps, uintptr_t addr);
/* PVP_OK if every byte of [start, end) lies in mappings of the kind needed;
 * else an error naming the first offending address and why. */
int pvp_rt_maps_check(const pvp_rt_maps *maps, uintptr_t start, uintptr_t end,
                      enum pvp_rt_need need, pvp_error *err);

/* Record an error (err may be NULL) and return its status. */
int pvp_rt_fail(pvp_error *err, int status, uintptr_t addr, const char *what);

#endif
