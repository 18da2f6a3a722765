#include "json_scan.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <utility>

#include "json_parse.hpp"

namespace hpo {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), which
// nlohmann::json requires of every string too. (Unused with simdjson, which checks it.)
[[maybe_unused]] bool ValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The value of the four hex digits at s[at], or -1.
long Hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return -1;
  long v = 0;
  for (std::size_t k = at; k < at + 4; ++k) {
    int h = HexValue(s[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// The code point of the \u escape whose 'u' is at s[u], a surrogate pair taken whole, and
// the index of its last character; nullopt when malformed or a lone surrogate (which
// nlohmann::json refuses too).
std::optional<std::pair<std::uint32_t, std::size_t>> UnicodeEscape(std::string_view s,
                                                                   std::size_t u) {
  long cp = Hex4(s, u + 1);
  std::size_t last = u + 4;
  if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return std::nullopt;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (last + 2 >= s.size() || s[last + 1] != '\\' || s[last + 2] != 'u') return std::nullopt;
    long lo = Hex4(s, last + 3);
    if (lo < 0xDC00 || lo > 0xDFFF) return std::nullopt;
    last += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  return std::make_pair(static_cast<std::uint32_t>(cp), last);
}

// Unescapes the inside of a string literal the scanner has already validated.
std::optional<std::string> Unescape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= in.size()) return std::nullopt;  // a lone backslash at the end
    char e = in[i];
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        auto escape = UnicodeEscape(in, i);
        if (!escape) return std::nullopt;
        AppendUtf8(out, escape->first);
        i = escape->second;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

// The double that nlohmann::json reads from the text of a JSON number: an overflow is
// refused (false), an underflow is 0 (or the nearest subnormal), and an integer written
// "-0" is 0 (nlohmann reads it as the integer 0).
bool ParseNumber(std::string_view v, double& out) {
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (end != v.data() + v.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    std::string text(v);  // strtod tells an underflow from an overflow
    errno = 0;
    out = std::strtod(text.c_str(), nullptr);
    if (std::isinf(out)) return false;
  } else if (ec != std::errc()) {
    return false;
  }
  if (out == 0 && v.find_first_of(".eE") == std::string_view::npos) out = 0;
  return std::isfinite(out);
}

}  // namespace

void JsonScanner::SkipSpace() {
  std::size_t start = pos_;
  while (pos_ < s_.size() &&
         (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r'))
    ++pos_;
  if (pos_ != start) saw_space_ = true;
}

bool JsonScanner::AtEnd() {
  bool had = saw_space_;
  SkipSpace();
  saw_space_ = had;  // trailing white space after a value is not inside it
  return pos_ == s_.size();
}

#ifndef HPO_JSON_SCAN_SIMDJSON  // (else json_scan_simdjson.cpp)
std::optional<std::string_view> JsonScanner::Value() {
  bool had = saw_space_;
  SkipSpace();
  saw_space_ = had;  // leading white space is not inside the value
  std::size_t start = pos_;
  if (!SkipValue(depth_)) return std::nullopt;
  return s_.substr(start, pos_ - start);
}

bool JsonScanner::SkipString() {
  if (pos_ >= s_.size() || s_[pos_] != '"') return false;
  // Most strings hold no escape: find the closing quote with memchr, then check the span in
  // one branch-free pass the compiler vectorises.
  std::size_t close = s_.find('"', pos_ + 1);
  if (close == std::string_view::npos) return false;
  unsigned bad = 0, high = 0;
  for (std::size_t i = pos_ + 1; i < close; ++i) {
    unsigned char c = static_cast<unsigned char>(s_[i]);
    bad |= static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c == '\\');
    high |= c;
  }
  if (!bad) {
    // Only a string with bytes above ASCII needs its UTF-8 checked.
    if ((high & 0x80) && !ValidUtf8(s_.substr(pos_ + 1, close - pos_ - 1))) return false;
    pos_ = close + 1;
    return true;
  }
  const std::size_t open = pos_;
  for (++pos_; pos_ < s_.size(); ++pos_) {
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c == '"') {
      if (!ValidUtf8(s_.substr(open + 1, pos_ - open - 1))) return false;
      ++pos_;
      return true;
    }
    if (c < 0x20) return false;  // control characters must be escaped
    if (c == '\\') {
      if (++pos_ >= s_.size()) return false;
      char e = s_[pos_];
      if (e == 'u') {
        auto escape = UnicodeEscape(s_, pos_);
        if (!escape) return false;
        pos_ = escape->second;
      } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                 e != 'r' && e != 't') {
        return false;
      }
    }
  }
  return false;
}

