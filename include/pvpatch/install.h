/* Install by copy: put the chosen instance over the canonical one and make it
 * behave as if it had been linked there. Freestanding; no allocation. */
#ifndef PVPATCH_INSTALL_H
#define PVPATCH_INSTALL_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/arch.h"
#include "pvpatch/image.h"
#include "pvpatch/records.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What went wrong and where: every engine error names an address. */
typedef struct pvp_error {
    int status;            /* pvp_status */
    uint64_t addr;         /* the record, bundle or word concerned */
    int sub;               /* slot inside a bundle, or -1 */
    int64_t distance;      /* for out-of-range displacements: target - new address */
    const char *what;      /* a few words on which check failed */
} pvp_error;

/* An instance descriptor, read from the image. */
typedef struct pvp_instance {
    uint64_t record;       /* address of the descriptor */
    char name[PVP_INSTANCE_NAMELEN + 1];
    uint32_t mode;
    uint32_t flags;
    uint64_t copy;         /* where its code is */
    uint64_t canonical;    /* where the running system expects it */
    uint64_t size;
    uint64_t slot_size;    /* bytes of the canonical slot */
    uint64_t fixups;       /* first fixup record */
    uint64_t fixups_end;
} pvp_instance;

/* A fixup record, read from the image. */
typedef struct pvp_fixup {
    uint64_t record;       /* address of the record */
    uint64_t where;
    uint32_t kind;         /* PVP_FIX_* */
    uint32_t length;       /* bytes of a DATA or RESIDENT range; 0 for the other kinds */
} pvp_fixup;

/* Translate a virtual address to a physical one; nonzero status to refuse. */
typedef int (*pvp_vtop_fn)(void *ctx, uint64_t vaddr, uint64_t *paddr);
/* Make written code visible to instruction fetch (IA-64: fc.i, sync.i, srlz.i). */
typedef void (*pvp_flush_fn)(void *ctx, uint64_t addr, uint64_t size);

/* Read every descriptor of the table at [addr, addr+size). */
int pvp_instances_read(const pvp_image *img, uint64_t addr, uint64_t size, pvp_instance *out,
                       size_t max, size_t *count, pvp_error *err);
/* The descriptor named `name`, or NULL. */
const pvp_instance *pvp_instance_find(const pvp_instance *set, size_t n, const char *name);
/* The fields of one fixup record from its 16 bytes (rec: its address), unchecked. */
void pvp_fixup_parse(const uint8_t *r, uint64_t rec, pvp_fixup *out);
/* Read fixup record i of an instance. */
int pvp_fixup_read(const pvp_image *img, const pvp_instance *inst, size_t i, pvp_fixup *out,
                   pvp_error *err);
/* Number of fixup records of an instance. */
size_t pvp_fixup_count(const pvp_instance *inst);
/* An instance's fixup records, their host bytes looked up once for a walk
 * over them (bytes NULL when the list does not lie in one range of the
 * image: then each record is looked up as pvp_fixup_read does). */
typedef struct pvp_fixup_list {
    const pvp_image *img;
    const pvp_instance *inst;
    const uint8_t *bytes;
    size_t count;
} pvp_fixup_list;
/* The fixup list of an instance, for pvp_fixup_get. */
pvp_fixup_list pvp_fixup_list_of(const pvp_image *img, const pvp_instance *inst);
/* Record i of a list, read and checked as pvp_fixup_read reads and checks it. */
int pvp_fixup_get(const pvp_fixup_list *l, size_t i, pvp_fixup *out, pvp_error *err);
/* A short name for a fixup kind ("vtop", "self", "ptr64", "data", "entry",
 * "rel32", "resident"). */
const char *pvp_fixup_kind_name(unsigned kind);
/* Where an instance's records that lie inside it count from: its copy, or
 * its canonical place once it is installed (the install re-bases them). */
uint64_t pvp_fixup_base(const pvp_instance *inst);
/* The first data range of an instance that ends after offset `off`, as
 * offsets [*start, *end) widened to whole units of `align` bytes: DATA
 * records and PTR64 words inside the instance. 0 if there is none (then
 * *start = *end = the instance's size), else 1. Records that cannot be read
 * are left to the install to refuse. */
int pvp_fixup_data_range(const pvp_image *img, const pvp_instance *inst, uint64_t off, unsigned align,
                         uint64_t *start, uint64_t *end);
/* The first RESIDENT range of an instance that ends after offset `off`, as
 * offsets [*start, *end); 0 if there is none (then both are its size). */
int pvp_fixup_resident_range(const pvp_image *img, const pvp_instance *inst, uint64_t off, uint64_t *start,
                             uint64_t *end);
/* An instance's move list (PVP_FIX_MOVES): its record and list addresses,
 * entries it has room for and entries written (0: decode instead). */
typedef struct pvp_moves {
    uint64_t record, list;
    uint64_t capacity, count;
} pvp_moves;

/* Read and check the move list of an instance; all zero if it has none.
 * PVP_E_STALE if it was computed for another copy or canonical place. */
int pvp_moves_read(const pvp_image *img, const pvp_instance *inst, pvp_moves *out, pvp_error *err);
/* 1 if instance i finds its self-references by decoding
 * (PVP_INSTANCE_F_SCAN_SELF) and the code unit at `code` (len bytes, as in
 * its copy) loads an address inside the copy: *imm is that address. */
