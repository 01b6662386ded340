/* pvpatch install: do what boot does (copy the chosen instance over the
 * canonical one and fix it up) on an ELF image, and write a new image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/dynrel.h"
#include "cli/instances.h"

static void print_text(FILE *out, const cli_target *t, const pvp_instance *i, const pvp_install_report *r)
{
    uint64_t total = 0;
    fprintf(out, "installed %s: 0x%llx -> 0x%llx (0x%llx bytes, %llu %ss copied)\n", i->name,
            (unsigned long long)r->from, (unsigned long long)r->to, (unsigned long long)r->size,
            (unsigned long long)r->units_copied, t->units);
    fprintf(out, "  outside references re-targeted:");
    for (unsigned f = 0; f < t->arch->nforms; f++)
        if (r->retargeted[f]) {
            fprintf(out, " %s %llu", t->arch->form_names[f], (unsigned long long)r->retargeted[f]);
            total += r->retargeted[f];
        }
    fprintf(out, "%s (total %llu)\n", total ? "" : " none", (unsigned long long)total);
    fprintf(out, "  inside references moved with the code: %llu\n", (unsigned long long)r->moved_inside);
    fprintf(out, "  fixups applied: vtop %llu, self %llu, ptr64 %llu\n",
            (unsigned long long)r->fixups[PVP_FIX_VTOP_MOVL], (unsigned long long)r->fixups[PVP_FIX_SELF_MOVL],
            (unsigned long long)r->fixups[PVP_FIX_PTR64]);
    if (r->listed)
        fprintf(out, "  code blocks written from the move list: %llu (nothing decoded)\n", (unsigned long long)r->listed);
    if (r->self_scanned)
        fprintf(out, "  self-references found by decoding and re-based: %llu\n", (unsigned long long)r->self_scanned);
    if (r->fixups[PVP_FIX_REL32])
        fprintf(out, "  self-relative words re-based: rel32 %llu\n", (unsigned long long)r->fixups[PVP_FIX_REL32]);
    if (r->data_bytes || r->fixups[PVP_FIX_ENTRY])
        fprintf(out, "  copied as data: %llu bytes; entries declared: %llu\n", (unsigned long long)r->data_bytes,
                (unsigned long long)r->fixups[PVP_FIX_ENTRY]);
    if (r->resident_bytes)
        fprintf(out, "  kept in the slot (resident code of the instance in place): %llu bytes\n",
                (unsigned long long)r->resident_bytes);
    if (r->pc_reads)
        fprintf(out, "  warning: %llu instruction(s) read ip without a displacement (mov r=ip)\n",
                (unsigned long long)r->pc_reads);
    fprintf(out, "  freeable after boot: %llu bytes of instance code, %llu bytes of records\n",
            (unsigned long long)r->freeable_code, (unsigned long long)r->freeable_meta);
}

static void print_json(FILE *out, const cli_target *t, const pvp_instance *i, const pvp_install_report *r)
{
    fputs("{\"instance\":", out);
    cli_json_string(out, i->name);
    fprintf(out, ",\"from\":\"0x%llx\",\"to\":\"0x%llx\",\"size\":%llu,\"%ss\":%llu,\"retargeted\":{",
            (unsigned long long)r->from, (unsigned long long)r->to, (unsigned long long)r->size, t->units,
            (unsigned long long)r->units_copied);
    for (unsigned f = 0, first = 1; f < t->arch->nforms; f++)
        if (r->retargeted[f]) {
            fprintf(out, "%s\"%s\":%llu", first ? "" : ",", t->arch->form_names[f],
                    (unsigned long long)r->retargeted[f]);
            first = 0;
        }
    fprintf(out, "},\"moved_inside\":%llu,\"fixups\":{\"vtop\":%llu,\"self\":%llu,\"ptr64\":%llu,\"rel32\":%llu},"
                 "\"listed\":%llu,\"self_scanned\":%llu,\"data_bytes\":%llu,\"entries\":%llu,\"resident_bytes\":%llu,\"ip_reads\":%llu,"
                 "\"freeable\":{\"code\":%llu,\"records\":%llu}}\n",
            (unsigned long long)r->moved_inside, (unsigned long long)r->fixups[PVP_FIX_VTOP_MOVL],
            (unsigned long long)r->fixups[PVP_FIX_SELF_MOVL], (unsigned long long)r->fixups[PVP_FIX_PTR64],
            (unsigned long long)r->fixups[PVP_FIX_REL32], (unsigned long long)r->listed,
            (unsigned long long)r->self_scanned,
            (unsigned long long)r->data_bytes,
            (unsigned long long)r->fixups[PVP_FIX_ENTRY], (unsigned long long)r->resident_bytes,
            (unsigned long long)r->pc_reads, (unsigned long long)r->freeable_code,
            (unsigned long long)r->freeable_meta);
}

/* The instances to install: the one named, or for a mode the one
 * pvp_instance_for_mode picks in each slot (as head code picks it). */
