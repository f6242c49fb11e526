#include "srun_io.h"

#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "drover/file_util.h"

namespace drover::srun {
namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::chrono::steady_clock::time_point accepted;
  bool authed = false;
  uint32_t node = 0;
  IoDecoder decoder;
};

}  // namespace

std::optional<StepIo> StepIo::listen(const std::string& controller_host, uint32_t controller_port) {
  // The address this host reaches the controller by is one the nodes can
  // reach it by: a UDP "connect" picks it without sending anything.
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(controller_host.c_str(), std::to_string(controller_port).c_str(), &hints, &found) != 0)
    return std::nullopt;
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  int probe = ::socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  bool ok = probe >= 0 && ::connect(probe, found->ai_addr, found->ai_addrlen) == 0 &&
            getsockname(probe, reinterpret_cast<sockaddr*>(&local), &local_len) == 0;
  if (probe >= 0) ::close(probe);
  freeaddrinfo(found);
  if (!ok) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  getnameinfo(reinterpret_cast<sockaddr*>(&local), local_len, text, sizeof text, nullptr, 0, NI_NUMERICHOST);

  StepIo io;
  io.host_ = text;
  io.listen_fd_ = ::socket(local.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (io.listen_fd_ < 0) return std::nullopt;
  if (local.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&local)->sin_port = 0;
  else reinterpret_cast<sockaddr_in6*>(&local)->sin6_port = 0;
  if (::bind(io.listen_fd_, reinterpret_cast<sockaddr*>(&local), local_len) != 0 || ::listen(io.listen_fd_, 128) != 0 ||
      getsockname(io.listen_fd_, reinterpret_cast<sockaddr*>(&local), &local_len) != 0)
    return std::nullopt;
  io.port_ = ntohs(local.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&local)->sin_port
                                              : reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  io.key_.resize(kIoKeyBytes);
  randombytes_buf(io.key_.data(), io.key_.size());
  return io;
}

