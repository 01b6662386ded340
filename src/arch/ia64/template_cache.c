/* Prepared templates for the length of one patch, in memory the engine
 * lends (pvp_code_req.cache): a table of entry offsets by the template's
 * address, then the entries, each as long as its template and followed by
 * its memo (the last layout, pvp_ia64_memo). All zero is an
 * empty cache (clearing zeroes the head only); when it is full, templates are
 * prepared again each time. */
#include "template.h"

#define SLOTS  512u                 /* entries at most; a patch uses a few per operation */
#define PROBES 8u

typedef struct cache_head {
    uint32_t next;                  /* bytes of entries used */
    uint32_t offset[SLOTS];         /* entry offset + 1 after the head, 0 when free */
} cache_head;

/* Entries start after the head, 8-byte aligned. */
#define HEAD ((sizeof(cache_head) + 7) & ~(size_t)7)

size_t pvp_ia64_prepared_size(size_t n)
{
    size_t s = sizeof(pvp_ia64_prepared) + n * sizeof(pvp_ia64_prep_item);
    return (s + 7) & ~(size_t)7;
}

static unsigned home(uint64_t tmpl_addr)
{
    return (unsigned)((tmpl_addr >> 4) ^ (tmpl_addr >> 13)) % SLOTS;
}

static cache_head *head_of(void *cache, size_t size)
{
    return cache && size > HEAD && (uintptr_t)cache % 8 == 0 ? cache : NULL;
}

static pvp_ia64_prepared *entry(cache_head *h, uint32_t off)
{
    return (pvp_ia64_prepared *)((char *)h + HEAD + off - 1);
}

pvp_ia64_memo *pvp_ia64_cache_memo(pvp_ia64_prepared *e)
{
    return (pvp_ia64_memo *)((char *)e + pvp_ia64_prepared_size(e->n));
}

pvp_ia64_prepared *pvp_ia64_cache_find(void *cache, size_t size, uint64_t tmpl_addr, uint64_t tmpl_size)
{
    cache_head *h = head_of(cache, size);
    for (unsigned k = 0, s = home(tmpl_addr); h && k < PROBES && h->offset[s]; k++, s = (s + 1) % SLOTS) {
        pvp_ia64_prepared *p = entry(h, h->offset[s]);
        if (p->tmpl_addr == tmpl_addr && p->tmpl_size == tmpl_size)
            return p;
    }
    return NULL;
}

void pvp_ia64_cache_clear(void *cache, size_t size)
{
    cache_head *h = head_of(cache, size);
    for (size_t b = 0; h && b < sizeof *h; b++)
        ((uint8_t *)h)[b] = 0;
}

pvp_ia64_prepared *pvp_ia64_cache_add(void *cache, size_t size, const pvp_ia64_prepared *p)
{
    cache_head *h = head_of(cache, size);
    size_t bytes = pvp_ia64_prepared_size(p->n), memo = (sizeof(pvp_ia64_memo) + 7) & ~(size_t)7;
    if (!h || h->next + bytes + memo > size - HEAD)
        return NULL;
    for (unsigned k = 0, s = home(p->tmpl_addr); k < PROBES; k++, s = (s + 1) % SLOTS)
        if (!h->offset[s]) {
            char *dst = (char *)h + HEAD + h->next;
            __builtin_memcpy(dst, p, bytes);
            pvp_ia64_prepared *e = (pvp_ia64_prepared *)dst;
            pvp_ia64_cache_memo(e)->valid = 0;
            h->offset[s] = h->next + 1;
            h->next += (uint32_t)(bytes + memo);
            return e;
        }
    return NULL;
}
