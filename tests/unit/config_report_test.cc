// scontrol show config: the lines workflow tools grep for, byte for byte
// as Slurm 22.05.8 prints them (clients.md §5.3 and §6).
#include "drover/config_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <strings.h>

namespace drover {
namespace {

std::string line_of(const std::string& report, const std::string& key) {
  size_t at = report.find("\n" + key + " ");
  if (at == std::string::npos) return "";
  return report.substr(at + 1, report.find('\n', at + 1) - at - 1);
}

TEST(ConfigReportTest, LinesToolsParse) {
  setenv("TZ", "UTC", 1);
  tzset();
  Config config;
  config.max_array_size = 100001;
  std::string report = format_config_report(slurm_config_entries(config), 1704103200);
  EXPECT_EQ(0u, report.find("Configuration data as of 2024-01-01T10:00:00\n"));
  EXPECT_EQ("AcctGatherNodeFreq      = 0 sec", line_of(report, "AcctGatherNodeFreq"));
  EXPECT_EQ("MaxArraySize            = 100001", line_of(report, "MaxArraySize"));
  EXPECT_EQ("MinJobAge               = 300 sec", line_of(report, "MinJobAge"));
  EXPECT_EQ("SchedulerTimeSlice      = 30 sec", line_of(report, "SchedulerTimeSlice"));
  EXPECT_EQ("ClusterName             = drover", line_of(report, "ClusterName"));
}

TEST(ConfigReportTest, ValuesFollowTheConfig) {
  Config config;
  config.min_job_age_s = 5;
  config.kill_wait_s = 12;
  config.cluster = "picluster";
  ConfigEntries entries = slurm_config_entries(config);
  auto value = [&](const std::string& key) {
    for (const auto& [k, v] : entries)
      if (k == key) return v;
    return std::string("<missing>");
  };
  EXPECT_EQ("5 sec", value("MinJobAge"));
  EXPECT_EQ("12 sec", value("KillWait"));
  EXPECT_EQ("picluster", value("ClusterName"));
  // Sorted by name, ignoring case, as Slurm lists them.
  for (size_t i = 1; i < entries.size(); ++i)
    EXPECT_LE(strcasecmp(entries[i - 1].first.c_str(), entries[i].first.c_str()), 0) << entries[i].first;
}

TEST(ConfigReportTest, LongKeysAndValuesAreNotCut) {
  std::string report = format_config_report({{"AVeryLongParameterNameIndeed", std::string(2000, 'x')}}, 0);
  EXPECT_NE(std::string::npos, report.find("AVeryLongParameterNameIndeed = " + std::string(2000, 'x') + "\n"));
}

}  // namespace
}  // namespace drover
