/* Host-only input files: IA-64 and x86-64 ELF objects and executables (read with libelf)
 * and raw blobs of code, seen as sections and as a pvp_image, with symbols,
 * relocations and an atomic write-back of modified bytes.
 *
 * A loaded file keeps a private copy of every byte of the file; section and
 * range bytes point into that copy at the section's file offset. Changing
 * them in place and calling pvp_file_write() gives a file that differs from
 * the input only in those bytes (sizes never change, so the layout cannot).
 *
 * Every error is written to the caller's buffer as one line without a newline:
 * "FILE: reason" or "FILE: offset 0x..: reason". */
#ifndef PVPATCH_ELF_IMAGE_H
#define PVPATCH_ELF_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/image.h"

#define PVP_ERR_SIZE 512

typedef enum pvp_file_kind {
    PVP_FILE_RAW = 0,   /* bytes at a base address, no headers */
    PVP_FILE_REL,       /* ET_REL: every section at address 0 */
    PVP_FILE_EXEC,      /* ET_EXEC */
    PVP_FILE_DYN        /* ET_DYN */
} pvp_file_kind;

/* One ELF section (or the single pseudo-section "raw" of a blob). */
typedef struct pvp_section {
    const char *name;
    size_t index;       /* ELF section index; 0 for a raw blob */
    uint32_t type;      /* sh_type (SHT_PROGBITS for a raw blob) */
    uint64_t flags;     /* sh_flags (SHF_ALLOC|SHF_EXECINSTR for a raw blob) */
    uint64_t addr;      /* sh_addr, or the blob's base */
    uint64_t size;
    uint64_t offset;    /* file offset of bytes[0] */
    uint8_t *bytes;     /* into the file copy; NULL for SHT_NOBITS */
} pvp_section;

typedef struct pvp_symbol {
    const char *name;
    uint64_t value;
    uint64_t size;
    uint8_t type;       /* STT_* */
    uint8_t bind;       /* STB_* */
    uint16_t shndx;     /* section index, or SHN_UNDEF / SHN_ABS / ... */
} pvp_symbol;

typedef struct pvp_reloc {
    size_t section;         /* index of the section the relocation applies to */
    uint64_t offset;        /* r_offset */
    uint32_t type;          /* R_IA64_*, R_X86_64_* */
    const char *sym_name;   /* the symbol's name, or its section's for STT_SECTION */
    uint64_t sym_value;
    int64_t addend;         /* 0 for SHT_REL */
} pvp_reloc;

typedef struct pvp_file pvp_file;

/* Open an ELF file if it starts with the ELF magic, else a raw blob at base 0. */
pvp_file *pvp_file_open(const char *path, char *err, size_t errsz);
/* Open a file that must be a 64-bit little-endian IA-64 or x86-64 ELF object or executable. */
pvp_file *pvp_file_open_elf(const char *path, char *err, size_t errsz);
/* Open any non-empty file as raw bytes loaded at base. */
pvp_file *pvp_file_open_raw(const char *path, uint64_t base, char *err, size_t errsz);
void pvp_file_close(pvp_file *f);

const char *pvp_file_path(const pvp_file *f);
pvp_file_kind pvp_file_kind_of(const pvp_file *f);
/* The ELF header's e_machine (EM_IA_64, EM_X86_64); 0 for a raw blob. */
unsigned pvp_file_machine(const pvp_file *f);

/* Sections in file order (index 0, the ELF null section, is left out). */
size_t pvp_file_section_count(const pvp_file *f);
const pvp_section *pvp_file_section(const pvp_file *f, size_t i);
const pvp_section *pvp_file_section_by_name(const pvp_file *f, const char *name);
/* The section with ELF index idx, or NULL. */
const pvp_section *pvp_file_section_by_index(const pvp_file *f, size_t idx);

/* The SHF_ALLOC sections with file contents as ranges (the whole blob for a raw
 * file). In a relocatable object they all start at 0 and so overlap: use one
 * section at a time there, through pvp_section_range(). */
const pvp_image *pvp_file_image(const pvp_file *f);
/* A range over one section's bytes, at addr (usually s->addr). */
pvp_range pvp_section_range(const pvp_section *s, uint64_t addr);

/* Symbols of .symtab (or .dynsym when there is no .symtab). */
size_t pvp_file_symbol_count(const pvp_file *f);
const pvp_symbol *pvp_file_symbol(const pvp_file *f, size_t i);
/* The first symbol with this name, or NULL. */
const pvp_symbol *pvp_file_symbol_by_name(const pvp_file *f, const char *name);

/* Every entry of every SHT_RELA and SHT_REL section. */
size_t pvp_file_reloc_count(const pvp_file *f);
const pvp_reloc *pvp_file_reloc(const pvp_file *f, size_t i);

/* Write the file, with its sections' current bytes, to path: through a
 * temporary file in the same directory and a rename, so path is either the
 * complete new file or untouched. The input's permission bits are kept. */
int pvp_file_write(const pvp_file *f, const char *path, char *err, size_t errsz);

/* A file written under a temporary name next to its path and renamed over
 * it when complete, so that path is either the whole new file or untouched. */
typedef struct pvp_atomic_file {
    int fd;                 /* write here */
    char *tmp;
    const char *path;
} pvp_atomic_file;

/* Create the temporary file for path; -1 with a message in err if it cannot be
 * (an existing path that is not a regular file is refused, never replaced). */
int pvp_atomic_open(pvp_atomic_file *f, const char *path, char *err, size_t errsz);
/* Give it mode, close it and rename it over path; -1 with a message if any step
 * fails (the temporary file is removed then). */
int pvp_atomic_commit(pvp_atomic_file *f, unsigned mode, char *err, size_t errsz);
/* Close and remove the temporary file: path stays as it was. */
void pvp_atomic_abort(pvp_atomic_file *f);

/* Write bytes to path atomically (temporary file + rename) with the given mode.
 * An existing path that is not a regular file (device, FIFO, directory,
 * symbolic link) is refused, never replaced. */
int pvp_write_atomic(const char *path, const void *bytes, size_t size, unsigned mode,
                     char *err, size_t errsz);

/* Format the one-line messages: "FILE: reason" and "FILE: offset 0x..: reason". */
void pvp_errorf(char *err, size_t errsz, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pvp_errorf_at(char *err, size_t errsz, const char *file, uint64_t offset,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
