#include "job_store.h"

#include <malloc.h>
#include <sqlite3.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "drover/job_state.h"
#include "record_memory.h"

namespace drover {
namespace {

Status exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::fail(message);
  }
  return ok_status();
}

const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, record BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS quarantine (id INTEGER, record BLOB, reason TEXT, at INTEGER);
  CREATE TABLE IF NOT EXISTS nodes (name TEXT PRIMARY KEY, record BLOB NOT NULL);
  -- Scripts and environments, apart from the records (JobStore::Payload).
  CREATE TABLE IF NOT EXISTS job_payload (id INTEGER PRIMARY KEY, script BLOB NOT NULL, env BLOB NOT NULL);
  -- Index of the jobs that have ended, for sacct and retention.
  CREATE TABLE IF NOT EXISTS finished (id INTEGER PRIMARY KEY, array_job_id INTEGER NOT NULL,
                                       end_time INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS finished_by_end ON finished (end_time);
  CREATE INDEX IF NOT EXISTS finished_by_array ON finished (array_job_id);
)sql";

// A prepared statement that is reset after each use.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

bool is_final(const pb::JobRecord& record) {
  return job_state_is_finished(record.state()) && !record.kill_sent();
}

// Keeps the finished index in step with a job record: a requeued job leaves it.
Status index_finished(sqlite3* db, const Statement& insert, const Statement& remove, const pb::JobRecord& record) {
  sqlite3_stmt* stmt = is_final(record) ? insert.get() : remove.get();
  sqlite3_bind_int64(stmt, 1, record.job_id());
  if (is_final(record)) {
    sqlite3_bind_int64(stmt, 2, record.array_job_id());
    sqlite3_bind_int64(stmt, 3, record.end_time());
  }
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE ? ok_status() : Status::fail(sqlite3_errmsg(db));
}

constexpr const char* kIndexFinished = "INSERT OR REPLACE INTO finished (id, array_job_id, end_time) VALUES (?, ?, ?)";
constexpr const char* kUnindexFinished = "DELETE FROM finished WHERE id = ?";

// One prepared "INSERT OR REPLACE ... (key, record) VALUES (?, ?)", the
// record a serialized protobuf message.
class Upsert {
 public:
  Upsert(sqlite3* db, const char* sql) : db_(db) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Upsert() { sqlite3_finalize(stmt_); }
  Upsert(const Upsert&) = delete;
  Upsert& operator=(const Upsert&) = delete;

