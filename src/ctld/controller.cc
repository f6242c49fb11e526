#include "controller.h"

#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string_view>

#include <spdlog/spdlog.h>

#include "drover/array_spec.h"
#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/time_format.h"
#include "job_env.h"
#include "job_request.h"
#include "pending_pass.h"
#include "priority.h"
#include "record_memory.h"
#include "scheduler.h"
#include "spool.h"

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
  std::vector<std::string> partitions;
  for (const PartitionConfig& p : config_.partitions) partitions.push_back(p.name);
  metrics_ = std::make_unique<Metrics>(partitions);  // metrics: counts, and the store's commits
  store_->set_commit_observer([this](size_t writes, double commit_s, double sync_s, bool ok) {
    asio::post(io_, [this, writes, commit_s, sync_s, ok] { metrics_->observe_commit(writes, commit_s, sync_s, ok); });
  });
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

Controller::~Controller() {
  struct stat st {};
  if (local_socket_ && ::lstat(config_.controller_socket.c_str(), &st) == 0 &&
      std::pair(st.st_dev, st.st_ino) == *local_socket_)
    ::unlink(config_.controller_socket.c_str());
}

int64_t Controller::now() const { return ::time(nullptr); }

void Controller::start() {
  recover();
  // perf: loading parsed every record into a temporary vector; hand the
  // freed pages back so the controller's RSS is its records (glibc keeps
  // them otherwise).
  ::malloc_trim(0);
  started_at_s_ = now();
  if (config_.metrics_port != 0) {  // metrics and status page
    http_ = std::make_unique<HttpServer>(
        io_, config_.metrics_address, config_.metrics_port, [this](const HttpRequest& r) { return serve_http(r); },
        [this](int status) { metrics_->count_http_response(status); });
    http_->start();
  }
  asio::co_spawn(io_, listen(), asio::detached);
  check_nodes();
  purge_old_jobs();
  request_schedule();
}

void Controller::recover() {
  auto begun = std::chrono::steady_clock::now();
  // Jobs past MinJobAge stay in the store for sacct (past_min_job_age below
  // still decides for the records read).
  int64_t finished_before = config_.min_job_age_s ? now() - static_cast<int64_t>(config_.min_job_age_s) : 0;
  size_t pending = 0, running = 0, aged = 0;
  std::chrono::steady_clock::duration building{};  // time spent in `take`, not in the store
  // Each record as the store reads it (one reused message): a pending one is
  // packed at once, so a restart never holds the whole queue as full records.
  auto take = [&](pb::JobRecord& job) {
    auto from = std::chrono::steady_clock::now();
    OnScopeExit timed([&] { building += std::chrono::steady_clock::now() - from; });
    // Finished long ago: only sacct still shows it, from the store.
    if (past_min_job_age(job, now())) {
      ++aged;
      return;
    }
    if (job.state() == pb::JOB_PENDING) ++pending;
    if (job_state_is_active(job.state()) || (job_state_is_finished(job.state()) && job.kill_sent())) {
      ++running;
      for (int i = 0; i < job.nodes_size(); ++i) {
        size_t n = node_index(job.nodes(i));
        if (n == SIZE_MAX) continue;
        nodes_[n].alloc_cpus += i < job.node_cpus_size() ? job.node_cpus(i) : 0;
        nodes_[n].alloc_mem_mb += allocated_mem_per_node_mb(job);
        nodes_[n].exclusive_job = nodes_[n].exclusive_job || job.spec().exclusive();
      }
    }
    uint32_t id = job.job_id();
    if (job.spec().allocation() && job.state() == pb::JOB_RUNNING) allocations_[id] = now();  // holders get a grace period
    // A record stored before the hash: hashed in memory now, on disk at its next write.
    hash_submit_token(*job.mutable_spec());
    submit_tokens_.add(job.spec().submit_token_hash(), id);
    track_dependency(job);
    metrics_->jobs().update(job, /*restored=*/true);
    job.clear_expected_start();  // the first pass decides reservations afresh
    job.clear_sched_nodes();
    index_.add(job);
    // A pending record is packed straight away (job_table.h).
    jobs_.insert_recovered(std::move(job));
  };
  JobStore::Loaded loaded = store_->load(finished_before, take);
  auto read = std::chrono::steady_clock::now();
  if (!loaded.error.empty()) throw std::runtime_error(loaded.error);
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
  aged += loaded.finished_not_read;
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  spdlog::info("recovered {} jobs ({} pending, {} running or completing; {} older finished ones left to sacct); "
               "next job id {}; {:.1f} ms (store {:.1f} ms); {} kept packed", jobs_.size(), pending, running, aged,
               next_job_id_, ms(std::chrono::steady_clock::now() - begun), ms(read - begun - building),
               jobs_.packed_count());
}

