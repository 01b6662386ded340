/* The runtime writer on this very process: a function of the test program
 * and functions of a shared library built and dlopen'ed by the test are
 * changed while running, by each method (/proc/self/mem keeps the file's
 * mapping, remap makes anonymous pages), and every refusal (overlap, data,
 * writable, shared, unmapped, vdso, sealed, a W^X policy against remap, and
 * a swap the kernel refuses half-way) leaves the code byte-identical. The
 * CPU runs the patched code; /proc/self/maps tells what became of the
 * mapping. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pvpatch/runtime.h"
#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define PAGE 4096

__attribute__((noinline, noipa)) long rt_victim(long x)
{
    return x + 1;
}

__attribute__((noinline, noipa)) long rt_replacement(long x)
{
    return x * 1000;
}

static long (*volatile victim)(long) = rt_victim;

Test(x86_runtime, patches_a_function_of_the_running_program_and_back)
{
    uintptr_t at = (uintptr_t)rt_victim, page = at & ~(uintptr_t)(PAGE - 1);
    uint8_t before[2 * PAGE], jmp[5];
    memcpy(before, (void *)page, sizeof before);
    cr_assert_eq(victim(1), 2);
    size_t len;
    cr_assert_eq(pvp_x86_put_jmp(jmp, 5, at, (uintptr_t)rt_replacement, &len, NULL), PVP_OK);
    pvp_text_edit e = { at, jmp, len };
    pvp_error err;
    cr_assert_eq(pvp_text_write(&e, 1, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(victim(7), 7000, "the patched function runs the replacement");
    cr_assert_str_eq(x86_perms_at(at), "r-xp", "the patched page is read-execute, never writable");
    cr_assert_eq(memcmp((void *)page, before, at - page), 0, "bytes before the edit moved");
    cr_assert_eq(memcmp((void *)(at + len), before + (at - page) + len,
                        sizeof before - (at - page) - len), 0, "bytes after the edit moved");
    pvp_text_edit back = { at, before + (at - page), len };
    cr_assert_eq(pvp_text_write(&back, 1, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(victim(1), 2);
    cr_assert_eq(memcmp((void *)page, before, sizeof before), 0);
}

/* A shared library with three functions on three pages (x*3, x*5, x*7). */
typedef struct lib {
    void *handle;
    long (*f[3])(long);
} lib;

static void build_lib(lib *l)
{
    static const char src[] =
        "__attribute__((aligned(4096), noinline)) long lib_a(long x) { return x * 3; }\n"
        "__attribute__((aligned(4096), noinline)) long lib_b(long x) { return x * 5; }\n"
        "__attribute__((aligned(4096), noinline)) long lib_c(long x) { return x * 7; }\n";
    FILE *f = fopen(x86_tmp("lib.c"), "w");
    fputs(src, f);
    fclose(f);
    char so[512];
    snprintf(so, sizeof so, "%s", x86_tmp("libpvtest.so"));
    x86_sh("cc -O2 -shared -fpic %s -o %s", x86_tmp("lib.c"), so);
    l->handle = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    cr_assert(l->handle, "%s", dlerror());
    static const char *const names[3] = { "lib_a", "lib_b", "lib_c" };
    for (int i = 0; i < 3; i++) {
        void *sym = dlsym(l->handle, names[i]);
        cr_assert(sym);
        l->f[i] = (long (*)(long))(uintptr_t)sym;
        cr_assert_eq((uintptr_t)sym % PAGE, 0);
    }
}

/* `lea (%rdi,%rdi,8), %rax; ret`: x*9, as GNU as assembles it. */
static void times9(x86_blob *b)
{
    x86_assemble(".text\nlea (%rdi,%rdi,8), %rax\nret\n", b);
}

/* Everything from lib_a's page to the end of lib_c's, for identity checks. */
static uint8_t *snapshot(const lib *l, size_t *size)
{
    *size = (uintptr_t)l->f[2] + PAGE - (uintptr_t)l->f[0];
    uint8_t *s = malloc(*size);
    memcpy(s, (void *)(uintptr_t)l->f[0], *size);
    return s;
}

static void assert_unchanged(const lib *l, const uint8_t *s, size_t size)
{
    cr_assert_eq(memcmp((void *)(uintptr_t)l->f[0], s, size), 0, "a refused write changed the code");
    cr_assert_eq(l->f[0](2), 6);
    cr_assert_eq(l->f[1](2), 10);
    cr_assert_eq(l->f[2](2), 14);
}

