// SubmitTokens: sbatch's submission tokens -> the jobs they created, so a
// retried submission (its first reply lost) gets the job it already made.
//
// Memory (issue 6): keyed by the token's 64-bit hash, which is also all a
// record keeps of its token (JobSpec.submit_token_hash, record_memory.h):
// ~40 bytes a job here instead of ~120, and none of the token's two string
// allocations in the record. A hash names candidates; the caller confirms
// each against the record's hash and uid. Controller thread only.
#pragma once
#include <cstdint>
#include <functional>
#include <unordered_map>

namespace drover {

class SubmitTokens {
 public:
  // `hash` 0 (no token) is ignored.
  void add(uint64_t hash, uint32_t job_id);
  // Forgets this job's entry for the hash (other jobs' stay).
  void remove(uint64_t hash, uint32_t job_id);
  // The first job with this hash for which `is_it(id)` holds, or 0.
  uint32_t find(uint64_t hash, const std::function<bool(uint32_t)>& is_it) const;
  void reserve(size_t jobs) { ids_.reserve(jobs); }

 private:
  std::unordered_multimap<uint64_t, uint32_t> ids_;
};

}  // namespace drover
