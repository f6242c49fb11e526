// Job submission: validation with Slurm's words, then a durable write;
// the reply is sent only after the commit.
#include <pwd.h>

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/array_spec.h"
#include "drover/time_format.h"
#include "job_request.h"
#include "record_memory.h"
#include "scheduler.h"
#include "spool.h"

namespace drover {
namespace {

constexpr size_t kMaxScriptBytes = 4u << 20;

// Submit rate (issue 6): getpwuid reads and parses the user database (with
// NSS `files`, /etc/passwd: four system calls) for every submission, so
// names are kept for a minute, as slurmctld keeps its uid cache. Controller
// thread only.
std::string user_name(uint32_t uid, const std::string& claimed, int64_t now_s) {
  struct Known {
    std::string name;
    int64_t looked_up_s;
  };
  static std::unordered_map<uint32_t, Known> known;
  auto it = known.find(uid);
  if (it != known.end() && now_s - it->second.looked_up_s < 60 && now_s >= it->second.looked_up_s)
    return it->second.name;
  // A miss is not kept: it may be a directory service's passing failure.
  struct passwd* pw = getpwuid(uid);
  if (!pw) return claimed.empty() ? std::to_string(uid) : claimed;
  if (known.size() >= 4096) known.clear();  // bounded however many uids submit
  return known.insert_or_assign(uid, Known{pw->pw_name, now_s}).first->second.name;
}

void set_array(pb::JobRecord& job, const ArraySpec& array) {
  job.set_array_job_id(job.job_id());
  for (const auto& [first, last] : array.tasks.intervals()) {
    pb::TaskRange* r = job.add_array_pending();
    r->set_first(first);
    r->set_last(last);
  }
  job.set_array_throttle(array.throttle);
  job.set_array_task_count(static_cast<uint32_t>(array.tasks.count()));
  job.set_array_task_min(array.tasks.first());
  job.set_array_task_max(array.tasks.last());
  job.set_array_task_step(array.step);
}

}  // namespace

void Controller::handle_submit(Request& request) {
  pb::JobSpec& spec = *request.message.mutable_submit()->mutable_spec();
  // A retried submission (its first reply was lost to a crash or a broken
  // connection) gets the job it already created.
  // An array's started tasks carry its token too; the answer names the array.
  uint32_t retried = 0;
  const uint64_t token = submit_token_hash(spec.submit_token());
  JobTable::Scratch scratch;  // a packed job is read, not unpacked
  submit_tokens_.find(token, [&](uint32_t id) {
    const pb::JobRecord* job = jobs_.view(id, scratch);
    if (!job || job->spec().submit_token_hash() != token || job->uid() != request.uid) return false;
    retried = job->array_job_id() ? job->array_job_id() : job->job_id();
    return true;
  });
  if (retried) {
    spdlog::info("job {}: submission retried by uid {}; answering with the existing job", retried, request.uid);
    pb::Message reply_msg;
    reply_msg.mutable_submit_reply()->set_job_id(retried);
    return reply(request, reply_msg);
  }
  auto first = token ? submitting_.find(token) : submitting_.end();
  if (first != submitting_.end() && first->second.uid == request.uid) {
    spdlog::info("job {}: submission retried by uid {} while it is being saved; answered once saved",
                 first->second.job_id, request.uid);
    first->second.retries.push_back(request);
    return;
  }
  const PartitionConfig* part =
      spec.partition().empty() ? config_.default_partition() : config_.find_partition(spec.partition());
  if (!part) {
    if (spec.partition().empty())
      return reply_error(request, "No partition specified or system default partition");
    return reply_error(request, "Invalid partition name specified", "invalid partition specified: " + spec.partition());
  }
  if (part->state == "drain" || part->state == "inactive")
    return reply_error(request, "Required partition not available (inactive or drain)");
  if (spec.script().size() > kMaxScriptBytes)
    return reply_error(request, "Pathname of a file, directory or other parameter too long");
  if (spec.work_dir().empty() || spec.work_dir()[0] != '/')
    return reply_error(request, "Invalid working directory: an absolute path is required");
  if (spec.allocation() && !spec.array_spec().empty())
    return reply_error(request, "Job arrays are not supported for allocations");
  ArraySpec array;
  if (!spec.array_spec().empty()) {
    Result<ArraySpec> parsed = parse_array_spec(spec.array_spec(), config_.max_array_size, config_.path);
    if (!parsed) return reply_error(request, parsed.error());
    array = std::move(*parsed);
  }

  // Options Drover has nothing to honour them with are refused with
  // Slurm's words for a cluster without them, rather than ignored.
  if (!spec.gres().empty()) return reply_error(request, "Invalid generic resource (gres) specification");
  if (!spec.reservation().empty()) return reply_error(request, "Requested reservation is invalid");
  bool admin = is_admin(request.uid, request.gid);
  if ((spec.priority_request() != 0 || spec.nice() < 0) && !admin)
    return reply_error(request, "Access/permission denied");

  Result<SchedJob> probe = job_request(spec, config_, *part);
  if (!probe) return reply_error(request, probe.error());
  // EnforcePartLimits=ALL: what exceeds a partition limit is refused, not
  // left pending for ever.
  if (probe->nodes > part->nodes.size() || (part->max_nodes && probe->nodes > part->max_nodes))
    return reply_error(request, "Node count specification invalid");
  if (part->max_time_min && spec.time_limit_min() != 0 && spec.time_limit_min() > part->max_time_min)
    return reply_error(request, "Requested time limit is invalid (missing or exceeds some limit)");
  if (!spec.dependency().empty()) {
    Result<Dependency> dep = parse_dependency(spec.dependency());
    if (!dep) return reply_error(request, dep.error());
    for (const DepItem& item : dep->items)
      if (item.type != DepType::kSingleton && item.job_id == next_job_id_)  // itself
        return reply_error(request, "Job dependency problem");
  }

  // Refuse what no node of the partition could ever hold, instead of
  // leaving it pending forever.
  SchedSnapshot snap;
  SchedPartition sp;
  for (const NodeConfig& nc : config_.nodes)
    snap.nodes.push_back({nc.cpus, 0, nc.memory_mb, 0, nc.weight, true, false});
  for (const std::string& n : part->nodes) sp.nodes.push_back(node_index(n));
  snap.partitions.push_back(sp);
  if (!could_ever_run(snap, *probe)) return reply_error(request, "Requested node configuration is not available");

  pb::JobRecord job;
  job.set_job_id(next_job_id_++);
  job.set_uid(request.uid);
  job.set_gid(request.gid);
  spec.set_user_name(user_name(request.uid, spec.user_name(), now()));
  job.set_partition(part->name);
  job.set_state(pb::JOB_PENDING);
  job.set_submit_time(now());
  if (spec.hold()) {
    job.set_priority(0);
    job.set_reason("JobHeldUser");
  } else {
    job.set_priority(1);  // not held; the multifactor number follows once the spec is in
    job.set_reason("None");
  }
  if (spec.time_limit_min() == 0) {
    uint32_t limit = part->default_time_min ? part->default_time_min : part->max_time_min;
    spec.set_time_limit_min(limit ? limit : kInfiniteMinutes);
  }
  *job.mutable_spec() = std::move(spec);
  // --priority (operators) sets it outright; otherwise partition, age and --nice (priority.h).
  if (job.priority() != 0) job.set_priority(current_priority(job));
  if (!array.tasks.empty()) set_array(job, array);

  // The script and environment leave the record: committed once to the
  // store's payload table (the one sync of the group), they are read back
  // only to launch (spool.h), so a pending job costs memory for its options
  // alone, and no spool files.
  JobStore::Write write;
  if (!job.spec().allocation())  // an allocation has no script
    write.payloads.push_back({job.job_id(), std::move(*job.mutable_spec()->mutable_script()),
                              join_env({job.spec().env().begin(), job.spec().env().end()})});
  release_payload(*job.mutable_spec());
  job.mutable_spec()->clear_submit_token_hash();  // the controller's to set, never a client's
  hash_submit_token(*job.mutable_spec());
  write.records.push_back(job);
  const uint64_t hash = job.spec().submit_token_hash();
  if (hash != 0) submitting_.try_emplace(hash, Submitting{request.uid, job.job_id(), {}});
  write.done = [this, request, hash, job = std::move(job)](Status s) mutable {
    // Retries that arrived during the commit get the same answer.
    std::vector<Request> retries;
    if (auto it = submitting_.find(hash); it != submitting_.end() && it->second.job_id == job.job_id()) {
      retries = std::move(it->second.retries);
      submitting_.erase(it);
    }
    if (!s) {
      spdlog::error("job {}: submission not saved: {}", job.job_id(), s.error());
      for (Request& retry : retries) reply_error(retry, "Unable to save the job: " + s.error());
      return reply_error(request, "Unable to save the job: " + s.error());
    }
    uint32_t id = job.job_id();
    spdlog::info("job {} submitted by uid {} to partition {}{}", id, job.uid(), job.partition(),
                 job.array_job_id() ? " (array " + job.spec().array_spec() + ")" : "");
    submit_tokens_.add(job.spec().submit_token_hash(), id);
    track_dependency(job);
    pb::JobRecord& entered = jobs_.insert(std::move(job));
    index_.add(entered);
    note_job(entered);
    if (jobs_.needs_repack()) schedule_repack();  // packed once this handler is done
    pb::Message reply_msg;
    reply_msg.mutable_submit_reply()->set_job_id(id);
    reply(request, reply_msg);
    for (Request& retry : retries) reply(retry, reply_msg);
    request_schedule();
  };
  store_->set_next_job_id(next_job_id_);
  store_->write(std::move(write));
}

}  // namespace drover
