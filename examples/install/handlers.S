/* One source, assembled once per mode: -DMODE_XEN builds the Xen instance
 * into discardable init text, otherwise the native instance at ia64_ivt.
 * (Sensitive instructions stay raw here; pv operation macros come later.) */
#include "pvpatch/ia64/instance.h"

#ifdef MODE_XEN
        .section .init.pvinst, "ax"
        .align 32
#define INSTANCE xen
#define MODE     PVP_MODE_XEN
#else
        .section .text.ivt, "ax"
        .align 32768
        .global ia64_ivt
ia64_ivt:
#define INSTANCE native
#define MODE     PVP_MODE_NATIVE
#endif

PVP_INSTANCE_BEGIN(INSTANCE, MODE, ia64_ivt, 0x800)
base:
/* 0x000: alternate data TLB miss: identity-map cr.ifa, or fault out. */
alt_dtlb_miss:
        mov r16 = cr.ifa
        mov r29 = b0
        PVP_LOAD_PHYSICAL(p0, r17, swapper_pg_dir)
        ;;
        extr.u r19 = r16, 61, 3
        ;;
        cmp.eq p6, p7 = 7, r19
(p7)    br.cond.spnt.many page_fault            // leaves the instance
        ;;
        PVP_MOVL_SELF(p0, r18, nested_continue)  // where a nested miss resumes
        ;;
        itc.d r17
        ;;
        rfi
        ;;
        .org base + 0x400
/* 0x400: break: system call entry out in kernel text, or far away. */
break_fault:
        mov r16 = cr.iim
        ;;
        cmp.eq p6, p7 = 0, r16
(p6)    br.call.sptk.many b0 = syscall_entry     // leaves the instance
        ;;
        brl.cond.sptk.many far_handler           // beyond +-16 MiB
        ;;
nested_continue:
        br.cond.sptk.many alt_dtlb_miss          // stays inside
        ;;
        .org base + 0x800
PVP_INSTANCE_END(INSTANCE, MODE, ia64_ivt, 0x800)
