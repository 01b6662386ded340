/* Internal: a template read and bundled once, kept for the length of one
 * patch (template_cache.c), so that laying it out at a site only gives it
 * the site's registers and addresses. */
#ifndef PVP_IA64_TEMPLATE_H
#define PVP_IA64_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>
#include "formats.h"
#include "pvpatch/arch.h"

#define PVP_IA64_MAX_ITEMS   48         /* 16 bundles of 3 slots */
#define PVP_IA64_MAX_BUNDLES 16
#define PVP_IA64_TARGET_END  1u         /* a target that is the template's end (no bundle is at 1) */

#define PVP_IA64_SUB_PRED    6u         /* a substitution of the predicate placeholder */
#define PVP_IA64_MAX_SUBS    PVP_IA64_MAX_FIELDS

/* One instruction of a prepared template, with what giving it a site's
 * registers means: which fields get which placeholder's register, and what
 * it writes besides them. */
typedef struct pvp_ia64_prep_item {
    pvp_ia64_item it;           /* placeholder registers; bundle and slot as laid out */
    uint64_t target;            /* IP-relative target kept, TARGET_END, or 0 */
    int16_t ref;                /* for a movl of a place in the template: the item it names (n: the end), else -1 */
    uint8_t no_qp;              /* it cannot be predicated (rfi, cover, bsw) */
    uint8_t qp;                 /* 1: gets the site's predicate; 2: the predicate placeholder's */
    uint8_t nsubs;
    uint8_t sub_field[PVP_IA64_MAX_SUBS];   /* field index in the row's format */
    uint8_t sub_what[PVP_IA64_MAX_SUBS];    /* placeholder 0-5, or SUB_PRED */
    uint8_t written_ph;         /* bit k: placeholder k is written (bit SUB_PRED: the predicate) */
    uint32_t br;                /* branch registers it writes */
    uint64_t gr[2], pr;         /* registers and predicates it writes that are no placeholder */
} pvp_ia64_prep_item;

/* What does not depend on the site: the template's items, laid out. */
typedef struct pvp_ia64_prepared {
    uint64_t tmpl_addr, tmpl_size;      /* which template (the cache's key) */
    int status;                         /* PVP_OK, or why it cannot be laid out anywhere */
    const char *why;
    uint16_t n, used;                   /* items, bundles */
    uint8_t anywhere;                   /* no item's code depends on where the site is (no target,
                                         * no self-reference): a layout is one of the registers */
    pvp_ia64_bundle bundles[PVP_IA64_MAX_BUNDLES];   /* templates and nops; items' slots are the site's */
    pvp_ia64_bundle nops, skip;         /* filler: MII nops; MIB nops with a branch to itself */
    pvp_ia64_prep_item item[];
} pvp_ia64_prepared;

/* The last layout of a cached template that lays out the same anywhere:
 * sites of one operation mostly have the same registers, and get the same
 * bytes. Kept after the template's entry in the cache. */
typedef struct pvp_ia64_memo {
    uint8_t valid, qp, pclob, regs[6];
    uint32_t allowed_br;
    uint64_t allowed_gr[2];
    uint64_t room, exit;                /* exit as an offset from the site */
    pvp_code_result res;
    uint8_t out[PVP_IA64_MAX_BUNDLES * 16];
} pvp_ia64_memo;

/* Bytes of a prepared template of n items. */
size_t pvp_ia64_prepared_size(size_t n);
/* The prepared template at tmpl_addr in the cache, or NULL. A cache is
 * caller memory, empty when all zero or cleared (pvp_ia64_cache_clear); NULL
 * or too small means no cache. */
pvp_ia64_prepared *pvp_ia64_cache_find(void *cache, size_t size, uint64_t tmpl_addr, uint64_t tmpl_size);
/* Empty a cache: its head (the index) zeroed, entries left as they are. */
void pvp_ia64_cache_clear(void *cache, size_t size);
/* Keep a copy of p in the cache when there is room, with an empty memo: the
 * copy, or NULL (then nothing is kept). */
pvp_ia64_prepared *pvp_ia64_cache_add(void *cache, size_t size, const pvp_ia64_prepared *p);
/* The memo of an entry of the cache (only those have one). */
pvp_ia64_memo *pvp_ia64_cache_memo(pvp_ia64_prepared *entry);

#endif
