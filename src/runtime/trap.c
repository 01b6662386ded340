/* The SIGTRAP handler of live re-patching and the sites it knows (trap.h). */
#define _GNU_SOURCE
#include "trap.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define INT3 0xCC

struct pvp_rt_module {
    const void *key;
    size_t n;
    pvp_rt_site *sites;               /* by address */
    char *file;                       /* the mapping's name when recorded */
    atomic_int retired;               /* forgotten: unloaded, or replaced by a newer record */
    pvp_rt_module *next;
};

static _Atomic(pvp_rt_module *) modules;    /* pushed at the front, never unlinked */
static struct sigaction previous;          /* the handler before ours */
static char cookie;                        /* its address marks our pokes */
static atomic_uint_least64_t patches, pokes, breakpoints, restarts;   /* pvp_rt_live_stats */

void *pvp_rt_trap_cookie(void)
{
    return &cookie;
}

void pvp_rt_trap_count_patch(void)
{
    atomic_fetch_add_explicit(&patches, 1, memory_order_relaxed);
}

void pvp_rt_trap_count_pokes(uint64_t n)
{
    atomic_fetch_add_explicit(&pokes, n, memory_order_relaxed);
}

void pvp_rt_live_stats_get(pvp_rt_live_stats *out)
{
    out->patches = atomic_load(&patches);
    out->pokes = atomic_load(&pokes);
    out->breakpoints = atomic_load(&breakpoints);
    out->restarts = atomic_load(&restarts);
}

/* ---- Lookups (from the handler: no lock, no allocation) ----------------- */

/* The site of m with the greatest start <= addr, or NULL. */
static pvp_rt_site *at_or_before(pvp_rt_module *m, uintptr_t addr)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->sites[mid].at <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &m->sites[lo - 1] : NULL;
}

/* The live site holding addr (at <= addr < end) in any module, or NULL. */
static pvp_rt_site *site_holding(uintptr_t addr)
{
    for (pvp_rt_module *m = atomic_load_explicit(&modules, memory_order_acquire); m; m = m->next) {
        if (atomic_load_explicit(&m->retired, memory_order_relaxed))
            continue;
        pvp_rt_site *s = at_or_before(m, addr);
        if (s && addr < s->end)
            return s;
    }
    return NULL;
}

pvp_rt_site *pvp_rt_trap_site(pvp_rt_module *m, uintptr_t at)
{
    pvp_rt_site *s = at_or_before(m, at);
    return s && s->at == at ? s : NULL;
}

/* ---- The handler ---------------------------------------------------------- */

/* Run the site as a call of its function, returning to the site's end. */
static void call_site(ucontext_t *uc, const pvp_rt_site *s, uintptr_t fn)
{
    greg_t *r = uc->uc_mcontext.gregs;
    uintptr_t sp = (uintptr_t)r[REG_RSP] - 8;     /* sites run without a red zone: free */
    *(uintptr_t *)sp = s->end;
    r[REG_RSP] = (greg_t)sp;
    r[REG_RIP] = (greg_t)fn;
}

/* The int3 on a site's first byte: 1 if it was ours. */
static int breakpoint(ucontext_t *uc)
{
    uintptr_t at = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] - 1;
    pvp_rt_site *s = site_holding(at);
    uintptr_t fn = s && s->at == at ? atomic_load_explicit(&s->fn, memory_order_acquire) : 0;
    if (!fn)
        return 0;
    atomic_fetch_add_explicit(&breakpoints, 1, memory_order_relaxed);   /* lock-free: fine here */
    if (*(const volatile uint8_t *)at == INT3)
        call_site(uc, s, fn);
    else
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)at;   /* late: the site is whole again */
    return 1;
}

/* A thread stopped inside a restartable site goes back to its first byte. */
static void restart(ucontext_t *uc)
{
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    pvp_rt_site *s = site_holding(rip);
    if (s && rip != s->at && atomic_load_explicit(&s->restartable, memory_order_acquire)) {
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)s->at;
        atomic_fetch_add_explicit(&restarts, 1, memory_order_relaxed);
    }
}

