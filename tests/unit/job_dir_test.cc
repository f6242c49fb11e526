// The agent's per-job files: incarnation names and the status record.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "../../src/noded/job_dir.h"
#include "drover/file_util.h"

namespace drover {
namespace {

TEST(JobKey, ParsesDirectoryNames) {
  struct Case {
    const char* name;
    bool ok;
    uint32_t id, restarts;
  };
  for (const Case& c : std::initializer_list<Case>{{"12.0", true, 12, 0},
                                                   {"7.3", true, 7, 3},
                                                   {"12", false, 0, 0},
                                                   {"0.1", false, 0, 0},
                                                   {".1", false, 0, 0},
                                                   {"1.", false, 0, 0},
                                                   {"a.b", false, 0, 0},
                                                   {"1.2.tmp", false, 0, 0}}) {
    std::optional<JobKey> key = JobKey::parse(c.name);
    ASSERT_EQ(key.has_value(), c.ok) << c.name;
    if (!c.ok) continue;
    EXPECT_EQ(key->id, c.id);
    EXPECT_EQ(key->restarts, c.restarts);
    EXPECT_EQ(key->name(), c.name);
  }
}

TEST(JobStatusFile, RoundTripsAndReadsOlderRecords) {
  char pattern[] = "/tmp/drover-jobdir-XXXXXX";
  std::string dir = mkdtemp(pattern);
  JobStatus status;
  status.exit_status = 0;
  status.term_signal = 9;
  status.end_time = 4102444800;  // 2100-01-01: past 2038 on every platform
  status.timed_out = true;
  status.error = "two\nlines";
  ASSERT_TRUE(write_job_status(dir, status));
  std::optional<JobStatus> read = read_job_status(dir);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->term_signal, 9);
  EXPECT_EQ(read->end_time, 4102444800);
  EXPECT_TRUE(read->timed_out);
  EXPECT_EQ(read->error, "two\nlines");

  ASSERT_TRUE(write_file_atomic(dir + "/status", "3 0 1700000000\n", 0600));  // no timed_out field
  read = read_job_status(dir);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->exit_status, 3);
  EXPECT_FALSE(read->timed_out);
  EXPECT_EQ(read->error, "");
  std::filesystem::remove_all(dir);
}

TEST(JobDirFiles, ListsEntriesAndRemovesTreesWithoutFollowingLinks) {
  char pattern[] = "/tmp/drover-jobdir-XXXXXX";
  std::string root = mkdtemp(pattern);
  std::string jobs = root + "/jobs", outside = root + "/outside";
  ASSERT_TRUE(make_dirs(jobs + "/12.0/sub/deeper", 0700));
  ASSERT_TRUE(make_dirs(jobs + "/13.1", 0700));
  ASSERT_TRUE(make_dirs(outside, 0700));
  ASSERT_TRUE(write_file_atomic(jobs + "/12.0/status", "0 0 1\n", 0600));
  ASSERT_TRUE(write_file_atomic(jobs + "/12.0/sub/deeper/file", "x", 0600));
  ASSERT_TRUE(write_file_atomic(outside + "/keep", "mine", 0600));
  ASSERT_EQ(::symlink(outside.c_str(), (jobs + "/12.0/sub/link").c_str()), 0);

  std::vector<std::string> names = dir_entries(jobs);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"12.0", "13.1"}));
  EXPECT_TRUE(dir_entries(root + "/missing").empty());

  remove_job_dir(jobs + "/12.0");
  struct stat st {};
  EXPECT_NE(::lstat((jobs + "/12.0").c_str(), &st), 0);
  EXPECT_EQ(dir_entries(jobs), std::vector<std::string>{"13.1"});
  // The link went, what it named did not.
  Result<std::string> kept = read_file(outside + "/keep");
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, "mine");
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace drover
