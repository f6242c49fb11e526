#include "controller.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "drover/array_spec.h"
#include "drover/job_state.h"
#include "job_env.h"
#include "job_request.h"
#include "scheduler.h"

namespace drover {

Controller::Controller(asio::io_context& io, Config config, ClusterKey key, std::unique_ptr<JobStore> store)
    : io_(io),
      config_(std::move(config)),
      key_(std::move(key)),
      store_(std::move(store)),
      daemon_uid_(::getuid()),
      nodes_(config_.nodes.size()),
      node_timer_(io),
      purge_timer_(io) {
  for (size_t i = 0; i < config_.nodes.size(); ++i) node_by_name_[config_.nodes[i].name] = i;
  admin_uids_.insert(config_.admin_uids.begin(), config_.admin_uids.end());
  for (const std::string& name : config_.admin_users) {
    if (struct passwd* pw = getpwnam(name.c_str())) admin_uids_.insert(pw->pw_uid);
    else spdlog::warn("admin_users: no such user {}", name);
  }
  for (const std::string& name : config_.admin_groups) {
    if (struct group* gr = getgrnam(name.c_str())) admin_gids_.insert(gr->gr_gid);
    else spdlog::warn("admin_groups: no such group {}", name);
  }
}

Controller::~Controller() = default;

int64_t Controller::now() const { return ::time(nullptr); }

void Controller::start() {
  recover();
  asio::co_spawn(io_, listen(), asio::detached);
  check_nodes();
  purge_old_jobs();
  request_schedule();
}

void Controller::recover() {
  JobStore::Loaded loaded = store_->load();
  for (const std::string& line : loaded.quarantined) spdlog::error("quarantined unreadable record: {}", line);
  next_job_id_ = loaded.next_job_id;
  for (const pb::NodeAdminState& saved : loaded.nodes) {
    size_t n = node_index(saved.name());
    if (n == SIZE_MAX) continue;  // removed from the config since
    nodes_[n].down = saved.down();
    nodes_[n].drain = saved.drain();
    nodes_[n].reason = saved.reason();
    if (saved.down() || saved.drain())
      spdlog::info("node {} recovered as {}: {}", saved.name(), saved.down() ? "DOWN" : "DRAIN", saved.reason());
  }
  size_t pending = 0, running = 0, aged = 0;
  for (pb::JobRecord& job : loaded.jobs) {
    // Finished long ago: only sacct still shows it, from the store.
    if (past_min_job_age(job, now())) {
      ++aged;
      continue;
    }
    if (job.state() == pb::JOB_PENDING) ++pending;
    if (job_state_is_active(job.state()) || (job_state_is_finished(job.state()) && job.kill_sent())) {
      ++running;
      for (int i = 0; i < job.nodes_size(); ++i) {
        size_t n = node_index(job.nodes(i));
        if (n == SIZE_MAX) continue;
        nodes_[n].alloc_cpus += i < job.node_cpus_size() ? job.node_cpus(i) : 0;
        nodes_[n].alloc_mem_mb += job.spec().mem_mb();
        nodes_[n].exclusive_job = nodes_[n].exclusive_job || job.spec().exclusive();
      }
    }
    uint32_t id = job.job_id();
    if (job.spec().allocation() && job.state() == pb::JOB_RUNNING) allocations_[id] = now();  // holders get a grace period
    if (!job.spec().submit_token().empty()) submit_tokens_[job.spec().submit_token()] = id;
    track_dependency(job);
    index_.add(jobs_.emplace(id, std::move(job)).first->second);
  }
  spdlog::info("recovered {} jobs ({} pending, {} running or completing; {} older finished ones left to sacct); "
               "next job id {}", jobs_.size(), pending, running, aged, next_job_id_);
}

pb::JobRecord* Controller::find_job(uint32_t job_id) {
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::vector<uint32_t> Controller::node_holders() const {
  std::vector<uint32_t> ids;
  index_.in_class(JobIndex::kActive).append_to(ids);
  index_.in_class(JobIndex::kCompleting).append_to(ids);
  std::sort(ids.begin(), ids.end());
  return ids;
}

size_t Controller::node_index(const std::string& name) const {
  auto it = node_by_name_.find(name);
  return it == node_by_name_.end() ? SIZE_MAX : it->second;
}

void Controller::persist(std::vector<pb::JobRecord> records, std::function<void(Status)> done) {
  // Every state change is persisted: the one place the index follows them.
  for (const pb::JobRecord& record : records)
    if (const pb::JobRecord* job = find_job(record.job_id())) index_.refile(*job);
  store_->set_next_job_id(next_job_id_);
  JobStore::Write write;
  write.records = std::move(records);
  write.done = done ? std::move(done) : [](Status s) {
    if (!s) spdlog::error("job state not saved: {}", s.error());
  };
  store_->write(std::move(write));
}

void Controller::persist_node(size_t node) {
  JobStore::Write write;
  pb::NodeAdminState state;
  state.set_name(config_.nodes[node].name);
  state.set_down(nodes_[node].down);
  state.set_drain(nodes_[node].drain);
  state.set_reason(nodes_[node].reason);
  write.nodes.push_back(std::move(state));
  write.done = [](Status s) {
    if (!s) spdlog::error("node state not saved: {}", s.error());
  };
  store_->write(std::move(write));
}

// Scheduling passes are coalesced: many events in one turn of the loop
// cause one pass.
void Controller::request_schedule() {
  if (schedule_requested_) return;
  schedule_requested_ = true;
  asio::post(io_, [this] {
    schedule_requested_ = false;
    run_schedule();
  });
}

void Controller::run_schedule() {
  SchedSnapshot snap;
  for (size_t i = 0; i < config_.nodes.size(); ++i) {
    const NodeRuntime& rt = nodes_[i];
    snap.nodes.push_back({config_.nodes[i].cpus, rt.alloc_cpus, config_.nodes[i].memory_mb, rt.alloc_mem_mb,
                          config_.nodes[i].weight, rt.connected && !rt.down && !rt.drain, rt.exclusive_job});
  }
  std::map<std::string, size_t> part_index;
  for (const PartitionConfig& p : config_.partitions) {
    SchedPartition sp;
    for (const std::string& n : p.nodes) sp.nodes.push_back(node_index(n));
    sp.up = p.state == "up" || p.state == "drain";
    part_index[p.name] = snap.partitions.size();
    snap.partitions.push_back(std::move(sp));
  }
  std::map<uint32_t, uint32_t> running_tasks;  // array job id -> tasks running
  for (const auto& [id, job] : jobs_)
    if (job.is_array_task() && job_state_is_active(job.state())) ++running_tasks[job.array_job_id()];
  std::vector<pb::JobRecord> changed;
  std::unordered_set<uint32_t> waiting = evaluate_dependencies(changed);
  const int64_t t_now = now();
  for (auto& [id, job] : jobs_) {
    if (job.state() != pb::JOB_PENDING || job.priority() == 0) continue;
    if (job.reason() == "PartitionTimeLimit") continue;
    if (waiting.count(id)) continue;
    if (job.dependency_failed()) {  // permanent, also after a release
      if (job.reason() != "DependencyNeverSatisfied") job.set_reason("DependencyNeverSatisfied");
      continue;
    }
    if (job.spec().begin_time() > t_now) {
      if (job.reason() != "BeginTime") job.set_reason("BeginTime");
      wake_at(job.spec().begin_time());
      continue;
    }
    if (job.reason() == "BeginTime") job.set_reason("None");
    const PartitionConfig* part = config_.find_partition(job.partition());
    Result<SchedJob> request = part ? job_request(job.spec(), config_, *part) : Result<SchedJob>::fail("");
    if (!request) {
      // Checked at submit; only a changed configuration gets here.
      if (job.reason() != "BadConstraints") jobs_.at(id).set_reason("BadConstraints");
      continue;
    }
    SchedJob sj = std::move(*request);
    sj.job_id = id;
    sj.priority = job.priority();
    sj.partition = part_index[job.partition()];
    if (!job.array_pending().empty()) {
      uint64_t pending = 0;
      for (const pb::TaskRange& r : job.array_pending()) pending += uint64_t{r.last()} - r.first() + 1;
      if (auto corr = corr_eligible_.find(id); corr != corr_eligible_.end()) pending = corr->second.count();
      uint64_t room = pending;
      if (job.array_throttle() > 0) {
        uint32_t running = running_tasks[id];
        room = running >= job.array_throttle() ? 0 : job.array_throttle() - running;
        sj.throttled = room < pending;
      }
      sj.startable = static_cast<uint32_t>(std::min<uint64_t>(pending, room));
      if (sj.startable == 0) {
        if (jobs_.at(id).reason() != "JobArrayTaskLimit") jobs_.at(id).set_reason("JobArrayTaskLimit");
        continue;
      }
    }
    snap.pending.push_back(sj);
  }
  if (!changed.empty()) persist(std::move(changed));
  SchedPlan plan = schedule(std::move(snap));
  for (const SchedWait& wait : plan.waits)
    if (pb::JobRecord* job = find_job(wait.job_id)) job->set_reason(wait.reason);
  for (const SchedStart& start : plan.starts)
    start_job(start.job_id, start.nodes, start.cpus_per_node, start.mem_per_node_mb);
}

// Starts one job, or one task of a pending array. The record is made
// durable before the agent is told, so a restarted controller never runs a
// job twice.
void Controller::start_job(uint32_t job_id, const std::vector<size_t>& nodes, uint32_t cpus_per_node,
                           uint64_t mem_mb) {
  pb::JobRecord* meta = find_job(job_id);
  if (!meta) return;
  std::vector<pb::JobRecord> changed;
  pb::JobRecord* job = meta;
  if (!meta->array_pending().empty()) {
    TaskSet pending;
    for (const pb::TaskRange& r : meta->array_pending()) pending.add_range(r.first(), r.last());
    uint32_t task = pending.first();
    if (auto corr = corr_eligible_.find(job_id); corr != corr_eligible_.end() && !corr->second.empty()) {
      task = corr->second.pop_first();  // aftercorr: the first task whose counterpart succeeded
    }
    pending.remove(task);
    meta->clear_array_pending();
    for (const auto& [first, last] : pending.intervals()) {
      pb::TaskRange* r = meta->add_array_pending();
      r->set_first(first);
      r->set_last(last);
    }
    if (!pending.empty()) {
      // The task is split off into a record of its own with a new id.
      pb::JobRecord task_record = *meta;
      task_record.clear_array_pending();
      // Script and environment stay with the array's record and its spool.
      task_record.mutable_spec()->clear_script();
      task_record.mutable_spec()->clear_env();
      task_record.set_job_id(next_job_id_++);
      changed.push_back(*meta);
      job = &jobs_.emplace(task_record.job_id(), std::move(task_record)).first->second;
      index_.add(*job);
    }
    job->set_is_array_task(true);
    job->set_array_task_id(task);
  }
  job->set_state(pb::JOB_RUNNING);
  job->set_reason("None");
  job->clear_dependency_state();  // a started job has nothing left to wait for (Dependency=(null))
  job->set_start_time(now());
  job->clear_nodes();
  job->clear_node_cpus();
  uint32_t total = 0;
  for (size_t n : nodes) {
    NodeRuntime& rt = nodes_[n];
    uint32_t cpus = cpus_per_node == 0 ? config_.nodes[n].cpus : cpus_per_node;
    job->add_nodes(config_.nodes[n].name);
    job->add_node_cpus(cpus);
    total += cpus;
    rt.alloc_cpus += cpus;
    rt.alloc_mem_mb += mem_mb;
    rt.exclusive_job = rt.exclusive_job || job->spec().exclusive();
  }
  job->set_alloc_cpus(total);
  changed.push_back(*job);
  spdlog::info("job {} starting on {}", job->job_id(), job->nodes(0));
  uint32_t id = job->job_id();
  persist(std::move(changed), [this, id](Status s) {
    pb::JobRecord* job = find_job(id);
    if (!s) {
      spdlog::error("job {} not launched: its start could not be saved: {}", id, s.error());
      return;
    }
    if (job && job->state() == pb::JOB_RUNNING) launch(*job);
  });
}

void Controller::launch(const pb::JobRecord& job) {
  if (job.spec().allocation()) {  // held by srun or salloc, which start steps on it
    allocations_[job.job_id()] = now();
    return;
  }
  const std::string& node = job.nodes(0);
  NodeRuntime& rt = nodes_[node_index(node)];
  if (!rt.session) {
    spdlog::warn("job {}: node {} is not connected; launch waits for it to return", job.job_id(), node);
    rt.awaiting_launch.insert(job.job_id());
    return;
  }
  pb::Message message;
  pb::LaunchJob* launch = message.mutable_launch();
  *launch->mutable_job() = job;
  launch->set_node_name(node);
  uint32_t spool_id = job.array_job_id() != 0 ? job.array_job_id() : job.job_id();
  launch->set_spool_path(config_.spool_dir + "/" + std::to_string(spool_id));
  if (!config_.spool_shared) {
    // Without a shared spool the order carries what the agent cannot read.
    const pb::JobRecord* source = job.spec().script().empty() ? find_job(job.array_job_id()) : &job;
    if (source) {
      launch->set_script(source->spec().script());
      for (const std::string& var : source->spec().env()) launch->add_env(var);
    }
  }
  for (std::string& var : slurm_job_env(job, config_.cluster, node, job.node_cpus(0)))
    launch->add_env(std::move(var));
  launch->set_stdout_path(stdout_path(job, node));
  launch->set_stderr_path(stderr_path(job, node));
  if (!job.spec().stdin_path().empty()) launch->set_stdin_path(resolve_output_path(job, job.spec().stdin_path(), node));
  launch->set_user_name(job.spec().user_name());
  launch->set_set_hostname(config_.job_hostname_is_node);
  launch->set_kill_wait_s(config_.kill_wait_s);
  launch->mutable_job()->mutable_spec()->clear_script();
  launch->mutable_job()->mutable_spec()->clear_env();
  send(*rt.session, message);
}

void Controller::release_resources(const pb::JobRecord& job) {
  // The memory taken at start: the same request worked out again.
  const PartitionConfig* part = config_.find_partition(job.partition());
  Result<SchedJob> request = part ? job_request(job.spec(), config_, *part) : Result<SchedJob>::fail("");
  uint64_t mem = request ? request->mem_per_node_mb : job.spec().mem_mb();
  for (int i = 0; i < job.nodes_size(); ++i) {
    size_t n = node_index(job.nodes(i));
    if (n == SIZE_MAX) continue;
    NodeRuntime& rt = nodes_[n];
    uint32_t cpus = i < job.node_cpus_size() ? job.node_cpus(i) : 0;
    rt.alloc_cpus -= std::min(rt.alloc_cpus, cpus);
    rt.alloc_mem_mb -= std::min(rt.alloc_mem_mb, mem);
    if (job.spec().exclusive()) rt.exclusive_job = false;
  }
}

}  // namespace drover