/* What the handler before ours would have done. */
static void pass_on(int sig, siginfo_t *si, void *ctx)
{
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(sig, si, ctx);
    } else if (previous.sa_handler == SIG_DFL) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        sigaction(sig, &dfl, NULL);                 /* the default action, once this returns */
        syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
    } else if (previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    }
}

/* SA_NODEFER: a poke may come while a thread is in here; the handler keeps no state. */
static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    if (si->si_code == SI_KERNEL && breakpoint(uc))
        return;
    restart(uc);
    if (si->si_code == SI_QUEUE && si->si_pid == getpid() && si->si_value.sival_ptr == &cookie)
        return;                                     /* a poke: nothing more to do */
    pass_on(sig, si, ctx);
}

int pvp_rt_trap_install(pvp_error *err)
{
    struct sigaction now, ours = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER };
    sigemptyset(&ours.sa_mask);
    if (sigaction(SIGTRAP, NULL, &now))
        return pvp_rt_fail(err, PVP_E_UNSUPPORTED, 0, "cannot read the SIGTRAP handler");
    if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == on_trap)
        return PVP_OK;
    previous = now;
    if (sigaction(SIGTRAP, &ours, NULL))
        return pvp_rt_fail(err, PVP_E_UNSUPPORTED, 0, "cannot install the SIGTRAP handler");
    return PVP_OK;
}

/* ---- Records ------------------------------------------------------------ */

static const char *file_of(const pvp_rt_maps *maps, uintptr_t addr)
{
    const pvp_rt_mapping *m = pvp_rt_maps_find(maps, addr);
    return m ? m->name : "";
}

static void retire(pvp_rt_module *m)
{
    for (size_t i = 0; i < m->n; i++)
        atomic_store(&m->sites[i].restartable, 0);
    atomic_store(&m->retired, 1);
}

static int same_extents(const pvp_rt_module *m, const pvp_rt_extent *e, size_t n)
{
    if (m->n != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (m->sites[i].at != e[i].at || m->sites[i].end != e[i].end)
            return 0;
    return 1;
}

/* Forget the modules no longer mapped from their file; the live one for key, if any. */
static pvp_rt_module *sweep(const void *key, const pvp_rt_maps *maps)
{
    pvp_rt_module *found = NULL;
    for (pvp_rt_module *m = atomic_load(&modules); m; m = m->next) {
        if (atomic_load(&m->retired))
            continue;
        if (m->n && strcmp(file_of(maps, m->sites[0].at), m->file) != 0)
            retire(m);
        else if (m->key == key && !found)
            found = m;
    }
    return found;
}

pvp_rt_module *pvp_rt_trap_module(const void *key, const pvp_rt_extent *e, size_t n,
                                  const pvp_rt_maps *maps, pvp_error *err)
{
    pvp_rt_module *old = sweep(key, maps);
    if (old && same_extents(old, e, n))
        return old;
    pvp_rt_module *m = calloc(1, sizeof *m);
    pvp_rt_site *sites = calloc(n ? n : 1, sizeof *sites);
    char *file = strdup(n ? file_of(maps, e[0].at) : "");
    if (!m || !sites || !file) {
        free(m);
        free(sites);
        free(file);
        pvp_rt_fail(err, PVP_E_NO_SPACE, (uintptr_t)key, "out of memory for the site records");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        sites[i].at = e[i].at;
        sites[i].end = e[i].end;
        atomic_init(&sites[i].fn, 0);
        atomic_init(&sites[i].restartable, 0);
    }
    m->key = key;
    m->n = n;
    m->sites = sites;
    m->file = file;
    atomic_init(&m->retired, 0);
    m->next = atomic_load(&modules);
    atomic_store_explicit(&modules, m, memory_order_release);
    if (old)
        retire(old);
    return m;
}
