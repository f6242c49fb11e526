// The CLIs' side of the wire: one request, one reply, with the controller.
// Blocking; one per process.
#pragma once
#include <memory>
#include <string>

#include "drover.pb.h"
#include "drover/config.h"
#include "drover/credential.h"
#include "drover/result.h"

namespace drover {

// Slurm's words for an unreachable controller, which scripts match on.
inline constexpr const char* kUnreachable = "Unable to contact slurm controller (connect failure)";

class ControllerClient {
 public:
  // Reads the key if this user can; otherwise the CLI will ask the local
  // daemon for credentials.
  explicit ControllerClient(Config config);
  ~ControllerClient();

  // Sends a request and waits for the reply. An ErrorReply from the
  // controller becomes a failed Result whose error is its message (with
  // the detail line, if any, before it, separated by '\n').
  Result<pb::Message> call(const pb::Message& request);

  // Whether the last failed call may have reached the controller: a request
  // that was sent but got no reply (the controller died, the connection
  // broke) has an unknown outcome and is worth retrying if idempotent.
  bool last_outcome_unknown() const { return outcome_unknown_; }

  const Config& config() const { return config_; }

 private:
  Result<pb::Credential> sign(std::string_view digest);
  Config config_;
  std::unique_ptr<ClusterKey> key_;
  bool outcome_unknown_ = false;
};

// Loads the config for a CLI (client scope) or exits with "<cmd>: error: ...".
Config load_cli_config(const std::string& command, const std::string& flag_value);

}  // namespace drover
