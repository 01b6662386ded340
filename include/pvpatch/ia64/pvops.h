/* The pv operations of IA-64: every virtualization-sensitive operation an
 * IVT uses, as one list. Usable from C and, through cpp, from assembler.
 *
 * PVP_IA64_OPS(X) calls X(NAME, shape) once per operation, in id order. The
 * shape says which operand registers a use names:
 *   R   a result:                      PV_READ_IFA(regr, clob1, clob2)
 *   W   a value:                       PV_ITC_D(regv, clob1, clob2)
 *   RW  a result and a value:          PV_THASH(regr, regv, clob1, clob2)
 *   WW  two values:                    PV_PTC_GA(regv1, regv2, clob1, clob2)
 *   N   none:                          PV_RSM_IC(clob1, clob2)
 *   K   a block: each mode's body is assembled at the site (PVP_BLOCK_BEGIN,
 *       site.h); no stub, no template
 * Operation ids (PVP_OP_*) are part of the record format: new operations go
 * at the end, ids are never reused. */
#ifndef PVPATCH_IA64_PVOPS_H
#define PVPATCH_IA64_PVOPS_H

#define PVP_IA64_OPS(X) \
    X(READ_IFA, R)    X(READ_ITIR, R)   X(READ_ISR, R)    X(READ_IHA, R)    \
    X(READ_IPSR, R)   X(READ_IIM, R)    X(READ_IIP, R)    X(READ_IFS, R)    \
    X(READ_IIPA, R)   X(READ_IVR, R)    X(READ_TPR, R)                      \
    X(WRITE_IFA, W)   X(WRITE_ITIR, W)  X(WRITE_IHA, W)   X(WRITE_IPSR, W)  \
    X(WRITE_IFS, W)   X(WRITE_IIP, W)   X(WRITE_EOI, W)   X(WRITE_TPR, W)   \
    X(READ_PSR, R)    X(WRITE_PSR_L, W)                                     \
    X(SSM_I, N)       X(RSM_I, N)       X(SSM_IC, N)      X(RSM_IC, N)      \
    X(SSM_DT, N)      X(RSM_DT, N)                                          \
    X(ITC_I, W)       X(ITC_D, W)                                           \
    X(PTC_L, WW)      X(PTC_G, WW)      X(PTC_GA, WW)     X(PTC_E, W)       \
    X(THASH, RW)      X(TTAG, RW)       X(TPA, RW)        X(TAK, RW)        \
    X(COVER, N)       X(BSW_0, N)       X(BSW_1, N)       X(RFI, N)         \
    X(FC, W)          X(READ_ITC, R)    X(READ_EFLAG, R)  X(WRITE_EFLAG, W) \
    X(READ_CPUID, RW) X(READ_PMD, RW)                                       \
    X(WRITE_KR0, W)   X(WRITE_KR1, W)   X(WRITE_KR2, W)   X(WRITE_KR3, W)   \
    X(WRITE_KR4, W)   X(WRITE_KR5, W)   X(WRITE_KR6, W)   X(WRITE_KR7, W)   \
    X(RSM_I_IC, N)    X(RSM_BE_I, N)    X(SSM_IC_SRLZ_D, N) X(SSM_IC_SRLZ_I, N) \
    X(SSM_DT_SRLZ_I, N) X(SSM_I_P, N)   X(READ_ITC_P, R)  X(SSM_IC_AC_SRLZ_I, N) \
    X(SAVE_MIN, K)                                                          \
    PVP_EXTRA_OPS(X)

/* Operations a user adds without changing pvpatch: define, before including
 * any pvpatch/ia64 header (in the sources and in the mode objects alike),
 *     #define PVP_EXTRA_OPS(X) X(MY_OP, N) X(MY_OTHER, RW)
 *     #define PVP_OP_MY_OP    (PVP_OP_BUILTIN + 1)
 *     #define PVP_OP_MY_OTHER (PVP_OP_BUILTIN + 2)
 *     #define PVP_OP_LAST     PVP_OP_MY_OTHER
 * (ids follow the built-in ones, in list order) and give each mode its body
 * (.macro pvp_native_MY_OP qp, dst, s1, s2, c1, c2, c3, pc ...). A site is
 * PVP_SITE(MY_OP, qp, dst, s1, s2, c1, c2, c3, pc). */
