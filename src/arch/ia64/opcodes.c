/* The IA-64 instruction table: each row names the bits that tell an
 * instruction apart (mask and match over the 41-bit slot), its unit, its
 * format and how it prints. Syntax: %x prints field x of the row's format.
 * Rows are disjoint (tests check it); their order is free, because lookup
 * goes through an index generated from this table (opindex.c). The texts
 * are those GNU objdump prints, down to the aliases it prefers for some
 * encodings, which are listed apart (pvp_ia64_alias_table).
 *
 * Selector fields, by their usual names: x3 bits 33-35, x6 bits 27-32, x4
 * 27-30 and x2 31-32 (M-unit system), btype 6-8; loads and stores have m
 * (36), x (27) and x6 at 30-35, whose low two bits are the size. */
#include "formats.h"

#define OP(v)         ((uint64_t)(v) << 37)
#define K(lsb, w)     ((((uint64_t)1 << (w)) - 1) << (lsb))
#define V(lsb, v)     ((uint64_t)(v) << (lsb))
#define MOP           K(37, 4)

/* Frequently used selector masks. */
#define X3   K(33, 3)
#define X6   K(27, 6)
#define X4   K(27, 4)
#define X2   K(31, 2)
#define BT   K(6, 3)
#define QP   K(0, 6)

