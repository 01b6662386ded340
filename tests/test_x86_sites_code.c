/* The x86-64 site hooks on their own: templates assembled by GNU as as if
 * at address T are laid out at a site S far away (pvp_x86_site_code) and
 * run there; the template run at T is the oracle, and Zydis must find every
 * outside target of the site equal to the template's, the template's end at
 * the site's end. Then the filler rule, the refusals and their reasons,
 * same_code and writes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

#define PAGE 4096
#define RET  0xC3

__attribute__((noinline, noipa, used)) static long sc_times3(long x)
{
    return 3 * x;
}

static volatile long sc_bias = 7;

/* A template: `body` assembled as if at t, where `callee` and `data` name
 * sc_times3 and sc_bias and `t_end` its end. */
typedef struct tmpl {
    uint8_t bytes[256];
    size_t size;
    uint64_t t;
} tmpl;

static void assemble_at(uint64_t t, const char *body, tmpl *out)
{
    char src[2048];
    snprintf(src, sizeof src,
             ".text\nt0:\n.set callee, t0 + %lld\n.set data, t0 + %lld\n%s\nt_end:\n",
             (long long)((uintptr_t)sc_times3 - t), (long long)((uintptr_t)&sc_bias - t), body);
    x86_blob b;
    x86_assemble(src, &b);
    cr_assert_leq(b.size, sizeof out->bytes);
    memcpy(out->bytes, b.bytes, b.size);
    out->size = b.size;
    out->t = t;
    x86_blob_free(&b);
}

/* A template address from which sc_times3 and sc_bias are in rel32 reach. */
static uint64_t near_code(void)
{
    return ((uintptr_t)sc_times3 & ~(uint64_t)0xFFF) - 0x100000;
}

/* What a call clobbers: the registers a C-form site allows. */
static pvp_code_req request(const tmpl *t, uint64_t at, uint64_t room)
{
    return (pvp_code_req){ .tmpl = t->bytes, .tmpl_addr = t->t, .tmpl_size = t->size,
                           .allowed_gr = { pvp_arch_x86_64.call_gr[0], pvp_arch_x86_64.call_gr[1] },
                           .at = at, .room = room };
}

/* Copy code and a ret to the executable page at p and call it as f(a, 0). */
static long run_at(uint8_t *p, const uint8_t *code, size_t n, long a)
{
    x86_unseal(p, PAGE);
    memcpy(p, code, n);
    p[n] = RET;
    x86_seal(p, PAGE);
    return x86_call2(p, a, 0);
}

/* One instruction of a region as Zydis sees it. */
typedef struct zinsn {
    size_t off, len;
    const char *mnemonic;
    int has_target;
    uint64_t target;
} zinsn;

static size_t zydis_walk(const uint8_t *code, size_t n, uint64_t addr, zinsn *out, size_t max)
{
    size_t k = 0;
    for (size_t off = 0; off < n && k < max; off += out[k++].len) {
        out[k].off = off;
        out[k].has_target = x86_zydis_target(code + off, n - off, addr + off, &out[k].len,
                                             &out[k].target);
        out[k].mnemonic = x86_zydis_mnemonic(code + off, n - off);
    }
    return k;
}

static const char body_all_kinds[] =
    "        call callee\n"            /* rel32 out: 3x */
    "        add data(%rip), %rax\n"   /* RIP-relative out: + bias */
    "        cmp $100, %rax\n"
    "        jb t_end\n"               /* rel8 to the end */
    "        jmp 1f\n"                 /* rel8 inside */
    "        ud2\n"
    "1:      sub $100, %rax\n";

Test(x86_site_code, a_template_runs_the_same_at_a_far_site_and_zydis_agrees)
{
    uint8_t *tpage = x86_map_near((void *)(uintptr_t)sc_times3, PAGE);
    uint8_t *spage = x86_map_near((void *)(uintptr_t)sc_times3, PAGE);
    tmpl t;
    assemble_at((uintptr_t)tpage, body_all_kinds, &t);
    uint8_t site[48];
    pvp_code_result res;
    pvp_code_req req = request(&t, (uintptr_t)spage, sizeof site);
    cr_assert_eq(pvp_x86_site_code(&req, site, &res), PVP_OK, "%s", res.why);
    cr_assert_eq(res.used, t.size);
    cr_assert_eq(res.filler, sizeof site - t.size);
    for (long a = 0; a < 60; a++)
        cr_assert_eq(run_at(spage, site, sizeof site, a), run_at(tpage, t.bytes, t.size, a),
                     "input %ld", a);
    zinsn zt[32], zs[32], zf[8];
    size_t pad = sizeof site - t.size;            /* the filler first, the template at the end */
    size_t nt = zydis_walk(t.bytes, t.size, t.t, zt, 32);
    size_t ns = zydis_walk(site + pad, t.size, req.at + pad, zs, 32);
    size_t nf = zydis_walk(site, pad, req.at, zf, 8);
    cr_assert_eq(ns, nt);
    for (size_t k = 0; k < nt; k++) {
        cr_assert_str_eq(zs[k].mnemonic, zt[k].mnemonic);
        cr_assert_eq(zs[k].has_target, zt[k].has_target);
        if (!zt[k].has_target)
            continue;
        uint64_t toff = zt[k].target - t.t;
        uint64_t want = toff <= t.size ? req.at + pad + toff : zt[k].target;
        cr_assert_eq(zs[k].target, want, "%s at +%zu: %#llx, not %#llx", zs[k].mnemonic, zs[k].off,
                     (unsigned long long)zs[k].target, (unsigned long long)want);
    }
    for (size_t k = 0; k < nf; k++)
        cr_assert_str_eq(zf[k].mnemonic, "nop", "the filler");
    x86_unmap(tpage, PAGE);
    x86_unmap(spage, PAGE);
    cr_log_info("x86_site_code: a template with rel32, RIP-relative, rel8-to-end and inside "
                "branches runs the same %zu MiB away; Zydis agrees on %zu instructions",
                (size_t)((req.at > t.t ? req.at - t.t : t.t - req.at) >> 20), nt);
}

