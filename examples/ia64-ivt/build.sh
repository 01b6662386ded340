#!/bin/sh
# Build the example IVT in every form and link the example kernels.
# Usage, from the repository root: sh examples/ia64-ivt/build.sh OUTDIR
#
#   kernel-a.elf  native A-form IVT at ia64_ivt; xen and counting A-form
#                 instances in .init.pvinst (boot installs one by copy)
#   kernel-c.elf  the C-form IVT at ia64_ivt (boot patches it C -> A/B)
#   kernel-b.elf  the B-form IVT (native stubs) at ia64_ivt (boot patches B -> A/B)
# Each links the three mode objects (stubs, ops tables, templates) and the
# kernel routines, in form C for kernel-a and kernel-c and in form B for
# kernel-b. Any error or warning of cpp, as or ld stops the build; on
# success it prints one line per image.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: sh examples/ia64-ivt/build.sh OUTDIR" >&2
    exit 2
fi
out=$1
here=$(dirname "$0")
inc=$here/../../include
AS=${AS:-ia64-linux-gnu-as}
LD=${LD:-ia64-linux-gnu-ld}
CC=${CC:-gcc}
mkdir -p "$out"

# fail FILE: show a tool's messages and stop if it said anything.
fail() {
    if [ -s "$1" ]; then
        cat "$1" >&2
        echo "build.sh: $1: the tool above reported errors or warnings" >&2
        exit 1
    fi
}

# asm OBJ SOURCE [cpp flags...]: cpp, then GNU as with explicit stops.
asm() {
    obj=$out/$1
    src=$here/$2
    shift 2
    "$CC" -E -P -x assembler-with-cpp -I"$inc" -I"$here" "$@" "$src" -o "$obj.s" 2>"$obj.log" ||
        { cat "$obj.log" >&2; exit 1; }
    fail "$obj.log"
    "$AS" -xexplicit "$obj.s" -o "$obj" 2>"$obj.log" || { cat "$obj.log" >&2; exit 1; }
    fail "$obj.log"
}

# link IMAGE OBJ...: GNU ld with the example's linker script.
link() {
    img=$out/$1
    shift
    objs=
    for o in "$@"; do objs="$objs $out/$o"; done
    # shellcheck disable=SC2086
    "$LD" --no-warn-rwx-segments -L "$inc/pvpatch/ia64" -T "$here/kernel.lds" $objs -o "$img" \
        2>"$img.log" || { cat "$img.log" >&2; exit 1; }
    fail "$img.log"
}

A="-DPVP_FORM=PVP_FORM_A"
asm ivt-native.o   ivt.S $A -DPVP_BUILD_MODE=native   -DIVT_NAME=ivt_native   -DIVT_MODE=PVP_MODE_NATIVE -DIVT_CANONICAL
asm ivt-xen.o      ivt.S $A -DPVP_BUILD_MODE=xen      -DIVT_NAME=ivt_xen      -DIVT_MODE=PVP_MODE_XEN
asm ivt-counting.o ivt.S $A -DPVP_BUILD_MODE=counting -DIVT_NAME=ivt_counting -DIVT_MODE=PVP_MODE_COUNTING
asm ivt-c.o        ivt.S -DPVP_FORM=PVP_FORM_C        -DIVT_NAME=ivt_c -DIVT_MODE=PVP_MODE_NATIVE -DIVT_CANONICAL
asm ivt-b.o        ivt.S -DPVP_FORM=PVP_FORM_B -DPVP_BUILD_MODE=native -DIVT_NAME=ivt_b -DIVT_MODE=PVP_MODE_NATIVE -DIVT_CANONICAL

asm mode-native.o   modes.S -DEMIT_NATIVE
asm mode-xen.o      modes.S -DEMIT_XEN
asm mode-counting.o modes.S -DEMIT_COUNTING
MODES="mode-native.o mode-xen.o mode-counting.o"

asm head-c.o     head.S     -DPVP_FORM=PVP_FORM_C
asm routines-c.o routines.S -DPVP_FORM=PVP_FORM_C
asm head-b.o     head.S     -DPVP_FORM=PVP_FORM_B -DPVP_BUILD_MODE=native
asm routines-b.o routines.S -DPVP_FORM=PVP_FORM_B -DPVP_BUILD_MODE=native

# shellcheck disable=SC2086
link kernel-a.elf head-c.o routines-c.o ivt-native.o ivt-xen.o ivt-counting.o $MODES
# shellcheck disable=SC2086
link kernel-c.elf head-c.o routines-c.o ivt-c.o $MODES
# shellcheck disable=SC2086
link kernel-b.elf head-b.o routines-b.o ivt-b.o $MODES

# boot.c is what head code calls; no IA-64 C compiler here, so check that it
# compiles against the engine's headers as the freestanding C it is.
"$CC" -std=c11 -ffreestanding -fsyntax-only -Wall -Wextra -Werror -I"$inc" "$here/boot.c"

echo "$out/kernel-a.elf: ivt_native at ia64_ivt (A), ivt_xen and ivt_counting (A) to install"
echo "$out/kernel-c.elf: ivt_c at ia64_ivt (C), to patch"
echo "$out/kernel-b.elf: ivt_b at ia64_ivt (B, native stubs), to patch"
