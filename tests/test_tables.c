/* Table views: a pass over sites, fixups or templates looks the table up
 * once and reads records from its bytes; a table that does not lie in one
 * range of the image (two ranges back to back) is read record by record.
 * Either way every record must read, and fail, exactly as the one-record
 * functions read it: the same fields, the same status, the same error. */
#include <criterion/criterion.h>
#include <string.h>

#include "pvpatch/arch.h"
#include "pvpatch/ia64.h"
#include "pvpatch/install.h"
#include "pvpatch/patch.h"

#define NREC  12
#define TABLE 0x10000u
#define CODE  0x40000u

static uint8_t store[NREC * 32];
static uint8_t code_bytes[0x400];

/* The table in one range, or split after `cut` bytes into two adjacent ranges. */
static pvp_image image_of(pvp_range r[3], size_t cut)
{
    size_t n = 0;
    if (cut) {
        r[n++] = (pvp_range){ TABLE, cut, store, PVP_RANGE_WRITE, "a" };
        r[n++] = (pvp_range){ TABLE + cut, sizeof store - cut, store + cut, PVP_RANGE_WRITE, "b" };
    } else {
        r[n++] = (pvp_range){ TABLE, sizeof store, store, PVP_RANGE_WRITE, "t" };
    }
    r[n++] = (pvp_range){ CODE, sizeof code_bytes, code_bytes, PVP_RANGE_EXEC, "code" };
    return (pvp_image){ r, n };
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/* Sites: valid ones, one of an unknown form, one misaligned. */
static void fill_sites(void)
{
    memset(store, 0, sizeof store);
    for (unsigned i = 0; i < NREC; i++) {
        uint8_t *r = store + 32 * i;
        put(r + PVP_SITE_OFF_ADDR, CODE + 0x20 * i, 8);
        put(r + PVP_SITE_OFF_END, CODE + 0x20 * i + (i == 7 ? 0x18 : 0x20), 8);
        put(r + PVP_SITE_OFF_OP, 1 + i % 3, 2);
        r[PVP_SITE_OFF_FORM] = i == 5 ? 9 : PVP_FORM_A + i % 3;
        r[PVP_SITE_OFF_MODE] = i % 3 == 2 ? 0 : 1;
        r[PVP_SITE_OFF_REGS] = (uint8_t)(8 + i);
        r[PVP_SITE_OFF_PCLOB] = (uint8_t)(i % 2 ? 6 : 0);
    }
}

Test(tables, a_site_table_reads_as_record_by_record_in_one_range_or_two)
{
    static const size_t cuts[] = { 0, 32 * 3, 32 * 6 + 16 };
    fill_sites();
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        pvp_range r[3];
        pvp_image img = image_of(r, cuts[c]);
        pvp_site_table t = pvp_site_table_of(&img, &pvp_arch_ia64, TABLE, NREC * 32);
        cr_assert_eq(t.count, NREC);
        cr_assert_eq(t.bytes != NULL, cuts[c] == 0, "cut %zu: bytes only when the table is in one range", cuts[c]);
        int failed = 0;
        for (size_t i = 0; i < NREC; i++) {
            pvp_site a, b;
            pvp_error ea = { 0 }, eb = { 0 };
            int ra = pvp_site_read(&img, &pvp_arch_ia64, TABLE, i, &a, &ea);
            int rb = pvp_site_get(&t, i, &b, &eb);
            cr_assert_eq(ra, rb, "cut %zu, record %zu: status %d read, %d from the table", cuts[c], i, ra, rb);
            failed += ra != PVP_OK;
            if (ra) {
                cr_assert_eq(ea.addr, eb.addr);
                cr_assert_str_eq(ea.what, eb.what);
                continue;
            }
            cr_assert(a.record == b.record && a.addr == b.addr && a.end == b.end && a.op == b.op &&
                      a.form == b.form && a.mode == b.mode && a.pclob == b.pclob &&
                      memcmp(a.regs, b.regs, sizeof a.regs) == 0, "cut %zu, record %zu differs", cuts[c], i);
        }
        /* the unknown form and the misaligned end, and a record cut in two by the ranges */
        cr_assert_eq(failed, 2 + (cuts[c] % 32 != 0), "cut %zu: %d failed", cuts[c], failed);
        pvp_site s;
        cr_assert_eq(pvp_site_get(&t, NREC, &s, NULL), PVP_E_OUTSIDE_IMAGE, "past the table's end");
    }
}

