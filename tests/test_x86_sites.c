/* x86-64 pv operation sites end to end, through the unchanged engine: C
 * functions built -O2 with PVP_CALL sites and two modes built with
 * pvpatch/x86_64/emit.h, linked by GNU ld at fixed addresses with the linker
 * fragment, loaded into this process there, patched by pvp_patch and
 * checked by pvp_verify_patch, re-decoded by Zydis and run: every site must
 * compute what the hand-written direct call of the operation computes.
 * Idempotence, re-patching to another mode, the keep policy, and refusals
 * that must leave the image byte-identical. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/patch.h"
#include "pvpatch/x86_64.h"
#include "support/work.h"
#include "support/x86_code.h"

#define BASE  0x50000000ull        /* .text; data at +0x10000 */
#define SPAN  0x30000ull
#define TEXT  0x10000ull
#define MAX_SITES 16

static const char ops_h[] =
    "#define OP_ADD3  1\n"      /* a + b + c */
    "#define OP_MIN   2\n"      /* the smaller of a and b, unsigned */
    "#define OP_SCALE 3\n"      /* a * scale + a, scale a global */
    "#define OP_MAGIC 4\n"      /* the global magic */
    "#define OP_XOR4  5\n"      /* a ^ b ^ c ^ d */
    "#define OP_FULL  6\n"      /* 9a + 5b + 7: alpha's body fills a site exactly, beta's is too long */
    "#define OP_HELP  7\n"      /* helper(a) + 1: alpha's body calls out */
    "#define OP_COUNT 8\n"
    "#ifndef __ASSEMBLER__\n"
    "typedef unsigned long u64;\n"
    "u64 alpha_add3(u64, u64, u64), alpha_min(u64, u64), alpha_scale(u64), alpha_magic(void),\n"
    "    alpha_xor4(u64, u64, u64, u64), alpha_full(u64, u64), alpha_help(u64);\n"
    "#endif\n";

/* The sites, and the hand-written direct calls they must agree with. */
static const char sites_c[] =
    "#include \"ops.h\"\n"
    "#include \"pvpatch/x86_64/site.h\"\n"
    "#define PAIR(name, call, direct) \\\n"
    "    u64 site_##name(u64 a, u64 b, u64 c, u64 d) { (void)a, (void)b, (void)c, (void)d; return call; } \\\n"
    "    u64 ref_##name(u64 a, u64 b, u64 c, u64 d) { (void)a, (void)b, (void)c, (void)d; return direct; }\n"
    "PAIR(add3, PVP_CALL(OP_ADD3, a, b, c), alpha_add3(a, b, c))\n"
    "PAIR(min, PVP_CALL(OP_MIN, a, b), alpha_min(a, b))\n"
    "PAIR(scale, PVP_CALL(OP_SCALE, a), alpha_scale(a))\n"
    "PAIR(magic, PVP_CALL(OP_MAGIC), alpha_magic())\n"
    "PAIR(xor4, PVP_CALL(OP_XOR4, a, b, c, d), alpha_xor4(a, b, c, d))\n"
    "PAIR(full, PVP_CALL(OP_FULL, a, b), alpha_full(a, b))\n"
    "PAIR(help, PVP_CALL(OP_HELP, a), alpha_help(a))\n"
    "#define LOOP(F1, F2) { u64 s = d; for (u64 i = 0; i < (a & 31); i++) { s += F1 ^ F2; } \\\n"
    "    return s; }\n"
    "u64 site_loop(u64 a, u64 b, u64 c, u64 d)\n"
    "    LOOP(PVP_CALL(OP_ADD3, i, b, s), PVP_CALL(OP_MIN, i * c, s))\n"
    "u64 ref_loop(u64 a, u64 b, u64 c, u64 d) LOOP(alpha_add3(i, b, s), alpha_min(i * c, s))\n"
    "u64 ref_asm(u64 a, u64 b, u64 c, u64 d) { (void)d; return alpha_add3(a, b, c); }\n";

