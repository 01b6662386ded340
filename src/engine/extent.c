/* Live site extents, sorted: heapsort in place (no recursion, no
 * allocation), skipped when the table is in address order already, as a
 * table from one object is. */
#include "engine/extent.h"

size_t pvp_patch_work_size(size_t nsites)
{
    return 2 * nsites * sizeof(pvp_extent);      /* a split site has two parts */
}

pvp_extent *pvp_work_extents(const pvp_patch_req *req)
{
    size_t n = pvp_site_count(req->sites_size);
    if (!req->work || (uintptr_t)req->work % _Alignof(pvp_extent) || req->work_size < pvp_patch_work_size(n))
        return NULL;
    return req->work;
}

static void sift_down(pvp_extent *e, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && e[child + 1].at > e[child].at)
            child++;
        if (e[root].at >= e[child].at)
            return;
        pvp_extent t = e[root];
        e[root] = e[child];
        e[child] = t;
    }
}

static void sort_extents(pvp_extent *e, size_t n)
{
    size_t k = 1;
    while (k < n && e[k - 1].at <= e[k].at)
        k++;
    if (k >= n)
        return;                            /* sorted already */
    for (size_t i = n / 2; i-- > 0;)
        sift_down(e, i, n);
    for (size_t end = n; end-- > 1;) {
        pvp_extent t = e[0];
        e[0] = e[end];
        e[end] = t;
        sift_down(e, 0, end);
    }
}

void pvp_live_extents(const pvp_image *img, const pvp_patch_req *req, pvp_extent *out, size_t *n)
{
    pvp_site_table t = pvp_site_table_of(img, req->arch, req->sites, req->sites_size);
    *n = 0;
    for (size_t i = 0; i < t.count; i++) {
        pvp_site s;
        uint64_t at;
        uint64_t ool_at;
        if (pvp_site_get(&t, i, &s, NULL) != PVP_OK ||
            !pvp_site_live(&s, req->set, req->count, &at) || pvp_site_idle(&s, req->mode))
            continue;
        out[(*n)++] = (pvp_extent){ at, (uint32_t)(s.end - s.addr), (uint32_t)i };
        if (s.ool && pvp_site_ool_at(&s, req->set, req->count, at, &ool_at) == PVP_OK)
            out[(*n)++] = (pvp_extent){ ool_at, (uint32_t)(s.ool_end - s.ool), (uint32_t)i };
    }
    sort_extents(out, *n);
}

size_t pvp_extent_after(const pvp_extent *e, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].at + e[mid].len <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
