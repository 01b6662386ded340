/* pvpatch check: a binary-level checker of single-source, multi-instance
 * code, the counterpart of Linux's pvcheck for whole images and objects.
 *
 * It reads the same records the engine reads at boot and looks for what
 * would make an install or a patch go wrong, or leave the wrong code
 * running: sensitive instructions outside pv operation sites, absolute
 * references into instances that move without a record to fix them,
 * IP-relative references that cannot reach their target from the canonical
 * place, instance layouts that do not match their slot, and (with --mode)
 * sites that do not hold the code of the mode the system runs in.
 *
 * Every check only reads; findings are gathered, sorted by address and
 * printed at the end, so a bad input prints nothing but its one line. */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check.h"
#include "cli/cli.h"
#include "cli/target.h"

enum check_rule { RULE_LAYOUT, RULE_RAW, RULE_ABSOLUTE, RULE_RANGE, RULE_MODE, RULE_DANGLING, RULE_POINTER };
static const char *const rule_names[] = {
    "layout", "raw-sensitive", "unrecorded-absolute", "out-of-range", "wrong-mode", "dangling-reference",
    "unrecorded-pointer",
};

typedef struct finding {
    uint64_t addr;
    int slot;               /* slot of the instruction, -1 when it is not about one */
    int rule;               /* enum check_rule */
    char insn[160];         /* the instruction as printed, "" when none */
    char detail[320];
} finding;

typedef struct checker {
    cli_image *ci;
    const pvp_image *img;
    const pvp_arch *arch;
    const cli_target *t;                 /* the architecture's row (target.h) */
    int object;                          /* a relocatable object, laid out by check_object.c */
    unsigned mode;                       /* --mode's id, 0 without */
    uint64_t as_written;                 /* sensitive classes that mode runs as written (bit per class) */
    pvp_site *sites;
    size_t nsites;
    pvp_fixup *fixups;                   /* every instance's fixup records */
    size_t nfixups;
    unsigned char *skip;                 /* per instance: layout too broken to read the code */
    finding *list;
    size_t n, cap;
    uint64_t units;                      /* code units of instances checked */
    int failed;
    char err[PVP_ERR_SIZE];
} checker;

/* ---- Findings and messages -------------------------------------------- */

/* Record a finding; detail is printf-style. */
static void add_finding(checker *c, uint64_t addr, int slot, int rule, const char *insn, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void add_finding(checker *c, uint64_t addr, int slot, int rule, const char *insn, const char *fmt, ...)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        finding *l = realloc(c->list, cap * sizeof *l);
        if (!l) {
            c->failed = 1;
            snprintf(c->err, sizeof c->err, "pvpatch: out of memory");
            return;
        }
        c->list = l, c->cap = cap;
    }
    finding *f = &c->list[c->n++];
    f->addr = addr, f->slot = slot, f->rule = rule;
    snprintf(f->insn, sizeof f->insn, "%s", insn ? insn : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
}

/* An address as a person finds it: hex in images, section+offset in objects. */
static const char *where(const checker *c, uint64_t addr, char *buf, size_t size)
{
    uint64_t off;
    const pvp_section *s = c->object ? check_object_section(c->ci->file, addr, &off) : NULL;
    if (!c->object)
        snprintf(buf, size, "0x%llx", (unsigned long long)addr);
    else if (s)
        snprintf(buf, size, "%s+0x%llx", s->name, (unsigned long long)off);
    else
        snprintf(buf, size, "(defined outside the object)");
    return buf;
}

