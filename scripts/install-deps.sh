#!/bin/sh
# Install the Debian packages pvpatch needs, if any are missing.
# Run by every make target through build/.deps; safe to run by hand.
set -e
PKGS="make gcc g++ clang libclang-rt-14-dev llvm pkg-config binutils-ia64-linux-gnu \
      libelf-dev libzydis-dev libcriterion-dev man-db"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "pvpatch: missing packages:$missing; install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "pvpatch: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $missing >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q $missing >/dev/null
}
