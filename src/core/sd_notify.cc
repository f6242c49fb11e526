#include "drover/sd_notify.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace drover {

Result<NotifyAddress> notify_address(std::string_view socket) {
  NotifyAddress out;
  out.addr.sun_family = AF_UNIX;
  if (socket.empty() || (socket[0] != '/' && socket[0] != '@'))
    return Result<NotifyAddress>::fail("NOTIFY_SOCKET=" + std::string(socket) +
                                       ": expected an absolute path or an @abstract name");
  // A path needs its terminating NUL inside sun_path; an abstract name does not.
  size_t room = sizeof out.addr.sun_path - (socket[0] == '/' ? 1 : 0);
  if (socket.size() > room)
    return Result<NotifyAddress>::fail("NOTIFY_SOCKET=" + std::string(socket) + ": name too long");
  std::memcpy(out.addr.sun_path, socket.data(), socket.size());
  if (socket[0] == '@') out.addr.sun_path[0] = '\0';
  // An abstract name is exactly its bytes: the length must not count padding.
  out.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket.size() + (socket[0] == '/' ? 1 : 0));
  return Result<NotifyAddress>::ok(out);
}

std::chrono::microseconds watchdog_interval(const char* usec, const char* pid, pid_t self) {
  if (!usec || !*usec) return std::chrono::microseconds(0);
  if (pid && *pid) {
    char* end = nullptr;
    long long meant_for = std::strtoll(pid, &end, 10);
    if (*end != '\0' || meant_for != self) return std::chrono::microseconds(0);
  }
  char* end = nullptr;
  unsigned long long us = std::strtoull(usec, &end, 10);
  if (*end != '\0' || us == 0 || usec[0] == '-') return std::chrono::microseconds(0);
  return std::chrono::microseconds(static_cast<int64_t>(us / 2));
}

std::string status_assignment(std::string_view text) {
  std::string out = "STATUS=";
  for (char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

Status send_notify(std::string_view socket, std::string_view state) {
  Result<NotifyAddress> address = notify_address(socket);
  if (!address) return Status::fail(address.error());
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::fail(std::string("socket: ") + std::strerror(errno));
  ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                          reinterpret_cast<const sockaddr*>(&address->addr), address->len);
  int err = errno;
  ::close(fd);
  if (sent < 0) return Status::fail("cannot notify " + std::string(socket) + ": " + std::strerror(err));
  return ok_status();
}

ServiceNotifier::ServiceNotifier(asio::io_context& io) : io_(io) {
  if (const char* s = std::getenv("NOTIFY_SOCKET")) socket_ = s;
  ping_every_ = watchdog_interval(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid());
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  if (socket_.empty()) return;
  if (ping_every_.count() > 0) {
    spdlog::info("systemd watchdog: pinging every {} ms", ping_every_.count() / 1000);
    ping_timer_ = std::make_unique<asio::steady_timer>(io_);
    schedule_ping();
  }
}

ServiceNotifier::~ServiceNotifier() = default;

void ServiceNotifier::send(const std::string& state) {
  if (socket_.empty()) return;
  Status s = send_notify(socket_, state);
  if (!s && !send_failed_) spdlog::warn("systemd notification failed: {}", s.error());
  send_failed_ = !s;
}

void ServiceNotifier::schedule_ping() {
  ping_timer_->expires_after(ping_every_);
  ping_timer_->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    send("WATCHDOG=1");
    schedule_ping();
  });
}

void ServiceNotifier::ping() {
  if (ping_every_.count() > 0) send("WATCHDOG=1");
}

void ServiceNotifier::status(std::string_view text) {
  if (text == last_status_) return;
  last_status_ = std::string(text);
  spdlog::debug("status: {}", last_status_);
  send(status_assignment(text));
}

void ServiceNotifier::ready(std::string_view text) {
  // `text` may view last_status_ itself (ready(last_status())): copy first.
  std::string copy(text);
  ready_sent_ = true;
  send("READY=1\n" + status_assignment(copy));
  last_status_ = std::move(copy);
}

void ServiceNotifier::reloading() {
  // systemd 253 and later want the time of the reload request with it.
  struct timespec ts {};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t usec = static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
  last_status_ = "reloading the configuration";
  if (ready_sent_)
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\n" + status_assignment(last_status_));
  else
    send(status_assignment(last_status_));
}

void ServiceNotifier::reloaded(std::string_view text) {
  if (ready_sent_) ready(text);
  else status(text);
}

void ServiceNotifier::stopping() {
  last_status_ = "stopping";
  // Pings go on: a stop that hangs is the watchdog's to end too.
  send("STOPPING=1\n" + status_assignment(last_status_));
}

}  // namespace drover
