#include "drover/prom_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace drover {

std::string prom_escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prom_escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prom_format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers below 2^53 print exactly, without an exponent, so
  // counters read as integers.
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  // The shortest form that reads back to the same double.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
    if (std::strtod(shorter, nullptr) == value) return shorter;
  }
  return buf;
}

PromHistogram::PromHistogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  buckets_.assign(bounds_.size(), 0);
}

void PromHistogram::observe(double value) {
  ++count_;
  sum_ += value;
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);  // first bound >= value: le
  if (it != bounds_.end()) ++buckets_[static_cast<size_t>(it - bounds_.begin())];
}

uint64_t PromHistogram::cumulative(size_t i) const {
  uint64_t total = 0;
  for (size_t b = 0; b <= i && b < buckets_.size(); ++b) total += buckets_[b];
  return total;
}

std::vector<double> prom_latency_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void PromWriter::family(std::string_view name, std::string_view help, std::string_view type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += prom_escape_help(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PromWriter::sample(std::string_view name, const PromLabels& labels, double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i) out_ += ',';
      out_ += labels[i].first;
      out_ += "=\"";
      out_ += prom_escape_label(labels[i].second);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  out_ += prom_format_value(value);
  out_ += '\n';
}

void PromWriter::histogram(std::string_view name, const PromLabels& labels, const PromHistogram& h) {
  std::string bucket = std::string(name) + "_bucket";
  uint64_t running = 0;
  for (size_t i = 0; i < h.bounds().size(); ++i) {
    running = h.cumulative(i);
    PromLabels with_le = labels;
    with_le.emplace_back("le", prom_format_value(h.bounds()[i]));
    sample(bucket, with_le, static_cast<double>(running));
  }
  PromLabels inf = labels;
  inf.emplace_back("le", "+Inf");
  sample(bucket, inf, static_cast<double>(h.count()));
  sample(std::string(name) + "_sum", labels, h.sum());
  sample(std::string(name) + "_count", labels, static_cast<double>(h.count()));
}

}  // namespace drover