bool JsonScanner::SkipNumber() {
  std::size_t p = pos_;
  if (p < s_.size() && s_[p] == '-') ++p;
  if (p >= s_.size()) return false;
  if (s_[p] == '0') {
    ++p;
  } else if (IsDigit(s_[p])) {
    while (p < s_.size() && IsDigit(s_[p])) ++p;
  } else {
    return false;
  }
  if (p < s_.size() && s_[p] == '.') {
    ++p;
    if (p >= s_.size() || !IsDigit(s_[p])) return false;
    while (p < s_.size() && IsDigit(s_[p])) ++p;
  }
  bool exponent = p < s_.size() && (s_[p] == 'e' || s_[p] == 'E');
  if (exponent) {
    ++p;
    if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
    if (p >= s_.size() || !IsDigit(s_[p])) return false;
    while (p < s_.size() && IsDigit(s_[p])) ++p;
  }
  // Only a number with an exponent or of more than 300 digits can overflow a double, which
  // nlohmann::json refuses ("1e400").
  double d;
  if ((exponent || p - pos_ > 300) && !ParseNumber(s_.substr(pos_, p - pos_), d)) return false;
  pos_ = p;
  return true;
}

bool JsonScanner::SkipWord(std::string_view word) {
  if (s_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

bool JsonScanner::SkipValue(int depth) {
  if (pos_ >= s_.size()) return false;
  char c = s_[pos_];
  if (c == '"') return SkipString();
  if (c == '{' || c == '[') {
    if (depth >= kMaxJsonDepth) return false;  // ParseJson refuses it too
    char close = c == '{' ? '}' : ']';
    ++pos_;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == close) {
      ++pos_;
      return true;
    }
    for (;;) {
      SkipSpace();
      if (c == '{') {
        if (!SkipString()) return false;
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != ':') return false;
        ++pos_;
        SkipSpace();
      }
      if (!SkipValue(depth + 1)) return false;
      SkipSpace();
      if (pos_ >= s_.size()) return false;
      char d = s_[pos_++];
      if (d == close) return true;
      if (d != ',') return false;
    }
  }
  if (c == 't') return SkipWord("true");
  if (c == 'f') return SkipWord("false");
  if (c == 'n') return SkipWord("null");
  return SkipNumber();
}
#endif

std::optional<double> JsonNumber(std::string_view v) {
  if (v.empty() || !(v[0] == '-' || IsDigit(v[0]))) return std::nullopt;
  double d = 0;
  if (!ParseNumber(v, d)) return std::nullopt;
  return d;
}

std::optional<long long> JsonInteger(std::string_view v) {
  if (v.empty() || !(v[0] == '-' || IsDigit(v[0]))) return std::nullopt;
  long long i = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return i;
}

std::optional<std::string> JsonString(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::nullopt;
  std::string_view in = v.substr(1, v.size() - 2);
  if (in.find('\\') == std::string_view::npos) return std::string(in);
  return Unescape(in);
}

std::string JsonText(std::string_view v) {
  if (v == "null") return "";
  if (auto s = JsonString(v)) return *s;
  return std::string(v);
}

std::string JsonKey(std::string_view raw) {
  if (raw.find('\\') == std::string_view::npos) return std::string(raw);
  return Unescape(raw).value_or(std::string(raw));
}

void AppendJsonString(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void AppendJsonNumber(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  // The shortest round-trip digits, laid out as nlohmann::json does: fixed notation while
  // the decimal point is within 15 digits of the first one, otherwise d.ddde+XX.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  if (ec != std::errc()) {
    out += "null";
    return;
  }
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  std::size_t e = sci.find('e');
  int exp10 = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+'), sci.data() + sci.size(), exp10);
  std::string digits;
  std::size_t i = 0;
  if (sci[0] == '-') {
    out += '-';
    i = 1;
  }
  for (; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;  // the decimal point sits after n digits
  if (k <= n && n <= 15) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= 15) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n), std::string::npos);
  } else if (-4 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    int x = n - 1;
    out += x < 0 ? '-' : '+';
    if (x < 0) x = -x;
    if (x < 10) out += '0';
    out += std::to_string(x);
  }
}

}  // namespace hpo
