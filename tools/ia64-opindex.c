/* Build-time generator of the IA-64 opcode index (src/arch/ia64/opindex.c).
 *
 * The instruction table stays the one source of the ISA; this program reads
 * it and writes constant C data that lookup walks without searching: for
 * each unit and major opcode, a few selector bits chosen here split the rows
 * into short candidate lists; a slot's selector value picks its list. Run by
 * `make ia64-index` (mk/ia64.mk), also whenever the table's sources change.
 *
 * usage: ia64-opindex > src/arch/ia64/opindex.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ia64/formats.h"

#define NUNITS 5                /* M I F B X, in pvp_ia64_index_buckets order */
#define MAX_SELECT 10           /* selector bits per bucket at most */
#define GOOD_ENOUGH 2           /* stop adding bits when no list is longer */
#define FIRST_BIT 6             /* selectors come from bits 6-36 (not qp, not the major opcode) */
#define LAST_BIT 36

static const unsigned unit_of_index[NUNITS] = {
    PVP_IA64_UNIT_M, PVP_IA64_UNIT_I, PVP_IA64_UNIT_F, PVP_IA64_UNIT_B, PVP_IA64_UNIT_X,
};

/* The index's number of a unit, or -1 (the L half of an X instruction). */
static int index_of_unit(unsigned unit)
{
    for (int u = 0; u < NUNITS; u++)
        if (unit_of_index[u] == unit)
            return u;
    return -1;
}

static const pvp_ia64_opcode *rows;
static size_t nrows;

/* Growing arrays of the output. */
typedef struct vec {
    unsigned *v;
    size_t n, cap;
} vec;

static void push(vec *a, unsigned x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 256;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) {
            fprintf(stderr, "ia64-opindex: out of memory\n");
            exit(1);
        }
    }
    a->v[a->n++] = x;
}

static vec lists, slots, alias_lists;

static int runs_on(unsigned row_unit, unsigned unit)
{
    return row_unit == unit ||
           (row_unit == PVP_IA64_UNIT_A && (unit == PVP_IA64_UNIT_M || unit == PVP_IA64_UNIT_I));
}

/* Nonzero if some value of one of the row's completer fields is reserved:
 * lookup must then look at those fields before it accepts the row. */
static int needs_completer_check(const pvp_ia64_opcode *op)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    for (unsigned i = 0; i < fmt->nfields; i++) {
        const pvp_ia64_field *f = &fmt->field[i];
        unsigned width = 0;
        for (unsigned p = 0; p < f->npieces; p++)
            width += f->piece[p].width;
        if (!pvp_ia64_kind_is_completer(f->kind) || width > 8)
            continue;
        for (uint64_t v = 0; v < (UINT64_C(1) << width); v++)
            if (pvp_ia64_kind_reserved(f->kind, v))
                return 1;
    }
    return 0;
}

/* Can a slot whose selector bits `bits` hold `value` match row r? */
static int compatible(const pvp_ia64_opcode *r, const unsigned *bits, unsigned nbits, unsigned value)
{
    for (unsigned i = 0; i < nbits; i++) {
        uint64_t m = UINT64_C(1) << bits[i];
        unsigned want = (value >> (nbits - 1 - i)) & 1;
        if ((r->mask & m) && ((r->match & m) != 0) != want)
            return 0;
    }
    return 1;
}

/* The longest candidate list and the total of all lists for a selector. */
static void cost(const size_t *cand, size_t n, const unsigned *bits, unsigned nbits, size_t *worst,
                 size_t *total)
{
    *worst = *total = 0;
    for (unsigned v = 0; v < (1u << nbits); v++) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
            len += compatible(&rows[cand[i]], bits, nbits, v);
        *worst = len > *worst ? len : *worst;
        *total += len;
    }
}

/* Choose selector bits greedily: each step adds the bit that shortens the
 * longest list most (then the lists' total). Returns how many, sorted from
 * the most significant. */
static unsigned choose_bits(const size_t *cand, size_t n, unsigned *bits)
{
    unsigned nbits = 0;
    size_t worst, total;
    cost(cand, n, bits, 0, &worst, &total);
    while (worst > GOOD_ENOUGH && nbits < MAX_SELECT) {
        unsigned best = 0;
        size_t best_worst = worst, best_total = total;
        for (unsigned b = FIRST_BIT; b <= LAST_BIT; b++) {
            int used = 0;
            for (unsigned i = 0; i < nbits; i++)
                used |= bits[i] == b;
            if (used)
                continue;
            bits[nbits] = b;
            size_t w, t;
            cost(cand, n, bits, nbits + 1, &w, &t);
            if (w < best_worst || (w == best_worst && t < best_total)) {
                best = b;
                best_worst = w;
                best_total = t;
            }
        }
        if (!best)
            break;          /* no bit helps: the rest differ only by conditions */
        bits[nbits++] = best;
        worst = best_worst;
        total = best_total;
    }
    for (unsigned i = 0; i < nbits; i++)        /* most significant first */
        for (unsigned j = i + 1; j < nbits; j++)
            if (bits[j] > bits[i]) {
                unsigned t = bits[i];
                bits[i] = bits[j];
                bits[j] = t;
            }
    return nbits;
}

