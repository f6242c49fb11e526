#include "job_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "drover/file_util.h"

namespace drover {

std::optional<JobKey> JobKey::parse(const std::string& name) {
  size_t dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) return std::nullopt;
  if (name.find_first_not_of("0123456789.") != std::string::npos || name.size() > 21) return std::nullopt;
  JobKey key;
  key.id = static_cast<uint32_t>(std::stoul(name.substr(0, dot)));
  key.restarts = static_cast<uint32_t>(std::stoul(name.substr(dot + 1)));
  if (key.id == 0) return std::nullopt;
  return key;
}

std::string job_dir(const std::string& state_dir, const JobKey& key) {
  return state_dir + "/jobs/" + key.name();
}

Status write_job_status(const std::string& dir, const JobStatus& status) {
  std::ostringstream out;
  out << status.exit_status << ' ' << status.term_signal << ' ' << status.end_time << ' ' << status.timed_out << ' '
      << status.max_rss_kb << ' ' << status.total_cpu_us << ' ' << status.out_of_memory << '\n'
      << status.error;
  return write_file_atomic(dir + "/status", out.str(), 0600);
}

std::optional<JobStatus> read_job_status(const std::string& dir) {
  Result<std::string> text = read_file(dir + "/status");
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string first_line;
  std::getline(in, first_line);
  std::istringstream fields(first_line);
  JobStatus status;
  if (!(fields >> status.exit_status >> status.term_signal >> status.end_time)) return std::nullopt;
  // Absent in statuses written by older agents.
  fields >> status.timed_out >> status.max_rss_kb >> status.total_cpu_us;
  if (!(fields >> status.out_of_memory)) status.out_of_memory = false;
  std::getline(in, status.error, '\0');
  return status;
}

Result<pb::LaunchJob> read_launch(const std::string& dir) {
  Result<std::string> bytes = read_file(dir + "/launch.pb");
  if (!bytes) return Result<pb::LaunchJob>::fail(bytes.error());
  pb::LaunchJob launch;
  if (!launch.ParseFromString(*bytes)) return Result<pb::LaunchJob>::fail(dir + "/launch.pb does not parse");
  return Result<pb::LaunchJob>::ok(std::move(launch));
}

namespace {

// Empties the directory open as `fd` (which this closes), depth first.
// Never follows a symbolic link: a link is removed, not what it names.
void remove_contents(int fd) {
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return;
  }
  while (dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (::unlinkat(fd, entry->d_name, 0) == 0) continue;
    int child = ::openat(fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0) continue;
    remove_contents(child);
    ::unlinkat(fd, entry->d_name, AT_REMOVEDIR);
  }
  ::closedir(d);
}

}  // namespace

void remove_job_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) remove_contents(fd);
  // A link in the job directory's place goes, as remove_all would remove it.
  if (::rmdir(dir.c_str()) != 0 && errno == ENOTDIR) ::unlink(dir.c_str());
}

std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  return names;
}

}  // namespace drover
