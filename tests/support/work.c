/* Test support: work space for patch requests. */
#include "work.h"

#include <stdlib.h>

#include "pvpatch/patch.h"

void *test_work(uint64_t sites_size, size_t *size)
{
    static void *work;
    static size_t cap;
    size_t need = pvp_patch_work_size(pvp_site_count(sites_size));
    if (need > cap) {
        free(work);
        work = malloc(need);
        cap = need;
    }
    *size = cap;
    return work;
}

void *test_cache(size_t size)
{
    static void *cache;
    static size_t cap;
    if (size > cap) {
        free(cache);
        cache = malloc(size);
        cap = size;
    }
    return cache;
}
