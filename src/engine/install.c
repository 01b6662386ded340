/* Install by copy. The chosen instance is copied over the canonical one, every
 * PC-relative reference that leaves it is re-targeted, and its fixup list is
 * applied and re-based.
 *
 * The same walk runs twice: first as a plan that only checks (nothing is
 * written), then as the commit. The walk is deterministic and never reads a
 * byte it wrote earlier (copies do not overlap their slot; fixups in place
 * name distinct places), so a walk that planned clean cannot fail while
 * writing: a failed install leaves the image byte-identical.
 *
 * An instance with a move list (computed by `pvpatch moves` for this copy and
 * canonical place) is not decoded: each block is copied, or written as the
 * list says. The independent verifier still decodes it all. Given work
 * space, the plan of an install by decoding keeps the blocks it changes
 * there in the same form, and the commit writes them as from a move list.
 * The plan's walk makes the report (the commit's would count the same). */
#include "pvpatch/install.h"
#include "engine/plan.h"
#include "engine/records.h"

#define MAX_UNIT 32

typedef struct install_ctx {
    const pvp_image *img;
    const pvp_install_req *req;
    const pvp_instance *inst;
    const pvp_arch *arch;
    uint64_t delta;               /* canonical - copy, modulo 2^64 */
    const uint8_t *src;           /* host bytes of the copy */
    uint8_t *dst;                 /* host bytes of the canonical slot */
    int commit;
    pvp_moves moves;              /* the move list used (count 0: decode) */
    const uint8_t *move_bytes;    /* the entries the walk writes from, host bytes */
    uint64_t move_count;          /* how many */
    int from_list;                /* 1: the walk writes from entries (no decode) */
    pvp_fixup_list fixups;        /* the instance's records */
    uint8_t *keep;                /* the plan's changed blocks, as move-list entries (NULL: none kept) */
    uint64_t keep_room, kept;     /* entries it has room for, entries kept */
    int keep_full;                /* a block did not fit: the commit decodes again */
    uint64_t data0[2];            /* its first data range, found once for both walks */
    uint64_t next_move;           /* index of the entry the walk reaches next */
    pvp_install_report *rep;      /* the walk's report */
    pvp_install_report *report;   /* the caller's: the plan's walk makes it */
    pvp_install_report commit_rep;
    pvp_error *err;
} install_ctx;

static int fail(install_ctx *c, int status, uint64_t addr, int sub, const char *what)
{
    if (c->err) {
        c->err->status = status;
        c->err->addr = addr;
        c->err->sub = sub;
        c->err->distance = 0;
        c->err->what = what;
    }
    return status;
}

static int inside(const pvp_instance *i, uint64_t addr)
{
    return addr - i->copy < i->size;
}

static int ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && (a - b < blen || b - a < alen);
}

/* A reference that leaves the copy keeps its absolute target; refuse the
 * targets whose code will not be what the reference meant after boot. */
static int outside_target_ok(install_ctx *c, uint64_t from, int sub, uint64_t target)
{
    int rc = pvp_reference_ok(c->img, c->arch, c->req->set, c->req->count, target);
    if (rc == PVP_E_FREED)
        return fail(c, rc, from, sub, "branch into another instance's copy, which is freed after boot");
    if (rc == PVP_E_ENTRY)
        return fail(c, rc, from, sub, "branch into the slot's code that this install replaces, not at an entry");
    return PVP_OK;
}

