/* Private to the runtime: rewriting sites while other threads run them, by
 * the breakpoint protocol (live.c, docs/x86_64.md "Re-patching while
 * threads run"). */
#ifndef PVPATCH_RUNTIME_LIVE_H
#define PVPATCH_RUNTIME_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include "text.h"
#include "trap.h"

/* One site to rewrite: `len` bytes at `at` go from `old` to `now`; a
 * thread arriving meanwhile calls `fn` (the new mode's function for the
 * site's operation). `rec` is the handler's record of the site. */
typedef struct pvp_rt_change {
    uintptr_t at;
    size_t len;
    const uint8_t *old, *now;
    uintptr_t fn;
    pvp_rt_site *rec;
} pvp_rt_change;

/* Write the changes (sorted by address, not overlapping). With `others`
 * (other threads may run the sites): everything that can be refused is
 * refused before a byte is written (the kernel's membarrier with SYNC_CORE,
 * registered here; no shadow stack; the handler; for each change a
 * function to call, and old and new code that pass pvp_x86_restartable),
 * then the breakpoint protocol; a failure after the first write puts the
 * old code back the same way. Without: the bytes are written as they are,
 * and the records note whether the new code is restartable. */
int pvp_rt_sites_write(pvp_rt_text *t, const pvp_rt_change *c, size_t n, int others,
                       pvp_error *err);

#endif
