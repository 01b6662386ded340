/* x86-64 instances end to end: one source (assembler, and C built with -O2)
 * built once per mode with include/pvpatch/x86_64/instance.h, linked by GNU
 * ld at fixed addresses with the linker fragment, loaded into this process at
 * those addresses, installed by pvp_install (the unchanged engine) with
 * fixups of every kind, then run: the canonical entry must behave as the
 * chosen mode, with its copy poisoned, and the verifier must agree. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pvpatch/x86_64.h"
#include "support/binutils.h"
#include "support/x86_code.h"

#define BASE   0x40000000ull       /* .text; .init.pvinst at +0x10000, data at +0x20000 */
#define SPAN   0x40000ull
#define PHYS   0x1000000ull        /* where the test's vtop says BASE is */
#define SLOT   256

static const char image_lds[] =
    "SECTIONS {\n"
    "  . = 0x40000000;\n"
    "  .text : { *(.text .text.pvp.native) }\n"
    "  . = 0x40010000;\n"
    "  .init.pvinst : { *(.text.pvp.*) }\n"
    "  . = 0x40020000;\n"
    "  .data : { *(.data .data.* .bss .bss.*) }\n"
    "  INCLUDE pvpatch.lds\n"
    "  /DISCARD/ : { *(.note.* .eh_frame .comment .pvpatch.check) }\n"
    "}\n";

/* The instance in assembler: hot(op, x) tries one kind of reference per op. */
static const char instance_S[] =
    "#include \"pvpatch/x86_64/instance.h\"\n"
    "#ifdef MODE_XEN\n"
    "#define NAME xen\n#define MODE PVP_MODE_XEN\n#define VALUE 0x2222\n"
    "#define INNER inner_xen\n#define PTRS ptrs_xen\n"
    "        .section .text.pvp.xen, \"ax\"\n"
    "PVP_INSTANCE_BEGIN(NAME)\n"
    "#else\n"
    "#define NAME native\n#define MODE PVP_MODE_NATIVE\n#define VALUE 0x1111\n"
    "#define INNER inner_native\n#define PTRS ptrs_native\n"
    "        .section .text.pvp.native, \"ax\"\n"
    "PVP_INSTANCE_BEGIN(NAME)\n"
    "        .globl hot\n"
    "hot:\n"
    "#endif\n"
    "        cmp $1, %rdi; je 1f\n"
    "        cmp $2, %rdi; je 2f\n"
    "        cmp $3, %rdi; je 3f\n"
    "        cmp $4, %rdi; je 4f\n"
    "        cmp $5, %rdi; je 5f\n"
    "        cmp $6, %rdi; je 6f\n"
    "        mov $VALUE, %eax; ret\n"
    "1:      PVP_LOAD_SELF(NAME, %rax, INNER); ret\n"
    "2:      PVP_LOAD_PHYSICAL(NAME, %rax, table); ret\n"
    "3:      mov %rsi, %rdi; call helper; add $VALUE, %rax; ret\n"
    "4:      mov counter(%rip), %rax; ret\n"
    "5:      jmp *PTRS(%rip)\n"
    "6:      PVP_LOAD_SELF(NAME, %rax, INNER); jmp *%rax\n"
    "INNER:  lea VALUE(%rsi), %rax; ret\n"
    "PVP_INSTANCE_END(NAME, MODE, hot, 256)\n"
    "        .data\n"
    "PTRS:   PVP_DATA8_SELF(NAME, INNER)\n";

static const char kernel_S[] =
    "        .text\n"
    "        .globl helper\n"
    "helper: lea (%rdi,%rdi), %rax; ret\n"
    "        .data\n"
    "        .globl counter, table\n"
    "counter: .quad 0x5555\n"
    "table:   .quad 0\n";


static const char kernel_c[] =
    "long counter = 0x5555, table;\n"
    "long helper(long x) { return 2 * x; }\n";

static int image_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr)
{
    (void)ctx;
    if (vaddr - BASE >= SPAN)
        return 1;
    *paddr = vaddr - BASE + PHYS;
    return 0;
}

static int refuse_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr)
{
    (void)ctx, (void)vaddr, (void)paddr;
    return 1;
}

