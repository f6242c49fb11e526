// The local credential service (DESIGN.md "Wire protocol"): a daemon that
// holds the cluster key serves credentials on a Unix socket to local users
// who cannot read the key, learning their uid/gid from SO_PEERCRED so that
// nobody can claim to be someone else.
#pragma once
#include <string>

#include "drover/asio.h"
#include "drover/credential.h"

namespace drover {

// Listens on `path` (mode 0666: any local user may ask for their own
// credential) on the given io_context until it stops.
Status start_local_auth_service(asio::io_context& io, const std::string& path, const ClusterKey& key,
                                uint32_t ttl_s);

}  // namespace drover
