/* Can a thread that stopped anywhere inside a piece of code be sent back to
 * its start? src/runtime/live.c re-patches sites while other threads run
 * them; a thread found inside a site is moved back to the site's first byte
 * instead of resuming in code that has been rewritten under it. That is
 * right exactly when running the code again from its start gives what
 * running it once would have:
 *
 * - before the code's last instruction nothing may act on anything but
 *   registers: no memory write (no store, push, lock, string store), no
 *   call (its return address would lie inside), nothing of the categories
 *   below (system calls, interrupts, I/O, ...). The last instruction (the
 *   one after which the thread is past the end) may do anything;
 * - no register or flag the code reads before writing it (its inputs) may
 *   be written by an instruction that is not the last: a second run must
 *   find its inputs as the first did;
 * - branches go forward (no loops); a forward branch may leave the code.
 *
 * The data flow is exact for straight code and forward branches: a register
 * counts as written before a read only if it is on every path there.
 * Conservative where it cannot be exact: only 32- and 64-bit writes of
 * general registers (which clear the upper half) count as writing a whole
 * register; vector, x87 and mask registers are never "written first". */
#include "x86.h"

#include <Zydis/SharedTypes.h>

#define MAX_CODE 256               /* the longest site (16 code units); offsets below it fit a byte */

/* A set of registers (PVP_X86_REG_* bits) and of flags (Zydis's flag bits). */
typedef struct regset {
    uint64_t r[2];
    uint32_t flags;
} regset;

/* Instruction categories that act outside the registers, whatever their operands. */
static const ZydisInstructionCategory effects[] = {
    ZYDIS_CATEGORY_SYSCALL, ZYDIS_CATEGORY_SYSRET, ZYDIS_CATEGORY_INTERRUPT, ZYDIS_CATEGORY_IO,
    ZYDIS_CATEGORY_IOSTRINGOP, ZYDIS_CATEGORY_SYSTEM, ZYDIS_CATEGORY_SEMAPHORE, ZYDIS_CATEGORY_RET,
    ZYDIS_CATEGORY_UINTR, ZYDIS_CATEGORY_SGX, ZYDIS_CATEGORY_VTX, ZYDIS_CATEGORY_PT,
    ZYDIS_CATEGORY_PCONFIG, ZYDIS_CATEGORY_TSX_LDTRK,
};

static void add(regset *s, int n)
{
    if (n >= 0)
        s->r[n / 64] |= UINT64_C(1) << (n % 64);
}

static regset meet(regset a, regset b)
{
    return (regset){ { a.r[0] & b.r[0], a.r[1] & b.r[1] }, a.flags & b.flags };
}

/* A register's number; flags go by Zydis's flag bits, rip by the branch rules. */
static int reg_of(ZydisRegister r)
{
    int n = x86_reg_number(r);
    return n == PVP_X86_REG_FLAGS ? -1 : n;
}

/* Does this write set the whole register (a later read then sees only this
 * code's value)? 32- and 64-bit general registers; vector registers when
 * the instruction is VEX or EVEX encoded (those clear the upper bits). */
static int whole_write(const ZydisDecodedInstruction *zi, ZydisRegister r)
{
    ZydisRegisterClass c = ZydisRegisterGetClass(r);
    if (c == ZYDIS_REGCLASS_GPR32 || c == ZYDIS_REGCLASS_GPR64)
        return 1;
    return (c == ZYDIS_REGCLASS_XMM || c == ZYDIS_REGCLASS_YMM || c == ZYDIS_REGCLASS_ZMM) &&
           (zi->encoding == ZYDIS_INSTRUCTION_ENCODING_VEX ||
            zi->encoding == ZYDIS_INSTRUCTION_ENCODING_EVEX);
}

/* Zeroing idioms: `xor %eax, %eax` and the like give 0 whatever the register held. */
static const ZydisMnemonic zeroing[] = {
    ZYDIS_MNEMONIC_XOR, ZYDIS_MNEMONIC_SUB, ZYDIS_MNEMONIC_PXOR, ZYDIS_MNEMONIC_XORPS,
    ZYDIS_MNEMONIC_XORPD, ZYDIS_MNEMONIC_VPXOR, ZYDIS_MNEMONIC_VXORPS, ZYDIS_MNEMONIC_VXORPD,
};

