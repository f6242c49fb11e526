// CLI start-up (issue 6): which options of a command's table a parse can
// need. CLI11 checks each option it is given against every one added before
// it, so registering sbatch's ~70 options cost more CPU than the rest of a
// submission; a parse needs only the options whose names occur in the words
// it parses. Registering that subset (or any superset of it) parses the
// words exactly as the whole table would: CLI11 classifies a word as an
// option by its form, not by the table, and options absent from the words
// change nothing. Pure; no CLI11 here.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace drover::cli {

class OptionFilter {
 public:
  // Every option: help text needs the whole table.
  static OptionFilter everything() { return OptionFilter(); }
  // The options named in `words` (a command line without the program name,
  // or one source's option words). A word that may ask for help (-h,
  // --help, a short cluster holding h) selects everything.
  explicit OptionFilter(const std::vector<std::string>& words);

  // Whether an option named as CLI11 names it ("-J,--job-name",
  // "--exclusive{node}", "-s,--oversubscribe") may be needed.
  bool wants(std::string_view names) const;
  bool selects_everything() const { return everything_; }

 private:
  OptionFilter() = default;
  bool everything_ = true;
  std::string shorts_;             // letters of "-x" words and clusters
  std::vector<std::string> longs_; // "name" of "--name" and "--name=value"
};

}  // namespace drover::cli
