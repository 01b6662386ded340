/* Test support: IA-64 kernels whose code uses every pv operation, built in
 * one form (and mode) by GNU as and ld, linked with the three mode objects
 * (native, xen, counting) at fixed addresses so that images of different
 * builds can be compared site by site. */
#ifndef PVP_TEST_PVKERNEL_H
#define PVP_TEST_PVKERNEL_H

#include "cli/instances.h"

#define PV_TEXT_BASE  0xa000000100000000ull

/* The use of every operation, one per line, with result r16, values r17
 * and r18, clobbers r24 and r25 (so every site is the same, op by op). */
char *pv_every_op_body(void);
/* The three mode objects (native with pv_cpu_asm_ops, xen, counting), built
 * once per test process: their paths, space-separated. */
const char *pv_mode_objects(void);
/* Build `body` (assembler text using PV_* macros) in form `form` ("A", "B",
 * "C") for mode `mode` and link it with the mode objects; open it. */
void pv_build(const char *body, const char *form, const char *mode, cli_image *img);
/* A writable copy of an image's bytes, to compare against after a failure. */
uint8_t *pv_snapshot(const cli_image *img, size_t *size);
/* Nonzero if the image's bytes still equal the snapshot. */
int pv_unchanged(const cli_image *img, const uint8_t *snap, size_t size);
/* A patch request over an image, for a mode name and policy. */
pvp_patch_req pv_request(cli_image *img, const char *mode, int policy, pvp_site_result *res, size_t max);

#endif
