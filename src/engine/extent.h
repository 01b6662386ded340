/* Internal: extents of live sites, sorted by address in caller-provided
 * work space, so that overlap checks and the verifier's walk over changed
 * bytes are linear merges instead of all-pairs scans. */
#ifndef PVP_ENGINE_EXTENT_H
#define PVP_ENGINE_EXTENT_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/patch.h"

/* Where a live site's code is now, and which record it is. */
typedef struct pvp_extent {
    uint64_t at;
    uint32_t len;
    uint32_t index;            /* site record index */
} pvp_extent;

/* The work space of a request as an extent array; NULL if it is missing,
 * misaligned or too small for the site table. */
pvp_extent *pvp_work_extents(const pvp_patch_req *req);
/* Fill `out` with the extents of the live sites of the request's table, in
 * address order (two for a split site: its parts); *n gets their number. Records that cannot be read are
 * skipped here: the caller's own walk reports them. */
void pvp_live_extents(const pvp_image *img, const pvp_patch_req *req, pvp_extent *out, size_t *n);
/* The index of the first extent of sorted `e` that ends after addr (n if none). */
size_t pvp_extent_after(const pvp_extent *e, size_t n, uint64_t addr);

#endif
