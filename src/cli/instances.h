/* Shared by the commands that work on instances (install, verify, sites):
 * reading the instance table of an ELF image and translating addresses the
 * way the image's program headers lay them out. */
#ifndef PVPATCH_CLI_INSTANCES_H
#define PVPATCH_CLI_INSTANCES_H

#include "cli/target.h"
#include "elf/elf_image.h"
#include "pvpatch/install.h"
#include "pvpatch/patch.h"

/* An image and what the instance commands need to know of it. The tables
 * are as large as the image's records: no fixed limit. */
typedef struct cli_segment {
    uint64_t vaddr, paddr, size;     /* a PT_LOAD header */
} cli_segment;

typedef struct cli_image {
    pvp_file *file;
    const cli_target *t;             /* its architecture's row (target.h) */
    pvp_instance *set;               /* .pvpatch.instances */
    size_t count;
    cli_segment *seg;                /* every PT_LOAD */
    size_t nseg;
    uint64_t sites, sites_size;      /* .pvpatch.sites, if any */
    pvp_mode *modes;                 /* .pvpatch.modes */
    size_t nmodes;
    const pvp_section *names;        /* .pvpatch.names, if any */
} cli_image;

/* Room for the instance descriptors of a table of `size` bytes (at least one). */
pvp_instance *cli_instances_alloc(uint64_t size, size_t *max);
/* Open an IA-64 or x86-64 ELF executable and read its instance table; 0, or a one-line
 * error (a relocatable object is refused: its records are not addresses yet). */
int cli_image_open(cli_image *img, const char *path, char *err, size_t errsz);
void cli_image_close(cli_image *img);
/* The instance named `name`, or NULL with a one-line error. */
const pvp_instance *cli_image_instance(const cli_image *img, const char *name, char *err, size_t errsz);
/* vtop through the PT_LOAD headers (p_vaddr -> p_paddr); ctx is the cli_image. */
int cli_image_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr);
/* The id of MODE: a mode record's name or id, a built-in mode's name
 * (native, xen, counting), or the number of a mode some instance is built
 * for; 0, or -1 with a one-line error naming the image's modes. */
int cli_image_mode(const cli_image *img, const char *mode, uint32_t *id, char *err, size_t errsz);
/* An operation's name: the one the image's .pvpatch.names gives it (an
 * operation a user added), else the architecture's (target.h op_name). */
const char *cli_op_name(const cli_image *img, unsigned op, char *buf, size_t size);
/* A mode's name: its record's, a built-in mode's, else its number in buf. */
const char *cli_mode_name(const cli_image *img, uint32_t id, char *buf, size_t size);
/* "FILE: address 0x...: what (reason)" for an engine error. */
void cli_engine_error(char *err, size_t errsz, const char *file, const pvp_error *e);

#endif
