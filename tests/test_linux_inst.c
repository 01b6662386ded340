/* Linux's pv macro vocabulary through pvpatch (include/pvpatch/ia64/linux):
 * every macro of asm/native/inst.h and asm/xen/inst.h at every call shape
 * Linux's ivt.S, minstate.h, xen/minstate.h, entry.S and fsys.S use
 * (stacked names, predicate clobbers, three clobbers, clobbers r8/r9, r0
 * values...), in this project's own source, built with only the include
 * path changed:
 * - form A in native and xen mode, each site judged by objdump against
 *   what the upstream definition means (the instructions it must hold, in
 *   order, and none of the privileged ones the mode replaces);
 * - forms B and C patched to each mode: every site becomes what the A build
 *   holds or stays a call with a reason, verifies, reassembles cleanly;
 * - a stacked name in the wrong frame is refused as stale, not patched;
 * - an operation a user declares (PVP_EXTRA_OPS) works like a built-in. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"
#include "support/binutils.h"
#include "support/pvkernel.h"

/* The Xen/ia64 shared area, from the guest ABI (not from pvpatch's headers):
 * mapped registers at -1 MiB + 16 KiB, crN at 2048 + 8N. */
#define XSI(ofs) (-0x100000L + 0x4000 + (ofs))
#define XSI_CR(n) XSI(2048 + 8 * (n))

static const struct { const char *name; long value; } xsi[] = {
    { "$IPSR", XSI_CR(16) }, { "$ISR", XSI_CR(17) }, { "$IIP", XSI_CR(19) }, { "$IFA", XSI_CR(20) },
    { "$ITIR", XSI_CR(21) }, { "$IFS", XSI_CR(23) }, { "$IIM", XSI_CR(24) }, { "$IHA", XSI_CR(25) },
    { "$PSR_IC", XSI(3088) }, { "$PSR_I_ADDR", XSI(3096) }, { "$ITC_OFFSET", XSI(3408) },
    { "$ITC_LAST", XSI(3416) }, { "$BANK1_8", XSI(1024 + 8) }, { "$BANK1", XSI(1024) },
    { "$B1NAT", XSI(1280) }, { "$BANKNUM", XSI(3148) },
};

#define MAXE 40
/* One site: the line of source that makes it (empty for the second site of
 * a macro), and what it must hold in native and in xen mode. */
typedef struct shape {
    const char *src;
    const char *native[4];
    const char *xen[MAXE];
} shape;

/* The spills and fills of xen's bank switch, pair by pair. */
#define SPILLS(a, b) "st8.spill [" a "]=r16,16", "st8.spill [" b "]=r17,16", "st8.spill [" a "]=r18,16", \
    "st8.spill [" b "]=r19,16", "st8.spill [" a "]=r20,16", "st8.spill [" b "]=r21,16", \
    "st8.spill [" a "]=r22,16", "st8.spill [" b "]=r23,16", "st8.spill [" a "]=r24,16", \
    "st8.spill [" b "]=r25,16", "st8.spill [" a "]=r26,16", "st8.spill [" b "]=r27,16", \
    "st8.spill [" a "]=r28,16", "st8.spill [" b "]=r29,16", "st8.spill [" a "]=r30,16", \
    "st8.spill [" b "]=r31,16"
#define FILLS "ld8.fill r16=[r30],16", "ld8.fill r17=[r31],16", "ld8.fill r18=[r30],16", "ld8.fill r19=[r31],16", \
    "ld8.fill r20=[r30],16", "ld8.fill r21=[r31],16", "ld8.fill r22=[r30],16", "ld8.fill r23=[r31],16", \
    "ld8.fill r24=[r30],16", "ld8.fill r25=[r31],16", "ld8.fill r26=[r30],16", "ld8.fill r27=[r31],16", \
    "ld8.fill r28=[r30],16", "ld8.fill r29=[r31],16", "ld8.fill r30=[r30]", "ld8.fill r31=[r31]"

/* Upstream's shapes, in this order in the test source; before the entry.S
 * group the source allocates a frame with one input and five outputs. */
