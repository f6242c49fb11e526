// drover check-config (drover_check.cc).
#pragma once
#include <string>

namespace drover::check {

// Checks the configuration file at `path` and the cluster running from it;
// prints the findings and returns the exit status (1 on any problem).
int run(const std::string& path);

}  // namespace drover::check