/* Everything that can be checked before looking at a single instruction. */
static int check_layout(install_ctx *c)
{
    const pvp_instance *i = c->inst;
    unsigned align = c->arch->code_align;
    if (i->flags & PVP_INSTANCE_F_INSTALLED)
        return fail(c, PVP_E_ALREADY_DONE, i->record, -1, "instance was installed already");
    if (i->copy % align || i->canonical % align || i->size % align)
        return fail(c, PVP_E_MISALIGNED, i->record, -1, "instance not aligned to whole code units");
    if (i->size != i->slot_size)
        return fail(c, PVP_E_SIZE_MISMATCH, i->record, -1, "instance size differs from its canonical slot");
    if (i->copy != i->canonical && ranges_overlap(i->copy, i->size, i->canonical, i->size))
        return fail(c, PVP_E_OVERLAP, i->copy, -1, "instance overlaps its canonical slot");
    for (size_t k = 0; k < c->req->count; k++) {
        const pvp_instance *o = &c->req->set[k];
        if (o == i || o->canonical != i->canonical)
            continue;
        if (o->flags & PVP_INSTANCE_F_INSTALLED)
            return fail(c, PVP_E_ALREADY_DONE, o->record, -1,
                        "the slot holds another installed instance already");
        if (o->slot_size != i->slot_size || (o->copy == o->canonical && o->size != i->slot_size))
            return fail(c, PVP_E_SIZE_MISMATCH, o->record, -1,
                        "instances of one canonical slot disagree on its size");
        if (o->copy != i->copy && ranges_overlap(o->copy, o->size, i->copy, i->size))
            return fail(c, PVP_E_OVERLAP, o->copy, -1, "two instances overlap");
    }
    if (!pvp_image_at(c->img, i->copy, i->size))
        return fail(c, PVP_E_OUTSIDE_IMAGE, i->copy, -1, "instance code outside the image");
    if (!pvp_image_at(c->img, i->canonical, i->size))
        return fail(c, PVP_E_OUTSIDE_IMAGE, i->canonical, -1, "canonical slot outside the image");
    return PVP_OK;
}

/* n bytes; the compiler's memcpy (inline, or the kernel's: the engine links no libc). */
static void copy_bytes(uint8_t *to, const uint8_t *from, size_t n)
{
    __builtin_memcpy(to, from, n);
}

/* The plan keeps a block it changed for the commit, as a move-list entry. */
static void keep_block(install_ctx *c, uint64_t off, const uint8_t *unit, size_t len)
{
    if (!c->keep || c->keep_full)
        return;
    if (len != PVP_MOVES_BLOCK || c->kept == c->keep_room) {
        c->keep_full = 1;
        return;
    }
    uint8_t *e = c->keep + c->kept++ * PVP_MOVES_ENTSIZE;
    pvp_put_le64(e, off);
    copy_bytes(e + 8, unit, PVP_MOVES_BLOCK);
}

/* Copy one code unit to its new place, re-targeting references that leave
 * the instance; or the run of units up to `limit` with nothing to change. */
static int move_unit(install_ctx *c, uint64_t off, uint64_t limit, size_t *len)
{
    const pvp_instance *i = c->inst;
    uint64_t from = i->copy + off, to = i->canonical + off;
    const uint8_t *src = c->src + off;
    pvp_pcrel ops[PVP_MAX_PCREL];
    unsigned nops;
    unsigned pc_reads;
    if (c->arch->plain && c->arch->plain(src, (size_t)(limit - off), len) && *len <= limit - off) {
        if (c->commit)                     /* nothing in them to change: copied as they are */
            copy_bytes(c->dst + off, src, *len);
        c->rep->units_copied += *len / c->arch->code_align;
        return PVP_OK;
    }
    int rc = c->arch->scan(src, (size_t)(i->size - off), from, len, ops, &nops, &pc_reads, NULL);
    if (rc)
        return fail(c, rc, from, -1, "cannot decode the instance's code");
    if (*len > MAX_UNIT || *len > i->size - off)
        return fail(c, PVP_E_TRUNCATED, from, -1, "code unit runs past the instance");
    uint8_t unit[MAX_UNIT];
    copy_bytes(unit, src, *len);
    for (unsigned k = 0; k < nops; k++) {
        if (inside(i, ops[k].target)) {
            c->rep->moved_inside++;        /* moves with the code: displacement unchanged */
            continue;
        }
        rc = c->commit ? PVP_OK : outside_target_ok(c, from, ops[k].sub, ops[k].target);
        if (rc)
            return rc;
        rc = c->arch->retarget(unit, *len, to, &ops[k], ops[k].target);
        if (rc) {
            fail(c, rc, from, ops[k].sub, "re-targeted displacement does not fit its field");
            if (c->err)
                c->err->distance = (int64_t)(ops[k].target - to);
            return rc;
        }
        if (ops[k].form < PVP_MAX_FORMS)
            c->rep->retargeted[ops[k].form]++;
    }
    c->rep->pc_reads += pc_reads;
    uint64_t self;                         /* an unrecorded self-reference, found by decoding */
    if (pvp_scanned_self_load(c->arch, i, src, *len, &self)) {
        rc = c->arch->load_imm_set(unit, *len, c->arch->unit_load_sub, self + c->delta);
        if (rc)
            return fail(c, rc, from, (int)c->arch->unit_load_sub, "cannot re-base the self-reference");
        c->rep->self_scanned++;
    }
    if (!c->commit && pvp_first_difference(unit, src, 0, *len) < *len)
        keep_block(c, off, unit, *len);
    if (c->commit)
        copy_bytes(c->dst + off, unit, *len);
    c->rep->units_copied++;
    return PVP_OK;
}

