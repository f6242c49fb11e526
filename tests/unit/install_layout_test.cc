#include "drover/install_layout.h"

#include <gtest/gtest.h>

namespace drover {
namespace {

// The GNU layout (cmake/install.cmake): CLIs in bin, daemons in sbin,
// drover-stepd in libexec/drover. From bin, `drover up` reaches sbin; from
// sbin, droverd reaches libexec/drover; in a build tree, everything is beside.
TEST(InstallLayout, CandidatesBesideThenSbinThenLibexec) {
  EXPECT_EQ(program_candidates("/usr/bin", "droverd"),
            (std::vector<std::string>{"/usr/bin/droverd", "/usr/bin/../sbin/droverd",
                                      "/usr/bin/../libexec/drover/droverd"}));
  EXPECT_EQ(program_candidates("/usr/sbin", "drover-stepd")[2], "/usr/sbin/../libexec/drover/drover-stepd");
}

TEST(InstallLayout, FindsItselfAndNamesTheBesidePathWhenMissing) {
  std::string dir = self_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_EQ(find_program("unit_tests"), dir + "/unit_tests");
  EXPECT_EQ(find_program("no-such-drover-program"), dir + "/no-such-drover-program");
}

}  // namespace
}  // namespace drover
