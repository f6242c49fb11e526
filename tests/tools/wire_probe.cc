// wire_probe CONFIG: sends hostile input to a running droverctld (garbage,
// oversized and truncated frames, forged, replayed, expired and future
// credentials, an unknown protocol version) and checks that each is refused
// with the right error and that the controller still serves afterwards.
// Used by tests/integration/test_hostile_input.sh.
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "drover/asio.h"
#include "drover/config.h"
#include "drover/envelope.h"

using namespace drover;

namespace {

Config config;
ClusterKey* key;
int failures = 0;

tcp::socket dial(asio::io_context& io) {
  tcp::socket socket(io);
  tcp::resolver resolver(io);
  asio::connect(socket, resolver.resolve(config.controller_host, std::to_string(config.controller_port)));
  return socket;
}

// Sends raw bytes; returns the reply's message (unverified), "" on close.
std::string exchange(const std::string& bytes, bool expect_reply = true) {
  asio::io_context io;
  tcp::socket socket = dial(io);
  asio::write(socket, asio::buffer(bytes));
  if (!expect_reply) return "";
  unsigned char header[4];
  boost::system::error_code ec;
  asio::read(socket, asio::buffer(header), ec);
  if (ec) return "<closed>";
  Result<uint32_t> length = frame_length(header, 16u << 20);
  if (!length) return "<bad frame>";
  std::string body(*length, '\0');
  asio::read(socket, asio::buffer(body), ec);
  pb::Envelope envelope;
  pb::Message message;
  if (ec || !envelope.ParseFromString(body) || !message.ParseFromString(envelope.payload())) return "<bad reply>";
  if (message.has_error()) return "error: " + message.error().message();
  return "ok: " + std::to_string(static_cast<int>(message.kind_case()));
}

std::string sealed_list_nodes(const ClusterKey& signing_key, int64_t issued, uint32_t version = kProtocolVersion) {
  pb::Message message;
  message.mutable_list_nodes();
  Result<std::string> body = seal(message, [&](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(signing_key, ::getuid(), ::getgid(), issued, 300, digest));
  });
  pb::Envelope envelope;
  envelope.ParseFromString(*body);
  envelope.set_version(version);
  return frame(envelope.SerializeAsString());
}

void expect(const std::string& what, const std::string& got, const std::string& want) {
  bool ok = got.find(want) != std::string::npos;
  std::printf("%-28s %-6s %s\n", what.c_str(), ok ? "ok" : "WRONG", got.c_str());
  if (!ok) ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  config = *load_config(argv[1], ConfigScope::kClient);
  ClusterKey real = *ClusterKey::load(config.key_file);
  key = &real;
  ClusterKey wrong = ClusterKey::from_bytes(std::string(64, 'x'));
  int64_t now = ::time(nullptr);

  expect("garbage frame", exchange(frame("this is not protobuf at all")), "error: malformed");
  expect("oversized frame", exchange(std::string("\xff\xff\xff\xff", 4)), "<closed>");
  expect("zero-length frame", exchange(std::string(4, '\0')), "<closed>");
  exchange(std::string("\x00\x00\x00\x64", 4) + "truncated", false);
  expect("wrong key", exchange(sealed_list_nodes(wrong, now)), "error: Invalid credential: bad MAC");
  expect("unknown version", exchange(sealed_list_nodes(real, now, 99)), "error: protocol version mismatch");
  expect("expired credential", exchange(sealed_list_nodes(real, now - 10000)), "error: Expired credential");
  expect("future credential", exchange(sealed_list_nodes(real, now + 10000)), "error: Rewound credential");
  std::string once = sealed_list_nodes(real, now);
  expect("first use", exchange(once), "ok: ");
  expect("replayed credential", exchange(once), "error: Replayed credential");
  pb::Message empty;
  Result<std::string> no_kind = seal(empty, [&](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(real, ::getuid(), ::getgid(), now, 300, digest));
  });
  expect("unknown message type", exchange(frame(*no_kind)), "error: unknown message type");
  expect("still serving", exchange(sealed_list_nodes(real, ::time(nullptr))), "ok: ");
  return failures == 0 ? 0 : 1;
}
