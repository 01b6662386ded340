/* Reading /proc/self/maps: is a range program text, or writable data? */
#define _GNU_SOURCE
#include "maps.h"

#include <stdio.h>

int pvp_rt_fail(pvp_error *err, int status, uintptr_t addr, const char *what)
{
    if (err)
        *err = (pvp_error){ .status = status, .addr = addr, .sub = -1, .what = what };
    return status;
}

/* Why a mapping with these permissions and this name is not program text, or NULL. */
static const char *not_text(const char *perms, const char *name)
{
    if (perms[0] != 'r' || perms[2] != 'x')
        return "mapping is not readable and executable: not program code";
    if (perms[1] == 'w')
        return "mapping is writable: refused, W^X code is never writable";
    if (perms[3] != 'p')
        return "mapping is shared: writing it would change other processes' code";
    if (name[0] == '[')
        return "special kernel mapping (vdso): refused";
    return NULL;
}

static const char *not_data(const char *perms, const char *name)
{
    (void)name;
    if (perms[0] != 'r' || perms[1] != 'w')
        return "data is not writable (read-only after relocation?)";
    return NULL;
}

int pvp_rt_maps_check(uintptr_t start, uintptr_t end, enum pvp_rt_need need, pvp_error *err)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        return pvp_rt_fail(err, PVP_E_UNSUPPORTED, start, "cannot read /proc/self/maps");
    uintptr_t pos = start;
    const char *why = NULL;
    char line[4352];
    while (pos < end && !why && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8], name[4096] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &lo, &hi, perms, name) < 3 || hi <= pos)
            continue;
        if (lo > pos)
            break;                                  /* a hole before the next mapping */
        why = need == PVP_RT_TEXT ? not_text(perms, name) : not_data(perms, name);
        if (!why)
            pos = hi < end ? hi : end;
    }
    fclose(maps);
    if (why)
        return pvp_rt_fail(err, PVP_E_UNSUPPORTED, pos, why);
    if (pos < end)
        return pvp_rt_fail(err, PVP_E_OUTSIDE_IMAGE, pos, "address not mapped");
    return PVP_OK;
}
