#include "http_server.h"

#include <spdlog/spdlog.h>

#include "drover/connection.h"

namespace drover {

HttpServer::HttpServer(asio::io_context& io, std::string address, uint16_t port, Handler handler, Observer observer,
                       Limits limits)
    : io_(io),
      address_(std::move(address)),
      port_(port),
      handler_(std::move(handler)),
      observer_(std::move(observer)),
      limits_(limits) {}

void HttpServer::start() { asio::co_spawn(io_, listen(), asio::detached); }

awaitable<void> HttpServer::listen() {
  Backoff backoff(std::chrono::seconds(5));
  for (;;) {
    tcp::acceptor acceptor(io_);
    boost::system::error_code ec;
    asio::ip::address address = asio::ip::make_address(address_, ec);
    tcp::endpoint endpoint(address, port_);
    if (!ec) acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      auto delay = backoff.next();
      spdlog::warn("metrics: cannot listen on {} port {}: {}; retrying in {} ms", address_, port_, ec.message(),
                   delay.count());
      asio::steady_timer timer(io_, delay);
      co_await timer.async_wait(use_awaitable);
      continue;
    }
    spdlog::info("metrics and status page on http://{}:{}/", address_, port_);
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io_);
      co_await acceptor.async_accept(*socket, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("metrics: accept failed: {}", ec.message());
        asio::steady_timer pause(io_, std::chrono::milliseconds(100));
        co_await pause.async_wait(use_awaitable);
        continue;
      }
      if (open_ >= limits_.max_connections) {
        socket->close(ec);  // a scraper retries; the controller's own work comes first
        continue;
      }
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
}

HttpResponse HttpServer::respond(const HttpParse& parsed) {
  HttpResponse response;
  if (parsed.outcome == HttpParse::Outcome::kError) {
    response.status = parsed.status;
    response.body = std::string(http_reason_phrase(parsed.status)) + ": " + parsed.error + "\n";
    return response;
  }
  const HttpRequest& request = parsed.request;
  if (request.method != "GET" && request.method != "HEAD") {
    response.status = 405;
    response.headers.emplace_back("Allow", "GET, HEAD");
    response.body = "Method Not Allowed: this server only serves GET and HEAD\n";
    return response;
  }
  try {
    return handler_(request);
  } catch (const std::exception& e) {
    spdlog::error("bug: metrics: handler for {} threw: {}", request.path, e.what());
    response.status = 500;
    response.body = "Internal Server Error\n";
    return response;
  }
}

awaitable<void> HttpServer::serve(std::shared_ptr<tcp::socket> socket) {
  ++open_;
  // One deadline for the whole exchange: a slow or silent client is cut off.
  asio::steady_timer deadline(io_, limits_.timeout);
  deadline.async_wait([socket](boost::system::error_code ec) {
    if (!ec) socket->close(ec);
  });
  std::string buffer;
  HttpParse parsed;
  char chunk[2048];
  boost::system::error_code ec;
  while (parsed.outcome == HttpParse::Outcome::kIncomplete) {
    size_t n = co_await socket->async_read_some(asio::buffer(chunk), asio::redirect_error(use_awaitable, ec));
    if (ec) break;  // closed, reset or timed out before a whole request came
    buffer.append(chunk, n);
    parsed = parse_http_request(buffer, limits_.max_request_bytes);
  }
  if (parsed.outcome != HttpParse::Outcome::kIncomplete) {
    HttpResponse response = respond(parsed);
    if (observer_) observer_(response.status);
    if (parsed.outcome == HttpParse::Outcome::kError)
      spdlog::debug("metrics: {} from {}: {}", response.status, socket->remote_endpoint(ec).address().to_string(),
                    parsed.error);
    std::string out = format_http_response(response, parsed.request.method == "HEAD");
    co_await asio::async_write(*socket, asio::buffer(out), asio::redirect_error(use_awaitable, ec));
    if (!ec) socket->shutdown(tcp::socket::shutdown_send, ec);
    // Closing with unread bytes (a body, the rest of an oversized request)
    // would send a reset that can destroy the response before the client
    // reads it: drain until the client closes, for a second at most.
    deadline.expires_after(std::chrono::seconds(1));
    deadline.async_wait([socket](boost::system::error_code ec) {
      if (!ec) socket->close(ec);
    });
    for (size_t drained = 0; !ec && drained < (1u << 20);)
      drained += co_await socket->async_read_some(asio::buffer(chunk), asio::redirect_error(use_awaitable, ec));
  }
  socket->close(ec);
  deadline.cancel();
  --open_;
}

}  // namespace drover
