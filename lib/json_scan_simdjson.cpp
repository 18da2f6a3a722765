// The scanner of json_scan.hpp on simdjson's On-Demand API (CMake option HPO_SIMDJSON; the
// default build uses the hand-written one in json_scan.cpp). On-Demand checks only what is
// read, so every value is read whole (Walk) to hold simdjson to nlohmann's strictness: the
// same nesting bound, numbers too large for a double refused, strings and keys unescaped.
// Text is copied into a padded buffer (simdjson reads 64 bytes past the end); the views
// handed back point into the caller's text.
#include <simdjson.h>

#include <string>

#include "json_parse.hpp"
#include "json_scan.hpp"

namespace hpo {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Reads the value `v` whole, as nlohmann would; `depth`: the arrays and objects around it.
error_code Walk(od::value v, int depth) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  const bool nested = type == od::json_type::object || type == od::json_type::array;
  if (nested && depth >= kMaxJsonDepth) return simdjson::DEPTH_ERROR;
  switch (type) {
    case od::json_type::object: {
      od::object o;
      if (auto e = v.get_object().get(o)) return e;
      for (auto f : o) {
        od::field field;
        std::string_view key;
        if (auto e = std::move(f).get(field)) return e;
        if (auto e = field.unescaped_key().get(key)) return e;
        if (auto e = Walk(field.value(), depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array a;
      if (auto e = v.get_array().get(a)) return e;
      for (auto element : a) {
        od::value x;
        if (auto e = std::move(element).get(x)) return e;
        if (auto e = Walk(x, depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::number:
      return v.get_double().error();
    case od::json_type::string:
      return v.get_string().error();
    case od::json_type::boolean:
      return v.get_bool().error();
    case od::json_type::null: {
      bool null = false;
      if (auto e = v.is_null().get(null)) return e;
      return null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

// One parse at a time per thread: a parser and a padded copy of the text.
struct Padded {
  od::parser parser;
  std::string copy;
  const char* origin = nullptr;  // the caller's text the copy was made from

  simdjson::simdjson_result<od::document> Iterate(std::string_view text) {
    origin = text.data();
    copy.assign(text);
    copy.resize(text.size() + simdjson::SIMDJSON_PADDING);
    return parser.iterate(simdjson::padded_string_view(copy.data(), text.size(), copy.size()));
  }
  // The caller's text from `begin` (a pointer into the copy) to `end`.
  std::string_view Original(const char* begin, const char* end) const {
    return std::string_view(origin + (begin - copy.data()), static_cast<std::size_t>(end - begin));
  }
};

Padded& ThreadPadded() {
  thread_local Padded p;
  return p;
}

// Where the value just read ends: at the next structural character, or the end of the text.
const char* After(od::document& doc, const Padded& p, std::size_t size) {
  const char* at = nullptr;
  if (doc.current_location().get(at)) return p.copy.data() + size;
  return at;
}

// True when white space occurs between the tokens of the JSON text `s` (outside strings).
bool HasSpace(std::string_view s) {
  std::string out(s.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t n = 0;
  return !simdjson::minify(s.data(), s.size(), out.data(), n) && n != s.size();
}

// The root value of `text` read whole with nothing after it; `read(doc)` reads it.
template <class F>
bool WholeDocument(std::string_view text, F&& read) {
  Padded& p = ThreadPadded();
  od::document doc;
  if (p.Iterate(text).get(doc)) return false;
  if (!read(doc, p)) return false;
  const char* at = nullptr;
  return doc.current_location().get(at) == simdjson::OUT_OF_BOUNDS;  // nothing after it
}

}  // namespace

std::optional<std::string_view> JsonScanner::Value() {
  std::string_view value = Trim(s_.substr(pos_));
  bool ok = WholeDocument(value, [&](od::document& doc, Padded&) {
    od::json_type type;
    if (doc.type().get(type)) return false;
    if (type == od::json_type::object || type == od::json_type::array) {
      od::value root;
      return !doc.get_value().get(root) && !Walk(root, depth_);
    }
    // A scalar at the root is read through the document, which checks what follows it.
    if (type == od::json_type::number) return !doc.get_double().error();
    if (type == od::json_type::string) return !doc.get_string().error();
    if (type == od::json_type::boolean) return !doc.get_bool().error();
    bool null = false;
    return !doc.is_null().get(null) && null;
  });
  if (!ok) return std::nullopt;
  if (HasSpace(value)) saw_space_ = true;
  pos_ = s_.size();
  return value;
}

bool JsonScanner::ListMembers(std::string_view text, std::vector<Member>& out, bool* saw_space) {
  std::string_view obj = Trim(text);
  bool ok = WholeDocument(obj, [&](od::document& doc, Padded& p) {
    od::object o;
    if (doc.get_object().get(o)) return false;
    for (auto f : o) {
      od::field field;
      std::string_view key, start;
      if (std::move(f).get(field)) return false;
      const char* open = field.key().raw();  // (before unescaped_key, which consumes it)
      if (field.unescaped_key().error()) return false;
      od::value v = field.value();
      start = v.raw_json_token();
      // The raw key ends at its closing quote, before the colon.
      const char* close = start.data() - 1;
      while (IsSpace(*close) || *close == ':') --close;
      if (Walk(v, 1)) return false;
      out.push_back({p.Original(open, close), Trim(p.Original(start.data(), After(doc, p, obj.size())))});
    }
    return true;
  });
  if (ok && saw_space) *saw_space = HasSpace(obj);
  return ok;
}

bool JsonScanner::ListElements(std::string_view text, std::vector<std::string_view>& out) {
  std::string_view arr = Trim(text);
  return WholeDocument(arr, [&](od::document& doc, Padded& p) {
    od::array a;
    if (doc.get_array().get(a)) return false;
    for (auto element : a) {
      od::value v;
      std::string_view start;
      if (std::move(element).get(v)) return false;
      start = v.raw_json_token();
      if (Walk(v, 1)) return false;
      out.push_back(Trim(p.Original(start.data(), After(doc, p, arr.size()))));
    }
    return true;
  });
}

}  // namespace hpo
