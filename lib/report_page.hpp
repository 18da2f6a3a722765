// The report page: one self-contained HTML document (XHTML-compatible: every element
// closed, only XML's five entities; inline CSS and one small inline script that sorts
// tables; nothing is loaded from anywhere). It lays out the summary, the plots, the timeline
// and the tables in that order; each part is drawn by report_sections, plots and
// plot_timeline.
#pragma once

#include <string>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"
#include "report_data.hpp"

namespace hpo {

// The whole page of `rows` (from ScanCampaign).
std::string RenderReportHtml(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options);

}  // namespace hpo
