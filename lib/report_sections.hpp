// The report page's HTML sections other than the plots: the summary (cards, best
// configuration, search space), the sortable trials table, and the failures (grouped by
// cause, then the most recent ones with links to their logs); and the small HTML pieces they
// and the page are made of. Every text goes through AppendEscaped.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report_data.hpp"
#include "report_pruning.hpp"

namespace hpo {

// Opens <section id=...> with an <h2> title; the caller closes it.
void OpenSection(std::string& o, const char* id, const std::string& title);

// <p> (with a class when given).
void Paragraph(std::string& o, const std::string& text, const char* cls = nullptr);

// Cards of figures, the best configuration and the search space.
void SummarySection(std::string& o, const ReportData& d);

// The pruner's settings in a line, and (with d.pruning) cards of the early stopping figures:
// pruned trials, compute saved, steps run.
void EarlyStoppingFigures(std::string& o, const ReportData& d, const EarlyStopping& e);

// The occupancy of every rung as a table: reached, stopped there, went on.
void RungTable(std::string& o, const ReportData& d, const EarlyStopping& e);

// Every trial (finished best first, then pruned by how far they went, running, failed,
// pending by id; at most max_table_rows), sortable by any column; with d.pruning a column
// says where each pruned trial stopped.
void TrialsTable(std::string& o, const ReportData& d, const std::vector<std::size_t>& ranked);

// The causes of failure with their trial ids and stderr tail, then the most recent failures
// (at most max_failure_rows) with links to their logs.
void FailuresSection(std::string& o, const ReportData& d);

// "Which hyperparameters matter": the parameters by importance (ReportData::importance), a
// bar each, and how it is measured. Nothing when there is no importance.
void ImportanceSection(std::string& o, const ReportData& d);

// A link to a log file: relative when the page is written to the campaign directory and the
// log lies in it, a file:// URL otherwise; empty for an empty path.
std::string LogLink(const ReportData& d, const std::string& path);

}  // namespace hpo
