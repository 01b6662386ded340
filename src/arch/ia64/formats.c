/* The IA-64 instruction formats pvpatch knows: for each, where every operand
 * field lives in the 41-bit slot (and, for X formats, in the L slot).
 * Field letters used in syntax strings:
 *   a r1/f1/p1 destination   b r2/f2 source   c r3 source   B b2   L b1
 *   A ar3   C cr3   t target   g brp tag   i/n immediates   w p d h hints
 *   P p2   x pos/cpos   y len */
#include "formats.h"

#define P(lsb, w)  { 0, (lsb), (w) }
#define PL(lsb, w) { 1, (lsb), (w) }

/* A field made of one run of bits. */
#define F(tag, kind, lsb, w) { (tag), (kind), 0, 0, 0, 0, 1, { P(lsb, w) } }
/* A 6-bit bit position stored as 63 - pos. */
#define CPOS(lsb) { 'x', PVP_IA64_K_NUM, 0, 0, 63, 1, 1, { P(lsb, 6) } }
/* A length stored as len - 1. */
#define LEN(lsb, w) { 'y', PVP_IA64_K_NUM, 0, 0, 1, 0, 1, { P(lsb, w) } }

#define GR1 F('a', PVP_IA64_K_GR, 6, 7)
#define GR2 F('b', PVP_IA64_K_GR, 13, 7)
#define GR3 F('c', PVP_IA64_K_GR, 20, 7)
#define FR1 F('a', PVP_IA64_K_FR, 6, 7)
#define FR2 F('b', PVP_IA64_K_FR, 13, 7)
#define BR1 F('L', PVP_IA64_K_BR, 6, 3)
#define BR2 F('B', PVP_IA64_K_BR, 13, 3)
#define WH  F('w', PVP_IA64_K_WH, 33, 2)
#define PH  F('p', PVP_IA64_K_PH, 12, 1)
#define DH  F('d', PVP_IA64_K_DH, 35, 1)
#define LDH F('h', PVP_IA64_K_LDH, 28, 2)
#define SZ  F('z', PVP_IA64_K_SZ, 30, 2)
#define P1  F('a', PVP_IA64_K_PR, 6, 6)
#define P2  F('P', PVP_IA64_K_PR, 27, 6)

/* s:imm20b, in bundles: B1-B3, B6, M22, M23. */
#define TARGET21B { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 2, { P(36, 1), P(13, 20) } }
/* s:imm13c:imm7a: M20, M21, I20. */
#define TARGET21C { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 3, { P(36, 1), P(20, 13), P(6, 7) } }
/* s:imm20a: F14. */
#define TARGET21A { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 2, { P(36, 1), P(6, 20) } }
/* i:imm39(L):imm20b: X3, X4. */
#define TARGET60  { 't', PVP_IA64_K_TARGET, 1, 4, 0, 0, 3, { P(36, 1), PL(2, 39), P(13, 20) } }
/* i:imm20a: break and nop of M, I, B, F. */
#define IMM21     { 'i', PVP_IA64_K_IMM, 0, 0, 0, 0, 2, { P(36, 1), P(6, 20) } }

#define FMT(name, qp, ...) { name, qp, sizeof((pvp_ia64_field[]){ __VA_ARGS__ }) / sizeof(pvp_ia64_field), { __VA_ARGS__ } }
#define FMT0(name, qp) { name, qp, 0, { { 0 } } }

