#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang into build-fuzz/ and
# runs each for a bounded time over a copy of its checked-in corpus.
#   scripts/fuzz.sh [seconds_per_target] [target...]   (default 60 s, all)
# Prints one line per target; exits non-zero if any target crashed, keeping
# the crashing input in build-fuzz/fuzz-crashes/<target>/. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frame sbatch_script hostlist time_size config http_request)
build=${DROVER_FUZZ_BUILD:-build-fuzz}

# clang and its libFuzzer runtime (Debian: clang, libclang-rt-14-dev).
fuzzer_works() {
  command -v clang++ >/dev/null 2>&1 || return 1
  local probe
  probe=$(mktemp -d)
  echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
    >"$probe/probe.cc"
  clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cc" -o "$probe/probe" >/dev/null 2>&1
  local rc=$?
  rm -rf "$probe"
  return $rc
}
if ! fuzzer_works; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "fuzz.sh needs clang with libFuzzer; as root run: apt-get install -y clang libclang-rt-14-dev" >&2
    exit 1
  fi
  echo "installing: clang libclang-rt-14-dev" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
  fuzzer_works || { echo "clang cannot link a libFuzzer target" >&2; exit 1; }
fi

mkdir -p "$build"
# One fuzz build at a time, even from two test runs.
exec 9>"$build/.fuzz.lock"
flock 9

log="$build/fuzz-build.log"
if [ ! -f "$build/build.ninja" ]; then
  if ! CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DDROVER_FUZZ=ON >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "fuzz.sh: configuring $build failed (log: $log)" >&2
    exit 1
  fi
fi
if ! cmake --build "$build" -j1 --target fuzzers >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "fuzz.sh: building the fuzzers failed (log: $log)" >&2
  exit 1
fi

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=0
for name in "${targets[@]}"; do
  fuzzer="$build/bin/${name}_fuzz"
  seeds="tests/fuzz/corpus/$name"
  crashes="$build/fuzz-crashes/$name"
  run_log="$build/fuzz-logs/$name.log"
  [ -x "$fuzzer" ] || { echo "$name: no fuzzer $fuzzer" >&2; failed=1; continue; }
  mkdir -p "$crashes" "$(dirname "$run_log")"
  # New inputs go to a scratch copy, never into the checked-in corpus.
  work=$(mktemp -d)
  cp -r "$seeds/." "$work/"
  rc=0
  "$fuzzer" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$work" >"$run_log" 2>&1 || rc=$?
  units=$(ls "$work" | wc -l)
  rm -rf "$work"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run_log" | tail -n 1)
  if [ "$rc" -eq 0 ]; then
    printf '%-14s ok      %10s execs in %s s, corpus %d\n' "$name" "${execs:-?}" "$seconds" "$units"
  else
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$run_log" | tail -n 1)
    printf '%-14s FAILED  %10s execs, exit %d; input: %s; log: %s\n' "$name" "${execs:-?}" "$rc" \
      "${artifact:-none}" "$run_log"
    grep -m 2 -E 'ERROR: |runtime error|fuzz invariant|terminate called' "$run_log" | sed 's/^/    /' || true
    [ -z "$artifact" ] || echo "    reproduce: $fuzzer $artifact"
  fi
done
exit $failed
