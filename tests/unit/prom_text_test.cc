#include "drover/prom_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace drover {
namespace {

TEST(PromTextTest, EscapesLabelValuesAsTheFormatRequires) {
  EXPECT_EQ(prom_escape_label("plain"), "plain");
  EXPECT_EQ(prom_escape_label(R"(a"b)"), R"(a\"b)");
  EXPECT_EQ(prom_escape_label(R"(C:\dir)"), R"(C:\\dir)");
  EXPECT_EQ(prom_escape_label("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(prom_escape_label("{x=\"1\"}"), R"({x=\"1\"})");
}

TEST(PromTextTest, EscapesHelpButNotQuotes) {
  EXPECT_EQ(prom_escape_help(R"(say "hi" \ bye)" "\n"), R"(say "hi" \\ bye\n)");
}

TEST(PromTextTest, FormatsValues) {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {{0, "0"},           {3, "3"},           {-2, "-2"},      {1e6, "1000000"},
                        {0.25, "0.25"},     {0.1, "0.1"},       {1e-05, "1e-05"}, {2.5e-05, "2.5e-05"},
                        {123.456, "123.456"}, {1e20, "1e+20"}};
  for (const Case& c : cases) EXPECT_EQ(prom_format_value(c.value), c.text) << c.value;
  EXPECT_EQ(prom_format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(prom_format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(prom_format_value(std::nan("")), "NaN");
}

TEST(PromTextTest, WritesFamiliesAndLabelledSamples) {
  PromWriter w;
  w.family("drover_jobs", "Jobs by state.\nSecond line", "gauge");
  w.sample("drover_jobs", {{"state", "PENDING"}, {"partition", "pi\"x"}}, 3);
  w.sample("drover_jobs", {}, 0.5);
  EXPECT_EQ(w.text(),
            "# HELP drover_jobs Jobs by state.\\nSecond line\n"
            "# TYPE drover_jobs gauge\n"
            "drover_jobs{state=\"PENDING\",partition=\"pi\\\"x\"} 3\n"
            "drover_jobs 0.5\n");
}

TEST(PromTextTest, HistogramBucketsAreCumulativeWithInfAndSumAndCount) {
  PromHistogram h({0.25, 1, 0.125});  // bounds are sorted
  for (double v : {0.0625, 0.125, 0.1875, 0.5, 4.0}) h.observe(v);
  EXPECT_EQ(h.cumulative(0), 2u);  // <= 0.125, the boundary included (le)
  EXPECT_EQ(h.cumulative(1), 3u);
  EXPECT_EQ(h.cumulative(2), 4u);
  EXPECT_EQ(h.count(), 5u);
  PromWriter w;
  w.histogram("x_seconds", {{"type", "submit"}}, h);
  EXPECT_EQ(w.text(),
            "x_seconds_bucket{type=\"submit\",le=\"0.125\"} 2\n"
            "x_seconds_bucket{type=\"submit\",le=\"0.25\"} 3\n"
            "x_seconds_bucket{type=\"submit\",le=\"1\"} 4\n"
            "x_seconds_bucket{type=\"submit\",le=\"+Inf\"} 5\n"
            "x_seconds_sum{type=\"submit\"} 4.875\n"
            "x_seconds_count{type=\"submit\"} 5\n");
}

}  // namespace
}  // namespace drover
