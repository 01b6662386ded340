#!/bin/sh
# make check: what a user gets from `make`, `make install` and `make
# uninstall`, proved on installs into temporary directories:
#   default-goal  plain `make` builds the command and both libraries
#   staged        DESTDIR installs every file, and pvpatch.pc names PREFIX, not DESTDIR
#   pc-rebuilt    installing again with another PREFIX rewrites pvpatch.pc
#   pkg-config    the installed pvpatch.pc gives the include and library
#                 directories, -lZydis for static links, the linker fragments
#   cxx           a C++ program with PVP_CALL sites and modes (x86_64/emit.h),
#                 built with g++ against the shared libpvpatch, patches itself
#   shared-lib    a shared library of one's own linking the static libpvpatch.a
#                 (position-independent) patches its own site when a program calls it
#   flush         the installed IA-64 flush routine links into boot code with
#                 the installed pvpatch.lds, and the call reaches it
#   guide         the commands of docs/guide.md's "Building by hand" section,
#                 run against the installed pvpatch, give the very kernel-a.elf
#                 that examples/ia64-ivt/build.sh does
#   man           `man -l` renders the installed page without a warning, and it
#                 names every command `pvpatch --help` lists
#   docs          README.md and docs/*.md are installed as they are
#   uninstall     `make uninstall` leaves no file, link or pvpatch directory
# Every check runs; the failures are listed and the script exits 1 if any.
# Usage: sh tests/install-check.sh BUILD_DIR (from the repository root)
set -u
build=${1:?usage: install-check.sh BUILD_DIR}
make=${MAKE:-make}
here=$(pwd)
t=$here/$build/install-check
src=$here/tests/install-check
rm -rf "$t" && mkdir -p "$t"
failed=""

# check NAME COMMAND...: run COMMAND (output in $t/NAME.log); a failure is recorded.
check() {
    name=$1
    shift
    if "$@" >"$t/$name.log" 2>&1; then
        echo "install-check: $name: ok"
    else
        echo "install-check: $name: FAILED" >&2
        sed 's/^/    /' "$t/$name.log" | tail -20 >&2
        failed="$failed $name"
    fi
}

say_fail() { echo "$*"; return 1; }

# `make -n` in a fresh build directory shows what plain `make` would build.
default_goal() {
    $make -n -C "$here" BUILD="$t/fresh" >"$t/make-n.out" 2>&1 || say_fail "make -n failed"
    for f in pvpatch libpvpatch.a libpvpatch.so.0; do
        grep -q -- "$t/fresh/$f" "$t/make-n.out" || say_fail "plain make does not build $f" || return 1
    done
}

