/* Test support for pvpatch check: small IA-64 kernels with two instances of
 * one body (native at the canonical slot ia64_ivt, xen in a discardable copy)
 * that use pv operations, each instance assembled on its own as the real
 * build does, linked with the three mode objects by GNU ld. Fields of the
 * spec change one thing at a time, to build deliberately broken variants. */
#ifndef PVP_TEST_CHECKKERNEL_H
#define PVP_TEST_CHECKKERNEL_H

#include <stdint.h>

#define CK_SLOT 0x800       /* bytes of the canonical slot (128 bundles) */

typedef struct ck_spec {
    const char *body;         /* gas text of the macro `body name`: the instance's code */
    const char *form;         /* PVP_FORM of both instances: "A" (default), "B", "C" */
    const char *native_mode;  /* PVP_BUILD_MODE of the native instance (default "native") */
    const char *xen_mode;     /* PVP_BUILD_MODE of the xen instance (default "xen") */
    const char *head;         /* code in .text, outside every instance (may be NULL) */
    const char *ivt_pad;      /* code in .text.ivt before ia64_ivt (may be NULL) */
    const char *xen_tail;     /* code after the xen instance's slot, inside it (may be NULL) */
    const char *copy_addr;    /* where .init.pvinst is linked (default 0xa000000100100000) */
    const char *lds;          /* more linker-script lines, e.g. symbol assignments (may be NULL) */
} ck_spec;

/* What ck_build made: the linked image and the two objects. */
typedef struct ck_kernel {
    char elf[512];
    char native_obj[512];
    char xen_obj[512];
} ck_kernel;

/* Assemble both instances and link the kernel; fails the test on any error. */
void ck_build(const ck_spec *spec, ck_kernel *k);
/* The value of a symbol of an ELF file; fails the test if it has none. */
uint64_t ck_symbol(const char *path, const char *name);

#endif
