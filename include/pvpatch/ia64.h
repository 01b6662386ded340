/* pvpatch IA-64 codec: bundles, slots, the instruction-format table and the
 * operations the engine needs on them (IP-relative operands, movl, nops,
 * branches, sensitive-instruction classes, text).
 *
 * Freestanding C11: stdint.h and stddef.h only; no allocation; bundles are
 * read and written as little-endian bytes whatever the host is. */
#ifndef PVPATCH_IA64_H
#define PVPATCH_IA64_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVP_IA64_BUNDLE_SIZE 16u
#define PVP_IA64_SLOT_BITS   41u
#define PVP_IA64_SLOT_MASK   ((UINT64_C(1) << 41) - 1)
#define PVP_IA64_QP_MASK     UINT64_C(0x3f)   /* qualifying predicate: bits 0-5 of a slot */

/* Execution unit of a slot. A is the table's name for instructions that run
 * on either an M or an I slot; a decoded slot is never of unit A. */
typedef enum pvp_ia64_unit {
    PVP_IA64_UNIT_NONE = 0,
    PVP_IA64_UNIT_M,
    PVP_IA64_UNIT_I,
    PVP_IA64_UNIT_F,
    PVP_IA64_UNIT_B,
    PVP_IA64_UNIT_L,
    PVP_IA64_UNIT_X,
    PVP_IA64_UNIT_A
} pvp_ia64_unit;

/* One of the 32 template values: the unit of each slot and where stops are. */
typedef struct pvp_ia64_template {
    uint8_t units[3];   /* pvp_ia64_unit per slot; NONE for reserved templates */
    uint8_t stops;      /* bit i set: a stop follows slot i */
    uint8_t reserved;   /* 1 for 06, 07, 14, 15, 1A, 1B, 1E, 1F */
} pvp_ia64_template;

/* A bundle split into its template and three 41-bit slots. */
typedef struct pvp_ia64_bundle {
    uint8_t tmpl;
    uint64_t slot[3];
} pvp_ia64_bundle;

/* ---- The ISA as data --------------------------------------------------- */

/* What an operand field holds, which decides how it is printed and checked.
 * The completer kinds (WH to CNT2) print a name looked up by the field's
 * value; a value the architecture reserves has no name, and a slot holding
 * one decodes as unknown. */
typedef enum pvp_ia64_kind {
    PVP_IA64_K_NONE = 0,
    PVP_IA64_K_GR, PVP_IA64_K_FR, PVP_IA64_K_BR, PVP_IA64_K_PR,
    PVP_IA64_K_CR, PVP_IA64_K_AR,
    PVP_IA64_K_IMM,      /* immediate printed in hex (sign-extended first if is_signed) */
    PVP_IA64_K_NUM,      /* unsigned number (position, length, count), printed in decimal */
    PVP_IA64_K_SIMM,     /* signed immediate, printed in decimal */
    PVP_IA64_K_TARGET,   /* IP-relative branch or check target */
    PVP_IA64_K_TAG,      /* IP-relative branch-prediction tag (brp, mov to br) */
    PVP_IA64_K_WH,       /* branch whether hint: .sptk .spnt .dptk .dpnt */
    PVP_IA64_K_WH3,      /* 3-bit whether hint of indirect calls (odd values only) */
    PVP_IA64_K_WHBRP,    /* brp hint: .sptk .loop .dptk .exit */
    PVP_IA64_K_WHBRPI,   /* indirect brp hint: .sptk .dptk */
    PVP_IA64_K_WHMOV,    /* mov to br hint: .sptk, none, .dptk */
    PVP_IA64_K_PH,       /* prefetch hint: .few .many */
    PVP_IA64_K_DH,       /* deallocation hint: none .clr */
    PVP_IA64_K_IH,       /* importance hint: none .imp */
    PVP_IA64_K_LDH,      /* load hint with the extension bit: none .nt1 .d2 .nta .d4-.d7 */
    PVP_IA64_K_LDH2,     /* load hint of post-increment and semaphore forms: none .nt1 .nta */
    PVP_IA64_K_STH,      /* store hint with the extension bit: none .d1 .d2 .nta .d4-.d7 */
    PVP_IA64_K_STH2,     /* store hint of immediate post-increment forms: none .nta */
    PVP_IA64_K_LFH,      /* line prefetch hint: none .nt1 .nt2 .nta .d4-.d7 */
    PVP_IA64_K_SZ,       /* integer access size: 1 2 4 8 */
    PVP_IA64_K_FSZ,      /* floating-point access size: e 8 s d */
    PVP_IA64_K_FPSZ,     /* floating-point pair size: 8 s d */
    PVP_IA64_K_SF,       /* floating-point status field: .s0-.s3 */
    PVP_IA64_K_INC3,     /* fetchadd increment: -16 -8 -4 -1 1 4 8 16 */
    PVP_IA64_K_MBTYPE,   /* mux1 permutation: @brcst @mix @shuf @alt @rev, else hex */
    PVP_IA64_K_CNT2,     /* pmpyshr2 shift count: 0 7 15 16 */
    PVP_IA64_K_COUNT
} pvp_ia64_kind;