stage=$t/stage
P=$t/prefix
staged() {
    $make -s -C "$here" install DESTDIR="$stage" PREFIX=/opt/pvp || return 1
    r=$stage/opt/pvp
    for f in bin/pvpatch lib/libpvpatch.a lib/libpvpatch.so.0 lib/libpvpatch.so lib/pkgconfig/pvpatch.pc \
             include/pvpatch/install.h include/pvpatch/x86_64/emit.h include/pvpatch/ia64/pvpatch.lds \
             include/pvpatch/x86_64/pvpatch-insert.lds share/pvpatch/ia64/flush_icache.S \
             share/man/man1/pvpatch.1 share/doc/pvpatch/README.md; do
        [ -e "$r/$f" ] || say_fail "not installed: $f" || return 1
    done
    [ "$(readelf -d "$r/lib/libpvpatch.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" = libpvpatch.so.0 ] ||
        say_fail "libpvpatch.so has no SONAME libpvpatch.so.0" || return 1
    grep -qx 'prefix=/opt/pvp' "$r/lib/pkgconfig/pvpatch.pc" || say_fail "pvpatch.pc: prefix is not /opt/pvp" || return 1
    ! grep -q "$stage" "$r/lib/pkgconfig/pvpatch.pc" || say_fail "pvpatch.pc names the DESTDIR"
}

pc_rebuilt() {
    $make -s -C "$here" install PREFIX="$P" || return 1
    grep -qx "prefix=$P" "$P/lib/pkgconfig/pvpatch.pc" ||
        say_fail "after PREFIX=/opt/pvp then PREFIX=$P, pvpatch.pc says $(grep ^prefix= "$P/lib/pkgconfig/pvpatch.pc")"
}

# pkg-config on the installed pvpatch.pc only, its words on one line.
pc() {
    out=$(PKG_CONFIG_LIBDIR=$P/lib/pkgconfig pkg-config "$@" pvpatch) || return 1
    # shellcheck disable=SC2086
    echo $out
}

pkgconfig() {
    [ "$(pc --cflags)" = "-I$P/include" ] || say_fail "--cflags: $(pc --cflags)" || return 1
    [ "$(pc --libs)" = "-L$P/lib -lpvpatch" ] || say_fail "--libs: $(pc --libs)" || return 1
    pc --static --libs | grep -q -- -lZydis || say_fail "--static --libs has no -lZydis: $(pc --static --libs)" ||
        return 1
    for v in ia64_ldscripts x86_64_ldscripts; do
        [ -f "$(pc --variable=$v)/pvpatch.lds" ] || say_fail "$v: no pvpatch.lds in $(pc --variable=$v)" || return 1
    done
    [ -f "$(pc --variable=ia64_flush_icache)" ] || say_fail "ia64_flush_icache: $(pc --variable=ia64_flush_icache)"
}

cxx() {
    # shellcheck disable=SC2046
    g++ -std=c++17 -O2 -Wall -Wextra -Werror -mno-red-zone "$src/cxx_sites.cc" $(pc --cflags) $(pc --libs) \
        $(pc --variable=records_ldflags) -Wl,-rpath,"$P/lib" -o "$t/cxx_sites" || return 1
    readelf -d "$t/cxx_sites" | grep -q 'NEEDED.*\[libpvpatch.so.0\]' || say_fail "not linked to libpvpatch.so.0" ||
        return 1
    "$t/cxx_sites"
}

shared_lib() {
    # The archive itself, named in place of -lpvpatch; Zydis from --static.
    # shellcheck disable=SC2046
    cc -std=c11 -O2 -Wall -Wextra -Werror -fPIC -shared -mno-red-zone "$src/mylib.c" $(pc --cflags) \
        $(pc --variable=records_ldflags) -Wl,--exclude-libs,ALL \
        $(pc --static --libs | sed 's/-lpvpatch/-l:libpvpatch.a/') -o "$t/libmylib.so" || return 1
    ! readelf -d "$t/libmylib.so" | grep -q 'NEEDED.*libpvpatch' || say_fail "libmylib.so needs libpvpatch.so" ||
        return 1
    cc -O2 "$src/usemylib.c" -L"$t" -lmylib -Wl,-rpath,"$t" -o "$t/usemylib" && "$t/usemylib"
}

flush() {
    s=$(pc --variable=ia64_flush_icache)
    ia64-linux-gnu-as -xexplicit "$s" -o "$t/flush_icache.o" &&
        ia64-linux-gnu-as -xexplicit "$src/flush_call.s" -o "$t/flush_call.o" &&
        ia64-linux-gnu-ld --no-warn-rwx-segments -L "$(pc --variable=ia64_ldscripts)" -T "$src/flush.lds" \
            "$t/flush_call.o" "$t/flush_icache.o" -o "$t/flush.elf" || return 1
    want=$(ia64-linux-gnu-nm "$t/flush.elf" | awk '$3 == "pvp_ia64_flush_icache" {print $1}' | sed 's/^0*//')
    got=$(ia64-linux-gnu-objdump -d "$t/flush.elf" | sed -n 's/.*br\.call\.sptk\.many b0=\(0x\)*\([0-9a-f]*\).*/\2/p' | sed 's/^0*//')
    [ -n "$want" ] && [ "$got" = "$want" ] || say_fail "br.call reaches '$got', pvp_ia64_flush_icache is at '$want'"
}

guide() {
    mkdir -p "$t/guide" "$t/ref" && ln -s "$here/examples" "$t/guide/examples" || return 1
    awk '/^## Building by hand/ {on = 1; next} /^## / {on = 0} on && /^```sh$/ {code = 1; next}
         /^```$/ {code = 0} on && code' "$here/docs/guide.md" >"$t/guide/commands.sh"
    [ -s "$t/guide/commands.sh" ] || say_fail "no sh block in the 'Building by hand' section" || return 1
    (cd "$t/guide" && PKG_CONFIG_LIBDIR=$P/lib/pkgconfig sh -eu commands.sh) || return 1
    sh examples/ia64-ivt/build.sh "$t/ref" >/dev/null || return 1
    cmp "$t/guide/kernel-a.elf" "$t/ref/kernel-a.elf"
}

man_page() {
    LC_ALL=C MANWIDTH=80 man --warnings -l "$P/share/man/man1/pvpatch.1" >"$t/man.txt" 2>"$t/man.err" || return 1
    [ ! -s "$t/man.err" ] || say_fail "man warns: $(cat "$t/man.err")" || return 1
    grep -q '^NAME' "$t/man.txt" && grep -q '^EXIT STATUS' "$t/man.txt" || say_fail "no NAME or EXIT STATUS" || return 1
    for c in $("$P/bin/pvpatch" --help | awk '/^Commands:/ {on = 1; next} on && !NF {exit} on {print $1}'); do
        grep -q "pvpatch $c" "$t/man.txt" || say_fail "the man page does not show 'pvpatch $c'" || return 1
    done
}

docs() {
    for f in README.md docs/*.md; do
        cmp "$f" "$P/share/doc/pvpatch/$f" || return 1
    done
}

# Nothing of pvpatch may remain: no file, no link, no pvpatch directory.
uninstall() {
    $make -s -C "$here" uninstall PREFIX="$P" && $make -s -C "$here" uninstall DESTDIR="$stage" PREFIX=/opt/pvp ||
        return 1
    for d in "$P" "$stage"; do
        left=$(find "$d" ! -type d -o -name '*pvpatch*')
        [ -z "$left" ] || say_fail "left behind: $left" || return 1
    done
}

check default-goal default_goal
check staged staged
check pc-rebuilt pc_rebuilt
check pkg-config pkgconfig
check cxx cxx
check shared-lib shared_lib
check flush flush
check guide guide
check man man_page
check docs docs
check uninstall uninstall

if [ -n "$failed" ]; then
    echo "install-check: failed:$failed" >&2
    exit 1
fi
echo "install-check: make, make install (PREFIX, DESTDIR), pkg-config, C++, shared library, flush routine, the guide's commands, man page, docs, make uninstall: all ok"
