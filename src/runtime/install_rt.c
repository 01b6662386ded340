/* Install by copy into the running program. pvp_install needs an image it
 * may write; here writing the code directly is neither allowed (W^X) nor
 * transactional, so the image is made of shadows: the canonical slot, the
 * descriptor table, the instance's fixup records and every word outside the
 * instance a ptr64 fixup names are copies; the instance's own code is read
 * in place. After the engine succeeded on the shadows, the changed span of
 * the slot goes to pvp_text_write (all or nothing), and only when that
 * succeeded are the data shadows copied back, which cannot fail: their
 * memory was checked writable first. */
#define _GNU_SOURCE
#include "pvpatch/runtime.h"
#include "pvpatch/x86_64.h"
#include "maps.h"
#include "shadow.h"
#include "text.h"

#include <stdlib.h>

#define MAX_RANGES 64     /* the fixed ones and the distinct ptr64 words outside the instance */

typedef struct rt_image {
    pvp_range ranges[MAX_RANGES];
    pvp_image img;
    size_t slot;                        /* the index of the canonical slot's shadow */
    pvp_rt_maps maps;                   /* /proc/self/maps, read once */
} rt_image;

static int add_range(rt_image *m, uintptr_t addr, size_t size, int shadow, uint32_t flags)
{
    return pvp_rt_range_add(&m->img, MAX_RANGES, addr, size, shadow, flags,
                            shadow ? "shadow" : "code");
}

/* Shadows for the words outside every range that ptr64 fixups name. */
static int add_pointer_words(rt_image *m, const pvp_instance *in, pvp_error *err)
{
    size_t n = pvp_fixup_count(in);
    for (size_t k = 0; k < n; k++) {
        pvp_fixup f;
        int rc = pvp_fixup_read(&m->img, in, k, &f, err);
        if (rc)
            return rc;
        if (f.kind != PVP_FIX_PTR64 || pvp_image_at(&m->img, f.where, 8))
            continue;
        rc = pvp_rt_maps_check(&m->maps, (uintptr_t)f.where, (uintptr_t)f.where + 8, PVP_RT_DATA, err);
        if (!rc)
            rc = add_range(m, (uintptr_t)f.where, 8, 1, PVP_RANGE_WRITE);
        if (rc)
            return rc == PVP_E_NO_SPACE ? pvp_rt_fail(err, rc, f.record, "too many pointer fixups")
                                        : rc;
    }
    return PVP_OK;
}

static uintptr_t at(const void *p)
{
    return (uintptr_t)p;
}

/* The image: shadows of what the engine writes, the instance's code in place. */
static int build_image(rt_image *m, const pvp_rt_records *recs, const pvp_instance *in,
                       pvp_error *err)
{
    uintptr_t table = at(recs->instances), fixups = at(recs->fixups);
    size_t ntable = at(recs->instances_end) - table, nfix = at(recs->fixups_end) - fixups;
    m->img = (pvp_image){ m->ranges, 0 };
    int rc = pvp_rt_maps_read(&m->maps, err);
    if (!rc)
        rc = pvp_rt_maps_check(&m->maps, table, table + ntable, PVP_RT_DATA, err);
    if (!rc && nfix)
        rc = pvp_rt_maps_check(&m->maps, fixups, fixups + nfix, PVP_RT_DATA, err);
    if (!rc)
        rc = pvp_rt_maps_check(&m->maps, (uintptr_t)in->canonical,
                               (uintptr_t)(in->canonical + in->size), PVP_RT_TEXT, err);
    if (rc)
        return rc;
    rc = add_range(m, table, ntable, 1, PVP_RANGE_WRITE);
    if (!rc && nfix)
        rc = add_range(m, fixups, nfix, 1, PVP_RANGE_WRITE);
    m->slot = m->img.nranges;
    if (!rc)
        rc = add_range(m, (uintptr_t)in->canonical, (size_t)in->size, 1, PVP_RANGE_EXEC);
    if (!rc && in->copy != in->canonical)
        rc = add_range(m, (uintptr_t)in->copy, (size_t)in->size, 0, PVP_RANGE_EXEC);
    if (rc)
        return pvp_rt_fail(err, rc, table, "out of memory for the shadows");
    if (pvp_image_check(&m->img))
        return pvp_rt_fail(err, PVP_E_OVERLAP, in->record,
                           "descriptors, fixup records and code overlap");
    return add_pointer_words(m, in, err);
}

/* Write the changed span of the slot shadow into the code. */
static int write_code(const rt_image *m, pvp_error *err)
{
    pvp_text_edit e;
    return pvp_rt_changed(&m->ranges[m->slot], &e) ? pvp_rt_text_write(&e, 1, &m->maps, err) : PVP_OK;
}

static void write_data(rt_image *m)
{
    for (size_t i = 0; i < m->img.nranges; i++)
        if (i != m->slot && pvp_rt_is_shadow(&m->ranges[i]))
            pvp_rt_write_back(&m->ranges[i]);
}

int pvp_rt_instances(const pvp_rt_records *recs, pvp_instance *out, size_t max, size_t *count,
                     pvp_error *err)
{
    uintptr_t table = at(recs->instances), fixups = at(recs->fixups);
    pvp_range r[2] = {
        { table, at(recs->instances_end) - table, (uint8_t *)table, PVP_RANGE_WRITE, "instances" },
        { fixups, at(recs->fixups_end) - fixups, (uint8_t *)fixups, PVP_RANGE_WRITE, "fixups" },
    };
    pvp_image img = { r, 2 };
    return pvp_instances_read(&img, table, r[0].size, out, max, count, err);
}

int pvp_rt_install(const pvp_rt_records *recs, const char *name, pvp_install_report *report,
                   pvp_error *err)
{
    size_t max = (at(recs->instances_end) - at(recs->instances)) / PVP_INSTANCE_RECSIZE, count = 0;
    pvp_instance *set = calloc(max ? max : 1, sizeof *set);
    rt_image m = { .img = { NULL, 0 }, .maps = { NULL, 0, NULL } };
    int rc = set ? pvp_rt_instances(recs, set, max, &count, err)
                 : pvp_rt_fail(err, PVP_E_NO_SPACE, at(recs->instances), "out of memory");
    const pvp_instance *in = rc ? NULL : pvp_instance_find(set, count, name);
    if (!rc && !in)
        rc = pvp_rt_fail(err, PVP_E_UNKNOWN_OP, at(recs->instances), "no instance of that name");
    if (!rc)
        rc = build_image(&m, recs, in, err);
    if (!rc) {
        pvp_install_req req = { &pvp_arch_x86_64, set, count, (size_t)(in - set), NULL, NULL,
                                NULL, NULL, 0, NULL, 0 };
        rc = pvp_install(&m.img, &req, report, err);
    }
    if (!rc)
        rc = write_code(&m, err);
    if (!rc)
        write_data(&m);
    pvp_rt_ranges_free(&m.img);
    pvp_rt_maps_free(&m.maps);
    free(set);
    return rc;
}
