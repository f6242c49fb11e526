#!/usr/bin/env bash
# Cross-builds Drover for armhf (32-bit ARM: Raspberry Pi 2/3 on Raspberry Pi
# OS 32-bit) and tests it under qemu-arm: every unit test, then an armhf
# droverd serving a native controller (tests/cross/test_armhf_agent.sh).
# Usage: scripts/cross-armhf.sh [--unit-only]. See scripts/cross-build.sh.
exec bash "$(dirname "$0")/cross-build.sh" armhf "$@"
