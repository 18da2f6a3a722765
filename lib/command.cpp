#include "command.hpp"

#include "error.hpp"
#include "process.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

const char* const kFixed[] = {"config_file", "result_file", "trial_dir", "trial_id", "attempt",
                              "config_dir"};

// Calls `on_text(text)` for literal runs and `on_name(name)` for placeholders.
template <class Text, class Name>
void Scan(const std::string& s, const std::string& where, Text on_text, Name on_name) {
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 2, "{{") == 0 || s.compare(i, 2, "}}") == 0) {
      on_text(std::string(1, s[i]));
      i += 2;
    } else if (s[i] == '{') {
      size_t end = s.find('}', i);
      if (end == std::string::npos)
        throw UsageError(where + "unclosed '{' in '" + s + "'; write {{ for a literal brace");
      on_name(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      size_t next = s.find_first_of("{}", i);
      if (next == i) next = i + 1;  // a lone '}'
      on_text(s.substr(i, next == std::string::npos ? std::string::npos : next - i));
      i = next == std::string::npos ? s.size() : next;
    }
  }
}

}  // namespace

bool IsFixedPlaceholder(const std::string& name) {
  for (const char* f : kFixed)
    if (name == f) return true;
  return false;
}

void CheckCommandTemplate(const std::vector<std::string>& argv_template,
                          const std::vector<std::string>& param_names, const std::string& where,
                          const std::map<std::string, std::string>& conditional) {
  if (argv_template.empty())
    throw UsageError(where + "is empty; give the command that runs one trial, e.g. "
                             "python train.py --config {config_file}");
  for (const auto& element : argv_template) {
    Scan(element, where, [](const std::string&) {},
         [&](const std::string& name) {
           if (IsFixedPlaceholder(name)) return;
           if (auto c = conditional.find(name); c != conditional.end())
             throw UsageError(where + "placeholder {" + name + "} is a conditional parameter (it exists only " +
                              c->second + "): a trial of another branch has no value for it; read it "
                              "from the trial's config ($HPO_CONFIG, or {config_file}) instead");
           for (const auto& p : param_names)
             if (name == p) return;
           throw UsageError(where + "unknown placeholder {" + name +
                            "}; use {config_file}, {result_file}, {trial_dir}, {trial_id}, "
                            "{attempt}, {config_dir} or a parameter of the space");
         });
  }
}

std::vector<std::string> RenderCommand(const std::vector<std::string>& argv_template,
                                       const CommandContext& ctx, const nlohmann::json& config) {
  std::vector<std::string> argv;
  argv.reserve(argv_template.size());
  for (const auto& element : argv_template) {
    std::string out;
    Scan(element, "trial.command: ", [&](const std::string& t) { out += t; },
         [&](const std::string& name) {
           if (name == "config_file") out += ctx.config_file;
           else if (name == "result_file") out += ctx.result_file;
           else if (name == "trial_dir") out += ctx.trial_dir;
           else if (name == "trial_id") out += ctx.trial_id;
           else if (name == "attempt") out += ctx.attempt;
           else if (name == "config_dir") out += ctx.config_dir;
           else if (auto it = config.find(name); it != config.end())
             out += it->is_string() ? it->get<std::string>() : it->dump();
           else
             throw Error("trial.command: placeholder {" + name + "} has no value in this trial's config");
         });
    argv.push_back(std::move(out));
  }
  return argv;
}

void CheckTrialProgram(const std::vector<std::string>& argv_template, const std::string& config_file,
                       const std::string& config_dir, const std::string& workdir,
                       const std::string& path, ProgramCheck where) {
  if (argv_template.empty()) return;
  // The program with {config_dir} in place; any other placeholder makes it unknowable.
  std::string program;
  bool knowable = true;
  Scan(argv_template[0], "trial.command: ", [&](const std::string& t) { program += t; },
       [&](const std::string& name) {
         if (name == "config_dir") program += config_dir;
         else knowable = false;
       });
  if (!knowable || program.empty()) return;
  std::string where_msg = config_file + ": trial.command: ";
  switch (LocateProgram(program, workdir, path)) {
    case ProgramStatus::kFound:
      return;
    case ProgramStatus::kMissing:
      throw UsageError(where_msg + "the program " + program + " does not exist" +
                       (program[0] == '/' ? std::string()
                                          : " (relative paths start in " + workdir + ", where the trials run)") +
                       "; fix the path, or use {config_dir}/... for a file beside the config");
    case ProgramStatus::kNotExecutable:
      throw UsageError(where_msg + "the program " + program +
                       " is not executable; chmod +x it, or run it through its interpreter "
                       "(bash script.sh, python3 script.py)");
    case ProgramStatus::kNotOnPath:
      if (where == ProgramCheck::kHere)
        throw UsageError(where_msg + program + " is not on PATH; give its full path, or put it on PATH");
      Warning(where_msg + program + " is not on PATH here; it must be on the compute nodes' PATH "
              "after slurm.env_setup, or every trial fails with \"cannot start the trial command\"");
      return;
  }
}

}  // namespace hpo
