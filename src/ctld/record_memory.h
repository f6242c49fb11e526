// Giving a job record's memory back. Protobuf's clear_*() keeps what it
// cleared allocated for reuse: a repeated string field keeps every string
// object and its capacity, a string field keeps its std::string. A record
// kept in jobs_ for the life of a pending job must not carry that dead
// weight (it was ~3 KB per submitted job: sbatch's environment, cleared but
// held), so fields a record gives up for good are released, not cleared.
#pragma once
#include <string>

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

}  // namespace drover
