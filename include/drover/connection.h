// A framed connection between daemons (TCP), or between a CLI and the
// controller (TCP, or the controller's Unix socket on its own host): a
// reader coroutine and a writer coroutine over a queue, the
// writer woken by a timer (Asio's cpp20 chat_server pattern). Lives on one
// io_context thread; not thread-safe.
#pragma once
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "drover/asio.h"

namespace drover {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using FrameHandler = std::function<void(std::string body)>;
  using CloseHandler = std::function<void(const std::string& why)>;

  Connection(tcp::socket socket, uint32_t max_frame_bytes);
  Connection(asio::local::stream_protocol::socket socket, uint32_t max_frame_bytes);

  // Starts reading; on_frame gets each frame body, on_close runs once.
  void start(FrameHandler on_frame, CloseHandler on_close);
  // Closes the connection when no frame starts within `idle`, or a started
  // frame is not complete within `frame` (slow or stuck peers). Zero
  // disables either.
  void set_timeouts(std::chrono::seconds idle, std::chrono::seconds frame);
  // Queues a frame body for sending.
  void send(std::string body);
  // Queues bytes that are already a whole frame (seal_framed's).
  void send_framed(std::string framed);
  // Closes after the queued frames are written (or at once if `now`).
  void close(bool now = false);
  bool open() const { return socket_.is_open(); }
  const std::string& peer() const { return peer_; }

 private:
  awaitable<void> reader();
  awaitable<void> writer();
  awaitable<void> watchdog();
  void set_deadline(std::chrono::seconds from_now);
  void shut(const std::string& why);

  // Built as a braced list, so the peer is named before the socket moves.
  struct Peer {
    std::string name;
    asio::generic::stream_protocol::socket socket;
  };
  Connection(Peer peer, uint32_t max_frame_bytes);

  asio::generic::stream_protocol::socket socket_;
  asio::steady_timer wakeup_;
  asio::steady_timer watchdog_timer_;
  std::chrono::seconds idle_timeout_{0};
  std::chrono::seconds frame_timeout_{0};
  asio::steady_timer::time_point deadline_ = asio::steady_timer::time_point::max();
  std::deque<std::string> outbox_;
  uint32_t max_frame_bytes_;
  std::string peer_;
  bool closing_ = false;
  bool closed_ = false;
  FrameHandler on_frame_;
  CloseHandler on_close_;
};

// Retries an operation with exponential backoff: 0.1 s doubling to `max`.
class Backoff {
 public:
  explicit Backoff(std::chrono::milliseconds max = std::chrono::seconds(10)) : max_(max) {}
  std::chrono::milliseconds next();
  void reset() { delay_ = std::chrono::milliseconds(0); }

 private:
  std::chrono::milliseconds max_;
  std::chrono::milliseconds delay_{0};
};

}  // namespace drover
