#include "drover/id_set.h"

#include <algorithm>

namespace drover {

std::vector<uint32_t>::iterator IdSet::find_slot(uint32_t id) {
  auto it = std::lower_bound(slots_.begin(), slots_.end(), id,
                             [](uint32_t slot, uint32_t value) { return (slot & ~kErased) < value; });
  return it != slots_.end() && (*it & ~kErased) == id ? it : slots_.end();
}

bool IdSet::insert(uint32_t id) {
  if (slots_.empty() || (slots_.back() & ~kErased) < id) {
    slots_.push_back(id);
    ++live_;
    return true;
  }
  auto it = std::lower_bound(slots_.begin(), slots_.end(), id,
                             [](uint32_t slot, uint32_t value) { return (slot & ~kErased) < value; });
  if (it != slots_.end() && (*it & ~kErased) == id) {
    if (!(*it & kErased)) return false;
    *it = id;  // revived in place
  } else {
    slots_.insert(it, id);  // an id below the largest: rare (recovery order)
  }
  ++live_;
  return true;
}

bool IdSet::erase(uint32_t id) {
  auto it = find_slot(id);
  if (it == slots_.end() || (*it & kErased)) return false;
  *it |= kErased;
  --live_;
  if (live_ * 2 < slots_.size()) compact();
  return true;
}

bool IdSet::contains(uint32_t id) const {
  auto it = std::lower_bound(slots_.begin(), slots_.end(), id,
                             [](uint32_t slot, uint32_t value) { return (slot & ~kErased) < value; });
  return it != slots_.end() && *it == id;  // equal only if live: erased slots carry the bit
}

void IdSet::append_to(std::vector<uint32_t>& out) const {
  out.reserve(out.size() + live_);
  for_each([&](uint32_t id) { out.push_back(id); });
}

void IdSet::compact() {
  slots_.erase(std::remove_if(slots_.begin(), slots_.end(), [](uint32_t slot) { return (slot & kErased) != 0; }),
               slots_.end());
  // Give memory back after a large drain (a purged array, a cancelled queue).
  if (slots_.capacity() > 64 && slots_.size() < slots_.capacity() / 4) slots_.shrink_to_fit();
}

}  // namespace drover
