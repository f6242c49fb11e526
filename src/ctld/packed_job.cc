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

void pack(pb::JobRecord& job, StringPool& strings, PackedJob& out) {
  out.job_id = job.job_id();
  out.uid = job.uid();
  out.gid = job.gid();
  out.priority = job.priority();
  out.submit_time = job.submit_time();
  out.expected_start = job.expected_start();
  out.dependency_done = job.dependency_done();
  out.dependency_failed = job.dependency_failed();
  out.partition = strings.add(job.partition());
  out.reason = strings.add(job.reason());
  job.clear_job_id();
  job.clear_uid();
  job.clear_gid();
  job.clear_priority();
  job.clear_submit_time();
  job.clear_expected_start();
  job.clear_dependency_done();
  job.clear_dependency_failed();
  job.clear_partition();
  job.clear_reason();
  if (job.has_spec()) {
    pb::JobSpec& spec = *job.mutable_spec();
    out.begin_time = spec.begin_time();
    out.mem_mb = spec.mem_mb();
    out.mem_per_cpu_mb = spec.mem_per_cpu_mb();
    out.time_limit_min = spec.time_limit_min();
    out.min_nodes = spec.min_nodes();
    out.ntasks = spec.ntasks();
    out.ntasks_per_node = spec.ntasks_per_node();
    out.cpus_per_task = spec.cpus_per_task();
    out.priority_request = spec.priority_request();
    out.nice = spec.nice();
    out.exclusive = spec.exclusive();
    out.submit_token_hash = spec.submit_token_hash();
    out.name = strings.add(spec.name());
    out.user_name = strings.add(spec.user_name());
    spec.clear_begin_time();
    spec.clear_mem_mb();
    spec.clear_mem_per_cpu_mb();
    spec.clear_time_limit_min();
    spec.clear_min_nodes();
    spec.clear_ntasks();
    spec.clear_ntasks_per_node();
    spec.clear_cpus_per_task();
    spec.clear_priority_request();
    spec.clear_nice();
    spec.clear_exclusive();
    spec.clear_submit_token_hash();
    spec.clear_name();
    spec.clear_user_name();
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
  out.set_job_id(packed.job_id);
  out.set_uid(packed.uid);
  out.set_gid(packed.gid);
  out.set_priority(packed.priority);
  out.set_submit_time(packed.submit_time);
  out.set_expected_start(packed.expected_start);
  out.set_dependency_done(packed.dependency_done);
  out.set_dependency_failed(packed.dependency_failed);
  out.set_partition(strings.get(packed.partition));
  out.set_reason(strings.get(packed.reason));
  // A record without a spec packs none (its spec fields are all zero): the
  // cold bytes say whether there was one, even an emptied one.
  if (!out.has_spec()) return;
  pb::JobSpec& spec = *out.mutable_spec();
  spec.set_begin_time(packed.begin_time);
  spec.set_mem_mb(packed.mem_mb);
  spec.set_mem_per_cpu_mb(packed.mem_per_cpu_mb);
  spec.set_time_limit_min(packed.time_limit_min);
  spec.set_min_nodes(packed.min_nodes);
  spec.set_ntasks(packed.ntasks);
  spec.set_ntasks_per_node(packed.ntasks_per_node);
  spec.set_cpus_per_task(packed.cpus_per_task);
  spec.set_priority_request(packed.priority_request);
  spec.set_nice(packed.nice);
  spec.set_exclusive(packed.exclusive);
  spec.set_submit_token_hash(packed.submit_token_hash);
  spec.set_name(strings.get(packed.name));
  spec.set_user_name(strings.get(packed.user_name));
}

void release_packed(PackedJob& packed, StringPool& strings) {
  strings.release(packed.partition);
  strings.release(packed.reason);
  strings.release(packed.name);
  strings.release(packed.user_name);
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
