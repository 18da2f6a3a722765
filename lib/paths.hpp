// How the tools spell a path and tell two directories apart; the one rule for both.
//
// A path the tools keep, print or record (the campaign root, and through Layout every path
// under it) is absolute and lexically normal: no "." or ".." parts, no trailing "/". Symlinks
// in it are kept as the user wrote them, never resolved: a runner records its log paths under
// the campaign root as spelled, and a report, a status or a collect started with the same
// spelling finds them equal by name. (The campaign root itself must not be a symlink:
// campaign.cpp refuses one.) Whether two spellings name the same directory is asked of the
// file system (SameDirectory), never decided by comparing resolved names.
#pragma once

#include <boost/filesystem/path.hpp>

namespace hpo {

namespace fs = boost::filesystem;

// `path` made absolute (against the current directory) and lexically normal, without a
// trailing "/" or "/." ("make -C DIR" runs the tools on "."). Symlinks are kept.
fs::path NormalPath(const fs::path& path);

// True when both paths name the same existing directory (same device and inode), however
// they are spelled; false when either cannot be stat'ed.
bool SameDirectory(const fs::path& a, const fs::path& b);

}  // namespace hpo