#ifndef PVP_EXTRA_OPS
#define PVP_EXTRA_OPS(X)
#endif

/* Operation ids, 1-based in list order (0 is "no operation"). */
#define PVP_OP_READ_IFA     1
#define PVP_OP_READ_ITIR    2
#define PVP_OP_READ_ISR     3
#define PVP_OP_READ_IHA     4
#define PVP_OP_READ_IPSR    5
#define PVP_OP_READ_IIM     6
#define PVP_OP_READ_IIP     7
#define PVP_OP_READ_IFS     8
#define PVP_OP_READ_IIPA    9
#define PVP_OP_READ_IVR     10
#define PVP_OP_READ_TPR     11
#define PVP_OP_WRITE_IFA    12
#define PVP_OP_WRITE_ITIR   13
#define PVP_OP_WRITE_IHA    14
#define PVP_OP_WRITE_IPSR   15
#define PVP_OP_WRITE_IFS    16
#define PVP_OP_WRITE_IIP    17
#define PVP_OP_WRITE_EOI    18
#define PVP_OP_WRITE_TPR    19
#define PVP_OP_READ_PSR     20
#define PVP_OP_WRITE_PSR_L  21
#define PVP_OP_SSM_I        22
#define PVP_OP_RSM_I        23
#define PVP_OP_SSM_IC       24
#define PVP_OP_RSM_IC       25
#define PVP_OP_SSM_DT       26
#define PVP_OP_RSM_DT       27
#define PVP_OP_ITC_I        28
#define PVP_OP_ITC_D        29
#define PVP_OP_PTC_L        30
#define PVP_OP_PTC_G        31
#define PVP_OP_PTC_GA       32
#define PVP_OP_PTC_E        33
#define PVP_OP_THASH        34
#define PVP_OP_TTAG         35
#define PVP_OP_TPA          36
#define PVP_OP_TAK          37
#define PVP_OP_COVER        38
#define PVP_OP_BSW_0        39
#define PVP_OP_BSW_1        40
#define PVP_OP_RFI          41
#define PVP_OP_FC           42
#define PVP_OP_READ_ITC     43
#define PVP_OP_READ_EFLAG   44
#define PVP_OP_WRITE_EFLAG  45
#define PVP_OP_READ_CPUID   46
#define PVP_OP_READ_PMD     47
#define PVP_OP_WRITE_KR0    48
#define PVP_OP_WRITE_KR1    49
#define PVP_OP_WRITE_KR2    50
#define PVP_OP_WRITE_KR3    51
#define PVP_OP_WRITE_KR4    52
#define PVP_OP_WRITE_KR5    53
#define PVP_OP_WRITE_KR6    54
#define PVP_OP_WRITE_KR7    55
/* Composite operations of Linux's pv macros (psr masks and serializations
 * that are one operation in every mode). */
#define PVP_OP_RSM_I_IC       56   /* rsm psr.i | psr.ic */
#define PVP_OP_RSM_BE_I       57   /* rsm psr.be | psr.i */
#define PVP_OP_SSM_IC_SRLZ_D  58   /* ssm psr.ic ;; srlz.d */
#define PVP_OP_SSM_IC_SRLZ_I  59   /* ssm psr.ic ;; srlz.i */
#define PVP_OP_SSM_DT_SRLZ_I  60   /* ssm psr.dt ;; srlz.i */
#define PVP_OP_SSM_I_P        61   /* ssm psr.i, with a predicate the code may clobber */
#define PVP_OP_READ_ITC_P     62   /* ar.itc, with a predicate the code may clobber */
#define PVP_OP_SSM_IC_AC_SRLZ_I 63 /* ssm psr.ic | psr.ac ;; srlz.i */
/* Blocks: what is not one instruction, each mode's body at the site. */
#define PVP_OP_SAVE_MIN       64   /* Linux's DO_SAVE_MIN (xen's lazy cover) */
#define PVP_OP_BUILTIN      64     /* the last built-in id */
#ifndef PVP_OP_LAST
#define PVP_OP_LAST         PVP_OP_BUILTIN
#endif
/* Entries of an ops table but the unused 0. */
#define PVP_OP_COUNT        PVP_OP_LAST