  Status put(int64_t key, const google::protobuf::MessageLite& record) {
    sqlite3_bind_int64(stmt_, 1, key);
    return step(record);
  }
  Status put(const std::string& key, const google::protobuf::MessageLite& record) {
    sqlite3_bind_text(stmt_, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    return step(record);
  }

 private:
  Status step(const google::protobuf::MessageLite& record) {
    record.SerializeToString(&blob_);
    sqlite3_bind_blob(stmt_, 2, blob_.data(), static_cast<int>(blob_.size()), SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    return rc == SQLITE_DONE ? ok_status() : Status::fail(sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string blob_;
};

// Runs a prepared statement that returns no rows.
Status step_once(sqlite3* db, const Statement& statement) {
  int rc = sqlite3_step(statement.get());
  sqlite3_reset(statement.get());
  return rc == SQLITE_DONE ? ok_status() : Status::fail(sqlite3_errmsg(db));
}

}  // namespace

// The statements of every group commit, prepared once: parsing them again
// for each commit was a tenth of the controller's CPU per submission
// (issue 6). Used on the worker only.
struct JobStore::Prepared {
  explicit Prepared(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        jobs(db, "INSERT OR REPLACE INTO jobs (id, record) VALUES (?, ?)"),
        nodes(db, "INSERT OR REPLACE INTO nodes (name, record) VALUES (?, ?)"),
        index(db, kIndexFinished),
        unindex(db, kUnindexFinished),
        payload(db, "INSERT OR REPLACE INTO job_payload (id, script, env) VALUES (?, ?, ?)"),
        next_id(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_job_id', ?)") {}
  Statement begin, commit;
  Upsert jobs, nodes;
  Statement index, unindex, payload, next_id;
};

Result<std::unique_ptr<JobStore>> JobStore::open(const std::string& state_dir,
                                                 std::function<void(std::function<void()>)> post) {
  std::string path = state_dir + "/drover.db";
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Result<std::unique_ptr<JobStore>>::fail("cannot open " + path + ": " + message);
  }
  // WAL with synchronous=FULL: a commit is on disk when COMMIT returns.
  // Controller memory (issue 6): a 256 KiB page cache instead of SQLite's
  // 2 MiB. Commits append at the right edge of each B-tree and a start-up
  // reads once, so a bigger cache bought nothing measurable (submission
  // and recovery times equal within noise) and cost ~180 B a pending job
  // at 10,000 until the worker's idle trim released it.
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", "PRAGMA cache_size=-256;",
                          kSchema}) {
    Status s = exec(db, sql);
    if (!s) {
      sqlite3_close(db);
      return Result<std::unique_ptr<JobStore>>::fail("cannot initialise " + path + ": " + s.error());
    }
  }
  return Result<std::unique_ptr<JobStore>>::ok(std::unique_ptr<JobStore>(new JobStore(db, std::move(post))));
}

JobStore::JobStore(sqlite3* db, std::function<void(std::function<void()>)> post)
    : db_(db), post_(std::move(post)), prepared_(std::make_unique<Prepared>(db)), worker_([this] { run(); }) {}

JobStore::~JobStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
  prepared_.reset();  // finalized before the close, or SQLite keeps the database open
  sqlite3_close(db_);
}

JobStore::Loaded JobStore::load(int64_t finished_before, const std::function<void(pb::JobRecord&)>& each) {
  Loaded loaded;
  sqlite3_stmt* stmt = nullptr;
  // Sized once: growing the vector would move every record parsed so far.
  sqlite3_prepare_v2(db_, "SELECT count(*) FROM jobs", -1, &stmt, nullptr);
  size_t stored = 0;
  if (sqlite3_step(stmt) == SQLITE_ROW) stored = static_cast<size_t>(sqlite3_column_int64(stmt, 0));
  if (!each) loaded.jobs.reserve(stored);
  size_t read = 0;
  // What the finished index and the old-layout migration below need, taken
  // as the rows go by (with `each`, records are not kept).
  struct Final {
    int64_t id, array_job_id, end_time;
  };
  std::vector<Final> finals;
  std::vector<pb::JobRecord> old_layout;  // with `each`: records still holding a script
  std::vector<size_t> old_layout_at;      // without: their places in loaded.jobs
  pb::JobRecord record;                   // with `each`: reused for every row
  sqlite3_finalize(stmt);
  // An array's own record (id = array_job_id) is always read: it stays in
  // memory while any of its tasks has yet to start.
  sqlite3_prepare_v2(db_,
                     "SELECT id, record FROM jobs WHERE id NOT IN (SELECT id FROM finished "
                     "WHERE end_time > 0 AND end_time < ?1 AND id != array_job_id) ORDER BY id",
                     -1, &stmt, nullptr);
  sqlite3_bind_int64(stmt, 1, finished_before);
  std::vector<int64_t> bad;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(stmt, 0);
    const void* blob = sqlite3_column_blob(stmt, 1);
    int size = sqlite3_column_bytes(stmt, 1);
    if (!each) record = pb::JobRecord();
    if (!record.ParseFromArray(blob, size) || record.job_id() != id) {
      bad.push_back(id);
      loaded.next_job_id = std::max<uint32_t>(loaded.next_job_id, static_cast<uint32_t>(id) + 1);  // never reused
      loaded.quarantined.push_back("job " + std::to_string(id) + ": record does not parse (" +
                                   std::to_string(size) + " bytes)");
      continue;
    }
    loaded.next_job_id = std::max<uint32_t>(loaded.next_job_id, record.job_id() + 1);
    ++read;
    if (is_final(record)) finals.push_back({record.job_id(), record.array_job_id(), record.end_time()});
    bool old = !record.spec().script().empty() || !record.spec().env().empty();
    if (!each) {
      if (old) old_layout_at.push_back(loaded.jobs.size());
      loaded.jobs.push_back(std::move(record));
    } else if (old) {
      old_layout.push_back(std::move(record));  // handed out once migrated
    } else {
      each(record);
    }
  }
  sqlite3_finalize(stmt);
  loaded.finished_not_read = stored - std::min(stored, read + bad.size());
  sqlite3_prepare_v2(db_, "SELECT record FROM nodes", -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    pb::NodeAdminState node;
    if (node.ParseFromArray(sqlite3_column_blob(stmt, 0), sqlite3_column_bytes(stmt, 0)))
      loaded.nodes.push_back(std::move(node));
    else
      loaded.quarantined.push_back("a node state record does not parse; ignored");
  }
  sqlite3_finalize(stmt);
  sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key='next_job_id'", -1, &stmt, nullptr);
  if (sqlite3_step(stmt) == SQLITE_ROW)
    loaded.next_job_id = std::max<uint32_t>(loaded.next_job_id, static_cast<uint32_t>(sqlite3_column_int64(stmt, 0)));
  sqlite3_finalize(stmt);
  // Ids are never reused, also after the newest record was not read.
  sqlite3_prepare_v2(db_, "SELECT max(id) FROM jobs", -1, &stmt, nullptr);
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
    loaded.next_job_id =
        std::max<uint32_t>(loaded.next_job_id, static_cast<uint32_t>(sqlite3_column_int64(stmt, 0)) + 1);
  sqlite3_finalize(stmt);
  for (int64_t id : bad) {
    std::string sql = "BEGIN; INSERT INTO quarantine SELECT id, record, 'unparseable', strftime('%s','now') "
                      "FROM jobs WHERE id=" + std::to_string(id) + "; DELETE FROM jobs WHERE id=" +
                      std::to_string(id) + "; COMMIT;";
    exec(db_, sql.c_str());
  }
  // Databases written before the finished index existed: index their ended jobs.
  Status begun = exec(db_, "BEGIN;");
  {
    Statement index(db_, "INSERT OR IGNORE INTO finished (id, array_job_id, end_time) VALUES (?, ?, ?)");
    for (const Final& f : finals) {
      sqlite3_bind_int64(index.get(), 1, f.id);
      sqlite3_bind_int64(index.get(), 2, f.array_job_id);
      sqlite3_bind_int64(index.get(), 3, f.end_time);
      sqlite3_step(index.get());
      sqlite3_reset(index.get());
    }
  }
  // Records written before the payload table held their script and
  // environment themselves: move them there, and out of the records — all or
  // nothing, and the records in memory lose their scripts only once the move
  // is committed.
  Status moved = begun;
  std::vector<pb::JobRecord*> migrated;
  std::vector<pb::JobRecord*> to_move;
  for (size_t at : old_layout_at) to_move.push_back(&loaded.jobs[at]);
  for (pb::JobRecord& r : old_layout) to_move.push_back(&r);
  bool needs_move = false;
  {
    Statement move(db_, "INSERT OR IGNORE INTO job_payload (id, script, env) VALUES (?, ?, ?)");
    Upsert rewrite(db_, "INSERT OR REPLACE INTO jobs (id, record) VALUES (?, ?)");
    for (pb::JobRecord* moving : to_move) {
      pb::JobRecord& record = *moving;
      needs_move = true;
      if (!moved) break;
      std::string env;
      for (const std::string& var : record.spec().env()) {
        env += var;
        env.push_back('\0');
      }
      const std::string& script = record.spec().script();
      sqlite3_bind_int64(move.get(), 1, record.job_id());
      sqlite3_bind_blob(move.get(), 2, script.data(), static_cast<int>(script.size()), SQLITE_STATIC);
      sqlite3_bind_blob(move.get(), 3, env.data(), static_cast<int>(env.size()), SQLITE_STATIC);
      if (sqlite3_step(move.get()) != SQLITE_DONE) moved = Status::fail(sqlite3_errmsg(db_));
      sqlite3_reset(move.get());
      if (!moved) break;
      pb::JobRecord stripped = record;
      release_payload(*stripped.mutable_spec());
      moved = rewrite.put(record.job_id(), stripped);
      migrated.push_back(&record);
    }
  }
  if (moved) moved = exec(db_, "COMMIT;");
  if (!moved) {
    exec(db_, "ROLLBACK;");
    if (needs_move)
      loaded.error = "cannot move job scripts to the payload table (nothing was changed): " + moved.error();
    else
      spdlog::error("job store: cannot index finished jobs: {}", moved.error());
  } else {
    for (pb::JobRecord* record : migrated) {
      release_payload(*record->mutable_spec());
    }
  }
  // Old-layout records reach `each` once migrated, after the others (so out
  // of id order); never when their move failed (the caller must stop then).
  if (each && loaded.error.empty())
    for (pb::JobRecord& r : old_layout) each(r);
  next_job_id_ = loaded.next_job_id;
  // Reading every record filled SQLite's page cache: give it back; commits
  // touch few pages and refill it.
  sqlite3_db_release_memory(db_);
  return loaded;
}

