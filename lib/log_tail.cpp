#include "log_tail.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace hpo {
namespace {

// Bytes read from the end of a log: far more than three lines need, little enough to read
// for every failed trial.
constexpr size_t kLogWindow = 16 << 10;

constexpr std::string_view kEllipsis = "\xe2\x80\xa6";
constexpr std::string_view kReplacement = "\xef\xbf\xbd";

// Length of the well-formed UTF-8 sequence at s[i], or 0 (overlong forms, surrogates and
// values past U+10FFFF are not well-formed).
size_t Utf8Length(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](size_t k) { return k < s.size() && (at(k) & 0xC0) == 0x80; };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if ((c == 0xE0 && at(i + 1) < 0xA0) || (c == 0xED && at(i + 1) >= 0xA0)) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if ((c == 0xF0 && at(i + 1) < 0x90) || (c == 0xF4 && at(i + 1) >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

// One raw line as a terminal shows it: the part after its last carriage return (a progress
// bar redraws itself), without escape sequences and control characters, invalid UTF-8 as
// U+FFFD, trimmed.
std::string CleanLine(std::string_view line) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (size_t cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
  std::string out;
  for (size_t i = 0; i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == 0x1b) {  // ESC [ parameters final-byte (colours, cursor moves), or ESC + one byte
      ++i;
      if (i < line.size() && line[i] == '[') {
        ++i;
        while (i < line.size() && !(line[i] >= 0x40 && line[i] <= 0x7e)) ++i;
      }
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      if (c == '\t') out += ' ';
      ++i;
      continue;
    }
    size_t n = Utf8Length(line, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(line.data() + i, n);
      i += n;
    }
  }
  size_t b = out.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return out.substr(b, out.find_last_not_of(' ') - b + 1);
}

// The end of a valid UTF-8 line in at most `budget` bytes: "…" and the last whole
// characters that fit.
std::string KeepEnd(const std::string& line, size_t budget) {
  if (budget <= kEllipsis.size()) return "";
  size_t start = line.size() - (budget - kEllipsis.size());
  while (start < line.size() && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) ++start;
  return std::string(kEllipsis) + line.substr(start);
}

}  // namespace

std::string LogTail(std::string_view text, size_t max_lines, size_t max_bytes) {
  std::vector<std::string> kept;  // last line first
  size_t used = 0;
  size_t end = text.size();
  while (kept.size() < max_lines && end > 0) {
    size_t nl = text.rfind('\n', end - 1);
    size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
    std::string_view raw = text.substr(begin, end - begin);
    end = nl == std::string_view::npos ? 0 : nl;
    if (raw.substr(0, kLogBannerPrefix.size()) == kLogBannerPrefix) continue;
    std::string line = CleanLine(raw);
    if (line.empty()) continue;
    size_t need = line.size() + (kept.empty() ? 0 : 1);
    if (used + need > max_bytes) {
      if (kept.empty()) kept.push_back(KeepEnd(line, max_bytes));
      break;
    }
    used += need;
    kept.push_back(std::move(line));
  }
  std::string out;
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    if (!out.empty()) out += '\n';
    out += *it;
  }
  return out;
}

std::string ReadLogTail(const boost::filesystem::path& log) {
  int fd = ::open(log.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return "";
  struct stat st;
  std::string buf;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t from = st.st_size > static_cast<off_t>(kLogWindow) ? st.st_size - static_cast<off_t>(kLogWindow) : 0;
    buf.resize(static_cast<size_t>(st.st_size - from));
    size_t got = 0;
    while (got < buf.size()) {
      ssize_t n = ::pread(fd, &buf[got], buf.size() - got, from + static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    buf.resize(got);
    if (from > 0) {  // the window starts inside a line: drop that part
      size_t nl = buf.find('\n');
      buf.erase(0, nl == std::string::npos ? buf.size() : nl + 1);
    }
  }
  ::close(fd);
  // Only this start's output: from the line after the last banner.
  std::string banner = "\n" + std::string(kLogBannerPrefix);
  size_t at = buf.compare(0, kLogBannerPrefix.size(), kLogBannerPrefix) == 0 ? 0 : std::string::npos;
  if (size_t b = buf.rfind(banner); b != std::string::npos) at = b + 1;
  if (at != std::string::npos) {
    size_t nl = buf.find('\n', at);
    buf.erase(0, nl == std::string::npos ? buf.size() : nl + 1);
  }
  return LogTail(buf);
}

}  // namespace hpo