pb::JobRecord* Controller::find_job(uint32_t job_id) {
  pb::JobRecord* job = jobs_.find(job_id);
  if (jobs_.needs_repack()) schedule_repack();
  return job;
}

void Controller::schedule_repack() {
  if (repack_posted_) return;
  repack_posted_ = true;
  // After the handler that unpacked: its pointers stay valid until it returns.
  asio::post(io_, [this] {
    repack_posted_ = false;
    size_t packed = jobs_.repack();
    if (packed > 0) spdlog::trace("{} pending jobs packed again", packed);
  });
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
  JobTable::Scratch scratch;  // a packed job is read, not unpacked
  for (const pb::JobRecord& record : records)
    if (const pb::JobRecord* job = jobs_.view(record.job_id(), scratch)) index_.refile(*job);
  store_->set_next_job_id(next_job_id_);
  for (const pb::JobRecord& record : records) note_job(record);
  JobStore::Write write;
  write.records = std::move(records);
  write.done = done ? std::move(done) : [](Status s) {
    if (!s) spdlog::error("job state not saved: {}", s.error());
  };
  store_->write(std::move(write));
}

void Controller::persist_node(size_t node, std::function<void(Status)> done) {
  JobStore::Write write;
  pb::NodeAdminState state;
  state.set_name(config_.nodes[node].name);
  state.set_down(nodes_[node].down);
  state.set_drain(nodes_[node].drain);
  state.set_reason(nodes_[node].reason);
  write.nodes.push_back(std::move(state));
  write.done = [done = std::move(done)](Status s) {
    if (!s) spdlog::error("node state not saved: {}", s.error());
    if (done) done(s);
  };
  store_->write(std::move(write));
}

// Scheduling passes are coalesced: many events in one turn of the loop
// cause one pass.
void Controller::request_schedule() {
  if (schedule_requested_) return;
  schedule_requested_ = true;
  auto start = [this] {
    schedule_requested_ = false;
    run_schedule();
  };
  // Passes are paced so that scheduling takes at most about half of the
  // event loop: after a pass that took d, the next waits until d has passed
  // (an adaptive sched_min_interval). Events meanwhile share that pass, so
  // a storm of submissions to a long queue is not one long pass each.
  if (std::chrono::steady_clock::now() >= next_pass_at_) return asio::post(io_, std::move(start));
  pass_timer_.expires_at(next_pass_at_);
  pass_timer_.async_wait([start = std::move(start)](const boost::system::error_code& ec) {
    if (!ec) start();
  });
}

uint32_t Controller::current_priority(const pb::JobRecord& job) const {
  return priority_of(config_, now(), job.submit_time(), job.spec().begin_time(), job.partition(), job.spec().nice(),
                     job.spec().priority_request());
}

std::string Controller::unavailable_nodes_reason(const pb::JobRecord& job) const {
  std::vector<std::string> unavailable;
  if (Result<std::vector<std::string>> names = hostlist::expand(job.spec().nodelist()))
    for (const std::string& name : *names)
      if (size_t n = node_index(name); n != SIZE_MAX) {
        const NodeRuntime& rt = nodes_[n];
        if (!rt.connected || rt.down || rt.drain) unavailable.push_back(name);
      }
  if (unavailable.empty()) return "ReqNodeNotAvail";
  return "ReqNodeNotAvail, UnavailableNodes:" + hostlist::compress(unavailable);
}

