#include "templates.hpp"

#include <cstdlib>
#include <vector>

#include "atomic_file.hpp"
#include "error.hpp"
#include "process.hpp"

namespace hpo {

std::string LoadTemplate(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("HPO_TEMPLATE_DIR"); env && *env) dirs.push_back(env);
  dirs.push_back(ExecutableDir() + "/../share/hpo/templates");
#ifdef HPO_SOURCE_TEMPLATE_DIR
  dirs.push_back(HPO_SOURCE_TEMPLATE_DIR);
#endif
  std::string looked;
  for (const auto& d : dirs) {
    if (auto text = ReadFile(d + "/" + name, 1 << 20)) return *text;
    looked += (looked.empty() ? "" : ", ") + d;
  }
  throw Error("template " + name + " not found (looked in " + looked +
              "); set HPO_TEMPLATE_DIR or reinstall");
}

std::string RenderTemplate(const std::string& text, const std::map<std::string, std::string>& vars,
                           const std::string& name) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (true) {
    size_t open = text.find("{{", i);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) throw Error("template " + name + ": unclosed {{");
    out.append(text, i, open - i);
    std::string key = text.substr(open + 2, close - open - 2);
    auto it = vars.find(key);
    if (it == vars.end()) throw Error("template " + name + ": no value for {{" + key + "}}");
    out += it->second;
    i = close + 2;
  }
  out.append(text, i, std::string::npos);
  return out;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace hpo
