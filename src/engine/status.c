/* The message table for pvp_status. */
#include "pvpatch/status.h"

static const char *const messages[PVP_STATUS_COUNT] = {
    [PVP_OK] = "ok",
    [PVP_E_RESERVED_TEMPLATE] = "reserved bundle template",
    [PVP_E_BAD_TEMPLATE] = "no template has these units and stops",
    [PVP_E_BAD_SLOT] = "bad slot",
    [PVP_E_NOT_IPREL] = "no IP-relative operand there",
    [PVP_E_MISALIGNED] = "address not 16-byte aligned",
    [PVP_E_OUT_OF_RANGE] = "value out of range of its field",
    [PVP_E_NOT_MOVL] = "not a movl",
    [PVP_E_BAD_UNIT] = "instruction does not fit the slot's unit",
    [PVP_E_BAD_REGISTER] = "register number out of range",
    [PVP_E_TRUNCATED] = "truncated input",
    [PVP_E_BAD_FORMAT] = "bad table format (magic, version or layout)",
    [PVP_E_OVERLAP] = "overlapping ranges",
    [PVP_E_OUTSIDE_IMAGE] = "address outside the image",
    [PVP_E_SIZE_MISMATCH] = "instance size differs from its canonical slot",
    [PVP_E_NO_SPACE] = "buffer too small",
    [PVP_E_UNKNOWN_OP] = "unknown operation",
    [PVP_E_VERIFY] = "verification mismatch",
    [PVP_E_UNSUPPORTED] = "unsupported",
    [PVP_E_ALREADY_DONE] = "instance already installed",
    [PVP_E_TRANSLATE] = "address has no translation",
    [PVP_E_STALE] = "code does not match its record",
    [PVP_E_NO_FIT] = "no form fits the site",
    [PVP_E_NOT_INSTALLED] = "instance never installed: its fixups are not applied",
    [PVP_E_ENTRY] = "reference into a slot is not a declared entry",
    [PVP_E_FREED] = "reference into code that is freed after boot",
};

const char *pvp_strerror(int status)
{
    if (status < 0 || status >= PVP_STATUS_COUNT || !messages[status])
        return "unknown error";
    return messages[status];
}
