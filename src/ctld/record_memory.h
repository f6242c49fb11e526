// Giving a job record's memory back. Protobuf's clear_*() keeps what it
// cleared allocated for reuse: a repeated string field keeps every string
// object and its capacity, a string field keeps its std::string. A record
// kept in jobs_ for the life of a pending job must not carry that dead
// weight (it was ~3 KB per submitted job: sbatch's environment, cleared but
// held), so fields a record gives up for good are released, not cleared.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "drover.pb.h"

namespace drover {

// Frees a repeated string field's elements and array.
inline void release_strings(google::protobuf::RepeatedPtrField<std::string>* field) {
  google::protobuf::RepeatedPtrField<std::string>().Swap(field);
}

// Frees the script and environment: they live in the store's payload table.
inline void release_payload(pb::JobSpec& spec) {
  delete spec.release_script();
  release_strings(spec.mutable_env());
}

// sbatch's submission token, hashed: FNV-1a 64 (stable across builds and
// word sizes, as it is stored). 0 for no token.
inline uint64_t submit_token_hash(std::string_view token) {
  if (token.empty()) return 0;
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : token) h = (h ^ c) * 0x100000001b3ull;
  return h ? h : 1;
}

// Replaces the token (a 32-character string: two allocations in every
// pending record) by its hash, which is all retries are matched with.
inline void hash_submit_token(pb::JobSpec& spec) {
  if (spec.submit_token().empty()) return;
  spec.set_submit_token_hash(submit_token_hash(spec.submit_token()));
  delete spec.release_submit_token();
}

}  // namespace drover
