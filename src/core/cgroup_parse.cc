#include "drover/cgroup_parse.h"

#include <charconv>
#include <vector>

namespace drover {
namespace {

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int value = 0;
      bool octal = true;
      for (size_t k = 1; k <= 3; ++k) {
        char c = field[i + k];
        if (c < '0' || c > '7') octal = false;
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

}  // namespace

std::set<std::string> parse_cgroup_controllers(std::string_view text) {
  std::set<std::string> names;
  for (std::string_view word : split_words(text)) names.emplace(word);
  return names;
}

std::optional<uint64_t> parse_cgroup_key(std::string_view text, std::string_view key) {
  for (std::string_view line : split_lines(text)) {
    std::vector<std::string_view> words = split_words(line);
    if (words.size() != 2 || words[0] != key) continue;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(words[1].data(), words[1].data() + words[1].size(), value);
    if (ec == std::errc() && end == words[1].data() + words[1].size()) return value;
  }
  return std::nullopt;
}

std::optional<std::string> parse_proc_cgroup_v2(std::string_view text) {
  for (std::string_view line : split_lines(text)) {
    // "0::/path"; the path may itself hold colons, so split only twice.
    if (line.substr(0, 3) == "0::" && line.size() > 3) return std::string(line.substr(3));
  }
  return std::nullopt;
}

CgroupMounts parse_cgroup_mounts(std::string_view mountinfo) {
  // id parent major:minor root mount-point options [optional...] - fstype source super-options
  CgroupMounts mounts;
  for (std::string_view line : split_lines(mountinfo)) {
    std::vector<std::string_view> words = split_words(line);
    size_t dash = 0;
    while (dash < words.size() && words[dash] != "-") ++dash;
    if (dash < 5 || dash + 1 >= words.size()) continue;
    std::string_view fstype = words[dash + 1];
    if (fstype == "cgroup") mounts.v1 = true;
    // The first cgroup2 mount wins: later ones are usually bind mounts of it.
    if (fstype == "cgroup2" && mounts.v2.empty()) {
      mounts.v2 = unescape_octal(words[4]);
      mounts.v2_root = unescape_octal(words[3]);
    }
  }
  return mounts;
}

uint64_t job_memory_limit_mb(uint64_t mem_mb, uint64_t mem_per_cpu_mb, uint32_t cpus, uint64_t node_memory_mb) {
  // The same precedence as the controller's scheduler (job_request.cc).
  if (mem_per_cpu_mb > 0) return mem_per_cpu_mb * (cpus == 0 ? 1 : cpus);
  if (mem_mb > 0) return mem_mb;
  return node_memory_mb;
}

std::string cgroup_cpu_max(uint32_t cpus, uint32_t period_us) {
  uint64_t quota = uint64_t{cpus == 0 ? 1u : cpus} * period_us;
  return std::to_string(quota) + " " + std::to_string(period_us);
}

}  // namespace drover