static const shape shapes[] = {
    /* ivt.S */
    { "MOV_FROM_IFA(r16)", { "mov r16=cr.ifa" }, { "mov r16=$IFA", "ld8 r16=[r16]" } },
    { "MOV_FROM_ITIR(r25)", { "mov r25=cr.itir" }, { "mov r25=$ITIR", "ld8 r25=[r25]" } },
    { "RSM_PSR_DT", { "rsm 0x20000" }, { "break.m 0x2" } },
    { "MOV_FROM_ISR(r19)", { "mov r19=cr.isr" }, { "mov r19=$ISR", "ld8 r19=[r19]" } },
    { "MOV_FROM_IHA(r22)", { "mov r22=cr.iha" }, { "mov r22=$IHA", "ld8 r22=[r22]" } },
    { "ITC_I_AND_D(p10, p11, r18, r24)", { "(p10) itc.i r18" },
      { "(p10) mov r24=r8", "(p10) mov r8=r18", "(p10) break.m 0x6", "(p10) mov r8=r24" } },
    { "", { "(p11) itc.d r18" }, { "(p11) mov r24=r8", "(p11) mov r8=r18", "(p11) break.m 0x5", "(p11) mov r8=r24" } },
    { "MOV_TO_IFA(r22, r24)", { "mov cr.ifa=r22" }, { "mov r24=$IFA", "st8 [r24]=r22" } },
    { "MOV_TO_ITIR(p8, r25, r24)", { "(p8) mov cr.itir=r25" }, { "(p8) mov r24=$ITIR", "(p8) st8 [r24]=r25" } },
    { "ITC_D(p7, r24, r25)", { "(p7) itc.d r24" },
      { "(p7) mov r25=r8", "(p7) mov r8=r24", "(p7) break.m 0x5", "(p7) mov r8=r25" } },
    { "RFI", { "rfi" }, { "break.m 0x1" } },
    { "ITC_I(p0, r18, r19)", { "itc.i r18" }, { "mov r19=r8", "mov r8=r18", "break.m 0x6", "mov r8=r19" } },
    { "ITC_D(p0, r18, r16)", { "itc.d r18" }, { "mov r16=r8", "mov r8=r18", "break.m 0x5", "mov r8=r16" } },
    { "MOV_FROM_IPSR(p0, r21)", { "mov r21=cr.ipsr" }, { "mov r21=$IPSR", "ld8 r21=[r21]" } },
    { "THASH(p8, r17, r16, r23)", { "(p8) thash r17=r16" },
      { "(p8) mov r23=r8", "(p8) mov r8=r16", "(p8) break.m 0xd", "(p8) mov r17=r8", "(p8) mov r8=r23" } },
    { "THASH(p0, r17, r16, r18)", { "thash r17=r16" },
      { "mov r18=r8", "mov r8=r16", "break.m 0xd", "mov r17=r8", "mov r8=r18" } },
    { "MOV_TO_IHA(p8, r17, r23)", { "(p8) mov cr.iha=r17" }, { "(p8) mov r23=$IHA", "(p8) st8 [r23]=r17" } },
    { "MOV_TO_ITIR(p10, r25, r24)", { "(p10) mov cr.itir=r25" }, { "(p10) mov r24=$ITIR", "(p10) st8 [r24]=r25" } },
    { "MOV_TO_IPSR(p6, r21, r24)", { "(p6) mov cr.ipsr=r21" }, { "(p6) mov r24=$IPSR", "(p6) st8 [r24]=r21" } },
    { "ITC_D(p6, r25, r18)", { "(p6) itc.d r25" },
      { "(p6) mov r18=r8", "(p6) mov r8=r25", "(p6) break.m 0x5", "(p6) mov r8=r18" } },
    { "ITC_I(p6, r25, r26)", { "(p6) itc.i r25" },
      { "(p6) mov r26=r8", "(p6) mov r8=r25", "(p6) break.m 0x6", "(p6) mov r8=r26" } },
    { "MOV_FROM_IIP(r18)", { "mov r18=cr.iip" }, { "mov r18=$IIP", "ld8 r18=[r18]" } },
    { "MOV_FROM_IIM(r17)", { "mov r17=cr.iim" }, { "mov r17=$IIM", "ld8 r17=[r17]" } },
    { "MOV_FROM_ITC(p0, p14, r30, r18)", { "mov.m r30=ar.itc" },
      { "mov r18=$ITC_OFFSET", "mov.m r30=ar.itc", "ld8 r18=[r18]", "add r30=r30,r18", "mov r18=$ITC_LAST",
        "ld8 r18=[r18]", "cmp.ltu.unc p0,p14=r18,r30", "(p14) adds r30=1,r18", "mov r18=$ITC_LAST",
        "st8 [r18]=r30" } },
    { "BSW_1(r2, r14)", { "bsw.1" },
      { "mov.m r2=ar.unat", "mov r30=$B1NAT", "mov r31=1", "ld8 r30=[r30]", "mov.m ar.unat=r30",
        "mov r30=$BANKNUM", "st4 [r30]=r31", "mov r30=$BANK1", "mov r31=$BANK1_8", FILLS, "mov.m ar.unat=r2" } },
    { "SSM_PSR_IC_AND_DEFAULT_BITS_AND_SRLZ_I(r3, r16)", { "ssm 0x2000", "srlz.i" },
      { "mov r3=$PSR_IC", "mov r16=1", "st4 [r3]=r16" } },
    { "SSM_PSR_I(p15, p15, r16)", { "(p15) ssm 0x4000" },
      { "(p15) mov r16=$PSR_I_ADDR", "(p15) ld8 r16=[r16]", "(p15) st1 [r16]=r0,-1", "(p15) ld1 r16=[r16]",
        "(p15) cmp.eq.unc p0,p15=r16,r0", "(p15) break.m 0x7" } },
    { "MOV_FROM_IPSR(p0, r16)", { "mov r16=cr.ipsr" }, { "mov r16=$IPSR", "ld8 r16=[r16]" } },
    { "MOV_TO_IPSR(p0, r16, r18)", { "mov cr.ipsr=r16" }, { "mov r18=$IPSR", "st8 [r18]=r16" } },
    { "MOV_TO_IIP(r17, r19)", { "mov cr.iip=r17" }, { "mov r19=$IIP", "st8 [r19]=r17" } },
    { "SSM_PSR_DT_AND_SRLZ_I", { "ssm 0x20000", "srlz.i" }, { "break.m 0x3" } },
    /* ivt.S of 2.6.3x-3.x sets PSR_DEFAULT_BITS to psr.ac (the user mask: sum in xen) */
    { "SSM_PSR_IC_AND_DEFAULT_BITS_AND_SRLZ_I(r3, r14)", { "ssm 0x2008", "srlz.i" },
      { "mov r3=$PSR_IC", "mov r14=1", "st4 [r3]=r14", "sum 0x8" } },
    /* minstate.h, xen/minstate.h */
    { "MOV_FROM_IPSR(p0,r29)", { "mov r29=cr.ipsr" }, { "mov r29=$IPSR", "ld8 r29=[r29]" } },
    { "MOV_FROM_IIP(r28)", { "mov r28=cr.iip" }, { "mov r28=$IIP", "ld8 r28=[r28]" } },
    { "COVER", { "cover" }, { "break.m 0x4" } },
    { "BSW_1(r3,r14)", { "bsw.1" }, { "mov.m r3=ar.unat", FILLS, "mov.m ar.unat=r3" } },
    { "MOV_FROM_ITC(pUStk, p6, r20, r2)", { "(p3) mov.m r20=ar.itc" },
      { "(p3) mov r2=$ITC_OFFSET", "(p3) mov.m r20=ar.itc", "(p3) ld8 r2=[r2]", "(p3) add r20=r20,r2",
        "(p3) cmp.ltu.unc p0,p6=r2,r20", "(p6) adds r20=1,r2", "(p3) st8 [r2]=r20" } },
    /* fsys.S */
    { "RSM_PSR_I(p0, r26, r27)", { "rsm 0x4000" },
      { "mov r26=$PSR_I_ADDR", "ld8 r26=[r26]", "mov r27=1", "st1 [r26]=r27" } },
    { "MOV_FROM_PSR(p0, r29, r26)", { "mov r29=psr" }, { "mov r26=r8", "break.m 0x19", "mov r29=r8", "mov r8=r26" } },
    { "MOV_FROM_ITC(p8, p6, r2, r10)", { "(p8) mov.m r2=ar.itc" },
      { "(p8) mov r10=$ITC_OFFSET", "(p8) mov.m r2=ar.itc", "(p8) add r2=r2,r10", "(p8) cmp.ltu.unc p0,p6=r10,r2",
        "(p6) adds r2=1,r10", "(p8) st8 [r10]=r2" } },
    { "RSM_PSR_BE_I(r20, r22)", { "rsm 0x4002" },
      { "mov r20=$PSR_I_ADDR", "ld8 r20=[r20]", "mov r22=1", "st1 [r20]=r22", "rum 0x2" } },
    /* entry.S (after alloc r15 = ar.pfs, 1, 0, 5, 0) */
    { "MOV_TO_KR(CURRENT, in0, r8, r9)", { "mov.m ar.k6=r32" }, { "mov r8=6", "mov r9=r32", "break.m 0x12" } },
    { "RSM_PSR_IC(r25)", { "rsm 0x2000" }, { "mov r25=$PSR_IC", "st4 [r25]=r0" } },
    { "MOV_TO_ITIR(p0, r25, r8)", { "mov cr.itir=r25" }, { "mov r8=$ITIR", "st8 [r8]=r25" } },
    { "MOV_TO_IFA(in0, r8)", { "mov cr.ifa=r32" }, { "mov r8=$IFA", "st8 [r8]=r32" } },
    { "MOV_TO_KR(CURRENT_STACK, r26, r8, r9)", { "mov.m ar.k4=r26" }, { "mov r8=4", "mov r9=r26", "break.m 0x12" } },
    { "SSM_PSR_IC_AND_SRLZ_D(r8, r9)", { "ssm 0x2000", "srlz.d" },
      { "srlz.d", "mov r8=$PSR_IC", "mov r9=1", "st4 [r8]=r9" } },
    { "RSM_PSR_I(pUStk, r2, r18)", { "(p3) rsm 0x4000" },
      { "(p3) mov r2=$PSR_I_ADDR", "(p3) ld8 r2=[r2]", "(p3) mov r18=1", "(p3) st1 [r2]=r18" } },
    { "MOV_FROM_ITC(pUStk, p9, r22, r19)", { "(p3) mov.m r22=ar.itc" },
      { "(p3) mov.m r22=ar.itc", "(p3) cmp.ltu.unc p0,p9=r19,r22", "(p9) adds r22=1,r19", "(p3) st8 [r19]=r22" } },
    { "RSM_PSR_I_IC(r28, r29, r30)", { "rsm 0x6000" },
      { "mov r28=$PSR_I_ADDR", "mov r29=$PSR_IC", "mov r30=1", "ld8 r28=[r28]", "st1 [r28]=r30", "st4 [r29]=r0" } },
    { "MOV_FROM_PSR(pKStk, r22, r21)", { "(p2) mov r22=psr" },
      { "(p2) mov r21=r8", "(p2) break.m 0x19", "(p2) mov r22=r8", "(p2) mov r8=r21" } },
    { "BSW_0(r2, r3, r15)", { "bsw.0" },
      { "mov.m r15=ar.unat", "mov r2=$BANK1", "mov r3=$BANK1_8", SPILLS("r2", "r3"), "mov.m r3=ar.unat",
        "mov r2=$B1NAT", "st8 [r2]=r3", "mov.m ar.unat=r15", "mov r2=$BANKNUM", "st4 [r2]=r0" } },
    { "MOV_TO_IPSR(p0, r29, r25)", { "mov cr.ipsr=r29" }, { "mov r25=$IPSR", "st8 [r25]=r29" } },
    { "MOV_TO_IFS(p9, r30, r25)", { "(p9) mov cr.ifs=r30" }, { "(p9) mov r25=$IFS", "(p9) st8 [r25]=r30" } },
    { "MOV_TO_IIP(r28, r25)", { "mov cr.iip=r28" }, { "mov r25=$IIP", "st8 [r25]=r28" } },
    { "SSM_PSR_I(p0, p6, r2)", { "ssm 0x4000" },
      { "mov r2=$PSR_I_ADDR", "ld8 r2=[r2]", "st1 [r2]=r0,-1", "ld1 r2=[r2]", "cmp.eq.unc p0,p6=r2,r0",
        "(p6) break.m 0x7" } },
    { "RSM_PSR_I(p0, r17, r31)", { "rsm 0x4000" },
      { "mov r17=$PSR_I_ADDR", "ld8 r17=[r17]", "mov r31=1", "st1 [r17]=r31" } },
    { "RSM_PSR_I_IC(r23, r22, r25)", { "rsm 0x6000" },
      { "mov r23=$PSR_I_ADDR", "mov r22=$PSR_IC", "mov r25=1", "ld8 r23=[r23]", "st1 [r23]=r25", "st4 [r22]=r0" } },
    { "MOV_FROM_PSR(pKStk, r22, r29)", { "(p2) mov r22=psr" },
      { "(p2) mov r29=r8", "(p2) break.m 0x19", "(p2) mov r22=r8", "(p2) mov r8=r29" } },
    { "MOV_FROM_ITC(pUStk, p9, r22, r29)", { "(p3) mov.m r22=ar.itc" },
      { "(p3) mov r29=$ITC_OFFSET", "(p3) add r22=r22,r29", "(p3) cmp.ltu.unc p0,p9=r29,r22", "(p9) adds r22=1,r29" } },
    { "SSM_PSR_I(p15, p15, r3)", { "(p15) ssm 0x4000" },
      { "(p15) mov r3=$PSR_I_ADDR", "(p15) st1 [r3]=r0,-1", "(p15) cmp.eq.unc p0,p15=r3,r0", "(p15) break.m 0x7" } },
    { "ITC_I(p0, r19, r18)", { "itc.i r19" }, { "mov r18=r8", "mov r8=r19", "break.m 0x6", "mov r8=r18" } },
    { "ITC_D(p7, r19, r18)", { "(p7) itc.d r19" },
      { "(p7) mov r18=r8", "(p7) mov r8=r19", "(p7) break.m 0x5", "(p7) mov r8=r18" } },
    { "SSM_PSR_IC_AND_DEFAULT_BITS_AND_SRLZ_I(r15, r24)", { "ssm 0x2000", "srlz.i" },
      { "mov r15=$PSR_IC", "mov r24=1", "st4 [r15]=r24" } },
    /* ivt.S's stacked names (in the frame above: out0 is r33) */
    { "MOV_FROM_IFA(out0)", { "mov r33=cr.ifa" }, { "mov r33=$IFA", "ld8 r33=[r33]" } },
    { "MOV_FROM_ISR(out1)", { "mov r34=cr.isr" }, { "mov r34=$ISR", "ld8 r34=[r34]" } },
    { "MOV_FROM_IIM(out3)", { "mov r36=cr.iim" }, { "mov r36=$IIM", "ld8 r36=[r36]" } },
    { "MOV_FROM_ITIR(out4)", { "mov r37=cr.itir" }, { "mov r37=$ITIR", "ld8 r37=[r37]" } },
    { "MOV_FROM_IFA(out2)", { "mov r35=cr.ifa" }, { "mov r35=$IFA", "ld8 r35=[r35]" } },
    { "MOV_FROM_IVR(out0, r8)", { "mov r33=cr.ivr" }, { "break.m 0x8", "mov r33=r8" } },
    { "SSM_PSR_IC_AND_DEFAULT_BITS_AND_SRLZ_I(r3, out0)", { "ssm 0x2000", "srlz.i" },
      { "mov r3=$PSR_IC", "mov r33=1", "st4 [r3]=r33" } },
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

/* Instructions xen's code must not hold: the privileged ones it replaces. */
static const char *const xen_forbidden[] = { "cr.", "itc.", "rfi", "cover", "bsw.", "ssm ", "rsm ", "thash",
                                             "=psr", "ar.k" };

/* The test source: Linux's definitions the macros need, then the shapes. */
static char *linux_body(const char *inst)
{
    size_t cap = 16384;
    char *s = calloc(1, cap);
    snprintf(s, cap,
             "#include <asm/%s/inst.h>\n"
             "#define PSR_DEFAULT_BITS 0\n#define IA64_KR_CURRENT_STACK 4\n#define IA64_KR_CURRENT 6\n"
             "#define pKStk p2\n#define pUStk p3\n"
             "\t.proc linux_shapes\nlinux_shapes:\n", inst);
    for (size_t k = 0; k < NSHAPES; k++) {
        if (!*shapes[k].src)
            continue;
        if (strcmp(shapes[k].src, "MOV_TO_KR(CURRENT, in0, r8, r9)") == 0)
            strcat(s, "\talloc r15 = ar.pfs, 1, 0, 5, 0\n\tPVP_FRAME(1, 0)\n");
        if (strstr(shapes[k].src, "(r3, r14)"))
            strcat(s, "#undef PSR_DEFAULT_BITS\n#define PSR_DEFAULT_BITS psr.ac\n");
        snprintf(s + strlen(s), cap - strlen(s), "\t%s\n", shapes[k].src);
        if (strstr(shapes[k].src, "(r3, r14)"))
            strcat(s, "#undef PSR_DEFAULT_BITS\n#define PSR_DEFAULT_BITS 0\n");
    }
    strcat(s, "\t.endp linux_shapes\n");
    return s;
}

/* cpp options: pvpatch's Linux headers first; a stand-in asm/xen/privop.h
 * (the kernel's: its XSI_ and XEN_HYPER_ names are not used here). */
static const char *linux_flags(void)
{
    static char flags[1024];
    if (flags[0])
        return flags;
    char dir[512], cmd[1200];
    snprintf(dir, sizeof dir, "%s/linuxinc", tas_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s/asm/xen && echo '/* stand-in */' > %s/asm/xen/privop.h", dir, dir);
    int st;
    free(tas_run(cmd, &st));
    cr_assert_eq(st, 0);
    /* and a stand-in asm/xen/minstate.h: the call shape of XEN_DO_SAVE_MIN
     * (this test's own code, not the kernel's) */
    char path[600];
    snprintf(path, sizeof path, "%s/asm/xen/minstate.h", dir);
    FILE *f = fopen(path, "w");
    fputs("#define XEN_DO_SAVE_MIN(__COVER, SAVE_IFS, EXTRA, WORKAROUND) \\\n"
          "\t{ .mii; mov r16 = r1; nop.i 0; nop.i 0 ;; } ; MOV_FROM_IPSR(p0, r29) ; __COVER ; EXTRA ; WORKAROUND\n", f);
    fclose(f);
    snprintf(flags, sizeof flags, "-Iinclude/pvpatch/ia64/linux -I%s", dir);
    return flags;
}

/* A C build calls with registers of its own choosing: entry.S keeps values
 * in r28-r30 across its macros (MOV_TO_IPSR(p0, r29, r25), ...), which the
 * default set would not keep (an assembly error). These five are no shape's
 * value; the mode objects are built with the same choice. */
#define CALL_REGS "-DPVP_CALL_REGS=20,23,27,31,14"

static void build(const char *form, const char *mode, cli_image *img)
{
    static char flags[1200], objs[1024];
    char *body = linux_body(strcmp(mode, "xen") == 0 ? "xen" : "native");
    if (!objs[0]) {
        snprintf(flags, sizeof flags, "%s %s", linux_flags(), CALL_REGS);
        snprintf(objs, sizeof objs, "%s", pv_mode_objects_with(CALL_REGS));
    }
    pv_build_with(body, form, mode, NULL, flags, objs, img);
    free(body);
}

/* objdump's instructions of a site, nops and a branch over filler left out,
 * stops and zero-padded predicates normalized: one string per line. */
static int site_insns(const cli_image *img, size_t k, char out[][160], int max)
{
    pvp_site s;
    pvp_error e;
    cr_assert_eq(pvp_site_read(pvp_file_image(img->file), &pvp_arch_ia64, img->sites, k, &s, &e), PVP_OK, "%s", e.what);
    tas_bundle b[16];
    int nb = tas_objdump_mem(pvp_image_at(pvp_file_image(img->file), s.addr, s.end - s.addr), s.end - s.addr, s.addr,
                             b, 16);
    int n = 0;
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < b[i].nslots && n < max; j++) {
            const char *in = b[i].insn[j];
            uint64_t t;
            if (strncmp(in, "nop.", 4) == 0 || (strstr(in, "br.") && tas_insn_target(in, 0, &t) == 0 && t == s.end))
                continue;
            char *o = out[n++];
            if (in[0] == '(' && in[2] == '0')
                snprintf(o, 160, "(p%s", in + 3);
            else
                snprintf(o, 160, "%s", in);
            char *stop = strstr(o, ";;");
            if (stop)
                *stop = '\0';
        }
    return n;
}

/* An expectation with the shared area's addresses filled in. */
static void expand(const char *want, char *out, size_t size)
{
    snprintf(out, size, "%s", want);
    for (size_t k = 0; k < sizeof xsi / sizeof xsi[0]; k++) {
        char *at = strstr(out, xsi[k].name);
        if (!at)
            continue;
        char rest[160];
        snprintf(rest, sizeof rest, "%s", at + strlen(xsi[k].name));
        snprintf(at, size - (size_t)(at - out), "%ld%s", xsi[k].value, rest);
        return;
    }
}

/* The site holds the expected instructions, in order (others may come
 * between: the mode's scheduling), and none of the forbidden ones. */
static void expect_site(const cli_image *img, size_t k, const char *const *want, size_t nwant,
                        const char *const *forbid, size_t nforbid, const char *mode)
{
    char insn[48][160];
    int n = site_insns(img, k, insn, 48), at = 0;
    char all[48 * 162] = "";
    for (int i = 0; i < n; i++)
        strcat(strcat(all, insn[i]), "\n");
    for (size_t w = 0; w < nwant && want[w]; w++) {
        char exp[160];
        expand(want[w], exp, sizeof exp);
        while (at < n && strcmp(insn[at], exp) != 0)
            at++;
        cr_expect(at < n, "%s %s: no '%s' in order in:\n%s", mode, shapes[k].src, exp, all);
        if (at == n)
            return;
        at++;
    }
    for (int i = 0; i < n; i++)
        for (size_t f = 0; f < nforbid; f++)
            cr_expect(!strstr(insn[i], forbid[f]), "%s %s: holds '%s'", mode, shapes[k].src, insn[i]);
}

Test(linux_inst, every_macro_in_form_a_means_what_upstream_means)
{
    static const char *const native_forbidden[] = { "break" };
    for (int m = 0; m < 2; m++) {
        cli_image img;
        build("A", m ? "xen" : "native", &img);
        cr_assert_eq(pvp_site_count(img.sites_size), NSHAPES, "%zu sites for %zu shapes",
                     pvp_site_count(img.sites_size), NSHAPES);
        for (size_t k = 0; k < NSHAPES; k++) {
            if (m)
                expect_site(&img, k, shapes[k].xen, MAXE, xen_forbidden, sizeof xen_forbidden / sizeof xen_forbidden[0],
                            "xen");
            else
                expect_site(&img, k, shapes[k].native, 4, native_forbidden, 1, "native");
        }
        cli_image_close(&img);
    }
}

/* The register a stacked name stands for is in the record. */
Test(linux_inst, stacked_names_are_recorded_as_their_registers)
{
    cli_image img;
    build("C", "native", &img);
    for (size_t k = 0; k < NSHAPES; k++) {
        pvp_site s;
        pvp_error e;
        cr_assert_eq(pvp_site_read(pvp_file_image(img.file), &pvp_arch_ia64, img.sites, k, &s, &e), PVP_OK);
        if (strcmp(shapes[k].src, "MOV_FROM_ITIR(out4)") == 0)
            cr_expect_eq(s.regs[0], 37, "out4 after alloc 0,0,5 recorded as r%u", s.regs[0]);
        if (strcmp(shapes[k].src, "MOV_TO_IFA(in0, r8)") == 0)
            cr_expect_eq(s.regs[1], 32, "in0 recorded as r%u", s.regs[1]);
        if (strcmp(shapes[k].src, "MOV_FROM_ITC(p8, p6, r2, r10)") == 0)
            cr_expect(s.qp == 8 && s.pclob == 6 && s.regs[0] == 2 && s.regs[3] == 10, "MOV_FROM_ITC record");
        if (strcmp(shapes[k].src, "RSM_PSR_I_IC(r28, r29, r30)") == 0)
            cr_expect(s.regs[3] == 28 && s.regs[4] == 29 && s.regs[5] == 30, "three clobbers recorded");
    }
    cli_image_close(&img);
}

/* Built as calls (compact: one bundle where the macro stands) and patched:
 * each site holds what the A build of the mode holds, where it stands or
 * out of line, never a call; the patch verifies and every part of every
 * site reassembles without a word. */
static void patch_and_compare(const char *form, const char *build_mode, const char *mode, uint64_t *in_place)
{
    cli_image img, orig, want;
    build(form, build_mode, &img);
    build("A", mode, &want);
    cr_assert(cli_image_open(&orig, pvp_file_path(img.file), (char[256]){ 0 }, 256) == 0);
    pvp_site_result res[NSHAPES];
    pvp_patch_req req = pv_request(&img, mode, PVP_POLICY_BEST, res, NSHAPES);
    pvp_error e;
    cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_OK, "%s-built to %s: %s at 0x%llx (%s)", form, mode, e.what, (unsigned long long)e.addr, pvp_file_path(img.file));
    pvp_mismatch mm[4];
    size_t nmm;
    cr_expect_eq(pvp_verify_patch(pvp_file_image(orig.file), pvp_file_image(img.file), &req, mm, 4, &nmm), PVP_OK,
                 "verify: %s", nmm ? mm[0].what : "");
    for (size_t k = 0; k < NSHAPES; k++) {
        pvp_site a;
        pvp_site_read(pvp_file_image(img.file), &pvp_arch_ia64, img.sites, k, &a, NULL);
        cr_assert(a.ool && a.end - a.addr == 16, "%s-built %s: not a one-bundle compact site", form, shapes[k].src);
        const pvp_image *pi = pvp_file_image(img.file);
        char *msg = pv_reassemble(pvp_image_at(pi, a.addr, 16), a.addr, 16);
        cr_expect(!*msg, "%s-built %s patched to %s: GNU as says:\n%s", form, shapes[k].src, mode, msg);
        free(msg);
        if (res[k].to_form != PVP_FORM_A && !strstr(shapes[k].src, "BSW_0")) {
            /* (bsw.0's spills need their .mem.offset notes, which objdump's text has not) */
            msg = pv_reassemble(pvp_image_at(pi, a.ool, a.ool_end - a.ool), a.ool, a.ool_end - a.ool);
            cr_expect(!*msg, "%s-built %s patched to %s, out of line: GNU as says:\n%s", form, shapes[k].src, mode,
                      msg);
            free(msg);
        }
        char *why = pv_site_a_code(&img, k, &res[k], &want);
        cr_expect(!why, "%s-built %s patched to %s (%s): %s", form, shapes[k].src, mode,
                  pvp_form_name(res[k].to_form), why);
        free(why);
        *in_place += res[k].to_form == PVP_FORM_A;
    }
    cli_image_close(&orig);
    cli_image_close(&want);
    cli_image_close(&img);
}

