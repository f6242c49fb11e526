// The batch script checks and #SBATCH directive extraction sbatch applies to
// any file a user hands it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drover/batch_script.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view script(reinterpret_cast<const char*>(data), size);
  (void)drover::check_batch_script(script);
  (void)drover::extract_directives(script);
  return 0;
}
