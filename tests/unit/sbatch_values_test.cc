// sbatch option values with a syntax of their own (Slurm 22.05 opt.c /
// proc_args.c behaviour), and -C expressions as the controller reads them.
#include <gtest/gtest.h>

#include <signal.h>

#include "../../src/ctld/job_request.h"
#include "drover/sbatch_values.h"

namespace drover {
namespace {

TEST(SignalSpec, AcceptsNamesNumbersPrefixesAndTimes) {
  struct Case { const char* text; int number; uint32_t secs; bool batch; };
  const Case cases[] = {
      {"USR1", SIGUSR1, 60, false},     {"SIGUSR2@30", SIGUSR2, 30, false}, {"10", 10, 60, false},
      {"B:USR1@90", SIGUSR1, 90, true}, {"b:term", SIGTERM, 60, true},      {"R:HUP@5", SIGHUP, 5, false},
      {"RB:INT@0", SIGINT, 0, true},    {"BR:usr1@65535", SIGUSR1, 65535, true},
  };
  for (const Case& c : cases) {
    Result<SignalSpec> s = parse_signal_spec(c.text);
    ASSERT_TRUE(s) << c.text;
    EXPECT_EQ(c.number, s->number) << c.text;
    EXPECT_EQ(c.secs, s->secs) << c.text;
    EXPECT_EQ(c.batch, s->batch_only) << c.text;
  }
}

TEST(SignalSpec, RejectsWithSlurmsMessage) {
  for (const char* text : {"", "NOSUCH", "0", "USR1@", "USR1@65536", "USR1@-1", "USR1@5x", "X:USR1", "B:"}) {
    Result<SignalSpec> s = parse_signal_spec(text);
    ASSERT_FALSE(s) << text;
    EXPECT_EQ("Invalid --signal specification", s.error());
  }
}

TEST(NodeRange, MinMaxAndSuffixes) {
  EXPECT_EQ(2u, parse_node_range("2")->min);
  EXPECT_EQ(0u, parse_node_range("2")->max);
  EXPECT_EQ(4u, parse_node_range("2-4")->max);
  EXPECT_EQ(1024u, parse_node_range("1k")->min);
  EXPECT_EQ(1048576u, parse_node_range("1M")->min);
  for (const char* bad : {"", "x", "4-2", "1-", "-3", "1.5", "99999999999"}) {
    ASSERT_FALSE(parse_node_range(bad)) << bad;
    EXPECT_EQ("Invalid node count specification", parse_node_range(bad).error());
  }
}

TEST(MailType, ListsUpperCasedAndRejectsUnknown) {
  EXPECT_EQ("END,FAIL", *parse_mail_type("end,Fail"));
  EXPECT_EQ("TIME_LIMIT_90,ARRAY_TASKS", *parse_mail_type("TIME_LIMIT_90,ARRAY_TASKS"));
  EXPECT_EQ("--mail-type=END,bogus invalid", parse_mail_type("END,bogus").error());
  EXPECT_FALSE(parse_mail_type(""));
}

TEST(OpenMode, FirstLetterDecides) {
  EXPECT_TRUE(*parse_open_mode("append"));
  EXPECT_TRUE(*parse_open_mode("A"));
  EXPECT_FALSE(*parse_open_mode("truncate"));
  EXPECT_EQ("Invalid --open-mode argument: x. Ignored", parse_open_mode("x").error());
}

TEST(Nice, DefaultAndRange) {
  EXPECT_EQ(100, *parse_nice(""));
  EXPECT_EQ(-5, *parse_nice("-5"));
  EXPECT_EQ(7, *parse_nice("+7"));
  EXPECT_EQ("Invalid --nice value: 2147483646", parse_nice("2147483646").error());
  EXPECT_FALSE(parse_nice("abc"));
}

TEST(Deadline, RelativeAndIso) {
  EXPECT_EQ(1000 + 120, *parse_deadline("now+2minutes", 1000));
  EXPECT_EQ(1000 + 30, *parse_deadline("now+30", 1000));
  EXPECT_EQ(1000 + 2 * 86400, *parse_deadline("NOW+2days", 1000));
  EXPECT_TRUE(parse_deadline("2030-01-02T03:04:05", 0));
  EXPECT_TRUE(parse_deadline("2030-01-02", 0));
  EXPECT_TRUE(parse_deadline("2030-01-02T03:04", 0));
  for (const char* bad : {"tomorrowish", "now-5", "now+5fortnights", "2030-13-01", "2030-01-02T25:00", "2030-01-02T10:00junk", "2030-01-02x"})
    EXPECT_EQ("Invalid --deadline specification", parse_deadline(bad, 0).error()) << bad;
}

TEST(Constraint, AndOrBracketsCounts) {
  auto c = parse_constraint("a&b|c");
  ASSERT_TRUE(c);
  EXPECT_TRUE(features_match(*c, {"a", "b"}));
  EXPECT_TRUE(features_match(*c, {"c"}));
  EXPECT_FALSE(features_match(*c, {"a"}));
  auto counted = parse_constraint("[a*2&b*4]");
  ASSERT_TRUE(counted);
  EXPECT_TRUE(features_match(*counted, {"b", "a"}));
  EXPECT_TRUE(features_match({}, {}));
  for (const char* bad : {"", "a&", "|a", "a*x", "a b", "a&&b"})
    EXPECT_EQ("Invalid feature specification", parse_constraint(bad).error()) << bad;
}

TEST(JobRequest, PlacementAndPerNodeResources) {
  Config config;
  config.nodes = {{"n1", 4, 1000, 1, {"fast"}, ""}, {"n2", 2, 1000, 1, {"slow"}, ""},
                  {"n3", 2, 1000, 1, {"slow"}, ""}};
  PartitionConfig part{"p", {"n1", "n2"}, true};
  pb::JobSpec spec;
  spec.set_nodelist("n2");
  spec.set_ntasks_per_node(2);
  spec.set_mem_per_cpu_mb(100);
  Result<SchedJob> r = job_request(spec, config, part);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(std::vector<size_t>{1}, r->required);
  EXPECT_EQ(2u, r->cpus_per_node);
  EXPECT_EQ(200u, r->mem_per_node_mb);
  spec.set_nodelist("n3");
  EXPECT_EQ("Requested nodes not in this partition", job_request(spec, config, part).error());
  spec.set_nodelist("n9");
  EXPECT_EQ("Invalid node name specified", job_request(spec, config, part).error());
  spec.clear_nodelist();
  spec.set_constraint("fast");
  spec.set_exclude("n2");
  r = job_request(spec, config, part);
  ASSERT_TRUE(r);
  EXPECT_EQ((std::vector<bool>{true, false, false}), r->allowed);
  spec.set_constraint("gpu");
  EXPECT_EQ("Invalid feature specification", job_request(spec, config, part).error());
  spec.clear_constraint();
  spec.clear_exclude();
  spec.set_ntasks(5);  // 2 per node: 3 nodes
  EXPECT_EQ(3u, job_request(spec, config, part)->nodes);
}

}  // namespace
}  // namespace drover
