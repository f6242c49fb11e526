#include "spool.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "drover/file_util.h"

namespace drover {

Status write_spool(const std::string& spool_dir, uint32_t job_id, const std::string& script,
                   const std::vector<std::string>& env) {
  std::string dir = spool_dir + "/" + std::to_string(job_id);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::fail("cannot create spool directory " + dir + ": " + std::strerror(errno));
  std::string env_blob;
  for (const std::string& var : env) {
    env_blob += var;
    env_blob.push_back('\0');
  }
  Status s = write_file_atomic(dir + "/environment", env_blob, 0600);
  if (s) s = write_file_atomic(dir + "/script", script, 0700);
  if (!s) {  // a refused submission leaves nothing behind
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return s;
}

}  // namespace drover
