/* Writing into the running program's own code, W^X kept, all or nothing
 * (text.h). The method is chosen once per session:
 *
 * /proc/self/mem (PVP_TEXT_PROC_MEM): pwrite at the code's address. The
 * kernel writes with FOLL_FORCE through its own mapping of the page,
 * breaking copy-on-write: the page becomes private to this process but
 * stays in the file's mapping (/proc/self/maps, perf and gdb still name the
 * file), and the program's mapping is never writable. Other threads may
 * keep running the page. A mapping sealed with mseal(2) would be written
 * all the same: it is refused, since its owner asked for it never to change.
 *
 * remap (PVP_TEXT_REMAP): for each run of touched pages, a fresh private
 * anonymous mapping is filled while read-write (the run's bytes, then the
 * edits), made read-execute, and moved over the run by mremap(MREMAP_FIXED)
 * in one step; a read-execute copy of the old bytes is kept to move back if
 * a later move fails. The pages become anonymous. The kernel refuses to
 * move over sealed pages. */
#define _GNU_SOURCE
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static atomic_int chosen_method = PVP_TEXT_AUTO;

void pvp_text_set_method(pvp_text_method m)
{
    atomic_store(&chosen_method, (int)m);
}

static int fail(pvp_error *err, int status, uintptr_t addr, const char *what)
{
    return pvp_rt_fail(err, status, addr, what);
}

static int by_address(const void *a, const void *b)
{
    const pvp_text_edit *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int pvp_rt_text_sort(const pvp_text_edit *edits, size_t n, pvp_text_edit *sorted, pvp_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!edits[i].len || !edits[i].bytes)
            return fail(err, PVP_E_TRUNCATED, edits[i].addr, "empty edit");
        if (edits[i].addr + edits[i].len < edits[i].addr)
            return fail(err, PVP_E_OUTSIDE_IMAGE, edits[i].addr, "edit wraps around the address space");
        sorted[i] = edits[i];
    }
    qsort(sorted, n, sizeof *sorted, by_address);
    for (size_t i = 1; i < n; i++)
        if (sorted[i].addr < sorted[i - 1].addr + sorted[i - 1].len)
            return fail(err, PVP_E_OVERLAP, sorted[i].addr, "two edits overlap");
    return PVP_OK;
}

/* ---- Checking ------------------------------------------------------------ */

/* Is the mapping holding [lo, hi) sealed? A move of it onto itself is a
 * no-op the kernel refuses (EPERM) only for sealed mappings; unlike a
 * no-op mprotect, no W^X policy filters it. */
static int sealed(uintptr_t lo, uintptr_t hi)
{
    void *p = mremap((void *)lo, hi - lo, hi - lo, 0);
    return p == MAP_FAILED && errno == EPERM;
}

/* Can /proc/self/mem write this mapping? Writing back the byte already at
 * addr changes nothing and tells (proc_mem.force_override=never refuses). */
static int mem_writes(int fd, uintptr_t addr)
{
    uint8_t b = *(const volatile uint8_t *)addr;
    return pwrite(fd, &b, 1, (off_t)addr) == 1;
}

/* Each mapping the edits touch, once: check it, probe it, note the method. */
static int check_mappings(pvp_rt_text *t, const pvp_text_edit *e, size_t n, const pvp_rt_maps *maps,
                          int *mem_ok, pvp_error *err)
{
    const pvp_rt_mapping *last = NULL;
    for (size_t i = 0; i < n; i++) {
        int rc = pvp_rt_maps_check(maps, e[i].addr, e[i].addr + e[i].len, PVP_RT_TEXT, err);
        if (rc)
            return rc;
        for (uintptr_t pos = e[i].addr, next; pos < e[i].addr + e[i].len; pos = next) {
            const pvp_rt_mapping *m = pvp_rt_maps_find(maps, pos);
            next = m->hi;
            if (m == last)
                continue;
            last = m;
            if (t->method != PVP_TEXT_REMAP && sealed(m->lo, m->hi)) {
                errno = EPERM;
                return fail(err, PVP_E_UNSUPPORTED, pos,
                            "the code is sealed (mseal): refused, nothing written");
            }
            if (t->fd >= 0 && !mem_writes(t->fd, pos))
                *mem_ok = 0;
        }
    }
    return PVP_OK;
}

