#include "drover/install_layout.h"

#include <unistd.h>

#include <climits>

// Set by cmake/install.cmake from GNUInstallDirs; these defaults are the
// GNU layout's, for a build configured without it.
#ifndef DROVER_BIN_TO_SBIN
#define DROVER_BIN_TO_SBIN "../sbin"
#endif
#ifndef DROVER_SBIN_TO_PKGLIBEXEC
#define DROVER_SBIN_TO_PKGLIBEXEC "../libexec/drover"
#endif

namespace drover {

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string self(buf, static_cast<size_t>(n));
  return self.substr(0, self.find_last_of('/'));
}

std::vector<std::string> program_candidates(const std::string& from_dir, const std::string& name) {
  return {from_dir + "/" + name, from_dir + "/" DROVER_BIN_TO_SBIN "/" + name,
          from_dir + "/" DROVER_SBIN_TO_PKGLIBEXEC "/" + name};
}

std::string find_program(const std::string& name) {
  std::vector<std::string> candidates = program_candidates(self_dir(), name);
  for (const std::string& path : candidates)
    if (::access(path.c_str(), X_OK) == 0) return path;
  return candidates.front();
}

}  // namespace drover
