#include "status_page.h"

namespace drover {
namespace {

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f4f6f9}
header{background:#24344d;color:#fff;padding:12px 24px;display:flex;align-items:baseline;gap:24px;flex-wrap:wrap}
header h1{font-size:20px;margin:0}
header span{opacity:.8}
main{padding:8px 24px 24px;max-width:1200px}
section{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.12);margin:16px 0;padding:4px 16px 12px}
h2{font-size:16px;margin:12px 0 8px}
h2 small{font-weight:normal;color:#5b6475}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #e3e7ee;white-space:nowrap}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6475}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.empty{color:#5b6475;font-style:italic;padding:4px 10px}
.st{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e3e7ee}
.st-RUNNING,.st-ALLOCATED,.st-MIXED{background:#d8f0dd;color:#17612b}
.st-PENDING{background:#fdf0d2;color:#7a5400}
.st-COMPLETED,.st-IDLE{background:#dde8fb;color:#1f4f9c}
.st-FAILED,.st-TIMEOUT,.st-NODE_FAIL,.st-OUT_OF_MEMORY,.st-DOWN{background:#fbdcdc;color:#9c1f1f}
.bar{display:inline-block;width:80px;height:8px;background:#e3e7ee;border-radius:4px;vertical-align:middle;margin-right:6px;overflow:hidden}
.bar i{display:block;height:100%;background:#3b7dd8}
)";

void cell(std::string& out, std::string_view text, const char* cls = nullptr) {
  out += cls ? std::string("<td class=\"") + cls + "\">" : std::string("<td>");
  out += html_escape(text);
  out += "</td>";
}

void state_cell(std::string& out, std::string_view state) {
  // The class name is built from a state name; escaped like any text.
  out += "<td><span class=\"st st-" + html_escape(state) + "\">" + html_escape(state) + "</span></td>";
}

std::string bar(uint64_t used, uint64_t total) {
  unsigned pct = total ? static_cast<unsigned>(used * 100 / total) : 0;
  if (pct > 100) pct = 100;
  return "<span class=\"bar\"><i style=\"width:" + std::to_string(pct) + "%\"></i></span>";
}

void job_table(std::string& out, const char* title, const char* id, int64_t total,
               const std::vector<StatusJobRow>& rows, const char* detail_title, const char* time_title,
               bool with_end) {
  out += "<section id=\"";
  out += id;
  out += "\"><h2>";
  out += title;
  if (total >= 0) {
    out += " <small>";
    out += std::to_string(total);
    if (static_cast<size_t>(total) > rows.size()) out += ", first " + std::to_string(rows.size()) + " shown";
    out += "</small>";
  }
  out += "</h2>";
  if (rows.empty()) {
    out += "<p class=\"empty\">none</p></section>\n";
    return;
  }
  out += "<table><thead><tr><th>Job ID</th><th>User</th><th>Name</th><th>Partition</th><th>State</th><th>";
  out += detail_title;
  out += "</th><th>";
  out += time_title;
  out += "</th>";
  if (with_end) out += "<th>Ended</th>";
  out += "</tr></thead><tbody>\n";
  for (const StatusJobRow& r : rows) {
    out += "<tr>";
    cell(out, r.id);
    cell(out, r.user);
    cell(out, r.name);
    cell(out, r.partition);
    state_cell(out, r.state);
    cell(out, r.detail);
    cell(out, r.time, "num");
    if (with_end) cell(out, r.when);
    out += "</tr>\n";
  }
  out += "</tbody></table></section>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_status_page(const StatusView& view) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(view.refresh_s) + "\">";
  out += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  out += "<title>" + html_escape(view.cluster) + " — Drover</title><style>";
  out += kStyle;
  out += "</style></head><body>\n<header><h1>" + html_escape(view.cluster) + "</h1>";
  out += "<span>" + std::to_string(view.running) + " running</span>";
  out += "<span>" + std::to_string(view.pending) + " pending</span>";
  out += "<span>" + std::to_string(view.nodes.size()) + " nodes</span>";
  out += "<span>updated " + html_escape(view.generated_at) + "</span></header>\n<main>\n";
  job_table(out, "Running", "running", view.running, view.running_rows, "Nodes", "Time", false);
  job_table(out, "Pending", "pending", view.pending, view.pending_rows, "Reason", "Waiting", false);

  out += "<section id=\"nodes\"><h2>Nodes</h2>";
  if (view.nodes.empty()) {
    out += "<p class=\"empty\">none</p>";
  } else {
    out += "<table><thead><tr><th>Node</th><th>State</th><th>CPUs (allocated/total)</th>"
           "<th>Memory MB (allocated/total)</th><th>Clock skew</th><th>Reason</th></tr></thead><tbody>\n";
    for (const StatusNodeRow& n : view.nodes) {
      out += "<tr>";
      cell(out, n.name);
      state_cell(out, n.state);
      out += "<td>" + bar(n.alloc_cpus, n.cpus) + std::to_string(n.alloc_cpus) + "/" + std::to_string(n.cpus) + "</td>";
      out += "<td>" + bar(n.alloc_mem_mb, n.memory_mb) + std::to_string(n.alloc_mem_mb) + "/" +
             std::to_string(n.memory_mb) + "</td>";
      cell(out, n.clock_skew, "num");
      cell(out, n.reason);
      out += "</tr>\n";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";
  job_table(out, "Recently finished", "finished", -1, view.finished_rows, "Nodes", "Run time", true);
  out += "</main></body></html>\n";
  return out;
}

}  // namespace drover
