#include "job_process.h"

#include <grp.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>

namespace drover {

std::string become_job_user(uint32_t uid, uint32_t gid, const std::string& user_name) {
  if (::getuid() == 0 && uid != 0) {
    if (initgroups(user_name.c_str(), gid) != 0 && setgroups(0, nullptr) != 0)
      return "cannot set supplementary groups";
    if (setgid(gid) != 0) return "cannot set gid " + std::to_string(gid);
    if (setuid(uid) != 0) return "cannot set uid " + std::to_string(uid);
  } else if (uid != ::getuid()) {
    errno = EPERM;
    return "cannot run a job of uid " + std::to_string(uid) + ": the agent is not root";
  }
  return "";
}

void set_job_hostname(const std::string& name) {
  if (unshare(CLONE_NEWUTS) == 0) (void)!sethostname(name.data(), name.size());
}

std::vector<std::string> merge_env(std::vector<std::string> base, const std::vector<std::string>& overrides) {
  for (const std::string& var : overrides) {
    std::string key = var.substr(0, var.find('=') + 1);
    std::erase_if(base, [&](const std::string& b) { return b.compare(0, key.size(), key) == 0; });
    base.push_back(var);
  }
  return base;
}

}  // namespace drover