/* Is the instruction a zeroing idiom on its (last) two visible operands? */
static int zeroes(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *ops)
{
    unsigned n = zi->operand_count_visible;
    if (n < 2 || ops[n - 1].type != ZYDIS_OPERAND_TYPE_REGISTER ||
        ops[n - 2].type != ZYDIS_OPERAND_TYPE_REGISTER || ops[n - 1].reg.value != ops[n - 2].reg.value)
        return 0;
    for (size_t i = 0; i < sizeof zeroing / sizeof zeroing[0]; i++)
        if (zi->mnemonic == zeroing[i])
            return 1;
    return 0;
}

/* What one instruction reads, writes, and sets whole. */
typedef struct access {
    regset reads, writes, whole;
    int memory_write;
} access;

static void operand_access(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *op,
                           int zeroing_idiom, access *a)
{
    if (op->type == ZYDIS_OPERAND_TYPE_MEMORY) {
        add(&a->reads, reg_of(op->mem.base));
        add(&a->reads, reg_of(op->mem.index));
        if (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)
            a->memory_write = 1;
        return;
    }
    if (op->type != ZYDIS_OPERAND_TYPE_REGISTER)
        return;
    int n = reg_of(op->reg.value);
    int whole = (op->actions == ZYDIS_OPERAND_ACTION_WRITE || zeroing_idiom) &&
                whole_write(zi, op->reg.value);
    if ((op->actions & ZYDIS_OPERAND_ACTION_MASK_READ) && !zeroing_idiom)
        add(&a->reads, n);
    if (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)
        add(&a->writes, n);
    if (whole && (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
        add(&a->whole, n);
}

static void insn_access(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *ops, access *a)
{
    *a = (access){ { { 0, 0 }, 0 }, { { 0, 0 }, 0 }, { { 0, 0 }, 0 }, 0 };
    if (zi->meta.category == ZYDIS_CATEGORY_NOP || zi->meta.category == ZYDIS_CATEGORY_WIDENOP)
        return;                     /* `nopl (%rax)` names a register it does not read */
    int z = zeroes(zi, ops);
    for (unsigned i = 0; i < zi->operand_count; i++)
        operand_access(zi, &ops[i], z && i < zi->operand_count_visible, a);
    if (zi->cpu_flags) {
        const ZydisAccessedFlags *f = zi->cpu_flags;
        uint32_t w = f->modified | f->set_0 | f->set_1 | f->undefined;
        a->reads.flags = f->tested;
        a->writes.flags = a->whole.flags = w;
    }
    if (zi->attributes & ZYDIS_ATTRIB_HAS_LOCK)
        a->memory_write = 1;
}

static int acts_outside(const ZydisDecodedInstruction *zi, const access *a)
{
    if (a->memory_write)
        return 1;
    for (size_t i = 0; i < sizeof effects / sizeof effects[0]; i++)
        if (zi->meta.category == effects[i])
            return 1;
    return 0;
}

/* The walk: what is written on every path to each offset, and what the code reads first. */
typedef struct walk {
    regset at[MAX_CODE + 1];      /* written on every path reaching the offset so far */
    uint8_t reached[MAX_CODE + 1];
    regset inputs;                /* read before written on some path */
    regset early;                 /* written by an instruction that is not the last */
    uint8_t writer[128 + 32];     /* the first such instruction per register, then per flag bit */
} walk;

static void reach(walk *w, size_t off, regset s)
{
    w->at[off] = w->reached[off] ? meet(w->at[off], s) : s;
    w->reached[off] = 1;
}

static int fail(size_t *bad, size_t off, const char **why, const char *what)
{
    if (bad)
        *bad = off;
    if (why)
        *why = what;
    return PVP_E_UNSUPPORTED;
}

static void note_writes(walk *w, const access *a, size_t off)
{
    for (unsigned n = 0; n < 128; n++)
        if ((a->writes.r[n / 64] >> (n % 64) & 1) && !(w->early.r[n / 64] >> (n % 64) & 1))
            w->writer[n] = (uint8_t)off;
    for (unsigned b = 0; b < 32; b++)
        if ((a->writes.flags >> b & 1) && !(w->early.flags >> b & 1))
            w->writer[128 + b] = (uint8_t)off;
    w->early.r[0] |= a->writes.r[0];
    w->early.r[1] |= a->writes.r[1];
    w->early.flags |= a->writes.flags;
}

/* One reachable instruction at `off`: its effects, and the offsets it leads to. */
static int step(walk *w, const uint8_t *code, size_t len, uint64_t addr, size_t off, size_t *next,
                size_t *bad, const char **why)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    pvp_x86_insn in = { .form = PVP_X86_NO_PCREL };
    if (x86_zydis_decode(code + off, len - off, &zi, ops) ||
        (zi.raw.imm[0].is_relative && pvp_x86_decode(code + off, len - off, addr + off, &in)))
        return fail(bad, off, why, "it does not decode");
    access a;
    insn_access(&zi, ops, &a);
    regset now = w->at[off];
    w->inputs.r[0] |= a.reads.r[0] & ~now.r[0];
    w->inputs.r[1] |= a.reads.r[1] & ~now.r[1];
    w->inputs.flags |= a.reads.flags & ~now.flags;
    regset after = { { now.r[0] | a.whole.r[0], now.r[1] | a.whole.r[1] }, now.flags | a.whole.flags };
    size_t end = off + zi.length;
    int falls = zi.meta.category != ZYDIS_CATEGORY_UNCOND_BR;
    uint64_t to = in.form == PVP_X86_NO_PCREL ? len + 1 : in.target - addr;   /* a relative branch's */
    if (zi.meta.category == ZYDIS_CATEGORY_CALL && end < len)
        return fail(bad, off, why, "a call returns into the middle of the code");
    if (to <= off)
        return fail(bad, off, why, "a branch goes backwards (a loop)");
    int inside = (falls && end < len) || to < len;
    if (inside && acts_outside(&zi, &a))
        return fail(bad, off, why, "it acts on memory or the system before its last instruction");
    if (inside)
        note_writes(w, &a, off);
    if (falls && end <= len)
        reach(w, end, after);
    if (to <= len)
        reach(w, (size_t)to, after);
    *next = end;
    return PVP_OK;
}

/* The first offset at or after `off` some path reaches (len if none). */
static size_t next_reached(const walk *w, size_t off, size_t len)
{
    while (off < len && !w->reached[off])
        off++;
    return off;
}

/* The first instruction that writes one of the code's inputs before its end. */
static int overwritten_input(const walk *w, size_t *bad, const char **why)
{
    for (unsigned n = 0; n < 128; n++)
        if ((w->inputs.r[n / 64] & w->early.r[n / 64]) >> (n % 64) & 1)
            return fail(bad, w->writer[n], why, "it writes a register it reads first, before its end");
    for (unsigned b = 0; b < 32; b++)
        if ((w->inputs.flags & w->early.flags) >> b & 1)
            return fail(bad, w->writer[128 + b], why, "it writes a flag it reads first, before its end");
    return PVP_OK;
}

int pvp_x86_restartable(const uint8_t *code, size_t len, uint64_t addr, size_t *bad,
                        const char **why)
{
    walk w;
    if (len > MAX_CODE)
        return fail(bad, 0, why, "longer than a site can be");
    w.inputs = w.early = (regset){ { 0, 0 }, 0 };
    for (size_t off = 0; off <= len; off++)
        w.reached[off] = 0;
    w.reached[0] = 1;
    w.at[0] = w.inputs;
    for (size_t off = 0; (off = next_reached(&w, off, len)) < len;) {
        int rc = step(&w, code, len, addr, off, &off, bad, why);
        if (rc)
            return rc;
    }
    return overwritten_input(&w, bad, why);
}
