/* Internal: names of the rows of the IA-64 format table. */
#ifndef PVP_IA64_FORMATS_H
#define PVP_IA64_FORMATS_H

#include "pvpatch/ia64.h"

enum pvp_ia64_fmt_id {
    FMT_NONE,
    FMT_B1, FMT_B2, FMT_B3, FMT_B4, FMT_B5, FMT_B6, FMT_B7, FMT_B8, FMT_B9,
    FMT_M1, FMT_M2, FMT_M3, FMT_M4, FMT_M5,
    FMT_M1_FILL, FMT_M3_FILL, FMT_M4_SPILL, FMT_M5_SPILL,
    FMT_M20, FMT_M21, FMT_M22, FMT_M23, FMT_M24, FMT_M28, FMT_M29, FMT_M30,
    FMT_M31, FMT_M32, FMT_M33, FMT_M35, FMT_M36, FMT_M37, FMT_M41, FMT_M42,
    FMT_M43, FMT_M44, FMT_M45, FMT_M46, FMT_M47,
    FMT_I11, FMT_I12, FMT_I15, FMT_I16, FMT_I19, FMT_I20, FMT_I21, FMT_I22,
    FMT_I23, FMT_I25, FMT_I26, FMT_I27, FMT_I28, FMT_I29,
    FMT_A1, FMT_A2, FMT_A4, FMT_A5, FMT_A6, FMT_A8,
    FMT_F14, FMT_F15,
    FMT_X1, FMT_X2, FMT_X3, FMT_X4,
    FMT_COUNT
};

extern const pvp_ia64_format pvp_ia64_format_table[FMT_COUNT];

#endif
