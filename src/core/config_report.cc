#include "drover/config_report.h"

#include <algorithm>
#include <cctype>

#include "drover/time_format.h"

namespace drover {
namespace {

std::string secs(uint64_t n) { return std::to_string(n) + " sec"; }

bool less_ignoring_case(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

ConfigEntries slurm_config_entries(const Config& c) {
  ConfigEntries e = {
      // No energy sampling: clients polling at this rate use their own default.
      {"AcctGatherNodeFreq", secs(0)},
      // Drover keeps its own accounting in the controller's job store.
      {"AccountingStorageType", "accounting_storage/drover"},
      {"AuthType", "auth/drover"},
      {"ClusterName", c.cluster},
      {"EnforcePartLimits", "NO"},
      {"FirstJobId", "1"},
      {"JobAcctGatherType", "jobacct_gather/rusage"},
      {"JobRequeue", "1"},
      {"KillWait", secs(c.kill_wait_s)},
      {"MaxArraySize", std::to_string(c.max_array_size)},
      {"MessageTimeout", secs(c.frame_timeout_s)},
      {"MinJobAge", secs(c.min_job_age_s)},
      {"PriorityType", "priority/basic"},
      {"ReturnToService", std::to_string(c.return_to_service)},
      // Scheduling passes run on every event; 30 s is Slurm's default slice.
      {"SchedulerTimeSlice", secs(30)},
      {"SchedulerType", "sched/backfill"},
      {"SelectType", "select/cons_tres"},
      {"SlurmctldHost[0]", c.controller_host},
      {"SlurmctldPort", std::to_string(c.controller_port)},
      {"SlurmdTimeout", secs(c.node_timeout_s)},
      {"StateSaveLocation", c.state_dir},
      {"SLURM_CONF", c.path},
      {"SLURM_VERSION", "22.05.8"},
  };
  std::stable_sort(e.begin(), e.end(), [](const auto& a, const auto& b) { return less_ignoring_case(a.first, b.first); });
  return e;
}

std::string format_config_report(const ConfigEntries& entries, int64_t now) {
  std::string out = "Configuration data as of " + format_iso_time(now) + "\n";
  for (const auto& [key, value] : entries) {  // "%-23s = %s"
    out += key;
    if (key.size() < 23) out.append(23 - key.size(), ' ');
    out += " = " + value + "\n";
  }
  return out;
}

}  // namespace drover
