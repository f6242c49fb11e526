// sbatch --begin: every form Slurm accepts, against a fixed "now" (spec §1.1).
#include "drover/begin_time.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace drover {
namespace {

class BeginTime : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_ = tz ? tz : "";
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) setenv("TZ", saved_.c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }
  // 2024-05-01T13:05:09Z, a Wednesday.
  static constexpr int64_t kNow = 1714568709;
  static int64_t at(const char* iso) {
    struct tm tm = {};
    strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
    return timegm(&tm);
  }
  std::string saved_;
  bool had_tz_ = false;
};

TEST_F(BeginTime, AcceptsEveryForm) {
  const std::pair<const char*, const char*> cases[] = {
      {"now", "2024-05-01T13:05:09"},
      {"now+60", "2024-05-01T13:06:09"},
      {"now+60seconds", "2024-05-01T13:06:09"},
      {"now+1hour", "2024-05-01T14:05:09"},
      {"now+2hours", "2024-05-01T15:05:09"},
      {"NOW+10minutes", "2024-05-01T13:15:09"},
      {"now+1day", "2024-05-02T13:05:09"},
      {"now+1week", "2024-05-08T13:05:09"},
      {"now-30", "2024-05-01T13:04:39"},
      {"16:00", "2024-05-01T16:00:00"},             // later today
      {"16:00:30", "2024-05-01T16:00:30"},
      {"10:00", "2024-05-02T10:00:00"},             // already past: tomorrow
      {"4:30PM", "2024-05-01T16:30:00"},
      {"12:00AM", "2024-05-02T00:00:00"},
      {"midnight", "2024-05-02T00:00:00"},
      {"noon", "2024-05-02T12:00:00"},              // 12:00 has passed
      {"fika", "2024-05-01T15:00:00"},
      {"teatime", "2024-05-01T16:00:00"},
      {"today", "2024-05-01T00:00:00"},
      {"tomorrow", "2024-05-02T00:00:00"},
      {"0601", "2024-06-01T00:00:00"},               // MMDD
      {"060125", "2025-06-01T00:00:00"},             // MMDDYY
      {"0401", "2025-04-01T00:00:00"},               // past without a year: next year
      {"06/01", "2024-06-01T00:00:00"},
      {"06/01/25", "2025-06-01T00:00:00"},
      {"6.1.25", "2025-06-01T00:00:00"},
      {"06/01-08:30", "2024-06-01T08:30:00"},
      {"06/01/2025-08:30:15", "2025-06-01T08:30:15"},
      {"2024-12-31", "2024-12-31T00:00:00"},
      {"2024-12-31T23:59", "2024-12-31T23:59:00"},
      {"2024-12-31T23:59:58", "2024-12-31T23:59:58"},
      {"16:00 06/01", "2024-06-01T16:00:00"},         // a time and a date
      {"tomorrow 08:00", "2024-05-02T08:00:00"},
  };
  for (const auto& [text, expected] : cases) {
    Result<int64_t> t = parse_begin_time(text, kNow);
    ASSERT_TRUE(t) << text << ": " << t.error();
    EXPECT_EQ(*t, at(expected)) << text;
  }
}

TEST_F(BeginTime, RefusesWithSlurmsMessage) {
  for (const char* text : {"", "bogus", "25:00", "12:60", "13:00PM", "now+", "now+5fortnights", "13/01",
                           "02/30", "2024-13-01", "2024-01-01T", "12:00 12:00", "06/01 07/01", "now+1 12:00"}) {
    Result<int64_t> t = parse_begin_time(text, kNow);
    EXPECT_FALSE(t) << text;
  }
  Result<int64_t> bad = parse_begin_time("bogus", kNow);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "Invalid time specification (pos=0): bogus");
  Result<int64_t> second = parse_begin_time("16:00 bogus", kNow);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), "Invalid time specification (pos=6): 16:00 bogus");
}

}  // namespace
}  // namespace drover
