#!/usr/bin/env bash
# Cross-builds Drover for arm64 (64-bit ARM: Raspberry Pi 3/4/5 on a 64-bit
# OS) and runs every unit test under qemu-aarch64. Not part of
# scripts/test.sh (time); see docs/cross-build.md. See scripts/cross-build.sh.
exec bash "$(dirname "$0")/cross-build.sh" arm64 "$@"
