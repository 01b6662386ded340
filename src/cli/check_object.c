/* pvpatch check on relocatable objects: the object laid out as if linked.
 *
 * In an ET_REL file every section starts at address 0 and the records'
 * addresses are relocations, not values. Giving each section an address of
 * its own (its ELF index in the high bits) and applying the relocations of
 * the record sections lets the engine read descriptors, fixups and sites as
 * it does in a linked image: differences between addresses inside one
 * section are the real ones, and a symbol defined elsewhere (the canonical
 * slot of a discardable instance) gets an address that no code has. */
#include "cli/check.h"
#include "cli/target.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t check_object_addr(size_t idx, uint64_t offset)
{
    return ((uint64_t)idx << CHECK_OBJ_SHIFT) + offset;
}

const pvp_section *check_object_section(const pvp_file *f, uint64_t addr, uint64_t *offset)
{
    if (addr >= CHECK_OBJ_UNDEF)
        return NULL;
    const pvp_section *s = pvp_file_section_by_index(f, (size_t)(addr >> CHECK_OBJ_SHIFT));
    *offset = addr & ((UINT64_C(1) << CHECK_OBJ_SHIFT) - 1);
    return s;
}

/* The symbol a relocation names: its name and value pick it out of the table
 * (pvp_reloc does not carry the symbol's index). */
static const pvp_symbol *reloc_symbol(const pvp_file *f, const pvp_reloc *r, size_t *index)
{
    for (size_t i = 0; i < pvp_file_symbol_count(f); i++) {
        const pvp_symbol *s = pvp_file_symbol(f, i);
        if (s->value == r->sym_value && strcmp(s->name, r->sym_name) == 0) {
            *index = i;
            return s;
        }
    }
    return NULL;
}

int check_object_target(const pvp_file *f, const pvp_reloc *r, uint64_t *addr)
{
    if (!r->sym_name[0]) {
        *addr = (uint64_t)r->addend;        /* no symbol: the addend is the value */
        return 0;
    }
    size_t index;
    const pvp_symbol *s = reloc_symbol(f, r, &index);
    if (!s)
        return -1;
    uint64_t base;
    if (s->shndx == SHN_ABS)
        base = s->value;
    else if (s->shndx != SHN_UNDEF && s->shndx < SHN_LORESERVE)
        base = check_object_addr(s->shndx, s->value);
    else
        base = CHECK_OBJ_UNDEF + 16 * (uint64_t)index;   /* defined at link time, elsewhere */
    *addr = base + (uint64_t)r->addend;
    return 0;
}

const char *check_object_name(const pvp_file *f, uint64_t addr, char *buf, size_t size)
{
    uint64_t off = 0;
    const pvp_section *s = check_object_section(f, addr, &off);
    const pvp_symbol *best = NULL;
    if (addr >= CHECK_OBJ_UNDEF && (addr - CHECK_OBJ_UNDEF) / 16 < pvp_file_symbol_count(f)) {
        best = pvp_file_symbol(f, (size_t)((addr - CHECK_OBJ_UNDEF) / 16));
        off = (addr - CHECK_OBJ_UNDEF) % 16;
        snprintf(buf, size, "%s+0x%llx", best->name, (unsigned long long)off);
        return buf;
    }
    for (size_t i = 0; s && i < pvp_file_symbol_count(f); i++) {
        const pvp_symbol *y = pvp_file_symbol(f, i);
        if (y->shndx == s->index && y->type != STT_SECTION && y->name[0] && y->value <= off &&
            (!best || y->value >= best->value))   /* ties: the later label, the user's */
            best = y;
    }
    if (best)
        snprintf(buf, size, "%s+0x%llx", best->name, (unsigned long long)(off - best->value));
    else
        snprintf(buf, size, "%s+0x%llx", s ? s->name : "?", (unsigned long long)off);
    return buf;
}

uint64_t check_object_align(const char *path, size_t idx)
{
    int fd = open(path, O_RDONLY);
    Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
    Elf_Scn *scn = e ? elf_getscn(e, idx) : NULL;
    GElf_Shdr sh;
    uint64_t align = scn && gelf_getshdr(scn, &sh) ? sh.sh_addralign : 0;
    if (e)
        elf_end(e);
    if (fd >= 0)
        close(fd);
    return align;
}

/* Records (descriptors, fixups, sites, modes, templates) hold addresses the
 * engine must read; code and data keep their bytes as assembled. */
static int is_record_section(const pvp_section *s)
{
    return strncmp(s->name, ".pvpatch.", 9) == 0 && !(s->flags & SHF_EXECINSTR);
}

