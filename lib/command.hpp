// The trial command: an argv template whose placeholders become single argv elements.
// No value is ever seen by a shell.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hpo {

// Values of the fixed placeholders of one trial.
struct CommandContext {
  std::string config_file, result_file, trial_dir, trial_id, attempt;
};

// True for the names of the fixed placeholders; a parameter of that name would be shadowed.
bool IsFixedPlaceholder(const std::string& name);

// Checks that every {name} in `argv_template` is a known placeholder (config_file,
// result_file, trial_dir, trial_id, attempt) or a parameter name; "{{" and "}}" stand for
// literal braces. Throws a usage Error that names `where`.
void CheckCommandTemplate(const std::vector<std::string>& argv_template,
                          const std::vector<std::string>& param_names, const std::string& where);

// Substitutes placeholders element by element. A string parameter is inserted as is; any
// other value as compact JSON (numbers, lists). Each template element stays one argv element.
std::vector<std::string> RenderCommand(const std::vector<std::string>& argv_template,
                                       const CommandContext& ctx, const nlohmann::json& config);

}  // namespace hpo
