/* What the fuzz targets share: the input as a file a command can open, an
 * x86-64 ELF seen as the IA-64 reader's input, and snapshots of an image's
 * bytes to prove that a refused change wrote nothing. */
#ifndef PVPATCH_FUZZ_INPUT_H
#define PVPATCH_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pvpatch/install.h"

/* An invariant of the code under test: abort (a libFuzzer crash) if it fails. */
#define FUZZ_CHECK(cond) do { if (!(cond)) fuzz_fail(#cond, __FILE__, __LINE__); } while (0)
void fuzz_fail(const char *what, const char *file, int line) __attribute__((noreturn));

/* A bug the input shows that is reported and not fixed yet: named once per
 * run on standard error ("known bug: ...", which fuzz/run.sh reports) and
 * fuzzing goes on past it. Each use says exactly what is waived, so any
 * other failure still stops the fuzzer; with the fix it becomes FUZZ_CHECK. */
void fuzz_known_bug(const char *what);

/* The bytes as the contents of file `slot` (0 or 1): a path that open()
 * reads them from (a memfd, rewritten on each call). */
const char *fuzz_file(unsigned slot, const uint8_t *data, size_t size);

/* A path no one else writes to (DIR/out in a private directory made on the
 * first call), for what a target writes. */
const char *fuzz_out_path(void);

/* A copy of the bytes in which an x86-64 ELF says IA-64, so that the ELF
 * reader (IA-64 only) reads it; *arch is the backend its code needs. NULL
 * when the bytes are not a 64-bit little-endian x86-64 or IA-64 ELF file.
 * The caller frees the copy. */
uint8_t *fuzz_as_reader_input(const uint8_t *data, size_t size, const pvp_arch **arch);

/* The bytes as an image, opened as the pvpatch command opens one
 * (cli_image_open) after fuzz_as_reader_input: the backend its code needs,
 * or NULL when it does not open. */
struct cli_image;
const pvp_arch *fuzz_image_open(const uint8_t *data, size_t size, struct cli_image *ci);

/* A copy of every range's bytes, and an image over the copies. */
typedef struct fuzz_snapshot {
    pvp_image image;
    pvp_range *ranges;
    uint8_t **bytes;
} fuzz_snapshot;

int fuzz_snapshot_take(fuzz_snapshot *s, const pvp_image *img);
/* Does every range of img still hold the snapshot's bytes? */
int fuzz_snapshot_same(const fuzz_snapshot *s, const pvp_image *img);
void fuzz_snapshot_free(fuzz_snapshot *s);

/* The install/patch error contract: a failed call names a reason. */
void fuzz_check_error(int rc, const pvp_error *e);

#endif