int pvp_scanned_self_load(const pvp_arch *arch, const pvp_instance *i, const uint8_t *code, size_t len,
                          uint64_t *imm);
/* The instance built in place in i's slot, other than i; NULL if none. */
const pvp_instance *pvp_instance_in_place(const pvp_instance *set, size_t count, const pvp_instance *i);
/* The instance to install in the slot at `canonical` for `mode`: the one of
 * that mode (the one already in place first), else the one in place, so
 * that its fixups get applied. An index into set, or count if the slot has
 * no instance. Head code and `pvpatch install --mode` choose with this. */
size_t pvp_instance_for_mode(const pvp_instance *set, size_t count, uint64_t canonical, uint32_t mode);

#define PVP_MAX_FORMS 16

/* What an install did. */
typedef struct pvp_install_report {
    uint64_t from, to, size;
    uint64_t units_copied;                  /* bundles on IA-64 */
    uint64_t retargeted[PVP_MAX_FORMS];     /* outside references, per arch form */
    uint64_t moved_inside;                  /* inside references that moved with the code */
    uint64_t data_bytes;                    /* bytes copied as data (DATA and PTR64 ranges) */
    uint64_t fixups[PVP_FIX_KINDS];         /* applied or checked, per PVP_FIX_* kind */
    uint64_t pc_reads;                      /* instructions reading PC without displacement */
    uint64_t self_scanned;                  /* unrecorded self-references re-based (SCAN_SELF) */
    uint64_t listed;                        /* blocks written from the move list (0: decoded) */
    uint64_t freeable_code;                 /* bytes of instance copies no longer needed */
    uint64_t freeable_meta;                 /* bytes of descriptors and fixup records */
    uint64_t resident_bytes;                /* bytes of the slot the instance in place keeps */
} pvp_install_report;

/* Everything an install needs from its caller. */
typedef struct pvp_install_req {
    const pvp_arch *arch;
    const pvp_instance *set;                /* every instance of the image */
    size_t count;
    size_t chosen;                          /* index into set */
    pvp_vtop_fn vtop;                       /* required when the instance has vtop fixups */
    void *vtop_ctx;
    pvp_flush_fn flush;                     /* may be NULL offline */
    void *flush_ctx;
    int decode;                             /* 1: decode the code even when it has a move list */
    void *work;                             /* optional: room for the blocks the plan changes, so
                                             * that the commit writes them without decoding again */
    size_t work_size;                       /* bytes; pvp_install_work_size serves any instance */
} pvp_install_req;

/* Bytes of work space in which the plan of an install by decoding keeps
 * every block of `inst` it changes (IA-64; other arches decode twice). */
size_t pvp_install_work_size(const pvp_instance *inst);

/* Check, plan and commit the install of req->set[req->chosen]. On any error
 * nothing in the image has been written. */
int pvp_install(const pvp_image *img, const pvp_install_req *req, pvp_install_report *report,
                pvp_error *err);

/* One disagreement found by the verifier. */
typedef struct pvp_mismatch {
    uint64_t addr;          /* installed address of the unit (or of the fixed word) */
    int sub;                /* slot, or -1 */
    const char *what;       /* "target", "instruction", "fixup", ... */
    uint64_t expected, actual;
} pvp_mismatch;

/* Verify an install independently of the installer: decode the original copy
 * in `orig` and the installed code in `inst`; every PC-relative target and
 * every fixup must agree. Returns PVP_OK or PVP_E_VERIFY with up to `max`
 * mismatches in out (the total in *count). */
int pvp_verify_install(const pvp_image *orig, const pvp_image *inst, const pvp_arch *arch,
                       const pvp_instance *instance, pvp_vtop_fn vtop, void *vtop_ctx,
                       pvp_mismatch *out, size_t max, size_t *count);
/* The same, knowing the image's instances (`set`, as read from `orig`):
 * the bytes the instance in place keeps (RESIDENT) must be unchanged and
 * the installed instance's own bytes there empty. */
int pvp_verify_install_set(const pvp_image *orig, const pvp_image *inst, const pvp_arch *arch,
                           const pvp_instance *set, size_t nset, const pvp_instance *instance, pvp_vtop_fn vtop,
                           void *vtop_ctx, pvp_mismatch *out, size_t max, size_t *count);

/* Find PC-relative references from code outside every instance (the
 * executable ranges of img) that an install would break: into an instance
 * copy that is not at its canonical place (freed after boot: "freed"), or
 * into a canonical slot elsewhere than its start or an entry every instance
 * of the slot declares ("entry": another instance's code lies there after an
 * install). PVP_OK or PVP_E_VERIFY with up to `max` mismatches (the total in
 * *count); `expected` is the target, `actual` the referring unit. */
int pvp_verify_references(const pvp_image *img, const pvp_arch *arch, const pvp_instance *set,
                          size_t nset, pvp_mismatch *out, size_t max, size_t *count);
/* PVP_OK if `target` may be referred to from code outside the instances:
 * PVP_E_FREED if it lies in a copy freed after boot, PVP_E_ENTRY if it lies
 * in a slot elsewhere than its start or an entry of every instance of it. */
int pvp_reference_ok(const pvp_image *img, const pvp_arch *arch, const pvp_instance *set, size_t nset,
                     uint64_t target);

#ifdef __cplusplus
}
#endif
#endif