SchedSnapshot Controller::schedule_snapshot(std::vector<pb::JobRecord>& changed) {
  SchedSnapshot snap;
  const int64_t t_now = now();
  snap.now = t_now;
  for (size_t i = 0; i < config_.nodes.size(); ++i) {
    const NodeRuntime& rt = nodes_[i];
    snap.nodes.push_back({config_.nodes[i].cpus, rt.alloc_cpus, config_.nodes[i].memory_mb, rt.alloc_mem_mb,
                          config_.nodes[i].weight, rt.connected && !rt.down && !rt.drain, rt.exclusive_job});
    snap.nodes.back().speed = rt.hello.cpu_speed();
  }
  std::map<std::string, size_t> part_index;
  for (const PartitionConfig& p : config_.partitions) {
    SchedPartition sp;
    for (const std::string& n : p.nodes) sp.nodes.push_back(node_index(n));
    // DRAIN takes no new jobs but runs the queued ones; DOWN and INACTIVE run nothing.
    sp.up = p.state == "up" || p.state == "drain";
    sp.state = p.state == "down"       ? PartitionState::kDown
               : p.state == "inactive" ? PartitionState::kInactive
                                       : PartitionState::kUp;
    sp.tier = p.priority;
    sp.prefer_fastest = p.prefer_fastest;
    part_index[p.name] = snap.partitions.size();
    snap.partitions.push_back(std::move(sp));
  }
  std::map<uint32_t, uint32_t> running_tasks;  // array job id -> tasks running
  for (uint32_t id : node_holders()) {  // running, and completing (finished, still being killed)
    const pb::JobRecord* held = find_job(id);
    if (!held) continue;
    const pb::JobRecord& job = *held;
    bool completing = job_state_is_finished(job.state());
    if (job.is_array_task() && !completing) ++running_tasks[job.array_job_id()];
    // What each running job frees and when, for the reservation.
    SchedRunning run;
    uint32_t limit = job.spec().time_limit_min();
    if (job.kill_sent())  // cancelled or timed out: its resources come back shortly
      run.end = t_now;
    else if (job.state() == pb::JOB_RUNNING && limit != kInfiniteMinutes && limit != 0)
      run.end = std::max(t_now, job.start_time() + int64_t{limit} * 60 + job.suspended_secs());
    run.mem_per_node_mb = allocated_mem_per_node_mb(job);
    run.exclusive = job.spec().exclusive();
    for (int k = 0; k < job.nodes_size(); ++k)
      if (size_t n = node_index(job.nodes(k)); n != SIZE_MAX) {
        run.nodes.push_back(n);
        run.node_cpus.push_back(k < job.node_cpus_size() ? job.node_cpus(k) : 0);
      }
    snap.running.push_back(std::move(run));
  }
  std::unordered_set<uint32_t> waiting = evaluate_dependencies(changed);
  // Reservations are set again by this pass; held jobs are not in it.
  // A job holding one is whole (its sched_nodes keep it from being packed).
  for (uint32_t id : reserved_) {
    if (pb::JobRecord* job = find_job(id)) {
      job->set_expected_start(0);
      job->clear_sched_nodes();  // packable again (the repack find_job posts)
    }
  }
  reserved_.clear();
  PendingPass pass{config_, t_now, part_index};
  std::vector<uint32_t> schedulable;
  index_.schedulable().append_to(schedulable);
  pb::JobSpec request_spec;  // reused for every packed job
  for (uint32_t id : schedulable) {
    if (PackedJob* packed = jobs_.packed(id)) {  // read and written in place: never unpacked here
      if (packed->priority == 0) continue;
      PackedPending view{*packed, jobs_.strings(), request_spec};
      std::optional<SchedJob> sj = consider_pending(id, view, waiting.count(id) > 0, pass);
      // metrics: the reason this pass leaves it with
      metrics_->jobs().update_pending(id, view.partition(), view.reason());
      if (sj) snap.pending.push_back(std::move(*sj));
      continue;
    }
    pb::JobRecord* found = find_job(id);
    if (!found || found->state() != pb::JOB_PENDING || found->priority() == 0) continue;
    pb::JobRecord& job = *found;
    OnScopeExit note_reason([&] { note_job(job); });  // metrics: the reason this pass leaves it with
    FullPending view{job};
    std::optional<SchedJob> request = consider_pending(id, view, waiting.count(id) > 0, pass);
    if (!request) continue;
    SchedJob sj = std::move(*request);
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
        if (job.reason() != "JobArrayTaskLimit") job.set_reason("JobArrayTaskLimit");
        continue;
      }
    }
    snap.pending.push_back(std::move(sj));
  }
  wake_at(pass.wake_at);  // begin times: the earliest one
  return snap;
}

