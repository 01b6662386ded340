/* The IA-64 instruction table: each row names the bits that tell an
 * instruction apart (mask and match over the 41-bit slot), its unit, its
 * format and how it prints. Syntax: %x prints field x of the row's format.
 * Rows are disjoint, and sorted by unit (in pvp_ia64_unit order) and then
 * major opcode, so that lookup can search (tests check both). */
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

#define ROW(syn, unit, fmt, sens, flags, mask, match) \
    { syn, PVP_IA64_UNIT_##unit, FMT_##fmt, PVP_IA64_SENS_##sens, flags, (mask), (match) }

/* M-unit system instructions: major op 1, x3 = 0, x6 selects. */
#define MSYS(syn, fmt, sens, x6) ROW(syn, M, fmt, sens, 0, MOP | X3 | X6, OP(1) | V(27, x6))
/* The same for those that must end their instruction group. */
#define MSYS_LAST(syn, fmt, sens, x6) \
    ROW(syn, M, fmt, sens, PVP_IA64_F_LAST, MOP | X3 | X6, OP(1) | V(27, x6))
/* Loads and stores: major op 4 (or 5), m and x bits, x6 = type:size with size free. */
#define LDST(syn, fmt, op, m, type) \
    ROW(syn, M, fmt, NONE, 0, MOP | K(36, 1) | K(27, 1) | K(32, 4), OP(op) | V(36, m) | V(32, type))
#define LDST8(syn, fmt, op, m, x6) \
    ROW(syn, M, fmt, NONE, 0, MOP | K(36, 1) | K(27, 1) | X6 << 3, OP(op) | V(36, m) | V(30, x6))

static const pvp_ia64_opcode opcode_table[] = {
    /* ---- M unit, major op 0: system and memory management ---- */
    ROW("break.m %i",       M, M37, NONE, PVP_IA64_F_BREAK, MOP | X3 | X4 | X2, OP(0)),
    ROW("nop.m %i",         M, M37, NONE, PVP_IA64_F_NOP, MOP | X3 | X4 | X2 | K(26, 1), OP(0) | V(27, 1)),
    ROW("invala",           M, M24, NONE, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 0) | V(31, 1)),
    ROW("fwb",              M, M24, NONE, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 0) | V(31, 2)),
    ROW("srlz.d",           M, M24, NONE, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 0) | V(31, 3)),
    ROW("srlz.i",           M, M24, NONE, PVP_IA64_F_LAST, MOP | X3 | X4 | X2, OP(0) | V(27, 1) | V(31, 3)),
    ROW("mf",               M, M24, NONE, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 2) | V(31, 2)),
    ROW("mf.a",             M, M24, NONE, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 3) | V(31, 2)),
    ROW("sync.i",           M, M24, NONE, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 3) | V(31, 3)),
    ROW("sum %i",           M, M44, NONE, 0, MOP | X3 | X4, OP(0) | V(27, 4)),
    ROW("rum %i",           M, M44, NONE, 0, MOP | X3 | X4, OP(0) | V(27, 5)),
    ROW("ssm %i",           M, M44, SSM, 0, MOP | X3 | X4, OP(0) | V(27, 6)),
    ROW("rsm %i",           M, M44, RSM, 0, MOP | X3 | X4, OP(0) | V(27, 7)),
    ROW("mov.m %A=%n",      M, M30, AR, 0, MOP | X3 | X4 | X2, OP(0) | V(27, 8) | V(31, 2)),
    ROW("chk.a.nc %a,%t",   M, M22, NONE, 0, MOP | X3, OP(0) | V(33, 4)),
    ROW("chk.a.clr %a,%t",  M, M22, NONE, 0, MOP | X3, OP(0) | V(33, 5)),
    ROW("chk.a.nc %a,%t",   M, M23, NONE, 0, MOP | X3, OP(0) | V(33, 6)),
    ROW("chk.a.clr %a,%t",  M, M23, NONE, 0, MOP | X3, OP(0) | V(33, 7)),

    /* ---- M unit, major op 1: privileged and system moves ---- */
    MSYS("mov rr[%c]=%b",   M42, MOV_TO_IND, 0x00),
    MSYS("mov dbr[%c]=%b",  M42, MOV_TO_IND, 0x01),
    MSYS("mov ibr[%c]=%b",  M42, MOV_TO_IND, 0x02),
    MSYS("mov pkr[%c]=%b",  M42, MOV_TO_IND, 0x03),
    MSYS("mov pmc[%c]=%b",  M42, MOV_TO_IND, 0x04),
    MSYS("mov pmd[%c]=%b",  M42, MOV_TO_IND, 0x05),
    MSYS("ptc.l %c,%b",     M45, PTC_L, 0x09),
    MSYS_LAST("ptc.g %c,%b", M45, PTC_G, 0x0a),
    MSYS_LAST("ptc.ga %c,%b", M45, PTC_GA, 0x0b),
    MSYS("ptr.d %c,%b",     M45, PTR, 0x0c),
    MSYS("ptr.i %c,%b",     M45, PTR, 0x0d),
    MSYS("itr.d dtr[%c]=%b", M42, ITR, 0x0e),
    MSYS("itr.i itr[%c]=%b", M42, ITR, 0x0f),
    MSYS("mov %a=rr[%c]",   M43, MOV_FROM_IND, 0x10),
    MSYS("mov %a=dbr[%c]",  M43, MOV_FROM_IND, 0x11),
    MSYS("mov %a=ibr[%c]",  M43, MOV_FROM_IND, 0x12),
    MSYS("mov %a=pkr[%c]",  M43, MOV_FROM_IND, 0x13),
    MSYS("mov %a=pmc[%c]",  M43, MOV_FROM_IND, 0x14),
    MSYS("mov %a=pmd[%c]",  M43, MOV_FROM_PMD, 0x15),
    MSYS("mov %a=cpuid[%c]", M43, MOV_FROM_CPUID, 0x17),
    MSYS("thash %a=%c",     M46, THASH, 0x1a),
    MSYS("ttag %a=%c",      M46, TTAG, 0x1b),
    MSYS("tpa %a=%c",       M46, TPA, 0x1e),
    MSYS("tak %a=%c",       M46, TAK, 0x1f),
    MSYS("mov %a=psr.um",   M36, NONE, 0x21),
    MSYS("mov.m %a=%A",     M31, AR, 0x22),
    MSYS("mov %a=%C",       M33, MOV_FROM_CR, 0x24),
    MSYS("mov %a=psr",      M36, MOV_FROM_PSR, 0x25),
    MSYS("mov psr.um=%b",   M35, NONE, 0x29),
    MSYS("mov.m %A=%b",     M29, AR, 0x2a),
    MSYS("mov %C=%b",       M32, MOV_TO_CR, 0x2c),
    MSYS("mov psr.l=%b",    M35, MOV_TO_PSR_L, 0x2d),
    ROW("itc.d %b",         M, M41, ITC_D, PVP_IA64_F_LAST, MOP | X3 | X6, OP(1) | V(27, 0x2e)),
    ROW("itc.i %b",         M, M41, ITC_I, PVP_IA64_F_LAST, MOP | X3 | X6, OP(1) | V(27, 0x2f)),
    ROW("fc %c",            M, M28, FC, 0, MOP | X3 | X6 | K(36, 1), OP(1) | V(27, 0x30)),
    ROW("fc.i %c",          M, M28, FC, 0, MOP | X3 | X6 | K(36, 1), OP(1) | V(27, 0x30) | V(36, 1)),
    MSYS("ptc.e %c",        M47, PTC_E, 0x34),
    ROW("chk.s.m %b,%t",    M, M20, NONE, 0, MOP | X3, OP(1) | V(33, 1)),
    ROW("chk.s %b,%t",      M, M21, NONE, 0, MOP | X3, OP(1) | V(33, 3)),

    /* ---- M unit, major op 4/5: integer loads and stores ---- */
    LDST("ld%z%h %a=[%c]",          M1, 4, 0, 0x0),
    LDST("ld%z.s%h %a=[%c]",        M1, 4, 0, 0x1),
    LDST("ld%z.a%h %a=[%c]",        M1, 4, 0, 0x2),
    LDST("ld%z.sa%h %a=[%c]",       M1, 4, 0, 0x3),
    LDST("ld%z.bias%h %a=[%c]",     M1, 4, 0, 0x4),
    LDST("ld%z.acq%h %a=[%c]",      M1, 4, 0, 0x5),
    LDST8("ld8.fill%h %a=[%c]",     M1_FILL, 4, 0, 0x1b),
    LDST("ld%z.c.clr%h %a=[%c]",    M1, 4, 0, 0x8),
    LDST("ld%z.c.nc%h %a=[%c]",     M1, 4, 0, 0x9),
    LDST("ld%z.c.clr.acq%h %a=[%c]", M1, 4, 0, 0xa),
    LDST("st%z%h [%c]=%b",          M4, 4, 0, 0xc),
    LDST("st%z.rel%h [%c]=%b",      M4, 4, 0, 0xd),
    LDST8("st8.spill%h [%c]=%b",    M4_SPILL, 4, 0, 0x3b),
    LDST("ld%z%h %a=[%c],%b",       M2, 4, 1, 0x0),
    LDST("ld%z.acq%h %a=[%c],%b",   M2, 4, 1, 0x5),
    ROW("ld%z%h %a=[%c],%n",        M, M3, NONE, 0, MOP | K(32, 4), OP(5) | V(32, 0x0)),
    ROW("ld%z.acq%h %a=[%c],%n",    M, M3, NONE, 0, MOP | K(32, 4), OP(5) | V(32, 0x5)),
    ROW("ld8.fill%h %a=[%c],%n",    M, M3_FILL, NONE, 0, MOP | X6 << 3, OP(5) | V(30, 0x1b)),
    ROW("st%z%h [%c]=%b,%n",        M, M5, NONE, 0, MOP | K(32, 4), OP(5) | V(32, 0xc)),
    ROW("st%z.rel%h [%c]=%b,%n",    M, M5, NONE, 0, MOP | K(32, 4), OP(5) | V(32, 0xd)),
    ROW("st8.spill%h [%c]=%b,%n",   M, M5_SPILL, NONE, 0, MOP | X6 << 3, OP(5) | V(30, 0x3b)),

    /* ---- I unit ---- */
    ROW("break.i %i",       I, I19, NONE, PVP_IA64_F_BREAK, MOP | X3 | X6, OP(0)),
    ROW("nop.i %i",         I, I19, NONE, PVP_IA64_F_NOP, MOP | X3 | X6 | K(26, 1), OP(0) | V(27, 0x01)),
    ROW("zxt1 %a=%c",       I, I29, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x10)),
    ROW("zxt2 %a=%c",       I, I29, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x11)),
    ROW("zxt4 %a=%c",       I, I29, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x12)),
    ROW("sxt1 %a=%c",       I, I29, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x14)),
    ROW("sxt2 %a=%c",       I, I29, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x15)),
    ROW("sxt4 %a=%c",       I, I29, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x16)),
    ROW("mov %a=ip",        I, I25, NONE, PVP_IA64_F_READS_IP, MOP | X3 | X6, OP(0) | V(27, 0x30)),
    ROW("mov %a=%B",        I, I22, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x31)),
    /* I-unit application-register moves reach only ar 48-127 (pfs, lc, ec):
     * never a sensitive register, so NONE. */
    ROW("mov.i %A=%n",      I, I27, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x0a)),
    ROW("mov.i %A=%b",      I, I26, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x2a)),
    ROW("mov.i %a=%A",      I, I28, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x32)),
    ROW("mov %a=pr",        I, I25, NONE, 0, MOP | X3 | X6, OP(0) | V(27, 0x33)),
    ROW("chk.s.i %b,%t",    I, I20, NONE, 0, MOP | X3, OP(0) | V(33, 1)),
    ROW("mov pr=%b,%n",     I, I23, NONE, 0, MOP | X3, OP(0) | V(33, 3)),
    ROW("mov %L=%b",        I, I21, NONE, 0, MOP | X3, OP(0) | V(33, 7)),
    ROW("dep %a=%b,%c,%x,%y", I, I15, NONE, 0, MOP, OP(4)),
    ROW("tbit.z %a,%P=%c,%x",     I, I16, NONE, 0, MOP | K(33, 4) | K(12, 2), OP(5) | V(33, 0)),
    ROW("tbit.z.unc %a,%P=%c,%x", I, I16, NONE, 0, MOP | K(33, 4) | K(12, 2), OP(5) | V(12, 1)),
    ROW("extr.u %a=%c,%x,%y", I, I11, NONE, 0, MOP | K(33, 3) | K(13, 1), OP(5) | V(34, 1)),
    ROW("extr %a=%c,%x,%y",   I, I11, NONE, 0, MOP | K(33, 3) | K(13, 1), OP(5) | V(34, 1) | V(13, 1)),
    ROW("dep.z %a=%b,%x,%y",  I, I12, NONE, 0, MOP | K(33, 3) | K(26, 1), OP(5) | V(34, 1) | V(33, 1)),

    /* ---- F unit ---- */
    ROW("break.f %i",       F, F15, NONE, PVP_IA64_F_BREAK, MOP | K(33, 1) | X6, OP(0)),
    ROW("nop.f %i",         F, F15, NONE, PVP_IA64_F_NOP, MOP | K(33, 1) | X6 | K(26, 1), OP(0) | V(27, 0x01)),
    ROW("fchkf.s%s %t",     F, F14, NONE, 0, MOP | K(33, 1) | X6, OP(0) | V(27, 0x08)),

    /* ---- B unit ---- */
    ROW("break.b %i",       B, B9, NONE, PVP_IA64_F_BREAK, MOP | X6, OP(0) | V(27, 0x00)),
    ROW("cover",            B, B8, COVER, PVP_IA64_F_LAST, MOP | X6, OP(0) | V(27, 0x02)),
    ROW("clrrrb",           B, B8, NONE, PVP_IA64_F_LAST, MOP | X6, OP(0) | V(27, 0x04)),
    ROW("clrrrb.pr",        B, B8, NONE, PVP_IA64_F_LAST, MOP | X6, OP(0) | V(27, 0x05)),
    ROW("rfi",              B, B8, RFI, PVP_IA64_F_LAST, MOP | X6, OP(0) | V(27, 0x08)),
    ROW("bsw.0",            B, B8, BSW_0, PVP_IA64_F_LAST, MOP | X6, OP(0) | V(27, 0x0c)),
    ROW("bsw.1",            B, B8, BSW_1, PVP_IA64_F_LAST, MOP | X6, OP(0) | V(27, 0x0d)),
    ROW("epc",              B, B8, NONE, 0, MOP | X6, OP(0) | V(27, 0x10)),
    ROW("br.cond%w%p%d %B", B, B4, NONE, 0, MOP | X6 | BT, OP(0) | V(27, 0x20) | V(6, 0)),
    ROW("br.ia%w%p%d %B",   B, B4, NONE, 0, MOP | X6 | BT, OP(0) | V(27, 0x20) | V(6, 1)),
    ROW("br.ret%w%p%d %B",  B, B4, NONE, 0, MOP | X6 | BT, OP(0) | V(27, 0x21) | V(6, 4)),
    ROW("br.call%w%p%d %L=%B", B, B5, NONE, 0, MOP, OP(1)),
    ROW("nop.b %i",         B, B9, NONE, PVP_IA64_F_NOP, MOP | X6 | K(26, 1), OP(2) | V(27, 0x00)),
    ROW("brp%w%I %B,%g",    B, B7, NONE, 0, MOP | X6, OP(2) | V(27, 0x10)),
    ROW("brp.ret%w%I %B,%g", B, B7, NONE, 0, MOP | X6, OP(2) | V(27, 0x11)),
    ROW("br.cond%w%p%d %t", B, B1, NONE, 0, MOP | BT, OP(4) | V(6, 0)),
    ROW("br.wexit%w%p%d %t", B, B1, NONE, 0, MOP | BT, OP(4) | V(6, 2)),
    ROW("br.wtop%w%p%d %t", B, B1, NONE, 0, MOP | BT, OP(4) | V(6, 3)),
    ROW("br.cloop%w%p%d %t", B, B2, NONE, 0, MOP | BT, OP(4) | V(6, 5)),
    ROW("br.cexit%w%p%d %t", B, B2, NONE, 0, MOP | BT, OP(4) | V(6, 6)),
    ROW("br.ctop%w%p%d %t", B, B2, NONE, 0, MOP | BT, OP(4) | V(6, 7)),
    ROW("br.call%w%p%d %L=%t", B, B3, NONE, 0, MOP, OP(5)),
    ROW("brp%w%I %t,%g",    B, B6, NONE, 0, MOP, OP(7)),

    /* ---- X unit (slot 2 of MLX; the L slot holds the rest) ---- */
    ROW("break.x %i",       X, X1, NONE, PVP_IA64_F_BREAK, MOP | X3 | X6, OP(0)),
    ROW("nop.x %i",         X, X1, NONE, PVP_IA64_F_NOP, MOP | X3 | X6 | K(26, 1), OP(0) | V(27, 0x01)),
    ROW("movl %a=%i",       X, X2, NONE, 0, MOP | K(20, 1), OP(6)),
    ROW("brl.cond%w%p%d %t", X, X3, NONE, 0, MOP | BT, OP(0xc)),
    ROW("brl.call%w%p%d %L=%t", X, X4, NONE, 0, MOP, OP(0xd)),

    /* ---- A unit (M or I slots) ---- */
    ROW("add %a=%b,%c",     A, A1, NONE, 0, MOP | K(27, 9), OP(8) | V(29, 0x0) | V(27, 0)),
    ROW("sub %a=%b,%c",     A, A1, NONE, 0, MOP | K(27, 9), OP(8) | V(29, 0x1) | V(27, 1)),
    ROW("addp4 %a=%b,%c",   A, A1, NONE, 0, MOP | K(27, 9), OP(8) | V(29, 0x2) | V(27, 0)),
    ROW("and %a=%b,%c",     A, A1, NONE, 0, MOP | K(27, 9), OP(8) | V(29, 0x3) | V(27, 0)),
    ROW("andcm %a=%b,%c",   A, A1, NONE, 0, MOP | K(27, 9), OP(8) | V(29, 0x3) | V(27, 1)),
    ROW("or %a=%b,%c",      A, A1, NONE, 0, MOP | K(27, 9), OP(8) | V(29, 0x3) | V(27, 2)),
    ROW("xor %a=%b,%c",     A, A1, NONE, 0, MOP | K(27, 9), OP(8) | V(29, 0x3) | V(27, 3)),
    ROW("shladd %a=%b,%y,%c", A, A2, NONE, 0, MOP | K(29, 7), OP(8) | V(29, 0x4)),
    ROW("adds %a=%n,%c",    A, A4, NONE, 0, MOP | K(33, 3), OP(8) | V(34, 2)),
    ROW("addp4 %a=%n,%c",   A, A4, NONE, 0, MOP | K(33, 3), OP(8) | V(34, 3)),
    ROW("addl %a=%n,%c",    A, A5, NONE, 0, MOP, OP(9)),
    /* Compares, by major opcode (lt, ltu, eq). A6 takes two registers; in A8
     * bit 36 is the sign of imm8, not a selector (tb of A6). */
    ROW("cmp.lt %a,%P=%b,%c",  A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xc)),
    ROW("cmp.lt.unc %a,%P=%b,%c",  A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xc) | V(12, 1)),
    ROW("cmp4.lt %a,%P=%b,%c",  A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xc) | V(34, 1)),
    ROW("cmp.lt %a,%P=%n,%c",  A, A8, NONE, 0, MOP | K(33, 3) | K(12, 1), OP(0xc) | V(34, 2)),
    ROW("cmp4.lt %a,%P=%n,%c",  A, A8, NONE, 0, MOP | K(33, 3) | K(12, 1), OP(0xc) | V(34, 3)),
    ROW("cmp.ltu %a,%P=%b,%c", A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xd)),
    ROW("cmp.ltu.unc %a,%P=%b,%c", A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xd) | V(12, 1)),
    ROW("cmp4.ltu %a,%P=%b,%c", A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xd) | V(34, 1)),
    ROW("cmp.ltu %a,%P=%n,%c", A, A8, NONE, 0, MOP | K(33, 3) | K(12, 1), OP(0xd) | V(34, 2)),
    ROW("cmp4.ltu %a,%P=%n,%c", A, A8, NONE, 0, MOP | K(33, 3) | K(12, 1), OP(0xd) | V(34, 3)),
    ROW("cmp.eq %a,%P=%b,%c",  A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xe)),
    ROW("cmp.eq.unc %a,%P=%b,%c",  A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xe) | V(12, 1)),
    ROW("cmp4.eq %a,%P=%b,%c",  A, A6, NONE, 0, MOP | K(33, 4) | K(12, 1), OP(0xe) | V(34, 1)),
    ROW("cmp.eq %a,%P=%n,%c",  A, A8, NONE, 0, MOP | K(33, 3) | K(12, 1), OP(0xe) | V(34, 2)),
    ROW("cmp4.eq %a,%P=%n,%c",  A, A8, NONE, 0, MOP | K(33, 3) | K(12, 1), OP(0xe) | V(34, 3)),
};

const pvp_ia64_opcode *pvp_ia64_opcodes(size_t *count)
{
    if (count)
        *count = sizeof(opcode_table) / sizeof(opcode_table[0]);
    return opcode_table;
}

const pvp_ia64_format *pvp_ia64_opcode_format(const pvp_ia64_opcode *op)
{
    return &pvp_ia64_format_table[op->format];
}