static size_t choose(const cli_image *img, const char *instance, const char *mode, size_t *out, char *err,
                     size_t errsz)
{
    if (instance) {
        const pvp_instance *i = cli_image_instance(img, instance, err, errsz);
        return i ? (out[0] = (size_t)(i - img->set), 1) : 0;
    }
    uint32_t id;
    if (cli_image_mode(img, mode, &id, err, errsz))
        return 0;
    size_t n = 0;
    for (size_t k = 0; k < img->count; k++) {
        size_t first = 0;
        while (first < k && img->set[first].canonical != img->set[k].canonical)
            first++;
        if (first == k && (out[n] = pvp_instance_for_mode(img->set, img->count, img->set[k].canonical, id)) <
                              img->count)
            n++;
    }
    if (n == 0)
        pvp_errorf(err, errsz, pvp_file_path(img->file), "no instance to install");
    return n;
}

static int run_install(const cli_command *self, int argc, char **argv)
{
    const char *instance = NULL, *mode = NULL, *outpath = NULL, *json = NULL, *image_path = NULL;
    const cli_option opts[] = {
        { "--instance", NULL, 1, &instance },
        { "--mode", NULL, 1, &mode },
        { "--output", "-o", 1, &outpath },
        { "--json", NULL, 0, &json },
    };
    int rc = cli_parse_args(self, argc, argv, opts, 4, &image_path, 1);
    if (rc != CLI_PARSE_OK)
        return rc == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    if (!instance == !mode || !outpath)
        return cli_usage_error(self, "-o and one of --instance or --mode are required");

    char err[PVP_ERR_SIZE];
    cli_image img;
    if (cli_image_open(&img, image_path, err, sizeof err))
        return cli_fail(err);
    size_t *chosen = calloc(img.count + 1, sizeof *chosen);
    pvp_install_report *rep = calloc(img.count + 1, sizeof *rep);
    size_t n = chosen && rep ? choose(&img, instance, mode, chosen, err, sizeof err) : 0;
    cli_dynrel rel = { NULL, 0 };
    int status = n && cli_dynrel_snapshot(&img, &rel, err, sizeof err) == 0 ? CLI_OK : CLI_BAD_INPUT;
    for (size_t k = 0; k < n && status == CLI_OK; k++) {
        /* Each install marks its descriptor: the next one reads the set again.
         * Work space lets the commit write the blocks the plan changed. */
        size_t work_size = pvp_install_work_size(&img.set[chosen[k]]);
        void *work = malloc(work_size ? work_size : 1);
        pvp_install_req req = { img.t->arch, img.set, img.count, chosen[k], cli_image_vtop, &img, NULL, NULL, 0,
                                work, work ? work_size : 0 };
        pvp_error e;
        int done = pvp_install(pvp_file_image(img.file), &req, &rep[k], &e);
        free(work);
        if (done != PVP_OK) {
            cli_engine_error(err, sizeof err, image_path, &e);
            status = CLI_BAD_INPUT;
        } else {
            img.set[chosen[k]].flags |= PVP_INSTANCE_F_INSTALLED;
        }
    }
    if (status == CLI_OK && (cli_dynrel_follow(&img, &rel, err, sizeof err) != 0 ||
                             pvp_file_write(img.file, outpath, err, sizeof err) != 0))
        status = CLI_BAD_INPUT;
    cli_dynrel_free(&rel);
    if (status == CLI_OK) {
        if (json && mode)
            putchar('[');                  /* one object per slot */
        for (size_t k = 0; k < n; k++) {
            if (json && mode && k)
                putchar(',');
            (json ? print_json : print_text)(stdout, img.t, &img.set[chosen[k]], &rep[k]);
        }
        if (json && mode)
            puts("]");
    } else
        cli_fail(err);
    free(chosen);
    free(rep);
    cli_image_close(&img);
    return status;
}

const cli_command cli_cmd_install = {
    "install",
    "copy an instance over its canonical slot and fix it up, as boot does",
    "usage: pvpatch install IMAGE (--instance NAME | --mode MODE) -o OUT [--json]\n\n"
    "Copies instance NAME of the IA-64 or x86-64 ELF executable IMAGE over its\n"
    "canonical\n"
    "slot, re-targets every IP-relative reference that leaves it, applies its\n"
    "fixups (vtop through the image's program headers, absolute self-references,\n"
    "pointers) and writes the result to OUT (which may be IMAGE). An instance\n"
    "already in its slot is installed too: only its fixups are applied.\n"
    "With --mode, installs in every slot what head code would: the instance of\n"
    "MODE, else the one in place. Refused: a slot that holds an installed\n"
    "instance already, branches into a copy freed after boot or into the slot\n"
    "elsewhere than a declared entry, two fixups for one place. Nothing is\n"
    "written when any check fails; OUT must be a regular file if it exists.\n\n"
    "Exit status: 0 installed, 2 bad input (one line: file, address, reason).\n",
    run_install,
};