Test(linux_inst, every_macro_built_as_a_call_patches_to_each_mode)
{
    static const char *const builds[][2] = { { "C", "native" }, { "B", "native" }, { "B", "xen" } };
    char line[512] = "";
    for (size_t b = 0; b < 3; b++)
        for (int m = 0; m < 2; m++) {
            uint64_t in_place = 0;
            patch_and_compare(builds[b][0], builds[b][1], m ? "xen" : "native", &in_place);
            cr_expect(in_place > 0, "no site holds its code where it stands");
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s/%s->%s %llu", *line ? ", " : "",
                     builds[b][0], builds[b][1], m ? "xen" : "native", (unsigned long long)in_place);
        }
    printf("linux_inst: %zu upstream call shapes, compact; where they stand after patching (the rest out of "
           "line): %s\n", NSHAPES, line);
}

/* A stacked name in a frame the site was not told: the record names
 * another register than the code, and the patcher refuses it unchanged. */
Test(linux_inst, a_stacked_name_in_the_wrong_frame_is_stale_not_patched)
{
    const char *body = "#include <asm/native/inst.h>\n\t.proc f\nf:\n\talloc r15 = ar.pfs, 2, 0, 1, 0\n"
                       "\tMOV_FROM_IFA(out0)\n\t.endp f\n";
    cli_image img;
    pv_build_with(body, "A", "native", NULL, linux_flags(), NULL, &img);
    size_t size;
    uint8_t *snap = pv_snapshot(&img, &size);
    pvp_patch_req req = pv_request(&img, "xen", PVP_POLICY_BEST, NULL, 0);
    pvp_error e = { 0, 0, 0, 0, NULL };
    cr_expect_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_E_STALE, "%s", e.what ? e.what : "accepted");
    cr_expect(pv_unchanged(&img, snap, size));
    free(snap);
    cli_image_close(&img);
}

