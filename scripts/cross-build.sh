#!/usr/bin/env bash
# Cross-builds Drover for a Debian ARM architecture and tests it under
# qemu-user. Usage: scripts/cross-build.sh armhf|arm64 [--unit-only]
#   armhf: 32-bit ARM (Raspberry Pi 2/3 on Raspberry Pi OS 32-bit). Runs every
#          unit test under qemu-arm, then tests/cross/test_armhf_agent.sh (an
#          armhf droverd and its job supervisors under qemu serving a native
#          x86-64 controller) unless --unit-only.
#   arm64: 64-bit ARM (Raspberry Pi 3/4/5 on a 64-bit OS). Runs every unit
#          test under qemu-aarch64.
# scripts/cross-armhf.sh and scripts/cross-arm64.sh call this. The target's
# libraries come from a separate sysroot made with mmdebstrap: Debian's
# multiarch -dev packages cannot be installed beside the host's here (see
# docs/cross-build.md). Environment: DROVER_SYSROOT (a sysroot to use or
# make, default build-<arch>-sysroot), DROVER_DEBIAN_MIRROR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
arch=${1:-}
unit_only=false
[ "${2:-}" = "--unit-only" ] && unit_only=true
case "$arch" in
  armhf) triple=arm-linux-gnueabihf qemu=qemu-arm elf='ELF 32-bit LSB .* ARM' ;;
  arm64) triple=aarch64-linux-gnu qemu=qemu-aarch64 elf='ELF 64-bit LSB .* ARM aarch64'; unit_only=true ;;
  *) echo "usage: $0 armhf|arm64 [--unit-only]" >&2; exit 2 ;;
esac

need=("crossbuild-essential-$arch" qemu-user mmdebstrap)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the $arch cross build needs: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sysroot=${DROVER_SYSROOT:-$root/build-$arch-sysroot}
if [ ! -e "$sysroot/.complete" ]; then
  rm -rf "$sysroot"
  mirror=${DROVER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  echo "making the $arch sysroot in $sysroot from $mirror" >&2
  mmdebstrap --mode=root --variant=extract --arch="$arch" --quiet \
    --include=libc6-dev,libstdc++-12-dev,libboost-dev,libprotobuf-dev,libspdlog-dev,libyaml-cpp-dev,libgtest-dev,libsodium-dev,libsqlite3-dev,libcli11-dev \
    bookworm "$sysroot" "deb $mirror bookworm main" "deb $mirror bookworm-updates main"
  # The extract variant leaves absolute symlinks, which would resolve on the host.
  (cd "$sysroot" && find . -type l -lname '/*' | while read -r link; do
     ln -sfrn "$sysroot$(readlink "$link")" "$link"; done)
  touch "$sysroot/.complete"
fi

build=build-$arch
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/$arch-toolchain.cmake" -DDROVER_SYSROOT="$sysroot" >/dev/null
jobs=${DROVER_JOBS:-$(nproc)}
cmake --build "$build" -j "$jobs"
file "$build/bin/droverd" | grep -q "$elf" || { echo "$build/bin/droverd is not an $arch binary" >&2; exit 1; }
ctest --test-dir "$build" --output-on-failure -j "$jobs"
$unit_only && exit 0

# The native side of the mixed-architecture test.
bash scripts/build.sh
DROVER_BIN=$root/build/bin DROVER_ARMHF_BIN=$root/$build/bin DROVER_SYSROOT=$sysroot DROVER_SRC=$root \
  bash tests/cross/test_armhf_agent.sh
