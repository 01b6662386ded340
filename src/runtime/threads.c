/* The other threads of the process during a live re-patch (threads.h). */
#define _GNU_SOURCE
#include "threads.h"
#include "trap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WAIT_STEPS 200             /* a thread that blocks SIGTRAP gets 200 x 100 us to go to sleep */

/* Read a small /proc file into buf (NUL-terminated); 0 if it is gone. */
static int read_proc(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return 0;
    buf[n] = '\0';
    return 1;
}

/* The other threads, in tid order, each with its /proc/self/task/TID/stat
 * kept open: reading an open /proc file costs a quarter of opening it.
 * Kept from one re-patch to the next (the caller holds the patching lock);
 * dropped when the process is not the one that opened them (fork). */
typedef struct watched {
    long tid;
    int fd;                  /* -1 until first read */
} watched;

static struct {
    pid_t pid;
    DIR *dir;                /* /proc/self/task */
    watched *w;
    size_t n;
} seen;

static int by_tid(const void *a, const void *b)
{
    const watched *x = a, *y = b;
    return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void forget_all(void)
{
    for (size_t i = 0; i < seen.n; i++)
        if (seen.w[i].fd >= 0)
            close(seen.w[i].fd);
    if (seen.dir)
        closedir(seen.dir);
    free(seen.w);
    seen.dir = NULL;
    seen.w = NULL;
    seen.n = 0;
}

/* The tids of /proc/self/task but the caller's, sorted, into *out. */
static int list_tids(watched **out, size_t *n, pvp_error *err)
{
    if (seen.pid != getpid()) {
        if (seen.pid)                   /* a child of fork: its copies of the parent's files */
            forget_all();
        seen.pid = getpid();
    }
    if (!seen.dir && !(seen.dir = opendir("/proc/self/task")))
        return pvp_rt_fail(err, PVP_E_UNSUPPORTED, 0, "cannot list /proc/self/task");
    rewinddir(seen.dir);
    long self = syscall(SYS_gettid);
    size_t cap = 16, k = 0;
    watched *w = malloc(cap * sizeof *w);
    for (struct dirent *de; w && (de = readdir(seen.dir));) {
        char *end;
        long tid = strtol(de->d_name, &end, 10);
        if (*end || tid <= 0 || tid == self)
            continue;
        if (k == cap) {
            watched *more = realloc(w, (cap *= 2) * sizeof *w);
            if (!more)
                free(w);
            w = more;
        }
        if (w)
            w[k++] = (watched){ tid, -1 };
    }
    if (!w)
        return pvp_rt_fail(err, PVP_E_NO_SPACE, 0, "out of memory");
    qsort(w, k, sizeof *w, by_tid);
    *out = w;
    *n = k;
    return PVP_OK;
}

/* Keep the open files of the threads still there, close the others. */
static void adopt(watched *w, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < seen.n; i++) {
        while (j < n && w[j].tid < seen.w[i].tid)
            j++;
        if (j < n && w[j].tid == seen.w[i].tid)
            w[j].fd = seen.w[i].fd;
        else if (seen.w[i].fd >= 0)
            close(seen.w[i].fd);
    }
    free(seen.w);
    seen.w = w;
    seen.n = n;
}

/* Field `k` (1-based, as proc(5) counts) of a thread's stat line, or NULL. */
static const char *stat_field(const char *line, int k)
{
    const char *p = strrchr(line, ')');      /* field 2, the name, may hold spaces */
    for (int f = 2; p && f < k; f++)
        p = strchr(p + 1, ' ');
    return p ? p + 1 : NULL;
}

