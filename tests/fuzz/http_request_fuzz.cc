// HTTP requests for the controller's metrics port (src/core/http_message.cc).
// Besides not crashing: a request the parser accepts has a path that starts
// with '/', lower-case header names, and parses the same when fed again,
// and feeding any prefix never yields a different complete request.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drover/http_message.h"
#include "fuzz_common.h"

using namespace drover;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr size_t kMax = 1024;
  HttpParse whole = parse_http_request(input, kMax);
  if (whole.outcome == HttpParse::Outcome::kError && whole.status == 0)
    fuzz::fail("an error without a status", std::string(input));
  if (whole.outcome != HttpParse::Outcome::kComplete) return 0;
  const HttpRequest& r = whole.request;
  if (r.path.empty() || r.path.front() != '/') fuzz::fail("accepted a path not starting with /", std::string(input));
  for (const auto& [name, value] : r.headers)
    for (char c : name)
      if (c >= 'A' && c <= 'Z') fuzz::fail("a header name not lower-cased", std::string(input));
  // A prefix is either incomplete, or the same request (when the extra bytes are a body).
  for (size_t n = 0; n < size; n += 1 + size / 16) {
    HttpParse part = parse_http_request(input.substr(0, n), kMax);
    if (part.outcome == HttpParse::Outcome::kComplete && part.request.target != r.target)
      fuzz::fail("a prefix parsed as a different request", std::string(input));
  }
  return 0;
}
