/* Internal: a template read and bundled once, kept for the length of one
 * patch (template_cache.c), so that laying it out at a site only gives it
 * the site's registers and addresses. */
#ifndef PVP_IA64_TEMPLATE_H
#define PVP_IA64_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>
#include "formats.h"

#define PVP_IA64_MAX_ITEMS   48         /* 16 bundles of 3 slots */
#define PVP_IA64_MAX_BUNDLES 16
#define PVP_IA64_TARGET_END  1u         /* a target that is the template's end (no bundle is at 1) */

/* One instruction of a prepared template. */
typedef struct pvp_ia64_prep_item {
    pvp_ia64_item it;           /* placeholder registers; bundle and slot as laid out */
    uint64_t target;            /* IP-relative target kept, TARGET_END, or 0 */
    int16_t ref;                /* for a movl of a place in the template: the item it names (n: the end), else -1 */
} pvp_ia64_prep_item;

/* What does not depend on the site: the template's items, laid out. */
typedef struct pvp_ia64_prepared {
    uint64_t tmpl_addr, tmpl_size;      /* which template (the cache's key) */
    int status;                         /* PVP_OK, or why it cannot be laid out anywhere */
    const char *why;
    uint16_t n, used;                   /* items, bundles */
    pvp_ia64_bundle bundles[PVP_IA64_MAX_BUNDLES];   /* templates and nops; items' slots are the site's */
    pvp_ia64_prep_item item[];
} pvp_ia64_prepared;

/* Bytes of a prepared template of n items. */
size_t pvp_ia64_prepared_size(size_t n);
/* The prepared template at tmpl_addr in the cache, or NULL. A cache is
 * caller memory, all zero when empty; NULL or too small means no cache. */
const pvp_ia64_prepared *pvp_ia64_cache_find(const void *cache, size_t size, uint64_t tmpl_addr,
                                             uint64_t tmpl_size);
/* Keep a copy of p in the cache when there is room (silently not otherwise). */
void pvp_ia64_cache_add(void *cache, size_t size, const pvp_ia64_prepared *p);

#endif
