/* The architecture rows of the CLI and how a file finds its row (target.h). */
#include "cli/target.h"

#include <elf.h>
#include <string.h>

static const cli_target *const targets[] = { &cli_target_ia64, &cli_target_x86_64 };
#define NTARGETS (sizeof targets / sizeof targets[0])

const cli_target *cli_target_for(unsigned machine)
{
    for (size_t i = 0; i < NTARGETS; i++)
        if (targets[i]->machine == machine)
            return targets[i];
    return NULL;
}

const cli_target *cli_target_of(const pvp_file *f, const char *machine, char *err, size_t errsz)
{
    if (pvp_file_kind_of(f) != PVP_FILE_RAW)
        return cli_target_for(pvp_file_machine(f));   /* the ELF reader accepts only these */
    if (!machine)
        return &cli_target_ia64;
    for (size_t i = 0; i < NTARGETS; i++)
        if (strcmp(targets[i]->option, machine) == 0)
            return targets[i];
    pvp_errorf(err, errsz, pvp_file_path(f), "unknown --machine '%s' (ia64 or x86-64)", machine);
    return NULL;
}
