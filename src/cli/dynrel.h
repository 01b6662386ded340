/* Dynamic relocations of a PIE or shared library that must follow the
 * words install and patch write (the loader would write its own values over
 * them): a word a RELATIVE relocation names gets the new value as its
 * addend; a changed word under any other dynamic relocation is refused. */
#ifndef PVPATCH_CLI_DYNREL_H
#define PVPATCH_CLI_DYNREL_H

#include <stddef.h>
#include <stdint.h>
#include "cli/instances.h"

typedef struct cli_dynrel_word {
    uint8_t *entry;          /* the Elf64_Rela, in the file's bytes */
    uint64_t before;         /* the word it names, before the command */
} cli_dynrel_word;

typedef struct cli_dynrel {
    cli_dynrel_word *w;
    size_t n;
} cli_dynrel;

/* Note every word an allocated RELA section names, as the file holds it now. */
int cli_dynrel_snapshot(const cli_image *img, cli_dynrel *d, char *err, size_t errsz);
/* After the command: the relocations of the words that changed follow them;
 * 0, or -1 and a one-line error (nothing changed) for a word whose
 * relocation cannot follow. */
int cli_dynrel_follow(const cli_image *img, const cli_dynrel *d, char *err, size_t errsz);
void cli_dynrel_free(cli_dynrel *d);

#endif
