#define _POSIX_C_SOURCE 200809L
/* Install of a 32 KiB instance with hundreds of outside references, by
 * decoding (with and without work space for the blocks its plan changes) and
 * from a move list (as `pvpatch moves` computes it: the blocks
 * the install by decoding changes), side by side with memcpy of 32 KiB in
 * the same run. The image is synthesized with the codec: no assembler is
 * needed at bench time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pvpatch/ia64.h"
#include "pvpatch/install.h"

#define SIZE      0x8000u
#define CANON     0xa000000100008000ull
#define COPY      0xa000000100100000ull
#define META      0xa000000100200000ull
#define LIST      0xa000000100300000ull
#define OUTSIDE   0xa000000100000000ull
#define NSELF     16
#define META_SIZE (PVP_INSTANCE_RECSIZE + (NSELF + 1) * PVP_FIXUP_RECSIZE)
#define LIST_SIZE (PVP_MOVES_HEADSIZE + SIZE / 16 * PVP_MOVES_ENTSIZE)

static uint8_t canon[SIZE], copy[SIZE], meta[META_SIZE], pristine_meta[META_SIZE], list[LIST_SIZE];
static pvp_range ranges[] = {
    { CANON, SIZE, canon, PVP_RANGE_EXEC, ".text.ivt" },
    { COPY, SIZE, copy, PVP_RANGE_EXEC, ".init.pvinst" },
    { META, META_SIZE, meta, 0, ".pvpatch" },
    { LIST, LIST_SIZE, list, 0, ".pvpatch.moves" },
};
static const pvp_image image = { ranges, 4 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Every 4th bundle branches outside (512 references); 16 movl self-references. */
static unsigned build_instance(void)
{
    unsigned outside = 0;
    for (unsigned off = 0; off < SIZE; off += 16) {
        pvp_ia64_bundle b = { 0x11, { 0, 0, 0 } };             /* MIB;; */
        uint64_t ip = COPY + off;
        if (off / 16 < NSELF) {
            b.tmpl = 0x05;                                      /* MLX;; */
            pvp_ia64_put_nop(&b, 0);
            pvp_ia64_put_movl(&b, 17, COPY + 0x4000);
        } else {
            pvp_ia64_put_nop(&b, 0);
            pvp_ia64_put_nop(&b, 1);
            if (off / 16 % 4 == 0 && pvp_ia64_put_branch(&b, 2, ip, OUTSIDE + (off % 0x1000), 0) == PVP_OK)
                outside++;
            else
                pvp_ia64_put_nop(&b, 2);
        }
        pvp_ia64_bundle_pack(&b, copy + off);
    }
    memcpy(canon, copy, SIZE);
    pvp_image_write_le(&image, META, 4, PVP_INSTANCE_MAGIC);
    pvp_image_write_le(&image, META + 4, 2, PVP_RECORDS_VERSION);
    pvp_image_write_le(&image, META + 6, 2, PVP_INSTANCE_RECSIZE);
    pvp_image_write_le(&image, META + PVP_INST_OFF_MODE, 4, PVP_MODE_XEN);
    memcpy(meta + PVP_INST_OFF_NAME, "xen", 4);
    pvp_image_write_le(&image, META + PVP_INST_OFF_COPY, 8, COPY);
    pvp_image_write_le(&image, META + PVP_INST_OFF_CANONICAL, 8, CANON);
    pvp_image_write_le(&image, META + PVP_INST_OFF_SIZE, 8, SIZE);
    pvp_image_write_le(&image, META + PVP_INST_OFF_SLOTSIZE, 8, SIZE);
    pvp_image_write_le(&image, META + PVP_INST_OFF_FIXUPS, 8, META + PVP_INSTANCE_RECSIZE);
    pvp_image_write_le(&image, META + PVP_INST_OFF_FIXUPS_END, 8, META + META_SIZE);
    for (unsigned k = 0; k < NSELF; k++) {
        uint64_t rec = META + PVP_INSTANCE_RECSIZE + k * PVP_FIXUP_RECSIZE;
        pvp_image_write_le(&image, rec, 8, COPY + 16 * k + 2);
        pvp_image_write_le(&image, rec + 8, 4, PVP_FIX_SELF_MOVL);
    }
    uint64_t rec = META + PVP_INSTANCE_RECSIZE + NSELF * PVP_FIXUP_RECSIZE;
    pvp_image_write_le(&image, rec, 8, LIST);
    pvp_image_write_le(&image, rec + 8, 4, PVP_FIX_MOVES);
    pvp_image_write_le(&image, rec + 12, 4, LIST_SIZE);
    pvp_image_write_le(&image, LIST + PVP_MOVES_OFF_MAGIC, 4, PVP_MOVES_MAGIC);
    pvp_image_write_le(&image, LIST + PVP_MOVES_OFF_VERSION, 2, PVP_MOVES_VERSION);
    pvp_image_write_le(&image, LIST + PVP_MOVES_OFF_ENTSIZE, 2, PVP_MOVES_ENTSIZE);
    memcpy(pristine_meta, meta, META_SIZE);
    return outside;
}

enum { FROM_LIST, DECODE, DECODE_WORK };   /* how an install goes */