/* Stop checking: the input cannot be read. The first reason wins. */
static void fail(checker *c, uint64_t addr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(checker *c, uint64_t addr, const char *fmt, ...)
{
    if (c->failed)
        return;
    char at[96], why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(c->err, sizeof c->err, "%s: address %s: %s", pvp_file_path(c->ci->file), where(c, addr, at, sizeof at),
             why);
    c->failed = 1;
}

/* Stop checking on an engine error (unreadable records). */
static void fail_engine(checker *c, const pvp_error *e)
{
    fail(c, e->addr, "%s (%s)", e->what ? e->what : "error", pvp_strerror(e->status));
}

/* A mode's name: its record's, else the built-in modes', else its number. */
static const char *mode_name(const checker *c, unsigned id, char *buf, size_t size)
{
    return cli_mode_name(c->ci, id, buf, size);
}

/* ---- Code --------------------------------------------------------------- */

/* The length of the code unit at addr (the arch's scan); 0 if there is none. */
static size_t unit_len(const checker *c, uint64_t addr, uint64_t end)
{
    const uint8_t *code = pvp_image_at(c->img, addr, 1);
    const pvp_range *r = code ? pvp_image_range(c->img, addr) : NULL;
    pvp_pcrel ops[PVP_MAX_PCREL];
    unsigned nops;
    size_t len = 0;
    if (!r)
        return 0;
    uint64_t avail = r->addr + r->size - addr;
    if (end > addr && end - addr < avail)
        avail = end - addr;
    return c->arch->scan(code, (size_t)avail, addr, &len, ops, &nops, NULL, NULL) == PVP_OK ? len : 0;
}

/* The instructions of the unit at addr; their count (0 if there is no unit). */
static unsigned unit_insns(const checker *c, uint64_t addr, cli_insn out[3])
{
    size_t len = unit_len(c, addr, 0);
    return len ? c->t->insns(pvp_image_at(c->img, addr, len), len, addr, out) : 0;
}

/* Print the instruction at sub (slot) of the unit at addr; 0, or -1 if there is none. */
static int slot_text(const checker *c, uint64_t addr, int slot, char *buf, size_t size)
{
    cli_insn in[3];
    unsigned n = unit_insns(c, addr, in);
    buf[0] = '\0';
    for (unsigned k = 0; k < n; k++)
        if (in[k].sub == slot || n == 1) {
            snprintf(buf, size, "%s", in[k].text);
            return 0;
        }
    return -1;
}

/* The first instruction of [addr, end) that is not a nop, printed; its unit and slot. */
static void first_insn(const checker *c, uint64_t addr, uint64_t end, uint64_t *at, int *slot, char *buf,
                       size_t size)
{
    *at = addr, *slot = -1, buf[0] = '\0';
    for (uint64_t a = addr, len; a < end; a += len) {
        cli_insn in[3];
        if (!(len = unit_len(c, a, end)))
            return;
        unsigned n = c->t->insns(pvp_image_at(c->img, a, len), (size_t)len, a, in);
        for (unsigned k = 0; k < n; k++)
            if (!in[k].nop) {
                *at = a, *slot = in[k].sub;
                snprintf(buf, size, "%s", in[k].text);
                return;
            }
    }
}

/* ---- Records ------------------------------------------------------------ */

/* Read every site record; the site table must be well-formed to check anything. */
static int load_sites(checker *c)
{
    size_t n = pvp_site_count(c->ci->sites_size);
    c->sites = calloc(n ? n : 1, sizeof *c->sites);
    if (!c->sites)
        return fail(c, 0, "out of memory"), -1;
    for (size_t k = 0; k < n; k++) {
        pvp_error e;
        if (pvp_site_read(c->img, c->arch, c->ci->sites, k, &c->sites[k], &e) != PVP_OK)
            return fail_engine(c, &e), -1;
    }
    c->nsites = n;
    return 0;
}

/* Read every instance's fixup records into one list. */
static int load_fixups(checker *c)
{
    size_t total = 0;
    for (size_t i = 0; i < c->ci->count; i++)
        total += pvp_fixup_count(&c->ci->set[i]);
    c->fixups = calloc(total ? total : 1, sizeof *c->fixups);
    if (!c->fixups)
        return fail(c, 0, "out of memory"), -1;
    for (size_t i = 0; i < c->ci->count; i++)
        for (size_t k = 0; k < pvp_fixup_count(&c->ci->set[i]); k++) {
            pvp_error e;
            if (pvp_fixup_read(c->img, &c->ci->set[i], k, &c->fixups[c->nfixups++], &e) != PVP_OK)
                return fail_engine(c, &e), -1;
        }
    return 0;
}

/* Is a self or vtop fixup recorded for the address load of the unit at addr? */
static int load_recorded(const checker *c, uint64_t unit)
{
    for (size_t k = 0; k < c->nfixups; k++) {
        const pvp_fixup *f = &c->fixups[k];
        if ((f->kind == PVP_FIX_SELF_MOVL || f->kind == PVP_FIX_VTOP_MOVL) && c->t->fixup_names(f->where, unit))
            return 1;
    }
    return 0;
}

/* Is a ptr64 fixup recorded for the 8-byte word at addr? */
static int word_recorded(const checker *c, uint64_t addr)
{
    for (size_t k = 0; k < c->nfixups; k++)
        if (c->fixups[k].kind == PVP_FIX_PTR64 && c->fixups[k].where == addr)
            return 1;
    return 0;
}

/* Is a rel32 fixup recorded for the 4-byte word at addr? */
static int rel32_recorded(const checker *c, uint64_t addr)
{
    for (size_t k = 0; k < c->nfixups; k++)
        if (c->fixups[k].kind == PVP_FIX_REL32 && c->fixups[k].where == addr)
            return 1;
    return 0;
}

/* ---- Where code is ------------------------------------------------------ */

/* Does the instance's copy hold addr? */
static int inside(const pvp_instance *i, uint64_t addr)
{
    return addr - i->copy < i->size;
}

/* Do [a, a+alen) and [b, b+blen) share a byte (modulo 2^64, as the engine counts)? */
static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && (a - b < blen || b - a < alen);
}

/* An instance whose code an install will still move: not canonical, not
 * installed yet, its slot not taken by another installed instance, and
 * (with --mode) the one that mode's install picks. */
static int moves(const checker *c, size_t k)
{
    const pvp_instance *i = &c->ci->set[k];
    if (i->copy == i->canonical || (i->flags & PVP_INSTANCE_F_INSTALLED))
        return 0;
    for (size_t o = 0; o < c->ci->count; o++)
        if (c->ci->set[o].canonical == i->canonical && (c->ci->set[o].flags & PVP_INSTANCE_F_INSTALLED))
            return 0;
    return !c->mode || pvp_instance_for_mode(c->ci->set, c->ci->count, i->canonical, c->mode) == k;
}

/* moves() of an instance of the set. */
static int moves_inst(const checker *c, const pvp_instance *i)
{
    return moves(c, (size_t)(i - c->ci->set));
}

/* The copy (not canonical) that holds addr: it moves at install or, once
 * installed, is freed after boot; NULL if none. */
static const pvp_instance *copy_at(const checker *c, uint64_t addr)
{
    for (size_t i = 0; i < c->ci->count; i++)
        if (c->ci->set[i].copy != c->ci->set[i].canonical && inside(&c->ci->set[i], addr))
            return &c->ci->set[i];
    return NULL;
}

/* The instance that moves at install and whose copy holds addr, or NULL. */
static const pvp_instance *moving_instance_at(const checker *c, uint64_t addr)
{
    for (size_t i = 0; i < c->ci->count; i++)
        if (moves(c, i) && inside(&c->ci->set[i], addr))
            return &c->ci->set[i];
    return NULL;
}

/* Where an instance's code is now; 0 when it is dead there (the copy of an
 * installed instance, a canonical instance replaced by an installed one). */
static int code_now(const checker *c, const pvp_instance *i, uint64_t *at)
{
    if (i->copy != i->canonical) {
        *at = i->flags & PVP_INSTANCE_F_INSTALLED ? i->canonical : i->copy;
        return 1;
    }
    *at = i->copy;
    for (size_t k = 0; k < c->ci->count; k++)
        if (&c->ci->set[k] != i && c->ci->set[k].canonical == i->canonical &&
            (c->ci->set[k].flags & PVP_INSTANCE_F_INSTALLED))
            return 0;
    return 1;
}

/* The form and mode a site's code has now (as built until patched). */
static void site_now(const pvp_site *s, unsigned *form, unsigned *mode)
{
    *form = s->cur_form ? s->cur_form : s->form;
    *mode = s->cur_form ? s->cur_mode : s->mode;
}

/* ---- Rule layout ---------------------------------------------------------- */

