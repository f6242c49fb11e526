// Controller: droverctld's state machine. Owns every job and node record;
// runs entirely on one io_context thread, so state needs no locks. Blocking
// work (commits, spool writes) goes to the JobStore's worker and comes back
// as posted callbacks.
//
// Files: controller.cc (life cycle, scheduling passes), controller_rpc.cc
// (connections and the dispatch table), submit.cc, cancel.cc, queries.cc,
// agents.cc (agent hello, heartbeats, job completions), retention.cc
// (MinJobAge and accounting retention), job_update.cc, config_query.cc.
#pragma once
#include <sys/types.h>

#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "drover.pb.h"
#include "drover/array_spec.h"
#include "drover/asio.h"
#include "drover/config.h"
#include "drover/connection.h"
#include "drover/credential.h"
#include "drover/dependency.h"
#include "drover/log_limiter.h"
#include "drover/sd_notify.h"
#include "http_server.h"
#include "job_index.h"
#include "job_store.h"
#include "job_table.h"
#include "metrics.h"
#include "scheduler.h"
#include "submit_tokens.h"

namespace drover {

class Controller {
 public:
  Controller(asio::io_context& io, Config config, ClusterKey key, std::unique_ptr<JobStore> store);
  ~Controller();

  // Loads state, starts listening (retrying the bind with backoff) and the
  // periodic node checks.
  void start();

  // systemd (service.cc). Set before start(): READY=1 once listening,
  // STATUS= while the port cannot be bound.
  void set_notifier(ServiceNotifier* notifier) { notifier_ = notifier; }
  // "serving, N jobs (R running, P pending), M nodes (K responding)".
  std::string status_summary() const;
  // SIGHUP: re-reads the configuration as `scontrol reconfigure` does; jobs
  // stay. Returns "" or why the new configuration was refused.
  std::string reload(const std::string& by);
  // SIGTERM: calls `done` (on the loop) once every state write queued so
  // far is committed.
  void flush_state(std::function<void()> done);

 private:
  // Who may send a message (Mesos' install<>, Flux's htab roles).
  enum class Role { kUser, kAdmin, kAgent };

  struct Session {
    std::shared_ptr<Connection> conn;
    std::string node;  // set once an agent has said hello
    std::list<std::weak_ptr<Session>>::iterator in_clients;  // valid while a client
  };

  struct Request {
    std::shared_ptr<Session> session;
    uint32_t uid = 0;
    uint32_t gid = 0;
    int64_t sender_clock_s = 0;
    pb::Message message;
  };

  struct NodeRuntime {
    bool registered = false;
    bool connected = false;
    bool down = false;
    bool drain = false;                // admin: no new jobs
    std::string reason;
    int64_t last_seen_s = 0;
    int64_t clock_skew_ms = 0;
    uint32_t alloc_cpus = 0;
    uint64_t alloc_mem_mb = 0;
    bool exclusive_job = false;
    pb::AgentHello hello;
    std::shared_ptr<Session> session;
    std::set<uint32_t> awaiting_launch;  // started while the agent was away
  };

  using Handler = void (Controller::*)(Request&);
  struct Route {
    Role role;
    Handler handler;
  };

  // controller_rpc.cc
  awaitable<void> listen();
  // controller.socket: the same protocol on a Unix socket, for commands on
  // this host. Started once the TCP port is bound, so a second controller
  // with this configuration (still waiting for the port) never takes it.
  awaitable<void> listen_local();
  template <typename Acceptor>
  awaitable<void> accept_each(Acceptor& acceptor);
  void accept(std::shared_ptr<Connection> conn);
  void on_frame(const std::shared_ptr<Session>& session, const std::string& body);
  void reply(const Request& request, const pb::Message& message);
  void reply_error(const Request& request, const std::string& message, const std::string& detail = "");
  void send(Session& session, const pb::Message& message);
  // A message already serialized (queries.cc encodes big listings in place).
  void send_payload(Session& session, std::string payload);
  // Logs a warning about hostile or broken input at most once per kind per interval.
  void warn_limited(const std::string& kind, const std::string& message);
  bool is_admin(uint32_t uid, uint32_t gid) const;
  static const std::map<pb::Message::KindCase, Route>& routes();

