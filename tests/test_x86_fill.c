/* Nops, nop fill, jmp-over fill and direct branches: Zydis must decode what
 * was written as the intended instructions, and the CPU must run through it. */
#include <criterion/criterion.h>
#include <string.h>

#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define PAGE 4096

/* `mov $42, %eax; ret`, placed after the bytes under test. */
static const uint8_t ret42[] = { 0xB8, 42, 0, 0, 0, 0xC3 };

/* Run buf[0..n) followed by ret42 from a fresh executable page. */
static long run_through(const uint8_t *buf, size_t n)
{
    uint8_t *page = x86_map_near(NULL, PAGE);
    memcpy(page, buf, n);
    memcpy(page + n, ret42, sizeof ret42);
    x86_seal(page, PAGE);
    long r = x86_call2(page, 0, 0);
    x86_unmap(page, PAGE);
    return r;
}

Test(x86_fill, every_nop_length_is_one_nop_zydis_decodes_and_the_cpu_runs)
{
    for (size_t n = 1; n <= PVP_X86_NOP_MAX; n++) {
        uint8_t buf[32];
        memset(buf, 0xCC, sizeof buf);
        cr_assert_eq(pvp_x86_nop(buf, n), PVP_OK);
        size_t len;
        uint64_t t;
        cr_assert_eq(x86_zydis_target(buf, sizeof buf, 0x1000, &len, &t), 0);
        cr_assert_eq(len, n, "the %zu-byte nop decodes as %zu bytes", n, len);
        cr_assert_str_eq(x86_zydis_mnemonic(buf, n), "nop");
        cr_assert_eq(run_through(buf, n), 42);
    }
    uint8_t buf[16] = { 0 };
    cr_assert_eq(pvp_x86_nop(buf, 0), PVP_E_OUT_OF_RANGE);
    cr_assert_eq(pvp_x86_nop(buf, 16), PVP_E_OUT_OF_RANGE);
    cr_assert_eq(buf[0], 0, "a refused length wrote nothing");
}

Test(x86_fill, nop_fill_uses_the_fewest_nops_and_covers_exactly)
{
    for (size_t n = 0; n <= 100; n++) {
        uint8_t buf[128];
        memset(buf, 0xCC, sizeof buf);
        pvp_x86_nop_fill(buf, n);
        size_t off = 0, count = 0;
        while (off < n) {
            size_t len;
            uint64_t t;
            cr_assert_eq(x86_zydis_target(buf + off, n - off, off, &len, &t), 0);
            cr_assert_str_eq(x86_zydis_mnemonic(buf + off, n - off), "nop");
            cr_assert_leq(len, PVP_X86_NOP_FILL_MAX);
            off += len;
            count++;
        }
        cr_assert_eq(off, n, "fill of %zu ends mid-instruction", n);
        cr_assert_eq(count, (n + PVP_X86_NOP_FILL_MAX - 1) / PVP_X86_NOP_FILL_MAX);
        cr_assert_eq(buf[n], 0xCC, "fill of %zu wrote past its end", n);
        cr_assert_eq(run_through(buf, n), 42);
    }
}

Test(x86_fill, jmp_over_lands_exactly_at_the_end)
{
    static uint8_t buf[PAGE];
    for (size_t n = 0; n < 300; n++) {
        memset(buf, 0xAB, sizeof buf);
        cr_assert_eq(pvp_x86_jmp_over(buf, n), PVP_OK);
        cr_assert_eq(buf[n], 0xAB, "jmp-over of %zu wrote past its end", n);
        if (n >= 2) {
            size_t len;
            uint64_t t;
            cr_assert_eq(x86_zydis_target(buf, n, 0x5000, &len, &t), 1);
            cr_assert_str_eq(x86_zydis_mnemonic(buf, n), "jmp");
            cr_assert_eq(t, 0x5000 + n, "jmp-over of %zu goes to +%llu", n,
                         (unsigned long long)(t - 0x5000));
            cr_assert_eq(len, n - 2 <= 127 ? 2u : 5u, "shortest jmp for %zu", n);
            for (size_t i = len; i < n; i++)
                cr_assert_eq(buf[i], 0xCC, "the gap is int3");
        }
        cr_assert_eq(run_through(buf, n), 42);
    }
}

Test(x86_fill, direct_call_and_jmp_reach_their_target_or_are_refused)
{
    uint8_t buf[8];
    size_t len;
    pvp_error err;
    cr_assert_eq(pvp_x86_put_call(buf, sizeof buf, 0x10000, 0x7fff0000, &err), PVP_OK);
    uint64_t t;
    cr_assert_eq(x86_zydis_target(buf, 5, 0x10000, &len, &t), 1);
    cr_assert_eq(t, 0x7fff0000);
    cr_assert_str_eq(x86_zydis_mnemonic(buf, 5), "call");
    cr_assert_eq(pvp_x86_put_jmp(buf, sizeof buf, 0x10000, 0x10000 + 2 + 127, &len, &err), PVP_OK);
    cr_assert_eq(len, 2);
    cr_assert_eq(pvp_x86_put_jmp(buf, sizeof buf, 0x10000, 0x10000 + 2 + 128, &len, &err), PVP_OK);
    cr_assert_eq(len, 5);
    cr_assert_eq(x86_zydis_target(buf, 5, 0x10000, &len, &t), 1);
    cr_assert_eq(t, 0x10000 + 2 + 128);
    /* rel32 reaches end + 2^31 - 1 and no further, in both directions */
    uint64_t site = 0x100000000ull;
    cr_assert_eq(pvp_x86_put_call(buf, 5, site, site + 5 + 0x7fffffff, NULL), PVP_OK);
    cr_assert_eq(pvp_x86_put_call(buf, 5, site, site + 5 - 0x80000000ull, NULL), PVP_OK);
    memset(buf, 0x5A, sizeof buf);
    cr_assert_eq(pvp_x86_put_call(buf, 5, site, site + 5 + 0x80000000ull, &err), PVP_E_OUT_OF_RANGE);
    cr_assert_eq(err.addr, site);
    cr_assert_eq(pvp_x86_put_jmp(buf, 8, site, site + 5 - 0x80000001ull, &len, &err),
                 PVP_E_OUT_OF_RANGE);
    cr_assert_eq(pvp_x86_put_call(buf, 4, site, site, &err), PVP_E_NO_SPACE);
    for (size_t i = 0; i < sizeof buf; i++)
        cr_assert_eq(buf[i], 0x5A, "a refused branch wrote nothing");
}
