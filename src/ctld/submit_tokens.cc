#include "submit_tokens.h"

namespace drover {

void SubmitTokens::add(uint64_t hash, uint32_t job_id) {
  if (hash == 0) return;
  auto [first, last] = ids_.equal_range(hash);
  for (auto it = first; it != last; ++it)
    if (it->second == job_id) return;
  ids_.emplace(hash, job_id);
}

void SubmitTokens::remove(uint64_t hash, uint32_t job_id) {
  if (hash == 0) return;
  auto [first, last] = ids_.equal_range(hash);
  for (auto it = first; it != last; ++it)
    if (it->second == job_id) {
      ids_.erase(it);
      return;
    }
}

uint32_t SubmitTokens::find(uint64_t hash, const std::function<bool(uint32_t)>& is_it) const {
  if (hash == 0) return 0;
  auto [first, last] = ids_.equal_range(hash);
  for (auto it = first; it != last; ++it)
    if (is_it(it->second)) return it->second;
  return 0;
}

}  // namespace drover
