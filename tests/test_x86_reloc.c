/* Relocation of every x86-64 PC-relative form by pvp_install: each form is
 * assembled by GNU as into a small position-independent arena, installed by
 * the engine at another address, then checked three ways: the CPU runs the
 * installed copy (with the original poisoned by int3) and must compute what
 * the original computed, Zydis re-decodes every outside target to the same
 * absolute address, and the independent verifier agrees. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define PAGE     4096
#define ARENA    (2 * PAGE)      /* code page, then a data page that stays writable */
#define SNIP     0x60            /* where the snippet under test starts */
#define LAND     0x40            /* outside targets: land_a returns 0xA1 */
#define NEAR_DST 0x00            /* destination for rel8 forms: 64 bytes in reach of LAND */
#define ADDR_OF_LAND (-1L)       /* expected result: the address of land_a */

typedef struct form_case {
    const char *name;
    const char *code;          /* the snippet; rdi, rsi are the arguments, rax the result */
    int form;                  /* the form it must assemble to (first PC-relative instruction) */
    int near;                  /* rel8: install within reach of land_a */
    const char *cpu;           /* a CPU feature the code needs to run, or NULL */
    long args[3][2];
    long want[3];
} form_case;

static const form_case cases[] = {
    { "jmp8", "jmp land_a", PVP_X86_JMP8, 1, NULL, { { 0, 0 } }, { 0xA1 } },
    { "jcc8", "cmp %rsi, %rdi; jl land_a; mov $0x77, %eax; ret", PVP_X86_JCC8, 1, NULL,
      { { 1, 2 }, { 2, 1 } }, { 0xA1, 0x77 } },
    { "loop8", "mov %rdi, %rcx; loop land_a; mov $0x77, %eax; ret", PVP_X86_LOOP8, 1, NULL,
      { { 2, 0 }, { 1, 0 } }, { 0xA1, 0x77 } },
    { "loope8", "mov %rdi, %rcx; cmp $0, %rsi; loope land_a; mov $0x77, %eax; ret", PVP_X86_LOOP8,
      1, NULL, { { 2, 0 }, { 2, 1 }, { 1, 0 } }, { 0xA1, 0x77, 0x77 } },
    { "loopne8", "mov %rdi, %rcx; cmp $0, %rsi; loopne land_a; mov $0x77, %eax; ret",
      PVP_X86_LOOP8, 1, NULL, { { 2, 1 }, { 2, 0 } }, { 0xA1, 0x77 } },
    { "jrcxz8", "mov %rdi, %rcx; jrcxz land_a; mov $0x77, %eax; ret", PVP_X86_JRCXZ8, 1, NULL,
      { { 0, 0 }, { 1, 0 }, { 0x100000000, 0 } }, { 0xA1, 0x77, 0x77 } },
    { "jecxz8", "mov %rdi, %rcx; jecxz land_a; mov $0x77, %eax; ret", PVP_X86_JRCXZ8, 1, NULL,
      { { 0x100000000, 0 }, { 1, 0 } }, { 0xA1, 0x77 } },
    { "jmp32", "{disp32} jmp land_a", PVP_X86_JMP32, 0, NULL, { { 0, 0 } }, { 0xA1 } },
    { "jcc32", "cmp %rsi, %rdi; {disp32} jg land_a; mov $0x77, %eax; ret", PVP_X86_JCC32, 0, NULL,
      { { 2, 1 }, { 1, 2 } }, { 0xA1, 0x77 } },
    { "call32", "call land_a; add $1, %eax; ret", PVP_X86_CALL32, 0, NULL, { { 0, 0 } }, { 0xA2 } },
    { "xbegin32", "xbegin land_abort; xend; mov $0x77, %eax; ret", PVP_X86_XBEGIN32, 0, "rtm",
      { { 0, 0 } }, { 0x77 } },
    { "rip_load", "mov data(%rip), %rax; ret", PVP_X86_RIP32, 0, NULL, { { 0, 0 } },
      { 0x1122334455667788 } },
    { "rip_lea", "lea land_a(%rip), %rax; ret", PVP_X86_RIP32, 0, NULL, { { 0, 0 } },
      { ADDR_OF_LAND } },
    { "rip_imm8_after_disp", "cmpl $5, word(%rip); sete %al; movzbl %al, %eax; ret",
      PVP_X86_RIP32, 0, NULL, { { 0, 0 } }, { 1 } },
    { "rip_imm32_after_disp", "movl $0x12345678, scratch(%rip); mov scratch(%rip), %rax; ret",
      PVP_X86_RIP32, 0, NULL, { { 0, 0 } }, { 0x0099000012345678 } },
    { "rip_call_indirect", "call *ptr(%rip); add $1, %eax; ret", PVP_X86_RIP32, 0, NULL,
      { { 0, 0 } }, { 0xA2 } },
    { "rip_jmp_indirect", "jmp *ptr(%rip)", PVP_X86_RIP32, 0, NULL, { { 0, 0 } }, { 0xA1 } },
    { "rip_sse", "movq data(%rip), %xmm0; movq %xmm0, %rax; ret", PVP_X86_RIP32, 0, NULL,
      { { 0, 0 } }, { 0x1122334455667788 } },
    { "rip_vex", "vmovq data(%rip), %xmm1; vmovq %xmm1, %rax; ret", PVP_X86_RIP32, 0, "avx",
      { { 0, 0 } }, { 0x1122334455667788 } },
    { "rip_vex_imm8_after_disp", "vpshufd $0xb1, word(%rip), %xmm1; vmovq %xmm1, %rax; ret",
      PVP_X86_RIP32, 0, "avx", { { 0, 0 } }, { 0x0000000500990000 } },
    { "rip_evex", "vmovdqu64 data(%rip), %zmm2; vmovq %xmm2, %rax; vzeroupper; ret",
      PVP_X86_RIP32, 0, "avx512f", { { 0, 0 } }, { 0x1122334455667788 } },
    { "inside_refs_stay", "xor %eax, %eax\n1: add $1, %rax; cmp %rdi, %rax; jl 1b\n"
      "lea 2f(%rip), %rdx; jmp *%rdx\n2: ret", PVP_X86_JCC8, 0, NULL, { { 5, 0 }, { 9, 0 } },
      { 5, 9 } },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const char arena_src[] =
    "    .text\n"
    "    .org 0x40\n"
    "land_a:     mov $0xA1, %%eax; ret\n"
    "land_abort: mov $0xAB, %%eax; ret\n"
    "    .org 0x60\n"
    "snip: %s\n"
    "    .p2align 4, 0xcc\n"
    "snip_end:\n"
    "    .org 0x1000\n"
    "data:    .quad 0x1122334455667788\n"
    "ptr:     .quad 0\n"
    "word:    .long 5, 0x990000\n"
    "scratch: .long 0, 0x990000\n";

/* The arena: the assembled blob at a fresh mapping, ptr pointing at land_a. */
static uint8_t *build_arena(const form_case *fc, x86_blob *blob)
{
    char src[2048];
    snprintf(src, sizeof src, arena_src, fc->code);
    x86_assemble(src, blob);
    cr_assert_leq(blob->size, ARENA);
    uint8_t *arena = x86_map_near(NULL, ARENA);
    memcpy(arena, blob->bytes, blob->size);
    uint64_t land = (uintptr_t)arena + LAND;
    memcpy(arena + x86_sym(blob, "ptr"), &land, 8);
    return arena;
}

static int cpu_has(const char *feature)
{
    __builtin_cpu_init();
    if (!feature)
        return 1;
    if (!strcmp(feature, "avx"))
        return __builtin_cpu_supports("avx");
    if (!strcmp(feature, "avx512f"))
        return __builtin_cpu_supports("avx512f");
    return 0;   /* rtm: TSX is fused off or disabled on most parts; checked by Zydis only */
}

static long want_of(const form_case *fc, int i, const uint8_t *arena)
{
    return fc->want[i] == ADDR_OF_LAND ? (long)(uintptr_t)(arena + LAND) : fc->want[i];
}

/* Zydis, not pvpatch, decodes both copies: outside targets must be equal,
 * inside ones at equal offsets. Returns how many outside targets it saw. */
static int zydis_agrees(const uint8_t *orig, const uint8_t *moved, size_t size)
{
    uint64_t from = (uintptr_t)orig, to = (uintptr_t)moved;
    int outside = 0;
    for (size_t off = 0, la; off < size; off += la) {
        size_t lb;
        uint64_t ta, tb;
        int ra = x86_zydis_target(orig + off, size - off, from + off, &la, &ta);
        int rb = x86_zydis_target(moved + off, size - off, to + off, &lb, &tb);
        cr_assert_eq(la, lb, "instruction at +%#zx changed length", off);
        cr_assert_eq(ra, rb);
        if (!ra)
            continue;
        if (ta - from < size) {
            cr_assert_eq(tb - to, ta - from, "inside target at +%#zx moved off its offset", off);
        } else {
            cr_assert_eq(tb, ta, "outside target at +%#zx: %#llx, not %#llx", off,
                         (unsigned long long)tb, (unsigned long long)ta);
            outside++;
        }
    }
    return outside;
}

static int ran, outside_agreed;

static void check_case(const form_case *fc)
{
    x86_blob blob;
    uint8_t *arena = build_arena(fc, &blob);
    size_t size = x86_sym(&blob, "snip_end") - SNIP;
    uint8_t *orig = arena + SNIP;
    pvp_x86_insn first;
    size_t off = 0;
    do {
        cr_assert_eq(pvp_x86_decode(orig + off, size - off, (uintptr_t)orig + off, &first), PVP_OK);
        off += first.len;
    } while (first.form == PVP_X86_NO_PCREL && off < size);
    cr_assert_eq(first.form, fc->form, "%s assembled to form %d", fc->name, first.form);

    int runs = cpu_has(fc->cpu) != 0;
    long got[3];
    x86_seal(arena, PAGE);
    for (int i = 0; runs && i < 3 && (i == 0 || fc->args[i][0] || fc->args[i][1]); i++) {
        got[i] = x86_call2(orig, fc->args[i][0], fc->args[i][1]);
        cr_assert_eq(got[i], want_of(fc, i, arena), "%s: the original returned %#lx", fc->name,
                     got[i]);
    }
    x86_unseal(arena, PAGE);

    uint8_t *far = fc->near ? NULL : x86_map_near(arena, PAGE);
    uint8_t *dst = fc->near ? arena + NEAR_DST : far;
    x86_mem_image m;
    x86_mem_image_init(&m, orig, dst, size);
    pvp_install_report rep;
    pvp_error err;
    int rc = x86_mem_install(&m, &rep, &err);
    cr_assert_eq(rc, PVP_OK, "%s: install failed at %#llx: %s", fc->name,
                 (unsigned long long)err.addr, err.what);
    int agreed = zydis_agrees(orig, dst, size);
    cr_assert_geq(agreed, fc->form == PVP_X86_JCC8 && !fc->near ? 0 : 1);
    outside_agreed += agreed;
    m.inst.flags = 0;            /* the verifier reads the descriptor as it was before */
    pvp_mismatch mm[4];
    size_t nmm;
    cr_assert_eq(pvp_verify_install(&m.img, &m.img, &pvp_arch_x86_64, &m.inst, NULL, NULL, mm, 4,
                                     &nmm), PVP_OK, "%s: verifier: %s at %#llx", fc->name,
                 nmm ? mm[0].what : "", nmm ? (unsigned long long)mm[0].addr : 0ull);

    memset(orig, 0xCC, size);    /* the installed copy must not need the original */
    x86_seal(arena, PAGE);
    if (far)
        x86_seal(far, PAGE);
    ran += runs;
    for (int i = 0; runs && i < 3 && (i == 0 || fc->args[i][0] || fc->args[i][1]); i++)
        cr_assert_eq(x86_call2(dst, fc->args[i][0], fc->args[i][1]), got[i],
                     "%s: the installed copy disagrees with the original for args %ld, %ld",
                     fc->name, fc->args[i][0], fc->args[i][1]);
    if (far)
        x86_unmap(far, PAGE);
    x86_unmap(arena, ARENA);
    x86_blob_free(&blob);
}

Test(x86_reloc, every_pc_relative_form_installs_and_runs_elsewhere)
{
    for (size_t i = 0; i < NCASES; i++)
        check_case(&cases[i]);
    printf("x86_reloc: %zu PC-relative cases installed elsewhere, %d run by the CPU (the rest "
           "need a CPU feature absent here), %d outside targets agree with Zydis\n", NCASES, ran,
           outside_agreed);
}

Test(x86_reloc, install_counts_outside_references_per_form)
{
    x86_blob blob;
    uint8_t *arena = build_arena(&cases[1], &blob);       /* jcc8 */
    size_t size = x86_sym(&blob, "snip_end") - SNIP;
    x86_mem_image m;
    x86_mem_image_init(&m, arena + SNIP, arena + NEAR_DST, size);
    pvp_install_report rep;
    cr_assert_eq(x86_mem_install(&m, &rep, NULL), PVP_OK);
    cr_assert_eq(rep.retargeted[PVP_X86_JCC8], 1);
    cr_assert_eq(rep.moved_inside, 0);
    cr_assert_eq(rep.units_copied, 4 + (size - 11), "cmp, jl, mov, ret, then one int3 per padding byte");
    x86_unmap(arena, ARENA);
    x86_blob_free(&blob);
}
