#include "drover/cpu_speed.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace drover {

uint64_t cpu_benchmark_work(uint32_t rounds) {
  // A 4 KB table: fits in any L1 cache, so the score measures the core and
  // not the memory system, and stays stable between runs.
  std::array<uint32_t, 1024> table{};
  uint32_t seed = 2463534242u;
  for (uint32_t& v : table) {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    v = seed;
  }
  uint64_t acc = 0x9E3779B97F4A7C15ull;
  uint32_t x = 88172645u;
  for (uint32_t i = 0; i < rounds; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    uint32_t& slot = table[(x ^ static_cast<uint32_t>(acc)) & 1023u];
    acc = acc * 6364136223846793005ull + (slot ^ i);
    slot += x;
  }
  return acc ^ x;
}

uint32_t cpu_speed_score(uint32_t rounds, uint64_t best_ns) {
  if (best_ns == 0) best_ns = 1;
  uint64_t score = (uint64_t{rounds} * 1000u) / best_ns;
  return static_cast<uint32_t>(std::clamp<uint64_t>(score, 1, UINT32_MAX));
}

uint64_t best_timing(const std::vector<uint64_t>& timings_ns) {
  if (timings_ns.empty()) return 0;
  return *std::min_element(timings_ns.begin(), timings_ns.end());
}

uint32_t measure_cpu_speed() {
  // 2^21 rounds: about 10 ms on a desktop core, 60-100 ms on a Pi 2.
  constexpr uint32_t kRounds = 1u << 21;
  constexpr auto kBudget = std::chrono::milliseconds(100);
  using Clock = std::chrono::steady_clock;
  std::vector<uint64_t> timings;
  volatile uint64_t sink = 0;  // the result is used: the work cannot be dropped
  auto start = Clock::now();
  while (timings.size() < 5 && (timings.size() < 2 || Clock::now() - start < kBudget)) {
    auto t0 = Clock::now();
    sink = sink + cpu_benchmark_work(kRounds);
    auto t1 = Clock::now();
    timings.push_back(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
  }
  return cpu_speed_score(kRounds, best_timing(timings));
}

}  // namespace drover