/* The block offset a move-list entry names. */
static inline uint64_t entry_offset(const uint8_t *e)
{
    return pvp_le64(e);
}

/* Code from `off` up to `limit` (data, resident code or the end) as the
 * move list gives it: the run copied as it is, then the block of each entry
 * in it written over. Entries are in order of offset, each one a code block. */
static int move_listed(install_ctx *c, uint64_t off, uint64_t limit, size_t *len)
{
    if (off % PVP_MOVES_BLOCK || limit % PVP_MOVES_BLOCK)
        return fail(c, PVP_E_MISALIGNED, c->inst->copy + off, -1, "move list: code not in whole 16-byte blocks");
    /* (locals: the block copies may alias anything the context points to) */
    uint64_t k = c->next_move, n = c->move_count, prev = off;
    const uint8_t *e = c->move_bytes + k * PVP_MOVES_ENTSIZE;
    if (c->commit) {                      /* the plan checked every entry */
        uint8_t *dst = c->dst;
        /* 2 KiB at a time, its entries written while it is at hand (bench_install: the
         * whole run first, then the entries, measured 12% slower) */
        for (uint64_t at = off, end; at < limit; at = end) {
            end = limit - at > 2048 ? at + 2048 : limit;
            copy_bytes(dst + at, c->src + at, (size_t)(end - at));
            for (uint64_t listed; k < n && (listed = entry_offset(e)) < end; k++, e += PVP_MOVES_ENTSIZE)
                copy_bytes(dst + listed, e + 8, PVP_MOVES_BLOCK);
        }
    } else {
        for (uint64_t listed; k < n && (listed = entry_offset(e)) < limit; k++, e += PVP_MOVES_ENTSIZE) {
            if (listed < prev || listed % PVP_MOVES_BLOCK)   /* (then a whole block is below limit) */
                return fail(c, PVP_E_BAD_FORMAT, c->moves.list, -1,
                            "move list: an entry out of order or not at a code block");
            prev = listed + PVP_MOVES_BLOCK;
        }
    }
    c->rep->listed += k - c->next_move;
    c->next_move = k;
    *len = (size_t)(limit - off);
    return PVP_OK;
}

/* Copy data bytes of the instance as they are. */
static void move_data(install_ctx *c, uint64_t off, uint64_t len)
{
    c->rep->data_bytes += len;
    if (c->commit)
        copy_bytes(c->dst + off, c->src + off, (size_t)len);
}

/* The next range of the slot that the instance in place keeps (RESIDENT),
 * ending after off: [*start, *end), both the size if none. */
