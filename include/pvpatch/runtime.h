/* libpvpatch's runtime part (Linux userspace): changing the running
 * program's own code (a PIE executable or a shared library).
 *
 * W^X is kept throughout: the program's code is never writable and
 * executable at once. Code is written through /proc/self/mem where the
 * kernel allows it (the mapping stays the file's and read-execute: perf and
 * gdb still name the functions), else as fresh read-execute pages moved
 * over the old ones (which become anonymous memory); pvp_text_set_method.
 * All or nothing: everything that can be checked is checked before the
 * first write, and a write that fails puts back what was written.
 *
 * pvp_text_write and pvp_rt_install assume that no other thread runs the
 * code they change. pvp_rt_patch may re-patch sites while other threads run
 * them (the breakpoint protocol of docs/x86_64.md); it refuses, with
 * nothing changed, what it cannot make safe. */
#ifndef PVPATCH_RUNTIME_H
#define PVPATCH_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/install.h"
#include "pvpatch/patch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One edit: the `len` bytes at `addr` become `bytes`. */
typedef struct pvp_text_edit {
    uintptr_t addr;
    const uint8_t *bytes;
    size_t len;
} pvp_text_edit;

/* Write every edit into this process's code, or none. Each edit must lie in
 * private, read-execute, non-writable file or anonymous mappings (not vdso,
 * not sealed with mseal); edits must not overlap. On error the code is as
 * before; err (may be NULL) names the edit's address and the reason, and
 * errno is that of the failed system call, if one failed. No other thread
 * may run the code being written. */
int pvp_text_write(const pvp_text_edit *edits, size_t n, pvp_error *err);

/* How code is written (docs/x86_64.md, "How code is written"). */
typedef enum pvp_text_method {
    PVP_TEXT_AUTO = 0,     /* /proc/self/mem where it can write, else PVP_TEXT_REMAP */
    PVP_TEXT_PROC_MEM,     /* /proc/self/mem only: mappings stay file-backed and read-execute */
    PVP_TEXT_REMAP,        /* fresh read-execute pages moved in by mremap: anonymous afterwards */
} pvp_text_method;

/* Choose the method for the whole process (PVP_TEXT_AUTO until called). */
void pvp_text_set_method(pvp_text_method method);

/* A module's records, as the linker fragment bounds them
 * (include/pvpatch/x86_64/pvpatch-insert.lds). */
typedef struct pvp_rt_records {
    const void *instances, *instances_end;
    const void *fixups, *fixups_end;
    const void *sites, *sites_end;      /* site records (PVP_CALL) */
    const void *modes, *modes_end;      /* mode records (pvpatch/x86_64/emit.h) */
    const void *tmpl, *tmpl_end;        /* template entries */
    const void *text, *text_end;        /* template code */
    const void *ops, *ops_end;          /* the modes' ops tables and the live table */
} pvp_rt_records;

#define PVP_RT_BOUNDS(name)                                                       \
    extern const unsigned char __pvpatch_##name##_start[] __attribute__((visibility("hidden"))); \
    extern const unsigned char __pvpatch_##name##_end[] __attribute__((visibility("hidden")))
PVP_RT_BOUNDS(instances);
PVP_RT_BOUNDS(fixups);
PVP_RT_BOUNDS(sites);
PVP_RT_BOUNDS(modes);
PVP_RT_BOUNDS(tmpl);
PVP_RT_BOUNDS(text);
PVP_RT_BOUNDS(ops);
/* The records of the module (executable or shared library) that uses it. */
#define PVP_RT_RECORDS()                                                          \
    ((pvp_rt_records){ __pvpatch_instances_start, __pvpatch_instances_end,         \
                       __pvpatch_fixups_start, __pvpatch_fixups_end,               \
                       __pvpatch_sites_start, __pvpatch_sites_end,                 \
                       __pvpatch_modes_start, __pvpatch_modes_end,                 \
                       __pvpatch_tmpl_start, __pvpatch_tmpl_end,                   \
                       __pvpatch_text_start, __pvpatch_text_end,                   \
                       __pvpatch_ops_start, __pvpatch_ops_end })

/* Read a module's instance descriptors (as pvp_instances_read). */
int pvp_rt_instances(const pvp_rt_records *recs, pvp_instance *out, size_t max, size_t *count,
                     pvp_error *err);

/* Install instance `name` of a module into the running code, through
 * pvp_install (x86-64 backend) and pvp_text_write: the engine plans and
 * commits into shadow copies of the canonical slot, the records and the
 * words its ptr64 fixups name; then the code is written (all or nothing) and
 * only then the data. Any failure leaves code and data as they were. There
 * is no physical address in userspace: an instance with vtop fixups is
 * refused (PVP_E_TRANSLATE). Single-threaded start-up, as pvp_text_write. */
int pvp_rt_install(const pvp_rt_records *recs, const char *name, pvp_install_report *report,
                   pvp_error *err);

/* Read a module's mode records (as pvp_modes_read). */
int pvp_rt_modes(const pvp_rt_records *recs, pvp_mode *out, size_t max, size_t *count,
                 pvp_error *err);

/* Patch every live site of a module to mode `mode` (its record's name) in
 * the running code, through pvp_patch (x86-64 backend): the engine plans
 * and commits into shadows of the sites' code, the site records and the
 * ops tables; pvp_verify_patch checks the shadows against the code as it
 * is; then the changed sites are written (all or nothing) and only then
 * the records and the live table. With other threads in the process the
 * sites are rewritten by the breakpoint protocol (docs/x86_64.md): safe
 * while those threads run them; refused, with nothing changed, when it
 * cannot be made safe (a site whose current or new code a thread found
 * inside could not start again, no membarrier SYNC_CORE, shadow stacks, a
 * running thread that blocks SIGTRAP). Any failure leaves code and data as
 * they were. `policy` is a pvp_policy. Calls are serialised. */
int pvp_rt_patch(const pvp_rt_records *recs, const char *mode, int policy,
                 pvp_patch_report *report, pvp_error *err);

/* What live re-patching has done in this process so far (docs/x86_64.md). */
typedef struct pvp_rt_live_stats {
    uint64_t patches;          /* pvp_rt_patch calls that rewrote sites by the breakpoint protocol */
    uint64_t pokes;            /* signals sent to other threads to keep them out of the sites */
    uint64_t breakpoints;      /* threads that met a site's int3 and were given its call */
    uint64_t restarts;         /* threads found inside a site and sent back to its first byte */
} pvp_rt_live_stats;

/* The counts since the process started. */
void pvp_rt_live_stats_get(pvp_rt_live_stats *out);

#ifdef __cplusplus
}
#endif
#endif