/* Build native + xen (+ the kernel part) from sources written to tmp files. */
static void build_image(int c_source, x86_elf *e)
{
    static int seq;
    char tag[32];
    snprintf(tag, sizeof tag, "img%d", seq++);
    const char *ext = c_source ? "c" : "S";
    char src[64], ksrc[64], lds[64];
    snprintf(src, sizeof src, "%s-inst.%s", tag, ext);
    snprintf(ksrc, sizeof ksrc, "%s-kernel.%s", tag, ext);
    snprintf(lds, sizeof lds, "%s.lds", tag);
    const char *files[3][2] = { { src, c_source ? x86_instance_c : instance_S },
                                { ksrc, c_source ? kernel_c : kernel_S }, { lds, image_lds } };
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(x86_tmp(files[i][0]), "w");
        fputs(files[i][1], f);
        fclose(f);
    }
    const char *cflags = c_source ? "-O2 -fpie -fno-jump-tables -fno-toplevel-reorder "
                                    "-fno-asynchronous-unwind-tables -fcf-protection=none"
                                  : "";
    char out[600];
    snprintf(out, sizeof out, "%s", x86_tmp(tag));
    x86_sh("cc %s -Iinclude -c %s -o %s-native.o", cflags, x86_tmp(src), out);
    x86_sh("cc %s -Iinclude -DMODE_XEN -c %s -o %s-xen.o", cflags, x86_tmp(src), out);
    x86_sh("cc %s -c %s -o %s-kernel.o", cflags, x86_tmp(ksrc), out);
    x86_sh("ld --no-warn-rwx-segments -L include/pvpatch/x86_64 -T %s -o %s.elf %s-native.o "
           "%s-xen.o %s-kernel.o", x86_tmp(lds), out, out, out, out);
    char elf[620];
    snprintf(elf, sizeof elf, "%s.elf", out);
    x86_elf_load(elf, BASE, SPAN, e);
}

typedef struct loaded {
    int c_source;
    x86_elf elf;
    pvp_range range;
    pvp_image img;
    pvp_instance set[4];
    size_t count;
} loaded;

/* (Re-)read the descriptors: the engine marks the installed one. */
static void read_instances(loaded *l)
{
    uint64_t start = x86_nm_value(l->elf.nm, "__pvpatch_instances_start");
    uint64_t end = x86_nm_value(l->elf.nm, "__pvpatch_instances_end");
    pvp_error err;
    cr_assert_eq(pvp_instances_read(&l->img, start, end - start, l->set, 4, &l->count, &err), PVP_OK,
                 "%s", err.what);
    cr_assert_eq(l->count, 2);
}

static void load(int c_source, loaded *l)
{
    l->c_source = c_source;
    build_image(c_source, &l->elf);
    x86_elf_image(&l->elf, &l->range, &l->img);
    read_instances(l);
}

static int install(loaded *l, const char *name, pvp_vtop_fn vtop, pvp_install_report *rep,
                   pvp_error *err)
{
    const pvp_instance *i = pvp_instance_find(l->set, l->count, name);
    cr_assert(i, "no instance %s", name);
    pvp_install_req req = { &pvp_arch_x86_64, l->set, l->count, (size_t)(i - l->set), vtop, NULL,
                            NULL, NULL, 0, NULL, 0 };
    return pvp_install(&l->img, &req, rep, err);
}

static long call_hot(loaded *l, long op, long x)
{
    return x86_call2((void *)(uintptr_t)x86_nm_value(l->elf.nm, "hot"), op, x);
}

/* Seal the code (RX), run every op, unseal. `value` is the mode's constant,
 * `inner` the address its inner function has once installed; `installed`
 * says whether the vtop fixup was applied. */
static void run_ops(loaded *l, long value, uint64_t inner, int installed)
{
    uint64_t table = x86_nm_value(l->elf.nm, "table"), ptable = table;
    if (installed)
        image_vtop(NULL, table, &ptable);
    x86_seal(l->elf.base, 0x20000);
    cr_assert_eq(call_hot(l, 0, 0), value, "the mode's constant");
    cr_assert_eq(call_hot(l, 1, 0), (long)inner, "self: %#lx", call_hot(l, 1, 0));
    cr_assert_eq(call_hot(l, 2, 0), (long)ptable, "vtop");
    cr_assert_eq(call_hot(l, 3, 21), 42 + value, "call outside");
    cr_assert_eq(call_hot(l, 4, 0), 0x5555, "RIP-relative data outside");
    cr_assert_eq(call_hot(l, 5, 7), 7 + value, "through a ptr64 fixup");
    cr_assert_eq(call_hot(l, 6, 9), 9 + value, "through a self movabs");
    if (l->c_source)
        cr_assert_eq(call_hot(l, 7, 9), 2 * (9 + value), "a direct call inside");
    x86_unseal(l->elf.base, 0x20000);
}

