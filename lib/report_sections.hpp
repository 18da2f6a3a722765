// The report page's HTML sections other than the plots: the summary (cards, best
// configuration, search space), the sortable trials table, and the failures (grouped by
// cause, then the most recent ones with links to their logs); and the small HTML pieces they
// and the page are made of. Every text goes through AppendEscaped.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report_data.hpp"

namespace hpo {

// Opens <section id=...> with an <h2> title; the caller closes it.
void OpenSection(std::string& o, const char* id, const std::string& title);

// <p> (with a class when given).
void Paragraph(std::string& o, const std::string& text, const char* cls = nullptr);

// Cards of figures, the best configuration and the search space.
void SummarySection(std::string& o, const ReportData& d);

// Every trial (finished best first, then running, failed, pending by id; at most
// max_table_rows), sortable by any column.
void TrialsTable(std::string& o, const ReportData& d, const std::vector<std::size_t>& ranked);

// The causes of failure with their trial ids and stderr tail, then the most recent failures
// (at most max_failure_rows) with links to their logs.
void FailuresSection(std::string& o, const ReportData& d);

// A link to a log file: relative when the page is written to the campaign directory and the
// log lies in it, a file:// URL otherwise; empty for an empty path.
std::string LogLink(const ReportData& d, const std::string& path);

}  // namespace hpo
