/* Host-only input files: IA-64 ELF through libelf, raw blobs, atomic write-back. */
#define _GNU_SOURCE
#include "elf/elf_image.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pvp_file {
    char *path;
    pvp_file_kind kind;
    unsigned machine;       /* e_machine; 0 for a raw blob */
    uint8_t *bytes;         /* the file as read; sections point into it */
    size_t size;
    unsigned mode;          /* permission bits of the input */
    char *parse_copy;       /* a second copy that libelf owns the reading of */
    Elf *elf;
    pvp_section *sections;
    size_t nsections;
    pvp_range *ranges;
    pvp_image image;
    pvp_symbol *syms;
    size_t nsyms;
    pvp_reloc *relocs;
    size_t nrelocs;
    char (*unnamed)[24];    /* names for sections whose name cannot be read */
};

/* ---- One-line messages ------------------------------------------------- */

static void format_error(char *err, size_t errsz, const char *file, const char *prefix,
                         const char *fmt, va_list ap)
{
    if (!err || !errsz)
        return;
    int n = snprintf(err, errsz, "%s: %s", file, prefix);
    if (n >= 0 && (size_t)n < errsz)
        vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
    for (char *p = err; *p; p++)      /* one line, whatever a reason contains */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

void pvp_errorf(char *err, size_t errsz, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_error(err, errsz, file, "", fmt, ap);
    va_end(ap);
}

void pvp_errorf_at(char *err, size_t errsz, const char *file, uint64_t offset,
                   const char *fmt, ...)
{
    char prefix[40];
    snprintf(prefix, sizeof prefix, "offset 0x%llx: ", (unsigned long long)offset);
    va_list ap;
    va_start(ap, fmt);
    format_error(err, errsz, file, prefix, fmt, ap);
    va_end(ap);
}

/* ---- Reading the bytes ------------------------------------------------- */

static pvp_file *file_new(const char *path)
{
    pvp_file *f = calloc(1, sizeof *f);
    if (f && !(f->path = strdup(path))) {
        free(f);
        f = NULL;
    }
    return f;
}

/* Read a whole regular file into f->bytes (one spare byte so size 0 still allocates). */
static int read_whole_file(pvp_file *f, char *err, size_t errsz)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pvp_errorf(err, errsz, f->path, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        pvp_errorf(err, errsz, f->path, "not a regular file");
        close(fd);
        return -1;
    }
    f->mode = st.st_mode & 07777;
    size_t cap = (size_t)st.st_size + 1, len = 0;
    f->bytes = malloc(cap);
    ssize_t n = 0;
    while (f->bytes && (n = read(fd, f->bytes + len, cap - len)) > 0) {
        len += (size_t)n;
        if (len == cap) {           /* the file grew while we read it */
            uint8_t *bigger = realloc(f->bytes, cap *= 2);
            if (!bigger)
                free(f->bytes);
            f->bytes = bigger;
        }
    }
    close(fd);
    if (!f->bytes || n < 0) {
        pvp_errorf(err, errsz, f->path, "%s", f->bytes ? strerror(errno) : "out of memory");
        return -1;
    }
    f->size = len;
    return 0;
}

static int has_elf_magic(const uint8_t *b, size_t size)
{
    return size >= SELFMAG && memcmp(b, ELFMAG, SELFMAG) == 0;
}

static uint64_t read_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* ---- ELF headers, checked by hand so the messages can name an offset ---- */