static int next_resident(install_ctx *c, const pvp_instance *home, uint64_t off, uint64_t *start, uint64_t *end)
{
    *start = *end = c->inst->size;
    if (!home || !pvp_fixup_resident_range(c->img, home, off, start, end))
        return PVP_OK;
    if (*start % c->arch->code_align || *end % c->arch->code_align)
        return fail(c, PVP_E_MISALIGNED, home->canonical + *start, -1, "resident range not whole code units");
    return PVP_OK;
}

/* The instance in place keeps its code there: this one must leave it empty. */
static int keep_resident(install_ctx *c, uint64_t off, uint64_t len)
{
    const uint8_t *src = pvp_image_at(c->img, c->inst->copy + off, len);
    for (uint64_t b = 0; b < len; b++)
        if (src[b])
            return fail(c, PVP_E_OVERLAP, c->inst->copy + off + b, -1,
                        "the instance has code where the instance in place keeps resident code");
    c->rep->resident_bytes += len;
    return PVP_OK;
}

/* Walk the instance unit by unit; the data ranges its records name are
 * copied as bytes, so that a word of data is never read as a branch, and
 * the ranges the instance in place keeps are left as they are. */
static int walk_code(install_ctx *c)
{
    /* (its own resident code is code like the rest of it) */
    const pvp_instance *home = c->delta ? pvp_instance_in_place(c->req->set, c->req->count, c->inst) : NULL;
    size_t len;
    uint64_t dstart = c->data0[0], dend = c->data0[1], kstart = 0, kend = 0;
    c->next_move = 0;
    for (uint64_t off = 0; off < c->inst->size; off += len) {
        int rc = off >= kend ? next_resident(c, home, off, &kstart, &kend) : PVP_OK;
        if (!rc && off >= kstart) {
            len = (size_t)(kend - off);
            rc = keep_resident(c, off, len);
            if (rc)
                return rc;
            continue;
        }
        if (rc)
            return rc;
        if (off >= dend && off)
            pvp_fixup_data_range(c->img, c->inst, off, c->arch->insn_align, &dstart, &dend);
        if (off >= dstart) {
            len = (size_t)((dend < kstart ? dend : kstart) - off);
            move_data(c, off, len);
            continue;
        }
        uint64_t limit = dstart < kstart ? dstart : kstart;
        rc = c->from_list ? move_listed(c, off, limit, &len) : move_unit(c, off, limit, &len);
        if (rc)
            return rc;
        if (off + len > dstart)
            return fail(c, PVP_E_OVERLAP, c->inst->copy + off, -1, "a code unit runs into a data range");
        if (c->from_list)
            c->rep->units_copied += len / PVP_MOVES_BLOCK;
    }
    if (c->next_move != c->move_count)
        return fail(c, PVP_E_BAD_FORMAT, c->moves.list, -1, "move list: entries that are no code block of the instance");
    return PVP_OK;
}

static int move_code(install_ctx *c)
{
    /* The instance in place does not move, but its code is checked as a
     * copy's is (that it decodes, where it branches): the plan walks it,
     * and what it counts is no report's (nothing is copied). */
    if (c->delta == 0) {
        if (c->commit)
            return PVP_OK;
        pvp_install_report *rep = c->rep;
        c->rep = &c->commit_rep;
        int rc = walk_code(c);
        c->rep = rep;
        return rc;
    }
    return walk_code(c);
}

/* The value a fixed-up word or immediate must hold after the install. */
static int fixed_value(install_ctx *c, const pvp_fixup *f, uint64_t old, uint64_t *out)
{
    int in = inside(c->inst, old);
    uint64_t v = in ? old + c->delta : old;
    if (f->kind == PVP_FIX_SELF_MOVL && !in)
        return fail(c, PVP_E_OUTSIDE_IMAGE, f->where, -1,
                    "self-reference does not point into the instance");
    if (f->kind == PVP_FIX_VTOP_MOVL) {
        if (!c->req->vtop)
            return fail(c, PVP_E_TRANSLATE, f->where, -1, "vtop fixup but no translation given");
        if (c->req->vtop(c->req->vtop_ctx, v, &v))
            return fail(c, PVP_E_TRANSLATE, f->where, -1, "address has no physical translation");
    }
    *out = v;
    return PVP_OK;
}

