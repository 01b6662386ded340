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

/* What a site's new code is made of: a template (code assembled with
 * placeholder registers) to be given the site's registers and predicate,
 * laid out at the site, and filled to its end. */
typedef struct pvp_code_req {
    const uint8_t *tmpl;       /* template code, host bytes */
    uint64_t tmpl_addr;        /* its target address */
    uint64_t tmpl_size;
    uint8_t qp;                /* qualifying predicate of the site, 0 for none */
    uint8_t regs[6];           /* register for each placeholder, 0 when the site has none */
    uint8_t pclob;             /* predicate for the predicate placeholder, 0 when none */
    uint64_t allowed_gr[2];    /* general registers the code may write (bit n: register n) */
    uint32_t allowed_br;       /* branch registers the code may write */
    uint64_t at;               /* where the site is */
    uint64_t room;             /* its bytes */
    void *cache;               /* optional: memory the backend keeps prepared templates in
                               * for one patch (emptied by site_cache_clear when it starts), or NULL */
    size_t cache_size;
    int (*vtop)(void *ctx, uint64_t vaddr, uint64_t *paddr);   /* not NULL: the code runs with data
                                * translation off, and each address it loads for data (one
                                * outside the template) is replaced by its physical one */
    void *vtop_ctx;
    uint64_t exit;             /* where execution goes on after the code: 0 for at + room; else
                                * the filler must start with a branch there (the out-of-line part
                                * of a split site returns to the end of the part at addr), and an
                                * empty template is a branch there under the site's predicate */
} pvp_code_req;

/* How the new code came out, or why it could not. */
typedef struct pvp_code_result {
    uint64_t used;             /* bytes of code before the filler */
    uint64_t filler;           /* bytes of filler (nops, or a branch over nops) */
    int skip;                  /* 1 if the filler starts with a branch over it */
    const char *why;           /* what did not fit, for the report */
    int reg;                   /* the register concerned, or -1 */
} pvp_code_result;

/* The registers a code unit writes: general (bit n of gr[n/64]) and branch. */
typedef struct pvp_writes {
    uint64_t gr[2];
    uint32_t br;
} pvp_writes;

typedef struct pvp_arch {
    const char *name;
    unsigned code_align;               /* 16 on IA-64 (bundles); a power of two */
    unsigned insn_align;               /* every code unit starts at a multiple of this:
                                        * 16 on IA-64, 1 (or 0) on x86-64 */
    unsigned nforms;
    const char *const *form_names;
    /* Length and PC-relative operands of the code unit at `code` (host bytes,
     * `avail` of them), located at target address `addr`, in one decode; and,
     * when pc_reads is not NULL, how many of its instructions read the PC
     * without a displacement (IA-64 mov r=ip: such code cannot move blindly);
     * when writes is not NULL, the registers it writes (then an instruction
     * the decoder does not know is an error: what it writes is unknown). */
    int (*scan)(const uint8_t *code, size_t avail, uint64_t addr, size_t *len,
                pvp_pcrel *ops, unsigned *nops, unsigned *pc_reads, pvp_writes *writes);
    /* Optional: 1 and the length of the run of whole units from `code` on
     * (within `avail`) that surely have nothing a move changes or counts (no
     * PC-relative operand, no PC read, no load immediate), told faster than
     * scan could; 0 when the first unit may have. Only for units of
     * code_align bytes each. */
    int (*plain)(const uint8_t *code, size_t avail, size_t *len);
    /* Point operand `op` of the unit at `code`, located at `addr`, to `target`, in place. */
    int (*retarget)(uint8_t *code, size_t len, uint64_t addr, const pvp_pcrel *op,
                    uint64_t target);
    /* Read or write the absolute immediate of the address load at position `sub`. */
    int (*load_imm_get)(const uint8_t *code, size_t len, unsigned sub, uint64_t *imm);
    int (*load_imm_set)(uint8_t *code, size_t len, unsigned sub, uint64_t imm);
    unsigned unit_load_sub;            /* the position of a code unit's own load immediate, for
                                        * load_imm_get on the unit: IA-64 2 (the movl's X slot),
                                        * x86-64 0 (the instruction) */
    /* PVP_OK if two units are the same instructions, ignoring PC-relative
     * displacements and, where skip_imm_sub >= 0, the load immediate at that position. */
    int (*same_except_pcrel)(const uint8_t *a, const uint8_t *b, size_t len, int skip_imm_sub);

    /* ---- Sites (optional: NULL where the backend has no site patching) ---- */
    /* Lay out req->tmpl with the site's registers into out (req->room bytes):
     * PVP_E_NO_SPACE if it does not fit, PVP_E_BAD_REGISTER if it needs a
     * register the site lacks or writes one it does not allow. */
    int (*site_code)(const pvp_code_req *req, uint8_t *out, pvp_code_result *res);
    /* PVP_OK if two site regions (len_a bytes at addr_a, len_b at addr_b)
     * hold the same instructions and stops, nops and a branch over filler
     * aside; branch targets compare as addresses, references into a region
     * (a return address) as the instruction they refer to. */
    int (*same_code)(const uint8_t *a, uint64_t addr_a, size_t len_a, const uint8_t *b, uint64_t addr_b,
                     size_t len_b);
    size_t site_cache_size;            /* bytes of template cache that serve a patch well (0: none used) */
    /* Make a cache empty (its index only: what is not indexed is never read). */
    void (*site_cache_clear)(void *cache, size_t size);
    unsigned site_align;               /* sites' start and end alignment in bytes; 0: code_align */
    unsigned max_gr;                   /* general registers: 128 on IA-64 */
    unsigned max_pred;                 /* predicates: 64 */
    uint64_t call_gr[2];               /* registers forms B and C clobber */
    uint32_t call_br;                  /* branch registers forms B and C use */
} pvp_arch;

/* The IA-64 backend. */
extern const pvp_arch pvp_arch_ia64;

#ifdef __cplusplus
}
#endif
#endif
