/* pvpatch check --mode: the raw-sensitive rule is about code that runs in
 * a virtualized mode without its pv operation. Without a mode every
 * instance is one build of the source and each raw instruction is flagged
 * (test_check.c); with --mode native nothing runs virtualized, so nothing
 * is; with --mode xen only the instance the xen boot installs is. The
 * addresses come from the symbols GNU ld gave the labels. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/binutils.h"
#include "support/checkkernel.h"
#include "support/json.h"

/* The raw-sensitive findings of `pvpatch check PATH ARGS --json`, by address. */
static size_t raw_findings(const char *path, const char *args, uint64_t *at, size_t max, int *status)
{
    const char *pv = getenv("PVPATCH");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s check %s %s --json 2>/dev/null", pv ? pv : "build/pvpatch", path, args);
    char *out = tas_run(cmd, status);
    tj_value *doc = tj_parse(out);
    cr_assert(doc, "check %s %s: not JSON:\n%s", path, args, out);
    const tj_value *list = tj_get(doc, "findings");
    size_t n = 0;
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(tj_str(tj_at(list, i), "rule"), "raw-sensitive") == 0 && n < max)
            at[n++] = strtoull(tj_str(tj_at(list, i), "addr"), NULL, 16);
    tj_free(doc);
    free(out);
    return n;
}

Test(check_mode, raw_instructions_count_only_where_they_run_virtualized)
{
    ck_spec spec = { .body = "\\name\\()_raw: { .mii; mov r16 = cr.ifa; nop.i 0; nop.i 0 ;; }" };
    ck_kernel k;
    ck_build(&spec, &k);
    uint64_t at[8];
    int st;
    cr_expect_eq(raw_findings(k.elf, "", at, 8, &st), 2, "without a mode: one per instance");
    cr_expect_eq(raw_findings(k.elf, "--mode native", at, 8, &st), 0, "native runs its privileged code as it is");
    cr_expect_eq(st, 0, "--mode native: exit %d", st);
    size_t n = raw_findings(k.elf, "--mode xen", at, 8, &st);
    cr_expect(n == 1 && at[0] == ck_symbol(k.elf, "xen_raw"), "--mode xen: the xen instance's (%zu)", n);
    /* once xen is installed its code runs at the canonical place */
    const char *pv = getenv("PVPATCH");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s install %s --mode xen -o %s.x >/dev/null", pv ? pv : "build/pvpatch", k.elf, k.elf);
    free(tas_run(cmd, &st));
    cr_assert_eq(st, 0);
    char inst[600];
    snprintf(inst, sizeof inst, "%s.x", k.elf);
    n = raw_findings(inst, "--mode xen", at, 8, &st);
    cr_expect(n == 1 && at[0] == ck_symbol(k.elf, "native_raw"), "installed: at the canonical place (%zu)", n);
    cr_expect_eq(raw_findings(inst, "--mode native", at, 8, &st), 0);
}

/* A mode may run an operation as written (xen's ptc.l traps to the
 * hypervisor, which emulates it): with --mode xen a raw ptc.l in the xen
 * instance is that mode's own code, not a finding, while a raw instruction
 * xen replaces by other code (mov from cr.ifa) still is. Without a mode
 * both are flagged in both instances. */
Test(check_mode, what_a_mode_runs_as_written_is_not_raw_there)
{
    ck_spec spec = { .body = "\\name\\()_ptc: { .mii; ptc.l r16, r17; nop.i 0; nop.i 0 ;; }\n"
                             "\\name\\()_ifa: { .mii; mov r18 = cr.ifa; nop.i 0; nop.i 0 ;; }" };
    ck_kernel k;
    ck_build(&spec, &k);
    uint64_t at[8];
    int st;
    cr_expect_eq(raw_findings(k.elf, "", at, 8, &st), 4, "without a mode: two per instance");
    size_t n = raw_findings(k.elf, "--mode xen", at, 8, &st);
    cr_expect(n == 1 && at[0] == ck_symbol(k.elf, "xen_ifa"), "--mode xen: only the mov from cr (%zu)", n);
}