static int check_elf_header(const pvp_file *f, char *err, size_t errsz)
{
    const uint8_t *b = f->bytes;
    if (!has_elf_magic(b, f->size)) {
        pvp_errorf_at(err, errsz, f->path, 0, "not an ELF file");
        return -1;
    }
    if (f->size < EI_NIDENT) {
        pvp_errorf_at(err, errsz, f->path, f->size, "truncated ELF header (%zu of 64 bytes)", f->size);
        return -1;
    }
    if (b[EI_CLASS] != ELFCLASS64) {
        pvp_errorf_at(err, errsz, f->path, EI_CLASS, "not a 64-bit ELF file (class %u)", b[EI_CLASS]);
        return -1;
    }
    if (b[EI_DATA] != ELFDATA2LSB) {
        pvp_errorf_at(err, errsz, f->path, EI_DATA, "not a little-endian ELF file (data encoding %u)",
                      b[EI_DATA]);
        return -1;
    }
    if (f->size < sizeof(Elf64_Ehdr)) {
        pvp_errorf_at(err, errsz, f->path, f->size, "truncated ELF header (%zu of 64 bytes)", f->size);
        return -1;
    }
    unsigned machine = (unsigned)read_le(b + offsetof(Elf64_Ehdr, e_machine), 2);
    if (machine != EM_IA_64 && machine != EM_X86_64) {
        pvp_errorf_at(err, errsz, f->path, offsetof(Elf64_Ehdr, e_machine),
                      "ELF machine %u is neither IA-64 (%u) nor x86-64 (%u)", machine, EM_IA_64,
                      EM_X86_64);
        return -1;
    }
    unsigned type = (unsigned)read_le(b + offsetof(Elf64_Ehdr, e_type), 2);
    if (type != ET_REL && type != ET_EXEC && type != ET_DYN) {
        pvp_errorf_at(err, errsz, f->path, offsetof(Elf64_Ehdr, e_type),
                      "ELF type %u is neither an object nor an executable", type);
        return -1;
    }
    uint64_t shoff = read_le(b + offsetof(Elf64_Ehdr, e_shoff), 8);
    uint64_t shentsize = read_le(b + offsetof(Elf64_Ehdr, e_shentsize), 2);
    uint64_t shnum = read_le(b + offsetof(Elf64_Ehdr, e_shnum), 2);
    if (shoff == 0)
        return 0;
    if (shentsize != sizeof(Elf64_Shdr)) {
        pvp_errorf_at(err, errsz, f->path, offsetof(Elf64_Ehdr, e_shentsize),
                      "section header size %llu, expected %zu", (unsigned long long)shentsize,
                      sizeof(Elf64_Shdr));
        return -1;
    }
    uint64_t table = (shnum ? shnum : 1) * sizeof(Elf64_Shdr);
    if (shoff > f->size || table > f->size - shoff) {
        pvp_errorf_at(err, errsz, f->path, shoff, "section header table extends past the end of "
                      "the file (0x%zx bytes)", f->size);
        return -1;
    }
    return 0;
}

static uint64_t shdr_offset(const pvp_file *f, size_t idx)
{
    return read_le(f->bytes + offsetof(Elf64_Ehdr, e_shoff), 8) + idx * sizeof(Elf64_Shdr);
}

static int libelf_error(const pvp_file *f, char *err, size_t errsz)
{
    pvp_errorf(err, errsz, f->path, "libelf: %s", elf_errmsg(-1));
    return -1;
}

/* ---- Sections and ranges ----------------------------------------------- */

/* "#N" for section N, in storage that lives as long as f. */
static const char *unnamed_section_name(pvp_file *f, size_t idx)
{
    char *name = f->unnamed[idx];
    snprintf(name, sizeof f->unnamed[idx], "#%zu", idx);
    return name;
}

