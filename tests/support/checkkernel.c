/* Test support: kernels for pvpatch check (see checkkernel.h). */
#include "checkkernel.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binutils.h"
#include "pvkernel.h"
#include "elf/elf_image.h"

/* One source, assembled once per instance (-DCK_NATIVE or not), as a real
 * single-source build is; the native object also holds the kernel text. */
static const char *const ck_source =
    "#include \"pvpatch/ia64/site.h\"\n"
    "#include \"pvpatch/ia64/modes/native.h\"\n"
    "#include \"pvpatch/ia64/modes/xen.h\"\n"
    "#include \"pvpatch/ia64/modes/counting.h\"\n"
    ".macro body name\n%s\n.endm\n"
    "#ifdef CK_NATIVE\n"
    "        .text\n"
    "        .global outside_fn\n"
    "outside_fn: { .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }\n"
    "%s\n"
    "        .data\n"
    "        .global swapper_pg_dir\n"
    "swapper_pg_dir: data8 0\n"
    "        .section .text.ivt, \"ax\"\n"
    "        .align 32768\n"
    "%s\n"
    "        .global ia64_ivt\n"
    "ia64_ivt:\n"
    "PVP_INSTANCE_BEGIN(native, PVP_MODE_NATIVE, ia64_ivt, %#x)\n"
    "        body native\n"
    "        .org native_pvp_start + %#x\n"
    "PVP_INSTANCE_END(native, PVP_MODE_NATIVE, ia64_ivt, %#x)\n"
    "#else\n"
    "        .section .init.pvinst, \"ax\"\n"
    "        .align 32\n"
    "PVP_INSTANCE_BEGIN(xen, PVP_MODE_XEN, ia64_ivt, %#x)\n"
    "        body xen\n"
    "        .org xen_pvp_start + %#x\n"
    "%s\n"
    "PVP_INSTANCE_END(xen, PVP_MODE_XEN, ia64_ivt, %#x)\n"
    "#endif\n";

/* Kernel text, the IVT slot, the stubs and tables, then the discardable copy. */
static const char *const ck_lds =
    "ENTRY(outside_fn)\n"
    "SECTIONS {\n"
    "  . = 0xa000000100000000;\n"
    "  .text : AT(0x4000000) { *(.text) *(.text.pvpatch.stubs) }\n"
    "  . = ALIGN(32768);\n"
    "  .text.ivt : { *(.text.ivt) }\n"
    "  .data : ALIGN(16) { *(.data) *(.data.*) }\n"
    "  . = %s;\n"
    "  .init.pvinst : { *(.init.pvinst) }\n"
    "  INCLUDE pvpatch.lds\n"
    "  /DISCARD/ : { *(.IA_64.unwind*) }\n"
    "%s"
    "}\n";

static const char *or_default(const char *s, const char *def)
{
    return s ? s : def;
}

/* cpp and as for one instance; assembler warnings on dependencies are expected in generated code. */
static void assemble(const char *src, const char *obj, const char *defs)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "gcc -E -P -x assembler-with-cpp -Iinclude %s %s -o %s.s && "
             TAS_AS " -xexplicit %s.s -o %s 2>&1 | grep -v 'violates .* dependency\\|first path\\|conflicting usage"
             "\\|Info: macro\\|Assembler messages'; test -s %s",
             defs, src, obj, obj, obj, obj);
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert(st == 0 && !strstr(out, "rror"), "assembling %s (%s) failed:\n%s", src, defs, out);
    free(out);
}

void ck_build(const ck_spec *spec, ck_kernel *k)
{
    static int seq;
    char src[512], lds[512], defs[256], cmd[4096];
    const char *dir = tas_tmpdir();
    seq++;
    snprintf(src, sizeof src, "%s/ck%d.S", dir, seq);
    snprintf(lds, sizeof lds, "%s/ck%d.lds", dir, seq);
    snprintf(k->native_obj, sizeof k->native_obj, "%s/ck%d-native.o", dir, seq);
    snprintf(k->xen_obj, sizeof k->xen_obj, "%s/ck%d-xen.o", dir, seq);
    snprintf(k->elf, sizeof k->elf, "%s/ck%d.elf", dir, seq);
    FILE *f = fopen(src, "w");
    cr_assert(f);
    fprintf(f, ck_source, spec->body, or_default(spec->head, ""), or_default(spec->ivt_pad, ""), CK_SLOT, CK_SLOT,
            CK_SLOT, CK_SLOT, CK_SLOT, or_default(spec->xen_tail, ""), CK_SLOT);
    fclose(f);
    f = fopen(lds, "w");
    cr_assert(f);
    fprintf(f, ck_lds, or_default(spec->copy_addr, "0xa000000100100000"), or_default(spec->lds, ""));
    fclose(f);
    const char *form = or_default(spec->form, "A");
    snprintf(defs, sizeof defs, "-DCK_NATIVE -DPVP_FORM=PVP_FORM_%s -DPVP_BUILD_MODE=%s", form,
             or_default(spec->native_mode, "native"));
    assemble(src, k->native_obj, defs);
    snprintf(defs, sizeof defs, "-DPVP_FORM=PVP_FORM_%s -DPVP_BUILD_MODE=%s", form, or_default(spec->xen_mode, "xen"));
    assemble(src, k->xen_obj, defs);
    snprintf(cmd, sizeof cmd, TAS_LD " --no-warn-rwx-segments -L include/pvpatch/ia64 -T %s %s %s %s -o %s 2>&1", lds,
             k->native_obj, k->xen_obj, pv_mode_objects(), k->elf);
    int st;
    char *out = tas_run(cmd, &st);
    cr_assert(st == 0 && !*out, "linking %s failed:\n%s", k->elf, out);
    free(out);
}

uint64_t ck_symbol(const char *path, const char *name)
{
    char err[PVP_ERR_SIZE];
    pvp_file *f = pvp_file_open_elf(path, err, sizeof err);
    cr_assert(f, "%s", err);
    const pvp_symbol *s = pvp_file_symbol_by_name(f, name);
    cr_assert(s, "%s has no symbol %s", path, name);
    uint64_t v = s->value;
    pvp_file_close(f);
    return v;
}
