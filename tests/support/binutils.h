/* Test support: GNU binutils for IA-64 as the oracle. Assemble a source with
 * ia64-linux-gnu-as -xexplicit, read a section's bytes, and parse objdump -d. */
#ifndef PVP_TEST_BINUTILS_H
#define PVP_TEST_BINUTILS_H

#include <stddef.h>
#include <stdint.h>

#define TAS_AS      "ia64-linux-gnu-as"
#define TAS_LD      "ia64-linux-gnu-ld"
#define TAS_OBJDUMP "ia64-linux-gnu-objdump"

/* An assembled object: its path on disk and the bytes of one section. */
typedef struct tas_object {
    char path[512];
    uint8_t *bytes;
    size_t size;
    uint64_t addr;      /* the section's address (0 in objects) */
} tas_object;

/* A bundle as objdump prints it. */
typedef struct tas_bundle {
    uint64_t addr;
    char tmpl[8];          /* "MIB", "MLX", ... as printed inside [ ] */
    int nslots;            /* instructions printed: 3, or 2 for MLX */
    char insn[3][160];     /* text of each instruction, stop marks included */
} tas_bundle;

/* A fresh private directory for this process's files (created once). */
const char *tas_tmpdir(void);
/* Run a shell command; return its stdout (malloc'd, NUL-terminated), exit status in *status. */
char *tas_run(const char *cmd, int *status);
/* Assemble src (written to a .s file) with -xexplicit; load section `section` (".text"
 * if NULL). Returns 0, or -1 with the assembler's messages in err. */
int tas_assemble(const char *src, const char *section, tas_object *out, char *err, size_t errsz);
/* Load one section of any ELF file into out (bytes malloc'd). */
int tas_load_section(const char *path, const char *section, tas_object *out);
/* Free the bytes of an object. */
void tas_free(tas_object *obj);
/* Write bytes to a fresh file in the tmpdir; returns the path (static buffer per call site). */
int tas_write_file(const char *name, const void *bytes, size_t size, char *path, size_t pathsz);
/* objdump -d of a file (extra args may be NULL); parse into at most max bundles. */
int tas_objdump_bundles(const char *path, const char *extra_args, tas_bundle *out, int max);
/* objdump of a raw IA-64 blob (binary format) as if loaded at vma. */
int tas_objdump_raw(const char *path, uint64_t vma, tas_bundle *out, int max);
/* The absolute target objdump printed in an instruction text (the hex before " <"
 * or the last hex operand); the index-th such target (0 or 1 for brp). -1 if none. */
int tas_insn_target(const char *insn, int index, uint64_t *target);

/* objdump of bytes given in memory, as if loaded at vma (writes a temporary file). */
int tas_objdump_mem(const void *bytes, size_t size, uint64_t vma, tas_bundle *out, int max);
/* Mark in bad[line] (1-based, line < nlines) each line assembler messages call an Error;
 * returns how many distinct lines were marked. */
int tas_error_lines(const char *messages, unsigned char *bad, int nlines);
/* Reproducible pseudo-random numbers (xorshift64*); the state must not be 0. */
uint64_t tas_rand(uint64_t *state);
/* Nonzero if an objdump instruction text ends with a stop (";;"). */
int tas_insn_has_stop(const char *insn);

#endif
