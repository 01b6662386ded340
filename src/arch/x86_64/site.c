/* The site hooks of the x86-64 backend: a mode's template laid out at a
 * site, whether two sites hold the same code, which registers code writes.
 *
 * A template goes at the END of the site, its filler before it: the code
 * of every form then ends where the site ends, so a call that is a
 * template's last instruction returns to the site's end in every form, and
 * a thread returning from it never lands inside a site that was rewritten
 * meanwhile (src/runtime/live.c relies on this).
 *
 * The template is copied instruction by instruction, so lengths and
 * offsets stay: a target inside the template keeps its offset, its end is
 * the site's end, anything outside keeps its absolute address (re-encoded
 * for the new place, range-checked). rel8 branches that leave the template
 * are refused rather than widened: GNU as emits rel32 for every branch out
 * of the template's section, so such a rel8 is a hand-made mistake.
 *
 * Filler rule: a nop takes an issue slot, a taken jmp ends the fetch block
 * (about a cycle) and a BTB entry. Up to PVP_X86_FILL_NOPS_MAX nops (33
 * bytes) issue in under a cycle on a 4-6-wide core: nops up to there, a jmp
 * over int3 to the template beyond. */
#include "x86.h"

/* ---- Laying a template out ------------------------------------------------ */

static int refuse(pvp_code_result *res, int status, const char *why, int reg)
{
    res->why = why;
    res->reg = reg;
    return status;
}

/* Where the template starts at the site: its end is the site's end. */
static uint64_t tmpl_at(const pvp_code_req *req)
{
    return req->at + (req->room - req->tmpl_size);
}

/* Where a target of the template lies at the site (its end: the site's end). */
static uint64_t at_site(const pvp_code_req *req, uint64_t target)
{
    uint64_t off = target - req->tmpl_addr;
    return off <= req->tmpl_size ? tmpl_at(req) + off : target;
}

/* An address the template holds that only makes sense where it was assembled. */
static const char *self_reference(const pvp_code_req *req, const uint8_t *code,
                                  const pvp_x86_insn *in)
{
    uint64_t imm;
    if (in->reads_pc)
        return "the template pushes its own address (a call to the next instruction)";
    if (in->imm64_off && pvp_x86_movabs_get(code, in->len, &imm) == PVP_OK &&
        imm - req->tmpl_addr <= req->tmpl_size)
        return "the template loads an address inside itself (movabs)";
    return NULL;
}

/* Copy the template's instruction at `off` to out + off (out: where the
 * template starts in the site's buffer), its target kept. */
static int place(const pvp_code_req *req, size_t off, uint8_t *out, size_t *len,
                 pvp_code_result *res)
{
    pvp_x86_insn in;
    const uint8_t *src = req->tmpl + off;
    int rc = pvp_x86_decode(src, (size_t)req->tmpl_size - off, req->tmpl_addr + off, &in);
    if (rc)
        return refuse(res, rc, "the template does not decode", -1);
    *len = in.len;
    for (size_t i = 0; i < in.len; i++)
        out[off + i] = src[i];
    const char *why = self_reference(req, src, &in);
    if (why)
        return refuse(res, PVP_E_UNSUPPORTED, why, -1);
    if (in.form == PVP_X86_NO_PCREL)
        return PVP_OK;
    if (in.disp_size == 1 && in.target - req->tmpl_addr > req->tmpl_size)
        return refuse(res, PVP_E_UNSUPPORTED, "a rel8 branch leaves the template", -1);
    rc = pvp_x86_retarget(out + off, in.len, tmpl_at(req) + off, at_site(req, in.target), NULL);
    if (rc)          /* a rel8 inside keeps its offset and always fits: this is a rel32 */
        return refuse(res, rc, "a target of the code is beyond +-2 GiB of the site", -1);
    return PVP_OK;
}

/* The template may write only the registers the site allows. */
static int check_writes(const pvp_code_req *req, pvp_code_result *res)
{
    uint64_t gr[2] = { 0, 0 };
    if (pvp_x86_writes(req->tmpl, (size_t)req->tmpl_size, gr, NULL))
        return refuse(res, PVP_E_UNKNOWN_OP, "the template does not decode", -1);
    for (unsigned n = 0; n < 128; n++)
        if ((gr[n / 64] & ~req->allowed_gr[n / 64]) >> (n % 64) & 1)
            return refuse(res, PVP_E_BAD_REGISTER,
                          "it writes a register the site does not allow", (int)n);
    return PVP_OK;
}

/* The filler before the template: nops, or a jmp over int3 to the template. */
static int fill(uint8_t *buf, size_t n, pvp_code_result *res)
{
    res->filler = n;
    res->skip = n > PVP_X86_FILL_NOPS_MAX * PVP_X86_NOP_FILL_MAX;
    if (!res->skip) {
        pvp_x86_nop_fill(buf, n);
        return PVP_OK;
    }
    return pvp_x86_jmp_over(buf, n);
}

int pvp_x86_site_code(const pvp_code_req *req, uint8_t *out, pvp_code_result *res)
{
    *res = (pvp_code_result){ 0, 0, 0, NULL, -1 };
    if (req->tmpl_size > req->room)
        return refuse(res, PVP_E_NO_SPACE, "the code needs more bytes than the site has", -1);
    int rc = check_writes(req, res);
    size_t len, pad = (size_t)(req->room - req->tmpl_size);
    for (size_t off = 0; !rc && off < req->tmpl_size; off += len)
        rc = place(req, off, out + pad, &len, res);
    if (rc)
        return rc;
    res->used = req->tmpl_size;
    return fill(out, pad, res);
}

