/* Boot-time patching of pv operation sites: every site gets the best form
 * of its operation for the chosen mode that fits it (A inline, B direct
 * branch to the mode's stub, C indirect call through the live ops table).
 * Freestanding; no allocation. */
#ifndef PVPATCH_PATCH_H
#define PVPATCH_PATCH_H

#include <stddef.h>
#include <stdint.h>
#include "pvpatch/install.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A site record, read from the image. */
typedef struct pvp_site {
    uint64_t record;           /* address of the record */
    uint64_t addr, end;        /* the code, as built */
    uint16_t op;               /* operation id */
    uint8_t form, mode;        /* as built (mode 0 for C) */
    uint8_t qp;
    uint8_t regs[PVP_SITE_NREGS];   /* result, value 1, value 2, clobber 1, clobber 2, clobber 3 */
    uint8_t pclob;                  /* predicate the code may clobber, 0 for none */
    uint8_t cur_form, cur_mode;     /* what the site holds now (0: as built) */
    uint8_t phys;                   /* 1: its code runs with data translation off (PVP_SITE_PHYS) */
    uint64_t ool, ool_end;          /* a split site's out-of-line part, as built; 0, 0 for one piece
                                     * (end is then the end of the part at addr) */
} pvp_site;

/* A mode record, read from the image. */
typedef struct pvp_mode {
    uint64_t record;
    uint32_t id;
    uint32_t nops;             /* entries of the ops tables */
    char name[PVP_MODE_NAMELEN + 1];
    uint64_t ops;              /* the mode's table of stub addresses */
    uint64_t live;             /* the table C sites call through, 0 if none */
    uint64_t tmpl, tmpl_end;   /* template entries */
} pvp_mode;

/* A template entry, read from the image. */
typedef struct pvp_template {
    uint64_t record;
    uint64_t code, end;
    uint16_t op;
    uint8_t form;
    uint8_t nkept;             /* the lowest nkept of keeps are saved in clobbers 1.. and restored */
    uint32_t keeps;            /* r0-r31 the code writes beyond the site's operands (B, C: the
                                * call's registers) */
    const uint8_t *bytes;      /* the code, in the image it was found in */
} pvp_template;

/* Number of site records in a table of `size` bytes. */
size_t pvp_site_count(uint64_t size);
/* Read and check site record i of the table at `table`. */
int pvp_site_read(const pvp_image *img, const pvp_arch *arch, uint64_t table, size_t i,
                  pvp_site *out, pvp_error *err);
/* A site table, its host bytes looked up once for a walk over it (bytes
 * NULL when the table does not lie in one range of the image: then each
 * record is looked up as pvp_site_read does). */
typedef struct pvp_site_table {
    const pvp_image *img;
    const pvp_arch *arch;
    uint64_t addr;
    size_t count;
    uint8_t *bytes;
} pvp_site_table;
/* The table of `size` bytes at addr, for pvp_site_get. */
pvp_site_table pvp_site_table_of(const pvp_image *img, const pvp_arch *arch, uint64_t addr, uint64_t size);
/* Record i of a table, read and checked as pvp_site_read reads and checks it. */
int pvp_site_get(const pvp_site_table *t, size_t i, pvp_site *out, pvp_error *err);
/* Read every mode record of the table at [addr, addr+size). */
int pvp_modes_read(const pvp_image *img, uint64_t addr, uint64_t size, pvp_mode *out, size_t max,
                   size_t *count, pvp_error *err);
/* The template of (op, form) of a mode; PVP_E_UNKNOWN_OP if it has none. */
int pvp_template_find(const pvp_image *img, const pvp_mode *mode, unsigned op, unsigned form,
                      pvp_template *out, pvp_error *err);
/* A mode's template table, its host bytes looked up once for many lookups
 * (bytes NULL when it is not in the image: every lookup then fails). */
typedef struct pvp_template_table {
    const pvp_image *img;
    const pvp_mode *mode;
    const uint8_t *bytes;
} pvp_template_table;
/* The template table of a mode, for pvp_template_get. */
pvp_template_table pvp_template_table_of(const pvp_image *img, const pvp_mode *mode);
/* pvp_template_find in a table looked up before. */
int pvp_template_get(const pvp_template_table *t, unsigned op, unsigned form, pvp_template *out, pvp_error *err);
/* Is the site a block's body of another mode than `mode`? Its bundle at
 * addr is the block's, which the body of the running mode has: the record
 * is left alone and its code unchanged. */
int pvp_site_idle(const pvp_site *s, uint32_t mode);
/* A form's letter: "A", "B", "C", "body" for a block's body ("?" otherwise). */
const char *pvp_form_name(unsigned form);

/* Where the code of a site is now. Sites inside an instance copy live at
 * the canonical place once that instance is installed; the sites of an
 * instance that is not (or no longer) at its canonical place are dead.
 * Returns 1 and sets *at for a live site, 0 for a dead one. */
