// What a job's process takes on, in a freshly forked child: the job's
// identity (supplementary groups, gid, uid), the node's name as hostname
// where asked, and its environment.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace drover {

// Empty on success, else what failed (errno is left set).
std::string become_job_user(uint32_t uid, uint32_t gid, const std::string& user_name);

// In a new UTS namespace, so only the job sees it; silently skipped where
// the agent may not (not root).
void set_job_hostname(const std::string& name);

// `base` with `overrides` applied: later entries win, as they would with
// successive exports.
std::vector<std::string> merge_env(std::vector<std::string> base, const std::vector<std::string>& overrides);

}  // namespace drover
