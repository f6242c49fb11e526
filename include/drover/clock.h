// Wall-clock time in one place, for the daemons' clock-skew reports and
// credentials. (Tests of pure code pass times explicitly instead.)
#pragma once
#include <chrono>
#include <cstdint>

namespace drover {

inline int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace drover
