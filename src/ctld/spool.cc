#include "spool.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "drover/file_util.h"

namespace drover {

std::string join_env(const std::vector<std::string>& env) {
  std::string blob;
  for (const std::string& var : env) {
    blob += var;
    blob.push_back('\0');
  }
  return blob;
}

Status write_spool(const std::string& spool_dir, uint32_t job_id, uint32_t uid, uint32_t gid,
                   const SpoolFiles& files) {
  std::string dir = spool_dir + "/" + std::to_string(job_id);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::fail("cannot create spool directory " + dir + ": " + std::strerror(errno));
  if (::geteuid() == 0 && ::chown(dir.c_str(), uid, gid) != 0)
    return Status::fail("cannot give spool directory " + dir + " to uid " + std::to_string(uid) + ": " +
                        std::strerror(errno));
  Status s = write_file_replace(dir + "/environment", files.env, 0600);
  if (s) s = write_file_replace(dir + "/script", files.script, 0700);
  for (const char* name : {"/environment", "/script"})
    if (s && ::geteuid() == 0 && ::chown((dir + name).c_str(), uid, gid) != 0)
      s = Status::fail("cannot give " + dir + name + " to uid " + std::to_string(uid) + ": " + std::strerror(errno));
  if (!s) {  // a failed launch leaves nothing half-written behind
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return s;
}

Result<SpoolFiles> read_spool(const std::string& spool_dir, uint32_t id) {
  std::string dir = spool_dir + "/" + std::to_string(id);
  Result<std::string> script = read_file(dir + "/script");
  if (!script) return Result<SpoolFiles>::fail(script.error());
  Result<std::string> env = read_file(dir + "/environment");
  if (!env) return Result<SpoolFiles>::fail(env.error());
  return Result<SpoolFiles>::ok(SpoolFiles{std::move(*script), std::move(*env)});
}

Status remove_spool(const std::string& spool_dir, uint32_t id) {
  std::error_code ec;
  std::filesystem::remove_all(spool_dir + "/" + std::to_string(id), ec);
  if (ec) return Status::fail("cannot remove " + spool_dir + "/" + std::to_string(id) + ": " + ec.message());
  return ok_status();
}

}  // namespace drover
