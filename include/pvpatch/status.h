/* pvpatch status codes: one enum and one message table for the whole engine.
 * Freestanding: stdint.h only. */
#ifndef PVPATCH_STATUS_H
#define PVPATCH_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible engine call returns one of these; PVP_OK is zero. */
typedef enum pvp_status {
    PVP_OK = 0,
    PVP_E_RESERVED_TEMPLATE,   /* bundle template is one of the reserved values */
    PVP_E_BAD_TEMPLATE,        /* no template has these units and stops */
    PVP_E_BAD_SLOT,            /* slot index out of range, or slot is the L half of MLX */
    PVP_E_NOT_IPREL,           /* the instruction has no IP-relative operand of that kind */
    PVP_E_MISALIGNED,          /* target or address not 16-byte aligned */
    PVP_E_OUT_OF_RANGE,        /* value does not fit its field; never wrapped */
    PVP_E_NOT_MOVL,            /* the slot is not a movl (X2) */
    PVP_E_BAD_UNIT,            /* instruction cannot go in that unit */
    PVP_E_BAD_REGISTER,        /* register number out of range */
    PVP_E_TRUNCATED,           /* input shorter than needed */
    PVP_E_BAD_FORMAT,          /* table magic, version or layout wrong */
    PVP_E_OVERLAP,             /* two ranges overlap that must not */
    PVP_E_OUTSIDE_IMAGE,       /* address not inside the image */
    PVP_E_SIZE_MISMATCH,       /* instance size differs from its canonical slot */
    PVP_E_NO_SPACE,            /* caller-provided buffer too small */
    PVP_E_UNKNOWN_OP,          /* unknown operation or record kind */
    PVP_E_VERIFY,              /* independent verification found a mismatch */
    PVP_E_UNSUPPORTED,         /* valid input this build cannot handle */
    PVP_E_ALREADY_DONE,        /* the instance was installed already */
    PVP_E_TRANSLATE,           /* the caller's address translation refused an address */
    PVP_E_STALE,               /* code at a site is not what its record says */
    PVP_E_NO_FIT,              /* no form of the operation fits the site */
    PVP_E_NOT_INSTALLED,       /* an instance in place was never installed: its fixups are not applied */
    PVP_E_ENTRY,               /* a reference into a slot that is not one of its declared entries */
    PVP_E_FREED,               /* a reference into an instance copy that is freed after boot */
    PVP_STATUS_COUNT
} pvp_status;

/* A short, lower-case, human-readable reason for a status code. */
const char *pvp_strerror(int status);

#ifdef __cplusplus
}
#endif
#endif
