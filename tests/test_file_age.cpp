// File ages: from the modification time (following a symlink) or from the change time of the
// entry itself, which a rename sets; nothing for a file that is not there.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cstdio>

#include "campaign.hpp"
#include "file_age.hpp"
#include "testing.hpp"

using hpo::testing::ScratchDir;
using boost::filesystem::path;

TEST_SUITE_BEGIN("unit");

TEST_CASE("FileAge measures the modification time, or the change time that a rename sets") {
  ScratchDir dir;
  path f = dir.Write("f", "x");
  double now = hpo::NowSeconds();
  struct timespec times[2] = {{static_cast<time_t>(now) - 3600, 0}, {static_cast<time_t>(now) - 3600, 0}};
  REQUIRE(::utimensat(AT_FDCWD, f.c_str(), times, 0) == 0);
  auto modified = hpo::FileAge(f, now);
  REQUIRE(modified);
  CHECK(*modified == doctest::Approx(3600).epsilon(0.001));
  // utimensat itself changes the ctime: it is fresh.
  auto changed = hpo::FileAge(f, now, hpo::FileClock::kChanged);
  REQUIRE(changed);
  CHECK(*changed < 60);
  // A rename keeps the mtime and sets the ctime.
  REQUIRE(std::rename(f.c_str(), (dir / "g").c_str()) == 0);
  CHECK(*hpo::FileAge(dir / "g", now) == doctest::Approx(3600).epsilon(0.001));
  CHECK(*hpo::FileAge(dir / "g", now, hpo::FileClock::kChanged) < 60);
}

TEST_CASE("FileAge is nothing for a missing file; kModified follows a symlink, kChanged does not") {
  ScratchDir dir;
  double now = hpo::NowSeconds();
  CHECK_FALSE(hpo::FileAge(dir / "missing", now));
  CHECK_FALSE(hpo::FileAge(dir / "missing", now, hpo::FileClock::kChanged));
  REQUIRE(::symlink((dir / "missing").c_str(), (dir / "dangling").c_str()) == 0);
  CHECK_FALSE(hpo::FileAge(dir / "dangling", now));                          // followed: gone
  CHECK(hpo::FileAge(dir / "dangling", now, hpo::FileClock::kChanged));      // the link itself
}

TEST_SUITE_END();