/* One run of bits inside a slot; in_l selects the L slot of an MLX bundle. */
typedef struct pvp_ia64_piece {
    uint8_t in_l;
    uint8_t lsb;
    uint8_t width;
} pvp_ia64_piece;

#define PVP_IA64_MAX_PIECES 6
#define PVP_IA64_MAX_FIELDS 8

/* An operand field: pieces concatenated from most to least significant,
 * optionally sign-extended, scaled by 1 << shift; then value = bias + encoded
 * (len-1 fields) or, when inverted, bias - encoded (63-pos fields). */
typedef struct pvp_ia64_field {
    char tag;                 /* letter naming the field in syntax strings */
    uint8_t kind;             /* pvp_ia64_kind */
    uint8_t is_signed;
    uint8_t shift;            /* 4 for bundle displacements */
    int8_t bias;
    uint8_t invert;
    uint8_t npieces;
    pvp_ia64_piece piece[PVP_IA64_MAX_PIECES];
} pvp_ia64_field;

/* An instruction format of the architecture (B1, M20, X2, ...). */
typedef struct pvp_ia64_format {
    const char *name;
    uint8_t has_qp;           /* qualifying predicate in bits 0-5 */
    uint8_t nfields;
    pvp_ia64_field field[PVP_IA64_MAX_FIELDS];
} pvp_ia64_format;

/* Classes of virtualization-sensitive instructions. */
typedef enum pvp_ia64_sensitive {
    PVP_IA64_SENS_NONE = 0,
    PVP_IA64_SENS_MOV_FROM_CR, PVP_IA64_SENS_MOV_TO_CR,
    PVP_IA64_SENS_MOV_FROM_PSR, PVP_IA64_SENS_MOV_TO_PSR_L,
    PVP_IA64_SENS_SSM, PVP_IA64_SENS_RSM,
    PVP_IA64_SENS_ITC_I, PVP_IA64_SENS_ITC_D,
    PVP_IA64_SENS_ITR, PVP_IA64_SENS_PTC_L, PVP_IA64_SENS_PTC_G,
    PVP_IA64_SENS_PTC_GA, PVP_IA64_SENS_PTC_E, PVP_IA64_SENS_PTR,
    PVP_IA64_SENS_THASH, PVP_IA64_SENS_TTAG, PVP_IA64_SENS_TPA, PVP_IA64_SENS_TAK,
    PVP_IA64_SENS_COVER, PVP_IA64_SENS_BSW_0, PVP_IA64_SENS_BSW_1,
    PVP_IA64_SENS_RFI, PVP_IA64_SENS_FC,
    PVP_IA64_SENS_MOV_FROM_ITC, PVP_IA64_SENS_MOV_TO_ITC, PVP_IA64_SENS_MOV_EFLAG, PVP_IA64_SENS_MOV_TO_KR,
    PVP_IA64_SENS_MOV_FROM_CPUID, PVP_IA64_SENS_MOV_FROM_PMD,
    PVP_IA64_SENS_MOV_TO_IND,     /* rr, dbr, ibr, pkr, pmc, pmd writes */
    PVP_IA64_SENS_MOV_FROM_IND,   /* rr, dbr, ibr, pkr, pmc reads */
    PVP_IA64_SENS_AR,             /* table marker: class depends on the ar number */
    PVP_IA64_SENS_COUNT
} pvp_ia64_sensitive;

/* Opcode flags. */
#define PVP_IA64_F_READS_IP  0x01u  /* result depends on IP without a displacement */
#define PVP_IA64_F_NOP       0x02u
#define PVP_IA64_F_BREAK     0x04u
#define PVP_IA64_F_LAST      0x08u  /* must end an instruction group */

