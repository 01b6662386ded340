/* libFuzzer target for the ELF reader (src/elf/elf_image.c): any bytes as a
 * file, opened as ELF-or-raw (what disasm does), as ELF (install, patch,
 * check) and as raw. A refusal is one line naming the file. Whatever opens
 * is consistent: sections hold the file's bytes at their offsets, names and
 * symbol names are strings, every range and relocation can be read, and
 * writing the file back unchanged gives exactly the input. An x86-64 ELF is
 * also read with its e_machine rewritten to IA-64, so that x86-64 seeds
 * reach past the header check. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_image.h"
#include "support/input.h"

/* A refusal: one line, starting with the file's name. */
static void check_refusal(const char *err, const char *path)
{
    FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
    FUZZ_CHECK(strchr(err, '\n') == NULL);
}

static uint64_t touch(const uint8_t *p, uint64_t n)
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += p[i];
    return sum;
}

static void check_sections(const pvp_file *f, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < pvp_file_section_count(f); i++) {
        const pvp_section *s = pvp_file_section(f, i);
        FUZZ_CHECK(s && s->name && strlen(s->name) < (size_t)1 << 20);
        FUZZ_CHECK(pvp_file_section_by_name(f, s->name) != NULL);
        if (pvp_file_kind_of(f) != PVP_FILE_RAW)
            FUZZ_CHECK(pvp_file_section_by_index(f, s->index) == s);
        if (!s->bytes)
            continue;
        FUZZ_CHECK(s->offset <= size && s->size <= size - s->offset);
        FUZZ_CHECK(memcmp(s->bytes, data + s->offset, s->size) == 0);
    }
    FUZZ_CHECK(pvp_file_section(f, pvp_file_section_count(f)) == NULL);
}

static void check_contents(const pvp_file *f)
{
    const pvp_image *img = pvp_file_image(f);
    uint64_t sum = 0;
    for (size_t i = 0; i < img->nranges; i++) {
        sum += touch(img->ranges[i].bytes, img->ranges[i].size);
        FUZZ_CHECK(pvp_image_range(img, img->ranges[i].addr) != NULL);
    }
    (void)pvp_image_check(img);
    for (size_t i = 0; i < pvp_file_symbol_count(f); i++) {
        const pvp_symbol *s = pvp_file_symbol(f, i);
        FUZZ_CHECK(s && s->name);
        FUZZ_CHECK(pvp_file_symbol_by_name(f, s->name) != NULL);
    }
    for (size_t i = 0; i < pvp_file_reloc_count(f); i++) {
        const pvp_reloc *r = pvp_file_reloc(f, i);
        FUZZ_CHECK(r && r->sym_name);
        sum += strlen(r->sym_name);
        (void)pvp_file_section_by_index(f, r->section);
    }
    __asm__ volatile("" : : "r"(sum));
}

/* Written back unchanged, the file is the input, byte for byte. */
static void check_write_back(const pvp_file *f, const uint8_t *data, size_t size)
{
    const char *out_path = fuzz_out_path();
    char err[PVP_ERR_SIZE];
    FUZZ_CHECK(pvp_file_write(f, out_path, err, sizeof err) == 0);
    FILE *in = fopen(out_path, "rb");
    FUZZ_CHECK(in);
    uint8_t *back = malloc(size + 1);
    FUZZ_CHECK(back);
    FUZZ_CHECK(fread(back, 1, size + 1, in) == size && memcmp(back, data, size) == 0);
    fclose(in);
    free(back);
    unlink(out_path);
}

static void open_every_way(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, data, size);
    char err[PVP_ERR_SIZE];
    pvp_file *(*const openers[])(const char *, char *, size_t) = { pvp_file_open, pvp_file_open_elf };
    for (unsigned k = 0; k < 3; k++) {
        err[0] = '\0';
        pvp_file *f = k < 2 ? openers[k](path, err, sizeof err)
                            : pvp_file_open_raw(path, 0xa000000100000000ull, err, sizeof err);
        if (!f) {
            check_refusal(err, path);
            continue;
        }
        FUZZ_CHECK(strcmp(pvp_file_path(f), path) == 0);
        check_sections(f, data, size);
        check_contents(f);
        if (k == 0)
            check_write_back(f, data, size);
        pvp_file_close(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    open_every_way(data, size);
    const pvp_arch *arch;
    uint8_t *as_ia64 = fuzz_as_reader_input(data, size, &arch);
    if (as_ia64 && memcmp(as_ia64, data, size) != 0)
        open_every_way(as_ia64, size);
    free(as_ia64);
    return 0;
}
