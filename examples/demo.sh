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
