#!/bin/sh
# Build a Linux arch/ia64/kernel/ivt.S through pvpatch with only the include
# path changed (pvpatch's Linux headers first), in forms A, B and C for the
# native and the xen build, then link the two A builds as instances of one
# image and install, verify, patch and check it in each mode. Prints what
# assembled, what fits the IVT's slots, sites per form per mode and sizes.
#
#   sh examples/ia64-ivt/upstream-ivt.sh LINUX BUILD
#
# LINUX is a kernel tree with arch/ia64 (2.6.26-3.13 for the xen build);
# BUILD the pvpatch build directory (its pvpatch binary is used). The
# environment may add LINUX_INC (more -I options, e.g. for the generated
# asm/asm-offsets.h of a configured tree, searched before the tree's own
# headers) and LINUX_DEFS (default -DCONFIG_SMP). Nothing is written into
# LINUX; everything goes to BUILD/upstream-ivt.
set -u
LINUX=${1:?usage: upstream-ivt.sh LINUX BUILD}
BUILD=${2:?usage: upstream-ivt.sh LINUX BUILD}
PV=$BUILD/pvpatch
OUT=$BUILD/upstream-ivt
AS="ia64-linux-gnu-as -xexplicit"
LD=ia64-linux-gnu-ld
DEFS=${LINUX_DEFS:--DCONFIG_SMP}
IVT=$LINUX/arch/ia64/kernel/ivt.S
[ -f "$IVT" ] || { echo "upstream-ivt: $IVT: no such file" >&2; exit 2; }
[ -x "$PV" ] || { echo "upstream-ivt: $PV: build pvpatch first" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT" || exit 2
INC="-Iinclude/pvpatch/ia64/linux -Iinclude ${LINUX_INC:-} -I$LINUX/arch/ia64/include -I$LINUX/include"

# Bytes of a section of an object (0 if it has none).
section_size() {
    hex=$(ia64-linux-gnu-readelf -S -W "$1" | sed 's/^ *\[ *[0-9]*\]//' | awk -v s="$2" '$1 == s { print $5; exit }')
    printf '%d' "0x${hex:-0}"
}

# The handler whose slot an ".org backwards" error at line $2 of $1 closes.
overflowing() {
    sed -n "$2p" "$1" | sed 's/.*+\(0x[0-9a-fA-F]*\).*/\1/'
}

# Build ivt.S for mode $1 (native, xen) in form $2 (A, B, C).
build() {
    mode=$1 form=$2 base=$OUT/ivt-$1-$2
    up=$(echo "$mode" | tr a-z A-Z)
    gcc -E -P -x assembler-with-cpp -D__ASSEMBLY__ -D__IA64_ASM_PARAVIRTUALIZED_$up $DEFS \
        -DPVP_FORM=PVP_FORM_$form $INC "$IVT" -o "$base.s" 2> "$base.cpp.log" ||
        { echo "  $mode $form: cpp fails: $(head -1 "$base.cpp.log")"; return 1; }
    if $AS "$base.s" -o "$base.o" > "$base.as.log" 2>&1; then
        sites=$(( $(section_size "$base.o" .pvpatch.sites) / 32 ))
        text=$(section_size "$base.o" .text..ivt)
        printf '  %-6s %s: assembles; %3d sites, .text..ivt %6d bytes (%d bundles past the 32 KiB table)\n' \
            "$mode" "$form" "$sites" "$text" $(( (text - 32768) / 16 ))
        return 0
    fi
    over=""
    for line in $(grep 'move .org backwards' "$base.as.log" | sed 's/^[^:]*:\([0-9]*\):.*/\1/'); do
        over="$over $(overflowing "$base.s" "$line")"
    done
    if [ -n "$over" ]; then
        echo "  $mode $form: does not fit: the handlers before slots$over run past them"
    else
        echo "  $mode $form: GNU as refuses it: $(grep -m1 Error "$base.as.log")"
    fi
    return 1
}

echo "== $IVT with pvpatch's Linux headers first on the include path ($DEFS)"
for mode in native xen; do
    for form in A B C; do
        build $mode $form
    done
done
[ -f "$OUT/ivt-native-A.o" ] && [ -f "$OUT/ivt-xen-A.o" ] || { echo "upstream-ivt: no A pair to link" >&2; exit 1; }

# The mode objects (native holds the live table).
for m in native xen counting; do
    { echo "#define PVP_EMIT_MODE $m"; [ $m = native ] && echo "#define PVP_EMIT_LIVE"
      echo "#include \"pvpatch/ia64/modes/$m.h\""; echo "#include \"pvpatch/ia64/emit.h\""; } > "$OUT/mode-$m.S"
    gcc -E -P -x assembler-with-cpp -Iinclude "$OUT/mode-$m.S" -o "$OUT/mode-$m.s" && $AS "$OUT/mode-$m.s" -o "$OUT/mode-$m.o" || exit 1
done

# One slot for both instances: the larger, bundle-aligned; the xen copy
# goes to discardable init text, renamed so the linker keeps them apart.
n=$(section_size "$OUT/ivt-native-A.o" .text..ivt)
x=$(section_size "$OUT/ivt-xen-A.o" .text..ivt)
slot=$(( (n > x ? n : x) + 15 & ~15 ))
ia64-linux-gnu-objcopy --rename-section .text..ivt=.init.pvinst "$OUT/ivt-xen-A.o" "$OUT/ivt-xen-A.init.o"
cat > "$OUT/instances.S" <<EOF
#include "pvpatch/ia64/instance.h"
	PVP_INSTANCE_DESCRIBE(ivt_native, PVP_MODE_NATIVE, ia64_ivt, $slot, ia64_ivt, $slot)
	PVP_INSTANCE_DESCRIBE(ivt_xen, PVP_MODE_XEN, xen_ivt, $slot, ia64_ivt, $slot)
EOF
gcc -E -P -x assembler-with-cpp -Iinclude "$OUT/instances.S" -o "$OUT/instances.s" && $AS "$OUT/instances.s" -o "$OUT/instances.o" || exit 1

# What the rest of the kernel would define: one bundle per symbol.
$LD -r -o "$OUT/partial.o" "$OUT/ivt-native-A.o" "$OUT/ivt-xen-A.init.o" "$OUT/instances.o" \
    "$OUT/mode-native.o" "$OUT/mode-xen.o" "$OUT/mode-counting.o" 2> /dev/null
ia64-linux-gnu-nm -u "$OUT/partial.o" | awk '{ print $2 }' | grep -v '^__ivt_\|^__pvpatch_' > "$OUT/undefined"
{ echo "	.text"; while read s; do printf '	.global %s\n%s:\n	{ .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }\n' "$s" "$s"; done < "$OUT/undefined"; } > "$OUT/kernel.s"
$AS "$OUT/kernel.s" -o "$OUT/kernel.o" || exit 1
cat > "$OUT/kernel.lds" <<EOF
ENTRY(ia64_ivt)
SECTIONS {
  .text.ivt 0xa000000100000000 : AT(0x4000000) { *ivt-native-A.o(.text..ivt) . = $slot; __ivt_native_end = .; }
  .text 0xa000000100100000 : { *(.text) *(.text.pvpatch.stubs) }
  .init.pvinst 0xa000000100400000 : AT(0x4400000) { *(.init.pvinst) . = $slot; __ivt_xen_end = .; }
  .pvpatch.text : ALIGN(16) { *(.pvpatch.text) }
  .data 0xa000000100600000 : { *(.data) *(.data.pvpatch.ops) *(.data..patch.*) *(__mca_table) }
  INCLUDE pvpatch.lds
}
EOF
$LD --no-warn-rwx-segments -L include/pvpatch/ia64 -T "$OUT/kernel.lds" "$OUT/ivt-native-A.o" "$OUT/ivt-xen-A.init.o" \
    "$OUT/instances.o" "$OUT/mode-native.o" "$OUT/mode-xen.o" "$OUT/mode-counting.o" "$OUT/kernel.o" \
    -o "$OUT/vmlinux" > "$OUT/ld.log" 2>&1 || { cat "$OUT/ld.log"; exit 1; }

echo "== one image: the native A build at ia64_ivt, the xen A build as an instance copy (slot $slot bytes)"
echo "  tables of Linux's own that point into the IVT (not re-based by an install):"
for s in .data..patch.vtop .data..patch.rse __mca_table; do
    printf '    %-18s %4d bytes\n' "$s" "$(section_size "$OUT/partial.o" "$s")"
done
"$PV" sites "$OUT/vmlinux" > "$OUT/sites.txt" 2>&1
echo "  sites by operation (both instances):"
grep '^site ' "$OUT/sites.txt" | awk '{ print $3 }' | sort | uniq -c | sort -rn | awk '{ printf "    %-14s %3d\n", $2, $1 }'
step() {
    what=$1; shift
    "$@" > "$OUT/$what.log" 2>&1
    st=$?
    printf '  %-28s exit %d: %s\n' "$what" "$st" "$(grep -v '^ ' "$OUT/$what.log" | head -1)"
}
step "install --instance ivt_xen" "$PV" install "$OUT/vmlinux" --instance ivt_xen -o "$OUT/vmlinux.xen"
step "verify ivt_xen" "$PV" verify "$OUT/vmlinux" "$OUT/vmlinux.xen" --instance ivt_xen
step "patch --mode xen" "$PV" patch "$OUT/vmlinux.xen" --mode xen -o "$OUT/vmlinux.xen.p"
step "check --mode xen" "$PV" check "$OUT/vmlinux.xen.p" --mode xen
step "patch --mode native" "$PV" patch "$OUT/vmlinux" --mode native -o "$OUT/vmlinux.native"
step "check --mode native" "$PV" check "$OUT/vmlinux.native" --mode native
echo "  (logs and the images: $OUT)"
