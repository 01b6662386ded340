/* pvpatch disasm at scale: labels of an executable with thousands of
 * symbols (several at one address) against GNU nm, and a listing much
 * larger than memory allows to buffer, written as it is produced. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/binutils.h"

#define NLABELS 3000

static const char *pvpatch(void)
{
    const char *p = getenv("PVPATCH");
    p = p && *p ? p : "build/pvpatch";
    cr_assert(access(p, X_OK) == 0, "%s is not built (make build/pvpatch, or set PVPATCH)", p);
    return p;
}

/* An executable whose every other bundle has a label, every 7th label
 * with a second name at the same address, each branching to the next. */
static void build_labelled(char *exe, size_t size)
{
    size_t cap = (size_t)NLABELS * 200 + 64, len = 0;
    char *src = malloc(cap);
    len += (size_t)snprintf(src, cap, "\t.text\n\t.global _start\n_start:\n");
    for (int i = 0; i < NLABELS; i++) {
        if (i % 7 == 0)
            len += (size_t)snprintf(src + len, cap - len, "twin%d:\n", i);
        len += (size_t)snprintf(src + len, cap - len,
                                "lab%d:\n{ .mii\n nop.m 0\n nop.i 0\n nop.i 0 ;;\n}\n"
                                "{ .mib\n nop.m 0\n nop.i 0\n br.cond.sptk.many lab%d ;;\n}\n",
                                i, (i + 1) % NLABELS);
    }
    tas_object obj;
    char err[4096];
    cr_assert_eq(tas_assemble(src, NULL, &obj, err, sizeof err), 0, "%s", err);
    free(src);
    snprintf(exe, size, "%s/labelled", tas_tmpdir());
    char cmd[1600];
    snprintf(cmd, sizeof cmd, TAS_LD " -o '%s' '%s' 2>&1", exe, obj.path);
    int st;
    free(tas_run(cmd, &st));
    cr_assert_eq(st, 0, "ld failed: %s", cmd);
    tas_free(&obj);
}

/* The text symbols nm lists, as "addr name" by address (symbols at one address
 * in symbol-table order, as nm -p gives them and a stable sort keeps); ld's
 * markers __bss_start, _edata and _end lie past the code and name no bundle. */
static char *nm_symbols(const char *exe)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ia64-linux-gnu-nm -p '%s' | awk '$2 ~ /^[tT]$/ && $3 !~ /^(__bss_start|_edata|_end)$/ {print $1, $3}' | sort -s -k1,1", exe);
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert_eq(st, 0);
    return out;
}

/* pvpatch's labels as "addr name": each "name:" line takes the address of the
 * bundle line that follows it. */
static char *listed_labels(const char *listing)
{
    size_t cap = strlen(listing) / 4 + 64, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    const char *pending[8];
    size_t npending = 0;
    for (const char *line = listing; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        if (n > 1 && line[n - 1] == ':' && strncmp(line, "section ", 8) != 0 && line[0] != ' ') {
            cr_assert_lt(npending, 8);
            pending[npending++] = line;
        } else if (n > 16 && line[16] == ' ' && npending) {
            for (size_t i = 0; i < npending; i++) {
                size_t nl = strcspn(pending[i], ":");
                len += (size_t)snprintf(out + len, cap - len, "%.16s %.*s\n", line, (int)nl, pending[i]);
            }
            npending = 0;
        }
        line = eol ? eol + 1 : line + n;
    }
    cr_assert_eq(npending, 0, "labels after the last bundle");
    return out;
}

Test(disasm, labels_of_thousands_of_symbols_are_those_nm_lists)
{
    char exe[600], cmd[1400];
    build_labelled(exe, sizeof exe);
    snprintf(cmd, sizeof cmd, "'%s' disasm '%s'", pvpatch(), exe);
    int st;
    char *listing = tas_run(cmd, &st);
    cr_assert_eq(st, 0);
    char *ours = listed_labels(listing);
    char *theirs = nm_symbols(exe);
    /* nm prints addresses as 16 hex digits too; symbols at one address keep table order. */
    cr_expect_str_eq(ours, theirs, "labels differ from nm.s text symbols");
    size_t n = 0;
    for (const char *p = ours; (p = strchr(p, '\n')) != NULL; p++)
        n++;
    cr_expect_eq(n, NLABELS + (NLABELS + 6) / 7 + 1, "labels: %zu", n);
    printf("disasm: %zu labels of a %d-label executable match nm\n", n, NLABELS);
    free(listing);
    free(ours);
    free(theirs);
}

/* Run pvpatch disasm FILE with stdout on /dev/null; the child's peak RSS in KB. */
static long disasm_peak_rss(const char *file)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(null, 1) < 0)
            _exit(127);
        execl(pvpatch(), "pvpatch", "disasm", file, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "pvpatch disasm %s failed", file);
    return ru.ru_maxrss;
}

/* 8 MiB of bundles list as about 80 MB of text: a disassembler that gathers
 * its output before writing it needs far more than the input. */
Test(disasm, output_is_streamed_not_gathered)
{
    enum { BUNDLES = 8 * 1024 * 1024 / 16 };
    uint8_t *blob = malloc((size_t)BUNDLES * 16);
    uint64_t rng = UINT64_C(0xd15a5bead5);
    for (size_t i = 0; i < BUNDLES; i++) {
        for (int k = 0; k < 16; k += 8) {
            uint64_t v = tas_rand(&rng);
            memcpy(blob + 16 * i + k, &v, 8);
        }
        blob[16 * i] = (uint8_t)((blob[16 * i] & ~31u) | 0x10);     /* MIB */
    }
    char path[600];
    cr_assert_eq(tas_write_file("big.bin", blob, (size_t)BUNDLES * 16, path, sizeof path), 0);
    free(blob);
    long rss = disasm_peak_rss(path);
    printf("disasm: 8 MiB of bundles listed with a peak RSS of %ld KB\n", rss);
    cr_expect_lt(rss, 8 * 1024 + 16 * 1024, "peak RSS %ld KB: the listing is gathered in memory", rss);
}
