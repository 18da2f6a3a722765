// The local backend's slots: taken once, given back only by their holder, reclaimed from a
// holder that is gone (exited, killed, or a zombie nobody reaps), never from a live one.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "atomic_file.hpp"
#include "layout.hpp"
#include "local_slots.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
using hpo::LocalSlots;
using hpo::SlotHolder;

// A child process that waits until told to exit (closing `release` ends it).
struct Child {
  Child() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[1]);
      char c;
      (void)!::read(fds[0], &c, 1);
      ::_exit(0);
    }
    ::close(fds[0]);
    release = fds[1];
  }
  // Ends it without reaping it: a zombie, as under a PID 1 that never reaps.
  void EndAsZombie() {
    ::close(release);
    release = -1;
    for (int i = 0; i < 200 && hpo::ProcessStartTicks(pid); ++i) ::usleep(5000);
  }
  ~Child() {
    if (release >= 0) ::close(release);
    ::waitpid(pid, nullptr, 0);
  }
  pid_t pid;
  int release;
};

hpo::Layout Campaign(const t::ScratchDir& dir) {
  hpo::Layout L(dir / "camp");
  for (const auto& f : L.Folders()) hpo::EnsureDirectory(f);
  return L;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a slot is taken by one holder at a time and freed by its release") {
  t::ScratchDir dir;
  hpo::Layout L = Campaign(dir);
  LocalSlots slots(L, 2);
  Child a, b, c;
  SlotHolder ha = SlotHolder::Of(a.pid, 1), hb = SlotHolder::Of(b.pid, 2),
             hc = SlotHolder::Of(c.pid, 3);
  REQUIRE(slots.FindFree() == 0);
  CHECK(slots.Take(0, ha));
  CHECK_FALSE(slots.Take(0, hb));
  CHECK(slots.FindFree() == 1);
  CHECK(slots.Take(1, hb));
  CHECK_FALSE(slots.FindFree().has_value());  // both held by live processes
  CHECK(slots.HeldByOthers(-1) == 2);
  CHECK(slots.HeldByOthers(static_cast<long>(::getpid())) == 0);  // ours (we launched them)
  slots.Release(0, ha);
  CHECK(slots.FindFree() == 0);
  CHECK(slots.Take(0, hc));
  slots.Release(0, ha);  // not its holder any more: nothing changes
  REQUIRE(slots.Holder(0));
  CHECK(slots.Holder(0)->pid == c.pid);
  CHECK(t::ListDir(L.slots_dir()) == std::vector<std::string>{"slot_0", "slot_1"});  // no asides
}

TEST_CASE("a slot held by a dead or zombie process is reclaimed, a live holder's is not") {
  t::ScratchDir dir;
  hpo::Layout L = Campaign(dir);
  LocalSlots slots(L, 1);
  {
    Child gone;
    REQUIRE(slots.Take(0, SlotHolder::Of(gone.pid, 7)));
  }  // exited and reaped: its pid is gone
  CHECK(slots.FindFree() == 0);
  CHECK(t::ListDir(L.slots_dir()).empty());

  Child zombie;
  SlotHolder hz = SlotHolder::Of(zombie.pid, 8);
  REQUIRE(slots.Take(0, hz));
  CHECK_FALSE(slots.FindFree().has_value());
  zombie.EndAsZombie();
  CHECK_FALSE(hz.Alive());
  CHECK(slots.FindFree() == 0);

  // A reused pid (another start time) is not the holder.
  Child live;
  SlotHolder reused = SlotHolder::Of(live.pid, 9);
  reused.pid_start += 1;
  CHECK_FALSE(reused.Alive());
  CHECK(SlotHolder::Of(live.pid, 9).Alive());
}

TEST_CASE("a slot of another host is never reclaimed") {
  t::ScratchDir dir;
  hpo::Layout L = Campaign(dir);
  LocalSlots slots(L, 1);
  SlotHolder far;
  far.host = "another-host-" + hpo::HostName();
  far.pid = 1;
  REQUIRE(slots.Take(0, far));
  CHECK(far.Alive());
  CHECK_FALSE(slots.FindFree().has_value());
  CHECK(slots.HeldByOthers(-1) == 0);  // not of this host: nothing here waits for it
}

TEST_CASE("slot holders round trip through their file text") {
  Child c;
  SlotHolder h = SlotHolder::Of(c.pid, 42);
  auto back = SlotHolder::Parse(h.Text());
  REQUIRE(back);
  CHECK(back->Text() == h.Text());
  CHECK(back->trial_id == 42);
  CHECK(back->launcher_pid == ::getpid());
  for (const char* bad : {"", "{}", "node 1 2 3", "node 1 2 3 4 5", "node x 2 3 4", " node 1 2 3 4",
                          "node 1 2 3 04"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(SlotHolder::Parse(bad).has_value());
  }
}

TEST_SUITE_END();
