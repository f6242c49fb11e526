// Where the controller's Unix socket (controller.socket) may be trusted:
// in a directory that nobody but its owner (and root) can write to, so that
// nobody else can have put a listener there. The controller checks before
// it binds, the commands before they send a request through it.
#pragma once
#include <sys/types.h>

#include <string>

namespace drover {

// "" if the directory holding `path` is not writable by group or others,
// else why not; `owner` gets the directory's owner.
std::string socket_dir_problem(const std::string& path, uid_t* owner);

}  // namespace drover