void JobStore::release_memory() {
  sqlite3_db_release_memory(db_);
  ::malloc_trim(0);
}

std::vector<JobStore::Payload> JobStore::load_payloads(const std::vector<uint32_t>& ids) {
  std::vector<Payload> out;
  Statement select(db_, "SELECT script, env FROM job_payload WHERE id = ?");
  for (uint32_t id : ids) {
    sqlite3_bind_int64(select.get(), 1, id);
    if (sqlite3_step(select.get()) == SQLITE_ROW) {
      auto column = [&](int i) {
        return std::string(static_cast<const char*>(sqlite3_column_blob(select.get(), i)),
                           static_cast<size_t>(sqlite3_column_bytes(select.get(), i)));
      };
      out.push_back({id, column(0), column(1)});
    }
    sqlite3_reset(select.get());
  }
  return out;
}

void JobStore::write(Write write) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(write));
  }
  wake_.notify_one();
}

void JobStore::run_on_worker(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void JobStore::query_finished(FinishedQuery query, std::function<void(std::vector<pb::JobRecord>)> done) {
  run_on_worker([this, query = std::move(query), done = std::move(done)]() mutable {
    auto records = std::make_shared<std::vector<pb::JobRecord>>(select_finished(query));
    post_([done = std::move(done), records] { done(std::move(*records)); });
  });
}

void JobStore::purge_finished(int64_t ended_before, std::function<void(Result<size_t>)> done) {
  run_on_worker([this, ended_before, done = std::move(done)]() mutable {
    Result<size_t> purged = delete_finished(ended_before);
    post_([done = std::move(done), purged] { done(purged); });
  });
}

std::vector<pb::JobRecord> JobStore::select_finished(const FinishedQuery& query) {
  std::vector<pb::JobRecord> out;
  auto collect = [&](sqlite3_stmt* stmt) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      pb::JobRecord record;
      if (record.ParseFromArray(sqlite3_column_blob(stmt, 0), sqlite3_column_bytes(stmt, 0)))
        out.push_back(std::move(record));
    }
    sqlite3_reset(stmt);
  };
  if (!query.ids.empty()) {
    Statement by_id(db_, "SELECT j.record FROM finished f JOIN jobs j ON j.id = f.id "
                         "WHERE f.id = ?1 OR f.array_job_id = ?1 ORDER BY f.id");
    for (uint32_t id : query.ids) {
      sqlite3_bind_int64(by_id.get(), 1, id);
      collect(by_id.get());
    }
    return out;
  }
  Statement since(db_, "SELECT j.record FROM finished f JOIN jobs j ON j.id = f.id "
                       "WHERE f.end_time >= ? ORDER BY f.id");
  sqlite3_bind_int64(since.get(), 1, query.ended_since);
  collect(since.get());
  return out;
}

