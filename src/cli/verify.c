/* pvpatch verify: check an installed image against its original, with the
 * engine's independent verifier, and show a readable diff of any mismatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/instances.h"

#define MAX_SHOWN 64

/* One code unit's text, for the diff. */
static void show_unit(FILE *out, const char *label, const cli_image *ci, uint64_t addr)
{
    const pvp_image *img = pvp_file_image(ci->file);
    uint64_t unit = ci->t->unit_of(addr);
    const pvp_range *r = pvp_image_range(img, unit);
    const uint8_t *bytes = r ? pvp_image_at(img, unit, 1) : NULL;
    char text[600];
    ci->t->unit_text(bytes, bytes ? (size_t)(r->addr + r->size - unit) : 0, unit, text, sizeof text);
    fprintf(out, "    %s%s%s\n", label, strncmp(text, "(not", 4) ? " " : ": ", text);
}

/* One mismatch as a line, and the bundles concerned when it lies in the instance. */
static void print_mismatch(const pvp_mismatch *m, const pvp_instance *in, const cli_image *orig,
                           const cli_image *inst)
{
    printf("  0x%llx", (unsigned long long)m->addr);
    if (m->sub >= 0)
        printf(" slot %d", m->sub);
    if (strcmp(m->what, "freed") == 0)
        printf(": branches to 0x%llx, in an instance copy that is freed after boot\n",
               (unsigned long long)m->expected);
    else if (strcmp(m->what, "entry") == 0)
        printf(": branches to 0x%llx, inside a slot the install fills, not at a declared entry (PVP_ENTRY)\n",
               (unsigned long long)m->expected);
    else if (m->expected != m->actual)
        printf(": %s: expected 0x%llx, found 0x%llx\n", m->what, (unsigned long long)m->expected,
               (unsigned long long)m->actual);
    else
        printf(": %s differs\n", m->what);
    if (m->addr - in->canonical < in->size) {
        show_unit(stdout, "- original ", orig, m->addr - in->canonical + in->copy);
        show_unit(stdout, "+ installed", inst, m->addr);
    }
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
        size_t n, nrefs;
        rc = pvp_verify_install_set(pvp_file_image(orig.file), pvp_file_image(inst.file), orig.t->arch, orig.set,
                                    orig.count, in, cli_image_vtop, &orig, mm, MAX_SHOWN, &n);
        size_t shown = n < MAX_SHOWN ? n : MAX_SHOWN;
        /* Code outside the instances that the install leaves pointing at the wrong code. */
        pvp_verify_references(pvp_file_image(orig.file), orig.t->arch, orig.set, orig.count, mm + shown,
                              MAX_SHOWN - shown, &nrefs);
        n += nrefs;
        shown = n < MAX_SHOWN ? n : MAX_SHOWN;
        status = n ? CLI_FINDINGS : CLI_OK;
        if (json) {
            printf("{\"instance\":");
            cli_json_string(stdout, in->name);
            printf(",\"ok\":%s,\"mismatches\":[", n ? "false" : "true");
            for (size_t k = 0; k < shown; k++) {
                printf("%s{\"addr\":\"0x%llx\",\"slot\":", k ? "," : "", (unsigned long long)mm[k].addr);
                mm[k].sub >= 0 ? printf("%d", mm[k].sub) : printf("null");
                printf(",\"what\":\"%s\",\"expected\":\"0x%llx\",\"actual\":\"0x%llx\"}", mm[k].what,
                       (unsigned long long)mm[k].expected, (unsigned long long)mm[k].actual);
            }
            printf("],\"total\":%zu}\n", n);
        } else if (n == 0) {
            printf("verified %s: 0x%llx bytes at 0x%llx agree with the original copy at 0x%llx\n", in->name,
                   (unsigned long long)in->size, (unsigned long long)in->canonical, (unsigned long long)in->copy);
        } else {
            printf("%s: %zu mismatch(es) between %s and %s\n", in->name, n, paths[0], paths[1]);
            for (size_t k = 0; k < shown; k++)
                print_mismatch(&mm[k], in, &orig, &inst);
        }    } else {
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
    "equal and every fixup must hold. Code outside the instances must not branch\n"
    "into a copy freed after boot, nor into a slot elsewhere than its start or a\n"
    "declared entry. Prints a diff of each mismatch.\n\n"
    "Exit status: 0 verified, 1 mismatches found, 2 bad input.\n",
    run_verify,
};
