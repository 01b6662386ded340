/* pvpatch sites: list the instances of an image and their fixup lists. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/instances.h"

/* The value a fixup currently holds: the load immediate or the pointer word. */
static int fixup_value(const cli_image *ci, const pvp_fixup *f, uint64_t *v)
{
    const pvp_image *img = pvp_file_image(ci->file);
    const pvp_arch *arch = ci->t->arch;
    if (f->kind == PVP_FIX_DATA || f->kind == PVP_FIX_ENTRY || f->kind == PVP_FIX_RESIDENT ||
        f->kind == PVP_FIX_MOVES)
        return PVP_E_UNKNOWN_OP;           /* they name places, not values */
    if (f->kind == PVP_FIX_PTR64)
        return pvp_image_read_le(img, f->where, 8, v);
    if (f->kind == PVP_FIX_REL32) {        /* the address the word reaches */
        int rc = pvp_image_read_le(img, f->where, 4, v);
        *v = f->where + (uint64_t)(int64_t)(int32_t)(uint32_t)*v;
        return rc;
    }
    unsigned align = arch->code_align, sub = (unsigned)(f->where % align);
    const uint8_t *b = pvp_image_at(img, f->where - sub, align);
    return b ? arch->load_imm_get(b, align, sub, v) : PVP_E_OUTSIDE_IMAGE;
}

/* A canonical instance whose slot now holds another, installed, instance. */
static int replaced(const cli_image *img, const pvp_instance *i)
{
    for (size_t k = 0; k < img->count; k++)
        if (&img->set[k] != i && img->set[k].canonical == i->copy &&
            (img->set[k].flags & PVP_INSTANCE_F_INSTALLED))
            return 1;
    return 0;
}

static void print_instance(const cli_image *ci, const pvp_instance *i, int json, int first)
{
    const pvp_image *img = pvp_file_image(ci->file);
    char mbuf[16];
    const char *mode = cli_mode_name(ci, i->mode, mbuf, sizeof mbuf);
    size_t n = pvp_fixup_count(i);
    if (json) {
        printf("%s{\"name\":", first ? "" : ",");
        cli_json_string(stdout, i->name);
        printf(",\"mode\":\"%s\",\"copy\":\"0x%llx\",\"canonical\":\"0x%llx\",\"size\":%llu,\"slot_size\":%llu,"
               "\"installed\":%s,\"replaced\":%s,\"fixups\":[", mode, (unsigned long long)i->copy,
               (unsigned long long)i->canonical, (unsigned long long)i->size, (unsigned long long)i->slot_size,
               i->flags & PVP_INSTANCE_F_INSTALLED ? "true" : "false", replaced(ci, i) ? "true" : "false");
    } else {
        printf("instance %s (%s): copy 0x%llx, canonical 0x%llx, 0x%llx bytes (slot 0x%llx)%s%s%s, %zu fixup(s)\n",
               i->name, mode, (unsigned long long)i->copy, (unsigned long long)i->canonical,
               (unsigned long long)i->size, (unsigned long long)i->slot_size,
               i->copy == i->canonical ? ", canonical" : "",
               i->flags & PVP_INSTANCE_F_INSTALLED ? ", installed" : "",
               replaced(ci, i) ? ", replaced by an installed instance" : "", n);
    }
    for (size_t k = 0; k < n; k++) {
        pvp_fixup f;
        uint64_t v = 0;
        int ok = pvp_fixup_read(img, i, k, &f, NULL) == PVP_OK;
        int hv = ok && fixup_value(ci, &f, &v) == PVP_OK;
        char value[32] = "null";
        if (hv)
            snprintf(value, sizeof value, json ? "\"0x%llx\"" : "0x%llx", (unsigned long long)v);
        if (json)
            printf("%s{\"kind\":\"%s\",\"where\":\"0x%llx\",\"value\":%s}", k ? "," : "",
                   ok ? pvp_fixup_kind_name(f.kind) : "?", (unsigned long long)f.where, value);
        else if (!ok)
            printf("  ?     record 0x%llx: unreadable\n", (unsigned long long)f.record);
        else if (f.kind == PVP_FIX_DATA)
            printf("  data  at 0x%llx, %u bytes\n", (unsigned long long)f.where, f.length);
        else if (f.kind == PVP_FIX_MOVES)
            printf("  moves at 0x%llx, %u bytes (the move list pvpatch moves writes)\n", (unsigned long long)f.where,
                   f.length);
        else if (f.kind == PVP_FIX_RESIDENT)
            printf("  resident at 0x%llx, %u bytes (stay in the slot whatever is installed)\n",
                   (unsigned long long)f.where, f.length);
        else if (f.kind == PVP_FIX_REL32 && hv)
            printf("  rel32 at 0x%llx reaches %s\n", (unsigned long long)f.where, value);
        else if (f.kind == PVP_FIX_ENTRY)
            printf("  entry at 0x%llx\n", (unsigned long long)f.where);
        else if (!hv)
            printf("  %-5s at 0x%llx (value unreadable)\n", pvp_fixup_kind_name(f.kind), (unsigned long long)f.where);
        else
            printf("  %-5s at 0x%llx holds %s\n", pvp_fixup_kind_name(f.kind), (unsigned long long)f.where, value);
    }
    if (json)
        printf("]}");
}

