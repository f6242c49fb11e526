// --time / --mem parsing and the three duration printers (spec §0, §1.1, §1.2).
#include "drover/time_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace drover {
namespace {

struct TimeCase {
  std::string text;
  uint32_t minutes;
};

TEST(ParseTimeLimit, AcceptsSlurmForms) {
  const TimeCase cases[] = {
      {"13", 13},              // M
      {"0", 0},                // no limit requested
      {"90", 90},
      {"0:30", 1},             // M:S, seconds round up
      {"1:02", 2},
      {"1:00", 1},
      {"2:01:00", 121},        // H:M:S
      {"0:00:59", 1},
      {"1-1", 1500},           // D-H
      {"1-0:30", 1470},        // D-H:M
      {"1-0:0:1", 1441},       // D-H:M:S
      {"2-03:04:05", 2 * 1440 + 3 * 60 + 5},
      {"1-", 1440},            // Slurm reads a bare "D-" as D days
      {"INFINITE", kInfiniteMinutes},
      {"infinite", kInfiniteMinutes},
      {"UNLIMITED", kInfiniteMinutes},
      {"Unlimited", kInfiniteMinutes},
      {"-1", kInfiniteMinutes},
  };
  for (const TimeCase& c : cases) {
    SCOPED_TRACE(c.text);
    auto minutes = parse_time_limit(c.text);
    ASSERT_TRUE(minutes) << minutes.error();
    EXPECT_EQ(*minutes, c.minutes);
  }
}

TEST(ParseTimeLimit, RejectsOtherForms) {
  const std::string cases[] = {
      "1:2:3:4", "abc", "1-2-3", "", "1:", ":5", "1-2:3:4:5", "1::2",
      "1:2-3", "-5", "1.5", "1h", " 5", "5 ", "-2", "infinity",
      "99999999999999",  // overflows any minute count
  };
  for (const std::string& text : cases) {
    SCOPED_TRACE(text);
    auto minutes = parse_time_limit(text);
    ASSERT_FALSE(minutes);
    EXPECT_EQ(minutes.error(), "Invalid --time specification");
  }
}

struct DurationCase {
  int64_t seconds;
  std::string text;
};

TEST(FormatElapsed, PrintsLikeSqueue) {
  const DurationCase cases[] = {
      {0, "0:00"},
      {59, "0:59"},
      {307, "5:07"},
      {3599, "59:59"},
      {3600, "1:00:00"},
      {36000, "10:00:00"},
      {86400, "1-00:00:00"},
      {93784, "1-02:03:04"},
      {-1, "INVALID"},
  };
  for (const DurationCase& c : cases) {
    SCOPED_TRACE(c.seconds);
    EXPECT_EQ(format_elapsed(c.seconds), c.text);
  }
}

TEST(FormatDuration, PrintsLikeScontrolAndSacct) {
  const DurationCase cases[] = {
      {0, "00:00:00"},
      {5, "00:00:05"},
      {3600, "01:00:00"},
      {36000, "10:00:00"},
      {93784, "1-02:03:04"},
      {172800, "2-00:00:00"},
      {-1, "INVALID"},
  };
  for (const DurationCase& c : cases) {
    SCOPED_TRACE(c.seconds);
    EXPECT_EQ(format_duration(c.seconds), c.text);
  }
}

// Forces TZ=UTC for one test and restores the caller's zone afterwards.
class FormatIsoTime : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_tz_ = tz;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (saved_tz_) {
      setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> saved_tz_;
};

TEST_F(FormatIsoTime, PrintsLocalIsoTime) {
  const DurationCase cases[] = {
      {0, "Unknown"},
      {0xFFFFFFFFll, "Unknown"},  // INFINITE
      {1714568709, "2024-05-01T13:05:09"},
      {1, "1970-01-01T00:00:01"},
      // After 2038: right also on 32-bit ARM, whose default time_t would wrap.
      {2147483648ll, "2038-01-19T03:14:08"},
      {4102444800ll, "2100-01-01T00:00:00"},
  };
  for (const DurationCase& c : cases) {
    SCOPED_TRACE(c.seconds);
    EXPECT_EQ(format_iso_time(c.seconds), c.text);
  }
}

struct MemCase {
  std::string text;
  uint64_t mb;
};

TEST(ParseMemMb, AcceptsSizesWithUnits) {
  const MemCase cases[] = {
      {"1024", 1024},
      {"0", 0},
      {"1G", 1024},
      {"1g", 1024},
      {"1GB", 1024},
      {"1gb", 1024},
      {"512MB", 512},
      {"512M", 512},
      {"512m", 512},
      {"100K", 1},  // K rounds up to whole MB
      {"1024K", 1},
      {"1025K", 2},
      {"0K", 0},
      {"2T", 2097152},
      {"1tb", 1048576},
  };
  for (const MemCase& c : cases) {
    SCOPED_TRACE(c.text);
    auto mb = parse_mem_mb(c.text);
    ASSERT_TRUE(mb) << mb.error();
    EXPECT_EQ(*mb, c.mb);
  }
}

TEST(ParseMemMb, RejectsMalformedSizes) {
  const std::string cases[] = {
      "abc", "-5", "1X", "", "1B", "1GBB", "G", "1.5G", " 1", "1 G", "1Gx",
      "99999999999T",  // overflows
  };
  for (const std::string& text : cases) {
    SCOPED_TRACE(text);
    auto mb = parse_mem_mb(text);
    ASSERT_FALSE(mb);
    EXPECT_EQ(mb.error(), "Invalid --mem specification");
  }
}

}  // namespace
}  // namespace drover
