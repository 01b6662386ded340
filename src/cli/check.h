/* pvpatch check: what the command (check.c) shares with its view of
 * relocatable objects (check_object.c). */
#ifndef PVPATCH_CLI_CHECK_H
#define PVPATCH_CLI_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "cli/instances.h"

/* Sections of an object sit at (ELF index << CHECK_OBJ_SHIFT); undefined
 * symbols at CHECK_OBJ_UNDEF + 16 * symbol index, where no section is. */
#define CHECK_OBJ_SHIFT 40
#define CHECK_OBJ_UNDEF (UINT64_C(0xffff) << CHECK_OBJ_SHIFT)

/* A relocatable object seen as if it were linked: every allocated section
 * at an address of its own and the record sections' relocations applied,
 * so that the engine's record readers work on it unchanged. */
typedef struct check_object {
    pvp_image img;
    pvp_range *ranges;
    uint8_t **copies;          /* relocated copies of the record sections */
    size_t ncopies;
} check_object;

/* Open the records of relocatable object f into ci (which takes f over) and o;
 * 0, or -1 with a one-line error (f is closed then). */
int check_object_open(cli_image *ci, check_object *o, pvp_file *f, char *err, size_t errsz);
/* Free what check_object_open allocated (not ci). */
void check_object_close(check_object *o);
/* The address of byte `offset` of the section with ELF index idx. */
uint64_t check_object_addr(size_t idx, uint64_t offset);
/* The section (and offset in it) an object address lies in, or NULL. */
const pvp_section *check_object_section(const pvp_file *f, uint64_t addr, uint64_t *offset);
/* Where a relocation points (its symbol's address plus the addend); 0, or -1
 * if its symbol cannot be found. */
int check_object_target(const pvp_file *f, const pvp_reloc *r, uint64_t *addr);
/* The nearest symbol at or before an object address, as "name+0xoff". */
const char *check_object_name(const pvp_file *f, uint64_t addr, char *buf, size_t size);
/* sh_addralign of section idx of the file at path, 0 if unknown. */
uint64_t check_object_align(const char *path, size_t idx);

#endif