  // submit.cc
  void handle_submit(Request& request);
  // cancel.cc
  void handle_cancel(Request& request);
  void cancel_job(pb::JobRecord& job, uint32_t uid, std::vector<pb::JobRecord>& changed);
  // scancel --signal; false (with `error` set, or empty for a finished job) if not sent.
  bool signal_job(pb::JobRecord& job, const pb::CancelRequest& cancel, std::string& error);
  // job_control.cc, node_control.cc
  void handle_job_control(Request& request);
  void handle_node_update(Request& request);
  // scontrol suspend / resume: "" or the error for the reply.
  std::string suspend_job(pb::JobRecord& job, bool suspend, std::vector<pb::JobRecord>& changed);
  // Requeues a started or finished batch job: "" or the error for the reply.
  std::string requeue_job(pb::JobRecord& job, bool hold, std::vector<pb::JobRecord>& changed);
  // job_update.cc
  void handle_job_update(Request& request);
  // config_query.cc
  void handle_config(Request& request);
  void handle_reconfigure(Request& request);
  // Reconfigure (scontrol reconfigure and SIGHUP): re-reads the file and
  // applies it, adding and removing nodes and partitions. Returns "" or the
  // error (nothing changed then); `changes` gets one line per node or
  // partition added or removed.
  std::string reload_config(std::vector<std::string>& changes);
  // retention.cc
  // Drops finished jobs older than MinJobAge from memory, and every hour
  // purges the store of jobs past accounting retention.
  void purge_old_jobs();
  bool past_min_job_age(const pb::JobRecord& job, int64_t t) const;
  // queries.cc
  void handle_list_jobs(Request& request);
  void handle_list_nodes(Request& request);
  // sacct: adds the store's finished jobs that are no longer in memory.
  void answer_from_accounting(const std::shared_ptr<Session>& session, const pb::JobFilter& filter,
                              pb::Message reply_msg);
  // agents.cc
  void handle_hello(Request& request);
  void handle_heartbeat(Request& request);
  void handle_started(Request& request);
  void handle_finished(Request& request);
  void on_agent_closed(const std::string& node, const std::string& why);
  void check_nodes();
  void reconcile(size_t node, const pb::AgentHello& hello);
  void refuse_skewed_agent(const std::shared_ptr<Session>& session, const pb::AgentHello& hello,
                           const std::string& why);
  void mark_node_down(size_t node, const std::string& reason);
  // A running job whose node failed or forgot it: requeued if it may be,
  // else NODE_FAIL. Appends the changed record.
  void lose_job(pb::JobRecord& job, const std::string& why, std::vector<pb::JobRecord>& changed);
  void send_signal(size_t node, const pb::JobRecord& job, bool cancel, int signo = 0, bool steps_only = false);
  pb::NodeInfo node_info(const NodeConfig& node) const;

  // steps.cc: srun's job steps and the allocations srun and salloc hold.
  void handle_step_create(Request& request);
  void handle_step_complete(Request& request);
  void handle_allocation_done(Request& request);
  // Marks the job's unfinished steps ended and tells its nodes to end them.
  void end_steps(pb::JobRecord& job, pb::JobState state);
  // Signals the job's steps (not its batch script) on every node of the job.
  void signal_steps(const pb::JobRecord& job, bool cancel, int signo = 0);
  // Allocations whose holder went silent or whose time limit passed end.
  void check_allocations();
  // Ends a held allocation: no agent reports it, so the controller does.
  void finish_allocation(pb::JobRecord& job, pb::JobState state, int32_t exit_status, int32_t term_signal,
                         std::vector<pb::JobRecord>& changed);
  // dependencies.cc
  // Starts tracking a pending job's --dependency (at submit and recovery).
  void track_dependency(const pb::JobRecord& job);
  // Evaluates every tracked dependency against the queue: sets reasons and
  // display strings, cancels never-satisfiable jobs if configured, and
  // returns the jobs that may not start yet. Changed records are appended.
  std::unordered_set<uint32_t> evaluate_dependencies(std::vector<pb::JobRecord>& changed);
  // Ensures a scheduling pass runs at `when` (epoch seconds): begin times
  // and after:N+min.
  void wake_at(int64_t when);

  // controller.cc
  void recover();
  void request_schedule();
  void run_schedule();
  void start_job(uint32_t job_id, const std::vector<size_t>& nodes, uint32_t cpus_per_node, uint64_t mem_mb);
  void launch(const pb::JobRecord& job);
  // perf: sends a launch order once the spool is written (or, unshared, the
  // script and environment are in the order); `payload` null if not found.
  void finish_launch(uint32_t spool_id, const Status& written, JobStore::Payload* payload, pb::Message message);
  void release_resources(const pb::JobRecord& job);
  uint64_t allocated_mem_per_node_mb(const pb::JobRecord& job) const;
  void release_unlaunched(pb::JobRecord& job);
  void persist(std::vector<pb::JobRecord> records, std::function<void(Status)> done = nullptr);
  // Saves a node's DOWN/DRAIN state and reason.
  // `done` runs once the node's state is committed (or failed to be).
  void persist_node(size_t node, std::function<void(Status)> done = nullptr);
  // The full record, unpacked in place if the job was packed (job_table.h).
  // Valid until the current handler returns: across a co_await, a store
  // write's completion, a posted callback or a timer, keep the id and find
  // the job again.
  pb::JobRecord* find_job(uint32_t job_id);
  // Ids of the jobs that may hold nodes (running, suspended, completing),
  // from the index: node events look at these, not at every job.
  std::vector<uint32_t> node_holders() const;
  // "12" or "12_3"; pending_task: the id names a task still pending in its array record.
  pb::JobRecord* find_job_text(const std::string& text, bool& pending_task);
  size_t node_index(const std::string& name) const;
  int64_t now() const;
  // Scheduling (issue 6): the job's multifactor priority now (priority.h),
  // for a pending job that is not held.
  uint32_t current_priority(const pb::JobRecord& job) const;
  // The scheduler's view of the queue, the nodes and the running jobs.
  SchedSnapshot schedule_snapshot(std::vector<pb::JobRecord>& changed);
  // "ReqNodeNotAvail, UnavailableNodes:n[3-4]" for a job whose -w names unusable nodes.
  std::string unavailable_nodes_reason(const pb::JobRecord& job) const;