/* A site written in assembler, with the assembler PVP_CALL. */
static const char sites_S[] =
    "#include \"ops.h\"\n"
    "#include \"pvpatch/x86_64/site.h\"\n"
    "        .text\n"
    "        .globl site_asm\n"
    "site_asm:\n"
    "        PVP_CALL(OP_ADD3)\n"
    "        ret\n";

/* Two modes with the same semantics: alpha inline everywhere, beta inline
 * for two operations (and too long for FULL); and gamma, a mode record
 * written by hand whose only template does not fit and has no table. */
static const char modes_c[] =
    "#include \"ops.h\"\n"
    "#include \"pvpatch/x86_64/emit.h\"\n"
    "u64 scale = 3, magic = 0x5a5a;\n"
    "PVP_X86_OP_FN u64 helper(u64 a) { return a * a; }\n"
    "PVP_X86_OP_FN u64 alpha_add3(u64 a, u64 b, u64 c) { return a + b + c; }\n"
    "PVP_X86_OP_FN u64 alpha_min(u64 a, u64 b) { return a < b ? a : b; }\n"
    "PVP_X86_OP_FN u64 alpha_scale(u64 a) { return a * scale + a; }\n"
    "PVP_X86_OP_FN u64 alpha_magic(void) { return magic; }\n"
    "PVP_X86_OP_FN u64 alpha_xor4(u64 a, u64 b, u64 c, u64 d) { return a ^ b ^ c ^ d; }\n"
    "PVP_X86_OP_FN u64 alpha_full(u64 a, u64 b) { return 9 * a + 5 * b + 7; }\n"
    "PVP_X86_OP_FN u64 alpha_help(u64 a) { return helper(a) + 1; }\n"
    "#define ALPHA(FN, INLINE) \\\n"
    "    FN(OP_ADD3, alpha_add3) INLINE(OP_ADD3, \"lea (%rdi,%rsi), %rax; add %rdx, %rax\") \\\n"
    "    FN(OP_MIN, alpha_min) \\\n"
    "    INLINE(OP_MIN, \"mov %rdi, %rax; cmp %rsi, %rdi; jbe 1f; mov %rsi, %rax; 1:\") \\\n"
    "    FN(OP_SCALE, alpha_scale) \\\n"
    "    INLINE(OP_SCALE, \"mov scale(%rip), %rax; imul %rdi, %rax; add %rdi, %rax\") \\\n"
    "    FN(OP_MAGIC, alpha_magic) INLINE(OP_MAGIC, \"mov magic(%rip), %rax\") \\\n"
    "    FN(OP_XOR4, alpha_xor4) \\\n"
    "    INLINE(OP_XOR4, \"mov %rdi, %rax; xor %rsi, %rax; xor %rdx, %rax; xor %rcx, %rax\") \\\n"
    "    FN(OP_FULL, alpha_full) INLINE(OP_FULL, \"lea (%rdi,%rdi,8), %rax; \" \\\n"
    "        \"lea (%rsi,%rsi,4), %rcx; {disp32} lea 7(%rax,%rcx), %rax\") \\\n"
    "    FN(OP_HELP, alpha_help) INLINE(OP_HELP, \"call helper; add $1, %rax\")\n"
    "PVP_X86_MODE(alpha, 1, OP_COUNT, ALPHA);\n"
    "PVP_X86_LIVE_OPS(OP_COUNT, ALPHA);\n"
    "PVP_X86_OP_FN u64 beta_add3(u64 a, u64 b, u64 c) { return c + b + a; }\n"
    "PVP_X86_OP_FN u64 beta_min(u64 a, u64 b) { return b < a ? b : a; }\n"
    "PVP_X86_OP_FN u64 beta_scale(u64 a) { return a * (scale + 1); }\n"
    "PVP_X86_OP_FN u64 beta_magic(void) { return magic; }\n"
    "PVP_X86_OP_FN u64 beta_xor4(u64 a, u64 b, u64 c, u64 d) { return d ^ c ^ b ^ a; }\n"
    "PVP_X86_OP_FN u64 beta_full(u64 a, u64 b) { return 7 + 5 * b + 9 * a; }\n"
    "PVP_X86_OP_FN u64 beta_help(u64 a) { return a * a + 1; }\n"
    "#define BETA(FN, INLINE) \\\n"
    "    FN(OP_ADD3, beta_add3) FN(OP_SCALE, beta_scale) FN(OP_XOR4, beta_xor4) \\\n"
    "    FN(OP_HELP, beta_help) \\\n"
    "    FN(OP_MIN, beta_min) INLINE(OP_MIN, \"mov %rsi, %rax; cmp %rdi, %rsi; cmova %rdi, %rax\") \\\n"
    "    FN(OP_MAGIC, beta_magic) INLINE(OP_MAGIC, \"mov magic(%rip), %rax\") \\\n"
    "    FN(OP_FULL, beta_full) INLINE(OP_FULL, \"mov %rsi, %rcx; imul $5, %rcx, %rcx; \" \\\n"
    "        \"imul $9, %rdi, %rax; add %rcx, %rax; add $7, %rax\")\n"
    "PVP_X86_MODE(beta, 2, OP_COUNT, BETA);\n"
    "__asm__(\".pushsection .pvpatch.text, \\\"a\\\"\\n\"\n"
    "        \"gamma_t: .rept 5; lea (%rdi,%rsi), %rax; .endr; gamma_t_end:\\n\"\n"
    "        \".irp op, 1, 2, 3, 4, 5, 6, 7; gamma_c\\\\op: call *pvp_live_ops+8*\\\\op(%rip); .endr\\n\"\n"
    "        \"gamma_c8:\\n.pushsection .pvpatch.tmpl, \\\"aw\\\"\\n.balign 8\\n\"\n"
    "        \"gamma_tmpl: .quad gamma_t, gamma_t_end; .short 1; .byte 1, 0; .long 0\\n\"\n"
    "        \".irp op, 1, 2, 3, 4, 5, 6, 7; .quad gamma_c\\\\op, gamma_c\\\\op + 6; \"\n"
    "        \".short \\\\op; .byte 3, 0; .long 0; .endr\\n\"\n"
    "        \"gamma_tmpl_end:\\n.pushsection .pvpatch.modes, \\\"aw\\\"\\n.balign 8\\n\"\n"
    "        \".long 0x4d505650; .short 1, 64; .long 9, 8\\n\"\n"
    "        \"1: .ascii \\\"gamma\\\"; .skip 16 - (. - 1b)\\n\"\n"
    "        \".quad pvp_ops_alpha, 0, gamma_tmpl, gamma_tmpl_end\\n.popsection\\n.popsection\\n.popsection\");\n";

