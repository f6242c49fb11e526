// Where Drover's programs find one another. In a build tree every program
// sits in one directory (build/bin). Installed (cmake/install.cmake), the
// CLIs and `drover` are in bin, the daemons in sbin and the job supervisor
// drover-stepd in libexec/drover; `drover up` (in bin) must find the daemons
// and droverd (in sbin) must find drover-stepd. The relative paths between
// those directories are fixed when CMake configures the build.
#pragma once

#include <string>
#include <vector>

namespace drover {

// The directory holding the running executable (from /proc/self/exe).
std::string self_dir();

// The paths at which `name` may be installed, relative to a program in
// `from_dir`, most likely first: beside it, then the sbin and libexec/drover
// directories of the same installation.
std::vector<std::string> program_candidates(const std::string& from_dir, const std::string& name);

// The first candidate (from self_dir()) that is an executable file; if none
// is, the one beside the running program, so that an error names a path.
std::string find_program(const std::string& name);

}  // namespace drover
