#include "drover/dependency.h"

#include <algorithm>
#include <cctype>

namespace drover {
namespace {

constexpr const char* kProblem = "Job dependency problem";

struct TypeName {
  const char* name;
  DepType type;
};
constexpr TypeName kTypes[] = {
    {"after", DepType::kAfter},           {"afterany", DepType::kAfterAny},
    {"afterok", DepType::kAfterOk},       {"afternotok", DepType::kAfterNotOk},
    {"aftercorr", DepType::kAfterCorr},   {"afterburstbuffer", DepType::kAfterBurstBuffer},
    {"singleton", DepType::kSingleton},
};

std::optional<DepType> type_named(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const TypeName& t : kTypes)
    if (lower == t.name) return t.type;
  return std::nullopt;
}

const char* type_name(DepType type) {
  for (const TypeName& t : kTypes)
    if (t.type == type) return t.name;
  return "afterany";
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<uint32_t> number(std::string_view text) {
  if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  uint64_t v = std::stoull(std::string(text));
  if (v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

// "12", "12_3", "12_*", and for `after` also "12+5".
std::optional<DepItem> parse_target(DepType type, std::string_view text) {
  DepItem item;
  item.type = type;
  if (size_t plus = text.find('+'); plus != std::string_view::npos) {
    if (type != DepType::kAfter) return std::nullopt;
    std::optional<uint32_t> minutes = number(text.substr(plus + 1));
    if (!minutes) return std::nullopt;
    item.delay_min = *minutes;
    text = text.substr(0, plus);
  }
  size_t underscore = text.find('_');
  std::optional<uint32_t> id = number(text.substr(0, underscore));
  if (!id || *id == 0) return std::nullopt;
  item.job_id = *id;
  if (underscore != std::string_view::npos) {
    std::string_view task = text.substr(underscore + 1);
    if (task == "*") {
      item.whole_array = true;
    } else {
      std::optional<uint32_t> t = number(task);
      if (!t) return std::nullopt;
      item.task = *t;
    }
  }
  return item;
}

}  // namespace

Result<Dependency> parse_dependency(std::string_view text) {
  bool has_comma = text.find(',') != std::string_view::npos;
  bool has_any = text.find('?') != std::string_view::npos;
  if (text.empty() || (has_comma && has_any)) return Result<Dependency>::fail(kProblem);
  Dependency dep;
  dep.any = has_any;
  for (std::string_view element : split(text, has_any ? '?' : ',')) {
    if (element.empty()) return Result<Dependency>::fail(kProblem);
    std::vector<std::string_view> words = split(element, ':');
    std::optional<DepType> type = type_named(words[0]);
    if (!type) {
      // The old format: a bare job id means afterany.
      if (words.size() != 1) return Result<Dependency>::fail(kProblem);
      std::optional<DepItem> item = parse_target(DepType::kAfterAny, words[0]);
      if (!item) return Result<Dependency>::fail(kProblem);
      dep.items.push_back(*item);
      continue;
    }
    if (*type == DepType::kSingleton) {
      if (words.size() != 1) return Result<Dependency>::fail(kProblem);
      DepItem singleton;
      singleton.type = DepType::kSingleton;
      dep.items.push_back(singleton);
      continue;
    }
    if (words.size() < 2) return Result<Dependency>::fail(kProblem);
    for (size_t i = 1; i < words.size(); ++i) {
      std::optional<DepItem> item = parse_target(*type, words[i]);
      if (!item) return Result<Dependency>::fail(kProblem);
      dep.items.push_back(*item);
    }
  }
  return Result<Dependency>::ok(std::move(dep));
}

std::string format_dep_item(const DepItem& item) {
  if (item.type == DepType::kSingleton) return "singleton";
  std::string text = std::string(type_name(item.type)) + ":" + std::to_string(item.job_id);
  if (item.task) text += "_" + std::to_string(*item.task);
  else if (item.whole_array) text += "_*";
  if (item.delay_min) text += "+" + std::to_string(item.delay_min);
  return text;
}

DepStatus evaluate_dep_item(const DepItem& item, const DepTarget& t, int64_t now) {
  if (!t.known) return DepStatus::kSatisfied;
  bool all_ended = t.pending == 0 && t.running == 0;
  switch (item.type) {
    case DepType::kAfter:
      if (t.pending > 0) return DepStatus::kUnfulfilled;
      // Cancelled before it started: nothing to wait for.
      if (t.last_start == 0) return DepStatus::kSatisfied;
      return now >= t.last_start + int64_t{item.delay_min} * 60 ? DepStatus::kSatisfied : DepStatus::kUnfulfilled;
    case DepType::kAfterAny:
    case DepType::kAfterBurstBuffer:
      return all_ended ? DepStatus::kSatisfied : DepStatus::kUnfulfilled;
    case DepType::kAfterOk:
    case DepType::kAfterCorr:
      if (t.failed > 0) return DepStatus::kFailed;
      return all_ended ? DepStatus::kSatisfied : DepStatus::kUnfulfilled;
    case DepType::kAfterNotOk:
      if (!all_ended) return DepStatus::kUnfulfilled;
      return t.failed > 0 ? DepStatus::kSatisfied : DepStatus::kFailed;
    case DepType::kSingleton:
      break;
  }
  return DepStatus::kUnfulfilled;  // singletons are decided by the caller
}

DepStatus combine_dep_status(bool any, const std::vector<DepStatus>& statuses) {
  if (statuses.empty()) return DepStatus::kSatisfied;
  auto count = [&](DepStatus s) { return std::count(statuses.begin(), statuses.end(), s); };
  if (any) {
    if (count(DepStatus::kSatisfied) > 0) return DepStatus::kSatisfied;
    return count(DepStatus::kFailed) == static_cast<long>(statuses.size()) ? DepStatus::kFailed
                                                                            : DepStatus::kUnfulfilled;
  }
  if (count(DepStatus::kFailed) > 0) return DepStatus::kFailed;
  return count(DepStatus::kSatisfied) == static_cast<long>(statuses.size()) ? DepStatus::kSatisfied
                                                                             : DepStatus::kUnfulfilled;
}

std::string format_dep_remaining(const Dependency& dep, const std::vector<DepStatus>& statuses) {
  if (combine_dep_status(dep.any, statuses) == DepStatus::kSatisfied) return "";
  std::string text;
  for (size_t i = 0; i < dep.items.size() && i < statuses.size(); ++i) {
    if (statuses[i] == DepStatus::kSatisfied) continue;
    if (!text.empty()) text += dep.any ? '?' : ',';
    text += format_dep_item(dep.items[i]);
    text += statuses[i] == DepStatus::kFailed ? "(failed)" : "(unfulfilled)";
  }
  return text;
}

int64_t dep_item_wake_time(const DepItem& item, const DepTarget& t) {
  if (item.type != DepType::kAfter || item.delay_min == 0 || !t.known || t.pending > 0 || t.last_start == 0)
    return 0;
  return t.last_start + int64_t{item.delay_min} * 60;
}

}  // namespace drover
