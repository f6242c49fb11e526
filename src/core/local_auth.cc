#include "drover/local_auth.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "drover/envelope.h"

namespace drover {
namespace {

awaitable<void> serve_one(asio::local::stream_protocol::socket socket, const ClusterKey& key, uint32_t ttl_s) {
  try {
    struct ucred peer {};
    socklen_t len = sizeof peer;
    if (getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) co_return;
    unsigned char header[kFrameHeaderBytes];
    co_await asio::async_read(socket, asio::buffer(header), use_awaitable);
    Result<uint32_t> length = frame_length(header, 4096);
    if (!length) co_return;
    std::string body(*length, '\0');
    co_await asio::async_read(socket, asio::buffer(body), use_awaitable);
    pb::Message request;
    if (!request.ParseFromString(body) || !request.has_cred_request() ||
        request.cred_request().payload_hash().size() != 32) {
      spdlog::warn("local auth: malformed request from uid {}", peer.uid);
      co_return;
    }
    pb::Message reply;
    *reply.mutable_cred_reply()->mutable_cred() =
        mint_credential(key, peer.uid, peer.gid, ::time(nullptr), ttl_s, request.cred_request().payload_hash());
    std::string out = frame(reply.SerializeAsString());
    co_await asio::async_write(socket, asio::buffer(out), use_awaitable);
  } catch (const boost::system::system_error&) {
    // The client went away; nothing to clean up.
  }
}

awaitable<void> accept_loop(asio::local::stream_protocol::acceptor acceptor, const ClusterKey& key, uint32_t ttl_s) {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), serve_one(std::move(socket), key, ttl_s), asio::detached);
  }
}

}  // namespace

Status start_local_auth_service(asio::io_context& io, const std::string& path, const ClusterKey& key,
                                uint32_t ttl_s) {
  ::unlink(path.c_str());
  boost::system::error_code ec;
  asio::local::stream_protocol::acceptor acceptor(io);
  acceptor.open(asio::local::stream_protocol(), ec);
  if (!ec) acceptor.bind(asio::local::stream_protocol::endpoint(path), ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::fail("cannot listen on local auth socket " + path + ": " + ec.message());
  ::chmod(path.c_str(), 0666);
  asio::co_spawn(io, accept_loop(std::move(acceptor), key, ttl_s), asio::detached);
  return ok_status();
}

}  // namespace drover
