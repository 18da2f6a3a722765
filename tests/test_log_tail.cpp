// The tail of a trial's log that a failed record carries beside its reason.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log_tail.hpp"
#include "testing.hpp"

namespace {
namespace t = hpo::testing;

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}
}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("the log tail keeps the last meaningful lines, bounded and valid UTF-8") {
  const std::string long_line = "x" + std::string(1000, 'a') + "END";
  // "é" is two bytes: a cut through the middle must not leave half of it.
  const std::string accents(1001, '\0');
  std::string many_e;
  for (int i = 0; i < 500; ++i) many_e += "\xc3\xa9";
  struct Case {
    std::string name, text, tail;
  };
  const std::vector<Case> cases = {
      {"empty", "", ""},
      {"only blank lines", "\n\n   \n\t\n\r\n", ""},
      {"one line without newline", "boom", "boom"},
      {"last three non-blank lines",
       "Traceback (most recent call last):\n  File \"train.py\", line 3, in <module>\n"
       "    import numpy\n\nModuleNotFoundError: No module named 'numpy'\n\n",
       "File \"train.py\", line 3, in <module>\nimport numpy\n"
       "ModuleNotFoundError: No module named 'numpy'"},
      {"CRLF line ends", "one\r\ntwo\r\n", "one\ntwo"},
      {"progress bar: what the terminal shows",
       "epoch 1:  10%\repoch 1:  50%\repoch 1: 100%\r\nKilled\n", "epoch 1: 100%\nKilled"},
      {"progress bar ending in a carriage return", "step 1\rstep 2\r", "step 2"},
      {"escape sequences and control characters dropped",
       "\x1b[31mred error\x1b[0m\x07 here\n", "red error here"},
      {"the runner's banner is not output",
       "=== hpo: trial 3 attempt 1 restart 0 on n1 ===\nreal error\n", "real error"},
      {"a long line keeps its end", long_line, "\xe2\x80\xa6" + std::string(397 - 3, 'a') + "END"},
      {"invalid UTF-8 becomes U+FFFD", "bad \xff byte\n", "bad \xef\xbf\xbd byte"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.name);
    std::string tail = hpo::LogTail(k.text);
    CHECK(tail == k.tail);
    CHECK(tail.size() <= hpo::kTailBytes);
    CHECK(ValidUtf8(tail));
  }
  SUBCASE("a multibyte character is never cut") {
    for (size_t budget = 10; budget < 20; ++budget) {
      std::string tail = hpo::LogTail(many_e, 3, budget);
      CAPTURE(budget);
      CHECK(tail.size() <= budget);
      CHECK(ValidUtf8(tail));
      CHECK(tail.rfind("\xe2\x80\xa6", 0) == 0);
      CHECK(tail.size() >= budget - 1);
    }
  }
  SUBCASE("earlier lines are dropped whole when the budget is spent") {
    std::string text = std::string(300, 'a') + "\n" + std::string(300, 'b') + "\nlast\n";
    CHECK(hpo::LogTail(text) == std::string(300, 'b') + "\nlast");
  }
}

TEST_CASE("the log tail of a file starts at the last banner and reads only its end") {
  t::ScratchDir dir;
  CHECK(hpo::ReadLogTail(dir / "missing.log") == "");
  std::string big(100000, 'x');
  auto log = dir.Write("stderr.log",
                       "=== hpo: trial 1 attempt 1 restart 0 on n ===\nold failure\n" + big +
                           "\n=== hpo: trial 1 attempt 2 restart 0 on n ===\n");
  CHECK(hpo::ReadLogTail(log) == "");  // this start wrote nothing yet
  t::WriteText(log, t::ReadText(log) + "new failure\n");
  CHECK(hpo::ReadLogTail(log) == "new failure");
  // No banner within the end read: the first, partial line of the window is not shown.
  auto plain = dir.Write("plain.log", std::string(200000, 'y') + "\nlast words\n");
  CHECK(hpo::ReadLogTail(plain) == "last words");
}
