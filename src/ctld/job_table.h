// JobTable: the controller's jobs in memory, by id (issue 6: memory per
// pending job). Each slot holds either a full pb::JobRecord (running and
// finished jobs, array records, jobs with -w/-x/-C or an undecided
// dependency, and any job being worked on) or a PackedJob (packed_job.h):
// the bulk of a large queue, pending and untouched.
//
// find() hands out a full record, unpacking a packed slot in place, and
// remembers the id; repack() packs the remembered records that are still
// packable again. The controller runs repack() as a handler of its own
// after the one that unpacked (Controller::schedule_repack), so:
//
//   A pb::JobRecord* from find() is valid until the next repack(), i.e.
//   until the current handler returns. Never keep one across an
//   asynchronous boundary (a posted callback, a store write's completion,
//   a timer): keep the id and find() again.
//
// Hot paths (scheduling pass, listings, the dependency index) read packed
// slots as they are (packed(), view()) and never unpack. Controller thread
// only.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "drover.pb.h"
#include "packed_job.h"
#include "string_pool.h"

namespace drover {

class JobTable {
 public:
  struct Slot {
    std::unique_ptr<pb::JobRecord> full;  // null: the job is packed
    PackedJob packed;
  };
  using Map = std::map<uint32_t, Slot>;

  JobTable() = default;
  JobTable(const JobTable&) = delete;
  JobTable& operator=(const JobTable&) = delete;
  ~JobTable();

  // The full record, unpacked in place if it was packed; null if absent.
  // See the header comment for how long the pointer is valid.
  pb::JobRecord* find(uint32_t id);
  // The full record if the slot is full (no unpacking); else null.
  const pb::JobRecord* full(uint32_t id) const;
  // The packed job if the slot is packed; else null. Valid until the slot
  // is unpacked or erased.
  PackedJob* packed(uint32_t id);
  const PackedJob* packed(uint32_t id) const;
  bool contains(uint32_t id) const { return slots_.count(id) > 0; }
  size_t size() const { return slots_.size(); }
  size_t packed_count() const { return packed_count_; }

  // Adds a record as a full one; if packable it is remembered, so the next
  // repack() packs it. Returns the stored record.
  pb::JobRecord& insert(pb::JobRecord job);
  // Start-up: adds a record packed at once if packable. Ids mostly come
  // ascending (each then goes at the end); any order is correct.
  void insert_recovered(pb::JobRecord&& job);
  void erase(uint32_t id);

  // Packs every remembered record that is still packable; returns how many.
  size_t repack();
  bool needs_repack() const { return !unpacked_.empty(); }

  // Where view() copies packed jobs. Consecutive packed jobs that share
  // their cold bytes (jobs submitted alike) are parsed once: only the hot
  // fields are set again. Read `record` only; use one Scratch within one
  // handler (the pool may reuse a string's slot afterwards).
  struct Scratch {
    pb::JobRecord record;
    const std::string* cold = nullptr;  // the cold bytes `record` was parsed from
  };
  // The record as a read-only copy for a packed slot (filled into
  // `scratch.record`, which is returned), or the full record itself. Null
  // if absent.
  const pb::JobRecord* view(uint32_t id, Scratch& scratch) const;
  // The same for one slot of the walk below.
  const pb::JobRecord& view(const Slot& slot, Scratch& scratch) const;

  // Ordered by id, for listings and whole-table walks.
  Map::const_iterator begin() const { return slots_.begin(); }
  Map::const_iterator end() const { return slots_.end(); }
  Map::const_iterator lower_bound(uint32_t id) const { return slots_.lower_bound(id); }

  StringPool& strings() { return strings_; }
  const StringPool& strings() const { return strings_; }

 private:
  void pack_slot(Slot& slot);

  Map slots_;
  StringPool strings_;
  std::vector<uint32_t> unpacked_;  // ids to look at in the next repack()
  size_t packed_count_ = 0;
};

}  // namespace drover
