/* Rewriting sites while other threads run them: the breakpoint protocol
 * Linux uses for text_poke_bp, in userspace (docs/x86_64.md).
 *
 *   1. int3 on the first byte of every changing site;      serialise all threads
 *   2. poke every other thread (threads.c);               serialise all threads
 *   3. the rest of each site;                             serialise all threads
 *   4. the first byte of each site;                       serialise all threads
 *
 * "Serialise all threads" is membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_
 * SYNC_CORE): when it returns, every thread of the process has executed a
 * core-serialising instruction, so none fetches the bytes as they were
 * before the call. After step 1 no thread starts a changing site: one that
 * arrives takes the int3, and the SIGTRAP handler (trap.c) runs the site
 * for it as a call of the new mode's function. After step 2 no thread is
 * inside one: the poke, taken before the thread runs any other user
 * instruction (at once when it was running, since a membarrier interrupts
 * it; when it next runs otherwise), sends a thread found inside a site back
 * to the site's first byte, which is right because the site's old code and
 * its new code are restartable (pvp_x86_restartable). A thread inside a
 * call a site made returns to the site's end in every form (the template
 * ends the site: src/arch/x86_64/site.c), outside the rewritten bytes.
 * Steps 3 and 4 then write bytes no thread runs; the first byte is a
 * single byte, written at once.
 *
 * Every refusal is decided before step 1. A write the kernel refuses, or a
 * thread that blocks SIGTRAP and cannot be shown to be outside the sites,
 * after step 1: the old bytes go back by the same steps. */
#define _GNU_SOURCE
#include "live.h"
#include "threads.h"
#include "pvpatch/x86_64.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INT3     0xCC
#define SPAN_GAP 4096               /* changes closer than this go in one write */
#ifndef ARCH_SHSTK_STATUS
#define ARCH_SHSTK_STATUS 0x5005    /* asm/prctl.h of Linux 6.6 */
#endif
#define ARCH_SHSTK_SHSTK 1

/* What each step puts at a site. */
enum step { BREAK, REST, WHOLE, UNREST, UNBREAK };

static uint8_t step_byte(const pvp_rt_change *c, size_t i, enum step s)
{
    if (i == 0 && s != WHOLE && s != UNBREAK)
        return INT3;
    if (s == BREAK)
        return c->old[i];
    return s == REST || s == WHOLE ? c->now[i] : c->old[i];
}

/* One step: each cluster of changes less than SPAN_GAP apart is one edit
 * of its bytes as they are, the step's bytes over the sites. Bytes between
 * sites are written with the values they hold: nothing changes for a
 * thread running them. */
static int write_step(pvp_rt_text *t, const pvp_rt_change *c, size_t n, enum step s, pvp_error *err)
{
    pvp_text_edit *e = calloc(n, sizeof *e);
    size_t ne = 0;
    int rc = e ? PVP_OK : pvp_rt_fail(err, PVP_E_NO_SPACE, c[0].at, "out of memory");
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i + 1;
        uintptr_t start = c[i].at, end = c[i].at + c[i].len;
        for (; j < n && c[j].at < end + SPAN_GAP; j++)
            end = c[j].at + c[j].len;
        uint8_t *buf = malloc(end - start);
        if (!buf) {
            rc = pvp_rt_fail(err, PVP_E_NO_SPACE, start, "out of memory");
            break;
        }
        memcpy(buf, (const void *)start, end - start);
        for (size_t k = i; k < j; k++)
            for (size_t b = 0; b < c[k].len; b++)
                buf[c[k].at - start + b] = step_byte(&c[k], b, s);
        e[ne++] = (pvp_text_edit){ start, buf, end - start };
        i = j;
    }
    if (!rc)
        rc = pvp_rt_text_put(t, e, ne, err);
    for (size_t k = 0; k < ne; k++)
        free((void *)e[k].bytes);
    free(e);
    return rc;
}

/* Serialise every thread of the process. */
static int serialise(pvp_error *err)
{
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0)
        return PVP_OK;
    return pvp_rt_fail(err, PVP_E_UNSUPPORTED, 0, "membarrier(SYNC_CORE) failed");
}

static int can_serialise(pvp_error *err)
{
    long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) ||
        syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0))
        return pvp_rt_fail(err, PVP_E_UNSUPPORTED, 0,
                           "this kernel has no membarrier SYNC_CORE (Linux 4.16+) to serialise the "
                           "other threads: re-patching while they run is refused");
    return PVP_OK;
}

/* The handler emulates a call on the thread's stack, which a shadow stack would not know of. */
static int shadow_stack_on(void)
{
    unsigned long features = 0;
    return syscall(SYS_arch_prctl, ARCH_SHSTK_STATUS, &features) == 0 && (features & ARCH_SHSTK_SHSTK);
}

