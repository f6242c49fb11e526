// What a pending job's record keeps in memory (issue 6): fields it gives up
// are released, not cleared, and sbatch's tokens are looked up by hash.
#include "../../src/ctld/record_memory.h"

#include <gtest/gtest.h>

#include <set>

#include "../../src/ctld/submit_tokens.h"

namespace drover {
namespace {

pb::JobSpec spec_with_payload() {
  pb::JobSpec spec;
  spec.set_script(std::string(4096, '#'));
  for (int i = 0; i < 40; ++i) spec.add_env("VARIABLE_" + std::to_string(i) + "=" + std::string(40, 'x'));
  spec.set_work_dir("/home/alice/project");
  return spec;
}

TEST(RecordMemoryTest, ClearKeepsTheEnvironmentAllocatedReleaseDoesNot) {
  pb::JobSpec cleared = spec_with_payload();
  cleared.clear_env();
  EXPECT_GE(cleared.env().Capacity(), 40);  // why release_payload exists
  EXPECT_EQ(cleared.mutable_env()->ClearedCount(), 40);

  pb::JobSpec released = spec_with_payload();
  release_payload(released);
  EXPECT_EQ(released.env_size(), 0);
  EXPECT_EQ(released.env().Capacity(), 0);
  EXPECT_EQ(released.mutable_env()->ClearedCount(), 0);
  EXPECT_TRUE(released.script().empty());
  EXPECT_EQ(released.work_dir(), "/home/alice/project");  // the options stay
  // Nothing of the payload is serialized any more.
  pb::JobSpec options_only;
  options_only.set_work_dir("/home/alice/project");
  EXPECT_EQ(released.SerializeAsString(), options_only.SerializeAsString());
}

TEST(RecordMemoryTest, ReleasingAnEmptyPayloadIsHarmless) {
  pb::JobSpec spec;
  release_payload(spec);
  EXPECT_TRUE(spec.script().empty());
  EXPECT_EQ(spec.env_size(), 0);
}

TEST(SubmitTokensTest, FindsOnlyWhatThePredicateConfirms) {
  SubmitTokens tokens;
  tokens.add("token-a", 10);
  tokens.add("token-b", 11);
  tokens.add("token-a", 12);  // an array task carries its array's token
  tokens.add("token-a", 12);  // added twice: one entry
  std::set<uint32_t> seen;
  EXPECT_EQ(tokens.find("token-a", [&](uint32_t id) { seen.insert(id); return false; }), 0u);
  EXPECT_EQ(seen, (std::set<uint32_t>{10, 12}));
  EXPECT_EQ(tokens.find("token-b", [](uint32_t) { return true; }), 11u);
  EXPECT_EQ(tokens.find("token-c", [](uint32_t) { return true; }), 0u);
  EXPECT_EQ(tokens.find("", [](uint32_t) { return true; }), 0u);  // no token: never a retry
}

TEST(SubmitTokensTest, RemoveForgetsOneJobOnly) {
  SubmitTokens tokens;
  tokens.add("token-a", 10);
  tokens.add("token-a", 12);
  tokens.remove("token-a", 12);
  tokens.remove("token-a", 99);  // not there: nothing happens
  std::set<uint32_t> seen;
  tokens.find("token-a", [&](uint32_t id) { seen.insert(id); return false; });
  EXPECT_EQ(seen, (std::set<uint32_t>{10}));
  tokens.remove("token-a", 10);
  EXPECT_EQ(tokens.find("token-a", [](uint32_t) { return true; }), 0u);
}

}  // namespace
}  // namespace drover
