/* References into instance code from outside it, and which of them an
 * install keeps meaningful. After boot a slot holds whichever instance was
 * installed, and the copies that were not are freed: a branch into a copy
 * dangles, and a branch into the middle of a slot lands in another
 * instance's code unless every instance declares an entry there. */
#include "pvpatch/install.h"

static int within(uint64_t addr, uint64_t base, uint64_t size)
{
    return addr - base < size;
}

static int is_copy(const pvp_instance *i)
{
    return i->copy != i->canonical;
}

/* Does every instance of the slot at `canonical` declare an entry at `off`? */
static int entry_everywhere(const pvp_image *img, const pvp_instance *set, size_t nset, uint64_t canonical,
                            uint64_t off)
{
    for (size_t k = 0; k < nset; k++) {
        if (set[k].canonical != canonical)
            continue;
        size_t n = pvp_fixup_count(&set[k]), found = 0;
        for (size_t f = 0; f < n && !found; f++) {
            pvp_fixup fx;
            found = pvp_fixup_read(img, &set[k], f, &fx, NULL) == PVP_OK && fx.kind == PVP_FIX_ENTRY &&
                    fx.where - pvp_fixup_base(&set[k]) == off;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* Does the instance in place at `canonical` keep the slot's code at `off` (RESIDENT)? */
static int resident_at(const pvp_image *img, const pvp_instance *set, size_t nset, uint64_t canonical, uint64_t off)
{
    for (size_t k = 0; k < nset; k++) {
        uint64_t start, end;
        if (set[k].canonical == canonical && !is_copy(&set[k]) &&
            pvp_fixup_resident_range(img, &set[k], off, &start, &end) && off >= start)
            return 1;
    }
    return 0;
}

int pvp_reference_ok(const pvp_image *img, const pvp_arch *arch, const pvp_instance *set, size_t nset,
                     uint64_t target)
{
    (void)arch;
    for (size_t k = 0; k < nset; k++) {
        const pvp_instance *i = &set[k];
        if (is_copy(i) && within(target, i->copy, i->size))
            return PVP_E_FREED;
        if (within(target, i->canonical, i->slot_size) && target != i->canonical &&
            !entry_everywhere(img, set, nset, i->canonical, target - i->canonical) &&
            !resident_at(img, set, nset, i->canonical, target - i->canonical))
            return PVP_E_ENTRY;
    }
    return PVP_OK;
}

typedef struct refs_ctx {
    const pvp_image *img;
    const pvp_arch *arch;
    const pvp_instance *set;
    size_t nset;
    pvp_mismatch *out;
    size_t max, count;
} refs_ctx;

/* The instance whose code a slot holds now: the one installed there, else
 * the one built in place; NULL if addr is in no slot. */
static const pvp_instance *holder(const refs_ctx *c, uint64_t addr)
{
    const pvp_instance *in_place = NULL;
    for (size_t k = 0; k < c->nset; k++) {
        const pvp_instance *i = &c->set[k];
        if (!within(addr, i->canonical, i->slot_size))
            continue;
        if (i->flags & PVP_INSTANCE_F_INSTALLED)
            return i;
        if (!is_copy(i))
            in_place = i;
    }
    return in_place;
}

/* Where the walk over code at addr must jump to: past a copy (its code is
 * checked by the install that moves it) or past data of the instance a slot
 * holds; addr itself when it is code to scan (*slot: the slot's holder). */
static uint64_t skip_to(const refs_ctx *c, uint64_t addr, const pvp_instance **slot)
{
    for (size_t k = 0; k < c->nset; k++)
        if (is_copy(&c->set[k]) && within(addr, c->set[k].copy, c->set[k].size))
            return c->set[k].copy + c->set[k].size;
    *slot = holder(c, addr);
    if (*slot) {
        uint64_t start, end, off = addr - (*slot)->canonical;
        pvp_fixup_data_range(c->img, *slot, off, c->arch->insn_align, &start, &end);
        if (off >= start)
            return (*slot)->canonical + end;
    }
    return addr;
}

static void refs_mismatch(refs_ctx *c, uint64_t at, int sub, int status, uint64_t target)
{
    if (c->count < c->max)
        c->out[c->count] = (pvp_mismatch){ at, sub,
                                           status == PVP_E_FREED ? "freed" : "entry", target, at };
    c->count++;
}

static void scan_range(refs_ctx *c, const pvp_range *r)
{
    unsigned step = c->arch->insn_align ? c->arch->insn_align : 1;
    size_t len;
    for (uint64_t off = 0; off < r->size; off += len) {
        const pvp_instance *slot = NULL;
        uint64_t addr = r->addr + off, next = skip_to(c, addr, &slot);
        if (next != addr) {
            len = (size_t)(next - addr < r->size - off ? next - addr : r->size - off);
            continue;
        }
        pvp_pcrel ops[PVP_MAX_PCREL];
        unsigned nops;
        if (c->arch->scan(r->bytes + off, (size_t)(r->size - off), addr, &len, ops, &nops, NULL, NULL) || len == 0) {
            len = step;
            continue;
        }
        for (unsigned k = 0; k < nops; k++) {
            if (slot && within(ops[k].target, slot->canonical, slot->slot_size))
                continue;                      /* inside the instance in place: moves with it */
            int rc = pvp_reference_ok(c->img, c->arch, c->set, c->nset, ops[k].target);
            if (rc)
                refs_mismatch(c, addr, ops[k].sub, rc, ops[k].target);
        }
    }
}

int pvp_verify_references(const pvp_image *img, const pvp_arch *arch, const pvp_instance *set,
                          size_t nset, pvp_mismatch *out, size_t max, size_t *count)
{
    refs_ctx c = { img, arch, set, nset, out, max, 0 };
    for (size_t k = 0; k < img->nranges; k++)
        if (img->ranges[k].flags & PVP_RANGE_EXEC)
            scan_range(&c, &img->ranges[k]);
    *count = c.count;
    return c.count ? PVP_E_VERIFY : PVP_OK;
}
