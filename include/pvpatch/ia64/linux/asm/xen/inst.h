/* Linux's asm/xen/inst.h for a pvpatch build (include/pvpatch/ia64/linux
 * first on the include path): the pv macros are pvpatch sites, in form A
 * the xen mode's code (after the Xen/ia64 guest ABI), or as calls
 * (-DPVP_FORM=PVP_FORM_B, PVP_FORM_C). See pvpatch-linux.h. Linux's own
 * asm/xen/privop.h still gives XSI_* and XEN_HYPER_* to its xen minstate.h. */
#ifndef PVPATCH_IA64_LINUX_ASM_XEN_INST_H
#define PVPATCH_IA64_LINUX_ASM_XEN_INST_H

#include <asm/xen/privop.h>

#ifndef PVP_BUILD_MODE
#define PVP_BUILD_MODE xen
#endif
#include "pvpatch-linux.h"

/* The names the xen build gives the code paravirt_inst.h shares. */
#define ia64_ivt                                  xen_ivt
#ifdef PVP_LINUX_SAVE_MIN_BLOCK
#define DO_SAVE_MIN                               PVP_LINUX_DO_SAVE_MIN
#else
#define DO_SAVE_MIN                               XEN_DO_SAVE_MIN
#endif
#define __paravirt_switch_to                      xen_switch_to
#define __paravirt_leave_syscall                  xen_leave_syscall
#define __paravirt_work_processed_syscall         xen_work_processed_syscall
#define __paravirt_leave_kernel                   xen_leave_kernel
#define __paravirt_pending_syscall_end            xen_work_pending_syscall_end
#define __paravirt_work_processed_syscall_target  xen_work_processed_syscall
#define paravirt_fsyscall_table                   xen_fsyscall_table
#define paravirt_fsys_bubble_down                 xen_fsys_bubble_down

/* With -DPVP_LINUX_IVT=name (pvpatch-linux.h): the descriptor of this
 * build, code from xen_ivt, canonical slot the native build's ia64_ivt. */
#ifdef __ASSEMBLER__
    PVP_LINUX_IVT_DESCRIBE()
#endif

#endif
