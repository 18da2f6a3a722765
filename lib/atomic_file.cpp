#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>
#include <random>

#include "error.hpp"
#include "process.hpp"

namespace hpo {
namespace {

[[noreturn]] void ThrowErrno(const std::string& what, const fs::path& p, int err) {
  throw Error(what + " " + p.string() + ": " + ErrnoText(err));
}

// Writes all of `data`, retrying short writes and EINTR.
void WriteAll(int fd, std::string_view data, const fs::path& p) {
  const char* ptr = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, ptr, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("failed to write", p, errno);
    }
    ptr += n;
    left -= static_cast<size_t>(n);
  }
}

// True when both paths name the same inode (NFS retry confirmation, as Postfix sane_rename).
bool SameFile(const fs::path& a, const struct stat& sb) {
  struct stat sa;
  if (::lstat(a.c_str(), &sa) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// True when both paths name the same directory entry (same name in the same directory).
// link(2) onto itself fails with EEXIST on the same inode, exactly like a link the NFS client
// retried; taking that for success would unlink the only name of the file.
bool SameEntry(const fs::path& a, const fs::path& b) {
  if (a.filename() != b.filename()) return false;
  auto dir = [](const fs::path& p) {
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
  };
  struct stat da, db;
  if (::stat(dir(a).c_str(), &da) != 0 || ::stat(dir(b).c_str(), &db) != 0) return false;
  return da.st_dev == db.st_dev && da.st_ino == db.st_ino;
}

}  // namespace

std::string UniqueName() {
  // The short host name, as one path component without dots (IsUniqueName).
  static const std::string host = [] {
    std::string h = HostName();
    if (h.empty()) h = "host";
    for (char& c : h)
      if (c == '/' || c == '.') c = '_';
    return h;
  }();
  static std::atomic<unsigned long> counter{0};
  static const unsigned long long salt = [] {
    std::random_device rd;
    return (static_cast<unsigned long long>(rd()) << 32) ^ rd() ^
           static_cast<unsigned long long>(
               std::chrono::steady_clock::now().time_since_epoch().count());
  }();
  char buf[64];
  std::snprintf(buf, sizeof buf, ".%ld.%lu.%llx", static_cast<long>(::getpid()),
                counter.fetch_add(1), salt & 0xffffffffffULL);
  return host + buf;
}

namespace {
constexpr std::string_view kTempMarker = ".hpo-tmp.";

bool AllOf(std::string_view s, bool (*ok)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}
bool Digit(char c) { return c >= '0' && c <= '9'; }
bool HexDigit(char c) { return Digit(c) || (c >= 'a' && c <= 'f'); }
bool HostChar(char c) { return c != '.' && c != '/' && c != '\0'; }

// The temp path of a publication of `dest`: in `tmp_dir`, or hidden beside `dest`.
fs::path TempPath(const fs::path& dest, const fs::path& tmp_dir) {
  std::string name = TempFileName(dest.filename().string());
  return tmp_dir.empty() ? dest.parent_path() / ("." + name) : tmp_dir / name;
}
}  // namespace

bool IsUniqueName(std::string_view name) {
  std::string_view part[4];
  for (int i = 0; i < 3; ++i) {
    size_t dot = name.find('.');
    if (dot == std::string_view::npos) return false;
    part[i] = name.substr(0, dot);
    name.remove_prefix(dot + 1);
  }
  part[3] = name;
  return AllOf(part[0], HostChar) && AllOf(part[1], Digit) && AllOf(part[2], Digit) &&
         AllOf(part[3], HexDigit) && part[3].size() <= 10;
}

std::string TempFileName(std::string_view dest_name) {
  return std::string(dest_name) + std::string(kTempMarker) + UniqueName();
}

bool IsTempFileName(std::string_view name) {
  size_t at = name.rfind(kTempMarker);
  if (at == std::string_view::npos || at == 0 || (at == 1 && name[0] == '.')) return false;
  return IsUniqueName(name.substr(at + kTempMarker.size()));
}

void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) ThrowErrno("failed to open directory", dir, errno);
  // Some file systems (and NFS servers) refuse fsync on directories; the rename itself is
  // still atomic there, so EINVAL is not worth failing for.
  if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    int err = errno;
    ::close(fd);
    ThrowErrno("failed to sync directory", dir, err);
  }
  ::close(fd);
}

