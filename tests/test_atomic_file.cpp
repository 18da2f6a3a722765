// Atomic, durable publication (Maildir): a published name only ever holds a complete file,
// no temp file survives success or failure, readers never follow a symlink.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <string>

#include "atomic_file.hpp"
#include "error.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using hpo::Outcome;
using hpo::Publish;

// Runs `body` in a child process with the privileges of `nobody` when we are root (root
// ignores directory permissions), or in this process otherwise. `body` returns the text the
// test checks; it must not use doctest assertions.
std::string AsUnprivileged(const std::function<std::string()>& body) {
  if (::geteuid() != 0) return body();
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    struct passwd* pw = ::getpwnam("nobody");
    uid_t uid = pw ? pw->pw_uid : 65534;
    gid_t gid = pw ? pw->pw_gid : 65534;
    std::string text;
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
      text = "cannot drop privileges";
    else
      text = body();
    ssize_t ignored = ::write(fds[1], text.data(), text.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return out;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const hpo::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE_BEGIN("unit");
TEST_CASE("WriteFileAtomic creates and replaces a file and leaves no temp behind") {
  t::ScratchDir dir;
  fs::path dest = dir / "state.json";
  CHECK(hpo::WriteFileAtomic(dest, "first") == Outcome::kDone);
  CHECK(t::ReadText(dest) == "first");
  CHECK(hpo::WriteFileAtomic(dest, "second, longer") == Outcome::kDone);
  CHECK(t::ReadText(dest) == "second, longer");
  CHECK(hpo::WriteFileAtomic(dest, "") == Outcome::kDone);
  CHECK(t::ReadText(dest).empty());
  std::string binary("a\0b\n\xff", 5);
  CHECK(hpo::WriteFileAtomic(dest, binary) == Outcome::kDone);
  CHECK(t::ReadText(dest) == binary);
  CHECK(t::ListDir(dir.path()) == std::vector<std::string>{"state.json"});
}

TEST_CASE("WriteFileAtomic with a tmp dir leaves nothing in it") {
  t::ScratchDir dir;
  fs::create_directory(dir / "tmp");
  fs::create_directory(dir / "pending");
  fs::path dest = dir / "pending" / "trial_3.json";
  CHECK(hpo::WriteFileAtomic(dest, "{}", Publish::kReplace, dir / "tmp") == Outcome::kDone);
  CHECK(hpo::WriteFileAtomic(dest, "{\"a\":1}", Publish::kNoReplace, dir / "tmp") ==
        Outcome::kExists);
  CHECK(t::ReadText(dest) == "{}");
  CHECK(t::ListDir(dir / "tmp").empty());
  CHECK(t::ListDir(dir / "pending") == std::vector<std::string>{"trial_3.json"});
}

TEST_CASE("WriteFileAtomic without replace refuses to overwrite and keeps the original") {
  t::ScratchDir dir;
  fs::path dest = dir / "trial_1.json";
  CHECK(hpo::WriteFileAtomic(dest, "original", Publish::kNoReplace) == Outcome::kDone);
  CHECK(hpo::WriteFileAtomic(dest, "intruder", Publish::kNoReplace) == Outcome::kExists);
  CHECK(t::ReadText(dest) == "original");
  CHECK(t::ListDir(dir.path()) == std::vector<std::string>{"trial_1.json"});
  // A dangling symlink also occupies the name: not followed, not replaced.
  fs::create_symlink(dir / "nowhere", dir / "link.json");
  CHECK(hpo::WriteFileAtomic(dir / "link.json", "x", Publish::kNoReplace) == Outcome::kExists);
  CHECK_FALSE(fs::exists(dir / "nowhere"));
}

TEST_CASE("WriteFileAtomic replaces a symlink instead of writing through it") {
  t::ScratchDir dir;
  t::WriteText(dir / "victim", "keep me");
  fs::create_symlink(dir / "victim", dir / "result.json");
  CHECK(hpo::WriteFileAtomic(dir / "result.json", "new") == Outcome::kDone);
  CHECK(t::ReadText(dir / "victim") == "keep me");
  CHECK(fs::is_regular_file(fs::symlink_status(dir / "result.json")));
  CHECK(t::ReadText(dir / "result.json") == "new");
}

TEST_CASE("WriteFileAtomic honours the umask") {
  t::ScratchDir dir;
  mode_t old = ::umask(027);
  hpo::WriteFileAtomic(dir / "a", "x");
  ::umask(002);
  hpo::WriteFileAtomic(dir / "b", "x", Publish::kNoReplace);
  ::umask(old);
  struct stat sa, sb;
  REQUIRE(::stat((dir / "a").c_str(), &sa) == 0);
  REQUIRE(::stat((dir / "b").c_str(), &sb) == 0);
  CHECK((sa.st_mode & 0777) == 0640);
  CHECK((sb.st_mode & 0777) == 0664);
}

TEST_CASE("a failed rename leaves the destination as it was and no temp behind") {
  t::ScratchDir dir;
  // A directory at the destination: the temp is written, then rename(2) fails (EISDIR).
  fs::create_directory(dir / "busy");
  t::WriteText(dir / "busy" / "inside", "x");
  std::string message = ErrorOf([&] { hpo::WriteFileAtomic(dir / "busy", "data"); });
  CAPTURE(message);
  CHECK(message.find("failed to rename") != std::string::npos);
  CHECK(message.find((dir / "busy").string()) != std::string::npos);
  CHECK(t::ListDir(dir.path()) == std::vector<std::string>{"busy"});
  CHECK(t::ListDir(dir / "busy") == std::vector<std::string>{"inside"});
}

TEST_CASE("writing into a missing directory fails naming the path") {
  t::ScratchDir dir;
  fs::path dest = dir / "absent" / "x.json";
  std::string message = ErrorOf([&] { hpo::WriteFileAtomic(dest, "data"); });
  CAPTURE(message);
  CHECK(message.find((dir / "absent").string()) != std::string::npos);
  CHECK(message.find("x.json") != std::string::npos);
  CHECK(message.find("No such file or directory") != std::string::npos);
  CHECK(t::ListDir(dir.path()).empty());
}

TEST_CASE("writing into a read-only directory fails naming the path and leaves no temp") {
  t::ScratchDir dir;
  fs::path ro = dir / "ro";
  fs::create_directory(ro);
  t::WriteText(ro / "x.json", "old");
  ::chmod(dir.path().c_str(), 0755);  // let `nobody` reach it
  ::chmod(ro.c_str(), 0555);
  for (Publish mode : {Publish::kReplace, Publish::kNoReplace}) {
    std::string message = AsUnprivileged([&] {
      std::string m = ErrorOf([&] { hpo::WriteFileAtomic(ro / "x.json", "new", mode); });
      return m.empty() ? std::string("no error") : m;
    });
    CAPTURE(message);
    CHECK(message.find((ro / "").string()) != std::string::npos);
    CHECK(message.find("x.json") != std::string::npos);
    CHECK(message.find("Permission denied") != std::string::npos);
  }
  ::chmod(ro.c_str(), 0755);
  CHECK(t::ListDir(ro) == std::vector<std::string>{"x.json"});
  CHECK(t::ReadText(ro / "x.json") == "old");
}

TEST_CASE("ReadFile returns nullopt for a missing file and the bytes of a present one") {
  t::ScratchDir dir;
  CHECK_FALSE(hpo::ReadFile(dir / "missing.json", 100).has_value());
  std::string data("x\0y", 3);
  t::WriteText(dir / "f", data);
  CHECK(hpo::ReadFile(dir / "f", 3) == data);
  t::WriteText(dir / "empty", "");
  CHECK(hpo::ReadFile(dir / "empty", 0) == std::string());
  std::string big(3 * 1024 * 1024 + 17, 'z');
  t::WriteText(dir / "big", big);
  CHECK(hpo::ReadFile(dir / "big", big.size()) == big);
}

TEST_CASE("ReadFile refuses a file larger than the limit naming the path") {
  t::ScratchDir dir;
  t::WriteText(dir / "f", "0123456789");
  std::string message = ErrorOf([&] { hpo::ReadFile(dir / "f", 9); });
  CHECK(message.find((dir / "f").string()) != std::string::npos);
  CHECK(message.find("allowed") != std::string::npos);
}

TEST_CASE("ReadFile refuses a symlink and a directory and a fifo") {
  t::ScratchDir dir;
  t::WriteText(dir / "target", "secret");
  fs::create_symlink(dir / "target", dir / "link");
  std::string message = ErrorOf([&] { hpo::ReadFile(dir / "link", 100); });
  CHECK(message.find((dir / "link").string()) != std::string::npos);
  CHECK(message.find("symlink") != std::string::npos);
  fs::create_directory(dir / "d");
  message = ErrorOf([&] { hpo::ReadFile(dir / "d", 100); });
  CHECK(message.find((dir / "d").string()) != std::string::npos);
  // A fifo planted in a state folder must not block a reader forever.
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  auto start = std::chrono::steady_clock::now();
  message = ErrorOf([&] { hpo::ReadFile(dir / "fifo", 100); });
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(message.find((dir / "fifo").string()) != std::string::npos);
  CHECK(message.find("not a regular file") != std::string::npos);
}

TEST_CASE("MoveFileNoReplace moves once and never overwrites") {
  t::ScratchDir dir;
  fs::create_directory(dir / "pending");
  fs::create_directory(dir / "running");
  t::WriteText(dir / "pending" / "trial_1.json", "one");
  CHECK(hpo::MoveFileNoReplace(dir / "pending" / "trial_1.json",
                               dir / "running" / "trial_1.json") == Outcome::kDone);
  CHECK(t::ListDir(dir / "pending").empty());
  CHECK(t::ReadText(dir / "running" / "trial_1.json") == "one");
  // A second claimer finds the source gone.
  CHECK(hpo::MoveFileNoReplace(dir / "pending" / "trial_1.json",
                               dir / "running" / "trial_1.json") == Outcome::kMissing);
  // The destination exists: both stay as they are.
  t::WriteText(dir / "pending" / "trial_1.json", "other");
  CHECK(hpo::MoveFileNoReplace(dir / "pending" / "trial_1.json",
                               dir / "running" / "trial_1.json") == Outcome::kExists);
  CHECK(t::ReadText(dir / "pending" / "trial_1.json") == "other");
  CHECK(t::ReadText(dir / "running" / "trial_1.json") == "one");
  // A missing destination folder is an error naming it, not a vanished source.
  std::string message = ErrorOf([&] {
    hpo::MoveFileNoReplace(dir / "pending" / "trial_1.json", dir / "absent" / "trial_1.json");
  });
  CHECK(message.find((dir / "absent" / "trial_1.json").string()) != std::string::npos);
  CHECK(t::ReadText(dir / "pending" / "trial_1.json") == "other");
}

TEST_CASE("MoveFile replaces the destination and reports a missing source") {
  t::ScratchDir dir;
  t::WriteText(dir / "a", "new");
  t::WriteText(dir / "b", "old");
  CHECK(hpo::MoveFile(dir / "a", dir / "b") == Outcome::kDone);
  CHECK(t::ListDir(dir.path()) == std::vector<std::string>{"b"});
  CHECK(t::ReadText(dir / "b") == "new");
  CHECK(hpo::MoveFile(dir / "a", dir / "b") == Outcome::kMissing);
  std::string message = ErrorOf([&] { hpo::MoveFile(dir / "b", dir / "no" / "c"); });
  CHECK(message.find((dir / "no" / "c").string()) != std::string::npos);
}

TEST_CASE("RemoveFile tolerates a file that is already gone") {
  t::ScratchDir dir;
  t::WriteText(dir / "f", "x");
  hpo::RemoveFile(dir / "f");
  CHECK_FALSE(fs::exists(dir / "f"));
  CHECK_NOTHROW(hpo::RemoveFile(dir / "f"));
}

TEST_CASE("EnsureDirectory creates parents and refuses a symlink or a file") {
  t::ScratchDir dir;
  fs::path deep = dir / "a" / "b" / "c";
  hpo::EnsureDirectory(deep);
  CHECK(fs::is_directory(deep));
  CHECK_NOTHROW(hpo::EnsureDirectory(deep));  // idempotent
  fs::create_directory(dir / "real");
  fs::create_symlink(dir / "real", dir / "link");
  std::string message = ErrorOf([&] { hpo::EnsureDirectory(dir / "link"); });
  CHECK(message.find((dir / "link").string()) != std::string::npos);
  CHECK(message.find("symlink") != std::string::npos);
  t::WriteText(dir / "file", "x");
  message = ErrorOf([&] { hpo::EnsureDirectory(dir / "file"); });
  CHECK(message.find((dir / "file").string()) != std::string::npos);
  CHECK(message.find("not a directory") != std::string::npos);
}

TEST_CASE("UniqueName never repeats and is a single path component") {
  std::set<std::string> names;
  for (int i = 0; i < 10000; ++i) {
    std::string n = hpo::UniqueName();
    REQUIRE(n.find('/') == std::string::npos);
    REQUIRE(!n.empty());
    names.insert(n);
  }
  CHECK(names.size() == 10000);
}

TEST_CASE("temp files carry a name only the tools make") {
  for (int i = 0; i < 100; ++i) CHECK(hpo::IsUniqueName(hpo::UniqueName()));
  for (const char* dest : {"trial_0.json", "campaign.json", "results.csv", "x", ".hidden", "a.hpo-tmp.b"}) {
    CAPTURE(dest);
    CHECK(hpo::IsTempFileName(hpo::TempFileName(dest)));
    CHECK(hpo::IsTempFileName("." + hpo::TempFileName(dest)));  // the form beside the file
  }
  for (const char* other : {"notes.txt", "trial_0.json", "trial_0.json.tmp.123", "x.hpo-tmp.",
                            "x.hpo-tmp.h.1.2", "x.hpo-tmp.h.1.2.xyz", "x.hpo-tmp.h.a.2.f",
                            "x.hpo-tmp.h.1.2.abcdef01234", ".hpo-tmp.h.1.2.f", "..hpo-tmp.h.1.2.f",
                            "retry.trial_3.json", "old", ""}) {
    CAPTURE(other);
    CHECK_FALSE(hpo::IsTempFileName(other));
  }
  // What a failed publication would leave is of that form.
  t::ScratchDir dir;
  fs::create_directory(dir / "tmp");
  hpo::WriteFileAtomic(dir / "out.json", "{}", Publish::kReplace, dir / "tmp");
  CHECK(t::ListDir(dir / "tmp").empty());
}

TEST_CASE("SyncDirectory names a missing directory") {
  t::ScratchDir dir;
  CHECK_NOTHROW(hpo::SyncDirectory(dir.path()));
  std::string message = ErrorOf([&] { hpo::SyncDirectory(dir / "absent"); });
  CHECK(message.find((dir / "absent").string()) != std::string::npos);
}

TEST_CASE("moving a file onto itself is a no-op that keeps the file") {
  t::ScratchDir dir;
  fs::create_directory(dir / "results");
  fs::path p = dir / "results" / "trial_1.json";
  t::WriteText(p, "result");
  CHECK(hpo::MoveFileNoReplace(p, p) == Outcome::kExists);
  // Spelled differently, still the same directory entry.
  CHECK(hpo::MoveFileNoReplace(p, dir / "results" / "." / "trial_1.json") == Outcome::kExists);
  fs::create_symlink(dir / "results", dir / "alias");
  CHECK(hpo::MoveFileNoReplace(dir / "alias" / "trial_1.json", p) == Outcome::kExists);
  CHECK(t::ReadText(p) == "result");
  CHECK(t::ListDir(dir / "results") == std::vector<std::string>{"trial_1.json"});
  // A second name of the same file elsewhere (a crash between link and unlink) is still
  // completed: the source name goes, the file stays.
  fs::create_directory(dir / "running");
  REQUIRE(::link(p.c_str(), (dir / "running" / "trial_1.json").c_str()) == 0);
  CHECK(hpo::MoveFileNoReplace(dir / "running" / "trial_1.json", p) == Outcome::kDone);
  CHECK(t::ListDir(dir / "running").empty());
  CHECK(t::ReadText(p) == "result");
}

TEST_CASE("FileHolds compares a file with a text without reading it whole") {
  t::ScratchDir dir;
  std::string big(600 * 1024, 'a');  // more than one chunk
  t::WriteText(dir / "big", big);
  CHECK(hpo::FileHolds(dir / "big", big));
  std::string last = big;
  last.back() = 'b';
  CHECK_FALSE(hpo::FileHolds(dir / "big", last));      // differs in the last chunk
  CHECK_FALSE(hpo::FileHolds(dir / "big", big + "a"));  // longer
  CHECK_FALSE(hpo::FileHolds(dir / "big", "a"));        // shorter
  CHECK_FALSE(hpo::FileHolds(dir / "missing", ""));
  fs::create_directory(dir / "sub");
  CHECK_FALSE(hpo::FileHolds(dir / "sub", ""));
  t::WriteText(dir / "empty", "");
  CHECK(hpo::FileHolds(dir / "empty", ""));
  fs::create_symlink(dir / "big", dir / "link");
  CHECK_FALSE(hpo::FileHolds(dir / "link", big));  // never through a symlink
}

TEST_CASE("a mapped file shows its content, and outlives the file's removal") {
  t::ScratchDir dir;
  t::WriteText(dir / "seg", "line 1\nline 2\n");
  auto m = hpo::MappedFile::Open(dir / "seg", 1 << 20);
  REQUIRE(m);
  hpo::RemoveFile(dir / "seg");  // as a merge in another collect would
  CHECK(m->text() == "line 1\nline 2\n");
  hpo::MappedFile moved = std::move(*m);
  CHECK(moved.text() == "line 1\nline 2\n");
  CHECK(m->text().empty());

  // Read instead of mapped (as on NFS or Lustre): the same text.
  t::WriteText(dir / "seg2", "line 1\n");
  auto r = hpo::MappedFile::Open(dir / "seg2", 1 << 20, hpo::MappedFile::Map::kNever);
  REQUIRE(r);
  CHECK_FALSE(r->mapped());
  CHECK(r->text() == "line 1\n");
  hpo::MappedFile moved_read = std::move(*r);
  CHECK(moved_read.text() == "line 1\n");
  auto local = hpo::MappedFile::Open(dir / "seg2", 1 << 20);
  REQUIRE(local);
  INFO("scratch folders are on a local file system here (ext4, tmpfs...)");
  CHECK(local->mapped());

  t::WriteText(dir / "empty", "");
  auto e = hpo::MappedFile::Open(dir / "empty", 10);
  REQUIRE(e);
  CHECK(e->text().empty());
  CHECK_FALSE(hpo::MappedFile::Open(dir / "missing", 10).has_value());
  t::WriteText(dir / "long", std::string(100, 'x'));
  CHECK_THROWS_WITH_AS(hpo::MappedFile::Open(dir / "long", 10), doctest::Contains("more than the 10 allowed"),
                       hpo::Error);
  fs::create_symlink(dir / "long", dir / "link");
  CHECK_THROWS_WITH_AS(hpo::MappedFile::Open(dir / "link", 1000), doctest::Contains("symlink"), hpo::Error);
  fs::create_directory(dir / "sub");
  CHECK_THROWS_WITH_AS(hpo::MappedFile::Open(dir / "sub", 1000), doctest::Contains("not a regular file"),
                       hpo::Error);
}

TEST_SUITE_END();
