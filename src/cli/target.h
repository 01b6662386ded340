/* What the CLI needs of an architecture beyond the engine's pvp_arch, as one
 * row per backend, chosen from the ELF header's e_machine: every subcommand
 * reads the row of its input file and calls through it, so no subcommand
 * names an architecture. Rows: target_ia64.c, target_x86.c. */
#ifndef PVPATCH_CLI_TARGET_H
#define PVPATCH_CLI_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "elf/elf_image.h"
#include "pvpatch/arch.h"

/* One instruction of a code unit, as check and verify show it. */
typedef struct cli_insn {
    int sub;                 /* IA-64: its slot; x86-64: -1 (a unit is one instruction) */
    int nop;
    unsigned sensitive;      /* the arch's sensitive class, 0 for none */
    char text[160];
} cli_insn;

typedef struct cli_target {
    unsigned machine;              /* EM_IA_64, EM_X86_64 */
    const char *name;              /* "IA-64", "x86-64" */
    const char *option;            /* its name for --machine: "ia64", "x86-64" */
    const pvp_arch *arch;
    const char *units;             /* what install copies and check reads: "bundles", "instructions" */
    const char *layout_unit;       /* instance layouts are counted in: "bundles", "16-byte units" */
    int aligned_slots;             /* a power-of-two slot must be aligned to its size (an IVT) */
    unsigned extent_size;          /* site extents are shown in units of this many bytes */
    const char *extent_name;       /* and called: "bundle(s)", "bytes" */
    const char *extent_key;        /* JSON: "bundles", "bytes" */

    /* The name of a pv operation (IA-64: pvops.h's; x86-64: its number). */
    const char *(*op_name)(unsigned op, char *buf, size_t size);
    const char *live_table;        /* what C sites call through: "pv_cpu_asm_ops", "pvp_live_ops" */
    /* The code unit holding addr starts at (IA-64: the bundle; x86-64: addr). */
    uint64_t (*unit_of)(uint64_t addr);
    /* The instructions of the unit at code (len bytes, from the arch's scan), at most 3. */
    unsigned (*insns)(const uint8_t *code, size_t len, uint64_t addr, cli_insn out[3]);
    const char *(*sensitive_name)(unsigned cls);
    /* A unit as one line for diffs ("[MLX] movl r8=... | nop.i 0 ;;"). */
    void (*unit_text)(const uint8_t *code, size_t avail, uint64_t addr, char *buf, size_t size);
    /* 1 and the immediate and slot if the unit loads a 64-bit absolute value (movl, movabs). */
    int (*load_imm)(const uint8_t *code, size_t len, uint64_t *imm, int *sub);
    const char *load_name;         /* "movl", "movabs" */
    /* Does a vtop or self fixup recorded at `where` name the load of the unit at `unit`? */
    int (*fixup_names)(uint64_t where, uint64_t unit);
    /* Relocations in objects: a load immediate's, a 64-bit data word's; the
     * unit a load relocation at `offset` patches. */
    uint32_t reloc_load, reloc_word;
    uint64_t (*reloc_unit)(uint64_t offset);
    const char *reloc_word_name;   /* "R_IA64_DIR64LSB", "R_X86_64_64" */
    /* Data relative to itself or to its segment (unwind) that the
     * unrecorded-pointer rule reads in objects; 0: none (x86-64, whose PC32
     * relocations are code's own displacements, re-targeted by the install). */
    uint32_t reloc_self32, reloc_self64, reloc_seg32, reloc_seg64;
    /* The dynamic relocation of a PIE's own addresses: base + addend. */
    uint32_t reloc_relative;
    const char *reloc_relative_name;

    /* disasm: the alignment of a section or --base; a section's bytes checked
     * before anything is printed (0, or -1 and a one-line error); one unit
     * printed as text (labels by namer) or JSON; the JSON array's key. */
    unsigned disasm_align;
    int (*disasm_check)(const pvp_file *f, const pvp_section *s, uint64_t addr, char *err, size_t errsz);
    size_t (*disasm_text)(FILE *out, const uint8_t *code, size_t avail, uint64_t addr,
                          disasm_namer namer, void *ctx);
    size_t (*disasm_json)(FILE *out, const uint8_t *code, size_t avail, uint64_t addr,
                          const char *section);
    const char *disasm_key;
} cli_target;

extern const cli_target cli_target_ia64, cli_target_x86_64;

/* The row for an ELF machine number, or NULL. */
const cli_target *cli_target_for(unsigned machine);
/* The row of a file: its e_machine's; a raw blob is IA-64 unless `machine`
 * (a --machine value, may be NULL) names another. NULL and a one-line error
 * in err for an unknown --machine. */
const cli_target *cli_target_of(const pvp_file *f, const char *machine, char *err, size_t errsz);

#endif
