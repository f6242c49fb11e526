// The service manager's readiness protocol (sd_notify, systemd's Type=notify),
// written here so the daemons need no libsystemd: newline-separated
// assignments ("READY=1", "STATUS=...", "WATCHDOG=1") sent as one datagram to
// the AF_UNIX socket named by $NOTIFY_SOCKET. Without $NOTIFY_SOCKET (not run
// by systemd, or Type=simple) every call is a no-op.
//
// ServiceNotifier belongs to a daemon's main() and runs on its io_context
// thread: the watchdog pings come from that event loop, so a loop that hangs
// stops pinging and systemd restarts the daemon.
#pragma once
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "drover/asio.h"
#include "drover/result.h"

namespace drover {

struct NotifyAddress {
  sockaddr_un addr{};
  socklen_t len = 0;
};

// Where $NOTIFY_SOCKET points: an absolute path, or a Linux abstract socket
// written with a leading '@' (the '@' becomes the leading NUL byte).
Result<NotifyAddress> notify_address(std::string_view socket);

// How often to send WATCHDOG=1: half of $WATCHDOG_USEC, or zero when there is
// no watchdog or it is meant for another process ($WATCHDOG_PID, which
// systemd sets, names the main process; a child must not ping for it).
std::chrono::microseconds watchdog_interval(const char* usec, const char* pid, pid_t self);

// Sends `state` as one datagram to the socket named like $NOTIFY_SOCKET;
// fails (with the reason) when the socket cannot be reached.
Status send_notify(std::string_view socket, std::string_view state);

// One "STATUS=..." assignment; newlines in `text` would end the assignment,
// so they become spaces.
std::string status_assignment(std::string_view text);

class ServiceNotifier {
 public:
  // Reads the environment once; the variables are then removed so that jobs
  // and helpers started by the daemon do not inherit them and talk to
  // systemd on the daemon's behalf.
  explicit ServiceNotifier(asio::io_context& io);
  ~ServiceNotifier();

  // STATUS=, sent (and logged at debug) only when the text changes.
  void status(std::string_view text);
  // READY=1 with a status: once serving, and again after a reload.
  void ready(std::string_view text);
  // RELOADING=1 before re-reading the configuration, and READY=1 with the
  // new status after it. Before the first READY=1 (a SIGHUP while still
  // starting) only STATUS= is sent: readiness is not the reload's to claim.
  void reloading();
  void reloaded(std::string_view text);
  // STOPPING=1 when a stop has begun.
  void stopping();
  // WATCHDOG=1 now, for start-up steps that block the loop while they wait
  // (and are alive all the same).
  void ping();
  bool ready_sent() const { return ready_sent_; }
  const std::string& last_status() const { return last_status_; }

 private:
  void send(const std::string& state);
  void schedule_ping();

  asio::io_context& io_;
  std::string socket_;  // empty: not run under a service manager
  bool ready_sent_ = false;
  bool send_failed_ = false;  // logged once, not on every ping
  std::string last_status_;
  std::chrono::microseconds ping_every_{0};
  std::unique_ptr<asio::steady_timer> ping_timer_;
};

}  // namespace drover