/* Does the thread block SIGTRAP (stat field 32)? -1 if it is gone. */
static int blocks_trap(watched *t)
{
    char buf[1024];
    for (int attempt = 0; attempt < 2; attempt++) {
        if (t->fd < 0) {
            char path[64];
            snprintf(path, sizeof path, "/proc/self/task/%ld/stat", t->tid);
            t->fd = open(path, O_RDONLY | O_CLOEXEC);
            if (t->fd < 0)
                return -1;
        }
        ssize_t n = pread(t->fd, buf, sizeof buf - 1, 0);
        if (n > 0) {
            buf[n] = '\0';
            const char *f = stat_field(buf, 32);
            return f ? (int)(strtoull(f, NULL, 10) >> (SIGTRAP - 1) & 1) : 1;
        }
        close(t->fd);                       /* that thread is gone; its tid may be another's */
        t->fd = -1;
    }
    return -1;
}

static int inside(const pvp_rt_extent *e, size_t n, uintptr_t pc)
{
    for (size_t i = 0; i < n; i++)
        if (pc > e[i].at && pc < e[i].end)
            return 1;
    return 0;
}

/* Where a thread that is not running stopped in user code: 1 and *pc when
 * /proc/self/task/TID/syscall shows it (asleep in a system call or a
 * fault), 0 while it runs, -1 if it is gone. */
static int stopped_at(long tid, uintptr_t *pc)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%ld/syscall", tid);
    if (!read_proc(path, buf, sizeof buf))
        return -1;
    if (strncmp(buf, "running", 7) == 0)
        return 0;
    const char *last = strrchr(buf, ' ');
    *pc = last ? (uintptr_t)strtoull(last + 1, NULL, 16) : 0;
    return last != NULL;
}

static int poke(long tid);

/* A thread that blocks SIGTRAP cannot be poked: it must be asleep outside
 * the changing sites (it can then reach one only through its int3), or
 * stop blocking SIGTRAP soon (a signal handler that blocks it returns). */
static int outside_asleep(watched *t, const pvp_rt_extent *e, size_t n, pvp_error *err)
{
    for (int step = 0; step < WAIT_STEPS; step++) {
        uintptr_t pc = 0;
        int blocks = step ? blocks_trap(t) : 1;
        if (blocks < 0)
            return PVP_OK;
        if (!blocks)
            return poke(t->tid) ? pvp_rt_fail(err, PVP_E_UNSUPPORTED, n ? e[0].at : 0,
                                              "cannot signal another thread") : PVP_OK;
        int st = stopped_at(t->tid, &pc);
        if (st < 0)
            return PVP_OK;
        if (st > 0 && !inside(e, n, pc))
            return PVP_OK;
        if (st > 0)
            return pvp_rt_fail(err, PVP_E_UNSUPPORTED, pc,
                               "a thread that blocks SIGTRAP is stopped inside a site to re-patch");
        nanosleep(&(struct timespec){ 0, 100000 }, NULL);
    }
    return pvp_rt_fail(err, PVP_E_UNSUPPORTED, n ? e[0].at : 0,
                       "a thread that blocks SIGTRAP keeps running: it cannot be kept out of the "
                       "sites to re-patch (unblock SIGTRAP in threads that run sites)");
}

static int poke(long tid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGTRAP;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_ptr = pvp_rt_trap_cookie();
    if (syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, SIGTRAP, &si) == 0) {
        pvp_rt_trap_count_pokes(1);
        return 0;
    }
    return errno == ESRCH ? 0 : -1;
}

int pvp_rt_threads_others(size_t *count, pvp_error *err)
{
    watched *w;
    int rc = list_tids(&w, count, err);
    if (!rc)
        adopt(w, *count);
    return rc;
}

int pvp_rt_threads_poke(const pvp_rt_extent *changing, size_t n, pvp_error *err)
{
    watched *w;
    size_t k;
    int rc = list_tids(&w, &k, err);
    if (rc)
        return rc;
    adopt(w, k);
    for (size_t i = 0; !rc && i < k; i++) {
        int blocks = blocks_trap(&seen.w[i]);
        if (blocks > 0)
            rc = outside_asleep(&seen.w[i], changing, n, err);
        else if (blocks == 0 && poke(seen.w[i].tid))
            rc = pvp_rt_fail(err, PVP_E_UNSUPPORTED, n ? changing[0].at : 0,
                             "cannot signal another thread");
    }
    return rc;
}
