// SubmitTokens: sbatch's submission tokens -> the jobs they created, so a
// retried submission (its first reply lost) gets the job it already made.
//
// Memory (issue 6): every pending job has a token, so the table keeps a
// 64-bit hash of it, not the string (the record holds the token already):
// ~40 bytes a job instead of ~120. A hash names candidates only; the caller
// confirms against the record's own token, so a collision is never a wrong
// answer. Controller thread only.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace drover {

class SubmitTokens {
 public:
  void add(std::string_view token, uint32_t job_id);
  // Forgets this job's entry for the token (other jobs' stay).
  void remove(std::string_view token, uint32_t job_id);
  // The first job with this token's hash for which `is_it(id)` holds, or 0.
  uint32_t find(std::string_view token, const std::function<bool(uint32_t)>& is_it) const;

 private:
  static uint64_t hash(std::string_view token) { return std::hash<std::string_view>{}(token); }
  std::unordered_multimap<uint64_t, uint32_t> ids_;
};

}  // namespace drover
