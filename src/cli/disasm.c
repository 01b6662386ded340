/* pvpatch disasm: the code of an ELF file or a raw blob as text or JSON:
 * IA-64 bundles (the printer here), or x86-64 instructions (target_x86.c),
 * by the file's row of the architecture table (target.h). */
#define _GNU_SOURCE
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/target.h"
#include "elf/elf_image.h"
#include "pvpatch/ia64.h"

static const char disasm_usage[] =
    "usage: pvpatch disasm FILE [--section NAME] [--base ADDR] [--machine ia64|x86-64] [--json]\n"
    "                      [-o OUT]\n"
    "\n"
    "Disassemble the code of FILE: an IA-64 or x86-64 ELF object or executable\n"
    "(every executable section, or only NAME; the ELF header says which\n"
    "architecture), or any other file as raw code (IA-64 bundles unless\n"
    "--machine x86-64).\n"
    "\n"
    "  --section NAME  only this section of an ELF file\n"
    "  --base ADDR     address of the first byte (raw files: default 0; ELF: only\n"
    "                  when one section is shown); decimal or 0x-hex, 16-aligned\n"
    "                  for IA-64\n"
    "  --machine M     the architecture of a raw file: ia64 (default) or x86-64\n"
    "  --json          JSON instead of text (see docs/disasm-json.md)\n"
    "  -o, --output OUT  write to OUT (atomically) instead of standard output\n"
    "\n"
    "Exit status: 0 ok; 2 bad input (one line on stderr: FILE: offset 0x..: reason)\n"
    "or bad usage. A reserved template (IA-64) or bytes that are no instruction\n"
    "(x86-64) anywhere are bad input.\n";

/* ---- Decoding one bundle ------------------------------------------------ */

static void template_name(const pvp_ia64_template *t, char name[4])
{
    unsigned n = 0;
    for (unsigned i = 0; i < 3; i++)
        name[n++] = pvp_ia64_unit_name(t->units[i])[0];
    name[n] = '\0';
}

/* Describe slot s of bundle b, already decoded as in. */
static void describe_slot(const pvp_ia64_bundle *b, const pvp_ia64_insn *in, unsigned s,
                          uint64_t addr, disasm_slot *out)
{
    out->unit = in->unit;
    out->has_target = out->has_tag = 0;
    out->target = out->tag = 0;
    size_t len = pvp_ia64_print(in, addr, out->text, sizeof out->text);
    out->text_len = (unsigned)(len < sizeof out->text ? len : sizeof out->text - 1);
    pvp_ia64_iprel rel[2];
    unsigned n = pvp_ia64_insn_iprel(in, addr, rel);
    for (unsigned i = 0; i < n; i++) {
        if (rel[i].kind == PVP_IA64_K_TAG) {
            out->has_tag = 1;
            out->tag = rel[i].target;
        } else {
            out->has_target = 1;
            out->target = rel[i].target;
        }
    }
    unsigned reg;
    out->has_imm64 = in->unit == PVP_IA64_UNIT_X &&
                     pvp_ia64_movl_get(b, s, &out->imm64, &reg) == PVP_OK;
    out->sensitive = pvp_ia64_sensitive_class(in);
    out->reads_ip = pvp_ia64_reads_ip(in) != 0;
    out->stop = (pvp_ia64_template_info(b->tmpl)->stops >> s) & 1;
}

int disasm_decode(const uint8_t bytes[16], uint64_t addr, disasm_bundle *out)
{
    pvp_ia64_bundle b;
    out->addr = addr;
    out->nslots = 0;
    int rc = pvp_ia64_bundle_unpack(bytes, &b);
    out->tmpl = b.tmpl;
    pvp_ia64_insn in[3];
    if (rc != PVP_OK || (rc = pvp_ia64_decode_bundle(&b, in)) != PVP_OK)
        return rc;
    template_name(pvp_ia64_template_info(b.tmpl), out->tmpl_name);
    for (unsigned s = 0; s < 3; s++)
        if (in[s].unit != PVP_IA64_UNIT_L)     /* L is printed with its X */
            describe_slot(&b, &in[s], s, addr, &out->slot[out->nslots++]);
    return PVP_OK;
}

