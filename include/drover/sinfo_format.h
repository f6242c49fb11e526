// sinfo's output: the partition, node (-N) and reasons (-R) views, grouped
// as Slurm groups them, in the -o and -O format languages. Pure.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

inline constexpr std::string_view kSinfoDefaultFormat = "%#P %.5a %.10l %.6D %.6t %N";
inline constexpr std::string_view kSinfoNodeFormat = "%#N %.6D %#P %6t";
inline constexpr std::string_view kSinfoLongFormat = "%#P %.5a %.10l %.10s %.4r %.8h %.10g %.6D %.11T %N";
inline constexpr std::string_view kSinfoNodeLongFormat =
    "%#N %.6D %#P %.11T %.4c %.8z %.6m %.8d %.6w %.8f %20E";
inline constexpr std::string_view kSinfoSummaryFormat = "%#P %.5a %.10l %.16F  %N";
inline constexpr std::string_view kSinfoReasonFormat = "%20E %9u %19H %N";
inline constexpr std::string_view kSinfoReasonLongFormat = "%20E %12U %19H %6t %N";

struct SinfoOptions {
  std::string format{kSinfoDefaultFormat};
  bool long_fields = false;                 // format is -O ("Name[:[.][size][suffix]],...")
  bool header = true;
  bool node_oriented = false;               // -N: one line per node x partition
  bool exact = false;                       // -e: differing CPUs, memory ... split lines
  bool reasons = false;                     // -R: only down, drained and failing nodes
  bool responding_only = false;             // -r
  bool dead_only = false;                   // -d
  std::vector<std::string> partitions;      // -p filter, empty = all
  std::vector<std::string> states;          // -t filter, empty = all
  std::vector<std::string> nodes;           // -n filter (expanded names), empty = all
  std::string sort;                         // -S "[+|-][#]letter,...", empty: "#P,-t" ("N" with -N)
};

// Chooses the -o format for the view options (-N, -l, -s, -R) when the
// user gave none, as Slurm's sinfo does.
std::string sinfo_view_format(bool node_oriented, bool long_format, bool summarize, bool reasons);

// Renders sinfo's table from the controller's node and partition lists.
// Lines group partitions x distinct displayed fields, nodes as sorted
// hostlists; a format that shows no partition field groups all nodes once.
Result<std::string> format_sinfo(const pb::ListNodesReply& cluster, const SinfoOptions& options);

}  // namespace drover
