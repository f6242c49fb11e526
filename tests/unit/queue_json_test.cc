// --json output of squeue and sinfo: the shape of Slurm 22.05's documents.
#include "drover/queue_json.h"

#include <gtest/gtest.h>

#include "drover/json_writer.h"

namespace drover {
namespace {

TEST(JsonWriterTest, NestingIndentAndEscapes) {
  JsonWriter json;
  json.begin_object();
  json.string("s", "a\"b\\c\n\x01/");
  json.number("n", -5);
  json.boolean("b", true);
  json.begin_array("empty");
  json.end_array();
  json.begin_array("list");
  json.number_element(1);
  json.string_element("x");
  json.end_array();
  json.end_object();
  EXPECT_EQ(json.finish(),
            "{\n"
            "  \"s\": \"a\\\"b\\\\c\\n\\u0001/\",\n"
            "  \"n\": -5,\n"
            "  \"b\": true,\n"
            "  \"empty\": [],\n"
            "  \"list\": [\n"
            "    1,\n"
            "    \"x\"\n"
            "  ]\n"
            "}\n");
}

TEST(QueueJsonTest, SqueueDocument) {
  pb::JobRecord r;
  r.set_job_id(12);
  r.set_state(pb::JOB_RUNNING);
  r.set_partition("picluster");
  r.mutable_spec()->set_name("sim \"x\"");
  r.mutable_spec()->set_user_name("alice");
  r.mutable_spec()->set_time_limit_min(30);
  r.add_nodes("node2");
  r.set_start_time(100);
  std::string out = squeue_json({&r}, 130);
  EXPECT_EQ(out.rfind("{\n  \"meta\": {\n    \"plugin\": {", 0), 0u);
  EXPECT_NE(out.find("\"release\": \"22.05.8\""), std::string::npos);
  EXPECT_NE(out.find("  \"errors\": [],\n  \"warnings\": [],\n  \"jobs\": [\n    {\n"), std::string::npos);
  EXPECT_NE(out.find("      \"job_id\": 12,\n"), std::string::npos);
  EXPECT_NE(out.find("      \"job_state\": \"RUNNING\",\n"), std::string::npos);
  EXPECT_NE(out.find("      \"name\": \"sim \\\"x\\\"\",\n"), std::string::npos);
  EXPECT_NE(out.find("      \"nodes\": \"node2\",\n"), std::string::npos);
  EXPECT_NE(out.find("      \"end_time\": 1900,\n"), std::string::npos);
  EXPECT_NE(out.find("      \"time_limit\": 30,\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 12), "    }\n  ]\n}\n");

  EXPECT_NE(squeue_json({}, 0).find("\"jobs\": []"), std::string::npos);
}

TEST(QueueJsonTest, SinfoDocument) {
  pb::ListNodesReply cluster;
  pb::NodeInfo* n = cluster.add_nodes();
  n->set_name("node1");
  n->set_state("drng");
  n->set_state_long("MIXED+DRAIN");
  n->set_not_responding(true);
  n->set_cpus(4);
  n->set_alloc_cpus(1);
  n->add_partitions("picluster");
  pb::PartitionInfo* p = cluster.add_partitions();
  p->set_name("picluster");
  p->set_is_default(true);
  p->set_state("up");
  p->add_nodes("node1");
  std::string out = sinfo_json(cluster);
  EXPECT_NE(out.find("\"state\": \"MIXED\",\n      \"state_flags\": [\n        \"DRAIN\",\n"
                     "        \"NOT_RESPONDING\"\n      ]"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"idle_cpus\": 3"), std::string::npos);
  EXPECT_NE(out.find("\"flags\": [\n        \"default\"\n      ]"), std::string::npos);
  EXPECT_NE(out.find("\"max_time_limit\": 4294967295"), std::string::npos);
  EXPECT_NE(out.find("\"total_cpus\": 4"), std::string::npos);
}

}  // namespace
}  // namespace drover
