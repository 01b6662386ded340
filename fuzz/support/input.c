/* What the fuzz targets share (input.h). */
#define _GNU_SOURCE
#include "input.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/instances.h"
#include "pvpatch/x86_64.h"

void fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
    abort();
}

void fuzz_known_bug(const char *what)
{
    static const char *seen[16];
    for (unsigned i = 0; i < 16; i++) {
        if (seen[i] == what)
            return;
        if (!seen[i]) {
            seen[i] = what;
            fprintf(stderr, "known bug: %s\n", what);
            return;
        }
    }
}

const char *fuzz_file(unsigned slot, const uint8_t *data, size_t size)
{
    static int fd[2] = { -1, -1 };
    static char path[2][40];
    if (fd[slot] < 0) {
        fd[slot] = memfd_create("pvpatch-fuzz", 0);
        FUZZ_CHECK(fd[slot] >= 0);
        snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
    }
    FUZZ_CHECK(ftruncate(fd[slot], 0) == 0);
    FUZZ_CHECK(size == 0 || pwrite(fd[slot], data, size, 0) == (ssize_t)size);
    return path[slot];
}

static char out_dir[32];

/* At exit: the private directory goes (what was written there is unlinked after each run). */
static void remove_out_dir(void)
{
    rmdir(out_dir);
}

const char *fuzz_out_path(void)
{
    static char path[64];
    if (!path[0]) {
        snprintf(out_dir, sizeof out_dir, "/tmp/pvpatch-fuzz.XXXXXX");
        FUZZ_CHECK(mkdtemp(out_dir));
        atexit(remove_out_dir);
        snprintf(path, sizeof path, "%s/out", out_dir);
    }
    return path;
}

uint8_t *fuzz_as_reader_input(const uint8_t *data, size_t size, const pvp_arch **arch)
{
    if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG) != 0 ||
        data[EI_CLASS] != ELFCLASS64 || data[EI_DATA] != ELFDATA2LSB)
        return NULL;
    unsigned machine = data[offsetof(Elf64_Ehdr, e_machine)] | data[offsetof(Elf64_Ehdr, e_machine) + 1] << 8;
    if (machine != EM_X86_64 && machine != EM_IA_64)
        return NULL;
    uint8_t *copy = malloc(size);
    FUZZ_CHECK(copy);
    memcpy(copy, data, size);
    *arch = machine == EM_X86_64 ? &pvp_arch_x86_64 : &pvp_arch_ia64;
    copy[offsetof(Elf64_Ehdr, e_machine)] = EM_IA_64 & 0xff;
    copy[offsetof(Elf64_Ehdr, e_machine) + 1] = EM_IA_64 >> 8;
    return copy;
}

const pvp_arch *fuzz_image_open(const uint8_t *data, size_t size, cli_image *ci)
{
    const pvp_arch *arch;
    uint8_t *bytes = fuzz_as_reader_input(data, size, &arch);
    if (!bytes)
        return NULL;
    const char *path = fuzz_file(0, bytes, size);
    free(bytes);
    char err[PVP_ERR_SIZE];
    return cli_image_open(ci, path, err, sizeof err) == 0 ? arch : NULL;
}

int fuzz_snapshot_take(fuzz_snapshot *s, const pvp_image *img)
{
    size_t n = img->nranges;
    s->ranges = calloc(n ? n : 1, sizeof *s->ranges);
    s->bytes = calloc(n ? n : 1, sizeof *s->bytes);
    FUZZ_CHECK(s->ranges && s->bytes);
    for (size_t i = 0; i < n; i++) {
        s->ranges[i] = img->ranges[i];
        s->bytes[i] = malloc(img->ranges[i].size ? img->ranges[i].size : 1);
        FUZZ_CHECK(s->bytes[i]);
        memcpy(s->bytes[i], img->ranges[i].bytes, img->ranges[i].size);
        s->ranges[i].bytes = s->bytes[i];
    }
    s->image = (pvp_image){ s->ranges, n };
    return 0;
}

int fuzz_snapshot_same(const fuzz_snapshot *s, const pvp_image *img)
{
    for (size_t i = 0; i < img->nranges; i++)
        if (memcmp(s->bytes[i], img->ranges[i].bytes, img->ranges[i].size) != 0)
            return 0;
    return 1;
}

void fuzz_snapshot_free(fuzz_snapshot *s)
{
    for (size_t i = 0; i < s->image.nranges; i++)
        free(s->bytes[i]);
    free(s->bytes);
    free(s->ranges);
    *s = (fuzz_snapshot){ { NULL, 0 }, NULL, NULL };
}

void fuzz_check_error(int rc, const pvp_error *e)
{
    FUZZ_CHECK(rc > PVP_OK && rc < PVP_STATUS_COUNT);
    FUZZ_CHECK(e->status == rc && e->what != NULL);
}
