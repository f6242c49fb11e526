#include "listing_reply.h"

#include <utility>

namespace drover {
namespace {

// Protobuf's wire format: a tag is (field << 3 | wire type); 2 is
// length-delimited, 0 a varint.
constexpr uint32_t kListJobsReplyJobs = 1;  // ListJobsReply.jobs
constexpr uint32_t kListJobsReplyNow = 2;   // ListJobsReply.now
constexpr uint32_t kMessageListJobsReply = pb::Message::kListJobsReplyFieldNumber;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Runs f with the record's script and environment taken out (O(1) swaps).
template <class F>
void without_bulk(pb::JobRecord& job, F&& f) {
  if (!job.has_spec()) return f();
  pb::JobSpec* spec = job.mutable_spec();
  std::string script;
  script.swap(*spec->mutable_script());
  google::protobuf::RepeatedPtrField<std::string> env;
  env.Swap(spec->mutable_env());
  f();
  spec->mutable_script()->swap(script);
  spec->mutable_env()->Swap(&env);
}

}  // namespace

void ListingEncoder::add(pb::JobRecord& job) {
  without_bulk(job, [&] {
    size_t n = job.ByteSizeLong();
    put_varint(body_, kListJobsReplyJobs << 3 | 2);
    put_varint(body_, n);
    size_t at = body_.size();
    body_.resize(at + n);
    job.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(body_.data() + at));
  });
  ++count_;
}

std::string ListingEncoder::finish(int64_t now) {
  if (now != 0) {
    put_varint(body_, kListJobsReplyNow << 3 | 0);
    put_varint(body_, static_cast<uint64_t>(now));
  }
  std::string message;
  message.reserve(body_.size() + 16);
  put_varint(message, kMessageListJobsReply << 3 | 2);
  put_varint(message, body_.size());
  message += body_;
  body_.clear();
  return message;
}

pb::JobRecord listing_copy(pb::JobRecord& job) {
  pb::JobRecord copy;
  without_bulk(job, [&] { copy = job; });
  return copy;
}

}  // namespace drover
