// Connections and the dispatch table of droverctld.
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>

#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/envelope.h"
#include "drover/local_socket.h"

namespace drover {

// The dispatch table: message type -> required role and handler. Adding a
// message is adding a row; authorization is visible here and nowhere else.
const std::map<pb::Message::KindCase, Controller::Route>& Controller::routes() {
  static const std::map<pb::Message::KindCase, Route> table = {
      {pb::Message::kSubmit, {Role::kUser, &Controller::handle_submit}},
      {pb::Message::kListJobs, {Role::kUser, &Controller::handle_list_jobs}},
      {pb::Message::kListNodes, {Role::kUser, &Controller::handle_list_nodes}},
      {pb::Message::kCancel, {Role::kUser, &Controller::handle_cancel}},
      {pb::Message::kJobControl, {Role::kUser, &Controller::handle_job_control}},
      {pb::Message::kNodeUpdate, {Role::kAdmin, &Controller::handle_node_update}},
      {pb::Message::kStepCreate, {Role::kUser, &Controller::handle_step_create}},
      {pb::Message::kStepComplete, {Role::kUser, &Controller::handle_step_complete}},
      {pb::Message::kAllocationDone, {Role::kUser, &Controller::handle_allocation_done}},
      {pb::Message::kJobUpdate, {Role::kUser, &Controller::handle_job_update}},
      {pb::Message::kConfigRequest, {Role::kUser, &Controller::handle_config}},
      {pb::Message::kReconfigure, {Role::kAdmin, &Controller::handle_reconfigure}},
      {pb::Message::kHello, {Role::kAgent, &Controller::handle_hello}},
      {pb::Message::kHeartbeat, {Role::kAgent, &Controller::handle_heartbeat}},
      {pb::Message::kStarted, {Role::kAgent, &Controller::handle_started}},
      {pb::Message::kFinished, {Role::kAgent, &Controller::handle_finished}},
  };
  return table;
}

awaitable<void> Controller::listen() {
  Backoff backoff(std::chrono::seconds(5));
  for (;;) {
    tcp::acceptor acceptor(io_);
    boost::system::error_code ec;
    tcp::endpoint endpoint(asio::ip::address_v6::any(), config_.controller_port);
    // Listen on every address: agents and CLIs reach the head node by name.
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::ip::v6_only(false), ec);
    if (ec) {  // no IPv6 on this host
      acceptor = tcp::acceptor(io_);
      endpoint = tcp::endpoint(asio::ip::address_v4::any(), config_.controller_port);
      acceptor.open(endpoint.protocol(), ec);
    }
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      auto delay = backoff.next();
      spdlog::warn("cannot listen on port {}: {}; retrying in {} ms", config_.controller_port, ec.message(),
                   delay.count());
      if (notifier_)
        notifier_->status("waiting for network: cannot bind port " + std::to_string(config_.controller_port) + ": " +
                          ec.message());
      asio::steady_timer timer(io_, delay);
      co_await timer.async_wait(use_awaitable);
      continue;
    }
    spdlog::info("listening on port {}", config_.controller_port);
    if (!config_.controller_socket.empty()) asio::co_spawn(io_, listen_local(), asio::detached);
    if (notifier_) notifier_->ready(status_summary());  // state is loaded: start() recovered it first
    co_await accept_each(acceptor);
    co_return;
  }
}

template <typename Acceptor>
awaitable<void> Controller::accept_each(Acceptor& acceptor) {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of file descriptors: pause instead of spinning on accept.
      warn_limited("accept", "accept failed: " + ec.message());
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(use_awaitable);
      continue;
    }
    accept(std::make_shared<Connection>(std::move(socket), config_.max_frame_bytes));
  }
}

namespace {

// Whether something accepts connections at `path`. Non-blocking, so a live
// peer that does not accept (a full backlog, a stopped process) cannot
// hold up the controller's thread; only a refusal means nobody is there.
bool someone_listens(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;  // cannot tell: leave the path alone
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  bool refused = rc != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return !refused;
}

}  // namespace

awaitable<void> Controller::listen_local() {
  using local = asio::local::stream_protocol;
  const std::string& path = config_.controller_socket;
  auto skip = [&path](const std::string& why) {
    spdlog::warn("controller.socket {}: {}; not listening there (commands on this host use TCP)", path, why);
  };
  uid_t owner = 0;
  if (std::string problem = socket_dir_problem(path, &owner); !problem.empty()) co_return skip(problem);
  if (owner != 0 && owner != ::geteuid())
    co_return skip("its directory belongs to uid " + std::to_string(owner) + ", not to root or this daemon");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) co_return skip("exists and is not a socket");
    if (someone_listens(path))
      co_return skip("another process listens there, and commands on this host reach it instead of this "
                     "controller: give this controller another controller.socket");
    ::unlink(path.c_str());  // left by a controller that died
  }
  local::acceptor acceptor(io_);
  boost::system::error_code ec;
  acceptor.open(local(), ec);
  if (!ec) acceptor.bind(local::endpoint(path), ec);
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) ::unlink(path.c_str());
  }
  if (ec) co_return skip(ec.message());
  // Anyone may connect, as to the TCP port: requests are authenticated by
  // their credential, not by who can reach the socket.
  ::chmod(path.c_str(), 0666);
  if (::lstat(path.c_str(), &st) == 0) local_socket_ = {st.st_dev, st.st_ino};
  spdlog::info("listening on {}", path);
  co_await accept_each(acceptor);
}

