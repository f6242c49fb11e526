#include "drover/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace drover {
namespace {

Status fail_errno(const std::string& what, const std::string& path) {
  return Status::fail(what + " " + path + ": " + std::strerror(errno));
}

Status write_temp_and_rename(const std::string& path, const std::string& content, unsigned mode, bool sync) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail_errno("cannot create", tmp);
  bool written = write_all(fd, content) && (!sync || ::fsync(fd) == 0);
  if (::close(fd) != 0) written = false;
  if (!written) {
    Status s = fail_errno("cannot write", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail_errno("cannot rename into", path);
  return sync ? sync_dir_of(path) : ok_status();
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::string& content, unsigned mode) {
  return write_temp_and_rename(path, content, mode, true);
}

Status write_file_replace(const std::string& path, const std::string& content, unsigned mode) {
  return write_temp_and_rename(path, content, mode, false);
}

Status sync_dir_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  const std::string dir = slash == 0 || slash == std::string::npos ? std::string(1, '/') : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_errno("cannot open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return fail_errno("cannot sync directory", dir);
  return ok_status();
}

Result<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Result<std::string>::fail("cannot read " + path + ": " + std::strerror(errno));
  std::string content;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) content.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (n < 0) return Result<std::string>::fail("cannot read " + path + ": " + std::strerror(errno));
  return Result<std::string>::ok(std::move(content));
}

Status make_dirs(const std::string& path, unsigned mode) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) return fail_errno("cannot create directory", partial);
  }
  return ok_status();
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace drover