static int install_once(pvp_install_report *rep, int how)
{
    static uint8_t work[SIZE / 16 * PVP_MOVES_ENTSIZE];
    pvp_instance set[1];
    size_t n;
    pvp_error err;
    memcpy(meta, pristine_meta, META_SIZE);       /* install marks and re-bases the records */
    if (pvp_instances_read(&image, META, PVP_INSTANCE_RECSIZE, set, 1, &n, &err))
        return -1;
    pvp_install_req req = { &pvp_arch_ia64, set, n, 0, NULL, NULL, NULL, NULL, how != FROM_LIST,
                            how == DECODE_WORK ? work : NULL, how == DECODE_WORK ? sizeof work : 0 };
    return pvp_install(&image, &req, rep, &err);
}

/* The move list `pvpatch moves` would write: the blocks an install by decoding changes. */
static unsigned build_list(void)
{
    pvp_install_report rep;
    memset(canon, 0, SIZE);
    if (install_once(&rep, DECODE) != PVP_OK)
        return 0;
    unsigned n = 0;
    for (unsigned off = 0; off < SIZE; off += 16)
        if (memcmp(canon + off, copy + off, 16)) {
            uint64_t at = LIST + PVP_MOVES_HEADSIZE + (uint64_t)n * PVP_MOVES_ENTSIZE;
            pvp_image_write_le(&image, at, 8, off);
            memcpy(pvp_image_at(&image, at + 8, 16), canon + off, 16);
            n++;
        }
    pvp_image_write_le(&image, LIST + PVP_MOVES_OFF_COUNT, 4, n);
    pvp_image_write_le(&image, LIST + PVP_MOVES_OFF_COPY, 8, COPY);
    pvp_image_write_le(&image, LIST + PVP_MOVES_OFF_CANONICAL, 8, CANON);
    return n;
}

/* Microseconds per install: the least over blocks of installs for half a
 * second (the block the machine's other load disturbed least). */
static double time_install(int how)
{
    pvp_install_report rep;
    int per_block = how == FROM_LIST ? 500 : 20;
    double best = 1e30, t0 = now();
    do {
        double b0 = now();
        for (int i = 0; i < per_block; i++)
            install_once(&rep, how);
        double t = (now() - b0) / per_block;
        best = t < best ? t : best;
    } while (now() - t0 < 0.5);
    return best * 1e6;
}

/* Microseconds per memcpy of the instance, measured as the installs are. */
static double time_copy(void)
{
    static uint8_t dst[SIZE];
    double best = 1e30, t0 = now();
    do {
        double b0 = now();
        for (int i = 0; i < 500; i++) {
            memcpy(dst, copy, SIZE);
            __asm__ volatile("" : : "r"(dst) : "memory");   /* keep the copy */
        }
        double t = (now() - b0) / 500;
        best = t < best ? t : best;
    } while (now() - t0 < 0.5);
    return best * 1e6;
}

int main(void)
{
    unsigned outside = build_instance();
    pvp_install_report rep;
    if (install_once(&rep, DECODE) != PVP_OK || rep.retargeted[0] != outside) {
        fprintf(stderr, "bench_install: the synthesized install failed\n");
        return 1;
    }
    static uint8_t by_decoding[SIZE];
    memcpy(by_decoding, canon, SIZE);
    unsigned listed = build_list();
    memset(canon, 0, SIZE);
    if (!listed || install_once(&rep, FROM_LIST) != PVP_OK || rep.listed != listed || memcmp(canon, by_decoding, SIZE)) {
        fprintf(stderr, "bench_install: the install from the move list differs from the install by decoding\n");
        return 1;
    }
    memset(canon, 0, SIZE);
    if (install_once(&rep, DECODE_WORK) != PVP_OK || memcmp(canon, by_decoding, SIZE)) {
        fprintf(stderr, "bench_install: the install with work space differs from the one without\n");
        return 1;
    }
    /* In turns, twice: the machine's load changes from second to second. */
    double us_decode = time_install(DECODE), us_work = time_install(DECODE_WORK), us_list = time_install(FROM_LIST);
    double us_copy = time_copy();
    double d2 = time_install(DECODE), w2 = time_install(DECODE_WORK), l2 = time_install(FROM_LIST), c2 = time_copy();
    us_decode = d2 < us_decode ? d2 : us_decode;
    us_work = w2 < us_work ? w2 : us_work;
    us_list = l2 < us_list ? l2 : us_list;
    us_copy = c2 < us_copy ? c2 : us_copy;
    printf("bench_install: 32 KiB instance (2048 bundles, %u outside references, %d self-references)\n",
           outside, NSELF);
    printf("  install by decoding (plan + commit):         %8.2f us   (%.0f bundles/s)\n", us_decode,
           2048.0 / (us_decode * 1e-6));
    printf("  by decoding, with work space (plan + list): %8.2f us\n", us_work);
    printf("  install from the move list (%4u blocks):    %8.2f us\n", listed, us_list);
    printf("  memcpy of 32 KiB:                            %8.2f us\n", us_copy);
    printf("  by decoding / memcpy: %.1fx, with work space %.1fx (goal <= 10x); from the list / memcpy: %.1fx "
           "(goal <= 3x)\n", us_decode / us_copy, us_work / us_copy, us_list / us_copy);
    return 0;
}
