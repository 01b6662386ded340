/* Private to the runtime: images of the running program made of shadows.
 * The engine writes only into malloc'ed copies of what it may change; the
 * runtime writes them back (code through pvp_text_write) once all is well. */
#ifndef PVPATCH_RUNTIME_SHADOW_H
#define PVPATCH_RUNTIME_SHADOW_H

#include <stdint.h>
#include "pvpatch/image.h"
#include "pvpatch/runtime.h"

/* Add [addr, addr+size) as range img->nranges (at most max): a copy when
 * `shadow`, the memory in place otherwise. PVP_E_NO_SPACE when full or out of memory. */
int pvp_rt_range_add(pvp_image *img, size_t max, uintptr_t addr, size_t size, int shadow,
                     uint32_t flags, const char *name);
/* 1 if the range's bytes are a copy rather than the memory at its address. */
int pvp_rt_is_shadow(const pvp_range *r);
/* Free every copy of the image. */
void pvp_rt_ranges_free(pvp_image *img);
/* The edit writing a code shadow's changes back, first to last changed
 * byte; 0 if nothing changed. */
int pvp_rt_changed(const pvp_range *shadow, pvp_text_edit *e);
/* Copy a data shadow back to its memory: each changed aligned word in one store. */
void pvp_rt_write_back(const pvp_range *shadow);

#endif