/* A movl-style fixup: rewrite the immediate of the load at `where`, now moved. */
static int fix_load(install_ctx *c, const pvp_fixup *f)
{
    unsigned align = c->arch->code_align;
    uint64_t unit = f->where - f->where % align;
    unsigned sub = (unsigned)(f->where % align);
    if (!inside(c->inst, f->where) || !pvp_image_at(c->img, unit, align))
        return fail(c, PVP_E_OUTSIDE_IMAGE, f->record, -1, "fixup names code outside the instance");
    uint64_t imm, v;
    uint8_t tmp[MAX_UNIT];
    const uint8_t *src = pvp_image_at(c->img, unit, align);
    int rc = c->arch->load_imm_get(src, align, sub, &imm);
    if (rc)
        return fail(c, rc, f->where, (int)sub, "fixup does not name an address load (movl)");
    rc = fixed_value(c, f, imm, &v);
    if (rc)
        return rc;
    uint8_t *dst = c->commit ? pvp_image_at(c->img, unit + c->delta, align) : tmp;
    if (!c->commit)
        for (unsigned b = 0; b < align; b++)
            tmp[b] = src[b];
    return c->arch->load_imm_set(dst, align, sub, v);
}

/* A self-relative word (`label - .`): the word and its target each move
 * if they lie in the instance; the new difference must fit 32 bits. */
static int fix_rel32(install_ctx *c, const pvp_fixup *f)
{
    uint64_t old;
    if (pvp_image_read_le(c->img, f->where, 4, &old))
        return fail(c, PVP_E_OUTSIDE_IMAGE, f->record, -1, "rel32 fixup outside the image");
    uint64_t target = f->where + (uint64_t)(int64_t)(int32_t)(uint32_t)old;
    uint64_t word = inside(c->inst, f->where) ? f->where + c->delta : f->where;
    uint64_t to = inside(c->inst, target) ? target + c->delta : target;
    int64_t d = (int64_t)(to - word);
    if (d < INT32_MIN || d > INT32_MAX) {
        fail(c, PVP_E_OUT_OF_RANGE, f->where, -1, "rel32 word cannot reach its target after the install");
        if (c->err)
            c->err->distance = d;
        return PVP_E_OUT_OF_RANGE;
    }
    return c->commit ? pvp_image_write_le(c->img, word, 4, (uint64_t)d & 0xffffffffu) : PVP_OK;
}

/* A pointer-word fixup: re-base the 8-byte word at `where` if it points into the instance. */
static int fix_pointer(install_ctx *c, const pvp_fixup *f)
{
    uint64_t old, v;
    if (pvp_image_read_le(c->img, f->where, 8, &old))
        return fail(c, PVP_E_OUTSIDE_IMAGE, f->record, -1, "pointer fixup outside the image");
    int rc = fixed_value(c, f, old, &v);
    uint64_t word = inside(c->inst, f->where) ? f->where + c->delta : f->where;
    if (!rc && c->commit)
        rc = pvp_image_write_le(c->img, word, 8, v);
    return rc;
}

/* The bytes a fixup record is about: a load's whole unit (one unit holds
 * one address load: movl is slots 1 and 2 of an MLX bundle, so tags +1 and
 * +2 name one place), a pointer word, a data range; none for an entry. */
static int fixup_place(install_ctx *c, const pvp_fixup *f, uint64_t *at, uint64_t *len)
{
    unsigned align = c->arch->code_align;
    switch (f->kind) {
    case PVP_FIX_VTOP_MOVL:
    case PVP_FIX_SELF_MOVL: *at = f->where & ~(uint64_t)(align - 1); *len = align; return 1;
    case PVP_FIX_PTR64: *at = f->where; *len = 8; return 1;
    case PVP_FIX_REL32: *at = f->where; *len = 4; return 1;
    case PVP_FIX_DATA: *at = f->where; *len = f->length; return 1;
    default: return 0;
    }
}