#define ROW(syn, unit, fmt, sens, flags, mask, match) \
    { syn, PVP_IA64_UNIT_##unit, FMT_##fmt, PVP_IA64_SENS_##sens, flags, (mask), (match), 0, 0, 0 }

/* ---- M unit ---------------------------------------------------------------- */

/* Major op 0, x3 = 0: x4 and x2 select. */
#define MSYS0(syn, fmt, flags, x4, x2) \
    ROW(syn, M, fmt, NONE, flags, MOP | X3 | X4 | X2, OP(0) | V(27, x4) | V(31, x2))
/* Major op 1, x3 = 0: x6 selects (bit 36 is ignored). */
#define MSYS(syn, fmt, sens, x6) ROW(syn, M, fmt, sens, 0, MOP | X3 | X6, OP(1) | V(27, x6))
#define MSYS_LAST(syn, fmt, sens, x6) \
    ROW(syn, M, fmt, sens, PVP_IA64_F_LAST, MOP | X3 | X6, OP(1) | V(27, x6))

/* Memory access rows: major op, m (bit 36, when it is not an immediate bit),
 * x (bit 27, likewise) and x6 (bits 30-35). MEM_T fixes only the four type
 * bits of x6 (the size is a field); MEM_X fixes all six. */
#define MEM_MX  (MOP | K(36, 1) | K(27, 1))
#define MEM_T(syn, fmt, op, m, x, t) \
    ROW(syn, M, fmt, NONE, 0, MEM_MX | K(32, 4), OP(op) | V(36, m) | V(27, x) | V(32, t))
#define MEM_X(syn, fmt, op, m, x, x6) \
    ROW(syn, M, fmt, NONE, 0, MEM_MX | K(30, 6), OP(op) | V(36, m) | V(27, x) | V(30, x6))
/* Post-increment immediate forms (major op 5 and 7): bits 36 and 27 are the immediate's. */
#define MEMI_T(syn, fmt, op, t) ROW(syn, M, fmt, NONE, 0, MOP | K(32, 4), OP(op) | V(32, t))
#define MEMI_X(syn, fmt, op, x6) ROW(syn, M, fmt, NONE, 0, MOP | K(30, 6), OP(op) | V(30, x6))

/* An integer load type in its three forms: [r3], [r3],r2 and [r3],imm9. */
#define LD_TYPE(c, t) \
    MEM_T("ld%z" c "%h %a=[%c]", M1, 4, 0, 0, t), \
    MEM_T("ld%z" c "%h %a=[%c],%b", M2, 4, 1, 0, t), \
    MEMI_T("ld%z" c "%h %a=[%c],%n", M3, 5, t)
#define ST_TYPE(c, t) \
    MEM_T("st%z" c "%h [%c]=%b", M4, 4, 0, 0, t), \
    MEMI_T("st%z" c "%h [%c]=%b,%n", M5, 5, t)
/* A floating-point load type, single and pair (the pair has no immediate form
 * but a fixed post-increment: 8 for ldfps, 16 for ldfp8 and ldfpd). */
#define LDF_TYPE(c, t) \
    MEM_T("ldf%z" c "%h %a=[%c]", M6, 6, 0, 0, t), \
    MEM_T("ldf%z" c "%h %a=[%c],%b", M7, 6, 1, 0, t), \
    MEMI_T("ldf%z" c "%h %a=[%c],%n", M8, 7, t), \
    MEM_T("ldfp%z" c "%h %a,%b=[%c]", M11, 6, 0, 1, t), \
    MEM_X("ldfp8" c "%h %a,%b=[%c],16", M12, 6, 1, 1, (t) << 2 | 1), \
    MEM_X("ldfps" c "%h %a,%b=[%c],8", M12, 6, 1, 1, (t) << 2 | 2), \
    MEM_X("ldfpd" c "%h %a,%b=[%c],16", M12, 6, 1, 1, (t) << 2 | 3)
#define LFETCH(c, x6) \
    MEM_X("lfetch" c "%h [%c]", M13, 6, 0, 0, x6), \
    MEM_X("lfetch" c "%h [%c],%b", M14, 6, 1, 0, x6), \
    MEMI_X("lfetch" c "%h [%c],%n", M15, 7, x6)

/* ---- I unit ---------------------------------------------------------------- */

/* Major op 0, x3 = 0: x6 selects. */
#define ISYS(syn, fmt, sens, x6) ROW(syn, I, fmt, sens, 0, MOP | X3 | X6, OP(0) | V(27, x6))
/* Multimedia, major op 7: za (36), x2a (34-35), zb (33), ve (32), x2c (30-31)
 * and x2b (28-29) select; bit 27 is ignored. `sel` is bits 28-36. */
#define MM(syn, fmt, sel) ROW(syn, I, fmt, NONE, 0, MOP | K(28, 9), OP(7) | V(28, sel))
/* Test bit, NaT or feature (major op 5, x2 = 0): tb (36), ta (33) and c (12)
 * give the comparison type; y (13) and x (19) the instruction. */
#define TEST_TYPES(name, fmt, yx_mask, yx) \
    TEST_ONE(name ".z", fmt, yx_mask, yx, 0, 0, 0), TEST_ONE(name ".z.unc", fmt, yx_mask, yx, 0, 0, 1), \
    TEST_ONE(name ".z.and", fmt, yx_mask, yx, 1, 0, 0), TEST_ONE(name ".nz.and", fmt, yx_mask, yx, 1, 0, 1), \
    TEST_ONE(name ".z.or", fmt, yx_mask, yx, 0, 1, 0), TEST_ONE(name ".nz.or", fmt, yx_mask, yx, 0, 1, 1), \
    TEST_ONE(name ".z.or.andcm", fmt, yx_mask, yx, 1, 1, 0), \
    TEST_ONE(name ".nz.or.andcm", fmt, yx_mask, yx, 1, 1, 1)
#define TEST_ONE(mn, fmt, yx_mask, yx, tb, ta, c) \
    ROW(mn " %a,%P=" TEST_OPERANDS_##fmt, I, fmt, NONE, 0, MOP | K(33, 4) | K(12, 1) | (yx_mask), \
        OP(5) | V(36, tb) | V(33, ta) | V(12, c) | (yx))
#define TEST_OPERANDS_I16 "%c,%x"
#define TEST_OPERANDS_I17 "%c"
#define TEST_OPERANDS_I30 "%x"

/* ---- A unit (M or I slots) ------------------------------------------------- */

/* Major op 8, x2a = 0, ve = 0: x4 (29-32) and x2b (27-28) select. */
#define ALU(syn, fmt, x4, x2b) \
    ROW(syn, A, fmt, NONE, 0, MOP | K(27, 9), OP(8) | V(29, x4) | V(27, x2b))
/* Multimedia ALU, major op 8 with x2a = 1: bits 27-36 select. */
#define MMALU(syn, fmt, sel) ROW(syn, A, fmt, NONE, 0, MOP | K(27, 10), OP(8) | V(27, sel))
/* Compares of major op `op` (0xc lt, 0xd ltu, 0xe eq): x2 (34-35) picks cmp
 * or cmp4 and register or immediate; tb (36, register forms only), ta (33)
 * and c (12) the type; `par` names the parallel type of the opcode. */
#define CMP_OPCODE(op, rel, par) CMP_SIZE("cmp", op, 0, 2, rel, par), CMP_SIZE("cmp4", op, 1, 3, rel, par)
#define CMPR(mn, fmt, opnds, op, x2, tb, ta, c) \
    ROW(mn " %a,%P=" opnds ",%c", A, fmt, NONE, 0, MOP | K(33, 4) | K(12, 1), \
        OP(op) | V(34, x2) | V(36, tb) | V(33, ta) | V(12, c))
#define CMPI(mn, op, x2, ta, c) \
    ROW(mn " %a,%P=%n,%c", A, A8, NONE, 0, MOP | K(33, 3) | K(12, 1), \
        OP(op) | V(34, x2) | V(33, ta) | V(12, c))
#define CMP_SIZE(cmp, op, x2r, x2i, rel, par) \
    CMPR(cmp "." rel, A6, "%b", op, x2r, 0, 0, 0), CMPR(cmp "." rel ".unc", A6, "%b", op, x2r, 0, 0, 1), \
    CMPR(cmp ".eq." par, A6, "%b", op, x2r, 0, 1, 0), CMPR(cmp ".ne." par, A6, "%b", op, x2r, 0, 1, 1), \
    CMPR(cmp ".gt." par, A7, "r0", op, x2r, 1, 0, 0), CMPR(cmp ".le." par, A7, "r0", op, x2r, 1, 0, 1), \
    CMPR(cmp ".ge." par, A7, "r0", op, x2r, 1, 1, 0), CMPR(cmp ".lt." par, A7, "r0", op, x2r, 1, 1, 1), \
    CMPI(cmp "." rel, op, x2i, 0, 0), CMPI(cmp "." rel ".unc", op, x2i, 0, 1), \
    CMPI(cmp ".eq." par, op, x2i, 1, 0), CMPI(cmp ".ne." par, op, x2i, 1, 1)

/* ---- F unit ---------------------------------------------------------------- */

/* Major op 0 or 1, x (33) = 0: x6 selects. */
#define FSYS(syn, fmt, op, x6) ROW(syn, F, fmt, NONE, 0, MOP | K(27, 7), OP(op) | V(27, x6))
/* Multiply-add, major ops 8-0xd: x (36) picks the precision. */
#define FMA(syn, op, x) ROW(syn, F, F1, NONE, 0, MOP | K(36, 1), OP(op) | V(36, x))
/* fcmp: ra (33) and rb (36) the relation, ta (12) .unc. */
#define FCMP(rel, rb, ra) \
    ROW("fcmp." rel "%s %a,%P=%b,%c", F, F4, NONE, 0, MOP | K(36, 1) | K(33, 1) | K(12, 1), \
        OP(4) | V(36, rb) | V(33, ra)), \
    ROW("fcmp." rel ".unc%s %a,%P=%b,%c", F, F4, NONE, 0, MOP | K(36, 1) | K(33, 1) | K(12, 1), \
        OP(4) | V(36, rb) | V(33, ra) | V(12, 1))

/* ---- B unit ---------------------------------------------------------------- */

#define BSYS(syn, sens, flags, x6) ROW(syn, B, B8, sens, flags, MOP | X6, OP(0) | V(27, x6))

const pvp_ia64_opcode pvp_ia64_opcode_table[] = {
    /* ==== M unit, major op 0: system and memory management ==== */
    MSYS0("break.m %i",        M37, PVP_IA64_F_BREAK, 0x0, 0),
    ROW("nop.m %i",            M, M37, NONE, PVP_IA64_F_NOP, MOP | X3 | X4 | X2 | K(26, 1), OP(0) | V(27, 1)),
    ROW("hint.m %i",           M, M48, NONE, 0, MOP | X3 | X4 | X2 | K(26, 1) | K(10, 2),
        OP(0) | V(27, 1) | V(26, 1)),
    ROW("mov dahr%x=%i",       M, M50, NONE, 0, MOP | X3 | X4 | X2 | K(26, 1) | K(10, 2),
        OP(0) | V(27, 1) | V(26, 1) | V(10, 1)),
    MSYS0("invala",            M24, 0, 0x0, 1),
    MSYS0("fwb",               M24, 0, 0x0, 2),
    MSYS0("srlz.d",            M24, 0, 0x0, 3),
    MSYS0("srlz.i",            M24, PVP_IA64_F_LAST, 0x1, 3),
    MSYS0("invala.e %a",       M26, 0, 0x2, 1),
    MSYS0("invala.e %a",       M27, 0, 0x3, 1),
    MSYS0("mf",                M24, 0, 0x2, 2),
    MSYS0("mf.a",              M24, 0, 0x3, 2),
    MSYS0("sync.i",            M24, 0, 0x3, 3),
    ROW("sum %i",              M, M44, NONE, 0, MOP | X3 | X4, OP(0) | V(27, 4)),
    ROW("rum %i",              M, M44, NONE, 0, MOP | X3 | X4, OP(0) | V(27, 5)),
    ROW("ssm %i",              M, M44, SSM, 0, MOP | X3 | X4, OP(0) | V(27, 6)),
    ROW("rsm %i",              M, M44, RSM, 0, MOP | X3 | X4, OP(0) | V(27, 7)),
    ROW("mov.m %A=%n",         M, M30, AR, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 8) | V(31, 2)),
    MSYS0("loadrs",            M25, 0, 0xa, 0),
    MSYS0("flushrs",           M25, 0, 0xc, 0),
    ROW("chk.a.nc %a,%t",      M, M22, NONE, 0, MOP | X3, OP(0) | V(33, 4)),
    ROW("chk.a.clr %a,%t",     M, M22, NONE, 0, MOP | X3, OP(0) | V(33, 5)),
    ROW("chk.a.nc %a,%t",      M, M23, NONE, 0, MOP | X3, OP(0) | V(33, 6)),
    ROW("chk.a.clr %a,%t",     M, M23, NONE, 0, MOP | X3, OP(0) | V(33, 7)),

    /* ==== M unit, major op 1: privileged and system moves ==== */
    MSYS("mov rr[%c]=%b",      M42, MOV_TO_IND, 0x00),
    MSYS("mov dbr[%c]=%b",     M42, MOV_TO_IND, 0x01),
    MSYS("mov ibr[%c]=%b",     M42, MOV_TO_IND, 0x02),
    MSYS("mov pkr[%c]=%b",     M42, MOV_TO_IND, 0x03),
    MSYS("mov pmc[%c]=%b",     M42, MOV_TO_IND, 0x04),
    MSYS("mov pmd[%c]=%b",     M42, MOV_TO_IND, 0x05),
    MSYS("mov msr[%c]=%b",     M42, MOV_TO_IND, 0x06),
    MSYS("ptc.l %c,%b",        M45, PTC_L, 0x09),
    MSYS_LAST("ptc.g %c,%b",   M45, PTC_G, 0x0a),
    MSYS_LAST("ptc.ga %c,%b",  M45, PTC_GA, 0x0b),
    MSYS("ptr.d %c,%b",        M45, PTR, 0x0c),
    MSYS("ptr.i %c,%b",        M45, PTR, 0x0d),
    MSYS("itr.d dtr[%c]=%b",   M42, ITR, 0x0e),
    MSYS("itr.i itr[%c]=%b",   M42, ITR, 0x0f),
    MSYS("mov %a=rr[%c]",      M43, MOV_FROM_IND, 0x10),
    MSYS("mov %a=dbr[%c]",     M43, MOV_FROM_IND, 0x11),
    MSYS("mov %a=ibr[%c]",     M43, MOV_FROM_IND, 0x12),
    MSYS("mov %a=pkr[%c]",     M43, MOV_FROM_IND, 0x13),
    MSYS("mov %a=pmc[%c]",     M43, MOV_FROM_IND, 0x14),
    MSYS("mov %a=pmd[%c]",     M43, MOV_FROM_PMD, 0x15),
    MSYS("mov %a=msr[%c]",     M43, MOV_FROM_IND, 0x16),
    MSYS("mov %a=cpuid[%c]",   M43, MOV_FROM_CPUID, 0x17),
    MSYS("probe.r %a=%c,%x",   M39, NONE, 0x18),
    MSYS("probe.w %a=%c,%x",   M39, NONE, 0x19),
    MSYS("thash %a=%c",        M46, THASH, 0x1a),
    MSYS("ttag %a=%c",         M46, TTAG, 0x1b),
    MSYS("tpa %a=%c",          M46, TPA, 0x1e),
    MSYS("tak %a=%c",          M46, TAK, 0x1f),
    MSYS("mov %a=dahr[%c]",    M43, NONE, 0x20),
    MSYS("mov %a=psr.um",      M36, NONE, 0x21),
    MSYS("mov.m %a=%A",        M31, AR, 0x22),
    MSYS("mov %a=%C",          M33, MOV_FROM_CR, 0x24),
    MSYS("mov %a=psr",         M36, MOV_FROM_PSR, 0x25),
    MSYS("mov psr.um=%b",      M35, NONE, 0x29),
    MSYS("mov.m %A=%b",        M29, AR, 0x2a),
    MSYS("mov %C=%b",          M32, MOV_TO_CR, 0x2c),
    MSYS("mov psr.l=%b",       M35, MOV_TO_PSR_L, 0x2d),
    MSYS_LAST("itc.d %b",      M41, ITC_D, 0x2e),
    MSYS_LAST("itc.i %b",      M41, ITC_I, 0x2f),
    ROW("fc %c",               M, M28, FC, 0, MOP | X3 | X6 | K(36, 1), OP(1) | V(27, 0x30)),
    ROW("fc.i %c",             M, M28, FC, 0, MOP | X3 | X6 | K(36, 1), OP(1) | V(27, 0x30) | V(36, 1)),
    MSYS("probe.rw.fault %c,%x", M40, NONE, 0x31),
    MSYS("probe.r.fault %c,%x", M40, NONE, 0x32),
    MSYS("probe.w.fault %c,%x", M40, NONE, 0x33),
    MSYS("ptc.e %c",           M47, PTC_E, 0x34),
    MSYS("probe.r %a=%c,%b",   M38, NONE, 0x38),
    MSYS("probe.w %a=%c,%b",   M38, NONE, 0x39),
    ROW("chk.s.m %b,%t",       M, M20, NONE, 0, MOP | X3, OP(1) | V(33, 1)),
    ROW("chk.s %b,%t",         M, M21, NONE, 0, MOP | X3, OP(1) | V(33, 3)),
    ROW("alloc %a=ar.pfs,%o,%l,%r", M, M34, NONE, 0, MOP | X3, OP(1) | V(33, 6)),

    /* ==== M unit, major ops 4 and 5: integer loads, stores, semaphores ==== */
    LD_TYPE("", 0x0), LD_TYPE(".s", 0x1), LD_TYPE(".a", 0x2), LD_TYPE(".sa", 0x3),
    LD_TYPE(".bias", 0x4), LD_TYPE(".acq", 0x5), LD_TYPE(".c.clr", 0x8), LD_TYPE(".c.nc", 0x9),
    LD_TYPE(".c.clr.acq", 0xa),
    MEM_X("ld8.fill%h %a=[%c]",      M1F, 4, 0, 0, 0x1b),
    MEM_X("ld8.fill%h %a=[%c],%b",   M2F, 4, 1, 0, 0x1b),
    MEMI_X("ld8.fill%h %a=[%c],%n",  M3F, 5, 0x1b),
    ST_TYPE("", 0xc), ST_TYPE(".rel", 0xd),
    MEM_X("st8.spill%h [%c]=%b",     M4F, 4, 0, 0, 0x3b),
    MEMI_X("st8.spill%h [%c]=%b,%n", M5F, 5, 0x3b),
    MEM_T("cmpxchg%z.acq%h %a=[%c],%b,ar.ccv", M16, 4, 0, 1, 0x0),
    MEM_T("cmpxchg%z.rel%h %a=[%c],%b,ar.ccv", M16, 4, 0, 1, 0x1),
    MEM_T("xchg%z%h %a=[%c],%b",     M16, 4, 0, 1, 0x2),
    MEM_X("fetchadd4.acq%h %a=[%c],%i", M17, 4, 0, 1, 0x12),
    MEM_X("fetchadd8.acq%h %a=[%c],%i", M17, 4, 0, 1, 0x13),
    MEM_X("fetchadd4.rel%h %a=[%c],%i", M17, 4, 0, 1, 0x16),
    MEM_X("fetchadd8.rel%h %a=[%c],%i", M17, 4, 0, 1, 0x17),
    MEM_X("getf.sig %a=%b",          M19, 4, 0, 1, 0x1c),
    MEM_X("getf.exp %a=%b",          M19, 4, 0, 1, 0x1d),
    MEM_X("getf.s %a=%b",            M19, 4, 0, 1, 0x1e),
    MEM_X("getf.d %a=%b",            M19, 4, 0, 1, 0x1f),
    MEM_X("cmp8xchg16.acq%h %a=[%c],%b,ar.csd,ar.ccv", M16F, 4, 0, 1, 0x20),
    MEM_X("cmp8xchg16.rel%h %a=[%c],%b,ar.csd,ar.ccv", M16F, 4, 0, 1, 0x24),
    MEM_X("ld16%h %a,ar.csd=[%c]",   M1F, 4, 0, 1, 0x28),
    MEM_X("ld16.acq%h %a,ar.csd=[%c]", M1F, 4, 0, 1, 0x2c),
    MEM_X("st16%h [%c]=%b,ar.csd",   M4F, 4, 0, 1, 0x30),
    MEM_X("st16.rel%h [%c]=%b,ar.csd", M4F, 4, 0, 1, 0x34),

    /* ==== M unit, major ops 6 and 7: floating-point loads and stores, lfetch ==== */
    LDF_TYPE("", 0x0), LDF_TYPE(".s", 0x1), LDF_TYPE(".a", 0x2), LDF_TYPE(".sa", 0x3),
    LDF_TYPE(".c.clr", 0x8), LDF_TYPE(".c.nc", 0x9),
    MEM_X("ldf.fill%h %a=[%c]",      M6F, 6, 0, 0, 0x1b),
    MEM_X("ldf.fill%h %a=[%c],%b",   M7F, 6, 1, 0, 0x1b),
    MEMI_X("ldf.fill%h %a=[%c],%n",  M8F, 7, 0x1b),
    MEM_T("stf%z%h [%c]=%b",         M9, 6, 0, 0, 0xc),
    MEMI_T("stf%z%h [%c]=%b,%n",     M10, 7, 0xc),
    MEM_X("stf.spill%h [%c]=%b",     M9F, 6, 0, 0, 0x3b),
    MEMI_X("stf.spill%h [%c]=%b,%n", M10F, 7, 0x3b),
    /* Plain lfetch [r3] leaves bit 19 clear; with it set it is lfetch.count. */
    ROW("lfetch%h [%c]",             M, M13, NONE, 0, MEM_MX | K(30, 6) | K(19, 1), OP(6) | V(30, 0x2c)),
    ROW("lfetch.count%h [%c],%x,%n", M, M13C, NONE, 0, MEM_MX | K(30, 6) | K(19, 1),
        OP(6) | V(30, 0x2c) | V(19, 1)),
    MEM_X("lfetch%h [%c],%b",        M14, 6, 1, 0, 0x2c),
    MEMI_X("lfetch%h [%c],%n",       M15, 7, 0x2c),
    LFETCH(".excl", 0x2d), LFETCH(".fault", 0x2e), LFETCH(".fault.excl", 0x2f),
    MEM_X("setf.sig %a=%b",          M18, 6, 0, 1, 0x1c),
    MEM_X("setf.exp %a=%b",          M18, 6, 0, 1, 0x1d),
    MEM_X("setf.s %a=%b",            M18, 6, 0, 1, 0x1e),
    MEM_X("setf.d %a=%b",            M18, 6, 0, 1, 0x1f),

    /* ==== I unit, major op 0: misc ==== */
    ROW("break.i %i",          I, I19, NONE, PVP_IA64_F_BREAK, MOP | X3 | X6, OP(0)),
    ROW("nop.i %i",            I, I19, NONE, PVP_IA64_F_NOP, MOP | X3 | X6 | K(26, 1), OP(0) | V(27, 0x01)),
    ROW("hint.i %i",           I, I19, NONE, 0, MOP | X3 | X6 | K(26, 1), OP(0) | V(27, 0x01) | V(26, 1)),
    /* I-unit moves name every ar; those below 48 fault, classified like the M-unit ones. */
    ISYS("mov.i %A=%n",        I27, AR, 0x0a),
    ISYS("zxt1 %a=%c",         I29, NONE, 0x10),
    ISYS("zxt2 %a=%c",         I29, NONE, 0x11),
    ISYS("zxt4 %a=%c",         I29, NONE, 0x12),
    ISYS("sxt1 %a=%c",         I29, NONE, 0x14),
    ISYS("sxt2 %a=%c",         I29, NONE, 0x15),
    ISYS("sxt4 %a=%c",         I29, NONE, 0x16),
    ISYS("czx1.l %a=%c",       I29, NONE, 0x18),
    ISYS("czx2.l %a=%c",       I29, NONE, 0x19),
    ISYS("czx1.r %a=%c",       I29, NONE, 0x1c),
    ISYS("czx2.r %a=%c",       I29, NONE, 0x1d),
    ISYS("mov.i %A=%b",        I26, AR, 0x2a),
    ROW("mov %a=ip",           I, I25, NONE, PVP_IA64_F_READS_IP, MOP | X3 | X6, OP(0) | V(27, 0x30)),
    ISYS("mov %a=%B",          I22, NONE, 0x31),
    ISYS("mov.i %a=%A",        I28, AR, 0x32),
    ISYS("mov %a=pr",          I25, NONE, 0x33),
    ROW("chk.s.i %b,%t",       I, I20, NONE, 0, MOP | X3, OP(0) | V(33, 1)),
    ROW("mov pr.rot=%i",       I, I24, NONE, 0, MOP | X3, OP(0) | V(33, 2)),
    ROW("mov pr=%b,%i",        I, I23, NONE, 0, MOP | X3, OP(0) | V(33, 3)),
    /* mov to br: x (22) .ret, wh (20-21, 1 is none), ih (23) .imp, and a tag
     * unless it is the plain form. */
    ROW("mov %L=%b",           I, I21N, NONE, 0, MOP | X3 | K(20, 4), OP(0) | V(33, 7) | V(20, 1)),
    ROW("mov.sptk%I %L=%b,%g", I, I21, NONE, 0, MOP | X3 | K(22, 1) | K(20, 2), OP(0) | V(33, 7)),
    ROW("mov.dptk%I %L=%b,%g", I, I21, NONE, 0, MOP | X3 | K(22, 1) | K(20, 2),
        OP(0) | V(33, 7) | V(20, 2)),
    ROW("mov.imp %L=%b,%g",    I, I21, NONE, 0, MOP | X3 | K(20, 4), OP(0) | V(33, 7) | V(23, 1) | V(20, 1)),
    ROW("mov.ret%w%I %L=%b,%g", I, I21, NONE, 0, MOP | X3 | K(22, 1), OP(0) | V(33, 7) | V(22, 1)),

    /* ==== I unit, major ops 4 and 5: deposit, extract, shift pair, test bit ==== */
    ROW("dep %a=%b,%c,%x,%y",  I, I15, NONE, 0, MOP, OP(4)),
    TEST_TYPES("tbit", I16, K(13, 1), 0),
    TEST_TYPES("tnat", I17, K(13, 1) | K(19, 1), V(13, 1)),
    TEST_TYPES("tf", I30, K(13, 1) | K(19, 1), V(13, 1) | V(19, 1)),
    ROW("extr.u %a=%c,%x,%y",  I, I11, NONE, 0, MOP | X3 | K(13, 1), OP(5) | V(34, 1)),
    ROW("extr %a=%c,%x,%y",    I, I11, NONE, 0, MOP | X3 | K(13, 1), OP(5) | V(34, 1) | V(13, 1)),
    ROW("dep.z %a=%b,%x,%y",   I, I12, NONE, 0, MOP | X3 | K(26, 1), OP(5) | V(34, 1) | V(33, 1)),
    ROW("dep.z %a=%n,%x,%y",   I, I13, NONE, 0, MOP | X3 | K(26, 1),
        OP(5) | V(34, 1) | V(33, 1) | V(26, 1)),
    ROW("shrp %a=%b,%c,%x",    I, I10, NONE, 0, MOP | X3, OP(5) | V(34, 3)),
    ROW("dep %a=%n,%c,%x,%y",  I, I14, NONE, 0, MOP | X3, OP(5) | V(34, 3) | V(33, 1)),

    /* ==== I unit, major op 7: multimedia and variable shifts ==== */
    MM("pshr2.u %a=%c,%b",     I5, 0x020),
    ROW("pmpyshr2.u %a=%b,%c,%k", I, I1, NONE, 0, MOP | K(32, 5) | K(28, 2), OP(7) | V(28, 0x021)),
    MM("pshr2 %a=%c,%b",       I5, 0x022),
    ROW("pmpyshr2 %a=%b,%c,%k", I, I1, NONE, 0, MOP | K(32, 5) | K(28, 2), OP(7) | V(28, 0x023)),
    MM("pshl2 %a=%b,%c",       I7, 0x024),
    MM("pshr2.u %a=%c,%x",     I6, 0x061),
    MM("pshr2 %a=%c,%x",       I6, 0x063),
    MM("popcnt %a=%c",         I9, 0x069),
    MM("clz %a=%c",            I9, 0x06d),
    MM("pmin1.u %a=%b,%c",     I2, 0x081),
    MM("unpack1.h %a=%b,%c",   I2, 0x084),
    MM("pmax1.u %a=%b,%c",     I2, 0x085),
    MM("unpack1.l %a=%b,%c",   I2, 0x086),
    MM("mix1.r %a=%b,%c",      I2, 0x088),
    MM("mix1.l %a=%b,%c",      I2, 0x08a),
    MM("psad1 %a=%b,%c",       I2, 0x08b),
    MM("pack2.uss %a=%b,%c",   I2, 0x0a0),
    MM("pack2.sss %a=%b,%c",   I2, 0x0a2),
    MM("pmin2 %a=%b,%c",       I2, 0x0a3),
    MM("unpack2.h %a=%b,%c",   I2, 0x0a4),
    MM("unpack2.l %a=%b,%c",   I2, 0x0a6),
    MM("pmax2 %a=%b,%c",       I2, 0x0a7),
    MM("mix2.r %a=%b,%c",      I2, 0x0a8),
    MM("mix2.l %a=%b,%c",      I2, 0x0aa),
    MM("pmpy2.r %a=%b,%c",     I2, 0x0ad),
    MM("pmpy2.l %a=%b,%c",     I2, 0x0af),
    MM("mux1 %a=%b,%m",        I3, 0x0ca),
    MM("pshl2 %a=%b,%x",       I8, 0x0e5),
    MM("mux2 %a=%b,%i",        I4, 0x0ea),
    MM("pshr4.u %a=%c,%b",     I5, 0x100),
    MM("pshr4 %a=%c,%b",       I5, 0x102),
    MM("pshl4 %a=%b,%c",       I7, 0x104),
    MM("mpy4 %a=%b,%c",        I2, 0x10d),
    MM("mpyshl4 %a=%b,%c",     I2, 0x10f),
    MM("shr.u %a=%c,%b",       I5, 0x120),
    MM("shr %a=%c,%b",         I5, 0x122),
    MM("shl %a=%b,%c",         I7, 0x124),
    MM("pshr4.u %a=%c,%x",     I6, 0x141),
    MM("pshr4 %a=%c,%x",       I6, 0x143),
    MM("pack4.sss %a=%b,%c",   I2, 0x182),
    MM("unpack4.h %a=%b,%c",   I2, 0x184),
    MM("unpack4.l %a=%b,%c",   I2, 0x186),
    MM("mix4.r %a=%b,%c",      I2, 0x188),
    MM("mix4.l %a=%b,%c",      I2, 0x18a),
    MM("pshl4 %a=%b,%x",       I8, 0x1c5),

    /* ==== F unit, major ops 0 and 1 ==== */
    ROW("break.f %i",          F, F15, NONE, PVP_IA64_F_BREAK, MOP | K(27, 7), OP(0)),
    ROW("nop.f %i",            F, F15, NONE, PVP_IA64_F_NOP, MOP | K(27, 7) | K(26, 1), OP(0) | V(27, 0x01)),
    ROW("hint.f %i",           F, F15, NONE, 0, MOP | K(27, 7) | K(26, 1), OP(0) | V(27, 0x01) | V(26, 1)),
    FSYS("fsetc%s %i,%j",      F12, 0, 0x04),
    FSYS("fclrf%s",            F13, 0, 0x05),
    FSYS("fchkf%s %t",         F14, 0, 0x08),
    FSYS("fmerge.s %a=%b,%c",  F9, 0, 0x10),
    FSYS("fmerge.ns %a=%b,%c", F9, 0, 0x11),
    FSYS("fmerge.se %a=%b,%c", F9, 0, 0x12),
    FSYS("fmin%s %a=%b,%c",    F8, 0, 0x14),
    FSYS("fmax%s %a=%b,%c",    F8, 0, 0x15),
    FSYS("famin%s %a=%b,%c",   F8, 0, 0x16),
    FSYS("famax%s %a=%b,%c",   F8, 0, 0x17),
    FSYS("fcvt.fx%s %a=%b",    F10, 0, 0x18),
    FSYS("fcvt.fxu%s %a=%b",   F10, 0, 0x19),
    FSYS("fcvt.fx.trunc%s %a=%b", F10, 0, 0x1a),
    FSYS("fcvt.fxu.trunc%s %a=%b", F10, 0, 0x1b),
    FSYS("fcvt.xf %a=%b",      F11, 0, 0x1c),
    FSYS("fpack %a=%b,%c",     F9, 0, 0x28),
    FSYS("fand %a=%b,%c",      F9, 0, 0x2c),
    FSYS("fandcm %a=%b,%c",    F9, 0, 0x2d),
    FSYS("for %a=%b,%c",       F9, 0, 0x2e),
    FSYS("fxor %a=%b,%c",      F9, 0, 0x2f),
    FSYS("fswap %a=%b,%c",     F9, 0, 0x34),
    FSYS("fswap.nl %a=%b,%c",  F9, 0, 0x35),
    FSYS("fswap.nr %a=%b,%c",  F9, 0, 0x36),
    FSYS("fmix.lr %a=%b,%c",   F9, 0, 0x39),
    FSYS("fmix.r %a=%b,%c",    F9, 0, 0x3a),
    FSYS("fmix.l %a=%b,%c",    F9, 0, 0x3b),
    FSYS("fsxt.r %a=%b,%c",    F9, 0, 0x3c),
    FSYS("fsxt.l %a=%b,%c",    F9, 0, 0x3d),
    ROW("frcpa%s %a,%P=%b,%c", F, F6, NONE, 0, MOP | K(36, 1) | K(33, 1), OP(0) | V(33, 1)),
    ROW("frsqrta%s %a,%P=%c",  F, F7, NONE, 0, MOP | K(36, 1) | K(33, 1), OP(0) | V(33, 1) | V(36, 1)),
    FSYS("fpmerge.s %a=%b,%c", F9, 1, 0x10),
    FSYS("fpmerge.ns %a=%b,%c", F9, 1, 0x11),
    FSYS("fpmerge.se %a=%b,%c", F9, 1, 0x12),
    FSYS("fpmin%s %a=%b,%c",   F8, 1, 0x14),
    FSYS("fpmax%s %a=%b,%c",   F8, 1, 0x15),
    FSYS("fpamin%s %a=%b,%c",  F8, 1, 0x16),
    FSYS("fpamax%s %a=%b,%c",  F8, 1, 0x17),
    FSYS("fpcvt.fx%s %a=%b",   F10, 1, 0x18),
    FSYS("fpcvt.fxu%s %a=%b",  F10, 1, 0x19),
    FSYS("fpcvt.fx.trunc%s %a=%b", F10, 1, 0x1a),
    FSYS("fpcvt.fxu.trunc%s %a=%b", F10, 1, 0x1b),
    FSYS("fpcmp.eq%s %a=%b,%c", F8, 1, 0x30),
    FSYS("fpcmp.lt%s %a=%b,%c", F8, 1, 0x31),
    FSYS("fpcmp.le%s %a=%b,%c", F8, 1, 0x32),
    FSYS("fpcmp.unord%s %a=%b,%c", F8, 1, 0x33),
    FSYS("fpcmp.neq%s %a=%b,%c", F8, 1, 0x34),
    FSYS("fpcmp.nlt%s %a=%b,%c", F8, 1, 0x35),
    FSYS("fpcmp.nle%s %a=%b,%c", F8, 1, 0x36),
    FSYS("fpcmp.ord%s %a=%b,%c", F8, 1, 0x37),
    ROW("fprcpa%s %a,%P=%b,%c", F, F6, NONE, 0, MOP | K(36, 1) | K(33, 1), OP(1) | V(33, 1)),
    ROW("fprsqrta%s %a,%P=%c", F, F7, NONE, 0, MOP | K(36, 1) | K(33, 1), OP(1) | V(33, 1) | V(36, 1)),

    /* ==== F unit, major ops 4 and 5: compare and classify ==== */
    FCMP("eq", 0, 0), FCMP("lt", 1, 0), FCMP("le", 0, 1), FCMP("unord", 1, 1),
    ROW("fclass.m %a,%P=%b,%i", F, F5, NONE, 0, MOP | K(12, 1), OP(5)),
    ROW("fclass.m.unc %a,%P=%b,%i", F, F5, NONE, 0, MOP | K(12, 1), OP(5) | V(12, 1)),

    /* ==== F unit, major ops 8-0xe: multiply-add, select, integer multiply-add ==== */
    FMA("fma%s %a=%c,%e,%b", 0x8, 0),    FMA("fma.s%s %a=%c,%e,%b", 0x8, 1),
    FMA("fma.d%s %a=%c,%e,%b", 0x9, 0),  FMA("fpma%s %a=%c,%e,%b", 0x9, 1),
    FMA("fms%s %a=%c,%e,%b", 0xa, 0),    FMA("fms.s%s %a=%c,%e,%b", 0xa, 1),
    FMA("fms.d%s %a=%c,%e,%b", 0xb, 0),  FMA("fpms%s %a=%c,%e,%b", 0xb, 1),
    FMA("fnma%s %a=%c,%e,%b", 0xc, 0),   FMA("fnma.s%s %a=%c,%e,%b", 0xc, 1),
    FMA("fnma.d%s %a=%c,%e,%b", 0xd, 0), FMA("fpnma%s %a=%c,%e,%b", 0xd, 1),
    ROW("fselect %a=%c,%e,%b", F, F2, NONE, 0, MOP | K(36, 1), OP(0xe)),
    ROW("xma.l %a=%c,%e,%b",   F, F2, NONE, 0, MOP | K(36, 1) | K(34, 2), OP(0xe) | V(36, 1)),
    ROW("xma.hu %a=%c,%e,%b",  F, F2, NONE, 0, MOP | K(36, 1) | K(34, 2), OP(0xe) | V(36, 1) | V(34, 2)),
    ROW("xma.h %a=%c,%e,%b",   F, F2, NONE, 0, MOP | K(36, 1) | K(34, 2), OP(0xe) | V(36, 1) | V(34, 3)),

    /* ==== B unit ==== */
    ROW("break.b %i",          B, B9, NONE, PVP_IA64_F_BREAK, MOP | X6, OP(0) | V(27, 0x00)),
    BSYS("cover",              COVER, PVP_IA64_F_LAST, 0x02),
    BSYS("clrrrb",             NONE, PVP_IA64_F_LAST, 0x04),
    BSYS("clrrrb.pr",          NONE, PVP_IA64_F_LAST, 0x05),
    BSYS("rfi",                RFI, PVP_IA64_F_LAST, 0x08),
    BSYS("bsw.0",              BSW_0, PVP_IA64_F_LAST, 0x0c),
    BSYS("bsw.1",              BSW_1, PVP_IA64_F_LAST, 0x0d),
    BSYS("epc",                NONE, 0, 0x10),
    BSYS("vmsw.0",             NONE, 0, 0x18),
    BSYS("vmsw.1",             NONE, 0, 0x19),
    ROW("br.cond%w%p%d %B",    B, B4, NONE, 0, MOP | X6 | BT, OP(0) | V(27, 0x20) | V(6, 0)),
    ROW("br.ia%w%p%d %B",      B, B4, NONE, 0, MOP | X6 | BT, OP(0) | V(27, 0x20) | V(6, 1)),
    ROW("br.ret%w%p%d %B",     B, B4, NONE, 0, MOP | X6 | BT, OP(0) | V(27, 0x21) | V(6, 4)),
    ROW("br.call%w%p%d %L=%B", B, B5, NONE, 0, MOP, OP(1)),
    ROW("nop.b %i",            B, B9, NONE, PVP_IA64_F_NOP, MOP | X6, OP(2) | V(27, 0x00)),
    ROW("hint.b %i",           B, B9, NONE, 0, MOP | X6, OP(2) | V(27, 0x01)),
    ROW("brp%w%I %B,%g",       B, B7, NONE, 0, MOP | X6, OP(2) | V(27, 0x10)),
    ROW("brp.ret%w%I %B,%g",   B, B7, NONE, 0, MOP | X6, OP(2) | V(27, 0x11)),
    ROW("br.cond%w%p%d %t",    B, B1, NONE, 0, MOP | BT, OP(4) | V(6, 0)),
    ROW("br.wexit%w%p%d %t",   B, B1, NONE, 0, MOP | BT, OP(4) | V(6, 2)),
    ROW("br.wtop%w%p%d %t",    B, B1, NONE, 0, MOP | BT, OP(4) | V(6, 3)),
    ROW("br.cloop%w%p%d %t",   B, B2, NONE, 0, MOP | BT, OP(4) | V(6, 5)),
    ROW("br.cexit%w%p%d %t",   B, B2, NONE, 0, MOP | BT, OP(4) | V(6, 6)),
    ROW("br.ctop%w%p%d %t",    B, B2, NONE, 0, MOP | BT, OP(4) | V(6, 7)),
    ROW("br.call%w%p%d %L=%t", B, B3, NONE, 0, MOP, OP(5)),
    ROW("brp%w%I %t,%g",       B, B6, NONE, 0, MOP, OP(7)),

    /* ==== X unit (slot 2 of MLX; the L slot holds the rest) ==== */
    ROW("break.x %i",          X, X1, NONE, PVP_IA64_F_BREAK, MOP | X3 | X6, OP(0)),
    ROW("nop.x %i",            X, X1, NONE, PVP_IA64_F_NOP, MOP | X3 | X6 | K(26, 1), OP(0) | V(27, 0x01)),
    ROW("hint.x %i",           X, X1, NONE, 0, MOP | X3 | X6 | K(26, 1), OP(0) | V(27, 0x01) | V(26, 1)),
    ROW("movl %a=%i",          X, X2, NONE, 0, MOP | K(20, 1), OP(6)),
    ROW("brl.cond%w%p%d %t",   X, X3, NONE, 0, MOP | BT, OP(0xc)),
    ROW("brl.call%w%p%d %L=%t", X, X4, NONE, 0, MOP, OP(0xd)),

    /* ==== A unit (M or I slots), major op 8: integer ALU ==== */
    ALU("add %a=%b,%c",        A1, 0x0, 0),
    ALU("add %a=%b,%c,1",      A1, 0x0, 1),
    ALU("sub %a=%b,%c,1",      A1, 0x1, 0),
    ALU("sub %a=%b,%c",        A1, 0x1, 1),
    ALU("addp4 %a=%b,%c",      A1, 0x2, 0),
    ALU("and %a=%b,%c",        A1, 0x3, 0),
    ALU("andcm %a=%b,%c",      A1, 0x3, 1),
    ALU("or %a=%b,%c",         A1, 0x3, 2),
    ALU("xor %a=%b,%c",        A1, 0x3, 3),
    ROW("shladd %a=%b,%y,%c",  A, A2, NONE, 0, MOP | K(29, 7), OP(8) | V(29, 0x4)),
    ROW("shladdp4 %a=%b,%y,%c", A, A2, NONE, 0, MOP | K(29, 7), OP(8) | V(29, 0x6)),
    ALU("sub %a=%n,%c",        A3, 0x9, 1),
    ALU("and %a=%n,%c",        A3, 0xb, 0),
    ALU("andcm %a=%n,%c",      A3, 0xb, 1),
    ALU("or %a=%n,%c",         A3, 0xb, 2),
    ALU("xor %a=%n,%c",        A3, 0xb, 3),
    ROW("adds %a=%n,%c",       A, A4, NONE, 0, MOP | X3, OP(8) | V(34, 2)),
    ROW("addp4 %a=%n,%c",      A, A4, NONE, 0, MOP | X3, OP(8) | V(34, 3)),
    ROW("addl %a=%n,%c",       A, A5, NONE, 0, MOP, OP(9)),

    /* Multimedia ALU (x2a = 1): `sel` is za:x2a:zb:x4:x2b, bits 27-36. */
    MMALU("padd1 %a=%b,%c",      A1, 0x080), MMALU("padd1.sss %a=%b,%c", A1, 0x081),
    MMALU("padd1.uuu %a=%b,%c",  A1, 0x082), MMALU("padd1.uus %a=%b,%c", A1, 0x083),
    MMALU("psub1 %a=%b,%c",      A1, 0x084), MMALU("psub1.sss %a=%b,%c", A1, 0x085),
    MMALU("psub1.uuu %a=%b,%c",  A1, 0x086), MMALU("psub1.uus %a=%b,%c", A1, 0x087),
    MMALU("pavg1 %a=%b,%c",      A1, 0x08a), MMALU("pavg1.raz %a=%b,%c", A1, 0x08b),
    MMALU("pavgsub1 %a=%b,%c",   A1, 0x08e),
    MMALU("pcmp1.eq %a=%b,%c",   A1, 0x0a4), MMALU("pcmp1.gt %a=%b,%c",  A1, 0x0a5),
    MMALU("padd2 %a=%b,%c",      A1, 0x0c0), MMALU("padd2.sss %a=%b,%c", A1, 0x0c1),
    MMALU("padd2.uuu %a=%b,%c",  A1, 0x0c2), MMALU("padd2.uus %a=%b,%c", A1, 0x0c3),
    MMALU("psub2 %a=%b,%c",      A1, 0x0c4), MMALU("psub2.sss %a=%b,%c", A1, 0x0c5),
    MMALU("psub2.uuu %a=%b,%c",  A1, 0x0c6), MMALU("psub2.uus %a=%b,%c", A1, 0x0c7),
    MMALU("pavg2 %a=%b,%c",      A1, 0x0ca), MMALU("pavg2.raz %a=%b,%c", A1, 0x0cb),
    MMALU("pavgsub2 %a=%b,%c",   A1, 0x0ce),
    ROW("pshladd2 %a=%b,%y,%c",  A, A2, NONE, 0, MOP | K(29, 8), OP(8) | V(29, 0x34)),
    ROW("pshradd2 %a=%b,%y,%c",  A, A2, NONE, 0, MOP | K(29, 8), OP(8) | V(29, 0x36)),
    MMALU("pcmp2.eq %a=%b,%c",   A1, 0x0e4), MMALU("pcmp2.gt %a=%b,%c",  A1, 0x0e5),
    MMALU("padd4 %a=%b,%c",      A1, 0x280), MMALU("psub4 %a=%b,%c",     A1, 0x284),
    MMALU("pcmp4.eq %a=%b,%c",   A1, 0x2a4), MMALU("pcmp4.gt %a=%b,%c",  A1, 0x2a5),

    /* ==== A unit, major ops 0xc-0xe: compares ==== */
    CMP_OPCODE(0xc, "lt", "and"),
    CMP_OPCODE(0xd, "ltu", "or"),
    CMP_OPCODE(0xe, "eq", "or.andcm"),
};

