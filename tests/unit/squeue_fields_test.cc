// squeue's -O language, every -o code's header and value, %all, -r and -S,
// against the strings Slurm 22.05 prints (spec §3, clients.md §5.2).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "drover/squeue_format.h"
#include "drover/squeue_steps.h"
#include "drover/time_format.h"

namespace drover {
namespace {

constexpr int64_t kNow = 1704103200;  // 2024-01-01T10:00:00Z

pb::JobRecord job(uint32_t id, pb::JobState state, std::string name = "job.sh") {
  pb::JobRecord r;
  r.set_job_id(id);
  r.set_state(state);
  r.set_partition("picluster");
  r.mutable_spec()->set_name(std::move(name));
  r.mutable_spec()->set_user_name("alice");
  r.mutable_spec()->set_work_dir("/home/alice");
  r.set_uid(1000);
  r.set_gid(1000);
  r.set_submit_time(kNow - 60);
  return r;
}

pb::JobRecord array_meta(uint32_t id, uint32_t first, uint32_t last, uint32_t throttle = 0) {
  pb::JobRecord r = job(id, pb::JOB_PENDING, "obsarr");
  r.set_array_job_id(id);
  auto* range = r.add_array_pending();
  range->set_first(first);
  range->set_last(last);
  r.set_array_throttle(throttle);
  return r;
}

std::vector<const pb::JobRecord*> ptrs(const std::vector<pb::JobRecord>& jobs) {
  std::vector<const pb::JobRecord*> out;
  for (const auto& j : jobs) out.push_back(&j);
  return out;
}

std::string render_long(const std::vector<pb::JobRecord>& jobs, std::string_view format, bool header) {
  auto layout = parse_squeue_long_format(format);
  EXPECT_TRUE(layout) << layout.error();
  return layout ? render_squeue(*layout, ptrs(jobs), kNow, header) : "";
}

std::string field(const pb::JobRecord& j, std::string_view format) {
  auto out = format_squeue({&j}, format, kNow, false);
  EXPECT_TRUE(out) << out.error();
  std::string line = out ? *out : "";
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

std::string header(std::string_view format) {
  auto out = format_squeue({}, format, kNow, true);
  EXPECT_TRUE(out) << out.error();
  return out ? *out : "";
}

class SqueueFieldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

// clients.md §6: squeue -j 831 -O 'JobID:|,State:|,Name:|'
TEST_F(SqueueFieldsTest, LongFormatWithSuffixes) {
  EXPECT_EQ(render_long({array_meta(831, 0, 3, 2)}, "JobID:|,State:|,Name:|", true),
            "JOBID|STATE|NAME|\n"
            "831|PENDING|obsarr|\n");
}

// OOD's form: a control-character suffix after every field and a trailing
// empty element; the header ends with the suffix too.
TEST_F(SqueueFieldsTest, LongFormatOpenOnDemand) {
  pb::JobRecord r = job(42, pb::JOB_RUNNING);
  r.set_start_time(kNow - 7);
  r.add_nodes("node1");
  EXPECT_EQ(render_long({r}, "JobID:\x1f,StateCompact:\x1f,TimeUsed:\x1f,NodeList:\x1f,", true),
            "JOBID\x1fST\x1fTIME\x1fNODELIST\x1f\n"
            "42\x1fR\x1f" "0:07\x1fnode1\x1f\n");
}

TEST_F(SqueueFieldsTest, LongFormatWidths) {
  pb::JobRecord r = job(7, pb::JOB_PENDING, "verylongjobname");
  // Without ':' a field is 20 wide, left-justified, with no separator.
  EXPECT_EQ(render_long({r}, "JobID,Name", true),
            "JOBID               NAME                \n"
            "7                   verylongjobname     \n");
  // ':.N' right-justifies, ':N' pads left-justified, text is cut to N.
  EXPECT_EQ(render_long({r}, "jobid:.6|,NAME:4|,state:.3", false), "     7|very|PEN\n");
  // Names are case-insensitive; "numtask..." matches by its first 7 letters.
  EXPECT_EQ(render_long({r}, "NumTasks:|,numtask:|,USERNAME:", false), "1|1|alice\n");
}

// Every field Open OnDemand asks for (clients.md §2), in its own spelling.
TEST_F(SqueueFieldsTest, EveryOpenOnDemandFieldIsKnown) {
  std::string format;
  for (const char* name :
       {"Account", "JobID", "BatchHost", "MinCpus", "NumCPUs", "MinTmpDisk", "NumNodes", "EndTime", "Dependency",
        "Feature", "ArrayJobID", "GroupName", "GroupID", "OverSubscribe", "Sockets", "JobArrayID", "Cores", "Name",
        "Threads", "Comment", "ArrayTaskID", "TimeLimit", "TimeLeft", "MinMemory", "TimeUsed", "ReqNodes",
        "NodeList", "Command", "Contiguous", "QOS", "Partition", "PriorityLong", "Reason", "StartTime",
        "StateCompact", "State", "UserName", "UserID", "Reservation", "SubmitTime", "WCKey", "Licenses", "ExcNodes",
        "CoreSpec", "Nice", "SchedNodes", "SCT", "WorkDir", "tres-alloc", "tres-per-node"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(parse_squeue_long_format(name));
    format += std::string(name) + ":\x1f,";
  }
  std::string out = render_long({job(3, pb::JOB_PENDING)}, format, true);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\x1f'), 100);  // 50 fields, header and row
  EXPECT_EQ(out.substr(0, 24), "ACCOUNT\x1fJOBID\x1f" "EXEC_HOST\x1f");
}

TEST_F(SqueueFieldsTest, LongFormatErrors) {
  auto bad = parse_squeue_long_format("JobID,Nope:5");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "Invalid job format specification: Nope");
  EXPECT_TRUE(parse_squeue_long_format(",,JobID,,"));  // empty elements are skipped
}

// Every -o letter's header, as Slurm's print functions title them.
TEST_F(SqueueFieldsTest, HeadersOfEveryCode) {
  struct Case {
    char code;
    std::string_view header;
  } cases[] = {
      {'a', "ACCOUNT"},      {'A', "JOBID"},         {'b', "TRES_PER_NODE"}, {'B', "EXEC_HOST"},
      {'c', "MIN_CPUS"},     {'C', "CPUS"},          {'d', "MIN_TMP_DISK"},  {'D', "NODES"},
      {'e', "END_TIME"},     {'E', "DEPENDENCY"},    {'f', "FEATURES"},      {'F', "ARRAY_JOB_ID"},
      {'g', "GROUP"},        {'G', "GROUP"},         {'h', "OVER_SUBSCRIBE"}, {'H', "SOCKETS_PER_NODE"},
      {'i', "JOBID"},        {'I', "CORES_PER_SOCKET"}, {'j', "NAME"},       {'J', "THREADS_PER_CORE"},
      {'k', "COMMENT"},      {'K', "ARRAY_TASK_ID"}, {'l', "TIME_LIMIT"},    {'L', "TIME_LEFT"},
      {'m', "MIN_MEMORY"},   {'M', "TIME"},          {'n', "REQ_NODES"},     {'N', "NODELIST"},
      {'o', "COMMAND"},      {'O', "CONTIGUOUS"},    {'p', "PRIORITY"},      {'P', "PARTITION"},
      {'q', "QOS"},          {'Q', "PRIORITY"},      {'r', "REASON"},        {'R', "NODELIST(REASON)"},
      {'s', ""},             {'S', "START_TIME"},   {'t', "ST"},            {'T', "STATE"},         {'u', "USER"},
      {'U', "UID"},          {'v', "RESERVATION"},   {'V', "SUBMIT_TIME"},   {'w', "WCKEY"},
      {'W', "LICENSES"},     {'x', "EXC_NODES"},     {'X', "CORE_SPEC"},     {'y', "NICE"},
      {'Y', "SCHEDNODES"},   {'z', "S:C:T"},         {'Z', "WORK_DIR"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(1, c.code));
    EXPECT_EQ(header(std::string("%") + c.code), std::string(c.header) + "\n");
  }
}

// The --start layout (spec §3.1).
TEST_F(SqueueFieldsTest, StartFormatHeader) {
  EXPECT_EQ(header(kSqueueStartFormat),
            "             JOBID PARTITION     NAME     USER ST          START_TIME  NODES SCHEDNODES"
            "           NODELIST(REASON)\n");
  EXPECT_EQ(field(job(5, pb::JOB_PENDING), kSqueueStartFormat),
            "                 5 picluster   job.sh    alice PD                 N/A      1 (null)     "
            "          (None)");
}

TEST_F(SqueueFieldsTest, AllIsEveryCodePipeSeparated) {
  std::string line = header("%all");
  EXPECT_EQ(line.substr(0, 45), "ACCOUNT|TRES_PER_NODE|MIN_CPUS|MIN_TMP_DISK|E");
  EXPECT_EQ(std::count(line.begin(), line.end(), '|'), 51);  // 52 codes: a-z, A-Z
  EXPECT_NE(line.find("|S:C:T|JOBID|"), std::string::npos);
  EXPECT_EQ(line.substr(line.size() - 31), "|CORE_SPEC|SCHEDNODES|WORK_DIR\n");
  EXPECT_EQ(header("%ALL"), line);
}

TEST_F(SqueueFieldsTest, SubmittedOptionsShow) {
  pb::JobRecord r = job(9, pb::JOB_PENDING);
  pb::JobSpec* s = r.mutable_spec();
  s->set_account("physics");
  s->set_qos("high");
  s->set_comment("rule_a");
  s->set_dependency("afterok:5");
  r.set_dependency_state("afterok:5(unfulfilled)");  // %E shows what is left, as the controller words it
  s->set_constraint("pi3bplus&arm");
  s->set_nodelist("node[3,1-2]");
  s->set_exclude("node9");
  s->set_reservation("maint");
  s->set_wckey("wk");
  s->set_nice(100);
  s->set_gres("gpu:2");
  EXPECT_EQ(field(r, "%a|%q|%k|%E|%f|%n|%x|%v|%w|%y|%b"),
            "physics|high|rule_a|afterok:5(unfulfilled)|pi3bplus&arm|node[1-3]|node9|maint|wk|100|gres:gpu:2");
  pb::JobRecord bare = job(10, pb::JOB_PENDING);
  EXPECT_EQ(field(bare, "%a|%q|%k|%E|%f|%n|%x|%v|%w|%y|%b|%W|%Y"),
            "(null)|(null)|(null)|(null)|(null)|||(null)|(null)|0|N/A|(null)|(null)");
  bare.set_gid(3999999);  // no such group: Slurm prints the number
  EXPECT_EQ(field(bare, "%d|%O|%H|%I|%J|%z|%X|%g"), "0|0|*|*|*|*:*:*|N/A|3999999");
}

TEST_F(SqueueFieldsTest, LongOnlyFields) {
  pb::JobRecord r = job(12, pb::JOB_FAILED);
  r.set_exit_status(3);
  r.set_start_time(kNow - 30);
  r.set_end_time(kNow - 10);
  r.set_restarts(2);
  r.set_alloc_cpus(4);
  r.add_nodes("node1");
  r.mutable_spec()->set_mem_mb(1000);
  r.mutable_spec()->set_requeue(true);
  r.mutable_spec()->set_stdout_pattern("out/%j.log");
  EXPECT_EQ(render_long({r}, "exit_code:|,RestartCnt:|,Requeue:|,PendingTime:|,STDOUT:|,STDERR:|,STDIN:|", false),
            "768|2|1|30|/home/alice/out/%j.log|/home/alice/out/%j.log|/dev/null|\n");
  EXPECT_EQ(render_long({r}, "tres-alloc:", false), "cpu=4,mem=1000M,node=1,billing=4\n");
  pb::JobRecord bare = job(13, pb::JOB_PENDING);
  EXPECT_EQ(render_long({bare}, "STDOUT:|,tres:|,MaxNodes:|,CPUsPerTask:|,ntpernode:|,mintime:", false),
            "/home/alice/slurm-13.out|cpu=1,node=1,billing=1|1|1|N/A|0:00\n");
}

// -r: a pending array's tasks each on a line (batchtools expects ID_T).
TEST_F(SqueueFieldsTest, ArrayExpansion) {
  pb::JobRecord meta = array_meta(831, 0, 3, 2);
  pb::JobRecord single = job(900, pb::JOB_RUNNING);
  std::vector<pb::JobRecord> expanded = expand_array_tasks({&meta, &single});
  ASSERT_EQ(expanded.size(), 5u);
  std::string out;
  for (const auto& j : expanded) out += field(j, "%i|%K|%A ");
  EXPECT_EQ(out, "831_0|0|831 831_1|1|831 831_2|2|831 831_3|3|831 900|N/A|900 ");
}

// -r streamed: the same lines as expand_array_tasks + render_squeue, the
// throttle only on the unexpanded line, and the text cut into pieces.
TEST_F(SqueueFieldsTest, ArrayExpansionStreamed) {
  pb::JobRecord meta = array_meta(8, 8, 12, 10);
  auto* second = meta.add_array_pending();  // 8_[8-12,20%10]
  second->set_first(20);
  second->set_last(20);
  pb::JobRecord single = job(900, pb::JOB_RUNNING);
  auto layout = parse_squeue_format("%i|%K");
  ASSERT_TRUE(layout);
  std::string expanded;
  size_t pieces = 0;
  render_squeue_stream(*layout, {&meta, &single}, kNow, true, true, [&](std::string_view text) {
    expanded += text;
    ++pieces;
  });
  EXPECT_EQ(expanded, "JOBID|ARRAY_TASK_ID\n8_8|8\n8_9|9\n8_10|10\n8_11|11\n8_12|12\n8_20|20\n900|N/A\n");
  EXPECT_EQ(pieces, 1u);
  std::string folded;
  render_squeue_stream(*layout, {&meta}, kNow, false, false, [&](std::string_view text) { folded += text; });
  EXPECT_EQ(folded, "8_[8-12,20%10]|8-12,20%10\n");
}

TEST_F(SqueueFieldsTest, MillionTaskArrayStreamsInPieces) {
  pb::JobRecord meta = array_meta(1, 0, 999999);
  auto layout = parse_squeue_format(kSqueueDefaultFormat);
  ASSERT_TRUE(layout);
  size_t lines = 0, pieces = 0, largest = 0;
  std::string last;
  render_squeue_stream(*layout, {&meta}, kNow, true, true, [&](std::string_view text) {
    lines += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    largest = std::max(largest, text.size());
    ++pieces;
    last = std::string(text.substr(text.rfind('\n', text.size() - 2) + 1));
  });
  EXPECT_EQ(lines, 1000001u);  // header + one line per task
  EXPECT_GT(pieces, 100u);
  EXPECT_LT(largest, 128u * 1024);
  EXPECT_EQ(last.substr(0, 46), "          1_999999 picluster   obsarr    alice");
  // Without -r the array is one line, Slurm's form.
  EXPECT_EQ(field(meta, "%i"), "1_[0-999999]");
  EXPECT_EQ(field(array_meta(123, 8, 1000000, 10), "%i"), "123_[8-1000000%10]");
}

TEST_F(SqueueFieldsTest, SortKeys) {
  pb::JobRecord a = job(1, pb::JOB_RUNNING, "b");
  pb::JobRecord b = job(2, pb::JOB_PENDING, "c");
  pb::JobRecord c = job(3, pb::JOB_PENDING, "a");
  std::vector<const pb::JobRecord*> jobs = {&b, &a, &c};
  auto order = [&](std::string_view spec) {
    auto keys = parse_squeue_sort(spec);
    EXPECT_TRUE(keys) << keys.error();
    sort_squeue(jobs, *keys, kNow);
    std::string ids;
    for (const auto* j : jobs) ids += std::to_string(j->job_id());
    return ids;
  };
  EXPECT_EQ(order("-i"), "321");
  EXPECT_EQ(order("+i"), "123");
  EXPECT_EQ(order("j"), "312");
  EXPECT_EQ(order("t,-i"), "321");  // "PD" < "R"
  EXPECT_EQ(order(""), "123");      // job id when no key decides

  auto bad = parse_squeue_sort("i,@");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "Invalid sort specification: @");
}

// squeue -s (spec §3.1): the batch script as ID.batch, then live srun steps.
TEST_F(SqueueFieldsTest, Steps) {
  pb::JobRecord r = job(20, pb::JOB_RUNNING);
  r.set_start_time(kNow - 65);
  r.add_nodes("node2");
  r.add_nodes("node1");
  pb::StepRecord* live = r.add_steps();
  live->set_step_id(0);
  live->set_name("hostname");
  live->add_nodes("node1");
  live->add_nodes("node2");
  live->set_ntasks(2);
  live->set_start_time(kNow - 5);
  pb::StepRecord* ended = r.add_steps();
  ended->set_step_id(1);
  ended->set_end_time(kNow - 1);
  pb::JobRecord task = job(22, pb::JOB_RUNNING);
  task.set_array_job_id(21);
  task.set_is_array_task(true);
  task.set_array_task_id(4);
  task.set_start_time(kNow - 1);
  pb::JobRecord pending = job(23, pb::JOB_PENDING);

  auto out = format_squeue_steps({&r, &task, &pending}, {}, kSqueueStepFormat, kNow, true);
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(*out,
            "         STEPID     NAME PARTITION     USER      TIME NODELIST\n"
            "       20.batch    batch picluster    alice      1:05 node2\n"
            "           20.0 hostname picluster    alice      0:05 node[1-2]\n"
            "     21_4.batch    batch picluster    alice      0:01 \n");
  out = format_squeue_steps({&r}, {"20.0"}, "%i|%A|%l|%U", kNow, false);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "20.0|2|UNLIMITED|1000\n");
  auto bad = format_squeue_steps({&r}, {}, "%i %D", kNow, false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "Invalid job step format specification: D");
}

}  // namespace
}  // namespace drover
