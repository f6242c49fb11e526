#!/usr/bin/env bash
# Builds the Debian packages drover-controller, drover-node and drover-client
# for this machine into build/packages/ (cmake/install.cmake says what goes
# in each). For the Pis: scripts/cross-armhf.sh or scripts/cross-arm64.sh,
# then `cmake --build build-armhf --target package` (docs/cross-build.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cmake --build build --target package
ls -1 build/packages/*.deb
