// The sd_notify datagram protocol, against a socket bound the way systemd
// binds $NOTIFY_SOCKET (a path, or an abstract name written with '@').
#include "drover/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace drover {
namespace {

// A receiving datagram socket bound to `name`, as systemd's would be.
class Receiver {
 public:
  explicit Receiver(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    Result<NotifyAddress> a = notify_address(name);
    EXPECT_TRUE(a) << a.error();
    if (a) {
      EXPECT_EQ(0, ::bind(fd_, reinterpret_cast<const sockaddr*>(&a->addr), a->len)) << name;
    }
    timeval tv{2, 0};  // a lost datagram fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Receiver() { ::close(fd_); }
  std::string receive() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n < 0 ? std::string("<nothing received>") : std::string(buf, static_cast<size_t>(n));
  }

 private:
  int fd_ = -1;
};

std::string unique_name(const char* prefix) {
  return std::string(prefix) + "drover-notify-test-" + std::to_string(::getpid());
}

TEST(NotifyAddress, PathKeepsItsTerminatingNul) {
  Result<NotifyAddress> a = notify_address("/run/systemd/notify");
  ASSERT_TRUE(a);
  EXPECT_STREQ("/run/systemd/notify", a->addr.sun_path);
  EXPECT_EQ(offsetof(sockaddr_un, sun_path) + 20, a->len);
}

TEST(NotifyAddress, AbstractNameStartsWithNulAndHasNoPadding) {
  Result<NotifyAddress> a = notify_address("@sd-notify/1");
  ASSERT_TRUE(a);
  EXPECT_EQ('\0', a->addr.sun_path[0]);
  EXPECT_EQ(std::string("sd-notify/1"), std::string(a->addr.sun_path + 1, 11));
  EXPECT_EQ(offsetof(sockaddr_un, sun_path) + 12, a->len);
}

TEST(NotifyAddress, RejectsRelativeEmptyAndOverlongNames) {
  EXPECT_FALSE(notify_address(""));
  EXPECT_FALSE(notify_address("run/notify"));
  EXPECT_FALSE(notify_address("/" + std::string(200, 'x')));
  EXPECT_TRUE(notify_address("@" + std::string(107, 'x')));   // abstract: all 108 bytes usable
  EXPECT_FALSE(notify_address("/" + std::string(107, 'x')));  // a path needs room for its NUL
}

TEST(WatchdogInterval, HalfOfWatchdogUsecForThisProcessOnly) {
  using us = std::chrono::microseconds;
  EXPECT_EQ(us(1500000), watchdog_interval("3000000", nullptr, 42));
  EXPECT_EQ(us(1500000), watchdog_interval("3000000", "42", 42));
  EXPECT_EQ(us(0), watchdog_interval("3000000", "41", 42));  // meant for our parent
  EXPECT_EQ(us(0), watchdog_interval(nullptr, nullptr, 42));
  EXPECT_EQ(us(0), watchdog_interval("", nullptr, 42));
  EXPECT_EQ(us(0), watchdog_interval("0", nullptr, 42));
  EXPECT_EQ(us(0), watchdog_interval("3s", nullptr, 42));
  EXPECT_EQ(us(0), watchdog_interval("-5", nullptr, 42));
  EXPECT_EQ(us(0), watchdog_interval("3000000", "42x", 42));
}

TEST(StatusAssignment, NewlinesCannotStartAnotherAssignment) {
  EXPECT_EQ("STATUS=serving, 3 jobs, 2 nodes", status_assignment("serving, 3 jobs, 2 nodes"));
  EXPECT_EQ("STATUS=bad  READY=1", status_assignment("bad\r\nREADY=1"));
}

TEST(SendNotify, ReachesAbstractAndPathSockets) {
  std::string abstract = unique_name("@");
  Receiver a(abstract);
  ASSERT_TRUE(send_notify(abstract, "READY=1\nSTATUS=serving"));
  EXPECT_EQ("READY=1\nSTATUS=serving", a.receive());

  std::string path = unique_name("/tmp/");
  ::unlink(path.c_str());
  {
    Receiver p(path);
    ASSERT_TRUE(send_notify(path, "WATCHDOG=1"));
    EXPECT_EQ("WATCHDOG=1", p.receive());
  }
  ::unlink(path.c_str());
  Status gone = send_notify(path, "WATCHDOG=1");
  ASSERT_FALSE(gone);
  EXPECT_NE(std::string::npos, gone.error().find(path));
}

TEST(ServiceNotifier, SendsReadyAndChangedStatusOnlyAndPingsTheWatchdog) {
  std::string name = unique_name("@notifier-");
  Receiver r(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "20000", 1);  // a ping every 10 ms
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  asio::io_context io;
  ServiceNotifier notifier(io);
  EXPECT_EQ(nullptr, std::getenv("NOTIFY_SOCKET"));  // not passed on to children
  EXPECT_EQ(nullptr, std::getenv("WATCHDOG_USEC"));
  notifier.status("loading state");
  notifier.status("loading state");  // unchanged: not sent again
  notifier.ready("serving, 0 jobs, 1 nodes");
  EXPECT_TRUE(notifier.ready_sent());
  EXPECT_EQ("STATUS=loading state", r.receive());
  EXPECT_EQ("READY=1\nSTATUS=serving, 0 jobs, 1 nodes", r.receive());
  io.run_for(std::chrono::milliseconds(35));
  EXPECT_EQ("WATCHDOG=1", r.receive());
  notifier.reloading();
  std::string reload;
  do reload = r.receive();
  while (reload == "WATCHDOG=1");
  EXPECT_EQ(0u, reload.find("RELOADING=1\nMONOTONIC_USEC=")) << reload;
  EXPECT_NE(std::string::npos, reload.find("\nSTATUS=reloading the configuration"));
  notifier.reloaded("serving, 1 jobs, 1 nodes");
  do reload = r.receive();
  while (reload == "WATCHDOG=1");
  EXPECT_EQ("READY=1\nSTATUS=serving, 1 jobs, 1 nodes", reload);
}

TEST(ServiceNotifier, ReloadBeforeReadyDoesNotClaimReadiness) {
  std::string name = unique_name("@early-");
  Receiver r(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  ::unsetenv("WATCHDOG_USEC");
  asio::io_context io;
  ServiceNotifier notifier(io);
  notifier.reloading();
  notifier.reloaded("waiting for controller head:6817: Connection refused");
  EXPECT_FALSE(notifier.ready_sent());
  EXPECT_EQ("STATUS=reloading the configuration", r.receive());
  EXPECT_EQ("STATUS=waiting for controller head:6817: Connection refused", r.receive());
}

TEST(ServiceNotifier, ReadyWithTheCurrentStatusSendsItIntact) {
  std::string name = unique_name("@current-");
  Receiver r(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  ::unsetenv("WATCHDOG_USEC");
  asio::io_context io;
  ServiceNotifier notifier(io);
  // Long enough to live on the heap, where a dangling view would read freed memory.
  std::string waiting = "waiting for controller pi-clust-head.example.org:6817: Connection refused";
  notifier.status(waiting);
  notifier.ready(notifier.last_status());  // what droverd's --ready-wait-s fallback does
  EXPECT_EQ("STATUS=" + waiting, r.receive());
  EXPECT_EQ("READY=1\nSTATUS=" + waiting, r.receive());
  EXPECT_EQ(waiting, notifier.last_status());
}

TEST(ServiceNotifier, WithoutNotifySocketIsSilent) {
  ::unsetenv("NOTIFY_SOCKET");
  asio::io_context io;
  ServiceNotifier notifier(io);
  notifier.ready("serving");
  notifier.stopping();
  EXPECT_EQ(0u, io.run_for(std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace drover
