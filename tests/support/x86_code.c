/* Test support for the x86-64 backend: GNU as, executable memory, Zydis. */
#define _GNU_SOURCE
#include "x86_code.h"

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <Zydis/Zydis.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvpatch/x86_64.h"
#include "binutils.h"

void x86_assemble(const char *src, x86_blob *out)
{
    static unsigned seq;
    char spath[512], opath[512], cmd[1600];
    snprintf(spath, sizeof spath, "%s/x%u.s", tas_tmpdir(), seq);
    snprintf(opath, sizeof opath, "%s/x%u.o", tas_tmpdir(), seq++);
    FILE *f = fopen(spath, "w");
    cr_assert(f);
    fputs(src, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "as --64 %s -o %s 2>&1 && readelf -rW %s | grep -c R_X86 ; true",
             spath, opath, opath);
    int st;
    char *msg = tas_run(cmd, &st);
    cr_assert(st == 0 && strncmp(msg, "0", 1) == 0,
              "assembling failed or left relocations (blobs must be position independent):\n%s\n%s",
              msg, src);
    free(msg);
    tas_object obj;
    cr_assert_eq(tas_load_section(opath, ".text", &obj), 0);
    out->bytes = obj.bytes;
    out->size = obj.size;
    snprintf(cmd, sizeof cmd, "nm %s 2>/dev/null", opath);
    out->nm = tas_run(cmd, NULL);    /* empty when the blob has no symbols */
}

uint64_t x86_sym(const x86_blob *b, const char *name)
{
    return x86_nm_value(b->nm, name);
}

uint64_t x86_nm_value(const char *nm, const char *name)
{
    for (const char *p = nm; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        unsigned long long v;
        char type, sym[128];
        if (sscanf(p, "%llx %c %127s", &v, &type, sym) == 3 && strcmp(sym, name) == 0)
            return v;
    }
    cr_assert_fail("no symbol %s", name);
    return 0;
}

void x86_blob_free(x86_blob *b)
{
    free(b->bytes);
    free(b->nm);
}

/* The kernel may ignore a hint; walk candidate addresses around `near`
 * with MAP_FIXED_NOREPLACE, which never replaces an existing mapping. */
uint8_t *x86_map_near(const void *near, size_t size)
{
    int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
    if (!near) {
        void *p = mmap(NULL, size, prot, flags, -1, 0);
        cr_assert(p != MAP_FAILED);
        return p;
    }
    uintptr_t base = (uintptr_t)near & ~(uintptr_t)0xFFFF;
    for (uintptr_t step = 16u << 20; step < (1u << 30); step += 16u << 20)
        for (int sign = -1; sign <= 1; sign += 2) {
            uintptr_t at = sign < 0 ? base - step : base + step;
            void *p = mmap((void *)at, size, prot, flags | MAP_FIXED_NOREPLACE, -1, 0);
            if (p != MAP_FAILED && (uintptr_t)p == at)
                return p;
            if (p != MAP_FAILED)
                munmap(p, size);
        }
    cr_assert_fail("no free address within 1 GiB of %p", near);
    return NULL;
}

void x86_seal(void *p, size_t size)
{
    cr_assert_eq(mprotect(p, size, PROT_READ | PROT_EXEC), 0);
}

void x86_unseal(void *p, size_t size)
{
    cr_assert_eq(mprotect(p, size, PROT_READ | PROT_WRITE), 0);
}

void x86_unmap(void *p, size_t size)
{
    munmap(p, size);
}

/* The line of /proc/self/maps holding addr: its permissions and name. */
static void maps_line(uintptr_t addr, char perms[8], char *name, size_t size)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4352];
    perms[0] = 0;
    name[0] = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char p[8];
        int at = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, p, &at) >= 3 && addr >= lo &&
            addr < hi) {
            memcpy(perms, p, 8);
            snprintf(name, size, "%s", at ? line + at : "");
            name[strcspn(name, "\n")] = 0;
        }
    }
    if (f)
        fclose(f);
}

