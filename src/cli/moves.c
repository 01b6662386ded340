/* pvpatch moves: the move lists of an image's instances (PVP_MOVES), so
 * that the boot install is a copy and block writes. Each list is what an
 * install by decoding writes into the instance's code blocks, found by
 * running that install on a second reading of the image and comparing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/instances.h"

/* Is the block at offset off code the install writes (not data, not kept resident)? */
static int code_block(const pvp_image *img, const pvp_instance *set, size_t count, const pvp_instance *i,
                      uint64_t off)
{
    uint64_t start, end;
    const pvp_instance *home = pvp_instance_in_place(set, count, i);
    if (pvp_fixup_data_range(img, i, off, PVP_MOVES_BLOCK, &start, &end) && off >= start)
        return 0;
    return !(home && pvp_fixup_resident_range(img, home, off, &start, &end) && off >= start);
}

/* The entries of instance k's list: each code block an install by
 * decoding changes, as offset and bytes (PVP_MOVES_ENTSIZE each). */
static uint8_t *compute(const cli_image *img, const char *path, size_t k, size_t *count, char *err, size_t errsz)
{
    cli_image scratch;
    if (cli_image_open(&scratch, path, err, errsz))
        return NULL;
    const pvp_instance *i = &img->set[k];
    pvp_install_req req = { img->t->arch, scratch.set, scratch.count, k, cli_image_vtop, &scratch, NULL, NULL, 1, NULL, 0 };
    pvp_error e;
    uint8_t *out = malloc((size_t)(i->size / PVP_MOVES_BLOCK + 1) * PVP_MOVES_ENTSIZE);
    *count = 0;
    if (!out) {
        snprintf(err, errsz, "%s: out of memory", path);
    } else if (pvp_install(pvp_file_image(scratch.file), &req, NULL, &e) != PVP_OK) {
        cli_engine_error(err, errsz, path, &e);
        free(out), out = NULL;
    } else {
        const pvp_image *was = pvp_file_image(img->file), *now = pvp_file_image(scratch.file);
        for (uint64_t off = 0; off + PVP_MOVES_BLOCK <= i->size; off += PVP_MOVES_BLOCK) {
            const uint8_t *a = pvp_image_at(was, i->copy + off, PVP_MOVES_BLOCK);
            const uint8_t *b = pvp_image_at(now, i->canonical + off, PVP_MOVES_BLOCK);
            if (!memcmp(a, b, PVP_MOVES_BLOCK) || !code_block(was, img->set, img->count, i, off))
                continue;
            uint8_t *ent = out + *count * PVP_MOVES_ENTSIZE;
            for (unsigned n = 0; n < 8; n++)
                ent[n] = (uint8_t)(off >> (8 * n));
            memcpy(ent + 8, b, PVP_MOVES_BLOCK);
            ++*count;
        }
    }
    cli_image_close(&scratch);
    return out;
}

/* Write instance k's list (header and entries) into the image. */
static int store(cli_image *img, size_t k, const pvp_moves *m, const uint8_t *ent, size_t count, char *err,
                 size_t errsz)
{
    const pvp_image *im = pvp_file_image(img->file);
    const pvp_instance *i = &img->set[k];
    if (count > m->capacity) {
        pvp_errorf(err, errsz, pvp_file_path(img->file),
                   "0x%llx: move list of instance %s needs %zu entries, PVP_MOVES reserved %llu",
                   (unsigned long long)m->list, i->name, count, (unsigned long long)m->capacity);
        return -1;
    }
    pvp_image_write_le(im, m->list + PVP_MOVES_OFF_COUNT, 4, count);
    pvp_image_write_le(im, m->list + PVP_MOVES_OFF_COPY, 8, i->copy);
    pvp_image_write_le(im, m->list + PVP_MOVES_OFF_CANONICAL, 8, i->canonical);
    uint8_t *dst = pvp_image_at(im, m->list + PVP_MOVES_HEADSIZE, m->capacity * PVP_MOVES_ENTSIZE);
    memset(dst, 0, (size_t)m->capacity * PVP_MOVES_ENTSIZE);
    memcpy(dst, ent, count * PVP_MOVES_ENTSIZE);
    return 0;
}

