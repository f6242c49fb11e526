// A node's measured single-thread CPU speed: a short, fixed, deterministic
// benchmark each agent runs at start and reports in its hello, so that
// `prefer: fastest` can put a Raspberry Pi 3B+ before the Pi 2s without
// hand-tuned weights. Only the ratio between nodes matters.
#pragma once
#include <cstdint>
#include <vector>

namespace drover {

// The benchmark's work: `rounds` rounds of integer arithmetic and table
// lookups with a dependency chain (so neither the compiler nor the CPU
// can skip work). Returns a checksum that depends on every round.
uint64_t cpu_benchmark_work(uint32_t rounds);

// The score for `rounds` rounds done in `best_ns` nanoseconds: rounds per
// microsecond, i.e. millions of rounds per second (about 20 on a Pi 2B,
// 30 on a Pi 3B+, a few hundred on a desktop core). At least 1.
uint32_t cpu_speed_score(uint32_t rounds, uint64_t best_ns);

// Best (shortest) of the timings: noise from other processes only ever
// makes a run slower, so the minimum is the most faithful measurement.
uint64_t best_timing(const std::vector<uint64_t>& timings_ns);

// Runs the benchmark: at least 2 and at most 5 runs of a fixed size,
// stopping once about 100 ms were spent; returns the score of the best run.
uint32_t measure_cpu_speed();

}  // namespace drover
