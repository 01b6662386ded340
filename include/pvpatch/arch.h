/* The arch interface: what the engine needs to know about an instruction set,
 * as a small table of functions. The engine itself knows nothing of bundles
 * or ModRM bytes. Freestanding. */
#ifndef PVPATCH_ARCH_H
#define PVPATCH_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVP_MAX_PCREL 6   /* PC-relative operands one code unit can hold */

/* A PC-relative operand of a code unit. */
typedef struct pvp_pcrel {
    uint8_t form;      /* index into the arch's form_names */
    uint8_t sub;       /* position inside the unit (IA-64: slot) */
    uint8_t index;     /* which operand of that position (IA-64 brp: 0 target, 1 tag) */
    uint8_t bits;      /* displacement width, sign included, in code_align units */
    uint64_t target;
} pvp_pcrel;

typedef struct pvp_arch {
    const char *name;
    unsigned code_align;               /* 16 on IA-64 (bundles) */
    unsigned nforms;
    const char *const *form_names;
    /* Length and PC-relative operands of the code unit at `code` (host bytes,
     * `avail` of them), located at target address `addr`. */
    int (*scan)(const uint8_t *code, size_t avail, uint64_t addr, size_t *len,
                pvp_pcrel *ops, unsigned *nops);
    /* Point operand `op` of the unit at `code`, located at `addr`, to `target`, in place. */
    int (*retarget)(uint8_t *code, size_t len, uint64_t addr, const pvp_pcrel *op,
                    uint64_t target);
    /* Read or write the absolute immediate of the address load at position `sub`. */
    int (*load_imm_get)(const uint8_t *code, size_t len, unsigned sub, uint64_t *imm);
    int (*load_imm_set)(uint8_t *code, size_t len, unsigned sub, uint64_t imm);
    /* How many instructions of the unit read the PC without a displacement. */
    unsigned (*reads_pc)(const uint8_t *code, size_t len);
    /* PVP_OK if two units are the same instructions, ignoring PC-relative
     * displacements and, where skip_imm_sub >= 0, the load immediate at that position. */
    int (*same_except_pcrel)(const uint8_t *a, const uint8_t *b, size_t len, int skip_imm_sub);
} pvp_arch;

/* The IA-64 backend. */
extern const pvp_arch pvp_arch_ia64;

#ifdef __cplusplus
}
#endif
#endif