const pvp_ia64_format pvp_ia64_format_table[FMT_COUNT] = {
    [FMT_NONE] = FMT0("?", 1),
    [FMT_B1] = FMT("B1", 1, WH, PH, DH, TARGET21B),
    [FMT_B2] = FMT("B2", 1, WH, PH, DH, TARGET21B),
    [FMT_B3] = FMT("B3", 1, BR1, WH, PH, DH, TARGET21B),
    [FMT_B4] = FMT("B4", 1, WH, PH, DH, BR2),
    [FMT_B5] = FMT("B5", 1, BR1, BR2, F('w', PVP_IA64_K_WH3, 32, 3), PH, DH),
    [FMT_B6] = FMT("B6", 0, F('w', PVP_IA64_K_WHBRP, 3, 2), F('I', PVP_IA64_K_IH, 35, 1),
                   TARGET21B,
                   { 'g', PVP_IA64_K_TAG, 1, 4, 0, 0, 2, { P(33, 2), P(6, 7) } }),
    [FMT_B7] = FMT("B7", 0, F('w', PVP_IA64_K_WHBRP, 3, 2), F('I', PVP_IA64_K_IH, 35, 1), BR2,
                   { 'g', PVP_IA64_K_TAG, 1, 4, 0, 0, 2, { P(33, 2), P(6, 7) } }),
    [FMT_B8] = FMT0("B8", 0),
    [FMT_B9] = FMT("B9", 1, IMM21),

    [FMT_M1] = FMT("M1", 1, SZ, GR1, GR3, LDH),
    [FMT_M2] = FMT("M2", 1, SZ, GR1, GR3, GR2, LDH),
    [FMT_M3] = FMT("M3", 1, SZ, GR1, GR3, LDH,
                   { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 3, { P(36, 1), P(27, 1), P(13, 7) } }),
    [FMT_M4] = FMT("M4", 1, SZ, GR3, GR2, LDH),
    [FMT_M5] = FMT("M5", 1, SZ, GR3, GR2, LDH,
                   { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 3, { P(36, 1), P(27, 1), P(6, 7) } }),
    /* ld8.fill and st8.spill: the size bits are part of their selector (x6). */
    [FMT_M1_FILL] = FMT("M1", 1, GR1, GR3, LDH),
    [FMT_M3_FILL] = FMT("M3", 1, GR1, GR3, LDH,
                        { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 3, { P(36, 1), P(27, 1), P(13, 7) } }),
    [FMT_M4_SPILL] = FMT("M4", 1, GR3, GR2, LDH),
    [FMT_M5_SPILL] = FMT("M5", 1, GR3, GR2, LDH,
                         { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 3, { P(36, 1), P(27, 1), P(6, 7) } }),
    [FMT_M20] = FMT("M20", 1, GR2, TARGET21C),
    [FMT_M21] = FMT("M21", 1, FR2, TARGET21C),
    [FMT_M22] = FMT("M22", 1, GR1, TARGET21B),
    [FMT_M23] = FMT("M23", 1, FR1, TARGET21B),
    [FMT_M24] = FMT0("M24", 1),
    [FMT_M28] = FMT("M28", 1, GR3),
    [FMT_M29] = FMT("M29", 1, F('A', PVP_IA64_K_AR, 20, 7), GR2),
    [FMT_M30] = FMT("M30", 1, F('A', PVP_IA64_K_AR, 20, 7),
                    { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 2, { P(36, 1), P(13, 7) } }),
    [FMT_M31] = FMT("M31", 1, GR1, F('A', PVP_IA64_K_AR, 20, 7)),
    [FMT_M32] = FMT("M32", 1, F('C', PVP_IA64_K_CR, 20, 7), GR2),
    [FMT_M33] = FMT("M33", 1, GR1, F('C', PVP_IA64_K_CR, 20, 7)),
    [FMT_M35] = FMT("M35", 1, GR2),
    [FMT_M36] = FMT("M36", 1, GR1),
    [FMT_M37] = FMT("M37", 1, IMM21),
    [FMT_M41] = FMT("M41", 1, GR2),
    [FMT_M42] = FMT("M42", 1, GR3, GR2),
    [FMT_M43] = FMT("M43", 1, GR1, GR3),
    [FMT_M44] = FMT("M44", 1, { 'i', PVP_IA64_K_IMM, 0, 0, 0, 0, 3, { P(36, 1), P(31, 2), P(6, 21) } }),
    [FMT_M45] = FMT("M45", 1, GR3, GR2),
    [FMT_M46] = FMT("M46", 1, GR1, GR3),
    [FMT_M47] = FMT("M47", 1, GR3),

    [FMT_I11] = FMT("I11", 1, GR1, GR3, F('x', PVP_IA64_K_NUM, 14, 6), LEN(27, 6)),
    [FMT_I12] = FMT("I12", 1, GR1, GR2, CPOS(20), LEN(27, 6)),
    [FMT_I15] = FMT("I15", 1, GR1, GR2, GR3, CPOS(31), LEN(27, 4)),
    [FMT_I29] = FMT("I29", 1, GR1, GR3),
    [FMT_I16] = FMT("I16", 1, P1, P2, GR3, F('x', PVP_IA64_K_NUM, 14, 6)),
    [FMT_I19] = FMT("I19", 1, IMM21),
    [FMT_I20] = FMT("I20", 1, GR2, TARGET21C),
    [FMT_I21] = FMT("I21", 1, BR1, GR2),
    [FMT_I22] = FMT("I22", 1, GR1, BR2),
    [FMT_I23] = FMT("I23", 1, GR2,
                    { 'n', PVP_IA64_K_SIMM, 1, 1, 0, 0, 3, { P(36, 1), P(24, 8), P(6, 7) } }),
    [FMT_I25] = FMT("I25", 1, GR1),
    [FMT_I26] = FMT("I26", 1, F('A', PVP_IA64_K_AR, 20, 7), GR2),
    [FMT_I27] = FMT("I27", 1, F('A', PVP_IA64_K_AR, 20, 7),
                    { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 2, { P(36, 1), P(13, 7) } }),
    [FMT_I28] = FMT("I28", 1, GR1, F('A', PVP_IA64_K_AR, 20, 7)),

    [FMT_A1] = FMT("A1", 1, GR1, GR2, GR3),
    [FMT_A2] = FMT("A2", 1, GR1, GR2, GR3, LEN(27, 2)),
    [FMT_A4] = FMT("A4", 1, GR1, GR3,
                   { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 3, { P(36, 1), P(27, 6), P(13, 7) } }),
    [FMT_A5] = FMT("A5", 1, GR1, F('c', PVP_IA64_K_GR, 20, 2),
                   { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 4, { P(36, 1), P(22, 5), P(27, 9), P(13, 7) } }),
    [FMT_A6] = FMT("A6", 1, P1, P2, GR2, GR3),
    [FMT_A8] = FMT("A8", 1, P1, P2, GR3,
                   { 'n', PVP_IA64_K_SIMM, 1, 0, 0, 0, 2, { P(36, 1), P(13, 7) } }),

    [FMT_F14] = FMT("F14", 1, F('s', PVP_IA64_K_NUM, 34, 2), TARGET21A),
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