static const char image_lds[] =
    "SECTIONS {\n"
    "  . = 0x50000000;\n"
    "  .text : { *(.text .text.*) }\n"
    "  . = 0x50010000;\n"
    "  .rodata : { *(.rodata .rodata.*) }\n"
    "  .data : { *(.data .data.* .bss .bss.* COMMON) }\n"
    "  INCLUDE pvpatch.lds\n"
    "  /DISCARD/ : { *(.note.* .eh_frame .comment) }\n"
    "}\n";

static const char *const names[] = { "add3", "min", "scale", "magic", "xor4", "full", "help", "loop",
                                     "asm" };
#define NNAMES (sizeof names / sizeof names[0])

typedef struct loaded {
    x86_elf elf;
    pvp_range range;
    pvp_image img;
    uint64_t sites, sites_size;
    pvp_mode modes[4];
    size_t nmodes;
    uint8_t *built;                 /* the image as built */
} loaded;

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(x86_tmp(name), "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static void build(const char *elf)
{
    write_file("ops.h", ops_h);
    write_file("sites.c", sites_c);
    write_file("sites.S", sites_S);
    write_file("modes.c", modes_c);
    write_file("sites.lds", image_lds);
    const char *common = "-O2 -fpie -std=gnu11 -Wall -Werror -Iinclude -fno-asynchronous-unwind-tables "
                         "-fcf-protection=none -fno-stack-protector -ffreestanding";
    x86_sh("cc %s -mno-red-zone -c %s -o %s.sites.o", common, x86_tmp("sites.c"), elf);
    x86_sh("cc %s -c %s -o %s.modes.o", common, x86_tmp("modes.c"), elf);
    x86_sh("cc -Iinclude -c %s -o %s.asm.o", x86_tmp("sites.S"), elf);
    x86_sh("ld --no-warn-rwx-segments -L include/pvpatch/x86_64 -T %s -o %s %s.sites.o %s.asm.o "
           "%s.modes.o", x86_tmp("sites.lds"), elf, elf, elf, elf);
}

static uint64_t sym(const loaded *l, const char *name)
{
    return x86_nm_value(l->elf.nm, name);
}

static void load(loaded *l)
{
    char elf[512];
    snprintf(elf, sizeof elf, "%s", x86_tmp("sites.elf"));
    build(elf);
    x86_elf_load(elf, BASE, SPAN, &l->elf);
    x86_elf_image(&l->elf, &l->range, &l->img);
    l->sites = sym(l, "__pvpatch_sites_start");
    l->sites_size = sym(l, "__pvpatch_sites_end") - l->sites;
    uint64_t modes = sym(l, "__pvpatch_modes_start");
    pvp_error err;
    cr_assert_eq(pvp_modes_read(&l->img, modes, sym(l, "__pvpatch_modes_end") - modes, l->modes, 4,
                                &l->nmodes, &err), PVP_OK, "%s", err.what);
    cr_assert_eq(l->nmodes, 3);
    cr_assert_eq(pvp_site_count(l->sites_size), NNAMES + 1, "one site per function, two in the loop");
    l->built = malloc(SPAN);
    memcpy(l->built, l->elf.base, SPAN);
}

static void unload(loaded *l)
{
    free(l->built);
    x86_elf_unload(&l->elf);
}

static pvp_patch_req request(const loaded *l, uint32_t mode, int policy)
{
    size_t wsize;
    void *work = test_work(l->sites_size, &wsize);
    return (pvp_patch_req){ .arch = &pvp_arch_x86_64, .sites = l->sites, .sites_size = l->sites_size,
                            .modes = l->modes, .nmodes = l->nmodes, .mode = mode, .policy = policy,
                            .work = work, .work_size = wsize };
}

static const pvp_mode *mode_of(const loaded *l, uint32_t id)
{
    for (size_t k = 0; k < l->nmodes; k++)
        if (l->modes[k].id == id)
            return &l->modes[k];
    cr_assert_fail("no mode %u", id);
    return NULL;
}

/* Patch, then check the result against the image as built with the verifier. */
static pvp_patch_report patch_ok(loaded *l, uint32_t mode, int policy)
{
    pvp_patch_req req = request(l, mode, policy);
    pvp_patch_report rep;
    pvp_error err = { 0 };
    cr_assert_eq(pvp_patch(&l->img, &req, &rep, &err), PVP_OK, "%#llx: %s",
                 (unsigned long long)err.addr, err.what);
    pvp_range r = { BASE, SPAN, l->built, PVP_RANGE_EXEC | PVP_RANGE_WRITE, "built" };
    pvp_image built = { &r, 1 };
    pvp_mismatch m[4];
    size_t n;
    cr_assert_eq(pvp_verify_patch(&built, &l->img, &req, m, 4, &n), PVP_OK,
                 "verify: %zu mismatches, first %s at %#llx", n, m[0].what,
                 (unsigned long long)m[0].addr);
    return rep;
}

typedef unsigned long (*fn4)(unsigned long, unsigned long, unsigned long, unsigned long);

static fn4 fn_at(const loaded *l, const char *prefix, const char *name)
{
    char s[64];
    snprintf(s, sizeof s, "%s_%s", prefix, name);
    return (fn4)(uintptr_t)sym(l, s);
}

/* Every site function against its hand-written direct call, the CPU running both. */
static void run_all(loaded *l)
{
    static const unsigned long in[][4] = {
        { 0, 1, 2, 3 }, { 5, 3, 9, 1 }, { (unsigned long)-1, 7, 100, 2 },
        { 1000, 999, (unsigned long)-5, 77 }, { 12, 12, 12, 12 }, { 31, 0x1234, 3, 0xffff },
    };
    x86_seal(l->elf.base, TEXT);
    for (size_t k = 0; k < NNAMES; k++)
        for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
            unsigned long got = fn_at(l, "site", names[k])(in[i][0], in[i][1], in[i][2], in[i][3]);
            unsigned long want = fn_at(l, "ref", names[k])(in[i][0], in[i][1], in[i][2], in[i][3]);
            cr_assert_eq(got, want, "%s on input %zu: %#lx, the direct call %#lx", names[k], i, got,
                         want);
        }
    x86_unseal(l->elf.base, TEXT);
}