int pvp_rt_text_open(pvp_rt_text *t, const pvp_text_edit *sorted, size_t n, const pvp_rt_maps *maps,
                     pvp_error *err)
{
    int want = atomic_load(&chosen_method), mem_ok;
    *t = (pvp_rt_text){ want == PVP_TEXT_REMAP ? PVP_TEXT_REMAP : PVP_TEXT_PROC_MEM, -1,
                        (uintptr_t)sysconf(_SC_PAGESIZE) };
    if (t->method == PVP_TEXT_PROC_MEM)
        t->fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    mem_ok = t->fd >= 0;
    int rc = check_mappings(t, sorted, n, maps, &mem_ok, err);
    if (!rc && !mem_ok && want == PVP_TEXT_PROC_MEM)
        rc = fail(err, PVP_E_UNSUPPORTED, n ? sorted[0].addr : 0,
                  "the kernel does not let /proc/self/mem write this code (proc_mem.force_override?)");
    if (rc || !mem_ok) {
        if (t->fd >= 0)
            close(t->fd);
        t->fd = -1;
        t->method = PVP_TEXT_REMAP;
    }
    return rc;
}

void pvp_rt_text_close(pvp_rt_text *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b, c = 0, d;           /* CPUID serialises: this thread fetches the new bytes */
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
#endif
}

/* ---- /proc/self/mem ------------------------------------------------------ */

static int pwrite_all(int fd, const uint8_t *bytes, size_t len, uintptr_t addr)
{
    while (len) {
        ssize_t k = pwrite(fd, bytes, len, (off_t)addr);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        bytes += k;
        addr += (uintptr_t)k;
        len -= (size_t)k;
    }
    return 0;
}

static int put_mem(pvp_rt_text *t, const pvp_text_edit *e, size_t n, pvp_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += e[i].len;
    uint8_t *old = malloc(total ? total : 1), *o = old;
    if (!old)
        return fail(err, PVP_E_NO_SPACE, e[0].addr, "out of memory");
    for (size_t i = 0; i < n; o += e[i++].len)
        memcpy(o, (const void *)e[i].addr, e[i].len);
    size_t k = 0;
    for (; k < n && pwrite_all(t->fd, e[k].bytes, e[k].len, e[k].addr) == 0; k++)
        ;
    int rc = PVP_OK;
    if (k < n) {
        int errnum = errno, undone = 1;
        o = old;
        for (size_t i = 0; i <= k; o += e[i++].len)   /* edit k may be half written */
            undone &= pwrite_all(t->fd, o, e[i].len, e[i].addr) == 0;
        errno = errnum;
        rc = fail(err, PVP_E_UNSUPPORTED, e[k].addr,
                  undone ? "the kernel refused to write the code through /proc/self/mem; nothing changed"
                         : "the kernel refused to write the code, and to put back what was written");
    }
    free(old);
    return rc;
}

/* ---- remap --------------------------------------------------------------- */

/* A run of consecutive pages touched by the edits. */
typedef struct run {
    uintptr_t start, len;
    uint8_t *fresh;      /* the new contents, read-execute, until moved in */
    uint8_t *undo;       /* the old contents, read-execute, to move back on failure */
    int moved;
} run;

