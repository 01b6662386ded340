/* Private to the runtime: the SIGTRAP handler of live re-patching and the
 * sites it knows (src/runtime/live.c, docs/x86_64.md "Re-patching while
 * threads run").
 *
 * What the handler does with a SIGTRAP:
 * - at the int3 on a known site's first byte (si_code SI_KERNEL): while the
 *   int3 is there, it runs the whole site for the thread as a call of the
 *   site's function (return address: the site's end; rip: the function);
 *   once the int3 is gone (the signal was late), it sends the thread back
 *   to the site's first byte, which is whole code again;
 * - from any source, when the thread stopped inside a known restartable
 *   site (after its first byte, before its end): it sends it back to the
 *   site's first byte (pvp_x86_restartable says that is right). The pokes
 *   of live.c are for this;
 * - anything else goes to the handler that was there before (or, if that
 *   was the default, the default action is taken).
 * The handler is installed on the first live re-patch and stays: a late
 * signal must still find it. It takes no lock and allocates nothing. */
#ifndef PVPATCH_RUNTIME_TRAP_H
#define PVPATCH_RUNTIME_TRAP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "pvpatch/install.h"
#include "maps.h"
#include "pvpatch/runtime.h"

/* A site, as the handler knows it. */
typedef struct pvp_rt_site {
    uintptr_t at, end;
    _Atomic uintptr_t fn;        /* what a thread arriving at the int3 calls; 0: no int3 written yet */
    atomic_int restartable;      /* every code the site held since it was known passes pvp_x86_restartable */
} pvp_rt_site;

/* The sites of one module (executable or shared library), by address. */
typedef struct pvp_rt_module pvp_rt_module;

/* Where a site is, for pvp_rt_trap_module. */
typedef struct pvp_rt_extent {
    uintptr_t at, end;
} pvp_rt_extent;

/* The handler's record of a module's sites: the one made before if the
 * extents (sorted, not overlapping) are the same, else a new one, which
 * replaces it. Modules whose code is no longer mapped from the file it was
 * mapped from when recorded (dlclose) are forgotten first. Records are
 * never freed: a late signal may still read them. */
pvp_rt_module *pvp_rt_trap_module(const void *key, const pvp_rt_extent *e, size_t n,
                                  const pvp_rt_maps *maps, pvp_error *err);
/* The record of the site starting at `at` in module m, or NULL. */
pvp_rt_site *pvp_rt_trap_site(pvp_rt_module *m, uintptr_t at);
/* Install the handler if it is not the one in place (keeping the one
 * before for other SIGTRAPs). */
int pvp_rt_trap_install(pvp_error *err);
/* The value a poke carries, so that the handler knows its own. */
void *pvp_rt_trap_cookie(void);

/* Count a live re-patch, or pokes sent (pvp_rt_live_stats). */
void pvp_rt_trap_count_patch(void);
void pvp_rt_trap_count_pokes(uint64_t n);

#endif