static void install_xen_and_run(int c_source)
{
    loaded l;
    load(c_source, &l);
    const pvp_instance *xen = pvp_instance_find(l.set, l.count, "xen");
    uint8_t *orig = malloc(SPAN);
    memcpy(orig, l.elf.base, SPAN);
    pvp_install_report rep;
    pvp_error err;
    cr_assert_eq(install(&l, "xen", image_vtop, &rep, &err), PVP_OK, "%s at %#llx", err.what,
                 (unsigned long long)err.addr);
    cr_assert_eq(rep.fixups[PVP_FIX_SELF_MOVL], 2);
    cr_assert_eq(rep.fixups[PVP_FIX_VTOP_MOVL], 1);
    cr_assert_eq(rep.fixups[PVP_FIX_PTR64], 1);
    cr_assert_geq(rep.retargeted[PVP_X86_CALL32] + rep.retargeted[PVP_X86_JMP32], 1);
    cr_assert_geq(rep.retargeted[PVP_X86_RIP32], 2);

    pvp_range orange = { BASE, SPAN, orig, PVP_RANGE_EXEC, "original" };
    pvp_image oimg = { &orange, 1 };
    pvp_instance before = *xen;
    pvp_mismatch mm[4];
    size_t n;
    cr_assert_eq(pvp_verify_install(&oimg, &l.img, &pvp_arch_x86_64, &before, image_vtop, NULL, mm,
                                    4, &n), PVP_OK, "verifier: %s at %#llx",
                 n ? mm[0].what : "", n ? (unsigned long long)mm[0].addr : 0ull);

    memset(l.elf.base + (xen->copy - BASE), 0xCC, xen->size);   /* the copy is freed */
    uint64_t inner = x86_nm_value(l.elf.nm, "inner_xen");
    run_ops(&l, 0x2222, inner - xen->copy + xen->canonical, 1);
    read_instances(&l);
    cr_assert_eq(install(&l, "xen", image_vtop, &rep, &err), PVP_E_ALREADY_DONE);
    x86_elf_unload(&l.elf);
    free(orig);
}

Test(x86_instance, assembler_instance_installs_over_the_canonical_with_every_fixup)
{
    install_xen_and_run(0);
}

Test(x86_instance, c_instance_built_O2_installs_over_the_canonical_with_every_fixup)
{
    install_xen_and_run(1);
}

/* The canonical instance is installed in place: only its vtop is applied. */
Test(x86_instance, canonical_instance_gets_its_vtop_in_place)
{
    loaded l;
    load(0, &l);
    pvp_install_report rep;
    cr_assert_eq(install(&l, "native", image_vtop, &rep, NULL), PVP_OK);
    cr_assert_eq(rep.units_copied, 0);
    cr_assert_eq(rep.fixups[PVP_FIX_VTOP_MOVL], 1);
    run_ops(&l, 0x1111, x86_nm_value(l.elf.nm, "inner_native"), 1);
    x86_elf_unload(&l.elf);
}

/* A refused translation fails the whole install; not one byte moves. */
Test(x86_instance, refused_vtop_leaves_the_program_identical)
{
    loaded l;
    load(1, &l);
    uint8_t *before = malloc(SPAN);
    memcpy(before, l.elf.base, SPAN);
    pvp_error err;
    cr_assert_eq(install(&l, "xen", refuse_vtop, NULL, &err), PVP_E_TRANSLATE);
    cr_assert_eq(memcmp(before, l.elf.base, SPAN), 0, "a failed install changed the program");
    run_ops(&l, 0x1111, x86_nm_value(l.elf.nm, "inner"), 0);
    x86_elf_unload(&l.elf);
    free(before);
}

/* An entry that is not first in its slot fails the build, not the install. */
Test(x86_instance, c_entry_not_first_fails_to_assemble)
{
    FILE *f = fopen(x86_tmp("late.c"), "w");
    fputs("#include \"pvpatch/x86_64/instance.h\"\n"
          "PVP_C_INSTANCE(late, 2, late_entry, late_entry, 64);\n"
          "PVP_C_CODE(late) long late_helper(long x) { return x + 1; }\n"
          "PVP_C_CODE(late) long late_entry(long x) { return late_helper(x) * 3; }\n", f);
    fclose(f);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cc -O2 -fno-toplevel-reorder -Iinclude -c %s -o %s 2>&1",
             x86_tmp("late.c"), x86_tmp("late.o"));
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert_neq(st, 0, "a misplaced entry assembled:\n%s", out);
    cr_assert(strstr(out, "too large for field of 1 byte"), "%s", out);
    free(out);
}