/* Upstream's DO_SAVE_MIN(__COVER, SAVE_IFS, EXTRA, WORKAROUND), as
 * minstate.h's SAVE_MIN_WITH_COVER calls it, with a WORKAROUND whose text
 * is full of commas: in form A each build's own inline; in B and C a block
 * with both, the jump patched to the running mode's body. The definitions
 * are this test's stand-ins, in upstream's call shape (objdump prints the
 * workaround's cmp.ge p6,p7=33,r17 as cmp.lt p7,p6=33,r17). */
Test(linux_inst, do_save_min_is_a_block_of_both_modes_in_b_and_c_builds)
{
    static const char *const src =
        "#include <asm/%s/inst.h>\n"
        "#define IA64_NATIVE_DO_SAVE_MIN(__COVER, SAVE_IFS, EXTRA, WORKAROUND) \\\n"
        "\t{ .mii; mov r16 = r1; nop.i 0; nop.i 0 ;; } ; MOV_FROM_IPSR(p0, r29) ; __COVER ; SAVE_IFS ; EXTRA ; WORKAROUND\n"
        "#define WA { .mii; cmp.ge p6, p7 = 33, r17; nop.i 0; nop.i 0 ;; }\n"
        "\t.align 1024\n"
        "PVP_INSTANCE_BEGIN(iv, PVP_MODE_NATIVE, iv_pvp_start, 0x400)\n"
        "\tDO_SAVE_MIN(COVER, mov r30=cr.ifs, , WA)\n"
        "PVP_INSTANCE_END_PADDED(iv, PVP_MODE_NATIVE, iv_pvp_start, 0x400)\n";
    char body[2048];
    for (int f = 0; f < 3; f++) {
        static const char *const forms[] = { "A", "B", "C" };
        snprintf(body, sizeof body, src, "native");
        cli_image img;
        pv_build_with(body, forms[f], "native", NULL, linux_flags(), NULL, &img);
        size_t n = pvp_site_count(img.sites_size);
        const pvp_image *pi = pvp_file_image(img.file);
        if (f == 0) {
            cr_expect_eq(n, 2, "form A: MOV_FROM_IPSR and COVER, inline");
            cli_image_close(&img);
            continue;
        }
        cr_assert_eq(n, 2, "form %s: two bodies", forms[f]);
        pvp_site bn, bx;
        pvp_site_read(pi, &pvp_arch_ia64, img.sites, 0, &bn, NULL);
        pvp_site_read(pi, &pvp_arch_ia64, img.sites, 1, &bx, NULL);
        cr_assert(bn.form == PVP_FORM_BLOCK && bx.form == PVP_FORM_BLOCK && bn.op == PVP_OP_SAVE_MIN &&
                  bn.mode == PVP_MODE_NATIVE && bx.mode == PVP_MODE_XEN);
        char *tn = pv_objdump_text(pvp_image_at(pi, bn.ool, bn.ool_end - bn.ool), bn.ool, bn.ool_end - bn.ool);
        char *tx = pv_objdump_text(pvp_image_at(pi, bx.ool, bx.ool_end - bx.ool), bx.ool, bx.ool_end - bx.ool);
        cr_expect(strstr(tn, "mov r29=cr.ipsr") && strstr(tn, "cover") && strstr(tn, "mov r30=cr.ifs") &&
                  strstr(tn, "cmp.lt p7,p6=33,r17"), "native's body:\n%s", tn);
        cr_expect(strstr(tx, "ld8 r29=[r29]") && strstr(tx, "break.m 0x4") && !strstr(tx, "cr.") &&
                  strstr(tx, "cmp.lt p7,p6=33,r17"), "xen's body:\n%s", tx);
        free(tn);
        free(tx);
        pvp_install_req ireq = { &pvp_arch_ia64, img.set, img.count, 0, cli_image_vtop, &img, NULL, NULL, 0, NULL, 0 };
        cr_assert_eq(pvp_install(pvp_file_image(img.file), &ireq, NULL, NULL), PVP_OK);
        img.set[0].flags |= PVP_INSTANCE_F_INSTALLED;
        pvp_patch_req req = pv_request(&img, "xen", PVP_POLICY_BEST, NULL, 0);
        pvp_error e;
        cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_OK, "%s", e.what);
        tas_bundle b[1];
        uint64_t t = 0;
        tas_objdump_mem(pvp_image_at(pi, bn.addr, 16), 16, bn.addr, b, 1);
        cr_expect(tas_insn_target(b[0].insn[2], 0, &t) == 0 && t == bx.ool, "patched to xen: %s", b[0].insn[2]);
        cli_image_close(&img);
    }
}

