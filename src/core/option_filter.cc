#include "drover/option_filter.h"

#include <algorithm>

namespace drover::cli {

OptionFilter::OptionFilter(const std::vector<std::string>& words) : everything_(false) {
  for (const std::string& word : words) {
    if (word.size() < 2 || word[0] != '-') continue;  // a value, a script, "-" (stdin)
    if (word[1] == '-') {
      if (word.size() == 2) continue;  // "--": the rest is not options (a superset is harmless)
      std::string name = word.substr(2, word.find('=') - 2);
      if (name == "help") everything_ = true;
      longs_.push_back(std::move(name));
    } else {
      // "-Hv", "-pdebug", "-t10": any letter may be an option; the rest
      // are values, and selecting their letters too is harmless.
      shorts_.append(word, 1);
    }
  }
  if (shorts_.find('h') != std::string::npos) everything_ = true;
}

bool OptionFilter::wants(std::string_view names) const {
  if (everything_) return true;
  size_t start = 0;
  while (start < names.size()) {
    size_t end = std::min(names.find(',', start), names.size());
    std::string_view name = names.substr(start, end - start);
    name = name.substr(0, name.find('{'));  // a flag's default value: "--nice{}"
    start = end + 1;
    if (name.size() >= 3 && name.substr(0, 2) == "--") {
      if (std::find(longs_.begin(), longs_.end(), name.substr(2)) != longs_.end()) return true;
    } else if (name.size() == 2 && name[0] == '-') {
      if (shorts_.find(name[1]) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace drover::cli
