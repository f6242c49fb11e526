// The controller's read-only status page (GET /): server-rendered HTML, no
// external assets, refreshed by a meta refresh. Pure: the controller fills
// a StatusView from its tables (bounded: the first rows of ordered sets),
// this turns it into a page, escaping every piece of text.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drover {

struct StatusJobRow {
  std::string id;         // "12", "12_3", "14_[1-5]"
  std::string user;
  std::string name;
  std::string partition;
  std::string state;      // long name: PENDING, RUNNING, COMPLETED...
  std::string detail;     // pending: the reason; running and ended: the nodes
  std::string time;       // pending: time waited; running: elapsed; ended: run time
  std::string when;       // ended: the end time
};

struct StatusNodeRow {
  std::string name;
  std::string state;      // sinfo's long state: IDLE, MIXED, ALLOCATED, DOWN...
  std::string reason;
  uint32_t cpus = 0;
  uint32_t alloc_cpus = 0;
  uint64_t memory_mb = 0;
  uint64_t alloc_mem_mb = 0;
  std::string clock_skew;  // "+0.2 s"
};

struct StatusView {
  std::string cluster;
  std::string generated_at;  // "2026-11-24T18:00:00"
  int refresh_s = 10;
  int64_t running = 0;       // totals from the counts, not from the rows
  int64_t pending = 0;
  std::vector<StatusJobRow> running_rows;
  std::vector<StatusJobRow> pending_rows;
  std::vector<StatusJobRow> finished_rows;
  std::vector<StatusNodeRow> nodes;
};

// &, <, >, " and ' as entities.
std::string html_escape(std::string_view text);
std::string render_status_page(const StatusView& view);

}  // namespace drover
