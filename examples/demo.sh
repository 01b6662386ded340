#!/bin/sh
# `make demo`: assemble the sample handler with GNU as and show pvpatch's
# disassembly of it. Usage: sh examples/demo.sh BUILD_DIR
set -eu
build=${1:-build}
here=$(dirname "$0")
obj="$build/examples/sample.o"

mkdir -p "$build/examples"
ia64-linux-gnu-as -xexplicit "$here/sample/sample.S" -o "$obj"

echo "== pvpatch disasm $obj: bundles, stops (;;), branch targets, sensitive instructions"
"$build/pvpatch" disasm "$obj"

# Install by copy on a linked image, exactly as head code would at boot.
inst="$build/examples/install"
mkdir -p "$inst"
src="$here/install"
asm() {  # asm OUT.o SOURCE [cpp flags]
    out=$1; in=$2; shift 2
    gcc -E -P -x assembler-with-cpp -Iinclude "$@" "$in" -o "$out.s"
    ia64-linux-gnu-as -xexplicit "$out.s" -o "$out" 2>&1 | grep -v -i -e warning -e 'first path' \
        -e 'conflicting usage' -e 'Assembler messages' || true
}
asm "$inst/native.o" "$src/handlers.S"
asm "$inst/xen.o" "$src/handlers.S" -DMODE_XEN
asm "$inst/kernel.o" "$src/kernel.S"
ia64-linux-gnu-ld --no-warn-rwx-segments -L include/pvpatch/ia64 -T "$src/kernel.lds" \
    "$inst/kernel.o" "$inst/native.o" "$inst/xen.o" -o "$inst/vmlinux"

echo
echo "== one source, two instances: pvpatch sites $inst/vmlinux"
"$build/pvpatch" sites "$inst/vmlinux"
echo
echo "== boot in xen mode: pvpatch install --instance xen"
"$build/pvpatch" install "$inst/vmlinux" --instance xen -o "$inst/vmlinux.xen"
echo
echo "== independent check: pvpatch verify"
"$build/pvpatch" verify "$inst/vmlinux" "$inst/vmlinux.xen" --instance xen
echo
echo "== the break handler at ia64_ivt+0x400, before (native) and after (xen installed)"
"$build/pvpatch" disasm "$inst/vmlinux" --section .text.ivt | sed -n '/^a000000100008400/,/^a000000100008440/p' | head -12
echo "   --"
"$build/pvpatch" disasm "$inst/vmlinux.xen" --section .text.ivt | sed -n '/^a000000100008400/,/^a000000100008440/p' | head -12
