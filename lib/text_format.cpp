#include "text_format.hpp"

#include <time.h>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace hpo {

std::string ShortNumber(double v, int digits) {
  if (v == 0) return "0";
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
  double a = std::fabs(v);
  std::string s;
  if (a >= 1e6 || a < 1e-3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
    s = buf;
    size_t e = s.find('e');
    std::string mant = s.substr(0, e), ex = s.substr(e + 1);
    if (mant.find('.') != std::string::npos) {
      while (mant.back() == '0') mant.pop_back();
      if (mant.back() == '.') mant.pop_back();
    }
    bool neg = ex[0] == '-';
    ex = ex.substr(1);
    while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
    return mant + "e" + (neg ? "-" : "") + ex;
  }
  char buf[64];
  // Whole numbers up to a million in full ("20000", not "2e+04").
  if (a >= 1000)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string ExactNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string GroupedNumber(double v) {
  if (!std::isfinite(v) || std::fabs(v) >= 1e15 || v != std::floor(v)) return ShortNumber(v, 6);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(v));
  std::string digits = buf, out = v < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string ValueText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return ShortNumber(v.get<double>(), 6);
  if (v.is_null()) return "";
  return v.dump();
}

std::string FormatTimestamp(double unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

std::string FormatFixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string ClockLabel(double s) {
  if (std::fabs(s) < 10 && std::fabs(s - std::round(s)) > 1e-9) return ShortNumber(s, 3) + "s";
  long t = std::lround(s);
  if (t == 0) return "0";
  std::string sign = t < 0 ? "-" : "";
  t = std::labs(t);
  char buf[64];
  if (t < 60)
    std::snprintf(buf, sizeof buf, "%lds", t);
  else if (t < 3600 && t % 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else if (t < 3600)
    std::snprintf(buf, sizeof buf, "%ldm", t / 60);
  else if (t < 86400 && (t % 3600) / 60)
    std::snprintf(buf, sizeof buf, "%ldh%02ld", t / 3600, (t % 3600) / 60);
  else if (t < 86400)
    std::snprintf(buf, sizeof buf, "%ldh", t / 3600);
  else if ((t % 86400) / 3600)
    std::snprintf(buf, sizeof buf, "%ldd%02ldh", t / 86400, (t % 86400) / 3600);
  else
    std::snprintf(buf, sizeof buf, "%ldd", t / 86400);
  return sign + buf;
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  char buf[64];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
    return buf;
  }
  long t = std::lround(seconds);
  if (t < 3600)
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", t / 60, t % 60);
  else if (t < 86400)
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", t / 3600, (t % 3600) / 60);
  else
    std::snprintf(buf, sizeof buf, "%ld d %02ld h", t / 86400, (t % 86400) / 3600);
  return buf;
}

std::string Shorten(const std::string& s, size_t max) {
  size_t points = 0, i = 0;
  while (i < s.size()) {
    if (points == max) return s.substr(0, i) + "\xe2\x80\xa6";
    unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    ++points;
  }
  return s;
}

}  // namespace hpo
