#include "drover/sacct_json.h"

#include <cstdio>
#include <cstring>

#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/squeue_format.h"

namespace drover {
namespace {

// A tiny writer for the fixed document shape below: objects are built as
// "key": value lists joined with commas.
struct Object {
  std::string body;
  Object& add(const std::string& key, const std::string& raw_value) {
    body += (body.empty() ? "" : ",") + json_quote(key) + ":" + raw_value;
    return *this;
  }
  Object& str(const std::string& key, const std::string& value) { return add(key, json_quote(value)); }
  Object& num(const std::string& key, int64_t value) { return add(key, std::to_string(value)); }
  std::string done() const { return "{" + body + "}"; }
};

std::string signal_name(int signo) {
  const char* abbrev = sigabbrev_np(signo);
  return abbrev ? abbrev : "";
}

// {"status": "SUCCESS"|"FAILED"|"SIGNALED", "return_code": N, "signal": {...}}
std::string exit_code(int32_t status, int32_t signo) {
  Object o;
  o.str("status", signo ? "SIGNALED" : status ? "FAILED" : "SUCCESS");
  o.num("return_code", status);
  if (signo) o.add("signal", Object().num("signal_id", signo).str("name", signal_name(signo)).done());
  return o.done();
}

std::string time_object(int64_t submit, int64_t start, int64_t end, int64_t now, int64_t limit_min) {
  int64_t elapsed = start ? std::max<int64_t>(0, (end ? end : now) - start) : 0;
  Object o;
  o.num("elapsed", elapsed).num("eligible", submit).num("end", end).num("start", start).num("submission", submit);
  o.num("suspended", 0);
  if (limit_min >= 0) o.num("limit", limit_min);
  return o.done();
}

std::string step_json(const pb::JobRecord& job, const std::string& id, const std::string& name, pb::JobState state,
                      int32_t status, int32_t signo, int64_t start, int64_t end, const std::string& nodes,
                      int64_t node_count, uint32_t tasks, uint32_t cpus, int64_t now, bool measured) {
  Object step;
  step.add("step", Object().num("job_id", job.job_id()).str("id", id).str("name", name).done());
  step.add("state", json_quote(std::string(job_state_long(state))));
  step.add("exit_code", exit_code(status, signo));
  step.add("time", time_object(start, start, end, now, -1));
  step.add("nodes", Object().num("count", node_count).str("range", nodes).done());
  step.add("tasks", Object().num("count", tasks).done());
  step.add("allocation_cpus", std::to_string(cpus));
  if (measured) {
    step.add("tres", Object().add("requested", Object().add("max", "[" + Object().str("type", "mem")
                                                                         .num("count", static_cast<int64_t>(job.max_rss_kb()) * 1024)
                                                                         .done() + "]").done()).done());
    uint64_t us = job.total_cpu_us();
    step.add("total_cpu", Object().num("seconds", static_cast<int64_t>(us / 1000000))
                               .num("microseconds", static_cast<int64_t>(us % 1000000)).done());
  }
  return step.done();
}

std::string job_json(const pb::JobRecord& job, const std::string& cluster, int64_t now) {
  bool started = job.start_time() != 0;
  std::string nodes = job.nodes().empty() ? "" : hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()});
  Object o;
  o.str("account", job.spec().account());
  o.num("allocation_nodes", job.nodes_size());
  Object array;
  array.num("job_id", job.array_job_id());
  array.add("task_id", job.is_array_task() ? std::to_string(job.array_task_id()) : "null");
  array.add("limits", Object().add("max", Object().add("running", Object().num("tasks", job.array_throttle()).done()).done()).done());
  o.add("array", array.done());
  o.str("cluster", cluster);
  o.str("comment", job.spec().comment());
  // The job's own line keeps the script's status; a cancel is in `state`.
  int32_t signo = job.state() == pb::JOB_CANCELLED ? 0 : job.term_signal();
  o.add("exit_code", exit_code(job.exit_status(), signo));
  o.num("job_id", job.job_id());
  o.str("name", job.spec().name());
  o.str("nodes", nodes.empty() ? "None assigned" : nodes);
  o.str("partition", job.partition());
  o.num("restart_cnt", job.restarts());
  o.add("state", Object().str("current", std::string(job_state_long(job.state())))
                     .str("reason", job.reason().empty() ? "None" : job.reason()).done());
  uint32_t limit = job.spec().time_limit_min();
  o.add("time", time_object(job.submit_time(), job.start_time(), job.end_time(), now,
                            limit == 0xFFFFFFFFu ? 0 : limit));
  o.str("user", job.spec().user_name().empty() ? std::to_string(job.uid()) : job.spec().user_name());
  o.add("association", Object().str("account", job.spec().account()).str("cluster", cluster)
                           .str("partition", job.partition()).str("user", job.spec().user_name()).done());
  o.str("working_directory", job.spec().work_dir());
  std::string steps;
  if (started) {
    bool killed = job.state() == pb::JOB_CANCELLED || job.state() == pb::JOB_TIMEOUT;
    bool finished = job_state_is_finished(job.state());
    if (!job.spec().allocation())  // an allocation runs no batch script
      steps += step_json(job, std::to_string(job.job_id()) + ".batch", "batch", killed ? pb::JOB_CANCELLED : job.state(),
                         killed ? 0 : job.exit_status(), killed ? 15 : job.term_signal(), job.start_time(),
                         job.end_time(), job.nodes().empty() ? "" : job.nodes(0), job.nodes().empty() ? 0 : 1, 1, job.alloc_cpus(), now, finished);
    for (const pb::StepRecord& s : job.steps()) {
      std::string step_nodes = s.nodes().empty() ? "" : hostlist::compress_sorted({s.nodes().begin(), s.nodes().end()});
      steps += std::string(steps.empty() ? "" : ",") + step_json(job, std::to_string(job.job_id()) + "." + std::to_string(s.step_id()), s.name(),
                               s.state(), s.exit_status(), s.term_signal(), s.start_time(), s.end_time(), step_nodes,
                               s.nodes_size(), s.ntasks(), s.cpus(), now, false);
    }
  }
  o.add("steps", "[" + steps + "]");
  return o.done();
}

}  // namespace

std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string format_sacct_json(const std::vector<const pb::JobRecord*>& jobs, const std::string& cluster, int64_t now) {
  std::string list;
  for (const pb::JobRecord* job : jobs) list += (list.empty() ? "" : ",\n") + job_json(*job, cluster, now);
  Object meta;
  meta.add("plugin", Object().str("type", "openapi/dbv0.0.38").str("name", "Slurm OpenAPI DB v0.0.38").done());
  meta.add("Slurm", Object().add("version", Object().num("major", 22).num("micro", 8).num("minor", 5).done())
                        .str("release", "22.05.8").done());
  return "{\"meta\":" + meta.done() + ",\n\"errors\":[],\n\"jobs\":[\n" + list + "\n]}\n";
}

}  // namespace drover
