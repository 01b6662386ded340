/* Private to the runtime: writing bytes into the program's own code, by one
 * of two methods (docs/x86_64.md, "How code is written"):
 * - /proc/self/mem: the kernel writes through its own mapping of the page
 *   (breaking copy-on-write), the program's mapping stays read-execute and
 *   file-backed, and other threads may go on running the page;
 * - remap: a fresh read-execute copy of each run of pages, made while
 *   read-write and never executable, moved over the old pages by mremap;
 *   the pages become anonymous memory.
 * A session checks everything once (the mappings, seals, the method), then
 * writes any number of times: the live protocol writes in three phases. */
#ifndef PVPATCH_RUNTIME_TEXT_H
#define PVPATCH_RUNTIME_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/runtime.h"
#include "maps.h"

typedef struct pvp_rt_text {
    int method;              /* PVP_TEXT_PROC_MEM or PVP_TEXT_REMAP */
    int fd;                  /* /proc/self/mem, or -1 */
    uintptr_t page;
} pvp_rt_text;

/* Check that every edit of `sorted` (sorted by address, not overlapping,
 * not empty) lies in private read-execute code of `maps` that is not
 * sealed, and choose the method (pvp_text_set_method; AUTO tries
 * /proc/self/mem on each mapping and falls back to remap). Nothing written. */
int pvp_rt_text_open(pvp_rt_text *t, const pvp_text_edit *sorted, size_t n, const pvp_rt_maps *maps,
                     pvp_error *err);
/* Write the edits (sorted, not overlapping, inside what open checked): all
 * of them, or none (what was written is put back; if even that fails, the
 * error says so). */
int pvp_rt_text_put(pvp_rt_text *t, const pvp_text_edit *sorted, size_t n, pvp_error *err);
/* End the session; this thread's later fetches see what was written. */
void pvp_rt_text_close(pvp_rt_text *t);

/* Sort, open, put, close: pvp_text_write with the mappings already read. */
int pvp_rt_text_write(const pvp_text_edit *edits, size_t n, const pvp_rt_maps *maps, pvp_error *err);

/* Copy edits into `sorted` by address and refuse empty, wrapping or overlapping ones. */
int pvp_rt_text_sort(const pvp_text_edit *edits, size_t n, pvp_text_edit *sorted, pvp_error *err);

#endif
