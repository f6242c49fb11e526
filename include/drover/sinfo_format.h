// sinfo's output: the partition view, grouped as Slurm groups it. Pure.
#pragma once
#include <string>
#include <string_view>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

inline constexpr std::string_view kSinfoDefaultFormat = "%#P %.5a %.10l %.6D %.6t %N";
inline constexpr std::string_view kSinfoNodeFormat = "%#N %.6D %#P %6t";

struct SinfoOptions {
  std::string format{kSinfoDefaultFormat};
  bool header = true;
  bool node_oriented = false;               // -N: one line per node x partition
  std::vector<std::string> partitions;      // -p filter, empty = all
  std::vector<std::string> states;          // -t filter (compact names), empty = all
};

// Renders sinfo's table from the controller's node and partition lists.
// Lines group partitions x distinct displayed fields, nodes as sorted hostlists.
Result<std::string> format_sinfo(const pb::ListNodesReply& cluster, const SinfoOptions& options);

}  // namespace drover