/* Group the pages of the sorted edits into runs of consecutive pages. */
static size_t page_runs(const pvp_text_edit *e, size_t n, uintptr_t page, run *runs)
{
    size_t nruns = 0;
    for (size_t i = 0; i < n; i++) {
        uintptr_t first = e[i].addr & ~(page - 1);
        uintptr_t end = (e[i].addr + e[i].len + page - 1) & ~(page - 1);
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

/* A read-execute anonymous copy of the run's bytes with the edits applied (none if n is 0). */
static uint8_t *sealed_copy(const run *r, const pvp_text_edit *e, size_t n)
{
    uint8_t *p = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    memcpy(p, (const void *)r->start, r->len);
    for (size_t i = 0; i < n; i++)
        if (e[i].addr - r->start < r->len)
            memcpy(p + (e[i].addr - r->start), e[i].bytes, e[i].len);
    if (mprotect(p, r->len, PROT_READ | PROT_EXEC)) {
        int errnum = errno;
        munmap(p, r->len);
        errno = errnum;
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

static void release(run *runs, size_t nruns)
{
    for (size_t i = 0; i < nruns; i++) {
        if (runs[i].fresh && !runs[i].moved)
            munmap(runs[i].fresh, runs[i].len);
        if (runs[i].undo)
            munmap(runs[i].undo, runs[i].len);
    }
}

static int prepare(run *runs, size_t nruns, const pvp_text_edit *e, size_t n, pvp_error *err)
{
    for (size_t i = 0; i < nruns; i++) {
        runs[i].fresh = sealed_copy(&runs[i], e, n);
        runs[i].undo = runs[i].fresh ? sealed_copy(&runs[i], e, 0) : NULL;
        if (!runs[i].undo)
            return fail(err, errno == ENOMEM ? PVP_E_NO_SPACE : PVP_E_UNSUPPORTED, runs[i].start,
                        "cannot make read-execute copies of the pages (a W^X policy?); nothing changed");
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
        int errnum = errno;
        const char *what = roll_back(runs, i)
            ? "the kernel refused to swap the new pages in (sealed mapping?); nothing changed"
            : "the kernel refused to swap the new pages in, and to swap earlier ones back";
        errno = errnum;
        return fail(err, PVP_E_UNSUPPORTED, runs[i].start, what);
    }
    return PVP_OK;
}

static int put_remap(pvp_rt_text *t, const pvp_text_edit *e, size_t n, pvp_error *err)
{
    run *runs = calloc(n, sizeof *runs);
    if (!runs)
        return fail(err, PVP_E_NO_SPACE, e[0].addr, "out of memory");
    size_t nruns = page_runs(e, n, t->page, runs);
    int rc = prepare(runs, nruns, e, n, err);
    if (!rc)
        rc = commit(runs, nruns, err);
    int errnum = errno;
    release(runs, nruns);
    free(runs);
    errno = errnum;
    return rc;
}

int pvp_rt_text_put(pvp_rt_text *t, const pvp_text_edit *sorted, size_t n, pvp_error *err)
{
    if (!n)
        return PVP_OK;
    return t->method == PVP_TEXT_PROC_MEM ? put_mem(t, sorted, n, err) : put_remap(t, sorted, n, err);
}

/* ---- Whole writes ----------------------------------------------------------- */

int pvp_rt_text_write(const pvp_text_edit *edits, size_t n, const pvp_rt_maps *maps, pvp_error *err)
{
    if (!n)
        return PVP_OK;
    pvp_text_edit *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return fail(err, PVP_E_NO_SPACE, edits[0].addr, "out of memory");
    pvp_rt_text t;
    int rc = pvp_rt_text_sort(edits, n, sorted, err);
    if (!rc) {
        rc = pvp_rt_text_open(&t, sorted, n, maps, err);
        if (!rc)
            rc = pvp_rt_text_put(&t, sorted, n, err);
        int errnum = errno;
        pvp_rt_text_close(&t);
        errno = errnum;
    }
    free(sorted);
    return rc;
}

int pvp_text_write(const pvp_text_edit *edits, size_t n, pvp_error *err)
{
    if (!n)
        return PVP_OK;
    pvp_rt_maps maps;
    int rc = pvp_rt_maps_read(&maps, err);
    if (!rc) {
        rc = pvp_rt_text_write(edits, n, &maps, err);
        int errnum = errno;
        pvp_rt_maps_free(&maps);
        errno = errnum;
    }
    return rc;
}