/* Runs of consecutive bits, most significant first: (lsb, width) pairs. */
static unsigned to_pieces(const unsigned *bits, unsigned nbits, unsigned pieces[][2])
{
    unsigned n = 0;
    for (unsigned i = 0; i < nbits;) {
        unsigned j = i;
        while (j + 1 < nbits && bits[j + 1] == bits[j] - 1)
            j++;
        pieces[n][0] = bits[j];
        pieces[n][1] = j - i + 1;
        n++;
        i = j + 1;
    }
    return n;
}

/* Lists already stored, by a hash of their items: equal lists are shared. */
#define LIST_HASH_SIZE 65536u
static unsigned list_hash[LIST_HASH_SIZE];      /* offset + 1 of a stored list, 0 if free */

static unsigned hash_items(const unsigned *items, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t k = 0; k < n; k++)
        h = (h ^ items[k]) * 16777619u;
    return (h ^ (uint32_t)n) & (LIST_HASH_SIZE - 1);
}

static int same_list(size_t at, const unsigned *items, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (at + k >= lists.n || lists.v[at + k] != items[k])
            return 0;
    return at + n < lists.n && lists.v[at + n] == 0xffff;
}

/* Store a list (row numbers with their check flag, then 0xffff) once; its offset. */
static unsigned store_list(const unsigned *items, size_t n)
{
    unsigned h = hash_items(items, n);
    for (; list_hash[h]; h = (h + 1) & (LIST_HASH_SIZE - 1))
        if (same_list(list_hash[h] - 1, items, n))
            return list_hash[h] - 1;
    unsigned at = (unsigned)lists.n;
    for (size_t k = 0; k < n; k++)
        push(&lists, items[k]);
    push(&lists, 0xffff);
    list_hash[h] = at + 1;
    return at;
}

typedef struct bucket {
    unsigned first, npieces, pieces[6][2];
} bucket;

static void build_bucket(unsigned unit, unsigned major, bucket *out)
{
    size_t *cand = malloc(nrows * sizeof *cand), n = 0;
    unsigned *items = malloc(nrows * sizeof *items);
    for (size_t i = 0; i < nrows; i++)
        if (runs_on(rows[i].unit, unit) && ((rows[i].match >> 37) & 15) == major)
            cand[n++] = i;
    unsigned bits[MAX_SELECT];
    unsigned nbits = choose_bits(cand, n, bits);
    out->npieces = to_pieces(bits, nbits, out->pieces);
    if (out->npieces > 6) {
        fprintf(stderr, "ia64-opindex: unit %u major %u needs %u pieces\n", unit, major, out->npieces);
        exit(1);
    }
    out->first = (unsigned)slots.n;
    for (unsigned v = 0; v < (1u << nbits); v++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (compatible(&rows[cand[i]], bits, nbits, v))
                items[k++] = (unsigned)cand[i] | (needs_completer_check(&rows[cand[i]]) ? 0x8000u : 0);
        push(&slots, store_list(items, k));
    }
    free(cand);
    free(items);
}

/* Is alias a inside row r (same unit and format, and its bits imply the row's)? */
static int alias_of_row(const pvp_ia64_opcode *a, const pvp_ia64_opcode *r)
{
    return a->unit == r->unit && a->format == r->format && (a->mask & r->mask) == r->mask &&
           (a->match & r->mask) == r->match;
}

/* Does the field with this tag get written? By the syntax: operands before
 * '=' are written, a base register in brackets only when it is updated
 * afterwards (post-increment: "]," or a store's "=%b,"); no '=' at all
 * writes nothing (itc.d r, fc r). */
static int field_written(const pvp_ia64_opcode *op, char tag)
{
    const char *s = op->syntax;
    int before_eq = strchr(s, '=') != NULL, in_bracket = 0;
    for (; *s; s++) {
        if (*s == '=')
            before_eq = 0;
        else if (*s == '[')
            in_bracket = 1;
        else if (*s == ']')
            in_bracket = 0;
        else if (*s == '%' && s[1] == tag)
            return in_bracket ? strstr(op->syntax, "],") != NULL || strstr(op->syntax, "=%b,") != NULL
                              : before_eq;
    }
    return 0;
}