static int load_sections(pvp_file *f, char *err, size_t errsz)
{
    size_t shnum, shstrndx;
    if (elf_getshdrnum(f->elf, &shnum) != 0 || elf_getshdrstrndx(f->elf, &shstrndx) != 0)
        return libelf_error(f, err, errsz);
    if (shnum > 1 && (!(f->sections = calloc(shnum - 1, sizeof *f->sections)) ||
                      !(f->unnamed = calloc(shnum, sizeof *f->unnamed))))
        return pvp_errorf(err, errsz, f->path, "out of memory"), -1;
    for (size_t i = 1; i < shnum; i++) {
        GElf_Shdr sh;
        Elf_Scn *scn = elf_getscn(f->elf, i);
        if (!scn || !gelf_getshdr(scn, &sh))
            return libelf_error(f, err, errsz);
        const char *name = elf_strptr(f->elf, shstrndx, sh.sh_name);
        pvp_section *s = &f->sections[f->nsections++];
        *s = (pvp_section){ name, i, sh.sh_type, sh.sh_flags, sh.sh_addr,
                            sh.sh_size, sh.sh_offset, NULL };
        if (!name || !*name)        /* a broken name still needs to be shown */
            s->name = unnamed_section_name(f, i);
        if (sh.sh_type == SHT_NOBITS)
            continue;
        if (sh.sh_offset > f->size || sh.sh_size > f->size - sh.sh_offset) {
            pvp_errorf_at(err, errsz, f->path, shdr_offset(f, i), "section %s (0x%llx bytes at "
                          "0x%llx) extends past the end of the file (0x%zx bytes)", s->name,
                          (unsigned long long)sh.sh_size, (unsigned long long)sh.sh_offset, f->size);
            return -1;
        }
        s->bytes = f->bytes + sh.sh_offset;
    }
    return 0;
}

pvp_range pvp_section_range(const pvp_section *s, uint64_t addr)
{
    uint32_t flags = 0;
    if (s->flags & SHF_EXECINSTR)
        flags |= PVP_RANGE_EXEC;
    if (s->flags & SHF_WRITE)
        flags |= PVP_RANGE_WRITE;
    return (pvp_range){ addr, s->size, s->bytes, flags, s->name };
}

static int by_range_address(const void *a, const void *b)
{
    const pvp_range *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The allocated sections with bytes, in address order (lookups search). */
static int build_image(pvp_file *f, char *err, size_t errsz)
{
    f->ranges = calloc(f->nsections ? f->nsections : 1, sizeof *f->ranges);
    if (!f->ranges)
        return pvp_errorf(err, errsz, f->path, "out of memory"), -1;
    for (size_t i = 0; i < f->nsections; i++) {
        const pvp_section *s = &f->sections[i];
        if ((s->flags & SHF_ALLOC) && s->bytes && s->size)
            f->ranges[f->image.nranges++] = pvp_section_range(s, s->addr);
    }
    qsort(f->ranges, f->image.nranges, sizeof *f->ranges, by_range_address);
    f->image.ranges = f->ranges;
    return 0;
}

/* ---- Symbols and relocations ------------------------------------------- */

static Elf_Scn *find_section_of_type(const pvp_file *f, uint32_t type)
{
    for (size_t i = 0; i < f->nsections; i++)
        if (f->sections[i].type == type)
            return elf_getscn(f->elf, f->sections[i].index);
    return NULL;
}

/* Name a symbol; a section symbol is named after its section. */
static const char *symbol_name(const pvp_file *f, const GElf_Shdr *symtab, const GElf_Sym *sym)
{
    const char *name = elf_strptr(f->elf, symtab->sh_link, sym->st_name);
    if ((!name || !*name) && GELF_ST_TYPE(sym->st_info) == STT_SECTION) {
        const pvp_section *s = pvp_file_section_by_index(f, sym->st_shndx);
        name = s ? s->name : NULL;
    }
    return name ? name : "";
}

static size_t entry_count(Elf *elf, const GElf_Shdr *sh, Elf_Type type)
{
    size_t size = gelf_fsize(elf, type, 1, EV_CURRENT);
    return size ? sh->sh_size / size : 0;
}

static int load_symbols(pvp_file *f, char *err, size_t errsz)
{
    Elf_Scn *scn = find_section_of_type(f, SHT_SYMTAB);
    if (!scn)
        scn = find_section_of_type(f, SHT_DYNSYM);
    if (!scn)
        return 0;
    GElf_Shdr sh;
    Elf_Data *d = gelf_getshdr(scn, &sh) ? elf_getdata(scn, NULL) : NULL;
    if (!d)
        return libelf_error(f, err, errsz);
    size_t n = entry_count(f->elf, &sh, ELF_T_SYM);
    if (n && !(f->syms = calloc(n, sizeof *f->syms)))
        return pvp_errorf(err, errsz, f->path, "out of memory"), -1;
    for (size_t i = 0; i < n; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(d, (int)i, &sym))
            return libelf_error(f, err, errsz);
        f->syms[f->nsyms++] = (pvp_symbol){ symbol_name(f, &sh, &sym), sym.st_value, sym.st_size,
                                            GELF_ST_TYPE(sym.st_info), GELF_ST_BIND(sym.st_info),
                                            sym.st_shndx };
    }
    return 0;
}

