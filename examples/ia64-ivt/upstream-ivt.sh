#!/bin/sh
# Build a Linux arch/ia64/kernel/ivt.S through pvpatch with only the include
# path and defines changed (pvpatch's Linux headers first, -DPVP_LINUX_IVT
# naming the build's instance), in forms A, B and C for the native and the
# xen build; link the two builds of each form as the instances of one image
# and install, verify, patch and check it in each mode; also the C build
# alone, one IVT for every mode. Prints what assembled, sites per form per
# mode, sizes, and each step's result.
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

# Build ivt.S for mode $1 (native, xen) in form $2 (A, B, C) as instance ivt_$1.
build() {
    mode=$1 form=$2 base=$OUT/ivt-$1-$2
    up=$(echo "$mode" | tr a-z A-Z)
    gcc -E -P -x assembler-with-cpp -D__ASSEMBLY__ -D__IA64_ASM_PARAVIRTUALIZED_$up $DEFS \
        -DPVP_FORM=PVP_FORM_$form -DPVP_LINUX_IVT=ivt_$mode $INC "$IVT" -o "$base.s" 2> "$base.cpp.log" ||
        { echo "  $mode $form: cpp fails: $(head -1 "$base.cpp.log")"; return 1; }
    if $AS "$base.s" -o "$base.o" > "$base.as.log" 2>&1; then
        sites=$(( $(section_size "$base.o" .pvpatch.sites) / 32 ))
        text=$(section_size "$base.o" .text..ivt)
        fixups=$(( $(section_size "$base.o" .pvpatch.fixups) / 16 ))
        printf '  %-6s %s: every entry fits; %3d sites, .text..ivt %6d bytes (%5d past the 32 KiB table), %3d records\n' \
            "$mode" "$form" "$sites" "$text" $(( text - 32768 )) "$fixups"
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

# The mode objects (native holds the live table).
for m in native xen counting; do
    { echo "#define PVP_EMIT_MODE $m"; [ $m = native ] && echo "#define PVP_EMIT_LIVE"
      echo "#include \"pvpatch/ia64/modes/$m.h\""; echo "#include \"pvpatch/ia64/emit.h\""; } > "$OUT/mode-$m.S"
    gcc -E -P -x assembler-with-cpp -Iinclude "$OUT/mode-$m.S" -o "$OUT/mode-$m.s" && $AS "$OUT/mode-$m.s" -o "$OUT/mode-$m.o" || exit 1
done

# Link image $1 from the native build $2 (at ia64_ivt) and the xen build $3
# (a copy in discardable init text, renamed so the linker keeps them
# apart; "-" for none); the slot is the larger, bundle-aligned.
link() {
    img=$OUT/$1 nat=$OUT/ivt-native-$2.o xen=
    [ "$3" = - ] || xen=$OUT/ivt-xen-$3.o
    [ -f "$nat" ] && { [ -z "$xen" ] || [ -f "$xen" ]; } || return 1
    n=$(section_size "$nat" .text..ivt) x=0
    if [ -n "$xen" ]; then
        x=$(section_size "$xen" .text..ivt)
        ia64-linux-gnu-objcopy --rename-section .text..ivt=.init.pvinst "$xen" "$img.xen.o" || return 1
        xen=$img.xen.o
    fi
    slot=$(( (n > x ? n : x) + 15 & ~15 ))
    # What the rest of the kernel would define: one bundle per symbol.
    $LD -r -o "$img.partial.o" "$nat" $xen "$OUT/mode-native.o" "$OUT/mode-xen.o" "$OUT/mode-counting.o" 2> /dev/null
    ia64-linux-gnu-nm -u "$img.partial.o" | awk '{ print $2 }' | grep -v '^__pvpatch_\|^pvp_linux_ivt_slot$' > "$img.undefined"
    { echo "	.text"; while read s; do printf '	.global %s\n%s:\n	{ .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }\n' "$s" "$s"; done < "$img.undefined"; } > "$img.kernel.s"
    $AS "$img.kernel.s" -o "$img.kernel.o" || return 1
    cat > "$img.lds" <<EOF
ENTRY(ia64_ivt)
pvp_linux_ivt_slot = $slot;
SECTIONS {
  .text.ivt 0xa000000100000000 : AT(0x4000000) { *ivt-native-$2.o(.text..ivt) . = $slot; }
  .text 0xa000000100100000 : { *(.text) *(.text.pvpatch.stubs) *(.text.pvpatch.ool) }
  .init.pvinst 0xa000000100400000 : AT(0x4400000) { *(.init.pvinst) . = $slot; }
  .pvpatch.text : ALIGN(16) { *(.pvpatch.text) }
  .data 0xa000000100600000 : { *(.data) *(.data.pvpatch.ops) }
  .data..patch.vtop : { *(.data..patch.vtop) }
  .data..patch.rse : { *(.data..patch.rse) }
  __mca_table : { *(__mca_table) }
  INCLUDE pvpatch.lds
}
EOF
    $LD --no-warn-rwx-segments -L include/pvpatch/ia64 -T "$img.lds" "$nat" $xen \
        "$OUT/mode-native.o" "$OUT/mode-xen.o" "$OUT/mode-counting.o" "$img.kernel.o" -o "$img" > "$img.ld.log" 2>&1 ||
        { cat "$img.ld.log"; return 1; }
}

# One step: its exit status and first line (more lines into the log).
step() {
    what=$1; shift
    "$@" > "$OUT/$what.log" 2>&1
    st=$?
    printf '    %-30s exit %d: %s\n' "$what" "$st" "$(grep -v '^ ' "$OUT/$what.log" | head -1)"
    return $st
}

# Boot image $1 offline in mode $2: install what head code installs, verify
# it, patch, check the result.
boot() {
    img=$OUT/$1 m=$2 inst=ivt_$2
    $PV sites "$img" | grep -q "^instance $inst " || inst=ivt_native
    step "$1: install --mode $m" "$PV" install "$img" --mode "$m" -o "$img.$m" || return
    step "$1: verify $inst" "$PV" verify "$img" "$img.$m" --instance "$inst"
    step "$1: patch --mode $m" "$PV" patch "$img.$m" --mode "$m" -o "$img.$m.p" || return
    step "$1: check --mode $m" "$PV" check "$img.$m.p" --mode "$m"
}

for form in A B C; do
    echo "== image-$form: the native $form build at ia64_ivt, the xen $form build as an instance copy"
    link image-$form $form $form || { echo "  (not built)"; continue; }
    $PV sites "$OUT/image-$form" > "$OUT/image-$form.sites" 2>&1
    for m in native xen; do
        boot image-$form $m
    done
done
echo "== image-C1: the native C build alone, one IVT for every mode"
if link image-C1 C -; then
    for m in native xen; do
        boot image-C1 $m
    done
fi
echo "== Linux's own tables that point into the IVT (a build's, none re-based by an install):"
for s in .data..patch.vtop .data..patch.rse __mca_table; do
    printf '    %-18s %4d bytes\n' "$s" "$(section_size "$OUT/ivt-xen-A.o" "$s")"
done
echo "  check on the xen A object flags them:"
$PV check "$OUT/ivt-xen-A.o" > "$OUT/check-xen-A.o.log" 2>&1
for r in unrecorded-pointer unrecorded-absolute raw-sensitive; do
    printf '    %-20s %d\n' "$r" "$(grep -c ": $r:" "$OUT/check-xen-A.o.log")"
done
echo "  (logs and the images: $OUT)"
