// Slurm's time and size syntaxes, parsed and printed. Pure functions.
// Three duration printers exist in Slurm and users see all three (spec §0).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "drover/result.h"

namespace drover {

// Minutes value meaning "no limit" (INFINITE, UNLIMITED, -1).
inline constexpr uint32_t kInfiniteMinutes = 0xFFFFFFFFu;

// Parses a --time value into minutes, seconds rounded up:
// "13"->13, "0:30"->1, "2:01:00"->121, "1-1"->1500, "UNLIMITED"->kInfiniteMinutes,
// "0"->0 (no limit requested). Error message: "Invalid --time specification".
Result<uint32_t> parse_time_limit(std::string_view text);

// squeue %M/%l, sinfo %l: "0:00", "5:07", "1:00:00", "1-02:03:04".
std::string format_elapsed(int64_t seconds);

// scontrol RunTime=, sacct Elapsed: "00:00:05", "01:00:00", "2-00:00:00".
std::string format_duration(int64_t seconds);

// Local time as "YYYY-MM-DDTHH:MM:SS"; "Unknown" for 0.
std::string format_iso_time(int64_t epoch_seconds);

// Parses a --mem value into MB: default unit M, K rounds up, G*1024, T*1048576,
// optional trailing B ("1G", "1024", "512MB", "100K"->1). "0" -> 0.
// Error message: "Invalid --mem specification".
Result<uint64_t> parse_mem_mb(std::string_view text);

}  // namespace drover