/* ---- Walking a region: nops and the filler skipped ---------------------- */

typedef struct region {
    const uint8_t *code;
    uint64_t addr;
    size_t len, pos;
} region;

/* Where a jmp over filler lands (a forward jmp inside the region with
 * nothing but int3 between it and its target), or 0 if it is no such jmp. */
static size_t filler_end(const region *r, const pvp_x86_insn *in)
{
    uint64_t to = in->target - r->addr;
    if ((in->form != PVP_X86_JMP8 && in->form != PVP_X86_JMP32) || to > r->len ||
        to <= r->pos + in->len)
        return 0;
    for (size_t i = r->pos + in->len; i < to; i++)
        if (r->code[i] != 0xCC)
            return 0;
    return (size_t)to;
}

/* The next instruction that counts: 1, 0 at the end, or an error. */
static int next_insn(region *r, pvp_x86_insn *in, int skip_nops)
{
    while (r->pos < r->len) {
        int rc = pvp_x86_decode(r->code + r->pos, r->len - r->pos, r->addr + r->pos, in);
        if (rc)
            return -rc;
        size_t skip = filler_end(r, in);
        if (skip)
            r->pos = skip;
        else if (!skip_nops || !in->is_nop)
            return 1;
        else
            r->pos += in->len;
    }
    return 0;
}

/* ---- Comparing two regions ---------------------------------------------- */

enum { TO_NOWHERE, TO_ADDRESS, TO_END, TO_INSIDE };

typedef struct meaning {
    int kind;
    uint64_t value;       /* the address, or the index of the instruction referred to */
} meaning;

/* What a target means: the region's end, its k-th instruction that counts
 * (the first at or after the target), or an address outside. */
static meaning target_meaning(const region *r, const pvp_x86_insn *in)
{
    if (in->form == PVP_X86_NO_PCREL)
        return (meaning){ TO_NOWHERE, 0 };
    if (in->target == r->addr + r->len)
        return (meaning){ TO_END, 0 };
    if (in->target - r->addr >= r->len)
        return (meaning){ TO_ADDRESS, in->target };
    region w = { r->code, r->addr, r->len, 0 };
    pvp_x86_insn x;
    uint64_t k = 0;
    while (next_insn(&w, &x, 1) == 1 && w.addr + w.pos < in->target) {
        k++;
        w.pos += x.len;
    }
    return (meaning){ TO_INSIDE, k };
}

/* Same instruction: equal bytes but for the displacement, equal meaning of the target. */
static int same_insn(const region *ra, const pvp_x86_insn *a, const region *rb,
                     const pvp_x86_insn *b)
{
    if (a->len != b->len || a->form != b->form || a->disp_off != b->disp_off)
        return 0;
    const uint8_t *x = ra->code + ra->pos, *y = rb->code + rb->pos;
    for (size_t i = 0; i < a->len; i++)
        if ((i < a->disp_off || i >= (size_t)a->disp_off + a->disp_size) && x[i] != y[i])
            return 0;
    meaning ma = target_meaning(ra, a), mb = target_meaning(rb, b);
    return ma.kind == mb.kind && ma.value == mb.value;
}

int pvp_x86_same_code(const uint8_t *a, uint64_t addr_a, size_t len_a, const uint8_t *b,
                      uint64_t addr_b, size_t len_b)
{
    region ra = { a, addr_a, len_a, 0 }, rb = { b, addr_b, len_b, 0 };
    for (;;) {
        pvp_x86_insn x, y;
        int na = next_insn(&ra, &x, 1), nb = next_insn(&rb, &y, 1);
        if (na < 0 || nb < 0 || na != nb)
            return PVP_E_VERIFY;
        if (na == 0)
            return PVP_OK;
        if (!same_insn(&ra, &x, &rb, &y))
            return PVP_E_VERIFY;
        ra.pos += x.len;
        rb.pos += y.len;
    }
}

/* ---- What code writes --------------------------------------------------- */

/* The PVP_X86_REG_* number of a written register, or -1 for none that
 * counts: a call's push of rsp (the callee's ret gives it back), rip (every
 * branch writes it: the targets are checked instead). */
static int reg_number(const ZydisDecodedInstruction *zi, ZydisRegister r)
{
    int n = x86_reg_number(r);
    return n == PVP_X86_REG_GPR(4) && zi->mnemonic == ZYDIS_MNEMONIC_CALL ? -1 : n;
}

static int insn_writes(const uint8_t *code, size_t avail, uint64_t gr[2])
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    int rc = x86_zydis_decode(code, avail, &zi, ops);
    for (unsigned i = 0; !rc && i < zi.operand_count; i++) {
        if (ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER ||
            !(ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
            continue;
        int n = reg_number(&zi, ops[i].reg.value);
        if (n >= 0)
            gr[n / 64] |= UINT64_C(1) << (n % 64);
    }
    return rc;
}

int pvp_x86_writes(const uint8_t *code, size_t len, uint64_t gr[2], uint32_t *br)
{
    (void)br;                           /* x86 has no branch registers */
    region r = { code, 0, len, 0 };
    pvp_x86_insn in;
    int more;
    while ((more = next_insn(&r, &in, 0)) == 1) {
        int rc = insn_writes(code + r.pos, len - r.pos, gr);
        if (rc)
            return rc;
        r.pos += in.len;
    }
    return more < 0 ? -more : PVP_OK;
}