/* ---- Printing ------------------------------------------------------------ */

#define TEXT_INDENT 25      /* 16 hex digits, 2 spaces, "[MIB]", 2 spaces */
#define MARK_COLUMN 48      /* where <sensitive: ...> starts, after the instruction */

/* The lines of a bundle are built here and written at once: a listing is
 * millions of short pieces, and formatted output would cost more than the
 * decoding. */
typedef struct line_buf {
    char buf[2048];
    size_t len;
} line_buf;

static void put_bytes(line_buf *l, const char *s, size_t n)
{
    n = n < sizeof l->buf - l->len ? n : sizeof l->buf - l->len;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void put_text(line_buf *l, const char *s)
{
    put_bytes(l, s, strlen(s));
}

static void put_spaces(line_buf *l, size_t n)
{
    n = n < sizeof l->buf - l->len ? n : sizeof l->buf - l->len;
    memset(l->buf + l->len, ' ', n);
    l->len += n;
}

/* An address as 16 hex digits, two at a time. */
static void put_address(line_buf *l, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    for (int i = 15; i >= 0; i -= 2, v >>= 8) {
        tmp[i] = hex[v & 15];
        tmp[i - 1] = hex[(v >> 4) & 15];
    }
    put_bytes(l, tmp, sizeof tmp);
}

/* v in hex, at least `digits` digits, without 0x. */
static void put_hex_digits(line_buf *l, uint64_t v, unsigned digits)
{
    char tmp[16];
    unsigned n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v || n < digits);
    while (n && l->len < sizeof l->buf)
        l->buf[l->len++] = tmp[--n];
}

/* " <name+0x..>" for addr, if a symbol covers it. */
static void put_symbolic(line_buf *l, uint64_t addr, disasm_namer namer, void *ctx)
{
    uint64_t delta = 0;
    const char *name = namer ? namer(ctx, addr, &delta) : NULL;
    if (!name)
        return;
    put_text(l, " <");
    put_text(l, name);
    if (delta) {
        put_text(l, "+0x");
        put_hex_digits(l, delta, 1);
    }
    put_text(l, ">");
}

/* One slot's line after its prefix: the instruction, its target's name, the
 * stop, and the marks aligned after them. */
static void put_text_slot(line_buf *l, const disasm_slot *s, disasm_namer namer, void *ctx)
{
    size_t start = l->len;
    put_bytes(l, s->text, s->text_len);
    if (s->has_target)
        put_symbolic(l, s->target, namer, ctx);
    if (s->stop)
        put_text(l, " ;;");
    size_t len = l->len - start;
    if (s->sensitive || s->reads_ip) {
        put_spaces(l, len + 2 < MARK_COLUMN ? MARK_COLUMN - len : 2);
        if (s->sensitive) {
            put_text(l, "<sensitive: ");
            put_text(l, pvp_ia64_sensitive_name(s->sensitive));
            put_text(l, ">");
        } else {
            put_text(l, "<reads ip>");
        }
    }
    put_text(l, "\n");
}

void disasm_print_text(FILE *out, const disasm_bundle *b, disasm_namer namer, void *ctx)
{
    line_buf l;
    l.len = 0;
    for (unsigned i = 0; i < b->nslots; i++) {
        if (i == 0) {
            put_address(&l, b->addr);
            put_text(&l, "  [");
            put_bytes(&l, b->tmpl_name, 3);
            put_text(&l, "]  ");
        } else {
            put_spaces(&l, TEXT_INDENT);
        }
        put_text_slot(&l, &b->slot[i], namer, ctx);
    }
    fwrite_unlocked(l.buf, 1, l.len, out);     /* one thread writes the listing */
}

static void print_json_hex(FILE *out, const char *key, uint64_t v)
{
    fprintf(out, ",\"%s\":\"0x%llx\"", key, (unsigned long long)v);
}