/* An operation of the user's own: declared with PVP_EXTRA_OPS, a body per
 * mode, used with PVP_SITE; built as C, it patches inline in each mode. */
Test(linux_inst, an_operation_the_user_declares_patches_like_a_builtin)
{
    const char *ops =
        "#define PVP_EXTRA_OPS(X) X(SSM_IC_AC, N)\n"
        "#define PVP_OP_SSM_IC_AC (PVP_OP_BUILTIN + 1)\n"
        "#define PVP_OP_LAST PVP_OP_SSM_IC_AC\n"
        "#ifdef __ASSEMBLER__\n"
        ".macro pvp_native_SSM_IC_AC qp, dst, s1, s2, c1, c2, c3, pc\n"
        "    { .mmi; (\\qp) ssm psr.ic | psr.ac ;; (\\qp) srlz.i; nop.i 0 ;; }\n"
        ".endm\n"
        ".macro pvp_xen_SSM_IC_AC qp, dst, s1, s2, c1, c2, c3, pc\n"
        "    { .mmi; (\\qp) addl \\c1 = -1029104, r0; (\\qp) mov \\c2 = 1; nop.i 0 ;; }\n"
        "    { .mmi; (\\qp) st4 [\\c1] = \\c2; (\\qp) sum psr.ac; nop.i 0 ;; }\n"
        ".endm\n"
        "#endif\n";
    char path[512], flags[1024];
    cr_assert(tas_write_file("userops.h", ops, strlen(ops), path, sizeof path) == 0);
    snprintf(flags, sizeof flags, "-include %s", path);
    const char *objs = pv_mode_objects_with(flags);
    char objcopy[1024];
    snprintf(objcopy, sizeof objcopy, "%s", objs);
    cli_image img;
    pv_build_with("PVP_SITE(SSM_IC_AC, p7, r0, r0, r0, r24, r25, r0, p0)\n", "C", "native", NULL, flags, objcopy, &img);
    static const char *const want[][3] = { { "native", "(p7) ssm 0x2008", "(p7) srlz.i" },
                                           { "xen", "(p7) st4 [r24]=r25", "(p7) sum 0x8" } };
    for (int m = 0; m < 2; m++) {
        pvp_site_result res[1];
        pvp_patch_req req = pv_request(&img, want[m][0], PVP_POLICY_BEST, res, 1);
        pvp_error e;
        cr_assert_eq(pvp_patch(pvp_file_image(img.file), &req, NULL, &e), PVP_OK, "%s: %s", want[m][0], e.what);
        cr_expect_eq(res[0].op, PVP_OP_BUILTIN + 1);
        cr_expect_eq(res[0].to_form, PVP_FORM_A, "%s: %s", want[m][0], res[0].why_not_a ? res[0].why_not_a : "");
        char insn[16][160];
        int n = site_insns(&img, 0, insn, 16), found = 0;
        for (int i = 0; i < n; i++)
            found += strcmp(insn[i], want[m][1]) == 0 || strcmp(insn[i], want[m][2]) == 0;
        cr_expect_eq(found, 2, "%s: the user's code is not at the site", want[m][0]);
    }
    /* the tools name it (the mode objects give its name in .pvpatch.names) */
    const char *pv = getenv("PVPATCH");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s sites %s && %s patch %s --mode xen -o %s.x && %s sites %s --json",
             pv ? pv : "build/pvpatch", pvp_file_path(img.file), pv ? pv : "build/pvpatch", pvp_file_path(img.file),
             pvp_file_path(img.file), pv ? pv : "build/pvpatch", pvp_file_path(img.file));
    int st;
    char *out = tas_run(cmd, &st);
    cr_expect(st == 0 && strstr(out, "site 0xa000000100000000 SSM_IC_AC ") && strstr(out, "\"op\":\"SSM_IC_AC\"") &&
              !strstr(out, " ? "), "the CLI does not name the user's operation:\n%s", out);
    free(out);
    cli_image_close(&img);
}

