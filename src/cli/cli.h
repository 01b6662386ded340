/* The pvpatch command: subcommand table entries and the helpers they share
 * (argument parsing, one-line errors, atomic output, JSON strings), plus the
 * disassembler's pieces that the benchmark reuses. */
#ifndef PVPATCH_CLI_H
#define PVPATCH_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef PVPATCH_VERSION
#define PVPATCH_VERSION "0.1.0"
#endif

/* Exit codes of every subcommand. */
enum {
    CLI_OK = 0,          /* done, nothing to report */
    CLI_FINDINGS = 1,    /* done, and the input is not ok (checkers); disasm never */
    CLI_BAD_INPUT = 2    /* bad input, bad usage, or output that could not be written */
};

/* One subcommand: a row of the table in main.c and one source file. */
typedef struct cli_command {
    const char *name;
    const char *summary;    /* one line for `pvpatch --help` */
    const char *usage;      /* full text for `pvpatch help NAME` and `NAME --help` */
    int (*run)(const struct cli_command *self, int argc, char **argv);  /* argv[0] = name */
} cli_command;

extern const cli_command cli_cmd_disasm;
extern const cli_command cli_cmd_install;
extern const cli_command cli_cmd_verify;
extern const cli_command cli_cmd_sites;
extern const cli_command cli_cmd_patch;
extern const cli_command cli_cmd_check;
extern const cli_command cli_cmd_moves;

/* ---- Arguments ------------------------------------------------------------ */

/* An option of a subcommand. Flags store "" into *value when present. */
typedef struct cli_option {
    const char *name;       /* "--base" */
    const char *alias;      /* "-o", or NULL */
    int takes_value;
    const char **value;
} cli_option;

enum { CLI_PARSE_OK = 0, CLI_PARSE_HELP = 1, CLI_PARSE_ERROR = -1 };

/* Parse argv[1..]: options anywhere ("--name value" or "--name=value"), "--"
 * ends options, other words are positional (exactly npos of them). Handles
 * --help / -h by printing the usage. Prints a one-line error itself. */
int cli_parse_args(const cli_command *cmd, int argc, char **argv, const cli_option *opts,
                   size_t nopts, const char **pos, size_t npos);
/* A number in decimal or 0x-hex that fits 64 bits; 0 on success. */
int cli_parse_u64(const char *s, uint64_t *out);

/* ---- Messages and output ------------------------------------------------ */

/* "pvpatch CMD: reason (see 'pvpatch help CMD')" on stderr; returns CLI_BAD_INPUT. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An already formatted one-line message on stderr; returns CLI_BAD_INPUT. */
int cli_fail(const char *line);

/* Output gathered in memory, then written whole: to stdout, or to a file
 * atomically, so a failed command leaves no partial output behind. A
 * streamed output is written as it is produced instead (to stdout, or to a
 * temporary file renamed over path at the end): for commands that check all
 * of their input before they write anything. */
typedef struct cli_output {
    FILE *stream;           /* write here */
    char *buf;
    size_t len;
    const char *path;       /* NULL for stdout */
    int streamed;
    int fd;                 /* streamed to a file: the temporary file */
    char *tmp;
} cli_output;

int cli_output_begin(cli_output *o, const char *path);
/* Begin a streamed output (see above); 0, or CLI_BAD_INPUT after a message. */
int cli_output_begin_streamed(cli_output *o, const char *path);
/* Deliver the output if ok, else drop it; returns 0, or CLI_BAD_INPUT after
 * printing why the output could not be written. */
int cli_output_end(cli_output *o, int ok);

/* Write s as a JSON string literal, quotes included. */
void cli_json_string(FILE *out, const char *s);

/* ---- The disassembler (disasm.c) ---------------------------------------- */

typedef struct disasm_slot {
    unsigned unit;          /* pvp_ia64_unit; X stands for the L+X pair */
    char text[160];         /* the instruction as printed */
    unsigned text_len;
    int has_target, has_tag, has_imm64;
    uint64_t target, tag, imm64;
    unsigned sensitive;     /* pvp_ia64_sensitive; 0 when harmless */
    int reads_ip;
    int stop;               /* a stop follows this slot */
} disasm_slot;

typedef struct disasm_bundle {
    uint64_t addr;
    unsigned tmpl;
    char tmpl_name[4];      /* "MIB", "MLX", ... */
    unsigned nslots;        /* 3, or 2 for MLX */
    disasm_slot slot[3];
} disasm_bundle;

/* Decode one bundle at addr; PVP_E_RESERVED_TEMPLATE for reserved templates. */
int disasm_decode(const uint8_t bytes[16], uint64_t addr, disasm_bundle *out);
/* Print a decoded bundle as text lines; label resolves targets to names (may be NULL). */
typedef const char *(*disasm_namer)(void *ctx, uint64_t addr, uint64_t *delta);
void disasm_print_text(FILE *out, const disasm_bundle *b, disasm_namer namer, void *ctx);
/* Print a decoded bundle as one JSON object (no separator); section may be NULL. */
void disasm_print_json(FILE *out, const disasm_bundle *b, const char *section);

#endif
