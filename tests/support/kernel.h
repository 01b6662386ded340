/* Test support: small IA-64 kernels with pvpatch instances, assembled and
 * linked by GNU as and ld at kernel addresses, for install and CLI tests. */
#ifndef PVP_TEST_KERNEL_H
#define PVP_TEST_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "elf/elf_image.h"
#include "pvpatch/install.h"

#define KERNEL_BASE  0xa000000100000000ull
#define PHYS_BASE    0x4000000ull
#define COPY_ADDR    0xa000000100100000ull   /* discardable copies live here */
#define SLOT         0x400ull                 /* 64 bundles */

/* One bundle per IP-relative form; %s is the target. */
extern const char *const form_bundles[];
extern const size_t nform_bundles;
#define FIRST_BRL 5
#define LAST_BRL  6

/* A linked test kernel: its path, the file and the instance set. */
typedef struct kernel {
    char path[512];
    pvp_file *file;
    pvp_instance set[4];
    size_t count;
} kernel;

/* Append printf-style text to a growing buffer. */
void add(char **buf, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Assemble and link a kernel: instances native (canonical, ia64_ivt) and xen
 * (a copy at copy_addr) built from the gas macro body `body name`; extra_lds
 * adds linker-script lines (symbol assignments). Fails the test on error. */
void build_kernel(const char *body, const char *copy_addr, const char *extra_lds, kernel *k);
/* Physical addresses as the kernels' linker script lays them out. */
int kernel_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr);
/* The pvpatch command under test ($PVPATCH, else build/pvpatch). */
const char *pvpatch_path(void);
/* Run it with printf-style args; stdout and stderr together, exit status in *st. */
char *pvpatch_run(int *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A body with every form to inside and outside targets and one fixup of each kind. */
char *all_forms_body(void);
/* A body whose first bundle branches to `target`. */
char *one_branch_body(const char *target);

#endif
