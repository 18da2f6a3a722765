// hpo-sample: print trial configurations as JSON Lines.
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "cli.hpp"
#include "config.hpp"
#include "error.hpp"
#include "sampler.hpp"
#include "tool.hpp"

namespace {

struct Options {
  std::string config = "hpo.yaml";
  std::optional<std::int64_t> n, seed;
  std::int64_t start = 0;
  std::optional<std::string> method;
};

int Run(int argc, char** argv) {
  Options opt;
  hpo::po::options_description desc("options");
  desc.add_options()
      ("config,c", hpo::po::value(&opt.config), "config file (default hpo.yaml)")
      ("n,n", hpo::po::value<std::int64_t>(), "number of trials (default hpo.n_trials)")
      ("start", hpo::po::value(&opt.start), "first trial id (default 0); extends a campaign")
      ("seed", hpo::po::value<std::int64_t>(), "seed (default hpo.seed)")
      ("method", hpo::po::value<std::string>(), "random or sobol (default hpo.method, random)");
  hpo::po::variables_map vm;
  hpo::CliSpec spec{
      "hpo-sample [-c CONFIG] [-n N] [--start K] [--seed S] [--method random|sobol]",
      "Prints N trial configurations drawn from the config's space, one JSON object a line:\n"
      "  {\"trial_id\": 7, \"config\": {...}}\n"
      "Trial i is a pure function of (space, seed, i): the same line comes out whether it is\n"
      "drawn in a batch or alone with --start. Pipe it into hpo-submit.",
      "  hpo-sample -n 100 | hpo-submit --array\n"
      "  hpo-sample -c examples/mlp/hpo.yaml --start 50 -n 50   # extend a 50-trial campaign\n"
      "  hpo-sample --method sobol -n 64 > trials.jsonl\n"};
  if (!hpo::ParseCommandLine(argc, argv, spec, desc, {}, vm)) return 0;
  hpo::Config cfg = hpo::LoadConfig(opt.config);
  std::int64_t n = vm.count("n") ? vm["n"].as<std::int64_t>() : cfg.hpo.n_trials;
  if (n < 0) throw hpo::UsageError("-n: must be >= 0, got " + std::to_string(n));
  if (opt.start < 0) throw hpo::UsageError("--start: must be >= 0, got " + std::to_string(opt.start));
  if (opt.start + n - 1 > hpo::kMaxTrialId)
    throw hpo::UsageError("--start + -n: trial ids stop at " + std::to_string(hpo::kMaxTrialId));
  std::uint64_t seed = cfg.hpo.seed;
  if (vm.count("seed")) {
    std::int64_t s = vm["seed"].as<std::int64_t>();
    if (s < 0) throw hpo::UsageError("--seed: must be >= 0, got " + std::to_string(s));
    seed = static_cast<std::uint64_t>(s);
  }
  hpo::Method method = cfg.hpo.method;
  if (vm.count("method")) {
    auto m = hpo::ParseMethod(vm["method"].as<std::string>());
    if (!m) throw hpo::UsageError("--method: must be random or sobol, got '" + vm["method"].as<std::string>() + "'");
    method = *m;
  }
  hpo::Sampler sampler(cfg.space, seed, method);
  std::string buf;
  buf.reserve(1 << 20);
  for (std::int64_t i = 0; i < n; ++i) {
    sampler.AppendLine(opt.start + i, buf);
    if (buf.size() > (1 << 20) - 4096 || i + 1 == n) {
      if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) {
        if (errno == EPIPE) return 0;  // the reader is gone (hpo-sample | head)
        throw hpo::Error("failed to write to standard output: " + hpo::ErrnoText(errno));
      }
      buf.clear();
    }
  }
  if (std::fflush(stdout) != 0 && errno != EPIPE)
    throw hpo::Error("failed to write to standard output: " + hpo::ErrnoText(errno));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return hpo::RunTool("hpo-sample", [&] { return Run(argc, argv); });
}
