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

TEST(RecordMemoryTest, TheTokenIsKeptAsItsHash) {
  // FNV-1a 64 reference values: the hash is stored, so it must never change.
  EXPECT_EQ(submit_token_hash(""), 0u);
  EXPECT_EQ(submit_token_hash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(submit_token_hash("foobar"), 0x85944171f73967e8ull);
  pb::JobSpec spec;
  spec.set_submit_token("024af9f919df4c7947a88b03f9c91791");
  hash_submit_token(spec);
  EXPECT_TRUE(spec.submit_token().empty());
  EXPECT_EQ(spec.submit_token_hash(), submit_token_hash("024af9f919df4c7947a88b03f9c91791"));
  pb::JobSpec none;
  hash_submit_token(none);  // no token: no hash
  EXPECT_EQ(none.submit_token_hash(), 0u);
}

TEST(SubmitTokensTest, FindsOnlyWhatThePredicateConfirms) {
  SubmitTokens tokens;
  tokens.add(0xa, 10);
  tokens.add(0xb, 11);
  tokens.add(0xa, 12);  // an array task carries its array's token
  tokens.add(0xa, 12);  // added twice: one entry
  std::set<uint32_t> seen;
  EXPECT_EQ(tokens.find(0xa, [&](uint32_t id) { seen.insert(id); return false; }), 0u);
  EXPECT_EQ(seen, (std::set<uint32_t>{10, 12}));
  EXPECT_EQ(tokens.find(0xb, [](uint32_t) { return true; }), 11u);
  EXPECT_EQ(tokens.find(0xc, [](uint32_t) { return true; }), 0u);
  tokens.add(0, 13);  // no token
  EXPECT_EQ(tokens.find(0, [](uint32_t) { return true; }), 0u);
}

TEST(SubmitTokensTest, RemoveForgetsOneJobOnly) {
  SubmitTokens tokens;
  tokens.add(0xa, 10);
  tokens.add(0xa, 12);
  tokens.remove(0xa, 12);
  tokens.remove(0xa, 99);  // not there: nothing happens
  std::set<uint32_t> seen;
  tokens.find(0xa, [&](uint32_t id) { seen.insert(id); return false; });
  EXPECT_EQ(seen, (std::set<uint32_t>{10}));
  tokens.remove(0xa, 10);
  EXPECT_EQ(tokens.find(0xa, [](uint32_t) { return true; }), 0u);
}

}  // namespace
}  // namespace drover
