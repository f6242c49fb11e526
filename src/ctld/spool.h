// The job spool on the shared filesystem: spool_dir/<jobid>/script and
// spool_dir/<jobid>/environment (NUL-separated KEY=VALUE). Blocking: the
// controller calls it from the JobStore's worker.
//
// Durability: at submit the spool is written without fsync. The files are in
// the kernel before the submission is acknowledged, which survives a kill -9
// of the controller; against power loss the same script and environment are
// in the job store (JobStore::Payload), committed with the job in the group's
// one sync, and the controller rewrites (and syncs) the spool of every
// unfinished job from there when it starts after a reboot.
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

// The job's directory is 0700 and, when the controller runs as root, owned
// by the job's user: readable by that user and the daemons, nobody else.
// `sync`: fsync the files and the directory (used when restoring after a
// reboot); at submit the store's commit carries the durability instead.
Status write_spool(const std::string& spool_dir, uint32_t job_id, uint32_t uid, uint32_t gid,
                   const SpoolFiles& files, bool sync);

// Reads spool_dir/<id>/{script,environment} (the controller's own copy, for
// launch orders when the spool is not shared).
Result<SpoolFiles> read_spool(const std::string& spool_dir, uint32_t id);

// Removes spool_dir/<id> (a job's, or an array's shared by its tasks);
// a missing directory is no error.
Status remove_spool(const std::string& spool_dir, uint32_t id);

}  // namespace drover