static void print_site(const cli_image *ci, size_t k, int json)
{
    char name[PVP_NAME_LEN + 1];
    const pvp_image *img = pvp_file_image(ci->file);
    pvp_site s;
    uint64_t at;
    if (pvp_site_read(img, ci->t->arch, ci->sites, k, &s, NULL) != PVP_OK) {
        if (json)
            printf("%snull", k ? "," : "");
        else
            printf("site record %zu at 0x%llx: unreadable\n", k, (unsigned long long)(ci->sites + k * PVP_SITE_RECSIZE));
        return;
    }
    int live = pvp_site_live(&s, ci->set, ci->count, &at);
    if (!live)
        at = s.addr;                       /* its code is still where it was built, freed after boot */
    char mbuf[16], quoted[40] = "null";
    const char *op = cli_op_name(ci, s.op, name, sizeof name);
    unsigned long long extent = (s.end - s.addr) / ci->t->extent_size;
    unsigned long long ool = (s.ool_end - s.ool) / ci->t->extent_size;
    unsigned form = s.cur_form ? s.cur_form : s.form, mode = s.cur_form ? s.cur_mode : s.mode;
    static const char *const role[PVP_SITE_NREGS] = { "result", "value", "value2", "clobber", "clobber2", "clobber3" };
    const char *mname = cli_mode_name(ci, mode, mbuf, sizeof mbuf);
    if (mode)
        snprintf(quoted, sizeof quoted, "\"%s\"", mname);
    if (json) {
        printf("%s{\"at\":\"0x%llx\",\"built_at\":\"0x%llx\",\"live\":%s,\"op\":\"%s\",\"form\":\"%s\",\"mode\":%s,"
               "\"built_form\":\"%s\",\"%s\":%llu,\"out_of_line\":%llu,\"phys\":%s,\"qp\":%u,\"registers\":{",
               k ? "," : "", (unsigned long long)at, (unsigned long long)s.addr, live ? "true" : "false",
               op, pvp_form_name(form), quoted, pvp_form_name(s.form), ci->t->extent_key, extent, ool,
               s.phys ? "true" : "false", s.qp);
        for (unsigned r = 0, first = 1; r < PVP_SITE_NREGS; r++)
            if (s.regs[r]) {
                printf("%s\"%s\":\"r%u\"", first ? "" : ",", role[r], s.regs[r]);
                first = 0;
            }
        printf("}}");
        return;
    }
    printf("site 0x%llx %-12s form %s%s%s, %llu %s%s", (unsigned long long)at, op, pvp_form_name(form),
           mode ? "/" : "", mode ? mname : "", extent, ci->t->extent_name, live ? "" : " (dead)");
    if (s.ool)
        printf(" + %llu out of line at 0x%llx", ool, (unsigned long long)(s.ool + (at - s.addr)));
    if (s.phys)
        printf(", data translation off");
    if (s.cur_form)
        printf(", built %s", pvp_form_name(s.form));
    if (s.qp)
        printf(", (p%u)", s.qp);
    for (unsigned r = 0; r < PVP_SITE_NREGS; r++)
        if (s.regs[r])
            printf(", %s r%u", role[r], s.regs[r]);
    if (s.pclob)
        printf(", predicate clobber p%u", s.pclob);
    printf("\n");
}

static int run_sites(const cli_command *self, int argc, char **argv)
{
    const char *json = NULL, *path = NULL;
    const cli_option opts[] = { { "--json", NULL, 0, &json } };
    int rc = cli_parse_args(self, argc, argv, opts, 1, &path, 1);
    if (rc != CLI_PARSE_OK)
        return rc == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    char err[PVP_ERR_SIZE];
    cli_image img;
    if (cli_image_open(&img, path, err, sizeof err))
        return cli_fail(err);
    if (json)
        printf("{\"instances\":[");
    for (size_t k = 0; k < img.count; k++)
        print_instance(&img, &img.set[k], json != NULL, k == 0);
    if (json)
        printf("],\"sites\":[");
    for (size_t k = 0; k < pvp_site_count(img.sites_size); k++)
        print_site(&img, k, json != NULL);
    if (json)
        printf("]}\n");
    cli_image_close(&img);
    return CLI_OK;
}

const cli_command cli_cmd_sites = {
    "sites",
    "list the instances of an image, their fixup lists and the pv operation sites",
    "usage: pvpatch sites IMAGE [--json]\n\n"
    "Lists every instance descriptor of the IA-64 or x86-64 ELF executable IMAGE\n"
    "(name, mode,\n"
    "where its copy is, its canonical slot, sizes, whether it was installed) and\n"
    "its fixup records with the value each currently holds, then every pv operation\n"
    "site: where its code is now, operation, form (and mode) it holds, extent (in\n"
    "bundles on IA-64, bytes on x86-64), its registers, and whether it is dead (in\n"
    "an instance that is not at its canonical place).\n\n"
    "Exit status: 0 ok, 2 bad input.\n",
    run_sites,
};