void Controller::run_schedule() {
  auto started = std::chrono::steady_clock::now();
  ScopedTimer pass_timer([this, started](double s) {
    metrics_->observe_schedule_pass(s);
    auto end = std::chrono::steady_clock::now();
    next_pass_at_ = end + (end - started);
  });
  last_timed_pass_s_ = now();
  std::vector<pb::JobRecord> changed;
  SchedSnapshot snap = schedule_snapshot(changed);
  if (!changed.empty()) persist(std::move(changed));
  SchedPlan plan = schedule(std::move(snap));
  for (const SchedWait& wait : plan.waits) {
    if (PackedJob* packed = jobs_.packed(wait.job_id)) {
      // A packed job has no -w, so no node list to name.
      set_pooled(jobs_.strings(), packed->reason, wait.reason);
      metrics_->jobs().update_pending(wait.job_id, jobs_.strings().get(packed->partition),
                                      jobs_.strings().get(packed->reason));
    } else if (pb::JobRecord* job = find_job(wait.job_id)) {
      job->set_reason(wait.reason == "ReqNodeNotAvail" ? unavailable_nodes_reason(*job) : wait.reason);
      note_job(*job);
    }
  }
  for (const SchedReservation& r : plan.reservations) {
    // Unpacked while it holds the reservation: its node names live in the
    // record (reservations are few: one a partition).
    pb::JobRecord* job = find_job(r.job_id);
    if (!job) continue;
    std::vector<std::string> names;
    for (size_t n : r.nodes) names.push_back(config_.nodes[n].name);
    job->set_expected_start(r.start_time);
    job->set_sched_nodes(hostlist::compress_sorted(std::move(names)));
    reserved_.push_back(r.job_id);
    spdlog::debug("job {} holds a reservation of {} from {}", r.job_id, job->sched_nodes(), r.start_time);
  }
  for (const SchedStart& start : plan.starts) {
    if (start.backfilled) spdlog::info("job {} backfilled", start.job_id);
    start_job(start.job_id, start.nodes, start.cpus_per_node, start.mem_per_node_mb);
  }
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
      job = &jobs_.insert(std::move(task_record));
      index_.add(*job);
    }
    job->set_is_array_task(true);
    job->set_array_task_id(task);
  }
  job->set_state(pb::JOB_RUNNING);
  job->set_reason("None");
  job->clear_dependency_state();  // a started job has nothing left to wait for (Dependency=(null))
  job->clear_expected_start();    // nor a reservation
  job->clear_sched_nodes();
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
  job->set_alloc_mem_per_node_mb(mem_mb);
  changed.push_back(*job);
  spdlog::info("job {} starting on {}", job->job_id(), job->nodes(0));
  uint32_t id = job->job_id();
  persist(std::move(changed), [this, id, run = job->restarts()](Status s) {
    pb::JobRecord* job = find_job(id);
    if (!s) {
      spdlog::error("job {} not launched: its start could not be saved: {}", id, s.error());
      return;
    }
    if (!job || job->restarts() != run) return;  // requeued meanwhile: that run launches itself
    if (job->state() == pb::JOB_RUNNING) launch(*job);
    else release_unlaunched(*job);
  });
}

void Controller::launch(const pb::JobRecord& job) {
  if (job.spec().allocation()) {  // held by srun or salloc, which start steps on it
    allocations_[job.job_id()] = now();
    return;
  }
  const std::string& node = job.nodes(0);
  size_t index = node_index(node);
  if (index == SIZE_MAX) return;  // removed by a reconfigure; only an idle node can be
  NodeRuntime& rt = nodes_[index];
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
  for (std::string& var : slurm_job_env(job, config_.cluster, node, job.node_cpus(0)))
    launch->add_env(std::move(var));
  launch->set_stdout_path(stdout_path(job, node));
  launch->set_stderr_path(stderr_path(job, node));
  if (!job.spec().stdin_path().empty()) launch->set_stdin_path(resolve_output_path(job, job.spec().stdin_path(), node));
  launch->set_user_name(job.spec().user_name());
  launch->set_set_hostname(config_.job_hostname_is_node);
  launch->set_kill_wait_s(config_.kill_wait_s);
  // The spool is written at the first launch that needs it (spool.h); an
  // array's tasks share their array's.
  if (config_.spool_shared && spooled_.count(spool_id)) return send(*rt.session, message);
  store_->run_on_worker([this, spool_id, uid = job.uid(), gid = job.gid(), message = std::move(message)]() mutable {
    std::vector<JobStore::Payload> payload = store_->load_payloads({spool_id});
    Status written = payload.empty() ? Status::fail("its script is not in the job store")
                     : config_.spool_shared
                         ? write_spool(config_.spool_dir, spool_id, uid, gid, {payload[0].script, payload[0].env})
                         : ok_status();
    asio::post(io_, [this, spool_id, written, payload = std::move(payload), message = std::move(message)]() mutable {
      finish_launch(spool_id, written, payload.empty() ? nullptr : &payload[0], std::move(message));
    });
  });
}