std::map<uint32_t, TaskExit> StepIo::run(const std::vector<std::string>& nodes,
                                         const std::vector<uint32_t>& tasks_per_node, const IoOptions& options,
                                         int signal_fd, const std::function<bool()>& tick) {
  uint32_t total = 0;
  for (uint32_t n : tasks_per_node) total += n;
  size_t label_width = std::to_string(total > 0 ? total - 1 : 0).size();
  std::map<uint32_t, TaskExit> exits;
  std::map<std::pair<uint32_t, int>, std::string> partial;  // (task, fd) -> unterminated labelled line
  std::vector<Conn> conns;
  size_t authed = 0, closed = 0;
  bool stdin_open = options.forward_stdin;
  auto connect_deadline = Clock::now() + std::chrono::seconds(options.connect_timeout_s);
  auto next_tick = Clock::now() + std::chrono::seconds(10);
  std::optional<Clock::time_point> ended_at;  // the job ended under us
  Clock::time_point last_interrupt{};
  bool interrupted = false;  // a Ctrl-C was passed on to the tasks

  auto to_all = [&](IoType type, std::string_view payload) {
    for (Conn& c : conns)
      if (c.fd >= 0 && c.authed) write_all(c.fd, encode_io_frame(type, 0, payload));
  };
  auto output = [&](uint32_t task, int fd, std::string_view data) {
    if (!options.label) return (void)write_all(fd, data);
    std::string& line = partial[{task, fd}];
    std::string prefix = std::string(label_width - std::min(label_width, std::to_string(task).size()), ' ') +
                         std::to_string(task) + ": ";
    std::string out;
    for (char ch : data) {
      line += ch;
      if (ch != '\n') continue;
      out += prefix + line;
      line.clear();
    }
    write_all(fd, out);
  };
  auto close_conn = [&](Conn& c) {
    ::close(c.fd);
    c.fd = -1;
    if (c.authed) ++closed;
  };

  while (exits.size() < total) {
    if (authed == nodes.size() && closed == nodes.size()) break;  // every node is done or gone
    auto now = Clock::now();
    if (authed < nodes.size() && now > connect_deadline) {
      std::fprintf(stderr, "srun: error: timed out waiting for %zu node(s) to start the step's tasks\n",
                   nodes.size() - authed);
      break;
    }
    if (ended_at && now - *ended_at > std::chrono::seconds(60)) break;
    if (now >= next_tick) {
      next_tick = now + std::chrono::seconds(10);
      if (!ended_at && !tick()) ended_at = now;
    }
    // A peer that does not prove itself soon is dropped, so strangers on
    // this port cannot crowd out the supervisors.
    size_t strangers = 0;
    for (Conn& c : conns) {
      if (c.fd >= 0 && !c.authed && now - c.accepted > std::chrono::seconds(10)) close_conn(c);
      if (c.fd >= 0 && !c.authed) ++strangers;
    }
    std::erase_if(conns, [](const Conn& c) { return c.fd < 0; });
    std::vector<pollfd> fds{{signal_fd, POLLIN, 0}};
    bool accepting = strangers < 64 && authed < nodes.size();
    if (accepting) fds.push_back({listen_fd_, POLLIN, 0});
    bool reading_stdin = stdin_open && authed == nodes.size();
    if (reading_stdin) fds.push_back({0, POLLIN, 0});
    size_t first_conn = fds.size();
    std::vector<Conn*> polled;
    for (Conn& c : conns)
      if (c.fd >= 0) fds.push_back({c.fd, POLLIN, 0}), polled.push_back(&c);
    if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) break;

    if (fds[0].revents) {
      signalfd_siginfo info{};
      while (::read(signal_fd, &info, sizeof info) == sizeof info) {
        int signo = static_cast<int>(info.ssi_signo);
        if (signo == SIGINT && options.stdin_is_tty && Clock::now() - last_interrupt > std::chrono::seconds(1)) {
          last_interrupt = Clock::now();
          std::fprintf(stderr, "srun: interrupt (one more within 1 sec to abort)\n");
          std::fprintf(stderr, "srun: %zu of %u task(s) finished\n", exits.size(), total);
          continue;
        }
        if (signo == SIGINT && interrupted) {  // a second one after it was passed on: end the step
          std::fprintf(stderr, "srun: forcing job termination\n");
          signo = SIGKILL;
        } else if (signo == SIGINT) {
          std::fprintf(stderr, "srun: sending Ctrl-C to the job step\n");
          interrupted = true;
        }
        to_all(IoType::kSignal, encode_u32(static_cast<uint32_t>(signo)));
      }
    }
    size_t k = 1;
    if (accepting && fds[k++].revents) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        conns.emplace_back();
        conns.back().fd = fd;
        conns.back().accepted = Clock::now();
      }
      polled.clear();  // `conns` may have moved; the new one is read next turn
    }
    if (reading_stdin && fds[k++].revents) {
      char buf[65536];
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n > 0) {
        to_all(IoType::kStdin, std::string_view(buf, static_cast<size_t>(n)));
      } else if (n == 0 || errno != EINTR) {
        to_all(IoType::kStdinEof, "");
        stdin_open = false;
      }
    }
    for (size_t i = 0; i < polled.size(); ++i) {
      if (!fds[first_conn + i].revents) continue;
      Conn& c = *polled[i];
      char buf[65536];
      ssize_t n = ::read(c.fd, buf, sizeof buf);
      if (n <= 0) {
        close_conn(c);
        continue;
      }
      c.decoder.feed(std::string_view(buf, static_cast<size_t>(n)));
      for (;;) {
        Result<std::optional<IoFrame>> frame = c.decoder.next();
        if (!frame || !*frame) {
          if (!frame) close_conn(c);
          break;
        }
        IoFrame& f = **frame;
        if (!c.authed) {
          bool good = f.type == IoType::kHello && f.data.size() == kIoKeyBytes + 4 &&
                      sodium_memcmp(f.data.data(), key_.data(), kIoKeyBytes) == 0;
          if (!good) {  // not a supervisor of ours
            close_conn(c);
            break;
          }
          c.authed = true;
          c.node = decode_u32(std::string_view(f.data).substr(kIoKeyBytes));
          ++authed;
          if (authed == nodes.size() && !stdin_open && options.forward_stdin) to_all(IoType::kStdinEof, "");
          if (authed == nodes.size() && !options.forward_stdin) to_all(IoType::kStdinEof, "");
          continue;
        }
        if (f.type == IoType::kStdout) output(f.task, 1, f.data);
        else if (f.type == IoType::kStderr) output(f.task, 2, f.data);
        else if (f.type == IoType::kExit && f.data.size() == 8)
          exits[f.task] = {static_cast<int32_t>(decode_u32(f.data)),
                           static_cast<int32_t>(decode_u32(std::string_view(f.data).substr(4)))};
      }
    }
  }
  for (auto& [key, line] : partial)
    if (!line.empty()) output(key.first, key.second, "\n");
  for (Conn& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  return exits;
}

}  // namespace drover::srun
