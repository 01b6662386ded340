/* Writing into the running program's own code, W^X kept, all or nothing.
 *
 * Plan: sort the edits, refuse overlaps, group the touched pages into runs
 * and check in /proc/self/maps that every run is private read-execute code.
 * Prepare: for each run, a fresh anonymous mapping gets the run's current
 * bytes plus the edits while read-write, then becomes read-execute; a second
 * one keeps the old bytes, read-execute, for undo. Nothing is visible yet.
 * Commit: mremap(MREMAP_FIXED) moves each fresh mapping over its run, which
 * the kernel does in one step; if one move fails, the runs already moved are
 * replaced by their undo copies. */
#define _GNU_SOURCE
#include "pvpatch/runtime.h"
#include "maps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A run of consecutive pages touched by the edits. */
typedef struct run {
    uintptr_t start, len;
    uint8_t *fresh;      /* the new contents, read-execute, until moved in */
    uint8_t *undo;       /* the old contents, read-execute, to move back on failure */
    int moved;
} run;

static int fail(pvp_error *err, int status, uintptr_t addr, const char *what)
{
    return pvp_rt_fail(err, status, addr, what);
}

static int by_address(const void *a, const void *b)
{
    const pvp_text_edit *x = *(const pvp_text_edit *const *)a, *y = *(const pvp_text_edit *const *)b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sort the edits into `sorted` and refuse empty, wrapping or overlapping ones. */
static int check_edits(const pvp_text_edit *edits, size_t n, const pvp_text_edit **sorted,
                       pvp_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!edits[i].len || !edits[i].bytes)
            return fail(err, PVP_E_TRUNCATED, edits[i].addr, "empty edit");
        if (edits[i].addr + edits[i].len < edits[i].addr)
            return fail(err, PVP_E_OUTSIDE_IMAGE, edits[i].addr, "edit wraps around the address space");
        sorted[i] = &edits[i];
    }
    qsort(sorted, n, sizeof *sorted, by_address);
    for (size_t i = 1; i < n; i++)
        if (sorted[i]->addr < sorted[i - 1]->addr + sorted[i - 1]->len)
            return fail(err, PVP_E_OVERLAP, sorted[i]->addr, "two edits overlap");
    return PVP_OK;
}

/* Group the pages of the sorted edits into runs of consecutive pages. */
static size_t page_runs(const pvp_text_edit **sorted, size_t n, uintptr_t page, run *runs)
{
    size_t nruns = 0;
    for (size_t i = 0; i < n; i++) {
        uintptr_t first = sorted[i]->addr & ~(page - 1);
        uintptr_t end = (sorted[i]->addr + sorted[i]->len + page - 1) & ~(page - 1);
        run *last = nruns ? &runs[nruns - 1] : NULL;
        if (last && first <= last->start + last->len) {
            if (end > last->start + last->len)
                last->len = end - last->start;
        } else {
            runs[nruns++] = (run){ .start = first, .len = end - first };
        }
    }
    return nruns;
}

/* A read-execute anonymous copy of the run's bytes with `edits` applied (if any). */
static uint8_t *sealed_copy(const run *r, const pvp_text_edit **sorted, size_t n)
{
    uint8_t *p = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    memcpy(p, (const void *)r->start, r->len);
    for (size_t i = 0; i < n; i++)
        if (sorted[i]->addr - r->start < r->len)
            memcpy(p + (sorted[i]->addr - r->start), sorted[i]->bytes, sorted[i]->len);
    if (mprotect(p, r->len, PROT_READ | PROT_EXEC)) {
        int e = errno;
        munmap(p, r->len);
        errno = e;
        return NULL;
    }
    return p;
}

static int move_over(uint8_t *from, const run *r)
{
    void *p = mremap(from, r->len, r->len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)r->start);
    return p == (void *)r->start ? 0 : -1;
}

/* Undo the runs already moved in, newest first. */
static int roll_back(run *runs, size_t k)
{
    int ok = 1;
    while (k--)
        if (runs[k].moved && move_over(runs[k].undo, &runs[k]) == 0)
            runs[k].undo = NULL;                    /* it lives at the run now */
        else if (runs[k].moved)
            ok = 0;
    return ok;
}

/* Make this thread's instruction fetch see the swapped pages. */
static void serialise(const run *runs, size_t nruns)
{
    for (size_t i = 0; i < nruns; i++)
        __builtin___clear_cache((char *)runs[i].start, (char *)(runs[i].start + runs[i].len));
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
#endif
}

static void release(run *runs, size_t nruns)
{
    for (size_t i = 0; i < nruns; i++) {
        if (runs[i].fresh && !runs[i].moved)
            munmap(runs[i].fresh, runs[i].len);
        if (runs[i].undo)
            munmap(runs[i].undo, runs[i].len);
    }
}

static int prepare(run *runs, size_t nruns, const pvp_text_edit **sorted, size_t n, pvp_error *err)
{
    for (size_t i = 0; i < nruns; i++) {
        int rc = pvp_rt_maps_check(runs[i].start, runs[i].start + runs[i].len, PVP_RT_TEXT, err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < nruns; i++) {
        runs[i].fresh = sealed_copy(&runs[i], sorted, n);
        runs[i].undo = runs[i].fresh ? sealed_copy(&runs[i], sorted, 0) : NULL;
        if (!runs[i].undo)
            return fail(err, PVP_E_NO_SPACE, runs[i].start, "cannot map the new page contents");
    }
    return PVP_OK;
}

static int commit(run *runs, size_t nruns, pvp_error *err)
{
    for (size_t i = 0; i < nruns; i++) {
        if (move_over(runs[i].fresh, &runs[i]) == 0) {
            runs[i].moved = 1;
            continue;
        }
        int e = errno;
        const char *what = roll_back(runs, i)
            ? "the kernel refused to swap the new pages in (sealed mapping?); nothing changed"
            : "the kernel refused to swap the new pages in, and to swap earlier ones back";
        errno = e;
        return fail(err, PVP_E_UNSUPPORTED, runs[i].start, what);
    }
    return PVP_OK;
}

int pvp_text_write(const pvp_text_edit *edits, size_t n, pvp_error *err)
{
    if (!n)
        return PVP_OK;
    const pvp_text_edit **sorted = malloc(n * sizeof *sorted);
    run *runs = calloc(n, sizeof *runs);
    if (!sorted || !runs) {
        free(sorted);
        free(runs);
        return fail(err, PVP_E_NO_SPACE, edits[0].addr, "out of memory");
    }
    size_t nruns = 0;
    int rc = check_edits(edits, n, sorted, err);
    if (!rc) {
        nruns = page_runs(sorted, n, (uintptr_t)sysconf(_SC_PAGESIZE), runs);
        rc = prepare(runs, nruns, sorted, n, err);
    }
    if (!rc)
        rc = commit(runs, nruns, err);
    if (!rc)
        serialise(runs, nruns);
    int e = errno;
    release(runs, nruns);
    free(sorted);
    free(runs);
    errno = e;
    return rc;
}