/* Conditions an alias puts on two fields of its row (see pvp_ia64_aliases). */
#define PVP_IA64_COND_NONE  0u
#define PVP_IA64_COND_EQUAL 1u   /* the two fields hold the same value */
#define PVP_IA64_COND_SUM64 2u   /* the two fields' values add up to 64 */

/* One row of the instruction table: the bits that tell it apart (mask and
 * match over the 41-bit slot), its format and how it prints. Alias rows
 * (pvp_ia64_aliases) use the same shape and may add a condition. */
typedef struct pvp_ia64_opcode {
    const char *syntax;     /* mnemonic and operands; %x prints field x */
    uint8_t unit;           /* M I F B X, or A for M-or-I */
    uint8_t format;         /* index into pvp_ia64_formats() */
    uint8_t sensitive;      /* pvp_ia64_sensitive */
    uint8_t flags;          /* PVP_IA64_F_* */
    uint64_t mask;
    uint64_t match;
    uint8_t cond;           /* aliases only: PVP_IA64_COND_* on fields cond_a, cond_b */
    char cond_a, cond_b;
} pvp_ia64_opcode;

/* The instruction-format table and its length. */
const pvp_ia64_format *pvp_ia64_formats(size_t *count);
/* The instruction table and its length. */
const pvp_ia64_opcode *pvp_ia64_opcodes(size_t *count);
/* The alias table: other spellings GNU objdump prints for some encodings of
 * a row (mov for adds with 0, br for an unpredicated br.cond.sptk, shr for
 * extr to the top bit, fmpy for fma with f0, ...). Each alias lies inside one
 * row of the instruction table and uses that row's format. */
const pvp_ia64_opcode *pvp_ia64_aliases(size_t *count);
/* The format a row uses. */
const pvp_ia64_format *pvp_ia64_opcode_format(const pvp_ia64_opcode *op);
/* The field of a format with the given tag letter, or NULL. */
const pvp_ia64_field *pvp_ia64_format_field(const pvp_ia64_format *fmt, char tag);

/* ---- Bundles ------------------------------------------------------------ */

/* Template t (0-31); NULL if t > 31. */
const pvp_ia64_template *pvp_ia64_template_info(unsigned t);
/* The template with these slot units and stop bits, or -1 if none. */
int pvp_ia64_template_find(const uint8_t units[3], unsigned stops);
/* Split 16 little-endian bytes into template and slots; fails on reserved templates
 * (out is still filled). */
int pvp_ia64_bundle_unpack(const uint8_t bytes[16], pvp_ia64_bundle *out);
/* Join template and slots into 16 little-endian bytes; fails on reserved templates
 * or slots wider than 41 bits. */
int pvp_ia64_bundle_pack(const pvp_ia64_bundle *b, uint8_t bytes[16]);
/* The unit of a slot under the bundle's template. */
pvp_ia64_unit pvp_ia64_slot_unit(const pvp_ia64_bundle *b, unsigned slot);
/* One-letter name of a unit ("M", "I", "F", "B", "L", "X", "A"; "?" otherwise). */
const char *pvp_ia64_unit_name(unsigned unit);

/* ---- Decoding and operands --------------------------------------------- */

/* A decoded slot. op is NULL when the bits match no row of the table. */
typedef struct pvp_ia64_insn {
    const pvp_ia64_opcode *op;
    uint8_t unit;       /* unit of the slot under its template */
    uint8_t slot;
    uint64_t bits;      /* the slot */
    uint64_t lbits;     /* the L slot when unit is X, else 0 */
} pvp_ia64_insn;

/* Decode slot 0-2 of a bundle; the L slot decodes with op NULL. */
int pvp_ia64_decode(const pvp_ia64_bundle *b, unsigned slot, pvp_ia64_insn *out);
/* Decode the three slots of a bundle at once (out[1] of an MLX bundle is the
 * L slot, op NULL); one table lookup per slot, for callers that need them all. */
int pvp_ia64_decode_bundle(const pvp_ia64_bundle *b, pvp_ia64_insn out[3]);
/* 1 if no slot of the bundle can be anything a move of the code changes or
 * counts (an IP-relative operand, a read of ip, a movl), from the opcode
 * index alone (no decode); 0 if one may be, or the template is reserved. */