Test(x86_runtime, patches_a_shared_library_on_several_pages_at_once)
{
    lib l;
    build_lib(&l);
    x86_blob b;
    times9(&b);
    uintptr_t a = (uintptr_t)l.f[0], c = (uintptr_t)l.f[2];
    /* marks in lib_a's padding, then lib_b's own first bytes: it must still run */
    uint8_t marks[6] = { 1, 2, 3 };
    memcpy(marks + 3, (void *)(a + PAGE), 3);
    pvp_text_edit e[3] = {
        { c, b.bytes, b.size },              /* given out of order on purpose */
        { a, b.bytes, b.size },
        { a + PAGE - 3, marks, sizeof marks },   /* across the boundary into lib_b's page */
    };
    uint8_t *b_page = malloc(PAGE);
    memcpy(b_page, (void *)(a + PAGE + 3), PAGE - 3);
    pvp_error err;
    cr_assert_eq(pvp_text_write(e, 3, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(l.f[0](3), 27);
    cr_assert_eq(l.f[2](3), 27);
    cr_assert_eq(l.f[1](3), 15, "lib_b's code past the boundary edit is intact");
    cr_assert_eq(memcmp((void *)(a + PAGE - 3), marks, sizeof marks), 0);
    cr_assert_eq(memcmp((void *)(a + PAGE + 3), b_page, PAGE - 3), 0);
    for (int i = 0; i < 3; i++)
        cr_assert_str_eq(x86_perms_at(a + (uintptr_t)i * PAGE), "r-xp");
    free(b_page);
    x86_blob_free(&b);
}

/* A write refused before anything is swapped: nothing changed, reason given. */
static void refused(const lib *l, const pvp_text_edit *e, size_t n, int status, const char *why)
{
    size_t size;
    uint8_t *s = snapshot(l, &size);
    pvp_error err = { 0 };
    cr_assert_eq(pvp_text_write(e, n, &err), status, "got %d: %s", err.status, err.what);
    cr_assert(err.what && strstr(err.what, why), "'%s' does not say '%s'", err.what, why);
    assert_unchanged(l, s, size);
    free(s);
}

Test(x86_runtime, refusals_leave_the_code_identical)
{
    lib l;
    build_lib(&l);
    x86_blob b;
    times9(&b);
    uintptr_t a = (uintptr_t)l.f[0];
    uint8_t *heap = malloc(64);
    uint8_t *rwx = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *shared = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint8_t *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(rwx != MAP_FAILED && shared != MAP_FAILED && two != MAP_FAILED);
    munmap(two + PAGE, PAGE);                      /* a hole after one page of code */
    uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);

    pvp_text_edit overlap[2] = { { a, b.bytes, b.size }, { a + 2, b.bytes, b.size } };
    refused(&l, overlap, 2, PVP_E_OVERLAP, "overlap");
    pvp_text_edit data[2] = { { a, b.bytes, b.size }, { (uintptr_t)heap, b.bytes, b.size } };
    refused(&l, data, 2, PVP_E_UNSUPPORTED, "not readable and executable");
    pvp_text_edit w[2] = { { a, b.bytes, b.size }, { (uintptr_t)rwx, b.bytes, b.size } };
    refused(&l, w, 2, PVP_E_UNSUPPORTED, "writable");
    pvp_text_edit sh[2] = { { a, b.bytes, b.size }, { (uintptr_t)shared, b.bytes, b.size } };
    refused(&l, sh, 2, PVP_E_UNSUPPORTED, "shared");
    pvp_text_edit hole[2] = { { a, b.bytes, b.size }, { (uintptr_t)two + PAGE - 2, b.bytes, 4 } };
    refused(&l, hole, 2, PVP_E_OUTSIDE_IMAGE, "not mapped");
    pvp_text_edit empty[2] = { { a, b.bytes, b.size }, { a + 100, b.bytes, 0 } };
    refused(&l, empty, 2, PVP_E_TRUNCATED, "empty");
    pvp_text_edit v[2] = { { a, b.bytes, b.size }, { vdso + 0x800, b.bytes, 1 } };
    refused(&l, v, 2, PVP_E_UNSUPPORTED, "vdso");
    free(heap);
    x86_blob_free(&b);
}

/* Each method on the library: it computes the new code; /proc/self/mem
 * leaves the mapping read-execute and named after the library's file (what
 * perf and gdb read), remap leaves read-execute anonymous memory. */
static void write_by(pvp_text_method method, const char *want_name)
{
    lib l;
    build_lib(&l);
    x86_blob b;
    times9(&b);
    uintptr_t a = (uintptr_t)l.f[0];
    char file[4096];
    snprintf(file, sizeof file, "%s", x86_mapping_name(a));
    cr_assert(strstr(file, "libpvtest.so"), "the library's code is its file's mapping: %s", file);
    pvp_text_set_method(method);
    pvp_text_edit e = { a, b.bytes, b.size };
    pvp_error err = { 0 };
    cr_assert_eq(pvp_text_write(&e, 1, &err), PVP_OK, "%s", err.what);
    pvp_text_set_method(PVP_TEXT_AUTO);
    cr_assert_eq(l.f[0](4), 36);
    cr_assert_eq(l.f[1](4), 20);
    cr_assert_str_eq(x86_perms_at(a), "r-xp");
    cr_assert_str_eq(x86_mapping_name(a), want_name ? want_name : file);
    x86_blob_free(&b);
}

Test(x86_runtime, proc_self_mem_keeps_the_file_mapping_remap_makes_it_anonymous)
{
    write_by(PVP_TEXT_AUTO, NULL);
    write_by(PVP_TEXT_PROC_MEM, NULL);
    write_by(PVP_TEXT_REMAP, "");
}

/* Write lib_a and lib_c, lib_c's page sealed with mseal(2), by `method`: refused
 * at lib_c with EPERM, `words` in the reason, and the code as it was. */
static void write_to_sealed(pvp_text_method method, const char *words)
{
    lib l;
    build_lib(&l);
    x86_blob b;
    times9(&b);
    uintptr_t a = (uintptr_t)l.f[0], c = (uintptr_t)l.f[2];
#ifndef SYS_mseal
#define SYS_mseal 462
#endif
    if (syscall(SYS_mseal, c, PAGE, 0) != 0) {
        cr_assert_eq(errno, ENOSYS, "mseal failed: %s", strerror(errno));
        cr_skip_test("this kernel has no mseal(2)");
    }
    size_t size;
    uint8_t *s = snapshot(&l, &size);
    pvp_text_edit e[2] = { { a, b.bytes, b.size }, { c, b.bytes, b.size } };
    pvp_error err = { 0 };
    pvp_text_set_method(method);
    cr_assert_eq(pvp_text_write(e, 2, &err), PVP_E_UNSUPPORTED);
    cr_assert_eq(errno, EPERM);
    cr_assert_eq(err.addr, c);
    cr_assert(strstr(err.what, words), "%s", err.what);
    pvp_text_set_method(PVP_TEXT_AUTO);
    assert_unchanged(&l, s, size);
    cr_assert_str_eq(x86_perms_at(a), "r-xp");
    free(s);
    x86_blob_free(&b);
}

/* Sealed code: /proc/self/mem would write it, it is refused before anything is written. */
Test(x86_runtime, sealed_code_is_refused_before_anything_is_written)
{
    write_to_sealed(PVP_TEXT_AUTO, "sealed (mseal): refused, nothing written");
}

/* Under a W^X policy that refuses to make memory executable (the kernel's
 * PR_SET_MDWE, as systemd's MemoryDenyWriteExecute sets it): remap cannot
 * make its read-execute copies and is refused with nothing changed;
 * /proc/self/mem, which never maps anything executable, still writes. */
Test(x86_runtime, a_policy_against_executable_memory_leaves_proc_self_mem)
{
    lib l;
    build_lib(&l);
    x86_blob b;
    times9(&b);
    uintptr_t a = (uintptr_t)l.f[0];
    if (prctl(65 /* PR_SET_MDWE */, 1 /* PR_MDWE_REFUSE_EXEC_GAIN */, 0, 0, 0) != 0)
        cr_skip_test("this kernel has no PR_SET_MDWE");
    size_t size;
    uint8_t *s = snapshot(&l, &size);
    pvp_text_edit e = { a, b.bytes, b.size };
    pvp_error err = { 0 };
    pvp_text_set_method(PVP_TEXT_REMAP);
    cr_assert_eq(pvp_text_write(&e, 1, &err), PVP_E_UNSUPPORTED);
    cr_assert(strstr(err.what, "nothing changed"), "%s", err.what);
    assert_unchanged(&l, s, size);
    pvp_text_set_method(PVP_TEXT_AUTO);
    cr_assert_eq(pvp_text_write(&e, 1, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(l.f[0](4), 36);
    cr_assert(strstr(x86_mapping_name(a), "libpvtest.so"));
    free(s);
    x86_blob_free(&b);
}

/* Remap: the kernel refuses the second of two swaps (its pages are sealed
 * with mseal(2)): the first, already swapped, is put back. */
Test(x86_runtime, a_swap_refused_half_way_is_rolled_back)
{
    write_to_sealed(PVP_TEXT_REMAP, "nothing changed");
}
