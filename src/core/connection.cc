#include "drover/connection.h"

#include <sys/socket.h>

#include "drover/envelope.h"

namespace drover {

namespace {

std::string tcp_peer(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? "unknown" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// A local peer is named by its uid, which the kernel vouches for.
std::string local_peer(asio::local::stream_protocol::socket& socket) {
  struct ucred peer {};
  socklen_t len = sizeof peer;
  if (getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) return "local socket";
  return "local socket (uid " + std::to_string(peer.uid) + ")";
}

}  // namespace

Connection::Connection(tcp::socket socket, uint32_t max_frame_bytes)
    : Connection(Peer{tcp_peer(socket), asio::generic::stream_protocol::socket(std::move(socket))}, max_frame_bytes) {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
}

Connection::Connection(asio::local::stream_protocol::socket socket, uint32_t max_frame_bytes)
    : Connection(Peer{local_peer(socket), asio::generic::stream_protocol::socket(std::move(socket))}, max_frame_bytes) {}

Connection::Connection(Peer peer, uint32_t max_frame_bytes)
    : socket_(std::move(peer.socket)),
      wakeup_(socket_.get_executor()),
      watchdog_timer_(socket_.get_executor()),
      max_frame_bytes_(max_frame_bytes),
      peer_(std::move(peer.name)) {
  wakeup_.expires_at(asio::steady_timer::time_point::max());
}

void Connection::start(FrameHandler on_frame, CloseHandler on_close) {
  on_frame_ = std::move(on_frame);
  on_close_ = std::move(on_close);
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), [self] { return self->reader(); }, asio::detached);
  asio::co_spawn(socket_.get_executor(), [self] { return self->writer(); }, asio::detached);
  asio::co_spawn(socket_.get_executor(), [self] { return self->watchdog(); }, asio::detached);
}

void Connection::set_timeouts(std::chrono::seconds idle, std::chrono::seconds frame) {
  idle_timeout_ = idle;
  frame_timeout_ = frame;
  set_deadline(idle_timeout_);
}

void Connection::set_deadline(std::chrono::seconds from_now) {
  deadline_ = from_now.count() > 0 ? asio::steady_timer::clock_type::now() + from_now
                                   : asio::steady_timer::time_point::max();
  watchdog_timer_.cancel();  // re-arms at the new deadline
}

awaitable<void> Connection::watchdog() {
  auto self = shared_from_this();
  while (!closed_) {
    watchdog_timer_.expires_at(deadline_);
    boost::system::error_code ec;
    co_await watchdog_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!closed_ && asio::steady_timer::clock_type::now() >= deadline_) shut("timed out");
  }
}

void Connection::send(std::string body) {
  if (closed_ || closing_) return;
  outbox_.push_back(frame(body));
  wakeup_.cancel_one();
}

void Connection::send_framed(std::string framed) {
  if (closed_ || closing_) return;
  outbox_.push_back(std::move(framed));
  wakeup_.cancel_one();
}

void Connection::close(bool now) {
  if (now || outbox_.empty()) {
    shut("closed");
  } else {
    closing_ = true;
    wakeup_.cancel_one();
  }
}

awaitable<void> Connection::reader() {
  auto self = shared_from_this();
  // Errors come back as codes, not exceptions: every CLI connection ends
  // with one (end of file), and a thrown exception cost the controller as
  // much CPU as verifying the request's credential.
  boost::system::error_code ec;
  unsigned char header[kFrameHeaderBytes];
  for (;;) {
    set_deadline(idle_timeout_);
    co_await asio::async_read(socket_, asio::buffer(header), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    set_deadline(frame_timeout_);
    Result<uint32_t> length = frame_length(header, max_frame_bytes_);
    if (!length) {
      shut(length.error());
      co_return;
    }
    std::string body(*length, '\0');
    co_await asio::async_read(socket_, asio::buffer(body), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    if (closed_) co_return;
    FrameHandler handler = on_frame_;  // the handler may close us, dropping on_frame_
    try {
      handler(std::move(body));
    } catch (const boost::system::system_error& e) {  // as when the reads threw too
      shut(e.code().message());
      co_return;
    }
  }
  shut(ec == asio::error::eof ? "peer closed the connection" : ec.message());
}

awaitable<void> Connection::writer() {
  auto self = shared_from_this();
  try {
    while (!closed_) {
      if (outbox_.empty()) {
        if (closing_) break;
        boost::system::error_code ec;
        co_await wakeup_.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      co_await asio::async_write(socket_, asio::buffer(outbox_.front()), use_awaitable);
      outbox_.pop_front();
    }
    shut("closed");
  } catch (const boost::system::system_error& e) {
    shut(e.code().message());
  }
}

void Connection::shut(const std::string& why) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.shutdown(asio::socket_base::shutdown_both, ec);
  socket_.close(ec);
  wakeup_.cancel();
  watchdog_timer_.cancel();
  if (on_close_) {
    auto handler = std::move(on_close_);
    on_close_ = nullptr;
    handler(why);
  }
  on_frame_ = nullptr;  // drops captured state (a session holding this connection)
}

std::chrono::milliseconds Backoff::next() {
  using namespace std::chrono;
  delay_ = delay_.count() == 0 ? milliseconds(100) : std::min(max_, delay_ * 2);
  return delay_;
}

}  // namespace drover
