#include "rung_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "cli.hpp"
#include "dir_names.hpp"
#include "error.hpp"

namespace hpo {

namespace {

constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;
constexpr size_t kKeyDigits = 16;

// The value as "smaller is better", with -0 as 0.
double Loss(double value, Mode mode) {
  double loss = mode == Mode::kMax ? -value : value;
  return loss == 0 ? 0.0 : loss;
}

// Unsigned order of the result = numeric order of `loss` (finite).
std::uint64_t SortKey(double loss) {
  std::uint64_t bits;
  std::memcpy(&bits, &loss, sizeof bits);
  return (bits & kSignBit) ? ~bits : (bits | kSignBit);
}

double LossOfKey(std::uint64_t key) {
  std::uint64_t bits = (key & kSignBit) ? (key & ~kSignBit) : ~key;
  double loss;
  std::memcpy(&loss, &bits, sizeof loss);
  return loss;
}

std::optional<std::uint64_t> ParseHexKey(std::string_view hex) {
  if (hex.size() != kKeyDigits) return std::nullopt;
  std::uint64_t key = 0;
  for (char c : hex) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    key = key << 4 | static_cast<std::uint64_t>(digit);
  }
  return key;
}

}  // namespace

std::string RungEntryName(TrialId trial, double value, Mode mode) {
  static const char kHex[] = "0123456789abcdef";
  std::uint64_t key = SortKey(Loss(value, mode));
  std::string name(kKeyDigits, '0');
  for (size_t i = kKeyDigits; i-- > 0; key >>= 4) name[i] = kHex[key & 0xf];
  return name + "." + std::to_string(trial);
}

std::optional<RungEntry> ParseRungEntryName(std::string_view name, Mode mode) {
  if (name.size() <= kKeyDigits + 1 || name[kKeyDigits] != '.') return std::nullopt;
  std::string_view id_text = name.substr(kKeyDigits + 1);
  if (id_text.size() > 1 && id_text[0] == '0') return std::nullopt;  // only the canonical id
  auto key = ParseHexKey(name.substr(0, kKeyDigits));
  auto trial = ParseWholeNumber(id_text, 0, kMaxTrialId);
  if (!key || !trial || *key == SortKey(-0.0)) return std::nullopt;  // -0 is written as 0
  double loss = LossOfKey(*key);
  if (!std::isfinite(loss)) return std::nullopt;
  return RungEntry{*trial, mode == Mode::kMax ? Loss(loss, Mode::kMax) : loss};
}

void RecordRungValue(const fs::path& rung_dir, TrialId trial, double value, Mode mode) {
  if (!std::isfinite(value)) throw Error("a rung value must be finite, not " + std::to_string(value));
  boost::system::error_code ec;
  fs::create_directories(rung_dir, ec);
  if (ec) throw Error("cannot create " + rung_dir.string() + ": " + ec.message());
  fs::path file = rung_dir / RungEntryName(trial, value, mode);
  int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno != EEXIST) throw Error("cannot record " + file.string() + ": " + std::strerror(errno));
}

std::vector<RungEntry> ReadRung(const fs::path& rung_dir, Mode mode) {
  std::vector<RungEntry> all;
  ForEachName(rung_dir, [&](std::string_view name) {
    if (auto e = ParseRungEntryName(name, mode)) all.push_back(*e);
  });
  auto by_trial_then_better = [mode](const RungEntry& a, const RungEntry& b) {
    return a.trial != b.trial ? a.trial < b.trial : Loss(a.value, mode) < Loss(b.value, mode);
  };
  std::sort(all.begin(), all.end(), by_trial_then_better);
  auto same_trial = [](const RungEntry& a, const RungEntry& b) { return a.trial == b.trial; };
  all.erase(std::unique(all.begin(), all.end(), same_trial), all.end());
  return all;
}

}  // namespace hpo
