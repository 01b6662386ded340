/* Move lists (PVP_MOVES, `pvpatch moves`): an install from the list writes
 * exactly what the install by decoding writes, without decoding; the
 * independent verifier, which decodes everything, catches a list that is
 * wrong; a list computed for another copy is refused with the image left
 * as it was; `pvpatch moves --check` tells a stale list; a list too small is
 * bad input. Kernels are built by GNU as and ld (support/kernel.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/install.h"
#include "support/binutils.h"
#include "support/kernel.h"


/* A kernel whose instances reserve a move list of `room` entries. */
static void build(int room, kernel *k)
{
    char *forms = all_forms_body(), *body = NULL;
    size_t len = 0;
    add(&body, &len, "%sPVP_MOVES(\\name, %d)\n", forms, room);
    build_kernel(body, "0xa000000100100000", NULL, k);
    free(forms);
    free(body);
}

static void open_kernel(const char *path, kernel *k)
{
    char err[PVP_ERR_SIZE];
    snprintf(k->path, sizeof k->path, "%s", path);
    k->file = pvp_file_open_elf(path, err, sizeof err);
    cr_assert(k->file, "%s", err);
    const pvp_section *s = pvp_file_section_by_name(k->file, ".pvpatch.instances");
    cr_assert(s);
    cr_assert_eq(pvp_instances_read(pvp_file_image(k->file), s->addr, s->size, k->set, 4, &k->count, NULL), PVP_OK);
}

static int install_xen(kernel *k, int decode, pvp_install_report *rep, pvp_error *err)
{
    const pvp_instance *i = pvp_instance_find(k->set, k->count, "xen");
    pvp_install_req req = { &pvp_arch_ia64, k->set, k->count, (size_t)(i - k->set), kernel_vtop, NULL,
                            NULL, NULL, decode, NULL, 0 };
    return pvp_install(pvp_file_image(k->file), &req, rep, err);
}

static const uint8_t *slot_bytes(const kernel *k)
{
    const pvp_instance *xen = pvp_instance_find(k->set, k->count, "xen");
    const uint8_t *b = pvp_image_at(pvp_file_image(k->file), xen->canonical, SLOT);
    cr_assert(b);
    return b;
}

Test(moves, an_install_from_the_list_writes_what_decoding_writes)
{
    kernel built, listed, decoded;
    build(64, &built);
    int st;
    char path[600];
    snprintf(path, sizeof path, "%s.moves", built.path);
    char *o = pvpatch_run(&st, "moves %s -o %s", built.path, path);
    cr_assert_eq(st, 0, "%s", o);
    cr_assert(strstr(o, "instance xen:"), "%s", o);
    free(o);
    o = pvpatch_run(&st, "moves %s --check", path);
    cr_expect_eq(st, 0, "a fresh list is up to date: %s", o);
    free(o);
    o = pvpatch_run(&st, "moves %s --check", built.path);
    cr_expect_eq(st, 1, "an empty list is not what decoding writes: %s", o);
    free(o);

    open_kernel(path, &listed);
    open_kernel(path, &decoded);
    pvp_install_report rl, rd;
    pvp_error e;
    cr_assert_eq(install_xen(&listed, 0, &rl, &e), PVP_OK, "%s at 0x%llx", e.what, (unsigned long long)e.addr);
    cr_assert_eq(install_xen(&decoded, 1, &rd, &e), PVP_OK, "%s at 0x%llx", e.what, (unsigned long long)e.addr);
    cr_expect_gt(rl.listed, 10, "blocks written from the list: %llu", (unsigned long long)rl.listed);
    cr_expect_eq(rd.listed, 0);
    cr_expect_eq(memcmp(slot_bytes(&listed), slot_bytes(&decoded), SLOT), 0, "the slots differ");
    const pvp_instance *xen = pvp_instance_find(built.set, built.count, "xen");
    pvp_mismatch mm[8];
    size_t n;
    cr_expect_eq(pvp_verify_install(pvp_file_image(built.file), pvp_file_image(listed.file), &pvp_arch_ia64, xen,
                                    kernel_vtop, NULL, mm, 8, &n),
                 PVP_OK, "verify: %zu mismatch(es), first %s at 0x%llx", n, n ? mm[0].what : "",
                 n ? (unsigned long long)mm[0].addr : 0ull);
    o = pvpatch_run(&st, "install %s --instance xen -o %s.i && %s verify %s %s.i --instance xen", path, path, pvpatch_path(), path,
            path);
    cr_expect(st == 0 && strstr(o, "from the move list"), "the CLI installs from the list and verifies: %s", o);
    free(o);
    pvp_file_close(listed.file);
    pvp_file_close(decoded.file);
    pvp_file_close(built.file);
}