int pvp_site_live(const pvp_site *s, const pvp_instance *set, size_t count, uint64_t *at);
/* Where the out-of-line part of a split site whose part at addr is live at
 * `at` is now: it moves with it. PVP_E_OUTSIDE_IMAGE if the two parts do
 * not lie in one instance (or both outside every instance): an install
 * would move one without the other. */
int pvp_site_ool_at(const pvp_site *s, const pvp_instance *set, size_t count, uint64_t at, uint64_t *ool_at);

/* Was the site built as a call (C, or B in one piece)? Its code gives up
 * the call registers then, so any form may write them there; a split
 * site built as B holds its mode's code out of line, no call. */
int pvp_site_built_as_call(const pvp_site *s);

/* The registers a call (forms B and C) of operation op gives up in `mode`:
 * the arch's, and those the mode's call templates name (the build's
 * PVP_CALL_REGS on IA-64: a call template's keeps are its registers). */
void pvp_call_registers(const pvp_image *img, const pvp_arch *arch, const pvp_mode *mode, unsigned op, uint64_t gr[2]);
/* pvp_call_registers in a template table looked up before. */
void pvp_template_call_registers(const pvp_template_table *t, const pvp_arch *arch, unsigned op, uint64_t gr[2]);

/* How the patcher chooses a form. */
typedef enum pvp_policy {
    PVP_POLICY_BEST = 0,       /* A where it fits, else B, else C */
    PVP_POLICY_DIRECT,         /* B where the site allows it (never inline), else A */
    PVP_POLICY_KEEP,           /* the form each site was built in, for the new mode */
} pvp_policy;

/* What happened to one site. */
typedef struct pvp_site_result {
    uint64_t record, at;       /* the record, where the code is */
    uint16_t op;
    uint8_t from_form, from_mode;   /* what it held */
    uint8_t to_form;                /* what it holds now; 0 for a dead site */
    uint64_t filler;           /* bytes of nops (and skip branch) */
    int skip;                  /* the filler starts with a branch over it */
    const char *why_not_a;     /* why it is not inline, or NULL */
    int why_reg;               /* register concerned, or -1 */
    const char *why_not_b;     /* for a site left as C: why it is not a direct branch */
} pvp_site_result;

/* What a patch did. */
typedef struct pvp_patch_report {
    uint64_t sites, dead;
    uint64_t to_form[4];       /* live sites per form now, by PVP_FORM_* */
    uint64_t changed;          /* sites whose bytes changed */
    uint64_t filler_bytes, skips;
    uint64_t live_entries;     /* ops table entries written */
    uint64_t freeable;         /* bytes of templates and records no longer needed */
    uint64_t idle;             /* block bodies of other modes, left as they are */
} pvp_patch_report;

/* Everything a patch needs from its caller. */
typedef struct pvp_patch_req {
    const pvp_arch *arch;
    const pvp_instance *set;   /* the image's instances, for site liveness */
    size_t count;
    uint64_t sites, sites_size;    /* the site table */
    const pvp_mode *modes;     /* the image's modes */
    size_t nmodes;
    uint32_t mode;             /* the mode to patch to */
    int policy;                /* pvp_policy */
    pvp_site_result *results;  /* optional: one per site record */
    size_t max_results;
    pvp_flush_fn flush;        /* may be NULL offline */
    void *flush_ctx;
    void *work;                /* work space: pvp_patch_work_size(sites) bytes, 8-byte aligned */
    size_t work_size;
    void *cache;               /* optional, 8-byte aligned: the arch keeps templates it has read and
                                * laid out there (arch->site_cache_size bytes serve well); NULL: none */
    size_t cache_size;
    pvp_vtop_fn vtop;          /* for sites that run with data translation off (PVP_SITE_PHYS):
                                * the data addresses their code loads are physical; may be NULL
                                * when there are none */
    void *vtop_ctx;
} pvp_patch_req;

/* Bytes of work space a patch or a verification of a table of `nsites`
 * site records needs (32 per record): the live sites' extents (a split
 * site has two), sorted, so
 * that both stay linear in the number of sites. Head code can use
 * __pvpatch_work (pvpatch.lds reserves it); a host mallocs it. */
size_t pvp_patch_work_size(size_t nsites);

/* Check, plan and commit: every live site gets its form for req->mode and
 * the live ops table the mode's stubs. On any error nothing in the image
 * has been written (PVP_E_NO_SPACE without enough work space). Patching twice to one mode changes nothing the second
 * time; patching to another mode starts from each site's form as built. */
int pvp_patch(const pvp_image *img, const pvp_patch_req *req, pvp_patch_report *report,
              pvp_error *err);

/* Verify a patch independently of the patcher: every byte that differs
 * between `orig` and `now` lies in a live site, the live ops table or a
 * site record's state; every live site decodes, writes only registers it
 * allows, reaches only the mode's stub for its operation or its own end,
 * and the live table holds the mode's stubs. PVP_OK or PVP_E_VERIFY with up
 * to `max` mismatches (the total in *count). */
int pvp_verify_patch(const pvp_image *orig, const pvp_image *now, const pvp_patch_req *req,
                     pvp_mismatch *out, size_t max, size_t *count);

#ifdef __cplusplus
}
#endif
#endif
