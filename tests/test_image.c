/* Image lookups: a binary search when the ranges are in address order, a
 * linear scan otherwise. Every order of the same ranges must give the same
 * answers, judged against a plain scan written here: inside, at the edges,
 * in the gaps, past the end, in a range without bytes (NOBITS). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "pvpatch/image.h"

#define NR 6

static uint8_t store[NR][64];

/* The reference: the one range that holds [addr, addr+size) with bytes. */
static uint8_t *plain_at(const pvp_range *r, size_t n, uint64_t addr, uint64_t size)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].bytes && addr >= r[i].addr && addr - r[i].addr <= r[i].size &&
            size <= r[i].size - (addr - r[i].addr) && (size || addr < r[i].addr + r[i].size))
            return r[i].bytes + (addr - r[i].addr);
    return NULL;
}

static const pvp_range *plain_range(const pvp_range *r, size_t n, uint64_t addr)
{
    for (size_t i = 0; i < n; i++)
        if (addr >= r[i].addr && addr - r[i].addr < r[i].size)
            return &r[i];
    return NULL;
}

static void ranges(pvp_range out[NR])
{
    static const uint64_t at[NR] = { 0x1000, 0x1040, 0x2000, 0x2010, 0x8000, 0xffffffffffffffc0ull };
    static const uint64_t size[NR] = { 0x40, 0x20, 0x10, 0x30, 0x40, 0x40 };
    for (size_t i = 0; i < NR; i++)
        out[i] = (pvp_range){ at[i], size[i], i == 2 ? NULL : store[i], PVP_RANGE_EXEC, "r" };
}

static void expect_same_answers(const pvp_range *sorted, pvp_range *r, const char *order)
{
    pvp_image img = { r, NR };
    for (size_t i = 0; i < NR; i++)
        for (int64_t d = -2; d <= (int64_t)sorted[i].size + 2; d++)
            for (uint64_t size = 0; size <= 9; size += 3) {
                uint64_t addr = sorted[i].addr + (uint64_t)d;
                cr_expect_eq(pvp_image_at(&img, addr, size), plain_at(r, NR, addr, size),
                             "%s: pvp_image_at(0x%llx, %llu)", order, (unsigned long long)addr,
                             (unsigned long long)size);
                cr_expect_eq(pvp_image_range(&img, addr), plain_range(r, NR, addr), "%s: pvp_image_range(0x%llx)",
                             order, (unsigned long long)addr);
            }
    cr_expect_null(pvp_image_at(&img, 0, 1), "%s: address 0", order);
    cr_expect_null(pvp_image_at(&img, 0x1000, 0x61), "%s: across two ranges", order);
}

Test(image, every_order_of_the_ranges_gives_the_same_lookups)
{
    pvp_range sorted[NR], r[NR];
    ranges(sorted);
    ranges(r);
    expect_same_answers(sorted, r, "address order");
    for (size_t i = 0; i < NR; i++)
        r[i] = sorted[NR - 1 - i];
    expect_same_answers(sorted, r, "reversed");
    srand(7);
    for (int round = 0; round < 20; round++) {
        for (size_t i = NR - 1; i > 0; i--) {
            size_t j = (size_t)rand() % (i + 1);
            pvp_range t = r[i];
            r[i] = r[j];
            r[j] = t;
        }
        expect_same_answers(sorted, r, "shuffled");
    }
    pvp_image empty = { NULL, 0 };
    cr_expect_null(pvp_image_at(&empty, 0x1000, 1));
    cr_expect_null(pvp_image_range(&empty, 0x1000));
}
