// sacct's output (spec §7): job allocation lines and their ".batch" step
// lines over job records, in Slurm's fixed-width or parsable layouts. Pure,
// apart from looking up group names and the local time zone.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

inline constexpr std::string_view kSacctDefaultFormat = "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode";
inline constexpr std::string_view kSacctBriefFormat = "JobID,State,ExitCode";

// One output line: a job's allocation, or its batch step.
struct SacctRow {
  const pb::JobRecord* job = nullptr;
  bool batch_step = false;
};

struct SacctLayout {
  bool header = true;
  bool parsable = false;            // -p / -P: delimited, no padding, cut or rule
  bool trailing_delimiter = false;  // -p
  std::string delimiter = "|";
  std::string cluster = "drover";
};

// The rows sacct prints for these jobs, in the order given: each job's
// line, then (unless allocations_only, and only once it started) its batch step.
std::vector<SacctRow> sacct_rows(const std::vector<const pb::JobRecord*>& jobs, bool allocations_only);

// Sorts as sacct lists jobs: by job id, an array's tasks by task id under it.
void sort_sacct(std::vector<const pb::JobRecord*>& jobs);

// Renders the rows with a comma-separated field list ("JobID,State%20,NodeList%-30";
// names are case-insensitive). An unknown field fails with
// `Invalid field requested: "X"`. `now` is used for a running job's Elapsed.
Result<std::string> format_sacct(const std::vector<SacctRow>& rows, std::string_view fields,
                                 const SacctLayout& layout, int64_t now);

// The field names sacct knows, as --helpformat lists them.
std::vector<std::string> sacct_field_names();

// Parses -S/-E values: "now", "now-N[units]", "now+N[units]", "today",
// "YYYY-MM-DD[THH:MM[:SS]]", "MM/DD[/YY]", "MMDD[YY]", "HH:MM[:SS]" (local time).
Result<int64_t> parse_sacct_time(std::string_view text, int64_t now);

}  // namespace drover
