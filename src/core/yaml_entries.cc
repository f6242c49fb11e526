#include "drover/yaml_entries.h"

#include <algorithm>

namespace drover {
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// The key of a line that opens a top-level entry (`name:` then a space, a
// tab or the end of the line), or "" when the line is anything else.
std::string_view entry_key(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t end = 0;
  // A plain key starting with '-' would be a sequence entry: letters first.
  if (line.empty() || !is_key_char(line[0]) || line[0] == '-') return {};
  while (end < line.size() && is_key_char(line[end])) ++end;
  size_t colon = end;
  while (colon < line.size() && line[colon] == ' ') ++colon;
  if (colon == line.size() || line[colon] != ':') return {};
  if (colon + 1 < line.size() && line[colon + 1] != ' ' && line[colon + 1] != '\t') return {};
  return line.substr(0, end);
}

}  // namespace

std::optional<std::string> top_level_entries(std::string_view text, std::initializer_list<std::string_view> keys) {
  std::string out;
  out.reserve(text.size());
  bool seen_key = false;
  bool keep = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    bool last = end == std::string_view::npos;
    std::string_view line = text.substr(start, last ? std::string_view::npos : end - start);
    start = last ? text.size() : end + 1;
    bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
    bool comment = !line.empty() && line[0] == '#';
    if (!indented && !blank && !comment) {
      std::string_view key = entry_key(line);
      if (key.empty()) return std::nullopt;  // not a block mapping we can split
      seen_key = true;
      keep = std::find(keys.begin(), keys.end(), key) != keys.end();
    } else if (!seen_key && !blank && !comment) {
      return std::nullopt;  // indented content before the first key
    }
    if (keep) out += line;
    if (!last) out += '\n';
  }
  return out;
}

}  // namespace drover
