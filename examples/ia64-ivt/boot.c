/* boot.c: pvpatch_boot(mode), what head.S calls before it sets cr.iva.
 * Freestanding C against the engine's API (libpvpatch.a, built with
 * -ffreestanding, and src/arch/ia64/flush_icache.S). There is no IA-64 C
 * compiler on the build machine, so the example images link head.S's weak
 * stand-in instead and run these two steps offline with `pvpatch install`
 * and `pvpatch patch`; build.sh only checks that this file compiles.
 *
 *   1. install: in every slot, the instance pvp_instance_for_mode picks:
 *      the IVT instance of `mode` copied over ia64_ivt (its outside branches
 *      re-targeted, its vtop/self/ptr64 fixups applied), or, when the one in
 *      place is of that mode or no other is, that one: its vtop fixups must
 *      be applied too (pvp_patch refuses to run before they are);
 *   2. patch: give every live pv site the best form for `mode` (A inline
 *      where it fits, else B, else C) and fill pv_cpu_asm_ops with the
 *      mode's stubs.
 * Either step checks everything before writing anything; on failure the
 * image is as it was and the error names the address. */
#include "pvpatch/install.h"
#include "pvpatch/patch.h"

/* From kernel.lds and pvpatch.lds. */
extern char _kernel_start[], _end[];
extern char __pvpatch_instances_start[], __pvpatch_instances_end[];
extern char __pvpatch_sites_start[], __pvpatch_sites_end[];
extern char __pvpatch_modes_start[], __pvpatch_modes_end[];
extern char __pvpatch_work[], __pvpatch_work_end[];

/* src/arch/ia64/flush_icache.S: fc.i over the range, sync.i, srlz.i. */
void pvp_ia64_flush_icache(uint64_t addr, uint64_t size);

#define KERNEL_VIRT 0xa000000100000000ull   /* kernel.lds: . = ...   */
#define KERNEL_PHYS 0x4000000ull            /* kernel.lds: AT(...)   */

int pvpatch_boot(uint32_t mode);

#define ADDR(p) ((uint64_t)(uintptr_t)(p))

static int kernel_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr)
{
    (void)ctx;
    if (vaddr < ADDR(_kernel_start) || vaddr >= ADDR(_end))
        return 1;                               /* not the kernel image: refuse */
    *paddr = vaddr - KERNEL_VIRT + KERNEL_PHYS;
    return 0;
}

static void flush(void *ctx, uint64_t addr, uint64_t size)
{
    (void)ctx;
    pvp_ia64_flush_icache(addr, size);
}

static pvp_instance instances[8];
static pvp_mode modes[4];

int pvpatch_boot(uint32_t mode)
{
    /* The running kernel as the engine sees it: one range, target address
     * and host pointer the same. */
    pvp_range range = {
        .addr = ADDR(_kernel_start),
        .size = ADDR(_end) - ADDR(_kernel_start),
        .bytes = (uint8_t *)_kernel_start,
        .flags = PVP_RANGE_EXEC | PVP_RANGE_WRITE,
        .name = "kernel",
    };
    pvp_image img = { &range, 1 };
    pvp_error err;
    size_t ninst = 0, nmodes = 0;
    int rc;

    rc = pvp_instances_read(&img, ADDR(__pvpatch_instances_start),
                            ADDR(__pvpatch_instances_end) - ADDR(__pvpatch_instances_start),
                            instances, 8, &ninst, &err);
    if (rc != PVP_OK)
        return rc;

    /* 1. Install, in every slot: the instance of this mode, else the one in place. */
    for (size_t i = 0; i < ninst; i++) {
        size_t first = 0, chosen;
        while (instances[first].canonical != instances[i].canonical)
            first++;
        if (first != i)
            continue;                           /* this slot was done */
        chosen = pvp_instance_for_mode(instances, ninst, instances[i].canonical, mode);
        pvp_install_req req = {
            .arch = &pvp_arch_ia64,
            .set = instances,
            .count = ninst,
            .chosen = chosen,
            .vtop = kernel_vtop,
            .flush = flush,
            /* free until the patch: the plan keeps its blocks there (too small: decoded twice) */
            .work = __pvpatch_work,
            .work_size = (size_t)(__pvpatch_work_end - __pvpatch_work),
        };
        pvp_install_report report;
        rc = pvp_install(&img, &req, &report, &err);
        if (rc != PVP_OK)
            return rc;
        /* The engine marked the descriptor INSTALLED: so must our copy, so
         * that the patch sees which instance's sites are live now. */
        instances[chosen].flags |= PVP_INSTANCE_F_INSTALLED;
    }

    /* 2. Patch every live site to the mode. */
    rc = pvp_modes_read(&img, ADDR(__pvpatch_modes_start),
                        ADDR(__pvpatch_modes_end) - ADDR(__pvpatch_modes_start), modes, 4, &nmodes,
                        &err);
    if (rc != PVP_OK)
        return rc;
    pvp_patch_req preq = {
        .arch = &pvp_arch_ia64,
        .set = instances,
        .count = ninst,
        .sites = ADDR(__pvpatch_sites_start),
        .sites_size = ADDR(__pvpatch_sites_end) - ADDR(__pvpatch_sites_start),
        .modes = modes,
        .nmodes = nmodes,
        .mode = mode,
        .policy = PVP_POLICY_BEST,
        .flush = flush,
        .work = __pvpatch_work,                 /* pvpatch.lds reserves it */
        .work_size = ADDR(__pvpatch_work_end) - ADDR(__pvpatch_work),
        .vtop = kernel_vtop,                    /* for sites that run with psr.dt off */
    };
    pvp_patch_report prep;
    return pvp_patch(&img, &preq, &prep, &err);
}
