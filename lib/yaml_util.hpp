// Reading YAML with positions: every error names "<file>:<line>: <key>: ...".
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hpo {

// Parses YAML text, refusing nesting deeper than `max_depth` (yaml-cpp recursed without
// bound on deep nesting: CVE-2017-5950). Throws a usage Error with file:line:column.
YAML::Node ParseYaml(const std::string& text, const std::string& file, int max_depth = 64);

// "<file>:<line>: <key>: " for a node (line is 1-based); "<file>: <key>: " when unknown.
std::string Where(const std::string& file, const YAML::Node& node, const std::string& key);

// Converts a YAML value to JSON with YAML 1.2 core-schema typing of plain scalars
// (int, float, bool, null, string; quoted scalars stay strings).
nlohmann::json YamlToJson(const YAML::Node& node);

// True when the node is a plain (unquoted) scalar that reads as a number.
bool IsNumber(const YAML::Node& node);

// The closest of `candidates` to `word` (edit distance <= 2), or "" when none is close.
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hpo
