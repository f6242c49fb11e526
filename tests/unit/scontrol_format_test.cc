#include "drover/scontrol_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "drover/time_format.h"

namespace drover {
namespace {

constexpr int64_t kT0 = 1704103200;  // 2024-01-01T10:00:00Z
// A group id no test machine has: GroupId= then shows the number.
constexpr uint32_t kNoGroup = 4242424;

class ScontrolFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

// ---- jobs ----------------------------------------------------------------

// Spec §6.1's example: task 2 of array 1234, running for 5 s.
pb::JobRecord array_task_job() {
  pb::JobRecord j;
  j.set_job_id(1236);
  pb::JobSpec* s = j.mutable_spec();
  s->set_name("array.sh");
  s->set_user_name("alice");
  s->set_time_limit_min(60);
  s->set_requeue(true);
  s->set_work_dir("/home/alice");
  s->set_submit_dir("/home/alice");
  s->set_submit_host("login1");
  s->set_command("/home/alice/array.sh");
  j.set_uid(1000);
  j.set_gid(kNoGroup);
  j.set_state(pb::JOB_RUNNING);
  j.set_reason("None");
  j.set_submit_time(kT0);
  j.set_start_time(kT0 + 1);
  j.add_nodes("node1");
  j.set_alloc_cpus(1);
  j.set_partition("debug");
  j.set_priority(4294901758u);
  j.set_array_job_id(1234);
  j.set_is_array_task(true);
  j.set_array_task_id(2);
  return j;
}

// A plain job, as the controller keeps it before it starts.
pb::JobRecord plain_job(uint32_t id) {
  pb::JobRecord j = array_task_job();
  j.set_job_id(id);
  j.clear_array_job_id();
  j.clear_is_array_task();
  j.clear_array_task_id();
  j.clear_nodes();
  j.clear_alloc_cpus();
  j.clear_start_time();
  j.set_state(pb::JOB_PENDING);
  j.set_reason("Priority");
  j.mutable_spec()->set_name("job.sh");
  j.mutable_spec()->set_command("/home/alice/job.sh");
  return j;
}

pb::JobRecord array_record(std::vector<std::pair<uint32_t, uint32_t>> pending, uint32_t throttle) {
  pb::JobRecord j = plain_job(1234);
  j.mutable_spec()->set_name("array.sh");
  j.mutable_spec()->set_command("/home/alice/array.sh");
  j.set_array_job_id(1234);
  for (auto [first, last] : pending) {
    pb::TaskRange* r = j.add_array_pending();
    r->set_first(first);
    r->set_last(last);
  }
  j.set_array_throttle(throttle);
  return j;
}

struct JobCase {
  std::string name;
  std::function<pb::JobRecord()> make;
  int64_t now;
  bool one_liner;
  std::string expected;
};

const std::vector<JobCase>& job_cases() {
  static const std::vector<JobCase> cases = {
      {"SpecExampleRunningArrayTask", array_task_job, kT0 + 6, false,
       "JobId=1236 ArrayJobId=1234 ArrayTaskId=2 JobName=array.sh\n"
       "   UserId=alice(1000) GroupId=4242424(4242424) MCS_label=N/A\n"
       "   Priority=4294901758 Nice=0 Account=(null) QOS=normal\n"
       "   JobState=RUNNING Reason=None Dependency=(null)\n"
       "   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0\n"
       "   RunTime=00:00:05 TimeLimit=01:00:00 TimeMin=N/A\n"
       "   SubmitTime=2024-01-01T10:00:00 EligibleTime=2024-01-01T10:00:00\n"
       "   AccrueTime=2024-01-01T10:00:00\n"
       "   StartTime=2024-01-01T10:00:01 EndTime=2024-01-01T11:00:01 Deadline=N/A\n"
       "   SuspendTime=None SecsPreSuspend=0 LastSchedEval=2024-01-01T10:00:01 Scheduler=Main\n"
       "   Partition=debug AllocNode:Sid=login1:0\n"
       "   ReqNodeList=(null) ExcNodeList=(null)\n"
       "   NodeList=node1\n"
       "   BatchHost=node1\n"
       "   NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*\n"
       "   TRES=cpu=1,node=1,billing=1\n"
       "   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*\n"
       "   MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0\n"
       "   Features=(null) DelayBoot=00:00:00\n"
       "   OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)\n"
       "   Command=/home/alice/array.sh\n"
       "   WorkDir=/home/alice\n"
       "   StdErr=/home/alice/slurm-1234_2.out\n"
       "   StdIn=/dev/null\n"
       "   StdOut=/home/alice/slurm-1234_2.out\n"
       "   Power=\n"},

      {"SpecExampleOneLiner", array_task_job, kT0 + 6, true,
       "JobId=1236 ArrayJobId=1234 ArrayTaskId=2 JobName=array.sh"
       " UserId=alice(1000) GroupId=4242424(4242424) MCS_label=N/A"
       " Priority=4294901758 Nice=0 Account=(null) QOS=normal"
       " JobState=RUNNING Reason=None Dependency=(null)"
       " Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0"
       " RunTime=00:00:05 TimeLimit=01:00:00 TimeMin=N/A"
       " SubmitTime=2024-01-01T10:00:00 EligibleTime=2024-01-01T10:00:00"
       " AccrueTime=2024-01-01T10:00:00"
       " StartTime=2024-01-01T10:00:01 EndTime=2024-01-01T11:00:01 Deadline=N/A"
       " SuspendTime=None SecsPreSuspend=0 LastSchedEval=2024-01-01T10:00:01 Scheduler=Main"
       " Partition=debug AllocNode:Sid=login1:0"
       " ReqNodeList=(null) ExcNodeList=(null)"
       " NodeList=node1"
       " BatchHost=node1"
       " NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*"
       " TRES=cpu=1,node=1,billing=1"
       " Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*"
       " MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0"
       " Features=(null) DelayBoot=00:00:00"
       " OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)"
       " Command=/home/alice/array.sh"
       " WorkDir=/home/alice"
       " StdErr=/home/alice/slurm-1234_2.out"
       " StdIn=/dev/null"
       " StdOut=/home/alice/slurm-1234_2.out"
       " Power=\n"},

      // Held, -N2 --mem=2G --exclusive -t UNLIMITED, own file names; gid 0
      // has a name everywhere.
      {"PendingHeldWithNodesMemAndFiles",
       [] {
         pb::JobRecord j = plain_job(7);
         pb::JobSpec* s = j.mutable_spec();
         s->set_min_nodes(2);
         s->set_mem_mb(2048);
         s->set_mem_given(true);
         s->set_exclusive(true);
         s->set_requeue(false);
         s->set_time_limit_min(kInfiniteMinutes);
         s->set_stdout_pattern("out-%j-%N.txt");
         s->set_stderr_pattern("/tmp/err-%x.log");
         s->set_stdin_path("/home/alice/in.txt");
         j.set_gid(0);
         j.set_priority(0);
         j.set_reason("JobHeldUser");
         return j;
       },
       kT0 + 100, false,
       "JobId=7 JobName=job.sh\n"
       "   UserId=alice(1000) GroupId=root(0) MCS_label=N/A\n"
       "   Priority=0 Nice=0 Account=(null) QOS=normal\n"
       "   JobState=PENDING Reason=JobHeldUser Dependency=(null)\n"
       "   Requeue=0 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0\n"
       "   RunTime=00:00:00 TimeLimit=UNLIMITED TimeMin=N/A\n"
       "   SubmitTime=2024-01-01T10:00:00 EligibleTime=2024-01-01T10:00:00\n"
       "   AccrueTime=2024-01-01T10:00:00\n"
       "   StartTime=Unknown EndTime=Unknown Deadline=N/A\n"
       "   SuspendTime=None SecsPreSuspend=0 LastSchedEval=2024-01-01T10:00:00 Scheduler=Main\n"
       "   Partition=debug AllocNode:Sid=login1:0\n"
       "   ReqNodeList=(null) ExcNodeList=(null)\n"
       "   NodeList=(null)\n"
       "   NumNodes=2-2 NumCPUs=2 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*\n"
       "   TRES=cpu=2,mem=4G,node=2,billing=2\n"
       "   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*\n"
       "   MinCPUsNode=1 MinMemoryNode=2G MinTmpDiskNode=0\n"
       "   Features=(null) DelayBoot=00:00:00\n"
       "   OverSubscribe=NO Contiguous=0 Licenses=(null) Network=(null)\n"
       "   Command=/home/alice/job.sh\n"
       "   WorkDir=/home/alice\n"
       "   StdErr=/tmp/err-job.sh.log\n"
       "   StdIn=/home/alice/in.txt\n"
       "   StdOut=/home/alice/out-7-%N.txt\n"
       "   Power=\n"},

      // Cancelled while running, processes still being killed: COMPLETING.
      {"CancelledStillKillingIsCompleting",
       [] {
         pb::JobRecord j = plain_job(9);
         pb::JobSpec* s = j.mutable_spec();
         s->set_ntasks(4);
         s->set_cpus_per_task(2);
         s->set_mem_mb(1000);
         s->set_mem_given(true);
         s->set_time_limit_min(0);
         s->set_stdout_pattern("logs/%x-%j.out");
         s->set_submit_host("");
         s->set_command("");
         j.set_state(pb::JOB_CANCELLED);
         j.set_kill_sent(true);
         j.set_reason("Job was cancelled\tby user");
         j.set_start_time(kT0 + 60);
         j.set_end_time(kT0 + 60 + 90061);
         j.set_term_signal(15);
         j.set_restarts(2);
         j.add_nodes("node2");
         j.add_nodes("node1");
         j.set_alloc_cpus(8);
         j.clear_partition();
         j.mutable_spec()->set_partition("batch");
         return j;
       },
       kT0 + 999999, false,
       "JobId=9 JobName=job.sh\n"
       "   UserId=alice(1000) GroupId=4242424(4242424) MCS_label=N/A\n"
       "   Priority=4294901758 Nice=0 Account=(null) QOS=normal\n"
       "   JobState=COMPLETING Reason=Job_was_cancelled_by_user Dependency=(null)\n"
       "   Requeue=1 Restarts=2 BatchFlag=1 Reboot=0 ExitCode=0:15\n"
       "   RunTime=1-01:01:01 TimeLimit=Partition_Limit TimeMin=N/A\n"
       "   SubmitTime=2024-01-01T10:00:00 EligibleTime=2024-01-01T10:00:00\n"
       "   AccrueTime=2024-01-01T10:00:00\n"
       "   StartTime=2024-01-01T10:01:00 EndTime=2024-01-02T11:02:01 Deadline=N/A\n"
       "   SuspendTime=None SecsPreSuspend=0 LastSchedEval=2024-01-01T10:01:00 Scheduler=Main\n"
       "   Partition=batch AllocNode:Sid=(null):0\n"
       "   ReqNodeList=(null) ExcNodeList=(null)\n"
       "   NodeList=node[1-2]\n"
       "   BatchHost=node2\n"
       "   NumNodes=2 NumCPUs=8 NumTasks=4 CPUs/Task=2 ReqB:S:C:T=0:0:*:*\n"
       "   TRES=cpu=8,mem=2000M,node=2,billing=8\n"
       "   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*\n"
       "   MinCPUsNode=2 MinMemoryNode=1000M MinTmpDiskNode=0\n"
       "   Features=(null) DelayBoot=00:00:00\n"
       "   OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)\n"
       "   Command=(null)\n"
       "   WorkDir=/home/alice\n"
       "   StdErr=/home/alice/logs/job.sh-9.out\n"
       "   StdIn=/dev/null\n"
       "   StdOut=/home/alice/logs/job.sh-9.out\n"
       "   Power=\n"},

      // Finished normally with a failing exit code; unlimited limit does not
      // hide a known end.
      {"FailedJobKeepsItsEnd",
       [] {
         pb::JobRecord j = plain_job(10);
         j.mutable_spec()->set_time_limit_min(kInfiniteMinutes);
         j.mutable_spec()->set_stdout_pattern("none");
         j.set_state(pb::JOB_FAILED);
         j.set_reason("NonZeroExitCode");
         j.set_start_time(kT0 + 2);
         j.set_end_time(kT0 + 3602);
         j.set_exit_status(3);
         j.add_nodes("node4");
         j.set_alloc_cpus(1);
         return j;
       },
       kT0 + 99999, true,
       "JobId=10 JobName=job.sh UserId=alice(1000) GroupId=4242424(4242424) MCS_label=N/A"
       " Priority=4294901758 Nice=0 Account=(null) QOS=normal"
       " JobState=FAILED Reason=NonZeroExitCode Dependency=(null)"
       " Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0"
       " RunTime=01:00:00 TimeLimit=UNLIMITED TimeMin=N/A"
       " SubmitTime=2024-01-01T10:00:00 EligibleTime=2024-01-01T10:00:00"
       " AccrueTime=2024-01-01T10:00:00"
       " StartTime=2024-01-01T10:00:02 EndTime=2024-01-01T11:00:02 Deadline=N/A"
       " SuspendTime=None SecsPreSuspend=0 LastSchedEval=2024-01-01T10:00:02 Scheduler=Main"
       " Partition=debug AllocNode:Sid=login1:0"
       " ReqNodeList=(null) ExcNodeList=(null)"
       " NodeList=node4 BatchHost=node4"
       " NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*"
       " TRES=cpu=1,node=1,billing=1"
       " Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*"
       " MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0"
       " Features=(null) DelayBoot=00:00:00"
       " OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)"
       " Command=/home/alice/job.sh WorkDir=/home/alice"
       " StdErr=/dev/null StdIn=/dev/null StdOut=/dev/null Power=\n"},

      // The pending record of a throttled array (spec §6.1 key facts).
      {"PendingArrayRecordWithThrottle", [] { return array_record({{3, 10}}, 2); }, kT0 + 5, false,
       "JobId=1234 ArrayJobId=1234 ArrayTaskId=3-10%2 ArrayTaskThrottle=2 JobName=array.sh\n"
       "   UserId=alice(1000) GroupId=4242424(4242424) MCS_label=N/A\n"
       "   Priority=4294901758 Nice=0 Account=(null) QOS=normal\n"
       "   JobState=PENDING Reason=Priority Dependency=(null)\n"
       "   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0\n"
       "   RunTime=00:00:00 TimeLimit=01:00:00 TimeMin=N/A\n"
       "   SubmitTime=2024-01-01T10:00:00 EligibleTime=2024-01-01T10:00:00\n"
       "   AccrueTime=2024-01-01T10:00:00\n"
       "   StartTime=Unknown EndTime=Unknown Deadline=N/A\n"
       "   SuspendTime=None SecsPreSuspend=0 LastSchedEval=2024-01-01T10:00:00 Scheduler=Main\n"
       "   Partition=debug AllocNode:Sid=login1:0\n"
       "   ReqNodeList=(null) ExcNodeList=(null)\n"
       "   NodeList=(null)\n"
       "   NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*\n"
       "   TRES=cpu=1,node=1,billing=1\n"
       "   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*\n"
       "   MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0\n"
       "   Features=(null) DelayBoot=00:00:00\n"
       "   OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)\n"
       "   Command=/home/alice/array.sh\n"
       "   WorkDir=/home/alice\n"
       "   StdErr=/home/alice/slurm-1234_4294967294.out\n"
       "   StdIn=/dev/null\n"
       "   StdOut=/home/alice/slurm-1234_4294967294.out\n"
       "   Power=\n"},

      // "scontrol show job 1234_5" of a task not split off yet: the
      // controller sends the array's record narrowed to that task.
      {"UnsplitTaskViewOneLiner", [] { return array_record({{5, 5}}, 0); }, kT0 + 5, true,
       "JobId=1234 ArrayJobId=1234 ArrayTaskId=5 JobName=array.sh"
       " UserId=alice(1000) GroupId=4242424(4242424) MCS_label=N/A"
       " Priority=4294901758 Nice=0 Account=(null) QOS=normal"
       " JobState=PENDING Reason=Priority Dependency=(null)"
       " Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0"
       " RunTime=00:00:00 TimeLimit=01:00:00 TimeMin=N/A"
       " SubmitTime=2024-01-01T10:00:00 EligibleTime=2024-01-01T10:00:00"
       " AccrueTime=2024-01-01T10:00:00"
       " StartTime=Unknown EndTime=Unknown Deadline=N/A"
       " SuspendTime=None SecsPreSuspend=0 LastSchedEval=2024-01-01T10:00:00 Scheduler=Main"
       " Partition=debug AllocNode:Sid=login1:0"
       " ReqNodeList=(null) ExcNodeList=(null)"
       " NodeList=(null)"
       " NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*"
       " TRES=cpu=1,node=1,billing=1"
       " Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*"
       " MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0"
       " Features=(null) DelayBoot=00:00:00"
       " OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)"
       " Command=/home/alice/array.sh WorkDir=/home/alice"
       " StdErr=/home/alice/slurm-1234_4294967294.out StdIn=/dev/null"
       " StdOut=/home/alice/slurm-1234_4294967294.out Power=\n"},
  };
  return cases;
}

TEST_F(ScontrolFormatTest, JobRecords) {
  for (const JobCase& c : job_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(format_job_record(c.make(), c.now, c.one_liner), c.expected);
  }
}

// Single keys, where the whole record would hide what the case is about.
struct JobKeyCase {
  std::string name;
  std::function<void(pb::JobRecord&)> change;
  int64_t now;
  std::string expected_line;  // must appear as a whole line of the record
};

TEST_F(ScontrolFormatTest, JobKeys) {
  const std::vector<JobKeyCase> cases = {
      {"RunningUnlimitedHasNoEnd",
       [](pb::JobRecord& j) { j.mutable_spec()->set_time_limit_min(kInfiniteMinutes); }, kT0 + 6,
       "StartTime=2024-01-01T10:00:01 EndTime=Unknown Deadline=N/A"},
      {"RunningWithoutLimitHasNoEnd", [](pb::JobRecord& j) { j.mutable_spec()->set_time_limit_min(0); },
       kT0 + 6, "StartTime=2024-01-01T10:00:01 EndTime=Unknown Deadline=N/A"},
      {"ControllerClockAheadIsZeroRunTime", [](pb::JobRecord&) {}, kT0 - 50,
       "RunTime=00:00:00 TimeLimit=01:00:00 TimeMin=N/A"},
      {"LongLimitUsesDays", [](pb::JobRecord& j) { j.mutable_spec()->set_time_limit_min(2 * 24 * 60); },
       kT0 + 6, "RunTime=00:00:05 TimeLimit=2-00:00:00 TimeMin=N/A"},
      {"EmptyReasonIsNone", [](pb::JobRecord& j) { j.clear_reason(); }, kT0 + 6,
       "JobState=RUNNING Reason=None Dependency=(null)"},
      {"NoUserNameShowsUid", [](pb::JobRecord& j) { j.mutable_spec()->clear_user_name(); }, kT0 + 6,
       "UserId=1000(1000) GroupId=4242424(4242424) MCS_label=N/A"},
      {"HalfGigabyteIsExact",
       [](pb::JobRecord& j) {
         j.mutable_spec()->set_mem_mb(2560);
         j.mutable_spec()->set_mem_given(true);
       },
       kT0 + 6, "MinCPUsNode=1 MinMemoryNode=2.50G MinTmpDiskNode=0"},
      {"MemInTres",
       [](pb::JobRecord& j) {
         j.mutable_spec()->set_mem_mb(2560);
         j.mutable_spec()->set_mem_given(true);
       },
       kT0 + 6, "TRES=cpu=1,mem=2.50G,node=1,billing=1"},
      {"OddMegabytesStayMegabytes",
       [](pb::JobRecord& j) {
         j.mutable_spec()->set_mem_mb(1500);
         j.mutable_spec()->set_mem_given(true);
       },
       kT0 + 6, "TRES=cpu=1,mem=1500M,node=1,billing=1"},
      {"PendingWithoutDashNIsOneNode",
       [](pb::JobRecord& j) {
         j.set_state(pb::JOB_PENDING);
         j.clear_nodes();
         j.clear_alloc_cpus();
         j.clear_start_time();
         j.mutable_spec()->set_ntasks(3);
       },
       kT0 + 6, "NumNodes=1 NumCPUs=3 NumTasks=3 CPUs/Task=1 ReqB:S:C:T=0:0:*:*"},
      {"PendingWithAReservationShowsItsExpectedStartAndEnd",
       [](pb::JobRecord& j) {
         j.set_state(pb::JOB_PENDING);
         j.clear_start_time();
         j.set_expected_start(kT0 + 600);
       },
       kT0 + 6, "StartTime=2024-01-01T10:10:00 EndTime=2024-01-01T11:10:00 Deadline=N/A"},
      {"PendingUnlimitedWithAReservationHasNoEnd",
       [](pb::JobRecord& j) {
         j.set_state(pb::JOB_PENDING);
         j.clear_start_time();
         j.set_expected_start(kT0 + 600);
         j.mutable_spec()->set_time_limit_min(kInfiniteMinutes);
       },
       kT0 + 6, "StartTime=2024-01-01T10:10:00 EndTime=Unknown Deadline=N/A"},
      {"PendingWithAReservationNamesItsNodes",
       [](pb::JobRecord& j) {
         j.set_state(pb::JOB_PENDING);
         j.clear_nodes();
         j.set_expected_start(kT0 + 600);
         j.set_sched_nodes("node[1-3]");
       },
       kT0 + 6, "NodeList=(null) SchedNodeList=node[1-3]"},
      {"PendingWithoutAReservationIsUnknown",
       [](pb::JobRecord& j) {
         j.set_state(pb::JOB_PENDING);
         j.clear_start_time();
       },
       kT0 + 6, "StartTime=Unknown EndTime=Unknown Deadline=N/A"},
      {"RequestedAndExcludedNodesCompressed",
       [](pb::JobRecord& j) {
         j.mutable_spec()->set_nodelist("node2,node1");
         j.mutable_spec()->set_exclude("node3");
       },
       kT0 + 6, "ReqNodeList=node[1-2] ExcNodeList=node3"},
      {"ConstraintIsFeatures", [](pb::JobRecord& j) { j.mutable_spec()->set_constraint("pi3bplus|pi2b"); },
       kT0 + 6, "Features=pi3bplus|pi2b DelayBoot=00:00:00"},
      {"NodePatternUsesBatchHost", [](pb::JobRecord& j) { j.mutable_spec()->set_stdout_pattern("%N-%a.log"); },
       kT0 + 6, "StdOut=/home/alice/node1-2.log"},
      {"EscapedPatternIsNotExpanded",
       [](pb::JobRecord& j) { j.mutable_spec()->set_stderr_pattern("/tmp/a\\%j"); }, kT0 + 6,
       "StdErr=/tmp/a%j"},
  };
  for (const JobKeyCase& c : cases) {
    SCOPED_TRACE(c.name);
    pb::JobRecord j = array_task_job();
    c.change(j);
    std::string record = format_job_record(j, c.now);
    EXPECT_NE(record.find("\n   " + c.expected_line + "\n"), std::string::npos) << record;
  }
}

// ---- nodes ---------------------------------------------------------------

pb::NodeInfo idle_node() {
  pb::NodeInfo n;
  n.set_name("node1");
  n.set_state("idle");
  n.set_state_long("IDLE");
  n.set_cpus(2);
  n.set_memory_mb(1000);
  n.set_weight(1);
  n.set_arch("x86_64");
  n.add_partitions("debug");
  n.set_version("22.05.8");
  n.set_hostname("pi1");
  n.set_clock_skew_ms(12);
  return n;
}

struct NodeCase {
  std::string name;
  std::function<pb::NodeInfo()> make;
  bool one_liner;
  std::string expected;
};

TEST_F(ScontrolFormatTest, NodeRecords) {
  const std::vector<NodeCase> cases = {
      {"RegisteredIdle", idle_node, false,
       "NodeName=node1 Arch=x86_64 CoresPerSocket=1\n"
       "   CPUAlloc=0 CPUEfctv=2 CPUTot=2 CPULoad=N/A\n"
       "   AvailableFeatures=(null)\n"
       "   ActiveFeatures=(null)\n"
       "   Gres=(null)\n"
       "   NodeAddr=node1 NodeHostName=pi1 Version=22.05.8\n"
       "   OS=Linux\n"
       "   RealMemory=1000 AllocMem=0 FreeMem=N/A Sockets=2 Boards=1\n"
       "   State=IDLE ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A\n"
       "   Partitions=debug\n"
       "   BootTime=None SlurmdStartTime=None\n"
       "   LastBusyTime=Unknown\n"
       "   CfgTRES=cpu=2,mem=1000M,billing=2\n"
       "   AllocTRES=\n"
       "   CapWatts=n/a\n"
       "   CurrentWatts=0 AveWatts=0\n"
       "   ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s\n"
       "   ClockSkew=+0.012s\n"},

      {"DrainingMixedWithFeatures",
       [] {
         pb::NodeInfo n = idle_node();
         n.set_name("pi-node07");
         n.set_state("drng");
         n.set_state_long("MIXED+DRAIN");
         n.set_cpus(4);
         n.set_alloc_cpus(2);
         n.set_memory_mb(4096);
         n.set_alloc_mem_mb(512);
         n.set_weight(10);
         n.add_features("arm");
         n.add_features("fast");
         n.add_partitions("batch");
         n.set_reason("fan replacement");
         n.set_clock_skew_ms(0);
         return n;
       },
       false,
       "NodeName=pi-node07 Arch=x86_64 CoresPerSocket=1\n"
       "   CPUAlloc=2 CPUEfctv=4 CPUTot=4 CPULoad=N/A\n"
       "   AvailableFeatures=arm,fast\n"
       "   ActiveFeatures=arm,fast\n"
       "   Gres=(null)\n"
       "   NodeAddr=pi-node07 NodeHostName=pi1 Version=22.05.8\n"
       "   OS=Linux\n"
       "   RealMemory=4096 AllocMem=512 FreeMem=N/A Sockets=4 Boards=1\n"
       "   State=MIXED+DRAIN ThreadsPerCore=1 TmpDisk=0 Weight=10 Owner=N/A MCS_label=N/A\n"
       "   Partitions=debug,batch\n"
       "   BootTime=None SlurmdStartTime=None\n"
       "   LastBusyTime=Unknown\n"
       "   CfgTRES=cpu=4,mem=4G,billing=4\n"
       "   AllocTRES=cpu=2,mem=512M\n"
       "   CapWatts=n/a\n"
       "   CurrentWatts=0 AveWatts=0\n"
       "   ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s\n"
       "   Reason=fan replacement\n"
       "   ClockSkew=+0.000s\n"},

      // Configured but never heard from: nothing reported, so no Arch, OS,
      // Version; no partition either.
      {"NeverRegisteredNotResponding",
       [] {
         pb::NodeInfo n;
         n.set_name("node9");
         n.set_state("unk");
         n.set_state_long("UNKNOWN");
         n.set_not_responding(true);
         n.set_cpus(1);
         n.set_memory_mb(1);
         n.set_weight(1);
         n.set_clock_skew_ms(-3400);
         return n;
       },
       false,
       "NodeName=node9 CoresPerSocket=1\n"
       "   CPUAlloc=0 CPUEfctv=1 CPUTot=1 CPULoad=N/A\n"
       "   AvailableFeatures=(null)\n"
       "   ActiveFeatures=(null)\n"
       "   Gres=(null)\n"
       "   NodeAddr=node9 NodeHostName=node9\n"
       "   RealMemory=1 AllocMem=0 FreeMem=N/A Sockets=1 Boards=1\n"
       "   State=UNKNOWN+NOT_RESPONDING ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A\n"
       "   BootTime=None SlurmdStartTime=None\n"
       "   LastBusyTime=Unknown\n"
       "   CfgTRES=cpu=1,mem=1M,billing=1\n"
       "   AllocTRES=\n"
       "   CapWatts=n/a\n"
       "   CurrentWatts=0 AveWatts=0\n"
       "   ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s\n"
       "   ClockSkew=-3.400s\n"},

      {"DownNotRespondingOneLiner",
       [] {
         pb::NodeInfo n = idle_node();
         n.set_state("down");
         n.set_state_long("DOWN");
         n.set_not_responding(true);
         n.set_reason("Not responding");
         n.set_clock_skew_ms(-1);
         return n;
       },
       true,
       "NodeName=node1 Arch=x86_64 CoresPerSocket=1"
       " CPUAlloc=0 CPUEfctv=2 CPUTot=2 CPULoad=N/A"
       " AvailableFeatures=(null) ActiveFeatures=(null) Gres=(null)"
       " NodeAddr=node1 NodeHostName=pi1 Version=22.05.8 OS=Linux"
       " RealMemory=1000 AllocMem=0 FreeMem=N/A Sockets=2 Boards=1"
       " State=DOWN+NOT_RESPONDING ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A"
       " Partitions=debug BootTime=None SlurmdStartTime=None LastBusyTime=Unknown"
       " CfgTRES=cpu=2,mem=1000M,billing=2 AllocTRES= CapWatts=n/a CurrentWatts=0 AveWatts=0"
       " ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s"
       " Reason=Not responding ClockSkew=-0.001s\n"},
  };
  for (const NodeCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(format_node_record(c.make(), c.one_liner), c.expected);
  }
}

// ---- partitions ----------------------------------------------------------

pb::ListNodesReply four_node_cluster() {
  pb::ListNodesReply cluster;
  for (int i = 1; i <= 4; ++i) {
    pb::NodeInfo* n = cluster.add_nodes();
    n->set_name("node" + std::to_string(i));
    n->set_cpus(2);
    n->set_memory_mb(1000);
  }
  pb::NodeInfo* big = cluster.add_nodes();
  big->set_name("big1");
  big->set_cpus(64);
  big->set_memory_mb(262144);
  return cluster;
}

pb::PartitionInfo partition(std::string name, bool is_default, std::string state, uint32_t max_time,
                            std::vector<std::string> nodes) {
  pb::PartitionInfo p;
  p.set_name(std::move(name));
  p.set_is_default(is_default);
  p.set_state(std::move(state));
  p.set_max_time_min(max_time);
  for (auto& n : nodes) p.add_nodes(n);
  return p;
}

struct PartitionCase {
  std::string name;
  pb::PartitionInfo partition;
  bool one_liner;
  std::string expected;
};

TEST_F(ScontrolFormatTest, PartitionSchedulingFields) {
  pb::PartitionInfo p = partition("fast", false, "up", 120, {"node1"});
  p.set_priority(5);
  p.set_max_nodes(2);
  p.set_default_time_min(30);
  std::string out = format_partition_record(p, four_node_cluster(), false);
  EXPECT_NE(out.find("   DefaultTime=00:30:00 DisableRootJobs=NO"), std::string::npos) << out;
  EXPECT_NE(out.find("   MaxNodes=2 MaxTime=02:00:00 MinNodes=0"), std::string::npos) << out;
  EXPECT_NE(out.find("   PriorityJobFactor=5 PriorityTier=5 RootOnly=NO"), std::string::npos) << out;
}

TEST_F(ScontrolFormatTest, PartitionRecords) {
  const std::vector<PartitionCase> cases = {
      {"SpecExample", partition("debug", true, "up", 0, {"node1", "node2", "node3", "node4"}), false,
       "PartitionName=debug\n"
       "   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL\n"
       "   AllocNodes=ALL Default=YES QoS=N/A\n"
       "   DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO\n"
       "   MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED\n"
       "   Nodes=node[1-4]\n"
       "   PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO\n"
       "   OverTimeLimit=NONE PreemptMode=OFF\n"
       "   State=UP TotalCPUs=8 TotalNodes=4 SelectTypeParameters=NONE\n"
       "   JobDefaults=(null)\n"
       "   DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED\n"
       "   TRES=cpu=8,mem=4000M,node=4,billing=8\n"},

      {"DrainedWithLimitConfigOrder", partition("long", false, "drain", 7 * 24 * 60, {"big1", "node2"}), false,
       "PartitionName=long\n"
       "   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL\n"
       "   AllocNodes=ALL Default=NO QoS=N/A\n"
       "   DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO\n"
       "   MaxNodes=UNLIMITED MaxTime=7-00:00:00 MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED\n"
       "   Nodes=big1,node2\n"
       "   PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO\n"
       "   OverTimeLimit=NONE PreemptMode=OFF\n"
       "   State=DRAIN TotalCPUs=66 TotalNodes=2 SelectTypeParameters=NONE\n"
       "   JobDefaults=(null)\n"
       "   DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED\n"
       "   TRES=cpu=66,mem=263144M,node=2,billing=66\n"},

      {"InactiveEmptyOneLiner", partition("spare", false, "inact", 60, {}), true,
       "PartitionName=spare AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL"
       " AllocNodes=ALL Default=NO QoS=N/A"
       " DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO"
       " MaxNodes=UNLIMITED MaxTime=01:00:00 MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED"
       " Nodes=(null)"
       " PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO"
       " OverTimeLimit=NONE PreemptMode=OFF"
       " State=INACTIVE TotalCPUs=0 TotalNodes=0 SelectTypeParameters=NONE"
       " JobDefaults=(null)"
       " DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED"
       " TRES=cpu=0,node=0,billing=0\n"},

      {"DownBigNodeMemoryInGigabytes", partition("gpu", false, "down", kInfiniteMinutes, {"big1"}), false,
       "PartitionName=gpu\n"
       "   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL\n"
       "   AllocNodes=ALL Default=NO QoS=N/A\n"
       "   DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO\n"
       "   MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED\n"
       "   Nodes=big1\n"
       "   PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO\n"
       "   OverTimeLimit=NONE PreemptMode=OFF\n"
       "   State=DOWN TotalCPUs=64 TotalNodes=1 SelectTypeParameters=NONE\n"
       "   JobDefaults=(null)\n"
       "   DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED\n"
       "   TRES=cpu=64,mem=256G,node=1,billing=64\n"},
  };
  pb::ListNodesReply cluster = four_node_cluster();
  for (const PartitionCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(format_partition_record(c.partition, cluster, c.one_liner), c.expected);
  }
}

// Dependency= shows what is left of the dependency; EligibleTime= the
// --begin time when it is later than the submission.
TEST(ScontrolFormat, DependencyAndBeginTime) {
  pb::JobRecord j = plain_job(7);
  j.set_dependency_state("afterok:5(unfulfilled)");
  j.mutable_spec()->set_begin_time(kT0 + 3600);
  j.set_reason("Dependency");
  std::string text = format_job_record(j, kT0 + 100);
  EXPECT_NE(text.find("Reason=Dependency Dependency=afterok:5(unfulfilled)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("EligibleTime=2024-01-01T11:00:00\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace drover