/* Registers of the B and C calling convention (docs/pvops.md), chosen by
 * the build: -DPVP_CALL_REGS=arg1,arg2,saveb,ret,scratch (register numbers
 * in r1-r31, r8 and r9 aside, given alike to the objects with sites and to
 * the mode objects). arg1 is the first value in and the result out, arg2
 * the second value in, saveb holds the site's b7 across the call, ret the
 * return address; stubs may clobber scratch. By default r28, r29, r30,
 * r31, r27. b7 is the branch register of the call and of the return. */
#ifndef PVP_CALL_REGS
#define PVP_CALL_REGS 28, 29, 30, 31, 27
#endif
#define PVP_CALL_PICK_(f, args) f args
#define PVP_CALL_1_(a, b, s, r, x) a
#define PVP_CALL_2_(a, b, s, r, x) b
#define PVP_CALL_3_(a, b, s, r, x) s
#define PVP_CALL_4_(a, b, s, r, x) r
#define PVP_CALL_5_(a, b, s, r, x) x
#define PVP_CALL_MASK_(a, b, s, r, x) ((1 << (a)) | (1 << (b)) | (1 << (s)) | (1 << (r)) | (1 << (x)))
#define PVP_CALL_REG_(n) PVP_CALL_REG__(n)
#define PVP_CALL_REG__(n) r##n
#define PVP_ABI_ARG1_N    PVP_CALL_PICK_(PVP_CALL_1_, (PVP_CALL_REGS))
#define PVP_ABI_ARG2_N    PVP_CALL_PICK_(PVP_CALL_2_, (PVP_CALL_REGS))
#define PVP_ABI_SAVEB_N   PVP_CALL_PICK_(PVP_CALL_3_, (PVP_CALL_REGS))
#define PVP_ABI_RET_N     PVP_CALL_PICK_(PVP_CALL_4_, (PVP_CALL_REGS))
#define PVP_ABI_SCRATCH_N PVP_CALL_PICK_(PVP_CALL_5_, (PVP_CALL_REGS))
#define PVP_ABI_ARG1    PVP_CALL_REG_(PVP_ABI_ARG1_N)
#define PVP_ABI_ARG2    PVP_CALL_REG_(PVP_ABI_ARG2_N)
#define PVP_ABI_SAVEB   PVP_CALL_REG_(PVP_ABI_SAVEB_N)
#define PVP_ABI_RET     PVP_CALL_REG_(PVP_ABI_RET_N)
#define PVP_ABI_SCRATCH PVP_CALL_REG_(PVP_ABI_SCRATCH_N)
#ifdef __ASSEMBLER__
#define PVP_ABI_GR_MASK PVP_CALL_PICK_(PVP_CALL_MASK_, (PVP_CALL_REGS))   /* r0-r31 bits, for gas */
#endif
#define PVP_ABI_BR      7

/* Placeholder registers of templates: the engine substitutes the site's
 * registers for them. Stacked registers an IVT cannot use. */
#define PVP_PH_DST      r120
#define PVP_PH_SRC1     r121
#define PVP_PH_SRC2     r122
#define PVP_PH_CLOB1    r123
#define PVP_PH_CLOB2    r124
#define PVP_PH_CLOB3    r125
#define PVP_PH_PCLOB    p63        /* the predicate clobber */
#define PVP_PH_FIRST    120
#define PVP_PH_COUNT    6

#endif
