#!/bin/sh
# Run fuzz targets for SECONDS each, from their seeds (DIR/seeds/NAME, made
# by fuzz/seeds.sh) and committed regression inputs (fuzz/corpus/NAME), into
# CORPUS/NAME; FLAGS go to libFuzzer. One line per target; on a crash, the
# command that reproduces it and the end of the log, and exit 1.
# Usage (from the repository root): sh fuzz/run.sh SECONDS CORPUS "FLAGS" DIR/fuzz_NAME...
set -u
seconds=$1 corpus=$2 flags=$3
shift 3
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }   # targets may chdir
corpus=$(abs "$corpus")
status=0
# UB is fatal, but for the reported cases fuzz/known-ub.supp waives.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$PWD/fuzz/known-ub.supp
export UBSAN_OPTIONS
grep -v '^#' fuzz/known-ub.supp | grep . | sed 's/^/fuzz: known UB waived (fuzz\/known-ub.supp): /'
for f in "$@"; do
    n=$(basename "$f")
    dir=$(abs "$(dirname "$f")")
    log=$dir/$n.log
    crashes=$dir/crashes/$n
    mkdir -p "$corpus/$n" "$dir/seeds/$n" "$crashes"
    dirs="$corpus/$n $dir/seeds/$n"
    [ ! -d "fuzz/corpus/$n" ] || dirs="$dirs $PWD/fuzz/corpus/$n"
    # shellcheck disable=SC2086
    if "$f" -max_total_time="$seconds" -artifact_prefix="$crashes/" $flags $dirs >"$log" 2>&1; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
        last=$(grep -E '^#[0-9]+' "$log" | tail -1)
        cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/\1 edges, \2 features, \3 inputs/p')
        echo "fuzz: $n: ${runs:-?} runs in ${seconds}s ($(echo "$last" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p') exec/s), coverage $cov, no crash"
        grep '^known bug: ' "$log" | sort -u | sed "s/^/fuzz: $n: /"
    else
        echo "fuzz: $n: FAILED; reproduce with: $f $(ls -t "$crashes"/* 2>/dev/null | head -1)" >&2
        grep -v '^#\|^INFO\|^"' "$log" | tail -40 >&2
        status=1
    fi
done
exit $status
