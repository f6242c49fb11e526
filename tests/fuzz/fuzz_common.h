// What the fuzz targets in tests/fuzz share (docs/fuzzing.md): the fixed
// key and clock the frame seeds were sealed with, and a check that aborts,
// so a broken invariant is reported by libFuzzer like a crash.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace drover::fuzz {

// The frame seeds in corpus/frame were sealed with this key at this time,
// so their credentials verify and the fuzzer starts past the MAC check.
inline constexpr int64_t kNow = 1'700'000'000;
inline constexpr uint32_t kTtl = 300;
inline constexpr uint32_t kMaxSkew = 60;
inline constexpr uint32_t kMaxFrameBytes = 16u << 20;
inline std::string key_bytes() { return std::string(32, 'k'); }

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace drover::fuzz
