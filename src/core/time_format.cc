// Slurm's --time and --mem syntaxes and its duration/timestamp printers
// (spec §0, §1.1, §1.2).
#include "drover/time_format.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

namespace drover {
namespace {

constexpr char kBadTime[] = "Invalid --time specification";
constexpr char kBadMem[] = "Invalid --mem specification";
// Bounds each field so arithmetic on it cannot overflow uint64_t.
constexpr size_t kMaxFieldDigits = 12;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return to_upper(x) == to_upper(y); });
}

std::optional<uint64_t> parse_field(std::string_view digits) {
  if (digits.empty() || digits.size() > kMaxFieldDigits) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// Splits "a:b:c" into at most three numeric fields; nullopt if malformed.
std::optional<std::vector<uint64_t>> parse_colon_fields(std::string_view text) {
  std::vector<uint64_t> fields;
  while (true) {
    size_t colon = text.find(':');
    auto field = parse_field(text.substr(0, colon));
    if (!field || fields.size() == 3) return std::nullopt;
    fields.push_back(*field);
    if (colon == std::string_view::npos) return fields;
    text.remove_prefix(colon + 1);
  }
}

// Without a day part the fields read M, M:S or H:M:S.
std::optional<uint64_t> seconds_without_days(std::string_view text) {
  auto f = parse_colon_fields(text);
  if (!f) return std::nullopt;
  switch (f->size()) {
    case 1: return (*f)[0] * 60;
    case 2: return (*f)[0] * 60 + (*f)[1];
    default: return (*f)[0] * 3600 + (*f)[1] * 60 + (*f)[2];
  }
}

// After "D-" the fields read H, H:M or H:M:S. Slurm also takes a bare "D-"
// as D days (its validator counts digit groups, not fields).
std::optional<uint64_t> seconds_with_days(std::string_view days_text, std::string_view rest) {
  auto days = parse_field(days_text);
  if (!days) return std::nullopt;
  uint64_t seconds = *days * 86400;
  if (rest.empty()) return seconds;
  auto f = parse_colon_fields(rest);
  if (!f) return std::nullopt;
  const uint64_t unit[] = {3600, 60, 1};
  for (size_t i = 0; i < f->size(); ++i) seconds += (*f)[i] * unit[i];
  return seconds;
}

std::string two_digits(int64_t n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

struct Clock {
  int64_t days, hours, minutes, seconds;
};

Clock split_seconds(int64_t total) {
  return {total / 86400, (total / 3600) % 24, (total / 60) % 60, total % 60};
}

// Unit suffix of --mem, case-insensitive, optionally followed by B.
std::optional<uint64_t> unit_multiplier_kb(std::string_view suffix) {
  if (suffix.empty()) return 1024;
  if (suffix.size() > 2 || (suffix.size() == 2 && to_upper(suffix[1]) != 'B')) {
    return std::nullopt;
  }
  switch (to_upper(suffix[0])) {
    case 'K': return 1;
    case 'M': return 1024;
    case 'G': return 1024ull * 1024;
    case 'T': return 1024ull * 1024 * 1024;
    default: return std::nullopt;
  }
}

}  // namespace

Result<uint32_t> parse_time_limit(std::string_view text) {
  using R = Result<uint32_t>;
  if (equals_ignore_case(text, "-1") || equals_ignore_case(text, "INFINITE") ||
      equals_ignore_case(text, "UNLIMITED")) {
    return R::ok(kInfiniteMinutes);
  }
  size_t dash = text.find('-');
  std::optional<uint64_t> seconds =
      dash == std::string_view::npos
          ? seconds_without_days(text)
          : seconds_with_days(text.substr(0, dash), text.substr(dash + 1));
  if (!seconds) return R::fail(kBadTime);
  // Slurm rounds up: a 30-second limit is one minute, never zero (no limit).
  uint64_t minutes = (*seconds + 59) / 60;
  if (minutes >= kInfiniteMinutes) return R::fail(kBadTime);
  return R::ok(static_cast<uint32_t>(minutes));
}

std::string format_elapsed(int64_t seconds) {
  if (seconds < 0) return "INVALID";  // as squeue's _print_secs
  Clock c = split_seconds(seconds);
  // Built in one buffer: squeue prints this for every job of a listing.
  char buf[48];
  int n;
  if (c.days > 0) {
    n = std::snprintf(buf, sizeof buf, "%lld-%02lld:%02lld:%02lld", static_cast<long long>(c.days),
                      static_cast<long long>(c.hours), static_cast<long long>(c.minutes),
                      static_cast<long long>(c.seconds));
  } else if (c.hours > 0) {
    n = std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(c.hours),
                      static_cast<long long>(c.minutes), static_cast<long long>(c.seconds));
  } else if (c.minutes < 10) {
    // The common case ("0:00" for every pending job) without printf.
    buf[0] = static_cast<char>('0' + c.minutes);
    buf[1] = ':';
    buf[2] = static_cast<char>('0' + c.seconds / 10);
    buf[3] = static_cast<char>('0' + c.seconds % 10);
    n = 4;
  } else {
    n = std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(c.minutes),
                      static_cast<long long>(c.seconds));
  }
  return std::string(buf, static_cast<size_t>(n));
}

std::string format_duration(int64_t seconds) {
  if (seconds < 0) return "INVALID";  // as secs2time_str
  Clock c = split_seconds(seconds);
  std::string clock = two_digits(c.hours) + ":" + two_digits(c.minutes) + ":" + two_digits(c.seconds);
  return c.days > 0 ? std::to_string(c.days) + "-" + clock : clock;
}

std::string format_iso_time(int64_t epoch_seconds) {
  // Slurm prints INFINITE (0xffffffff) as "Unknown" too (spec §0).
  if (epoch_seconds == 0 || epoch_seconds == 0xFFFFFFFFll) return "Unknown";
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm local{};
  // localtime_r, not std::localtime: daemons format times from many threads.
  if (localtime_r(&t, &local) == nullptr) return "Unknown";
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &local);
  return n == 0 ? "Unknown" : std::string(buf, n);
}

Result<uint64_t> parse_mem_mb(std::string_view text) {
  using R = Result<uint64_t>;
  size_t digits_end = 0;
  while (digits_end < text.size() && is_digit(text[digits_end])) ++digits_end;
  auto number = parse_field(text.substr(0, digits_end));
  auto per_unit_kb = unit_multiplier_kb(text.substr(digits_end));
  if (!number || !per_unit_kb) return R::fail(kBadMem);
  // Work in KB so "100K" can round up to 1 MB as Slurm does.
  uint64_t kb = *number * *per_unit_kb;
  if (kb / *per_unit_kb != *number) return R::fail(kBadMem);
  return R::ok((kb + 1023) / 1024);
}

}  // namespace drover
