#include "string_pool.h"

#include <cstdlib>

#include <spdlog/spdlog.h>

namespace drover {

uint32_t StringPool::add(std::string_view text) {
  if (text.empty()) return 0;
  if (auto it = ids_.find(text); it != ids_.end()) {
    ++entries_[it->second].holders;
    return it->second;
  }
  uint32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  Entry& entry = entries_[id];
  entry.text.assign(text);
  entry.holders = 1;
  ids_.emplace(entry.text, id);
  return id;
}

void StringPool::release(uint32_t id) {
  if (id == 0) return;
  Entry& entry = entries_[id];
  if (entry.holders == 0) {
    // A count gone wrong would free a string still shown; stop here.
    spdlog::critical("string pool: release of unheld string {}", id);
    std::abort();
  }
  if (--entry.holders > 0) return;
  ids_.erase(entry.text);
  std::string().swap(entry.text);  // give the buffer back, not just clear it
  free_.push_back(id);
}

}  // namespace drover
