/* pvpatch verify: check an installed image against its original, with the
 * engine's independent verifier, and show a readable diff of any mismatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/instances.h"
#include "pvpatch/ia64.h"

#define MAX_SHOWN 64

/* One bundle's text, for the diff. */
static void show_bundle(FILE *out, const char *label, const pvp_image *img, uint64_t addr)
{
    uint64_t bundle = addr - addr % PVP_IA64_BUNDLE_SIZE;
    const uint8_t *bytes = pvp_image_at(img, bundle, PVP_IA64_BUNDLE_SIZE);
    disasm_bundle b;
    if (!bytes || disasm_decode(bytes, bundle, &b) != 0) {
        fprintf(out, "    %s: (not decodable)\n", label);
        return;
    }
    fprintf(out, "    %s 0x%llx [%s]", label, (unsigned long long)b.addr, b.tmpl_name);
    for (unsigned s = 0; s < b.nslots; s++)
        fprintf(out, "%s %s%s", s ? " |" : "", b.slot[s].text, b.slot[s].stop ? " ;;" : "");
    fputc('\n', out);
}

static int run_verify(const cli_command *self, int argc, char **argv)
{
    const char *instance = NULL, *json = NULL, *paths[2];
    const cli_option opts[] = {
        { "--instance", NULL, 1, &instance },
        { "--json", NULL, 0, &json },
    };
    int rc = cli_parse_args(self, argc, argv, opts, 2, paths, 2);
    if (rc != CLI_PARSE_OK)
        return rc == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    if (!instance)
        return cli_usage_error(self, "--instance is required");

    char err[PVP_ERR_SIZE];
    cli_image orig, inst;
    if (cli_image_open(&orig, paths[0], err, sizeof err))
        return cli_fail(err);
    if (cli_image_open(&inst, paths[1], err, sizeof err)) {
        cli_image_close(&orig);
        return cli_fail(err);
    }
    const pvp_instance *in = cli_image_instance(&orig, instance, err, sizeof err);
    int status = CLI_BAD_INPUT;
    if (in) {
        pvp_mismatch mm[MAX_SHOWN];
        size_t n;
        rc = pvp_verify_install(pvp_file_image(orig.file), pvp_file_image(inst.file), &pvp_arch_ia64, in,
                                cli_image_vtop, &orig, mm, MAX_SHOWN, &n);
        status = rc == PVP_OK ? CLI_OK : CLI_FINDINGS;
        if (json) {
            printf("{\"instance\":");
            cli_json_string(stdout, in->name);
            printf(",\"ok\":%s,\"mismatches\":[", n ? "false" : "true");
            for (size_t k = 0; k < n && k < MAX_SHOWN; k++)
                printf("%s{\"addr\":\"0x%llx\",\"slot\":%d,\"what\":\"%s\",\"expected\":\"0x%llx\",\"actual\":\"0x%llx\"}",
                       k ? "," : "", (unsigned long long)mm[k].addr, mm[k].sub, mm[k].what,
                       (unsigned long long)mm[k].expected, (unsigned long long)mm[k].actual);
            printf("],\"total\":%zu}\n", n);
        } else if (n == 0) {
            printf("verified %s: 0x%llx bytes at 0x%llx agree with the original copy at 0x%llx\n", in->name,
                   (unsigned long long)in->size, (unsigned long long)in->canonical, (unsigned long long)in->copy);
        } else {
            printf("%s: %zu mismatch(es) between %s and %s\n", in->name, n, paths[0], paths[1]);
            for (size_t k = 0; k < n && k < MAX_SHOWN; k++) {
                printf("  0x%llx slot %d: %s: expected 0x%llx, found 0x%llx\n", (unsigned long long)mm[k].addr,
                       mm[k].sub, mm[k].what, (unsigned long long)mm[k].expected,
                       (unsigned long long)mm[k].actual);
                uint64_t from = mm[k].addr - in->canonical + in->copy;
                if (mm[k].addr - in->canonical < in->size) {
                    show_bundle(stdout, "- original ", pvp_file_image(orig.file), from);
                    show_bundle(stdout, "+ installed", pvp_file_image(inst.file), mm[k].addr);
                }
            }
        }
    } else {
        cli_fail(err);
    }
    cli_image_close(&orig);
    cli_image_close(&inst);
    return status;
}

const cli_command cli_cmd_verify = {
    "verify",
    "check an installed image against the original, independently of install",
    "usage: pvpatch verify ORIGINAL INSTALLED --instance NAME [--json]\n\n"
    "Decodes instance NAME as a copy in ORIGINAL and as installed at its canonical\n"
    "address in INSTALLED: every IP-relative target must agree (outside the\n"
    "instance the same address, inside the same offset), every other bit must be\n"
    "equal and every fixup must hold. Prints a diff of each mismatch.\n\n"
    "Exit status: 0 verified, 1 mismatches found, 2 bad input.\n",
    run_verify,
};