Outcome WriteFileAtomic(const fs::path& dest, std::string_view data, Publish mode,
                        const fs::path& tmp_dir, Durability durability) {
  fs::path dir = dest.parent_path();
  fs::path tmp = TempPath(dest, tmp_dir);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) ThrowErrno("failed to create", tmp, errno);
  try {
    WriteAll(fd, data, tmp);
    if (durability == Durability::kSync && ::fsync(fd) != 0) ThrowErrno("failed to sync", tmp, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  // close() can report a deferred write error (NFS): it decides whether the data is safe.
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    ThrowErrno("failed to close", tmp, err);
  }
  if (mode == Publish::kReplace) {
    if (::rename(tmp.c_str(), dest.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      throw Error("failed to rename " + tmp.string() + " to " + dest.string() + ": " +
                  ErrnoText(err));
    }
  } else {
    if (::link(tmp.c_str(), dest.c_str()) != 0) {
      int err = errno;
      struct stat st;
      bool ours = err == EEXIST && ::lstat(tmp.c_str(), &st) == 0 && SameFile(dest, st);
      if (!ours) {
        ::unlink(tmp.c_str());
        if (err == EEXIST) return Outcome::kExists;
        throw Error("failed to link " + tmp.string() + " to " + dest.string() + ": " +
                    ErrnoText(err));
      }
    }
    ::unlink(tmp.c_str());
  }
  if (durability == Durability::kSync) SyncDirectory(dir);
  return Outcome::kDone;
}

size_t PublishNewFiles(const std::vector<std::pair<fs::path, std::string>>& files,
                       const fs::path& tmp_dir) {
  std::vector<fs::path> temps;
  auto drop = [&] {
    for (const auto& t : temps) ::unlink(t.c_str());
  };
  // A write that fails (a full disk) stops the batch; what was written before it is still
  // published below, then the error is reported: every trial that fits is recorded.
  std::optional<Error> failure;
  for (const auto& [dest, data] : files) {
    fs::path tmp = TempPath(dest, tmp_dir);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
      failure = Error("failed to create " + tmp.string() + ": " + ErrnoText(errno));
      break;
    }
    try {
      WriteAll(fd, data, tmp);
    } catch (const Error& e) {
      ::close(fd);
      ::unlink(tmp.c_str());
      failure = e;
      break;
    }
    if (::close(fd) != 0) {
      failure = Error("failed to close " + tmp.string() + ": " + ErrnoText(errno));
      ::unlink(tmp.c_str());
      break;
    }
    temps.push_back(tmp);
  }
  if (temps.empty()) {
    if (failure) throw *failure;
    return 0;
  }
  // One flush for all the data before anything is published.
  int dfd = ::open(tmp_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool synced = dfd >= 0 && ::syncfs(dfd) == 0;
  if (dfd >= 0) ::close(dfd);
  if (!synced) {
    for (const auto& t : temps) {
      int fd = ::open(t.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || ::fsync(fd) != 0) {
        int err = errno;
        if (fd >= 0) ::close(fd);
        drop();
        ThrowErrno("failed to sync", t, err);
      }
      ::close(fd);
    }
  }
  size_t published = 0;
  std::vector<fs::path> dirs;
  for (size_t i = 0; i < temps.size(); ++i) {
    const fs::path& dest = files[i].first;
    if (::link(temps[i].c_str(), dest.c_str()) == 0) {
      ++published;
    } else {
      int err = errno;
      struct stat st;
      bool ours = err == EEXIST && ::lstat(temps[i].c_str(), &st) == 0 && SameFile(dest, st);
      if (ours) {
        ++published;
      } else if (err != EEXIST) {
        for (size_t j = i; j < temps.size(); ++j) ::unlink(temps[j].c_str());
        throw Error("failed to link " + temps[i].string() + " to " + dest.string() + ": " +
                    ErrnoText(err));
      }
    }
    ::unlink(temps[i].c_str());
    if (std::find(dirs.begin(), dirs.end(), dest.parent_path()) == dirs.end())
      dirs.push_back(dest.parent_path());
  }
  for (const auto& d : dirs) SyncDirectory(d);
  if (failure) throw *failure;
  return published;
}

Outcome MoveFile(const fs::path& from, const fs::path& to, Durability durability) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    int err = errno;
    // ENOENT also means that the destination's directory is missing: only a vanished source
    // is kMissing.
    struct stat st;
    if (err == ENOENT && ::lstat(from.c_str(), &st) != 0) return Outcome::kMissing;
    throw Error("failed to rename " + from.string() + " to " + to.string() + ": " +
                ErrnoText(err));
  }
  // One rename is one journal transaction (ext4, XFS; an NFS server commits it before it
  // replies): syncing the destination's folder makes both entries durable together, so the
  // source's folder needs no flush of its own.
  if (durability == Durability::kSync) SyncDirectory(to.parent_path());
  return Outcome::kDone;
}

Outcome MoveFileNoReplace(const fs::path& from, const fs::path& to) {
  struct stat src;
  if (::lstat(from.c_str(), &src) != 0) {
    if (errno == ENOENT) return Outcome::kMissing;
    ThrowErrno("failed to stat", from, errno);
  }
  if (SameEntry(from, to)) return Outcome::kExists;  // onto itself: a no-op, never an unlink
  if (::link(from.c_str(), to.c_str()) != 0) {
    int err = errno;
    struct stat st;
    if (err == ENOENT && ::lstat(from.c_str(), &st) != 0) return Outcome::kMissing;
    if (!(err == EEXIST && SameFile(to, src))) {
      if (err == EEXIST) return Outcome::kExists;
      throw Error("failed to link " + from.string() + " to " + to.string() + ": " +
                  ErrnoText(err));
    }
  }
  SyncDirectory(to.parent_path());
  // The unlink is not flushed: if a crash undoes it, the source reappears beside the
  // published copy and says its own state, so hpo-collect completes the move; the published
  // copy is durable either way.
  if (::unlink(from.c_str()) != 0 && errno != ENOENT) ThrowErrno("failed to remove", from, errno);
  return Outcome::kDone;
}