static size_t count_relocs(const pvp_file *f)
{
    size_t total = 0;
    for (size_t i = 0; i < f->nsections; i++) {
        GElf_Shdr sh = { .sh_size = f->sections[i].size };
        if (f->sections[i].type == SHT_RELA)
            total += entry_count(f->elf, &sh, ELF_T_RELA);
        else if (f->sections[i].type == SHT_REL)
            total += entry_count(f->elf, &sh, ELF_T_REL);
    }
    return total;
}

/* Read one entry of a SHT_RELA or SHT_REL section as a RELA. */
static int get_reloc_entry(Elf_Data *d, uint32_t type, size_t i, GElf_Rela *out)
{
    if (type == SHT_RELA)
        return gelf_getrela(d, (int)i, out) ? 0 : -1;
    GElf_Rel rel;
    if (!gelf_getrel(d, (int)i, &rel))
        return -1;
    *out = (GElf_Rela){ rel.r_offset, rel.r_info, 0 };
    return 0;
}

static int load_reloc_section(pvp_file *f, const pvp_section *rs, char *err, size_t errsz)
{
    Elf_Scn *scn = elf_getscn(f->elf, rs->index);
    GElf_Shdr sh, symsh;
    Elf_Scn *symscn = scn && gelf_getshdr(scn, &sh) ? elf_getscn(f->elf, sh.sh_link) : NULL;
    Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
    Elf_Data *symd = symscn && gelf_getshdr(symscn, &symsh) ? elf_getdata(symscn, NULL) : NULL;
    if (!d)
        return libelf_error(f, err, errsz);
    Elf_Type et = rs->type == SHT_RELA ? ELF_T_RELA : ELF_T_REL;
    size_t n = entry_count(f->elf, &sh, et), entsize = gelf_fsize(f->elf, et, 1, EV_CURRENT);
    for (size_t i = 0; i < n; i++) {
        GElf_Rela r;
        if (get_reloc_entry(d, rs->type, i, &r) != 0)
            return libelf_error(f, err, errsz);
        GElf_Sym sym = { 0 };
        size_t symidx = GELF_R_SYM(r.r_info);
        if (symidx && (!symd || !gelf_getsym(symd, (int)symidx, &sym))) {
            pvp_errorf_at(err, errsz, f->path, rs->offset + i * entsize,
                          "relocation %zu of %s: symbol %zu does not exist", i, rs->name, symidx);
            return -1;
        }
        f->relocs[f->nrelocs++] = (pvp_reloc){ sh.sh_info, r.r_offset, GELF_R_TYPE(r.r_info),
                                               symidx ? symbol_name(f, &symsh, &sym) : "",
                                               sym.st_value, r.r_addend };
    }
    return 0;
}

static int load_relocs(pvp_file *f, char *err, size_t errsz)
{
    size_t total = count_relocs(f);
    if (total && !(f->relocs = calloc(total, sizeof *f->relocs)))
        return pvp_errorf(err, errsz, f->path, "out of memory"), -1;
    for (size_t i = 0; i < f->nsections; i++)
        if ((f->sections[i].type == SHT_RELA || f->sections[i].type == SHT_REL) &&
            load_reloc_section(f, &f->sections[i], err, errsz) != 0)
            return -1;
    return 0;
}

/* ---- Opening ----------------------------------------------------------- */

