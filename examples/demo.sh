#!/bin/sh
# `make demo`: build the single-source IVT of examples/ia64-ivt in every form,
# then boot it offline in every mode exactly as head code would (install the
# mode's instance, patch every pv operation site, verify, check) and print a
# short report. Usage: sh examples/demo.sh BUILD_DIR
set -eu
build=${1:-build}
pvpatch="$build/pvpatch"
out="$build/examples/ia64-ivt"
boot="$out/boot"
mkdir -p "$boot"

say() { printf '%s\n' "$*"; }
field() { sed -n "s/.*$1 \([0-9][0-9]*\).*/\1/p" | head -1; }   # the number after a word

say "== build: one IVT source (examples/ia64-ivt/ivt.S) -> A instances per mode, one C-form and one B-form IVT"
sh examples/ia64-ivt/build.sh "$out" | sed "s|$out/||"

# Boot kernel-a: install the mode's instance (native is already in place), patch, verify, check.
say
say "== boot kernel-a.elf (A instances: ivt_native at ia64_ivt, ivt_xen and ivt_counting in .init.pvinst)"
for mode in native xen counting; do
    img="$out/kernel-a.elf"
    # As head code does: the mode's instance in its slot (native: the one in place, fixups only).
    "$pvpatch" install "$img" --mode "$mode" -o "$boot/a-$mode.inst" > "$boot/a-$mode.install"
    "$pvpatch" verify "$img" "$boot/a-$mode.inst" --instance "ivt_$mode" > "$boot/a-$mode.verify"
    img="$boot/a-$mode.inst"
    "$pvpatch" patch "$img" --mode "$mode" -o "$boot/a-$mode.elf" > "$boot/a-$mode.patch"
    "$pvpatch" check "$boot/a-$mode.elf" --mode "$mode" > "$boot/a-$mode.check"
    if [ "$mode" = native ]; then
        say "  native:   ivt_native stays at ia64_ivt (canonical): nothing copied;" \
            "$(sed -n 's/^  fixups applied: /fixed up: /p' "$boot/a-$mode.install")"
    else
        line=$(head -1 "$boot/a-$mode.install" | sed 's/^installed //')
        say "  $(printf '%-9s' "$mode:") $line"
        say "            $(sed -n 's/^  outside references re-targeted: /re-targeted: /p' "$boot/a-$mode.install");" \
            "$(sed -n 's/^  fixups applied: /fixed up: /p' "$boot/a-$mode.install"); $(head -1 "$boot/a-$mode.verify" | cut -d: -f1)"
        say "            $(sed -n 's/^  freeable after boot: /freed after boot: /p' "$boot/a-$mode.install")"
    fi
    say "            sites: $(head -1 "$boot/a-$mode.patch" | sed 's/^patched to [a-z]* (policy best): //')"
    say "            check --mode $mode: $(cut -d: -f2- "$boot/a-$mode.check" | head -1 | sed 's/^ //')"
done

# Boot kernel-c: one C-form IVT for every mode; each site gets its best form.
for kind in c b; do
    say
    if [ "$kind" = c ]; then
        say "== boot kernel-c.elf (one C-form IVT: every site an indirect call through pv_cpu_asm_ops)"
    else
        say "== boot kernel-b.elf (one B-form IVT: every site a direct branch to a native stub)"
    fi
    for mode in native xen counting; do
        p="$boot/$kind-$mode.patch"
        # The one IVT stays in place: its install applies its fixups (LOAD_PHYSICAL), then the patch.
        "$pvpatch" install "$out/kernel-$kind.elf" --mode "$mode" -o "$boot/$kind-$mode.inst" > /dev/null
        "$pvpatch" patch "$boot/$kind-$mode.inst" --mode "$mode" -o "$boot/$kind-$mode.elf" > "$p"
        "$pvpatch" check "$boot/$kind-$mode.elf" --mode "$mode" > "$boot/$kind-$mode.check"
        say "  $(printf '%-9s' "$mode:") $(head -1 "$p" | sed 's/^patched to [a-z]* (policy best): //'), verified;" \
            "check: $(cut -d: -f2 "$boot/$kind-$mode.check" | head -1 | sed 's/^ //')"
        say "            $(sed -n 's/^  filler: /filler: /p' "$p")"
        grep 'not inline' "$p" | sed 's/^  site /            stays a call: /; s/, 32 filler bytes//' || true
    done
    say "            freed after boot: $(sed -n 's/^  freeable after boot: //p' "$boot/$kind-xen.patch")"
done

say
say "== the instruction TLB miss handler (ia64_ivt+0x400) of kernel-c, first 8 bundles"
say "   before (form C: each pv operation calls through pv_cpu_asm_ops):"
"$pvpatch" disasm "$out/kernel-c.elf" --section .text.ivt | grep -A32 '^a000000100008400' | head -32 \
    | grep -v 'nop\.[mib] 0x0 *$' | head -14 | sed 's/^/     /'
say "   after patching to xen (the xen code inline, the rest skipped by a branch):"
"$pvpatch" disasm "$boot/c-xen.elf" --section .text.ivt | grep -A32 '^a000000100008400' | head -32 \
    | grep -v 'nop\.[mib] 0x0 *$' | head -14 | sed 's/^/     /'
