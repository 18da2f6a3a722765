// An owned file descriptor: closed by its destructor, so that no early return or exception
// leaks one and no code path closes by hand.
#pragma once

#include <unistd.h>

#include <cerrno>

#include <string>
#include <utility>

namespace hpo {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives the descriptor up without closing it.
  int release() { return std::exchange(fd_, -1); }
  // Closes the descriptor held (if any) and holds `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Writes all of `text` to `fd`, best effort (a log line: a failure to write it is not an
// error of its own). One write(2) when it can: processes sharing a log file (the runners of
// one job array) do not interleave their lines.
// Writes all of `text` to `fd`, retrying short writes and EINTR; false (errno set) when a
// write fails.
inline bool WriteAll(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

inline void WriteLine(int fd, const std::string& text) { (void)WriteAll(fd, text); }

}  // namespace hpo
