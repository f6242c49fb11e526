// wire_probe CONFIG: sends hostile input to a running droverctld (garbage,
// oversized and truncated frames, forged, replayed, expired and future
// credentials, an unknown protocol version) and checks that each is refused
// with the right error and that the controller still serves afterwards.
// Used by tests/integration/test_hostile_input.sh.
// wire_probe CONFIG --retry-race: one submission and two retries of it
// (one token, each sealed afresh as sbatch's are) sent at once on three
// connections, so the retries arrive while the first is being committed:
// all three must be answered with the same job id, which is printed
// (tests/integration/test_submit_retry.sh).
// wire_probe CONFIG --listing-columns: a job listing asked for as a table
// with no columns named (an older squeue) and with a few, checked against
// each other (tests/integration/test_squeue_columns.sh).
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "drover/asio.h"
#include "drover/client.h"
#include "drover/config.h"
#include "drover/envelope.h"
#include "drover/listing_columns.h"

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

// The reply on `socket` (unverified): "job N" for a submission's, "ok: KIND"
// for another, "error: ..." for an error, "<...>" for a broken reply.
std::string read_answer(tcp::socket& socket) {
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
  if (message.has_submit_reply()) return "job " + std::to_string(message.submit_reply().job_id());
  return "ok: " + std::to_string(static_cast<int>(message.kind_case()));
}

// Sends raw bytes; returns the reply as read_answer() gives it, "" if none is awaited.
std::string exchange(const std::string& bytes, bool expect_reply = true) {
  asio::io_context io;
  tcp::socket socket = dial(io);
  asio::write(socket, asio::buffer(bytes));
  return expect_reply ? read_answer(socket) : "";
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

std::string sealed(const pb::Message& message) {
  Result<std::string> body = seal(message, [&](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(*key, ::getuid(), ::getgid(), ::time(nullptr), 300, digest));
  });
  return frame(*body);
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

int probe_retry_race() {
  pb::Message message;
  pb::JobSpec* spec = message.mutable_submit()->mutable_spec();
  spec->set_script("#!/bin/sh\ntrue\n");
  spec->set_work_dir("/tmp");
  spec->set_name("retry-race");
  spec->set_hold(true);
  spec->set_submit_token("retry-race-" + std::to_string(::getpid()) + "-" + std::to_string(::time(nullptr)));
  asio::io_context io;
  std::vector<tcp::socket> sockets;
  for (int i = 0; i < 3; ++i) sockets.push_back(dial(io));
  std::vector<std::string> frames;
  for (size_t i = 0; i < sockets.size(); ++i) frames.push_back(sealed(message));
  for (size_t i = 0; i < sockets.size(); ++i) asio::write(sockets[i], asio::buffer(frames[i]));
  std::vector<std::string> answers;
  for (tcp::socket& socket : sockets) answers.push_back(read_answer(socket));
  expect("first answered", answers[0], "job ");
  expect("retry 1: same job", answers[1], answers[0]);
  expect("retry 2: same job", answers[2], answers[0]);
  if (failures == 0) std::printf("%s\n", answers[0].c_str());
  return failures == 0 ? 0 : 1;
}

// Needs a few held jobs (pending, so they hold a submit time, a name and a
// working directory but no nodes).
int probe_listing_columns() {
  using T = pb::ListingTable;
  ControllerClient client(config);
  auto table_with = [&](const ListingColumns& columns) {
    pb::Message request;
    request.mutable_list_jobs()->set_as_table(true);
    set_listing_columns(*request.mutable_list_jobs(), columns);
    Result<pb::Message> reply = client.call(request);
    if (!reply) {
      std::printf("listing failed: %s\n", reply.error().c_str());
      std::exit(1);
    }
    return reply->list_jobs_reply().table();
  };
  pb::ListingTable all = table_with(ListingColumns::all());
  pb::ListingTable some = table_with({T::kNameFieldNumber, T::kStateFieldNumber});
  std::string rows = std::to_string(all.rows());
  auto count = [](int n) { return std::to_string(n); };
  expect("rows listed", all.rows() > 0 ? "some" : "none", "some");
  expect("all: names", count(all.name_size()), rows);
  expect("all: work dirs", count(all.work_dir_size()), rows);
  expect("all: submit times", count(all.submit_time_size()), rows);
  expect("named: rows", count(static_cast<int>(some.rows())), rows);
  expect("named: job ids", count(some.job_id_size()), rows);
  expect("named: names", count(some.name_size()), rows);
  expect("named: no work dirs", count(some.work_dir_size()), "0");
  expect("named: no submit times", count(some.submit_time_size()), "0");
  // The names by row, from each table's own strings.
  auto names = [](const pb::ListingTable& t) {
    std::string out;
    for (uint32_t i : t.name()) out += t.strings(static_cast<int>(i)) + ",";
    return out;
  };
  expect("named: same names", names(some) == names(all) ? "yes" : "no", "yes");
  expect("named: fewer strings", some.strings_size() < all.strings_size() ? "yes" : "no", "yes");
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
  if (argc == 3 && std::string(argv[2]) == "--listing-columns") return probe_listing_columns();
  ClusterKey real = *ClusterKey::load(config.key_file);
  key = &real;
  if (argc == 3 && std::string(argv[2]) == "--retry-race") return probe_retry_race();
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
