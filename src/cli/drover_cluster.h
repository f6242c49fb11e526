// `drover up` / `drover down`: a whole cluster on one machine (one
// controller, N agents with distinct names), for trying Drover and for
// tests, the way `flux start --test-size=N` does. Everything lives in one
// directory: drover.yaml, drover.key, state/, spool/, nodes/<name>/,
// log/<daemon>.log and run/<daemon>.pid.
#pragma once
#include <string>

namespace drover::cluster {

struct UpOptions {
  std::string dir;
  int nodes = 3;
  int timeout_s = 30;
};

// Starts whatever part of the cluster in `dir` is not running (all of it
// the first time) and waits until every node is idle. Returns an exit code.
int up(const UpOptions& options);

// Stops the daemons (and their jobs' supervisors) started in `dir`.
int down(const std::string& dir);

}  // namespace drover::cluster