const char *x86_perms_at(uintptr_t addr)
{
    static char perms[8];
    char name[4096];
    maps_line(addr, perms, name, sizeof name);
    return perms;
}

const char *x86_mapping_name(uintptr_t addr)
{
    static char name[4096];
    char perms[8];
    maps_line(addr, perms, name, sizeof name);
    return name;
}

long x86_call2(const void *p, long a, long b)
{
    long (*f)(long, long) = (long (*)(long, long))(uintptr_t)p;
    return f(a, b);
}

int x86_zydis_target(const uint8_t *code, size_t avail, uint64_t addr, size_t *len,
                     uint64_t *target)
{
    ZydisDecoder d;
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    cr_assert(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d, code, avail, &zi, ops)),
              "Zydis cannot decode the code at %#llx", (unsigned long long)addr);
    *len = zi.length;
    for (unsigned i = 0; i < zi.operand_count; i++) {
        int rel = (ops[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && ops[i].imm.is_relative) ||
                  (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY && ops[i].mem.base == ZYDIS_REGISTER_RIP);
        ZyanU64 t;
        if (rel && ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, &ops[i], addr, &t))) {
            *target = t;
            return 1;
        }
    }
    return 0;
}

const char *x86_zydis_mnemonic(const uint8_t *code, size_t avail)
{
    ZydisDecoder d;
    ZydisDecodedInstruction zi;
    ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&d, NULL, code, avail, &zi)))
        return "";
    return ZydisMnemonicGetString(zi.mnemonic);
}

void x86_mem_image_init(x86_mem_image *m, void *copy, void *canonical, size_t size)
{
    memset(m, 0, sizeof *m);
    uint64_t c = (uintptr_t)copy, k = (uintptr_t)canonical;
    m->ranges[0] = (pvp_range){ c, size, copy, PVP_RANGE_EXEC, "copy" };
    m->ranges[1] = (pvp_range){ k, size, canonical, PVP_RANGE_EXEC, "canonical" };
    m->ranges[2] = (pvp_range){ (uintptr_t)m->record, sizeof m->record, m->record,
                                PVP_RANGE_WRITE, "record" };
    m->img = (pvp_image){ m->ranges, 3 };
    m->inst = (pvp_instance){ .record = (uintptr_t)m->record, .name = "moved", .mode = 1,
                              .copy = c, .canonical = k, .size = size, .slot_size = size };
}

int x86_mem_install(x86_mem_image *m, pvp_install_report *rep, pvp_error *err)
{
    pvp_install_req req = { &pvp_arch_x86_64, &m->inst, 1, 0, NULL, NULL, NULL, NULL, 0, NULL, 0 };
    return pvp_install(&m->img, &req, rep, err);
}

/* The command, with its standard error joined to its output. */
static void shell_line(char *cmd, size_t size, const char *fmt, va_list ap)
{
    vsnprintf(cmd, size, fmt, ap);
    strncat(cmd, " 2>&1", size - strlen(cmd) - 1);
}

char *x86_run(int *status, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    shell_line(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return tas_run(cmd, status);
}

void x86_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    shell_line(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert(st == 0, "command failed: %s\n%s", cmd, out);
    free(out);
}

const char *x86_tmp(const char *name)
{
    static char paths[8][512];
    static unsigned next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", tas_tmpdir(), name);
    return p;
}

void x86_elf_load(const char *path, uint64_t base, size_t size, x86_elf *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    void *p = mmap((void *)(uintptr_t)base, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    cr_assert(p == (void *)(uintptr_t)base, "cannot map the test program at %#llx",
              (unsigned long long)base);
    out->base = p;
    out->size = size;
    cr_assert(elf_version(EV_CURRENT) != EV_NONE);
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    cr_assert(e);
    for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s)) != NULL;) {
        GElf_Shdr sh;
        gelf_getshdr(s, &sh);
        if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS || !sh.sh_size)
            continue;
        cr_assert(sh.sh_addr >= base && sh.sh_addr + sh.sh_size <= base + size,
                  "section at %#llx outside the mapping", (unsigned long long)sh.sh_addr);
        Elf_Data *d = elf_getdata(s, NULL);
        memcpy(out->base + (sh.sh_addr - base), d->d_buf, d->d_size);
    }
    elf_end(e);
    close(fd);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "nm %s", path);
    out->nm = tas_run(cmd, NULL);
}

