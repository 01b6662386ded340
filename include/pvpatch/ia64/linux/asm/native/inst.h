/* Linux's asm/native/inst.h for a pvpatch build (include/pvpatch/ia64/linux
 * first on the include path): the pv macros are pvpatch sites, in form A
 * native code, or as calls (-DPVP_FORM=PVP_FORM_B, PVP_FORM_C) patched at
 * boot to the running mode. See pvpatch-linux.h. */
#ifndef PVPATCH_IA64_LINUX_ASM_NATIVE_INST_H
#define PVPATCH_IA64_LINUX_ASM_NATIVE_INST_H

#ifndef PVP_BUILD_MODE
#define PVP_BUILD_MODE native
#endif
#include "pvpatch-linux.h"

/* The names the native build gives the code paravirt_inst.h shares; in B
 * and C builds DO_SAVE_MIN is a block of both modes' (pvpatch-linux.h),
 * for which xen's comes from the tree too. */
#ifdef PVP_LINUX_SAVE_MIN_BLOCK
#include <asm/xen/privop.h>
#include <asm/xen/minstate.h>
#define DO_SAVE_MIN                               PVP_LINUX_DO_SAVE_MIN
#else
#define DO_SAVE_MIN                               IA64_NATIVE_DO_SAVE_MIN
#endif
#define __paravirt_switch_to                      ia64_native_switch_to
#define __paravirt_leave_syscall                  ia64_native_leave_syscall
#define __paravirt_work_processed_syscall         ia64_native_work_processed_syscall
#define __paravirt_leave_kernel                   ia64_native_leave_kernel
#define __paravirt_pending_syscall_end            ia64_work_pending_syscall_end
#define __paravirt_work_processed_syscall_target  ia64_work_processed_syscall
#define paravirt_fsyscall_table                   ia64_native_fsyscall_table
#define paravirt_fsys_bubble_down                 ia64_native_fsys_bubble_down

/* With -DPVP_LINUX_IVT=name (pvpatch-linux.h): the descriptor, and the code
 * of this build that the xen build calls, which stays in the slot whatever
 * is installed: ia64_syscall_setup, from its start to the end of entry 14
 * (0x3800-0x3bff, where ivt.S keeps it), and with
 * CONFIG_VIRT_CPU_ACCOUNTING_NATIVE account_sys_enter in entry 16. The xen
 * build leaves those bytes empty (its .org pads them). */
#ifdef PVP_LINUX_IVT
#ifdef __ASSEMBLER__
    PVP_LINUX_IVT_DESCRIBE()
    pvp_resident ia64_syscall_setup, ia64_ivt + 0x3c00
#ifdef CONFIG_VIRT_CPU_ACCOUNTING_NATIVE
    pvp_resident account_sys_enter, ia64_ivt + 0x4400
#endif
#endif
#endif

#endif
