/* Classes of virtualization-sensitive instructions. Most follow from the
 * table row; application-register moves depend on which ar, so they are
 * refined by a small rule table. */
#include "formats.h"

static const char *const sensitive_names[PVP_IA64_SENS_COUNT] = {
    [PVP_IA64_SENS_NONE] = "none",
    [PVP_IA64_SENS_MOV_FROM_CR] = "mov from cr",
    [PVP_IA64_SENS_MOV_TO_CR] = "mov to cr",
    [PVP_IA64_SENS_MOV_FROM_PSR] = "mov from psr",
    [PVP_IA64_SENS_MOV_TO_PSR_L] = "mov to psr.l",
    [PVP_IA64_SENS_SSM] = "ssm",
    [PVP_IA64_SENS_RSM] = "rsm",
    [PVP_IA64_SENS_ITC_I] = "itc.i",
    [PVP_IA64_SENS_ITC_D] = "itc.d",
    [PVP_IA64_SENS_ITR] = "itr",
    [PVP_IA64_SENS_PTC_L] = "ptc.l",
    [PVP_IA64_SENS_PTC_G] = "ptc.g",
    [PVP_IA64_SENS_PTC_GA] = "ptc.ga",
    [PVP_IA64_SENS_PTC_E] = "ptc.e",
    [PVP_IA64_SENS_PTR] = "ptr",
    [PVP_IA64_SENS_THASH] = "thash",
    [PVP_IA64_SENS_TTAG] = "ttag",
    [PVP_IA64_SENS_TPA] = "tpa",
    [PVP_IA64_SENS_TAK] = "tak",
    [PVP_IA64_SENS_COVER] = "cover",
    [PVP_IA64_SENS_BSW_0] = "bsw.0",
    [PVP_IA64_SENS_BSW_1] = "bsw.1",
    [PVP_IA64_SENS_RFI] = "rfi",
    [PVP_IA64_SENS_FC] = "fc",
    [PVP_IA64_SENS_MOV_FROM_ITC] = "mov from ar.itc",
    [PVP_IA64_SENS_MOV_TO_ITC] = "mov to ar.itc",
    [PVP_IA64_SENS_MOV_EFLAG] = "mov ar.eflag",
    [PVP_IA64_SENS_MOV_TO_KR] = "mov to kr",
    [PVP_IA64_SENS_MOV_FROM_CPUID] = "mov from cpuid",
    [PVP_IA64_SENS_MOV_FROM_PMD] = "mov from pmd",
    [PVP_IA64_SENS_MOV_TO_IND] = "mov to rr/dbr/ibr/pkr/pmc/pmd",
    [PVP_IA64_SENS_MOV_FROM_IND] = "mov from rr/dbr/ibr/pkr/pmc",
    [PVP_IA64_SENS_AR] = "mov ar",
};

/* Which application-register moves are sensitive, by ar number and direction. */
static const struct ar_rule {
    uint8_t lo, hi;
    uint8_t on_read, on_write;
} ar_rules[] = {
    { 0, 7, PVP_IA64_SENS_NONE, PVP_IA64_SENS_MOV_TO_KR },      /* ar.k0-k7 */
    { 24, 24, PVP_IA64_SENS_MOV_EFLAG, PVP_IA64_SENS_MOV_EFLAG }, /* ar.eflag */
    { 44, 44, PVP_IA64_SENS_MOV_FROM_ITC, PVP_IA64_SENS_MOV_TO_ITC }, /* ar.itc */
};

pvp_ia64_sensitive pvp_ia64_sensitive_class(const pvp_ia64_insn *in)
{
    if (!in->op)
        return PVP_IA64_SENS_NONE;
    if (in->op->sensitive != PVP_IA64_SENS_AR)
        return (pvp_ia64_sensitive)in->op->sensitive;
    uint64_t ar = pvp_ia64_operand(in, 'A', NULL);
    int is_read = in->op->format == FMT_M31 || in->op->format == FMT_I28;
    for (size_t i = 0; i < sizeof(ar_rules) / sizeof(ar_rules[0]); i++)
        if (ar >= ar_rules[i].lo && ar <= ar_rules[i].hi)
            return (pvp_ia64_sensitive)(is_read ? ar_rules[i].on_read : ar_rules[i].on_write);
    return PVP_IA64_SENS_NONE;
}

const char *pvp_ia64_sensitive_name(unsigned cls)
{
    return cls < PVP_IA64_SENS_COUNT && sensitive_names[cls] ? sensitive_names[cls] : "?";
}

int pvp_ia64_reads_ip(const pvp_ia64_insn *in)
{
    return in->op && (in->op->flags & PVP_IA64_F_READS_IP);
}
