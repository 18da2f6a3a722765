#include "cli.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "error.hpp"
#include "tool.hpp"

namespace hpo {

bool ParseCommandLine(int argc, char** argv, const CliSpec& spec, po::options_description& options,
                      const po::positional_options_description& positional,
                      po::variables_map& vm) {
  options.add_options()("help,h", "print this help and exit")("version", "print the version and exit");
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see " + ToolName() + " --help)");
  }
  if (vm.count("help")) {
    std::cout << "usage: " << spec.usage << "\n\n" << spec.summary << "\n\n" << options << "\n";
    if (!spec.examples.empty()) std::cout << "examples:\n" << spec.examples << "\n";
    return false;
  }
  if (vm.count("version")) {
    std::cout << ToolName() << " " << VersionString() << "\n";
    return false;
  }
  return true;
}

std::optional<std::int64_t> ParseWholeNumber(std::string_view text, std::int64_t min,
                                             std::int64_t max) {
  size_t digits = !text.empty() && text[0] == '-' ? 1 : 0;
  if (digits == text.size()) return std::nullopt;
  for (size_t i = digits; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  std::int64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < min || v > max)
    return std::nullopt;
  return v;
}

std::optional<double> ParseFiniteNumber(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace hpo