static void read_site(const loaded *l, size_t i, pvp_site *s)
{
    pvp_error err;
    cr_assert_eq(pvp_site_read(&l->img, &pvp_arch_x86_64, l->sites, i, s, &err), PVP_OK, "%s", err.what);
}

/* Zydis's view of the instructions that count in [code, code+n): nops and
 * the filler (a jmp forward over int3) left out. */
static size_t zydis_insns(const uint8_t *code, size_t n, uint64_t addr, const char **mn,
                          uint64_t *target, size_t max)
{
    size_t k = 0, len;
    for (size_t off = 0; off < n && k < max; off += len) {
        uint64_t t = 0;
        int has = x86_zydis_target(code + off, n - off, addr + off, &len, &t);
        const char *m = x86_zydis_mnemonic(code + off, n - off);
        if (strcmp(m, "nop") == 0)
            continue;
        if (strcmp(m, "jmp") == 0 && t > addr + off + len && t <= addr + n &&
            code[off + len] == 0xCC) {
            len = (size_t)(t - (addr + off));          /* over the int3 to the template */
            continue;
        }
        mn[k] = m;
        target[k++] = has ? t : 0;
    }
    return k;
}

/* Every site holds the form its record says, as Zydis reads it: a direct
 * call to the mode's function (B), an indirect call through the live slot
 * (C), or the template's instructions with the same targets, the
 * template's end as the site's end (A). */
