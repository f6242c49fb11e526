// The reply to a job listing, encoded straight from the controller's
// records: a listing of 100,000 jobs must not copy 100,000 records (with
// their scripts and environments) into a reply message first, which costs
// more in malloc and free than the listing itself.
#pragma once
#include <cstdint>
#include <string>

#include "drover.pb.h"

namespace drover {

// Builds the bytes of a pb::Message holding a ListJobsReply, one record at
// a time. Records go without their script and environment, which no
// listing shows: those are swapped out of the record and back, not copied.
class ListingEncoder {
 public:
  void add(pb::JobRecord& job);
  size_t size() const { return count_; }
  // The serialized pb::Message (list_jobs_reply set); the encoder is spent.
  std::string finish(int64_t now);

 private:
  std::string body_;  // ListJobsReply's encoded fields so far
  size_t count_ = 0;
};

// A copy of a record as listings carry it: without script and environment,
// which are never copied.
pb::JobRecord listing_copy(pb::JobRecord& job);

}  // namespace drover
