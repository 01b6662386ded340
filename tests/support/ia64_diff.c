/* Test support: the IA-64 printer against GNU objdump on random bundles. */
#define _GNU_SOURCE
#include "ia64_diff.h"

#include <stdlib.h>
#include <string.h>

#include "binutils.h"
#include "pvpatch/ia64.h"

/* Field boundaries common to most formats: qp, r1, r2, r3 and the selector
 * bits above them. Zeroing or filling a run between two of them reaches the
 * special operands aliases depend on. */
static const unsigned edges[] = { 0, 6, 13, 20, 27, 33, 36, 37, 41 };
#define NEDGES (sizeof edges / sizeof edges[0])

/* Random bits with now and then a field-sized run of zeros or ones. */
static uint64_t biased_bits(uint64_t *rng)
{
    uint64_t v = tas_rand(rng) & PVP_IA64_SLOT_MASK;
    uint64_t dice = tas_rand(rng);
    for (unsigned i = 0; i + 1 < NEDGES; i++, dice >>= 3) {
        uint64_t run = ((UINT64_C(1) << (edges[i + 1] - edges[i])) - 1) << edges[i];
        switch (dice & 7) {
        case 0: v &= ~run; break;           /* a field of zeros: r0, f0, imm 0 */
        case 1: if (i < 6) v |= run; break; /* all ones (not the major opcode) */
        default: break;
        }
    }
    return v;
}

/* A random row (or alias) of a table that runs on `unit`, or NULL. */
static const pvp_ia64_opcode *random_row(const pvp_ia64_opcode *t, size_t n, unsigned unit,
                                         uint64_t *rng)
{
    for (int tries = 0; tries < 64; tries++) {
        const pvp_ia64_opcode *op = &t[tas_rand(rng) % n];
        if (op->unit == unit || (op->unit == PVP_IA64_UNIT_A &&
                                 (unit == PVP_IA64_UNIT_M || unit == PVP_IA64_UNIT_I)))
            return op;
    }
    return NULL;
}

/* Make an alias's condition hold: copy one field into the other (EQUAL) or
 * give the second the complement to 64 of the first (SUM64). */
static uint64_t meet_condition(const pvp_ia64_opcode *op, uint64_t bits)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    const pvp_ia64_field *a = pvp_ia64_format_field(fmt, op->cond_a);
    const pvp_ia64_field *b = pvp_ia64_format_field(fmt, op->cond_b);
    if (op->cond == PVP_IA64_COND_NONE || !a || !b)
        return bits;
    uint64_t va = pvp_ia64_field_get(a, bits, 0);
    uint64_t want = op->cond == PVP_IA64_COND_EQUAL ? va : 64 - va;
    uint64_t out = bits;
    return pvp_ia64_field_set(b, &out, NULL, want) == PVP_OK ? out : bits;
}

/* A slot for a unit: uniformly random bits half the time (objdump may know
 * instructions we do not), otherwise an encoding of one of our rows or
 * aliases with random operands, sometimes with one selector bit flipped
 * (reserved neighbours must stay unknown where objdump says so). */
static uint64_t random_slot(unsigned unit, uint64_t *rng)
{
    uint64_t v = biased_bits(rng), dice = tas_rand(rng) % 8;
    size_t nrows, naliases;
    const pvp_ia64_opcode *rows = pvp_ia64_opcodes(&nrows), *aliases = pvp_ia64_aliases(&naliases);
    const pvp_ia64_opcode *op = dice < 4 ? NULL
                                : random_row(dice == 6 ? aliases : rows, dice == 6 ? naliases : nrows,
                                             unit, rng);
    if (!op)
        return v;
    v = (v & ~op->mask) | op->match;
    v = meet_condition(op, v);
    if (dice == 7) {
        uint64_t sel = op->mask & ~(UINT64_C(0xf) << 37) & ~PVP_IA64_QP_MASK;
        for (unsigned bit = (unsigned)(tas_rand(rng) % 37); sel; bit = (bit + 1) % 37)
            if ((sel >> bit) & 1) {
                v ^= UINT64_C(1) << bit;
                break;
            }
    }
    return v;
}

void diff_random_bundles(uint64_t seed, size_t n, uint8_t *out)
{
    uint64_t rng = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        pvp_ia64_bundle b;
        do
            b.tmpl = (uint8_t)(tas_rand(&rng) & 31);
        while (pvp_ia64_template_info(b.tmpl)->reserved);
        for (unsigned s = 0; s < 3; s++)
            b.slot[s] = random_slot(pvp_ia64_slot_unit(&b, s), &rng);
        if (pvp_ia64_slot_unit(&b, 1) == PVP_IA64_UNIT_L)
            b.slot[1] = tas_rand(&rng) & PVP_IA64_SLOT_MASK;    /* any immediate */
        pvp_ia64_bundle_pack(&b, out + 16 * i);
    }
}