void x86_elf_unload(x86_elf *e)
{
    munmap(e->base, e->size);
    free(e->nm);
}

void x86_elf_image(x86_elf *e, pvp_range *r, pvp_image *img)
{
    *r = (pvp_range){ (uintptr_t)e->base, e->size, e->base, PVP_RANGE_EXEC | PVP_RANGE_WRITE,
                      "program" };
    *img = (pvp_image){ r, 1 };
}

/* See x86_code.h: one instance source for the in-process and the PIE tests. */
const char x86_instance_c[] =
    "#include \"pvpatch/x86_64/instance.h\"\n"
    "#ifdef MODE_XEN\n"
    "#define NAME xen\n"
    "#define MODE PVP_MODE_XEN\n"
    "#define VALUE 0x2222\n"
    "#define FN(f) f##_xen\n"
    "#else\n"
    "#define NAME native\n"
    "#define MODE PVP_MODE_NATIVE\n"
    "#define VALUE 0x1111\n"
    "#define FN(f) f\n"
    "#endif\n"
    "extern long helper(long);\n"
    "extern long counter, table;\n"
    "long FN(inner)(long);\n"
    "extern long (*volatile FN(ptrs))(long);\n"
    "PVP_C_INSTANCE(NAME, MODE, FN(hot), hot, 256);\n"
    "PVP_C_CODE(NAME) long FN(hot)(long op, long x)\n"
    "{\n"
    "    long (*f)(long), v;\n"
    "    switch (op) {\n"
    "#ifndef PIE_ONLY\n"
    "    case 1: PVP_C_LOAD_SELF(NAME, v, FN(inner)); return v;\n"
    "    case 2: PVP_C_LOAD_PHYSICAL(NAME, v, table); return v;\n"
    "    case 6: PVP_C_LOAD_SELF(NAME, f, FN(inner)); return f(x);\n"
    "#endif\n"
    "    case 3: return helper(x) + VALUE;\n"
    "    case 4: return counter;\n"
    "    case 5: f = FN(ptrs); return f(x);\n"
    "    case 7: return FN(inner)(x) * 2;\n"
    "    default: return VALUE;\n"
    "    }\n"
    "}\n"
    "PVP_C_CODE(NAME) long FN(inner)(long x) { return x + VALUE; }\n"
    "long (*volatile FN(ptrs))(long) = FN(inner);\n"
    "PVP_C_PTR64(NAME, FN(ptrs));\n";

void *x86_sites_lib(const char *name, const char *src, pvp_rt_records *recs)
{
    char c[256], so[256];
    snprintf(c, sizeof c, "%s.c", name);
    snprintf(so, sizeof so, "lib%s.so", name);
    FILE *f = fopen(x86_tmp(c), "w");
    cr_assert(f);
    fputs(src, f);
    fclose(f);
    snprintf(c, sizeof c, "%s", x86_tmp(c));
    snprintf(so, sizeof so, "%s", x86_tmp(so));
    x86_sh("cc -O2 -fpic -shared -mno-red-zone -Iinclude %s -o %s -Wl,-L,include/pvpatch/x86_64 "
           "-Wl,-T,pvpatch-insert.lds", c, so);
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    cr_assert(h, "%s", dlerror());
    ((void (*)(pvp_rt_records *))(uintptr_t)x86_lib_fn(h, "lib_records"))(recs);
    return h;
}

void (*x86_lib_fn(void *handle, const char *name))(void)
{
    void *p = dlsym(handle, name);
    cr_assert(p, "no %s in the library", name);
    return (void (*)(void))(uintptr_t)p;
}
