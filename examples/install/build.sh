#!/bin/sh
# Build the small install example: examples/install/handlers.S assembled as a
# native and a xen instance, linked into OUTDIR/vmlinux with kernel.S.
# Usage (from the repository root): sh examples/install/build.sh OUTDIR
set -eu
out=${1:?usage: build.sh OUTDIR}
src=$(dirname "$0")
mkdir -p "$out"
asm() {  # asm OUT.o SOURCE [cpp flags]
    o=$1; in=$2; shift 2
    gcc -E -P -x assembler-with-cpp -Iinclude "$@" "$in" -o "$o.s"
    ia64-linux-gnu-as -xexplicit "$o.s" -o "$o"
}
asm "$out/native.o" "$src/handlers.S"
asm "$out/xen.o" "$src/handlers.S" -DMODE_XEN
asm "$out/kernel.o" "$src/kernel.S"
ia64-linux-gnu-ld --no-warn-rwx-segments -L include/pvpatch/ia64 -T "$src/kernel.lds" \
    "$out/kernel.o" "$out/native.o" "$out/xen.o" -o "$out/vmlinux"
echo "$out/vmlinux"