Result<size_t> JobStore::delete_finished(int64_t ended_before) {
  Status s = exec(db_, "BEGIN IMMEDIATE;");
  if (!s) return Result<size_t>::fail(s.error());
  std::string cutoff = std::to_string(ended_before);
  s = exec(db_, ("DELETE FROM job_payload WHERE id IN (SELECT id FROM finished WHERE end_time < " + cutoff + ");").c_str());
  if (s) s = exec(db_, ("DELETE FROM jobs WHERE id IN (SELECT id FROM finished WHERE end_time < " + cutoff + ");").c_str());
  size_t purged = s ? static_cast<size_t>(sqlite3_changes(db_)) : 0;
  if (s) s = exec(db_, ("DELETE FROM finished WHERE end_time < " + cutoff + ";").c_str());
  if (s) s = exec(db_, "COMMIT;");
  if (!s) {
    exec(db_, "ROLLBACK;");
    return Result<size_t>::fail(s.error());
  }
  return Result<size_t>::ok(purged);
}

void JobStore::run() {
  for (;;) {
    std::vector<Write> group;
    std::vector<std::function<void()>> tasks;
    uint32_t next_id;
    {
      std::unique_lock lock(mutex_);
      auto has_work = [this] { return stopping_ || !queue_.empty() || !tasks_.empty(); };
      // Memory (issue 6): once a burst of commits is over (a second without
      // writes), the page cache they filled and the heap pages their
      // transient buffers left free go back to the system.
      if (committed_since_trim_ && !wake_.wait_for(lock, std::chrono::seconds(1), has_work)) {
        committed_since_trim_ = false;
        lock.unlock();
        release_memory();
        continue;
      }
      wake_.wait(lock, has_work);
      if (queue_.empty() && tasks_.empty()) return;  // stopping, nothing left
      group.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      tasks.assign(std::make_move_iterator(tasks_.begin()), std::make_move_iterator(tasks_.end()));
      tasks_.clear();
      next_id = next_job_id_;
    }
    // Reads and purges come after the writes queued with them.
    if (group.empty()) {
      for (auto& task : tasks) task();
      continue;
    }
    auto begun = std::chrono::steady_clock::now();
    size_t writes = group.size();
    committed_since_trim_ = true;
    Status result = commit(group, next_id);
    if (commit_observer_)
      commit_observer_(writes, std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count(),
                       last_sync_s_, static_cast<bool>(result));
    if (!result) spdlog::error("job store: commit of {} writes failed: {}", group.size(), result.error());
    for (Write& w : group) {
      if (!w.done) continue;
      post_([done = std::move(w.done), result] { done(result); });
    }
    for (auto& task : tasks) task();
  }
}

