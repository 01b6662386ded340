/* Decode throughput: pvpatch's disassembler against GNU objdump on the same
 * 32 KiB of real IA-64 code (assembled here with GNU as). pvpatch is timed
 * in-process (decode, list IP-relative operands, print every slot as text);
 * objdump, and the pvpatch program for a like-for-like figure, as processes. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "elf/elf_image.h"

#define BLOB_SIZE (32 * 1024)
#define OBJDUMP "ia64-linux-gnu-objdump"

/* One block of handler-like code: every template and IP-relative form. */
static const char block[] =
    "L%d_a:\n"
    "{ .mii\n nop.m 0\n mov r2=ip ;;\n nop.i 0\n}\n"
    "{ .mib\n ld8 r3=[r2]\n adds r4=8,r3\n br.cond.sptk.many L%d_b ;;\n}\n"
    "{ .mlx\n nop.m 0\n movl r16=0xa000000100001234 ;;\n}\n"
    "{ .mmi\n mov r17=cr.ifa\n mov r18=cr.ipsr\n dep r19=0,r17,61,3 ;;\n}\n"
    "{ .mlx\n st8 [r4]=r17\n brl.cond.sptk.many L%d_c ;;\n}\n"
    "{ .mib\n nop.m 0\n cmp.eq p6,p7=r0,r3\n brp.sptk L%d_a, L%d_b\n}\n"
    "L%d_b:\n"
    "{ .mib\n nop.m 0\n chk.s.i r5, L%d_a\n (p6) br.call.sptk.many b0=L%d_a ;;\n}\n"
    "{ .mmi\n chk.s.m r6, L%d_b\n chk.a.nc r7, L%d_b\n shr.u r8=r9,12\n}\n"
    "{ .mmi\n itc.d r24 ;;\n srlz.d\n nop.i 0 ;;\n}\n"
    "{ .mbb\n nop.m 0\n br.ret.sptk.many b0\n br.cloop.sptk.few L%d_a ;;\n}\n"
    "{ .bbb\n nop.b 0\n br.cond.dpnt.few L%d_a\n nop.b 0 ;;\n}\n"
    "{ .mfb\n rsm psr.i\n nop.f 0\n br.cond.sptk.many L%d_a\n}\n"
    "{ .mmf\n ssm psr.ic\n thash r9=r10\n fma.s1 f6=f7,f8,f9 ;;\n}\n"
    "{ .mfi\n nop.m 0\n fchkf.s0 L%d_a\n extr.u r10=r11,3,5\n}\n"
    "{ .mmb\n ld4 r12=[r13],4\n st4 [r14]=r15,4\n br.cond.sptk.many L%d_a\n}\n"
    "L%d_c:\n"
    "{ .mii\n add r20=r21,r22\n nop.i 0\n nop.i 0 ;;\n}\n";

#define BLOCK_LABEL_USES 16
#define BLOCK_BUNDLES 16

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

/* Write the source of enough blocks to fill 32 KiB. */
static void write_source(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write the assembly source");
    fputs("\t.text\n", f);
    for (int i = 0; i < BLOB_SIZE / (BLOCK_BUNDLES * 16); i++) {
        int n[BLOCK_LABEL_USES];
        for (int k = 0; k < BLOCK_LABEL_USES; k++)
            n[k] = i;
        fprintf(f, block, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10],
                n[11], n[12], n[13], n[14], n[15]);
    }
    fclose(f);
}

/* Assemble the sample and write its .text as a raw blob; returns the blob's bytes. */
static uint8_t *make_blob(const char *dir, char *blob_path, size_t pathsz)
{
    char src[512], obj[512], cmd[2048], err[PVP_ERR_SIZE];
    snprintf(src, sizeof src, "%s/sample.s", dir);
    snprintf(obj, sizeof obj, "%s/sample.o", dir);
    snprintf(blob_path, pathsz, "%s/sample.bin", dir);
    write_source(src);
    snprintf(cmd, sizeof cmd, "ia64-linux-gnu-as -xexplicit -W '%s' -o '%s'", src, obj);
    if (system(cmd) != 0)
        die("ia64-linux-gnu-as failed");
    pvp_file *f = pvp_file_open(obj, err, sizeof err);
    const pvp_section *text = f ? pvp_file_section_by_name(f, ".text") : NULL;
    if (!text || text->size != BLOB_SIZE)
        die(f ? "the sample's .text is not 32 KiB" : err);
    uint8_t *bytes = malloc(BLOB_SIZE);
    memcpy(bytes, text->bytes, BLOB_SIZE);
    pvp_file_close(f);
    if (pvp_write_atomic(blob_path, bytes, BLOB_SIZE, 0644, err, sizeof err) != 0)
        die(err);
    return bytes;
}

/* Bundles per second of decoding and printing the blob in-process. */
static double time_pvpatch(const uint8_t *bytes)
{
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        die("cannot open /dev/null");
    unsigned long bundles = 0;
    double start = now(), elapsed;
    do {
        for (size_t off = 0; off < BLOB_SIZE; off += 16) {
            disasm_bundle b;
            if (disasm_decode(bytes + off, 0xa000000100000000ull + off, &b) != 0)
                die("reserved template in the sample");
            disasm_print_text(sink, &b, NULL, NULL);
            bundles++;
        }
    } while ((elapsed = now() - start) < 1.0);
    fclose(sink);
    return bundles / elapsed;
}

/* Bundles per second of a command run over and over on the blob (>= 1 s, >= 3 runs). */
static double time_command(const char *cmd)
{
    unsigned long runs = 0;
    double start = now(), elapsed;
    do {
        if (system(cmd) != 0)
            die(cmd);
        runs++;
    } while ((elapsed = now() - start) < 1.0 || runs < 3);
    return runs * (BLOB_SIZE / 16.0) / elapsed;
}

int main(void)
{
    char dir[] = "/tmp/pvpatch-bench-XXXXXX", blob[600], cmd[1400];
    if (!mkdtemp(dir))
        die("mkdtemp failed");
    uint8_t *bytes = make_blob(dir, blob, sizeof blob);

    double ours = time_pvpatch(bytes);
    snprintf(cmd, sizeof cmd, OBJDUMP " -b binary -m ia64 -D '%s' >/dev/null", blob);
    double theirs = time_command(cmd);
    printf("pvpatch decodes %.0f bundles/s, objdump %.0f bundles/s: %.1fx\n", ours, theirs,
           ours / theirs);

    const char *prog = getenv("PVPATCH") ? getenv("PVPATCH") : "build/pvpatch";
    if (access(prog, X_OK) == 0) {
        snprintf(cmd, sizeof cmd, "'%s' disasm '%s' >/dev/null", prog, blob);
        double process = time_command(cmd);
        printf("  as processes (start-up included, %d bundles a run): pvpatch disasm %.0f "
               "bundles/s, objdump %.0f bundles/s: %.1fx\n", BLOB_SIZE / 16, process, theirs,
               process / theirs);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_decode: could not remove %s\n", dir);
    free(bytes);
    return 0;
}