/* Are the places of the records in ascending order, none overlapping the
 * ones before it? (The assembler writes records in the order of their code:
 * then one pass tells that no two records share a place.) */
static int places_ascend_apart(install_ctx *c)
{
    uint64_t end = 0;
    for (size_t k = 0; k < c->fixups.count; k++) {
        pvp_fixup f;
        uint64_t at, len;
        pvp_fixup_again(&c->fixups, k, &f);
        if (!fixup_place(c, &f, &at, &len) || !len)
            continue;
        if (at < end || at + len < at)
            return 0;
        end = at + len;
    }
    return 1;
}

/* Two records for one place would apply twice (or treat code as data);
 * data ranges may overlap each other and hold pointer words. Records in
 * order take one pass; any others, every pair (all read and checked already). */
static int check_duplicates(install_ctx *c)
{
    size_t n = c->fixups.count;
    if (places_ascend_apart(c))
        return PVP_OK;
    for (size_t a = 0; a < n; a++) {
        pvp_fixup fa;
        uint64_t pa, la;
        pvp_fixup_again(&c->fixups, a, &fa);
        if (!fixup_place(c, &fa, &pa, &la))
            continue;
        for (size_t b = a + 1; b < n; b++) {
            pvp_fixup fb;
            uint64_t pb, lb;
            pvp_fixup_again(&c->fixups, b, &fb);
            if (!fixup_place(c, &fb, &pb, &lb) || !ranges_overlap(pa, la, pb, lb))
                continue;
            int data_a = fa.kind == PVP_FIX_DATA, data_b = fb.kind == PVP_FIX_DATA;
            int ptr_a = fa.kind == PVP_FIX_PTR64 || fa.kind == PVP_FIX_REL32;
            int ptr_b = fb.kind == PVP_FIX_PTR64 || fb.kind == PVP_FIX_REL32;
            if ((data_a && (data_b || ptr_b)) || (data_b && ptr_a))
                continue;
            return fail(c, PVP_E_OVERLAP, fb.record, -1,
                        "two fixup records name one place (or a load inside data)");
        }
    }
    return PVP_OK;
}

/* A data range, a resident range or an entry must lie inside the
 * instance; a resident range only in the instance in place. */
static int check_inside(install_ctx *c, const pvp_fixup *f)
{
    const pvp_instance *i = c->inst;
    uint64_t off = f->where - i->copy, len = f->kind == PVP_FIX_ENTRY ? 1 : f->length;
    if (f->kind == PVP_FIX_RESIDENT && c->delta)
        return fail(c, PVP_E_BAD_FORMAT, f->record, -1,
                    "resident range in an instance copy (only the instance in place keeps code in its slot)");
    unsigned align = c->arch->insn_align ? c->arch->insn_align : 1;
    if (off >= i->size || i->size - off < len)
        return fail(c, PVP_E_OUTSIDE_IMAGE, f->record, -1, "data range or entry outside the instance");
    if (f->kind == PVP_FIX_ENTRY && off % align)
        return fail(c, PVP_E_MISALIGNED, f->record, -1, "entry not at the start of a code unit");
    return PVP_OK;
}

static int apply_fixups(install_ctx *c)
{
    for (size_t k = 0; k < c->fixups.count; k++) {
        pvp_fixup f;
        int rc = pvp_fixup_get(&c->fixups, k, &f, c->err);
        if (!rc && f.kind == PVP_FIX_MOVES)
            continue;                      /* (read and checked by pvp_moves_read) */
        if (!rc && f.kind == PVP_FIX_SELF_MOVL && c->moves.count) {
            c->rep->fixups[f.kind]++;      /* the link decided it: its block is in the move list */
            continue;
        }
        if (!rc)
            rc = f.kind == PVP_FIX_PTR64 ? fix_pointer(c, &f)
               : f.kind == PVP_FIX_REL32 ? fix_rel32(c, &f)
               : f.kind == PVP_FIX_DATA || f.kind == PVP_FIX_ENTRY || f.kind == PVP_FIX_RESIDENT ? check_inside(c, &f)
               : fix_load(c, &f);
        if (rc)
            return rc;
        c->rep->fixups[f.kind]++;
    }
    return c->commit ? PVP_OK : check_duplicates(c);
}

