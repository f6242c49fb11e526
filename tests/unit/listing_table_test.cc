// The listing table (proto ListingTable): records in, the same records (as
// far as squeue looks) out, one scratch record reused row after row.
#include "drover/listing_table.h"

#include <gtest/gtest.h>

#include "drover/squeue_format.h"

namespace drover {
namespace {

constexpr int64_t kNow = 1704103200;

// A record with every field the table carries set, each to a value that
// differs from record to record (n = 1, 2, ...).
pb::JobRecord carried_only(uint32_t n) {
  pb::JobRecord r;
  r.set_job_id(100 + n);
  r.set_uid(1000 + n);
  r.set_gid(2000 + n);
  r.set_state(n % 2 ? pb::JOB_RUNNING : pb::JOB_COMPLETED);
  r.set_reason("Reason" + std::to_string(n));
  r.set_submit_time(kNow - 1000 * n);
  r.set_start_time(kNow - 500 * n);
  r.set_end_time(kNow - 10 * n);
  r.set_exit_status(static_cast<int32_t>(n));
  r.set_term_signal(static_cast<int32_t>(n + 1));
  for (uint32_t i = 0; i < n; ++i) r.add_nodes("node" + std::to_string(i + 1));
  r.set_alloc_cpus(4 * n);
  r.set_partition(n % 2 ? "debug" : "batch");
  r.set_priority(4'000'000'000u - n);
  r.set_array_job_id(100);
  r.set_is_array_task(n % 2 == 1);
  r.set_array_task_id(n);
  for (uint32_t i = 0; i < n; ++i) {
    pb::TaskRange* range = r.add_array_pending();
    range->set_first(10 * i);
    range->set_last(10 * i + n);
  }
  r.set_array_throttle(n);
  r.set_kill_sent(n % 2 == 0);
  r.set_restarts(n);
  r.set_suspend_time(kNow - 20 * n);
  r.set_suspended_secs(3 * n);
  r.set_dependency_state("afterok:" + std::to_string(n) + "(unfulfilled)");
  r.set_expected_start(kNow + 60 * n);
  pb::JobSpec& s = *r.mutable_spec();
  s.set_name("job" + std::to_string(n) + ".sh");
  s.set_partition("requested" + std::to_string(n));
  s.set_min_nodes(n);
  s.set_ntasks(2 * n);
  s.set_cpus_per_task(n + 1);
  s.set_mem_mb(1024ull * 1024 * 1024 * n);  // beyond 32 bits
  s.set_time_limit_min(60 * n);
  s.set_exclusive(n % 2 == 1);
  s.set_stdout_pattern("out-%j-" + std::to_string(n));
  s.set_stderr_pattern("err-%j-" + std::to_string(n));
  s.set_stdin_path("/in/" + std::to_string(n));
  s.set_work_dir("/home/u" + std::to_string(n));
  s.set_command("/home/u/script" + std::to_string(n) + ".sh");
  s.set_requeue(n % 2 == 0);
  s.set_user_name("user" + std::to_string(n));
  s.set_account("acct" + std::to_string(n));
  s.set_qos("qos" + std::to_string(n));
  s.set_comment("a comment " + std::to_string(n));
  s.set_wckey("wckey" + std::to_string(n));
  s.set_nice(-static_cast<int32_t>(n) * 100);
  s.set_begin_time(kNow + n);
  s.set_constraint("feat" + std::to_string(n));
  s.set_nodelist("node[1-" + std::to_string(n + 1) + "]");
  s.set_exclude("node" + std::to_string(n + 5));
  s.set_mem_per_cpu_mb(uint64_t{5'000'000'000} + n);
  s.set_ntasks_per_node(n);
  s.set_time_min_min(n * 5);
  s.set_deadline(kNow + 86400 * n);
  s.set_reservation("resv" + std::to_string(n));
  s.set_gres("gpu:" + std::to_string(n));
  s.set_max_nodes(n + 3);
  return r;
}

// As carried_only, plus what the table leaves behind.
pb::JobRecord with_bulk(uint32_t n) {
  pb::JobRecord r = carried_only(n);
  r.mutable_spec()->set_script("#!/bin/sh\necho " + std::to_string(n) + "\n");
  r.mutable_spec()->add_env("HOME=/home/u");
  r.mutable_spec()->set_submit_token("0123456789abcdef0123456789abcdef");
  r.set_total_cpu_us(12345);
  return r;
}

// The table as it arrives: serialized and parsed again.
pb::ListingTable table_of(const std::vector<pb::JobRecord>& jobs) {
  ListingTableBuilder builder;
  for (const pb::JobRecord& job : jobs) builder.add(job);
  EXPECT_EQ(builder.rows(), jobs.size());
  pb::ListingTable sent = builder.finish();
  pb::ListingTable received;
  EXPECT_TRUE(received.ParseFromString(sent.SerializeAsString()));
  return received;
}

std::vector<pb::JobRecord> sample() {
  // Fewer nodes and ranges after more, so a reused scratch must shrink;
  // an all-default record among them.
  std::vector<pb::JobRecord> jobs = {carried_only(3), carried_only(1), carried_only(4), carried_only(2)};
  pb::JobRecord bare;
  bare.set_job_id(7);
  jobs.push_back(bare);
  return jobs;
}

TEST(ListingTable, EveryCarriedFieldComesBack) {
  std::vector<pb::JobRecord> jobs = sample();
  pb::ListingTable table = table_of(jobs);
  Result<ListingTableReader> reader = ListingTableReader::open(table);
  ASSERT_TRUE(reader) << reader.error();
  ASSERT_EQ(reader->rows(), jobs.size());
  // In both directions and twice over, so each row overwrites a different
  // one, or the same.
  for (size_t pass = 0; pass < 3; ++pass) {
    for (size_t k = 0; k < jobs.size() * 2; ++k) {
      size_t row = pass == 1 ? jobs.size() - 1 - k / 2 : pass == 0 ? k / 2 : k % jobs.size();
      const pb::JobRecord& scratch = reader->row(row);
      pb::JobRecord expected = jobs[row];
      expected.mutable_spec();  // the scratch always has a spec
      EXPECT_EQ(scratch.SerializeAsString(), expected.SerializeAsString()) << "row " << row;
    }
  }
}

TEST(ListingTable, SqueuePrintsTheSameFromRowsAsFromRecords) {
  std::vector<pb::JobRecord> jobs;
  for (uint32_t n = 1; n <= 4; ++n) jobs.push_back(with_bulk(n));
  std::vector<const pb::JobRecord*> ptrs;
  for (const pb::JobRecord& j : jobs) ptrs.push_back(&j);
  pb::ListingTable table = table_of(jobs);
  Result<ListingTableReader> reader = ListingTableReader::open(table);
  ASSERT_TRUE(reader) << reader.error();
  auto row_at = [&](size_t i) -> const pb::JobRecord& { return reader->row(i); };
  // Every -o letter, then every -O name that has no letter.
  Result<SqueueLayout> all = parse_squeue_format("%all");
  Result<SqueueLayout> long_only = parse_squeue_long_format(
      "batchflag,cpus-per-task,deadline,derivedec,eligibletime,exit_code,lastschedeval,maxcpus,maxnodes,"
      "mintime,ntpernode,pendingtime,reboot,requeue,restartcnt,stderr,stdin,stdout,tres-alloc,mcslabel,"
      "network,numtasks");
  ASSERT_TRUE(all && long_only);
  for (const SqueueLayout* layout : {&*all, &*long_only}) {
    for (bool expand : {false, true}) {
      std::string from_records, from_rows;
      render_squeue_stream(*layout, ptrs, kNow, true, expand, [&](std::string_view s) { from_records += s; });
      render_squeue_rows(*layout, jobs.size(), row_at, kNow, true, expand,
                         [&](std::string_view s) { from_rows += s; });
      EXPECT_EQ(from_rows, from_records);
      // Not vacuous: the rows' own values are there.
      EXPECT_NE(from_rows.find(layout == &*all ? "job3.sh" : "/in/3"), std::string::npos);
    }
  }
}

TEST(ListingTable, RepeatedStringsAreStoredOnceAndZeroColumnsLeftOut) {
  std::vector<pb::JobRecord> jobs(3);
  for (uint32_t i = 0; i < jobs.size(); ++i) {
    jobs[i].set_job_id(i + 1);
    jobs[i].set_partition("picluster");
    jobs[i].set_reason(i == 1 ? "Priority" : "JobHeldUser");
    jobs[i].mutable_spec()->set_user_name("alice");
  }
  pb::ListingTable table = table_of(jobs);
  EXPECT_EQ(table.rows(), 3u);
  // "", then each distinct text once.
  EXPECT_EQ(table.strings_size(), 5);
  EXPECT_EQ(table.strings(0), "");
  EXPECT_EQ(table.job_id_size(), 3);
  EXPECT_EQ(table.partition_size(), 3);
  EXPECT_EQ(table.reason(0), table.reason(2));
  EXPECT_NE(table.reason(0), table.reason(1));
  EXPECT_EQ(table.nice_size(), 0);
  EXPECT_EQ(table.name_size(), 0);
  EXPECT_EQ(table.node_count_size(), 0);
  EXPECT_EQ(table.pending_count_size(), 0);
}

TEST(ListingTable, EmptyListingHasNoRows) {
  pb::ListingTable table = table_of({});
  Result<ListingTableReader> reader = ListingTableReader::open(table);
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_EQ(reader->rows(), 0u);
  EXPECT_TRUE(ListingTableReader::open(pb::ListingTable()));
}

TEST(ListingTable, MalformedTablesAreRefusedBeforeAnyRowIsRead) {
  pb::ListingTable good = table_of(sample());
  ASSERT_TRUE(ListingTableReader::open(good));
  struct Case {
    const char* what;
    void (*edit)(pb::ListingTable&);
  };
  const Case cases[] = {
      {"row count", [](pb::ListingTable& t) { t.set_rows(t.rows() + 1); }},
      {"row count", [](pb::ListingTable& t) { t.set_rows(4'000'000'000u); }},
      {"column length", [](pb::ListingTable& t) { t.add_uid(1); }},
      {"column length", [](pb::ListingTable& t) { t.mutable_submit_time()->RemoveLast(); }},
      {"string index", [](pb::ListingTable& t) { t.set_name(0, static_cast<uint32_t>(t.strings_size())); }},
      {"string index", [](pb::ListingTable& t) { t.set_nodes(0, 1'000'000); }},
      {"node counts", [](pb::ListingTable& t) { t.set_node_count(0, t.node_count(0) + 1); }},
      {"node counts", [](pb::ListingTable& t) { t.add_nodes(0); }},
      {"node counts", [](pb::ListingTable& t) { t.set_node_count(0, 0xFFFFFFFFu); }},
      {"array task ranges", [](pb::ListingTable& t) { t.add_pending_first(1); }},
      {"array task ranges", [](pb::ListingTable& t) { t.set_pending_count(1, t.pending_count(1) + 1); }},
  };
  for (const Case& c : cases) {
    pb::ListingTable bad = good;
    c.edit(bad);
    Result<ListingTableReader> reader = ListingTableReader::open(bad);
    ASSERT_FALSE(reader) << c.what;
    EXPECT_EQ(reader.error(), std::string("malformed job table: ") + c.what);
  }
}

}  // namespace
}  // namespace drover