/* Filler of n bytes before a 4-byte body: nops while three of them do, else a jmp over int3. */
Test(x86_site_code, filler_is_nops_up_to_three_then_a_jmp_over)
{
    uint8_t *tpage = x86_map_near(NULL, PAGE), *spage = x86_map_near(NULL, PAGE);
    tmpl t;
    assemble_at((uintptr_t)tpage, "lea 1(%rdi,%rdi,2), %rax", &t);
    const size_t limit = PVP_X86_FILL_NOPS_MAX * PVP_X86_NOP_FILL_MAX;
    for (size_t n = 0; n <= limit + 30; n++) {
        uint8_t site[128];
        pvp_code_result res;
        pvp_code_req req = request(&t, (uintptr_t)spage, t.size + n);
        cr_assert_eq(pvp_x86_site_code(&req, site, &res), PVP_OK);
        cr_assert_eq(res.filler, n);
        cr_assert_eq(res.skip, n > limit, "%zu bytes of filler", n);
        zinsn z[32];
        size_t nz = zydis_walk(site, n, req.at, z, 32);
        cr_assert_eq(memcmp(site + n, t.bytes, t.size), 0, "the template ends the site");
        if (res.skip) {
            cr_assert_str_eq(z[0].mnemonic, "jmp");
            cr_assert_eq(z[0].target, req.at + n, "the jmp goes to the template");
            for (size_t k = 1; k < nz; k++)
                cr_assert_str_eq(z[k].mnemonic, "int3");
        } else {
            cr_assert_eq(nz, (n + PVP_X86_NOP_FILL_MAX - 1) / PVP_X86_NOP_FILL_MAX);
            for (size_t k = 0; k < nz; k++)
                cr_assert_str_eq(z[k].mnemonic, "nop");
        }
        cr_assert_eq(run_at(spage, site, t.size + n, 5), run_at(tpage, t.bytes, t.size, 5));
    }
    assemble_at((uintptr_t)tpage, "mov %rdi, %rax; cmp $3, %rdi; jb t_end; add $5, %rax", &t);
    uint8_t big[200];
    pvp_code_result res;
    pvp_code_req req = request(&t, (uintptr_t)spage, sizeof big);
    cr_assert_eq(pvp_x86_site_code(&req, big, &res), PVP_OK, "a rel8 to the end reaches the end "
                 "of any site: the template ends there");
    for (long a = 0; a < 6; a++)
        cr_assert_eq(run_at(spage, big, sizeof big, a), run_at(tpage, t.bytes, t.size, a));
    x86_unmap(tpage, PAGE);
    x86_unmap(spage, PAGE);
}

typedef struct refusal {
    const char *body;
    uint64_t room;
    int64_t far;          /* the site's distance from the template */
    int status;
    const char *why;
    int reg;
} refusal;

