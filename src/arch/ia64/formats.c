/* The IA-64 instruction formats: for each, where every operand field lives
 * in the 41-bit slot (and, for X formats, in the L slot); and the names the
 * completer kinds print. Field letters used in syntax strings:
 *   a r1/f1/p1   b r2/f2   c r3/f3   e f4   P p2   L b1   B b2   A ar3   C cr3
 *   t target   g tag   i hex immediate   n signed immediate   x position or
 *   count   y length   z size   h memory hint   w whether hint   p prefetch
 *   hint   d deallocation hint   I importance hint   s status field
 *   m mux1 type   k shift count   o l r alloc's frame sizes   j second mask */
#include "formats.h"

#define P(lsb, w)  { 0, (lsb), (w) }
#define PL(lsb, w) { 1, (lsb), (w) }

/* A field made of one run of bits. */
#define F(tag, kind, lsb, w) { (tag), PVP_IA64_K_##kind, 0, 0, 0, 0, 1, { P(lsb, w) } }
/* A field made of two runs, the first the more significant. */
#define F2(tag, kind, l1, w1, l2, w2) { (tag), PVP_IA64_K_##kind, 0, 0, 0, 0, 2, { P(l1, w1), P(l2, w2) } }
/* A signed field of two or three runs (the sign bit first). */
#define S2(tag, kind, l1, w1, l2, w2) { (tag), PVP_IA64_K_##kind, 1, 0, 0, 0, 2, { P(l1, w1), P(l2, w2) } }
#define S3(tag, kind, l1, w1, l2, w2, l3, w3) \
    { (tag), PVP_IA64_K_##kind, 1, 0, 0, 0, 3, { P(l1, w1), P(l2, w2), P(l3, w3) } }
/* A number stored as bias - value (63 - pos, 31 - count). */
#define INV(tag, lsb, w, bias) { (tag), PVP_IA64_K_NUM, 0, 0, (bias), 1, 1, { P(lsb, w) } }
/* A number stored as value - bias (len - 1, count - 1). */
#define BIAS(tag, lsb, w, bias) { (tag), PVP_IA64_K_NUM, 0, 0, (bias), 0, 1, { P(lsb, w) } }

#define GR1 F('a', GR, 6, 7)
#define GR2 F('b', GR, 13, 7)
#define GR3 F('c', GR, 20, 7)
#define FR1 F('a', FR, 6, 7)
#define FR2 F('b', FR, 13, 7)
#define FR3 F('c', FR, 20, 7)
#define FR4 F('e', FR, 27, 7)
#define BR1 F('L', BR, 6, 3)
#define BR2 F('B', BR, 13, 3)
#define PR1 F('a', PR, 6, 6)
#define PR2 F('P', PR, 27, 6)
#define AR3 F('A', AR, 20, 7)
#define CR3 F('C', CR, 20, 7)
#define WH  F('w', WH, 33, 2)
#define PH  F('p', PH, 12, 1)
#define DH  F('d', DH, 35, 1)
#define SZ  F('z', SZ, 30, 2)
#define FSZ F('z', FSZ, 30, 2)
#define SF  F('s', SF, 34, 2)
/* Memory hints: two bits, and for the forms that have it an extension bit on top. */
#define LDH  F2('h', LDH, 19, 1, 28, 2)
#define LDH2 F('h', LDH2, 28, 2)
#define STH  F2('h', STH, 12, 1, 28, 2)
#define STH2 F('h', STH2, 28, 2)
#define LFH  F2('h', LFH, 12, 1, 28, 2)
/* Post-increment immediates: s:i:imm7b of loads, s:i:imm7a of stores. */
#define INC9B S3('n', SIMM, 36, 1, 27, 1, 13, 7)
#define INC9A S3('n', SIMM, 36, 1, 27, 1, 6, 7)
/* s:imm7b of A3, A8 and I13. */
#define IMM8 S2('n', SIMM, 36, 1, 13, 7)
/* IP-relative forms: brp and mov-to-br tags, and brp's target field. */
#define TAG13 { 'g', PVP_IA64_K_TAG, 1, 4, 0, 0, 2, { P(33, 2), P(6, 7) } }
#define TAG9  { 'g', PVP_IA64_K_TAG, 1, 4, 0, 0, 1, { P(24, 9) } }

/* s:imm20b, in bundles: B1-B3, B6, M22, M23. */
#define TARGET21B { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 2, { P(36, 1), P(13, 20) } }
/* s:imm13c:imm7a: M20, M21, I20. */
#define TARGET21C { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 3, { P(36, 1), P(20, 13), P(6, 7) } }
/* s:imm20a: F14. */
#define TARGET21A { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 2, { P(36, 1), P(6, 20) } }
/* i:imm39(L):imm20b: X3, X4. */
#define TARGET60  { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 3, { P(36, 1), PL(2, 39), P(13, 20) } }
/* i:imm20a: break, nop and hint of M, I, B, F. */
#define IMM21     F2('i', IMM, 36, 1, 6, 20)

#define FMT(name, qp, ...) { name, qp, sizeof((pvp_ia64_field[]){ __VA_ARGS__ }) / sizeof(pvp_ia64_field), { __VA_ARGS__ } }
#define FMT0(name, qp) { name, qp, 0, { { 0 } } }

const pvp_ia64_format pvp_ia64_format_table[FMT_COUNT] = {
    [FMT_NONE] = FMT0("?", 1),
    [FMT_B1] = FMT("B1", 1, WH, PH, DH, TARGET21B),
    [FMT_B2] = FMT("B2", 0, WH, PH, DH, TARGET21B),
    [FMT_B3] = FMT("B3", 1, BR1, WH, PH, DH, TARGET21B),
    [FMT_B4] = FMT("B4", 1, WH, PH, DH, BR2),
    [FMT_B5] = FMT("B5", 1, BR1, BR2, F('w', WH3, 32, 3), PH, DH),
    [FMT_B6] = FMT("B6", 0, F('w', WHBRP, 3, 2), F('I', IH, 35, 1), TARGET21B, TAG13),
    [FMT_B7] = FMT("B7", 0, F('w', WHBRPI, 3, 2), F('I', IH, 35, 1), BR2, TAG13),
    [FMT_B8] = FMT0("B8", 0),
    [FMT_B9] = FMT("B9", 1, IMM21),

    /* Integer loads and stores; the F variants (fill, spill, 16-byte) have no size field. */
    [FMT_M1] = FMT("M1", 1, SZ, GR1, GR3, LDH),
    [FMT_M1F] = FMT("M1", 1, GR1, GR3, LDH),
    [FMT_M2] = FMT("M2", 1, SZ, GR1, GR3, GR2, LDH2),
    [FMT_M2F] = FMT("M2", 1, GR1, GR3, GR2, LDH2),
    [FMT_M3] = FMT("M3", 1, SZ, GR1, GR3, LDH2, INC9B),
    [FMT_M3F] = FMT("M3", 1, GR1, GR3, LDH2, INC9B),
    [FMT_M4] = FMT("M4", 1, SZ, GR3, GR2, STH),
    [FMT_M4F] = FMT("M4", 1, GR3, GR2, STH),
    [FMT_M5] = FMT("M5", 1, SZ, GR3, GR2, STH2, INC9A),
    [FMT_M5F] = FMT("M5", 1, GR3, GR2, STH2, INC9A),
    /* Floating-point loads and stores. */
    [FMT_M6] = FMT("M6", 1, FSZ, FR1, GR3, LDH),
    [FMT_M6F] = FMT("M6", 1, FR1, GR3, LDH),
    [FMT_M7] = FMT("M7", 1, FSZ, FR1, GR3, GR2, LDH2),
    [FMT_M7F] = FMT("M7", 1, FR1, GR3, GR2, LDH2),
    [FMT_M8] = FMT("M8", 1, FSZ, FR1, GR3, LDH2, INC9B),
    [FMT_M8F] = FMT("M8", 1, FR1, GR3, LDH2, INC9B),
    [FMT_M9] = FMT("M9", 1, FSZ, GR3, FR2, STH),
    [FMT_M9F] = FMT("M9", 1, GR3, FR2, STH),
    [FMT_M10] = FMT("M10", 1, FSZ, GR3, FR2, STH2, INC9A),
    [FMT_M10F] = FMT("M10", 1, GR3, FR2, STH2, INC9A),
    [FMT_M11] = FMT("M11", 1, F('z', FPSZ, 30, 2), FR1, FR2, GR3, LDH2),
    [FMT_M12] = FMT("M12", 1, FR1, FR2, GR3, LDH2),
    [FMT_M13] = FMT("M13", 1, GR3, LFH),
    [FMT_M13C] = FMT("M13", 1, GR3, LFH, BIAS('x', 6, 6, 1),
                     { 'n', PVP_IA64_K_SIMM, 1, 6, 0, 0, 1, { P(13, 5) } }),
    [FMT_M14] = FMT("M14", 1, GR3, GR2, LFH),
    [FMT_M15] = FMT("M15", 1, GR3, LFH, INC9B),
    /* Semaphores, fetchadd, moves between register files. */
    [FMT_M16] = FMT("M16", 1, SZ, GR1, GR3, GR2, LDH2),
    [FMT_M16F] = FMT("M16", 1, GR1, GR3, GR2, LDH2),
    [FMT_M17] = FMT("M17", 1, GR1, GR3, F('i', INC3, 13, 3), LDH2),
    [FMT_M18] = FMT("M18", 1, FR1, GR2),
    [FMT_M19] = FMT("M19", 1, GR1, FR2),
    [FMT_M20] = FMT("M20", 1, GR2, TARGET21C),
    [FMT_M21] = FMT("M21", 1, FR2, TARGET21C),
    [FMT_M22] = FMT("M22", 1, GR1, TARGET21B),
    [FMT_M23] = FMT("M23", 1, FR1, TARGET21B),
    [FMT_M24] = FMT0("M24", 1),
    [FMT_M25] = FMT0("M25", 0),
    [FMT_M26] = FMT("M26", 1, GR1),
    [FMT_M27] = FMT("M27", 1, FR1),
    [FMT_M28] = FMT("M28", 1, GR3),
    [FMT_M29] = FMT("M29", 1, AR3, GR2),
    [FMT_M30] = FMT("M30", 1, AR3, IMM8),
    [FMT_M31] = FMT("M31", 1, GR1, AR3),
    [FMT_M32] = FMT("M32", 1, CR3, GR2),
    [FMT_M33] = FMT("M33", 1, GR1, CR3),
    [FMT_M34] = FMT("M34", 0, GR1, F('o', NUM, 13, 7), F('l', NUM, 20, 7),
                    { 'r', PVP_IA64_K_NUM, 0, 3, 0, 0, 1, { P(27, 4) } }),
    [FMT_M35] = FMT("M35", 1, GR2),
    [FMT_M36] = FMT("M36", 1, GR1),
    [FMT_M37] = FMT("M37", 1, IMM21),
    [FMT_M38] = FMT("M38", 1, GR1, GR3, GR2),
    [FMT_M39] = FMT("M39", 1, GR1, GR3, F('x', NUM, 13, 2)),
    [FMT_M40] = FMT("M40", 1, GR3, F('x', NUM, 13, 2)),
    [FMT_M41] = FMT("M41", 1, GR2),
    [FMT_M42] = FMT("M42", 1, GR3, GR2),
    [FMT_M43] = FMT("M43", 1, GR1, GR3),
    [FMT_M44] = FMT("M44", 1, { 'i', PVP_IA64_K_IMM, 0, 0, 0, 0, 3, { P(36, 1), P(31, 2), P(6, 21) } }),
    [FMT_M45] = FMT("M45", 1, GR3, GR2),
    [FMT_M46] = FMT("M46", 1, GR1, GR3),
    [FMT_M47] = FMT("M47", 1, GR3),
    /* hint.m imm and mov dahr[n]=imm16 (Itanium 9500 data access hints). */
    [FMT_M48] = FMT("M48", 1, { 'i', PVP_IA64_K_NUM, 0, 0, 0, 0, 3, { P(36, 1), P(12, 14), P(6, 4) } }),
    [FMT_M50] = FMT("M50", 1, F('x', NUM, 23, 3),
                    { 'i', PVP_IA64_K_NUM, 0, 0, 0, 0, 3, { P(36, 1), P(12, 11), P(6, 4) } }),

    /* Multimedia, shifts and deposits on the I unit. */
    [FMT_I1] = FMT("I1", 1, GR1, GR2, GR3, F('k', CNT2, 30, 2)),
    [FMT_I2] = FMT("I2", 1, GR1, GR2, GR3),
    [FMT_I3] = FMT("I3", 1, GR1, GR2, F('m', MBTYPE, 20, 4)),
    [FMT_I4] = FMT("I4", 1, GR1, GR2, F('i', IMM, 20, 8)),
    [FMT_I5] = FMT("I5", 1, GR1, GR3, GR2),
    [FMT_I6] = FMT("I6", 1, GR1, GR3, F('x', NUM, 14, 5)),
    [FMT_I7] = FMT("I7", 1, GR1, GR2, GR3),
    [FMT_I8] = FMT("I8", 1, GR1, GR2, INV('x', 20, 5, 31)),
    [FMT_I9] = FMT("I9", 1, GR1, GR3),
    [FMT_I10] = FMT("I10", 1, GR1, GR2, GR3, F('x', NUM, 27, 6)),
    [FMT_I11] = FMT("I11", 1, GR1, GR3, F('x', NUM, 14, 6), BIAS('y', 27, 6, 1)),
    [FMT_I12] = FMT("I12", 1, GR1, GR2, INV('x', 20, 6, 63), BIAS('y', 27, 6, 1)),
    [FMT_I13] = FMT("I13", 1, GR1, IMM8, INV('x', 20, 6, 63), BIAS('y', 27, 6, 1)),
    [FMT_I14] = FMT("I14", 1, GR1, { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 1, { P(36, 1) } }, GR3,
                    INV('x', 14, 6, 63), BIAS('y', 27, 6, 1)),
    [FMT_I15] = FMT("I15", 1, GR1, GR2, GR3, INV('x', 31, 6, 63), BIAS('y', 27, 4, 1)),
    [FMT_I16] = FMT("I16", 1, PR1, PR2, GR3, F('x', NUM, 14, 6)),
    [FMT_I17] = FMT("I17", 1, PR1, PR2, GR3),
    [FMT_I19] = FMT("I19", 1, IMM21),
    [FMT_I20] = FMT("I20", 1, GR2, TARGET21C),
    [FMT_I21] = FMT("I21", 1, BR1, GR2, F('w', WHMOV, 20, 2), F('I', IH, 23, 1), TAG9),
    [FMT_I21N] = FMT("I21", 1, BR1, GR2),
    [FMT_I22] = FMT("I22", 1, GR1, BR2),
    [FMT_I23] = FMT("I23", 1, GR2,
                    { 'i', PVP_IA64_K_IMM, 1, 1, 0, 0, 3, { P(36, 1), P(24, 8), P(6, 7) } }),
    [FMT_I24] = FMT("I24", 1, { 'i', PVP_IA64_K_IMM, 1, 16, 0, 0, 2, { P(36, 1), P(6, 27) } }),
    [FMT_I25] = FMT("I25", 1, GR1),
    [FMT_I26] = FMT("I26", 1, AR3, GR2),
    [FMT_I27] = FMT("I27", 1, AR3, IMM8),
    [FMT_I28] = FMT("I28", 1, GR1, AR3),
    [FMT_I29] = FMT("I29", 1, GR1, GR3),
    [FMT_I30] = FMT("I30", 1, PR1, PR2, BIAS('x', 14, 5, 32)),

    /* Integer ALU, compares and multimedia ALU on M or I slots. */
    [FMT_A1] = FMT("A1", 1, GR1, GR2, GR3),
    [FMT_A2] = FMT("A2", 1, GR1, GR2, GR3, BIAS('y', 27, 2, 1)),
    [FMT_A3] = FMT("A3", 1, GR1, IMM8, GR3),
    [FMT_A4] = FMT("A4", 1, GR1, GR3, S3('n', SIMM, 36, 1, 27, 6, 13, 7)),
    [FMT_A5] = FMT("A5", 1, GR1, F('c', GR, 20, 2),
                   { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 4, { P(36, 1), P(22, 5), P(27, 9), P(13, 7) } }),
    [FMT_A6] = FMT("A6", 1, PR1, PR2, GR2, GR3),
    [FMT_A7] = FMT("A7", 1, PR1, PR2, GR3),
    [FMT_A8] = FMT("A8", 1, PR1, PR2, GR3, IMM8),

    /* Floating point. */
    [FMT_F1] = FMT("F1", 1, FR1, FR2, FR3, FR4, SF),
    [FMT_F2] = FMT("F2", 1, FR1, FR2, FR3, FR4),
    [FMT_F4] = FMT("F4", 1, PR1, PR2, FR2, FR3, SF),
    [FMT_F5] = FMT("F5", 1, PR1, PR2, FR2, F2('i', IMM, 20, 7, 33, 2)),
    [FMT_F6] = FMT("F6", 1, FR1, PR2, FR2, FR3, SF),
    [FMT_F7] = FMT("F7", 1, FR1, PR2, FR3, SF),
    [FMT_F8] = FMT("F8", 1, FR1, FR2, FR3, SF),
    [FMT_F9] = FMT("F9", 1, FR1, FR2, FR3),
    [FMT_F10] = FMT("F10", 1, FR1, FR2, SF),
    [FMT_F11] = FMT("F11", 1, FR1, FR2),
    [FMT_F12] = FMT("F12", 1, SF, F('i', IMM, 13, 7), F('j', IMM, 20, 7)),
    [FMT_F13] = FMT("F13", 1, SF),
    [FMT_F14] = FMT("F14", 1, SF, TARGET21A),
    [FMT_F15] = FMT("F15", 1, IMM21),

    /* imm62 = imm41:i:imm20a, the order GNU binutils encodes and prints (i is bit 20). */
    [FMT_X1] = FMT("X1", 1, { 'i', PVP_IA64_K_IMM, 0, 0, 0, 0, 3, { PL(0, 41), P(36, 1), P(6, 20) } }),
    [FMT_X2] = FMT("X2", 1, GR1,
                   { 'i', PVP_IA64_K_IMM, 0, 0, 0, 0, 6,
                     { P(36, 1), PL(0, 41), P(21, 1), P(22, 5), P(27, 9), P(13, 7) } }),
    [FMT_X3] = FMT("X3", 1, WH, PH, DH, TARGET60),
    [FMT_X4] = FMT("X4", 1, BR1, WH, PH, DH, TARGET60),
};

const pvp_ia64_format *pvp_ia64_formats(size_t *count)
{
    if (count)
        *count = FMT_COUNT;
    return pvp_ia64_format_table;
}

const pvp_ia64_field *pvp_ia64_format_field(const pvp_ia64_format *fmt, char tag)
{
    for (unsigned i = 0; i < fmt->nfields; i++)
        if (fmt->field[i].tag == tag)
            return &fmt->field[i];
    return NULL;
}

/* ---- Names of completer values ------------------------------------------ */

#define NAMES(...) sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *), \
                   (const char *const[]){ __VA_ARGS__ }

/* The names of each completer kind by value. A value without a name is
 * reserved (the slot is no instruction), except in kinds that print such
 * values as numbers. */
static const struct kind_names {
    uint8_t number_fallback;
    uint8_t count;
    const char *const *name;
} kind_names[PVP_IA64_K_COUNT] = {
    [PVP_IA64_K_WH] = { 0, NAMES(".sptk", ".spnt", ".dptk", ".dpnt") },
    [PVP_IA64_K_WH3] = { 0, NAMES(NULL, ".sptk", NULL, ".spnt", NULL, ".dptk", NULL, ".dpnt") },
    [PVP_IA64_K_WHBRP] = { 0, NAMES(".sptk", ".loop", ".dptk", ".exit") },
    [PVP_IA64_K_WHBRPI] = { 0, NAMES(".sptk", NULL, ".dptk", NULL) },
    [PVP_IA64_K_WHMOV] = { 0, NAMES(".sptk", "", ".dptk", NULL) },
    [PVP_IA64_K_PH] = { 0, NAMES(".few", ".many") },
    [PVP_IA64_K_DH] = { 0, NAMES("", ".clr") },
    [PVP_IA64_K_IH] = { 0, NAMES("", ".imp") },
    [PVP_IA64_K_LDH] = { 0, NAMES("", ".nt1", ".d2", ".nta", ".d4", ".d5", ".d6", ".d7") },
    [PVP_IA64_K_LDH2] = { 0, NAMES("", ".nt1", NULL, ".nta") },
    [PVP_IA64_K_STH] = { 0, NAMES("", ".d1", ".d2", ".nta", ".d4", ".d5", ".d6", ".d7") },
    [PVP_IA64_K_STH2] = { 0, NAMES("", NULL, NULL, ".nta") },
    [PVP_IA64_K_LFH] = { 0, NAMES("", ".nt1", ".nt2", ".nta", ".d4", ".d5", ".d6", ".d7") },
    [PVP_IA64_K_SZ] = { 0, NAMES("1", "2", "4", "8") },
    [PVP_IA64_K_FSZ] = { 0, NAMES("e", "8", "s", "d") },
    [PVP_IA64_K_FPSZ] = { 0, NAMES(NULL, "8", "s", "d") },
    [PVP_IA64_K_SF] = { 0, NAMES(".s0", ".s1", ".s2", ".s3") },
    [PVP_IA64_K_INC3] = { 0, NAMES("16", "8", "4", "1", "-16", "-8", "-4", "-1") },
    [PVP_IA64_K_MBTYPE] = { 1, NAMES("@brcst", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                     "@mix", "@shuf", "@alt", "@rev") },
    [PVP_IA64_K_CNT2] = { 0, NAMES("0", "7", "15", "16") },
};

const char *pvp_ia64_kind_name(unsigned kind, uint64_t value)
{
    const struct kind_names *k = &kind_names[kind < PVP_IA64_K_COUNT ? kind : 0];
    return k->name && value < k->count ? k->name[value] : NULL;
}

int pvp_ia64_kind_reserved(unsigned kind, uint64_t value)
{
    return pvp_ia64_kind_is_completer(kind) && !kind_names[kind].number_fallback &&
           !pvp_ia64_kind_name(kind, value);
}