int pvp_ia64_bundle_is_plain(const pvp_ia64_bundle *b);
/* The bytes of the bundles from `code` on (`avail` bytes) that are plain as
 * pvp_ia64_bundle_is_plain tells, up to the first that may not be: a whole
 * number of bundles. Most slots are told by their major opcode alone. */
size_t pvp_ia64_plain_run(const uint8_t *code, size_t avail);
/* 1 if every slot of the bundle is its unit's nop (filler), told without decoding. */
int pvp_ia64_bundle_is_nops(const pvp_ia64_bundle *b);
/* The row matching a slot's bits on a unit, or NULL: an indexed lookup (a
 * table built from the rows at build time selects the few candidate rows). */
const pvp_ia64_opcode *pvp_ia64_lookup(unsigned unit, uint64_t bits);
/* The alias a decoded instruction prints as, or NULL when its row's syntax applies. */
const pvp_ia64_opcode *pvp_ia64_alias_of(const pvp_ia64_insn *in);
/* Read a field from slot bits (and L slot bits): sign-extended, scaled, biased. */
uint64_t pvp_ia64_field_get(const pvp_ia64_field *f, uint64_t bits, uint64_t lbits);
/* Write value into a field; PVP_E_OUT_OF_RANGE or PVP_E_MISALIGNED if it does not fit. */
int pvp_ia64_field_set(const pvp_ia64_field *f, uint64_t *bits, uint64_t *lbits, uint64_t value);
/* The value of an instruction's operand by tag; 0 with *found = 0 if absent. */
uint64_t pvp_ia64_operand(const pvp_ia64_insn *in, char tag, int *found);
/* Build the slot bits of a row with the given tagged operand values (tags[i], vals[i]). */
int pvp_ia64_encode(const pvp_ia64_opcode *op, const char *tags, const uint64_t *vals,
                    uint64_t *bits, uint64_t *lbits);

/* ---- IP-relative operands ---------------------------------------------- */

/* An IP-relative operand: the format that holds it and its absolute target. */
typedef struct pvp_ia64_iprel {
    const char *form;     /* "B1", "B2", "B3", "B6", "X3", "X4", "M20"..."M23", "I20", "F14" */
    uint8_t kind;         /* PVP_IA64_K_TARGET or PVP_IA64_K_TAG */
    uint8_t bits;         /* width of the displacement in bundles, sign included */
    uint64_t target;
} pvp_ia64_iprel;

/* List the IP-relative operands of a slot at bundle address ip (0, 1 or 2). */
unsigned pvp_ia64_iprel_list(const pvp_ia64_bundle *b, unsigned slot, uint64_t ip,
                             pvp_ia64_iprel out[2]);
/* The IP-relative operands of an already decoded slot of a bundle at ip. */
unsigned pvp_ia64_insn_iprel(const pvp_ia64_insn *in, uint64_t ip, pvp_ia64_iprel out[2]);
/* Point operand `which` of an already decoded slot (in, decoded from b) at target. */
int pvp_ia64_insn_iprel_set(pvp_ia64_bundle *b, const pvp_ia64_insn *in, unsigned which,
                            uint64_t ip, uint64_t target);
/* Point IP-relative field `which` of format fmt, the slot's format, at target
 * (no decode: the caller knows the format), from bundle address ip. */
int pvp_ia64_format_iprel_set(pvp_ia64_bundle *b, unsigned slot, const pvp_ia64_format *fmt, unsigned which,
                              uint64_t ip, uint64_t target);
/* Point operand `which` (index in the list) of a slot at target, from bundle address ip. */
int pvp_ia64_iprel_set(pvp_ia64_bundle *b, unsigned slot, unsigned which, uint64_t ip,
                       uint64_t target);

/* ---- movl, nop, break, branch ------------------------------------------ */

