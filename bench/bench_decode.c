/* Opcode lookup and slot decoding, in-process, side by side in one run:
 *  - the indexed lookup (pvp_ia64_lookup: a selector picks a short candidate
 *    list) against the method it replaced (binary search of the table sorted
 *    by unit and major opcode, then a linear scan of that opcode's rows, then
 *    the same for the A rows of M and I slots), on the same slots, with the
 *    same answers checked;
 *  - decoding a bundle once (pvp_ia64_decode_bundle) against the four
 *    decodes per slot the install path used to make, and printing every slot.
 * The slots are those of real code: a block of handler-like IA-64 code
 * assembled here with GNU as, and an encoding of every row of the table. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/ia64/formats.h"
#include "cli/cli.h"
#include "elf/elf_image.h"
#include "pvpatch/ia64.h"

static const char block[] =
    "L%d:\n"
    "{ .mii\n nop.m 0\n mov r2=ip ;;\n adds r3=16,r2\n}\n"
    "{ .mib\n ld8 r3=[r2]\n adds r4=8,r3\n br.cond.sptk.many L%d ;;\n}\n"
    "{ .mlx\n nop.m 0\n movl r16=0xa000000100001234 ;;\n}\n"
    "{ .mmi\n mov r17=cr.ifa\n mov r18=cr.ipsr\n dep r19=0,r17,61,3 ;;\n}\n"
    "{ .mmi\n itc.d r24 ;;\n srlz.d\n tbit.z p6,p7=r10,3 ;;\n}\n"
    "{ .mbb\n alloc r32=ar.pfs,2,3,0,0\n br.ret.sptk.many b0\n br.cloop.sptk.few L%d ;;\n}\n"
    "{ .mfb\n rsm psr.i\n fma.s1 f6=f7,f8,f9\n br.cond.sptk.many L%d\n}\n"
    "{ .mmf\n ssm psr.ic\n thash r9=r10\n fcmp.eq.unc p8,p9=f10,f11 ;;\n}\n"
    "{ .mfi\n ldf.fill f12=[r13]\n nop.f 0\n extr.u r10=r11,3,5\n}\n"
    "{ .mmb\n ld4 r12=[r13],4\n st4 [r14]=r15,4\n br.cond.sptk.many L%d\n}\n"
    "{ .mii\n add r20=r21,r22\n mux1 r23=r24,@rev\n (p7) cmp4.ltu.unc p10,p11=5,r25 ;;\n}\n";
#define BLOCKS 256
#define BLOCK_BUNDLES 11

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *msg)
{
    fprintf(stderr, "bench_decode: %s\n", msg);
    exit(1);
}

/* Assemble the blocks; returns the bytes of .text (size in *size). */
static uint8_t *assemble_code(size_t *size)
{
    char dir[] = "/tmp/pvpatch-bench-decode-XXXXXX", path[600], obj[600], cmd[1400];
    char err[PVP_ERR_SIZE];
    if (!mkdtemp(dir))
        die("mkdtemp failed");
    snprintf(path, sizeof path, "%s/code.s", dir);
    snprintf(obj, sizeof obj, "%s/code.o", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write the assembly source");
    fputs("\t.text\n", f);
    for (int i = 0; i < BLOCKS; i++)
        fprintf(f, block, i, i, i, i, i);
    fclose(f);
    snprintf(cmd, sizeof cmd, "ia64-linux-gnu-as -xexplicit -W -o '%s' '%s'", obj, path);
    if (system(cmd) != 0)
        die("ia64-linux-gnu-as failed");
    pvp_file *pf = pvp_file_open(obj, err, sizeof err);
    const pvp_section *text = pf ? pvp_file_section_by_name(pf, ".text") : NULL;
    if (!text)
        die(pf ? "no .text" : err);
    uint8_t *bytes = malloc(text->size);
    memcpy(bytes, text->bytes, text->size);
    *size = text->size;
    pvp_file_close(pf);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_decode: could not remove %s\n", dir);
    return bytes;
}

/* ---- The lookup pvpatch had before the index ------------------------------- */

static pvp_ia64_opcode *sorted;
static size_t nsorted;

static unsigned row_key(unsigned unit, uint64_t bits)
{
    return unit << 4 | (unsigned)((bits >> 37) & 0xf);
}

static int by_key(const void *a, const void *b)
{
    const pvp_ia64_opcode *x = a, *y = b;
    unsigned kx = row_key(x->unit, x->match), ky = row_key(y->unit, y->match);
    return kx < ky ? -1 : kx > ky;
}

/* Rows with a reserved completer value do not match (as in the index). */
static int completers_ok(const pvp_ia64_opcode *op, uint64_t bits)
{
    const pvp_ia64_format *fmt = pvp_ia64_opcode_format(op);
    for (unsigned i = 0; i < fmt->nfields; i++)
        if (pvp_ia64_kind_reserved(fmt->field[i].kind, pvp_ia64_field_get(&fmt->field[i], bits, 0)))
            return 0;
    return 1;
}

static const pvp_ia64_opcode *old_search(unsigned unit, uint64_t bits)
{
    size_t lo = 0;
    unsigned key = row_key(unit, bits);
    for (size_t hi = nsorted; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if (row_key(sorted[mid].unit, sorted[mid].match) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < nsorted && row_key(sorted[lo].unit, sorted[lo].match) == key; lo++)
        if ((bits & sorted[lo].mask) == sorted[lo].match)
            return completers_ok(&sorted[lo], bits) ? &sorted[lo] : NULL;
    return NULL;
}

static const pvp_ia64_opcode *old_lookup(unsigned unit, uint64_t bits)
{
    const pvp_ia64_opcode *op = old_search(unit, bits);
    if (!op && (unit == PVP_IA64_UNIT_M || unit == PVP_IA64_UNIT_I))
        op = old_search(PVP_IA64_UNIT_A, bits);
    return op;
}

/* ---- Measures ---------------------------------------------------------------- */

typedef struct slot_ref {
    unsigned unit;
    uint64_t bits;
} slot_ref;

/* Keeps the answers alive, so the lookups are not optimized away. */
static volatile uintptr_t answers;

/* Lookups per second over the slots (at least 0.5 s), indexed or the old way. */
static double lookups_per_s(const slot_ref *s, size_t n, int old)
{
    size_t done = 0;
    uintptr_t acc = 0;
    double start = now(), elapsed;
    do {
        for (size_t i = 0; i < n; i++) {
            const pvp_ia64_opcode *op = old ? old_lookup(s[i].unit, s[i].bits)
                                            : pvp_ia64_lookup(s[i].unit, s[i].bits);
            acc += op ? (uintptr_t)op->syntax : 1;
        }
        done += n;
    } while ((elapsed = now() - start) < 0.5);
    answers += acc;
    return done / elapsed;
}

/* Bundles per second of decoding every slot once, or four times as the
 * install path did (scan, IP-relative list, reads-pc, compare). */
static double bundles_per_s(const uint8_t *bytes, size_t size, int times)
{
    size_t done = 0;
    unsigned sink = 0;
    double start = now(), elapsed;
    do {
        for (size_t off = 0; off < size; off += 16) {
            pvp_ia64_bundle b;
            pvp_ia64_insn in[3];
            pvp_ia64_bundle_unpack(bytes + off, &b);
            for (int t = 0; t < times; t++)
                if (times == 1)
                    pvp_ia64_decode_bundle(&b, in);
                else
                    for (unsigned s = 0; s < 3; s++)
                        pvp_ia64_decode(&b, s, &in[s]);
            sink += in[2].op != NULL;
        }
        done += size / 16;
    } while ((elapsed = now() - start) < 0.5);
    if (sink == 1)
        putchar(' ');
    return done / elapsed;
}

/* Bundles per second of decoding and printing as text (what disasm does). */
static double printed_per_s(const uint8_t *bytes, size_t size)
{
    FILE *null = fopen("/dev/null", "w");
    if (!null)
        die("cannot open /dev/null");
    size_t done = 0;
    double start = now(), elapsed;
    do {
        for (size_t off = 0; off < size; off += 16) {
            disasm_bundle b;
            if (disasm_decode(bytes + off, 0xa000000100000000ull + off, &b) != 0)
                die("reserved template in the code");
            disasm_print_text(null, &b, NULL, NULL);
        }
        done += size / 16;
    } while ((elapsed = now() - start) < 0.5);
    fclose(null);
    return done / elapsed;
}

int main(void)
{
    size_t size, nrows;
    uint8_t *code = assemble_code(&size);
    const pvp_ia64_opcode *rows = pvp_ia64_opcodes(&nrows);
    nsorted = nrows;
    sorted = malloc(nrows * sizeof *sorted);
    memcpy(sorted, rows, nrows * sizeof *sorted);
    qsort(sorted, nsorted, sizeof *sorted, by_key);

    /* The code's slots, then one encoding of every row (in both M and I slots for A). */
    size_t n = 0, cap = size / 16 * 3 + 2 * nrows;
    slot_ref *slots = malloc(cap * sizeof *slots);
    for (size_t off = 0; off < size; off += 16) {
        pvp_ia64_bundle b;
        pvp_ia64_bundle_unpack(code + off, &b);
        for (unsigned s = 0; s < 3; s++)
            if (pvp_ia64_slot_unit(&b, s) != PVP_IA64_UNIT_L)
                slots[n++] = (slot_ref){ pvp_ia64_slot_unit(&b, s), b.slot[s] };
    }
    size_t ncode = n;
    for (size_t i = 0; i < nrows; i++) {
        unsigned unit = rows[i].unit == PVP_IA64_UNIT_A ? PVP_IA64_UNIT_M : rows[i].unit;
        slots[n++] = (slot_ref){ unit, rows[i].match };
        if (rows[i].unit == PVP_IA64_UNIT_A)
            slots[n++] = (slot_ref){ PVP_IA64_UNIT_I, rows[i].match };
    }
    for (size_t i = 0; i < n; i++) {
        const pvp_ia64_opcode *a = pvp_ia64_lookup(slots[i].unit, slots[i].bits);
        const pvp_ia64_opcode *b = old_lookup(slots[i].unit, slots[i].bits);
        if ((a ? a->syntax : NULL) != (b ? b->syntax : NULL))
            die("the index and the old method disagree");
    }

    printf("decode: %zu rows; %zu slots of assembled code and %zu encodings of every row\n", nrows,
           ncode, n - ncode);
    for (int pass = 0; pass < 2; pass++) {
        const slot_ref *set = pass ? slots + ncode : slots;
        size_t count = pass ? n - ncode : ncode;
        double fresh = lookups_per_s(set, count, 0), old = lookups_per_s(set, count, 1);
        printf("  lookup on %-18s indexed %6.1f M/s, binary search + scan %6.1f M/s: %4.1fx\n",
               pass ? "every row:" : "the code's slots:", fresh / 1e6, old / 1e6, fresh / old);
    }
    double once = bundles_per_s(code, size, 1), four = bundles_per_s(code, size, 4);
    printf("  decoding bundles: each slot once %.2f M bundles/s, four times (the old install path) "
           "%.2f M bundles/s: %.1fx\n", once / 1e6, four / 1e6, once / four);
    printf("  decoding and printing as text (disasm's work, in-process): %.2f M bundles/s\n",
           printed_per_s(code, size) / 1e6);
    free(slots);
    free(sorted);
    free(code);
    return 0;
}
