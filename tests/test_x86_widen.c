/* Widening rel8 jmp/jcc into the nop padding after them, and every refusal:
 * widened code runs out of rel8 reach and must branch exactly as the original
 * (run by the CPU within reach) for every condition; every refused re-target
 * leaves the bytes identical and names the instruction's address. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define PAGE 4096

static const char *const conditions[] = {
    "jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja",
    "js", "jns", "jp", "jnp", "jl", "jge", "jle", "jg",
};

/* Argument pairs whose `cmp %rsi, %rdi` sets every flag both ways. */
static const long pairs[][2] = {
    { 1, 2 }, { 2, 1 }, { 2, 2 }, { -1, 1 }, { 0x7fffffffffffffff, -1 }, { 3, 0 }, { 0, 3 },
    { (long)0x8000000000000000ull, 1 },
};
#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

/* land_a (0xA1) at 0, the snippet at 0x20 with `padding` after its branch. */
static void assemble_branch(const char *branch, const char *padding, x86_blob *b)
{
    char src[1024];
    snprintf(src, sizeof src,
             ".text\nland_a: mov $0xA1, %%eax; ret\n.org 0x20\n"
             "snip: cmp %%rsi, %%rdi\nbr: %s land_a\n%s\nrest: mov $0x77, %%eax; ret\nsnip_end:\n",
             branch, padding);
    x86_assemble(src, b);
}

/* Copy the snippet far from land_a and widen its branch there; returns the
 * status, with the copy in *dst (a fresh page) and the span rewritten. */
static int widen_far(const x86_blob *b, const uint8_t *arena, uint8_t **dst, size_t *span,
                     pvp_error *err)
{
    size_t snip = x86_sym(b, "snip"), br = x86_sym(b, "br"), size = x86_sym(b, "snip_end") - snip;
    *dst = x86_map_near(arena, PAGE);
    memcpy(*dst, arena + snip, size);
    uint8_t *at = *dst + (br - snip);
    return pvp_x86_retarget_widen(at, size - (br - snip), (uintptr_t)at, (uintptr_t)arena, span,
                                  err);
}

static uint8_t *place(const x86_blob *b)
{
    uint8_t *arena = x86_map_near(NULL, PAGE);
    memcpy(arena, b->bytes, b->size);
    x86_seal(arena, PAGE);
    return arena;
}

Test(x86_widen, every_jcc8_widened_into_nops_branches_as_the_original)
{
    for (size_t c = 0; c < 16; c++) {
        x86_blob b;
        assemble_branch(conditions[c], ".nops 4", &b);
        uint8_t *arena = place(&b), *dst;
        size_t span, br = x86_sym(&b, "br");
        pvp_x86_insn in;
        cr_assert_eq(pvp_x86_decode(arena + br, 16, 0, &in), PVP_OK);
        cr_assert_eq(in.form, PVP_X86_JCC8, "%s assembled to rel8", conditions[c]);
        pvp_error err;
        cr_assert_eq(widen_far(&b, arena, &dst, &span, &err), PVP_OK, "%s: %s", conditions[c],
                     err.what);
        uint8_t *at = dst + (br - x86_sym(&b, "snip"));
        size_t len;
        uint64_t t;
        cr_assert_eq(x86_zydis_target(at, span, (uintptr_t)at, &len, &t), 1);
        cr_assert_eq(t, (uintptr_t)arena, "%s widened points elsewhere", conditions[c]);
        cr_assert_eq(len, 6);
        cr_assert_str_eq(x86_zydis_mnemonic(at, span), x86_zydis_mnemonic(arena + br, 2),
                         "the condition changed");
        cr_assert_eq(span, 6, "the 2-byte jcc and its 4-byte nop became one 6-byte jcc");
        x86_seal(dst, PAGE);
        for (size_t p = 0; p < NPAIRS; p++)
            cr_assert_eq(x86_call2(dst, pairs[p][0], pairs[p][1]),
                         x86_call2(arena + x86_sym(&b, "snip"), pairs[p][0], pairs[p][1]),
                         "%s widened disagrees for %ld, %ld", conditions[c], pairs[p][0],
                         pairs[p][1]);
        x86_unmap(dst, PAGE);
        x86_unmap(arena, PAGE);
        x86_blob_free(&b);
    }
}

