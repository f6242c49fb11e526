// JobStore: the controller's durable log of job records (and of nodes'
// admin states), in SQLite (WAL).
// The in-memory model is the source of truth; this is read only at start-up.
//
// Writes are group-committed (LevelDB's DBImpl::Write): callers queue
// writes from the controller thread, one worker thread commits everything
// queued in one transaction and one sync, then hands each writer its result
// through `post`. A failed commit fails every writer in that group.
//
// Finished jobs stay here after the controller drops them from memory
// (MinJobAge): sacct reads them back with query_finished, which runs on the
// worker after every write queued before it, so it sees them.
// purge_finished enforces accounting retention.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

struct sqlite3;

namespace drover {

class JobStore {
 public:
  // A job's script and environment (NUL-separated), kept out of its record
  // so that the record in memory stays small: written once at submit (the
  // durable copy), read back to write the spool when the job launches.
  struct Payload {
    uint32_t job_id = 0;
    std::string script;
    std::string env;
  };
  struct Write {
    std::vector<pb::JobRecord> records;
    std::vector<Payload> payloads;
    std::vector<pb::NodeAdminState> nodes;
    // Runs on the worker before the commit (e.g. writing the spool); a
    // failure fails this write alone.
    std::function<Status()> before_commit;
    std::function<void(Status)> done;  // run through `post` on the caller's thread
  };
  struct Loaded {
    std::vector<pb::JobRecord> jobs;
    size_t finished_not_read = 0;  // ended before load()'s `finished_before`
    std::vector<pb::NodeAdminState> nodes;
    uint32_t next_job_id = 1;
    std::vector<std::string> quarantined;  // one line per unreadable record
    // Set when records of an older layout could not be moved to the payload
    // table: the controller must not run on them (it would drop scripts).
    std::string error;
  };

  // Opens (creating if needed) state_dir/drover.db. `post` hands a callback
  // back to the controller's thread.
  static Result<std::unique_ptr<JobStore>> open(const std::string& state_dir,
                                                std::function<void(std::function<void()>)> post);
  ~JobStore();

  // Reads every record; unreadable ones are moved to a quarantine table.
  // Restart time (issue 6): jobs that ended before `finished_before` (epoch
  // seconds; 0: none) are past MinJobAge and only sacct still shows them, so
  // they are not read at all (array records are, the caller decides). A
  // store keeping months of accounting no longer makes start-up slow.
  //
  // With `each`, records are not collected in Loaded::jobs: each is parsed
  // into one reused message and handed to `each` (which may read it or
  // move from it; the message is reused for the next row), so a restart
  // never holds every record parsed at once (issue 6: the controller packs
  // pending ones as they come). Records of the old layout come last, once
  // their scripts are moved to the payload table.
  Loaded load(int64_t finished_before = 0, const std::function<void(pb::JobRecord&)>& each = nullptr);

  void write(Write write);

  // The payloads of these jobs (those stored). Blocking: call it on the
  // worker (from a run_on_worker task) or before the first write.
  std::vector<Payload> load_payloads(const std::vector<uint32_t>& ids);

  // Finished jobs for sacct: with `ids` set, the jobs with those ids and the
  // tasks of arrays with those ids; else those that ended at or after
  // `ended_since`. `done` runs through `post` with the records (empty on error).
  struct FinishedQuery {
    std::vector<uint32_t> ids;
    int64_t ended_since = 0;
  };
  void query_finished(FinishedQuery query, std::function<void(std::vector<pb::JobRecord>)> done);
  // Deletes the finished jobs that ended before `ended_before`; `done` gets
  // how many (through `post`).
  void purge_finished(int64_t ended_before, std::function<void(Result<size_t>)> done);
  // Runs blocking housekeeping (spool removal) on the worker, after the
  // writes queued before it.
  void run_on_worker(std::function<void()> task);
  // The id counter is stored with each group so ids are never reused.
  void set_next_job_id(uint32_t next) { next_job_id_ = next; }

  // Groups committed and records written so far (for logs and benchmarks).
  uint64_t groups_committed() const { return groups_; }

  // Metrics (issue 5 item 6): called on the worker after each group commit
  // with its number of writes, the time it took (pre-commit work included), the time of the
  // COMMIT alone (the sync), and whether it succeeded. Set before the first write.
  using CommitObserver = std::function<void(size_t writes, double commit_s, double sync_s, bool ok)>;
  void set_commit_observer(CommitObserver observer) { commit_observer_ = std::move(observer); }

  // Fault injection for tests: runs on the worker just before each COMMIT;
  // a failure rolls the group back as a failed sync would. Set before the
  // first write.
  void set_commit_fault(std::function<Status()> fault) { commit_fault_ = std::move(fault); }

 private:
  JobStore(sqlite3* db, std::function<void(std::function<void()>)> post);
  void run();
  Status commit(std::vector<Write>& group, uint32_t next_job_id);
  std::vector<pb::JobRecord> select_finished(const FinishedQuery& query);
  Result<size_t> delete_finished(int64_t ended_before);
  // Worker: SQLite's cache and the heap's free pages back to the system.
  void release_memory();

  sqlite3* db_;
  std::function<void(std::function<void()>)> post_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Write> queue_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  uint32_t next_job_id_ = 1;
  std::atomic<uint64_t> groups_ = 0;
  std::function<Status()> commit_fault_;
  CommitObserver commit_observer_;
  double last_sync_s_ = 0;  // worker only
  bool committed_since_trim_ = false;  // worker only
  struct Prepared;
  std::unique_ptr<Prepared> prepared_;  // worker only, after load()
  std::thread worker_;
};

}  // namespace drover