void Controller::finish_launch(uint32_t spool_id, const Status& written, JobStore::Payload* payload,
                               pb::Message message) {
  pb::LaunchJob* launch = message.mutable_launch();
  uint32_t id = launch->job().job_id();
  if (!written) {
    // A spool that cannot be written (a full disk) fails the job, as Slurm
    // fails a launch, instead of leaving it RUNNING with nothing running.
    spdlog::error("job {}: cannot launch: {}", id, written.error());
    pb::JobRecord* job = find_job(id);
    if (!job || job->state() != pb::JOB_RUNNING) return;
    std::vector<pb::JobRecord> changed;
    finish_allocation(*job, pb::JOB_FAILED, 1, 0, changed);
    job->set_reason("JobLaunchFailure");
    changed.back().set_reason("JobLaunchFailure");
    persist(std::move(changed));
    request_schedule();
    return;
  }
  if (config_.spool_shared) {
    spooled_.insert(spool_id);
  } else {
    // Without a shared spool the order carries what the agent cannot read;
    // the job's own environment first, so the SLURM_* variables after it win.
    launch->set_script(std::move(payload->script));
    google::protobuf::RepeatedPtrField<std::string> slurm_env = std::move(*launch->mutable_env());
    launch->clear_env();
    const std::string& env = payload->env;
    for (size_t pos = 0; pos < env.size();) {
      size_t end = env.find('\0', pos);
      if (end == std::string::npos) end = env.size();
      launch->add_env(env.substr(pos, end - pos));
      pos = end + 1;
    }
    for (std::string& var : slurm_env) launch->add_env(std::move(var));
  }
  pb::JobRecord* job = find_job(id);
  // A run requeued meanwhile (possibly started elsewhere) launches itself.
  if (!job || job->restarts() != launch->job().restarts() || job->nodes_size() == 0 ||
      job->nodes(0) != launch->node_name())
    return;
  if (job->state() != pb::JOB_RUNNING) return release_unlaunched(*job);  // cancelled meanwhile
  size_t n = node_index(launch->node_name());
  if (n == SIZE_MAX) return;
  if (!nodes_[n].session) {
    spdlog::warn("job {}: node {} is not connected; launch waits for it to return", id, launch->node_name());
    nodes_[n].awaiting_launch.insert(id);
    return;
  }
  send(*nodes_[n].session, message);
}

// A run cancelled after its start was decided and before its launch order
// left: its agent never heard of it and will never report it, so its
// resources come back here instead of at the agent's report.
void Controller::release_unlaunched(pb::JobRecord& job) {
  if (!job_state_is_finished(job.state()) || !job.kill_sent()) return;
  job.set_kill_sent(false);
  release_resources(job);
  persist({job});
  request_schedule();
}

uint64_t Controller::allocated_mem_per_node_mb(const pb::JobRecord& job) const {
  if (job.alloc_mem_per_node_mb() != 0) return job.alloc_mem_per_node_mb();
  // A record started before the field existed: the same request worked out again.
  const PartitionConfig* part = config_.find_partition(job.partition());
  Result<SchedJob> request = part ? job_request(job.spec(), config_, *part) : Result<SchedJob>::fail("");
  return request ? request->mem_per_node_mb : job.spec().mem_mb();
}

void Controller::release_resources(const pb::JobRecord& job) {
  uint64_t mem = allocated_mem_per_node_mb(job);
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