/* objdump's text of one slot, stop and trailing blanks removed, in place. */
static char *slot_text(char *txt)
{
    while (*txt == ' ')
        txt++;
    size_t n = strlen(txt);
    while (n && (txt[n - 1] == ' ' || txt[n - 1] == '\n' || txt[n - 1] == ';'))
        txt[--n] = '\0';
    return txt;
}

/* The instruction text of an objdump line, or NULL for headers and for lines
 * of bytes only; *starts is set when the line opens a bundle ("[MII]"). */
static char *line_insn(char *line, int *starts)
{
    char *colon = strchr(line, ':');
    char *tab1 = strchr(line, '\t');
    *starts = 0;
    if (!colon || !tab1 || tab1 != colon + 1)
        return NULL;
    char *tab2 = strchr(tab1 + 1, '\t');
    if (!tab2)
        return NULL;
    char *txt = tab2 + 1;
    char *lb = strchr(txt, '[');
    if (lb && lb - txt < 2 && strchr(lb, ']')) {
        *starts = 1;
        txt = strchr(lb, ']') + 1;
    }
    txt = slot_text(txt);
    return *txt ? txt : NULL;
}

/* Compare objdump's text of slot `slot` of bundle b at ip with ours. */
static void compare_slot(const pvp_ia64_bundle *b, unsigned slot, uint64_t ip, const char *theirs,
                         diff_stats *st, FILE *report, size_t max_report)
{
    pvp_ia64_insn in;
    char ours[256];
    pvp_ia64_decode(b, slot, &in);
    pvp_ia64_print(&in, ip, ours, sizeof ours);
    int they_know = strncmp(theirs, "data8 ", 6) != 0;
    const char *what = NULL;
    st->slots++;
    if (!in.op && !they_know) {
        st->both_unknown++;
        st->agree++;
    } else if (!in.op) {
        st->we_unknown++;
        what = "unknown to pvpatch";
    } else if (!they_know) {
        st->they_unknown++;
        what = "unknown to objdump";
    } else if (strcmp(ours, theirs) == 0) {
        st->agree++;
    } else {
        st->differ++;
        what = "differ";
    }
    size_t bad = st->slots - st->agree;
    if (what && report && bad <= max_report)
        fprintf(report, "0x%llx slot %u %s 0x%011llx: %s: objdump '%s', pvpatch '%s'\n",
                (unsigned long long)ip, slot, pvp_ia64_unit_name(in.unit),
                (unsigned long long)in.bits, what, theirs, ours);
}

int diff_against_objdump(const uint8_t *bytes, size_t n, uint64_t vma, diff_stats *st,
                         FILE *report, size_t max_report)
{
    char path[512], cmd[1024];
    memset(st, 0, sizeof *st);
    if (tas_write_file("diff.bin", bytes, n * 16, path, sizeof path))
        return -1;
    snprintf(cmd, sizeof cmd, TAS_OBJDUMP " -b binary -m ia64 --adjust-vma=0x%llx -z -D '%s'",
             (unsigned long long)vma, path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    long bundle = -1;
    unsigned printed = 0;            /* slots of the current bundle seen so far */
    pvp_ia64_bundle b;
    int ok = 1;
    while (ok && getline(&line, &cap, p) > 0) {
        int starts;
        char *txt = line_insn(line, &starts);
        if (starts) {
            if (bundle >= 0 && printed != (pvp_ia64_slot_unit(&b, 1) == PVP_IA64_UNIT_L ? 2u : 3u))
                ok = 0;
            if (++bundle >= (long)n) {
                ok = 0;
                break;
            }
            ok = ok && pvp_ia64_bundle_unpack(bytes + 16 * bundle, &b) == PVP_OK;
            printed = 0;
        }
        if (!txt || bundle < 0 || !ok)
            continue;
        unsigned slot = printed++;
        if (slot == 1 && pvp_ia64_slot_unit(&b, 1) == PVP_IA64_UNIT_L)
            slot = 2;                /* objdump prints L+X once, as the X slot */
        if (slot > 2) {
            ok = 0;
            break;
        }
        compare_slot(&b, slot, vma + 16 * (uint64_t)bundle, txt, st, report, max_report);
    }
    free(line);
    int status = pclose(p);
    st->bundles = (size_t)(bundle + 1);
    return ok && status == 0 && st->bundles == n ? 0 : -1;
}
