/* /proc/self/maps, read once and searched by address. */
#define _GNU_SOURCE
#include "maps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pvp_rt_fail(pvp_error *err, int status, uintptr_t addr, const char *what)
{
    if (err)
        *err = (pvp_error){ .status = status, .addr = addr, .sub = -1, .what = what };
    return status;
}

/* The whole file, NUL-terminated (its size is unknown until read). */
static char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (ssize_t got = 1; buf && got > 0;) {
        if (cap - len < 4096) {
            char *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
            if (!buf)
                break;
        }
        got = read(fd, buf + len, cap - len - 1);
        if (got > 0)
            len += (size_t)got;
        else if (got < 0 && errno == EINTR)
            got = 1;
        else if (got < 0) {
            free(buf);
            buf = NULL;
        }
    }
    close(fd);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* Parse one line ("lo-hi perms offset dev inode name"); 0 if it is no mapping. */
static int parse_line(char *line, pvp_rt_mapping *m)
{
    unsigned long lo, hi;
    int name = 0;
    if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &lo, &hi, m->perms, &name) < 3)
        return 0;
    m->lo = lo;
    m->hi = hi;
    m->name = name ? line + name : line + strlen(line);
    return 1;
}

int pvp_rt_maps_read(pvp_rt_maps *maps, pvp_error *err)
{
    *maps = (pvp_rt_maps){ NULL, 0, slurp("/proc/self/maps") };
    if (!maps->text)
        return pvp_rt_fail(err, PVP_E_UNSUPPORTED, 0, "cannot read /proc/self/maps");
    size_t lines = 1;
    for (const char *p = maps->text; *p; p++)
        lines += *p == '\n';
    maps->m = malloc(lines * sizeof *maps->m);
    if (!maps->m) {
        pvp_rt_maps_free(maps);
        return pvp_rt_fail(err, PVP_E_NO_SPACE, 0, "out of memory for /proc/self/maps");
    }
    for (char *line = maps->text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        maps->n += (size_t)parse_line(line, &maps->m[maps->n]);
    }
    return PVP_OK;
}

void pvp_rt_maps_free(pvp_rt_maps *maps)
{
    free(maps->m);
    free(maps->text);
    *maps = (pvp_rt_maps){ NULL, 0, NULL };
}

const pvp_rt_mapping *pvp_rt_maps_find(const pvp_rt_maps *maps, uintptr_t addr)
{
    size_t lo = 0, hi = maps->n;          /* the kernel lists mappings in address order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (maps->m[mid].hi <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < maps->n && maps->m[lo].lo <= addr ? &maps->m[lo] : NULL;
}

/* Why a mapping with these permissions and this name is not program text, or NULL. */
static const char *not_text(const pvp_rt_mapping *m)
{
    if (m->perms[0] != 'r' || m->perms[2] != 'x')
        return "mapping is not readable and executable: not program code";
    if (m->perms[1] == 'w')
        return "mapping is writable: refused, W^X code is never writable";
    if (m->perms[3] != 'p')
        return "mapping is shared: writing it would change other processes' code";
    if (m->name[0] == '[')
        return "special kernel mapping (vdso): refused";
    return NULL;
}

static const char *not_data(const pvp_rt_mapping *m)
{
    if (m->perms[0] != 'r' || m->perms[1] != 'w')
        return "data is not writable (read-only after relocation?)";
    return NULL;
}

int pvp_rt_maps_check(const pvp_rt_maps *maps, uintptr_t start, uintptr_t end,
                      enum pvp_rt_need need, pvp_error *err)
{
    for (uintptr_t pos = start; pos < end;) {
        const pvp_rt_mapping *m = pvp_rt_maps_find(maps, pos);
        if (!m)
            return pvp_rt_fail(err, PVP_E_OUTSIDE_IMAGE, pos, "address not mapped");
        const char *why = need == PVP_RT_TEXT ? not_text(m) : not_data(m);
        if (why)
            return pvp_rt_fail(err, PVP_E_UNSUPPORTED, pos, why);
        pos = m->hi;
    }
    return PVP_OK;
}
