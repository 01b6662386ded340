/* pvpatch patch: do what boot does after the install (give every pv
 * operation site its best form for the chosen mode) on an ELF image, verify
 * the result independently, and write a new image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/dynrel.h"
#include "cli/instances.h"

static const char *const policy_names[] = { "best", "direct", "keep" };

/* The mode record of MODE (a name or an id), or NULL with a one-line error. */
static const pvp_mode *mode_record(const cli_image *img, const char *mode, char *err, size_t errsz)
{
    uint32_t id;
    if (cli_image_mode(img, mode, &id, err, errsz))
        return NULL;
    for (size_t k = 0; k < img->nmodes; k++)
        if (img->modes[k].id == id)
            return &img->modes[k];
    char buf[16];
    pvp_errorf(err, errsz, pvp_file_path(img->file), "no mode record for mode '%s': nothing to patch to",
               cli_mode_name(img, id, buf, sizeof buf));
    return NULL;
}

static void print_site_text(FILE *out, const pvp_site_result *r, const cli_image *img)
{
    char name[PVP_NAME_LEN + 1];
    const pvp_mode *from = NULL;
    for (size_t k = 0; k < img->nmodes; k++)
        if (img->modes[k].id == r->from_mode)
            from = &img->modes[k];
    if (!r->to_form) {
        fprintf(out, "  site 0x%llx %-12s %s\n", (unsigned long long)r->at, cli_op_name(img, r->op, name, sizeof name),
                r->why_not_a ? r->why_not_a : "dead (in an instance that is not at its canonical place)");
        return;
    }
    fprintf(out, "  site 0x%llx %-12s %s%s%s -> %s", (unsigned long long)r->at, cli_op_name(img, r->op, name, sizeof name),
            pvp_form_name(r->from_form), from ? "/" : "", from ? from->name : "", pvp_form_name(r->to_form));
    if (r->filler)
        fprintf(out, ", %llu filler bytes%s", (unsigned long long)r->filler, r->skip ? " skipped by a branch" : "");
    if (r->why_not_a && r->to_form != PVP_FORM_A) {
        fprintf(out, " (not inline: ");
        if (r->why_reg >= 0)
            fprintf(out, "r%d: ", r->why_reg);
        fprintf(out, "%s%s)", r->why_not_a,
                strncmp(r->why_not_a, "a ", 2) == 0 ? " is needed and the site declares none" : "");
    }
    if (r->why_not_b && r->to_form == PVP_FORM_C)
        fprintf(out, " (not direct: %s)", r->why_not_b);
    fputc('\n', out);
}

static void print_text(FILE *out, const pvp_mode *m, int policy, const pvp_patch_report *rep,
                       const pvp_site_result *res, size_t n, const cli_image *img)
{
    fprintf(out, "patched to %s (policy %s): %llu site(s): %llu A, %llu B, %llu C, %llu dead; %llu changed\n",
            m->name, policy_names[policy], (unsigned long long)rep->sites, (unsigned long long)rep->to_form[PVP_FORM_A],
            (unsigned long long)rep->to_form[PVP_FORM_B], (unsigned long long)rep->to_form[PVP_FORM_C],
            (unsigned long long)rep->dead, (unsigned long long)rep->changed);
    fprintf(out, "  filler: %llu bytes, %llu skipped by a branch; live ops table: %llu entries\n",
            (unsigned long long)rep->filler_bytes, (unsigned long long)rep->skips,
            (unsigned long long)rep->live_entries);
    fprintf(out, "  freeable after boot: %llu bytes of templates and mode records\n",
            (unsigned long long)rep->freeable);
    if (rep->idle)
        fprintf(out, "  block bodies of other modes, left as they are: %llu\n", (unsigned long long)rep->idle);
    for (size_t i = 0; i < n; i++)
        print_site_text(out, &res[i], img);
}

static void print_json(FILE *out, const pvp_mode *m, int policy, const pvp_patch_report *rep,
                       const pvp_site_result *res, size_t n, const cli_image *img)
{
    char name[PVP_NAME_LEN + 1];
    fputs("{\"mode\":", out);
    cli_json_string(out, m->name);
    fprintf(out, ",\"policy\":\"%s\",\"sites\":%llu,\"forms\":{\"A\":%llu,\"B\":%llu,\"C\":%llu},\"dead\":%llu,"
                 "\"changed\":%llu,\"filler_bytes\":%llu,\"skips\":%llu,\"live_entries\":%llu,\"freeable\":%llu,"
                 "\"verified\":true,\"site_results\":[",
            policy_names[policy], (unsigned long long)rep->sites, (unsigned long long)rep->to_form[PVP_FORM_A],
            (unsigned long long)rep->to_form[PVP_FORM_B], (unsigned long long)rep->to_form[PVP_FORM_C],
            (unsigned long long)rep->dead, (unsigned long long)rep->changed, (unsigned long long)rep->filler_bytes,
            (unsigned long long)rep->skips, (unsigned long long)rep->live_entries, (unsigned long long)rep->freeable);
    for (size_t i = 0; i < n; i++) {
        const pvp_site_result *r = &res[i];
        fprintf(out, "%s{\"at\":\"0x%llx\",\"op\":\"%s\",\"from\":\"%s\",\"to\":%s%s%s,\"filler\":%llu,\"skip\":%s,"
                     "\"why_not_inline\":",
                i ? "," : "", (unsigned long long)r->at, cli_op_name(img, r->op, name, sizeof name),
                pvp_form_name(r->from_form),
                r->to_form ? "\"" : "", r->to_form ? pvp_form_name(r->to_form) : "null", r->to_form ? "\"" : "",
                (unsigned long long)r->filler, r->skip ? "true" : "false");
        if (r->why_not_a && r->to_form != PVP_FORM_A)
            cli_json_string(out, r->why_not_a);
        else
            fputs("null", out);
        fputs(",\"why_not_direct\":", out);
        if (r->why_not_b && r->to_form == PVP_FORM_C)
            cli_json_string(out, r->why_not_b);
        else
            fputs("null", out);
        fputc('}', out);
    }
    fputs("]}\n", out);
}

