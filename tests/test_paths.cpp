// The one rule for paths: absolute, lexically normal, symlinks kept; the same directory is
// asked of the file system.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <string>

#include "paths.hpp"
#include "testing.hpp"

namespace {
namespace t = hpo::testing;
namespace fs = boost::filesystem;
}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("NormalPath is absolute and lexically normal, from a table of cases") {
  struct Case {
    const char* in;
    const char* want;
  };
  const Case cases[] = {
      {"/a/b", "/a/b"},         {"/a/b/", "/a/b"},     {"/a/b/.", "/a/b"},
      {"/a/./b/../c", "/a/c"},  {"/a//b", "/a/b"},     {"/", "/"},
      {"/a/b/./", "/a/b"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(hpo::NormalPath(c.in).string() == c.want);
  }
  // Relative paths are taken from the current directory.
  std::string cwd = fs::current_path().string();
  CHECK(hpo::NormalPath(".").string() == cwd);
  CHECK(hpo::NormalPath("x/../y").string() == cwd + "/y");
}

TEST_CASE("NormalPath keeps symlinks as written; SameDirectory sees through them") {
  t::ScratchDir dir;
  fs::create_directory(dir / "real");
  REQUIRE(::symlink((dir / "real").c_str(), (dir / "link").c_str()) == 0);
  CHECK(hpo::NormalPath(dir / "link" / ".").string() == (dir / "link").string());
  CHECK(hpo::SameDirectory(dir / "link", dir / "real"));
  CHECK(hpo::SameDirectory(dir / "real/../real", dir / "real"));
  CHECK_FALSE(hpo::SameDirectory(dir.path(), dir / "real"));
  CHECK_FALSE(hpo::SameDirectory(dir / "missing", dir / "missing"));
  dir.Write("file", "x");
  CHECK_FALSE(hpo::SameDirectory(dir / "file", dir / "file"));  // not a directory
}

TEST_SUITE_END();