static void zydis_check(const loaded *l, uint32_t mode_id, unsigned counts[4])
{
    const pvp_mode *m = mode_of(l, mode_id);
    memset(counts, 0, 4 * sizeof *counts);
    for (size_t i = 0; i < pvp_site_count(l->sites_size); i++) {
        pvp_site s;
        read_site(l, i, &s);
        cr_assert_eq(s.cur_mode, mode_id);
        counts[s.cur_form]++;
        size_t n = (size_t)(s.end - s.addr);
        const char *mn[16], *tm[16];
        uint64_t tg[16], tt[16], stub = 0;
        size_t k = zydis_insns(l->elf.base + (s.addr - BASE), n, s.addr, mn, tg, 16);
        pvp_image_read_le(&l->img, m->ops + 8 * s.op, 8, &stub);
        if (s.cur_form == PVP_FORM_B || s.cur_form == PVP_FORM_C) {
            cr_assert_eq(k, 1, "site %zu: one call, then filler", i);
            cr_assert_str_eq(mn[0], "call");
            cr_assert_eq(tg[0], s.cur_form == PVP_FORM_B ? stub : m->live + 8 * s.op, "site %zu", i);
            continue;
        }
        pvp_template t;
        cr_assert_eq(pvp_template_find(&l->img, m, s.op, PVP_FORM_A, &t, NULL), PVP_OK);
        size_t tn = zydis_insns(l->elf.base + (t.code - BASE), (size_t)(t.end - t.code), t.code, tm, tt, 16);
        cr_assert_eq(k, tn, "site %zu: %zu instructions, its template %zu", i, k, tn);
        for (size_t j = 0; j < k; j++) {
            cr_assert_str_eq(mn[j], tm[j], "site %zu, instruction %zu", i, j);
            uint64_t want = tt[j] == t.end ? s.end : tt[j];
            cr_assert_eq(tg[j], want, "site %zu, %s: %#llx, not %#llx", i, mn[j],
                         (unsigned long long)tg[j], (unsigned long long)want);
        }
    }
}

