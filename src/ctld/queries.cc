// squeue's and sinfo's questions, answered from memory.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <deque>
#include <set>
#include <unordered_set>

#include "controller.h"
#include "drover/array_spec.h"
#include "drover/job_state.h"
#include "drover/listing_table.h"
#include "listing_reply.h"

namespace drover {
namespace {

bool listed_by_default(const pb::JobRecord& job) {
  // Finished jobs are hidden unless asked for, but a job still completing shows.
  return !job_state_is_finished(job.state()) || job.kill_sent();
}

// "12" or "12_3"; the ids are checked here too, since any client may send anything.
bool parse_id(const std::string& text, uint32_t& id, std::optional<uint32_t>& task) {
  auto number = [](const std::string& s, uint32_t& out) {
    if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos) return false;
    unsigned long long v = std::stoull(s);
    if (v > UINT32_MAX) return false;
    out = static_cast<uint32_t>(v);
    return true;
  };
  size_t underscore = text.find('_');
  if (!number(text.substr(0, underscore), id)) return false;
  if (underscore == std::string::npos) return true;
  uint32_t t;
  if (!number(text.substr(underscore + 1), t)) return false;
  task = t;
  return true;
}

template <class List, class Value>
bool allowed(const List& list, const Value& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

// squeue -n matches names ignoring case, as Slurm's _filter_job does.
bool name_allowed(const google::protobuf::RepeatedPtrField<std::string>& names, const std::string& name) {
  auto same = [&](const std::string& wanted) {
    return wanted.size() == name.size() &&
           std::equal(wanted.begin(), wanted.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  };
  return names.empty() || std::any_of(names.begin(), names.end(), same);
}

bool passes_filter(const pb::JobFilter& f, const pb::JobRecord& job) {
  if (!f.states().empty()) {
    if (!allowed(f.states(), job.state())) return false;
  } else if (!f.all_states() && !listed_by_default(job)) {
    return false;
  }
  if (!f.nodes().empty() && std::none_of(job.nodes().begin(), job.nodes().end(), [&](const std::string& n) {
        return std::find(f.nodes().begin(), f.nodes().end(), n) != f.nodes().end();
      }))
    return false;
  return allowed(f.uids(), job.uid()) && allowed(f.partitions(), job.partition()) &&
         name_allowed(f.names(), job.spec().name());
}

}  // namespace

void Controller::handle_list_jobs(Request& request) {
  const pb::JobFilter& f = request.message.list_jobs().filter();
  // A plain squeue filters on nothing but the finished jobs it hides: no
  // list to look through per record.
  bool plain = f.states().empty() && f.nodes().empty() && f.uids().empty() && f.partitions().empty() &&
               f.names().empty();
  auto passes = [&](const pb::JobRecord& job) {
    return plain ? f.all_states() || listed_by_default(job) : passes_filter(f, job);
  };
  std::vector<pb::JobRecord*> listing;
  std::deque<pb::JobRecord> single_tasks;  // "ID_T" of a task still pending in its array
  bool any_known = f.job_ids().empty();
  // squeue's table is built as the records are found (a few records behind,
  // see kAhead below), with only the columns squeue asked for.
  bool as_table = request.message.list_jobs().as_table() && !f.accounting();
  std::optional<ListingTableBuilder> table;
  // Packed jobs (job_table.h) are listed from a copy made in `scratch`,
  // never unpacked in place: a listing must not churn the queue's memory.
  JobTable::Scratch scratch;
  auto take = [&](pb::JobRecord* job) {
    if (table)
      table->add(*job);
    else if (job == &scratch.record)
      listing.push_back(&single_tasks.emplace_back(scratch.record));
    else
      listing.push_back(job);
  };
  auto look = [&](uint32_t id) -> pb::JobRecord* {
    if (!jobs_.packed(id)) return find_job(id);  // full (or absent): nothing to unpack
    jobs_.view(id, scratch);
    return &scratch.record;
  };

  if (f.job_ids().empty()) {
    // Only the jobs the index says may match: O(answer) when filtered.
    std::vector<uint32_t> ids = index_.candidates(f);
    if (as_table)
      table.emplace(ids.size(), listing_columns_of(request.message.list_jobs()));
    else
      listing.reserve(ids.size());
    // The records of a long-lived queue lie all over the heap, and waiting
    // for one cache miss at a time is most of a listing's time: each record
    // is taken kAhead records after it is found, and the parts of it that
    // add() reads are asked for in between.
    constexpr size_t kAhead = 16;
    std::array<pb::JobRecord*, kAhead> ahead{};
    size_t found = 0, settled = 0;
    auto settle = [&] {
      pb::JobRecord* job = ahead[settled++ % kAhead];
      if (passes(*job)) take(job);
    };
    auto find = [&](pb::JobRecord* job) {
      ahead[found++ % kAhead] = job;
      if (table) {
        table->prefetch(*job, 0);
        if (found > kAhead / 2) table->prefetch(*ahead[(found - 1 - kAhead / 2) % kAhead], 1);
        if (found > kAhead * 3 / 4) table->prefetch(*ahead[(found - 1 - kAhead * 3 / 4) % kAhead], 2);
      }
      if (found - settled == kAhead) settle();
    };
    // A packed job is listed from its view in `scratch`, one at a time:
    // the records waiting ahead go first, so the listing stays in order.
    auto take_view = [&](const auto& job) {
      while (settled < found) settle();
      jobs_.view(job, scratch);
      if (passes(scratch.record)) take(&scratch.record);
    };
    if (ids.size() * 4 >= jobs_.size() && std::is_sorted(ids.begin(), ids.end())) {
      // Most of the table (a plain squeue): one walk along the ordered map
      // instead of a descent through it per id.
      auto it = jobs_.begin();
      for (uint32_t id : ids) {
        while (it != jobs_.end() && it->first < id) ++it;
        if (it == jobs_.end()) break;
        if (it->first != id) continue;
        if (pb::JobRecord* job = it->second.full.get())
          find(job);
        else
          take_view(it->second);
      }
    } else {
      for (uint32_t id : ids) {
        if (jobs_.packed(id))
          take_view(id);
        else if (pb::JobRecord* job = find_job(id))
          find(job);
      }
    }
    while (settled < found) settle();
  }
  if (as_table && !table) table.emplace(0, listing_columns_of(request.message.list_jobs()));
  std::unordered_set<uint32_t> listed;  // "-j 5,5" lists a record once
  for (const std::string& text : f.job_ids()) {
    uint32_t id = 0;
    std::optional<uint32_t> task_id;
    if (!parse_id(text, id, task_id)) return reply_error(request, "Invalid job id specified");
    const IdSet* array = index_.array_records(id);
    if (!task_id) {
      // The job itself, or every record of the array with this id.
      if (pb::JobRecord* job = look(id)) {
        any_known = true;
        if (passes(*job) && listed.insert(id).second) take(job);
      }
      if (array) {
        array->for_each([&](uint32_t record_id) {
          if (record_id == id) return;
          pb::JobRecord* job = look(record_id);
          if (!job) return;
          any_known = true;
          if (passes(*job) && listed.insert(record_id).second) take(job);
        });
      }
      continue;
    }
    if (!array) continue;
    uint32_t task = *task_id;
    array->for_each([&](uint32_t record_id) {
      pb::JobRecord* job = look(record_id);
      if (!job) return;
      if (job->is_array_task() && job->array_task_id() == task) {
        any_known = true;
        if (passes(*job)) take(job);
      } else if (!job->is_array_task() && array_pending_contains(*job, task)) {
        any_known = true;
        if (!passes(*job)) return;
        // A pending task is shown on its own, as "ID_T".
        pb::JobRecord& one = single_tasks.emplace_back(listing_copy(*job));
        one.clear_array_pending();
        pb::TaskRange* r = one.add_array_pending();
        r->set_first(task);
        r->set_last(task);
        take(&one);
      }
    });
  }

  if (f.accounting()) {
    pb::Message reply_msg;
    pb::ListJobsReply* out = reply_msg.mutable_list_jobs_reply();
    out->set_now(now());
    for (pb::JobRecord* job : listing) *out->add_jobs() = listing_copy(*job);
    return answer_from_accounting(request.session, f, std::move(reply_msg));
  }
  if (!any_known) return reply_error(request, "Invalid job id specified");
  if (table) {
    pb::Message reply_msg;
    pb::ListJobsReply* out = reply_msg.mutable_list_jobs_reply();
    out->set_now(now());
    *out->mutable_table() = table->finish();
    return send_payload(*request.session, reply_msg.SerializeAsString());
  }
  ListingEncoder encoder;
  for (pb::JobRecord* job : listing) encoder.add(*job);
  send_payload(*request.session, encoder.finish(now()));
}

void Controller::answer_from_accounting(const std::shared_ptr<Session>& session, const pb::JobFilter& filter,
                                        pb::Message reply_msg) {
  JobStore::FinishedQuery query;
  std::vector<std::pair<uint32_t, std::optional<uint32_t>>> ids;
  for (const std::string& text : filter.job_ids()) {
    uint32_t id = 0;
    std::optional<uint32_t> task;
    if (!parse_id(text, id, task)) continue;  // checked by the caller
    ids.emplace_back(id, task);
    query.ids.push_back(id);
  }
  query.ended_since = filter.window_start();
  store_->query_finished(std::move(query), [this, session, filter, ids, reply_msg = std::move(reply_msg)](
                                                std::vector<pb::JobRecord> stored) mutable {
    pb::ListJobsReply* out = reply_msg.mutable_list_jobs_reply();
    std::set<uint32_t> listed;
    for (const pb::JobRecord& job : out->jobs()) listed.insert(job.job_id());
    auto wanted = [&](const pb::JobRecord& job) {
      if (ids.empty()) return true;
      for (const auto& [id, task] : ids) {
        if (!task && (job.job_id() == id || job.array_job_id() == id)) return true;
        if (task && job.array_job_id() == id && job.is_array_task() && job.array_task_id() == *task) return true;
      }
      return false;
    };
    // Jobs still in memory were answered from memory, as they are now.
    for (pb::JobRecord& job : stored)
      if (!listed.count(job.job_id()) && !jobs_.contains(job.job_id()) && wanted(job) && passes_filter(filter, job))
        *out->add_jobs() = listing_copy(job);
    std::sort(out->mutable_jobs()->begin(), out->mutable_jobs()->end(),
              [](const pb::JobRecord& a, const pb::JobRecord& b) { return a.job_id() < b.job_id(); });
    send(*session, reply_msg);
  });
}

pb::NodeInfo Controller::node_info(const NodeConfig& node) const {
  const NodeRuntime& rt = nodes_[node_index(node.name)];
  pb::NodeInfo info;
  info.set_name(node.name);
  info.set_cpus(node.cpus);
  info.set_alloc_cpus(rt.alloc_cpus);
  info.set_memory_mb(node.memory_mb);
  info.set_alloc_mem_mb(rt.alloc_mem_mb);
  info.set_weight(node.weight);
  for (const std::string& f : node.features) info.add_features(f);
  info.set_not_responding(!rt.connected);
  info.set_reason(rt.reason);
  info.set_clock_skew_ms(rt.clock_skew_ms);
  info.set_arch(rt.hello.arch());
  info.set_version(rt.hello.software_version());
  info.set_detected_cpus(rt.hello.cpus());
  info.set_detected_memory_mb(rt.hello.memory_mb());
  info.set_hostname(rt.hello.hostname());
  info.set_cpu_speed(rt.hello.cpu_speed());
  info.set_address(node.address);
  for (const PartitionConfig& p : config_.partitions)
    if (std::find(p.nodes.begin(), p.nodes.end(), node.name) != p.nodes.end()) info.add_partitions(p.name);
  if (rt.down) {
    info.set_state("down");
    info.set_state_long("DOWN");
  } else if (!rt.registered) {
    info.set_state("unk");
    info.set_state_long("UNKNOWN");
  } else if (rt.drain) {
    info.set_state(rt.alloc_cpus == 0 ? "drain" : "drng");
    info.set_state_long(rt.alloc_cpus == 0 ? "IDLE+DRAIN" : rt.alloc_cpus >= node.cpus ? "ALLOCATED+DRAIN" : "MIXED+DRAIN");
  } else if (rt.alloc_cpus == 0) {
    info.set_state("idle");
    info.set_state_long("IDLE");
  } else if (rt.alloc_cpus >= node.cpus) {
    info.set_state("alloc");
    info.set_state_long("ALLOCATED");
  } else {
    info.set_state("mix");
    info.set_state_long("MIXED");
  }
  return info;
}

void Controller::handle_list_nodes(Request& request) {
  pb::Message reply_msg;
  pb::ListNodesReply* out = reply_msg.mutable_list_nodes_reply();
  out->set_cluster(config_.cluster);
  for (const NodeConfig& node : config_.nodes) *out->add_nodes() = node_info(node);
  for (const PartitionConfig& p : config_.partitions) {
    pb::PartitionInfo* info = out->add_partitions();
    info->set_name(p.name);
    info->set_is_default(p.is_default);
    info->set_state(p.state == "inactive" ? "inact" : p.state);
    info->set_max_time_min(p.max_time_min);
    info->set_priority(p.priority);
    info->set_max_nodes(p.max_nodes);
    info->set_default_time_min(p.default_time_min);
    for (const std::string& n : p.nodes) info->add_nodes(n);
  }
  reply(request, reply_msg);
}

}  // namespace drover