/* Write the 64-bit relocations of the record sections into their copies. */
static int relocate_records(const pvp_file *f, check_object *o, char *err, size_t errsz)
{
    for (size_t i = 0; i < pvp_file_reloc_count(f); i++) {
        const pvp_reloc *r = pvp_file_reloc(f, i);
        const pvp_section *s = pvp_file_section_by_index(f, r->section);
        if (!s || !(s->flags & SHF_ALLOC) || !s->bytes || !is_record_section(s))
            continue;
        uint64_t addr = check_object_addr(s->index, r->offset), value;
        const cli_target *t = cli_target_for(pvp_file_machine(f));
        if (r->type != t->reloc_word) {
            pvp_errorf(err, errsz, pvp_file_path(f), "%s+0x%llx: relocation type %u in a record section "
                       "(only %s is expected)", s->name, (unsigned long long)r->offset, r->type,
                       t->reloc_word_name);
            return -1;
        }
        if (check_object_target(f, r, &value) != 0) {
            pvp_errorf(err, errsz, pvp_file_path(f), "%s+0x%llx: relocation against unknown symbol '%s'", s->name,
                       (unsigned long long)r->offset, r->sym_name);
            return -1;
        }
        if (pvp_image_write_le(&o->img, addr, 8, value) != PVP_OK) {
            pvp_errorf(err, errsz, pvp_file_path(f), "%s+0x%llx: relocation outside its section", s->name,
                       (unsigned long long)r->offset);
            return -1;
        }
    }
    return 0;
}

/* One range per allocated section with contents; record sections get a
 * private copy so that relocating them leaves the file's bytes alone. */
static int lay_out_sections(const pvp_file *f, check_object *o, char *err, size_t errsz)
{
    size_t n = pvp_file_section_count(f);
    o->ranges = calloc(n ? n : 1, sizeof *o->ranges);
    o->copies = calloc(n ? n : 1, sizeof *o->copies);
    if (!o->ranges || !o->copies)
        return pvp_errorf(err, errsz, pvp_file_path(f), "out of memory"), -1;
    for (size_t i = 0; i < n; i++) {
        const pvp_section *s = pvp_file_section(f, i);
        if (!(s->flags & SHF_ALLOC) || !s->bytes || !s->size)
            continue;
        if (s->size >> CHECK_OBJ_SHIFT || s->index >= (CHECK_OBJ_UNDEF >> CHECK_OBJ_SHIFT))
            return pvp_errorf(err, errsz, pvp_file_path(f), "section %s is too large to check", s->name), -1;
        pvp_range r = pvp_section_range(s, check_object_addr(s->index, 0));
        if (is_record_section(s)) {
            uint8_t *copy = malloc(s->size);
            if (!copy)
                return pvp_errorf(err, errsz, pvp_file_path(f), "out of memory"), -1;
            memcpy(copy, s->bytes, s->size);
            o->copies[o->ncopies++] = copy;
            r.bytes = copy;
        }
        o->ranges[o->img.nranges++] = r;
    }
    o->img.ranges = o->ranges;
    return 0;
}

/* A size the link decides (a symbol defined elsewhere, as Linux's IVT
 * builds give theirs: the largest build's) is, in the object, the rest of
 * the instance's section from its code on, for both the size and the slot. */
static void size_from_section(const pvp_file *f, pvp_instance *i)
{
    uint64_t off;
    const pvp_section *s = check_object_section(f, i->copy, &off);
    if (i->size < CHECK_OBJ_UNDEF || !s || off > s->size)
        return;
    if (i->slot_size == i->size)
        i->slot_size = s->size - off;
    i->size = s->size - off;
}

/* Read descriptors and sites out of the laid-out object. */
static int read_records(cli_image *ci, const check_object *o, char *err, size_t errsz)
{
    const pvp_file *f = ci->file;
    const pvp_section *s = pvp_file_section_by_name(f, ".pvpatch.instances");
    const pvp_section *sites = pvp_file_section_by_name(f, ".pvpatch.sites");
    if ((!s || !s->bytes) && (!sites || !sites->bytes)) {
        pvp_errorf(err, errsz, pvp_file_path(f),
                   "no .pvpatch.instances or .pvpatch.sites section: not built with pvpatch records");
        return -1;
    }
    if (sites && sites->bytes)
        ci->sites = check_object_addr(sites->index, 0), ci->sites_size = sites->size;
    pvp_error e;
    /* Mode records are not read: their ops tables live in other objects until the link. */
    size_t max;
    if (!(ci->set = cli_instances_alloc(s && s->bytes ? s->size : 0, &max))) {
        pvp_errorf(err, errsz, pvp_file_path(f), "out of memory");
        return -1;
    }
    if (s && s->bytes && s->size &&
        pvp_instances_read(&o->img, check_object_addr(s->index, 0), s->size, ci->set, max,
                           &ci->count, &e) != PVP_OK) {
        uint64_t off = 0;
        const pvp_section *at = check_object_section(f, e.addr, &off);
        pvp_errorf(err, errsz, pvp_file_path(f), "%s+0x%llx: %s (%s)", at ? at->name : "?",
                   (unsigned long long)off, e.what ? e.what : "error", pvp_strerror(e.status));
        return -1;
    }
    for (size_t k = 0; k < ci->count; k++)
        size_from_section(f, &ci->set[k]);
    return 0;
}

int check_object_open(cli_image *ci, check_object *o, pvp_file *f, char *err, size_t errsz)
{
    memset(ci, 0, sizeof *ci);
    memset(o, 0, sizeof *o);
    ci->file = f;
    if (lay_out_sections(f, o, err, errsz) || relocate_records(f, o, err, errsz) ||
        read_records(ci, o, err, errsz)) {
        check_object_close(o);
        cli_image_close(ci);
        return -1;
    }
    return 0;
}

void check_object_close(check_object *o)
{
    for (size_t i = 0; i < o->ncopies; i++)
        free(o->copies[i]);
    free(o->copies);
    free(o->ranges);
    memset(o, 0, sizeof *o);
}
