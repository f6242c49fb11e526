// droverctld: the controller daemon.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>

#include "controller.h"
#include "drover/credential.h"
#include "drover/local_auth.h"
#include "drover/sd_notify.h"

using namespace drover;

namespace {

constexpr long kTmpfsMagic = 0x01021994;

// The state and spool directories may live on disks mounted after we
// start (an SSD, an NFS export): wait for them rather than create them on
// the wrong filesystem, and say what we wait for.
void wait_for_directory(const std::string& dir, const char* what, ServiceNotifier& notifier) {
  for (int waited = 0;; ++waited) {
    struct stat st {};
    if (stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return;
    if (waited % 30 == 0)
      spdlog::warn("waiting for the {} directory {} to exist (is its filesystem mounted?)", what, dir);
    notifier.status(std::string("waiting for the ") + what + " directory " + dir + " (is its filesystem mounted?)");
    notifier.ping();  // waiting, not hung
    sleep(1);
  }
}

// The state directory must survive a reboot and be ours alone.
Status check_state_dir(const std::string& dir) {
  struct statfs fs {};
  if (statfs(dir.c_str(), &fs) == 0 && fs.f_type == kTmpfsMagic)
    return Status::fail("state directory " + dir + " is on tmpfs: job state would not survive a reboot");
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) return Status::fail("cannot stat state directory " + dir);
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return Status::fail("state directory " + dir + " is writable by group or others; make it mode 0700");
  return ok_status();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"droverctld: the Drover controller daemon"};
  std::string config_flag;
  app.add_option("-c,--config", config_flag, "configuration file (default $DROVER_CONF or /etc/drover/drover.yaml)");
  app.set_version_flag("-V,--version", "droverctld " DROVER_VERSION);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ droverctld: %v");
  crypto_init();  // before any thread (credential.h)

  Result<Config> config = load_config(config_path(config_flag), ConfigScope::kFull);
  if (!config) {
    spdlog::critical("{}", config.error());
    return 1;
  }
  Result<ClusterKey> key = ClusterKey::load(config->key_file, ::geteuid());
  if (!key) {
    spdlog::critical("{}", key.error());
    return 1;
  }
  // systemd (Type=notify): READY=1 comes from the controller once it listens.
  asio::io_context io(1);
  ServiceNotifier notifier(io);
  wait_for_directory(config->state_dir, "state", notifier);
  if (Status s = check_state_dir(config->state_dir); !s) {
    spdlog::critical("{}", s.error());
    return 1;
  }
  wait_for_directory(config->spool_dir, "spool", notifier);
  std::signal(SIGPIPE, SIG_IGN);
  // Every client and agent is a file descriptor: take all the kernel allows.
  struct rlimit files {};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  // perf: fixed glibc thresholds. By default they grow after the first large
  // free, and then a 10 MB squeue reply or a start-up's parsing stays in the
  // RSS for good; fixed, big buffers are mmapped and freed space at the top
  // of the heap goes back to the kernel. Two arenas: the controller thread
  // and the store's worker.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 512 * 1024);
  ::mallopt(M_ARENA_MAX, 2);
  notifier.status("loading state from " + config->state_dir);
  Result<std::unique_ptr<JobStore>> store =
      JobStore::open(config->state_dir, [&io](std::function<void()> fn) { asio::post(io, std::move(fn)); });
  if (!store) {
    spdlog::critical("{}", store.error());
    return 1;
  }
  if (Status s = start_local_auth_service(io, config->auth_socket, *key, config->ttl_s); !s)
    spdlog::warn("{}; users who cannot read the key cannot submit from this host", s.error());
  Controller controller(io, *config, *key, std::move(*store));
  controller.set_notifier(&notifier);
  try {
    controller.start();
  } catch (const std::exception& e) {  // state that cannot be loaded safely: stop, change nothing
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&](boost::system::error_code, int signo) {
    spdlog::info("signal {}: shutting down once the job state is flushed", signo);
    notifier.stopping();
    controller.flush_state([&io] { io.stop(); });
    stop.async_wait([&io](boost::system::error_code, int) { io.stop(); });  // a second signal: at once
  });
  // SIGHUP (systemctl reload): the same as `scontrol reconfigure`.
  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> await_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      spdlog::info("SIGHUP: reloading {}", config->path);
      notifier.reloading();
      std::string refused = controller.reload("SIGHUP");
      notifier.reloaded(refused.empty() ? controller.status_summary()
                                     : controller.status_summary() + "; last reload refused: " + refused);
      await_hangup();
    });
  };
  await_hangup();
  // STATUS= is refreshed while serving, for `systemctl status`.
  asio::steady_timer status_timer(io);
  std::function<void()> refresh_status = [&] {
    status_timer.expires_after(std::chrono::seconds(5));
    status_timer.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      if (notifier.ready_sent() && notifier.last_status().find("reload refused") == std::string::npos)
        notifier.status(controller.status_summary());
      refresh_status();
    });
  };
  refresh_status();
  spdlog::info("cluster {} controller started (pid {})", config->cluster, ::getpid());
  io.run();
  return 0;
}
