/* Test support for the x86-64 backend: code assembled by GNU as, executable
 * memory (written RW, then sealed RX, then called: the CPU is the oracle) and
 * Zydis's own decode of a target as a second oracle. */
#ifndef PVP_TEST_X86_CODE_H
#define PVP_TEST_X86_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "pvpatch/install.h"
#include "pvpatch/runtime.h"

/* Bytes of the .text of an assembled x86-64 source, and its symbols. */
typedef struct x86_blob {
    uint8_t *bytes;
    size_t size;
    char *nm;          /* `nm` output, searched by x86_sym */
} x86_blob;

/* Assemble x86-64 GNU as source (AT&T syntax) into blob; fails the test on error. */
void x86_assemble(const char *src, x86_blob *out);
/* Offset of symbol `name` in the blob's .text; fails the test if absent. */
uint64_t x86_sym(const x86_blob *b, const char *name);
/* Value of symbol `name` in `nm` output; fails the test if absent. */
uint64_t x86_nm_value(const char *nm, const char *name);
void x86_blob_free(x86_blob *b);

/* A fresh RW mapping of size bytes, within 1 GiB of `near` (anywhere if 0). */
uint8_t *x86_map_near(const void *near, size_t size);
/* Make a mapping executable and no longer writable, or writable again. */
void x86_seal(void *p, size_t size);
void x86_unseal(void *p, size_t size);
void x86_unmap(void *p, size_t size);

/* The permissions /proc/self/maps shows for addr ("r-xp"), or "" if unmapped. */
const char *x86_perms_at(uintptr_t addr);
/* The name /proc/self/maps shows for addr's mapping ("" for anonymous memory or unmapped). */
const char *x86_mapping_name(uintptr_t addr);

/* Call code at p as long f(long, long). */
long x86_call2(const void *p, long a, long b);

/* Zydis's own view of the instruction at code: length and absolute target of
 * its relative operand (ZydisCalcAbsoluteAddress); 0 if it has none. */
int x86_zydis_target(const uint8_t *code, size_t avail, uint64_t addr, size_t *len,
                     uint64_t *target);
/* Zydis's mnemonic string of the instruction at code ("" if undecodable). */
const char *x86_zydis_mnemonic(const uint8_t *code, size_t avail);

/* An image of host memory (target address == host address) for in-process
 * installs: one range per region, plus a descriptor record. */
typedef struct x86_mem_image {
    pvp_range ranges[4];
    pvp_image img;
    pvp_instance inst;
    uint8_t record[PVP_INSTANCE_RECSIZE];
} x86_mem_image;

/* Describe an instance at copy moving to canonical (size bytes each), backed
 * by host memory; extra ranges (e.g. the targets' region) may be added by the
 * caller into ranges[2..3] before installing. */
void x86_mem_image_init(x86_mem_image *m, void *copy, void *canonical, size_t size);
/* pvp_install of that instance with the x86-64 arch. */
int x86_mem_install(x86_mem_image *m, pvp_install_report *rep, pvp_error *err);

/* One C source of an instance, compiled with -O2 once per mode (-DMODE_XEN
 * for the copy): hot(op, x) tries one kind of reference per op. 0: the mode's
 * VALUE (0x1111 native, 0x2222 xen); 1: its inner function's address by a
 * self movabs; 2: vtop(table); 3: helper(x) + VALUE; 4: counter; 5: inner(x)
 * through a ptr64-fixed pointer; 6: inner(x) through a self movabs; 7:
 * inner(x) * 2 by a direct call; inner(x) = x + VALUE. Built with -DPIE_ONLY,
 * ops 1, 2 and 6 (absolute addresses: text relocations in a PIE) are left out.
 * The program provides helper(x) = 2x, counter = 0x5555 and table. */
extern const char x86_instance_c[];

/* A linked x86-64 ELF executable loaded into this process at its own
 * addresses (a fixed, private RW mapping of [base, base+size)). */
typedef struct x86_elf {
    char path[512];
    uint8_t *base;
    size_t size;
    char *nm;
} x86_elf;

/* Run a shell command in the repository: its output and standard error,
 * its exit status in *status. */
char *x86_run(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run a shell command (compilers, ld) in the repository; fails the test with
 * its output unless it exits 0. */
void x86_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A path in this test process's temporary directory. */
const char *x86_tmp(const char *name);
/* Map [base, base+size) and copy every allocated section of path to its address. */
void x86_elf_load(const char *path, uint64_t base, size_t size, x86_elf *out);
void x86_elf_unload(x86_elf *e);
/* The loaded program as one pvp_image range (target address == host address). */
void x86_elf_image(x86_elf *e, pvp_range *r, pvp_image *img);

/* Build C source `src` (PVP_CALL sites, modes, and `void lib_records(pvp_rt_records *)`)
 * as shared library NAME.so, -mno-red-zone, linked with pvpatch-insert.lds,
 * and dlopen it: its handle, and its records in *recs. Fails the test on error. */
void *x86_sites_lib(const char *name, const char *src, pvp_rt_records *recs);
/* The address of function `name` in a dlopen'ed library; fails the test if absent. */
void (*x86_lib_fn(void *handle, const char *name))(void);

#endif
