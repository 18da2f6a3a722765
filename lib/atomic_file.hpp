// Durable, atomic file publication (Maildir / leveldb SetCurrentFile):
// write a uniquely named temp file, fsync, check close, rename or link into place,
// fsync the directory; remove the temp on any failure. Nothing is ever half-written
// under a published name.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hpo {

namespace fs = boost::filesystem;

// Whether publishing may replace an existing file at the destination.
enum class Publish {
  kReplace,   // rename(2): replaces atomically
  kNoReplace  // link(2) then unlink the temp: never overwrites; reports an existing file
};

// Whether a write must reach the disk before it is published. kNoSync still publishes
// atomically (never half a file), for files that are derived and rewritten on every use.
enum class Durability { kSync, kNoSync };

// Outcome of a kNoReplace publication or of a move.
enum class Outcome { kDone, kExists, kMissing };

// A name no other process on any host will choose: "<host>.<pid>.<counter>.<random>".
std::string UniqueName();
// True for a name of UniqueName's form: a host without dots, decimal pid and counter, 1 to
// 10 hex digits.
bool IsUniqueName(std::string_view name);

// The name of a temp file that publishes a file named `dest_name`:
// "<dest_name>.hpo-tmp.<UniqueName>". Only the tools make names of this form, so a temp
// file can be told from a user's file, and only these are ever removed as stale temps.
std::string TempFileName(std::string_view dest_name);
// True for a name TempFileName made (also in its hidden form, with a leading '.').
bool IsTempFileName(std::string_view name);

// Writes `data` to `dest` atomically and durably. The temp file is created in `tmp_dir`
// (which must be on the same file system as `dest`), or beside `dest` with a hidden
// "." + TempFileName name when `tmp_dir` is empty. Honours the umask, never follows a
// symlink when creating the temp. Throws hpo::Error naming the path and the OS reason (for
// instance a full disk); the destination is then untouched. With kNoReplace returns kExists
// and leaves `dest` as it was when a file is already there.
Outcome WriteFileAtomic(const fs::path& dest, std::string_view data,
                        Publish mode = Publish::kReplace, const fs::path& tmp_dir = {},
                        Durability durability = Durability::kSync);

// Publishes many new files at once, each without ever replacing an existing one (link), with
// one flush for all of them instead of one per file: every temp is written and closed, the
// file system is synced once (syncfs; fsync of each temp where that fails), then each is
// linked into place and each destination folder is synced once. Returns how many were
// published (the others already existed). On an error no temp is left behind.
size_t PublishNewFiles(const std::vector<std::pair<fs::path, std::string>>& files,
                       const fs::path& tmp_dir);

// Moves `from` to `to` with rename(2) (replacing `to`). Returns kMissing when `from` does
// not exist (someone else moved it first). Fsyncs the destination's directory (a rename is
// one journal transaction: that makes both entries durable).
Outcome MoveFile(const fs::path& from, const fs::path& to,
                 Durability durability = Durability::kSync);

// Moves `from` to `to` without ever replacing `to`: link(2) then unlink(2). Returns kExists
// (leaving `from` in place) when `to` exists, kMissing when `from` is gone. A link that the
// NFS client retried and reports EEXIST is confirmed by comparing device and inode. Moving a
// file onto itself changes nothing and returns kExists.
Outcome MoveFileNoReplace(const fs::path& from, const fs::path& to);

// Removes `path`; a file that is already gone is not an error.
void RemoveFile(const fs::path& path);

// Reads a whole regular file without following a symlink. Returns nullopt when the file
// does not exist (it may have been moved between listing and opening). Throws hpo::Error
// when it is larger than `max_bytes`, is not a regular file, or cannot be read.
std::optional<std::string> ReadFile(const fs::path& path, std::uint64_t max_bytes);
// True when `path` is a regular file holding exactly `data` (compared in chunks, without
// reading the whole file into memory); false otherwise, also when it cannot be read.
bool FileHolds(const fs::path& path, std::string_view data);

// A regular file's content in memory, mapped read-only where that is safe (for the large,
// immutable index segments: no copy, no buffer to allocate). A mapped file must not be
// truncated; published files never are (they are replaced or removed, which leaves a
// mapping intact on a local file system). On a network or cluster file system (NFS,
// Lustre, GPFS...) another host's removal can invalidate a mapping, so there the file is
// read into memory instead.
class MappedFile {
 public:
  enum class Map { kWhereSafe, kNever };
  // Maps or reads `path` (without following a symlink); nullopt when it does not exist.
  // Throws hpo::Error when it is larger than `max_bytes`, is not a regular file or cannot be
  // read.
  static std::optional<MappedFile> Open(const fs::path& path, std::uint64_t max_bytes,
                                        Map map = Map::kWhereSafe);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view text() const {
    return data_ ? std::string_view(static_cast<const char*>(data_), size_) : std::string_view(read_);
  }
  bool mapped() const { return data_ != nullptr; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;  // the mapping, or nullptr when read into read_
  size_t size_ = 0;
  std::string read_;
};

// Reads at most `size` bytes of `name`, relative to the open folder `dir_fd` (openat(2),
// which spares the kernel a path walk per file), into `buf`: three system calls and no
// allocation; nullopt when it does not exist. It checks neither the type nor
// the size of the file: a result of `size` bytes may be cut short, and a fifo reads as
// empty, so a caller that cannot use what it got reads the file again with ReadFile.
std::optional<size_t> ReadSmallFileAt(int dir_fd, const std::string& name, char* buf, size_t size);

// Fsyncs a directory so that entries created or renamed in it survive a crash.
void SyncDirectory(const fs::path& dir);

// Creates `dir` (and parents) if missing; refuses a symlink or a non-directory there.
void EnsureDirectory(const fs::path& dir);

}  // namespace hpo
