#!/usr/bin/env bash
# Builds Drover and runs the whole test suite: unit tests, integration tests
# on real daemons, and the systemd unit check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j 2
