// Small blocking file helpers for durable writes. Never call them on an
// io_context thread for anything larger than a few bytes.
#pragma once
#include <string>
#include <string_view>

#include "drover/result.h"

namespace drover {

// Writes path via path.tmp, fsync, rename, and a sync of the directory:
// the new content survives a power loss once this returns.
Status write_file_atomic(const std::string& path, const std::string& content, unsigned mode);
// Writes path via path.tmp and rename, without a sync: readers never see a
// half-written file and the content survives a crash of this process, not a
// power loss. For what a power loss makes moot anyway (a running job's pid
// and launch order: its processes die with the machine) or what is rebuilt
// from a durable copy (the spool); two syncs cost milliseconds on the
// launch path.
Status write_file_replace(const std::string& path, const std::string& content, unsigned mode);
Status sync_dir_of(const std::string& path);
Result<std::string> read_file(const std::string& path);
// mkdir -p; existing directories are left as they are.
Status make_dirs(const std::string& path, unsigned mode);
// Writes all of `data` to a blocking descriptor (retrying short writes and
// EINTR); false on an error or a closed peer.
bool write_all(int fd, std::string_view data);

}  // namespace drover
