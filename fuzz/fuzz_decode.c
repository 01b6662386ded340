/* libFuzzer target for the IA-64 decoder: every 16-byte bundle of the input is
 * unpacked and decoded whole and slot by slot (the same rows), each row must
 * match its slot and each alias lie inside its row; each slot is printed
 * (also into a tiny buffer), its IP-relative operands listed both ways, read
 * and written back unchanged, its movl immediate likewise, its sensitivity
 * classified; valid bundles must pack back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* Printing must NUL-terminate, report the full length, and agree with a truncated print. */
static void check_print(const pvp_ia64_insn *in, uint64_t ip)
{
    char full[256], tiny[8];
    size_t need = pvp_ia64_print(in, ip, full, sizeof full);
    CHECK(need < sizeof full && strlen(full) == need);
    CHECK(pvp_ia64_print(in, ip, tiny, sizeof tiny) == need);
    CHECK(strlen(tiny) < sizeof tiny && strncmp(tiny, full, strlen(tiny)) == 0);
    CHECK(pvp_ia64_print(in, ip, NULL, 0) == need);
}

/* Re-targeting an IP-relative operand to where it already points changes nothing. */
static void check_iprel(const pvp_ia64_bundle *b, unsigned slot, uint64_t ip)
{
    pvp_ia64_iprel rel[2];
    unsigned n = pvp_ia64_iprel_list(b, slot, ip, rel);
    CHECK(n <= 2);
    for (unsigned i = 0; i < n; i++) {
        CHECK(rel[i].form && (rel[i].kind == PVP_IA64_K_TARGET || rel[i].kind == PVP_IA64_K_TAG));
        CHECK((rel[i].target & 15) == 0);
        pvp_ia64_bundle copy = *b;
        CHECK(pvp_ia64_iprel_set(&copy, slot, i, ip, rel[i].target) == PVP_OK);
        CHECK(memcmp(&copy, b, sizeof copy) == 0);
    }
}

/* Reading a movl immediate and writing it back changes nothing. */
static void check_movl(const pvp_ia64_bundle *b, unsigned slot)
{
    uint64_t imm;
    unsigned reg;
    if (pvp_ia64_movl_get(b, slot, &imm, &reg) != PVP_OK)
        return;
    CHECK(reg < 128);
    pvp_ia64_bundle copy = *b;
    CHECK(pvp_ia64_movl_set(&copy, slot, imm) == PVP_OK);
    CHECK(memcmp(&copy, b, sizeof copy) == 0);
}

/* The row found matches the bits and runs on the slot's unit; an alias of it
 * lies inside it and uses its format. */
static void check_row(const pvp_ia64_insn *in)
{
    if (!in->op)
        return;
    CHECK((in->bits & in->op->mask) == in->op->match);
    CHECK(in->op->unit == in->unit ||
          (in->op->unit == PVP_IA64_UNIT_A && (in->unit == PVP_IA64_UNIT_M || in->unit == PVP_IA64_UNIT_I)));
    const pvp_ia64_opcode *alias = pvp_ia64_alias_of(in);
    if (alias) {
        CHECK((in->bits & alias->mask) == alias->match);
        CHECK(alias->format == in->op->format && (alias->mask & in->op->mask) == in->op->mask);
    }
}

/* Listing the operands of the decoded slot and of the bundle agree, and
 * re-targeting the decoded slot to where it points changes nothing. */
static void check_insn_iprel(const pvp_ia64_bundle *b, const pvp_ia64_insn *in, unsigned slot,
                             uint64_t ip)
{
    pvp_ia64_iprel x[2], y[2];
    unsigned nx = pvp_ia64_insn_iprel(in, ip, x), ny = pvp_ia64_iprel_list(b, slot, ip, y);
    CHECK(nx == ny);
    for (unsigned i = 0; i < nx; i++) {
        CHECK(x[i].target == y[i].target && x[i].kind == y[i].kind && x[i].bits == y[i].bits);
        pvp_ia64_bundle copy = *b;
        CHECK(pvp_ia64_insn_iprel_set(&copy, in, i, ip, x[i].target) == PVP_OK);
        CHECK(memcmp(&copy, b, sizeof copy) == 0);
    }
}

static void check_slot(const pvp_ia64_bundle *b, const pvp_ia64_insn *whole, unsigned slot,
                       uint64_t ip)
{
    pvp_ia64_insn in;
    if (pvp_ia64_decode(b, slot, &in) != PVP_OK)
        return;
    CHECK(in.unit == pvp_ia64_slot_unit(b, slot));
    CHECK(whole->op == in.op && whole->bits == in.bits && whole->lbits == in.lbits &&
          whole->unit == in.unit);
    check_row(&in);
    check_insn_iprel(b, &in, slot, ip);
    check_print(&in, ip);
    check_iprel(b, slot, ip);
    check_movl(b, slot);
    pvp_ia64_sensitive cls = pvp_ia64_sensitive_class(&in);
    CHECK(cls < PVP_IA64_SENS_COUNT && pvp_ia64_sensitive_name(cls) != NULL);
    (void)pvp_ia64_reads_ip(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first 8 bytes (when there are more) choose the bundles' address. */
    uint64_t base = 0xa000000100000000ull;
    if (size > 8 + PVP_IA64_BUNDLE_SIZE) {
        memcpy(&base, data, 8);
        base &= ~UINT64_C(15);
        data += 8;
        size -= 8;
    }
    for (size_t off = 0; off + PVP_IA64_BUNDLE_SIZE <= size; off += PVP_IA64_BUNDLE_SIZE) {
        pvp_ia64_bundle b;
        uint8_t again[16];
        if (pvp_ia64_bundle_unpack(data + off, &b) != PVP_OK) {
            CHECK(pvp_ia64_template_info(b.tmpl)->reserved);
            CHECK(pvp_ia64_bundle_pack(&b, again) != PVP_OK);
            continue;
        }
        pvp_ia64_insn whole[3];
        CHECK(pvp_ia64_decode_bundle(&b, whole) == PVP_OK);
        for (unsigned slot = 0; slot < 3; slot++)
            check_slot(&b, &whole[slot], slot, base + off);
        CHECK(pvp_ia64_bundle_pack(&b, again) == PVP_OK);
        CHECK(memcmp(again, data + off, sizeof again) == 0);
    }
    return 0;
}
