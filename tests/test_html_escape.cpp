// Escaping for the page, from tables of cases: XML's five characters, what XML cannot carry,
// and percent-encoding of log paths for links.
#include <doctest/doctest.h>

#include <string>

#include "html_escape.hpp"

TEST_SUITE("unit") {
  TEST_CASE("html escaping covers the five characters and keeps unicode") {
    CHECK(hpo::HtmlEscape("<a href='x'>&\"</a>") ==
          "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    CHECK(hpo::HtmlEscape("λ ünï 日本 🙂") == "λ ünï 日本 🙂");
    CHECK(hpo::HtmlEscape("&amp;") == "&amp;amp;");
    // What XML cannot carry becomes U+FFFD, so the page stays well-formed whatever the data.
    CHECK(hpo::HtmlEscape(std::string("a\x01"
                                      "b")) ==
          "a\xef\xbf\xbd"
          "b");
    CHECK(hpo::HtmlEscape("tab\tnew\nline") == "tab\tnew\nline");
    CHECK(hpo::HtmlEscape("bad \xff byte") == "bad \xef\xbf\xbd byte");
    CHECK(hpo::HtmlEscape("cut \xce") == "cut \xef\xbf\xbd");
    CHECK(hpo::HtmlEscape("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");  // overlong '/'
  }
  TEST_CASE("link paths keep path characters and percent-encode the rest") {
    const std::pair<const char*, const char*> cases[] = {
        {"trials/trial_3/stderr.log", "trials/trial_3/stderr.log"},
        {"/abs/a-b_c.d~e", "/abs/a-b_c.d~e"},
        {"my dir/x.log", "my%20dir/x.log"},
        {"a#b?c&d%e", "a%23b%3Fc%26d%25e"},
        {"\"quoted\"<>", "%22quoted%22%3C%3E"},
        {"λ", "%CE%BB"},
        {"", ""},
    };
    for (const auto& [path, url] : cases) {
      CAPTURE(path);
      CHECK(hpo::UrlPath(path) == url);
    }
  }
}
