// srun's side of a running step: accepts the connection of each node's
// supervisor, checks its key, writes the tasks' output to the terminal as
// it comes (optionally labelled with the task rank), forwards stdin and
// signals, and collects each task's exit status.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drover/step_io.h"

namespace drover::srun {

struct TaskExit {
  int32_t exit_status = 0;
  int32_t term_signal = 0;
};

struct IoOptions {
  bool label = false;
  bool forward_stdin = true;
  bool stdin_is_tty = false;   // Ctrl-C once reports, twice within a second forwards
  int connect_timeout_s = 30;
};

class StepIo {
 public:
  // Listens on an ephemeral port of the address the controller is reached by.
  static std::optional<StepIo> listen(const std::string& controller_host, uint32_t controller_port);

  const std::string& host() const { return host_; }
  uint32_t port() const { return port_; }
  const std::string& key() const { return key_; }

  // Runs until every task has reported or its node is gone. `signal_fd` is
  // a signalfd for the signals srun forwards; `tick` runs every few seconds
  // (the allocation's keepalive) and returns false once the job has ended.
  std::map<uint32_t, TaskExit> run(const std::vector<std::string>& nodes, const std::vector<uint32_t>& tasks_per_node,
                                   const IoOptions& options, int signal_fd, const std::function<bool()>& tick);

 private:
  int listen_fd_ = -1;
  std::string host_;
  uint32_t port_ = 0;
  std::string key_;
};

}  // namespace drover::srun
