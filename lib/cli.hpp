// Command-line parsing shared by the tools: --help (with usage and examples) and --version.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hpo {

namespace po = boost::program_options;

// Describes one tool's command line for --help.
struct CliSpec {
  std::string usage;     // "hpo-sample [options]"
  std::string summary;   // one paragraph: what the tool does, where it fits the pipeline
  std::string examples;  // lines of examples
};

// Parses argv with `options` (plus --help/-h and --version, added here) and `positional`.
// Returns false when --help or --version was printed (the tool then exits 0). Unknown or
// malformed options throw a usage Error naming the option.
bool ParseCommandLine(int argc, char** argv, const CliSpec& spec, po::options_description& options,
                      const po::positional_options_description& positional,
                      po::variables_map& vm);

// `text` as a whole number in [min, max], strictly: optional '-', decimal digits, nothing else
// (no blanks, '+', hex, exponent or trailing junk, which atoi/stoll accept or ignore).
// nullopt otherwise, also on overflow.
std::optional<std::int64_t> ParseWholeNumber(std::string_view text, std::int64_t min,
                                             std::int64_t max);

// `text` as a finite decimal number (strtod's syntax, the whole text); nullopt otherwise.
std::optional<double> ParseFiniteNumber(const std::string& text);

}  // namespace hpo
