#!/usr/bin/env bash
# Cross-builds Drover for armhf (32-bit ARM: Raspberry Pi 2/3 on Raspberry Pi
# OS 32-bit) and tests it under qemu-user:
#   1. every unit test, run by ctest through qemu-arm;
#   2. tests/cross/test_armhf_agent.sh: an armhf droverd (and its job
#      supervisors) under qemu serving a native x86-64 controller.
# The armhf libraries come from a separate sysroot made with mmdebstrap
# (Debian's multiarch armhf packages cannot be installed beside the host's
# here; see docs/admin-guide.md). Usage: scripts/cross-armhf.sh [--unit-only]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
triple=arm-linux-gnueabihf

need=(crossbuild-essential-armhf qemu-user mmdebstrap)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the armhf cross build needs: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sysroot=${DROVER_SYSROOT:-$root/build-armhf-sysroot}
if [ ! -e "$sysroot/.complete" ]; then
  rm -rf "$sysroot"
  mirror=${DROVER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  echo "making the armhf sysroot in $sysroot from $mirror" >&2
  mmdebstrap --mode=root --variant=extract --arch=armhf --quiet \
    --include=libc6-dev,libstdc++-12-dev,libboost-dev,libprotobuf-dev,libspdlog-dev,libyaml-cpp-dev,libgtest-dev,libsodium-dev,libsqlite3-dev,libcli11-dev \
    bookworm "$sysroot" "deb $mirror bookworm main" "deb $mirror bookworm-updates main"
  # The extract variant leaves absolute symlinks, which would resolve on the host.
  (cd "$sysroot" && find . -type l -lname '/*' | while read -r link; do
     ln -sfrn "$sysroot$(readlink "$link")" "$link"; done)
  touch "$sysroot/.complete"
fi

[ -f build-armhf/build.ninja ] || cmake -S . -B build-armhf -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/armhf-toolchain.cmake" -DDROVER_SYSROOT="$sysroot" >/dev/null
cmake --build build-armhf -j "$(nproc)"
file build-armhf/bin/droverd | grep -q 'ELF 32-bit LSB .* ARM' || { echo "build-armhf/bin/droverd is not an armhf binary" >&2; exit 1; }
ctest --test-dir build-armhf --output-on-failure -j "$(nproc)"
[ "${1:-}" = "--unit-only" ] && exit 0

# The native side of the mixed-architecture test.
bash scripts/build.sh
DROVER_BIN=$root/build/bin DROVER_ARMHF_BIN=$root/build-armhf/bin DROVER_SYSROOT=$sysroot DROVER_SRC=$root \
  bash tests/cross/test_armhf_agent.sh
