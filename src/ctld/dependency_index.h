// DepIndex: what dependency evaluation needs to know about the queue,
// built in one pass over the job records at the start of a scheduling pass
// so that each dependency is then answered by lookups, not by scanning the
// queue again: per array the aggregate of its tasks, array tasks by
// (array id, task id), and per (user, name) the running and the two
// earliest pending jobs for singletons. Pure; lives only during one pass
// and keeps pointers into the records it was built from. Packed jobs
// (job_table.h) are read as they are: each is one pending job.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "drover.pb.h"
#include "drover/array_spec.h"
#include "drover/dependency.h"
#include "job_table.h"

namespace drover {

class DepIndex {
 public:
  // `with_singletons`: also index (user, name) pairs; skipped when no
  // dependency is a singleton, since it costs a string per live job.
  DepIndex(const JobTable& jobs, bool with_singletons);

  // The state of an item's target (a job, an array task, or a whole array).
  DepTarget target(const DepItem& item) const;

  // True when the target of `item` is a job array (so it displays as "N_*").
  bool is_array(uint32_t job_id) const;

  // singleton: another job of the same user and name is running, or
  // pending and submitted earlier (a lower id). Tasks of the job's own
  // array do not count.
  bool singleton_blocked(const pb::JobRecord& job) const;

  // aftercorr: of `pending` (tasks of the dependent array), those whose
  // task of the same id in array `array_id` has completed successfully or
  // does not exist; and those whose task failed (never satisfiable).
  TaskSet corr_eligible(uint32_t array_id, const TaskSet& pending) const;
  TaskSet corr_failed(uint32_t array_id, const TaskSet& pending) const;

 private:
  struct SameName {
    uint32_t running = 0;
    uint32_t first_pending = 0;   // lowest pending job id, 0: none
    uint32_t second_pending = 0;
  };
  struct ArrayTasks {
    DepTarget total;
    TaskSet not_ok;               // pending, running or failed tasks
    TaskSet failed;
  };

  // (uid, job name), the name viewed in the record: no copies per job.
  struct NameKey {
    uint32_t uid;
    std::string_view name;
    bool operator==(const NameKey&) const = default;
  };
  struct NameKeyHash {
    size_t operator()(const NameKey& k) const { return std::hash<std::string_view>()(k.name) * 31 + k.uid; }
  };

  static DepTarget of_record(const pb::JobRecord& job);
  static DepTarget of_packed();
  void add_name(uint32_t id, uint32_t uid, std::string_view name, const DepTarget& t);

  const JobTable& jobs_;
  std::unordered_map<uint32_t, ArrayTasks> arrays_;
  std::unordered_map<uint64_t, const pb::JobRecord*> tasks_;  // (array id << 32 | task) -> started task
  std::unordered_map<NameKey, SameName, NameKeyHash> names_;
};

// Tasks of `a` that are not in `b`.
TaskSet task_set_minus(const TaskSet& a, const TaskSet& b);
// Tasks in both.
TaskSet task_set_intersect(const TaskSet& a, const TaskSet& b);

}  // namespace drover
