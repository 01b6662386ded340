/* Test support: IA-64 kernels whose code uses every pv operation, built in
 * one form (and mode) by GNU as and ld, linked with the three mode objects
 * (native, xen, counting) at fixed addresses so that images of different
 * builds can be compared site by site. */
#ifndef PVP_TEST_PVKERNEL_H
#define PVP_TEST_PVKERNEL_H

#include "cli/instances.h"

#define PV_TEXT_BASE  0xa000000100000000ull
#define PV_DATA_VA    0xa000000100300000ull   /* .data (the ops tables) */
#define PV_DATA_PA_S  "0x4300000"             /* its physical address with pv_lds_physical_data */
#define PV_DATA_PA    0x4300000ull

/* The use of every operation, one per line, with result r16, values r17
 * and r18, clobbers r2, r3 and r14 and predicate clobber p6 (so every site
 * is the same, op by op). */
char *pv_every_op_body(void);
/* The usual layout (for pv_build_with) but with the data at a physical
 * address of its own, PV_DATA_PA, where it is loaded at PV_DATA_VA. */
const char *pv_lds_physical_data(void);
/* How many sites pv_every_op_body has: every operation but the blocks. */
size_t pv_every_op_count(void);
/* The three mode objects (native with pv_cpu_asm_ops, xen, counting), built
 * once per test process: their paths, space-separated. */
const char *pv_mode_objects(void);
/* The same built anew with extra cpp flags (e.g. -include of a user's
 * operations); a static buffer, valid until the next call. */
const char *pv_mode_objects_with(const char *cppflags);
/* Build `body` (assembler text using PV_* macros) in form `form` ("A", "B",
 * "C") for mode `mode` and link it with the mode objects; open it. */
void pv_build(const char *body, const char *form, const char *mode, cli_image *img);
/* The same with a linker script of the caller's (NULL: the fixed layout of
 * pv_build), extra cpp options and mode objects (NULL: none, the usual). */
void pv_build_with(const char *body, const char *form, const char *mode, const char *lds, const char *cppflags,
                   const char *objs, cli_image *img);
/* Assemble `body` as pv_build would, without linking: 0 if GNU as accepts
 * it; its messages (malloc'd) in *messages either way. */
int pv_assemble(const char *body, const char *form, const char *mode, const char *cppflags, char **messages);
/* GNU as's messages (malloc'd, empty when it has none) on the bundles of a
 * region as objdump prints them, reassembled with -xexplicit: branch
 * targets become a label at the region's end or an external symbol. */
char *pv_reassemble(const uint8_t *code, uint64_t addr, size_t len);
/* objdump's text of a region, one instruction a line (malloc'd). */
char *pv_objdump_text(const uint8_t *code, uint64_t addr, size_t len);
/* A writable copy of an image's bytes, to compare against after a failure. */
uint8_t *pv_snapshot(const cli_image *img, size_t *size);
/* Nonzero if the image's bytes still equal the snapshot. */
int pv_unchanged(const cli_image *img, const uint8_t *snap, size_t size);
/* A patch request over an image, for a mode name and policy. */
pvp_patch_req pv_request(cli_image *img, const char *mode, int policy, pvp_site_result *res, size_t max);

/* objdump's instructions of a region, one a line, nops left out (a stop
 * after nops ends the instruction before them), and a branch to `back`
 * too when it is not 0 (malloc'd). */
char *pv_insns(const uint8_t *code, uint64_t addr, size_t len, uint64_t back);
/* Nonzero if the region holds an unpredicated branch to `to`. */
int pv_branches_back(const uint8_t *code, uint64_t addr, size_t len, uint64_t to);
/* NULL if site k of img, patched with result res, holds the code the A
 * build `want` has at its site k: where it stands (A), or out of line
 * with a branch back (B of a split site); else why not, with both texts
 * (malloc'd). */
char *pv_site_a_code(const cli_image *img, size_t k, const pvp_site_result *res, const cli_image *want);

#endif
