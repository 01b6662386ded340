/* Range checks and refusals: displacements reach exactly +-2 GiB (rel32) and
 * -128..127 (rel8) from the end of the instruction and never wrap; anything
 * refused leaves the bytes identical and says where and why. Instructions
 * come from GNU as; their targets are read back by Zydis. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define ADDR 0x100000000ull          /* where the instruction under test "is" */

/* One instruction assembled alone (its PC-relative target is irrelevant). */
static void one(const char *insn, uint8_t *out, size_t *len)
{
    char src[256];
    snprintf(src, sizeof src, ".text\n1: %s\n2:\n", insn);
    x86_blob b;
    x86_assemble(src, &b);
    cr_assert_leq(b.size, PVP_X86_MAX_INSN);
    memcpy(out, b.bytes, b.size);
    *len = b.size;
    x86_blob_free(&b);
}

/* Re-target to end + rel: 0 if accepted (and Zydis reads the target back). */
static int try_rel(const char *insn, int64_t rel)
{
    uint8_t code[16], before[16];
    size_t len;
    one(insn, code, &len);
    memcpy(before, code, sizeof code);
    uint64_t target = ADDR + len + (uint64_t)rel;
    pvp_error err = { 0 };
    int rc = pvp_x86_retarget(code, len, ADDR, target, &err);
    if (rc) {
        cr_assert_eq(memcmp(code, before, sizeof code), 0, "refused %s changed its bytes", insn);
        cr_assert_eq(err.addr, ADDR);
        cr_assert_eq(err.status, rc);
        cr_assert(err.what && *err.what);
        return rc;
    }
    size_t zlen;
    uint64_t zt;
    cr_assert_eq(x86_zydis_target(code, len, ADDR, &zlen, &zt), 1);
    cr_assert_eq(zt, target, "%s re-targeted by %lld reads back as %+lld", insn, (long long)rel,
                 (long long)(zt - ADDR - len));
    return 0;
}

Test(x86_range, rel32_and_rip32_reach_exactly_2gib)
{
    static const char *const insns[] = {
        "jmp.d32 2f", "jne.d32 2f", "call 2f", "xbegin 2f", "mov 2f(%rip), %eax",
        "cmpl $5, 2f(%rip)", "movl $7, 2f(%rip)", "vpshufd $1, 2f(%rip), %xmm1",
    };
    for (size_t i = 0; i < sizeof insns / sizeof insns[0]; i++) {
        cr_assert_eq(try_rel(insns[i], INT32_MAX), 0, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], INT32_MIN), 0, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], 0), 0, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], (int64_t)INT32_MAX + 1), PVP_E_OUT_OF_RANGE, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], (int64_t)INT32_MIN - 1), PVP_E_OUT_OF_RANGE, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], (int64_t)1 << 32), PVP_E_OUT_OF_RANGE,
                     "%s: 4 GiB must not wrap to 0", insns[i]);
    }
}

Test(x86_range, rel8_reaches_minus128_to_127)
{
    static const char *const insns[] = { "jmp 2f", "jle 2f", "loop 2f", "loope 2f", "jrcxz 2f",
                                         "jecxz 2f" };
    for (size_t i = 0; i < sizeof insns / sizeof insns[0]; i++) {
        cr_assert_eq(try_rel(insns[i], 127), 0, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], -128), 0, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], 128), PVP_E_OUT_OF_RANGE, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], -129), PVP_E_OUT_OF_RANGE, "%s", insns[i]);
        cr_assert_eq(try_rel(insns[i], 256), PVP_E_OUT_OF_RANGE, "%s: must not wrap", insns[i]);
    }
}

Test(x86_range, refusals_name_the_reason)
{
    uint8_t code[16];
    size_t len;
    pvp_error err;
    one("loop 2f", code, &len);
    cr_assert_eq(pvp_x86_retarget(code, len, ADDR, ADDR + 4096, &err), PVP_E_OUT_OF_RANGE);
    cr_assert(strstr(err.what, "loop/jrcxz") && strstr(err.what, "refused"), "%s", err.what);
    cr_assert_eq(err.distance, 4096);
    one("call 2f", code, &len);
    cr_assert_eq(pvp_x86_retarget(code, len, ADDR, ADDR + (1ull << 40), &err), PVP_E_OUT_OF_RANGE);
    cr_assert(strstr(err.what, "2 GiB"), "%s", err.what);
    one("jmp 2f", code, &len);
    cr_assert_eq(pvp_x86_retarget(code, len, ADDR, ADDR + 4096, &err), PVP_E_OUT_OF_RANGE);
    cr_assert(strstr(err.what, "rel8"), "%s", err.what);
}