void Controller::accept(std::shared_ptr<Connection> conn) {
  if (clients_.size() >= config_.max_connections) {
    warn_limited("connections", "closed the oldest client connection: " + std::to_string(clients_.size()) +
                                    " open (max_connections)");
    if (auto oldest = clients_.front().lock(); oldest && oldest->conn) oldest->conn->close(true);
  }
  auto session = std::make_shared<Session>();
  clients_.push_back(session);
  session->in_clients = std::prev(clients_.end());
  session->conn = std::move(conn);
  std::weak_ptr<Session> weak = session;
  session->conn->start(
      [this, weak](std::string body) {
        if (auto s = weak.lock()) on_frame(s, body);
      },
      [this, session](const std::string& why) {
        if (session->in_clients != clients_.end()) clients_.erase(session->in_clients);
        session->in_clients = clients_.end();
        if (!session->node.empty()) on_agent_closed(session->node, why);
        session->conn.reset();  // breaks the session <-> connection cycle
      });
  // Slow or idle clients are dropped; agents lift the idle limit at hello.
  session->conn->set_timeouts(std::chrono::seconds(config_.client_idle_timeout_s),
                              std::chrono::seconds(config_.frame_timeout_s));
}

void Controller::warn_limited(const std::string& kind, const std::string& message) {
  uint64_t suppressed = 0;
  if (!log_limiter_.allow(kind, std::chrono::steady_clock::now(), &suppressed)) return;
  if (suppressed > 0)
    spdlog::warn("{} ({} similar messages suppressed)", message, suppressed);
  else
    spdlog::warn("{}", message);
}

void Controller::on_frame(const std::shared_ptr<Session>& session, const std::string& body) {
  const auto received = ScopedTimer::Clock::now();  // metrics: RPC latency includes verification
  Result<Opened> opened = open_envelope(body, Verifier{&key_, config_.max_clock_skew_s, &replays_, true}, now());
  if (opened && !opened->clock_error.empty()) {
    // Genuine, but the sender's clock is off: an agent is told (and its
    // node reported) with the measured skew instead of an opaque refusal.
    if (opened->message.has_hello()) return refuse_skewed_agent(session, opened->message.hello(), opened->clock_error);
    opened = Result<Opened>::fail(opened->clock_error);
  }
  if (!opened) {
    warn_limited("refused:" + opened.error().substr(0, opened.error().find(':')),
                 "refused message from " + session->conn->peer() + ": " + opened.error());
    pb::Message error;
    error.mutable_error()->set_message(opened.error());
    send(*session, error);
    session->conn->close();
    return;
  }
  Request request{session, opened->cred.uid(), opened->cred.gid(), opened->cred.issued_s(),
                  std::move(opened->message)};
  ScopedTimer rpc_timer(
      [this, kind = request.message.kind_case()](double s) { metrics_->observe_rpc(rpc_type_name(kind), s); }, received);
  if (size_t node = node_index(session->node); node != SIZE_MAX) nodes_[node].last_seen_s = now();  // any word counts
  auto route = routes().find(request.message.kind_case());
  if (route == routes().end()) {
    reply_error(request, "Unexpected message received");
    return;
  }
  if (route->second.role == Role::kAgent && request.uid != 0 && request.uid != daemon_uid_) {
    warn_limited("agent-role", "refused agent message from uid " + std::to_string(request.uid) + " at " +
                                   session->conn->peer());
    reply_error(request, "Access/permission denied");
    session->conn->close();
    return;
  }
  if (route->second.role == Role::kAdmin && !is_admin(request.uid, request.gid)) {
    reply_error(request, "Access/permission denied");
    return;
  }
  try {
    (this->*route->second.handler)(request);
  } catch (const std::exception& e) {
    // A handler must not throw; if one does, the request fails, not the daemon.
    spdlog::error("bug: handler for message type {} threw: {}", static_cast<int>(request.message.kind_case()),
                  e.what());
    reply_error(request, "Unexpected error in the controller: " + std::string(e.what()));
  }
}

void Controller::send(Session& session, const pb::Message& message) {
  send_payload(session, message.SerializeAsString());
}

void Controller::send_payload(Session& session, std::string payload) {
  if (!session.conn) return;
  Result<std::string> sealed = seal_framed(payload, [this](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(key_, daemon_uid_, ::getgid(), now(), config_.ttl_s, digest));
  });
  if (sealed) session.conn->send_framed(std::move(*sealed));
}

void Controller::reply(const Request& request, const pb::Message& message) {
  send(*request.session, message);
}

void Controller::reply_error(const Request& request, const std::string& message, const std::string& detail) {
  pb::Message error;
  error.mutable_error()->set_message(message);
  error.mutable_error()->set_detail(detail);
  reply(request, error);
}

bool Controller::is_admin(uint32_t uid, uint32_t gid) const {
  if (uid == 0 || uid == daemon_uid_ || admin_uids_.count(uid) || admin_gids_.count(gid)) return true;
  if (admin_gids_.empty()) return false;
  // Supplementary groups count too.
  struct passwd* pw = getpwuid(uid);
  if (!pw) return false;
  int count = 64;
  std::vector<gid_t> groups(static_cast<size_t>(count));
  if (getgrouplist(pw->pw_name, gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<size_t>(count));
    getgrouplist(pw->pw_name, gid, groups.data(), &count);
  }
  groups.resize(static_cast<size_t>(std::max(count, 0)));
  for (gid_t g : groups)
    if (admin_gids_.count(g)) return true;
  return false;
}

}  // namespace drover
