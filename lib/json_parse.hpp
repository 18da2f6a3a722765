// Parsing JSON that comes from outside the program (trial results, JSON Lines on stdin,
// records that any process may have written): nlohmann's strict parser, with a bound on
// nesting (a document 100,000 levels deep is 200 KB, and copying, printing or freeing it
// recurses once per level: the stack overflows) and, for text a person or a trial wrote, a
// refusal of repeated keys (which one was meant?).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hpo {

// Deepest nesting of arrays and objects any JSON input may have ({"a": [1]} is 2 levels).
// The fast scanner (json_scan.hpp) holds to the same bound.
constexpr int kMaxJsonDepth = 128;

// What to do with a key that occurs twice in one object.
enum class DuplicateKeys {
  kRefuse,   // input a person or a trial wrote: an error naming the key
  kLastWins  // records the tools wrote: nlohmann's (and the scanner's) rule
};

// Outcome of ParseJson: `value` when `problem` is empty.
struct ParsedJson {
  nlohmann::json value;
  std::string problem;  // "" when parsed; else lowercase, e.g. "nested deeper than 128 levels"
  bool ok() const { return problem.empty(); }
};

// Parses `text` strictly (no NaN, no comments, nothing after the value), refusing nesting
// deeper than kMaxJsonDepth before it is built, and repeated keys when `duplicates` says so.
ParsedJson ParseJson(std::string_view text, DuplicateKeys duplicates = DuplicateKeys::kRefuse);

}  // namespace hpo
