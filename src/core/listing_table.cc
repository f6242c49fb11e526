#include "drover/listing_table.h"

#include <algorithm>
#include <string>

namespace drover {
namespace {

// Every column the table carries, once: its field in pb::ListingTable (and
// the field's name as protobuf spells its number constant), its value in a
// record, and the statement that stores `v` into a record. In both
// directions `job` is the record and `spec` its JobSpec. Adding a column is
// adding a line here, a field to ListingTable, and the column to the
// squeue columns that read it (squeue_columns.cc).
#define DROVER_NUMBER_COLUMNS(X)                                                              \
  X(job_id, JobId, job.job_id(), job.set_job_id(v))                                           \
  X(uid, Uid, job.uid(), job.set_uid(v))                                                      \
  X(gid, Gid, job.gid(), job.set_gid(v))                                                      \
  X(state, State, job.state(), job.set_state(static_cast<pb::JobState>(v)))                   \
  X(submit_time, SubmitTime, job.submit_time(), job.set_submit_time(v))                       \
  X(start_time, StartTime, job.start_time(), job.set_start_time(v))                           \
  X(end_time, EndTime, job.end_time(), job.set_end_time(v))                                   \
  X(exit_status, ExitStatus, job.exit_status(), job.set_exit_status(v))                       \
  X(term_signal, TermSignal, job.term_signal(), job.set_term_signal(v))                       \
  X(alloc_cpus, AllocCpus, job.alloc_cpus(), job.set_alloc_cpus(v))                           \
  X(priority, Priority, job.priority(), job.set_priority(v))                                  \
  X(array_job_id, ArrayJobId, job.array_job_id(), job.set_array_job_id(v))                    \
  X(is_array_task, IsArrayTask, job.is_array_task(), job.set_is_array_task(v))                \
  X(array_task_id, ArrayTaskId, job.array_task_id(), job.set_array_task_id(v))                \
  X(array_throttle, ArrayThrottle, job.array_throttle(), job.set_array_throttle(v))           \
  X(kill_sent, KillSent, job.kill_sent(), job.set_kill_sent(v))                               \
  X(restarts, Restarts, job.restarts(), job.set_restarts(v))                                  \
  X(suspend_time, SuspendTime, job.suspend_time(), job.set_suspend_time(v))                   \
  X(suspended_secs, SuspendedSecs, job.suspended_secs(), job.set_suspended_secs(v))           \
  X(expected_start, ExpectedStart, job.expected_start(), job.set_expected_start(v))           \
  X(min_nodes, MinNodes, spec.min_nodes(), spec.set_min_nodes(v))                             \
  X(ntasks, Ntasks, spec.ntasks(), spec.set_ntasks(v))                                        \
  X(cpus_per_task, CpusPerTask, spec.cpus_per_task(), spec.set_cpus_per_task(v))              \
  X(mem_mb, MemMb, spec.mem_mb(), spec.set_mem_mb(v))                                         \
  X(time_limit_min, TimeLimitMin, spec.time_limit_min(), spec.set_time_limit_min(v))          \
  X(exclusive, Exclusive, spec.exclusive(), spec.set_exclusive(v))                            \
  X(requeue, Requeue, spec.requeue(), spec.set_requeue(v))                                    \
  X(nice, Nice, spec.nice(), spec.set_nice(v))                                                \
  X(begin_time, BeginTime, spec.begin_time(), spec.set_begin_time(v))                         \
  X(mem_per_cpu_mb, MemPerCpuMb, spec.mem_per_cpu_mb(), spec.set_mem_per_cpu_mb(v))           \
  X(ntasks_per_node, NtasksPerNode, spec.ntasks_per_node(), spec.set_ntasks_per_node(v))      \
  X(time_min_min, TimeMinMin, spec.time_min_min(), spec.set_time_min_min(v))                  \
  X(deadline, Deadline, spec.deadline(), spec.set_deadline(v))                                \
  X(max_nodes, MaxNodes, spec.max_nodes(), spec.set_max_nodes(v))

// String columns: the field, the record's string, and a pointer to the
// record's string to overwrite; the record's own, then its JobSpec's.
#define DROVER_RECORD_STRING_COLUMNS(X)                                                       \
  X(reason, Reason, job.reason(), job.mutable_reason())                                       \
  X(partition, Partition, job.partition(), job.mutable_partition())                           \
  X(dependency_state, DependencyState, job.dependency_state(), job.mutable_dependency_state()) \
  X(sched_nodes, SchedNodes, job.sched_nodes(), job.mutable_sched_nodes())
#define DROVER_SPEC_STRING_COLUMNS(X)                                                         \
  X(name, Name, spec.name(), spec.mutable_name())                                             \
  X(spec_partition, SpecPartition, spec.partition(), spec.mutable_partition())                \
  X(stdout_pattern, StdoutPattern, spec.stdout_pattern(), spec.mutable_stdout_pattern())      \
  X(stderr_pattern, StderrPattern, spec.stderr_pattern(), spec.mutable_stderr_pattern())      \
  X(stdin_path, StdinPath, spec.stdin_path(), spec.mutable_stdin_path())                      \
  X(work_dir, WorkDir, spec.work_dir(), spec.mutable_work_dir())                              \
  X(command, Command, spec.command(), spec.mutable_command())                                 \
  X(user_name, UserName, spec.user_name(), spec.mutable_user_name())                          \
  X(account, Account, spec.account(), spec.mutable_account())                                 \
  X(qos, Qos, spec.qos(), spec.mutable_qos())                                                 \
  X(comment, Comment, spec.comment(), spec.mutable_comment())                                 \
  X(wckey, Wckey, spec.wckey(), spec.mutable_wckey())                                         \
  X(constraint, Constraint, spec.constraint(), spec.mutable_constraint())                     \
  X(nodelist, Nodelist, spec.nodelist(), spec.mutable_nodelist())                             \
  X(exclude, Exclude, spec.exclude(), spec.mutable_exclude())                                 \
  X(reservation, Reservation, spec.reservation(), spec.mutable_reservation())                 \
  X(gres, Gres, spec.gres(), spec.mutable_gres())
#define DROVER_STRING_COLUMNS(X) \
  DROVER_RECORD_STRING_COLUMNS(X)  \
  DROVER_SPEC_STRING_COLUMNS(X)

enum StringColumn : size_t {
#define X(field, Field, get, set) kColumn_##field,
  DROVER_STRING_COLUMNS(X)
#undef X
      kStringColumns
};

template <class T>
bool one_per_row(const google::protobuf::RepeatedField<T>& column, size_t rows) {
  return column.empty() || static_cast<size_t>(column.size()) == rows;
}

template <class T>
T value_at(const google::protobuf::RepeatedField<T>& column, size_t row) {
  return column.empty() ? T{} : column.Get(static_cast<int>(row));
}

bool indices_below(const google::protobuf::RepeatedField<uint32_t>& column, size_t limit) {
  return std::all_of(column.begin(), column.end(), [limit](uint32_t i) { return i < limit; });
}

// Offsets of each row's slice of a flattened list, from the per-row
// counts; false unless they add up to the list's length exactly.
bool starts_of(const google::protobuf::RepeatedField<uint32_t>& counts, size_t rows, size_t listed,
               std::vector<uint32_t>& starts) {
  starts.assign(rows + 1, 0);
  uint64_t at = 0;
  for (size_t row = 0; row < rows; ++row) {
    at += value_at(counts, row);
    if (at > listed) return false;
    starts[row + 1] = static_cast<uint32_t>(at);
  }
  return at == listed;
}

}  // namespace

// One more previous value than string columns: the node names.
constexpr size_t kNodesColumn = kStringColumns;

ListingTableBuilder::ListingTableBuilder(size_t expected_rows, ListingColumns columns)
    : expected_rows_(expected_rows), columns_(columns), last_(kStringColumns + 1) {
  table_.add_strings();
  // Every row has its job id, whatever was asked: the reader counts rows by it.
  columns_.add(pb::ListingTable::kJobIdFieldNumber);
}

uint32_t ListingTableBuilder::intern(size_t column, const std::string& text) {
  if (text.empty()) return 0;
  Last& last = last_[column];
  if (last.text == text) return last.index;
  auto it = index_.find(text);
  if (it == index_.end()) {
    // The table's strings do not move when it grows (RepeatedPtrField
    // holds pointers), so the map's key can view the stored copy.
    std::string* stored = table_.add_strings();
    *stored = text;
    it = index_.emplace(*stored, static_cast<uint32_t>(table_.strings_size() - 1)).first;
  }
  last = Last{it->first, it->second};
  return it->second;
}

namespace {

template <class T>
void prefetch_object(const T& object) {
  const char* at = reinterpret_cast<const char*>(&object);
  for (size_t offset = 0; offset < sizeof(T); offset += 64) __builtin_prefetch(at + offset);
}

}  // namespace

void ListingTableBuilder::prefetch(const pb::JobRecord& job, int stage) const {
  using T = pb::ListingTable;
  if (stage == 0) return prefetch_object(job);
  if (stage == 1) {
    if (job.has_spec()) prefetch_object(job.spec());
    // A string field is a std::string of its own on the heap (a short one
    // holds its text inline).
#define X(field, Field, get, set) \
  if (columns_.has(T::k##Field##FieldNumber)) __builtin_prefetch(&get);
    DROVER_RECORD_STRING_COLUMNS(X)
    return;
  }
  if (!job.has_spec()) return;
  const pb::JobSpec& spec = job.spec();
  DROVER_SPEC_STRING_COLUMNS(X)
#undef X
}

// The one place a record is read for a listing: only the asked-for columns
// are looked at, so a record's other fields (and the strings they point
// to, each a cache miss of its own) are never touched.
void ListingTableBuilder::add(const pb::JobRecord& job) {
  const pb::JobSpec& spec = job.spec();
#define X(field, Field, get, set) \
  if (columns_.has(pb::ListingTable::k##Field##FieldNumber)) put(table_.mutable_##field(), get);
  DROVER_NUMBER_COLUMNS(X)
#undef X
#define X(field, Field, get, set)                              \
  if (columns_.has(pb::ListingTable::k##Field##FieldNumber)) \
    put(table_.mutable_##field(), intern(kColumn_##field, get));
  DROVER_STRING_COLUMNS(X)
#undef X
  if (columns_.has(pb::ListingTable::kNodeCountFieldNumber)) {
    put(table_.mutable_node_count(), static_cast<uint32_t>(job.nodes_size()));
    for (const std::string& node : job.nodes()) table_.add_nodes(intern(kNodesColumn, node));
  }
  if (columns_.has(pb::ListingTable::kPendingCountFieldNumber)) {
    put(table_.mutable_pending_count(), static_cast<uint32_t>(job.array_pending_size()));
    for (const pb::TaskRange& range : job.array_pending()) {
      table_.add_pending_first(range.first());
      table_.add_pending_last(range.last());
    }
  }
  table_.set_rows(table_.rows() + 1);
}

pb::ListingTable ListingTableBuilder::finish() {
  // Columns that saw a value are padded to the full height; the others
  // stayed empty and are left out.
  auto pad = [rows = static_cast<int>(table_.rows())](auto* column) {
    if (!column->empty()) column->Resize(rows, 0);
  };
#define X(field, Field, get, set) pad(table_.mutable_##field());
  DROVER_NUMBER_COLUMNS(X)
  DROVER_STRING_COLUMNS(X)
#undef X
  pad(table_.mutable_node_count());
  pad(table_.mutable_pending_count());
  index_.clear();
  last_.assign(kStringColumns + 1, Last{});
  return std::move(table_);
}

Result<ListingTableReader> ListingTableReader::open(const pb::ListingTable& table) {
  using R = Result<ListingTableReader>;
  auto malformed = [](const char* what) { return R::fail(std::string("malformed job table: ") + what); };
  size_t rows = table.rows();
  // Every record has a job id, so the id column bounds the row count by
  // the bytes received (a hostile count allocates nothing).
  if (static_cast<size_t>(table.job_id_size()) != rows) return malformed("row count");
  bool sized = true;
#define X(field, Field, get, set) sized = sized && one_per_row(table.field(), rows);
  DROVER_NUMBER_COLUMNS(X)
  DROVER_STRING_COLUMNS(X)
#undef X
  sized = sized && one_per_row(table.node_count(), rows) && one_per_row(table.pending_count(), rows);
  if (!sized) return malformed("column length");
  size_t strings = std::max(table.strings_size(), 1);  // index 0 is "" even when not sent
  bool in_range = indices_below(table.nodes(), strings);
#define X(field, Field, get, set) in_range = in_range && indices_below(table.field(), strings);
  DROVER_STRING_COLUMNS(X)
#undef X
  if (!in_range) return malformed("string index");
  ListingTableReader reader(table);
  reader.rows_ = rows;
  if (!starts_of(table.node_count(), rows, static_cast<size_t>(table.nodes_size()), reader.node_start_))
    return malformed("node counts");
  if (table.pending_first_size() != table.pending_last_size() ||
      !starts_of(table.pending_count(), rows, static_cast<size_t>(table.pending_first_size()),
                 reader.pending_start_))
    return malformed("array task ranges");
  return R::ok(std::move(reader));
}

const std::string& ListingTableReader::text(uint32_t index) const {
  static const std::string kEmpty;
  return index < static_cast<uint32_t>(table_->strings_size()) ? table_->strings(static_cast<int>(index))
                                                                 : kEmpty;
}

const pb::JobRecord& ListingTableReader::row(size_t row) {
  const pb::ListingTable& t = *table_;
  pb::JobRecord& job = record_;
  pb::JobSpec& spec = *job.mutable_spec();
  // A column the table left out is zero in every row, as the scratch
  // record's field already is: only the columns sent are stored.
#define X(field, Field, get, set)                          \
  if (!t.field().empty()) {                                \
    auto v = t.field().Get(static_cast<int>(row));         \
    set;                                                   \
  }
  DROVER_NUMBER_COLUMNS(X)
#undef X
  // Rows mostly repeat their neighbours' strings: copy only what changes.
  if (held_.empty()) held_.assign(kStringColumns, 0);
#define X(field, Field, get, set)                                                                   \
  if (!t.field().empty()) {                                                                          \
    if (uint32_t i = t.field().Get(static_cast<int>(row)); held_[kColumn_##field] != i) {           \
      *set = text(i);                                                                                \
      held_[kColumn_##field] = i;                                                                    \
    }                                                                                                \
  }
  DROVER_STRING_COLUMNS(X)
#undef X
  // clear() keeps the elements' memory for the next row's.
  if (!t.node_count().empty()) {
    job.clear_nodes();
    for (uint32_t i = node_start_[row]; i < node_start_[row + 1]; ++i)
      *job.add_nodes() = text(t.nodes(static_cast<int>(i)));
  }
  if (!t.pending_count().empty()) {
    job.clear_array_pending();
    for (uint32_t i = pending_start_[row]; i < pending_start_[row + 1]; ++i) {
      pb::TaskRange* range = job.add_array_pending();
      range->set_first(t.pending_first(static_cast<int>(i)));
      range->set_last(t.pending_last(static_cast<int>(i)));
    }
  }
  return job;
}

}  // namespace drover
