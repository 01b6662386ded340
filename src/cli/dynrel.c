/* Dynamic relocations that follow a command's writes (dynrel.h). In a PIE
 * or shared library the loader writes every word a dynamic relocation names
 * (the live ops table, ptr64 words, record addresses) when it loads the
 * file, whatever the file holds there: a word patched in the file must have
 * its relocation patched too, or the change is lost at load. */
#include "cli/dynrel.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define RELA_SIZE 24            /* Elf64_Rela: r_offset, r_info, r_addend */

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

int cli_dynrel_snapshot(const cli_image *img, cli_dynrel *d, char *err, size_t errsz)
{
    const pvp_file *f = img->file;
    const pvp_image *pi = pvp_file_image(f);
    size_t cap = 0;
    *d = (cli_dynrel){ NULL, 0 };
    for (size_t i = 0; i < pvp_file_section_count(f); i++) {
        const pvp_section *s = pvp_file_section(f, i);
        if (s->type != SHT_RELA || !(s->flags & SHF_ALLOC) || !s->bytes)
            continue;                       /* the loader reads only allocated RELA sections */
        for (uint64_t off = 0; off + RELA_SIZE <= s->size; off += RELA_SIZE) {
            uint8_t *e = s->bytes + off;
            uint64_t word;
            if (pvp_image_read_le(pi, le64(e), 8, &word) != PVP_OK)
                continue;                   /* a word the file does not hold (.bss) */
            if (d->n == cap) {
                cli_dynrel_word *more = realloc(d->w, (cap = cap ? 2 * cap : 256) * sizeof *more);
                if (!more) {
                    pvp_errorf(err, errsz, pvp_file_path(f), "out of memory");
                    return -1;
                }
                d->w = more;
            }
            d->w[d->n++] = (cli_dynrel_word){ e, word };
        }
    }
    return 0;
}

int cli_dynrel_follow(const cli_image *img, const cli_dynrel *d, char *err, size_t errsz)
{
    const pvp_image *pi = pvp_file_image(img->file);
    for (size_t k = 0; k < d->n; k++) {                  /* refuse before changing one */
        uint64_t now;
        uint32_t type = (uint32_t)le64(d->w[k].entry + 8);
        pvp_image_read_le(pi, le64(d->w[k].entry), 8, &now);
        if (now != d->w[k].before && type != img->t->reloc_relative) {
            pvp_errorf(err, errsz, pvp_file_path(img->file), "address 0x%llx: the word changed holds a dynamic "
                       "relocation of type %u, which the loader would apply over it (only %s can follow)",
                       (unsigned long long)le64(d->w[k].entry), type, img->t->reloc_relative_name);
            return -1;
        }
    }
    for (size_t k = 0; k < d->n; k++) {
        uint64_t now;
        pvp_image_read_le(pi, le64(d->w[k].entry), 8, &now);
        if (now != d->w[k].before)
            put_le64(d->w[k].entry + 16, now);          /* base + addend: the new address */
    }
    return 0;
}

void cli_dynrel_free(cli_dynrel *d)
{
    free(d->w);
    *d = (cli_dynrel){ NULL, 0 };
}
