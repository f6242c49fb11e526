#include "submit_tokens.h"

namespace drover {

void SubmitTokens::add(std::string_view token, uint32_t job_id) {
  if (token.empty()) return;
  auto [first, last] = ids_.equal_range(hash(token));
  for (auto it = first; it != last; ++it)
    if (it->second == job_id) return;
  ids_.emplace(hash(token), job_id);
}

void SubmitTokens::remove(std::string_view token, uint32_t job_id) {
  if (token.empty()) return;
  auto [first, last] = ids_.equal_range(hash(token));
  for (auto it = first; it != last; ++it)
    if (it->second == job_id) {
      ids_.erase(it);
      return;
    }
}

uint32_t SubmitTokens::find(std::string_view token, const std::function<bool(uint32_t)>& is_it) const {
  if (token.empty()) return 0;
  auto [first, last] = ids_.equal_range(hash(token));
  for (auto it = first; it != last; ++it)
    if (is_it(it->second)) return it->second;
  return 0;
}

}  // namespace drover
