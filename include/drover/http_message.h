// HTTP/1.1 requests and responses for the controller's metrics and status
// port (RFC 9112), as much of them as a read-only GET/HEAD server needs.
// Pure: the server (src/ctld/http_server.cc) feeds the bytes it has read.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drover {

struct HttpRequest {
  std::string method;   // as sent, case-sensitive ("GET")
  std::string target;   // "/metrics?x=1"
  std::string path;     // "/metrics"
  std::string query;    // "x=1"
  int minor_version = 1;  // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed

  const std::string* header(std::string_view lower_name) const;
};

struct HttpParse {
  enum class Outcome { kIncomplete, kComplete, kError };
  Outcome outcome = Outcome::kIncomplete;
  HttpRequest request;      // kComplete
  int status = 0;           // kError: 400, 414, 431 or 505
  std::string error;        // kError: why, for the response body and the log
};

// Parses the request line and headers from the start of `buffer`. Bytes
// after the blank line (a body) are ignored: the server answers and closes.
// A header section that has not ended within `max_bytes` is an error (431),
// as is a request line longer than that (414).
HttpParse parse_http_request(std::string_view buffer, size_t max_bytes);

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones (Allow, Cache-Control)
};

// The status line, headers (Content-Length, Connection: close) and, unless
// `head_only`, the body.
std::string format_http_response(const HttpResponse& response, bool head_only);
std::string_view http_reason_phrase(int status);

}  // namespace drover
