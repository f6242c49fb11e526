#!/usr/bin/env bash
# Builds Drover and runs the whole test suite: unit tests, integration tests
# on real daemons, the systemd unit check, then the armhf cross build with
# its unit tests under qemu and a 32-bit agent serving this machine's
# controller (scripts/cross-armhf.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j 2
bash scripts/cross-armhf.sh
