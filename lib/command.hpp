// The trial command: an argv template whose placeholders become single argv elements.
// No value is ever seen by a shell.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hpo {

// Values of the fixed placeholders of one trial. config_dir: the folder of the config file
// the campaign was created from (absolute), so an example's script is found wherever it is
// installed.
struct CommandContext {
  std::string config_file, result_file, trial_dir, trial_id, attempt, config_dir;
};

// True for the names of the fixed placeholders; a parameter of that name would be shadowed.
bool IsFixedPlaceholder(const std::string& name);

// Checks that every {name} in `argv_template` is a known placeholder (config_file,
// result_file, trial_dir, trial_id, attempt, config_dir) or a parameter name; "{{" and "}}" stand for
// literal braces. A parameter of `conditional` (name -> "when optimizer = sgd") is refused:
// trials of another branch have no value for it. Throws a usage Error that names `where`.
void CheckCommandTemplate(const std::vector<std::string>& argv_template,
                          const std::vector<std::string>& param_names, const std::string& where,
                          const std::map<std::string, std::string>& conditional = {});

// Substitutes placeholders element by element. A string parameter is inserted as is; any
// other value as compact JSON (numbers, lists). Each template element stays one argv element.
std::vector<std::string> RenderCommand(const std::vector<std::string>& argv_template,
                                       const CommandContext& ctx, const nlohmann::json& config);

// How sure hpo-submit can be that the trial's program will be found where trials run.
enum class ProgramCheck {
  kHere,       // trials run here (--local): the PATH here is theirs
  kElsewhere,  // trials run on compute nodes (--array) whose PATH env_setup may change
};

// Checks, before anything is recorded, that the program of the trial command can be
// started: a path (with a '/', relative to `workdir`, after {config_dir}) must be an
// executable file; a bare name must be on `path`. A usage Error names `config_file` and says
// what to change; a bare name missing under kElsewhere is only a warning (the compute
// node's PATH after slurm.env_setup may have it). A program chosen by a parameter
// placeholder cannot be known and is not checked.
void CheckTrialProgram(const std::vector<std::string>& argv_template, const std::string& config_file,
                       const std::string& config_dir, const std::string& workdir,
                       const std::string& path, ProgramCheck where);

}  // namespace hpo