static int parse_policy(const char *s)
{
    for (int p = 0; p < 3; p++)
        if (strcmp(s, policy_names[p]) == 0)
            return p;
    return -1;
}

/* Patch `img`, verify against `orig`; 0 or a one-line error in err. */
static int patch_and_verify(cli_image *img, cli_image *orig, pvp_patch_req *req, pvp_patch_report *rep,
                            const char *path, char *err, size_t errsz)
{
    pvp_error e;
    if (pvp_patch(pvp_file_image(img->file), req, rep, &e) != PVP_OK) {
        cli_engine_error(err, errsz, path, &e);
        return -1;
    }
    pvp_mismatch mm[4];
    size_t nmm;
    if (pvp_verify_patch(pvp_file_image(orig->file), pvp_file_image(img->file), req, mm, 4, &nmm) != PVP_OK) {
        snprintf(err, errsz, "%s: address 0x%llx: verification failed: %s (expected 0x%llx, found 0x%llx; %zu finding(s))",
                 path, (unsigned long long)mm[0].addr, mm[0].what, (unsigned long long)mm[0].expected,
                 (unsigned long long)mm[0].actual, nmm);
        return -1;
    }
    return 0;
}

static int run_patch(const cli_command *self, int argc, char **argv)
{
    const char *mode = NULL, *policy_s = "best", *outpath = NULL, *json = NULL, *path = NULL;
    const cli_option opts[] = {
        { "--mode", NULL, 1, &mode },
        { "--policy", NULL, 1, &policy_s },
        { "--output", "-o", 1, &outpath },
        { "--json", NULL, 0, &json },
    };
    int rc = cli_parse_args(self, argc, argv, opts, 4, &path, 1);
    if (rc != CLI_PARSE_OK)
        return rc == CLI_PARSE_HELP ? CLI_OK : CLI_BAD_INPUT;
    if (!mode || !outpath)
        return cli_usage_error(self, "--mode and -o are required");
    int policy = parse_policy(policy_s);
    if (policy < 0)
        return cli_usage_error(self, "--policy must be best, direct or keep");

    char err[PVP_ERR_SIZE];
    cli_image img, orig;
    if (cli_image_open(&img, path, err, sizeof err))
        return cli_fail(err);
    if (cli_image_open(&orig, path, err, sizeof err)) {
        cli_image_close(&img);
        return cli_fail(err);
    }
    const pvp_mode *m = mode_record(&img, mode, err, sizeof err);
    size_t n = pvp_site_count(img.sites_size);
    pvp_site_result *res = calloc(n ? n : 1, sizeof *res);
    size_t wsize = pvp_patch_work_size(n);
    size_t csize = img.t->arch->site_cache_size;
    void *work = malloc(wsize ? wsize : 1), *cache = malloc(csize ? csize : 1);
    pvp_patch_report rep;
    cli_dynrel rel = { NULL, 0 };
    int status = CLI_BAD_INPUT;
    if (!res || !work || !cache)
        snprintf(err, sizeof err, "%s: out of memory", path);
    else if (m && cli_dynrel_snapshot(&img, &rel, err, sizeof err) == 0) {
        pvp_patch_req req = { img.t->arch, img.set, img.count, img.sites, img.sites_size, img.modes,
                              img.nmodes, m->id, policy, res, n, NULL, NULL, work, wsize, cache,
                              img.t->arch->site_cache_size, cli_image_vtop, &img };
        if (patch_and_verify(&img, &orig, &req, &rep, path, err, sizeof err) == 0 &&
            cli_dynrel_follow(&img, &rel, err, sizeof err) == 0 &&
            pvp_file_write(img.file, outpath, err, sizeof err) == 0)
            status = CLI_OK;
    }
    cli_dynrel_free(&rel);
    if (status == CLI_OK)
        json ? print_json(stdout, m, policy, &rep, res, n, &img) : print_text(stdout, m, policy, &rep, res, n, &img);
    else
        cli_fail(err);
    free(res);
    free(work);
    free(cache);
    cli_image_close(&orig);
    cli_image_close(&img);
    return status;
}

const cli_command cli_cmd_patch = {
    "patch",
    "give every pv operation site its best form for a mode, as boot does",
    "usage: pvpatch patch IMAGE --mode MODE [--policy best|direct|keep] -o OUT [--json]\n\n"
    "For every live site of the IA-64 or x86-64 ELF executable IMAGE (sites of installed\n"
    "instances at their canonical place, sites outside instances), chooses the form\n"
    "of its operation for MODE (a mode record's name or id):\n"
    "  best    A (the mode's code inline) where it fits the site and writes only\n"
    "          registers the site allows, else B (direct branch to the mode's stub),\n"
    "          else C (indirect call through pv_cpu_asm_ops);\n"
    "  direct  B where the site was built as a call, else A;\n"
    "  keep    the form the site was built in.\n"
    "Code that does not fill its site is followed by nops, or by a branch over\n"
    "them when three bundles or more are left. The live ops table gets the mode's\n"
    "stubs. The result is verified independently (every changed byte lies in a\n"
    "site or the ops table; each site writes only allowed registers and branches\n"
    "only to its stub or its end) before OUT is written. Patching is idempotent and\n"
    "works from each site's built form, so an image can be re-patched to another mode.\n\n"
    "Exit status: 0 patched, 2 bad input (one line: file, address, reason).\n",
    run_patch,
};
