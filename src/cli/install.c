/* pvpatch install: do what boot does (copy the chosen instance over the
 * canonical one and fix it up) on an ELF image, and write a new image. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/instances.h"

static void print_text(FILE *out, const pvp_instance *i, const pvp_install_report *r)
{
    uint64_t total = 0;
    fprintf(out, "installed %s: 0x%llx -> 0x%llx (0x%llx bytes, %llu bundles copied)\n", i->name,
            (unsigned long long)r->from, (unsigned long long)r->to, (unsigned long long)r->size,
            (unsigned long long)r->units_copied);
    fprintf(out, "  outside references re-targeted:");
    for (unsigned f = 0; f < pvp_arch_ia64.nforms; f++)
        if (r->retargeted[f]) {
            fprintf(out, " %s %llu", pvp_arch_ia64.form_names[f], (unsigned long long)r->retargeted[f]);
            total += r->retargeted[f];
        }
    fprintf(out, "%s (total %llu)\n", total ? "" : " none", (unsigned long long)total);
    fprintf(out, "  inside references moved with the code: %llu\n", (unsigned long long)r->moved_inside);
    fprintf(out, "  fixups applied: vtop %llu, self %llu, ptr64 %llu\n",
            (unsigned long long)r->fixups[PVP_FIX_VTOP_MOVL], (unsigned long long)r->fixups[PVP_FIX_SELF_MOVL],
            (unsigned long long)r->fixups[PVP_FIX_PTR64]);
    if (r->pc_reads)
        fprintf(out, "  warning: %llu instruction(s) read ip without a displacement (mov r=ip)\n",
                (unsigned long long)r->pc_reads);
    fprintf(out, "  freeable after boot: %llu bytes of instance code, %llu bytes of records\n",
            (unsigned long long)r->freeable_code, (unsigned long long)r->freeable_meta);
}

static void print_json(FILE *out, const pvp_instance *i, const pvp_install_report *r)
{
    fputs("{\"instance\":", out);
    cli_json_string(out, i->name);
    fprintf(out, ",\"from\":\"0x%llx\",\"to\":\"0x%llx\",\"size\":%llu,\"bundles\":%llu,\"retargeted\":{",
            (unsigned long long)r->from, (unsigned long long)r->to, (unsigned long long)r->size,
            (unsigned long long)r->units_copied);
    for (unsigned f = 0, first = 1; f < pvp_arch_ia64.nforms; f++)
        if (r->retargeted[f]) {
            fprintf(out, "%s\"%s\":%llu", first ? "" : ",", pvp_arch_ia64.form_names[f],
                    (unsigned long long)r->retargeted[f]);
            first = 0;
        }
    fprintf(out, "},\"moved_inside\":%llu,\"fixups\":{\"vtop\":%llu,\"self\":%llu,\"ptr64\":%llu},"
                 "\"ip_reads\":%llu,\"freeable\":{\"code\":%llu,\"records\":%llu}}\n",
            (unsigned long long)r->moved_inside, (unsigned long long)r->fixups[PVP_FIX_VTOP_MOVL],
            (unsigned long long)r->fixups[PVP_FIX_SELF_MOVL], (unsigned long long)r->fixups[PVP_FIX_PTR64],
            (unsigned long long)r->pc_reads, (unsigned long long)r->freeable_code,
            (unsigned long long)r->freeable_meta);
}

static int run_install(const cli_command *self, int argc, char **argv)
{
    const char *instance = NULL, *outpath = NULL, *json = NULL, *image_path = NULL;
    const cli_option opts[] = {
        { "--instance", NULL, 1, &instance },
        { "--output", "-o", 1, &outpath },
        { "--json", NULL, 0, &json },
    };
    int rc = cli_parse_args(self, argc, argv, opts, 3, &image_path, 1);
    if (rc != CLI_PARSE_OK)
        return rc == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    if (!instance || !outpath)
        return cli_usage_error(self, "--instance and -o are required");

    char err[PVP_ERR_SIZE];
    cli_image img;
    if (cli_image_open(&img, image_path, err, sizeof err))
        return cli_fail(err);
    const pvp_instance *chosen = cli_image_instance(&img, instance, err, sizeof err);
    pvp_install_report rep;
    pvp_error e;
    int status = CLI_BAD_INPUT;
    if (chosen) {
        pvp_install_req req = { &pvp_arch_ia64, img.set, img.count, (size_t)(chosen - img.set),
                                cli_image_vtop, &img, NULL, NULL };
        if (pvp_install(pvp_file_image(img.file), &req, &rep, &e) != PVP_OK)
            cli_engine_error(err, sizeof err, image_path, &e);
        else if (pvp_file_write(img.file, outpath, err, sizeof err) == 0)
            status = CLI_OK;
    }
    if (status == CLI_OK)
        (json ? print_json : print_text)(stdout, chosen, &rep);
    else
        cli_fail(err);
    cli_image_close(&img);
    return status;
}

const cli_command cli_cmd_install = {
    "install",
    "copy an instance over its canonical slot and fix it up, as boot does",
    "usage: pvpatch install IMAGE --instance NAME -o OUT [--json]\n\n"
    "Copies instance NAME of the IA-64 ELF executable IMAGE over its canonical\n"
    "slot, re-targets every IP-relative reference that leaves it, applies its\n"
    "fixups (vtop through the image's program headers, absolute self-references,\n"
    "pointers) and writes the result to OUT (which may be IMAGE). Nothing is\n"
    "written when any check fails.\n\n"
    "Exit status: 0 installed, 2 bad input (one line: file, address, reason).\n",
    run_install,
};
