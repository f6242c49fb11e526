// IdSet: a set of job ids kept as one sorted vector, 4 bytes an id, for the
// controller's indexes (by user, partition, state class, array). Job ids
// grow, so an insert is nearly always an append; a removal marks the slot
// (the top bit) instead of moving the tail, and the vector is compacted when
// half of it is marks, so removing many ids stays O(1) each, amortised.
// Ids must be below 2^31 (Slurm's own limit is 0x03ff0000).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace drover {

class IdSet {
 public:
  static constexpr uint32_t kMaxId = 0x7fffffffu;

  // False if already present. Precondition: id <= kMaxId.
  bool insert(uint32_t id);
  // False if absent.
  bool erase(uint32_t id);
  bool contains(uint32_t id) const;
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Calls f(id) for each id, ascending.
  template <class F>
  void for_each(F&& f) const {
    for (uint32_t slot : slots_)
      if (!(slot & kErased)) f(slot);
  }
  // Appends the ids, ascending.
  void append_to(std::vector<uint32_t>& out) const;

 private:
  static constexpr uint32_t kErased = 0x80000000u;
  // The slot holding `id`, live or erased, or slots_.end().
  std::vector<uint32_t>::iterator find_slot(uint32_t id);
  void compact();

  std::vector<uint32_t> slots_;  // ascending by id (ignoring the erased bit)
  size_t live_ = 0;
};

}  // namespace drover
