#include "drover/begin_time.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>
#include <vector>

namespace drover {
namespace {

struct Clock {
  int hour = -1, min = 0, sec = 0;  // hour -1: no time of day given
};
struct Date {
  int year = -1, mon = 0, mday = 0;  // year -1: not given; mon 1-12
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<int> num(std::string_view s, size_t min_len, size_t max_len) {
  if (s.size() < min_len || s.size() > max_len || !all_digits(s)) return std::nullopt;
  return std::stoi(std::string(s));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// "HH:MM[:SS][AM|PM]"
std::optional<Clock> parse_clock(std::string_view s) {
  std::string l = lower(s);
  int add = -1;  // -1: 24-hour clock
  if (l.size() > 2 && (l.ends_with("am") || l.ends_with("pm"))) {
    add = l.ends_with("pm") ? 12 : 0;
    s = s.substr(0, s.size() - 2);
  }
  std::vector<std::string_view> parts = split(s, ':');
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  Clock c;
  std::optional<int> h = num(parts[0], 1, 2), m = num(parts[1], 2, 2);
  std::optional<int> sec = parts.size() == 3 ? num(parts[2], 2, 2) : std::optional<int>(0);
  if (!h || !m || !sec || *m > 59 || *sec > 59) return std::nullopt;
  if (add >= 0) {
    if (*h < 1 || *h > 12) return std::nullopt;
    c.hour = *h % 12 + add;
  } else {
    if (*h > 23) return std::nullopt;
    c.hour = *h;
  }
  c.min = *m;
  c.sec = *sec;
  return c;
}

int year_of(int yy_or_yyyy, size_t digits) { return digits == 2 ? 2000 + yy_or_yyyy : yy_or_yyyy; }

bool valid_date(const Date& d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return d.mon >= 1 && d.mon <= 12 && d.mday >= 1 && d.mday <= kDays[d.mon - 1];
}

// "MMDD[YY]", "MM/DD[/YY]", "MM.DD[.YY]", "YYYY-MM-DD"
std::optional<Date> parse_date(std::string_view s) {
  Date d;
  if (all_digits(s) && (s.size() == 4 || s.size() == 6)) {
    d.mon = std::stoi(std::string(s.substr(0, 2)));
    d.mday = std::stoi(std::string(s.substr(2, 2)));
    if (s.size() == 6) d.year = year_of(std::stoi(std::string(s.substr(4, 2))), 2);
    return valid_date(d) ? std::optional<Date>(d) : std::nullopt;
  }
  for (char sep : {'/', '.', '-'}) {
    if (s.find(sep) == std::string_view::npos) continue;
    std::vector<std::string_view> parts = split(s, sep);
    if (sep == '-') {
      if (parts.size() != 3) return std::nullopt;
      std::optional<int> y = num(parts[0], 4, 4), m = num(parts[1], 1, 2), day = num(parts[2], 1, 2);
      if (!y || !m || !day) return std::nullopt;
      d = {*y, *m, *day};
    } else {
      if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
      std::optional<int> m = num(parts[0], 1, 2), day = num(parts[1], 1, 2);
      if (!m || !day) return std::nullopt;
      d.mon = *m;
      d.mday = *day;
      if (parts.size() == 3) {
        std::optional<int> y = num(parts[2], 2, 4);
        if (!y || parts[2].size() == 3) return std::nullopt;
        d.year = year_of(*y, parts[2].size());
      }
    }
    return valid_date(d) ? std::optional<Date>(d) : std::nullopt;
  }
  return std::nullopt;
}

// "now", "now+5", "now+1hour", "now-2days"
std::optional<int64_t> parse_now(std::string_view s, int64_t now) {
  std::string l = lower(s);
  if (l == "now") return now;
  if (l.size() < 5 || (l[3] != '+' && l[3] != '-')) return std::nullopt;
  size_t digits_end = l.find_first_not_of("0123456789", 4);
  std::string count = l.substr(4, digits_end == std::string::npos ? std::string::npos : digits_end - 4);
  if (count.empty() || count.size() > 9) return std::nullopt;
  std::string unit = digits_end == std::string::npos ? "" : l.substr(digits_end);
  int64_t scale;
  if (unit.empty() || unit == "seconds" || unit == "second") scale = 1;
  else if (unit == "minutes" || unit == "minute") scale = 60;
  else if (unit == "hours" || unit == "hour") scale = 3600;
  else if (unit == "days" || unit == "day") scale = 86400;
  else if (unit == "weeks" || unit == "week") scale = 7 * 86400;
  else return std::nullopt;
  int64_t delta = std::stoll(count) * scale;
  return l[3] == '+' ? now + delta : now - delta;
}

int64_t local_time(int year, int mon, int mday, int hour, int min, int sec) {
  struct tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = mday;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  return static_cast<int64_t>(mktime(&tm));
}

Result<int64_t> invalid(size_t pos, std::string_view text) {
  return Result<int64_t>::fail("Invalid time specification (pos=" + std::to_string(pos) + "): " + std::string(text));
}

}  // namespace

Result<int64_t> parse_begin_time(std::string_view text, int64_t now) {
  time_t now_t = static_cast<time_t>(now);
  struct tm today = {};
  localtime_r(&now_t, &today);
  const int year = today.tm_year + 1900, mon = today.tm_mon + 1, mday = today.tm_mday;

  std::optional<Clock> clock;
  std::optional<Date> date;
  bool keyword_day = false;  // today/tomorrow fixed the date
  size_t pos = 0;
  while (pos < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[pos]))) {
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view word = text.substr(pos, end - pos);
    std::string l = lower(word);
    if (l.starts_with("now")) {
      std::optional<int64_t> t = parse_now(word, now);
      if (!t || clock || date || end < text.size()) return invalid(pos, text);
      return Result<int64_t>::ok(*t);
    }
    if (l == "midnight" || l == "noon" || l == "fika" || l == "teatime") {
      if (clock) return invalid(pos, text);
      clock = Clock{l == "midnight" ? 0 : l == "noon" ? 12 : l == "fika" ? 15 : 16, 0, 0};
      // Midnight is the coming one, not the one that began today.
      if (l == "midnight" && !date) {
        keyword_day = true;
        time_t t = static_cast<time_t>(local_time(year, mon, mday + 1, 0, 0, 0));
        struct tm next = {};
        localtime_r(&t, &next);
        date = Date{next.tm_year + 1900, next.tm_mon + 1, next.tm_mday};
      }
    } else if (l == "today" || l == "tomorrow") {
      if (date) return invalid(pos, text);
      time_t t = static_cast<time_t>(local_time(year, mon, mday + (l == "tomorrow" ? 1 : 0), 0, 0, 0));
      struct tm day = {};
      localtime_r(&t, &day);
      date = Date{day.tm_year + 1900, day.tm_mon + 1, day.tm_mday};
      keyword_day = true;
    } else if (size_t t = word.find('T'); t != std::string_view::npos && word.find('-') < t) {
      // YYYY-MM-DDTHH:MM[:SS]
      std::optional<Date> d = parse_date(word.substr(0, t));
      std::optional<Clock> c = parse_clock(word.substr(t + 1));
      if (!d || !c || d->year < 0 || date || clock) return invalid(pos, text);
      date = d;
      clock = c;
    } else if (size_t dash = word.find('-'); dash != std::string_view::npos && word.find('/') < dash) {
      // MM/DD[/YY]-HH:MM[:SS]
      std::optional<Date> d = parse_date(word.substr(0, dash));
      std::optional<Clock> c = parse_clock(word.substr(dash + 1));
      if (!d || !c || date || clock) return invalid(pos, text);
      date = d;
      clock = c;
    } else if (word.find(':') != std::string_view::npos) {
      std::optional<Clock> c = parse_clock(word);
      if (!c || clock) return invalid(pos, text);
      clock = c;
    } else {
      std::optional<Date> d = parse_date(word);
      if (!d || date) return invalid(pos, text);
      date = d;
    }
    pos = end;
  }
  if (!clock && !date) return invalid(0, text);

  Clock c = clock.value_or(Clock{0, 0, 0});
  if (!date) {
    // A time of day alone: today, or tomorrow once it has passed.
    int64_t t = local_time(year, mon, mday, c.hour, c.min, c.sec);
    if (t < now) t = local_time(year, mon, mday + 1, c.hour, c.min, c.sec);
    return Result<int64_t>::ok(t);
  }
  Date d = *date;
  if (d.year < 0) {
    // No year: this year, or next year if the day is already past.
    d.year = year;
    if (!keyword_day && (d.mon < mon || (d.mon == mon && d.mday < mday))) d.year = year + 1;
  }
  return Result<int64_t>::ok(local_time(d.year, d.mon, d.mday, c.hour, c.min, c.sec));
}

}  // namespace drover