/* What decodes to no PC-relative operand, or cannot be handled, is refused. */
Test(x86_range, not_pc_relative_undecodable_and_unsupported)
{
    static const struct { const char *insn; int status; } bad[] = {
        { "add %eax, %ebx", PVP_E_NOT_IPREL },
        { "mov (%rax), %rbx", PVP_E_NOT_IPREL },
        { "jmp *%rax", PVP_E_NOT_IPREL },
        { "movabs $0x1122334455667788, %rax", PVP_E_NOT_IPREL },
        { ".byte 0x06", PVP_E_UNKNOWN_OP },                     /* push es: invalid in 64-bit */
        { ".byte 0x66, 0xe9, 0, 0, 0, 0", PVP_E_UNSUPPORTED },        /* jmp rel16: Intel and AMD differ */
        { ".byte 0x66, 0xe8, 0, 0, 0, 0", PVP_E_UNSUPPORTED },
        { "mov 2f(%eip), %eax", PVP_E_UNSUPPORTED },            /* EIP wraps at 4 GiB */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t code[16], before[16];
        size_t len;
        one(bad[i].insn, code, &len);
        memcpy(before, code, sizeof code);
        pvp_error err;
        cr_assert_eq(pvp_x86_retarget(code, len, ADDR, ADDR, &err), bad[i].status, "%s gave %d",
                     bad[i].insn, err.status);
        cr_assert_eq(memcmp(code, before, sizeof code), 0);
    }
    uint8_t call[5] = { 0xE8, 0, 0, 0, 0 };
    pvp_x86_insn in;
    for (size_t avail = 0; avail < 5; avail++)
        cr_assert_eq(pvp_x86_decode(call, avail, 0, &in), PVP_E_TRUNCATED, "cut at %zu", avail);
    cr_assert_eq(pvp_x86_decode(call, 5, 0, &in), PVP_OK);
    cr_assert_eq(in.reads_pc, 1, "call to the next instruction pushes its own address");
}

Test(x86_range, movabs_get_set_and_refusals)
{
    uint8_t code[16], before[16];
    size_t len;
    uint64_t imm;
    one("movabs $0x1122334455667788, %r11", code, &len);
    cr_assert_eq(pvp_x86_movabs_get(code, len, &imm), PVP_OK);
    cr_assert_eq(imm, 0x1122334455667788ull);
    cr_assert_eq(pvp_x86_movabs_set(code, len, 0xfedcba9876543210ull), PVP_OK);
    char src[128];
    snprintf(src, sizeof src, ".text\nmovabs $0xfedcba9876543210, %%r11\n");
    x86_blob b;
    x86_assemble(src, &b);
    cr_assert_eq(memcmp(code, b.bytes, len), 0, "set writes what GNU as assembles");
    x86_blob_free(&b);
    static const char *const not_movabs[] = { "mov $5, %rax", "movabs 0x1122334455667788, %rax",
                                              "mov $0x11223344, %eax", "lea 2f(%rip), %rax" };
    for (size_t i = 0; i < 4; i++) {
        one(not_movabs[i], code, &len);
        memcpy(before, code, sizeof code);
        cr_assert_eq(pvp_x86_movabs_set(code, len, 1), PVP_E_NOT_MOVL, "%s", not_movabs[i]);
        cr_assert_eq(pvp_x86_movabs_get(code, len, &imm), PVP_E_NOT_MOVL);
        cr_assert_eq(memcmp(code, before, sizeof code), 0);
    }
    one("movabs $1, %rax", code, &len);
    cr_assert_eq(pvp_x86_movabs_get(code, len - 1, &imm), PVP_E_TRUNCATED);
}

/* Through the engine: an instance whose outside reference cannot reach from
 * the canonical slot is refused as a whole, and no byte of the image moves. */
Test(x86_range, install_out_of_range_leaves_the_image_identical)
{
    static const struct { const char *body; int status; size_t at; } cases[] = {
        { "nop; nop; call 3f", PVP_E_OUT_OF_RANGE, 2 },
        { "nop; mov 3f(%rip), %eax", PVP_E_OUT_OF_RANGE, 1 },
        { "jmp 3f", PVP_E_OUT_OF_RANGE, 0 },
        { "loop 3f", PVP_E_OUT_OF_RANGE, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[256];
        snprintf(src, sizeof src, ".text\n%s\n.p2align 5, 0xcc\n3: ret\n", cases[i].body);
        x86_blob b;
        x86_assemble(src, &b);
        /* copy at 4 GiB, canonical 3 GiB higher: only the target right after the copy */
        static uint8_t copy[32], canon[32];
        memcpy(copy, b.bytes, 32);
        memset(canon, 0x5A, sizeof canon);
        uint8_t record[PVP_INSTANCE_RECSIZE] = { 0 };
        pvp_range r[3] = {
            { ADDR, 32, copy, PVP_RANGE_EXEC, "copy" },
            { ADDR + (3ull << 30), 32, canon, PVP_RANGE_EXEC, "canonical" },
            { 0x1000, sizeof record, record, PVP_RANGE_WRITE, "record" },
        };
        pvp_image img = { r, 3 };
        pvp_instance inst = { .record = 0x1000, .name = "far", .mode = 1, .copy = ADDR,
                              .canonical = ADDR + (3ull << 30), .size = 32, .slot_size = 32 };
        pvp_install_req req = { &pvp_arch_x86_64, &inst, 1, 0, NULL, NULL, NULL, NULL, 0, NULL, 0 };
        pvp_error err;
        cr_assert_eq(pvp_install(&img, &req, NULL, &err), cases[i].status, "%s", cases[i].body);
        cr_assert_eq(err.addr, ADDR + cases[i].at, "%s: error at %#llx", cases[i].body,
                     (unsigned long long)err.addr);
        cr_assert_eq(memcmp(copy, b.bytes, 32), 0);
        for (size_t k = 0; k < sizeof canon; k++)
            cr_assert_eq(canon[k], 0x5A, "%s: the canonical slot was written", cases[i].body);
        for (size_t k = 0; k < sizeof record; k++)
            cr_assert_eq(record[k], 0, "the descriptor was written");
        x86_blob_free(&b);
    }
}
