#include "drover/http_message.h"

#include <gtest/gtest.h>

namespace drover {
namespace {

using Outcome = HttpParse::Outcome;

TEST(HttpMessageTest, ParsesAGetWithHeadersAndQuery) {
  HttpParse p = parse_http_request("GET /metrics?name=x HTTP/1.1\r\nHost: head:9817\r\nUser-Agent:  curl/7.88 \r\n"
                                   "Accept: */*\r\n\r\n",
                                   8192);
  ASSERT_EQ(p.outcome, Outcome::kComplete) << p.error;
  EXPECT_EQ(p.request.method, "GET");
  EXPECT_EQ(p.request.target, "/metrics?name=x");
  EXPECT_EQ(p.request.path, "/metrics");
  EXPECT_EQ(p.request.query, "name=x");
  EXPECT_EQ(p.request.minor_version, 1);
  ASSERT_NE(p.request.header("user-agent"), nullptr);
  EXPECT_EQ(*p.request.header("user-agent"), "curl/7.88");
  EXPECT_EQ(*p.request.header("host"), "head:9817");
  EXPECT_EQ(p.request.header("cookie"), nullptr);
}

TEST(HttpMessageTest, AcceptsBareLineFeedsLeadingBlankLinesAndHttp10WithoutHost) {
  HttpParse p = parse_http_request("\r\n\nHEAD / HTTP/1.0\n\n", 8192);
  ASSERT_EQ(p.outcome, Outcome::kComplete) << p.error;
  EXPECT_EQ(p.request.method, "HEAD");
  EXPECT_EQ(p.request.minor_version, 0);
}

TEST(HttpMessageTest, AbsoluteFormKeepsThePath) {
  HttpParse p = parse_http_request("GET http://head:9817/metrics HTTP/1.1\r\nHost: head\r\n\r\n", 8192);
  ASSERT_EQ(p.outcome, Outcome::kComplete) << p.error;
  EXPECT_EQ(p.request.path, "/metrics");
}

TEST(HttpMessageTest, IncompleteUntilTheBlankLine) {
  for (const char* partial : {"", "GE", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r"})
    EXPECT_EQ(parse_http_request(partial, 8192).outcome, Outcome::kIncomplete) << partial;
}

TEST(HttpMessageTest, AMethodOtherThanGetParses) {
  // The server, not the parser, answers 405.
  HttpParse p = parse_http_request("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 8192);
  ASSERT_EQ(p.outcome, Outcome::kComplete);
  EXPECT_EQ(p.request.method, "POST");
}

TEST(HttpMessageTest, MalformedRequestsAreErrorsWithTheirStatus) {
  struct Case {
    const char* text;
    int status;
  };
  const Case cases[] = {
      {"GET\r\n\r\n", 400},
      {"GET /\r\n\r\n", 400},                                    // HTTP/0.9
      {"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400},               // two spaces
      {"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400},
      {"G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},                // not a token
      {"GET metrics HTTP/1.1\r\nHost: x\r\n\r\n", 400},          // not a path
      {"GET / HTTP/1.1\r\n\r\n", 400},                           // no Host
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},               // space before the colon
      {"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", 400},            // bare CR
      {"GET / HTTP/1.1\r\nHost: \x01\r\n\r\n", 400},
      {"GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"GET / HTTP/1.x\r\nHost: x\r\n\r\n", 400},
      {"GET / http/1.1\r\nHost: x\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
      {"\x16\x03\x01\x02\x01\x01\xfc\x03\x03\r\n\r\n", 400},  // TLS hello
  };
  for (const Case& c : cases) {
    HttpParse p = parse_http_request(c.text, 8192);
    EXPECT_EQ(p.outcome, Outcome::kError) << c.text;
    EXPECT_EQ(p.status, c.status) << c.text;
    EXPECT_FALSE(p.error.empty());
  }
}

TEST(HttpMessageTest, OversizedRequestsAreRefused) {
  std::string long_line = "GET /" + std::string(200, 'a');
  EXPECT_EQ(parse_http_request(long_line, 100).status, 414);
  std::string many_headers = "GET / HTTP/1.1\r\nHost: x\r\n";
  while (many_headers.size() < 200) many_headers += "X-A: b\r\n";
  EXPECT_EQ(parse_http_request(many_headers, 100).status, 431);
  EXPECT_EQ(parse_http_request(many_headers + "\r\n", 100).status, 431);
  EXPECT_EQ(parse_http_request(many_headers + "\r\n", 8192).outcome, Outcome::kComplete);
}

TEST(HttpMessageTest, ArbitraryPrefixesNeverCrashAndStayBounded) {
  // A cheap fuzz smoke: every prefix and every single-byte change of a request.
  const std::string base = "GET /metrics?x=1 HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n";
  for (size_t n = 0; n <= base.size(); ++n) parse_http_request(base.substr(0, n), 32);
  for (size_t i = 0; i < base.size(); ++i)
    for (int c = 0; c < 256; c += 7) {
      std::string mutated = base;
      mutated[i] = static_cast<char>(c);
      HttpParse p = parse_http_request(mutated, 8192);
      if (p.outcome == Outcome::kComplete) {
        EXPECT_EQ(p.request.path.front(), '/');
      }
    }
}

TEST(HttpMessageTest, FormatsResponsesAndOmitsTheBodyForHead) {
  HttpResponse r;
  r.status = 405;
  r.headers.emplace_back("Allow", "GET, HEAD");
  r.body = "no\n";
  EXPECT_EQ(format_http_response(r, false),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
            "Allow: GET, HEAD\r\nConnection: close\r\n\r\nno\n");
  std::string head = format_http_response(r, true);
  EXPECT_NE(head.find("Content-Length: 3\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

}  // namespace
}  // namespace drover