Test(moves, a_wrong_list_is_caught_and_a_stale_one_refused)
{
    kernel built, k;
    build(64, &built);
    int st;
    char path[600];
    snprintf(path, sizeof path, "%s.moves", built.path);
    free(pvpatch_run(&st, "moves %s -o %s", built.path, path));
    cr_assert_eq(st, 0);
    const pvp_instance *xen = pvp_instance_find(built.set, built.count, "xen");

    /* One byte of the first entry's block changed: installed as the list
     * says, and the verifier, which decodes, finds it. */
    open_kernel(path, &k);
    pvp_moves m;
    cr_assert_eq(pvp_moves_read(pvp_file_image(k.file), pvp_instance_find(k.set, k.count, "xen"), &m, NULL), PVP_OK);
    cr_assert_gt(m.count, 0);
    uint8_t *ent = pvp_image_at(pvp_file_image(k.file), m.list + PVP_MOVES_HEADSIZE, PVP_MOVES_ENTSIZE);
    ent[8 + 15] ^= 0x40;                  /* slot 2's high bits */
    char bad[700], err[PVP_ERR_SIZE];
    snprintf(bad, sizeof bad, "%s.bad", path);
    cr_assert_eq(pvp_file_write(k.file, bad, err, sizeof err), 0, "%s", err);
    char *o = pvpatch_run(&st, "moves %s --check", bad);
    cr_expect_eq(st, 1, "--check tells the changed list: %s", o);
    free(o);
    pvp_install_report rep;
    pvp_error e;
    cr_assert_eq(install_xen(&k, 0, &rep, &e), PVP_OK);
    pvp_mismatch mm[8];
    size_t n;
    cr_expect_eq(pvp_verify_install(pvp_file_image(built.file), pvp_file_image(k.file), &pvp_arch_ia64, xen,
                                    kernel_vtop, NULL, mm, 8, &n),
                 PVP_E_VERIFY, "the verifier takes a wrong block for right");
    pvp_file_close(k.file);

    /* A list computed for another copy: refused, nothing written. */
    open_kernel(path, &k);
    cr_assert_eq(pvp_moves_read(pvp_file_image(k.file), pvp_instance_find(k.set, k.count, "xen"), &m, NULL), PVP_OK);
    pvp_image_write_le(pvp_file_image(k.file), m.list + PVP_MOVES_OFF_COPY, 8, xen->copy + 0x1000);
    uint8_t before[SLOT];
    memcpy(before, slot_bytes(&k), SLOT);
    cr_expect_eq(install_xen(&k, 0, &rep, &e), PVP_E_STALE);
    cr_expect_eq(e.addr, m.list);
    cr_expect_eq(memcmp(before, slot_bytes(&k), SLOT), 0, "a refused install wrote the slot");
    cr_expect_eq(install_xen(&k, 1, &rep, &e), PVP_OK, "decoding does not read the list");
    pvp_file_close(k.file);
    pvp_file_close(built.file);
}

Test(moves, a_list_too_small_is_bad_input)
{
    kernel built;
    build(1, &built);
    int st;
    char *o = pvpatch_run(&st, "moves %s -o %s.m", built.path, built.path);
    cr_expect_eq(st, 2, "%s", o);
    cr_expect(strstr(o, "needs") && strstr(o, "reserved 1"), "%s", o);
    free(o);
    pvp_file_close(built.file);
}