/* Does the instance of list l declare an entry at offset `off`? */
static int has_entry(const pvp_fixup_list *l, uint64_t off)
{
    for (size_t k = 0; k < l->count; k++) {
        pvp_fixup f;
        if (pvp_fixup_get(l, k, &f, NULL) == PVP_OK && f.kind == PVP_FIX_ENTRY &&
            f.where - pvp_fixup_base(l->inst) == off)
            return 1;
    }
    return 0;
}

/* Every entry of a declares one at the same offset in b. */
static int entries_within(install_ctx *c, const pvp_instance *a, const pvp_instance *b)
{
    pvp_fixup_list la = pvp_fixup_list_of(c->img, a), lb = pvp_fixup_list_of(c->img, b);
    for (size_t k = 0; k < la.count; k++) {
        pvp_fixup f;
        if (pvp_fixup_get(&la, k, &f, NULL) == PVP_OK && f.kind == PVP_FIX_ENTRY &&
            !has_entry(&lb, f.where - pvp_fixup_base(a)))
            return fail(c, PVP_E_ENTRY, f.record, -1, "an entry of the slot that the other instance does not declare");
    }
    return PVP_OK;
}

/* Code outside may branch to the entries of what the slot holds now: the
 * instance installed there must have the very same entries. */
static int check_entries(install_ctx *c)
{
    for (size_t k = 0; k < c->req->count; k++) {
        const pvp_instance *o = &c->req->set[k];
        if (o == c->inst || o->copy != o->canonical || o->canonical != c->inst->canonical)
            continue;
        int rc = entries_within(c, o, c->inst);
        return rc ? rc : entries_within(c, c->inst, o);
    }
    return PVP_OK;
}

/* The code the instance in place keeps must mean after the install what it
 * means now: no branch into the part of the slot the install replaces
 * (nor into a copy freed after boot). */
static int check_resident_code(install_ctx *c)
{
    const pvp_instance *home = pvp_instance_in_place(c->req->set, c->req->count, c->inst);
    uint64_t start, end;
    for (uint64_t off = 0; home && c->delta && pvp_fixup_resident_range(c->img, home, off, &start, &end); off = end)
        for (uint64_t u = start; u + c->arch->code_align <= end; u += c->arch->code_align) {
            pvp_pcrel ops[PVP_MAX_PCREL];
            unsigned n;
            size_t len;
            uint64_t at = home->canonical + u;
            const uint8_t *code = pvp_image_at(c->img, at, c->arch->code_align);
            if (!code || c->arch->scan(code, c->arch->code_align, at, &len, ops, &n, NULL, NULL))
                return fail(c, PVP_E_OUTSIDE_IMAGE, at, -1, "resident code outside the image or undecodable");
            for (unsigned k = 0; k < n; k++)
                if (pvp_reference_ok(c->img, c->arch, c->req->set, c->req->count, ops[k].target))
                    return fail(c, PVP_E_ENTRY, at, ops[k].sub,
                                "resident code branches into the part of the slot the install replaces");
        }
    return PVP_OK;
}

