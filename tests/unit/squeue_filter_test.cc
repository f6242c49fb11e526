// squeue's -t state names and the filters applied to the controller's reply
// (Slurm's job_state_num and _filter_job).
#include "drover/squeue_filter.h"

#include <gtest/gtest.h>

namespace drover {
namespace {

pb::JobRecord job(uint32_t id, pb::JobState state) {
  pb::JobRecord r;
  r.set_job_id(id);
  r.set_state(state);
  return r;
}

// batchtools sends every compact code in two lists; all must be accepted.
TEST(SqueueFilterTest, EveryCompactAndLongStateNameIsAccepted) {
  for (const char* name : {"PD", "CF", "RF", "RH", "RQ", "SE", "R", "S", "CG", "RS", "SI", "SO", "ST", "CD",
                           "CA", "F", "TO", "NF", "PR", "BF", "DL", "OOM", "RD", "RV", "pending", "Running",
                           "SUSPENDED", "completing", "configuring", "requeue_hold", "special_exit",
                           "stage_out", "stopped", "signaling", "resv_del_hold", "revoked", "requeued",
                           "requeue_fed", "resizing", "preempted", "boot_fail", "deadline", "out_of_memory"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(parse_job_state_filter(name));
  }
  EXPECT_FALSE(parse_job_state_filter("RUNNIN"));
  EXPECT_FALSE(parse_job_state_filter("all"));
}

TEST(SqueueFilterTest, CompletingIsAFlagNotItsBaseState) {
  pb::JobRecord done = job(1, pb::JOB_COMPLETED);
  pb::JobRecord completing = job(2, pb::JOB_COMPLETED);
  completing.set_kill_sent(true);
  auto cd = *parse_job_state_filter("CD");
  auto cg = *parse_job_state_filter("CG");
  auto st = *parse_job_state_filter("ST");
  EXPECT_TRUE(job_matches_state(done, cd));
  EXPECT_FALSE(job_matches_state(completing, cd));
  EXPECT_TRUE(job_matches_state(completing, cg));
  EXPECT_FALSE(job_matches_state(done, cg));
  EXPECT_FALSE(job_matches_state(done, st));
}

TEST(SqueueFilterTest, BaseStatesGoToTheControllerFlagsAskForEverything) {
  QueueQuery query;
  query.states = "PD,R";
  auto f = make_queue_filter(query);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->request.states_size(), 2);
  EXPECT_FALSE(f->request.all_states());

  query.states = "R,S,CG,RS,SI,SO,ST";
  f = make_queue_filter(query);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->request.states_size(), 0);
  EXPECT_TRUE(f->request.all_states());
  pb::JobRecord running = job(3, pb::JOB_RUNNING);
  pb::JobRecord pending = job(4, pb::JOB_PENDING);
  EXPECT_TRUE(f->keep(running));
  EXPECT_FALSE(f->keep(pending));

  query.states = "ALL";
  f = make_queue_filter(query);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->request.all_states());
  EXPECT_TRUE(f->states.empty());
}

TEST(SqueueFilterTest, Errors) {
  QueueQuery query;
  query.states = "PD,bogus";
  auto f = make_queue_filter(query);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error(),
            "Invalid job state specified: bogus\n"
            "Valid job states include: PENDING,RUNNING,SUSPENDED,COMPLETED,CANCELLED,FAILED,TIMEOUT,"
            "NODE_FAIL,PREEMPTED,BOOT_FAIL,DEADLINE,OUT_OF_MEMORY,COMPLETING,CONFIGURING,RESIZING,"
            "REVOKED,SPECIAL_EXIT");

  query = {};
  query.jobs = "12,abc";
  EXPECT_EQ(make_queue_filter(query).error(), "Invalid job id: abc");
  query.jobs = "0";
  EXPECT_EQ(make_queue_filter(query).error(), "Invalid job id: 0");
  query.jobs = "12_3,14";
  EXPECT_TRUE(make_queue_filter(query));

  query = {};
  query.nodelist = "node[3-1]";
  EXPECT_EQ(make_queue_filter(query).error(), "'node[3-1]' invalid entry for --nodelist");
}

TEST(SqueueFilterTest, ClientSideFilters) {
  pb::JobRecord r = job(5, pb::JOB_RUNNING);
  r.add_nodes("node2");
  r.add_nodes("node3");
  r.mutable_spec()->set_account("Physics");
  r.mutable_spec()->set_qos("high");
  r.mutable_spec()->set_reservation("maint");
  pb::JobRecord pending = job(6, pb::JOB_PENDING);

  auto keep = [&](QueueQuery query, const pb::JobRecord& j) { return make_queue_filter(query)->keep(j); };
  QueueQuery q;
  q.nodelist = "node[1-2]";
  EXPECT_TRUE(keep(q, r));
  EXPECT_FALSE(keep(q, pending));  // no nodes yet
  q = {};
  q.nodelist = "node4";
  EXPECT_FALSE(keep(q, r));
  q = {};
  q.accounts = "chem,physics";  // case-insensitive, as Slurm compares
  EXPECT_TRUE(keep(q, r));
  EXPECT_FALSE(keep(q, pending));
  q = {};
  q.qos = "low";
  EXPECT_FALSE(keep(q, r));
  q = {};
  q.reservation = "maint";
  EXPECT_TRUE(keep(q, r));
  q = {};
  q.licenses = "matlab";
  EXPECT_FALSE(keep(q, r));

  q = {};
  q.users_given = true;  // every user named was unknown: nobody
  auto f = make_queue_filter(q);
  ASSERT_EQ(f->request.uids_size(), 1);
  EXPECT_EQ(f->request.uids(0), UINT32_MAX - 1);
}

}  // namespace
}  // namespace drover
