/* Host ELF I/O: sections, image ranges, symbols, relocations and write-back
 * of IA-64 objects and executables made by GNU as and ld. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_image.h"
#include "support/binutils.h"

static const char src[] =
    "	.text\n"
    "	.global entry\n"
    "	.proc entry\n"
    "entry:\n"
    "{ .mib\n nop.m 0\n nop.i 0\n br.call.sptk.many b0=extfunc ;;\n}\n"
    "{ .mlx\n nop.m 0\n movl r8=extdata ;;\n}\n"
    "{ .mib\n nop.m 0\n nop.i 0\n br.ret.sptk.many b0 ;;\n}\n"
    "	.endp entry\n"
    "	.size entry, .-entry\n"
    "	.data\n"
    "	.global table\n"
    "table:	data8 entry\n"
    "	.size table, 8\n";

static pvp_file *open_ok(const char *path)
{
    char err[PVP_ERR_SIZE] = "";
    pvp_file *f = pvp_file_open(path, err, sizeof err);
    cr_assert(f, "%s", err);
    return f;
}

static void assemble(tas_object *obj)
{
    char err[4096];
    cr_assert(tas_assemble(src, NULL, obj, err, sizeof err) == 0, "%s", err);
}

static int same_file(const char *a, const char *b)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

/* Names in dir that start with '.' and are not . or .. (leftover temporaries). */
static int hidden_files_in(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

Test(elf, object_sections_and_ranges)
{
    tas_object obj;
    assemble(&obj);
    pvp_file *f = open_ok(obj.path);
    cr_expect_eq(pvp_file_kind_of(f), PVP_FILE_REL);
    const pvp_section *text = pvp_file_section_by_name(f, ".text");
    cr_assert(text);
    cr_expect_eq(text->addr, 0);
    cr_assert_eq(text->size, obj.size);
    cr_expect_eq(memcmp(text->bytes, obj.bytes, obj.size), 0);
    cr_expect(text->flags & SHF_EXECINSTR);
    cr_expect_eq(pvp_file_section_by_index(f, text->index), text);
    const pvp_image *img = pvp_file_image(f);
    int exec = 0, write = 0;
    for (size_t i = 0; i < img->nranges; i++) {
        exec += (img->ranges[i].flags & PVP_RANGE_EXEC) && !strcmp(img->ranges[i].name, ".text");
        write += (img->ranges[i].flags & PVP_RANGE_WRITE) && !strcmp(img->ranges[i].name, ".data");
    }
    cr_expect_eq(exec, 1);
    cr_expect_eq(write, 1);
    pvp_range r = pvp_section_range(text, 0x4000);
    pvp_image one = { &r, 1 };
    cr_expect_eq(pvp_image_at(&one, 0x4010, 16), text->bytes + 16);
    pvp_file_close(f);
    tas_free(&obj);
}

Test(elf, symbols_and_relocations)
{
    tas_object obj;
    assemble(&obj);
    pvp_file *f = open_ok(obj.path);
    const pvp_symbol *entry = pvp_file_symbol_by_name(f, "entry");
    cr_assert(entry);
    cr_expect_eq(entry->value, 0);
    cr_expect_eq(entry->size, 48);
    cr_expect_eq(entry->bind, STB_GLOBAL);
    cr_expect_null(pvp_file_symbol_by_name(f, "no_such_symbol"));
    int call = 0, movl = 0, data = 0;
    for (size_t i = 0; i < pvp_file_reloc_count(f); i++) {
        const pvp_reloc *r = pvp_file_reloc(f, i);
        const pvp_section *target = pvp_file_section_by_index(f, r->section);
        cr_assert(target);
        if (r->type == R_IA64_PCREL21B && !strcmp(r->sym_name, "extfunc"))
            call += !strcmp(target->name, ".text") && r->offset / 16 == 0;
        if (r->type == R_IA64_IMM64 && !strcmp(r->sym_name, "extdata"))
            movl += r->offset / 16 == 1;
        if (r->type == R_IA64_DIR64LSB)
            data += !strcmp(target->name, ".data") && r->offset == 0;
    }
    cr_expect_eq(call, 1);
    cr_expect_eq(movl, 1);
    cr_expect_eq(data, 1);
    pvp_file_close(f);
    tas_free(&obj);
}

Test(elf, unmodified_write_is_byte_identical)
{
    tas_object obj;
    assemble(&obj);
    pvp_file *f = open_ok(obj.path);
    char out[600], err[PVP_ERR_SIZE];
    snprintf(out, sizeof out, "%s/copy.o", tas_tmpdir());
    cr_assert(pvp_file_write(f, out, err, sizeof err) == 0, "%s", err);
    cr_expect(same_file(obj.path, out));
    cr_expect_eq(hidden_files_in(tas_tmpdir()), 0);
    pvp_file_close(f);
    tas_free(&obj);
}

Test(elf, modified_bytes_reach_the_output_and_nothing_else)
{
    tas_object obj, exe_text;
    assemble(&obj);
    char exe[600], cmd[1400];
    snprintf(exe, sizeof exe, "%s/e.exe", tas_tmpdir());
    snprintf(cmd, sizeof cmd, TAS_LD " -Ttext=0xa000000100000000 -e 0 --defsym extfunc=0xa000000100000000"
             " --defsym extdata=0 -o '%s' '%s' 2>&1", exe, obj.path);
    int st;
    free(tas_run(cmd, &st));
    cr_assert_eq(st, 0);
    pvp_file *f = open_ok(exe);
    cr_expect_eq(pvp_file_kind_of(f), PVP_FILE_EXEC);
    const pvp_image *img = pvp_file_image(f);
    uint8_t *b = pvp_image_at(img, 0xa000000100000020, 16);
    cr_assert(b, "the image maps .text at its link address");
    static const uint8_t nops[16] = { 0x11, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0x20 };
    memcpy(b, nops, 16);                        /* MIB nop; nop; nop.b ;; */
    char out[600], err[PVP_ERR_SIZE];
    snprintf(out, sizeof out, "%s/patched.exe", tas_tmpdir());
    cr_assert(pvp_file_write(f, out, err, sizeof err) == 0, "%s", err);
    cr_expect_eq(access(out, X_OK), 0, "the executable stays executable");
    cr_assert(tas_load_section(out, ".text", &exe_text) == 0);
    cr_expect_eq(memcmp(exe_text.bytes + 0x20, nops, 16), 0);
    /* Every byte that differs lies inside that one bundle. */
    snprintf(cmd, sizeof cmd, "cmp -l '%s' '%s' | awk '{print $1}'", exe, out);
    char *diff = tas_run(cmd, &st);
    const pvp_section *text = pvp_file_section_by_name(f, ".text");
    int lines = 0;
    for (char *line = strtok(diff, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        unsigned long pos = strtoul(line, NULL, 10) - 1;   /* cmp counts from 1 */
        cr_expect(pos >= text->offset + 0x20 && pos < text->offset + 0x30, "byte %lu changed", pos);
    }
    cr_expect_gt(lines, 0);
    free(diff);
    tas_free(&exe_text);
    pvp_file_close(f);
    tas_free(&obj);
}

Test(elf, raw_blob_at_base)
{
    uint8_t bytes[32] = { 0x11 };
    char path[600], err[PVP_ERR_SIZE];
    cr_assert(tas_write_file("blob.bin", bytes, sizeof bytes, path, sizeof path) == 0);
    pvp_file *f = pvp_file_open_raw(path, 0x10000, err, sizeof err);
    cr_assert(f, "%s", err);
    cr_expect_eq(pvp_file_kind_of(f), PVP_FILE_RAW);
    const pvp_image *img = pvp_file_image(f);
    cr_assert_eq(img->nranges, 1);
    cr_expect_eq(img->ranges[0].addr, 0x10000);
    cr_expect_eq(img->ranges[0].size, 32);
    cr_expect(img->ranges[0].flags & PVP_RANGE_EXEC);
    cr_expect_null(pvp_file_symbol_by_name(f, "x"));
    cr_expect_eq(pvp_file_reloc_count(f), 0);
    pvp_file_close(f);
    /* An empty blob is refused; a blob is never taken for an ELF file by open_elf. */
    char empty[600];
    cr_assert(tas_write_file("empty.bin", "", 0, empty, sizeof empty) == 0);
    cr_expect_null(pvp_file_open_raw(empty, 0, err, sizeof err));
    cr_expect(strstr(err, "empty.bin: empty file"), "%s", err);
    cr_expect_null(pvp_file_open_elf(path, err, sizeof err));
    cr_expect(strstr(err, "blob.bin: offset 0x0: not an ELF file"), "%s", err);
}

Test(elf, write_failure_leaves_nothing)
{
    uint8_t bytes[16] = { 0 };
    char path[600], out[700], err[PVP_ERR_SIZE] = "";
    cr_assert(tas_write_file("w.bin", bytes, sizeof bytes, path, sizeof path) == 0);
    pvp_file *f = open_ok(path);
    snprintf(out, sizeof out, "%s/missing-dir/out.bin", tas_tmpdir());
    cr_expect_neq(pvp_file_write(f, out, err, sizeof err), 0);
    cr_expect(strncmp(err, out, strlen(out)) == 0 && strchr(err, '\n') == NULL, "%s", err);
    cr_expect_neq(access(out, F_OK), 0);
    cr_expect_eq(hidden_files_in(tas_tmpdir()), 0);
    pvp_file_close(f);
}
