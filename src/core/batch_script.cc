// Batch script checks and #SBATCH directive extraction (spec §1.5).
#include "drover/batch_script.h"

#include <algorithm>
#include <optional>

namespace drover {

namespace {

constexpr std::string_view kMagic = "#SBATCH";

// C isspace() in the "C" locale, which is what sbatch uses.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// sbatch reads the script as a C string, so its whitespace test stops at the
// first NUL; "  \0x" counts as whitespace only (and is reported as such).
bool only_whitespace(std::string_view script) {
  std::string_view c_string = script.substr(0, script.find('\0'));
  return std::all_of(c_string.begin(), c_string.end(), is_space);
}

// The checks run in sbatch's order; only the first failure is reported.
std::optional<std::string> script_problem(std::string_view script) {
  if (script.empty()) return "Batch script is empty!";
  if (only_whitespace(script)) return "Batch script contains only whitespace!";
  if (!script.starts_with("#!")) {
    return "This does not look like a batch script.  The first\n"
           "line must start with #! followed by the path to an interpreter.\n"
           "For instance: #!/bin/sh";
  }
  if (script.find('\0') != std::string_view::npos) {
    return "The Slurm controller does not allow scripts that\n"
           "contain a NULL character '\\0'.";
  }
  if (script.find("\r\n") != std::string_view::npos) {
    return "Batch script contains DOS line breaks (\\r\\n)\n"
           "instead of expected UNIX line breaks (\\n).";
  }
  return std::nullopt;
}

std::vector<std::string_view> split_lines(std::string_view script) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < script.size()) {
    size_t newline = script.find('\n', start);
    if (newline == std::string_view::npos) newline = script.size();
    lines.push_back(script.substr(start, newline - start));
    start = newline + 1;
  }
  return lines;
}

// "#SBATCH" must open the line and be a whole word, so "#SBATCHX" and
// "  #SBATCH" are plain comments.
bool is_directive(std::string_view line) {
  return line.starts_with(kMagic) &&
         (line.size() == kMagic.size() || is_space(line[kMagic.size()]));
}

// Blank lines and comments are passed over; anything else is the first
// command, after which sbatch stops looking for directives.
bool is_command(std::string_view line) {
  auto first = std::find_if_not(line.begin(), line.end(), is_space);
  return first != line.end() && *first != '#';
}

// Splits directive text the way sbatch does: whitespace separates words,
// quotes group (and may be empty), a backslash takes the next character
// literally even inside quotes, and an unquoted '#' ends the line.
// Returns the unmatched quote character on failure.
std::optional<char> split_words(std::string_view text, std::vector<std::string>& words) {
  std::string word;
  bool in_word = false;
  char quote = '\0';
  bool escaped = false;
  for (char c : text) {
    if (escaped) {
      word += c;
      escaped = false;
      continue;
    }
    if (c == '\\') {
      in_word = escaped = true;
      continue;
    }
    if (quote != '\0') {
      if (c == quote) {
        quote = '\0';
      } else {
        word += c;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      in_word = true;
      quote = c;
      continue;
    }
    if (c == '#') break;
    if (is_space(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    word += c;
    in_word = true;
  }
  if (quote != '\0') return quote;
  if (in_word) words.push_back(std::move(word));
  return std::nullopt;
}

std::string unmatched_quote_error(size_t line_number, char quote, std::string_view line) {
  return "line " + std::to_string(line_number) + ": Unmatched `" + quote + "` in [" +
         std::string(line) + "]";
}

}  // namespace

Status check_batch_script(std::string_view script) {
  if (auto problem = script_problem(script)) return Status::fail(std::move(*problem));
  return ok_status();
}

Result<std::vector<std::string>> extract_directives(std::string_view script) {
  using R = Result<std::vector<std::string>>;
  std::vector<std::string> words;
  std::vector<std::string_view> lines = split_lines(script);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (is_directive(line)) {
      if (auto quote = split_words(line.substr(kMagic.size()), words)) {
        return R::fail(unmatched_quote_error(i + 1, *quote, line));
      }
    } else if (is_command(line)) {
      break;
    }
  }
  return R::ok(std::move(words));
}

}  // namespace drover
