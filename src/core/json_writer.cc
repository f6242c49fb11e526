// JSON output for --json (docs/json-output.md).
#include "drover/json_writer.h"

#include <cstdio>

namespace drover {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out += buf;
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  out += '"';
}

void JsonWriter::open_value(std::string_view key) {
  if (levels_.empty()) return;  // the document's root
  Level& level = levels_.back();
  out_ += level.empty ? "\n" : ",\n";
  level.empty = false;
  out_.append(2 * levels_.size(), ' ');
  if (level.in_object) {
    append_json_string(out_, key);
    out_ += ": ";
  }
}

void JsonWriter::close(char bracket) {
  bool empty = levels_.back().empty;
  levels_.pop_back();
  if (!empty) {
    out_ += '\n';
    out_.append(2 * levels_.size(), ' ');
  }
  out_ += bracket;
}

void JsonWriter::begin_object(std::string_view key) {
  open_value(key);
  out_ += '{';
  levels_.push_back(Level{true});
}

void JsonWriter::end_object() { close('}'); }

void JsonWriter::begin_array(std::string_view key) {
  open_value(key);
  out_ += '[';
  levels_.push_back(Level{false});
}

void JsonWriter::end_array() { close(']'); }

void JsonWriter::string(std::string_view key, std::string_view value) {
  open_value(key);
  append_json_string(out_, value);
}

void JsonWriter::number(std::string_view key, int64_t value) {
  open_value(key);
  out_ += std::to_string(value);
}

void JsonWriter::boolean(std::string_view key, bool value) {
  open_value(key);
  out_ += value ? "true" : "false";
}

void JsonWriter::string_element(std::string_view value) { string({}, value); }
void JsonWriter::number_element(int64_t value) { number({}, value); }

std::string JsonWriter::finish() {
  out_ += '\n';
  return std::move(out_);
}

}  // namespace drover
