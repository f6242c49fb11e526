// The job spool on the shared filesystem: spool_dir/<jobid>/script and
// spool_dir/<jobid>/environment (NUL-separated KEY=VALUE). Blocking: the
// controller calls it from the JobStore's worker, before the commit.
#pragma once
#include <string>
#include <vector>

#include "drover/result.h"

namespace drover {

// The job's directory is 0700 and, when the controller runs as root, owned
// by the job's user: readable by that user and the daemons, nobody else.
Status write_spool(const std::string& spool_dir, uint32_t job_id, uint32_t uid, uint32_t gid,
                   const std::string& script, const std::vector<std::string>& env);

// Removes spool_dir/<id> (a job's, or an array's shared by its tasks);
// a missing directory is no error.
Status remove_spool(const std::string& spool_dir, uint32_t id);

}  // namespace drover