/* ---- Aliases ------------------------------------------------------------------ */

#define ALIAS(syn, unit, fmt, mask, match) \
    { syn, PVP_IA64_UNIT_##unit, FMT_##fmt, 0, 0, (mask), (match), PVP_IA64_COND_NONE, 0, 0 }
#define ALIAS_IF(syn, unit, fmt, mask, match, cond, a, b) \
    { syn, PVP_IA64_UNIT_##unit, FMT_##fmt, 0, 0, (mask), (match), PVP_IA64_COND_##cond, a, b }

/* Field masks of fr2 and fr4 (f0 and f1 make multiply-add a multiply or an add). */
#define F2M K(13, 7)
#define F4M K(27, 7)
/* A multiply-add's aliases: fnorm (f4 = f1, f2 = f0), fmpy (f2 = f0), fadd (f4 = f1). */
#define FMA_ALIASES(p, op, x) \
    ALIAS("fnorm" p "%s %a=%c", F, F1, MOP | K(36, 1) | F2M | F4M, OP(op) | V(36, x) | V(27, 1)), \
    ALIAS("fmpy" p "%s %a=%c,%e", F, F1, MOP | K(36, 1) | F2M, OP(op) | V(36, x)), \
    ALIAS("fadd" p "%s %a=%c,%b", F, F1, MOP | K(36, 1) | F4M, OP(op) | V(36, x) | V(27, 1))

/* More specific aliases of a row come first: the first that applies is printed. */
const pvp_ia64_opcode pvp_ia64_alias_table[] = {
    /* br, brl: an unpredicated br.cond or brl.cond with the static-taken hint. */
    ALIAS("br%p%d %t",        B, B1, MOP | BT | K(33, 2) | QP, OP(4)),
    ALIAS("br%p%d %B",        B, B4, MOP | X6 | BT | K(33, 2) | QP, OP(0) | V(27, 0x20)),
    ALIAS("brl%p%d %t",       X, X3, MOP | BT | K(33, 2) | QP, OP(0xc)),
    /* mov r1=r3 is adds r1=0,r3; mov r1=imm is addl r1=imm,r0. */
    ALIAS("mov %a=%c",        A, A4, MOP | X3 | K(36, 1) | K(27, 6) | K(13, 7), OP(8) | V(34, 2)),
    ALIAS("mov %a=%n",        A, A5, MOP | K(20, 2), OP(9)),
    /* Shifts: extract or deposit reaching bit 63. */
    ALIAS_IF("shr.u %a=%c,%x", I, I11, MOP | X3 | K(13, 1), OP(5) | V(34, 1), SUM64, 'x', 'y'),
    ALIAS_IF("shr %a=%c,%x",  I, I11, MOP | X3 | K(13, 1), OP(5) | V(34, 1) | V(13, 1), SUM64, 'x', 'y'),
    ALIAS_IF("shl %a=%b,%x",  I, I12, MOP | X3 | K(26, 1), OP(5) | V(34, 1) | V(33, 1), SUM64, 'x', 'y'),
    /* Sign merges of a register with itself or with f0. */
    ALIAS_IF("mov %a=%c",     F, F9, MOP | K(27, 7), OP(0) | V(27, 0x10), EQUAL, 'b', 'c'),
    ALIAS("fabs %a=%c",       F, F9, MOP | K(27, 7) | F2M, OP(0) | V(27, 0x10)),
    ALIAS_IF("fneg %a=%c",    F, F9, MOP | K(27, 7), OP(0) | V(27, 0x11), EQUAL, 'b', 'c'),
    ALIAS("fnegabs %a=%c",    F, F9, MOP | K(27, 7) | F2M, OP(0) | V(27, 0x11)),
    ALIAS("fpabs %a=%c",      F, F9, MOP | K(27, 7) | F2M, OP(1) | V(27, 0x10)),
    ALIAS_IF("fpneg %a=%c",   F, F9, MOP | K(27, 7), OP(1) | V(27, 0x11), EQUAL, 'b', 'c'),
    ALIAS("fpnegabs %a=%c",   F, F9, MOP | K(27, 7) | F2M, OP(1) | V(27, 0x11)),
    /* Multiply-adds with f0 or f1. */
    FMA_ALIASES("", 0x8, 0), FMA_ALIASES(".s", 0x8, 1), FMA_ALIASES(".d", 0x9, 0),
    ALIAS("fpmpy%s %a=%c,%e", F, F1, MOP | K(36, 1) | F2M, OP(0x9) | V(36, 1)),
    ALIAS("fsub%s %a=%c,%b",  F, F1, MOP | K(36, 1) | F4M, OP(0xa) | V(27, 1)),
    ALIAS("fsub.s%s %a=%c,%b", F, F1, MOP | K(36, 1) | F4M, OP(0xa) | V(36, 1) | V(27, 1)),
    ALIAS("fsub.d%s %a=%c,%b", F, F1, MOP | K(36, 1) | F4M, OP(0xb) | V(27, 1)),
    ALIAS("fnmpy%s %a=%c,%e", F, F1, MOP | K(36, 1) | F2M, OP(0xc)),
    ALIAS("fnmpy.s%s %a=%c,%e", F, F1, MOP | K(36, 1) | F2M, OP(0xc) | V(36, 1)),
    ALIAS("fnmpy.d%s %a=%c,%e", F, F1, MOP | K(36, 1) | F2M, OP(0xd)),
    ALIAS("fpnmpy%s %a=%c,%e", F, F1, MOP | K(36, 1) | F2M, OP(0xd) | V(36, 1)),
    ALIAS("xmpy.l %a=%c,%e",  F, F2, MOP | K(36, 1) | K(34, 2) | F2M, OP(0xe) | V(36, 1)),
    ALIAS("xmpy.hu %a=%c,%e", F, F2, MOP | K(36, 1) | K(34, 2) | F2M, OP(0xe) | V(36, 1) | V(34, 2)),
    ALIAS("xmpy.h %a=%c,%e",  F, F2, MOP | K(36, 1) | K(34, 2) | F2M, OP(0xe) | V(36, 1) | V(34, 3)),
};

const size_t pvp_ia64_opcode_count = sizeof(pvp_ia64_opcode_table) / sizeof(pvp_ia64_opcode_table[0]);
const size_t pvp_ia64_alias_count = sizeof(pvp_ia64_alias_table) / sizeof(pvp_ia64_alias_table[0]);

const pvp_ia64_opcode *pvp_ia64_opcodes(size_t *count)
{
    if (count)
        *count = pvp_ia64_opcode_count;
    return pvp_ia64_opcode_table;
}

const pvp_ia64_opcode *pvp_ia64_aliases(size_t *count)
{
    if (count)
        *count = pvp_ia64_alias_count;
    return pvp_ia64_alias_table;
}

const pvp_ia64_format *pvp_ia64_opcode_format(const pvp_ia64_opcode *op)
{
    return &pvp_ia64_format_table[op->format];
}