/* After the commit the list describes the installed code; mark the instance. */
static void rebase_records(install_ctx *c)
{
    uint8_t *recs = c->fixups.bytes ? pvp_image_at(c->img, c->inst->fixups, c->fixups.count * PVP_FIXUP_RECSIZE) : NULL;
    for (size_t k = 0; k < c->fixups.count; k++) {
        pvp_fixup f;
        pvp_fixup_again(&c->fixups, k, &f);
        if (!inside(c->inst, f.where))
            continue;
        if (recs)
            pvp_put_le64(recs + k * PVP_FIXUP_RECSIZE + PVP_FIX_OFF_WHERE, f.where + c->delta);
        else
            pvp_image_write_le(c->img, f.record + PVP_FIX_OFF_WHERE, 8, f.where + c->delta);
    }
    pvp_image_write_le(c->img, c->inst->record + PVP_INST_OFF_FLAGS, 4,
                       c->inst->flags | PVP_INSTANCE_F_INSTALLED);
}

static void count_freeable(install_ctx *c)
{
    for (size_t k = 0; k < c->req->count; k++) {
        const pvp_instance *o = &c->req->set[k];
        if (o->copy != o->canonical)
            c->rep->freeable_code += o->size;
        c->rep->freeable_meta += PVP_INSTANCE_RECSIZE + (o->fixups_end - o->fixups);
    }
}

static int walk(void *ctx, int commit)
{
    install_ctx *c = ctx;
    c->commit = commit;
    if (!commit) {
        c->from_list = c->moves.count != 0;
        c->move_count = c->moves.count;
        c->kept = 0, c->keep_full = 0;
    } else if (c->keep && !c->keep_full) {
        c->from_list = 1;                  /* the plan kept every block it changed */
        c->move_count = c->kept;
        c->move_bytes = c->keep;
    }
    c->rep = commit ? &c->commit_rep : c->report;
    *c->rep = (pvp_install_report){ .from = c->inst->copy, .to = c->inst->canonical,
                                    .size = c->inst->size };
    int rc = move_code(c);
    return rc ? rc : apply_fixups(c);
}

size_t pvp_install_work_size(const pvp_instance *inst)
{
    return (size_t)(inst->size / PVP_MOVES_BLOCK) * PVP_MOVES_ENTSIZE;
}

int pvp_install(const pvp_image *img, const pvp_install_req *req, pvp_install_report *report,
                pvp_error *err)
{
    pvp_install_report scratch;
    install_ctx c = { .img = img, .req = req, .arch = req->arch, .report = report ? report : &scratch, .err = err };
    c.rep = c.report;
    if (req->chosen >= req->count)
        return fail(&c, PVP_E_UNKNOWN_OP, 0, -1, "no such instance");
    c.inst = &req->set[req->chosen];
    c.delta = c.inst->canonical - c.inst->copy;
    c.fixups = pvp_fixup_list_of(img, c.inst);
    pvp_fixup_data_range(img, c.inst, 0, req->arch->insn_align, &c.data0[0], &c.data0[1]);
    int rc = check_layout(&c);
    if (!rc && !req->decode)
        rc = pvp_moves_read(img, c.inst, &c.moves, err);
    if (!rc && c.moves.count)                /* pvp_moves_read found them in the image */
        c.move_bytes = pvp_image_at(img, c.moves.list + PVP_MOVES_HEADSIZE, c.moves.count * PVP_MOVES_ENTSIZE);
    else if (!rc && req->work && req->arch->code_align == PVP_MOVES_BLOCK)
        c.keep = req->work, c.keep_room = req->work_size / PVP_MOVES_ENTSIZE;
    if (!rc) {
        c.src = pvp_image_at(img, c.inst->copy, c.inst->size);    /* check_layout found both */
        c.dst = pvp_image_at(img, c.inst->canonical, c.inst->size);
        rc = check_entries(&c);
    }
    if (!rc)
        rc = check_resident_code(&c);
    if (!rc)
        rc = pvp_plan_commit(walk, &c);
    c.rep = c.report;
    if (rc)
        return rc;
    rebase_records(&c);
    count_freeable(&c);
    if (req->flush && c.delta)
        req->flush(req->flush_ctx, c.inst->canonical, c.inst->size);
    return PVP_OK;
}