/* The immediate and destination register of a movl (X2) in slot 2. */
int pvp_ia64_movl_get(const pvp_ia64_bundle *b, unsigned slot, uint64_t *imm, unsigned *reg);
/* Replace the immediate of a movl (X2) in slot 2. */
int pvp_ia64_movl_set(pvp_ia64_bundle *b, unsigned slot, uint64_t imm);
/* Write `movl reg = imm` into slot 2 of an MLX bundle (the L slot gets imm's high bits). */
int pvp_ia64_put_movl(pvp_ia64_bundle *b, unsigned reg, uint64_t imm);
/* Write a nop of the slot's unit (an MLX X slot gets nop.x and a zero L slot). */
int pvp_ia64_put_nop(pvp_ia64_bundle *b, unsigned slot);
/* Write `break imm` of the slot's unit (imm21; imm62 for X). */
int pvp_ia64_put_break(pvp_ia64_bundle *b, unsigned slot, uint64_t imm);
/* The immediate of a break in a slot, or PVP_E_UNKNOWN_OP if it is not a break. */
int pvp_ia64_break_get(const pvp_ia64_bundle *b, unsigned slot, uint64_t *imm);
/* Write a B1 `(qp) br.cond.sptk.many target` into a B slot of a bundle at ip. */
int pvp_ia64_put_branch(pvp_ia64_bundle *b, unsigned slot, uint64_t ip, uint64_t target,
                        unsigned qp);

/* ---- Classes ------------------------------------------------------------ */

/* The sensitive class of a decoded instruction (NONE if harmless). */
pvp_ia64_sensitive pvp_ia64_sensitive_class(const pvp_ia64_insn *in);
/* A short name for a sensitive class ("mov from cr", "itc.d", ...). */
const char *pvp_ia64_sensitive_name(unsigned cls);
/* Nonzero if the instruction reads IP without a displacement (mov r=ip). */
int pvp_ia64_reads_ip(const pvp_ia64_insn *in);

/* ---- Bundling ---------------------------------------------------------- */

/* One instruction of a sequence to lay out, and where it landed. */
typedef struct pvp_ia64_item {
    const pvp_ia64_opcode *op;
    uint64_t bits, lbits;     /* the slot (and L slot for X) */
    uint8_t stop;             /* a stop must follow it */
    uint8_t label;            /* it must begin a bundle (something refers to it) */
    uint8_t bundle, slot;     /* set by pvp_ia64_bundle_items; read: bundle index */
} pvp_ia64_item;

/* Lay out n items in order into at most max bundles, with templates that
 * give each required stop and no other; PVP_E_NO_SPACE if they need more. */
int pvp_ia64_bundle_items(pvp_ia64_item *items, size_t n, pvp_ia64_bundle *out, size_t max,
                          size_t *used);
/* The non-nop instructions of bundles (len bytes at ip) with their stops; a
 * `br.cond` to end_skip with no predicate counts as filler and is left out. */
int pvp_ia64_items_read(const uint8_t *code, size_t len, uint64_t end_skip, pvp_ia64_item *out,
                        size_t max, size_t *count);
/* Add the general, branch and predicate registers the instruction writes
 * to the masks (br and pr may be NULL). */
void pvp_ia64_item_writes(const pvp_ia64_item *it, uint64_t gr[2], uint32_t *br, uint64_t *pr);

/* The site operations of the arch interface (pvpatch/arch.h), for IA-64. */
struct pvp_code_req;
struct pvp_code_result;
/* Lay out a template at a site: registers substituted, bundled, filled. */
int pvp_ia64_site_code(const struct pvp_code_req *req, uint8_t *out, struct pvp_code_result *res);
/* PVP_OK if two regions hold the same instructions, nops and skip branches aside. */
int pvp_ia64_same_code(const uint8_t *a, uint64_t addr_a, size_t len_a, const uint8_t *b,
                       uint64_t addr_b, size_t len_b);
/* The general and branch registers the instructions of a region write. */
int pvp_ia64_writes(const uint8_t *code, size_t len, uint64_t gr[2], uint32_t *br);
/* Add what a decoded bundle's instructions write to gr and br (br may be
 * NULL); PVP_E_UNKNOWN_OP if one of them is unknown. */
int pvp_ia64_insns_writes(const pvp_ia64_insn in[3], uint64_t gr[2], uint32_t *br);

/* ---- pv operations ------------------------------------------------------ */

/* The name of pv operation `op` (PVP_OP_* of pvpatch/ia64/pvops.h), "?" if none. */
const char *pvp_ia64_op_name(unsigned op);

/* ---- Text --------------------------------------------------------------- */

/* Print a decoded instruction of a bundle at ip, NUL-terminated, truncated to
 * size; returns the length it needed. Unknown slots print as their unit and bits. */
size_t pvp_ia64_print(const pvp_ia64_insn *in, uint64_t ip, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
