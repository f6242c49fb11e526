#include "drover/client.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "drover/asio.h"
#include "drover/envelope.h"

namespace drover {
namespace {

void write_all_frame(auto& socket, const std::string& body) {
  std::string out = frame(body);
  asio::write(socket, asio::buffer(out));
}

std::string read_frame(auto& socket, uint32_t max_frame_bytes) {
  unsigned char header[kFrameHeaderBytes];
  asio::read(socket, asio::buffer(header));
  Result<uint32_t> length = frame_length(header, max_frame_bytes);
  if (!length) throw std::runtime_error(length.error());
  std::string body(*length, '\0');
  asio::read(socket, asio::buffer(body));
  return body;
}

}  // namespace

ControllerClient::ControllerClient(Config config) : config_(std::move(config)) {
  if (::access(config_.key_file.c_str(), R_OK) == 0) {
    Result<ClusterKey> key = ClusterKey::load(config_.key_file);
    if (key) key_ = std::make_unique<ClusterKey>(std::move(*key));
  }
}

ControllerClient::~ControllerClient() = default;

Result<pb::Credential> ControllerClient::sign(std::string_view digest) {
  if (key_)
    return Result<pb::Credential>::ok(
        mint_credential(*key_, ::getuid(), ::getgid(), ::time(nullptr), config_.ttl_s, digest));
  try {
    asio::io_context io;
    asio::local::stream_protocol::socket socket(io);
    socket.connect(asio::local::stream_protocol::endpoint(config_.auth_socket));
    pb::Message request;
    request.mutable_cred_request()->set_payload_hash(std::string(digest));
    write_all_frame(socket, request.SerializeAsString());
    pb::Message reply;
    if (!reply.ParseFromString(read_frame(socket, 4096)) || !reply.has_cred_reply())
      return Result<pb::Credential>::fail("the local Drover daemon sent a malformed credential");
    return Result<pb::Credential>::ok(reply.cred_reply().cred());
  } catch (const std::exception& e) {
    return Result<pb::Credential>::fail("cannot get a credential: the key " + config_.key_file +
                                        " is not readable and the local daemon at " + config_.auth_socket +
                                        " did not answer (" + e.what() + ")");
  }
}

Result<pb::Message> ControllerClient::call(const pb::Message& request) {
  Result<std::string> sealed = seal(request, [this](std::string_view d) { return sign(d); });
  if (!sealed) return Result<pb::Message>::fail(sealed.error());
  std::string reply_body;
  outcome_unknown_ = false;
  asio::io_context io;
  tcp::socket socket(io);
  try {
    tcp::resolver resolver(io);
    asio::connect(socket, resolver.resolve(config_.controller_host, std::to_string(config_.controller_port)));
    socket.set_option(tcp::no_delay(true));
  } catch (const std::exception&) {
    return Result<pb::Message>::fail(kUnreachable);
  }
  try {
    write_all_frame(socket, *sealed);
    reply_body = read_frame(socket, config_.max_frame_bytes);
  } catch (const std::exception&) {
    outcome_unknown_ = true;
    return Result<pb::Message>::fail(kUnreachable);
  }
  Opened opened;
  if (key_) {
    // A reply signed by someone without the cluster key is not our controller's.
    Result<Opened> checked = open_envelope(reply_body, Verifier{key_.get(), config_.max_clock_skew_s, nullptr},
                                           ::time(nullptr));
    if (!checked) return Result<pb::Message>::fail("reply rejected: " + checked.error());
    opened = std::move(*checked);
  } else {
    Result<EnvelopeView> envelope = read_envelope(reply_body);
    if (!envelope ||
        !opened.message.ParseFromArray(envelope->payload.data(), static_cast<int>(envelope->payload.size())))
      return Result<pb::Message>::fail("malformed reply from the controller");
  }
  if (opened.message.has_error()) {
    const pb::ErrorReply& e = opened.message.error();
    return Result<pb::Message>::fail(e.detail().empty() ? e.message() : e.detail() + "\n" + e.message());
  }
  return Result<pb::Message>::ok(std::move(opened.message));
}

Config load_cli_config(const std::string& command, const std::string& flag_value) {
  Result<Config> config = load_config(config_path(flag_value), ConfigScope::kCommand);
  if (!config) {
    std::fprintf(stderr, "%s: error: %s\n", command.c_str(), config.error().c_str());
    std::exit(1);
  }
  return std::move(*config);
}

}  // namespace drover
