#include "json_parse.hpp"

#include <set>
#include <vector>

namespace hpo {
namespace {

using nlohmann::json;
using DomParser = nlohmann::detail::json_sax_dom_parser<json>;

// nlohmann's own document builder behind a SAX front that counts levels and remembers each
// open object's keys. Returning false from an event stops the parser at once, so a deep
// document is never built beyond the bound.
class BoundedSax {
 public:
  BoundedSax(json& root, DuplicateKeys duplicates) : dom_(root, false), duplicates_(duplicates) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return dom_.number_float(v, s);
  }
  bool string(json::string_t& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) {
    if (!Open()) return false;
    if (duplicates_ == DuplicateKeys::kRefuse) keys_.emplace_back();
    return dom_.start_object(n);
  }
  bool key(json::string_t& k) {
    if (duplicates_ == DuplicateKeys::kRefuse && !keys_.back().insert(k).second) {
      problem_ = "the key \"" + k.substr(0, 80) + "\" occurs twice in one object; keep one";
      return false;
    }
    return dom_.key(k);
  }
  bool end_object() {
    if (duplicates_ == DuplicateKeys::kRefuse) keys_.pop_back();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return Open() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
    problem_ = std::string("not valid JSON: ") + e.what();
    return dom_.parse_error(position, token, e);
  }

  const std::string& problem() const { return problem_; }

 private:
  bool Open() {
    if (++depth_ <= kMaxJsonDepth) return true;
    problem_ = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels; flatten it";
    return false;
  }

  DomParser dom_;
  DuplicateKeys duplicates_;
  int depth_ = 0;
  std::vector<std::set<std::string>> keys_;
  std::string problem_;
};

}  // namespace

ParsedJson ParseJson(std::string_view text, DuplicateKeys duplicates) {
  ParsedJson out;
  json root;
  BoundedSax sax(root, duplicates);
  bool ok = json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, true);
  if (!ok || !sax.problem().empty()) {
    out.problem = sax.problem().empty() ? "not valid JSON" : sax.problem();
    return out;  // `root` (partly built, at most kMaxJsonDepth deep) is dropped here
  }
  out.value = std::move(root);
  return out;
}

}  // namespace hpo
