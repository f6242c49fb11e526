// Whole-file replacement: readers see the old content or the new, never a
// mix, and no temp file is left behind either way.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "drover/file_util.h"
#include "temp_dir.h"

namespace drover {
namespace {

using FileUtil = TempDirTest;

TEST_F(FileUtil, ReplaceAndAtomicWriteReplaceContentAndMode) {
  for (auto write : {&write_file_replace, &write_file_atomic}) {
    std::string path = dir_ + "/f";
    ASSERT_TRUE(write(path, "first, longer content", 0600));
    ASSERT_TRUE(write(path, "second", 0600));
    EXPECT_EQ(*read_file(path), "second");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    std::filesystem::remove(path);
  }
}

TEST_F(FileUtil, FailureNamesTheFileItCouldNotCreate) {
  std::string path = dir_ + "/missing-dir/f";
  Status s = write_file_replace(path, "x", 0600);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(path + ".tmp"), std::string::npos) << s.error();
}

}  // namespace
}  // namespace drover
