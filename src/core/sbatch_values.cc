#include "drover/sbatch_values.h"

#include <signal.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

namespace drover {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::toupper(x) == std::toupper(y); });
}

// Parses digits into a value no larger than `max`.
bool parse_bounded(std::string_view s, uint64_t max, uint64_t& out) {
  if (!all_digits(s) || s.size() > 12) return false;
  out = 0;
  for (char c : s) out = out * 10 + static_cast<uint64_t>(c - '0');
  return out <= max;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

int signal_number(std::string_view name) {
  static const struct { const char* name; int number; } kSignals[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ABRT", SIGABRT}, {"KILL", SIGKILL},
      {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"URG", SIGURG},
      {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
      {"XCPU", SIGXCPU}, {"PIPE", SIGPIPE}, {"WINCH", SIGWINCH}, {"PROF", SIGPROF}, {"VTALRM", SIGVTALRM},
  };
  uint64_t n;
  if (parse_bounded(name, 0xffff, n)) return static_cast<int>(n);
  if (name.size() > 3 && iequals(name.substr(0, 3), "SIG")) name.remove_prefix(3);
  for (const auto& s : kSignals)
    if (iequals(name, s.name)) return s.number;
  return 0;
}

Result<SignalSpec> parse_signal_spec(std::string_view text) {
  using R = Result<SignalSpec>;
  const std::string kBad = "Invalid --signal specification";
  SignalSpec spec;
  // R: (reservation end) has no meaning without reservations and is accepted as Slurm does.
  for (std::string_view prefix : {"RB:", "BR:", "B:", "R:"}) {
    if (text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix)) {
      spec.batch_only = prefix.find('B') != std::string_view::npos;
      text.remove_prefix(prefix.size());
      break;
    }
  }
  size_t at = text.find('@');
  spec.number = signal_number(text.substr(0, at));
  if (spec.number < 1) return R::fail(kBad);
  if (at != std::string_view::npos) {
    uint64_t secs;
    if (!parse_bounded(text.substr(at + 1), 0xffff, secs)) return R::fail(kBad);
    spec.secs = static_cast<uint32_t>(secs);
  }
  return R::ok(spec);
}

Result<NodeRange> parse_node_range(std::string_view text) {
  using R = Result<NodeRange>;
  const std::string kBad = "Invalid node count specification";
  auto one = [](std::string_view s, uint32_t& out) {
    uint64_t multiplier = 1;
    if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) multiplier = 1024, s.remove_suffix(1);
    else if (!s.empty() && (s.back() == 'm' || s.back() == 'M')) multiplier = 1048576, s.remove_suffix(1);
    uint64_t n;
    if (!parse_bounded(s, 0xffffffffULL, n) || n * multiplier > 0xffffffffULL) return false;
    out = static_cast<uint32_t>(n * multiplier);
    return true;
  };
  NodeRange range;
  size_t dash = text.find('-');
  if (!one(text.substr(0, dash), range.min)) return R::fail(kBad);
  if (dash != std::string_view::npos) {
    if (!one(text.substr(dash + 1), range.max)) return R::fail(kBad);
    if (range.max < range.min) return R::fail(kBad);
  }
  return R::ok(range);
}

Result<std::string> parse_mail_type(std::string_view text) {
  static const char* kTypes[] = {"NONE", "BEGIN", "END", "FAIL", "REQUEUE", "ALL", "INVALID_DEPEND", "STAGE_OUT",
                                 "TIME_LIMIT", "TIME_LIMIT_90", "TIME_LIMIT_80", "TIME_LIMIT_50", "ARRAY_TASKS"};
  std::string result = upper(text);
  size_t start = 0;
  while (start <= result.size()) {
    size_t end = std::min(result.find(',', start), result.size());
    std::string item = result.substr(start, end - start);
    if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return item == t; }))
      return Result<std::string>::fail("--mail-type=" + std::string(text) + " invalid");
    start = end + 1;
  }
  return Result<std::string>::ok(result);
}

Result<bool> parse_open_mode(std::string_view text) {
  if (!text.empty() && (text[0] == 'a' || text[0] == 'A')) return Result<bool>::ok(true);
  if (!text.empty() && (text[0] == 't' || text[0] == 'T')) return Result<bool>::ok(false);
  return Result<bool>::fail("Invalid --open-mode argument: " + std::string(text) + ". Ignored");
}

Result<int32_t> parse_nice(std::string_view text) {
  if (text.empty()) return Result<int32_t>::ok(100);
  bool negative = text[0] == '-';
  std::string_view digits = negative || text[0] == '+' ? text.substr(1) : text;
  uint64_t n;
  if (!parse_bounded(digits, 2147483645, n)) return Result<int32_t>::fail("Invalid --nice value: " + std::string(text));
  return Result<int32_t>::ok(negative ? -static_cast<int32_t>(n) : static_cast<int32_t>(n));
}

Result<int64_t> parse_deadline(std::string_view text, int64_t now) {
  using R = Result<int64_t>;
  const std::string kBad = "Invalid --deadline specification";
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("now", 0) == 0) {
    std::string_view rest = std::string_view(lower).substr(3);
    if (rest.empty()) return R::ok(now);
    if (rest[0] != '+') return R::fail(kBad);
    rest.remove_prefix(1);
    size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    uint64_t n;
    if (!parse_bounded(rest.substr(0, digits), 0xffffffffULL, n)) return R::fail(kBad);
    std::string_view unit = rest.substr(digits);
    static const struct { const char* name; int64_t secs; } kUnits[] = {
        {"", 1}, {"seconds", 1}, {"minutes", 60}, {"hours", 3600}, {"days", 86400}, {"weeks", 604800}};
    for (const auto& u : kUnits)
      if (unit == u.name) return R::ok(now + static_cast<int64_t>(n) * u.secs);
    return R::fail(kBad);
  }
  std::tm tm{};
  int year, month, day, hour = 0, minute = 0, second = 0, used = 0;
  const char* p = lower.c_str();
  if (std::sscanf(p, "%4d-%2d-%2d%n", &year, &month, &day, &used) != 3) return R::fail(kBad);
  p += used;
  if (*p != '\0') {
    used = 0;
    if (std::sscanf(p, "t%2d:%2d%n", &hour, &minute, &used) != 2 || used == 0) return R::fail(kBad);
    p += used;
    if (*p == ':') {
      used = 0;
      if (std::sscanf(p, ":%2d%n", &second, &used) != 1 || used == 0) return R::fail(kBad);
      p += used;
    }
    if (*p != '\0') return R::fail(kBad);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return R::fail(kBad);
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  time_t t = std::mktime(&tm);
  if (t == static_cast<time_t>(-1)) return R::fail(kBad);
  return R::ok(static_cast<int64_t>(t));
}

}  // namespace drover
