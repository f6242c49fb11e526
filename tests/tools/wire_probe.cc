// wire_probe CONFIG: sends hostile input to a running droverctld (garbage,
// oversized and truncated frames, forged, replayed, expired and future
// credentials, an unknown protocol version) and checks that each is refused
// with the right error and that the controller still serves afterwards.
// Used by tests/integration/test_hostile_input.sh.
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

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

// Slow and idle peers: a frame that stalls half-way and connections that
// never send are closed by the controller's deadlines, while it keeps
// answering others. Needs client_idle_timeout_s and frame_timeout_s small.
int probe_slow_peers(int idle_connections) {
  asio::io_context io;
  tcp::socket stalled = dial(io);
  asio::write(stalled, asio::buffer(std::string("\x00\x00", 2)));  // half a header, then nothing
  std::vector<tcp::socket> idle;
  for (int i = 0; i < idle_connections; ++i) {
    boost::system::error_code ec;
    tcp::socket s(io);
    tcp::resolver resolver(io);
    asio::connect(s, resolver.resolve(config.controller_host, std::to_string(config.controller_port)), ec);
    if (ec) break;
    idle.push_back(std::move(s));
  }
  std::printf("opened %zu idle connections\n", idle.size());
  expect("served while flooded", exchange(sealed_list_nodes(*key, ::time(nullptr))), "ok: ");
  // Each must be closed by the controller: a read returns EOF.
  auto closed_by_peer = [](tcp::socket& s) {
    char byte;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  };
  expect("stalled frame dropped", closed_by_peer(stalled) ? "closed" : "open", "closed");
  size_t dropped = 0;
  for (tcp::socket& s : idle) dropped += closed_by_peer(s);
  expect("idle connections dropped", std::to_string(dropped) + "/" + std::to_string(idle.size()),
         std::to_string(idle.size()) + "/" + std::to_string(idle.size()));
  return failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  config = *load_config(argv[1], ConfigScope::kClient);
  if (argc == 4 && std::string(argv[2]) == "--slow-peers") {
    static ClusterKey k = *ClusterKey::load(config.key_file);
    key = &k;
    return probe_slow_peers(std::atoi(argv[3]));
  }
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
