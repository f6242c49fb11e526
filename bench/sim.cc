// bench_sim: the scheduler simulation (src/sim) at full size. Prints one
// machine-readable line; exits 1 if an invariant failed (each listed on
// stderr). Options: --nodes N --jobs N --partitions N --span SECONDS
// --interval SECONDS --max-passes N --seed N.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../src/sim/sim.h"

namespace {

bool parse_number(const char* text, unsigned long long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text, &end, 10);
  return errno == 0 && end != text && *end == '\0' && text[0] != '-';
}

}  // namespace

int main(int argc, char** argv) {
  drover::sim::SimConfig config;
  config.seed = 1;
  config.nodes = 2000;
  config.partitions = 4;
  config.jobs = 200000;
  config.arrival_span_s = 0;  // the whole queue at once: the heaviest passes
  config.pass_interval_s = 60;
  config.max_passes = 200;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    unsigned long long v = 0;
    if (i + 1 >= argc || !parse_number(argv[i + 1], v)) {
      std::fprintf(stderr, "bench_sim: %s needs a non-negative number\n", flag.c_str());
      return 2;
    }
    ++i;
    if (flag == "--nodes") config.nodes = v;
    else if (flag == "--jobs") config.jobs = v;
    else if (flag == "--partitions") config.partitions = v;
    else if (flag == "--span") config.arrival_span_s = static_cast<int64_t>(v);
    else if (flag == "--interval") config.pass_interval_s = static_cast<int64_t>(v);
    else if (flag == "--max-passes") config.max_passes = v;
    else if (flag == "--seed") config.seed = static_cast<uint32_t>(v);
    else {
      std::fprintf(stderr, "bench_sim: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (config.nodes == 0 || config.partitions == 0) {
    std::fprintf(stderr, "bench_sim: --nodes and --partitions must be positive\n");
    return 2;
  }
  drover::sim::SimResult r = drover::sim::run_simulation(config);
  for (const std::string& v : r.violations) std::fprintf(stderr, "bench_sim: invariant failed: %s\n", v.c_str());
  std::printf("scenario=sim nodes=%zu jobs=%zu tasks=%zu passes=%zu started=%zu backfilled=%zu "
              "pass_ms_avg=%.3f pass_ms_max=%.3f pass_cpu_ms_avg=%.3f invariants=%s\n",
              config.nodes, r.jobs, r.tasks, r.passes, r.started, r.backfilled, r.pass_ms_avg, r.pass_ms_max, r.pass_cpu_ms_avg,
              r.violations.empty() ? "ok" : "failed");
  return r.violations.empty() ? 0 : 1;
}