Test(tables, a_fixup_list_reads_as_record_by_record_in_one_range_or_two)
{
    static const size_t cuts[] = { 0, 16 * 4, 16 * 9 + 8 };
    memset(store, 0, sizeof store);
    for (unsigned i = 0; i < NREC; i++) {
        uint8_t *r = store + 16 * i;
        unsigned kind = i == 3 ? PVP_FIX_KINDS : i % 2 ? PVP_FIX_DATA : PVP_FIX_ENTRY;
        put(r + PVP_FIX_OFF_WHERE, CODE + 0x10 * i, 8);
        put(r + PVP_FIX_OFF_KIND, kind, 4);
        put(r + PVP_FIX_OFF_LENGTH, i == 8 ? 4 : kind == PVP_FIX_DATA ? 8 : 0, 4);   /* 8: a length on an entry */
    }
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        pvp_range r[3];
        pvp_image img = image_of(r, cuts[c]);
        pvp_instance inst = { .copy = CODE, .canonical = CODE, .size = 0x100, .slot_size = 0x100,
                              .fixups = TABLE, .fixups_end = TABLE + 16 * NREC };
        pvp_fixup_list l = pvp_fixup_list_of(&img, &inst);
        cr_assert_eq(l.count, NREC);
        cr_assert_eq(l.bytes != NULL, cuts[c] == 0);
        int failed = 0;
        for (size_t i = 0; i < NREC; i++) {
            pvp_fixup a, b;
            pvp_error ea = { 0 }, eb = { 0 };
            int ra = pvp_fixup_read(&img, &inst, i, &a, &ea), rb = pvp_fixup_get(&l, i, &b, &eb);
            cr_assert_eq(ra, rb, "cut %zu, record %zu", cuts[c], i);
            failed += ra != PVP_OK;
            if (ra)
                cr_assert_str_eq(ea.what, eb.what);
            else
                cr_assert(a.record == b.record && a.where == b.where && a.kind == b.kind && a.length == b.length);
        }
        /* the unknown kind and the entry with a length, and a record cut in two by the ranges */
        cr_assert_eq(failed, 2 + (cuts[c] % 16 != 0), "cut %zu: %d failed", cuts[c], failed);
        pvp_fixup f;
        cr_assert_eq(pvp_fixup_get(&l, NREC, &f, NULL), PVP_E_OUTSIDE_IMAGE, "past the list's end");
    }
}

Test(tables, a_template_table_finds_what_each_lookup_finds)
{
    memset(store, 0, sizeof store);
    /* operations 1-4 in forms A, B, C in emit.h's order, then one out of order */
    unsigned n = 0;
    for (unsigned op = 1; op <= 4; op++)
        for (unsigned form = PVP_FORM_A; form <= PVP_FORM_C; form++, n++) {
            uint8_t *r = store + PVP_TMPL_RECSIZE * n;
            put(r + PVP_TMPL_OFF_CODE, CODE + 0x40 * n, 8);
            put(r + PVP_TMPL_OFF_END, CODE + 0x40 * n + (op == 3 && form == PVP_FORM_B ? 0x1000 : 0x20), 8);
            put(r + PVP_TMPL_OFF_OP, op == 4 ? 9 : op, 2);
            r[PVP_TMPL_OFF_FORM] = (uint8_t)form;
            put(r + PVP_TMPL_OFF_KEEPS, 1u << (op + form), 4);
        }
    static const size_t cuts[] = { 0, PVP_TMPL_RECSIZE * 2 + 5 };
    for (size_t c = 0; c < 2; c++) {
        pvp_range r[3];
        pvp_image img = image_of(r, cuts[c]);
        pvp_mode m = { .record = 0x99, .id = 1, .tmpl = TABLE, .tmpl_end = TABLE + PVP_TMPL_RECSIZE * n };
        pvp_template_table tt = pvp_template_table_of(&img, &m);
        cr_assert_eq(tt.bytes != NULL, cuts[c] == 0);
        unsigned found = 0;
        for (unsigned op = 0; op <= 10; op++)
            for (unsigned form = 0; form <= 4; form++) {
                pvp_template a, b;
                pvp_error ea = { 0 }, eb = { 0 };
                int ra = pvp_template_find(&img, &m, op, form, &a, &ea), rb = pvp_template_get(&tt, op, form, &b, &eb);
                cr_assert_eq(ra, rb, "cut %zu: op %u form %u", cuts[c], op, form);
                if (ra) {
                    cr_assert_str_eq(ea.what, eb.what);
                    continue;
                }
                found++;
                cr_assert(a.record == b.record && a.code == b.code && a.end == b.end && a.keeps == b.keeps &&
                          a.bytes == b.bytes && a.bytes == code_bytes + (a.code - CODE));
                uint64_t ga[2], gb[2];
                pvp_call_registers(&img, &pvp_arch_ia64, &m, op, ga);
                pvp_template_call_registers(&tt, &pvp_arch_ia64, op, gb);
                cr_assert(ga[0] == gb[0] && ga[1] == gb[1]);
            }
        /* in one range: every record but the one whose code runs out of the image;
         * split, the table is no table (every lookup fails alike) */
        cr_assert_eq(found, cuts[c] == 0 ? 11u : 0u, "cut %zu: %u found", cuts[c], found);
    }
}
