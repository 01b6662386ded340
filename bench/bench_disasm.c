/* pvpatch disasm against GNU objdump -d, as processes, side by side in one
 * run: on 4 MiB of raw bundles (IA-64 code assembled here with GNU as), on
 * an executable with 50,000 labels (assembled and linked with GNU as and
 * ld), and on random bundles. The two commands run in turns, several times,
 * output to /dev/null; the figures are the least CPU time (user + system)
 * of each and its peak RSS, both from wait4. A listing is written as it is produced, so pvpatch's
 * RSS stays flat while its output grows: the raw case is also run on 1/16
 * of the input to show it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OBJDUMP "ia64-linux-gnu-objdump"
#define AS      "ia64-linux-gnu-as"
#define LD      "ia64-linux-gnu-ld"
#define RUNS    9
#define LABELS  50000

/* Handler-like code: every template, IP-relative form, movl, loads,
 * compares, floating point and the sensitive instructions of an IVT. */
static const char block[] =
    "L%d_a:\n"
    "{ .mii\n nop.m 0\n mov r2=ip ;;\n adds r3=16,r2\n}\n"
    "{ .mib\n ld8 r3=[r2]\n adds r4=8,r3\n br.cond.sptk.many L%d_b ;;\n}\n"
    "{ .mlx\n nop.m 0\n movl r16=0xa000000100001234 ;;\n}\n"
    "{ .mmi\n mov r17=cr.ifa\n mov r18=cr.ipsr\n dep r19=0,r17,61,3 ;;\n}\n"
    "{ .mlx\n st8 [r4]=r17\n brl.cond.sptk.many L%d_c ;;\n}\n"
    "{ .mib\n nop.m 0\n cmp.eq p6,p7=r0,r3\n brp.sptk L%d_a, L%d_b\n}\n"
    "L%d_b:\n"
    "{ .mib\n nop.m 0\n chk.s.i r5, L%d_a\n (p6) br.call.sptk.many b0=L%d_a ;;\n}\n"
    "{ .mmi\n chk.s.m r6, L%d_b\n chk.a.nc r7, L%d_b\n shr.u r8=r9,12\n}\n"
    "{ .mmi\n itc.d r24 ;;\n srlz.d\n tbit.z p6,p7=r10,3 ;;\n}\n"
    "{ .mbb\n alloc r32=ar.pfs,2,3,0,0\n br.ret.sptk.many b0\n br.cloop.sptk.few L%d_a ;;\n}\n"
    "{ .bbb\n nop.b 0\n br.cond.dpnt.few L%d_a\n nop.b 0 ;;\n}\n"
    "{ .mfb\n rsm psr.i\n fma.s1 f6=f7,f8,f9\n br.cond.sptk.many L%d_a\n}\n"
    "{ .mmf\n ssm psr.ic\n thash r9=r10\n fcmp.eq.unc p8,p9=f10,f11 ;;\n}\n"
    "{ .mfi\n ldf.fill f12=[r13]\n fchkf.s0 L%d_a\n extr.u r10=r11,3,5\n}\n"
    "{ .mmb\n ld4 r12=[r13],4\n st4 [r14]=r15,4\n br.cond.sptk.many L%d_a\n}\n"
    "L%d_c:\n"
    "{ .mii\n add r20=r21,r22\n mux1 r23=r24,@rev\n (p7) cmp4.ltu.unc p10,p11=5,r25 ;;\n}\n";

#define BLOCK_LABEL_USES 16
#define BLOCK_BUNDLES 16

static void die(const char *msg)
{
    fprintf(stderr, "bench_disasm: %s\n", msg);
    exit(1);
}

static void run_or_die(const char *cmd)
{
    if (system(cmd) != 0)
        die(cmd);
}

/* The source of `blocks` copies of the block. */
static void write_blocks(const char *path, int blocks)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write the assembly source");
    fputs("\t.text\n\t.global _start\n_start:\n", f);
    for (int i = 0; i < blocks; i++) {
        int n[BLOCK_LABEL_USES];
        for (int k = 0; k < BLOCK_LABEL_USES; k++)
            n[k] = i;
        fprintf(f, block, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10],
                n[11], n[12], n[13], n[14], n[15]);
    }
    fclose(f);
}

/* An executable whose .text has LABELS labels, one every other bundle, each
 * branched to from its neighbour (so both tools name targets too). */
static void write_labels(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write the assembly source");
    fputs("\t.text\n\t.global _start\n_start:\n", f);
    for (int i = 0; i < LABELS; i++)
        fprintf(f, "lab%d:\n{ .mii\n add r8=r9,r10\n nop.i 0\n nop.i 0 ;;\n}\n"
                   "{ .mib\n ld8 r11=[r12]\n cmp.eq p6,p7=r8,r11\n (p6) br.cond.dptk.many lab%d ;;\n}\n",
                i, (i + 1) % LABELS);
    fclose(f);
}