/* Bit i: field i of the row's format is written by the instruction. */
static unsigned written_fields(const pvp_ia64_opcode *op)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    unsigned mask = 0;
    for (unsigned i = 0; i < fmt->nfields; i++)
        mask |= (unsigned)field_written(op, fmt->field[i].tag) << i;
    return mask;
}

/* The first row of a unit carrying a flag (nop, break), or 0xffff. */
static unsigned flagged_row(unsigned unit, unsigned flag)
{
    for (size_t r = 0; r < nrows; r++)
        if (rows[r].unit == unit && (rows[r].flags & flag))
            return (unsigned)r;
    return 0xffff;
}

/* The row of a given format whose first syntax word is `mnemonic`, or 0xffff. */
static unsigned named_row(unsigned fmt, const char *mnemonic)
{
    for (size_t r = 0; r < nrows; r++) {
        const char *s = rows[r].syntax, *m = mnemonic;
        if (rows[r].format != fmt)
            continue;
        while (*m && *s == *m)
            s++, m++;
        if (!*m && (*s == '%' || *s == ' ' || !*s))
            return (unsigned)r;
    }
    return 0xffff;
}

/* Does a move of the code have to look at the row: an IP-relative operand
 * (a field of kind TARGET or TAG), a read of ip, an address load (movl)? */
static int row_moves(const pvp_ia64_opcode *op)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    for (unsigned i = 0; i < fmt->nfields; i++)
        if (fmt->field[i].kind == PVP_IA64_K_TARGET || fmt->field[i].kind == PVP_IA64_K_TAG)
            return 1;
    return (op->flags & PVP_IA64_F_READS_IP) || op->format == FMT_X2;
}

/* Per selector entry, one bit: set when a row of its candidate list moves. */
static vec moving_bitmap(void)
{
    vec bits = { 0 };
    for (size_t e = 0; e < slots.n; e += 8) {
        unsigned byte = 0;
        for (size_t k = 0; k < 8 && e + k < slots.n; k++)
            for (size_t l = slots.v[e + k]; lists.v[l] != 0xffff; l++)
                if (row_moves(&rows[lists.v[l] & 0x7fff]))
                    byte |= 1u << k;
        push(&bits, byte);
    }
    return bits;
}

/* What print_majors reads: the index's buckets and its bitmap of entries that move. */
typedef struct moving_ctx {
    bucket (*buckets)[16];
    const vec *moving;
} moving_ctx;

/* One bit per major opcode: set when some row that the slot's unit runs with
 * that major opcode moves; all set for a reserved template (the decoder says
 * what is wrong), none for the L half of an X instruction (its X slot decides). */
static void print_majors(int u, int reserved, const void *ctx)
{
    const moving_ctx *m = ctx;
    unsigned mask = reserved ? 0xffff : 0;
    for (unsigned major = 0; u >= 0 && major < 16; major++) {
        const bucket *b = &m->buckets[u][major];
        unsigned width = 0;
        for (unsigned p = 0; p < b->npieces; p++)
            width += b->pieces[p][1];
        for (unsigned e = b->first; e < b->first + (1u << width); e++)
            if ((m->moving->v[e / 8] >> (e % 8)) & 1)
                mask |= 1u << major;
    }
    printf(" 0x%04x,", mask);
}

/* The mask and match of the slot's nop; none (L half, reserved): a bit above
 * the slot's 41 bits, never matched. */
static void print_filler(int u, int reserved, const void *ctx)
{
    (void)reserved, (void)ctx;
    const pvp_ia64_opcode *nop = u < 0 ? NULL : &rows[flagged_row(unit_of_index[u], PVP_IA64_F_NOP)];
    printf(" { 0x%011llx, 0x%011llx },", nop ? (unsigned long long)nop->mask : 1ull << 41,
           nop ? (unsigned long long)nop->match : 1ull << 41);
}

/* A table with an entry per template and slot, printed by `entry`. */
static void print_slot_table(const char *decl, void (*entry)(int u, int reserved, const void *ctx), const void *ctx)
{
    printf("%s = {\n", decl);
    for (unsigned t = 0; t < 32; t++) {
        const pvp_ia64_template *tp = pvp_ia64_template_info(t);
        printf("    {");
        for (unsigned slot = 0; slot < 3; slot++)
            entry(tp->reserved ? -1 : index_of_unit(tp->units[slot]), tp->reserved, ctx);
        printf(" }, /* %02x */\n", t);
    }
    printf("};\n\n");
}

static void print_array(const char *decl, const vec *a)
{
    printf("%s = {", decl);
    for (size_t i = 0; i < a->n; i++)
        printf("%s0x%04x,", i % 10 ? " " : "\n    ", a->v[i]);
    printf("\n};\n\n");
}