static void print_json_slot(FILE *out, const disasm_slot *s)
{
    fprintf(out, "{\"unit\":\"%s\",\"insn\":", pvp_ia64_unit_name(s->unit));
    cli_json_string(out, s->text);
    if (s->has_target)
        print_json_hex(out, "target", s->target);
    if (s->has_tag)
        print_json_hex(out, "tag", s->tag);
    if (s->has_imm64)
        print_json_hex(out, "imm64", s->imm64);
    fprintf(out, ",\"stop\":%s,\"sensitive\":%s", s->stop ? "true" : "false",
            s->sensitive ? "true" : "false");
    if (s->sensitive) {
        fputs(",\"class\":", out);
        cli_json_string(out, pvp_ia64_sensitive_name(s->sensitive));
    }
    if (s->reads_ip)
        fputs(",\"reads_ip\":true", out);
    fputc('}', out);
}

void disasm_print_json(FILE *out, const disasm_bundle *b, const char *section)
{
    fprintf(out, "{\"addr\":\"0x%llx\"", (unsigned long long)b->addr);
    if (section) {
        fputs(",\"section\":", out);
        cli_json_string(out, section);
    }
    fprintf(out, ",\"template\":%u,\"slots\":[", b->tmpl);
    for (unsigned i = 0; i < b->nslots; i++) {
        if (i)
            fputc(',', out);
        print_json_slot(out, &b->slot[i]);
    }
    fputs("]}", out);
}

/* ---- Symbols of a section, for labels and <name+0x..> ------------------- */

typedef struct named_addr {
    uint64_t addr;
    uint64_t end;           /* end of the symbol's section: names stop there */
    const char *name;
} named_addr;

/* A section's symbols sorted by address once; labels are printed by walking
 * them alongside the bundles (next is the first not yet reached). */
typedef struct symbol_view {
    named_addr *syms;
    size_t n;
    size_t next;
} symbol_view;

/* Sort symbols by address, those at one address in the order they came
 * (symbol-table order): a stable radix sort, one pass per byte in which the
 * addresses differ (tens of thousands of labels sort in a few passes). */
static void sort_by_addr(named_addr *a, size_t n)
{
    uint64_t all_or = 0, all_and = ~UINT64_C(0);
    for (size_t i = 0; i < n; i++) {
        all_or |= a[i].addr;
        all_and &= a[i].addr;
    }
    named_addr *tmp = n > 1 ? malloc(n * sizeof *tmp) : NULL;
    if (!tmp)
        return;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if ((((all_or ^ all_and) >> shift) & 0xff) == 0)
            continue;                       /* every address has this byte */
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[((a[i].addr >> shift) & 0xff) + 1]++;
        for (unsigned d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i].addr >> shift) & 0xff]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
    free(tmp);
}

static int names_code(const pvp_symbol *sym)
{
    return *sym->name && sym->type != STT_SECTION && sym->type != STT_FILE;
}

/* Symbols that can name addresses of section s shown at view: in a linked file
 * shown where it was linked, those of every allocated section (branches leave
 * their section); otherwise only s's own, moved to view. */
static symbol_view section_symbols(const pvp_file *f, const pvp_section *s, uint64_t view)
{
    symbol_view v = { NULL, 0, 0 };
    size_t n = pvp_file_symbol_count(f);
    pvp_file_kind kind = pvp_file_kind_of(f);
    if (kind == PVP_FILE_RAW || !n || !(v.syms = calloc(n, sizeof *v.syms)))
        return v;
    int linked = (kind == PVP_FILE_EXEC || kind == PVP_FILE_DYN) && view == s->addr;
    for (size_t i = 0; i < n; i++) {
        const pvp_symbol *sym = pvp_file_symbol(f, i);
        const pvp_section *in = sym->shndx == s->index ? s
                                : linked ? pvp_file_section_by_index(f, sym->shndx) : NULL;
        if (!in || !(in->flags & SHF_ALLOC) || !names_code(sym) || sym->value - in->addr >= in->size)
            continue;
        uint64_t shift = in == s ? view - s->addr : 0;
        v.syms[v.n++] = (named_addr){ sym->value + shift, in->addr + shift + in->size, sym->name };
    }
    sort_by_addr(v.syms, v.n);
    return v;
}

