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

// One output line: a job's allocation, its batch step, or one of its srun
// steps (`step` set).
struct SacctRow {
  const pb::JobRecord* job = nullptr;
  bool batch_step = false;
  const pb::StepRecord* step = nullptr;
};

struct SacctLayout {
  bool header = true;
  bool parsable = false;            // -p / -P: delimited, no padding, cut or rule
  bool trailing_delimiter = false;  // -p
  std::string delimiter = "|";
  std::string cluster = "drover";
  // --units: K, M, G, T or P for sizes (MaxRSS, ReqMem); 0: Slurm's default
  // (the largest unit that divides the value exactly).
  char units = 0;
};

// The rows sacct prints for these jobs, in the order given: each job's
// line, then (unless allocations_only, and only once it started) its batch
// step and its srun steps ("ID.batch", "ID.0", "ID.1" ...).
std::vector<SacctRow> sacct_rows(const std::vector<const pb::JobRecord*>& jobs, bool allocations_only);

// Sorts as sacct lists jobs: by job id, an array's tasks by task id under it.
void sort_sacct(std::vector<const pb::JobRecord*>& jobs);

// Renders the rows with a comma-separated field list ("JobID,State%20,NodeList%-30";
// names are case-insensitive). An unknown field fails with
// `Invalid field requested: "X"`. `now` is used for a running job's Elapsed.
Result<std::string> format_sacct(const std::vector<SacctRow>& rows, std::string_view fields,
                                 const SacctLayout& layout, int64_t now);

// A size in KiB as sacct prints it: "0", "1234K", "2M"; with a unit, in
// that unit ("0.50G", "2G").
std::string format_sacct_size_kb(uint64_t kb, char units);

// TotalCPU and friends: "00:00.123" (MM:SS.mmm) under an hour with a
// fraction, "00:MM:SS" without one, "HH:MM:SS", "D-HH:MM:SS".
std::string format_sacct_cpu_time(uint64_t microseconds);

// The field names sacct knows, as --helpformat lists them.
std::vector<std::string> sacct_field_names();

// Parses -S/-E values: "now", "now-N[units]", "now+N[units]", "today",
// "YYYY-MM-DD[THH:MM[:SS]]", "MM/DD[/YY]", "MMDD[YY]", "HH:MM[:SS]" (local time).
Result<int64_t> parse_sacct_time(std::string_view text, int64_t now);

}  // namespace drover
