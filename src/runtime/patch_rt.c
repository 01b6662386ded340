/* Patching the running program's own pv operation sites, at start-up or
 * while other threads run them.
 *
 * pvp_patch needs an image it may write; the image here is made of shadows
 * of what it writes (the code of the live sites, in spans of nearby sites;
 * the site records; the ops section with the live table) and of the
 * templates and mode records in place. The engine plans and commits into
 * the shadows, pvp_verify_patch compares them with the memory as it still
 * is; then the sites whose code changed are written (live.c: as they are
 * when no other thread exists, else by the breakpoint protocol), and only
 * when that succeeded are the data shadows copied back, which cannot fail:
 * their memory was checked writable first. /proc/self/maps is read once. */
#define _GNU_SOURCE
#include "pvpatch/runtime.h"
#include "pvpatch/x86_64.h"
#include "live.h"
#include "maps.h"
#include "shadow.h"
#include "threads.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MODES  64
#define SPAN_GAP   4096     /* sites closer than this share one code shadow */
#define FIXED_RANGES 5      /* sites, ops, modes, template entries, template code */

/* A live site: where its code is now, and its operation. */
typedef struct extent {
    uint64_t at, end;
    uint16_t op;
} extent;

typedef struct rt_patch {
    const pvp_rt_records *recs;
    pvp_rt_maps maps;                 /* /proc/self/maps, read once */
    pvp_image img;                    /* shadows where the engine writes */
    pvp_range *before;                /* the same ranges, as the memory is */
    size_t max;
    pvp_instance *set;
    size_t count;
    pvp_mode modes[MAX_MODES];
    size_t nmodes;
    const pvp_mode *mode;
    extent *live;                     /* the live sites, by address */
    size_t nlive;
    pvp_patch_req req;
    void *work;                   /* the request's work space */
    pvp_error *err;
} rt_patch;

static pthread_mutex_t patching = PTHREAD_MUTEX_INITIALIZER;   /* one re-patch at a time */

static uintptr_t at(const void *p)
{
    return (uintptr_t)p;
}

static size_t span_of(const void *start, const void *end)
{
    return (size_t)(at(end) - at(start));
}

static int add(rt_patch *p, const void *start, const void *end, int shadow, uint32_t flags,
               const char *name)
{
    size_t size = span_of(start, end);
    if (!size)
        return PVP_OK;
    if (shadow) {                     /* the engine writes it: data to write back, or code */
        int rc = pvp_rt_maps_check(&p->maps, at(start), at(end),
                                   flags & PVP_RANGE_EXEC ? PVP_RT_TEXT : PVP_RT_DATA, p->err);
        if (rc)
            return rc;
    }
    if (pvp_rt_range_add(&p->img, p->max, at(start), size, shadow, flags, name))
        return pvp_rt_fail(p->err, PVP_E_NO_SPACE, at(start), "out of memory for the shadows");
    return PVP_OK;
}

/* The records: site records and ops tables are written, the rest only read. */
static int add_records(rt_patch *p)
{
    const pvp_rt_records *r = p->recs;
    int rc = add(p, r->sites, r->sites_end, 1, PVP_RANGE_WRITE, "sites");
    if (!rc)
        rc = add(p, r->ops, r->ops_end, 1, PVP_RANGE_WRITE, "ops");
    if (!rc)
        rc = add(p, r->modes, r->modes_end, 0, 0, "modes");
    if (!rc)
        rc = add(p, r->tmpl, r->tmpl_end, 0, 0, "templates");
    if (!rc)
        rc = add(p, r->text, r->text_end, 0, 0, "template code");
    return rc;
}

static int by_start(const void *a, const void *b)
{
    const extent *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Where the live sites' code is now (dead sites, in instance copies not
 * installed, are left out: the engine does not touch them). */
static int live_extents(rt_patch *p)
{
    size_t nsites = pvp_site_count(span_of(p->recs->sites, p->recs->sites_end));
    p->live = malloc((nsites ? nsites : 1) * sizeof *p->live);
    if (!p->live)
        return pvp_rt_fail(p->err, PVP_E_NO_SPACE, at(p->recs->sites), "out of memory");
    for (size_t i = 0; i < nsites; i++) {
        pvp_site s;
        uint64_t where;
        int rc = pvp_site_read(&p->img, &pvp_arch_x86_64, at(p->recs->sites), i, &s, p->err);
        if (rc)
            return rc;
        if (pvp_site_live(&s, p->set, p->count, &where))
            p->live[p->nlive++] = (extent){ where, where + (s.end - s.addr), s.op };
    }
    qsort(p->live, p->nlive, sizeof *p->live, by_start);
    return PVP_OK;
}

