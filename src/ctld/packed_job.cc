#include "packed_job.h"

#include <cstring>

namespace drover {

bool packable(const pb::JobRecord& job) {
  const pb::JobSpec& spec = job.spec();
  return job.state() == pb::JOB_PENDING && job.array_job_id() == 0 && !job.is_array_task() &&
         job.array_pending().empty() && spec.nodelist().empty() && spec.exclude().empty() &&
         spec.constraint().empty() && (spec.dependency().empty() || job.dependency_done() || job.dependency_failed()) &&
         job.sched_nodes().empty();
}

// The hot fields, once: a name here is the same in pb::JobRecord (or its
// JobSpec) and in PackedJob. pack() moves each into the struct and clears
// it in the record; unpack_hot() puts it back. Adding a hot field is adding
// it to PackedJob and to one of these lists.
#define DROVER_PACKED_RECORD_NUMBERS(X) \
  X(job_id) X(uid) X(gid) X(priority) X(submit_time) X(expected_start) X(dependency_done) X(dependency_failed)
#define DROVER_PACKED_RECORD_STRINGS(X) X(partition) X(reason)
#define DROVER_PACKED_SPEC_NUMBERS(X)                                                                   \
  X(begin_time) X(mem_mb) X(mem_per_cpu_mb) X(time_limit_min) X(min_nodes) X(ntasks) X(ntasks_per_node) \
  X(cpus_per_task) X(priority_request) X(nice) X(exclusive) X(submit_token_hash)
#define DROVER_PACKED_SPEC_STRINGS(X) X(name) X(user_name)

void pack(pb::JobRecord& job, StringPool& strings, PackedJob& out) {
#define X(field)               \
  out.field = job.field();     \
  job.clear_##field();
  DROVER_PACKED_RECORD_NUMBERS(X)
#undef X
#define X(field)                          \
  out.field = strings.add(job.field());   \
  job.clear_##field();
  DROVER_PACKED_RECORD_STRINGS(X)
#undef X
  if (job.has_spec()) {
    pb::JobSpec& spec = *job.mutable_spec();
#define X(field)               \
  out.field = spec.field();    \
  spec.clear_##field();
    DROVER_PACKED_SPEC_NUMBERS(X)
#undef X
#define X(field)                          \
  out.field = strings.add(spec.field());  \
  spec.clear_##field();
    DROVER_PACKED_SPEC_STRINGS(X)
#undef X
  }
  // One buffer reused for every pack: only the pool keeps a copy.
  static thread_local std::string bytes;
  job.SerializeToString(&bytes);
  out.cold = strings.add(bytes);
}

bool unpack(const PackedJob& packed, const StringPool& strings, pb::JobRecord& out) {
  // Parse clears `out` first and reuses its strings and submessages.
  if (!out.ParseFromString(strings.get(packed.cold))) return false;
  unpack_hot(packed, strings, out);
  return true;
}

void unpack_hot(const PackedJob& packed, const StringPool& strings, pb::JobRecord& out) {
#define X(field) out.set_##field(packed.field);
  DROVER_PACKED_RECORD_NUMBERS(X)
#undef X
#define X(field) out.set_##field(strings.get(packed.field));
  DROVER_PACKED_RECORD_STRINGS(X)
#undef X
  // A record without a spec packs none (its spec fields are all zero): the
  // cold bytes say whether there was one, even an emptied one.
  if (!out.has_spec()) return;
  pb::JobSpec& spec = *out.mutable_spec();
#define X(field) spec.set_##field(packed.field);
  DROVER_PACKED_SPEC_NUMBERS(X)
#undef X
#define X(field) spec.set_##field(strings.get(packed.field));
  DROVER_PACKED_SPEC_STRINGS(X)
#undef X
}

void release_packed(PackedJob& packed, StringPool& strings) {
#define X(field) strings.release(packed.field);
  DROVER_PACKED_RECORD_STRINGS(X)
  DROVER_PACKED_SPEC_STRINGS(X)
#undef X
  strings.release(packed.cold);
  packed = PackedJob{};
}

void set_pooled(StringPool& strings, uint32_t& id, std::string_view text) {
  if (strings.get(id) == text) return;
  uint32_t next = strings.add(text);
  strings.release(id);
  id = next;
}

void fill_request_spec(const PackedJob& packed, pb::JobSpec& spec) {
  spec.Clear();
  spec.set_min_nodes(packed.min_nodes);
  spec.set_ntasks(packed.ntasks);
  spec.set_ntasks_per_node(packed.ntasks_per_node);
  spec.set_cpus_per_task(packed.cpus_per_task);
  spec.set_mem_mb(packed.mem_mb);
  spec.set_mem_per_cpu_mb(packed.mem_per_cpu_mb);
  spec.set_exclusive(packed.exclusive);
}

}  // namespace drover
