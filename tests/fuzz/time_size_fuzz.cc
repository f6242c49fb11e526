// Slurm's time, size and array syntaxes (spec §1.2, §1.3). Every parser gets
// the whole input; what parses must print and parse back to the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drover/array_spec.h"
#include "drover/time_format.h"
#include "fuzz_common.h"

using namespace drover;

namespace {

constexpr uint32_t kMaxArraySize = 1000001;  // the config default

void check_time(std::string_view input) {
  Result<uint32_t> minutes = parse_time_limit(input);
  if (!minutes || *minutes == kInfiniteMinutes) return;
  int64_t seconds = int64_t{*minutes} * 60;
  for (const std::string& printed : {format_elapsed(seconds), format_duration(seconds)}) {
    Result<uint32_t> again = parse_time_limit(printed);
    if (!again || *again != *minutes)
      fuzz::fail("a printed duration does not parse back",
                 "input: [" + std::string(input) + "] printed: [" + printed + "]");
  }
}

void check_array(std::string_view input) {
  Result<ArraySpec> spec = parse_array_spec(input, kMaxArraySize);
  if (spec) {
    std::string printed = spec->tasks.to_string();
    Result<ArraySpec> again = parse_array_spec(printed, kMaxArraySize);
    if (!again || again->tasks.intervals() != spec->tasks.intervals())
      fuzz::fail("an array's task string does not parse back",
                 "input: [" + std::string(input) + "] printed: [" + printed + "]");
  }
  Result<TaskSet> tasks = parse_task_list(input);
  if (tasks) (void)tasks->to_string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_time(input);
  (void)parse_mem_mb(input);
  check_array(input);
  return 0;
}