/* Random bundles of valid templates, for the worst case of both decoders. */
static void write_random(const char *path, size_t bundles)
{
    static const unsigned valid[] = { 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                                      18, 19, 22, 23, 24, 25, 28, 29 };
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write the random blob");
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < bundles; i++) {
        unsigned char b[16];
        for (int k = 0; k < 16; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b[k] = (unsigned char)(x >> 24);
        }
        b[0] = (unsigned char)((b[0] & ~31u) | valid[x % 24]);
        fwrite(b, 1, 16, f);
    }
    fclose(f);
}

/* The least of n times: the run the machine's other load disturbed least. */
static double least(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        m = v[i] < m ? v[i] : m;
    return m;
}

/* Run argv once, output to /dev/null; its CPU seconds, and its peak RSS in *rss_kb. */
static double run_once(char *const argv[], long *rss_kb)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork failed");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(null, 1) < 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_disasm: %s %s failed\n", argv[0], argv[1]);
        exit(1);
    }
    *rss_kb = ru.ru_maxrss > *rss_kb ? ru.ru_maxrss : *rss_kb;
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

/* One comparison: pvpatch disasm FILE and objdump, run in turns (the machine's
 * load changes from second to second); each tool's time is its least. */
static void compare(const char *what, const char *prog, const char *file, int raw, double bundles)
{
    char *ours[] = { (char *)prog, "disasm", (char *)file, NULL };
    char *raw_od[] = { OBJDUMP, "-b", "binary", "-m", "ia64", "-D", (char *)file, NULL };
    char *elf_od[] = { OBJDUMP, "-d", (char *)file, NULL };
    double tp[RUNS], to[RUNS];
    long rp = 0, ro = 0;
    for (int r = 0; r < RUNS; r++) {
        tp[r] = run_once(ours, &rp);
        to[r] = run_once(raw ? raw_od : elf_od, &ro);
    }
    double p = least(tp, RUNS), o = least(to, RUNS);
    p = p > 1e-3 ? p : 1e-3;
    printf("  %-30s pvpatch %8.0f bundles/s, objdump %7.0f bundles/s: %5.1fx;  peak RSS %6ld KB vs %6ld KB\n",
           what, bundles / p, bundles / o, o / p, rp, ro);
}

int main(void)
{
    char dir[] = "/tmp/pvpatch-bench-disasm-XXXXXX", cmd[4096];
    if (!mkdtemp(dir))
        die("mkdtemp failed");
    const char *prog = getenv("PVPATCH") ? getenv("PVPATCH") : "build/pvpatch";
    if (access(prog, X_OK) != 0)
        die("build/pvpatch is not built (make build/pvpatch, or set PVPATCH)");

    /* 4 MiB and 256 KiB of code as raw bundles. */
    const int big = 4 * 1024 * 1024 / (BLOCK_BUNDLES * 16), small = big / 16;
    char src[600], raw[600], raw_small[600], labels[600], random[600];
    snprintf(src, sizeof src, "%s/code.s", dir);
    snprintf(raw, sizeof raw, "%s/code.bin", dir);
    snprintf(raw_small, sizeof raw_small, "%s/small.bin", dir);
    snprintf(labels, sizeof labels, "%s/labels", dir);
    snprintf(random, sizeof random, "%s/random.bin", dir);
    write_blocks(src, big);
    snprintf(cmd, sizeof cmd, AS " -xexplicit -W -o %s/code.o %s && ia64-linux-gnu-objcopy -O binary "
             "-j .text %s/code.o %s", dir, src, dir, raw);
    run_or_die(cmd);
    write_blocks(src, small);
    snprintf(cmd, sizeof cmd, AS " -xexplicit -W -o %s/small.o %s && ia64-linux-gnu-objcopy -O binary "
             "-j .text %s/small.o %s", dir, src, dir, raw_small);
    run_or_die(cmd);
    /* The executable with 50k labels. */
    snprintf(src, sizeof src, "%s/labels.s", dir);
    write_labels(src);
    snprintf(cmd, sizeof cmd, AS " -xexplicit -W -o %s/labels.o %s && " LD " -o %s %s/labels.o",
             dir, src, labels, dir);
    run_or_die(cmd);
    write_random(random, 262144);

    printf("disasm: pvpatch disasm and %s -d as processes taking turns, CPU time of the child "
           "(least of %d runs), peak RSS of the child\n", OBJDUMP, RUNS);
    compare("raw bundles, 4 MiB of code", prog, raw, 1, big * (double)BLOCK_BUNDLES);
    compare("raw bundles, 256 KiB of code", prog, raw_small, 1, small * (double)BLOCK_BUNDLES);
    compare("ELF, 50000 labels", prog, labels, 0, LABELS * 2.0);
    compare("random bundles, 4 MiB", prog, random, 1, 262144.0);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_disasm: could not remove %s\n", dir);
    return 0;
}
