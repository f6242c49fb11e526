// LogLimiter: at most one log line per kind of event per interval, so a
// flood of bad input cannot flood the log (or the disk). The first event
// of a kind is always logged; later ones report how many were suppressed.
// Not thread-safe: one per io_context thread.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace drover {

class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::seconds interval = std::chrono::seconds(10)) : interval_(interval) {}

  // True if an event of this kind should be logged now; *suppressed is set
  // to how many were dropped since the last logged one.
  bool allow(const std::string& kind, std::chrono::steady_clock::time_point now, uint64_t* suppressed) {
    Entry& e = entries_[kind];
    if (e.logged_once && now - e.last < interval_) {
      ++e.suppressed;
      return false;
    }
    *suppressed = e.suppressed;
    e = Entry{now, 0, true};
    return true;
  }

 private:
  struct Entry {
    std::chrono::steady_clock::time_point last;
    uint64_t suppressed = 0;
    bool logged_once = false;
  };
  std::chrono::seconds interval_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace drover