Test(x86_sites, every_site_patched_c_to_a_and_c_to_b_computes_what_the_direct_call_does)
{
    loaded l;
    load(&l);
    run_all(&l);                                   /* as built: C, through the live table */
    size_t nsites = pvp_site_count(l.sites_size);
    pvp_patch_report rep = patch_ok(&l, 1, PVP_POLICY_BEST);
    cr_assert_eq(rep.to_form[PVP_FORM_A], nsites, "alpha has a body for every operation");
    cr_assert_eq(rep.changed, nsites);
    unsigned counts[4];
    zydis_check(&l, 1, counts);
    run_all(&l);
    uint64_t filler = rep.filler_bytes;
    rep = patch_ok(&l, 1, PVP_POLICY_DIRECT);
    cr_assert_eq(rep.to_form[PVP_FORM_B], nsites);
    zydis_check(&l, 1, counts);
    cr_assert_eq(counts[PVP_FORM_B], nsites);
    run_all(&l);
    cr_log_info("x86_sites: %zu sites C->A (%llu bytes of filler) and C->B: verified, re-decoded "
                "by Zydis, and run against the direct calls",
                nsites, (unsigned long long)filler);
    unload(&l);
}

Test(x86_sites, patching_twice_changes_nothing_and_another_mode_starts_from_the_built_form)
{
    loaded l;
    load(&l);
    size_t nsites = pvp_site_count(l.sites_size);
    patch_ok(&l, 1, PVP_POLICY_BEST);
    uint8_t *alpha = malloc(SPAN);
    memcpy(alpha, l.elf.base, SPAN);
    pvp_patch_report rep = patch_ok(&l, 1, PVP_POLICY_BEST);
    cr_assert_eq(rep.changed, 0);
    cr_assert_eq(memcmp(alpha, l.elf.base, SPAN), 0, "a second patch to one mode writes nothing");
    rep = patch_ok(&l, 2, PVP_POLICY_BEST);
    unsigned counts[4];
    zydis_check(&l, 2, counts);
    cr_assert_eq(counts[PVP_FORM_A], 3, "beta inlines min (in two sites) and magic");
    cr_assert_eq(counts[PVP_FORM_B], nsites - 3, "the rest, FULL's too long body too, call beta");
    run_all(&l);
    patch_ok(&l, 1, PVP_POLICY_BEST);
    cr_assert_eq(memcmp(alpha, l.elf.base, SPAN), 0, "back to alpha: the very bytes of alpha");
    free(alpha);
    unload(&l);
}

Test(x86_sites, keep_leaves_c_sites_that_call_the_new_mode_through_the_live_table)
{
    loaded l;
    load(&l);
    pvp_patch_report rep = patch_ok(&l, 2, PVP_POLICY_KEEP);
    cr_assert_eq(rep.to_form[PVP_FORM_C], pvp_site_count(l.sites_size));
    cr_assert_eq(rep.live_entries, 7);
    const pvp_mode *beta = mode_of(&l, 2);
    cr_assert_eq(memcmp(l.elf.base + (beta->live - BASE), l.elf.base + (beta->ops - BASE), 8 * 8), 0,
                 "the live table holds beta's functions");
    unsigned counts[4];
    zydis_check(&l, 2, counts);
    run_all(&l);
    unload(&l);
}