static _Thread_local char message[256];

/* Old and new code of every change may be run again from the start by a thread found inside. */
static int restartable(const pvp_rt_change *c, size_t n, pvp_error *err)
{
    for (size_t i = 0; i < n; i++)
        for (int now = 0; now < 2; now++) {
            size_t bad;
            const char *why;
            if (pvp_x86_restartable(now ? c[i].now : c[i].old, c[i].len, c[i].at, &bad, &why) == PVP_OK)
                continue;
            snprintf(message, sizeof message,
                     "the %s code of the site at %#lx cannot be re-patched while other threads run: "
                     "a thread found inside could not start it again (%s)",
                     now ? "new" : "current", (unsigned long)c[i].at, why);
            return pvp_rt_fail(err, PVP_E_UNSUPPORTED, c[i].at + bad, message);
        }
    return PVP_OK;
}

/* Everything refused before a byte is written. */
static int check(const pvp_rt_change *c, size_t n, pvp_error *err)
{
    int rc = can_serialise(err);
    if (!rc && shadow_stack_on())
        rc = pvp_rt_fail(err, PVP_E_UNSUPPORTED, c[0].at,
                         "shadow stacks are on: a thread arriving at a site being rewritten cannot "
                         "be given a call; re-patching while other threads run is refused");
    for (size_t i = 0; !rc && i < n; i++)
        if (!c[i].fn || !c[i].rec)
            rc = pvp_rt_fail(err, PVP_E_UNSUPPORTED, c[i].at,
                             "the mode has no function for the site's operation for a thread "
                             "arriving while the site is rewritten");
    if (!rc)
        rc = restartable(c, n, err);
    if (!rc)
        rc = pvp_rt_trap_install(err);
    return rc;
}

/* Steps 1 and 2 happened (or only 1): put the old code back. */
static void undo(pvp_rt_text *t, const pvp_rt_change *c, size_t n, int rest_written)
{
    pvp_error ignored;
    if (rest_written && (write_step(t, c, n, UNREST, &ignored) || serialise(&ignored)))
        return;
    if (!write_step(t, c, n, UNBREAK, &ignored))
        serialise(&ignored);
}

/* Steps 1 and 2: no thread starts or is inside a changing site. */
static int fence(pvp_rt_text *t, const pvp_rt_change *c, size_t n, pvp_error *err)
{
    pvp_rt_extent *x = malloc(n * sizeof *x);
    if (!x)
        return pvp_rt_fail(err, PVP_E_NO_SPACE, c[0].at, "out of memory");
    for (size_t i = 0; i < n; i++)
        x[i] = (pvp_rt_extent){ c[i].at, c[i].at + c[i].len };
    int rc = write_step(t, c, n, BREAK, err);
    if (rc) {
        free(x);
        return rc;                                  /* the write put nothing */
    }
    rc = serialise(err);
    if (!rc)
        rc = pvp_rt_threads_poke(x, n, err);
    if (!rc)
        rc = serialise(err);
    if (rc) {
        int errnum = errno;
        undo(t, c, n, 0);
        errno = errnum;
    }
    free(x);
    return rc;
}

/* The breakpoint protocol. */
static int write_live(pvp_rt_text *t, const pvp_rt_change *c, size_t n, pvp_error *err)
{
    int rc = check(c, n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        atomic_store(&c[i].rec->fn, c[i].fn);
        atomic_store(&c[i].rec->restartable, 1);
    }
    rc = fence(t, c, n, err);
    if (rc)
        return rc;
    pvp_rt_trap_count_patch();
    rc = write_step(t, c, n, REST, err);
    if (!rc)
        rc = serialise(err);
    if (!rc)
        rc = write_step(t, c, n, WHOLE, err);
    if (rc) {
        int errnum = errno;
        undo(t, c, n, 1);
        errno = errnum;
        return rc;
    }
    return serialise(err);
}

int pvp_rt_sites_write(pvp_rt_text *t, const pvp_rt_change *c, size_t n, int others,
                       pvp_error *err)
{
    if (!n)
        return PVP_OK;
    if (others)
        return write_live(t, c, n, err);
    int rc = write_step(t, c, n, WHOLE, err);
    for (size_t i = 0; !rc && i < n; i++)       /* may a later live re-patch send threads back? */
        if (c[i].rec)
            atomic_store(&c[i].rec->restartable,
                         pvp_x86_restartable(c[i].now, c[i].len, c[i].at, NULL, NULL) == PVP_OK);
    return rc;
}
