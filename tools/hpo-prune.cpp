// hpo-prune: the trial side of early stopping. A trial calls it with the step it reached and
// its value there; the exit status says whether to go on (0) or stop (1).
#include <cmath>
#include <cstdlib>
#include <string>

#include "cli.hpp"
#include "error.hpp"
#include "learning_curve.hpp"
#include "prune_step.hpp"
#include "tool.hpp"

namespace {

constexpr int kContinue = 0, kStop = 1;

struct Options {
  std::string campaign, trial, step, value;
  bool curve = true;
};

// `given`, or the variable hpo-run sets for the trial; `option` names the way to give it.
std::string GivenOrEnv(const std::string& given, const char* variable, const char* what, const char* option) {
  if (!given.empty()) return given;
  const char* v = std::getenv(variable);
  if (!v || !*v)
    throw hpo::UsageError(std::string("no ") + what + ": give " + option +
                          ", or run it from a trial started by hpo-run (which sets " + variable + ")");
  return v;
}

// A number as a trial prints it ("0.25", "1e-3", "nan", "inf"); nullopt for anything else.
std::optional<double> ParseReal(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

int AttemptFromEnv() {
  const char* a = std::getenv("HPO_ATTEMPT");
  auto n = a ? hpo::ParseWholeNumber(a, 1, 1000000) : std::nullopt;
  return n ? static_cast<int>(*n) : 1;
}

int Prune(const Options& o) {
  auto step = ParseReal(o.step), value = ParseReal(o.value);
  if (!step || !std::isfinite(*step) || *step < 0)
    throw hpo::UsageError("STEP '" + o.step + "' is not a number >= 0 (the epoch or step the trial reached)");
  if (!value) throw hpo::UsageError("VALUE '" + o.value + "' is not a number (nan and inf are taken, and stop)");
  const std::string dir = GivenOrEnv(o.campaign, "HPO_CAMPAIGN_DIR", "campaign", "--campaign DIR");
  auto id = hpo::ParseWholeNumber(GivenOrEnv(o.trial, "HPO_TRIAL_ID", "trial", "--trial ID"), 0, hpo::kMaxTrialId);
  if (!id) throw hpo::UsageError("the trial id is not a whole number from 0 to " + std::to_string(hpo::kMaxTrialId));
  std::optional<hpo::Campaign> campaign;
  try {
    campaign.emplace(hpo::Campaign::Open(dir));
  } catch (const hpo::Error& e) {
    throw hpo::UsageError(e.what());  // exit 2, never 1: 1 means "stop"
  }
  // Losing a training to a file system hiccup is worse than not stopping it: on an I/O error
  // the trial goes on, and says so.
  if (o.curve) {
    try {
      hpo::AppendCurvePoint(campaign->layout().trial_progress(*id), *step, *value, AttemptFromEnv());
    } catch (const hpo::Error& e) {
      hpo::Warning(std::string(e.what()) + "; the point is missing from the learning curve");
    }
  }
  try {
    hpo::PruneAnswer a = hpo::ReportStep(*campaign, *id, *step, *value);
    if (a.verdict == hpo::Verdict::kStop) {
      hpo::Info(a.why);
      return kStop;
    }
  } catch (const hpo::Error& e) {
    if (e.kind() == hpo::ErrorKind::kUsage) throw;
    hpo::Warning(std::string(e.what()) + "; the trial continues");
  }
  return kContinue;
}

int Run(int argc, char** argv) {
  Options o;
  hpo::po::options_description desc("options");
  desc.add_options()
      ("step", hpo::po::value(&o.step), "the step (epoch) reached (positional)")
      ("value", hpo::po::value(&o.value), "the metric's value at that step (positional)")
      ("campaign", hpo::po::value(&o.campaign), "campaign directory (default: $HPO_CAMPAIGN_DIR)")
      ("trial", hpo::po::value(&o.trial), "trial id (default: $HPO_TRIAL_ID)")
      ("no-curve", "do not append the point to the trial's progress.jsonl (the caller wrote it)")
      ("quiet,q", "print nothing when the trial stops");
  hpo::po::positional_options_description pos;
  pos.add("step", 1).add("value", 1);
  hpo::po::variables_map vm;
  hpo::CliSpec spec{
      "hpo-prune STEP VALUE",
      "Reports a trial's metric VALUE at STEP (an epoch, or any count of work done) to the\n"
      "campaign's pruner (its `pruner:` section) and says whether the trial should go on.\n"
      "Appends the point to trials/trial_<i>/progress.jsonl (the learning curve); at a rung\n"
      "it records the value there and decides, once per rung: a requeued or resumed attempt\n"
      "gets the same answer. A trial told to stop exits 0 on its own; hpo-run then records it\n"
      "in pruned/. With kind none (or no pruner section) it records the point and says go on.\n"
      "Exit status:\n"
      "  0  continue (also when a record could not be written: a warning says why)\n"
      "  1  stop: exit the trial now (status 0; a result file is not needed)\n"
      "  2  a usage mistake (bad number, not in a campaign)",
      "  for epoch in $(seq 1 27); do\n"
      "    train_one_epoch; err=$(evaluate)\n"
      "    \"${HPO_PRUNE:-hpo-prune}\" \"$epoch\" \"$err\" ||\n"
      "      { rc=$?; [ $rc -eq 1 ] && exit 0; exit $rc; }   # 1: told to stop; 2: a mistake\n"
      "  done\n"};
  if (!hpo::ParseCommandLine(argc, argv, spec, desc, pos, vm)) return 0;
  if (vm.count("quiet")) hpo::SetQuiet(true);
  if (o.step.empty() || o.value.empty()) throw hpo::UsageError("give STEP and VALUE (see hpo-prune --help)");
  o.curve = !vm.count("no-curve");
  return Prune(o);
}

}  // namespace

int main(int argc, char** argv) { return hpo::RunTool("hpo-prune", [&] { return Run(argc, argv); }); }
