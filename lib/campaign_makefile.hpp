// The campaign's Makefile: templates/Makefile.in rendered once into the campaign directory
// with the paths of the tools that made it, so `make -C DIR report|collect|status` works
// without hpo on PATH. hpo-collect and hpo-report both render it.
#pragma once

#include <string>

#include "campaign.hpp"

namespace hpo {

// Renders templates/Makefile.in into the campaign's Makefile (targets report, collect,
// status calling the hpo-collect and hpo-report found in `tools_dir`) unless a Makefile is
// there already (a user's edits are kept). Never replaces a file, even when racing.
void EnsureCampaignMakefile(const Campaign& campaign, const std::string& tools_dir);

}  // namespace hpo
