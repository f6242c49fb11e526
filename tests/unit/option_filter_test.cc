// Which options a parse needs (CLI start-up, issue 6): every option named
// in the words, in any of getopt's spellings, and the whole table for help.
#include "drover/option_filter.h"

#include <gtest/gtest.h>

namespace drover::cli {
namespace {

TEST(OptionFilter, SelectsTheOptionsTheWordsName) {
  OptionFilter f({"-H", "--parsable", "-o", "/dev/null", "--wrap=true"});
  EXPECT_FALSE(f.selects_everything());
  EXPECT_TRUE(f.wants("-H,--hold"));
  EXPECT_TRUE(f.wants("--parsable"));
  EXPECT_TRUE(f.wants("-o,--output"));
  EXPECT_TRUE(f.wants("--wrap"));
  EXPECT_FALSE(f.wants("-J,--job-name"));
  EXPECT_FALSE(f.wants("--wait"));        // a long name is matched whole
  EXPECT_FALSE(f.wants("--parsable2"));
  EXPECT_FALSE(f.wants("-e,--error"));    // "/dev/null" is a value, not options
}

TEST(OptionFilter, ShortClustersAndAttachedValues) {
  OptionFilter f({"-Hv", "-pdebug", "-t10"});
  for (const char* names : {"-H,--hold", "-v,--verbose", "-p,--partition", "-t,--time"}) EXPECT_TRUE(f.wants(names)) << names;
  EXPECT_TRUE(f.wants("-d,--dependency"));  // a letter of the value: harmless
  EXPECT_FALSE(f.wants("-J,--job-name"));
}

TEST(OptionFilter, FlagsWithDefaultValuesAndLongNamesWithValues) {
  OptionFilter f({"--exclusive", "--nice=5", "--mem", "4G"});
  EXPECT_TRUE(f.wants("--exclusive{node}"));
  EXPECT_TRUE(f.wants("--nice{}"));
  EXPECT_TRUE(f.wants("--mem"));
  EXPECT_FALSE(f.wants("--mem-per-cpu"));
}

TEST(OptionFilter, HelpSelectsEverything) {
  EXPECT_TRUE(OptionFilter({"--help"}).selects_everything());
  EXPECT_TRUE(OptionFilter({"-h"}).selects_everything());
  EXPECT_TRUE(OptionFilter({"-Hh"}).selects_everything());
  EXPECT_TRUE(OptionFilter::everything().wants("-J,--job-name"));
  EXPECT_FALSE(OptionFilter({"--wrap=help"}).selects_everything());
}

TEST(OptionFilter, NothingNamedSelectsNothing) {
  OptionFilter f({"script.sh", "-", "--", "arg"});
  EXPECT_FALSE(f.wants("-J,--job-name"));
  EXPECT_FALSE(f.wants("--wrap"));
}

}  // namespace
}  // namespace drover::cli