/* Is v a power of two? */
static int power_of_two(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* A canonical slot must sit at a multiple of its size when that is a power of
 * two (an IVT: 32 KiB); in an object, its section must be aligned so too. */
static void check_slot_alignment(checker *c, const pvp_instance *i)
{
    char at[96];
    if (!c->t->aligned_slots || !power_of_two(i->slot_size))
        return;
    if (!c->object) {
        if (i->canonical % i->slot_size)
            add_finding(c, i->canonical, -1, RULE_LAYOUT, NULL,
                        "canonical slot of instance %s at 0x%llx is not aligned to its size 0x%llx", i->name,
                        (unsigned long long)i->canonical, (unsigned long long)i->slot_size);
        return;
    }
    uint64_t off;
    const pvp_section *s = check_object_section(c->ci->file, i->canonical, &off);
    if (!s)
        return;                 /* defined in another object: the link decides */
    uint64_t align = check_object_align(pvp_file_path(c->ci->file), s->index);
    if (off % i->slot_size || align < i->slot_size)
        add_finding(c, i->canonical, -1, RULE_LAYOUT, NULL,
                    "canonical slot of instance %s at %s is not aligned to its size 0x%llx (section %s is "
                    "aligned to 0x%llx)", i->name, where(c, i->canonical, at, sizeof at),
                    (unsigned long long)i->slot_size, s->name, (unsigned long long)align);
}

/* What can be wrong with one instance on its own. */
static void check_instance_layout(checker *c, size_t k)
{
    const pvp_instance *i = &c->ci->set[k];
    unsigned align = c->arch->code_align;
    char a[96], b[96];
    if (i->copy % align || i->canonical % align || i->size % align || !i->size) {
        add_finding(c, i->copy, -1, RULE_LAYOUT, NULL,
                    "instance %s: copy %s, canonical %s or size 0x%llx is not a whole number of %s", i->name,
                    where(c, i->copy, a, sizeof a), where(c, i->canonical, b, sizeof b), (unsigned long long)i->size,
                    c->t->layout_unit);
        c->skip[k] = 1;
        return;
    }
    if (!pvp_image_at(c->img, i->copy, i->size)) {
        add_finding(c, i->copy, -1, RULE_LAYOUT, NULL, "instance %s: its 0x%llx bytes of code are not in the file",
                    i->name, (unsigned long long)i->size);
        c->skip[k] = 1;
    }
    if (i->size != i->slot_size)
        add_finding(c, i->copy, -1, RULE_LAYOUT, NULL, "instance %s is 0x%llx bytes, its canonical slot 0x%llx",
                    i->name, (unsigned long long)i->size, (unsigned long long)i->slot_size);
    if (i->copy != i->canonical && overlap(i->copy, i->size, i->canonical, i->slot_size))
        add_finding(c, i->copy, -1, RULE_LAYOUT, NULL, "instance %s overlaps its canonical slot at %s", i->name,
                    where(c, i->canonical, a, sizeof a));
    if (i->copy != i->canonical && !c->object && !pvp_image_at(c->img, i->canonical, i->slot_size))
        add_finding(c, i->canonical, -1, RULE_LAYOUT, NULL,
                    "canonical slot of instance %s (0x%llx bytes) is not in the file", i->name,
                    (unsigned long long)i->slot_size);
}

/* Instances of one slot must agree on its size; no two instances may overlap. */
static void check_pair_layout(checker *c, const pvp_instance *i, const pvp_instance *j)
{
    char a[96];
    if (i->canonical == j->canonical && (i->slot_size != j->slot_size || i->size != j->size))
        add_finding(c, j->copy, -1, RULE_LAYOUT, NULL,
                    "instances %s and %s of the canonical slot %s disagree: sizes 0x%llx and 0x%llx, slot sizes "
                    "0x%llx and 0x%llx", i->name, j->name, where(c, i->canonical, a, sizeof a),
                    (unsigned long long)i->size, (unsigned long long)j->size, (unsigned long long)i->slot_size,
                    (unsigned long long)j->slot_size);
    if (i->copy != j->copy && overlap(i->copy, i->size, j->copy, j->size))
        add_finding(c, j->copy, -1, RULE_LAYOUT, NULL, "instances %s and %s overlap", i->name, j->name);
}

/* Rule layout: each instance, each pair, each canonical slot once. */
static void check_layout(checker *c)
{
    for (size_t k = 0; k < c->ci->count; k++) {
        const pvp_instance *i = &c->ci->set[k];
        check_instance_layout(c, k);
        int first_of_slot = 1;
        for (size_t j = 0; j < k; j++) {
            check_pair_layout(c, &c->ci->set[j], i);
            first_of_slot &= c->ci->set[j].canonical != i->canonical;
        }
        if (first_of_slot)
            check_slot_alignment(c, i);
    }
}

/* ---- Rule raw-sensitive ----------------------------------------------------- */

/* Mark the bytes of an instance that are not loose code: those of a
 * recorded site (1), and its data (2: DATA ranges, PTR64 words). */
static unsigned char *site_bytes(const checker *c, const pvp_instance *i)
{
    size_t nb = (size_t)i->size;
    unsigned char *in_site = calloc(nb ? nb : 1, 1);
    for (size_t k = 0; in_site && k < c->nsites; k++) {
        const pvp_site *s = &c->sites[k];
        if (!inside(i, s->addr))
            continue;
        for (uint64_t b = s->addr - i->copy; b < nb && b < s->end - i->copy; b++)
            in_site[b] = 1;
        /* a split site's code out of line (a block's bodies: each mode's own) */
        for (uint64_t b = s->ool - i->copy; s->ool && inside(i, s->ool) && b < nb && b < s->ool_end - i->copy; b++)
            in_site[b] = 1;
    }
    uint64_t start, end;
    for (uint64_t off = 0; in_site && pvp_fixup_data_range(c->img, i, off, c->arch->insn_align, &start, &end);
         off = end)
        for (uint64_t b = start; b < end && b < nb; b++)
            in_site[b] = 2;
    return in_site;
}

/* Count the code units of size bytes at addr, as check_raw_sensitive would
 * (for the summary, when a mode runs that code as it is). */
static void count_units(checker *c, uint64_t addr, uint64_t size)
{
    for (uint64_t off = 0, len; off < size; off += len, c->units++)
        if (!(len = unit_len(c, addr + off, addr + size)))
            len = c->arch->insn_align ? c->arch->insn_align : 1;
}

static const pvp_mode *mode_record(const checker *c, unsigned id);

/* The one instruction, nops aside, of a mode's template: its sensitive
 * class, 0 if it has none or more than one instruction. */
static unsigned single_class(const checker *c, const pvp_template *t)
{
    unsigned cls = 0, count = 0;
    size_t len;
    for (uint64_t off = 0; off < t->end - t->code && count < 2; off += len) {
        pvp_pcrel ops[PVP_MAX_PCREL];
        unsigned nops;
        cli_insn in[3];
        if (c->arch->scan(t->bytes + off, (size_t)(t->end - t->code - off), t->code + off, &len, ops, &nops,
                          NULL, NULL) || !len)
            return 0;
        unsigned n = c->t->insns(t->bytes + off, len, t->code + off, in);
        for (unsigned k = 0; k < n; k++)
            if (!in[k].nop)
                cls = in[k].sensitive, count++;
    }
    return count == 1 ? cls : 0;
}

/* The sensitive classes a mode runs as written: an operation whose A code
 * is that one instruction (xen's ptc.l, which traps to the hypervisor). A
 * raw instruction of such a class is that mode's code for it. */
static uint64_t classes_as_written(const checker *c, unsigned id)
{
    const pvp_mode *m = mode_record(c, id);
    uint64_t set = 0;
    for (unsigned op = 1; m && op < m->nops; op++) {
        pvp_template t;
        unsigned cls;
        if (pvp_template_find(c->img, m, op, PVP_FORM_A, &t, NULL) == PVP_OK && (cls = single_class(c, &t)) &&
            cls < 64)
            set |= UINT64_C(1) << cls;
    }
    return set;
}

/* Every sensitive instruction of an instance's code must be in a site,
 * but for those the mode checked (--mode) runs as written. */
static void check_raw_sensitive(checker *c, const pvp_instance *i, uint64_t at)
{
    unsigned char *in_site = site_bytes(c, i);
    if (!in_site) {
        fail(c, i->copy, "out of memory");
        return;
    }
    for (uint64_t off = 0, len; off < i->size && !c->failed; off += len) {
        uint64_t addr = at + off;
        if (in_site[off] == 2) {               /* data: never run */
            len = 1;
            continue;
        }
        if (!(len = unit_len(c, addr, at + i->size))) {
            fail(c, addr, "cannot decode the code of instance %s as %s code", i->name, c->t->name);
            break;
        }
        c->units++;
        cli_insn in[3];
        unsigned n = in_site[off] ? 0 : c->t->insns(pvp_image_at(c->img, addr, len), (size_t)len, addr, in);
        for (unsigned k = 0; k < n; k++)
            if (in[k].sensitive && !(in[k].sensitive < 64 && (c->as_written >> in[k].sensitive & 1)))
                add_finding(c, addr, in[k].sub, RULE_RAW, in[k].text, "%s in instance %s, outside every pv "
                            "operation site", c->t->sensitive_name(in[k].sensitive), i->name);
    }
    free(in_site);
}

/* In a virtualized instance, sites built (or patched) as A or B code of
 * another mode run that mode's privileged code: as raw as no site at all. */
static void check_site_modes(checker *c, const pvp_instance *i, uint64_t at)
{
    if (i->mode == PVP_MODE_NATIVE)
        return;
    for (size_t k = 0; k < c->nsites; k++) {
        const pvp_site *s = &c->sites[k];
        unsigned form, mode;
        site_now(s, &form, &mode);
        if (!inside(i, s->addr) || form == PVP_FORM_C || mode == i->mode || s->form == PVP_FORM_BLOCK)
            continue;                       /* (a block has a body of each mode) */
        uint64_t start = at + (s->addr - i->copy), bundle;
        int slot;
        char text[160], m1[16], m2[16], opname[PVP_NAME_LEN + 1];
        first_insn(c, start, start + (s->end - s->addr), &bundle, &slot, text, sizeof text);
        add_finding(c, bundle, slot, RULE_RAW, text, "site %s at 0x%llx holds form %s code of mode %s in instance %s "
                    "of mode %s", cli_op_name(c->ci, s->op, opname, sizeof opname), (unsigned long long)start, pvp_form_name(form),
                    mode_name(c, mode, m1, sizeof m1), i->name, mode_name(c, i->mode, m2, sizeof m2));
    }
}

/* ---- Rule out-of-range -------------------------------------------------------- */

/* Every IP-relative operand leaving a moving instance must still reach its
 * target from the canonical place: re-target a scratch copy to find out. */
static void check_reach(checker *c, const pvp_instance *i)
{
    uint64_t dstart = 0, dend = 0;
    for (uint64_t off = 0, len; off < i->size && !c->failed; off += len) {
        if (off >= dend)
            pvp_fixup_data_range(c->img, i, off, c->arch->insn_align, &dstart, &dend);
        if (off >= dstart) {
            len = dend - off;              /* data: copied as it is */
            continue;
        }
        const uint8_t *code = pvp_image_at(c->img, i->copy + off, i->size - off);
        pvp_pcrel ops[PVP_MAX_PCREL];
        unsigned nops;
        size_t ulen;
        if (c->arch->scan(code, (size_t)(i->size - off), i->copy + off, &ulen, ops, &nops, NULL, NULL) != PVP_OK ||
            !ulen || ulen > 16) {
            fail(c, i->copy + off, "cannot decode the code of instance %s", i->name);
            return;
        }
        len = ulen;
        for (unsigned k = 0; k < nops; k++) {
            uint8_t scratch[16];
            uint64_t from = i->canonical + off;
            if (inside(i, ops[k].target))
                continue;
            memcpy(scratch, code, ulen);
            if (c->arch->retarget(scratch, ulen, from, &ops[k], ops[k].target) == PVP_OK)
                continue;
            int64_t d = (int64_t)(ops[k].target - from);
            char text[160];
            slot_text(c, i->copy + off, ops[k].sub, text, sizeof text);
            add_finding(c, i->copy + off, c->t->machine == cli_target_ia64.machine ? ops[k].sub : -1, RULE_RANGE,
                        text, "%s operand reaches 0x%llx, outside instance %s; installed at 0x%llx it is %s0x%llx "
                        "away, which does not fit its %u-bit field (in %s)", c->arch->form_names[ops[k].form],
                        (unsigned long long)ops[k].target, i->name, (unsigned long long)from, d < 0 ? "-" : "+",
                        (unsigned long long)(d < 0 ? -(uint64_t)d : (uint64_t)d), ops[k].bits,
                        c->t->machine == cli_target_ia64.machine ? "bundles" : "bytes");
        }
    }
}

/* ---- Rule unrecorded-absolute --------------------------------------------------- */

/* Linked images: every load immediate (movl, movabs) of an address inside a moving copy. */
static void check_load_range(checker *c, const pvp_range *r)
{
    uint64_t align = c->arch->insn_align ? c->arch->insn_align : 1;
    uint64_t first = r->addr + (align - r->addr % align) % align;
    for (uint64_t a = first, len; a < r->addr + r->size; a += len) {
        uint64_t imm;
        int slot;
        if (!(len = unit_len(c, a, 0))) {
            len = align;                   /* not code: a linear sweep steps over it */
            continue;
        }
        if (!c->t->load_imm(r->bytes + (a - r->addr), (size_t)len, &imm, &slot))
            continue;
        const pvp_instance *t = copy_at(c, imm), *here = copy_at(c, a);
        if (!t || load_recorded(c, a) || (here && !moves_inst(c, here)))
            continue;                      /* code in a copy that does not run (installed, or never) is dead */
        if (t == here && (t->flags & PVP_INSTANCE_F_SCAN_SELF))
            continue;                      /* the install finds it by decoding and re-bases it */
        char text[160];
        slot_text(c, a, slot, text, sizeof text);
        if (moves_inst(c, t))
            add_finding(c, a, slot, RULE_ABSOLUTE, text,
                        "%s loads 0x%llx, inside instance %s (copy 0x%llx, moved to 0x%llx at install), and no self "
                        "or vtop fixup names it", c->t->load_name, (unsigned long long)imm, t->name,
                        (unsigned long long)t->copy, (unsigned long long)t->canonical);
        else if (t->flags & PVP_INSTANCE_F_INSTALLED)
            add_finding(c, a, slot, RULE_ABSOLUTE, text,
                        "%s loads 0x%llx, inside the copy of installed instance %s, which is freed after boot (its "
                        "code is at 0x%llx now), and no self or vtop fixup named it", c->t->load_name,
                        (unsigned long long)imm, t->name, (unsigned long long)(imm - t->copy + t->canonical));
        else
            add_finding(c, a, slot, RULE_ABSOLUTE, text,
                        "%s loads 0x%llx, inside the copy of instance %s, which is not installed and is freed after "
                        "boot", c->t->load_name, (unsigned long long)imm, t->name);
    }
}

/* Objects: every relocation of a load immediate (IA-64 IMM64: movl; x86-64
 * R_X86_64_64 in code: movabs) or of a 64-bit word (DIR64LSB, R_X86_64_64
 * in data) to a moving instance. */
static void check_relocation(checker *c, const pvp_reloc *r)
{
    const pvp_file *f = c->ci->file;
    const pvp_section *s = pvp_file_section_by_index(f, r->section);
    uint64_t target;
    if ((r->type != c->t->reloc_load && r->type != c->t->reloc_word) || !s || !(s->flags & SHF_ALLOC) ||
        (strncmp(s->name, ".pvpatch.", 9) == 0 && !(s->flags & SHF_EXECINSTR)))
        return;                 /* records point into instances by design */
    if (check_object_target(f, r, &target) != 0) {
        fail(c, check_object_addr(s->index, r->offset), "relocation against unknown symbol '%s'", r->sym_name);
        return;
    }
    const pvp_instance *t = moving_instance_at(c, target);
    uint64_t at = check_object_addr(s->index, r->offset);
    char text[160], sym[128];
    if (!t)
        return;
    check_object_name(f, target, sym, sizeof sym);
    if (r->type == c->t->reloc_load && (s->flags & SHF_EXECINSTR)) {
        uint64_t unit = c->t->reloc_unit(at);
        cli_insn in[3];
        unsigned n = unit_insns(c, unit, in);
        int slot = n ? in[n - 1].sub : -1;     /* the load is the unit's last instruction (movl in slot 2) */
        if (load_recorded(c, unit) || (moving_instance_at(c, at) == t && (t->flags & PVP_INSTANCE_F_SCAN_SELF)))
            return;                    /* (one the install finds by decoding: re-based) */
        slot_text(c, unit, slot, text, sizeof text);
        add_finding(c, unit, slot, RULE_ABSOLUTE, text,
                    "%s loads %s, inside instance %s (moved at install), and no self or vtop fixup names it",
                    c->t->load_name, sym, t->name);
    } else if (r->type == c->t->reloc_word && !word_recorded(c, at)) {
        snprintf(text, sizeof text, "data8 %s", sym);
        add_finding(c, at, -1, RULE_ABSOLUTE, text,
                    "8-byte pointer into instance %s (moved at install), and no ptr64 fixup names it", t->name);
    }
}

/* ---- Rule unrecorded-pointer ------------------------------------------------ */

/* The instance a self-relative word and its target do not move together
 * with (the word's or the target's, whichever moves alone), or NULL. */
static const pvp_instance *moves_apart(const checker *c, uint64_t place, uint64_t target)
{
    const pvp_instance *a = moving_instance_at(c, place), *b = moving_instance_at(c, target);
    return a == b ? NULL : a ? a : b;
}

/* Objects: data relative to itself (PCREL32/64LSB) or to its segment
 * (SEGREL32/64LSB: unwind tables) that an install moves apart from what it
 * points at: 32-bit self-relative words need a rel32 record; nothing can
 * re-base the others. */
static void check_relative_relocation(checker *c, const pvp_reloc *r)
{
    const pvp_file *f = c->ci->file;
    const pvp_section *s = pvp_file_section_by_index(f, r->section);
    const cli_target *ct = c->t;
    int self = r->type && (r->type == ct->reloc_self32 || r->type == ct->reloc_self64);
    int seg = r->type && (r->type == ct->reloc_seg32 || r->type == ct->reloc_seg64);
    uint64_t target;
    if ((!self && !seg) || !s || !(s->flags & SHF_ALLOC) || check_object_target(f, r, &target) != 0)
        return;                 /* (these are data relocations, in code sections too: words inside an instance) */
    uint64_t at = check_object_addr(s->index, r->offset);
    const pvp_instance *t = seg ? moving_instance_at(c, target) : moves_apart(c, at, target);
    char text[160], sym[128];
    if (!t || (r->type == ct->reloc_self32 && rel32_recorded(c, at)))
        return;
    check_object_name(f, target, sym, sizeof sym);
    snprintf(text, sizeof text, "data%d %s%s", r->type == ct->reloc_self32 || r->type == ct->reloc_seg32 ? 4 : 8,
             seg ? "@segrel " : "", sym);
    if (seg)
        add_finding(c, at, -1, RULE_POINTER, text,
                    "segment-relative word (an unwind entry) into instance %s, which moves at install: no record "
                    "re-bases it (build the copies without unwind info)", t->name);
    else if (r->type == ct->reloc_self64)
        add_finding(c, at, -1, RULE_POINTER, text,
                    "8-byte self-relative word that instance %s moves apart from its target: no record kind "
                    "re-bases it (use a 4-byte word with PVP_DATA4_REL)", t->name);
    else
        add_finding(c, at, -1, RULE_POINTER, text,
                    "4-byte self-relative word that instance %s moves apart from its target, and no rel32 fixup "
                    "names it", t->name);
}

/* Images: the words of Linux's tables of self-relative words
 * (.data..patch.*, __mca_table) that an install moves apart from what they
 * point at. Other tables cannot be told from data in an image. */
static void check_relative_tables(checker *c)
{
    const pvp_file *f = c->ci->file;
    for (size_t k = 0; k < pvp_file_section_count(f); k++) {
        const pvp_section *s = pvp_file_section(f, k);
        if (!s->bytes || !(s->flags & SHF_ALLOC) ||
            (strncmp(s->name, ".data..patch.", 13) != 0 && strcmp(s->name, "__mca_table") != 0))
            continue;
        for (uint64_t off = 0; off + 4 <= s->size; off += 4) {
            uint64_t at = s->addr + off, w = 0;
            for (unsigned b = 0; b < 4; b++)
                w |= (uint64_t)s->bytes[off + b] << (8 * b);
            uint64_t target = at + (uint64_t)(int64_t)(int32_t)(uint32_t)w;
            const pvp_instance *t = moves_apart(c, at, target);
            if (!t || rel32_recorded(c, at))
                continue;
            char text[64];
            snprintf(text, sizeof text, "data4 0x%llx - .", (unsigned long long)target);
            add_finding(c, at, -1, RULE_POINTER, text,
                        "word of %s reaches 0x%llx, which instance %s moves apart from it at install, and no "
                        "rel32 fixup names it", s->name, (unsigned long long)target, t->name);
        }
    }
}

/* Rule unrecorded-absolute: relocations in objects, load immediates in images. */
static void check_absolute(checker *c)
{
    if (c->object) {
        for (size_t k = 0; k < pvp_file_reloc_count(c->ci->file) && !c->failed; k++) {
            check_relocation(c, pvp_file_reloc(c->ci->file, k));
            check_relative_relocation(c, pvp_file_reloc(c->ci->file, k));
        }
        return;
    }
    check_relative_tables(c);
    for (size_t r = 0; r < c->img->nranges; r++)
        if (c->img->ranges[r].flags & PVP_RANGE_EXEC)
            check_load_range(c, &c->img->ranges[r]);
}

/* ---- Rule dangling-reference ----------------------------------------------------- */

/* Code outside the copies that branches to an address an install leaves
 * meaning something else: inside a copy freed after boot, or inside a slot
 * (its start and declared entries aside). A movl of such an address is the
 * unrecorded-absolute rule's. */
static void check_dangling(checker *c)
{
    size_t n = 0, max = 256;
    pvp_mismatch *mm = calloc(max, sizeof *mm);
    if (!mm) {
        fail(c, 0, "out of memory");
        return;
    }
    pvp_verify_references(c->img, c->arch, c->ci->set, c->ci->count, mm, max, &n);
    for (size_t k = 0; k < n && k < max; k++) {
        char text[160];
        slot_text(c, mm[k].addr, mm[k].sub, text, sizeof text);
        add_finding(c, mm[k].addr, mm[k].sub, RULE_DANGLING, text,
                    strcmp(mm[k].what, "freed") == 0
                        ? "branches to 0x%llx, inside an instance copy that is freed after boot"
                        : "branches to 0x%llx, inside a slot that an install fills, not at a declared entry (PVP_ENTRY)",
                    (unsigned long long)mm[k].expected);
    }
    free(mm);
}

/* ---- Rule wrong-mode ---------------------------------------------------------- */

/* The mode record of a mode id, or NULL. */
static const pvp_mode *mode_record(const checker *c, unsigned id)
{
    for (size_t k = 0; k < c->ci->nmodes; k++)
        if (c->ci->modes[k].id == id)
            return &c->ci->modes[k];
    return NULL;
}

/* A C site calls what the live ops table holds: the mode whose stub is there,
 * 0 if that cannot be told (no table, no mode records). */
static unsigned c_site_mode(const checker *c, const pvp_site *s, unsigned want, uint64_t *entry)
{
    const pvp_mode *m = mode_record(c, want);
    uint64_t live = 0, expected;
    for (size_t k = 0; k < c->ci->nmodes && !live; k++)
        live = c->ci->modes[k].live;
    if (!m || !live || s->op >= m->nops || pvp_image_read_le(c->img, live + 8u * s->op, 8, entry) != PVP_OK ||
        pvp_image_read_le(c->img, m->ops + 8u * s->op, 8, &expected) != PVP_OK)
        return 0;
    if (*entry == expected)
        return want;
    for (size_t k = 0; k < c->ci->nmodes; k++) {
        uint64_t stub;
        if (s->op < c->ci->modes[k].nops &&
            pvp_image_read_le(c->img, c->ci->modes[k].ops + 8u * s->op, 8, &stub) == PVP_OK && stub == *entry)
            return c->ci->modes[k].id;
    }
    return UINT32_MAX;          /* a stub of no known mode */
}

/* Does the bundle of a block (at `at`) jump to the start of this body? */
static int block_jumps_here(const checker *c, const pvp_site *s, uint64_t at)
{
    pvp_pcrel ops[PVP_MAX_PCREL];
    unsigned n;
    size_t len;
    const uint8_t *code = pvp_image_at(c->img, at, s->end - at);
    uint64_t body = s->ool + (at - s->addr);
    if (!code || c->arch->scan(code, (size_t)(s->end - at), at, &len, ops, &n, NULL, NULL))
        return 0;
    for (unsigned k = 0; k < n; k++)
        if (ops[k].target == body)
            return 1;
    return 0;
}

/* Every live site must hold code of the mode the system runs in. */
static void check_wrong_mode(checker *c, unsigned want)
{
    char m1[16], m2[16];
    for (size_t k = 0; k < c->nsites; k++) {
        const pvp_site *s = &c->sites[k];
        uint64_t at, bundle, entry = 0;
        unsigned form, mode;
        if (!pvp_site_live(s, c->ci->set, c->ci->count, &at) || pvp_site_idle(s, want))
            continue;
        site_now(s, &form, &mode);
        if (s->form == PVP_FORM_BLOCK)
            mode = block_jumps_here(c, s, at) ? want : UINT32_MAX - 1;
        if (form == PVP_FORM_C) {
            mode = c_site_mode(c, s, want, &entry);
            if (mode == 0)
                continue;
        }
        if (mode == want)
            continue;
        int slot;
        char text[160], opname[PVP_NAME_LEN + 1];
        first_insn(c, at, at + (s->end - s->addr), &bundle, &slot, text, sizeof text);
        const char *op = cli_op_name(c->ci, s->op, opname, sizeof opname);
        if (s->form == PVP_FORM_BLOCK)
            add_finding(c, bundle, slot, RULE_MODE, text, "block %s at 0x%llx does not jump to its body of mode %s",
                        op, (unsigned long long)at, mode_name(c, want, m2, sizeof m2));
        else if (form == PVP_FORM_C)
            add_finding(c, bundle, slot, RULE_MODE, text, "site %s at 0x%llx calls through %s, whose entry holds "
                        "0x%llx (%s), not the stub of mode %s", op, (unsigned long long)at,
                        c->t->live_table, (unsigned long long)entry,
                        mode == UINT32_MAX ? "a stub of no mode" : mode_name(c, mode, m1, sizeof m1),
                        mode_name(c, want, m2, sizeof m2));
        else
            add_finding(c, bundle, slot, RULE_MODE, text, "site %s at 0x%llx holds form %s code of mode %s, not %s",
                        op, (unsigned long long)at, pvp_form_name(form),
                        mode_name(c, mode, m1, sizeof m1), mode_name(c, want, m2, sizeof m2));
    }
}

/* ---- Running the rules ---------------------------------------------------------- */

/* Does instance k's code run when the system runs in `mode`? The one
 * installed in its slot does; else the one the install for that mode
 * picks (pvp_instance_for_mode, as head code does) will. */
static int runs_in(const checker *c, size_t k, unsigned mode)
{
    const pvp_instance *i = &c->ci->set[k];
    if (i->flags & PVP_INSTANCE_F_INSTALLED)
        return 1;
    for (size_t o = 0; o < c->ci->count; o++)
        if (c->ci->set[o].canonical == i->canonical && (c->ci->set[o].flags & PVP_INSTANCE_F_INSTALLED))
            return 0;
    return pvp_instance_for_mode(c->ci->set, c->ci->count, i->canonical, mode) == k;
}

/* The rules that read instance code, on each instance where its code is now.
 * Without a mode every instance is one build of the source, and a raw
 * sensitive instruction in any of them is a pv operation missing; with
 * --mode MODE only the code that runs in MODE is, and in native mode the
 * privileged instructions are what runs, raw or not. */
static void check_instances(checker *c, unsigned mode)
{
    for (size_t k = 0; k < c->ci->count && !c->failed; k++) {
        const pvp_instance *i = &c->ci->set[k];
        uint64_t at;
        if (c->skip[k] || !code_now(c, i, &at) || !pvp_image_at(c->img, at, i->size))
            continue;
        if (!mode || (mode != PVP_MODE_NATIVE && runs_in(c, k, mode))) {
            check_raw_sensitive(c, i, at);
            check_site_modes(c, i, at);
        } else {
            count_units(c, at, i->size);
        }
        /* In an object the canonical place is decided by the link: no distance to check. */
        if (!c->object && moves(c, k) && !c->failed)
            check_reach(c, i);
    }
}

/* Order of findings: address, slot, rule, detail. */
static int by_address(const void *a, const void *b)
{
    const finding *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return strcmp(x->detail, y->detail);
}

/* Sort by address and drop repeats (overlapping instances are read twice). */
static void sort_findings(checker *c)
{
    if (!c->n)
        return;
    qsort(c->list, c->n, sizeof *c->list, by_address);
    size_t kept = 1;
    for (size_t k = 1; k < c->n; k++)
        if (by_address(&c->list[k], &c->list[kept - 1]) != 0)
            c->list[kept++] = c->list[k];
    c->n = kept;
}

/* ---- Output ------------------------------------------------------------------ */

/* One line per finding, then a count (or one clean line). */
static void print_text(FILE *out, const checker *c)
{
    const char *path = pvp_file_path(c->ci->file);
    for (size_t k = 0; k < c->n; k++) {
        const finding *f = &c->list[k];
        char at[96], slot[24] = "";
        if (f->slot >= 0)
            snprintf(slot, sizeof slot, " slot %d", f->slot);
        fprintf(out, "%s: %s%s: %s: %s%s%s\n", path, where(c, f->addr, at, sizeof at), slot, rule_names[f->rule],
                f->insn, f->insn[0] ? ": " : "", f->detail);
    }
    if (c->n)
        fprintf(out, "%s: %zu finding(s)\n", path, c->n);
    else
        fprintf(out, "%s: clean: %zu instance(s), %zu site(s), %llu %s(s) of instance code checked\n", path,
                c->ci->count, c->nsites, (unsigned long long)c->units, c->t->units);
}

/* The section an address lies in, for JSON (NULL if none). */
static const char *section_of(const checker *c, uint64_t addr, uint64_t *shown)
{
    *shown = addr;
    if (c->object) {
        const pvp_section *s = check_object_section(c->ci->file, addr, shown);
        return s ? s->name : NULL;
    }
    const pvp_range *r = pvp_image_range(c->img, addr);
    return r ? r->name : NULL;
}

/* The findings as one JSON object (docs/cli.md). */
static void print_json(FILE *out, const checker *c)
{
    fputs("{\"file\":", out);
    cli_json_string(out, pvp_file_path(c->ci->file));
    fputs(",\"findings\":[", out);
    for (size_t k = 0; k < c->n; k++) {
        const finding *f = &c->list[k];
        uint64_t shown;
        const char *sec = section_of(c, f->addr, &shown);
        fprintf(out, "%s{\"addr\":\"0x%llx\",\"slot\":", k ? "," : "", (unsigned long long)shown);
        f->slot >= 0 ? fprintf(out, "%d", f->slot) : fputs("null", out);
        fputs(",\"section\":", out);
        sec ? cli_json_string(out, sec) : (void)fputs("null", out);
        fputs(",\"insn\":", out);
        f->insn[0] ? cli_json_string(out, f->insn) : (void)fputs("null", out);
        fprintf(out, ",\"rule\":\"%s\",\"detail\":", rule_names[f->rule]);
        cli_json_string(out, f->detail);
        fputc('}', out);
    }
    fprintf(out, "],\"total\":%zu}\n", c->n);
}

/* ---- The command -------------------------------------------------------------- */

/* Open IMAGE or OBJECT: objects are laid out as if linked (check_object.c). */
static int open_input(const char *path, cli_image *ci, check_object *obj, int *object, char *err, size_t errsz)
{
    pvp_file *f = pvp_file_open_elf(path, err, errsz);
    if (!f)
        return -1;
    *object = pvp_file_kind_of(f) == PVP_FILE_REL;
    if (*object)
        return check_object_open(ci, obj, f, err, errsz);
    pvp_file_close(f);
    return cli_image_open(ci, path, err, errsz);
}

/* Read the records, run every rule, sort the findings. */
static void run_rules(checker *c, const char *mode, unsigned mode_id)
{
    if (load_sites(c) || load_fixups(c))
        return;
    c->mode = mode ? mode_id : 0;
    c->as_written = mode ? classes_as_written(c, mode_id) : 0;
    check_layout(c);
    check_instances(c, c->mode);
    if (!c->failed)
        check_absolute(c);
    /* In an object the branches are relocations until the link. */
    if (!c->object && !c->failed)
        check_dangling(c);
    if (mode && !c->failed)
        check_wrong_mode(c, mode_id);
    sort_findings(c);
}

/* pvpatch check IMAGE|OBJECT [--mode MODE] [--json] */
static int run_check(const cli_command *self, int argc, char **argv)
{
    const char *mode = NULL, *json = NULL, *path = NULL;
    const cli_option opts[] = { { "--mode", NULL, 1, &mode }, { "--json", NULL, 0, &json } };
    int rc = cli_parse_args(self, argc, argv, opts, 2, &path, 1);
    if (rc != CLI_PARSE_OK)
        return rc == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    char err[PVP_ERR_SIZE];
    cli_image ci;
    check_object obj = { 0 };
    int object;
    if (open_input(path, &ci, &obj, &object, err, sizeof err))
        return cli_fail(err);
    uint32_t mode_id = 0;
    const cli_target *t = cli_target_for(pvp_file_machine(ci.file));
    checker c = { .ci = &ci, .img = object ? &obj.img : pvp_file_image(ci.file), .arch = t->arch, .t = t,
                  .object = object };
    if (mode && cli_image_mode(&ci, mode, &mode_id, c.err, sizeof c.err) != 0)
        c.failed = 1;
    else if (!(c.skip = calloc(ci.count + 1, 1)))
        c.failed = 1, snprintf(c.err, sizeof c.err, "%s: out of memory", path);
    else
        run_rules(&c, mode, mode_id);
    int status = c.failed ? cli_fail(c.err) : c.n ? CLI_FINDINGS : CLI_OK;
    if (!c.failed)
        json ? print_json(stdout, &c) : print_text(stdout, &c);
    free(c.list);
    free(c.skip);
    free(c.sites);
    free(c.fixups);
    check_object_close(&obj);
    cli_image_close(&ci);
    return status;
}

const cli_command cli_cmd_check = {
    "check",
    "check an image or object for raw sensitive code, unrecorded references, reach and layout",
    "usage: pvpatch check IMAGE|OBJECT [--mode MODE] [--json]\n\n"
    "Checks an IA-64 or x86-64 ELF executable or relocatable object built with\n"
    "pvpatch's records, without changing it. Rules:\n"
    "  raw-sensitive        a virtualization-sensitive instruction in an instance's\n"
    "                       code outside every pv operation site; in a virtualized\n"
    "                       instance, a site holding A or B code of another mode.\n"
    "                       With --mode, only in the code that runs in MODE (none in\n"
    "                       native mode, which runs privileged code as it is), and\n"
    "                       not what MODE runs as written (an operation whose code\n"
    "                       in MODE is that one instruction: xen's ptc.l)\n"
    "  unrecorded-absolute  an absolute reference into an instance that moves at\n"
    "                       install with no fixup record: a movl or movabs immediate\n"
    "                       (images), a relocation of one or of a 64-bit word (objects)\n"
    "  unrecorded-pointer   a table word relative to itself or to its segment that an\n"
    "                       install moves apart from what it points at, with no rel32\n"
    "                       fixup: PCREL32/64LSB and SEGREL32/64LSB (unwind)\n"
    "                       relocations (IA-64 objects), the words of .data..patch.*\n"
    "                       and __mca_table (images)\n"
    "  out-of-range         an IP-relative operand of a moving instance that cannot\n"
    "                       reach its target from the canonical place (images)\n"
    "  dangling-reference   code outside the copies branching into a copy freed after\n"
    "                       boot, or into a slot elsewhere than its start or an entry\n"
    "                       every instance declares (PVP_ENTRY) (images)\n"
    "  layout               instance size not its slot's, instances of one slot that\n"
    "                       disagree, copies not on bundles (16-byte units), a\n"
    "                       power-of-two slot not\n"
    "                       aligned to its size, overlapping instances\n"
    "  wrong-mode           (--mode MODE) a live site whose code is not MODE's\n\n"
    "  --mode MODE  also check every live site against MODE (a mode record's name\n"
    "               or id, or native, xen, counting)\n"
    "  --json       {\"file\",\"findings\":[{\"addr\",\"slot\",\"section\",\"insn\",\"rule\",\"detail\"}],\"total\"}\n\n"
    "Exit status: 0 clean, 1 findings, 2 bad input (one line: file, address, reason).\n",
    run_check,
};
