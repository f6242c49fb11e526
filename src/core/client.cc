#include "drover/client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include "drover/envelope.h"
#include "drover/local_socket.h"

namespace drover {
namespace {

// One blocking socket: a command sends one request and waits for one
// reply, so it needs no event loop (creating and tearing one down was a
// tenth of sbatch's system calls).
class Socket {
 public:
  Socket() = default;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool connect_local(const std::string& path) {
    sockaddr_un addr{};
    if (path.empty()) return fail(ENOENT);
    if (path.size() >= sizeof addr.sun_path) return fail(ENAMETOOLONG);
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    return open_and_connect(AF_UNIX, 0, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  }

  // The controller's socket counts only where nobody else could have put a
  // listener (local_socket.h), and only if root or the directory's owner
  // is the one listening.
  bool connect_controller_socket(const std::string& path) {
    if (!connect_local(path)) return false;
    uid_t owner = 0;
    struct ucred peer {};
    socklen_t len = sizeof peer;
    if (socket_dir_problem(path, &owner).empty() &&
        ::getsockopt(fd_, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 && (peer.uid == 0 || peer.uid == owner))
      return true;
    ::close(fd_);
    fd_ = -1;
    return fail(EPERM);
  }

  // Tries each address of the host in turn, as Asio's connect did.
  bool connect_tcp(const std::string& host, uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return fail(EHOSTUNREACH);
    bool connected = false;
    for (addrinfo* a = found; a && !connected; a = a->ai_next)
      connected = open_and_connect(a->ai_family, a->ai_protocol, a->ai_addr, a->ai_addrlen);
    ::freeaddrinfo(found);
    if (connected) {
      int one = 1;
      ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return connected;
  }

  bool write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  bool read_exact(void* into, size_t size) {
    auto* p = static_cast<char*>(into);
    while (size > 0) {
      ssize_t n = ::recv(fd_, p, size, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) errno = ECONNRESET;  // closed before the whole reply
      if (n <= 0) return false;
      p += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  // A frame body, or nullopt (errno says why; EBADMSG: a malformed header).
  std::optional<std::string> read_frame(uint32_t max_frame_bytes) {
    unsigned char header[kFrameHeaderBytes];
    if (!read_exact(header, sizeof header)) return std::nullopt;
    Result<uint32_t> length = frame_length(header, max_frame_bytes);
    if (!length) {
      errno = EBADMSG;
      return std::nullopt;
    }
    std::string body(*length, '\0');
    if (!read_exact(body.data(), body.size())) return std::nullopt;
    return body;
  }

 private:
  bool open_and_connect(int family, int protocol, const sockaddr* addr, socklen_t len) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, protocol);
    if (fd_ < 0) return false;
    if (::connect(fd_, addr, len) == 0) return true;
    if (errno != EINTR) return false;
    // Interrupted: the connection goes on in the background; wait for it.
    pollfd p{fd_, POLLOUT, 0};
    while (::poll(&p, 1, -1) < 0)
      if (errno != EINTR) return false;
    int error = 0;
    socklen_t error_len = sizeof error;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &error_len) != 0) return false;
    return error == 0 || fail(error);
  }
  static bool fail(int error) {
    errno = error;
    return false;
  }

  int fd_ = -1;
};

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
  auto fail = [this](const std::string& why) {
    return Result<pb::Credential>::fail("cannot get a credential: the key " + config_.key_file +
                                        " is not readable and the local daemon at " + config_.auth_socket +
                                        " did not answer (" + why + ")");
  };
  Socket socket;
  pb::Message request;
  request.mutable_cred_request()->set_payload_hash(std::string(digest));
  if (!socket.connect_local(config_.auth_socket) || !socket.write_all(frame(request.SerializeAsString())))
    return fail(std::strerror(errno));
  std::optional<std::string> body = socket.read_frame(4096);
  if (!body) return fail(std::strerror(errno));
  pb::Message reply;
  if (!reply.ParseFromString(*body) || !reply.has_cred_reply())
    return Result<pb::Credential>::fail("the local Drover daemon sent a malformed credential");
  return Result<pb::Credential>::ok(reply.cred_reply().cred());
}

Result<pb::Message> ControllerClient::call(const pb::Message& request) {
  Result<std::string> sealed = seal(request, [this](std::string_view d) { return sign(d); });
  if (!sealed) return Result<pb::Message>::fail(sealed.error());
  outcome_unknown_ = false;
  // On the controller's own host its Unix socket is cheaper for both ends;
  // elsewhere (or with the controller down) it is not there.
  Socket socket;
  if (!socket.connect_controller_socket(config_.controller_socket) &&
      !socket.connect_tcp(config_.controller_host, config_.controller_port))
    return Result<pb::Message>::fail(kUnreachable);
  std::optional<std::string> reply;
  if (!socket.write_all(frame(*sealed)) || !(reply = socket.read_frame(config_.max_frame_bytes))) {
    outcome_unknown_ = true;
    return Result<pb::Message>::fail(kUnreachable);
  }
  const std::string& reply_body = *reply;
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