/* Damage the image, patch: the error expected, and not a byte changed. */
typedef struct damage {
    const char *what;
    uint32_t mode;
    int status;
    struct {
        uint64_t off;      /* from the first site record */
        unsigned size;     /* 0: no write */
        uint64_t value;
    } w[2];
} damage;

static void refused(loaded *l, const damage *d)
{
    for (int k = 0; k < 2; k++)
        if (d->w[k].size)
            pvp_image_write_le(&l->img, l->sites + d->w[k].off, d->w[k].size, d->w[k].value);
    uint8_t *before = malloc(SPAN);
    memcpy(before, l->elf.base, SPAN);
    pvp_patch_req req = request(l, d->mode, PVP_POLICY_BEST);
    pvp_error err = { 0 };
    int rc = pvp_patch(&l->img, &req, NULL, &err);
    cr_assert_eq(rc, d->status, "%s: status %d (%s)", d->what, rc, err.what ? err.what : "");
    cr_assert(err.what && err.what[0], "%s: a reason", d->what);
    cr_assert_eq(memcmp(before, l->elf.base, SPAN), 0, "%s: the image changed", d->what);
    cr_log_info("x86_sites: refused (%s): %#llx: %s", d->what, (unsigned long long)err.addr, err.what);
    memcpy(l->elf.base, l->built, SPAN);
    free(before);
}

Test(x86_sites, refusals_leave_the_image_byte_identical)
{
    loaded l;
    load(&l);
    pvp_site s0;
    read_site(&l, 0, &s0);
    const uint64_t r1 = PVP_SITE_RECSIZE, A = PVP_SITE_OFF_ADDR, E = PVP_SITE_OFF_END;
    const damage cases[] = {
        { "unknown form", 1, PVP_E_BAD_FORMAT, { { PVP_SITE_OFF_FORM, 1, 7 } } },
        { "reserved bytes", 1, PVP_E_BAD_FORMAT, { { PVP_SITE_OFF_RESERVED, 4, 1 } } },
        { "a register named", 1, PVP_E_BAD_REGISTER, { { PVP_SITE_OFF_REGS, 1, 3 } } },
        { "a predicate named", 1, PVP_E_BAD_REGISTER, { { PVP_SITE_OFF_QP, 1, 1 } } },
        { "extent a byte short: the call is cut", 1, PVP_E_STALE, { { E, 8, s0.end - 1 } } },
        { "empty extent", 1, PVP_E_MISALIGNED, { { E, 8, s0.addr } } },
        { "no operation", 1, PVP_E_UNKNOWN_OP, { { PVP_SITE_OFF_OP, 2, 0 } } },
        { "an operation no mode has", 1, PVP_E_UNKNOWN_OP, { { PVP_SITE_OFF_OP, 2, 200 } } },
        { "extent outside the image", 1, PVP_E_OUTSIDE_IMAGE,
          { { A, 8, BASE + SPAN }, { E, 8, BASE + SPAN + 16 } } },
        { "two sites overlap", 1, PVP_E_OVERLAP, { { r1 + A, 8, s0.addr }, { r1 + E, 8, s0.end } } },
        { "record says A of alpha, the code is C", 1, PVP_E_STALE,
          { { PVP_SITE_OFF_CUR_FORM, 2, 0x0101 } } },
        { "a mode the image has no record of", 99, PVP_E_UNKNOWN_OP, { { 0, 0, 0 } } },
        { "gamma: its only inline code does not fit, and it has no table", 9, PVP_E_NO_FIT,
          { { 0, 0, 0 } } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        refused(&l, &cases[i]);
    uint8_t *code = l.elf.base + (s0.end - BASE);
    code[-2] ^= 0x40;                              /* the call's slot, last in the site: stale code */
    damage stale = { "site code changed behind the record", 1, PVP_E_STALE, { { 0, 0, 0 } } };
    refused(&l, &stale);
    cr_assert_eq(memcmp(l.built, l.elf.base, SPAN), 0, "every damage undone");
    patch_ok(&l, 1, PVP_POLICY_BEST);
    run_all(&l);
    unload(&l);
}
