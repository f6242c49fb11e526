// A fresh directory under /tmp for one test, removed with everything in it.
#pragma once
#include <stdlib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace drover {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/drover-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

}  // namespace drover