static int parse_elf(pvp_file *f, char *err, size_t errsz)
{
    if (check_elf_header(f, err, errsz) != 0)
        return -1;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return libelf_error(f, err, errsz);
    /* libelf reads its own copy, so our bytes stay exactly the file's. */
    if (!(f->parse_copy = malloc(f->size)))
        return pvp_errorf(err, errsz, f->path, "out of memory"), -1;
    memcpy(f->parse_copy, f->bytes, f->size);
    if (!(f->elf = elf_memory(f->parse_copy, f->size)))
        return libelf_error(f, err, errsz);
    unsigned type = (unsigned)read_le(f->bytes + offsetof(Elf64_Ehdr, e_type), 2);
    f->machine = (unsigned)read_le(f->bytes + offsetof(Elf64_Ehdr, e_machine), 2);
    f->kind = type == ET_REL ? PVP_FILE_REL : type == ET_EXEC ? PVP_FILE_EXEC : PVP_FILE_DYN;
    if (load_sections(f, err, errsz) || build_image(f, err, errsz) ||
        load_symbols(f, err, errsz) || load_relocs(f, err, errsz))
        return -1;
    return 0;
}

static int make_raw(pvp_file *f, uint64_t base, char *err, size_t errsz)
{
    if (f->size == 0) {
        pvp_errorf(err, errsz, f->path, "empty file");
        return -1;
    }
    if (base + (f->size - 1) < base) {
        pvp_errorf(err, errsz, f->path, "0x%zx bytes at base 0x%llx pass the end of the address "
                   "space", f->size, (unsigned long long)base);
        return -1;
    }
    f->kind = PVP_FILE_RAW;
    f->sections = calloc(1, sizeof *f->sections);
    if (!f->sections)
        return pvp_errorf(err, errsz, f->path, "out of memory"), -1;
    f->sections[0] = (pvp_section){ "raw", 0, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, base,
                                    f->size, 0, f->bytes };
    f->nsections = 1;
    return build_image(f, err, errsz);
}

enum open_as { OPEN_AUTO, OPEN_ELF, OPEN_RAW };

static pvp_file *open_file(const char *path, enum open_as as, uint64_t base, char *err,
                           size_t errsz)
{
    pvp_file *f = file_new(path);
    if (!f) {
        pvp_errorf(err, errsz, path, "out of memory");
        return NULL;
    }
    if (read_whole_file(f, err, errsz) != 0) {
        pvp_file_close(f);
        return NULL;
    }
    int elf = as == OPEN_ELF || (as == OPEN_AUTO && has_elf_magic(f->bytes, f->size));
    if ((elf ? parse_elf(f, err, errsz) : make_raw(f, base, err, errsz)) != 0) {
        pvp_file_close(f);
        return NULL;
    }
    return f;
}

pvp_file *pvp_file_open(const char *path, char *err, size_t errsz)
{
    return open_file(path, OPEN_AUTO, 0, err, errsz);
}

pvp_file *pvp_file_open_elf(const char *path, char *err, size_t errsz)
{
    return open_file(path, OPEN_ELF, 0, err, errsz);
}

pvp_file *pvp_file_open_raw(const char *path, uint64_t base, char *err, size_t errsz)
{
    return open_file(path, OPEN_RAW, base, err, errsz);
}

void pvp_file_close(pvp_file *f)
{
    if (!f)
        return;
    if (f->elf)
        elf_end(f->elf);
    free(f->parse_copy);
    free(f->bytes);
    free(f->sections);
    free(f->ranges);
    free(f->syms);
    free(f->relocs);
    free(f->unnamed);
    free(f->path);
    free(f);
}

/* ---- Accessors --------------------------------------------------------- */

const char *pvp_file_path(const pvp_file *f) { return f->path; }
pvp_file_kind pvp_file_kind_of(const pvp_file *f) { return f->kind; }
unsigned pvp_file_machine(const pvp_file *f) { return f->machine; }
size_t pvp_file_section_count(const pvp_file *f) { return f->nsections; }
const pvp_image *pvp_file_image(const pvp_file *f) { return &f->image; }
size_t pvp_file_symbol_count(const pvp_file *f) { return f->nsyms; }
size_t pvp_file_reloc_count(const pvp_file *f) { return f->nrelocs; }

const pvp_section *pvp_file_section(const pvp_file *f, size_t i)
{
    return i < f->nsections ? &f->sections[i] : NULL;
}