/* Shadows of the sites' code, one per run of sites less than SPAN_GAP apart. */
static int add_code(rt_patch *p)
{
    int rc = live_extents(p);
    const extent *e = p->live;
    for (size_t i = 0; !rc && i < p->nlive;) {
        uint64_t first = e[i].at, last = e[i].end;
        for (i++; i < p->nlive && e[i].at < last + SPAN_GAP; i++)
            last = e[i].end > last ? e[i].end : last;
        rc = add(p, (const void *)(uintptr_t)first, (const void *)(uintptr_t)last, 1,
                 PVP_RANGE_EXEC, "site code");
    }
    return rc;
}

static int read_instances(rt_patch *p)
{
    size_t max = span_of(p->recs->instances, p->recs->instances_end) / PVP_INSTANCE_RECSIZE;
    p->set = calloc(max ? max : 1, sizeof *p->set);
    if (!p->set)
        return pvp_rt_fail(p->err, PVP_E_NO_SPACE, at(p->recs->instances), "out of memory");
    return pvp_rt_instances(p->recs, p->set, max, &p->count, p->err);
}

static int find_mode(rt_patch *p, const char *name, uint32_t *id)
{
    int rc = pvp_modes_read(&p->img, at(p->recs->modes), span_of(p->recs->modes, p->recs->modes_end),
                            p->modes, MAX_MODES, &p->nmodes, p->err);
    for (size_t k = 0; !rc && k < p->nmodes; k++)
        if (strcmp(p->modes[k].name, name) == 0) {
            *id = p->modes[k].id;
            p->mode = &p->modes[k];
            return PVP_OK;
        }
    return rc ? rc : pvp_rt_fail(p->err, PVP_E_UNKNOWN_OP, at(p->recs->modes), "no mode of that name");
}

/* The image, the ranges as they are, the request. */
static int prepare(rt_patch *p, const char *mode, int policy)
{
    size_t nsites = pvp_site_count(span_of(p->recs->sites, p->recs->sites_end));
    p->max = FIXED_RANGES + nsites;
    p->img.ranges = calloc(p->max, sizeof *p->img.ranges);
    p->before = calloc(p->max, sizeof *p->before);
    if (!p->img.ranges || !p->before)
        return pvp_rt_fail(p->err, PVP_E_NO_SPACE, at(p->recs->sites), "out of memory");
    uint32_t id = 0;
    int rc = pvp_rt_maps_read(&p->maps, p->err);
    if (!rc)
        rc = read_instances(p);
    if (!rc)
        rc = add_records(p);
    if (!rc)
        rc = find_mode(p, mode, &id);
    if (!rc)
        rc = add_code(p);
    if (!rc && pvp_image_check(&p->img))
        rc = pvp_rt_fail(p->err, PVP_E_OVERLAP, at(p->recs->sites),
                         "site code, records and ops tables overlap");
    for (size_t k = 0; k < p->img.nranges; k++) {
        p->before[k] = p->img.ranges[k];
        p->before[k].bytes = (uint8_t *)(uintptr_t)p->img.ranges[k].addr;
    }
    uint64_t sites_size = span_of(p->recs->sites, p->recs->sites_end);
    size_t wsize = pvp_patch_work_size(pvp_site_count(sites_size));
    p->work = malloc(wsize ? wsize : 1);
    if (!rc && !p->work)
        rc = pvp_rt_fail(p->err, PVP_E_NO_SPACE, 0, "out of memory");
    p->req = (pvp_patch_req){ &pvp_arch_x86_64, p->set, p->count, at(p->recs->sites), sites_size, p->modes,
                              p->nmodes, id, policy, NULL, 0, NULL, NULL, p->work, wsize, NULL, 0, NULL, NULL };
    return rc;
}

/* The shadows against the memory: what the patch changed is what it may. */
static int verify(rt_patch *p)
{
    pvp_image before = { p->before, p->img.nranges };
    pvp_mismatch m;
    size_t n;
    if (pvp_verify_patch(&before, &p->img, &p->req, &m, 1, &n) == PVP_OK)
        return PVP_OK;
    return pvp_rt_fail(p->err, PVP_E_VERIFY, m.addr, m.what);
}

/* The sites whose code changed: their old bytes (copied: the memory will
 * change), their new ones (the shadow), the function a thread arriving
 * meanwhile calls, and the handler's record. */
