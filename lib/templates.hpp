// Text templates (templates/*.in) with {{name}} placeholders, found relative to the tools.
#pragma once

#include <map>
#include <string>

namespace hpo {

// Reads template `name` ("array.sbatch.in") from, in order: $HPO_TEMPLATE_DIR, the install
// tree (<bindir>/../share/hpo/templates), the source tree this binary was built from.
// Throws an Error listing where it looked.
std::string LoadTemplate(const std::string& name);

// Replaces every {{key}} with vars[key]. Throws an Error naming the template on a
// placeholder without a value.
std::string RenderTemplate(const std::string& text, const std::map<std::string, std::string>& vars,
                           const std::string& name);

// Quotes a string for POSIX sh: 'it'\''s' (for the one line of a script that names paths).
std::string ShellQuote(const std::string& s);

}  // namespace hpo
