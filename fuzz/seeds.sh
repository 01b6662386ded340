#!/bin/sh
# Seed corpora for the fuzz targets, built from the examples at build time
# (nothing binary is committed): OUTDIR/fuzz_NAME/ for each target.
# Usage (from the repository root): sh fuzz/seeds.sh OUTDIR PVPATCH [X86_ELF...]
#   PVPATCH    the built command, to make installed images from the examples
#   X86_ELF    x86-64 objects and programs with pvpatch records (the x86-64
#              example), read by the ELF and patch targets as IA-64 would be
# The IA-64 examples are linked without page alignment in the file: the same
# sections and records at the same addresses, a fifth of the bytes, so the
# fuzzers spend their mutations on contents rather than on padding.
set -eu
out=${1:?usage: seeds.sh OUTDIR PVPATCH [X86_ELF...]}
pvpatch=${2:?usage: seeds.sh OUTDIR PVPATCH [X86_ELF...]}
shift 2
ex=$out/examples
rm -rf "$out"
mkdir -p "$ex/bin"
ld=$(command -v ia64-linux-gnu-ld)
printf '#!/bin/sh\nexec %s -z max-page-size=16 -z common-page-size=16 "$@"\n' "$ld" >"$ex/bin/ia64-linux-gnu-ld"
chmod +x "$ex/bin/ia64-linux-gnu-ld"
PATH=$ex/bin:$PATH
export PATH
sh examples/ia64-ivt/build.sh "$ex/ivt" >/dev/null
sh examples/install/build.sh "$ex/install" >/dev/null
i=$ex/ivt

# The example kernel's head code and routines with the three modes, without
# the IVT: 17 sites (forms C and B), small enough to patch many times a second.
for form in c b; do
    ia64-linux-gnu-ld --no-warn-rwx-segments --defsym ia64_ivt=0xa000000100008000 -L include/pvpatch/ia64 \
        -T examples/ia64-ivt/kernel.lds "$i/head-$form.o" "$i/routines-$form.o" "$i/mode-native.o" \
        "$i/mode-xen.o" "$i/mode-counting.o" -o "$ex/sites-$form.elf"
done
# Installed images: the instance flag set, fixups re-based, sites live at the canonical place.
"$pvpatch" install "$ex/install/vmlinux" --instance xen -o "$ex/vmlinux-xen" >/dev/null
"$pvpatch" install "$i/kernel-a.elf" --instance ivt_xen -o "$ex/kernel-a-xen.elf" >/dev/null
# Raw code: bundles of the IVT in 512-byte pieces (the first 8 bytes choose the address).
ia64-linux-gnu-objcopy -O binary -j .text.ivt "$i/kernel-c.elf" "$ex/ivt.bin"
x86=
for f in "$@"; do
    objcopy --strip-debug "$f" "$ex/x86-$(basename "$f")"
    x86="$x86 $ex/x86-$(basename "$f")"
done

seed() {  # seed TARGET FILE...
    d=$out/$1
    shift
    mkdir -p "$d"
    for f in "$@"; do cp "$f" "$d/"; done
}
# shellcheck disable=SC2086
seed fuzz_elf "$i/kernel-a.elf" "$ex/install/vmlinux" "$i/ivt-xen.o" "$i/mode-xen.o" "$ex/sites-c.elf" $x86
seed fuzz_install "$ex/install/vmlinux" "$ex/vmlinux-xen" "$i/kernel-a.elf"
# Known bug (fuzz_install.c, check_verified): a reserved-template bundle in the canonical instance.
off=$(ia64-linux-gnu-readelf -SW "$ex/install/vmlinux" | sed -n 's/.* \.text\.ivt  *PROGBITS  *[0-9a-f]* \([0-9a-f]*\) .*/\1/p')
cp "$ex/install/vmlinux" "$out/fuzz_install/canonical-reserved-template"
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
    dd of="$out/fuzz_install/canonical-reserved-template" bs=1 seek=$((0x$off + 0x530)) conv=notrunc 2>/dev/null
# shellcheck disable=SC2086
seed fuzz_patch "$ex/sites-c.elf" "$ex/sites-b.elf" "$ex/kernel-a-xen.elf" $x86
mkdir -p "$out/fuzz_decode"
for k in 0 1 2 3; do
    dd if="$ex/ivt.bin" of="$out/fuzz_decode/ivt-$k" bs=512 skip=$((k * 16)) count=1 2>/dev/null
done

# The command: words, an empty word, then the file (a word "@" is its path).
cli() {  # cli NAME FILE WORD...
    name=$1 file=$2
    shift 2
    mkdir -p "$out/fuzz_cli"
    { for w in "$@"; do printf '%s\0' "$w"; done; printf '\0'; cat "$file"; } >"$out/fuzz_cli/$name"
}
cli disasm-json "$ex/install/vmlinux" disasm @ --section .text.ivt --json
cli disasm-raw "$out/fuzz_decode/ivt-0" disasm @ --base 0x100 -o out
cli install "$ex/install/vmlinux" install @ --instance xen -o out --json
cli verify "$ex/vmlinux-xen" verify @ @ --instance=xen
cli sites "$ex/vmlinux-xen" sites @ --json
cli sites-c "$ex/sites-c.elf" sites @
cli patch "$ex/sites-c.elf" patch @ --mode xen --policy direct -o out
cli patch-id "$ex/sites-b.elf" patch --mode=3 @ --output out --json
cli check "$ex/sites-c.elf" check @ --mode counting
cli check-object "$i/mode-xen.o" check @ --json
cli check-image "$ex/kernel-a-xen.elf" check @ --mode 2
# Known bug (fuzz_cli.c): a usage error quoting a word with a line break.
cli usage-line-break "$ex/install/vmlinux" sites @ "$(printf 'two\nlines')"
