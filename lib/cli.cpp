#include "cli.hpp"

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

}  // namespace hpo
