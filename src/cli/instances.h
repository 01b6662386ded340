/* Shared by the commands that work on instances (install, verify, sites):
 * reading the instance table of an ELF image and translating addresses the
 * way the image's program headers lay them out. */
#ifndef PVPATCH_CLI_INSTANCES_H
#define PVPATCH_CLI_INSTANCES_H

#include "elf/elf_image.h"
#include "pvpatch/install.h"
#include "pvpatch/patch.h"

#define CLI_MAX_INSTANCES 64
#define CLI_MAX_SEGMENTS  32
#define CLI_MAX_MODES     16

/* An image and what the instance commands need to know of it. */
typedef struct cli_image {
    pvp_file *file;
    pvp_instance set[CLI_MAX_INSTANCES];
    size_t count;
    struct { uint64_t vaddr, paddr, size; } seg[CLI_MAX_SEGMENTS];   /* PT_LOAD */
    size_t nseg;
    uint64_t sites, sites_size;      /* .pvpatch.sites, if any */
    pvp_mode modes[CLI_MAX_MODES];   /* .pvpatch.modes */
    size_t nmodes;
} cli_image;

/* Open an IA-64 ELF executable and read its instance table; 0, or a one-line error. */
int cli_image_open(cli_image *img, const char *path, char *err, size_t errsz);
void cli_image_close(cli_image *img);
/* The instance named `name`, or NULL with a one-line error. */
const pvp_instance *cli_image_instance(const cli_image *img, const char *name, char *err, size_t errsz);
/* vtop through the PT_LOAD headers (p_vaddr -> p_paddr); ctx is the cli_image. */
int cli_image_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr);
/* "FILE: address 0x...: what (reason)" for an engine error. */
void cli_engine_error(char *err, size_t errsz, const char *file, const pvp_error *e);

#endif