/* The last symbol at or before addr, if addr lies in that symbol's section. */
static const char *name_of(void *ctx, uint64_t addr, uint64_t *delta)
{
    const symbol_view *v = ctx;
    size_t lo = 0, hi = v->n;
    while (lo < hi) {                       /* first symbol above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (v->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || addr - v->syms[lo - 1].addr >= v->syms[lo - 1].end - v->syms[lo - 1].addr)
        return NULL;
    *delta = addr - v->syms[lo - 1].addr;
    return v->syms[lo - 1].name;
}

/* The labels of a bundle at addr: the symbols reached by the walk (bundles
 * come in address order; symbols between two bundles are not labels). */
static void print_labels(FILE *out, symbol_view *v, uint64_t addr)
{
    while (v->next < v->n && v->syms[v->next].addr < addr)
        v->next++;
    for (; v->next < v->n && v->syms[v->next].addr == addr; v->next++) {
        fputs_unlocked(v->syms[v->next].name, out);
        fputs_unlocked(":\n", out);
    }
}

/* ---- One section --------------------------------------------------------- */

typedef struct disasm_job {
    const pvp_file *file;
    const cli_target *t;
    FILE *out;
    int json;
    size_t nunits;          /* printed so far, across sections (JSON commas) */
    char err[PVP_ERR_SIZE];
} disasm_job;

/* A section can be shown if it does not wrap and its architecture's check
 * passes (IA-64: bundle alignment, no reserved template; x86-64: every byte
 * in an instruction): checked before anything is printed, so that output is
 * streamed and bad input still prints nothing. */
static int check_section(disasm_job *job, const pvp_section *s, uint64_t addr)
{
    if (addr + s->size < addr && addr + s->size != 0) {
        pvp_errorf(job->err, sizeof job->err, pvp_file_path(job->file), "section %s at 0x%llx wraps past the "
                   "end of the address space", s->name, (unsigned long long)addr);
        return -1;
    }
    return job->t->disasm_check(job->file, s, addr, job->err, sizeof job->err);
}

/* Print a checked section: its code units, and for text its labels. */
static void disasm_section(disasm_job *job, const pvp_section *s, uint64_t addr)
{
    int elf = pvp_file_kind_of(job->file) != PVP_FILE_RAW;
    symbol_view syms = job->json ? (symbol_view){ NULL, 0, 0 } : section_symbols(job->file, s, addr);
    if (!job->json && elf)
        fprintf(job->out, "%ssection %s:\n", job->nunits ? "\n" : "", s->name);
    for (uint64_t off = 0; off < s->size; job->nunits++) {
        const uint8_t *code = s->bytes + off;
        size_t avail = (size_t)(s->size - off);
        if (job->json) {
            fputs(job->nunits ? ",\n" : "\n", job->out);
            off += job->t->disasm_json(job->out, code, avail, addr + off, elf ? s->name : NULL);
        } else {
            print_labels(job->out, &syms, addr + off);
            off += job->t->disasm_text(job->out, code, avail, addr + off, syms.n ? name_of : NULL, &syms);
        }
    }
    free(syms.syms);
}

/* ---- Choosing sections and running --------------------------------------- */

static int shows_by_default(const pvp_section *s)
{
    return (s->flags & SHF_EXECINSTR) && s->bytes && s->size;
}

/* Check --section and --base against the file; the sections to show go in *only
 * (one named section) or are all shows_by_default() ones (*only NULL). */
static int choose_sections(const cli_command *self, disasm_job *job, const char *name,
                           int has_base, const pvp_section **only)
{
    const pvp_file *f = job->file;
    const char *path = pvp_file_path(f);
    *only = NULL;
    if (pvp_file_kind_of(f) == PVP_FILE_RAW) {
        if (name) {
            pvp_errorf(job->err, sizeof job->err, path, "not an ELF file, so it has no section %s",
                       name);
            return -1;
        }
        *only = pvp_file_section(f, 0);
        return 0;
    }
    if (name) {
        *only = pvp_file_section_by_name(f, name);
        if (!*only)
            pvp_errorf(job->err, sizeof job->err, path, "no section named %s", name);
        else if (!(*only)->bytes)
            pvp_errorf(job->err, sizeof job->err, path, "section %s has no contents in the file",
                       name);
        return *only && (*only)->bytes ? 0 : -1;
    }
    size_t shown = 0;
    for (size_t i = 0; i < pvp_file_section_count(f); i++)
        if (shows_by_default(pvp_file_section(f, i)) && shown++ == 0)
            *only = pvp_file_section(f, i);
    if (has_base && shown > 1) {
        cli_usage_error(self, "--base needs a raw file or --section: %s has %zu executable "
                        "sections", path, shown);
        job->err[0] = '\0';     /* already reported */
        return -1;
    }
    if (shown != 1)
        *only = NULL;
    return 0;
}

/* The address a section is shown at. */
static uint64_t shown_at(const pvp_section *s, const pvp_section *only, int has_base, uint64_t base)
{
    return s == only && has_base ? base : s->addr;
}

/* Call fn on each section to show, in file order, until it fails. */
static int each_section(disasm_job *job, const pvp_section *only, int has_base, uint64_t base,
                        int (*fn)(disasm_job *, const pvp_section *, uint64_t))
{
    if (only)
        return fn(job, only, shown_at(only, only, has_base, base));
    for (size_t i = 0; i < pvp_file_section_count(job->file); i++) {
        const pvp_section *s = pvp_file_section(job->file, i);
        if (shows_by_default(s) && fn(job, s, s->addr) != 0)
            return -1;
    }
    return 0;
}

static int print_section(disasm_job *job, const pvp_section *s, uint64_t addr)
{
    disasm_section(job, s, addr);
    return 0;
}

static void disasm_all(disasm_job *job, const pvp_section *only, int has_base, uint64_t base)
{
    if (job->json)
        fprintf(job->out, "{\"%s\":[", job->t->disasm_key);
    each_section(job, only, has_base, base, print_section);
    if (job->json)
        fputs(job->nunits ? "\n]}\n" : "]}\n", job->out);
}

static int run_disasm(const cli_command *self, int argc, char **argv)
{
    const char *file = NULL, *base_arg = NULL, *section = NULL, *json = NULL, *output = NULL;
    const char *machine = NULL;
    const cli_option opts[] = {
        { "--base", NULL, 1, &base_arg },
        { "--section", NULL, 1, &section },
        { "--machine", NULL, 1, &machine },
        { "--json", NULL, 0, &json },
        { "--output", "-o", 1, &output },
    };
    int parsed = cli_parse_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], &file, 1);
    if (parsed != CLI_PARSE_OK)
        return parsed == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    uint64_t base = 0;
    if (base_arg && cli_parse_u64(base_arg, &base) != 0)
        return cli_usage_error(self, "--base '%s' is not a number", base_arg);

    disasm_job job = { .json = json != NULL };
    job.file = pvp_file_open(file, job.err, sizeof job.err);
    if (!job.file)
        return cli_fail(job.err);
    job.t = cli_target_of(job.file, machine, job.err, sizeof job.err);
    if (job.t && machine && pvp_file_kind_of(job.file) != PVP_FILE_RAW) {
        pvp_file_close((pvp_file *)job.file);
        return cli_usage_error(self, "--machine is for raw files: %s says its machine in its ELF header", file);
    }
    if (job.t && base % job.t->disasm_align) {
        pvp_file_close((pvp_file *)job.file);
        return cli_usage_error(self, "--base 0x%llx is not %u-byte aligned", (unsigned long long)base,
                               job.t->disasm_align);
    }
    const pvp_section *only = NULL;
    int rc = job.t ? choose_sections(self, &job, section, base_arg != NULL, &only) : -1;
    if (rc == 0)
        rc = each_section(&job, only, base_arg != NULL, base, check_section);
    cli_output out;
    if (rc == 0 && (rc = cli_output_begin_streamed(&out, output)) == 0) {
        job.out = out.stream;
        disasm_all(&job, only, base_arg != NULL, base);
        rc = cli_output_end(&out, 1);
    }
    pvp_file_close((pvp_file *)job.file);
    if (rc && job.err[0])
        return cli_fail(job.err);
    return rc ? CLI_BAD_INPUT : CLI_OK;
}

const cli_command cli_cmd_disasm = {
    "disasm",
    "disassemble IA-64 or x86-64 code of an ELF file or a raw blob (text or --json)",
    disasm_usage,
    run_disasm,
};