/* Instances shorter than their slot are padded to it; a longer one is an
 * assembly error; code without brackets gets a descriptor of the size the
 * caller gives (how upstream-ivt describes Linux's ivt.S). */
Test(linux_inst, instances_are_padded_to_their_slot_or_described_without_brackets)
{
    const char *body =
        "\t.align 256\n"
        "PVP_INSTANCE_BEGIN(ia, PVP_MODE_NATIVE, ia_pvp_start, 0x100)\n"
        "PV_READ_IFA(r16, r24, r25)\n"
        "PVP_INSTANCE_END_PADDED(ia, PVP_MODE_NATIVE, ia_pvp_start, 0x100)\n"
        "PVP_INSTANCE_BEGIN(ib, PVP_MODE_XEN, ia_pvp_start, 0x100)\n"
        "PV_READ_IFA(r16, r24, r25)\nPV_ITC_D(r17, r24, r25)\nPV_RFI(r24, r25)\n"
        "PVP_INSTANCE_END_PADDED(ib, PVP_MODE_XEN, ia_pvp_start, 0x100)\n"
        "unbracketed:\n\tPV_READ_ISR(r16, r24, r25)\n"
        "\tPVP_INSTANCE_DESCRIBE(ic, PVP_MODE_XEN, unbracketed, 0x40, ia_pvp_start, 0x100)\n";
    cli_image img;
    pv_build(body, "A", "native", &img);
    cr_assert_eq(img.count, 3);
    for (size_t k = 0; k < 2; k++)
        cr_expect(img.set[k].size == 0x100 && img.set[k].slot_size == 0x100, "%s: %llu bytes", img.set[k].name,
                  (unsigned long long)img.set[k].size);
    cr_expect_eq(img.set[1].copy, img.set[0].copy + 0x100, "the first instance was padded to its slot");
    cr_expect(strcmp(img.set[2].name, "ic") == 0 && img.set[2].size == 0x40 && img.set[2].copy == img.set[1].copy + 0x100
              && img.set[2].fixups == img.set[2].fixups_end, "the described instance");
    cli_image_close(&img);
    char *msg;
    const char *too_long = "PVP_INSTANCE_BEGIN(ia, PVP_MODE_NATIVE, ia_pvp_start, 0x20)\n"
                           "PV_READ_IFA(r16, r24, r25)\nPV_READ_ISR(r16, r24, r25)\nPV_READ_IIP(r16, r24, r25)\n"
                           "PVP_INSTANCE_END_PADDED(ia, PVP_MODE_NATIVE, ia_pvp_start, 0x20)\n";
    int st = pv_assemble(too_long, "A", "native", NULL, &msg);
    cr_expect(st != 0 && strstr(msg, ".org backwards"), "an instance longer than its slot assembled (%d):\n%s", st, msg);
    free(msg);
}
