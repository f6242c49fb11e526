#include "drover/local_socket.h"

#include <sys/stat.h>

namespace drover {

std::string socket_dir_problem(const std::string& path, uid_t* owner) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return "its directory " + dir + " cannot be read";
  *owner = st.st_uid;
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return "its directory " + dir + " is writable by group or others";
  return "";
}

}  // namespace drover