  asio::io_context& io_;
  Config config_;
  ClusterKey key_;
  std::unique_ptr<JobStore> store_;
  ReplayCache replays_;
  uint32_t daemon_uid_;
  std::set<uint32_t> admin_uids_;  // resolved from the config at start
  std::set<uint32_t> admin_gids_;

  // By job id; ordered for stable listings. Pending jobs are kept packed
  // (job_table.h): find_job() unpacks, schedule_repack() packs again.
  JobTable jobs_;
  SubmitTokens submit_tokens_;  // sbatch's token -> job id (submit_tokens.h)
  // Submissions being committed, by token hash: a retry that arrives before
  // the commit is answered by that commit instead of making a second job.
  struct Submitting {
    uint32_t uid = 0;
    uint32_t job_id = 0;
    std::vector<Request> retries;
  };
  std::unordered_map<uint64_t, Submitting> submitting_;
  uint32_t next_job_id_ = 1;
  std::vector<NodeRuntime> nodes_;          // parallel to config_.nodes
  std::unordered_map<std::string, size_t> node_by_name_;
  bool schedule_requested_ = false;
  asio::steady_timer pass_timer_{io_};
  std::chrono::steady_clock::time_point next_pass_at_;  // request_schedule() paces passes
  // Client (non-agent) sessions, oldest first: at max_connections the
  // oldest is dropped so a flood of idle connections cannot lock users out.
  std::list<std::weak_ptr<Session>> clients_;
  // controller.socket as bound (device, inode): removed at exit only if
  // the path still holds it.
  std::optional<std::pair<dev_t, ino_t>> local_socket_;
  LogLimiter log_limiter_;
  std::map<uint32_t, int64_t> allocations_;  // running allocations -> when their holder last spoke
  asio::steady_timer node_timer_;
  // Pending jobs whose dependency is not yet decided, parsed once.
  std::unordered_map<uint32_t, Dependency> dependencies_;
  // aftercorr: the tasks of a pending array that may start in this pass.
  std::unordered_map<uint32_t, TaskSet> corr_eligible_;
  asio::steady_timer wake_timer_{io_};
  int64_t wake_at_ = 0;  // when wake_timer_ fires; 0: not armed
  asio::steady_timer purge_timer_;
  int64_t last_retention_purge_s_ = 0;
  ServiceNotifier* notifier_ = nullptr;  // systemd; null when not wanted
  // perf: spool directories written since start (spool.h: written at launch).
  std::unordered_set<uint32_t> spooled_;

  // Metrics and status page (issue 5 item 6): metrics.h, http_routes.cc.
  // The one hook for job changes: brings the metrics' counts in step with a
  // record in memory. Called by persist() and wherever a record changes
  // without being persisted (submission, scheduler reasons).
  void note_job(const pb::JobRecord& job) { metrics_->jobs().update(job); }
  // GET / (status page) and /metrics.
  HttpResponse serve_http(const HttpRequest& request);
  std::string render_metrics();
  std::string render_status_page_html();
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<HttpServer> http_;
  int64_t started_at_s_ = 0;
  // Scheduling (issue 6): a pass also runs this often without events, so
  // age raises priorities and overrunning jobs are seen (Slurm's sched_interval).
  int64_t last_timed_pass_s_ = 0;
  // Pending jobs holding a backfill reservation (expected_start) since the last pass.
  std::vector<uint32_t> reserved_;
  // Controller memory (issue 6, job_table.h): packs the records find_job()
  // unpacked once the current handler is done; posted at most once at a time.
  void schedule_repack();
  bool repack_posted_ = false;
  // Arrays and large queues: jobs_ by user, partition, array and state
  // class (job_index.h). add() where a record enters jobs_, refile() in
  // persist(), remove() where one leaves.
  JobIndex index_;
};

}  // namespace drover
