// HttpServer: a small HTTP/1.1 server for the controller's /metrics and
// status page, on the controller's own io_context (so handlers read the
// controller's state without locks).
//
// One request per connection (Connection: close), GET and HEAD only
// (others get 405), a request's header section bounded in size (431) and
// the whole exchange bounded in time, at most max_connections at once (more
// are closed unanswered). Malformed requests get 400 and the server goes
// on serving. The request parser is the pure parse_http_request.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "drover/asio.h"
#include "drover/http_message.h"

namespace drover {

class HttpServer {
 public:
  struct Limits {
    size_t max_request_bytes = 8192;
    std::chrono::milliseconds timeout{10000};  // from accept to the last byte written
    size_t max_connections = 32;
  };
  // Answers a GET or HEAD; the server sends the body only for GET.
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // Told every response's status (for the metrics).
  using Observer = std::function<void(int status)>;

  HttpServer(asio::io_context& io, std::string address, uint16_t port, Handler handler, Observer observer,
             Limits limits);
  HttpServer(asio::io_context& io, std::string address, uint16_t port, Handler handler, Observer observer)
      : HttpServer(io, std::move(address), port, std::move(handler), std::move(observer), Limits{}) {}

  // Starts listening, retrying the bind with backoff (the address may not
  // exist yet at boot).
  void start();

 private:
  awaitable<void> listen();
  awaitable<void> serve(std::shared_ptr<tcp::socket> socket);
  HttpResponse respond(const HttpParse& parsed);

  asio::io_context& io_;
  std::string address_;
  uint16_t port_;
  Handler handler_;
  Observer observer_;
  Limits limits_;
  size_t open_ = 0;
};

}  // namespace drover
