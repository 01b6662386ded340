/* Test support: drive GNU as and objdump for IA-64 and parse what they print. */
#define _GNU_SOURCE
#include "binutils.h"

#include <ctype.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];
static pid_t tmpdir_owner;

/* Remove this process's directory when it exits (each Criterion worker has its own). */
static void remove_tmpdir(void)
{
    if (tmpdir[0] && tmpdir_owner == getpid()) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    }
}

const char *tas_tmpdir(void)
{
    if (!tmpdir[0] || tmpdir_owner != getpid()) {   /* Criterion forks: one directory per process */
        int first = !tmpdir[0];
        snprintf(tmpdir, sizeof tmpdir, "/tmp/pvpatch-test-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            abort();
        }
        tmpdir_owner = getpid();
        if (first)
            atexit(remove_tmpdir);
    }
    return tmpdir;
}

char *tas_run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 4096)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return buf;
}

int tas_load_section(const char *path, const char *section, tas_object *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx;
    int rc = -1;
    if (e && elf_getshdrstrndx(e, &shstrndx) == 0) {
        for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s)) != NULL;) {
            GElf_Shdr sh;
            gelf_getshdr(s, &sh);
            const char *name = elf_strptr(e, shstrndx, sh.sh_name);
            if (!name || strcmp(name, section ? section : ".text"))
                continue;
            Elf_Data *d = elf_getdata(s, NULL);
            out->size = d ? d->d_size : 0;
            out->bytes = malloc(out->size ? out->size : 1);
            if (out->size)
                memcpy(out->bytes, d->d_buf, out->size);
            out->addr = sh.sh_addr;
            rc = 0;
            break;
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return rc;
}

void tas_free(tas_object *obj)
{
    free(obj->bytes);
    obj->bytes = NULL;
}

int tas_write_file(const char *name, const void *bytes, size_t size, char *path, size_t pathsz)
{
    snprintf(path, pathsz, "%s/%s", tas_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(bytes, 1, size, f) == size;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int tas_assemble(const char *src, const char *section, tas_object *out, char *err, size_t errsz)
{
    static unsigned seq;
    char spath[512], opath[512], cmd[1200];
    snprintf(spath, sizeof spath, "%s/a%u.s", tas_tmpdir(), seq);
    snprintf(opath, sizeof opath, "%s/a%u.o", tas_tmpdir(), seq++);
    FILE *f = fopen(spath, "w");
    if (!f)
        return -1;
    fputs(src, f);
    fclose(f);
    /* Dependency-violation warnings are expected in generated code; keep errors. */
    snprintf(cmd, sizeof cmd, TAS_AS " -xexplicit %s -o %s 2>&1 | grep -v -e Warning -e 'first path' "
             "-e 'location of the conflicting' -e 'Assembler messages' ; test -s %s", spath, opath, opath);
    int st;
    char *msg = tas_run(cmd, &st);
    if (err && errsz)
        snprintf(err, errsz, "%s", msg ? msg : "");
    free(msg);
    if (st != 0)
        return -1;
    return tas_load_section(opath, section, out);
}

static int parse_objdump(char *text, tas_bundle *out, int max)
{
    int n = -1;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *colon = strchr(line, ':');
        char *tab1 = strchr(line, '\t');
        if (!colon || !tab1 || tab1 != colon + 1)
            continue;                       /* headers and "<label>:" lines */
        char *tab2 = strchr(tab1 + 1, '\t');
        if (!tab2)
            continue;                       /* bytes only: the rest of a bundle */
        char *txt = tab2 + 1;
        char *lb = strchr(txt, '[');
        if (lb && lb - txt < 2 && strchr(lb, ']')) {
            if (++n >= max)
                return -1;
            memset(&out[n], 0, sizeof out[n]);
            out[n].addr = strtoull(line, NULL, 16);
            char *rb = strchr(lb, ']');
            snprintf(out[n].tmpl, sizeof out[n].tmpl, "%.*s", (int)(rb - lb - 1), lb + 1);
            txt = rb + 1;
        }
        if (n < 0)
            continue;
        while (*txt == ' ')
            txt++;
        if (*txt && out[n].nslots < 3)
            snprintf(out[n].insn[out[n].nslots++], sizeof out[n].insn[0], "%s", txt);
    }
    return n + 1;
}

int tas_objdump_bundles(const char *path, const char *extra_args, tas_bundle *out, int max)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, TAS_OBJDUMP " -d -z %s %s 2>&1", extra_args ? extra_args : "", path);
    int st;
    char *text = tas_run(cmd, &st);
    int n = st == 0 ? parse_objdump(text, out, max) : -1;
    free(text);
    return n;
}

int tas_objdump_raw(const char *path, uint64_t vma, tas_bundle *out, int max)
{
    char args[128];
    snprintf(args, sizeof args, "-b binary -m ia64 --adjust-vma=0x%llx -z -D", (unsigned long long)vma);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, TAS_OBJDUMP " %s %s 2>&1", args, path);
    int st;
    char *text = tas_run(cmd, &st);
    int n = st == 0 ? parse_objdump(text, out, max) : -1;
    free(text);
    return n;
}

int tas_insn_target(const char *insn, int index, uint64_t *target)
{
    /* objdump prints a target as "0x10" or, where a symbol is known, as bare hex
     * followed by " <sym>": "br.few c0 <L1>", "brp.sptk 0x10,90 <L2>". Registers
     * (r3, b0, f6) never take either shape. */
    const char *p = strchr(insn, ' ');
    int seen = 0;
    while (p && *p) {
        while (*p == ' ' || *p == ',' || *p == '=')
            p++;
        const char *start = p;
        while (*p && *p != ' ' && *p != ',' && *p != ';' && *p != '=')
            p++;
        int prefixed = p - start > 2 && start[0] == '0' && start[1] == 'x';
        int symbolic = p[0] == ' ' && p[1] == '<';
        if ((prefixed || symbolic) && seen++ == index) {
            *target = strtoull(start, NULL, 16);
            return 0;
        }
        if (symbolic) {
            const char *gt = strchr(p, '>');
            p = gt ? gt + 1 : p + strlen(p);
        }
        if (*p == ';')
            break;
    }
    return -1;
}

int tas_objdump_mem(const void *bytes, size_t size, uint64_t vma, tas_bundle *out, int max)
{
    static unsigned seq;
    char name[32], path[512];
    snprintf(name, sizeof name, "blob%u.bin", seq++);
    if (tas_write_file(name, bytes, size, path, sizeof path))
        return -1;
    return tas_objdump_raw(path, vma, out, max);
}

int tas_error_lines(const char *messages, unsigned char *bad, int nlines)
{
    int marked = 0;
    for (const char *p = messages; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        /* "<file>.s:<line>: Error: <text>" */
        const char *tag = memmem(p, len, ": Error:", 8);
        if (tag) {
            const char *q = tag;
            while (q > p && isdigit((unsigned char)q[-1]))
                q--;
            long line = strtol(q, NULL, 10);
            if (line > 0 && line < nlines && !bad[line]) {
                bad[line] = 1;
                marked++;
            }
        }
        p = eol ? eol + 1 : p + len;
    }
    return marked;
}

uint64_t tas_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(2685821657736338717);
}

int tas_insn_has_stop(const char *insn)
{
    size_t n = strlen(insn);
    while (n && insn[n - 1] == ' ')
        n--;
    return n >= 2 && insn[n - 1] == ';' && insn[n - 2] == ';';
}
