// Output file name patterns (spec §1.7), expanded the way slurmstepd does for
// a batch script.
#include "drover/output_pattern.h"

#include <algorithm>
#include <cctype>

namespace drover {

namespace {

// %a of a job that is not an array prints Slurm's NO_VAL.
constexpr uint32_t kNoVal = 4294967294u;
// Slurm caps the zero-padding width; "%20j" pads to 10 digits.
constexpr unsigned kMaxWidth = 10;

std::string zero_padded(uint64_t value, unsigned width) {
  std::string digits = std::to_string(value);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

// The numeric value of a code letter, or nullopt if the code is not numeric.
std::optional<uint64_t> numeric_code(char code, const PatternContext& ctx) {
  bool is_array = ctx.array_task_id.has_value();
  switch (code) {
    case 'j':
      return ctx.job_id;
    case 'J':  // jobid.stepid; the batch script has no step suffix
      if (ctx.step_id) return std::nullopt;
      return ctx.job_id;
    case 'A':
      return is_array ? ctx.array_job_id : ctx.job_id;
    case 'a':
      return is_array ? *ctx.array_task_id : kNoVal;
    case 'n':  // node index within the step: the batch host is node 0
      return ctx.node_index;
    case 't':  // task rank: the batch script is task 0
      return ctx.task_id;
    default:
      return std::nullopt;
  }
}

// The text of a non-numeric code, or nullopt if the code is unknown.
std::optional<std::string> text_code(char code, const PatternContext& ctx) {
  switch (code) {
    case 'x':
      return ctx.job_name;
    case 'u':
      return ctx.user;
    case 'N':
      return ctx.node;
    case 'J':  // a step's "jobid.stepid"
      return std::to_string(ctx.job_id) + "." + std::to_string(*ctx.step_id);
    case 's':
      return ctx.step_id ? std::to_string(*ctx.step_id) : std::string("batch");
    default:
      return std::nullopt;
  }
}

std::optional<std::string> expand_code(char code, unsigned width, const PatternContext& ctx) {
  if (auto value = numeric_code(code, ctx)) return zero_padded(*value, width);
  return text_code(code, ctx);
}

// A backslash anywhere means the user escaped the name: Slurm then does no
// substitution at all and only drops the backslashes.
std::string without_backslashes(std::string_view pattern) {
  std::string out(pattern);
  std::erase(out, '\\');
  return out;
}

}  // namespace

std::string expand_output_pattern(std::string_view pattern, const PatternContext& ctx) {
  if (pattern.find('\\') != std::string_view::npos) return without_backslashes(pattern);

  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] != '%') {
      out += pattern[i++];
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '%') {
      out += '%';
      i += 2;
      continue;
    }
    // "%<width><code>": read the optional width, then the code letter.
    size_t pos = i + 1;
    unsigned width = 0;
    while (pos < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[pos]))) {
      width = std::min(width * 10 + static_cast<unsigned>(pattern[pos] - '0'), kMaxWidth * 10);
      ++pos;
    }
    width = std::min(width, kMaxWidth);
    std::optional<std::string> expansion;
    if (pos < pattern.size()) expansion = expand_code(pattern[pos], width, ctx);
    if (!expansion) {
      // Unknown code (or a '%' at the end): keep the text as written.
      size_t end = std::min(pos + 1, pattern.size());
      out.append(pattern.substr(i, end - i));
      i = end;
      continue;
    }
    out += *expansion;
    i = pos + 1;
  }
  return out;
}

}  // namespace drover
