// The job spool on the shared filesystem: spool_dir/<jobid>/script and
// spool_dir/<jobid>/environment (NUL-separated KEY=VALUE). Blocking: the
// controller calls it from the JobStore's worker.
//
// The spool is written when a job is launched, not at submit: the durable
// copy of a script and environment is the job store's payload table,
// committed with the job (one group sync), so a pending job costs no files
// and no inodes, and a submission no file syncs. The spool is a cache the
// agents read from; it is rewritten from the store after a controller
// restart, so it needs no fsync.
#pragma once
#include <string>
#include <vector>

#include "drover/result.h"

namespace drover {

struct SpoolFiles {
  std::string script;
  std::string env;  // NUL-separated KEY=VALUE, as in the file
};

// NUL-terminated KEY=VALUE entries, the environment file's format.
std::string join_env(const std::vector<std::string>& env);

// Writes both files atomically (temp file and rename, so a job supervisor
// reading an array's spool never sees a half-written one). The job's
// directory is 0700 and, when the controller runs as root, owned by the
// job's user: readable by that user and the daemons, nobody else.
Status write_spool(const std::string& spool_dir, uint32_t job_id, uint32_t uid, uint32_t gid,
                   const SpoolFiles& files);

// Reads spool_dir/<id>/{script,environment}.
Result<SpoolFiles> read_spool(const std::string& spool_dir, uint32_t id);

// Removes spool_dir/<id> (a job's, or an array's shared by its tasks);
// a missing directory is no error.
Status remove_spool(const std::string& spool_dir, uint32_t id);

}  // namespace drover