Status JobStore::commit(std::vector<Write>& group, uint32_t next_job_id) {
  // Pre-commit work that fails drops only its own write.
  std::erase_if(group, [&](Write& w) {
    if (!w.before_commit) return false;
    Status s = w.before_commit();
    if (s) return false;
    if (w.done) post_([done = std::move(w.done), s] { done(s); });
    return true;
  });
  Prepared& prep = *prepared_;
  Status s = step_once(db_, prep.begin);
  if (!s) return s;
  Upsert& jobs = prep.jobs;
  Upsert& nodes = prep.nodes;
  const Statement& payload = prep.payload;
  auto abort = [this](const std::string& what, const Status& why) {
    exec(db_, "ROLLBACK;");
    return Status::fail("cannot store " + what + ": " + why.error());
  };
  for (const Write& w : group) {
    for (const pb::JobRecord& record : w.records)
      if (Status put = jobs.put(record.job_id(), record); !put)
        return abort("job " + std::to_string(record.job_id()), put);
    for (const pb::JobRecord& record : w.records)
      if (Status put = index_finished(db_, prep.index, prep.unindex, record); !put)
        return abort("job " + std::to_string(record.job_id()), put);
    for (const pb::NodeAdminState& node : w.nodes)
      if (Status put = nodes.put(node.name(), node); !put) return abort("node " + node.name(), put);
    for (const Payload& p : w.payloads) {
      sqlite3_bind_int64(payload.get(), 1, p.job_id);
      sqlite3_bind_blob(payload.get(), 2, p.script.data(), static_cast<int>(p.script.size()), SQLITE_STATIC);
      sqlite3_bind_blob(payload.get(), 3, p.env.data(), static_cast<int>(p.env.size()), SQLITE_STATIC);
      int rc = sqlite3_step(payload.get());
      sqlite3_reset(payload.get());
      sqlite3_clear_bindings(payload.get());  // the statement outlives the buffers it was bound to
      if (rc != SQLITE_DONE)
        return abort("the script of job " + std::to_string(p.job_id), Status::fail(sqlite3_errmsg(db_)));
    }
  }
  sqlite3_bind_int64(prep.next_id.get(), 1, next_job_id);
  s = step_once(db_, prep.next_id);
  if (s && commit_fault_) s = commit_fault_();
  auto syncing = std::chrono::steady_clock::now();
  if (s) s = step_once(db_, prep.commit);
  last_sync_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - syncing).count();
  if (!s) {
    exec(db_, "ROLLBACK;");
    return Status::fail("commit failed: " + s.error());
  }
  ++groups_;
  return ok_status();
}

}  // namespace drover
