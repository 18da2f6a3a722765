#include "campaign_makefile.hpp"

#include <boost/filesystem/operations.hpp>

#include "atomic_file.hpp"
#include "templates.hpp"

namespace hpo {
namespace {

// A tool's absolute path for a recipe line: shell-quoted, then '$' doubled and '#' escaped
// so make passes it through.
std::string MakeQuotedTool(const std::string& tools_dir, const char* tool) {
  std::string q =
      ShellQuote((fs::absolute(fs::path(tools_dir)) / tool).lexically_normal().string());
  std::string out;
  for (char c : q) {
    if (c == '$')
      out += "$$";
    else if (c == '#')
      out += "\\#";
    else
      out += c;
  }
  return out;
}

}  // namespace

void EnsureCampaignMakefile(const Campaign& campaign, const std::string& tools_dir) {
  const Layout& L = campaign.layout();
  boost::system::error_code ec;
  if (fs::exists(fs::symlink_status(L.makefile(), ec))) return;
  std::string text = RenderTemplate(LoadTemplate("Makefile.in"),
                                    {{"collect", MakeQuotedTool(tools_dir, "hpo-collect")},
                                     {"report", MakeQuotedTool(tools_dir, "hpo-report")}},
                                    "Makefile.in");
  WriteFileAtomic(L.makefile(), text, Publish::kNoReplace, L.tmp_dir());
}

}  // namespace hpo