const pvp_section *pvp_file_section_by_name(const pvp_file *f, const char *name)
{
    for (size_t i = 0; i < f->nsections; i++)
        if (strcmp(f->sections[i].name, name) == 0)
            return &f->sections[i];
    return NULL;
}

const pvp_section *pvp_file_section_by_index(const pvp_file *f, size_t idx)
{
    for (size_t i = 0; i < f->nsections; i++)
        if (f->sections[i].index == idx && f->kind != PVP_FILE_RAW)
            return &f->sections[i];
    return NULL;
}

const pvp_symbol *pvp_file_symbol(const pvp_file *f, size_t i)
{
    return i < f->nsyms ? &f->syms[i] : NULL;
}

const pvp_symbol *pvp_file_symbol_by_name(const pvp_file *f, const char *name)
{
    for (size_t i = 0; i < f->nsyms; i++)
        if (strcmp(f->syms[i].name, name) == 0)
            return &f->syms[i];
    return NULL;
}

const pvp_reloc *pvp_file_reloc(const pvp_file *f, size_t i)
{
    return i < f->nrelocs ? &f->relocs[i] : NULL;
}

/* ---- Writing ----------------------------------------------------------- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* "DIR/.BASE.XXXXXX" next to path, so the final rename stays on one file system. */
static char *temp_name_for(const char *path)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    char *tmp = NULL;
    if (asprintf(&tmp, "%.*s.%s.XXXXXX", dirlen, path, slash ? slash + 1 : path) < 0)
        return NULL;
    return tmp;
}

/* Replacing a device, a FIFO, a directory or a symbolic link by a regular
 * file would destroy what the name stood for: only regular files (or a new
 * name) are written. */
static int writable_output(const char *path, char *err, size_t errsz)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : (pvp_errorf(err, errsz, path, "cannot write: %s", strerror(errno)), -1);
    if (S_ISREG(st.st_mode))
        return 0;
    pvp_errorf(err, errsz, path, "not a regular file (%s): refusing to replace it",
               S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a directory"
               : S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
               : "a special file");
    return -1;
}

int pvp_atomic_open(pvp_atomic_file *f, const char *path, char *err, size_t errsz)
{
    f->path = path;
    f->tmp = NULL;
    f->fd = -1;
    if (writable_output(path, err, errsz))
        return -1;
    f->tmp = temp_name_for(path);
    f->fd = f->tmp ? mkstemp(f->tmp) : -1;
    if (f->fd < 0) {
        pvp_errorf(err, errsz, path, "cannot create a temporary file next to it: %s",
                   f->tmp ? strerror(errno) : "out of memory");
        free(f->tmp);
        f->tmp = NULL;
        return -1;
    }
    return 0;
}

int pvp_atomic_commit(pvp_atomic_file *f, unsigned mode, char *err, size_t errsz)
{
    int rc = fchmod(f->fd, mode & 07777) == 0 ? 0 : -1;
    int saved = errno;
    if (close(f->fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(f->tmp, f->path) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        unlink(f->tmp);
        pvp_errorf(err, errsz, f->path, "cannot write: %s", strerror(saved));
    }
    free(f->tmp);
    f->tmp = NULL;
    f->fd = -1;
    return rc;
}

void pvp_atomic_abort(pvp_atomic_file *f)
{
    close(f->fd);
    unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    f->fd = -1;
}

int pvp_write_atomic(const char *path, const void *bytes, size_t size, unsigned mode,
                     char *err, size_t errsz)
{
    pvp_atomic_file f;
    if (pvp_atomic_open(&f, path, err, errsz) != 0)
        return -1;
    if (write_all(f.fd, bytes, size) != 0) {
        pvp_errorf(err, errsz, path, "cannot write: %s", strerror(errno));
        pvp_atomic_abort(&f);
        return -1;
    }
    return pvp_atomic_commit(&f, mode, err, errsz);
}

int pvp_file_write(const pvp_file *f, const char *path, char *err, size_t errsz)
{
    return pvp_write_atomic(path, f->bytes, f->size, f->mode, err, errsz);
}
