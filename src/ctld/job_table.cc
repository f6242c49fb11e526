#include "job_table.h"

#include <cstdlib>

#include <spdlog/spdlog.h>


namespace drover {

JobTable::~JobTable() = default;

pb::JobRecord* JobTable::find(uint32_t id) {
  auto it = slots_.find(id);
  if (it == slots_.end()) return nullptr;
  Slot& slot = it->second;
  // Whoever finds a job may change it: a full record that becomes
  // packable (a dependency satisfied, a requeue, -w dropped by scontrol)
  // is packed by the same repack as an unpacked one.
  if (slot.full) unpacked_.push_back(id);
  if (!slot.full) {
    auto record = std::make_unique<pb::JobRecord>();
    if (!unpack(slot.packed, strings_, *record)) {
      // Bytes this process wrote and never touched: memory corruption.
      spdlog::critical("job {}: packed record does not parse", id);
      std::abort();
    }
    release_packed(slot.packed, strings_);
    slot.full = std::move(record);
    --packed_count_;
    unpacked_.push_back(id);
  }
  return slot.full.get();
}

const pb::JobRecord* JobTable::full(uint32_t id) const {
  auto it = slots_.find(id);
  return it == slots_.end() ? nullptr : it->second.full.get();
}

PackedJob* JobTable::packed(uint32_t id) {
  auto it = slots_.find(id);
  return it == slots_.end() || it->second.full ? nullptr : &it->second.packed;
}

const PackedJob* JobTable::packed(uint32_t id) const {
  auto it = slots_.find(id);
  return it == slots_.end() || it->second.full ? nullptr : &it->second.packed;
}

pb::JobRecord& JobTable::insert(pb::JobRecord job) {
  uint32_t id = job.job_id();
  erase(id);  // ids are not reused; a replaced record starts afresh
  Slot& slot = slots_.emplace(id, Slot{}).first->second;
  slot.full = std::make_unique<pb::JobRecord>(std::move(job));
  if (packable(*slot.full)) unpacked_.push_back(id);
  return *slot.full;
}

void JobTable::insert_recovered(pb::JobRecord&& job) {
  uint32_t id = job.job_id();
  Slot& slot = slots_.emplace_hint(slots_.end(), id, Slot{})->second;
  if (packable(job)) {
    pack(job, strings_, slot.packed);
    ++packed_count_;
  } else {
    slot.full = std::make_unique<pb::JobRecord>(std::move(job));
  }
}

void JobTable::erase(uint32_t id) {
  auto it = slots_.find(id);
  if (it == slots_.end()) return;
  if (!it->second.full) {
    release_packed(it->second.packed, strings_);
    --packed_count_;
  }
  slots_.erase(it);
}

void JobTable::pack_slot(Slot& slot) {
  // The record's own storage goes with it; pack() takes what it keeps.
  std::unique_ptr<pb::JobRecord> record = std::move(slot.full);
  pack(*record, strings_, slot.packed);
  ++packed_count_;
}

size_t JobTable::repack() {
  size_t packed = 0;
  for (uint32_t id : unpacked_) {
    auto it = slots_.find(id);
    if (it == slots_.end() || !it->second.full || !packable(*it->second.full)) continue;
    pack_slot(it->second);
    ++packed;
  }
  unpacked_.clear();
  // A burst may have remembered many ids; do not keep the capacity.
  if (unpacked_.capacity() > 1024) std::vector<uint32_t>().swap(unpacked_);
  return packed;
}

const pb::JobRecord* JobTable::view(uint32_t id, Scratch& scratch) const {
  auto it = slots_.find(id);
  return it == slots_.end() ? nullptr : &view(it->second, scratch);
}

const pb::JobRecord& JobTable::view(const Slot& slot, Scratch& scratch) const {
  if (slot.full) return *slot.full;
  const std::string& cold = strings_.get(slot.packed.cold);
  if (scratch.cold != &cold) {
    if (!scratch.record.ParseFromString(cold)) {
      spdlog::critical("job {}: packed record does not parse", slot.packed.job_id);
      std::abort();
    }
    scratch.cold = &cold;
  }
  unpack_hot(slot.packed, strings_, scratch.record);
  return scratch.record;
}

}  // namespace drover