/* Does the list in the image say what was computed? */
static int same_list(const cli_image *img, const pvp_moves *m, const uint8_t *ent, size_t count)
{
    const uint8_t *have = pvp_image_at(pvp_file_image(img->file), m->list + PVP_MOVES_HEADSIZE,
                                       count * PVP_MOVES_ENTSIZE);
    return m->count == count && (!count || (have && !memcmp(have, ent, count * PVP_MOVES_ENTSIZE)));
}

static int run_moves(const cli_command *self, int argc, char **argv)
{
    const char *outpath = NULL, *check = NULL, *image_path = NULL;
    const cli_option opts[] = {
        { "--output", "-o", 1, &outpath },
        { "--check", NULL, 0, &check },
    };
    int rc = cli_parse_args(self, argc, argv, opts, 2, &image_path, 1);
    if (rc != CLI_PARSE_OK)
        return rc == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    if (!outpath == !check)
        return cli_usage_error(self, "one of -o OUT or --check is required");
    char err[PVP_ERR_SIZE];
    cli_image img;
    if (cli_image_open(&img, image_path, err, sizeof err))
        return cli_fail(err);
    int status = CLI_OK;
    size_t lists = 0, stale = 0;
    if (img.t->arch->insn_align != PVP_MOVES_BLOCK) {
        pvp_errorf(err, sizeof err, image_path, "move lists need code in 16-byte units (IA-64), not %s code",
                   img.t->name);
        status = CLI_BAD_INPUT;
    }
    for (size_t k = 0; k < img.count && status == CLI_OK; k++) {
        const pvp_instance *i = &img.set[k];
        pvp_moves m;
        pvp_error e;
        size_t count = 0;
        uint8_t *ent = NULL;
        if (pvp_moves_read(pvp_file_image(img.file), i, &m, &e) && e.status != PVP_E_STALE) {
            cli_engine_error(err, sizeof err, image_path, &e);
            status = CLI_BAD_INPUT;
        } else if (m.record && i->copy != i->canonical) {
            lists++;
            ent = compute(&img, image_path, k, &count, err, sizeof err);
            if (!ent)
                status = CLI_BAD_INPUT;
            else if (check && (e.status == PVP_E_STALE || !same_list(&img, &m, ent, count))) {
                printf("%s: 0x%llx: move list of instance %s is not what an install by decoding writes "
                       "(%llu entries, %zu wanted): run pvpatch moves again\n", image_path,
                       (unsigned long long)m.list, i->name, (unsigned long long)m.count, count);
                stale++;
            } else if (!check && store(&img, k, &m, ent, count, err, sizeof err))
                status = CLI_BAD_INPUT;
            else if (!check)
                printf("instance %s: %zu of %llu blocks in the move list (room for %llu)\n", i->name, count,
                       (unsigned long long)(i->size / PVP_MOVES_BLOCK), (unsigned long long)m.capacity);
        }
        free(ent);
    }
    if (status == CLI_OK && outpath && pvp_file_write(img.file, outpath, err, sizeof err) != 0)
        status = CLI_BAD_INPUT;
    if (status == CLI_OK && check && !stale)
        printf("%s: %zu move list(s) up to date\n", image_path, lists);
    if (status != CLI_OK)
        cli_fail(err);
    cli_image_close(&img);
    return status != CLI_OK ? status : stale ? CLI_FINDINGS : CLI_OK;
}

const cli_command cli_cmd_moves = {
    "moves",
    "write (or check) the move lists that make a boot install a copy",
    "usage: pvpatch moves IMAGE (-o OUT | --check)\n\n"
    "For every instance of the IA-64 ELF executable IMAGE that reserves a move\n"
    "list (PVP_MOVES) and is a copy, runs the install by decoding, as boot\n"
    "would, and writes into the list each 16-byte code block it changes, for\n"
    "this copy and canonical place; the result goes to OUT (which may be\n"
    "IMAGE). An install then copies the instance and writes those blocks, with\n"
    "no decoding; its fixup records are still applied, and `pvpatch verify`\n"
    "still decodes everything. With --check, writes nothing and reports each\n"
    "list that is not what the install by decoding writes (relink, moved copy).\n\n"
    "Exit status: 0 written or up to date, 1 a list is stale (--check),\n"
    "2 bad input (one line: file, address, reason; a list too small).\n",
    run_moves,
};
