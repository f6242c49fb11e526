#include "spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "drover/file_util.h"

namespace drover {
namespace {

Status fail_errno(const std::string& what, const std::string& path) {
  return Status::fail(what + " " + path + ": " + std::strerror(errno));
}

// Temp file and rename, without fsync (spool.h says why).
Status write_replace(const std::string& path, const std::string& content, mode_t mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail_errno("cannot create", tmp);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = fail_errno("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return fail_errno("cannot write", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail_errno("cannot rename into", path);
  return ok_status();
}

}  // namespace

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
  Status s = write_replace(dir + "/environment", files.env, 0600);
  if (s) s = write_replace(dir + "/script", files.script, 0700);
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