Test(x86_site_code, refusals_say_why)
{
    char movabs_self[64];
    const uint64_t t0 = near_code();
    snprintf(movabs_self, sizeof movabs_self, "movabs $%llu, %%rax", (unsigned long long)t0 + 2);
    const refusal cases[] = {
        { ".fill 17, 1, 0x90", 16, 0x1000, PVP_E_NO_SPACE, "more bytes than the site has", -1 },
        { ".byte 0xeb, 0x40", 16, 0x1000, PVP_E_UNSUPPORTED, "rel8 branch leaves the template", -1 },
        { "call callee", 16, INT64_C(3) << 30, PVP_E_OUT_OF_RANGE, "beyond +-2 GiB", -1 },
        { "push %rax\npop %rax", 16, 0x1000, PVP_E_BAD_REGISTER, "does not allow",
          PVP_X86_REG_GPR(4) },
        { "mov $1, %ebx", 16, 0x1000, PVP_E_BAD_REGISTER, "does not allow", PVP_X86_REG_GPR(3) },
        { "mov %rax, %ds", 16, 0x1000, PVP_E_BAD_REGISTER, "does not allow", PVP_X86_REG_OTHER },
        { "call 1f\n1:", 16, 0x1000, PVP_E_UNSUPPORTED, "pushes its own address", -1 },
        { movabs_self, 16, 0x1000, PVP_E_UNSUPPORTED, "loads an address inside itself", -1 },
        { ".byte 0x06", 16, 0x1000, PVP_E_UNKNOWN_OP, "does not decode", -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const refusal *c = &cases[i];
        tmpl t;
        assemble_at(t0, c->body, &t);
        uint8_t site[256];
        pvp_code_result res;
        pvp_code_req req = request(&t, t0 + (uint64_t)c->far, c->room);
        int rc = pvp_x86_site_code(&req, site, &res);
        cr_assert_eq(rc, c->status, "%s: %s (%d)", c->body, res.why ? res.why : "ok", rc);
        cr_assert(res.why && strstr(res.why, c->why), "%s: %s", c->body, res.why);
        cr_assert_eq(res.reg, c->reg, "%s: register %d", c->body, res.reg);
    }
}

Test(x86_site_code, same_code_ignores_nops_and_filler_and_compares_targets_as_addresses)
{
    /* s1 not t0 + 1 MiB: that is the page of sc_times3, which a site there could cover */
    const uint64_t t0 = near_code(), s1 = t0 + 0x180000, s2 = t0 - 0x200000;
    tmpl t;
    assemble_at(t0, body_all_kinds, &t);
    uint8_t a[16 * 3], b[16 * 6];
    pvp_code_result res;
    pvp_code_req ra = request(&t, s1, sizeof a), rb = request(&t, s2, sizeof b);
    cr_assert_eq(pvp_x86_site_code(&ra, a, &res), PVP_OK);
    cr_assert_eq(res.skip, 0);
    cr_assert_eq(pvp_x86_site_code(&rb, b, &res), PVP_OK);
    cr_assert_eq(res.skip, 1, "the larger site is filled by a jmp over");
    cr_assert_eq(pvp_x86_same_code(a, s1, sizeof a, b, s2, sizeof b), PVP_OK);
    cr_assert_eq(pvp_x86_same_code(t.bytes, t0, t.size, a, s1, sizeof a), PVP_OK,
                 "the template and its layout: its end is the site's end");
    uint8_t c[sizeof a];
    size_t pad = sizeof a - t.size;
    memcpy(c, a, sizeof a);
    c[pad + 1] ^= 1;                              /* the call now reaches elsewhere */
    cr_assert_eq(pvp_x86_same_code(a, s1, sizeof a, c, s1, sizeof a), PVP_E_VERIFY);
    memcpy(c, a, sizeof a);
    c[sizeof a - 1] ^= 1;                         /* an immediate (sub $100) differs */
    cr_assert_eq(pvp_x86_same_code(a, s1, sizeof a, c, s1, sizeof a), PVP_E_VERIFY);
    cr_assert_eq(pvp_x86_same_code(a, s1, sizeof a, a, s1 + 16, sizeof a), PVP_E_VERIFY,
                 "moved by 16 bytes, its outside targets are not the same addresses");
}

static void writes_of(const char *body, uint64_t gr[2])
{
    tmpl t;
    assemble_at(near_code(), body, &t);
    gr[0] = gr[1] = 0;
    cr_assert_eq(pvp_x86_writes(t.bytes, t.size, gr, NULL), PVP_OK, "%s", body);
}

static int has(const uint64_t gr[2], int n)
{
    return (int)(gr[n / 64] >> (n % 64) & 1);
}

Test(x86_site_code, writes_names_what_code_writes)
{
    uint64_t gr[2];
    writes_of("call callee", gr);
    cr_assert(!gr[0] && !gr[1], "a call's push is given back by the callee's ret");
    writes_of("push %rbx", gr);
    cr_assert(has(gr, PVP_X86_REG_GPR(4)) && !has(gr, PVP_X86_REG_GPR(3)), "push writes rsp only");
    writes_of("add %rsi, %rdi", gr);
    cr_assert(has(gr, PVP_X86_REG_GPR(7)) && has(gr, PVP_X86_REG_FLAGS) && !has(gr, PVP_X86_REG_GPR(6)));
    writes_of("mov %esi, %r9d", gr);
    cr_assert(has(gr, PVP_X86_REG_GPR(9)) && !has(gr, PVP_X86_REG_FLAGS));
    writes_of("vaddps %ymm1, %ymm2, %ymm13", gr);
    cr_assert(has(gr, PVP_X86_REG_VEC(13)) && !has(gr, PVP_X86_REG_VEC(1)));
    writes_of("movb $1, %ah", gr);
    cr_assert(has(gr, PVP_X86_REG_GPR(0)), "ah is part of rax");
    writes_of("jmp t_end\nint3\nint3\nint3", gr);
    cr_assert(!gr[0] && !gr[1], "a jmp over int3 is filler, never run");
    writes_of("mov %rax, %cr3", gr);
    cr_assert(has(gr, PVP_X86_REG_OTHER));
}
