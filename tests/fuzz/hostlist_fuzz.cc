// Hostlist expressions (spec §8). Besides not crashing, compression must be
// lossless: expanding what compress() prints gives the names back in order,
// and expanding what compress_sorted() prints gives the same names sorted.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drover/hostlist.h"
#include "fuzz_common.h"

using namespace drover;

namespace {

constexpr size_t kMaxNames = 1000;  // larger lists only cost time

std::string describe(std::string_view input, const std::string& compressed,
                     const std::vector<std::string>& got) {
  std::string text = "input: [" + std::string(input) + "]\ncompressed: [" + compressed + "]\nexpanded:";
  for (const std::string& name : got) text += " " + name;
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<std::vector<std::string>> names = hostlist::expand(input);
  if (!names || names->size() > kMaxNames) return 0;

  std::string in_order = hostlist::compress(*names);
  Result<std::vector<std::string>> again = hostlist::expand(in_order);
  if (!again) fuzz::fail("compress() printed an invalid hostlist", describe(input, in_order, {}));
  if (*again != *names) fuzz::fail("compress() does not round-trip", describe(input, in_order, *again));

  std::string sorted = hostlist::compress_sorted(*names);
  Result<std::vector<std::string>> expanded = hostlist::expand(sorted);
  if (!expanded) fuzz::fail("compress_sorted() printed an invalid hostlist", describe(input, sorted, {}));
  std::vector<std::string> want = *names;
  std::vector<std::string> got = *expanded;
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  if (got != want) fuzz::fail("compress_sorted() does not round-trip", describe(input, sorted, *expanded));
  // Sorting is idempotent: the sorted form of the sorted form is itself.
  if (hostlist::compress_sorted(*expanded) != sorted)
    fuzz::fail("compress_sorted() is not stable", describe(input, sorted, *expanded));
  return 0;
}