int main(void)
{
    size_t naliases;
    rows = pvp_ia64_opcodes(&nrows);
    const pvp_ia64_opcode *aliases = pvp_ia64_aliases(&naliases);
    if (nrows >= 0x8000 || naliases >= 0xffff) {
        fprintf(stderr, "ia64-opindex: too many rows for 16-bit entries\n");
        return 1;
    }
    bucket buckets[NUNITS][16];
    for (unsigned u = 0; u < NUNITS; u++)
        for (unsigned major = 0; major < 16; major++)
            build_bucket(unit_of_index[u], major, &buckets[u][major]);
    if (lists.n >= 0xffff) {
        fprintf(stderr, "ia64-opindex: candidate lists exceed 16-bit offsets\n");
        return 1;
    }
    vec row_aliases = { 0 };
    for (size_t r = 0; r < nrows; r++) {
        unsigned first = 0xffff;
        for (size_t a = 0; a < naliases; a++)
            if (alias_of_row(&aliases[a], &rows[r])) {
                if (first == 0xffff)
                    first = (unsigned)alias_lists.n;
                push(&alias_lists, (unsigned)a);
            }
        if (first != 0xffff)
            push(&alias_lists, 0xffff);
        push(&row_aliases, first);
    }

    printf("/* Generated by tools/ia64-opindex.c from the tables of opcodes.c and\n"
           " * formats.c: do not edit (make ia64-index writes it again). */\n"
           "#include \"formats.h\"\n\n"
           "const uint16_t pvp_ia64_index_nrows = %zu;\n\n", nrows);
    printf("const pvp_ia64_index_bucket pvp_ia64_index_buckets[%d][16] = {\n", NUNITS);
    for (unsigned u = 0; u < NUNITS; u++) {
        printf("    { /* %s */\n", pvp_ia64_unit_name(unit_of_index[u]));
        for (unsigned major = 0; major < 16; major++) {
            const bucket *b = &buckets[u][major];
            printf("        { %u, %u, {", b->first, b->npieces);
            for (unsigned p = 0; p < b->npieces; p++)
                printf(" { %u, %u },", b->pieces[p][0], b->pieces[p][1]);
            if (!b->npieces)
                printf(" { 0, 0 }");
            printf(" } },\n");
        }
        printf("    },\n");
    }
    printf("};\n\n");
    print_array("const uint16_t pvp_ia64_index_slots[]", &slots);
    print_array("const uint16_t pvp_ia64_index_lists[]", &lists);
    print_array("const uint16_t pvp_ia64_index_row_aliases[]", &row_aliases);
    print_array("const uint16_t pvp_ia64_index_alias_lists[]", &alias_lists);
    vec moving = moving_bitmap(), row_moving = { 0 };
    print_array("const uint8_t pvp_ia64_index_moving[]", &moving);
    for (size_t r = 0; r < nrows; r += 8) {
        unsigned byte = 0;
        for (size_t k = 0; k < 8 && r + k < nrows; k++)
            byte |= (unsigned)row_moves(&rows[r + k]) << k;
        push(&row_moving, byte);
    }
    print_array("const uint8_t pvp_ia64_row_moving[]", &row_moving);
    moving_ctx mc = { buckets, &moving };
    print_slot_table("const uint16_t pvp_ia64_slot_moving_majors[32][3]", print_majors, &mc);
    print_slot_table("const pvp_ia64_filler pvp_ia64_slot_filler[32][3]", print_filler, NULL);
    vec written = { 0 };
    for (size_t r = 0; r < nrows; r++)
        push(&written, written_fields(&rows[r]));
    print_array("const uint16_t pvp_ia64_row_written[]", &written);
    printf("const uint16_t pvp_ia64_unit_nop_break[%d][2] = {\n", NUNITS);
    for (unsigned u = 0; u < NUNITS; u++)
        printf("    { 0x%04x, 0x%04x }, /* %s */\n", flagged_row(unit_of_index[u], PVP_IA64_F_NOP),
               flagged_row(unit_of_index[u], PVP_IA64_F_BREAK), pvp_ia64_unit_name(unit_of_index[u]));
    printf("};\n\n");
    printf("const uint16_t pvp_ia64_builder_rows[2] = { 0x%04x, 0x%04x }; /* movl, br.cond */\n",
           named_row(FMT_X2, "movl"), named_row(FMT_B1, "br.cond"));
    fprintf(stderr, "ia64-opindex: %zu rows, %zu aliases; %zu selector entries, %zu list entries\n",
            nrows, naliases, slots.n, lists.n);
    return 0;
}
