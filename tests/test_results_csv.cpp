// results.csv fields: quoted when they must be, defused when a spreadsheet would run them as
// a formula, and split back into the same texts; from tables of cases.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "results_csv.hpp"

TEST_SUITE_BEGIN("unit");

TEST_CASE("CSV fields are quoted and defused, from a table of cases") {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"cr\rhere", "\"cr\rhere\""},
      {"ünï, 名前", "\"ünï, 名前\""},
      {"-0.5", "-0.5"},              // a number stays a number
      {"-1e-3", "-1e-3"},
      {"+1", "'+1"},                 // not a JSON number: defused
      {"=1+2", "'=1+2"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"-cmd", "'-cmd"},
      {"\tx", "'\tx"},
      {"\rx", "\"'\rx\""},           // defused inside the quotes
      {"=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""},
      {"a=b", "a=b"},                // only a leading sign counts
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    std::string out = "x";
    hpo::AppendCsvField(out, c.in);
    CHECK(out == "x" + c.out);
  }
}

TEST_CASE("CsvColumns splits a line back into its fields") {
  struct Case {
    std::string line;
    size_t n;
    bool ok;
    std::vector<std::string> fields;
  };
  const Case cases[] = {
      {"a,b,c", 3, true, {"a", "b", "c"}},
      {"a,b,c", 2, true, {"a", "b"}},
      {"a,b", 3, false, {}},
      {",,", 3, true, {"", "", ""}},
      {"\"a,b\",c", 2, true, {"a,b", "c"}},
      {"\"say \"\"hi\"\"\",x", 2, true, {"say \"hi\"", "x"}},
      {"\"two\nlines\"", 1, true, {"two\nlines"}},
      {"\"unclosed,x", 2, false, {}},
      {"\"a\"b,c", 2, false, {}},  // text after a closing quote
  };
  for (const auto& c : cases) {
    CAPTURE(c.line);
    std::vector<std::string_view> out(c.n);
    std::vector<std::string> store(c.n);
    bool ok = hpo::CsvColumns(c.line, c.n, out.data(), store.data());
    CHECK(ok == c.ok);
    if (ok && c.ok)
      for (size_t i = 0; i < c.n; ++i) CHECK(std::string(out[i]) == c.fields[i]);
  }
  // Every quoted field reads back as written.
  for (std::string s : {"a,b", "q\"q", "x\r\ny", "=1", "plain"}) {
    std::string line;
    hpo::AppendCsvField(line, s);
    std::string_view out;
    std::string store;
    REQUIRE(hpo::CsvColumns(line, 1, &out, &store));
    std::string want = s;
    if (s == "=1") want = "'=1";
    CHECK(std::string(out) == want);
  }
}

TEST_SUITE_END();