void RemoveFile(const fs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("failed to remove", path, errno);
}

bool FileHolds(const fs::path& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              static_cast<std::uint64_t>(st.st_size) == data.size();
  std::vector<char> buf(same ? std::min<size_t>(data.size(), 256 * 1024) : 0);
  for (size_t at = 0; same && at < data.size();) {
    ssize_t n = ::read(fd, buf.data(), std::min(buf.size(), data.size() - at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || std::memcmp(buf.data(), data.data() + at, static_cast<size_t>(n)) != 0) same = false;
    at += n > 0 ? static_cast<size_t>(n) : 0;
  }
  ::close(fd);
  return same;
}

namespace {
// Opens `path` for reading as ReadFile and MappedFile do: without following a symlink, only
// a regular file of at most `max_bytes`. Returns the descriptor and the size, or nullopt
// when the file does not exist; throws hpo::Error (naming the path) otherwise.
std::optional<std::pair<int, size_t>> OpenRegular(const fs::path& path, std::uint64_t max_bytes) {
  // O_NONBLOCK: opening a fifo planted where a file was expected would otherwise block until
  // a writer appears; it is refused below as not a regular file (no effect on regular files).
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    if (errno == ELOOP) throw Error("refusing to read " + path.string() + ": it is a symlink");
    ThrowErrno("failed to open", path, errno);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    ThrowErrno("failed to stat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("refusing to read " + path.string() + ": not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw Error(path.string() + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                std::to_string(max_bytes) + " allowed");
  }
  return std::make_pair(fd, static_cast<size_t>(st.st_size));
}

// Reads the `size` bytes of the open file `fd` and closes it. Published files are immutable
// (written elsewhere and renamed into place), so the size fstat reported is the whole file:
// one read, no growing buffer, no read to find EOF.
std::string ReadAll(int fd, size_t size, const fs::path& path) {
  std::string out;
  out.resize(size);
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, &out[got], out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ThrowErrno("failed to read", path, err);
    }
    if (n == 0) break;  // shrank since fstat: keep what is there
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}
}  // namespace

namespace {
// File systems of this host's own disks or memory, where a mapping stays valid until it is
// unmapped whatever other processes do with the file's name.
bool LocalFileSystem(int fd) {
  struct statfs sfs;
  if (::fstatfs(fd, &sfs) != 0) return false;
  switch (static_cast<unsigned long>(sfs.f_type)) {
    case 0xEF53UL:      // ext2, ext3, ext4
    case 0x58465342UL:  // XFS
    case 0x9123683EUL:  // Btrfs
    case 0x01021994UL:  // tmpfs
    case 0x2FC12FC1UL:  // ZFS
    case 0xF2F52010UL:  // F2FS
    case 0x794C7630UL:  // overlayfs
      return true;
    default:
      return false;
  }
}
}  // namespace

std::optional<MappedFile> MappedFile::Open(const fs::path& path, std::uint64_t max_bytes, Map map) {
  auto file = OpenRegular(path, max_bytes);
  if (!file) return std::nullopt;
  auto [fd, size] = *file;
  if (size == 0 || map == Map::kNever || !LocalFileSystem(fd)) {
    MappedFile out(nullptr, 0);
    out.read_ = ReadAll(fd, size, path);
    return out;
  }
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  int err = errno;
  ::close(fd);  // the mapping keeps the file
  if (data == MAP_FAILED) ThrowErrno("failed to map", path, err);
  return MappedFile(data, size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(other.data_), size_(other.size_), read_(std::move(other.read_)) {
  other.data_ = nullptr;
  other.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(data_, size_);
    data_ = other.data_;
    size_ = other.size_;
    read_ = std::move(other.read_);
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

std::optional<size_t> ReadSmallFileAt(int dir_fd, const std::string& name, char* buf, size_t size) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    ThrowErrno("failed to open", name, errno);
  }
  // One read: a regular file gives all it has (a short count is its end); anything else
  // is read again by the caller's fallback.
  ssize_t n;
  do {
    n = ::read(fd, buf, size);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    int err = errno;
    ::close(fd);
    ThrowErrno("failed to read", name, err);
  }
  ::close(fd);
  return static_cast<size_t>(n);
}

std::optional<std::string> ReadFile(const fs::path& path, std::uint64_t max_bytes) {
  auto file = OpenRegular(path, max_bytes);
  if (!file) return std::nullopt;
  return ReadAll(file->first, file->second, path);
}

void EnsureDirectory(const fs::path& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      throw Error("refusing to use " + dir.string() + ": it is a symlink, not a directory");
    if (!S_ISDIR(st.st_mode)) throw Error(dir.string() + " exists and is not a directory");
    return;
  }
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    struct stat pst;
    if (::stat(dir.parent_path().c_str(), &pst) != 0) EnsureDirectory(dir.parent_path());
  }
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    ThrowErrno("failed to create directory", dir, errno);
}

}  // namespace hpo
