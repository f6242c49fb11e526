#!/usr/bin/env bash
# ctest fuzz.smoke: builds the fuzz targets (build-fuzz/, clang) and runs
# each for a few seconds over its corpus via scripts/fuzz.sh. Prints SKIP and
# passes when clang or its libFuzzer runtime is not installed.
set -uo pipefail
src=${DROVER_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
seconds=${DROVER_FUZZ_SECONDS:-5}

skip() { echo "SKIP: $*"; exit 0; }
command -v clang++ >/dev/null 2>&1 || skip "clang++ not found (apt-get install clang libclang-rt-14-dev)"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe/probe.cc"
clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cc" -o "$probe/probe" >"$probe/log" 2>&1 ||
  skip "clang++ cannot link a libFuzzer target (apt-get install libclang-rt-14-dev): $(head -n 1 "$probe/log")"

start=$SECONDS
bash "$src/scripts/fuzz.sh" "$seconds"
rc=$?
echo "fuzz smoke: ${seconds} s per target, $((SECONDS - start)) s in all (build included), exit $rc"
exit $rc
