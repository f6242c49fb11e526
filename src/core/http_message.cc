#include "drover/http_message.h"

#include <algorithm>

namespace drover {
namespace {

// RFC 9110 tchar: the characters of a method or a header name.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

HttpParse fail(int status, std::string why) {
  HttpParse p;
  p.outcome = HttpParse::Outcome::kError;
  p.status = status;
  p.error = std::move(why);
  return p;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits the header section into lines; a line ends in CRLF or, leniently
// (RFC 9112 §2.2), a bare LF. A CR anywhere else is an error.
bool split_lines(std::string_view head, std::vector<std::string_view>& lines) {
  while (!head.empty()) {
    size_t lf = head.find('\n');
    std::string_view line = head.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos) return false;
    lines.push_back(line);
    if (lf == std::string_view::npos) break;
    head.remove_prefix(lf + 1);
  }
  return true;
}

HttpParse parse_request_line(std::string_view line) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return fail(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return fail(400, "malformed method");
  if (target.empty()) return fail(400, "empty request target");
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail(400, "control character in request target");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9')
    return fail(400, "malformed HTTP version");
  if (version[5] != '1') return fail(505, "HTTP version not supported");
  HttpParse p;
  p.request.method = std::string(method);
  p.request.minor_version = version[7] - '0';
  // absolute-form (a request through a proxy): keep the path and query.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && lower(target.substr(0, scheme.size())) == scheme) {
      size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (target.front() != '/') return fail(400, "request target is not a path");
  p.request.target = std::string(target);
  size_t q = target.find('?');
  p.request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) p.request.query = std::string(target.substr(q + 1));
  return p;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return &value;
  return nullptr;
}

HttpParse parse_http_request(std::string_view buffer, size_t max_bytes) {
  // Empty lines before the request line are ignored (RFC 9112 §2.2).
  size_t start = 0;
  while (start < buffer.size() && (buffer[start] == '\r' || buffer[start] == '\n')) ++start;
  std::string_view rest = buffer.substr(start);
  size_t end = std::string_view::npos;  // end of the blank line that closes the headers
  for (size_t lf = rest.find('\n'); lf != std::string_view::npos; lf = rest.find('\n', lf + 1)) {
    if (lf + 1 < rest.size() && rest[lf + 1] == '\n') {
      end = lf + 2;
      break;
    }
    if (lf + 2 < rest.size() && rest[lf + 1] == '\r' && rest[lf + 2] == '\n') {
      end = lf + 3;
      break;
    }
  }
  if (end == std::string_view::npos || start + end > max_bytes) {
    if (buffer.size() < max_bytes && end == std::string_view::npos) return HttpParse{};
    if (rest.substr(0, max_bytes).find('\n') == std::string_view::npos) return fail(414, "request line too long");
    return fail(431, "request header fields too large");
  }
  std::vector<std::string_view> lines;
  if (!split_lines(rest.substr(0, end), lines)) return fail(400, "bare CR in request header");
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return fail(400, "empty request");
  HttpParse parsed = parse_request_line(lines[0]);
  if (parsed.outcome == HttpParse::Outcome::kError) return parsed;
  HttpRequest& request = parsed.request;
  int hosts = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.front() == ' ' || line.front() == '\t') return fail(400, "obsolete header line folding");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without a colon");
    std::string_view name = line.substr(0, colon);
    // Whitespace between the name and the colon is forbidden (request smuggling).
    if (!is_token(name)) return fail(400, "malformed header name");
    std::string_view value = trim_ows(line.substr(colon + 1));
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return fail(400, "control character in header value");
    std::string lname = lower(name);
    if (lname == "host") ++hosts;
    request.headers.emplace_back(std::move(lname), std::string(value));
  }
  if (hosts > 1) return fail(400, "more than one Host header");
  if (request.minor_version >= 1 && hosts == 0) return fail(400, "HTTP/1.1 request without a Host header");
  parsed.outcome = HttpParse::Outcome::kComplete;
  return parsed;
}

std::string_view http_reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string format_http_response(const HttpResponse& response, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += http_reason_phrase(response.status);
  out += "\r\nContent-Type: " + response.content_type;
  out += "\r\nContent-Length: " + std::to_string(response.body.size());
  for (const auto& [name, value] : response.headers) out += "\r\n" + name + ": " + value;
  out += "\r\nConnection: close\r\n\r\n";
  if (!head_only) out += response.body;
  return out;
}

}  // namespace drover
