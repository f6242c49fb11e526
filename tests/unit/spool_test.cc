// The controller's spool: written atomically, read back the same.
#include <sys/stat.h>

#include <gtest/gtest.h>


#include "../../src/ctld/spool.h"
#include "temp_dir.h"

namespace drover {
namespace {

using SpoolTest = TempDirTest;

TEST_F(SpoolTest, JoinEnvTerminatesEveryEntryWithNul) {
  EXPECT_EQ(join_env({"A=1", "B="}), std::string("A=1\0B=\0", 7));
  EXPECT_EQ(join_env({}), "");
}

TEST_F(SpoolTest, WrittenFilesReadBack) {
  for (uint32_t id : {1u, 2u}) {
    SpoolFiles files{"#!/bin/bash\necho " + std::to_string(id) + "\n", std::string("X=1\0", 4)};
    ASSERT_TRUE(write_spool(dir_, id, ::getuid(), ::getgid(), files));
    Result<SpoolFiles> back = read_spool(dir_, id);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->script, files.script);
    EXPECT_EQ(back->env, files.env);
    struct stat st {};
    ASSERT_EQ(::stat((dir_ + "/" + std::to_string(id) + "/script").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat((dir_ + "/" + std::to_string(id)).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_NE(::stat((dir_ + "/" + std::to_string(id) + "/script.tmp").c_str(), &st), 0);  // renamed away
  }
}

TEST_F(SpoolTest, RewriteReplacesOlderContent) {
  ASSERT_TRUE(write_spool(dir_, 3, ::getuid(), ::getgid(), {"a much longer first script\n", ""}));
  ASSERT_TRUE(write_spool(dir_, 3, ::getuid(), ::getgid(), {"short\n", ""}));
  EXPECT_EQ(read_spool(dir_, 3)->script, "short\n");
}

TEST_F(SpoolTest, MissingSpoolIsAnErrorNamingThePath) {
  Result<SpoolFiles> r = read_spool(dir_, 9);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(dir_ + "/9/script"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace drover
