// StringPool: reference-counted interned strings for the controller's packed
// pending jobs (packed_job.h). A queue of 100,000 pending jobs names a
// handful of partitions, users, reasons and job names; each packed job
// holds a 4-byte number per string instead of a heap std::string.
//
// Number 0 is always "" and is never counted. A string whose last holder
// released it is freed and its number reused, so unique job names do not
// accumulate. Controller thread only.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace drover {

class StringPool {
 public:
  // The number of `text`, one more holder counted; 0 for "".
  uint32_t add(std::string_view text);
  // One holder fewer; the string is freed with its last holder.
  void release(uint32_t id);
  // Precondition: `id` is held (or 0). The reference stays valid while held.
  const std::string& get(uint32_t id) const { return entries_[id].text; }
  // Strings held now (not counting "").
  size_t size() const { return ids_.size(); }
  uint32_t holders(uint32_t id) const { return entries_[id].holders; }

 private:
  struct Entry {
    std::string text;
    uint32_t holders = 0;
  };
  // A deque: entries never move, so ids_ may view their text.
  std::deque<Entry> entries_{Entry{}};
  std::vector<uint32_t> free_;  // numbers of freed entries, for reuse
  std::unordered_map<std::string_view, uint32_t> ids_;
};

}  // namespace drover