static int changes(rt_patch *p, pvp_rt_module *mod, pvp_rt_change *c, uint8_t *old, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < p->nlive; i++) {
        const extent *e = &p->live[i];
        size_t len = (size_t)(e->end - e->at);
        const uint8_t *now = pvp_image_at(&p->img, e->at, len), *mem = (const uint8_t *)(uintptr_t)e->at;
        if (memcmp(now, mem, len) == 0)
            continue;
        uint64_t fn = 0;
        pvp_image_read_le(&p->img, p->mode->ops + 8 * (uint64_t)e->op, 8, &fn);
        memcpy(old, mem, len);
        c[(*n)++] = (pvp_rt_change){ (uintptr_t)e->at, len, old, now, (uintptr_t)fn,
                                     mod ? pvp_rt_trap_site(mod, (uintptr_t)e->at) : NULL };
        old += len;
    }
    return PVP_OK;
}

/* The changed code, all or nothing, by the protocol when other threads run. */
static int write_code(rt_patch *p)
{
    size_t total = 0, n, others = 0;
    for (size_t i = 0; i < p->nlive; i++)
        total += (size_t)(p->live[i].end - p->live[i].at);
    pvp_rt_change *c = malloc((p->nlive ? p->nlive : 1) * sizeof *c);
    uint8_t *old = malloc(total ? total : 1);
    pvp_rt_extent *x = malloc((p->nlive ? p->nlive : 1) * sizeof *x);
    int rc = c && old && x ? PVP_OK : pvp_rt_fail(p->err, PVP_E_NO_SPACE, 0, "out of memory");
    for (size_t i = 0; !rc && i < p->nlive; i++)
        x[i] = (pvp_rt_extent){ (uintptr_t)p->live[i].at, (uintptr_t)p->live[i].end };
    pvp_rt_module *mod = NULL;
    if (!rc && !(mod = pvp_rt_trap_module(p->recs->sites, x, p->nlive, &p->maps, p->err)))
        rc = PVP_E_NO_SPACE;
    if (!rc)
        rc = changes(p, mod, c, old, &n);
    if (!rc && n)
        rc = pvp_rt_threads_others(&others, p->err);
    if (!rc && n) {
        pvp_text_edit *e = malloc(n * sizeof *e);
        pvp_rt_text t;
        for (size_t i = 0; e && i < n; i++)
            e[i] = (pvp_text_edit){ c[i].at, c[i].now, c[i].len };
        rc = e ? pvp_rt_text_open(&t, e, n, &p->maps, p->err)
               : pvp_rt_fail(p->err, PVP_E_NO_SPACE, 0, "out of memory");
        if (!rc)
            rc = pvp_rt_sites_write(&t, c, n, others > 0, p->err);
        int errnum = errno;
        if (e)
            pvp_rt_text_close(&t);
        errno = errnum;
        free(e);
    }
    free(c);
    free(old);
    free(x);
    return rc;
}

/* The changed code, then the data. */
static int write_out(rt_patch *p)
{
    int rc = write_code(p);
    for (size_t k = 0; !rc && k < p->img.nranges; k++)
        if (p->img.ranges[k].flags & PVP_RANGE_WRITE)
            pvp_rt_write_back(&p->img.ranges[k]);
    return rc;
}

/* A module's mode records read in place, with what they point to (ops tables, template lists). */
int pvp_rt_modes(const pvp_rt_records *recs, pvp_mode *out, size_t max, size_t *count,
                 pvp_error *err)
{
    pvp_range r[3] = {
        { at(recs->modes), span_of(recs->modes, recs->modes_end), (uint8_t *)(uintptr_t)recs->modes, 0, "modes" },
        { at(recs->ops), span_of(recs->ops, recs->ops_end), (uint8_t *)(uintptr_t)recs->ops, 0, "ops" },
        { at(recs->tmpl), span_of(recs->tmpl, recs->tmpl_end), (uint8_t *)(uintptr_t)recs->tmpl, 0, "templates" },
    };
    pvp_image img = { r, 3 };
    return pvp_modes_read(&img, at(recs->modes), r[0].size, out, max, count, err);
}

int pvp_rt_patch(const pvp_rt_records *recs, const char *mode, int policy,
                 pvp_patch_report *report, pvp_error *err)
{
    rt_patch p = { .recs = recs, .err = err };
    pthread_mutex_lock(&patching);
    int rc = prepare(&p, mode, policy);
    if (!rc)
        rc = pvp_patch(&p.img, &p.req, report, err);
    if (!rc)
        rc = verify(&p);
    if (!rc)
        rc = write_out(&p);
    int errnum = errno;
    pthread_mutex_unlock(&patching);
    if (p.img.ranges)
        pvp_rt_ranges_free(&p.img);
    pvp_rt_maps_free(&p.maps);
    free(p.img.ranges);
    free(p.before);
    free(p.work);
    free(p.set);
    free(p.live);
    errno = errnum;
    return rc;
}
