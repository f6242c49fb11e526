// The job spool on the shared filesystem: spool_dir/<jobid>/script and
// spool_dir/<jobid>/environment (NUL-separated KEY=VALUE). Blocking: the
// controller calls it from the JobStore's worker, before the commit.
#pragma once
#include <string>
#include <vector>

#include "drover/result.h"

namespace drover {

Status write_spool(const std::string& spool_dir, uint32_t job_id, const std::string& script,
                   const std::vector<std::string>& env);

}  // namespace drover