/* jmp8 followed by nops of several shapes: the consumed nops are re-filled. */
Test(x86_widen, jmp8_consumes_whole_nops_and_refills_the_rest)
{
    static const struct { const char *padding; size_t span; } shapes[] = {
        { "nop; nop; nop", 5 },   /* exactly the three bytes jmp32 needs more */
        { ".nops 3", 5 },
        { ".nops 7", 9 },         /* one long nop: jmp32 and a 4-byte nop */
        { "nop; .nops 6", 9 },
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        x86_blob b;
        assemble_branch("jmp", shapes[s].padding, &b);
        uint8_t *arena = place(&b), *dst;
        size_t span, br = x86_sym(&b, "br");
        cr_assert_eq(widen_far(&b, arena, &dst, &span, NULL), PVP_OK);
        cr_assert_eq(span, shapes[s].span, "padding '%s'", shapes[s].padding);
        uint8_t *at = dst + (br - x86_sym(&b, "snip"));
        size_t len, off;
        uint64_t t;
        cr_assert_eq(x86_zydis_target(at, span, (uintptr_t)at, &len, &t), 1);
        cr_assert_eq(t, (uintptr_t)arena);
        for (off = len; off < span; off += len) {
            cr_assert_eq(x86_zydis_target(at + off, span - off, 0, &len, &t), 0);
            cr_assert_str_eq(x86_zydis_mnemonic(at + off, span - off), "nop");
        }
        cr_assert_eq(off, span, "the re-filled nops end where the old ones did");
        cr_assert_str_eq(x86_zydis_mnemonic(at + span, 8), "mov", "the code after is intact");
        x86_seal(dst, PAGE);
        cr_assert_eq(x86_call2(dst, 0, 0), 0xA1);
        x86_unmap(dst, PAGE);
        x86_unmap(arena, PAGE);
        x86_blob_free(&b);
    }
}

/* Refusals of widening leave every byte as it was. */
static void refused(const char *branch, const char *padding, int status, const char *why)
{
    x86_blob b;
    assemble_branch(branch, padding, &b);
    uint8_t *arena = place(&b), *dst;
    size_t span, size = x86_sym(&b, "snip_end") - x86_sym(&b, "snip");
    pvp_error err = { 0 };
    uint8_t *before = x86_map_near(NULL, PAGE);
    int rc = widen_far(&b, arena, &dst, &span, &err);
    memcpy(before, arena + x86_sym(&b, "snip"), size);
    cr_assert_eq(rc, status, "%s + '%s' gave %d", branch, padding, rc);
    cr_assert_eq(memcmp(dst, before, size), 0, "a refused widening changed the code");
    uint8_t *at = dst + (x86_sym(&b, "br") - x86_sym(&b, "snip"));
    cr_assert_eq(err.addr, (uintptr_t)at, "the error names the branch");
    cr_assert(err.what && strstr(err.what, why), "error says '%s'", err.what);
    x86_unmap(before, PAGE);
    x86_unmap(dst, PAGE);
    x86_unmap(arena, PAGE);
    x86_blob_free(&b);
}

Test(x86_widen, refused_without_enough_nop_padding)
{
    refused("jmp", "", PVP_E_NO_SPACE, "no nop padding");
    refused("jmp", "nop; nop", PVP_E_NO_SPACE, "no nop padding");
    refused("jne", ".nops 3", PVP_E_NO_SPACE, "no nop padding");
    refused("jne", "int3; int3; int3; int3", PVP_E_NO_SPACE, "no nop padding");
    refused("jne", "pause; pause", PVP_E_NO_SPACE, "no nop padding");
}

/* loop and jrcxz have no rel32 form: refused, however much padding follows. */
Test(x86_widen, loop_and_jrcxz_out_of_reach_are_refused)
{
    refused("loop", ".nops 15", PVP_E_OUT_OF_RANGE, "loop/jrcxz");
    refused("loopne", ".nops 15", PVP_E_OUT_OF_RANGE, "loop/jrcxz");
    refused("jrcxz", ".nops 15", PVP_E_OUT_OF_RANGE, "loop/jrcxz");
    refused("jecxz", ".nops 15", PVP_E_OUT_OF_RANGE, "loop/jrcxz");
}

/* An in-reach rel8 is re-targeted in place: nothing widened, nops untouched. */
Test(x86_widen, in_reach_rel8_is_not_widened)
{
    x86_blob b;
    assemble_branch("jne", ".nops 4", &b);
    uint8_t buf[64];
    size_t br = x86_sym(&b, "br"), span;
    memcpy(buf, b.bytes + br, 6);
    uint64_t addr = 0x400000, target = addr + 2 + 127;
    cr_assert_eq(pvp_x86_retarget_widen(buf, 6, addr, target, &span, NULL), PVP_OK);
    cr_assert_eq(span, 2);
    cr_assert_eq(memcmp(buf + 2, b.bytes + br + 2, 4), 0, "the nops were left alone");
    size_t len;
    uint64_t t;
    cr_assert_eq(x86_zydis_target(buf, 6, addr, &len, &t), 1);
    cr_assert_eq(t, target);
    target = addr + 2 - 128;
    cr_assert_eq(pvp_x86_retarget_widen(buf, 6, addr, target, &span, NULL), PVP_OK);
    cr_assert_eq(span, 2);
    x86_zydis_target(buf, 6, addr, &len, &t);
    cr_assert_eq(t, target);
    x86_blob_free(&b);
}
