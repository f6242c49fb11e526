// Slurm's output format language (print.c), shared by squeue and sinfo.
#include "drover/format_spec.h"

#include <algorithm>
#include <cctype>

namespace drover {
namespace {

// Above this a format width is surely a typo, not a column.
constexpr int kMaxWidth = 100000;

}  // namespace

Result<std::vector<FormatPiece>> parse_format_spec(std::string_view format,
                                                   const std::function<bool(char)>& is_code,
                                                   std::string_view error_prefix,
                                                   bool allow_fitted) {
  using R = Result<std::vector<FormatPiece>>;
  auto fail = [&](std::string_view what) {
    return R::fail(std::string(error_prefix) + std::string(what));
  };
  std::vector<FormatPiece> pieces;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) pieces.push_back(FormatPiece{0, std::move(literal)});
    literal.clear();
  };
  size_t i = 0;
  while (i < format.size()) {
    if (format[i] != '%') {
      literal += format[i++];
      continue;
    }
    size_t start = i++;
    if (i < format.size() && format[i] == '%') {
      literal += '%';
      ++i;
      continue;
    }
    FormatPiece field;
    if (allow_fitted) {
      for (; i < format.size() && (format[i] == '.' || format[i] == '#'); ++i) {
        (format[i] == '.' ? field.right : field.fitted) = true;
      }
    } else if (i < format.size() && format[i] == '.') {
      field.right = true;
      ++i;
    }
    while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
      field.width = field.width * 10 + (format[i++] - '0');
      if (field.width > kMaxWidth) return fail(format.substr(start, i - start));
    }
    if (i >= format.size()) return fail(format.substr(start));
    if (format[i] == '\0' || !is_code(format[i])) return fail(format.substr(i, 1));
    field.code = format[i++];
    flush();
    pieces.push_back(std::move(field));
  }
  flush();
  return R::ok(std::move(pieces));
}

void append_padded(std::string& out, std::string_view text, int width, bool right, bool cut) {
  size_t w = static_cast<size_t>(width);
  if (w > 0 && cut && text.size() > w) text = text.substr(0, w);
  size_t pad = w > text.size() ? w - text.size() : 0;
  // One resize and plain stores: this runs for every cell of every line,
  // and three appends cost three library calls per cell.
  size_t at = out.size();
  out.resize(at + pad + text.size());
  char* p = out.data() + at;
  if (right) p = std::fill_n(p, pad, ' ');
  p = std::copy(text.begin(), text.end(), p);
  if (!right) std::fill_n(p, pad, ' ');
}

Result<std::vector<LongField>> parse_long_fields(std::string_view format, std::string_view error_prefix) {
  using R = Result<std::vector<LongField>>;
  std::vector<LongField> fields;
  size_t start = 0;
  while (start <= format.size()) {
    size_t end = format.find(',', start);
    if (end == std::string_view::npos) end = format.size();
    std::string_view token = format.substr(start, end - start);
    start = end + 1;
    if (token.empty()) continue;
    LongField field;
    field.name = std::string(token);
    if (size_t colon = token.find(':'); colon != std::string_view::npos) {
      field.name = std::string(token.substr(0, colon));
      std::string_view spec = token.substr(colon + 1);
      if (!spec.empty() && spec.front() == '.') {
        field.right = true;
        spec.remove_prefix(1);
      }
      size_t digits = 0;
      field.width = 0;
      while (digits < spec.size() && std::isdigit(static_cast<unsigned char>(spec[digits]))) {
        field.width = field.width * 10 + (spec[digits++] - '0');
        if (field.width > 100000) return R::fail(std::string(error_prefix) + std::string(token));
      }
      field.suffix = std::string(spec.substr(digits));
    }
    fields.push_back(std::move(field));
  }
  return R::ok(std::move(fields));
}

}  // namespace drover
