// Prometheus text exposition format (version 0.0.4), written by hand: the
// controller's /metrics page. Pure: no clocks, no I/O; the controller feeds
// it values it already maintains.
//
// Families are written in the order they are opened; each opens with its
// # HELP and # TYPE lines. Label values are escaped (\\, \", \n) and HELP
// text is escaped (\\, \n) as the format requires.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drover {

using PromLabels = std::vector<std::pair<std::string, std::string>>;

// `a\"b` for a"b: backslash, double quote and newline escaped.
std::string prom_escape_label(std::string_view value);
// HELP text: backslash and newline escaped.
std::string prom_escape_help(std::string_view text);
// A sample value: whole numbers without exponent ("3", "1000000"), others
// in the shortest form that reads back exactly ("0.25", "1e-05"),
// "+Inf", "-Inf", "NaN".
std::string prom_format_value(double value);

// Cumulative histogram with fixed upper bounds (seconds, sizes...); the
// +Inf bucket is implicit.
class PromHistogram {
 public:
  explicit PromHistogram(std::vector<double> bounds = {});
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Observations <= bounds()[i] (cumulative); count() for +Inf.
  uint64_t cumulative(size_t i) const;
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> buckets_;  // per bucket, not cumulative
  uint64_t count_ = 0;
  double sum_ = 0;
};

// Latency buckets for work on the controller thread, 50 us to 10 s.
std::vector<double> prom_latency_buckets();

class PromWriter {
 public:
  // Starts a family: type is counter, gauge, histogram, summary or untyped.
  void family(std::string_view name, std::string_view help, std::string_view type);
  // One sample of the current family (or of its _bucket/_sum/_count series).
  void sample(std::string_view name, const PromLabels& labels, double value);
  // The _bucket, _sum and _count series of one labelled histogram.
  void histogram(std::string_view name, const PromLabels& labels, const PromHistogram& h);
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

}  // namespace drover
